//! Where the money on an act goes.
//!
//! - **Sgravi** lower the amounts due as if they had never been charged (interest on the
//!   discharged part never accrues): first the instalment the sgravio names, then from the
//!   last instalment backwards, so the earliest instalments keep their amounts. An act that
//!   is `annullato` or `sgravato` owes nothing at all.
//! - **Payments and compensazioni**, in date order, go to the instalment they name first,
//!   then to the instalments oldest first (by due date, then number).
//! - **Overpayment**: money left once every instalment is paid is not spread to other acts
//!   nor taken as interest; it stays on the act as a credit, shown on the statement, until
//!   the office refunds it (rimborso) or offsets it on another act (compensazione there,
//!   rimborso here). Payments on a cancelled act are all credit.
//!
//! Only what happened on or before `as_of` counts.

use chrono::NaiveDate;

use super::acts::{Act, Adjustment, AdjustmentKind, Payment};

/// One instalment with its amount after sgravi and the money allocated to it, in date order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalmentLedger {
    pub n: u32,
    pub due_date: NaiveDate,
    /// Cents due after sgravi (zero on a cancelled act).
    pub amount: i64,
    /// `(date, cents)`, dates non-decreasing.
    pub allocations: Vec<(NaiveDate, i64)>,
}

impl InstalmentLedger {
    pub fn paid(&self) -> i64 {
        self.allocations.iter().map(|(_, c)| c).sum()
    }

    /// Cents still due after every allocation dated on or before `day`.
    pub fn residual_on(&self, day: NaiveDate) -> i64 {
        self.amount
            - self
                .allocations
                .iter()
                .take_while(|(d, _)| *d <= day)
                .map(|(_, c)| c)
                .sum::<i64>()
    }

    /// The day the residual reached zero, if it did.
    pub fn settled_on(&self) -> Option<NaiveDate> {
        if self.amount == 0 {
            return None;
        }
        let mut left = self.amount;
        for (d, c) in &self.allocations {
            left -= c;
            if left == 0 {
                return Some(*d);
            }
        }
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// In the act's order: due date, then number.
    pub instalments: Vec<InstalmentLedger>,
    /// Money received that no instalment needed.
    pub excess: i64,
    /// Refunds made (rimborsi).
    pub refunded: i64,
    /// Cents no longer due: sgravi, or the whole act when cancelled.
    pub discharged: i64,
}

impl Allocation {
    /// Credit left to the contribuente: the excess not yet refunded (never negative; a
    /// refund above it is refused when recorded, see `adjust::check`).
    pub fn credit(&self) -> i64 {
        (self.excess - self.refunded).max(0)
    }
}

pub fn allocate(
    act: &Act,
    payments: &[Payment],
    adjustments: &[Adjustment],
    as_of: NaiveDate,
) -> Allocation {
    let mut instalments: Vec<InstalmentLedger> = act
        .instalments
        .iter()
        .map(|i| InstalmentLedger {
            n: i.n,
            due_date: i.due_date,
            amount: i.amount.cents(),
            allocations: Vec::new(),
        })
        .collect();
    let mut discharged = 0;
    if act.status.is_cancelled() {
        for i in &mut instalments {
            discharged += i.amount;
            i.amount = 0;
        }
    } else {
        let mut sgravi: Vec<&Adjustment> = adjustments
            .iter()
            .filter(|a| a.kind == AdjustmentKind::Sgravio && a.date <= as_of)
            // A granted plan already spreads what was due after earlier sgravi.
            .filter(|a| act.plan_granted_on.is_none_or(|g| a.date > g))
            .collect();
        sgravi.sort_by_key(|a| a.date);
        for s in sgravi {
            let mut left = s.amount.cents();
            let named = s
                .instalment
                .and_then(|n| instalments.iter().position(|i| i.n == n));
            let order = named
                .into_iter()
                .chain((0..instalments.len()).rev().filter(|&k| Some(k) != named));
            for k in order {
                let take = left.min(instalments[k].amount);
                instalments[k].amount -= take;
                discharged += take;
                left -= take;
                if left == 0 {
                    break;
                }
            }
        }
    }

    let mut lines: Vec<(NaiveDate, i64, Option<u32>)> = payments
        .iter()
        .filter(|p| p.date <= as_of)
        .map(|p| (p.date, p.amount.cents(), p.instalment))
        .chain(
            adjustments
                .iter()
                .filter(|a| a.kind == AdjustmentKind::Compensazione && a.date <= as_of)
                .map(|a| (a.date, a.amount.cents(), a.instalment)),
        )
        .collect();
    lines.sort_by_key(|(date, _, _)| *date);
    let mut residual: Vec<i64> = instalments.iter().map(|i| i.amount).collect();
    let mut excess = 0;
    for (date, amount, named) in lines {
        let mut left = amount;
        let named = named.and_then(|n| instalments.iter().position(|i| i.n == n));
        let order = named
            .into_iter()
            .chain((0..instalments.len()).filter(|&k| Some(k) != named));
        for k in order {
            if left == 0 {
                break;
            }
            let take = left.min(residual[k]);
            if take > 0 {
                residual[k] -= take;
                instalments[k].allocations.push((date, take));
                left -= take;
            }
        }
        excess += left;
    }
    let refunded = adjustments
        .iter()
        .filter(|a| a.kind == AdjustmentKind::Rimborso && a.date <= as_of)
        .map(|a| a.amount.cents())
        .sum();
    Allocation {
        instalments,
        excess,
        refunded,
        discharged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tax::acts::{ActKind, ActStatus, NewAct, PaymentChannel, Tributo};
    use crate::types::Money;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn act() -> Act {
        Act::new(NewAct {
            kind: ActKind::AvvisoOrdinario,
            tributo: Tributo::Tari,
            number: "1".into(),
            year: 2025,
            issued_on: d(2025, 1, 1),
            notified_on: None,
            components: None,
            instalments: vec![
                (d(2025, 3, 31), Money::from_cents(100)),
                (d(2025, 6, 30), Money::from_cents(100)),
                (d(2025, 9, 30), Money::from_cents(100)),
            ],
        })
        .unwrap()
    }

    fn pay(date: NaiveDate, cents: i64, instalment: Option<u32>) -> Payment {
        Payment {
            date,
            amount: Money::from_cents(cents),
            channel: PaymentChannel::Desk,
            reference: String::new(),
            instalment,
        }
    }

    fn adj(
        kind: AdjustmentKind,
        date: NaiveDate,
        cents: i64,
        instalment: Option<u32>,
    ) -> Adjustment {
        Adjustment {
            kind,
            date,
            amount: Money::from_cents(cents),
            instalment,
            reason: "test".into(),
        }
    }

    fn paid(a: &Allocation) -> Vec<i64> {
        a.instalments.iter().map(InstalmentLedger::paid).collect()
    }

    #[test]
    fn oldest_first_unless_named_and_excess_is_credit() {
        let act = act();
        let payments = [
            pay(d(2025, 2, 1), 150, None),
            pay(d(2025, 2, 2), 30, Some(3)),
            pay(d(2025, 2, 3), 200, Some(3)),
        ];
        let a = allocate(&act, &payments, &[], d(2025, 12, 31));
        // 150 → 100 on #1, 50 on #2; 30 → #3; 200 → 70 on #3, then 50 on #2, 80 left over.
        assert_eq!(paid(&a), [100, 100, 100]);
        assert_eq!(a.excess, 80);
        assert_eq!(
            a.instalments[1].allocations,
            [(d(2025, 2, 1), 50), (d(2025, 2, 3), 50)]
        );
        assert_eq!(a.instalments[0].settled_on(), Some(d(2025, 2, 1)));
        assert_eq!(a.instalments[1].residual_on(d(2025, 2, 2)), 50);
    }

    #[test]
    fn payments_after_as_of_do_not_count_and_order_is_by_date() {
        let act = act();
        let payments = [
            pay(d(2025, 5, 1), 100, None),
            pay(d(2025, 2, 1), 50, Some(2)),
        ];
        let a = allocate(&act, &payments, &[], d(2025, 4, 30));
        assert_eq!(paid(&a), [0, 50, 0]);
        let a = allocate(&act, &payments, &[], d(2025, 5, 1));
        assert_eq!(paid(&a), [100, 50, 0]);
    }

    #[test]
    fn sgravio_from_the_last_instalment_or_the_named_one() {
        let act = act();
        let a = allocate(
            &act,
            &[],
            &[adj(AdjustmentKind::Sgravio, d(2025, 2, 1), 150, None)],
            d(2025, 12, 31),
        );
        assert_eq!(
            a.instalments.iter().map(|i| i.amount).collect::<Vec<_>>(),
            [100, 50, 0]
        );
        assert_eq!(a.discharged, 150);
        let a = allocate(
            &act,
            &[],
            &[adj(AdjustmentKind::Sgravio, d(2025, 2, 1), 150, Some(1))],
            d(2025, 12, 31),
        );
        assert_eq!(
            a.instalments.iter().map(|i| i.amount).collect::<Vec<_>>(),
            [0, 100, 50]
        );
    }

    #[test]
    fn compensazione_pays_and_rimborso_spends_credit() {
        let act = act();
        let adjustments = [
            adj(AdjustmentKind::Compensazione, d(2025, 2, 1), 320, None),
            adj(AdjustmentKind::Rimborso, d(2025, 3, 1), 15, None),
        ];
        let a = allocate(&act, &[], &adjustments, d(2025, 12, 31));
        assert_eq!(paid(&a), [100, 100, 100]);
        assert_eq!((a.excess, a.refunded, a.credit()), (20, 15, 5));
    }

    #[test]
    fn cancelled_act_owes_nothing_and_payments_are_credit() {
        let mut act = act();
        act.status = ActStatus::Annullato;
        let a = allocate(&act, &[pay(d(2025, 2, 1), 100, None)], &[], d(2025, 12, 31));
        assert_eq!(paid(&a), [0, 0, 0]);
        assert_eq!((a.discharged, a.credit()), (300, 100));
    }
}
