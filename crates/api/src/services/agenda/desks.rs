//! Desks: administration, the opening check, the public list and the slots.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::agenda::desk::{OverrideHours, ValidDesk};
use domain::agenda::opening;
use domain::agenda::{DeskMode, DeskRules, Occupancy, SlotContext, rome_to_utc, validate_desk};
use domain::api::{
    DateOverrideDto, Desk, DeskNotice, DeskOpening, DeskServiceDto, NamedRef, OpeningCheckDto,
    PublicDesk, SaveDesk, SlotDto, SlotList, TimeRangeDto, UpdateDesk, WeeklyRangeDto,
};
use domain::calendar::rome_date;
use serde::Deserialize;

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::DeskRow;
use crate::db::repo::audit::Audit;
use crate::db::repo::{agenda, new_id, offices, tenants};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tenancy::TenantCtx;

/// The stored settings of a desk.
pub(super) fn settings_of(row: &DeskRow) -> SaveDesk {
    SaveDesk {
        name: row.name.clone(),
        office_id: row.office_id.clone(),
        mode: row.mode.parse().unwrap_or(DeskMode::InPerson),
        address: row.address.clone(),
        services: serde_json::from_str(&row.services).unwrap_or_default(),
        capacity: u32::try_from(row.capacity).unwrap_or(1),
        buffer_minutes: u32::try_from(row.buffer_minutes).unwrap_or(0),
        booking_window_days: u32::try_from(row.booking_window_days).unwrap_or(1),
        min_notice_minutes: u32::try_from(row.min_notice_minutes).unwrap_or(0),
        cancel_until_minutes: u32::try_from(row.cancel_until_minutes).unwrap_or(0),
        confirm_by_email: row.confirm_by_email,
        open_on_holidays: row.open_on_holidays,
        max_open_bookings_per_person: u32::try_from(row.max_open_bookings_per_person).unwrap_or(1),
        weekly: serde_json::from_str(&row.weekly).unwrap_or_default(),
        overrides: serde_json::from_str(&row.overrides).unwrap_or_default(),
    }
}

/// The rules of a stored desk (validated when it was written).
pub(crate) fn rules_of(row: &DeskRow) -> ApiResult<DeskRules> {
    validate_desk(&settings_of(row))
        .map(|v| v.rules)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored desk {} is invalid: {e}", row.id)))
}

/// A validated desk written back in its normal form (trimmed, ranges sorted).
fn normalized(v: &ValidDesk, office_id: &str) -> SaveDesk {
    let r = &v.rules;
    let range = |t: &domain::agenda::TimeRange| (t.start.to_string(), t.end.to_string());
    SaveDesk {
        name: v.name.clone(),
        office_id: office_id.to_owned(),
        mode: v.mode,
        address: v.address.clone(),
        services: r
            .services
            .iter()
            .map(|s| DeskServiceDto {
                code: s.code.clone(),
                name: s.name.clone(),
                duration_minutes: s.duration_minutes,
            })
            .collect(),
        capacity: r.capacity,
        buffer_minutes: r.buffer_minutes,
        booking_window_days: r.booking_window_days,
        min_notice_minutes: r.min_notice_minutes,
        cancel_until_minutes: r.cancel_until_minutes,
        confirm_by_email: v.confirm_by_email,
        open_on_holidays: r.open_on_holidays,
        max_open_bookings_per_person: v.max_open_bookings_per_person,
        weekly: r
            .weekly
            .iter()
            .enumerate()
            .flat_map(|(d, ranges)| {
                ranges.iter().map(move |t| {
                    let (start, end) = range(t);
                    WeeklyRangeDto {
                        weekday: d as u8 + 1,
                        start,
                        end,
                    }
                })
            })
            .collect(),
        overrides: r
            .overrides
            .iter()
            .map(|(date, o)| DateOverrideDto {
                date: *date,
                closed: o.hours == OverrideHours::Closed,
                ranges: match &o.hours {
                    OverrideHours::Ranges(rs) => Some(
                        rs.iter()
                            .map(|t| {
                                let (start, end) = range(t);
                                TimeRangeDto { start, end }
                            })
                            .collect(),
                    ),
                    _ => None,
                },
                note: o.note.clone(),
            })
            .collect(),
    }
}

fn office_ref(tenant: &TenantCtx, id: &str) -> NamedRef {
    NamedRef {
        id: id.to_owned(),
        name: tenant
            .directory
            .office_name(id)
            .unwrap_or_default()
            .to_owned(),
    }
}

pub(super) fn desk_dto(row: &DeskRow, tenant: &TenantCtx) -> Desk {
    Desk {
        id: row.id.clone(),
        office: office_ref(tenant, &row.office_id),
        settings: settings_of(row),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    }
}

/// Staff of the desk's office (and administrators) may see it and its bookings.
pub(super) fn may_run(user: &AuthUser, row: &DeskRow) -> bool {
    user.role == domain::Role::Admin || user.office_ids.contains(&row.office_id)
}

pub(super) fn not_your_desk() -> ApiError {
    ApiError::forbidden(
        "Lo sportello è di un altro ufficio",
        "The desk belongs to another office",
    )
}

pub fn list_desks(state: &AppState, user: &AuthUser) -> ApiResult<Vec<Desk>> {
    user.require_staff()?;
    let rows = state.db.read(|c| agenda::list_desks(c, user.tenant_id()))?;
    Ok(rows
        .iter()
        .filter(|r| may_run(user, r))
        .map(|r| desk_dto(r, &user.tenant))
        .collect())
}

pub fn get_desk(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<Desk> {
    user.require_staff()?;
    let row = state
        .db
        .read(|c| agenda::find_desk(c, user.tenant_id(), id))?
        .ok_or(ApiError::NotFound)?;
    if !may_run(user, &row) {
        return Err(not_your_desk());
    }
    Ok(desk_dto(&row, &user.tenant))
}

fn check_office(c: &mut DbConn, tenant_id: &str, office_id: &str) -> ApiResult<()> {
    if offices::find(c, tenant_id, office_id)?.is_none() {
        return Err(ApiError::invalid(
            "office_id",
            "Ufficio non trovato",
            "Office not found",
        ));
    }
    Ok(())
}

/// The JSON columns hold validated DTOs, which always serialise.
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn write_row(row: &mut DeskRow, s: &SaveDesk) {
    row.name.clone_from(&s.name);
    row.office_id.clone_from(&s.office_id);
    row.mode = s.mode.code().to_owned();
    row.address.clone_from(&s.address);
    row.services = json(&s.services);
    row.weekly = json(&s.weekly);
    row.overrides = json(&s.overrides);
    row.capacity = i32::try_from(s.capacity).unwrap_or(1);
    row.buffer_minutes = i32::try_from(s.buffer_minutes).unwrap_or(0);
    row.booking_window_days = i32::try_from(s.booking_window_days).unwrap_or(1);
    row.min_notice_minutes = i32::try_from(s.min_notice_minutes).unwrap_or(0);
    row.cancel_until_minutes = i32::try_from(s.cancel_until_minutes).unwrap_or(0);
    row.confirm_by_email = s.confirm_by_email;
    row.open_on_holidays = s.open_on_holidays;
    row.max_open_bookings_per_person = i32::try_from(s.max_open_bookings_per_person).unwrap_or(1);
}

fn audit<'a>(user: &'a AuthUser, action: &'a str, id: &'a str) -> Audit<'a> {
    Audit {
        tenant_id: user.tenant_id(),
        actor_id: Some(&user.user_id),
        action,
        entity: "desk",
        entity_id: Some(id),
    }
}

pub fn create_desk(state: &AppState, user: &AuthUser, body: &SaveDesk) -> ApiResult<Desk> {
    user.require_admin()?;
    let valid = validate_desk(body)?;
    let settings = normalized(&valid, body.office_id.trim());
    let now = Utc::now().naive_utc();
    let row = state.db.write_tx(|c| {
        check_office(c, user.tenant_id(), &settings.office_id)?;
        let mut row = DeskRow {
            id: new_id(),
            tenant_id: user.tenant_id().to_owned(),
            office_id: String::new(),
            name: String::new(),
            mode: String::new(),
            address: None,
            services: String::new(),
            weekly: String::new(),
            overrides: String::new(),
            capacity: 1,
            buffer_minutes: 0,
            booking_window_days: 1,
            min_notice_minutes: 0,
            cancel_until_minutes: 0,
            confirm_by_email: false,
            open_on_holidays: false,
            max_open_bookings_per_person: 1,
            deleted_at: None,
            created_at: now,
            updated_at: now,
        };
        write_row(&mut row, &settings);
        agenda::insert_desk(c, &row)?;
        audit(user, "desk.create", &row.id).record(c, None::<&()>, Some(&settings))?;
        Ok::<_, ApiError>(row)
    })?;
    Ok(desk_dto(&row, &user.tenant))
}

pub fn update_desk(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &UpdateDesk,
) -> ApiResult<Desk> {
    user.require_admin()?;
    let row = state.db.write_tx(|c| {
        let mut row = agenda::find_desk(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let before = settings_of(&row);
        let merged = body.apply_to(&before);
        let valid = validate_desk(&merged)?;
        let settings = normalized(&valid, merged.office_id.trim());
        if settings.office_id != before.office_id {
            check_office(c, user.tenant_id(), &settings.office_id)?;
        }
        write_row(&mut row, &settings);
        row.updated_at = Utc::now().naive_utc();
        agenda::update_desk(c, &row)?;
        audit(user, "desk.update", &row.id).record(c, Some(&before), Some(&settings))?;
        Ok::<_, ApiError>(row)
    })?;
    Ok(desk_dto(&row, &user.tenant))
}

/// Deletes a desk without upcoming appointments (its past bookings stay).
pub fn delete_desk(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<()> {
    user.require_admin()?;
    state.db.write_tx(|c| {
        let mut row = agenda::find_desk(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let now = Utc::now().naive_utc();
        let upcoming = agenda::future_bookings_of_desk(c, &row.id, now)?;
        if upcoming > 0 {
            return Err(ApiError::conflict(
                format!(
                    "Lo sportello ha ancora {upcoming} appuntamenti: annullarli prima di eliminarlo"
                ),
                format!(
                    "The desk still has {upcoming} appointments: cancel them before deleting it"
                ),
            ));
        }
        row.deleted_at = Some(now);
        row.updated_at = now;
        agenda::update_desk(c, &row)?;
        audit(user, "desk.delete", &row.id).record(c, Some(&settings_of(&row)), None::<&()>)?;
        Ok(())
    })
}

pub fn opening_check(state: &AppState, user: &AuthUser) -> ApiResult<OpeningCheckDto> {
    user.require_staff()?;
    let (rows, tenant) = state.db.read(|c| {
        Ok::<_, ApiError>((
            agenda::list_desks(c, user.tenant_id())?,
            tenants::find(c, user.tenant_id())?,
        ))
    })?;
    let population = tenant.population.and_then(|p| u32::try_from(p).ok());
    let rules: Vec<DeskRules> = rows.iter().map(rules_of).collect::<ApiResult<_>>()?;
    let weeks: Vec<&[Vec<domain::agenda::TimeRange>; 7]> =
        rules.iter().map(|r| &r.weekly).collect();
    let verdict = opening::check(&weeks, population);
    let desks = rows
        .iter()
        .zip(&rules)
        .map(|(row, r)| DeskOpening {
            id: row.id.clone(),
            name: row.name.clone(),
            weekly_hours: f64::from(opening::weekly_open_minutes([&r.weekly])) / 60.0,
            has_afternoon_opening: opening::has_afternoon_opening(&r.weekly),
        })
        .collect();
    Ok(OpeningCheckDto {
        population,
        required_hours: verdict.required_hours,
        weekly_hours: verdict.weekly_hours,
        meets_minimum: verdict.meets_minimum,
        has_afternoon_opening: verdict.has_afternoon_opening,
        ok: verdict.ok(),
        desks,
    })
}

fn public_desk(row: &DeskRow, tenant: &TenantCtx, now: DateTime<Utc>) -> ApiResult<PublicDesk> {
    let rules = rules_of(row)?;
    let s = settings_of(row);
    Ok(PublicDesk {
        id: row.id.clone(),
        name: row.name.clone(),
        office: office_ref(tenant, &row.office_id),
        mode: s.mode,
        address: s.address,
        services: s.services,
        booking_window_days: s.booking_window_days,
        min_notice_minutes: s.min_notice_minutes,
        cancel_until_minutes: s.cancel_until_minutes,
        notices: rules
            .notices(now, &tenant.calendar)
            .into_iter()
            .map(|n| DeskNotice {
                date: n.date,
                closed: n.closed,
                holiday: n.holiday,
                note: n.note,
            })
            .collect(),
    })
}

pub fn public_desks(state: &AppState, tenant: &TenantCtx) -> ApiResult<Vec<PublicDesk>> {
    let rows = state.db.read(|c| agenda::list_desks(c, &tenant.id))?;
    let now = Utc::now();
    rows.iter().map(|r| public_desk(r, tenant, now)).collect()
}

/// `?from=&to=&service=` of the slot list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotsQuery {
    /// First day (Europe/Rome), default today.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive (at most 92 days after `from`), default the end of the booking window.
    pub to: Option<NaiveDate>,
    /// A service code of the desk (default its first service).
    pub service: Option<String>,
}

/// Longest span of one slot list.
pub const MAX_SLOT_DAYS: i64 = 92;

/// The UTC instant of midnight in Rome on `date` (midnight always exists there).
pub(super) fn day_start(date: NaiveDate) -> DateTime<Utc> {
    rome_to_utc(date.and_hms_opt(0, 0, 0).expect("midnight"))
        .unwrap_or_else(|| date.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

pub(super) fn load_occupancy(
    c: &mut DbConn,
    desk_id: &str,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> ApiResult<Occupancy> {
    Ok(agenda::occupancy(
        c,
        desk_id,
        from.naive_utc(),
        until.naive_utc(),
        now.naive_utc(),
    )?
    .into_iter()
    .map(|(t, n)| (t.and_utc(), u32::try_from(n).unwrap_or(u32::MAX)))
    .collect())
}

pub fn slots(
    state: &AppState,
    tenant: &TenantCtx,
    user: Option<&AuthUser>,
    desk_id: &str,
    q: &SlotsQuery,
) -> ApiResult<SlotList> {
    let now = Utc::now();
    let today = rome_date(now);
    let row = state
        .db
        .read(|c| agenda::find_desk(c, &tenant.id, desk_id))?
        .ok_or(ApiError::NotFound)?;
    let rules = rules_of(&row)?;
    let from = q.from.unwrap_or(today);
    let to = q.to.unwrap_or_else(|| rules.bookable_dates(now).1);
    if to < from {
        return Err(ApiError::invalid(
            "to",
            "La data finale precede quella iniziale",
            "The end date is before the start date",
        ));
    }
    if (to - from).num_days() > MAX_SLOT_DAYS {
        return Err(ApiError::invalid(
            "to",
            format!("Al massimo {MAX_SLOT_DAYS} giorni per volta"),
            format!("At most {MAX_SLOT_DAYS} days at a time"),
        ));
    }
    let service = match &q.service {
        Some(code) => rules.service(code),
        None => rules.services.first(),
    }
    .ok_or_else(|| {
        ApiError::invalid(
            "service",
            "Servizio sconosciuto per questo sportello",
            "Unknown service for this desk",
        )
    })?;
    let modes = settings_of(&row).mode.modes();
    // Cells of appointments ending up to a day later still count on the last day.
    let occupancy = state.db.read(|c| {
        load_occupancy(
            c,
            &row.id,
            day_start(from) - Duration::days(1),
            day_start(to) + Duration::days(2),
            now,
        )
    })?;
    let ctx = SlotContext {
        now,
        calendar: &tenant.calendar,
        waive_notice: user.is_some_and(AuthUser::is_staff),
    };
    let items = rules
        .slots(service, from, to, &ctx, &occupancy)
        .into_iter()
        .map(|s| SlotDto {
            start: s.start,
            end: s.end,
            remaining: s.remaining,
            modes: modes.clone(),
        })
        .collect();
    Ok(SlotList { items })
}

/// Stores a desk validated as the API does, or updates the tenant's desk of the same name
/// (the demo seed runs more than once). Returns its id.
pub fn seed_desk(c: &mut DbConn, tenant_id: &str, body: &SaveDesk) -> ApiResult<String> {
    let valid = validate_desk(body)?;
    let settings = normalized(&valid, &body.office_id);
    let now = Utc::now().naive_utc();
    let existing = agenda::list_desks(c, tenant_id)?
        .into_iter()
        .find(|d| d.name == settings.name);
    let mut row = existing.clone().unwrap_or_else(|| DeskRow {
        id: new_id(),
        tenant_id: tenant_id.to_owned(),
        office_id: String::new(),
        name: String::new(),
        mode: String::new(),
        address: None,
        services: String::new(),
        weekly: String::new(),
        overrides: String::new(),
        capacity: 1,
        buffer_minutes: 0,
        booking_window_days: 1,
        min_notice_minutes: 0,
        cancel_until_minutes: 0,
        confirm_by_email: false,
        open_on_holidays: false,
        max_open_bookings_per_person: 1,
        deleted_at: None,
        created_at: now,
        updated_at: now,
    });
    write_row(&mut row, &settings);
    row.updated_at = now;
    if existing.is_some() {
        agenda::update_desk(c, &row)?;
    } else {
        agenda::insert_desk(c, &row)?;
    }
    Ok(row.id)
}
