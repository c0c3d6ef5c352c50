//! The request desk: filing requests from every channel, the queue, the conversation and
//! the lifecycle transitions. Every write is one transaction.

mod filing;
mod lifecycle;
mod queue;
mod thread;
mod transitions;
mod views;

pub use filing::{Filed, create, file_request, generic_citizen, request_types};
pub use lifecycle::{Step, case_of, transition_in_tx};
pub use queue::{ListQuery, counts, get, list};
pub use thread::{attachment, messages, post_message, store_files};
pub use transitions::{history, transition};
pub use views::render as render_request;
