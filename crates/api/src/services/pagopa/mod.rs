//! pagoPA: the tenant's settings, payment notices for the instalments of the taxpayer's
//! acts (issued in the same transaction as the act's change), and what citizens and
//! operators see of them. Numbers, codes and the rules of which notice an act needs are the
//! domain's (`domain::pagopa`).

pub mod checkout;
pub mod fdr_rest;
pub mod fdr_xml;
pub mod gpd;
pub mod notices;
mod pdf;
pub mod reconciliation;
pub mod reminders;
pub mod settings;
