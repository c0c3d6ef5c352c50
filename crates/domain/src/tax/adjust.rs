//! Checking an adjustment before it is recorded, and the act status it leads to.

use chrono::NaiveDate;

use super::acts::{ActStatus, Adjustment, AdjustmentKind, check_amount, check_instalment};
use super::allocation::allocate;
use super::it_date;
use super::statement::ActLedger;
use crate::error::{DomainError, Errors, FieldError};
use crate::types::Money;

const MAX_REASON_CHARS: usize = 500;

/// Checks `adj` against the act and what is already recorded on it (as of `today`) and
/// returns the act's status once it is recorded:
/// - annullamento (no amount) → `annullato`;
/// - sgravio up to what is still charged; all of it → `sgravato`;
/// - compensazione up to the residual;
/// - rimborso up to the credit (also on a cancelled act, whose payments are all credit).
///
/// A cancelled act takes only rimborsi. On a rateizzato act a sgravio must be dated after
/// the plan started (earlier ones are already in the plan).
pub fn check(
    ledger: ActLedger<'_>,
    adj: &Adjustment,
    today: NaiveDate,
) -> Result<ActStatus, DomainError> {
    let act = ledger.act;
    let mut errors = Errors::new();
    let reason = adj.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        errors.push(FieldError::new(
            "reason",
            format!("Indicare il motivo (al massimo {MAX_REASON_CHARS} caratteri)"),
            format!("A reason is required (at most {MAX_REASON_CHARS} characters)"),
        ));
    }
    if adj.date < act.issued_on {
        errors.push(FieldError::new(
            "date",
            format!(
                "La data non può precedere l'emissione dell'atto ({})",
                it_date(act.issued_on)
            ),
            format!(
                "The date cannot precede the act's issue date ({})",
                act.issued_on
            ),
        ));
    }
    if adj.date > today {
        errors.push(FieldError::new(
            "date",
            "La data non può essere futura",
            "The date cannot be in the future",
        ));
    }
    if adj.kind == AdjustmentKind::Sgravio
        && let Some(granted) = act.plan_granted_on
        && adj.date <= granted
    {
        errors.push(FieldError::new(
            "date",
            format!(
                "L'atto è rateizzato dal {}: lo sgravio deve avere una data successiva",
                it_date(granted)
            ),
            format!("The act has had a plan since {granted}: the sgravio must be dated later"),
        ));
    }
    match adj.kind {
        AdjustmentKind::Annullamento => {
            if adj.amount != Money::ZERO {
                errors.push(FieldError::new(
                    "amount",
                    "L'annullamento riguarda l'intero atto: non indicare un importo",
                    "An annulment concerns the whole act: give no amount",
                ));
            }
        }
        _ => {
            errors.check(check_amount(adj.amount));
        }
    }
    match (adj.kind, adj.instalment) {
        (AdjustmentKind::Sgravio | AdjustmentKind::Compensazione, n) => {
            errors.check(check_instalment(act, n));
        }
        (_, Some(_)) => errors.push(FieldError::new(
            "instalment",
            "Solo uno sgravio o una compensazione possono riguardare una rata",
            "Only a sgravio or a compensazione may concern one instalment",
        )),
        (_, None) => {}
    }
    errors.finish()?;

    if act.status.is_cancelled() && adj.kind != AdjustmentKind::Rimborso {
        return Err(DomainError::conflict(
            "L'atto è già annullato o sgravato: si può registrare solo un rimborso",
            "The act is already annulled or discharged: only a refund can be recorded",
        ));
    }
    let as_of = today.max(adj.date);
    let alloc = allocate(act, ledger.payments, ledger.adjustments, as_of);
    let charged: i64 = alloc.instalments.iter().map(|i| i.amount).sum();
    let residual: i64 = alloc.instalments.iter().map(|i| i.residual_on(as_of)).sum();
    let amount = adj.amount.cents();
    let over = |it: String, en: String| Err(DomainError::invalid("amount", it, en));
    match adj.kind {
        AdjustmentKind::Annullamento => Ok(ActStatus::Annullato),
        AdjustmentKind::Sgravio if amount > charged => over(
            format!(
                "Lo sgravio supera quanto ancora richiesto dall'atto ({})",
                Money::from_cents(charged)
            ),
            format!(
                "The sgravio exceeds what the act still charges ({})",
                Money::from_cents(charged)
            ),
        ),
        AdjustmentKind::Sgravio if amount == charged => Ok(ActStatus::Sgravato),
        AdjustmentKind::Sgravio => Ok(act.status),
        AdjustmentKind::Compensazione if amount > residual => over(
            format!(
                "La compensazione supera il residuo dell'atto ({})",
                Money::from_cents(residual)
            ),
            format!(
                "The offset exceeds the act's residual ({})",
                Money::from_cents(residual)
            ),
        ),
        AdjustmentKind::Compensazione => Ok(act.status),
        AdjustmentKind::Rimborso if amount > alloc.credit() => over(
            format!(
                "Il rimborso supera il credito del contribuente sull'atto ({})",
                Money::from_cents(alloc.credit())
            ),
            format!(
                "The refund exceeds the contribuente's credit on the act ({})",
                Money::from_cents(alloc.credit())
            ),
        ),
        AdjustmentKind::Rimborso => Ok(act.status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tax::acts::{Act, ActKind, NewAct, Payment, PaymentChannel, Tributo};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn act() -> Act {
        Act::new(NewAct {
            kind: ActKind::AvvisoAccertamento,
            tributo: Tributo::Tari,
            number: "A/1".into(),
            year: 2025,
            issued_on: d(2025, 1, 10),
            notified_on: Some(d(2025, 1, 15)),
            components: None,
            instalments: vec![(d(2025, 3, 16), Money::from_cents(30_000))],
        })
        .unwrap()
    }

    fn adj(kind: AdjustmentKind, cents: i64) -> Adjustment {
        Adjustment {
            kind,
            date: d(2025, 4, 1),
            amount: Money::from_cents(cents),
            instalment: None,
            reason: "autotutela".into(),
        }
    }

    #[test]
    fn statuses_after_each_kind() {
        let act = act();
        let payments = [Payment {
            date: d(2025, 2, 1),
            amount: Money::from_cents(35_000),
            channel: PaymentChannel::Pagopa,
            reference: String::new(),
            instalment: None,
        }];
        let ledger = ActLedger {
            act: &act,
            payments: &payments,
            adjustments: &[],
        };
        let today = d(2025, 5, 1);
        assert_eq!(
            check(ledger, &adj(AdjustmentKind::Annullamento, 0), today),
            Ok(ActStatus::Annullato)
        );
        assert_eq!(
            check(ledger, &adj(AdjustmentKind::Sgravio, 10_000), today),
            Ok(ActStatus::Active)
        );
        assert_eq!(
            check(ledger, &adj(AdjustmentKind::Sgravio, 30_000), today),
            Ok(ActStatus::Sgravato)
        );
        assert!(check(ledger, &adj(AdjustmentKind::Sgravio, 30_001), today).is_err());
        assert_eq!(
            check(ledger, &adj(AdjustmentKind::Rimborso, 5_000), today),
            Ok(ActStatus::Active)
        );
        let err = check(ledger, &adj(AdjustmentKind::Rimborso, 5_001), today).unwrap_err();
        assert!(err.field_errors()[0].message.it.contains("50,00 €"));
        // Paid in full: nothing to offset.
        assert!(check(ledger, &adj(AdjustmentKind::Compensazione, 1), today).is_err());
    }

    #[test]
    fn bad_fields_and_cancelled_acts() {
        let mut act = act();
        let ledger = ActLedger {
            act: &act,
            payments: &[],
            adjustments: &[],
        };
        let mut bad = adj(AdjustmentKind::Annullamento, 5);
        bad.reason = " ".into();
        bad.date = d(2025, 1, 1);
        bad.instalment = Some(1);
        let err = check(ledger, &bad, d(2025, 5, 1)).unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(fields, ["reason", "date", "amount", "instalment"]);
        act.status = ActStatus::Annullato;
        let ledger = ActLedger {
            act: &act,
            payments: &[],
            adjustments: &[],
        };
        assert!(matches!(
            check(ledger, &adj(AdjustmentKind::Sgravio, 1), d(2025, 5, 1)),
            Err(DomainError::Conflict(_))
        ));
    }
}
