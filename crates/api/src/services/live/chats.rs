//! Live chat: a citizen opens one on a topic, the office's operators see it in their
//! queue, one accepts it; they talk (messages, attachments, typing and read marks), and
//! the operator closes it, transfers it or turns it into a request whose thread starts
//! with the transcript. Every change is one transaction with its live event.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::Role;
use domain::api::{
    Attachment, ChatActionRequest, ChatAvailability, ChatHours, ChatMessage, ChatPerson, ChatTopic,
    ChatView, CreateChat, MessageAuthor,
};
use domain::catalogue::{Channel, RequestKind};
use domain::chat::{self, ChatAction, ChatParty, ChatStatus};

use super::{chat_audience, online_offices};
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{AttachmentRow, ChatAttachmentRow, ChatMessageRow, ChatRow, MessageRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{agenda, live, new_id, requests, users};
use crate::error::{ApiError, ApiResult};
use crate::realtime::tickets::{Party, PartyKind};
use crate::realtime::{self, Draft, Recorded, hub};
use crate::services::desk::{NewRequest, store_request};
use crate::services::notify::{self, Notice};
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::UploadedFile;

/// The most chats a list returns.
const LIST_LIMIT: i64 = 200;

// ---- who sees a chat ---------------------------------------------------------------------

/// Staff of the chat's office (administrators: every office; a chat routed nowhere: all
/// staff).
fn staff_sees(user: &AuthUser, row: &ChatRow) -> bool {
    user.role == Role::Admin
        || row
            .office_id
            .as_ref()
            .is_none_or(|o| user.office_ids.contains(o))
}

/// The caller's side of the chat, or why not: others' chats do not exist for a citizen;
/// another office's are forbidden to an operator.
pub(super) fn party_of(user: &AuthUser, row: &ChatRow) -> ApiResult<ChatParty> {
    if !user.is_staff() {
        return if row.citizen_id.as_deref() == Some(user.user_id.as_str()) {
            Ok(ChatParty::Citizen)
        } else {
            Err(ApiError::NotFound)
        };
    }
    if !staff_sees(user, row) {
        return Err(ApiError::forbidden(
            "La chat è di un altro ufficio",
            "The chat belongs to another office",
        ));
    }
    Ok(ChatParty::Operator {
        assignee: row.assignee_id.as_deref() == Some(user.user_id.as_str()),
    })
}

// ---- views -------------------------------------------------------------------------------

fn attachment_url(row: &ChatRow, a: &ChatAttachmentRow, code: Option<&str>) -> String {
    match code {
        Some(code) => format!("/api/v1/public/video/{code}/attachments/{}", a.id),
        None => format!("/api/v1/chats/{}/attachments/{}", row.id, a.id),
    }
}

pub(super) fn message_view(m: ChatMessageRow, attachments: Vec<Attachment>) -> ChatMessage {
    ChatMessage {
        author: m.author_role.map(|role| MessageAuthor {
            id: m.author_id.clone(),
            name: m.author_name.clone().unwrap_or_default(),
            role,
        }),
        id: m.id,
        chat_id: m.chat_id,
        body: m.body,
        attachments,
        created_at: m.created_at.and_utc(),
    }
}

fn attachment_view(row: &ChatRow, a: &ChatAttachmentRow, code: Option<&str>) -> Attachment {
    Attachment {
        url: attachment_url(row, a, code),
        id: a.id.clone(),
        filename: a.filename.clone(),
        content_type: a.content_type.clone(),
        size: u64::try_from(a.size).unwrap_or(0),
        created_at: a.created_at.and_utc(),
    }
}

fn person(c: &mut DbConn, tenant_id: &str, id: Option<&str>) -> ApiResult<Option<ChatPerson>> {
    let Some(id) = id else { return Ok(None) };
    Ok(users::find(c, tenant_id, id)?.map(|u| ChatPerson {
        id: Some(u.id.clone()),
        name: u.full_name(),
    }))
}

/// The chat as the API shows it; with its transcript when `messages`. `code`: the video
/// link the caller uses (attachment addresses under it).
pub(super) fn view(
    c: &mut DbConn,
    tenant: &TenantCtx,
    row: &ChatRow,
    messages: bool,
    code: Option<&str>,
) -> ApiResult<ChatView> {
    let queue_position = if row.status == ChatStatus::Waiting && row.booking_id.is_none() {
        let waiting = live::waiting_in_office(c, &tenant.id, row.office_id.as_deref())?;
        Some(chat::queue_position(
            (row.started_at.and_utc(), &row.id),
            waiting
                .iter()
                .map(|w| (w.started_at.and_utc(), w.id.as_str())),
        ))
    } else {
        None
    };
    let protocol_number = match &row.request_id {
        Some(id) => requests::find(c, &tenant.id, id)?.map(|r| r.protocol_number),
        None => None,
    };
    let mut transcript = Vec::new();
    if messages {
        let mut files: HashMap<String, Vec<Attachment>> = HashMap::new();
        for a in live::attachments(c, &row.id)? {
            files
                .entry(a.message_id.clone())
                .or_default()
                .push(attachment_view(row, &a, code));
        }
        transcript = live::messages(c, &row.id)?
            .into_iter()
            .map(|m| {
                let a = files.remove(&m.id).unwrap_or_default();
                message_view(m, a)
            })
            .collect();
    }
    Ok(ChatView {
        id: row.id.clone(),
        topic: row.topic.clone(),
        topic_name: row.topic_name.clone(),
        office_name: row
            .office_id
            .as_ref()
            .and_then(|o| tenant.directory.offices.get(o).cloned()),
        office_id: row.office_id.clone(),
        status: row.status,
        citizen: ChatPerson {
            id: row.citizen_id.clone(),
            name: row.citizen_name.clone(),
        },
        assignee: person(c, &tenant.id, row.assignee_id.as_deref())?,
        booking_id: row.booking_id.clone(),
        started_at: row.started_at.and_utc(),
        accepted_at: row.accepted_at.map(|t| t.and_utc()),
        closed_at: row.closed_at.map(|t| t.and_utc()),
        queue_position,
        request_id: row.request_id.clone(),
        protocol_number,
        citizen_read: row.citizen_read.clone(),
        staff_read: row.staff_read.clone(),
        messages: transcript,
    })
}

/// Records `chat.updated` for the chat, and for the other chats waiting in the offices it
/// left or joined (their places in the queue moved).
fn record_updated(
    c: &mut DbConn,
    tenant: &TenantCtx,
    row: &ChatRow,
    queues: &[Option<&str>],
    now: DateTime<Utc>,
) -> ApiResult<Vec<Recorded>> {
    let mut ids = vec![record_chat(c, tenant, row, "chat.updated", now)?];
    for office in queues {
        for other in live::waiting_in_office(c, &tenant.id, *office)? {
            if other.id != row.id {
                ids.push(record_chat(c, tenant, &other, "chat.updated", now)?);
            }
        }
    }
    Ok(ids)
}

fn record_chat(
    c: &mut DbConn,
    tenant: &TenantCtx,
    row: &ChatRow,
    kind: &str,
    now: DateTime<Utc>,
) -> ApiResult<Recorded> {
    let v = view(c, tenant, row, false, None)?;
    realtime::record(
        c,
        &Draft {
            tenant_id: &tenant.id,
            audience: &chat_audience(&tenant.id, row),
            kind,
            chat_id: Some(&row.id),
            booking_id: row.booking_id.as_deref(),
            data: &v,
        },
        now,
    )
}

pub(super) fn record_message(
    c: &mut DbConn,
    tenant: &TenantCtx,
    row: &ChatRow,
    message: &ChatMessage,
    now: DateTime<Utc>,
) -> ApiResult<Recorded> {
    realtime::record(
        c,
        &Draft {
            tenant_id: &tenant.id,
            audience: &chat_audience(&tenant.id, row),
            kind: "chat.message",
            chat_id: Some(&row.id),
            booking_id: row.booking_id.as_deref(),
            data: message,
        },
        now,
    )
}

/// A note of the desk in the transcript (accepted, transferred, closed).
fn desk_note(
    c: &mut DbConn,
    tenant: &TenantCtx,
    row: &ChatRow,
    text: String,
    now: DateTime<Utc>,
) -> ApiResult<Recorded> {
    let m = ChatMessageRow {
        id: new_id(),
        tenant_id: tenant.id.clone(),
        chat_id: row.id.clone(),
        author_id: None,
        author_name: None,
        author_role: None,
        body: text,
        created_at: now.naive_utc(),
    };
    live::insert_message(c, &m)?;
    record_message(c, tenant, row, &message_view(m, Vec::new()), now)
}

// ---- availability ------------------------------------------------------------------------

/// Whether the chat is open now, its hours (the offices' desks' weekly hours) and topics.
pub fn availability(state: &AppState, user: &AuthUser) -> ApiResult<ChatAvailability> {
    let tenant = &user.tenant;
    let now = Utc::now();
    let (desks, online) = state.db.read(|c| {
        let desks = agenda::list_desks(c, &tenant.id)?;
        let online = online_offices(c, &tenant.id, now)?;
        Ok::<_, ApiError>((desks, online))
    })?;
    let mut weeks = Vec::new();
    for d in &desks {
        weeks.push(crate::services::agenda::desk_rules(d)?.weekly);
    }
    let week = chat::merge_hours(&weeks);
    let (within_hours, next_opening) = chat::hours_at(&week, &tenant.calendar, now);
    let topics: Vec<ChatTopic> = tenant
        .directory
        .types
        .iter()
        .filter(|t| t.active)
        .map(|t| {
            let office_id = tenant.directory.office_for(t.kind).cloned();
            ChatTopic {
                online: online.any
                    || office_id
                        .as_ref()
                        .is_some_and(|o| online.offices.contains(o)),
                code: t.code.clone(),
                name: t.name.clone(),
                office_id,
            }
        })
        .collect();
    let hours = week
        .iter()
        .enumerate()
        .flat_map(|(day, ranges)| {
            ranges.iter().map(move |r| ChatHours {
                weekday: u8::try_from(day + 1).unwrap_or(1),
                start: r.start.to_string(),
                end: r.end.to_string(),
            })
        })
        .collect();
    Ok(ChatAvailability {
        open: within_hours && topics.iter().any(|t| t.online),
        within_hours,
        hours,
        next_opening,
        topics,
    })
}

// ---- opening, listing, reading -----------------------------------------------------------

/// A citizen opens a chat on a topic, optionally with a first message.
pub fn create(state: &AppState, user: &AuthUser, body: &CreateChat) -> ApiResult<ChatView> {
    if user.is_staff() {
        return Err(ApiError::forbidden(
            "Le chat si aprono dal portale dei cittadini",
            "Chats are opened by citizens on the portal",
        ));
    }
    let tenant = user.tenant.clone();
    let topic = tenant
        .directory
        .request_type(&body.topic)
        .filter(|t| t.active)
        .ok_or_else(|| ApiError::invalid("topic", "Argomento sconosciuto", "Unknown topic"))?
        .clone();
    let first = body
        .message
        .as_deref()
        .filter(|m| !m.trim().is_empty())
        .map(chat::message_body)
        .transpose()
        .map_err(|e| ApiError::Domain(domain::DomainError::Validation(vec![e])))?;
    // As the databases store it (microseconds): the request it may become is received at
    // exactly this instant.
    let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
    let (view, ids) = state.db.write_tx(|c| {
        let open = live::list_chats(
            c,
            &tenant.id,
            &live::ChatScope::Citizen(&user.user_id),
            None,
            20,
        )?;
        if open.iter().any(|r| r.status.is_open()) {
            return Err(ApiError::conflict(
                "Hai già una chat aperta: continua quella",
                "You already have an open chat: carry on with it",
            ));
        }
        let me = users::find(c, &tenant.id, &user.user_id)?.ok_or(ApiError::NotFound)?;
        let row = ChatRow {
            id: new_id(),
            tenant_id: tenant.id.clone(),
            topic: topic.code.clone(),
            topic_name: topic.name.clone(),
            office_id: tenant.directory.office_for(topic.kind).cloned(),
            status: ChatStatus::Waiting,
            citizen_id: Some(user.user_id.clone()),
            citizen_name: me.full_name(),
            assignee_id: None,
            booking_id: None,
            request_id: None,
            citizen_read: None,
            staff_read: None,
            started_at: now.naive_utc(),
            accepted_at: None,
            closed_at: None,
            updated_at: now.naive_utc(),
        };
        live::insert_chat(c, &row)?;
        let mut ids = vec![record_chat(c, &tenant, &row, "chat.created", now)?];
        if let Some(text) = first {
            let m = ChatMessageRow {
                id: new_id(),
                tenant_id: tenant.id.clone(),
                chat_id: row.id.clone(),
                author_id: Some(user.user_id.clone()),
                author_name: Some(me.full_name()),
                author_role: Some(Role::Citizen),
                body: text,
                created_at: now.naive_utc(),
            };
            live::insert_message(c, &m)?;
            ids.push(record_message(
                c,
                &tenant,
                &row,
                &message_view(m, Vec::new()),
                now,
            )?);
        }
        Ok::<_, ApiError>((view(c, &tenant, &row, true, None)?, ids))
    })?;
    hub::announce_stored(&state.events, &ids);
    Ok(view)
}

/// A citizen's own chats; staff: their offices' (administrators: all).
pub fn list(
    state: &AppState,
    user: &AuthUser,
    status: Option<ChatStatus>,
) -> ApiResult<Vec<ChatView>> {
    let tenant = &user.tenant;
    state.db.read(|c| {
        let scope = if user.is_staff() {
            live::ChatScope::Offices((user.role != Role::Admin).then_some(&user.office_ids[..]))
        } else {
            live::ChatScope::Citizen(&user.user_id)
        };
        let mut rows = live::list_chats(c, &tenant.id, &scope, status, LIST_LIMIT)?;
        if user.is_staff() && user.role != Role::Admin {
            // Chats routed to no office are every operator's.
            let unrouted = live::list_chats(
                c,
                &tenant.id,
                &live::ChatScope::Offices(None),
                status,
                LIST_LIMIT,
            )?;
            rows.extend(unrouted.into_iter().filter(|r| r.office_id.is_none()));
        }
        rows.iter()
            .map(|r| view(c, tenant, r, false, None))
            .collect::<ApiResult<Vec<_>>>()
    })
}

pub fn get(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<ChatView> {
    state.db.read(|c| {
        let row = live::find_chat(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        party_of(user, &row)?;
        view(c, &user.tenant, &row, true, None)
    })
}

// ---- messages ----------------------------------------------------------------------------

/// Stores a message with its files (already written to the store) in one transaction.
#[allow(clippy::too_many_arguments)] // one message's parts, each needed in the transaction
pub(super) fn insert_message_in_tx(
    c: &mut DbConn,
    tenant: &TenantCtx,
    row: &ChatRow,
    author: Option<(&AuthUser, String)>,
    caller_name: Option<&str>,
    text: String,
    files: &[UploadedFile],
    keys: &[String],
    now: DateTime<Utc>,
    code: Option<&str>,
) -> ApiResult<(ChatMessage, Recorded)> {
    let (author_id, author_name, role) = match author {
        Some((u, name)) => (Some(u.user_id.clone()), Some(name), Some(u.role)),
        None => (None, caller_name.map(str::to_owned), Some(Role::Citizen)),
    };
    let m = ChatMessageRow {
        id: new_id(),
        tenant_id: tenant.id.clone(),
        chat_id: row.id.clone(),
        author_id: author_id.clone(),
        author_name,
        author_role: role,
        body: text,
        created_at: now.naive_utc(),
    };
    live::insert_message(c, &m)?;
    let mut attachments = Vec::new();
    for (f, key) in files.iter().zip(keys) {
        let a = ChatAttachmentRow {
            id: new_id(),
            tenant_id: tenant.id.clone(),
            chat_id: row.id.clone(),
            message_id: m.id.clone(),
            filename: f.filename.clone(),
            content_type: f.kind.content_type().to_owned(),
            size: i64::try_from(f.bytes.len()).unwrap_or(i64::MAX),
            storage_key: key.clone(),
            sha256: f.sha256.clone(),
            uploaded_by: author_id.clone(),
            created_at: now.naive_utc(),
        };
        live::insert_attachment(c, &a)?;
        attachments.push(attachment_view(row, &a, code));
    }
    let view = message_view(m, attachments);
    let id = record_message(c, tenant, row, &view, now)?;
    Ok((view, id))
}

/// A party writes in the chat. Files are stored before the transaction that references
/// them (and removed if it fails).
pub fn post_message(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &str,
    files: Vec<UploadedFile>,
) -> ApiResult<ChatMessage> {
    let tenant = user.tenant.clone();
    state.db.read(|c| {
        let row = live::find_chat(c, &tenant.id, id)?.ok_or(ApiError::NotFound)?;
        party_of(user, &row).map(|_| ())
    })?;
    let text = chat::message_with_files(body, files.len())
        .map_err(|e| ApiError::Domain(domain::DomainError::Validation(vec![e])))?;
    let keys = crate::services::desk::store_files(state, &tenant.id, &files)?;
    let now = Utc::now();
    let result = state.db.write_tx(|c| {
        let row = live::lock_chat(c, &tenant.id, id)?.ok_or(ApiError::NotFound)?;
        let party = party_of(user, &row)?;
        writable(&row, party)?;
        let name = users::find(c, &tenant.id, &user.user_id)?
            .map_or_else(|| user.role.code().to_owned(), |u| u.full_name());
        insert_message_in_tx(
            c,
            &tenant,
            &row,
            Some((user, name)),
            None,
            text,
            &files,
            &keys,
            now,
            None,
        )
    });
    match result {
        Ok((view, event)) => {
            hub::announce_stored(&state.events, &[event]);
            Ok(view)
        }
        Err(e) => {
            for k in &keys {
                let _ = state.files.delete(k);
            }
            Err(e)
        }
    }
}

/// Who may write now: the citizen and the assignee of an open chat (an operator accepts
/// before writing, so the citizen knows who answers); beside a video call, the desk's staff.
fn writable(row: &ChatRow, party: ChatParty) -> ApiResult<()> {
    if !row.status.is_open() {
        return Err(ApiError::conflict("La chat è chiusa", "The chat is closed"));
    }
    match party {
        ChatParty::Operator { assignee: false } if row.booking_id.is_none() => {
            Err(ApiError::conflict(
                "Accetta la chat prima di scrivere",
                "Accept the chat before writing",
            ))
        }
        _ => Ok(()),
    }
}

/// An attachment's bytes, if the caller is a party of its chat.
pub fn attachment(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    attachment_id: &str,
) -> ApiResult<(Vec<u8>, String, String)> {
    let a = state.db.read(|c| {
        let row = live::find_chat(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        party_of(user, &row)?;
        live::find_attachment(c, &row.id, attachment_id)?.ok_or(ApiError::NotFound)
    })?;
    let bytes = state
        .files
        .get(&a.storage_key)
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((bytes, a.content_type, a.filename))
}

/// The last message the caller has read; the other side sees it.
pub fn mark_read(state: &AppState, user: &AuthUser, id: &str, message_id: &str) -> ApiResult<()> {
    let tenant = user.tenant.clone();
    let now = Utc::now();
    let event = state.db.write_tx(|c| {
        let mut row = live::lock_chat(c, &tenant.id, id)?.ok_or(ApiError::NotFound)?;
        let party = party_of(user, &row)?;
        if !live::message_exists(c, &row.id, message_id)? {
            return Err(ApiError::invalid(
                "message_id",
                "Messaggio non presente in questa chat",
                "No such message in this chat",
            ));
        }
        let by = match party {
            ChatParty::Citizen => {
                row.citizen_read = Some(message_id.to_owned());
                "citizen"
            }
            ChatParty::Operator { .. } => {
                row.staff_read = Some(message_id.to_owned());
                "staff"
            }
        };
        live::update_chat(c, &row)?;
        realtime::record(
            c,
            &Draft {
                tenant_id: &tenant.id,
                audience: &chat_audience(&tenant.id, &row),
                kind: "chat.read",
                chat_id: Some(&row.id),
                booking_id: row.booking_id.as_deref(),
                data: &serde_json::json!({ "message_id": message_id, "by": by }),
            },
            now,
        )
    })?;
    hub::announce_stored(&state.events, &[event]);
    Ok(())
}

/// A typing cue from a WebSocket: to the other party, not stored.
pub fn typing(state: &AppState, party: &Party, chat_id: &str) -> ApiResult<()> {
    let row = state
        .db
        .read(|c| live::find_chat(c, &party.tenant_id, chat_id))?
        .ok_or(ApiError::NotFound)?;
    let (by, name) = match &party.kind {
        PartyKind::User {
            user_id,
            role,
            office_ids,
            ..
        } => {
            let allowed = if role.is_staff() {
                *role == Role::Admin
                    || row
                        .office_id
                        .as_ref()
                        .is_none_or(|o| office_ids.contains(o))
            } else {
                row.citizen_id.as_deref() == Some(user_id.as_str())
            };
            if !allowed {
                return Err(ApiError::NotFound);
            }
            let name = state
                .db
                .read(|c| users::find(c, &party.tenant_id, user_id))?
                .map(|u| u.full_name())
                .unwrap_or_default();
            (if role.is_staff() { "staff" } else { "citizen" }, name)
        }
        PartyKind::Caller { booking_id } => {
            if row.booking_id.as_deref() != Some(booking_id.as_str()) {
                return Err(ApiError::NotFound);
            }
            ("citizen", row.citizen_name.clone())
        }
    };
    if !row.status.is_open() {
        return Ok(());
    }
    realtime::send_ephemeral(
        state,
        &party.tenant_id,
        &chat_audience(&party.tenant_id, &row),
        &domain::api::RealtimeEvent {
            id: None,
            kind: "chat.typing".into(),
            chat_id: Some(row.id.clone()),
            booking_id: row.booking_id.clone(),
            data: serde_json::json!({ "by": by, "name": name }),
        },
    )
}

// ---- actions -----------------------------------------------------------------------------

fn rome_stamp(t: DateTime<Utc>) -> String {
    domain::agenda::rome_local(t)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// Accept, transfer, close, convert, or ask for the transcript by e-mail.
pub fn act(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &ChatActionRequest,
) -> ApiResult<ChatView> {
    let tenant = user.tenant.clone();
    let now = Utc::now();
    let (view, ids) = state.db.write_tx(|c| {
        let mut row = live::lock_chat(c, &tenant.id, id)?.ok_or(ApiError::NotFound)?;
        let party = party_of(user, &row)?;
        chat::check_action(body.action, row.status, party)?;
        if row.booking_id.is_some() && body.action != ChatAction::EmailTranscript {
            return Err(ApiError::conflict(
                "La chat della videochiamata segue la videochiamata",
                "A video call's chat follows the call",
            ));
        }
        let name = users::find(c, &tenant.id, &user.user_id)?
            .map_or_else(|| user.role.code().to_owned(), |u| u.full_name());
        let before_office = row.office_id.clone();
        let mut ids = Vec::new();
        match body.action {
            ChatAction::Accept => {
                row.assignee_id = Some(user.user_id.clone());
                row.accepted_at = Some(now.naive_utc());
                ids.push(desk_note(c, &tenant, &row, format!("{name} ha accettato la chat"), now)?);
            }
            ChatAction::Transfer => {
                let office = body
                    .office_id
                    .as_deref()
                    .filter(|o| tenant.directory.offices.contains_key(*o))
                    .ok_or_else(|| {
                        ApiError::invalid("office_id", "Ufficio sconosciuto", "Unknown office")
                    })?;
                if Some(office) == row.office_id.as_deref() {
                    return Err(ApiError::invalid(
                        "office_id",
                        "La chat è già di questo ufficio",
                        "The chat is already this office's",
                    ));
                }
                row.office_id = Some(office.to_owned());
                row.assignee_id = None;
                let office_name = tenant.directory.offices.get(office).cloned().unwrap_or_default();
                ids.push(desk_note(c, &tenant, &row, format!("Chat trasferita all'ufficio {office_name}"), now)?);
            }
            ChatAction::Close => {
                row.closed_at = Some(now.naive_utc());
                ids.push(desk_note(c, &tenant, &row, "Chat chiusa".to_owned(), now)?);
            }
            ChatAction::Convert => {
                let request = convert(c, &tenant, user, &row, body, now)?;
                row.request_id = Some(request.id.clone());
                row.closed_at = Some(now.naive_utc());
                ids.push(desk_note(
                    c,
                    &tenant,
                    &row,
                    format!("Chat convertita nella pratica {}", request.protocol_number),
                    now,
                )?);
            }
            ChatAction::EmailTranscript => {
                notify::enqueue(c, &tenant.id, &Notice::ChatTranscript { chat_id: row.id.clone() })?;
            }
        }
        row.status = chat::status_after(body.action, row.status);
        row.updated_at = now.naive_utc();
        live::update_chat(c, &row)?;
        if body.action != ChatAction::EmailTranscript {
            let queues = [before_office.as_deref(), row.office_id.as_deref()];
            ids.extend(record_updated(c, &tenant, &row, &queues, now)?);
        }
        if user.is_staff() {
            Audit {
                tenant_id: &tenant.id,
                actor_id: Some(&user.user_id),
                action: match body.action {
                    ChatAction::Accept => "chat.accept",
                    ChatAction::Transfer => "chat.transfer",
                    ChatAction::Close => "chat.close",
                    ChatAction::Convert => "chat.convert",
                    ChatAction::EmailTranscript => "chat.transcript",
                },
                entity: "chat",
                entity_id: Some(&row.id),
            }
            .record(
                c,
                None::<&()>,
                Some(&serde_json::json!({ "office_id": row.office_id, "request_id": row.request_id })),
            )?;
        }
        Ok::<_, ApiError>((view(c, &tenant, &row, true, None)?, ids))
    })?;
    hub::announce_stored(&state.events, &ids);
    Ok(view)
}

/// Files the request a chat becomes: received when the chat started (its TQRIF clock),
/// with every message of the transcript, in order, as its thread, and every file.
fn convert(
    c: &mut DbConn,
    tenant: &TenantCtx,
    user: &AuthUser,
    row: &ChatRow,
    body: &ChatActionRequest,
    now: DateTime<Utc>,
) -> ApiResult<crate::db::models::RequestRow> {
    let citizen_id = row.citizen_id.clone().ok_or_else(|| {
        ApiError::conflict("La chat non ha un cittadino", "The chat has no citizen")
    })?;
    let code = body.type_code.clone().unwrap_or_else(|| row.topic.clone());
    let kind_type = tenant
        .directory
        .request_type(&code)
        .filter(|t| t.active)
        .or_else(|| {
            tenant
                .directory
                .types
                .iter()
                .find(|t| t.active && t.kind == RequestKind::Informazioni)
        })
        .ok_or_else(|| {
            ApiError::invalid(
                "type",
                "Tipo di richiesta sconosciuto",
                "Unknown request type",
            )
        })?
        .clone();
    if body.type_code.is_some() && kind_type.code != code {
        return Err(ApiError::invalid(
            "type",
            "Tipo di richiesta sconosciuto",
            "Unknown request type",
        ));
    }
    let started = row.started_at.and_utc();
    let subject = match body
        .subject
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => domain::types::Subject::parse(s)
            .map_err(|e| e.at_field("subject"))?
            .into_inner(),
        None => format!("Chat del {} — {}", rome_stamp(started), row.topic_name),
    };
    let email = match &row.citizen_id {
        Some(id) => users::find(c, &tenant.id, id)?.and_then(|u| u.email),
        None => None,
    };
    let request = store_request(
        c,
        tenant,
        NewRequest {
            type_code: kind_type.code.clone(),
            kind: kind_type.kind,
            channel: Channel::Portal,
            citizen_id,
            utenza_id: None,
            contact_email: email,
            subject,
            description: format!(
                "Richiesta nata dalla chat con lo sportello del {} (argomento: {}). La trascrizione è nella conversazione.",
                rome_stamp(started),
                row.topic_name
            ),
            fields: "{}".into(),
            received_at: started,
            created_by: Some(user.user_id.clone()),
            sender_unverified: false,
        },
        now,
    )?;
    let files = live::attachments(c, &row.id)?;
    for m in live::messages(c, &row.id)? {
        let (role, name) = match (m.author_role, &m.author_name) {
            (Some(r), Some(n)) => (r, n.clone()),
            (Some(r), None) => (r, String::new()),
            (None, _) => (Role::System, "Sportello".to_owned()),
        };
        let message_id = new_id();
        requests::insert_message(
            c,
            &MessageRow {
                id: message_id.clone(),
                tenant_id: tenant.id.clone(),
                request_id: request.id.clone(),
                author_id: m.author_id.clone(),
                author_role: role,
                author_name: name,
                body: format!("[chat {}] {}", rome_stamp(m.created_at.and_utc()), m.body),
                internal: false,
                created_at: m.created_at,
            },
        )?;
        // The files keep their stored object: the request's attachment points at it too.
        for a in files.iter().filter(|a| a.message_id == m.id) {
            requests::insert_attachment(
                c,
                &AttachmentRow {
                    id: new_id(),
                    tenant_id: tenant.id.clone(),
                    request_id: request.id.clone(),
                    message_id: Some(message_id.clone()),
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    size: a.size,
                    storage_key: a.storage_key.clone(),
                    sha256: a.sha256.clone(),
                    uploaded_by: a.uploaded_by.clone(),
                    created_at: a.created_at,
                },
            )?;
        }
    }
    notify::enqueue(
        c,
        &tenant.id,
        &Notice::RequestFiled {
            request_id: request.id.clone(),
        },
    )?;
    Ok(request)
}

/// The transcript as mail paragraphs: `[03/12/2026 10:02] Mario Rossi: text`.
pub fn transcript_lines(c: &mut DbConn, chat_id: &str) -> ApiResult<Vec<String>> {
    Ok(live::messages(c, chat_id)?
        .into_iter()
        .map(|m| {
            let who = m.author_name.unwrap_or_else(|| "Sportello".into());
            format!("[{}] {who}: {}", rome_stamp(m.created_at.and_utc()), m.body)
        })
        .collect())
}
