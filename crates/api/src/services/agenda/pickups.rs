//! Bulky-waste pickups: zones and the item catalogue (administrators), free days and
//! bookings (citizens), the route sheet and the crew's outcome (staff). Every booking files
//! a TQRIF request of kind `ritiro_su_chiamata` through the desk, so it carries a protocol
//! number and the 15-working-day due date, and the crew's "done" answers it.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use domain::agenda::pickup::{self, ZoneRules, count_pieces, validate_item, validate_zone};
use domain::agenda::{PickupAction, PickupKind, PickupStatus};
use domain::api::{
    CreatePickup, CreateRequest, NamedRef, PickupCreated, PickupDayDto, PickupDayList, PickupItem,
    PickupLineView, PickupView, PickupZone, RequestView, RouteSheet, SavePickupItem,
    SavePickupZone, UpdatePickupZone,
};
use domain::calendar::rome_date;
use domain::catalogue::{Channel, RequestKind};
use domain::deadline::LatenessCause;
use domain::error::Errors;
use domain::lifecycle::{Action, Status};
use domain::types::{Description, PhoneNumber, Subject};
use serde::Deserialize;

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{
    AttachmentRow, IdempotencyRow, MessageRow, PickupItemRow, PickupRow, PickupZoneRow, RequestRow,
};
use crate::db::repo::audit::Audit;
use crate::db::repo::{new_id, pickups, requests, users};
use crate::error::{ApiError, ApiResult};
use crate::mail::pdf::{self, Block};
use crate::services::desk::{self, Step, transition_in_tx};
use crate::services::notify::{self, Notice};
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::{UploadedFile, hex_digest};

// ---- zones and items ---------------------------------------------------------------------

fn zone_settings(row: &PickupZoneRow) -> SavePickupZone {
    SavePickupZone {
        name: row.name.clone(),
        postcodes: serde_json::from_str(&row.postcodes).unwrap_or_default(),
        streets: serde_json::from_str(&row.streets).unwrap_or_default(),
        weekdays: serde_json::from_str(&row.weekdays).unwrap_or_default(),
        daily_capacity: u32::try_from(row.daily_capacity).unwrap_or(1),
        max_pieces_per_booking: u32::try_from(row.max_pieces_per_booking).unwrap_or(1),
        kinds: serde_json::from_str(&row.kinds).unwrap_or_default(),
        overrides: serde_json::from_str(&row.overrides).unwrap_or_default(),
        min_notice_days: u32::try_from(row.min_notice_days).unwrap_or(1),
        booking_window_days: u32::try_from(row.booking_window_days).unwrap_or(1),
        cancel_until_days: u32::try_from(row.cancel_until_days).unwrap_or(0),
    }
}

fn zone_rules(row: &PickupZoneRow) -> ApiResult<ZoneRules> {
    validate_zone(&zone_settings(row))
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored zone {} is invalid: {e}", row.id)))
}

fn zone_dto(row: &PickupZoneRow) -> PickupZone {
    PickupZone {
        id: row.id.clone(),
        settings: zone_settings(row),
    }
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// Writes a validated zone (kinds sorted, texts trimmed) into its row.
fn write_zone(row: &mut PickupZoneRow, input: &SavePickupZone, rules: &ZoneRules) {
    row.name.clone_from(&rules.name);
    row.postcodes = json(&rules.postcodes);
    row.streets = json(&rules.streets);
    let mut weekdays: Vec<u8> = input.weekdays.clone();
    weekdays.sort_unstable();
    weekdays.dedup();
    row.weekdays = json(&weekdays);
    row.kinds = json(&rules.kinds);
    row.overrides = json(&input.overrides);
    row.daily_capacity = i32::try_from(rules.daily_capacity).unwrap_or(1);
    row.max_pieces_per_booking = i32::try_from(rules.max_pieces_per_booking).unwrap_or(1);
    row.min_notice_days = i32::try_from(rules.min_notice_days).unwrap_or(1);
    row.booking_window_days = i32::try_from(rules.booking_window_days).unwrap_or(1);
    row.cancel_until_days = i32::try_from(rules.cancel_until_days).unwrap_or(0);
}

fn audit<'a>(user: &'a AuthUser, action: &'a str, entity: &'a str, id: &'a str) -> Audit<'a> {
    Audit {
        tenant_id: user.tenant_id(),
        actor_id: Some(&user.user_id),
        action,
        entity,
        entity_id: Some(id),
    }
}

/// Zones: every signed-in user (citizens choose theirs).
pub fn list_zones(state: &AppState, user: &AuthUser) -> ApiResult<Vec<PickupZone>> {
    let rows = state
        .db
        .read(|c| pickups::list_zones(c, user.tenant_id()))?;
    Ok(rows.iter().map(zone_dto).collect())
}

pub fn create_zone(
    state: &AppState,
    user: &AuthUser,
    body: &SavePickupZone,
) -> ApiResult<PickupZone> {
    user.require_admin()?;
    let rules = validate_zone(body)?;
    let now = Utc::now().naive_utc();
    let mut row = PickupZoneRow {
        id: new_id(),
        tenant_id: user.tenant_id().to_owned(),
        name: String::new(),
        postcodes: String::new(),
        streets: String::new(),
        weekdays: String::new(),
        kinds: String::new(),
        overrides: String::new(),
        daily_capacity: 1,
        max_pieces_per_booking: 1,
        min_notice_days: 1,
        booking_window_days: 1,
        cancel_until_days: 0,
        deleted_at: None,
        created_at: now,
        updated_at: now,
    };
    write_zone(&mut row, body, &rules);
    state.db.write_tx(|c| {
        pickups::insert_zone(c, &row)?;
        audit(user, "pickup_zone.create", "pickup_zone", &row.id).record(
            c,
            None::<&()>,
            Some(&zone_settings(&row)),
        )
    })?;
    Ok(zone_dto(&row))
}

pub fn update_zone(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &UpdatePickupZone,
) -> ApiResult<PickupZone> {
    user.require_admin()?;
    state.db.write_tx(|c| {
        let mut row = pickups::find_zone(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let before = zone_settings(&row);
        let merged = body.apply_to(&before);
        let rules = validate_zone(&merged)?;
        write_zone(&mut row, &merged, &rules);
        row.updated_at = Utc::now().naive_utc();
        pickups::update_zone(c, &row)?;
        audit(user, "pickup_zone.update", "pickup_zone", &row.id).record(
            c,
            Some(&before),
            Some(&zone_settings(&row)),
        )?;
        Ok::<_, ApiError>(zone_dto(&row))
    })
}

pub fn delete_zone(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<()> {
    user.require_admin()?;
    state.db.write_tx(|c| {
        let mut row = pickups::find_zone(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let booked = pickups::booked_in_zone(c, &row.id, rome_date(Utc::now()))?;
        if booked > 0 {
            return Err(ApiError::conflict(
                format!("La zona ha ancora {booked} ritiri prenotati"),
                format!("The zone still has {booked} booked pickups"),
            ));
        }
        let now = Utc::now().naive_utc();
        row.deleted_at = Some(now);
        row.updated_at = now;
        pickups::update_zone(c, &row)?;
        audit(user, "pickup_zone.delete", "pickup_zone", &row.id).record(
            c,
            Some(&zone_settings(&row)),
            None::<&()>,
        )?;
        Ok(())
    })
}

fn item_dto(row: PickupItemRow) -> PickupItem {
    PickupItem {
        kind: row.kind.parse().unwrap_or(PickupKind::Ingombranti),
        pieces: u32::try_from(row.pieces).unwrap_or(1),
        id: row.id,
        code: row.code,
        name: row.name,
    }
}

fn catalogue(c: &mut DbConn, tenant_id: &str) -> ApiResult<Vec<SavePickupItem>> {
    Ok(pickups::list_items(c, tenant_id)?
        .into_iter()
        .map(|r| {
            let i = item_dto(r);
            SavePickupItem {
                code: i.code,
                name: i.name,
                kind: i.kind,
                pieces: i.pieces,
            }
        })
        .collect())
}

pub fn list_items(state: &AppState, user: &AuthUser) -> ApiResult<Vec<PickupItem>> {
    let rows = state
        .db
        .read(|c| pickups::list_items(c, user.tenant_id()))?;
    Ok(rows.into_iter().map(item_dto).collect())
}

pub fn create_item(
    state: &AppState,
    user: &AuthUser,
    body: &SavePickupItem,
) -> ApiResult<PickupItem> {
    user.require_admin()?;
    let item = validate_item(body)?;
    let row = PickupItemRow {
        id: new_id(),
        tenant_id: user.tenant_id().to_owned(),
        code: item.code.clone(),
        name: item.name.clone(),
        kind: item.kind.code().to_owned(),
        pieces: i32::try_from(item.pieces).unwrap_or(1),
        created_at: Utc::now().naive_utc(),
    };
    let result = state.db.write_tx(|c| {
        pickups::insert_item(c, &row)?;
        audit(user, "pickup_item.create", "pickup_item", &row.id).record(
            c,
            None::<&()>,
            Some(&item),
        )
    });
    match result {
        Err(ApiError::Internal(e))
            if e.downcast_ref::<diesel::result::Error>()
                .is_some_and(crate::db::is_unique_violation) =>
        {
            Err(ApiError::conflict(
                "Esiste già una voce con questo codice",
                "An item with this code already exists",
            ))
        }
        other => other.map(|()| item_dto(row)),
    }
}

// ---- free days -----------------------------------------------------------------------------

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotsQuery {
    pub zone_id: String,
    pub kind: PickupKind,
    /// First day, default today.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive (at most 92 days after `from`), default the end of the window.
    pub to: Option<NaiveDate>,
}

pub fn pickup_slots(state: &AppState, user: &AuthUser, q: &SlotsQuery) -> ApiResult<PickupDayList> {
    let tenant = &user.tenant;
    let today = rome_date(Utc::now());
    let zone = state
        .db
        .read(|c| pickups::find_zone(c, &tenant.id, &q.zone_id))?
        .ok_or_else(|| ApiError::invalid("zone_id", "Zona non trovata", "Zone not found"))?;
    let rules = zone_rules(&zone)?;
    if !rules.kinds.contains(&q.kind) {
        return Err(ApiError::invalid(
            "kind",
            "Questa zona non ritira questo tipo di rifiuto",
            "This zone does not collect this kind of waste",
        ));
    }
    let from = q.from.unwrap_or(today);
    let to = q.to.unwrap_or_else(|| rules.bookable_dates(today).1);
    if to < from || (to - from).num_days() > 92 {
        return Err(ApiError::invalid(
            "to",
            "Periodo non valido (al massimo 92 giorni)",
            "Invalid period (at most 92 days)",
        ));
    }
    let taken: BTreeMap<NaiveDate, u32> = state
        .db
        .read(|c| pickups::taken_between(c, &zone.id, from, to))?
        .into_iter()
        .map(|(d, n)| (d, u32::try_from(n).unwrap_or(0)))
        .collect();
    let items = rules
        .availability(from, to, today, &tenant.calendar, &taken)
        .into_iter()
        .map(|d| PickupDayDto {
            date: d.date,
            remaining: d.remaining,
        })
        .collect();
    Ok(PickupDayList { items })
}

// ---- views ---------------------------------------------------------------------------------

fn lines_of(row: &PickupRow) -> Vec<PickupLineView> {
    serde_json::from_str(&row.items).unwrap_or_default()
}

fn view(
    row: &PickupRow,
    zone_name: &str,
    citizen: Option<NamedRef>,
    request: Option<&RequestRow>,
) -> PickupView {
    PickupView {
        id: row.id.clone(),
        zone: NamedRef {
            id: row.zone_id.clone(),
            name: zone_name.to_owned(),
        },
        kind: row.kind.parse().unwrap_or(PickupKind::Ingombranti),
        date: row.day,
        address: row.address.clone(),
        items: lines_of(row),
        pieces: u32::try_from(row.pieces).unwrap_or(0),
        phone: row.phone.clone(),
        notes: row.notes.clone(),
        status: row.status.parse().unwrap_or(PickupStatus::Booked),
        outcome_note: row.outcome_note.clone(),
        agreed_beyond_standard: row.agreed_beyond_standard,
        citizen,
        request_id: row.request_id.clone(),
        protocol_number: request
            .map(|r| r.protocol_number.clone())
            .unwrap_or_default(),
        due_date: request.and_then(|r| r.due_date),
        created_at: row.created_at.and_utc(),
    }
}

/// Views of several pickups, with their zones, citizens and requests read once.
fn views(c: &mut DbConn, tenant: &TenantCtx, rows: &[PickupRow]) -> ApiResult<Vec<PickupView>> {
    let zone_ids: Vec<String> = rows.iter().map(|r| r.zone_id.clone()).collect();
    let zones: HashMap<String, String> = pickups::zones_by_ids(c, &zone_ids)?
        .into_iter()
        .map(|z| (z.id, z.name))
        .collect();
    let citizen_ids: Vec<String> = rows.iter().map(|r| r.citizen_id.clone()).collect();
    let people: HashMap<String, String> = users::by_ids(c, &citizen_ids)?
        .into_iter()
        .map(|u| (u.id.clone(), u.full_name()))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let request = requests::find(c, &tenant.id, &r.request_id)?;
        let citizen = people.get(&r.citizen_id).map(|name| NamedRef {
            id: r.citizen_id.clone(),
            name: name.clone(),
        });
        out.push(view(
            r,
            zones.get(&r.zone_id).map_or("", String::as_str),
            citizen,
            request.as_ref(),
        ));
    }
    Ok(out)
}

fn one_view(c: &mut DbConn, tenant: &TenantCtx, row: &PickupRow) -> ApiResult<PickupView> {
    Ok(views(c, tenant, std::slice::from_ref(row))?.remove(0))
}

// ---- booking -------------------------------------------------------------------------------

/// The tenant's active request type for on-call pickups.
fn pickup_type(tenant: &TenantCtx) -> ApiResult<String> {
    tenant
        .directory
        .types
        .iter()
        .find(|t| t.active && t.kind == RequestKind::RitiroSuChiamata)
        .map(|t| t.code.clone())
        .ok_or_else(|| {
            ApiError::conflict(
                "Il servizio di ritiro su chiamata non è attivo presso questo ente",
                "On-call pickup is not offered by this organisation",
            )
        })
}

struct Checked {
    address: String,
    phone: PhoneNumber,
    notes: Option<String>,
}

fn check_input(body: &CreatePickup) -> ApiResult<Checked> {
    let mut e = Errors::new();
    let address = e.check(Subject::parse(&body.address).map_err(|x| x.at_field("address")));
    let phone = e.check(PhoneNumber::parse(&body.phone));
    let notes = match body
        .notes
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(n) => e
            .check(Description::parse(n).map_err(|x| x.at_field("notes")))
            .map(|d| Some(d.into_inner())),
        None => Some(None),
    };
    e.finish()?;
    match (address, phone, notes) {
        (Some(a), Some(p), Some(n)) => Ok(Checked {
            address: a.into_inner(),
            phone: p,
            notes: n,
        }),
        _ => Err(ApiError::invalid(
            "body",
            "Dati incompleti",
            "Incomplete data",
        )),
    }
}

/// Books a pickup and files its request, in one transaction.
pub fn create_pickup(
    state: &AppState,
    user: &AuthUser,
    body: &CreatePickup,
    files: Vec<UploadedFile>,
    idempotency_key: Option<&str>,
) -> ApiResult<(u16, String)> {
    if user.role != domain::Role::Citizen {
        return Err(ApiError::forbidden(
            "I ritiri si prenotano dall'area personale del cittadino",
            "Pickups are booked from the citizen's personal area",
        ));
    }
    if let Some(k) = idempotency_key
        && (k.is_empty() || k.len() > 200)
    {
        return Err(ApiError::bad_request(
            "Idempotency-Key deve avere da 1 a 200 caratteri",
            "Idempotency-Key must have 1 to 200 characters",
        ));
    }
    let checked = check_input(body)?;
    let tenant = user.tenant.clone();
    let now = Utc::now();
    let today = rome_date(now);
    let request_hash = hex_digest(serde_json::to_string(body).unwrap_or_default().as_bytes());
    let key_ns = format!("pickup:{}", user.user_id);
    let stored = desk::store_files(state, &tenant.id, &files)?;
    let result = state.db.write_tx(|c| {
        if let Some(k) = idempotency_key
            && let Some(done) = requests::find_idempotency(c, &tenant.id, &key_ns, k)?
        {
            if done.request_hash != request_hash {
                return Err(ApiError::invalid("Idempotency-Key", "Questa chiave è già stata usata per una prenotazione diversa", "This key was already used for a different booking"));
            }
            return Ok((u16::try_from(done.status_code).unwrap_or(201), done.response_body));
        }
        let zone = pickups::find_zone(c, &tenant.id, &body.zone_id)?
            .ok_or_else(|| ApiError::invalid("zone_id", "Zona non trovata", "Zone not found"))?;
        let rules = zone_rules(&zone)?;
        let (lines, pieces) = count_pieces(&body.items, body.kind, &catalogue(c, &tenant.id)?)?;
        let capacity = rules.check_booking(body.kind, body.date, pieces, today, &tenant.calendar)?;
        let type_code = pickup_type(&tenant)?;
        if !pickups::reserve(c, &zone.id, body.date, i32::try_from(pieces).unwrap_or(i32::MAX), i32::try_from(capacity).unwrap_or(0))? {
            return Err(ApiError::conflict(
                "Per questa data non c'è più posto per tutti i pezzi indicati: scegliere un'altra data",
                "There is no longer room for all these pieces on this date: please choose another one",
            ));
        }
        let listing = lines.iter().map(|l| format!("{} × {} ({} pezzi)", l.qty, l.name, l.pieces)).collect::<Vec<_>>().join("\n");
        let date_it = body.date.format("%d/%m/%Y");
        let mut description = format!(
            "Ritiro a domicilio: {}\nData scelta: {date_it}\nIndirizzo: {}\nTelefono: {}\n{listing}\nTotale: {pieces} pezzi",
            body.kind.label_it(),
            checked.address,
            checked.phone.as_str()
        );
        if let Some(n) = &checked.notes {
            description.push_str("\nNote: ");
            description.push_str(n);
        }
        let type_fields = tenant.directory.request_type(&type_code).map(|t| t.fields.clone()).unwrap_or_default();
        let mut fields = BTreeMap::new();
        for (name, value) in [("indirizzo", checked.address.clone()), ("tipo_rifiuti", listing.clone())] {
            if type_fields.iter().any(|f| f.name == name) {
                fields.insert(name.to_owned(), serde_json::Value::String(value));
            }
        }
        let create = CreateRequest {
            type_code,
            subject: format!("Ritiro {} del {date_it}", body.kind.code()),
            description,
            fields,
            utenza_id: None,
            citizen_id: None,
            channel: Some(Channel::Portal),
            received_at: None,
        };
        let (request, _) = desk::file_request(c, &tenant, user, &create, now)?;
        let agreed = request.due_date.is_some_and(|due| body.date > due);
        let row = PickupRow {
            id: new_id(),
            tenant_id: tenant.id.clone(),
            zone_id: zone.id.clone(),
            request_id: request.id.clone(),
            citizen_id: user.user_id.clone(),
            kind: body.kind.code().to_owned(),
            day: body.date,
            address: checked.address.clone(),
            items: json(&lines.iter().map(|l| PickupLineView { code: l.code.clone(), name: l.name.clone(), qty: l.qty, pieces: l.pieces }).collect::<Vec<_>>()),
            pieces: i32::try_from(pieces).unwrap_or(i32::MAX),
            phone: checked.phone.as_str().to_owned(),
            notes: checked.notes.clone(),
            status: PickupStatus::Booked.code().to_owned(),
            outcome_note: None,
            agreed_beyond_standard: agreed,
            created_at: now.naive_utc(),
            updated_at: now.naive_utc(),
        };
        pickups::insert_pickup(c, &row)?;
        if !stored.is_empty() {
            attach_photos(c, user, &request, &files, &stored, now)?;
        }
        if agreed && let Some(due) = request.due_date {
            system_note(
                c,
                &request,
                &format!(
                    "Data di ritiro {date_it} scelta dal cittadino oltre il termine standard del {}: concordata su richiesta dell'utente.",
                    due.format("%d/%m/%Y")
                ),
                now,
            )?;
        }
        let request_view: RequestView = desk::render_request(c, user, request)?;
        let created = PickupCreated { pickup: one_view(c, &tenant, &row)?, request: request_view };
        let body_json = serde_json::to_string(&created).map_err(|e| ApiError::Internal(e.into()))?;
        if let Some(k) = idempotency_key {
            requests::insert_idempotency(
                c,
                &IdempotencyRow {
                    tenant_id: tenant.id.clone(),
                    user_id: key_ns.clone(),
                    key: k.to_owned(),
                    request_hash: request_hash.clone(),
                    status_code: 201,
                    response_body: body_json.clone(),
                    created_at: now.naive_utc(),
                },
            )?;
        }
        Ok((201, body_json))
    });
    if result.is_err() {
        for key in &stored {
            let _ = state.files.delete(key);
        }
    }
    match result {
        Err(ApiError::Internal(e))
            if idempotency_key.is_some()
                && e.downcast_ref::<diesel::result::Error>()
                    .is_some_and(crate::db::is_unique_violation) =>
        {
            let done = state
                .db
                .read(|c| {
                    requests::find_idempotency(
                        c,
                        &tenant.id,
                        &key_ns,
                        idempotency_key.unwrap_or_default(),
                    )
                })?
                .ok_or(ApiError::Unavailable)?;
            Ok((
                u16::try_from(done.status_code).unwrap_or(201),
                done.response_body,
            ))
        }
        other => other,
    }
}

fn attach_photos(
    c: &mut DbConn,
    user: &AuthUser,
    request: &RequestRow,
    files: &[UploadedFile],
    stored: &[String],
    now: chrono::DateTime<Utc>,
) -> ApiResult<()> {
    let name = users::find(c, user.tenant_id(), &user.user_id)?
        .map_or_else(String::new, |u| u.full_name());
    let message_id = new_id();
    requests::insert_message(
        c,
        &MessageRow {
            id: message_id.clone(),
            tenant_id: request.tenant_id.clone(),
            request_id: request.id.clone(),
            author_id: Some(user.user_id.clone()),
            author_role: user.role,
            author_name: name,
            body: "Foto del materiale da ritirare.".to_owned(),
            internal: false,
            created_at: now.naive_utc(),
        },
    )?;
    for (f, key) in files.iter().zip(stored) {
        requests::insert_attachment(
            c,
            &AttachmentRow {
                id: new_id(),
                tenant_id: request.tenant_id.clone(),
                request_id: request.id.clone(),
                message_id: Some(message_id.clone()),
                filename: f.filename.clone(),
                content_type: f.kind.content_type().to_owned(),
                size: i64::try_from(f.bytes.len()).unwrap_or(i64::MAX),
                storage_key: key.clone(),
                sha256: f.sha256.clone(),
                uploaded_by: Some(user.user_id.clone()),
                created_at: now.naive_utc(),
            },
        )?;
    }
    Ok(())
}

/// A public event in the request's thread, written by the system.
fn system_note(
    c: &mut DbConn,
    request: &RequestRow,
    body: &str,
    now: chrono::DateTime<Utc>,
) -> ApiResult<()> {
    requests::insert_message(
        c,
        &MessageRow {
            id: new_id(),
            tenant_id: request.tenant_id.clone(),
            request_id: request.id.clone(),
            author_id: None,
            author_role: domain::Role::System,
            author_name: "Ritiri".to_owned(),
            body: body.to_owned(),
            internal: false,
            created_at: now.naive_utc(),
        },
    )
    .map_err(Into::into)
}

/// The pickup if the caller may see it: its citizen, or staff.
fn load_visible(c: &mut DbConn, user: &AuthUser, id: &str) -> ApiResult<PickupRow> {
    let row = pickups::find_pickup(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
    if !user.is_staff() && row.citizen_id != user.user_id {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

pub fn get_pickup(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<PickupView> {
    state.db.read(|c| {
        let row = load_visible(c, user, id)?;
        one_view(c, &user.tenant, &row)
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PickupListQuery {
    /// Staff: the day (default today).
    pub date: Option<NaiveDate>,
    /// Staff: only this zone.
    pub zone_id: Option<String>,
}

/// Citizens: their own pickups. Staff: the pickups of a day.
pub fn list_pickups(
    state: &AppState,
    user: &AuthUser,
    q: &PickupListQuery,
) -> ApiResult<Vec<PickupView>> {
    let tenant = user.tenant.clone();
    state.db.read(|c| {
        let rows = if user.is_staff() {
            let day = q.date.unwrap_or_else(|| rome_date(Utc::now()));
            let zones: Vec<String> = match &q.zone_id {
                Some(z) => vec![z.clone()],
                None => pickups::list_zones(c, &tenant.id)?
                    .into_iter()
                    .map(|z| z.id)
                    .collect(),
            };
            let mut rows = Vec::new();
            for z in zones {
                rows.extend(pickups::of_day(c, &tenant.id, &z, day)?);
            }
            rows
        } else {
            pickups::of_citizen(c, &tenant.id, &user.user_id)?
        };
        views(c, &tenant, &rows)
    })
}

/// The citizen withdraws the pickup (and its request) until the zone's cutoff.
pub fn withdraw_pickup(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<PickupView> {
    let tenant = user.tenant.clone();
    let now = Utc::now();
    state.db.write_tx(|c| {
        let mut row = load_visible(c, user, id)?;
        if row.citizen_id != user.user_id {
            return Err(ApiError::forbidden(
                "Solo chi ha prenotato può ritirare la prenotazione",
                "Only who booked can withdraw the booking",
            ));
        }
        if row.status != PickupStatus::Booked.code() {
            return Err(ApiError::conflict(
                "Il ritiro non è più prenotato",
                "The pickup is no longer booked",
            ));
        }
        let zone = pickups::find_zone(c, &tenant.id, &row.zone_id)?;
        let allowed = match &zone {
            Some(z) => zone_rules(z)?.may_withdraw(row.day, rome_date(now)),
            None => false,
        };
        if !allowed {
            return Err(ApiError::conflict(
                "Non è più possibile annullare questo ritiro: contattare l'ufficio",
                "This pickup can no longer be cancelled: please contact the office",
            ));
        }
        pickups::release(c, &row.zone_id, row.day, row.pieces)?;
        row.status = PickupStatus::Cancelled.code().to_owned();
        row.updated_at = now.naive_utc();
        pickups::update_pickup(c, &row)?;
        let mut request =
            requests::find(c, &tenant.id, &row.request_id)?.ok_or(ApiError::NotFound)?;
        let actor = user.actor();
        let name =
            users::find(c, &tenant.id, &user.user_id)?.map_or_else(String::new, |u| u.full_name());
        transition_in_tx(
            c,
            &tenant,
            &mut request,
            Step {
                action: Action::Withdraw,
                actor: &actor,
                actor_name: &name,
                note: None,
                now,
            },
        )?;
        one_view(c, &tenant, &row)
    })
}

// ---- the crew ------------------------------------------------------------------------------

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RouteSheetQuery {
    pub zone_id: String,
    /// Default today.
    pub date: Option<NaiveDate>,
}

pub fn route_sheet(
    state: &AppState,
    user: &AuthUser,
    q: &RouteSheetQuery,
) -> ApiResult<RouteSheet> {
    user.require_staff()?;
    let tenant = user.tenant.clone();
    let date = q.date.unwrap_or_else(|| rome_date(Utc::now()));
    state.db.read(|c| {
        let zone = pickups::find_zone(c, &tenant.id, &q.zone_id)?
            .ok_or_else(|| ApiError::invalid("zone_id", "Zona non trovata", "Zone not found"))?;
        let rows = pickups::of_day(c, &tenant.id, &zone.id, date)?;
        let items = views(c, &tenant, &rows)?;
        Ok::<_, ApiError>(RouteSheet {
            date,
            zone: NamedRef {
                id: zone.id.clone(),
                name: zone.name.clone(),
            },
            pieces: items.iter().map(|p| p.pieces).sum(),
            items,
        })
    })
}

pub fn route_sheet_csv(
    state: &AppState,
    user: &AuthUser,
    q: &RouteSheetQuery,
) -> ApiResult<(String, String)> {
    let sheet = route_sheet(state, user, q)?;
    Ok((
        pickup::route_sheet_csv(&sheet),
        format!("giro-ritiri-{}.csv", sheet.date),
    ))
}

pub fn route_sheet_pdf(
    state: &AppState,
    user: &AuthUser,
    q: &RouteSheetQuery,
) -> ApiResult<(Vec<u8>, String)> {
    let sheet = route_sheet(state, user, q)?;
    let date = sheet.date.format("%d/%m/%Y").to_string();
    let mut blocks = vec![
        Block::Title(format!("Giro di ritiro – {} – {date}", sheet.zone.name)),
        Block::Note(format!(
            "{} ritiri, {} pezzi in tutto",
            sheet.items.len(),
            sheet.pieces
        )),
        Block::Rule,
    ];
    for (i, p) in sheet.items.iter().enumerate() {
        blocks.push(Block::Heading(format!("{}. {}", i + 1, p.address)));
        blocks.push(Block::Field("Tipo".into(), p.kind.label_it().into()));
        let items = p
            .items
            .iter()
            .map(|l| format!("{} × {}", l.qty, l.name))
            .collect::<Vec<_>>()
            .join(", ");
        blocks.push(Block::Field(
            "Da ritirare".into(),
            format!("{items} ({} pezzi)", p.pieces),
        ));
        blocks.push(Block::Field("Telefono".into(), p.phone.clone()));
        if let Some(n) = &p.notes {
            blocks.push(Block::Field("Note".into(), n.clone()));
        }
        blocks.push(Block::Field("Pratica".into(), p.protocol_number.clone()));
        blocks.push(Block::Paragraph(match p.status {
            PickupStatus::Done => "Esito: ritirato".to_owned(),
            PickupStatus::NotDone => format!(
                "Esito: non ritirato – {}",
                p.outcome_note.clone().unwrap_or_default()
            ),
            _ => "Esito:   [ ] ritirato     [ ] non ritirato   ______________________".to_owned(),
        }));
        blocks.push(Block::Rule);
    }
    let footer = format!("{} – giro del {date}", user.tenant.name);
    Ok((
        pdf::render(&format!("Giro di ritiro {date}"), &footer, &blocks),
        format!("giro-ritiri-{}.pdf", sheet.date),
    ))
}

/// The crew's outcome. `done` answers the request (the note is the reply to the citizen);
/// `not_done` tells the citizen why, and the request stays open for the office.
pub fn pickup_action(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &domain::api::PickupActionRequest,
) -> ApiResult<PickupView> {
    user.require_staff()?;
    let note = match body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(n) => Some(
            Description::parse(n)
                .map_err(|e| e.at_field("note"))?
                .into_inner(),
        ),
        None => None,
    };
    if body.action == PickupAction::NotDone && note.is_none() {
        return Err(ApiError::invalid(
            "note",
            "Indicare perché il ritiro non è stato effettuato",
            "Say why the pickup was not done",
        ));
    }
    let tenant = user.tenant.clone();
    let now = Utc::now();
    state.db.write_tx(|c| {
        let mut row = pickups::find_pickup(c, &tenant.id, id)?.ok_or(ApiError::NotFound)?;
        let status: PickupStatus = row.status.parse()?;
        let next = body.action.apply(status)?;
        let mut request =
            requests::find(c, &tenant.id, &row.request_id)?.ok_or(ApiError::NotFound)?;
        let actor = user.actor();
        let name = users::find(c, &tenant.id, &user.user_id)?
            .map_or_else(|| user.role.code().to_owned(), |u| u.full_name());
        let request_status: Status = request.status;
        if matches!(request_status, Status::Received | Status::Assigned) {
            transition_in_tx(
                c,
                &tenant,
                &mut request,
                Step {
                    action: Action::Take,
                    actor: &actor,
                    actor_name: &name,
                    note: None,
                    now,
                },
            )?;
        }
        let date = row.day.format("%d/%m/%Y");
        let reply = match (body.action, &note) {
            (PickupAction::Done, Some(n)) => n.clone(),
            (PickupAction::Done, None) => {
                format!("Il ritiro del {date} è stato effettuato. Grazie.")
            }
            (PickupAction::NotDone, n) => format!(
                "Il ritiro del {date} non è stato effettuato: {}",
                n.clone().unwrap_or_default()
            ),
        };
        let message_id = new_id();
        requests::insert_message(
            c,
            &MessageRow {
                id: message_id.clone(),
                tenant_id: tenant.id.clone(),
                request_id: request.id.clone(),
                author_id: Some(user.user_id.clone()),
                author_role: user.role,
                author_name: name.clone(),
                body: reply.clone(),
                internal: false,
                created_at: now.naive_utc(),
            },
        )?;
        match body.action {
            PickupAction::Done => {
                // A date the citizen chose past the standard is late for the user's reasons.
                let cause = row
                    .agreed_beyond_standard
                    .then_some(LatenessCause::UtenteOTerzi);
                transition_in_tx(
                    c,
                    &tenant,
                    &mut request,
                    Step {
                        action: Action::Resolve {
                            with_reply: true,
                            cause,
                        },
                        actor: &actor,
                        actor_name: &name,
                        note: Some(&reply),
                        now,
                    },
                )?;
            }
            PickupAction::NotDone => {
                if !request.has_public_reply {
                    requests::mark_public_reply(c, &request.id, now.naive_utc())?;
                }
                notify::enqueue(
                    c,
                    &tenant.id,
                    &Notice::PublicReply {
                        request_id: request.id.clone(),
                        message_id,
                    },
                )?;
            }
        }
        row.status = next.code().to_owned();
        row.outcome_note = note.clone();
        row.updated_at = now.naive_utc();
        pickups::update_pickup(c, &row)?;
        audit(user, &format!("pickup.{}", next.code()), "pickup", &row.id).record(
            c,
            Some(&serde_json::json!({"status": status.code()})),
            Some(&serde_json::json!({"status": next.code(), "note": note})),
        )?;
        one_view(c, &tenant, &row)
    })
}

/// Stores a zone validated as the API does, or updates the zone of the same name (the
/// demo seed runs more than once).
pub fn seed_zone(c: &mut DbConn, tenant_id: &str, body: &SavePickupZone) -> ApiResult<String> {
    let rules = validate_zone(body)?;
    let now = Utc::now().naive_utc();
    let existing = pickups::list_zones(c, tenant_id)?
        .into_iter()
        .find(|z| z.name == rules.name);
    let mut row = existing.clone().unwrap_or_else(|| PickupZoneRow {
        id: new_id(),
        tenant_id: tenant_id.to_owned(),
        name: String::new(),
        postcodes: String::new(),
        streets: String::new(),
        weekdays: String::new(),
        kinds: String::new(),
        overrides: String::new(),
        daily_capacity: 1,
        max_pieces_per_booking: 1,
        min_notice_days: 1,
        booking_window_days: 1,
        cancel_until_days: 0,
        deleted_at: None,
        created_at: now,
        updated_at: now,
    });
    write_zone(&mut row, body, &rules);
    row.updated_at = now;
    if existing.is_some() {
        pickups::update_zone(c, &row)?;
    } else {
        pickups::insert_zone(c, &row)?;
    }
    Ok(row.id)
}

/// Adds a catalogue item unless one with its code exists.
pub fn seed_item(c: &mut DbConn, tenant_id: &str, body: &SavePickupItem) -> ApiResult<()> {
    let item = validate_item(body)?;
    if pickups::list_items(c, tenant_id)?
        .iter()
        .any(|i| i.code == item.code)
    {
        return Ok(());
    }
    pickups::insert_item(
        c,
        &PickupItemRow {
            id: new_id(),
            tenant_id: tenant_id.to_owned(),
            code: item.code.clone(),
            name: item.name.clone(),
            kind: item.kind.code().to_owned(),
            pieces: i32::try_from(item.pieces).unwrap_or(1),
            created_at: Utc::now().naive_utc(),
        },
    )
    .map_err(Into::into)
}
