//! Repository functions: plain synchronous diesel over a borrowed connection. Callers run
//! them inside `Db::read` / `Db::write_tx` on a blocking thread.

pub mod admin_users;
pub mod agenda;
pub mod audit;
pub mod catalogue;
pub mod content;
pub mod drafts;
pub mod files;
pub mod identity;
pub mod imports;
pub mod live;
pub mod mail;
pub mod offices;
pub mod pagopa;
pub mod password_resets;
pub mod pickups;
pub mod public_content;
pub mod reconciliation;
pub mod registrations;
pub mod registry;
pub mod reminders;
pub mod requests;
pub mod secrets;
pub mod settings;
pub mod taxpayer;
pub mod tenants;
pub mod tokens;
pub mod users;

use chrono::{DateTime, NaiveDateTime, Utc};

/// A new time-ordered id (UUID v7), so ids sort by creation.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub fn to_utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}
