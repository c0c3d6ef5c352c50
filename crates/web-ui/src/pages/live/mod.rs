//! Live chat and the video desk, an app of their own (`src/bin/live.rs`,
//! [`AppKind::Live`]): "Chatta con lo sportello" for signed-in citizens, and the video
//! appointment's page reached from the booking's link.
//!
//! [`AppKind::Live`]: crate::app::AppKind::Live

pub mod chat;
pub mod video;
