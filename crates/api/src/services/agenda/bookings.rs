//! Public bookings: made, confirmed, moved and cancelled by anyone holding the link.

use chrono::{DateTime, Duration, Utc};
use domain::agenda::booking::{self, Contact, check_holder_change};
use domain::agenda::{BookingMode, BookingStatus, DeskRules, Interval, SlotContext};
use domain::api::{CreateBooking, PublicBooking, RescheduleBooking};
use domain::error::Lang;
use serde::{Deserialize, Serialize};

use super::codes::{self, CodeKey};
use super::desks::{rules_of, settings_of};
use super::ics;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{BookingRow, DeskRow, IdempotencyRow};
use crate::db::repo::{agenda, mail, new_id, requests};
use crate::error::{ApiError, ApiResult, storage_error};
use crate::mail::outbound;
use crate::services::notify::{self, Notice};
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::hex_digest;

/// The addresses of a booking's pages, absolute when the portal's address is known.
#[derive(Debug, Clone)]
pub struct BookingLinks {
    pub manage: String,
    pub confirm: String,
    pub calendar: String,
    pub join: Option<String>,
}

impl BookingLinks {
    pub fn new(base: Option<&str>, key: &CodeKey, row: &BookingRow) -> Self {
        let base = base.unwrap_or("").trim_end_matches('/');
        let code = key.code(&row.id);
        Self {
            manage: format!("{base}/prenotazioni/{code}"),
            confirm: format!(
                "{base}/prenotazioni/{code}/conferma?token={}",
                key.confirm_token(&row.id)
            ),
            calendar: format!("{base}/api/v1/public/bookings/{code}/calendar.ics"),
            // The booking's own code: whoever holds the e-mail joins (docs/realtime.md).
            join: (row.mode == BookingMode::Video.code())
                .then(|| format!("{base}/videochiamata/{code}")),
        }
    }
}

/// The portal's address, if configured (for links in answers and e-mails).
pub(super) fn public_base(
    c: &mut DbConn,
    state_config: &crate::config::Config,
    tenant: &TenantCtx,
) -> ApiResult<Option<String>> {
    Ok(outbound::brand(c, state_config, tenant)?.public_url)
}

pub(crate) fn status_of(row: &BookingRow, now: DateTime<Utc>) -> BookingStatus {
    row.status
        .parse::<BookingStatus>()
        .unwrap_or(BookingStatus::Cancelled)
        .effective(row.hold_until.map(|t| t.and_utc()), now)
}

pub(super) fn interval_of(row: &BookingRow) -> Interval {
    Interval {
        start: row.starts_at.and_utc(),
        end: row.ends_at.and_utc(),
    }
}

pub(super) fn public_view(
    row: &BookingRow,
    desk: &DeskRow,
    rules: &DeskRules,
    key: &CodeKey,
    base: Option<&str>,
    now: DateTime<Utc>,
) -> PublicBooking {
    let links = BookingLinks::new(base, key, row);
    let status = status_of(row, now);
    PublicBooking {
        code: key.code(&row.id),
        reference: row.reference.clone(),
        status,
        desk_id: desk.id.clone(),
        desk_name: desk.name.clone(),
        address: desk.address.clone(),
        service: row.service_code.clone(),
        service_name: row.service_name.clone(),
        start: row.starts_at.and_utc(),
        end: row.ends_at.and_utc(),
        mode: row.mode.parse().unwrap_or(BookingMode::InPerson),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        email: row.email.clone(),
        subject: row.subject.clone(),
        changeable_until: rules.changeable_until(row.starts_at.and_utc()),
        confirm_by: (status == BookingStatus::PendingConfirmation)
            .then(|| row.hold_until.map(|t| t.and_utc()))
            .flatten(),
        manage_url: links.manage,
        calendar_url: links.calendar,
        join_url: links.join,
    }
}

/// Where a version of a booking's calendar file is kept for its e-mail.
pub fn ics_key(tenant_id: &str, booking_id: &str, sequence: i32, cancelled: bool) -> String {
    let what = if cancelled { "cancelled" } else { "confirmed" };
    format!("{tenant_id}/agenda/{booking_id}/{sequence}-{what}.ics")
}

/// The calendar file of a booking as it stands.
pub(super) fn render_ics(
    c: &mut DbConn,
    state: &AppState,
    tenant: &TenantCtx,
    row: &BookingRow,
    desk: &DeskRow,
    key: &CodeKey,
    cancelled: bool,
) -> ApiResult<String> {
    let base = public_base(c, &state.config, tenant)?;
    let links = BookingLinks::new(base.as_deref(), key, row);
    let organizer = mail::outbound_mailbox(c, &tenant.id)?
        .map(|m| m.address)
        .or_else(|| state.config.mail_from.clone())
        .unwrap_or_else(|| "noreply@sportello.invalid".to_owned());
    let mut description = format!(
        "Riferimento: {}\nServizio: {}\nOggetto: {}\nGestisci la prenotazione: {}",
        row.reference, row.service_name, row.subject, links.manage
    );
    if let Some(j) = &links.join {
        description.push_str("\nVideochiamata: ");
        description.push_str(j);
    }
    let summary = format!("{} – {}", row.service_name, desk.name);
    let location = if links.join.is_some() {
        links.join.clone()
    } else {
        desk.address.clone()
    };
    Ok(ics::render(&ics::Event {
        booking_id: &row.id,
        sequence: row.sequence,
        stamp: row.updated_at.and_utc(),
        start: row.starts_at.and_utc(),
        end: row.ends_at.and_utc(),
        summary: &summary,
        location: location.as_deref(),
        description: &description,
        url: Some(&links.manage),
        organizer_name: &tenant.name,
        organizer_email: &organizer,
        cancelled,
    }))
}

/// Stores this version's calendar file for the notice that attaches it.
pub(super) fn store_ics(
    c: &mut DbConn,
    state: &AppState,
    tenant: &TenantCtx,
    row: &BookingRow,
    desk: &DeskRow,
    key: &CodeKey,
    cancelled: bool,
) -> ApiResult<()> {
    let body = render_ics(c, state, tenant, row, desk, key, cancelled)?;
    state
        .files
        .put(
            &ics_key(&tenant.id, &row.id, row.sequence, cancelled),
            body.as_bytes(),
        )
        .map_err(storage_error)
}

/// Queues the confirmation mail and the reminder of the day before.
pub(super) fn announce_confirmed(
    c: &mut DbConn,
    tenant_id: &str,
    row: &BookingRow,
    rescheduled: bool,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let (booking_id, sequence) = (row.id.clone(), row.sequence);
    let notice = if rescheduled {
        Notice::BookingRescheduled {
            booking_id: booking_id.clone(),
            sequence,
        }
    } else {
        Notice::BookingConfirmed {
            booking_id: booking_id.clone(),
            sequence,
        }
    };
    notify::enqueue(c, tenant_id, &notice)?;
    let remind_at = row.starts_at.and_utc() - Duration::hours(24);
    if remind_at > now + Duration::hours(1) {
        notify::enqueue_at(
            c,
            tenant_id,
            &Notice::BookingReminder {
                booking_id,
                sequence,
            },
            remind_at,
        )?;
    }
    Ok(())
}

/// Takes the seats of `cells` for a booking, skipping those it already holds. A full cell
/// is a 409, and the caller's transaction rolls back whatever was taken.
pub(super) fn take_seats(
    c: &mut DbConn,
    desk: &DeskRow,
    rules: &DeskRules,
    booking: &BookingRow,
    interval: Interval,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let held: std::collections::BTreeSet<_> =
        agenda::cells_of(c, &booking.id)?.into_iter().collect();
    let capacity = i32::try_from(rules.capacity).unwrap_or(1);
    for cell in rules.cells(interval) {
        let cell = cell.naive_utc();
        if held.contains(&cell) {
            continue;
        }
        if !agenda::take_seat(
            c,
            &desk.id,
            cell,
            capacity,
            &booking.id,
            booking.hold_until,
            now.naive_utc(),
        )? {
            return Err(full());
        }
    }
    Ok(())
}

fn full() -> ApiError {
    ApiError::conflict(
        "Questo orario non è più disponibile: sceglierne un altro",
        "This time is no longer available: please choose another one",
    )
}

/// What an `Idempotency-Key` replay needs: the booking first created.
#[derive(Debug, Serialize, Deserialize)]
struct Replay {
    booking_id: String,
}

fn load_desk_for(c: &mut DbConn, tenant_id: &str, desk_id: &str) -> ApiResult<DeskRow> {
    agenda::find_desk(c, tenant_id, desk_id)?
        .ok_or_else(|| ApiError::invalid("desk_id", "Sportello non trovato", "Desk not found"))
}

/// The staff member, citizen or visitor booking.
#[derive(Debug, Clone, Copy)]
pub struct Booker<'a> {
    pub user: Option<&'a AuthUser>,
    pub lang: Lang,
}

pub fn create(
    state: &AppState,
    tenant: &TenantCtx,
    booker: Booker<'_>,
    body: &CreateBooking,
    idempotency_key: Option<&str>,
) -> ApiResult<PublicBooking> {
    if let Some(k) = idempotency_key
        && (k.is_empty() || k.len() > 200)
    {
        return Err(ApiError::bad_request(
            "Idempotency-Key deve avere da 1 a 200 caratteri",
            "Idempotency-Key must have 1 to 200 characters",
        ));
    }
    let contact = booking::validate_contact(body)?;
    let now = Utc::now();
    let namespace = match booker.user {
        Some(u) => u.user_id.clone(),
        None => format!("booking:{}", contact.email.as_str()),
    };
    let request_hash = hex_digest(serde_json::to_string(body).unwrap_or_default().as_bytes());
    let result = state.db.write_tx(|c| {
        if let Some(k) = idempotency_key
            && let Some(done) = requests::find_idempotency(c, &tenant.id, &namespace, k)?
        {
            if done.request_hash != request_hash {
                return Err(ApiError::invalid(
                    "Idempotency-Key",
                    "Questa chiave è già stata usata per una prenotazione diversa",
                    "This key was already used for a different booking",
                ));
            }
            return replay(c, state, tenant, &done.response_body, now);
        }
        let desk = load_desk_for(c, &tenant.id, &body.desk_id)?;
        let rules = rules_of(&desk)?;
        let settings = settings_of(&desk);
        let service = rules.service(&body.service).cloned().ok_or_else(|| {
            ApiError::invalid(
                "service",
                "Servizio sconosciuto per questo sportello",
                "Unknown service for this desk",
            )
        })?;
        if !settings.mode.allows(body.mode) {
            return Err(ApiError::invalid(
                "mode",
                "Modalità non prevista da questo sportello",
                "This desk does not offer this mode",
            ));
        }
        // Operators of the desk booking for a caller on the phone: no minimum notice, no
        // per-person limit (the capacity still holds).
        let staff = booker
            .user
            .is_some_and(|u| u.is_staff() && super::desks::may_run(u, &desk));
        let ctx = SlotContext {
            now,
            calendar: &tenant.calendar,
            waive_notice: staff,
        };
        let interval = rules.check_start(&service, body.start, &ctx)?;
        if !staff {
            check_open_bookings(
                c,
                &desk,
                &contact,
                settings.max_open_bookings_per_person,
                now,
            )?;
        }
        let pending = settings.confirm_by_email && booker.user.is_none();
        let key = state.booking_codes.clone();
        let row = new_row(
            c, tenant, &desk, &service, interval, body.mode, &contact, booker, pending, &key, now,
        )?;
        agenda::insert_booking(c, &row)?;
        take_seats(c, &desk, &rules, &row, interval, now)?;
        if pending {
            notify::enqueue(
                c,
                &tenant.id,
                &Notice::BookingPending {
                    booking_id: row.id.clone(),
                },
            )?;
        } else {
            store_ics(c, state, tenant, &row, &desk, &key, false)?;
            announce_confirmed(c, &tenant.id, &row, false, now)?;
        }
        if let Some(k) = idempotency_key {
            requests::insert_idempotency(
                c,
                &IdempotencyRow {
                    tenant_id: tenant.id.clone(),
                    user_id: namespace.clone(),
                    key: k.to_owned(),
                    request_hash: request_hash.clone(),
                    status_code: 201,
                    response_body: serde_json::to_string(&Replay {
                        booking_id: row.id.clone(),
                    })
                    .map_err(|e| ApiError::Internal(e.into()))?,
                    created_at: now.naive_utc(),
                },
            )?;
        }
        let base = public_base(c, &state.config, tenant)?;
        Ok(public_view(&row, &desk, &rules, &key, base.as_deref(), now))
    });
    match result {
        // The same key sent twice at once: the second answers with the first's booking.
        Err(ApiError::Internal(e))
            if idempotency_key.is_some()
                && e.downcast_ref::<diesel::result::Error>()
                    .is_some_and(crate::db::is_unique_violation) =>
        {
            let k = idempotency_key.unwrap_or_default();
            state.db.read(|c| {
                let done = requests::find_idempotency(c, &tenant.id, &namespace, k)?
                    .ok_or(ApiError::Unavailable)?;
                replay(c, state, tenant, &done.response_body, now)
            })
        }
        other => other,
    }
}

fn replay(
    c: &mut DbConn,
    state: &AppState,
    tenant: &TenantCtx,
    body: &str,
    now: DateTime<Utc>,
) -> ApiResult<PublicBooking> {
    let r: Replay = serde_json::from_str(body).map_err(|e| ApiError::Internal(e.into()))?;
    let row = agenda::find_booking(c, &tenant.id, &r.booking_id)?.ok_or(ApiError::NotFound)?;
    view_of(c, state, tenant, &row, now)
}

fn view_of(
    c: &mut DbConn,
    state: &AppState,
    tenant: &TenantCtx,
    row: &BookingRow,
    now: DateTime<Utc>,
) -> ApiResult<PublicBooking> {
    let desk = agenda::find_desk_any(c, &tenant.id, &row.desk_id)?.ok_or(ApiError::NotFound)?;
    let rules = rules_of(&desk)?;
    let key = state.booking_codes.clone();
    let base = public_base(c, &state.config, tenant)?;
    Ok(public_view(row, &desk, &rules, &key, base.as_deref(), now))
}

/// At most `max` open bookings per e-mail address or codice fiscale at a desk. The
/// person's rows are locked first, so two bookings of one person cannot both pass.
fn check_open_bookings(
    c: &mut DbConn,
    desk: &DeskRow,
    contact: &Contact,
    max: u32,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let mut people = vec![format!("e:{}", contact.email.as_str())];
    if let Some(cf) = &contact.fiscal_code {
        people.push(format!("cf:{}", cf.as_str()));
    }
    people.sort();
    for p in &people {
        agenda::lock_person(c, &desk.id, p, now.naive_utc())?;
    }
    let open = agenda::open_bookings_of(
        c,
        &desk.id,
        contact.email.as_str(),
        contact
            .fiscal_code
            .as_ref()
            .map(domain::types::CodiceFiscale::as_str),
        now.naive_utc(),
    )?;
    if open >= i64::from(max) {
        return Err(ApiError::conflict(
            format!(
                "Hai già {open} prenotazioni attive presso questo sportello: il massimo è {max}"
            ),
            format!("You already have {open} open bookings at this desk: the limit is {max}"),
        ));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn new_row(
    c: &mut DbConn,
    tenant: &TenantCtx,
    desk: &DeskRow,
    service: &domain::agenda::Service,
    interval: Interval,
    mode: BookingMode,
    contact: &Contact,
    booker: Booker<'_>,
    pending: bool,
    key: &CodeKey,
    now: DateTime<Utc>,
) -> ApiResult<BookingRow> {
    let id = new_id();
    let mut reference = codes::new_reference();
    for _ in 0..5 {
        if !agenda::reference_taken(c, &tenant.id, &reference)? {
            break;
        }
        reference = codes::new_reference();
    }
    let citizen_id = booker
        .user
        .filter(|u| u.role == domain::Role::Citizen)
        .map(|u| u.user_id.clone());
    let created_by = booker
        .user
        .filter(|u| u.is_staff())
        .map(|u| u.user_id.clone());
    Ok(BookingRow {
        code_hash: codes::code_hash(&key.code(&id)),
        id,
        tenant_id: tenant.id.clone(),
        desk_id: desk.id.clone(),
        reference,
        service_code: service.code.clone(),
        service_name: service.name.clone(),
        starts_at: interval.start.naive_utc(),
        ends_at: interval.end.naive_utc(),
        mode: mode.code().to_owned(),
        status: if pending {
            BookingStatus::PendingConfirmation
        } else {
            BookingStatus::Confirmed
        }
        .code()
        .to_owned(),
        hold_until: pending.then(|| booking::hold_until(now).naive_utc()),
        first_name: contact.first_name.as_str().to_owned(),
        last_name: contact.last_name.as_str().to_owned(),
        email: contact.email.as_str().to_owned(),
        phone: contact.phone.as_ref().map(|p| p.as_str().to_owned()),
        fiscal_code: contact
            .fiscal_code
            .as_ref()
            .map(|cf| cf.as_str().to_owned()),
        subject: contact.subject.as_str().to_owned(),
        lang: if booker.lang == Lang::En { "en" } else { "it" }.to_owned(),
        citizen_id,
        request_id: None,
        notes: None,
        cancel_reason: None,
        sequence: 0,
        created_by,
        privacy_accepted_at: now.naive_utc(),
        checked_in_at: None,
        cancelled_at: None,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
    })
}

/// The booking of a code, or not found (junk codes never reach the database).
pub(crate) fn by_code(c: &mut DbConn, tenant: &TenantCtx, code: &str) -> ApiResult<BookingRow> {
    if !codes::is_well_formed(code) {
        return Err(ApiError::NotFound);
    }
    agenda::find_by_code_hash(c, &tenant.id, &codes::code_hash(code))?.ok_or(ApiError::NotFound)
}

pub fn get(state: &AppState, tenant: &TenantCtx, code: &str) -> ApiResult<PublicBooking> {
    let now = Utc::now();
    state.db.read(|c| {
        let row = by_code(c, tenant, code)?;
        view_of(c, state, tenant, &row, now)
    })
}

/// Cancels a booking from its link, until the desk's cutoff.
pub fn cancel(state: &AppState, tenant: &TenantCtx, code: &str) -> ApiResult<PublicBooking> {
    let now = Utc::now();
    state.db.write_tx(|c| {
        let mut row = by_code(c, tenant, code)?;
        let desk = agenda::find_desk_any(c, &tenant.id, &row.desk_id)?.ok_or(ApiError::NotFound)?;
        let rules = rules_of(&desk)?;
        let status = status_of(&row, now);
        check_holder_change(status, rules.changeable_until(row.starts_at.and_utc()), now)?;
        cancel_in_tx(c, state, tenant, &mut row, &desk, status, None, false, now)?;
        view_of(c, state, tenant, &row, now)
    })
}

/// Cancels in the caller's transaction: frees the seats, bumps the calendar sequence and
/// tells the holder (unless the booking was never confirmed).
#[allow(clippy::too_many_arguments)]
pub(super) fn cancel_in_tx(
    c: &mut DbConn,
    state: &AppState,
    tenant: &TenantCtx,
    row: &mut BookingRow,
    desk: &DeskRow,
    status: BookingStatus,
    reason: Option<&str>,
    by_office: bool,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    agenda::release_seats(c, &row.id)?;
    row.status = BookingStatus::Cancelled.code().to_owned();
    row.hold_until = None;
    row.cancel_reason = reason.map(str::to_owned);
    row.cancelled_at = Some(now.naive_utc());
    row.sequence += 1;
    row.updated_at = now.naive_utc();
    agenda::update_booking(c, row)?;
    if status == BookingStatus::Confirmed {
        let key = state.booking_codes.clone();
        store_ics(c, state, tenant, row, desk, &key, true)?;
        notify::enqueue(
            c,
            &tenant.id,
            &Notice::BookingCancelled {
                booking_id: row.id.clone(),
                sequence: row.sequence,
                by_office,
            },
        )?;
    }
    Ok(())
}

/// Moves a booking to another slot of its desk and service. The new seats are taken
/// before the old ones are freed, in one transaction: a full slot leaves it where it was.
pub fn reschedule(
    state: &AppState,
    tenant: &TenantCtx,
    code: &str,
    body: &RescheduleBooking,
) -> ApiResult<PublicBooking> {
    let now = Utc::now();
    state.db.write_tx(|c| {
        let mut row = by_code(c, tenant, code)?;
        let desk = agenda::find_desk(c, &tenant.id, &row.desk_id)?.ok_or_else(|| {
            ApiError::conflict(
                "Lo sportello non è più attivo",
                "The desk is no longer open",
            )
        })?;
        let rules = rules_of(&desk)?;
        let status = status_of(&row, now);
        check_holder_change(status, rules.changeable_until(row.starts_at.and_utc()), now)?;
        let service = rules.service(&row.service_code).cloned().ok_or_else(|| {
            ApiError::conflict(
                "Il servizio non è più offerto da questo sportello",
                "The desk no longer offers this service",
            )
        })?;
        if body.start == row.starts_at.and_utc() {
            return Err(ApiError::invalid(
                "start",
                "La prenotazione è già a quest'ora",
                "The booking is already at this time",
            ));
        }
        let ctx = SlotContext {
            now,
            calendar: &tenant.calendar,
            waive_notice: false,
        };
        let interval = rules.check_start(&service, body.start, &ctx)?;
        take_seats(c, &desk, &rules, &row, interval, now)?;
        let until = interval.end + Duration::minutes(i64::from(rules.buffer_minutes));
        agenda::release_seats_outside(c, &row.id, interval.start.naive_utc(), until.naive_utc())?;
        row.starts_at = interval.start.naive_utc();
        row.ends_at = interval.end.naive_utc();
        row.sequence += 1;
        row.updated_at = now.naive_utc();
        agenda::update_booking(c, &row)?;
        if status == BookingStatus::Confirmed {
            let key = state.booking_codes.clone();
            store_ics(c, state, tenant, &row, &desk, &key, false)?;
            announce_confirmed(c, &tenant.id, &row, true, now)?;
        }
        view_of(c, state, tenant, &row, now)
    })
}

/// `POST /public/bookings/{code}/confirm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConfirmBooking {
    /// The token of the e-mailed confirmation link.
    pub token: String,
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Confirms a booking from the e-mailed link, while its hold lasts.
pub fn confirm(
    state: &AppState,
    tenant: &TenantCtx,
    code: &str,
    body: &ConfirmBooking,
) -> ApiResult<PublicBooking> {
    let now = Utc::now();
    state.db.write_tx(|c| {
        let mut row = by_code(c, tenant, code)?;
        let key = state.booking_codes.clone();
        if !same(body.token.trim(), &key.confirm_token(&row.id)) {
            return Err(ApiError::invalid(
                "token",
                "Il link di conferma non è valido: usare quello ricevuto per e-mail",
                "The confirmation link is not valid: use the one received by e-mail",
            ));
        }
        match status_of(&row, now) {
            BookingStatus::PendingConfirmation => {}
            BookingStatus::Confirmed | BookingStatus::CheckedIn => return view_of(c, state, tenant, &row, now),
            BookingStatus::Expired => {
                return Err(ApiError::conflict(
                    "Il tempo per confermare è scaduto e l'orario è stato liberato: prenotare di nuovo",
                    "The time to confirm has run out and the slot was released: please book again",
                ));
            }
            other => {
                return Err(ApiError::conflict(
                    format!("La prenotazione non è da confermare (stato «{}»)", other.code()),
                    format!("The booking is not awaiting confirmation (state '{}')", other.code()),
                ));
            }
        }
        let desk = agenda::find_desk_any(c, &tenant.id, &row.desk_id)?.ok_or(ApiError::NotFound)?;
        let rules = rules_of(&desk)?;
        let expected = rules.cells(interval_of(&row)).len();
        // The seats become permanent only if all of them are still held by this booking.
        if agenda::keep_seats(c, &row.id, now.naive_utc())? != expected {
            return Err(full());
        }
        row.status = BookingStatus::Confirmed.code().to_owned();
        row.hold_until = None;
        row.updated_at = now.naive_utc();
        agenda::update_booking(c, &row)?;
        store_ics(c, state, tenant, &row, &desk, &key, false)?;
        announce_confirmed(c, &tenant.id, &row, false, now)?;
        view_of(c, state, tenant, &row, now)
    })
}

/// The booking's calendar file as it stands now.
pub fn calendar_file(
    state: &AppState,
    tenant: &TenantCtx,
    code: &str,
) -> ApiResult<(String, String)> {
    let now = Utc::now();
    state.db.read(|c| {
        let row = by_code(c, tenant, code)?;
        let desk = agenda::find_desk_any(c, &tenant.id, &row.desk_id)?.ok_or(ApiError::NotFound)?;
        let key = state.booking_codes.clone();
        let cancelled = matches!(
            status_of(&row, now),
            BookingStatus::Cancelled | BookingStatus::Expired
        );
        let body = render_ics(c, state, tenant, &row, &desk, &key, cancelled)?;
        Ok::<_, ApiError>((body, format!("appuntamento-{}.ics", row.reference)))
    })
}

/// A signed-in citizen's bookings, newest first.
pub fn my_bookings(state: &AppState, user: &AuthUser) -> ApiResult<Vec<PublicBooking>> {
    let now = Utc::now();
    let tenant = user.tenant.clone();
    state.db.read(|c| {
        let filter = agenda::BookingFilter {
            citizen_id: Some(&user.user_id),
            ..Default::default()
        };
        let mut rows = agenda::list_bookings(c, &tenant.id, &filter, 200)?;
        rows.reverse();
        rows.iter()
            .map(|r| view_of(c, state, &tenant, r, now))
            .collect::<ApiResult<Vec<_>>>()
    })
}
