//! One module per page (or small family of pages).

pub mod account;
mod auth;
pub mod booking;
pub mod console;
mod documents;
mod faq;
mod home;
mod info;
pub mod live;
mod my_drafts;
mod my_requests;
pub mod personal_area;
mod preferences;
pub mod rate;
pub mod recovery;
mod request_detail;
pub mod search;
pub mod services;
pub mod waste;
pub(crate) mod wizard;

pub use auth::{Login, Register, SignIn};
pub use documents::Documents;
pub use faq::FaqPage;
pub use home::Home;
pub use info::{Accessibility, NotFound, Privacy};
pub use my_requests::MyRequests;
pub use preferences::ContactPreferences;
pub use request_detail::RequestDetail;
pub use services::{AllServices, LegalNotes, MediaPolicy, ServiceSheet, SiteMap};
pub use wizard::Wizard;
