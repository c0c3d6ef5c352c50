//! The video desk: a video appointment's call. The holder of the booking's link reads and
//! accepts the conditions (stored with the time), joins the waiting room, and an operator
//! of the desk's office admits them; then the two browsers talk WebRTC, signalling over
//! the real-time connection between these two parties only, with a chat beside. Start,
//! end and duration are recorded; media never is.

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use domain::Role;
use domain::agenda::BookingMode;
use domain::api::{
    CallAction, CallActionRequest, CallJoin, ChatMessage, IceServer, RealtimeEvent,
    SaveVideoSettings, UpdateBooking, VideoCall, VideoSettings,
};
use domain::chat::{self, CallFacts, CallStatus, ChatStatus, TURN_CREDENTIAL_SECONDS};

use super::chats;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{
    AttachmentRow, BookingRow, ChatRow, DeskRow, MessageRow, VideoCallRow, VideoSettingsRow,
};
use crate::db::repo::audit::Audit;
use crate::db::repo::{agenda, live, new_id, requests};
use crate::error::{ApiError, ApiResult};
use crate::realtime::tickets::{self, Party, PartyKind};
use crate::realtime::{self, Draft, Recorded, audience, hub};
use crate::secret_key::Column;
use crate::services::agenda as bookings;
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::UploadedFile;

/// The parties of a call hear its updates: the desk's office, administrators, the caller.
fn call_audience(tenant_id: &str, desk: &DeskRow, booking_id: &str) -> Vec<String> {
    vec![
        audience::office(tenant_id, &desk.office_id),
        audience::admins(tenant_id),
        audience::caller(tenant_id, booking_id),
    ]
}

fn facts(booking: &BookingRow, call: Option<&VideoCallRow>, now: DateTime<Utc>) -> CallFacts {
    let status = bookings::status_of(booking, now);
    CallFacts {
        starts_at: booking.starts_at.and_utc(),
        ends_at: booking.ends_at.and_utc(),
        bookable: booking.mode == BookingMode::Video.code()
            && !matches!(
                status,
                domain::agenda::BookingStatus::Cancelled | domain::agenda::BookingStatus::Expired
            ),
        waiting_since: call.and_then(|c| c.waiting_since).map(|t| t.and_utc()),
        admitted_at: call.and_then(|c| c.admitted_at).map(|t| t.and_utc()),
        ended_at: call.and_then(|c| c.ended_at).map(|t| t.and_utc()),
    }
}

/// The call as a party sees it; `staff` adds the links to a citizen and a request.
fn view(
    c: &mut DbConn,
    tenant: &TenantCtx,
    booking: &BookingRow,
    desk: &DeskRow,
    staff: bool,
    code: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<VideoCall> {
    let call = live::find_call(c, &booking.id)?;
    let f = facts(booking, call.as_ref(), now);
    let accepted = call.as_ref().and_then(|c| c.conditions_accepted_at);
    let chat = match live::chat_of_booking(c, &tenant.id, &booking.id)? {
        Some(row) if staff || accepted.is_some() => Some(chats::view(c, tenant, &row, true, code)?),
        _ => None,
    };
    let admitted = call.as_ref().and_then(|c| c.admitted_at);
    let ended = call.as_ref().and_then(|c| c.ended_at);
    Ok(VideoCall {
        booking_id: booking.id.clone(),
        reference: booking.reference.clone(),
        service_name: booking.service_name.clone(),
        desk_name: desk.name.clone(),
        citizen_name: format!("{} {}", booking.first_name, booking.last_name),
        starts_at: f.starts_at,
        ends_at: f.ends_at,
        opens_at: f.opens_at(),
        status: f.status(now),
        conditions_accepted_at: accepted.map(|t| t.and_utc()),
        waiting_since: f.waiting_since,
        admitted_at: f.admitted_at,
        ended_at: f.ended_at,
        duration_seconds: admitted.map(|a| (ended.unwrap_or(now.naive_utc()) - a).num_seconds()),
        chat,
        request_id: staff.then(|| booking.request_id.clone()).flatten(),
        citizen_id: staff.then(|| booking.citizen_id.clone()).flatten(),
    })
}

fn record_call(
    c: &mut DbConn,
    tenant: &TenantCtx,
    booking: &BookingRow,
    desk: &DeskRow,
    now: DateTime<Utc>,
) -> ApiResult<Recorded> {
    // Events carry what the caller may see; staff read the rest with GET.
    let v = view(c, tenant, booking, desk, false, None, now)?;
    let v = VideoCall { chat: None, ..v };
    realtime::record(
        c,
        &Draft {
            tenant_id: &tenant.id,
            audience: &call_audience(&tenant.id, desk, &booking.id),
            kind: "call.updated",
            chat_id: None,
            booking_id: Some(&booking.id),
            data: &v,
        },
        now,
    )
}

fn empty_call(booking: &BookingRow, now: DateTime<Utc>) -> VideoCallRow {
    VideoCallRow {
        booking_id: booking.id.clone(),
        tenant_id: booking.tenant_id.clone(),
        conditions_accepted_at: None,
        waiting_since: None,
        admitted_at: None,
        admitted_by: None,
        ended_at: None,
        updated_at: now.naive_utc(),
    }
}

/// The chat beside the call, opened with it.
fn ensure_chat(
    c: &mut DbConn,
    booking: &BookingRow,
    desk: &DeskRow,
    now: DateTime<Utc>,
) -> ApiResult<ChatRow> {
    if let Some(row) = live::chat_of_booking(c, &booking.tenant_id, &booking.id)? {
        return Ok(row);
    }
    let row = ChatRow {
        id: new_id(),
        tenant_id: booking.tenant_id.clone(),
        topic: "videochiamata".into(),
        topic_name: booking.service_name.clone(),
        office_id: Some(desk.office_id.clone()),
        status: ChatStatus::Active,
        citizen_id: booking.citizen_id.clone(),
        citizen_name: format!("{} {}", booking.first_name, booking.last_name),
        assignee_id: None,
        booking_id: Some(booking.id.clone()),
        request_id: None,
        citizen_read: None,
        staff_read: None,
        started_at: now.naive_utc(),
        accepted_at: None,
        closed_at: None,
        updated_at: now.naive_utc(),
    };
    live::insert_chat(c, &row)?;
    Ok(row)
}

// ---- the caller (holder of the link) ------------------------------------------------------

fn by_code(c: &mut DbConn, tenant: &TenantCtx, code: &str) -> ApiResult<(BookingRow, DeskRow)> {
    let booking = bookings::by_code(c, tenant, code)?;
    if booking.mode != BookingMode::Video.code() {
        return Err(ApiError::NotFound);
    }
    let desk = agenda::find_desk_any(c, &tenant.id, &booking.desk_id)?.ok_or(ApiError::NotFound)?;
    Ok((booking, desk))
}

pub fn public_call(state: &AppState, tenant: &TenantCtx, code: &str) -> ApiResult<VideoCall> {
    let now = Utc::now();
    state.db.read(|c| {
        let (booking, desk) = by_code(c, tenant, code)?;
        view(c, tenant, &booking, &desk, false, Some(code), now)
    })
}

/// The caller accepts the conditions (not recorded, what to have at hand, privacy).
pub fn accept_conditions(
    state: &AppState,
    tenant: &TenantCtx,
    code: &str,
    accept: bool,
) -> ApiResult<VideoCall> {
    if !accept {
        return Err(ApiError::invalid(
            "accept",
            "Per continuare accetta le condizioni della videochiamata",
            "Accept the call's conditions to go on",
        ));
    }
    let now = Utc::now();
    state.db.write_tx(|c| {
        let (booking, desk) = by_code(c, tenant, code)?;
        if facts(&booking, None, now).status(now) == CallStatus::Unavailable {
            return Err(ApiError::conflict(
                "L'appuntamento è stato annullato",
                "The appointment was cancelled",
            ));
        }
        let mut call =
            live::find_call(c, &booking.id)?.unwrap_or_else(|| empty_call(&booking, now));
        if call.conditions_accepted_at.is_none() {
            call.conditions_accepted_at = Some(now.naive_utc());
            call.updated_at = now.naive_utc();
            live::save_call(c, &call)?;
        }
        ensure_chat(c, &booking, &desk, now)?;
        view(c, tenant, &booking, &desk, false, Some(code), now)
    })
}

fn require_open(f: &CallFacts, now: DateTime<Utc>) -> ApiResult<()> {
    match f.status(now) {
        CallStatus::NotYet => Err(ApiError::conflict(
            "La videochiamata non è ancora aperta: si apre 10 minuti prima dell'appuntamento",
            "The call is not open yet: it opens 10 minutes before the appointment",
        )),
        CallStatus::Ended => Err(ApiError::conflict(
            "La videochiamata è terminata",
            "The call has ended",
        )),
        CallStatus::Unavailable => Err(ApiError::conflict(
            "L'appuntamento è stato annullato",
            "The appointment was cancelled",
        )),
        _ => Ok(()),
    }
}

/// The caller enters the waiting room: a ticket for the real-time connection and the ICE
/// servers. Only after accepting the conditions, and within the call's window.
pub fn join_caller(state: &AppState, tenant: &TenantCtx, code: &str) -> ApiResult<CallJoin> {
    let now = Utc::now();
    let (join, ids) = state.db.write_tx(|c| {
        let (booking, desk) = by_code(c, tenant, code)?;
        let mut call = live::find_call(c, &booking.id)?
            .filter(|c| c.conditions_accepted_at.is_some())
            .ok_or_else(|| {
                ApiError::conflict(
                    "Prima di entrare leggi e accetta le condizioni della videochiamata",
                    "Read and accept the call's conditions before joining",
                )
            })?;
        require_open(&facts(&booking, Some(&call), now), now)?;
        let mut ids = Vec::new();
        if call.waiting_since.is_none() {
            call.waiting_since = Some(now.naive_utc());
            call.updated_at = now.naive_utc();
            live::save_call(c, &call)?;
            ids.push(record_call(c, tenant, &booking, &desk, now)?);
        }
        let ticket = tickets::issue(c, &tenant.id, None, Some(&booking.id))?;
        let (ice_servers, policy) = ice(c, state, tenant, &format!("caller-{}", booking.id), now)?;
        let call = view(c, tenant, &booking, &desk, false, Some(code), now)?;
        Ok::<_, ApiError>((
            CallJoin {
                ticket,
                ice_servers,
                ice_transport_policy: policy,
                call,
            },
            ids,
        ))
    })?;
    hub::announce_stored(&state.events, &ids);
    Ok(join)
}

/// The caller writes in the chat beside the call (a document for the officer, too).
pub fn caller_message(
    state: &AppState,
    tenant: &TenantCtx,
    code: &str,
    body: &str,
    files: Vec<UploadedFile>,
) -> ApiResult<ChatMessage> {
    let text = chat::message_with_files(body, files.len())
        .map_err(|e| ApiError::Domain(domain::DomainError::Validation(vec![e])))?;
    state.db.read(|c| by_code(c, tenant, code).map(|_| ()))?;
    let keys = crate::services::desk::store_files(state, &tenant.id, &files)?;
    let now = Utc::now();
    let result = state.db.write_tx(|c| {
        let (booking, _) = by_code(c, tenant, code)?;
        let chat_row = live::chat_of_booking(c, &tenant.id, &booking.id)?
            .filter(|_| {
                live::find_call(c, &booking.id)
                    .ok()
                    .flatten()
                    .is_some_and(|call| call.conditions_accepted_at.is_some())
            })
            .ok_or_else(|| {
                ApiError::conflict(
                    "Prima accetta le condizioni della videochiamata",
                    "Accept the call's conditions first",
                )
            })?;
        let name = format!("{} {}", booking.first_name, booking.last_name);
        chats::insert_message_in_tx(
            c,
            tenant,
            &chat_row,
            None,
            Some(&name),
            text,
            &files,
            &keys,
            now,
            Some(code),
        )
    });
    match result {
        Ok((m, id)) => {
            hub::announce_stored(&state.events, &[id]);
            Ok(m)
        }
        Err(e) => {
            for k in &keys {
                let _ = state.files.delete(k);
            }
            Err(e)
        }
    }
}

pub fn caller_attachment(
    state: &AppState,
    tenant: &TenantCtx,
    code: &str,
    attachment_id: &str,
) -> ApiResult<(Vec<u8>, String, String)> {
    let a = state.db.read(|c| {
        let (booking, _) = by_code(c, tenant, code)?;
        let chat_row =
            live::chat_of_booking(c, &tenant.id, &booking.id)?.ok_or(ApiError::NotFound)?;
        live::find_attachment(c, &chat_row.id, attachment_id)?.ok_or(ApiError::NotFound)
    })?;
    let bytes = state
        .files
        .get(&a.storage_key)
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((bytes, a.content_type, a.filename))
}

// ---- the operator --------------------------------------------------------------------------

fn staff_booking(c: &mut DbConn, user: &AuthUser, id: &str) -> ApiResult<(BookingRow, DeskRow)> {
    let (booking, desk) = bookings::load_for_staff(c, user, id)?;
    if booking.mode != BookingMode::Video.code() {
        return Err(ApiError::conflict(
            "L'appuntamento non è in videochiamata",
            "The appointment is not a video call",
        ));
    }
    Ok((booking, desk))
}

pub fn staff_call(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<VideoCall> {
    let now = Utc::now();
    state.db.read(|c| {
        let (booking, desk) = staff_booking(c, user, id)?;
        view(c, &user.tenant, &booking, &desk, true, None, now)
    })
}

/// The operator's ticket and ICE servers.
pub fn join_staff(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<CallJoin> {
    let now = Utc::now();
    state.db.write_tx(|c| {
        let (booking, desk) = staff_booking(c, user, id)?;
        let call = live::find_call(c, &booking.id)?;
        require_open(&facts(&booking, call.as_ref(), now), now)?;
        ensure_chat(c, &booking, &desk, now)?;
        let ticket = tickets::issue(c, user.tenant_id(), Some(&user.user_id), None)?;
        let (ice_servers, policy) = ice(
            c,
            state,
            &user.tenant,
            &format!("staff-{}", user.user_id),
            now,
        )?;
        Ok::<_, ApiError>(CallJoin {
            ticket,
            ice_servers,
            ice_transport_policy: policy,
            call: view(c, &user.tenant, &booking, &desk, true, None, now)?,
        })
    })
}

/// Admit, end, link to a citizen and a request, or copy a document to the request.
pub fn call_action(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &CallActionRequest,
) -> ApiResult<VideoCall> {
    if body.action == CallAction::Link {
        // The agenda's own link: the request's thread shows the appointment.
        bookings::update_booking(
            state,
            user,
            id,
            &UpdateBooking {
                citizen_id: body.citizen_id.clone(),
                request_id: body.request_id.clone(),
                notes: None,
            },
        )?;
        return staff_call(state, user, id);
    }
    let tenant = user.tenant.clone();
    let now = Utc::now();
    let (v, ids) = state.db.write_tx(|c| {
        let (booking, desk) = staff_booking(c, user, id)?;
        let mut call = live::find_call(c, &booking.id)?.unwrap_or_else(|| empty_call(&booking, now));
        let f = facts(&booking, Some(&call), now);
        let mut ids = Vec::new();
        match body.action {
            CallAction::Admit => {
                match f.status(now) {
                    CallStatus::Waiting => {}
                    CallStatus::InCall => {
                        return Err(ApiError::conflict("Il cittadino è già in chiamata", "The citizen is already in the call"));
                    }
                    CallStatus::Open => {
                        return Err(ApiError::conflict(
                            "Il cittadino non è ancora in sala d'attesa",
                            "The citizen is not in the waiting room yet",
                        ));
                    }
                    _ => require_open(&f, now)?,
                }
                call.admitted_at = Some(now.naive_utc());
                call.admitted_by = Some(user.user_id.clone());
            }
            CallAction::End => {
                if call.ended_at.is_some() {
                    return Err(ApiError::conflict("La videochiamata è già terminata", "The call has already ended"));
                }
                call.ended_at = Some(now.naive_utc());
                if let (Some(request_id), Some(admitted)) = (&booking.request_id, call.admitted_at) {
                    note_on_request(c, &tenant, request_id, &booking, admitted.and_utc(), now)?;
                }
            }
            CallAction::Attach => {
                let request_id = body
                    .request_id
                    .clone()
                    .or_else(|| booking.request_id.clone())
                    .ok_or_else(|| ApiError::invalid("request_id", "Indica la pratica", "Name the request"))?;
                let attachment_id = body
                    .attachment_id
                    .as_deref()
                    .ok_or_else(|| ApiError::invalid("attachment_id", "Indica il documento", "Name the document"))?;
                attach(c, &tenant, user, &booking, &request_id, attachment_id, now)?;
            }
            CallAction::Link => {}
        }
        call.updated_at = now.naive_utc();
        live::save_call(c, &call)?;
        if matches!(body.action, CallAction::Admit | CallAction::End) {
            ids.push(record_call(c, &tenant, &booking, &desk, now)?);
        }
        Audit {
            tenant_id: &tenant.id,
            actor_id: Some(&user.user_id),
            action: match body.action {
                CallAction::Admit => "call.admit",
                CallAction::End => "call.end",
                CallAction::Attach => "call.attach",
                CallAction::Link => "call.link",
            },
            entity: "booking",
            entity_id: Some(&booking.id),
        }
        .record(c, None::<&()>, Some(&serde_json::json!({ "request_id": body.request_id, "attachment_id": body.attachment_id })))?;
        Ok::<_, ApiError>((view(c, &tenant, &booking, &desk, true, None, now)?, ids))
    })?;
    hub::announce_stored(&state.events, &ids);
    Ok(v)
}

/// The request's thread shows the call: when, with whom, how long.
fn note_on_request(
    c: &mut DbConn,
    tenant: &TenantCtx,
    request_id: &str,
    booking: &BookingRow,
    admitted: DateTime<Utc>,
    ended: DateTime<Utc>,
) -> ApiResult<()> {
    let minutes = (ended - admitted).num_minutes().max(1);
    let local = domain::agenda::rome_local(admitted);
    requests::insert_message(
        c,
        &MessageRow {
            id: new_id(),
            tenant_id: tenant.id.clone(),
            request_id: request_id.to_owned(),
            author_id: None,
            author_role: Role::System,
            author_name: "Videochiamata".to_owned(),
            body: format!(
                "Videochiamata con {} {} il {} alle {}, durata {minutes} min (non registrata).",
                booking.first_name,
                booking.last_name,
                local.format("%d/%m/%Y"),
                local.format("%H:%M"),
            ),
            internal: false,
            created_at: ended.naive_utc(),
        },
    )?;
    Ok(())
}

/// Copies a document the caller sent during the call to a request (the same stored file).
fn attach(
    c: &mut DbConn,
    tenant: &TenantCtx,
    user: &AuthUser,
    booking: &BookingRow,
    request_id: &str,
    attachment_id: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let request = requests::find(c, &tenant.id, request_id)?.ok_or_else(|| {
        ApiError::invalid("request_id", "Pratica non trovata", "Request not found")
    })?;
    let chat_row = live::chat_of_booking(c, &tenant.id, &booking.id)?.ok_or(ApiError::NotFound)?;
    let a = live::find_attachment(c, &chat_row.id, attachment_id)?.ok_or_else(|| {
        ApiError::invalid(
            "attachment_id",
            "Documento non trovato",
            "Document not found",
        )
    })?;
    let message_id = new_id();
    requests::insert_message(
        c,
        &MessageRow {
            id: message_id.clone(),
            tenant_id: tenant.id.clone(),
            request_id: request.id.clone(),
            author_id: Some(user.user_id.clone()),
            author_role: user.role,
            author_name: "Videochiamata".to_owned(),
            body: format!("Documento inviato durante la videochiamata: {}", a.filename),
            internal: true,
            created_at: now.naive_utc(),
        },
    )?;
    requests::insert_attachment(
        c,
        &AttachmentRow {
            id: new_id(),
            tenant_id: tenant.id.clone(),
            request_id: request.id,
            message_id: Some(message_id),
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            storage_key: a.storage_key,
            sha256: a.sha256,
            uploaded_by: None,
            created_at: now.naive_utc(),
        },
    )?;
    Ok(())
}

/// A WebRTC signal from a connection, relayed to the other admitted party only.
pub fn signal(
    state: &AppState,
    party: &Party,
    booking_id: &str,
    signal: serde_json::Value,
) -> ApiResult<()> {
    let now = Utc::now();
    let (booking, call) = state.db.read(|c| {
        let booking =
            agenda::find_booking(c, &party.tenant_id, booking_id)?.ok_or(ApiError::NotFound)?;
        let call = live::find_call(c, booking_id)?;
        Ok::<_, ApiError>((booking, call))
    })?;
    let in_call = facts(&booking, call.as_ref(), now).status(now) == CallStatus::InCall;
    let admitted_by = call.and_then(|c| c.admitted_by);
    let (from, to) = match &party.kind {
        PartyKind::Caller { booking_id: b } if b == booking_id => {
            let op = admitted_by.ok_or(ApiError::NotFound)?;
            ("citizen", audience::user(&party.tenant_id, &op))
        }
        PartyKind::User { user_id, .. } if admitted_by.as_deref() == Some(user_id.as_str()) => {
            ("staff", audience::caller(&party.tenant_id, booking_id))
        }
        _ => return Err(ApiError::NotFound),
    };
    if !in_call {
        return Err(ApiError::conflict(
            "La videochiamata non è in corso",
            "The call is not under way",
        ));
    }
    realtime::send_ephemeral(
        state,
        &party.tenant_id,
        &[to],
        &RealtimeEvent {
            id: None,
            kind: "call.signal".into(),
            chat_id: None,
            booking_id: Some(booking_id.to_owned()),
            data: serde_json::json!({ "from": from, "signal": signal }),
        },
    )
}

// ---- ICE servers ---------------------------------------------------------------------------

fn settings_row(c: &mut DbConn, tenant_id: &str) -> ApiResult<Option<VideoSettingsRow>> {
    Ok(live::video_settings(c, tenant_id)?)
}

fn urls(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The ICE servers a party gets: STUN as configured, TURN with credentials that expire
/// (coturn's `use-auth-secret`: user `expiry:party`, password base64 HMAC-SHA1 of it).
fn ice(
    c: &mut DbConn,
    state: &AppState,
    tenant: &TenantCtx,
    party: &str,
    now: DateTime<Utc>,
) -> ApiResult<(Vec<IceServer>, String)> {
    let Some(row) = settings_row(c, &tenant.id)? else {
        return Ok((Vec::new(), "all".into()));
    };
    let mut servers = Vec::new();
    let stun = urls(&row.stun_urls);
    if !stun.is_empty() {
        servers.push(IceServer {
            urls: stun,
            username: None,
            credential: None,
        });
    }
    let turn = urls(&row.turn_urls);
    if let (false, Some(sealed)) = (turn.is_empty(), &row.turn_secret) {
        let secret = state
            .secret_key
            .open(sealed, Column::TurnSecret, &tenant.id)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("TURN secret: {e}")))?;
        let username = chat::turn_username(now + Duration::seconds(TURN_CREDENTIAL_SECONDS), party);
        let key =
            ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret.as_bytes());
        let tag = ring::hmac::sign(&key, username.as_bytes());
        servers.push(IceServer {
            urls: turn,
            username: Some(username),
            credential: Some(base64::engine::general_purpose::STANDARD.encode(tag.as_ref())),
        });
    }
    let policy = if row.relay_only { "relay" } else { "all" };
    Ok((servers, policy.into()))
}

fn settings_view(row: Option<VideoSettingsRow>) -> VideoSettings {
    match row {
        Some(r) => VideoSettings {
            stun_urls: urls(&r.stun_urls),
            turn_urls: urls(&r.turn_urls),
            turn_secret_set: r.turn_secret.is_some(),
            relay_only: r.relay_only,
        },
        None => VideoSettings {
            stun_urls: Vec::new(),
            turn_urls: Vec::new(),
            turn_secret_set: false,
            relay_only: false,
        },
    }
}

pub fn get_settings(state: &AppState, user: &AuthUser) -> ApiResult<VideoSettings> {
    user.require_admin()?;
    state
        .db
        .read(|c| settings_row(c, user.tenant_id()))
        .map(settings_view)
}

/// Stores the ICE servers; a TURN address needs a secret (sent now or stored), and relay
/// only needs a TURN address.
pub fn save_settings(
    state: &AppState,
    user: &AuthUser,
    body: &SaveVideoSettings,
) -> ApiResult<VideoSettings> {
    user.require_admin()?;
    let mut errors = domain::error::Errors::new();
    let clean =
        |list: &[String], field: &'static str, turn: bool, errors: &mut domain::error::Errors| {
            let mut out = Vec::new();
            for u in list.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
                let ok = chat::check_ice_url(u).is_ok() && (u.starts_with("stun:") != turn);
                if ok {
                    out.push(u.to_owned());
                } else {
                    errors.push(domain::FieldError::new(
                        field,
                        format!("Indirizzo non valido: {u}"),
                        format!("Invalid address: {u}"),
                    ));
                }
            }
            out
        };
    let stun = clean(&body.stun_urls, "stun_urls", false, &mut errors);
    let turn = clean(&body.turn_urls, "turn_urls", true, &mut errors);
    if body
        .turn_secret
        .as_deref()
        .is_some_and(|s| !s.is_empty() && s.len() < 16)
    {
        errors.push(domain::FieldError::new(
            "turn_secret",
            "Il segreto TURN deve avere almeno 16 caratteri",
            "The TURN secret must be at least 16 characters",
        ));
    }
    errors.finish()?;
    let tenant_id = user.tenant_id().to_owned();
    let now = Utc::now();
    let saved = state.db.write_tx(|c| {
        let before = settings_row(c, &tenant_id)?;
        let secret = match body.turn_secret.as_deref() {
            Some("") => None,
            Some(s) => Some(
                state
                    .secret_key
                    .seal(s, Column::TurnSecret, &tenant_id),
            ),
            None => before.as_ref().and_then(|b| b.turn_secret.clone()),
        };
        if !turn.is_empty() && secret.is_none() {
            return Err(ApiError::invalid(
                "turn_secret",
                "Un server TURN richiede il segreto condiviso",
                "A TURN server needs its shared secret",
            ));
        }
        if body.relay_only && turn.is_empty() {
            return Err(ApiError::invalid(
                "relay_only",
                "Solo relay richiede almeno un server TURN",
                "Relay only needs at least one TURN server",
            ));
        }
        let row = VideoSettingsRow {
            tenant_id: tenant_id.clone(),
            stun_urls: serde_json::to_string(&stun).unwrap_or_else(|_| "[]".into()),
            turn_urls: serde_json::to_string(&turn).unwrap_or_else(|_| "[]".into()),
            turn_secret: secret,
            relay_only: body.relay_only,
            updated_at: now.naive_utc(),
        };
        live::save_video_settings(c, &row)?;
        Audit {
            tenant_id: &tenant_id,
            actor_id: Some(&user.user_id),
            action: "settings.video",
            entity: "tenant",
            entity_id: Some(&tenant_id),
        }
        .record(
            c,
            Some(&serde_json::json!({ "stun_urls": before.as_ref().map(|b| urls(&b.stun_urls)), "turn_urls": before.as_ref().map(|b| urls(&b.turn_urls)) })),
            Some(&serde_json::json!({ "stun_urls": stun, "turn_urls": turn, "relay_only": body.relay_only })),
        )?;
        Ok::<_, ApiError>(row)
    })?;
    Ok(settings_view(Some(saved)))
}
