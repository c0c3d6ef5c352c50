//! Acts (atti) of a local tax, their instalments, the payments made on them and the
//! adjustments an office records.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::coded_enum;
use super::{at_field, it_date};
use crate::error::{DomainError, Errors};
use crate::types::Money;

/// The kind of an act, in the order they usually come (tributi.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActKind {
    /// The yearly bill (documento ordinario di pagamento).
    AvvisoOrdinario,
    Sollecito,
    AvvisoAccertamento,
    /// Ingiunzione di pagamento (or accertamento esecutivo): riscossione coattiva starts.
    Ingiunzione,
    /// Fermo amministrativo, ipoteca.
    AttoCautelare,
    /// Pignoramento.
    AttoEsecutivo,
}

coded_enum!(ActKind, "kind", "Tipo di atto", "act kind", {
    AvvisoOrdinario => "avviso_ordinario",
    Sollecito => "sollecito",
    AvvisoAccertamento => "avviso_accertamento",
    Ingiunzione => "ingiunzione",
    AttoCautelare => "atto_cautelare",
    AttoEsecutivo => "atto_esecutivo",
});

impl ActKind {
    /// Acts of riscossione coattiva (L. 160/2019 art. 1 c. 802: legal rate + 2 points).
    pub fn is_enforcement(self) -> bool {
        matches!(
            self,
            Self::Ingiunzione | Self::AttoCautelare | Self::AttoEsecutivo
        )
    }

    pub fn label_it(self) -> &'static str {
        match self {
            Self::AvvisoOrdinario => "Avviso di pagamento ordinario",
            Self::Sollecito => "Sollecito di pagamento",
            Self::AvvisoAccertamento => "Avviso di accertamento",
            Self::Ingiunzione => "Ingiunzione di pagamento",
            Self::AttoCautelare => "Atto cautelare",
            Self::AttoEsecutivo => "Atto esecutivo",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::AvvisoOrdinario => "Ordinary payment notice",
            Self::Sollecito => "Payment reminder",
            Self::AvvisoAccertamento => "Assessment notice",
            Self::Ingiunzione => "Payment injunction",
            Self::AttoCautelare => "Precautionary measure",
            Self::AttoEsecutivo => "Enforcement measure",
        }
    }
}

/// Where an act stands. `annullato` and `sgravato` owe nothing; `rateizzato` follows a
/// granted instalment plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActStatus {
    Active,
    /// Annulled in autotutela: nothing is owed, payments become a credit to refund.
    Annullato,
    /// Discharged in full by sgravio.
    Sgravato,
    /// An instalment plan was granted.
    Rateizzato,
}

coded_enum!(ActStatus, "status", "Stato dell'atto", "act status", {
    Active => "active",
    Annullato => "annullato",
    Sgravato => "sgravato",
    Rateizzato => "rateizzato",
});

impl ActStatus {
    /// Whether the act no longer asks for any money.
    pub fn is_cancelled(self) -> bool {
        matches!(self, Self::Annullato | Self::Sgravato)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentChannel {
    Pagopa,
    F24,
    Desk,
    Bank,
}

coded_enum!(PaymentChannel, "channel", "Canale di pagamento", "payment channel", {
    Pagopa => "pagopa",
    F24 => "f24",
    Desk => "desk",
    Bank => "bank",
});

/// What an office records on an act besides payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentKind {
    /// Part (or all) of the amount is no longer due, as if never charged.
    Sgravio,
    /// The whole act is void.
    Annullamento,
    /// The debt is offset by a credit the contribuente holds: it counts as a payment.
    Compensazione,
    /// Money paid in excess (or on a cancelled act) is given back.
    Rimborso,
}

coded_enum!(AdjustmentKind, "kind", "Tipo di rettifica", "adjustment kind", {
    Sgravio => "sgravio",
    Annullamento => "annullamento",
    Compensazione => "compensazione",
    Rimborso => "rimborso",
});

/// The parts an act's amount is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    Tributo,
    Sanzioni,
    Interessi,
    SpeseNotifica,
}

coded_enum!(ComponentKind, "component", "Tipo di componente", "component", {
    Tributo => "tributo",
    Sanzioni => "sanzioni",
    Interessi => "interessi",
    SpeseNotifica => "spese_notifica",
});

/// The local tax an act collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tributo {
    /// Tassa sui rifiuti (L. 147/2013 c. 639).
    Tari,
    /// Tributo provinciale per l'ambiente (D.Lgs. 504/1992 art. 19), collected with TARI.
    Tefa,
    /// TARI giornaliera for temporary occupation (L. 147/2013 c. 662).
    TariGiornaliera,
    Imu,
    /// Abolished from 2020; old acts are still collected.
    Tasi,
    /// Canone unico patrimoniale (L. 160/2019 c. 816).
    CanoneUnico,
}

coded_enum!(Tributo, "tributo", "Tributo", "tax", {
    Tari => "tari",
    Tefa => "tefa",
    TariGiornaliera => "tari_giornaliera",
    Imu => "imu",
    Tasi => "tasi",
    CanoneUnico => "canone_unico",
});

impl Tributo {
    pub fn label(self) -> &'static str {
        match self {
            Self::Tari => "TARI",
            Self::Tefa => "TEFA",
            Self::TariGiornaliera => "TARI giornaliera",
            Self::Imu => "IMU",
            Self::Tasi => "TASI",
            Self::CanoneUnico => "Canone unico",
        }
    }
}

/// A TARI account is domestic (a home) or not (a business, an office…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UtenzaKind {
    Domestica,
    NonDomestica,
}

coded_enum!(UtenzaKind, "kind", "Tipo di utenza", "account kind", {
    Domestica => "domestica",
    NonDomestica => "non_domestica",
});

/// The act's amount by component, as issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Components {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub tributo: Money,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub sanzioni: Money,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub interessi: Money,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub spese_notifica: Money,
}

impl Components {
    pub fn total(&self) -> Money {
        self.tributo + self.sanzioni + self.interessi + self.spese_notifica
    }

    pub fn get(&self, kind: ComponentKind) -> Money {
        match kind {
            ComponentKind::Tributo => self.tributo,
            ComponentKind::Sanzioni => self.sanzioni,
            ComponentKind::Interessi => self.interessi,
            ComponentKind::SpeseNotifica => self.spese_notifica,
        }
    }

    fn validate(&self, field: &str) -> Result<(), DomainError> {
        let mut errors = Errors::new();
        for kind in ComponentKind::ALL {
            let amount = self.get(*kind);
            if amount.cents() < 0 {
                errors.push(crate::error::FieldError::new(
                    format!("{field}.{kind}"),
                    "L'importo non può essere negativo",
                    "The amount cannot be negative",
                ));
            } else if amount > MAX_AMOUNT {
                errors.push(crate::error::FieldError::new(
                    format!("{field}.{kind}"),
                    format!("L'importo non può superare {MAX_AMOUNT}"),
                    format!("The amount cannot exceed {MAX_AMOUNT}"),
                ));
            }
        }
        errors.finish()
    }
}

/// One instalment (rata) of an act. `n` is its number on the act; numbers are unique but
/// need not be contiguous (a granted plan keeps the numbers of the instalments it settles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Instalment {
    pub n: u32,
    pub due_date: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Money,
}

/// Largest amount of one act or payment: ten million euro, far above any local tax and far
/// below where sums of cents × days × rates could overflow.
pub const MAX_AMOUNT: Money = Money::from_cents(1_000_000_000);
/// Most instalments an act may have (a 72-month plan plus settled instalments).
pub const MAX_INSTALMENTS: usize = 240;
const MAX_NUMBER_CHARS: usize = 50;

/// An act as the statement needs it, validated by [`Act::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Act {
    pub kind: ActKind,
    pub status: ActStatus,
    pub tributo: Tributo,
    pub number: String,
    pub year: i32,
    pub issued_on: NaiveDate,
    pub notified_on: Option<NaiveDate>,
    /// As issued; a granted plan changes the instalments, not the components.
    pub components: Components,
    /// Sorted by due date, then number.
    pub instalments: Vec<Instalment>,
    /// The day a plan took effect; set exactly when the status is `rateizzato`.
    pub plan_granted_on: Option<NaiveDate>,
}

/// The fields of a new act; [`Act::new`] checks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAct {
    pub kind: ActKind,
    pub tributo: Tributo,
    pub number: String,
    pub year: i32,
    pub issued_on: NaiveDate,
    pub notified_on: Option<NaiveDate>,
    /// `None`: the whole amount is tributo.
    pub components: Option<Components>,
    /// Due dates and amounts; numbered 1, 2, … in this order.
    pub instalments: Vec<(NaiveDate, Money)>,
}

impl Act {
    /// A new, active act. Every problem is reported at once, by field.
    pub fn new(new: NewAct) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        let number = new.number.trim().to_owned();
        if number.is_empty() || number.chars().count() > MAX_NUMBER_CHARS {
            errors.push(crate::error::FieldError::new(
                "number",
                format!(
                    "Il numero dell'atto è obbligatorio (al massimo {MAX_NUMBER_CHARS} caratteri)"
                ),
                format!("The act number is required (at most {MAX_NUMBER_CHARS} characters)"),
            ));
        }
        errors.check(check_year(new.year));
        if let Some(notified) = new.notified_on
            && notified < new.issued_on
        {
            errors.push(crate::error::FieldError::new(
                "notified_on",
                "La data di notifica non può precedere quella di emissione",
                "The notification date cannot precede the issue date",
            ));
        }
        if new.instalments.is_empty() {
            errors.push(crate::error::FieldError::new(
                "instalments",
                "Indicare almeno una rata",
                "At least one instalment is required",
            ));
        }
        if new.instalments.len() > MAX_INSTALMENTS {
            errors.push(crate::error::FieldError::new(
                "instalments",
                format!("Al massimo {MAX_INSTALMENTS} rate"),
                format!("At most {MAX_INSTALMENTS} instalments"),
            ));
        }
        // Summed with overflow checks: any input reaches here, and an amount far out of range
        // is already reported on its own field.
        let mut total = Some(Money::ZERO);
        for (i, (due, amount)) in new.instalments.iter().enumerate() {
            errors.check(
                check_amount(*amount).map_err(|e| at_field(e, format!("instalments[{i}].amount"))),
            );
            if *due < new.issued_on {
                errors.push(crate::error::FieldError::new(
                    format!("instalments[{i}].due_date"),
                    format!(
                        "La scadenza non può precedere l'emissione dell'atto ({})",
                        it_date(new.issued_on)
                    ),
                    format!(
                        "The due date cannot precede the act's issue date ({})",
                        new.issued_on
                    ),
                ));
            }
            if i > 0 && *due < new.instalments[i - 1].0 {
                errors.push(crate::error::FieldError::new(
                    format!("instalments[{i}].due_date"),
                    "Le scadenze devono essere in ordine",
                    "Due dates must be in order",
                ));
            }
            total = total.and_then(|t| t.checked_add(*amount));
        }
        let components = match new.components {
            Some(c) => {
                let parts = c.validate("components");
                let parts_valid = parts.is_ok();
                errors.check(parts);
                if let Some(total) = total
                    && parts_valid
                    && c.total() != total
                {
                    errors.push(crate::error::FieldError::new(
                        "components",
                        format!(
                            "La somma delle componenti ({}) deve essere uguale a quella delle rate ({})",
                            c.total(),
                            total
                        ),
                        format!(
                            "The components ({}) must add up to the instalments ({})",
                            c.total(),
                            total
                        ),
                    ));
                }
                c
            }
            None => Components {
                tributo: total.unwrap_or(Money::ZERO),
                ..Components::default()
            },
        };
        errors.finish()?;
        Ok(Self {
            kind: new.kind,
            status: ActStatus::Active,
            tributo: new.tributo,
            number,
            year: new.year,
            issued_on: new.issued_on,
            notified_on: new.notified_on,
            components,
            instalments: new
                .instalments
                .iter()
                .zip(1..)
                .map(|(&(due_date, amount), n)| Instalment {
                    n,
                    due_date,
                    amount,
                })
                .collect(),
            plan_granted_on: None,
        })
    }

    /// An act as stored, checked for the invariants the statement relies on.
    pub fn from_parts(mut act: Act) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        act.instalments.sort_by_key(|i| (i.due_date, i.n));
        let mut numbers: Vec<u32> = act.instalments.iter().map(|i| i.n).collect();
        numbers.sort_unstable();
        if numbers.windows(2).any(|w| w[0] == w[1]) || numbers.first() == Some(&0) {
            errors.push(crate::error::FieldError::new(
                "instalments",
                "I numeri delle rate devono essere distinti e maggiori di zero",
                "Instalment numbers must be distinct and greater than zero",
            ));
        }
        if act.instalments.len() > MAX_INSTALMENTS {
            errors.push(crate::error::FieldError::new(
                "instalments",
                format!("Al massimo {MAX_INSTALMENTS} rate"),
                format!("At most {MAX_INSTALMENTS} instalments"),
            ));
        }
        for (i, inst) in act.instalments.iter().enumerate() {
            errors.check(
                check_amount(inst.amount)
                    .map_err(|e| at_field(e, format!("instalments[{i}].amount"))),
            );
        }
        if (act.status == ActStatus::Rateizzato) != act.plan_granted_on.is_some() {
            errors.push(crate::error::FieldError::new(
                "plan_granted_on",
                "Un atto rateizzato deve avere la data di concessione del piano, e solo esso",
                "A rateizzato act must have the date its plan was granted, and only such an act",
            ));
        }
        errors.finish()?;
        Ok(act)
    }

    /// Sum of the instalments as they stand.
    pub fn total(&self) -> Money {
        self.instalments
            .iter()
            .fold(Money::ZERO, |acc, i| acc + i.amount)
    }

    pub fn instalment(&self, n: u32) -> Option<&Instalment> {
        self.instalments.iter().find(|i| i.n == n)
    }

    /// The last due date: the bill's payment deadline.
    pub fn last_due_date(&self) -> Option<NaiveDate> {
        self.instalments.iter().map(|i| i.due_date).max()
    }
}

/// A payment recorded on an act. It goes to the named instalment first, otherwise to the
/// instalments oldest first (see [`allocation`](super::allocation)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub date: NaiveDate,
    pub amount: Money,
    pub channel: PaymentChannel,
    pub reference: String,
    pub instalment: Option<u32>,
}

const MAX_REFERENCE_CHARS: usize = 140;

impl Payment {
    /// A payment on `act`, checked against it and against `today` (no future payments).
    pub fn new(
        act: &Act,
        date: NaiveDate,
        amount: Money,
        channel: PaymentChannel,
        reference: &str,
        instalment: Option<u32>,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        errors.check(check_amount(amount));
        if date < act.issued_on {
            errors.push(crate::error::FieldError::new(
                "date",
                format!(
                    "Il pagamento non può precedere l'emissione dell'atto ({})",
                    it_date(act.issued_on)
                ),
                format!(
                    "The payment cannot precede the act's issue date ({})",
                    act.issued_on
                ),
            ));
        }
        if date > today {
            errors.push(crate::error::FieldError::new(
                "date",
                "La data del pagamento non può essere futura",
                "The payment date cannot be in the future",
            ));
        }
        let reference = reference.trim();
        if reference.chars().count() > MAX_REFERENCE_CHARS
            || reference.chars().any(char::is_control)
        {
            errors.push(crate::error::FieldError::new(
                "reference",
                format!(
                    "Riferimento non valido (al massimo {MAX_REFERENCE_CHARS} caratteri, una riga)"
                ),
                format!("Invalid reference (at most {MAX_REFERENCE_CHARS} characters, one line)"),
            ));
        }
        errors.check(check_instalment(act, instalment));
        errors.finish()?;
        Ok(Self {
            date,
            amount,
            channel,
            reference: reference.to_owned(),
            instalment,
        })
    }
}

/// An adjustment recorded by an operator; check it with [`adjust::check`](super::adjust::check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    pub kind: AdjustmentKind,
    /// The day it takes effect.
    pub date: NaiveDate,
    /// Zero for an annullamento.
    pub amount: Money,
    /// A sgravio or compensazione may name the instalment it concerns.
    pub instalment: Option<u32>,
    pub reason: String,
}

pub(crate) fn check_amount(amount: Money) -> Result<(), DomainError> {
    if amount.cents() <= 0 {
        return Err(DomainError::invalid(
            "amount",
            "L'importo deve essere maggiore di zero",
            "The amount must be greater than zero",
        ));
    }
    if amount > MAX_AMOUNT {
        return Err(DomainError::invalid(
            "amount",
            format!("L'importo non può superare {MAX_AMOUNT}"),
            format!("The amount cannot exceed {MAX_AMOUNT}"),
        ));
    }
    Ok(())
}

pub(crate) fn check_year(year: i32) -> Result<(), DomainError> {
    if (1990..=2100).contains(&year) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "year",
            "Anno non valido (1990–2100)",
            "Invalid year (1990–2100)",
        ))
    }
}

pub(crate) fn check_instalment(act: &Act, instalment: Option<u32>) -> Result<(), DomainError> {
    match instalment {
        Some(n) if act.instalment(n).is_none() => Err(DomainError::invalid(
            "instalment",
            format!("L'atto non ha una rata numero {n}"),
            format!("The act has no instalment number {n}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn assert_codes<T>(all: &[T])
    where
        T: Copy + std::fmt::Debug + PartialEq + Serialize + std::str::FromStr + std::fmt::Display,
        <T as std::str::FromStr>::Err: std::fmt::Debug,
    {
        for v in all {
            let code = v.to_string();
            assert_eq!(code.parse::<T>().unwrap(), *v);
            assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{code}\""));
        }
        assert!("nonexistent".parse::<T>().is_err());
    }

    #[test]
    fn codes_round_trip_and_match_serde() {
        assert_codes(ActKind::ALL);
        assert_codes(ActStatus::ALL);
        assert_codes(PaymentChannel::ALL);
        assert_codes(AdjustmentKind::ALL);
        assert_codes(ComponentKind::ALL);
        assert_codes(Tributo::ALL);
        assert_codes(UtenzaKind::ALL);
        let err = "TARI".parse::<Tributo>().unwrap_err();
        assert_eq!(err.field_errors()[0].field, "tributo");
        assert!(err.field_errors()[0].message.it.contains("tari, tefa"));
    }

    fn new_act() -> NewAct {
        NewAct {
            kind: ActKind::AvvisoOrdinario,
            tributo: Tributo::Tari,
            number: "2025/123".into(),
            year: 2025,
            issued_on: d(2025, 4, 1),
            notified_on: None,
            components: None,
            instalments: vec![
                (d(2025, 5, 31), Money::from_cents(10_000)),
                (d(2025, 9, 30), Money::from_cents(10_000)),
            ],
        }
    }

    #[test]
    fn new_act_numbers_instalments_and_defaults_components() {
        let act = Act::new(new_act()).unwrap();
        assert_eq!(
            act.instalments.iter().map(|i| i.n).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(act.components.tributo, Money::from_cents(20_000));
        assert_eq!(act.total(), Money::from_cents(20_000));
        assert_eq!(act.status, ActStatus::Active);
    }

    #[test]
    fn new_act_reports_every_bad_field() {
        let mut bad = new_act();
        bad.number = " ".into();
        bad.year = 1800;
        bad.instalments = vec![
            (d(2025, 3, 1), Money::from_cents(-5)),
            (d(2025, 2, 1), Money::from_cents(100)),
        ];
        bad.components = Some(Components {
            tributo: Money::from_cents(1),
            ..Components::default()
        });
        let err = Act::new(bad).unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(
            fields,
            [
                "number",
                "year",
                "instalments[0].amount",
                "instalments[0].due_date",
                "instalments[1].due_date",
                "instalments[1].due_date",
                "components"
            ]
        );
    }

    #[test]
    fn huge_amounts_are_field_errors_not_overflows() {
        let mut bad = new_act();
        bad.instalments = vec![
            (d(2025, 5, 31), Money::from_cents(i64::MAX)),
            (d(2025, 9, 30), Money::from_cents(i64::MAX)),
        ];
        bad.components = Some(Components {
            tributo: Money::from_cents(i64::MAX),
            sanzioni: Money::from_cents(i64::MAX),
            ..Components::default()
        });
        let err = Act::new(bad).unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(
            fields,
            [
                "instalments[0].amount",
                "instalments[1].amount",
                "components.tributo",
                "components.sanzioni"
            ]
        );
    }

    #[test]
    fn payment_checks_dates_amount_and_instalment() {
        let act = Act::new(new_act()).unwrap();
        let today = d(2025, 6, 1);
        let ok = Payment::new(
            &act,
            d(2025, 5, 2),
            Money::from_cents(5),
            PaymentChannel::Desk,
            " R1 ",
            Some(2),
            today,
        )
        .unwrap();
        assert_eq!(ok.reference, "R1");
        let err = Payment::new(
            &act,
            d(2025, 3, 2),
            Money::ZERO,
            PaymentChannel::Desk,
            "",
            Some(3),
            today,
        )
        .unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(fields, ["amount", "date", "instalment"]);
        assert!(
            Payment::new(
                &act,
                d(2025, 6, 2),
                Money::from_cents(1),
                PaymentChannel::Bank,
                "",
                None,
                today
            )
            .is_err()
        );
    }

    #[test]
    fn stored_acts_keep_the_plan_invariant() {
        let mut act = Act::new(new_act()).unwrap();
        act.status = ActStatus::Rateizzato;
        assert!(Act::from_parts(act.clone()).is_err());
        act.plan_granted_on = Some(d(2025, 6, 1));
        assert!(Act::from_parts(act.clone()).is_ok());
        act.instalments[1].n = 1;
        assert!(Act::from_parts(act).is_err());
    }
}
