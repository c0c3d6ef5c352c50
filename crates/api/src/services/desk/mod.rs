//! The request desk: filing requests from every channel, the queue, the conversation and
//! the lifecycle transitions. Every write is one transaction.

mod filing;
mod lifecycle;
mod link;
mod queue;
mod rating;
mod receipt;
mod thread;
mod transitions;
mod views;

pub use filing::{
    Filed, NewRequest, create, file_request, generic_citizen, request_types, store_request,
};
pub use lifecycle::{Step, case_of, transition_in_tx};
pub use link::link_sender;
pub use queue::{ListQuery, counts, get, list};
pub use rating::{rate, rating};
pub use receipt::receipt_pdf;
pub use thread::{attachment, messages, post_message, store_files};
pub use transitions::{history, transition};
pub use views::{check_op, render as render_request};
