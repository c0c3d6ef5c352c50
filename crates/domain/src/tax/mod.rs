//! The taxpayer's account: acts and their instalments, payments and adjustments, the
//! estratto conto with default interest to the cent, and instalment plans.
//!
//! Amounts are integer cents ([`Money`](crate::types::Money)); interest is summed as an
//! exact fraction of a cent and rounded once per instalment. Dates are calendar dates: the
//! caller passes `as_of`, nothing here reads the clock.

mod codes;

pub mod acts;
pub mod adjust;
pub mod allocation;
pub mod import;
pub mod interest;
pub mod plan;
pub mod rates;
pub mod statement;

#[cfg(test)]
mod golden;

pub use acts::{
    Act, ActKind, ActStatus, Adjustment, AdjustmentKind, ComponentKind, Components, Instalment,
    Payment, PaymentChannel, Tributo, UtenzaKind,
};
pub use plan::{
    Bracket, Entitlement, EntitlementFacts, InstalmentRules, PlanBase, PlanInstalment, PlanOffer,
    PlanProposal, PlanRefusal,
};
pub use rates::{InterestRules, LegalRates, Percent, PointsByKind};
pub use statement::{
    AccountRules, ActLedger, ActStatement, InstalmentLine, PlanState, PlanStatus, Totals,
};

use std::borrow::Cow;

use crate::error::DomainError;

/// The same validation errors reported under another (built) field name, e.g.
/// `instalments[2].amount`.
pub(crate) fn at_field(err: DomainError, field: impl Into<Cow<'static, str>>) -> DomainError {
    let field = field.into();
    match err {
        DomainError::Validation(errors) => {
            DomainError::Validation(errors.into_iter().map(|e| e.at(field.clone())).collect())
        }
        other => other,
    }
}

/// Italian date format, as statements and messages print it.
pub(crate) fn it_date(d: chrono::NaiveDate) -> String {
    crate::calendar::italian_date(d)
}
