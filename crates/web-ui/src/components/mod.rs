//! Building blocks shared by the pages.

pub mod alert;
pub mod badges;
pub mod chat;
pub mod form;
pub mod guard;
pub mod icon;
pub mod layout;
pub mod page;
pub mod page_index;
pub mod rating;
pub mod thread;

pub use alert::{ErrorAlert, Loading, Notice, load};
pub use badges::{CitizenStatusBadge, DeadlineBadge, StatusBadge};
pub use form::{Checkbox, FileInput, FormState, ProgressBar, SelectInput, TextArea, TextInput};
pub use guard::{Need, RequireLogin};
pub use icon::Icon;
pub use page::{Crumb, Page};
pub use page_index::{IndexEntry, PageIndex};
