//! Use cases: each validates through the domain, runs one transaction, and returns an API
//! DTO. Handlers call them on a blocking thread.

pub mod account;
pub mod accounts;
pub mod admin;
pub mod agenda;
pub mod answers;
pub mod content;
pub mod desk;
pub mod drafts;
pub mod identity;
pub mod live;
pub mod mail;
pub mod mail_desk;
pub mod notify;
pub mod page_ratings;
pub mod pagopa;
pub mod platform;
pub mod registrations;
pub mod registry;
pub mod transparency;
pub mod waste;
