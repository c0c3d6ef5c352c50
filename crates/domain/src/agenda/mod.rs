//! The agenda: appointments at a desk and home pickups of bulky waste, on one engine of
//! days, slots and capacity.
//!
//! - [`desk`]: a desk's rules (services, weekly hours, overrides, capacity, window…).
//! - [`slots`]: the bookable slots of a date range, with the seats left.
//! - [`booking`]: a booking's states and the checks of what a visitor enters.
//! - [`opening`]: weekly opening hours against the capitolato minimums.
//! - [`pickup`]: pickup zones, their days and capacity in pieces.
//! - [`time`]: Europe/Rome wall-clock time.

pub mod booking;
pub mod desk;
pub mod opening;
pub mod pickup;
pub mod slots;
pub mod time;

#[cfg(test)]
mod tests;

pub use booking::{BookingAction, BookingStatus, Contact};
pub use desk::{BookingMode, DeskMode, DeskRules, Service, TimeRange, ValidDesk, validate_desk};
pub use pickup::{PickupAction, PickupKind, PickupStatus, ZoneRules};
pub use slots::{Interval, Occupancy, Slot, SlotContext};
pub use time::{ClockTime, rome_local, rome_to_utc};
