//! Sportello's domain: the rules of an Italian municipal TARI desk, free of IO.
//!
//! Nothing here reads the clock, touches a database or speaks HTTP: time is passed in,
//! persistence and transport live in `api`, and the crate compiles to WebAssembly so the
//! SPA can show the same due dates the server will store.

pub mod agenda;
pub mod answers;
pub mod api;
pub mod calendar;
pub mod catalogue;
pub mod chat;
pub mod content;
pub mod deadline;
pub mod delivery;
pub mod egress;
pub mod error;
pub mod forms;
pub mod identity;
pub mod lifecycle;
pub mod messages;
pub mod numbers;
pub mod pagopa;
pub mod rating;
pub mod registry;
pub mod search;
pub mod sql;
pub mod tax;
pub mod tenants;
pub mod transparency;
pub mod types;
pub mod waste;

pub use calendar::{MonthDay, WorkingCalendar, rome_date};
pub use catalogue::{Channel, RequestKind, StandardDays};
pub use deadline::{DeadlineStatus, LatenessCause};
pub use error::{DomainError, FieldError, Lang};
pub use lifecycle::{Action, Actor, CitizenStatus, Event, RequestCase, Role, Status};
