//! The estratto conto: for a date `as_of`, what each act and instalment asked for, what was
//! paid, what is left, how late it is and the default interest, to the cent.
//!
//! Per instalment the interest is summed exactly and rounded half up once; an act's figures
//! are the sums of its instalments' and the totals the sums of the acts', so every column
//! adds up as printed. `daily_interest` is what one more day adds now: the exact interest
//! of the day after `as_of` on today's residuals, rounded half up once per act.
//!
//! A granted plan lapses (L. 160/2019 c. 800, configurable) once the N-th plan instalment
//! is missed, i.e. not paid in full by its due date, even if paid later and even if not
//! consecutive: from the next day every later plan instalment is payable at once and
//! accrues interest.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::acts::{Act, ActStatus, Adjustment, Payment};
use super::allocation::{Allocation, allocate};
use super::codes::coded_enum;
use super::interest::{self, MissingRate};
use super::it_date;
use super::plan::InstalmentRules;
use super::rates::InterestRules;
use crate::error::DomainError;
use crate::types::Money;

/// The tenant's rules for the taxpayer's account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountRules {
    pub interest: InterestRules,
    pub instalments: InstalmentRules,
}

/// An act with everything recorded on it.
#[derive(Debug, Clone, Copy)]
pub struct ActLedger<'a> {
    pub act: &'a Act,
    pub payments: &'a [Payment],
    pub adjustments: &'a [Adjustment],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalmentLine {
    pub n: u32,
    pub due_date: NaiveDate,
    /// Due after sgravi.
    pub amount: Money,
    pub paid: Money,
    pub residual: Money,
    /// Days from the due date (brought forward when a plan lapsed) to the day the
    /// instalment was settled, or to `as_of` while it is not.
    pub days_late: u32,
    pub interest: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// "Rateizzazione concessa".
    Granted,
    /// Too many instalments missed: the residual is payable at once.
    Lapsed,
}

coded_enum!(PlanState, "plan", "Stato della rateizzazione", "plan state", {
    Granted => "granted",
    Lapsed => "lapsed",
});

impl PlanState {
    pub fn label_it(self) -> &'static str {
        match self {
            Self::Granted => "Rateizzazione concessa",
            Self::Lapsed => "Rateizzazione decaduta",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Granted => "Instalment plan granted",
            Self::Lapsed => "Instalment plan lapsed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanStatus {
    pub granted_on: NaiveDate,
    pub state: PlanState,
    /// The first day the whole residual was payable.
    pub lapsed_on: Option<NaiveDate>,
    /// Instalments of the plan (those due after it was granted).
    pub instalments: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActStatement {
    /// Due after sgravi: zero when the act is cancelled.
    pub total: Money,
    /// Allocated to instalments, so `total = paid + residual`.
    pub paid: Money,
    pub residual: Money,
    pub interest: Money,
    pub daily_interest: Money,
    /// Paid beyond what was due and not yet refunded.
    pub credit: Money,
    /// No longer due: sgravi, or the whole act when annulled or discharged.
    pub discharged: Money,
    pub plan: Option<PlanStatus>,
    /// By due date, then number.
    pub instalments: Vec<InstalmentLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub total: Money,
    pub paid: Money,
    pub residual: Money,
    pub interest: Money,
    pub daily_interest: Money,
    pub credit: Money,
    pub discharged: Money,
}

/// The statement of one act as of `as_of`.
pub fn act_statement(
    ledger: ActLedger<'_>,
    as_of: NaiveDate,
    rules: &AccountRules,
) -> Result<ActStatement, DomainError> {
    let act = ledger.act;
    let alloc = allocate(act, ledger.payments, ledger.adjustments, as_of);
    let lapse = lapse_due(act, &alloc, as_of, rules.instalments.lapse_after_unpaid);
    let points = rules.interest.points.get(act.kind);
    let rates = &rules.interest.legal_rates;

    let mut lines = Vec::with_capacity(alloc.instalments.len());
    let mut daily: i128 = 0;
    for inst in &alloc.instalments {
        let due = match lapse {
            Some(m) if inst.due_date > m => m,
            _ => inst.due_date,
        };
        let numerator =
            interest::accrued(inst.amount, &inst.allocations, due, as_of, points, rates)
                .map_err(missing_rate)?;
        let residual = inst.residual_on(as_of);
        daily +=
            interest::one_more_day(residual, due, as_of, points, rates).map_err(missing_rate)?;
        let late_until = if residual > 0 {
            Some(as_of)
        } else {
            inst.settled_on().filter(|d| *d <= as_of)
        };
        let days_late = late_until.map_or(0, |d| (d - due).num_days().max(0) as u32);
        lines.push(InstalmentLine {
            n: inst.n,
            due_date: inst.due_date,
            amount: Money::from_cents(inst.amount),
            paid: Money::from_cents(inst.amount - residual),
            residual: Money::from_cents(residual),
            days_late,
            interest: Money::from_cents(interest::round_half_up(numerator)),
        });
    }
    let sum = |f: fn(&InstalmentLine) -> Money| lines.iter().map(f).fold(Money::ZERO, |a, b| a + b);
    let plan = match (act.status, act.plan_granted_on) {
        (ActStatus::Rateizzato, Some(granted_on)) => Some(PlanStatus {
            granted_on,
            state: if lapse.is_some() {
                PlanState::Lapsed
            } else {
                PlanState::Granted
            },
            lapsed_on: lapse.and_then(|m| m.succ_opt()),
            instalments: alloc
                .instalments
                .iter()
                .filter(|i| i.due_date > granted_on)
                .count() as u32,
        }),
        _ => None,
    };
    Ok(ActStatement {
        total: sum(|l| l.amount),
        paid: sum(|l| l.paid),
        residual: sum(|l| l.residual),
        interest: sum(|l| l.interest),
        daily_interest: Money::from_cents(interest::round_half_up(daily)),
        credit: Money::from_cents(alloc.credit()),
        discharged: Money::from_cents(alloc.discharged),
        plan,
        instalments: lines,
    })
}

/// Statements of several acts (e.g. all of a contribuente's) and their totals.
pub fn statement(
    ledgers: &[ActLedger<'_>],
    as_of: NaiveDate,
    rules: &AccountRules,
) -> Result<(Vec<ActStatement>, Totals), DomainError> {
    let acts = ledgers
        .iter()
        .map(|l| act_statement(*l, as_of, rules))
        .collect::<Result<Vec<_>, _>>()?;
    let totals = totals(&acts);
    Ok((acts, totals))
}

pub fn totals(acts: &[ActStatement]) -> Totals {
    acts.iter().fold(Totals::default(), |t, a| Totals {
        total: t.total + a.total,
        paid: t.paid + a.paid,
        residual: t.residual + a.residual,
        interest: t.interest + a.interest,
        daily_interest: t.daily_interest + a.daily_interest,
        credit: t.credit + a.credit,
        discharged: t.discharged + a.discharged,
    })
}

/// The due date of the plan instalment whose miss made the plan lapse, if it did by
/// `as_of`. An instalment is missed when not paid in full by the end of its due date.
fn lapse_due(
    act: &Act,
    alloc: &Allocation,
    as_of: NaiveDate,
    lapse_after: u32,
) -> Option<NaiveDate> {
    let granted_on = act
        .plan_granted_on
        .filter(|_| act.status == ActStatus::Rateizzato)?;
    if lapse_after == 0 {
        return None;
    }
    let mut missed = 0;
    for inst in &alloc.instalments {
        if inst.due_date <= granted_on || inst.due_date >= as_of {
            continue;
        }
        if inst.residual_on(inst.due_date) > 0 {
            missed += 1;
            if missed == lapse_after {
                return Some(inst.due_date);
            }
        }
    }
    None
}

fn missing_rate(MissingRate(day): MissingRate) -> DomainError {
    DomainError::conflict(
        format!(
            "Manca il tasso di interesse legale in vigore il {}: l'amministratore lo aggiunga nelle impostazioni (interest.legal_rates)",
            it_date(day)
        ),
        format!(
            "No legal interest rate in force on {day}: an administrator must add it in the settings (interest.legal_rates)"
        ),
    )
}
