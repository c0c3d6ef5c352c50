//! The DTOs of the public REST API (`/api/v1`), shared by the server, the SPA and
//! third-party clients. JSON is snake_case; ids are strings (UUID v7); instants are
//! RFC 3339 UTC; dates are `YYYY-MM-DD`; amounts are integer cents.

mod account;
mod accounts;
mod admin;
mod agenda;
mod answers;
mod chat;
mod drafts;
mod identity;
mod mail;
mod pagopa;
mod platform;
mod problem;
mod public;
mod reconciliation;
mod requests;
mod taxpayer;
mod transparency;
mod waste;

pub use account::*;
pub use accounts::*;
pub use admin::*;
pub use agenda::*;
pub use answers::*;
pub use chat::*;
pub use drafts::*;
pub use identity::*;
pub use mail::*;
pub use pagopa::*;
pub use platform::*;
pub use problem::*;
pub use public::*;
pub use reconciliation::*;
pub use requests::*;
pub use taxpayer::*;
pub use transparency::*;
pub use waste::*;

use serde::{Deserialize, Serialize};

/// A page of a list; `next_cursor` is passed back as `?cursor=` for the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A short reference to a named thing (office, user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedRef {
    pub id: String,
    pub name: String,
}
