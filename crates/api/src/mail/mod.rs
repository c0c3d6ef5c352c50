//! E-mail, PEC, SMS and App IO.
//!
//! Outbound: services write [`Notice`](crate::services::notify::Notice)s to the `outbox` in
//! their own transaction; the [`worker`] expands each notice into `deliveries` (one per
//! channel and recipient, rendered from the [`compose`] templates, with a stable
//! `Message-ID`) and sends them with a lease, retries and exponential backoff.
//!
//! Inbound: the [`worker`] polls every mailbox over [`imap`], [`parse`]s each new mail
//! (unwrapping [`pec`] envelopes on PEC mailboxes), authenticates its [`sender`] (the
//! provider's [`authres`], the PEC envelope's [`smime`] signature), decides its thread
//! ([`inbound`]) and stores the request or message together with the mailbox's last UID in
//! one transaction.

pub mod address;
pub mod authres;
pub mod channels;
pub mod compose;
pub mod html;
pub mod imap;
pub mod inbound;
pub mod outbound;
pub mod parse;
pub mod pdf;
pub mod pec;
pub mod sender;
pub mod smime;
pub mod smtp;
pub mod worker;

pub use worker::Workers;
