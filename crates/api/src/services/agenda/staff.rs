//! The staff's agenda: the day's and week's bookings of their desks, check-in, no-show,
//! completion and cancellation, and linking a visit to a citizen or a request.

use chrono::{Duration, NaiveDate, Utc};
use domain::agenda::booking::apply_staff_action;
use domain::agenda::{BookingAction, BookingMode, BookingStatus};
use domain::api::{BookingActionRequest, BookingView, NamedRef, UpdateBooking};
use domain::calendar::rome_date;
use domain::types::Description;
use serde::Deserialize;

use super::bookings::{BookingLinks, cancel_in_tx, public_base, status_of};
use super::codes::CodeKey;
use super::desks::{day_start, may_run, not_your_desk};
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{BookingRow, DeskRow, MessageRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{agenda, new_id, requests, users};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BookingQuery {
    pub desk_id: Option<String>,
    /// First day (Europe/Rome), default today.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive (at most 92 days after `from`), default `from`.
    pub to: Option<NaiveDate>,
    /// `pending_confirmation`, `confirmed`, `checked_in`, `no_show`, `completed`,
    /// `cancelled` or `expired`.
    pub status: Option<String>,
}

fn view(
    row: &BookingRow,
    desk: Option<&DeskRow>,
    key: &CodeKey,
    base: Option<&str>,
    now: chrono::DateTime<Utc>,
) -> BookingView {
    let links = BookingLinks::new(base, key, row);
    BookingView {
        id: row.id.clone(),
        reference: row.reference.clone(),
        status: status_of(row, now),
        desk: NamedRef {
            id: row.desk_id.clone(),
            name: desk.map(|d| d.name.clone()).unwrap_or_default(),
        },
        service: row.service_code.clone(),
        service_name: row.service_name.clone(),
        start: row.starts_at.and_utc(),
        end: row.ends_at.and_utc(),
        mode: row.mode.parse().unwrap_or(BookingMode::InPerson),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        email: row.email.clone(),
        phone: row.phone.clone(),
        fiscal_code: row.fiscal_code.clone(),
        subject: row.subject.clone(),
        citizen_id: row.citizen_id.clone(),
        request_id: row.request_id.clone(),
        notes: row.notes.clone(),
        cancel_reason: row.cancel_reason.clone(),
        booked_by_staff: row.created_by.is_some(),
        join_url: links.join,
        checked_in_at: row.checked_in_at.map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    }
}

/// The stored statuses a filter on an effective status must read.
fn stored_statuses(status: BookingStatus) -> Vec<&'static str> {
    match status {
        BookingStatus::Expired => vec!["pending_confirmation", "expired"],
        s => vec![s.code()],
    }
}

pub fn list_bookings(
    state: &AppState,
    user: &AuthUser,
    q: &BookingQuery,
) -> ApiResult<Vec<BookingView>> {
    user.require_staff()?;
    let now = Utc::now();
    let status: Option<BookingStatus> = q.status.as_deref().map(str::parse).transpose()?;
    let from = q.from.unwrap_or_else(|| rome_date(now));
    let to = q.to.unwrap_or(from);
    if to < from {
        return Err(ApiError::invalid(
            "to",
            "La data finale precede quella iniziale",
            "The end date is before the start date",
        ));
    }
    if (to - from).num_days() > super::desks::MAX_SLOT_DAYS {
        return Err(ApiError::invalid(
            "to",
            "Al massimo 92 giorni per volta",
            "At most 92 days at a time",
        ));
    }
    let tenant = user.tenant.clone();
    state.db.read(|c| {
        let desks: Vec<DeskRow> = match &q.desk_id {
            Some(id) => {
                let d = agenda::find_desk_any(c, &tenant.id, id)?.ok_or_else(|| {
                    ApiError::invalid("desk_id", "Sportello non trovato", "Desk not found")
                })?;
                if !may_run(user, &d) {
                    return Err(not_your_desk());
                }
                vec![d]
            }
            None => agenda::list_desks(c, &tenant.id)?
                .into_iter()
                .filter(|d| may_run(user, d))
                .collect(),
        };
        let ids: Vec<String> = desks.iter().map(|d| d.id.clone()).collect();
        let statuses = status.map(stored_statuses);
        let filter = agenda::BookingFilter {
            desk_ids: Some(&ids),
            from: Some(day_start(from).naive_utc()),
            until: Some(day_start(to + Duration::days(1)).naive_utc()),
            statuses: statuses.as_deref(),
            citizen_id: None,
        };
        let rows = agenda::list_bookings(c, &tenant.id, &filter, 1000)?;
        let key = state.booking_codes.clone();
        let base = public_base(c, &state.config, &tenant)?;
        Ok(rows
            .iter()
            .filter(|r| status.is_none_or(|s| status_of(r, now) == s))
            .map(|r| {
                view(
                    r,
                    desks.iter().find(|d| d.id == r.desk_id),
                    &key,
                    base.as_deref(),
                    now,
                )
            })
            .collect())
    })
}

/// The booking and its desk, if the caller runs that desk.
pub(crate) fn load(c: &mut DbConn, user: &AuthUser, id: &str) -> ApiResult<(BookingRow, DeskRow)> {
    user.require_staff()?;
    let row = agenda::find_booking(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
    let desk =
        agenda::find_desk_any(c, user.tenant_id(), &row.desk_id)?.ok_or(ApiError::NotFound)?;
    if !may_run(user, &desk) {
        return Err(not_your_desk());
    }
    Ok((row, desk))
}

fn render(
    c: &mut DbConn,
    state: &AppState,
    user: &AuthUser,
    row: &BookingRow,
    desk: &DeskRow,
) -> ApiResult<BookingView> {
    let key = state.booking_codes.clone();
    let base = public_base(c, &state.config, &user.tenant)?;
    Ok(view(row, Some(desk), &key, base.as_deref(), Utc::now()))
}

pub fn get_booking(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<BookingView> {
    state.db.read(|c| {
        let (row, desk) = load(c, user, id)?;
        render(c, state, user, &row, &desk)
    })
}

fn note_of(note: Option<&str>) -> ApiResult<Option<String>> {
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Ok(Some(
            Description::parse(n)
                .map_err(|e| e.at_field("note"))?
                .into_inner(),
        )),
        None => Ok(None),
    }
}

fn audit<'a>(user: &'a AuthUser, action: &'a str, id: &'a str) -> Audit<'a> {
    Audit {
        tenant_id: user.tenant_id(),
        actor_id: Some(&user.user_id),
        action,
        entity: "booking",
        entity_id: Some(id),
    }
}

pub fn booking_action(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &BookingActionRequest,
) -> ApiResult<BookingView> {
    let note = note_of(body.note.as_deref())?;
    let now = Utc::now();
    state.db.write_tx(|c| {
        let (mut row, desk) = load(c, user, id)?;
        let before = row.status.clone();
        let status = status_of(&row, now);
        let next = apply_staff_action(status, body.action, row.starts_at.and_utc(), now)?;
        if body.action == BookingAction::Cancel {
            cancel_in_tx(
                c,
                state,
                &user.tenant,
                &mut row,
                &desk,
                status,
                note.as_deref(),
                true,
                now,
            )?;
        } else {
            if body.action == BookingAction::CheckIn {
                row.checked_in_at = Some(now.naive_utc());
            }
            if let Some(n) = &note {
                row.notes = Some(match row.notes.take() {
                    Some(old) => format!("{old}\n{n}"),
                    None => n.clone(),
                });
            }
            row.status = next.code().to_owned();
            row.updated_at = now.naive_utc();
            agenda::update_booking(c, &row)?;
        }
        audit(user, &format!("booking.{}", body.action.code()), &row.id).record(
            c,
            Some(&serde_json::json!({"status": before})),
            Some(&serde_json::json!({"status": row.status, "note": note})),
        )?;
        render(c, state, user, &row, &desk)
    })
}

/// Links the visit to a citizen and a request (it then appears in the request's thread)
/// and keeps the staff's notes.
pub fn update_booking(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &UpdateBooking,
) -> ApiResult<BookingView> {
    let notes = match body.notes.as_deref() {
        Some(n) if n.trim().is_empty() => Some(None),
        Some(n) => Some(Some(
            Description::parse(n)
                .map_err(|e| e.at_field("notes"))?
                .into_inner(),
        )),
        None => None,
    };
    let now = Utc::now();
    state.db.write_tx(|c| {
        let (mut row, desk) = load(c, user, id)?;
        let before = serde_json::json!({"citizen_id": row.citizen_id, "request_id": row.request_id, "notes": row.notes});
        if let Some(cid) = &body.citizen_id {
            match users::find(c, user.tenant_id(), cid)? {
                Some(u) if u.role == domain::Role::Citizen => row.citizen_id = Some(u.id),
                _ => return Err(ApiError::invalid("citizen_id", "Cittadino non trovato", "Citizen not found")),
            }
        }
        if let Some(rid) = &body.request_id
            && row.request_id.as_deref() != Some(rid.as_str())
        {
            let request = requests::find(c, user.tenant_id(), rid)?
                .ok_or_else(|| ApiError::invalid("request_id", "Pratica non trovata", "Request not found"))?;
            let local = domain::agenda::rome_local(row.starts_at.and_utc());
            requests::insert_message(
                c,
                &MessageRow {
                    id: new_id(),
                    tenant_id: request.tenant_id.clone(),
                    request_id: request.id.clone(),
                    author_id: None,
                    author_role: domain::Role::System,
                    author_name: "Agenda".to_owned(),
                    body: format!(
                        "Appuntamento {} del {} alle {} presso «{}» ({}): {}.",
                        row.reference,
                        local.format("%d/%m/%Y"),
                        local.format("%H:%M"),
                        desk.name,
                        row.service_name,
                        row.subject
                    ),
                    internal: false,
                    created_at: now.naive_utc(),
                },
            )?;
            row.request_id = Some(request.id);
        }
        if let Some(n) = notes {
            row.notes = n;
        }
        row.updated_at = now.naive_utc();
        agenda::update_booking(c, &row)?;
        let after = serde_json::json!({"citizen_id": row.citizen_id, "request_id": row.request_id, "notes": row.notes});
        audit(user, "booking.update", &row.id).record(c, Some(&before), Some(&after))?;
        render(c, state, user, &row, &desk)
    })
}
