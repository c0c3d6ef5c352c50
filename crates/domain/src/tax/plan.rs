//! Instalment plans (rateizzazione): who is entitled to one, how many monthly instalments
//! an amount allows, the proposal with its dates and amounts, and applying a granted plan.
//!
//! A plan spreads what is owed on the day it starts: the residual of the act and the
//! default interest accrued on it so far. The instalments already paid (or partly paid)
//! stay on the act as they were, reduced to what was paid, so the history and its interest
//! do not change; the plan's instalments follow them.

use chrono::{Datelike, Months, NaiveDate};

use super::acts::{Act, ActKind, ActStatus, Instalment};
use super::allocation::allocate;
use super::codes::coded_enum;
use super::interest;
use super::it_date;
use super::rates::Percent;
use super::statement::{AccountRules, ActLedger};
use crate::error::{DomainError, Errors, FieldError, Lang};
use crate::types::Money;

/// Amounts up to `up_to` (the last bracket has no bound) allow between `min_instalments`
/// and `max_instalments` monthly instalments; `max_instalments = 0` means no plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bracket {
    pub up_to: Option<Money>,
    pub min_instalments: u32,
    pub max_instalments: u32,
}

/// The tenant's instalment rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalmentRules {
    /// Smallest instalment (TQRIF art. 27: 100 € unless the tenant sets lower).
    pub min_amount: Money,
    /// By increasing `up_to`; the last one unbounded.
    pub brackets: Vec<Bracket>,
    /// A granted plan lapses when this many of its instalments were missed (c. 800: 2).
    pub lapse_after_unpaid: u32,
    /// Annual interest charged on the plan's outstanding capital, if any.
    pub plan_interest: Option<Percent>,
    /// The tenant's definition of economic hardship: an ISEE up to this amount.
    pub hardship_isee_max: Option<Money>,
}

impl InstalmentRules {
    pub const MAX_INSTALMENTS: u32 = 120;
    pub const DEFAULT_MIN_AMOUNT: Money = Money::from_cents(10_000);

    /// L. 160/2019 art. 1 c. 796.
    pub fn default_brackets() -> Vec<Bracket> {
        let b = |up_to: Option<i64>, min, max| Bracket {
            up_to: up_to.map(Money::from_cents),
            min_instalments: min,
            max_instalments: max,
        };
        vec![
            b(Some(10_000), 0, 0),
            b(Some(50_000), 2, 4),
            b(Some(300_000), 5, 12),
            b(Some(600_000), 13, 24),
            b(Some(2_000_000), 25, 36),
            b(None, 37, 72),
        ]
    }

    /// Rules from settings; errors name `instalments.<field>`.
    pub fn new(
        min_amount: Money,
        brackets: Vec<Bracket>,
        lapse_after_unpaid: u32,
        plan_interest: Option<Percent>,
        hardship_isee_max: Option<Money>,
    ) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        if min_amount.cents() <= 0 || min_amount > Self::DEFAULT_MIN_AMOUNT {
            errors.push(FieldError::new(
                "instalments.min_amount",
                format!("La rata minima va da 0,01 € a {}", Self::DEFAULT_MIN_AMOUNT),
                format!(
                    "The minimum instalment ranges from 0,01 € to {}",
                    Self::DEFAULT_MIN_AMOUNT
                ),
            ));
        }
        if brackets.is_empty() {
            errors.push(FieldError::new(
                "instalments.brackets",
                "Indicare almeno uno scaglione",
                "At least one bracket is required",
            ));
        }
        let mut previous: Option<Money> = None;
        for (i, b) in brackets.iter().enumerate() {
            let field = format!("instalments.brackets[{i}]");
            let last = i + 1 == brackets.len();
            match b.up_to {
                None if !last => errors.push(FieldError::new(
                    format!("{field}.up_to"),
                    "Solo l'ultimo scaglione può essere senza limite",
                    "Only the last bracket may be unbounded",
                )),
                Some(_) if last => errors.push(FieldError::new(
                    format!("{field}.up_to"),
                    "L'ultimo scaglione non ha limite superiore (up_to vuoto)",
                    "The last bracket has no upper bound (up_to empty)",
                )),
                Some(up) if up.cents() <= 0 || previous.is_some_and(|p| up <= p) => {
                    errors.push(FieldError::new(
                        format!("{field}.up_to"),
                        "I limiti degli scaglioni devono essere positivi e crescenti",
                        "Bracket bounds must be positive and increasing",
                    ));
                }
                _ => {}
            }
            previous = b.up_to.or(previous);
            let ok = if b.max_instalments == 0 {
                b.min_instalments == 0
            } else {
                2 <= b.min_instalments
                    && b.min_instalments <= b.max_instalments
                    && b.max_instalments <= Self::MAX_INSTALMENTS
            };
            if !ok {
                errors.push(FieldError::new(
                    format!("{field}.max_instalments"),
                    format!(
                        "Rate per scaglione: nessuna (0), oppure da un minimo di 2 a un massimo di {}",
                        Self::MAX_INSTALMENTS
                    ),
                    format!(
                        "Instalments per bracket: none (0), or from at least 2 to at most {}",
                        Self::MAX_INSTALMENTS
                    ),
                ));
            }
        }
        if !(1..=24).contains(&lapse_after_unpaid) {
            errors.push(FieldError::new(
                "instalments.lapse_after_unpaid",
                "La decadenza scatta dopo un numero di rate non pagate tra 1 e 24",
                "A plan lapses after a number of unpaid instalments from 1 to 24",
            ));
        }
        if plan_interest.is_some_and(|p| p > Percent::points(20)) {
            errors.push(FieldError::new(
                "instalments.plan_interest",
                "L'interesse di rateizzazione non può superare il 20 %",
                "Plan interest cannot exceed 20 %",
            ));
        }
        if hardship_isee_max.is_some_and(|m| m.cents() <= 0) {
            errors.push(FieldError::new(
                "instalments.hardship_isee_max",
                "La soglia ISEE deve essere maggiore di zero",
                "The ISEE threshold must be greater than zero",
            ));
        }
        errors.finish()?;
        Ok(Self {
            min_amount,
            brackets,
            lapse_after_unpaid,
            plan_interest,
            hardship_isee_max,
        })
    }

    fn bracket_for(&self, debt: Money) -> &Bracket {
        self.brackets
            .iter()
            .find(|b| b.up_to.is_none_or(|up| debt <= up))
            .or(self.brackets.last())
            .expect("validated: at least one bracket")
    }

    /// How many monthly instalments `debt` may be split into: its bracket, narrowed so no
    /// instalment falls below the minimum.
    pub fn allowed(&self, debt: Money) -> Result<(u32, u32), PlanRefusal> {
        if debt.cents() <= 0 {
            return Err(PlanRefusal::NothingDue);
        }
        let b = self.bracket_for(debt);
        if b.max_instalments == 0 {
            return Err(PlanRefusal::NoPlanUpTo(b.up_to.unwrap_or(debt)));
        }
        let by_minimum = u32::try_from(debt.cents() / self.min_amount.cents()).unwrap_or(u32::MAX);
        let max = b.max_instalments.min(by_minimum);
        if max < b.min_instalments {
            return Err(PlanRefusal::BelowMinimumInstalment {
                debt,
                min_amount: self.min_amount,
                min_instalments: b.min_instalments,
            });
        }
        Ok((b.min_instalments, max))
    }
}

impl Default for InstalmentRules {
    fn default() -> Self {
        Self {
            min_amount: Self::DEFAULT_MIN_AMOUNT,
            brackets: Self::default_brackets(),
            lapse_after_unpaid: 2,
            plan_interest: None,
            hardship_isee_max: None,
        }
    }
}

/// Why a plan cannot be proposed. Converts to a field-level [`DomainError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanRefusal {
    /// Annulled or discharged (nothing due), or already rateizzato.
    NotPayable(ActStatus),
    NothingDue,
    /// The amount's bracket allows no plan.
    NoPlanUpTo(Money),
    OutOfRange {
        requested: u32,
        min: u32,
        max: u32,
    },
    /// Even the fewest instalments the bracket allows would be below the minimum amount.
    BelowMinimumInstalment {
        debt: Money,
        min_amount: Money,
        min_instalments: u32,
    },
    /// The first instalment must fall after the day the plan starts.
    FirstDueTooEarly(NaiveDate),
}

impl From<PlanRefusal> for DomainError {
    fn from(r: PlanRefusal) -> Self {
        match r {
            PlanRefusal::NotPayable(ActStatus::Rateizzato) => DomainError::invalid(
                "act",
                "L'atto è già rateizzato",
                "The act already has an instalment plan",
            ),
            PlanRefusal::NotPayable(_) => DomainError::invalid(
                "act",
                "L'atto è annullato o sgravato: non c'è nulla da rateizzare",
                "The act is annulled or discharged: there is nothing to spread over instalments",
            ),
            PlanRefusal::NothingDue => DomainError::invalid(
                "act",
                "Sull'atto non resta nulla da pagare",
                "Nothing is left to pay on this act",
            ),
            PlanRefusal::NoPlanUpTo(up_to) => DomainError::invalid(
                "instalments",
                format!("Per importi fino a {up_to} non è prevista la rateizzazione"),
                format!("No instalment plan is offered for amounts up to {up_to}"),
            ),
            PlanRefusal::OutOfRange { min, max, .. } if min == max => DomainError::invalid(
                "instalments",
                format!("Per questo importo il piano prevede {min} rate mensili"),
                format!("For this amount the plan has {min} monthly instalments"),
            ),
            PlanRefusal::OutOfRange {
                requested,
                min,
                max,
            } => DomainError::invalid(
                "instalments",
                format!(
                    "Per questo importo si possono chiedere da {min} a {max} rate mensili (richieste: {requested})"
                ),
                format!(
                    "For this amount you may ask for {min} to {max} monthly instalments (asked: {requested})"
                ),
            ),
            PlanRefusal::BelowMinimumInstalment {
                debt,
                min_amount,
                min_instalments,
            } => DomainError::invalid(
                "instalments",
                format!(
                    "Con una rata minima di {min_amount}, {debt} non si possono dividere in almeno {min_instalments} rate"
                ),
                format!(
                    "With a minimum instalment of {min_amount}, {debt} cannot be split into at least {min_instalments} instalments"
                ),
            ),
            PlanRefusal::FirstDueTooEarly(on) => DomainError::invalid(
                "first_due_date",
                format!("La prima rata deve scadere dopo il {}", it_date(on)),
                format!("The first instalment must fall due after {on}"),
            ),
        }
    }
}

/// Why the office must (or may) grant a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entitlement {
    /// TQRIF art. 27 a): beneficiary of a bonus sociale (electricity, gas, water).
    BonusSociale,
    /// b): economic hardship as the tenant defines it (ISEE up to its threshold).
    Hardship { isee: Money, threshold: Money },
    /// c): the act exceeds by more than 30 % the average of the ordinary acts of the two
    /// previous years.
    AboveAverage { amount: Money, average: Money },
    /// None of the above: the office decides.
    Discretionary(DiscretionReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscretionReason {
    NoCriterion,
    /// TQRIF: the request is due by the bill's payment deadline.
    AfterDeadline(NaiveDate),
}

/// The basis of an entitlement, as the API reports it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntitlementBasis {
    BonusSociale,
    Hardship,
    AboveAverage,
    Discretionary,
}

coded_enum!(EntitlementBasis, "basis", "Requisito", "basis", {
    BonusSociale => "bonus_sociale",
    Hardship => "hardship",
    AboveAverage => "above_average",
    Discretionary => "discretionary",
});

impl Entitlement {
    /// Whether the plan must be granted (TQRIF art. 27) rather than being discretionary.
    pub fn is_entitled(self) -> bool {
        !matches!(self, Self::Discretionary(_))
    }

    pub fn basis(self) -> EntitlementBasis {
        match self {
            Self::BonusSociale => EntitlementBasis::BonusSociale,
            Self::Hardship { .. } => EntitlementBasis::Hardship,
            Self::AboveAverage { .. } => EntitlementBasis::AboveAverage,
            Self::Discretionary(_) => EntitlementBasis::Discretionary,
        }
    }

    /// A sentence for the citizen and the office.
    pub fn message(self, lang: Lang) -> String {
        match (self, lang) {
            (Self::BonusSociale, Lang::It) => "Hai diritto alla rateizzazione come beneficiario di un bonus sociale (TQRIF art. 27)".into(),
            (Self::BonusSociale, Lang::En) => "You are entitled to an instalment plan as a beneficiary of a social bonus (TQRIF art. 27)".into(),
            (Self::Hardship { threshold, .. }, Lang::It) => format!("Hai diritto alla rateizzazione per disagio economico (ISEE fino a {threshold}, TQRIF art. 27)"),
            (Self::Hardship { threshold, .. }, Lang::En) => format!("You are entitled to an instalment plan for economic hardship (ISEE up to {threshold}, TQRIF art. 27)"),
            (Self::AboveAverage { amount, average }, Lang::It) => format!("Hai diritto alla rateizzazione: l'importo ({amount}) supera di oltre il 30 % la media degli ultimi due anni ({average}, TQRIF art. 27)"),
            (Self::AboveAverage { amount, average }, Lang::En) => format!("You are entitled to an instalment plan: the amount ({amount}) exceeds the average of the last two years ({average}) by more than 30 % (TQRIF art. 27)"),
            (Self::Discretionary(DiscretionReason::NoCriterion), Lang::It) => "Non ricorre alcun requisito dell'art. 27 TQRIF: la rateizzazione è a discrezione dell'ufficio".into(),
            (Self::Discretionary(DiscretionReason::NoCriterion), Lang::En) => "No TQRIF art. 27 criterion applies: the plan is at the office's discretion".into(),
            (Self::Discretionary(DiscretionReason::AfterDeadline(d)), Lang::It) => format!("La richiesta arriva dopo la scadenza dell'avviso ({}): la rateizzazione è a discrezione dell'ufficio", it_date(d)),
            (Self::Discretionary(DiscretionReason::AfterDeadline(d)), Lang::En) => format!("The request comes after the bill's deadline ({d}): the plan is at the office's discretion"),
        }
    }
}

/// What the contribuente declares or the office knows.
#[derive(Debug, Clone, Copy, Default)]
pub struct EntitlementFacts<'a> {
    pub bonus_sociale: bool,
    pub isee: Option<Money>,
    /// `(year, total)` of the contribuente's ordinary acts (avvisi ordinari), any years.
    pub previous_ordinary: &'a [(i32, Money)],
}

/// TQRIF art. 27 for a request made on `on`. For an ordinary bill the criteria hold only up
/// to its last due date.
pub fn entitlement(
    act: &Act,
    facts: EntitlementFacts<'_>,
    on: NaiveDate,
    rules: &InstalmentRules,
) -> Entitlement {
    if act.kind == ActKind::AvvisoOrdinario
        && let Some(deadline) = act.last_due_date()
        && on > deadline
    {
        return Entitlement::Discretionary(DiscretionReason::AfterDeadline(deadline));
    }
    if facts.bonus_sociale {
        return Entitlement::BonusSociale;
    }
    if let (Some(isee), Some(threshold)) = (facts.isee, rules.hardship_isee_max)
        && isee <= threshold
    {
        return Entitlement::Hardship { isee, threshold };
    }
    let years = [act.year - 1, act.year - 2];
    let mut sum = 0i64;
    let mut present = 0i64;
    for y in years {
        let of_year: Vec<i64> = facts
            .previous_ordinary
            .iter()
            .filter(|(year, _)| *year == y)
            .map(|(_, m)| m.cents())
            .collect();
        if !of_year.is_empty() {
            present += 1;
            sum += of_year.iter().sum::<i64>();
        }
    }
    let amount = act.components.total();
    // amount > 1.3 × sum / present, in integers.
    if present > 0 && i128::from(amount.cents()) * 10 * i128::from(present) > i128::from(sum) * 13 {
        return Entitlement::AboveAverage {
            amount,
            average: Money::from_cents(sum / present),
        };
    }
    Entitlement::Discretionary(DiscretionReason::NoCriterion)
}

/// What a plan starting on `on` spreads, and what of the act stays as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanBase {
    pub on: NaiveDate,
    /// The paid part of each instalment, with its number and due date.
    pub settled: Vec<Instalment>,
    /// The residual on `on`.
    pub residual: Money,
    /// Default interest accrued on that residual up to `on`.
    pub interest: Money,
    /// `residual + interest`: what the plan spreads.
    pub debt: Money,
}

pub fn plan_base(
    ledger: ActLedger<'_>,
    on: NaiveDate,
    rules: &AccountRules,
) -> Result<PlanBase, DomainError> {
    let act = ledger.act;
    if act.status != ActStatus::Active {
        return Err(PlanRefusal::NotPayable(act.status).into());
    }
    let alloc = allocate(act, ledger.payments, ledger.adjustments, on);
    let points = rules.interest.points.get(act.kind);
    let mut settled = Vec::new();
    let mut residual = 0i64;
    let mut numerator = 0i128;
    for inst in &alloc.instalments {
        let left = inst.residual_on(on);
        let paid = inst.amount - left;
        if paid > 0 {
            settled.push(Instalment {
                n: inst.n,
                due_date: inst.due_date,
                amount: Money::from_cents(paid),
            });
        }
        residual += left;
        // The unpaid part was unpaid on every day up to `on`: a constant residual.
        numerator += interest::accrued(
            left,
            &[],
            inst.due_date,
            on,
            points,
            &rules.interest.legal_rates,
        )
        .map_err(|interest::MissingRate(day)| {
            DomainError::conflict(
                format!(
                    "Manca il tasso di interesse legale in vigore il {}",
                    it_date(day)
                ),
                format!("No legal interest rate in force on {day}"),
            )
        })?;
    }
    let interest = interest::round_half_up(numerator);
    Ok(PlanBase {
        on,
        settled,
        residual: Money::from_cents(residual),
        interest: Money::from_cents(interest),
        debt: Money::from_cents(residual + interest),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanInstalment {
    pub n: u32,
    pub due_date: NaiveDate,
    pub capital: Money,
    pub interest: Money,
    /// `capital + interest`.
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProposal {
    /// The day the plan starts.
    pub on: NaiveDate,
    pub debt: Money,
    pub min_instalments: u32,
    pub max_instalments: u32,
    /// Capital sums to `debt`; the remainder cents are on the first instalment.
    pub instalments: Vec<PlanInstalment>,
    pub interest: Money,
    /// `debt + interest`.
    pub total: Money,
}

/// The last day of the month after `on`: a sensible first due date for a plan.
pub fn first_due_after(on: NaiveDate) -> NaiveDate {
    last_of_month(on.checked_add_months(Months::new(1)).unwrap_or(on))
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let first_next = d
        .with_day(1)
        .and_then(|f| f.checked_add_months(Months::new(1)))
        .unwrap_or(NaiveDate::MAX);
    first_next.pred_opt().unwrap_or(d)
}

/// Monthly due dates from `first`: the same day of each month (the month's last day when the
/// month is shorter), or every month's last day when `first` is one.
pub fn monthly_due_dates(first: NaiveDate, count: u32) -> Vec<NaiveDate> {
    let month_end = last_of_month(first) == first;
    (0..count)
        .map(|k| {
            let d = first
                .checked_add_months(Months::new(k))
                .unwrap_or(NaiveDate::MAX);
            if month_end { last_of_month(d) } else { d }
        })
        .collect()
}

/// Splits `debt` into `count` monthly instalments from `first_due`, for a plan starting
/// on `on`.
pub fn propose(
    debt: Money,
    count: u32,
    on: NaiveDate,
    first_due: NaiveDate,
    rules: &InstalmentRules,
) -> Result<PlanProposal, PlanRefusal> {
    let (min, max) = rules.allowed(debt)?;
    if !(min..=max).contains(&count) {
        return Err(PlanRefusal::OutOfRange {
            requested: count,
            min,
            max,
        });
    }
    if first_due <= on {
        return Err(PlanRefusal::FirstDueTooEarly(on));
    }
    let n = i64::from(count);
    let base = debt.cents() / n;
    let first = base + debt.cents() % n;
    let rate = rules.plan_interest.map_or(0, |p| i128::from(p.units()));
    let mut outstanding = debt.cents();
    let mut instalments = Vec::with_capacity(count as usize);
    let mut total_interest = Money::ZERO;
    for (k, due_date) in monthly_due_dates(first_due, count).into_iter().enumerate() {
        let capital = if k == 0 { first } else { base };
        // A month of interest on what is still owed: outstanding × rate / 100 / 12.
        let denom = 100 * i128::from(Percent::SCALE) * 12;
        let interest =
            Money::from_cents(((2 * i128::from(outstanding) * rate + denom) / (2 * denom)) as i64);
        outstanding -= capital;
        total_interest = total_interest + interest;
        instalments.push(PlanInstalment {
            n: k as u32 + 1,
            due_date,
            capital: Money::from_cents(capital),
            interest,
            amount: Money::from_cents(capital) + interest,
        });
    }
    Ok(PlanProposal {
        on,
        debt,
        min_instalments: min,
        max_instalments: max,
        instalments,
        interest: total_interest,
        total: debt + total_interest,
    })
}

/// A proposal with the entitlement it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOffer {
    pub entitlement: Entitlement,
    pub base: PlanBase,
    pub proposal: PlanProposal,
}

/// The plan a contribuente would get for `ledger`'s act, asked on `on` for `count`
/// instalments, the first due on `first_due` (e.g. [`first_due_after`]).
pub fn offer(
    ledger: ActLedger<'_>,
    on: NaiveDate,
    count: u32,
    first_due: NaiveDate,
    facts: EntitlementFacts<'_>,
    rules: &AccountRules,
) -> Result<PlanOffer, DomainError> {
    let base = plan_base(ledger, on, rules)?;
    let proposal = propose(base.debt, count, on, first_due, &rules.instalments)?;
    Ok(PlanOffer {
        entitlement: entitlement(ledger.act, facts, on, &rules.instalments),
        base,
        proposal,
    })
}

/// The act with the plan applied: the settled parts of its instalments, then the plan's
/// instalments numbered after them; status `rateizzato` from `proposal.on`. Refused when
/// what is owed on that day is no longer what the proposal spread (a payment or an
/// adjustment came in between): propose again.
pub fn apply_plan(
    ledger: ActLedger<'_>,
    proposal: &PlanProposal,
    rules: &AccountRules,
) -> Result<Act, DomainError> {
    let base = plan_base(ledger, proposal.on, rules)?;
    if base.debt != proposal.debt {
        return Err(DomainError::conflict(
            format!(
                "L'importo dovuto al {} è {} e non più {}: ricalcolare il piano",
                it_date(proposal.on),
                base.debt,
                proposal.debt
            ),
            format!(
                "The amount owed on {} is {} rather than {}: compute the plan again",
                proposal.on, base.debt, proposal.debt
            ),
        ));
    }
    let after = ledger
        .act
        .instalments
        .iter()
        .map(|i| i.n)
        .max()
        .unwrap_or(0);
    let mut instalments = base.settled;
    instalments.extend(proposal.instalments.iter().map(|p| Instalment {
        n: after + p.n,
        due_date: p.due_date,
        amount: p.amount,
    }));
    Act::from_parts(Act {
        status: ActStatus::Rateizzato,
        plan_granted_on: Some(proposal.on),
        instalments,
        ..ledger.act.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tax::acts::{NewAct, Tributo};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn eur(e: i64) -> Money {
        Money::from_cents(e * 100)
    }

    #[test]
    fn default_brackets_follow_c796() {
        let r = InstalmentRules::default();
        assert_eq!(r.allowed(eur(100)), Err(PlanRefusal::NoPlanUpTo(eur(100))));
        assert_eq!(
            r.allowed(Money::from_cents(10_001)),
            Err(PlanRefusal::BelowMinimumInstalment {
                debt: Money::from_cents(10_001),
                min_amount: eur(100),
                min_instalments: 2,
            })
        );
        assert_eq!(r.allowed(eur(450)), Ok((2, 4)));
        assert_eq!(r.allowed(eur(500)), Ok((2, 4)));
        assert_eq!(r.allowed(Money::from_cents(50_001)), Ok((5, 5)));
        assert_eq!(r.allowed(eur(1_000)), Ok((5, 10)));
        assert_eq!(r.allowed(eur(3_000)), Ok((5, 12)));
        assert_eq!(r.allowed(eur(3_001)), Ok((13, 24)));
        assert_eq!(r.allowed(eur(20_000)), Ok((25, 36)));
        assert_eq!(r.allowed(eur(20_001)), Ok((37, 72)));
        assert_eq!(r.allowed(Money::ZERO), Err(PlanRefusal::NothingDue));
    }

    #[test]
    fn a_lower_minimum_allows_more_instalments() {
        let r = InstalmentRules {
            min_amount: eur(50),
            ..InstalmentRules::default()
        };
        assert_eq!(r.allowed(eur(150)), Ok((2, 3)));
    }

    #[test]
    fn rules_validation_names_fields() {
        let bad = InstalmentRules::new(
            eur(150),
            vec![
                Bracket {
                    up_to: Some(eur(500)),
                    min_instalments: 2,
                    max_instalments: 4,
                },
                Bracket {
                    up_to: Some(eur(400)),
                    min_instalments: 5,
                    max_instalments: 3,
                },
            ],
            0,
            Some(Percent::points(25)),
            Some(Money::ZERO),
        )
        .unwrap_err();
        let fields: Vec<_> = bad
            .field_errors()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(
            fields,
            [
                "instalments.min_amount",
                "instalments.brackets[1].up_to",
                "instalments.brackets[1].max_instalments",
                "instalments.lapse_after_unpaid",
                "instalments.plan_interest",
                "instalments.hardship_isee_max",
            ]
        );
        let r = InstalmentRules::default();
        assert!(InstalmentRules::new(r.min_amount, r.brackets, 2, None, None).is_ok());
    }

    #[test]
    fn amounts_sum_exactly_with_the_remainder_on_the_first() {
        let on = d(2026, 1, 15);
        let p = propose(
            Money::from_cents(100_000),
            7,
            on,
            first_due_after(on),
            &InstalmentRules::default(),
        )
        .unwrap();
        // 100,000 = 7 × 14,285 + 5.
        let caps: Vec<i64> = p.instalments.iter().map(|i| i.capital.cents()).collect();
        assert_eq!(
            caps,
            [14_290, 14_285, 14_285, 14_285, 14_285, 14_285, 14_285]
        );
        assert_eq!(caps.iter().sum::<i64>(), 100_000);
        assert_eq!(p.total, Money::from_cents(100_000));
        let dates: Vec<_> = p.instalments.iter().map(|i| i.due_date).collect();
        assert_eq!(
            dates,
            [
                d(2026, 2, 28),
                d(2026, 3, 31),
                d(2026, 4, 30),
                d(2026, 5, 31),
                d(2026, 6, 30),
                d(2026, 7, 31),
                d(2026, 8, 31),
            ]
        );
    }

    #[test]
    fn plan_interest_on_the_outstanding_capital() {
        let rules = InstalmentRules {
            plan_interest: Some(Percent::points(3)),
            ..InstalmentRules::default()
        };
        let on = d(2026, 1, 15);
        let p = propose(eur(600), 5, on, d(2026, 2, 15), &rules).unwrap();
        // Capital 120 € each; a month at 3 %/12 = 0.25 % of 600, 480, 360, 240, 120 €:
        // 1.50, 1.20, 0.90, 0.60, 0.30 €.
        let int: Vec<i64> = p.instalments.iter().map(|i| i.interest.cents()).collect();
        assert_eq!(int, [150, 120, 90, 60, 30]);
        assert_eq!(p.interest, Money::from_cents(450));
        assert_eq!(p.total, Money::from_cents(60_450));
        assert_eq!(p.instalments[4].due_date, d(2026, 6, 15));
    }

    #[test]
    fn refusals_become_field_errors_in_both_languages() {
        let r = InstalmentRules::default();
        let on = d(2026, 1, 15);
        let err: DomainError = propose(eur(1_000), 3, on, d(2026, 2, 28), &r)
            .unwrap_err()
            .into();
        assert_eq!(err.field_errors()[0].field, "instalments");
        assert_eq!(
            err.summary(Lang::It),
            "instalments: Per questo importo si possono chiedere da 5 a 10 rate mensili (richieste: 3)"
        );
        assert_eq!(
            err.summary(Lang::En),
            "instalments: For this amount you may ask for 5 to 10 monthly instalments (asked: 3)"
        );
        let err: DomainError = propose(eur(80), 2, on, d(2026, 2, 28), &r)
            .unwrap_err()
            .into();
        assert_eq!(
            err.summary(Lang::It),
            "instalments: Per importi fino a 100,00 € non è prevista la rateizzazione"
        );
        let err: DomainError = propose(eur(1_000), 5, on, on, &r).unwrap_err().into();
        assert_eq!(err.field_errors()[0].field, "first_due_date");
    }

    fn ordinary(year: i32, cents: i64) -> Act {
        Act::new(NewAct {
            kind: ActKind::AvvisoOrdinario,
            tributo: Tributo::Tari,
            number: format!("{year}/1"),
            year,
            issued_on: d(year, 3, 1),
            notified_on: None,
            components: None,
            instalments: vec![(d(year, 5, 31), Money::from_cents(cents))],
        })
        .unwrap()
    }

    #[test]
    fn entitlement_criteria_in_order() {
        let rules = InstalmentRules {
            hardship_isee_max: Some(eur(9_530)),
            ..InstalmentRules::default()
        };
        let act = ordinary(2026, 40_000);
        let on = d(2026, 5, 1);
        let history = [
            (2025, eur(150)),
            (2025, eur(50)),
            (2024, eur(400)),
            (2023, eur(10)),
        ];
        // Average of 2025 (200 €) and 2024 (400 €) = 300 €; 130 % = 390 € < 400 €.
        let facts = EntitlementFacts {
            previous_ordinary: &history,
            ..Default::default()
        };
        assert_eq!(
            entitlement(&act, facts, on, &rules),
            Entitlement::AboveAverage {
                amount: eur(400),
                average: eur(300)
            }
        );
        let just = ordinary(2026, 39_000);
        assert_eq!(
            entitlement(&just, facts, on, &rules),
            Entitlement::Discretionary(DiscretionReason::NoCriterion)
        );
        let facts = EntitlementFacts {
            bonus_sociale: true,
            ..facts
        };
        assert_eq!(
            entitlement(&just, facts, on, &rules),
            Entitlement::BonusSociale
        );
        let facts = EntitlementFacts {
            bonus_sociale: false,
            isee: Some(eur(9_000)),
            previous_ordinary: &[],
        };
        assert!(matches!(
            entitlement(&just, facts, on, &rules),
            Entitlement::Hardship { .. }
        ));
        // Without the tenant's definition, a low ISEE is not a criterion.
        assert!(!entitlement(&just, facts, on, &InstalmentRules::default()).is_entitled());
        // After the bill's deadline the office decides.
        assert_eq!(
            entitlement(
                &act,
                EntitlementFacts {
                    bonus_sociale: true,
                    ..Default::default()
                },
                d(2026, 6, 1),
                &rules
            ),
            Entitlement::Discretionary(DiscretionReason::AfterDeadline(d(2026, 5, 31)))
        );
        let msg = Entitlement::Discretionary(DiscretionReason::NoCriterion).message(Lang::It);
        assert!(msg.contains("a discrezione dell'ufficio"), "{msg}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]

            #[test]
            fn proposals_sum_to_the_debt_and_respect_the_minimum(
                cents in 1i64..5_000_000,
                count in 1u32..80,
                rate in prop::option::of(0u32..=50_000),
            ) {
                let rules = InstalmentRules {
                    plan_interest: rate.map(Percent::from_units),
                    ..InstalmentRules::default()
                };
                let on = d(2026, 3, 10);
                let debt = Money::from_cents(cents);
                match propose(debt, count, on, first_due_after(on), &rules) {
                    Ok(p) => {
                        prop_assert_eq!(p.instalments.len() as u32, count);
                        let caps: i64 = p.instalments.iter().map(|i| i.capital.cents()).sum();
                        prop_assert_eq!(caps, cents);
                        prop_assert!(p.instalments.iter().all(|i| i.capital >= rules.min_amount));
                        prop_assert!(p.instalments.windows(2).all(|w| w[0].due_date < w[1].due_date && w[0].capital >= w[1].capital));
                        let total: i64 = p.instalments.iter().map(|i| i.amount.cents()).sum();
                        prop_assert_eq!(total, p.total.cents());
                    }
                    Err(PlanRefusal::OutOfRange { min, max, .. }) => prop_assert!(count < min || count > max),
                    Err(PlanRefusal::NoPlanUpTo(_) | PlanRefusal::BelowMinimumInstalment { .. }) => {
                        prop_assert!(rules.allowed(debt).is_err());
                    }
                    Err(other) => prop_assert!(false, "unexpected {other:?}"),
                }
            }
        }
    }
}
