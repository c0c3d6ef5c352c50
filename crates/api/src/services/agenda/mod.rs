//! The agenda: desks and their public slots, bookings by anyone (no account needed) with
//! their e-mails and calendar files, the staff's agenda, and bulky-waste pickups.
//!
//! Capacity is enforced by the database (see `db::repo::agenda` and `db::repo::pickups`),
//! never by reading a count and then writing.

mod bookings;
mod codes;
mod desks;
pub mod ics;
pub mod notices;
mod pickups;
mod staff;

pub use bookings::{
    Booker, BookingLinks, ConfirmBooking, calendar_file, cancel, confirm, create, get, my_bookings,
    reschedule,
};
pub use codes::{CODE_KEY, CodeKey};
pub use desks::{
    SlotsQuery, create_desk, delete_desk, get_desk, list_desks, opening_check, public_desks,
    seed_desk, slots, update_desk,
};
pub use pickups::{
    PickupListQuery, RouteSheetQuery, SlotsQuery as PickupSlotsQuery, create_item, create_pickup,
    create_zone, delete_zone, get_pickup, list_items, list_pickups, list_zones, pickup_action,
    pickup_slots, route_sheet, route_sheet_csv, route_sheet_pdf, seed_item, seed_zone, update_zone,
    withdraw_pickup,
};
pub use staff::{BookingQuery, booking_action, get_booking, list_bookings, update_booking};
// For the video desk (services::live::calls).
pub(crate) use bookings::{by_code, status_of};
pub(crate) use desks::rules_of as desk_rules;
pub(crate) use staff::load as load_for_staff;
