//! The agenda: desks with their opening hours, public slots and bookings, the staff's
//! agenda, and bulky-waste pickups.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{NamedRef, RequestView};
use crate::agenda::{
    BookingAction, BookingMode, BookingStatus, DeskMode, PickupAction, PickupKind, PickupStatus,
};

/// A service offered at a desk, with how long an appointment for it lasts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskServiceDto {
    /// Lower-case letters, digits, `_` and `-` (e.g. `tari_info`).
    pub code: String,
    pub name: String,
    /// A multiple of 5, from 5 to 480.
    pub duration_minutes: u32,
}

/// An opening range on a weekday (1 = Monday … 7 = Sunday), in Europe/Rome wall-clock time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeeklyRangeDto {
    pub weekday: u8,
    #[cfg_attr(feature = "openapi", schema(example = "16:00"))]
    pub start: String,
    #[cfg_attr(feature = "openapi", schema(example = "18:00"))]
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeRangeDto {
    #[cfg_attr(feature = "openapi", schema(example = "09:00"))]
    pub start: String,
    #[cfg_attr(feature = "openapi", schema(example = "12:00"))]
    pub end: String,
}

/// A date that differs from the weekly hours: closed, or open with other ranges, or open as
/// usual with a notice. The note is shown to the public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DateOverrideDto {
    pub date: NaiveDate,
    #[serde(default)]
    pub closed: bool,
    /// Replaces the weekly ranges of that date (ignored when closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranges: Option<Vec<TimeRangeDto>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn default_capacity() -> u32 {
    1
}
fn default_window() -> u32 {
    30
}
fn default_notice() -> u32 {
    60
}
fn default_cancel() -> u32 {
    120
}
fn default_max_open() -> u32 {
    2
}

/// `POST /desks`: a desk (sportello) and its agenda rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveDesk {
    pub name: String,
    /// The office whose operators run the desk.
    pub office_id: String,
    pub mode: DeskMode,
    #[serde(default)]
    pub address: Option<String>,
    pub services: Vec<DeskServiceDto>,
    /// Operators serving in parallel (appointments at the same time).
    #[serde(default = "default_capacity")]
    pub capacity: u32,
    /// Minutes kept free after each appointment (multiple of 5).
    #[serde(default)]
    pub buffer_minutes: u32,
    /// How many days ahead one can book.
    #[serde(default = "default_window")]
    pub booking_window_days: u32,
    /// Minimum minutes between booking and appointment (waived for operators).
    #[serde(default = "default_notice")]
    pub min_notice_minutes: u32,
    /// Citizens may cancel or reschedule until this many minutes before the appointment.
    #[serde(default = "default_cancel")]
    pub cancel_until_minutes: u32,
    /// Anonymous bookings are held 15 minutes until confirmed from the e-mailed link.
    #[serde(default)]
    pub confirm_by_email: bool,
    /// Open on national holidays, the patron saint and closure days too.
    #[serde(default)]
    pub open_on_holidays: bool,
    /// Future bookings one e-mail address or codice fiscale may hold.
    #[serde(default = "default_max_open")]
    pub max_open_bookings_per_person: u32,
    #[serde(default)]
    pub weekly: Vec<WeeklyRangeDto>,
    #[serde(default)]
    pub overrides: Vec<DateOverrideDto>,
}

/// `PATCH /desks/{id}`: only the fields sent change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateDesk {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub office_id: Option<String>,
    #[serde(default)]
    pub mode: Option<DeskMode>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub services: Option<Vec<DeskServiceDto>>,
    #[serde(default)]
    pub capacity: Option<u32>,
    #[serde(default)]
    pub buffer_minutes: Option<u32>,
    #[serde(default)]
    pub booking_window_days: Option<u32>,
    #[serde(default)]
    pub min_notice_minutes: Option<u32>,
    #[serde(default)]
    pub cancel_until_minutes: Option<u32>,
    #[serde(default)]
    pub confirm_by_email: Option<bool>,
    #[serde(default)]
    pub open_on_holidays: Option<bool>,
    #[serde(default)]
    pub max_open_bookings_per_person: Option<u32>,
    #[serde(default)]
    pub weekly: Option<Vec<WeeklyRangeDto>>,
    #[serde(default)]
    pub overrides: Option<Vec<DateOverrideDto>>,
}

impl UpdateDesk {
    /// The desk with the changes applied (validated afterwards as a whole).
    pub fn apply_to(&self, desk: &SaveDesk) -> SaveDesk {
        let mut d = desk.clone();
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = &self.$f { d.$f = v.clone(); } )* };
        }
        set!(
            name,
            office_id,
            mode,
            services,
            capacity,
            buffer_minutes,
            booking_window_days,
            min_notice_minutes,
            cancel_until_minutes,
            confirm_by_email,
            open_on_holidays,
            max_open_bookings_per_person,
            weekly,
            overrides
        );
        if let Some(a) = &self.address {
            d.address = Some(a.clone()).filter(|a| !a.trim().is_empty());
        }
        d
    }
}

/// A desk as the staff manage it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Desk {
    pub id: String,
    pub office: NamedRef,
    #[serde(flatten)]
    pub settings: SaveDesk,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A dated notice of a desk (closure or changed hours) for the public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskNotice {
    pub date: NaiveDate,
    pub closed: bool,
    /// Closed for a holiday, the patron saint or a closure day of the tenant.
    pub holiday: bool,
    pub note: Option<String>,
}

/// `GET /public/desks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicDesk {
    pub id: String,
    pub name: String,
    pub office: NamedRef,
    pub mode: DeskMode,
    pub address: Option<String>,
    pub services: Vec<DeskServiceDto>,
    pub booking_window_days: u32,
    pub min_notice_minutes: u32,
    pub cancel_until_minutes: u32,
    /// Upcoming closures and changed hours within the booking window.
    pub notices: Vec<DeskNotice>,
}

/// One bookable time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotDto {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Seats left (0: full).
    pub remaining: u32,
    pub modes: Vec<BookingMode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotList {
    pub items: Vec<SlotDto>,
}

/// `POST /public/bookings`. With an operator's token it books for a caller on the phone
/// (minimum notice waived); with a citizen's token the booking is also theirs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateBooking {
    pub desk_id: String,
    /// A service code of the desk.
    pub service: String,
    /// The slot's start, as listed by `/public/desks/{id}/slots`.
    pub start: DateTime<Utc>,
    pub mode: BookingMode,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub fiscal_code: Option<String>,
    pub subject: String,
    pub privacy_accepted: bool,
}

/// A booking as its holder sees it (the answer of `POST /public/bookings` and
/// `GET /public/bookings/{code}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicBooking {
    /// The secret of the booking's links (at least 128 random bits): keep it private.
    pub code: String,
    /// A short reference to quote at the desk or on the phone.
    pub reference: String,
    pub status: BookingStatus,
    pub desk_id: String,
    pub desk_name: String,
    pub address: Option<String>,
    pub service: String,
    pub service_name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub mode: BookingMode,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub subject: String,
    /// Until when it can be cancelled or moved from the link.
    pub changeable_until: DateTime<Utc>,
    /// Until when an unconfirmed booking holds its seat.
    pub confirm_by: Option<DateTime<Utc>>,
    pub manage_url: String,
    pub calendar_url: String,
    pub join_url: Option<String>,
}

/// `PATCH /public/bookings/{code}`: move to another slot of the same desk and service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RescheduleBooking {
    pub start: DateTime<Utc>,
}

/// A booking in the staff's agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingView {
    pub id: String,
    pub reference: String,
    pub status: BookingStatus,
    pub desk: NamedRef,
    pub service: String,
    pub service_name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub mode: BookingMode,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub fiscal_code: Option<String>,
    pub subject: String,
    pub citizen_id: Option<String>,
    pub request_id: Option<String>,
    pub notes: Option<String>,
    pub cancel_reason: Option<String>,
    /// Booked by an operator (for a caller on the phone).
    pub booked_by_staff: bool,
    pub join_url: Option<String>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /bookings/{id}/actions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingActionRequest {
    pub action: BookingAction,
    /// For `cancel`: the reason, sent to the citizen; otherwise a note for the staff.
    #[serde(default)]
    pub note: Option<String>,
}

/// `PATCH /bookings/{id}`: link the visit to a citizen or a request, keep notes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateBooking {
    #[serde(default)]
    pub citizen_id: Option<String>,
    /// A request of the tenant: the visit appears in its thread.
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A desk's weekly hours against the capitolato minimum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskOpening {
    pub id: String,
    pub name: String,
    pub weekly_hours: f64,
    pub has_afternoon_opening: bool,
}

/// `GET /desks/opening-check`: the tenant's weekly opening hours (when at least one desk
/// is open) against the minimum for its population, and whether it opens in the afternoon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpeningCheckDto {
    /// From the tenant's settings; none until set.
    pub population: Option<u32>,
    pub required_hours: Option<u32>,
    pub weekly_hours: f64,
    pub meets_minimum: Option<bool>,
    pub has_afternoon_opening: bool,
    /// Both checks pass (false while the population is unknown).
    pub ok: bool,
    pub desks: Vec<DeskOpening>,
}

// ---- pickups ----------------------------------------------------------------------------

/// A date of a pickup zone that differs from its weekdays: closed, or with another capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupOverrideDto {
    pub date: NaiveDate,
    #[serde(default)]
    pub closed: bool,
    /// Pieces that day (opens the date even if not a usual weekday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn default_pickup_window() -> u32 {
    60
}
fn default_one() -> u32 {
    1
}

/// `POST /pickup-zones`, `PATCH` sends the whole zone too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavePickupZone {
    pub name: String,
    /// Five-digit CAP codes the zone serves.
    #[serde(default)]
    pub postcodes: Vec<String>,
    #[serde(default)]
    pub streets: Vec<String>,
    /// 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// Pieces the crew collects per day.
    pub daily_capacity: u32,
    pub max_pieces_per_booking: u32,
    pub kinds: Vec<PickupKind>,
    #[serde(default)]
    pub overrides: Vec<PickupOverrideDto>,
    /// Days between booking and pickup (at least one).
    #[serde(default = "default_one")]
    pub min_notice_days: u32,
    #[serde(default = "default_pickup_window")]
    pub booking_window_days: u32,
    /// Withdrawal allowed until this many days before the pickup.
    #[serde(default = "default_one")]
    pub cancel_until_days: u32,
}

/// `PATCH /pickup-zones/{id}`: only the fields sent change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdatePickupZone {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub postcodes: Option<Vec<String>>,
    #[serde(default)]
    pub streets: Option<Vec<String>>,
    #[serde(default)]
    pub weekdays: Option<Vec<u8>>,
    #[serde(default)]
    pub daily_capacity: Option<u32>,
    #[serde(default)]
    pub max_pieces_per_booking: Option<u32>,
    #[serde(default)]
    pub kinds: Option<Vec<PickupKind>>,
    #[serde(default)]
    pub overrides: Option<Vec<PickupOverrideDto>>,
    #[serde(default)]
    pub min_notice_days: Option<u32>,
    #[serde(default)]
    pub booking_window_days: Option<u32>,
    #[serde(default)]
    pub cancel_until_days: Option<u32>,
}

impl UpdatePickupZone {
    pub fn apply_to(&self, zone: &SavePickupZone) -> SavePickupZone {
        let mut z = zone.clone();
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = &self.$f { z.$f = v.clone(); } )* };
        }
        set!(
            name,
            postcodes,
            streets,
            weekdays,
            daily_capacity,
            max_pieces_per_booking,
            kinds,
            overrides,
            min_notice_days,
            booking_window_days,
            cancel_until_days
        );
        z
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupZone {
    pub id: String,
    #[serde(flatten)]
    pub settings: SavePickupZone,
}

/// `POST /pickup-items`: an entry of the catalogue of what can be collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavePickupItem {
    pub code: String,
    pub name: String,
    pub kind: PickupKind,
    /// How many pieces of the daily capacity one of these counts as.
    #[serde(default = "default_one")]
    pub pieces: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupItem {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: PickupKind,
    pub pieces: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupDayDto {
    pub date: NaiveDate,
    /// Pieces still free that day.
    pub remaining: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupDayList {
    pub items: Vec<PickupDayDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupLine {
    pub code: String,
    pub qty: u32,
}

/// `POST /pickups` (JSON, or multipart with `data` and photo `files`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatePickup {
    pub zone_id: String,
    pub kind: PickupKind,
    pub date: NaiveDate,
    pub address: String,
    pub items: Vec<PickupLine>,
    pub phone: String,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupLineView {
    pub code: String,
    pub name: String,
    pub qty: u32,
    pub pieces: u32,
}

/// A booked pickup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupView {
    pub id: String,
    pub zone: NamedRef,
    pub kind: PickupKind,
    pub date: NaiveDate,
    pub address: String,
    pub items: Vec<PickupLineView>,
    pub pieces: u32,
    pub phone: String,
    pub notes: Option<String>,
    pub status: PickupStatus,
    pub outcome_note: Option<String>,
    /// The citizen chose a date after the TQRIF due date: agreed at their request.
    pub agreed_beyond_standard: bool,
    pub citizen: Option<NamedRef>,
    pub request_id: String,
    pub protocol_number: String,
    pub due_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

/// The answer of `POST /pickups`: the pickup and the request it filed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupCreated {
    pub pickup: PickupView,
    pub request: RequestView,
}

/// `POST /pickups/{id}/actions`: the crew's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickupActionRequest {
    pub action: PickupAction,
    /// For `done`: the reply to the citizen (a default one otherwise); for `not_done`: why.
    #[serde(default)]
    pub note: Option<String>,
}

/// The day's pickups of a zone, in address order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteSheet {
    pub date: NaiveDate,
    pub zone: NamedRef,
    pub pieces: u32,
    pub items: Vec<PickupView>,
}
