//! One WebSocket connection: what it may hear (its audiences), what it may say (typing,
//! call signals, resume), heartbeats, a rate and size limit, and a clean close.

use std::time::{Duration, Instant};

use actix_ws::{AggregatedMessage, CloseCode, CloseReason, Session};
use chrono::Utc;
use domain::Role;
use domain::api::RealtimeEvent;
use domain::chat::{FRAME_BURST, FRAMES_PER_SECOND, MAX_FRAME_BYTES};
use serde::Deserialize;

use super::audience;
use super::hub::Frame;
use super::tickets::{Party, PartyKind};
use crate::db::repo::live;
use crate::error::{ApiError, blocking};
use crate::services::live as services;
use crate::state::AppState;
use actix_web::web;

/// How often the server pings, and refreshes a staff member's presence.
const HEARTBEAT: Duration = Duration::from_secs(20);
/// A connection silent this long is gone.
const SILENCE: Duration = Duration::from_secs(60);
/// Resume replays at most this many events, from at most this far back.
const RESUME_LIMIT: i64 = 500;
const RESUME_HOURS: i64 = 24;

/// What a client sends.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientFrame {
    Ping,
    Resume {
        after: i64,
    },
    Typing {
        chat_id: String,
    },
    Signal {
        booking_id: String,
        signal: serde_json::Value,
    },
}

impl Party {
    /// The keys this connection hears.
    pub fn audiences(&self) -> Vec<String> {
        let t = &self.tenant_id;
        match &self.kind {
            PartyKind::User {
                user_id,
                role,
                office_ids,
                ..
            } => {
                let mut a = vec![audience::user(t, user_id), audience::session(user_id)];
                if *role == Role::Admin {
                    a.push(audience::admins(t));
                }
                if role.is_staff() {
                    a.extend(office_ids.iter().map(|o| audience::office(t, o)));
                }
                a
            }
            PartyKind::Caller { booking_id } => vec![audience::caller(t, booking_id)],
        }
    }

    fn staff_id(&self) -> Option<&str> {
        match &self.kind {
            PartyKind::User { user_id, role, .. } if role.is_staff() => Some(user_id),
            _ => None,
        }
    }
}

/// Token bucket: [`FRAMES_PER_SECOND`] on average, bursts of [`FRAME_BURST`].
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn new() -> Self {
        Self {
            tokens: f64::from(FRAME_BURST),
            at: Instant::now(),
        }
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.at).as_secs_f64() * f64::from(FRAMES_PER_SECOND);
        self.tokens = (self.tokens + refill).min(f64::from(FRAME_BURST));
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

fn event(kind: &str, data: serde_json::Value) -> RealtimeEvent {
    RealtimeEvent {
        id: None,
        kind: kind.into(),
        chat_id: None,
        booking_id: None,
        data,
    }
}

async fn send(session: &mut Session, e: &RealtimeEvent) -> bool {
    match serde_json::to_string(e) {
        Ok(t) => session.text(t).await.is_ok(),
        Err(_) => true,
    }
}

fn reason(code: CloseCode, text: &str) -> CloseReason {
    CloseReason {
        code,
        description: Some(text.into()),
    }
}

/// Serves the connection until either side closes it.
pub async fn run(
    state: web::Data<AppState>,
    party: Party,
    mut session: Session,
    stream: actix_ws::MessageStream,
) {
    let mut stream = stream
        .max_frame_size(MAX_FRAME_BYTES)
        .aggregate_continuations()
        .max_continuation_size(MAX_FRAME_BYTES);
    let audiences = party.audiences();
    let (registration, mut outbox) = state.realtime.register(audiences.clone());
    let mut closing = state.realtime.closing();
    let staff = party.staff_id().map(str::to_owned);
    if let Some(id) = &staff {
        presence(&state, &party, id, Presence::Join).await;
    }
    let hello = match &party.kind {
        PartyKind::User { user_id, .. } => serde_json::json!({ "user_id": user_id }),
        PartyKind::Caller { booking_id } => serde_json::json!({ "booking_id": booking_id }),
    };
    let mut close = None;
    if send(&mut session, &event("hello", hello)).await {
        close = serve(
            &state,
            &party,
            &audiences,
            &mut session,
            &mut stream,
            &mut outbox,
            &mut closing,
        )
        .await;
    }
    drop(registration);
    if let Some(id) = &staff {
        presence(&state, &party, id, Presence::Leave).await;
    }
    let _ = session.close(close).await;
}

#[allow(clippy::too_many_arguments)]
async fn serve(
    state: &web::Data<AppState>,
    party: &Party,
    audiences: &[String],
    session: &mut Session,
    stream: &mut actix_ws::AggregatedMessageStream,
    outbox: &mut super::hub::Outbox,
    closing: &mut tokio::sync::watch::Receiver<bool>,
) -> Option<CloseReason> {
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    let mut heard = Instant::now();
    let mut bucket = Bucket::new();
    loop {
        tokio::select! {
            msg = stream.recv() => {
                heard = Instant::now();
                match msg {
                    Some(Ok(AggregatedMessage::Text(text))) => {
                        if !bucket.take() {
                            return Some(reason(CloseCode::Policy, "too many frames"));
                        }
                        let reply = handle(state, party, audiences, &text).await;
                        for e in reply {
                            if !send(session, &e).await {
                                return None;
                            }
                        }
                    }
                    Some(Ok(AggregatedMessage::Ping(b))) => {
                        if session.pong(&b).await.is_err() {
                            return None;
                        }
                    }
                    Some(Ok(AggregatedMessage::Pong(_))) => {}
                    Some(Ok(AggregatedMessage::Binary(_))) => {
                        return Some(reason(CloseCode::Unsupported, "text frames only"));
                    }
                    Some(Ok(AggregatedMessage::Close(_))) | None => return None,
                    Some(Err(e)) => {
                        tracing::debug!(error = %e, "live connection: protocol error");
                        return Some(reason(CloseCode::Size, "frame too large or malformed"));
                    }
                }
            }
            frame = outbox.recv() => {
                match frame? {
                    Frame::Text(text) => {
                        if session.text(text.to_string()).await.is_err() {
                            return None;
                        }
                    }
                    Frame::SessionChanged => {
                        if !still_signed_in(state, party).await {
                            return Some(reason(CloseCode::Policy, "session ended"));
                        }
                    }
                }
            }
            _ = heartbeat.tick() => {
                if heard.elapsed() > SILENCE {
                    return Some(reason(CloseCode::Normal, "silent too long"));
                }
                if session.ping(b"").await.is_err() {
                    return None;
                }
                if let Some(id) = party.staff_id() {
                    presence(state, party, id, Presence::Beat).await;
                }
            }
            _ = closing.changed() => {
                return Some(reason(CloseCode::Away, "server restarting"));
            }
        }
    }
}

/// Answers one client frame: the frames to send back on this connection.
async fn handle(
    state: &web::Data<AppState>,
    party: &Party,
    audiences: &[String],
    text: &str,
) -> Vec<RealtimeEvent> {
    let frame = match serde_json::from_str::<ClientFrame>(text) {
        Ok(f) => f,
        Err(e) => {
            return vec![event(
                "error",
                serde_json::json!({ "message": format!("unreadable frame: {e}") }),
            )];
        }
    };
    let st = state.clone();
    let p = party.clone();
    let result: Result<Vec<RealtimeEvent>, ApiError> = match frame {
        ClientFrame::Ping => Ok(vec![event("pong", serde_json::Value::Null)]),
        ClientFrame::Resume { after } => {
            let mine = audiences.to_vec();
            blocking(move || {
                let since = (Utc::now() - chrono::Duration::hours(RESUME_HOURS)).naive_utc();
                let rows = st
                    .db
                    .read(|c| live::events_after(c, &p.tenant_id, after, since, RESUME_LIMIT))?;
                Ok(rows
                    .iter()
                    .filter(|r| r.kind != "call.signal")
                    .filter(|r| r.audience.split(' ').any(|a| mine.iter().any(|m| m == a)))
                    .map(super::hub::stored_event)
                    .collect())
            })
            .await
        }
        ClientFrame::Typing { chat_id } => {
            blocking(move || services::chats::typing(&st, &p, &chat_id).map(|()| Vec::new())).await
        }
        ClientFrame::Signal { booking_id, signal } => {
            blocking(move || {
                services::calls::signal(&st, &p, &booking_id, signal).map(|()| Vec::new())
            })
            .await
        }
    };
    result.unwrap_or_else(|e| {
        // The problem document a REST call would have answered, in Italian and English.
        let it = e.problem(domain::Lang::It);
        let en = e.problem(domain::Lang::En);
        vec![event(
            "error",
            serde_json::json!({ "status": it.status, "message": it.detail.unwrap_or(it.title), "message_en": en.detail.unwrap_or(en.title) }),
        )]
    })
}

/// Whether the account behind the connection may still be connected (its session version
/// and rights as they are now).
async fn still_signed_in(state: &web::Data<AppState>, party: &Party) -> bool {
    let PartyKind::User {
        user_id,
        session_version,
        role,
        office_ids,
    } = &party.kind
    else {
        return true;
    };
    match crate::auth::session::current(state, user_id).await {
        Ok(Some(s)) => {
            s.can_sign_in
                && s.version == *session_version
                && s.role == *role
                && s.office_ids == *office_ids
        }
        _ => false,
    }
}

#[derive(Clone, Copy)]
enum Presence {
    Join,
    Beat,
    Leave,
}

/// Marks a staff member online on this process, refreshes it, or (after their last
/// connection here closed) clears it.
async fn presence(state: &web::Data<AppState>, party: &Party, user_id: &str, what: Presence) {
    let st = state.clone();
    let tenant = party.tenant_id.clone();
    let user = user_id.to_owned();
    let node = state.realtime.node.clone();
    let still = match what {
        Presence::Join => state.realtime.staff_joined(user_id),
        Presence::Beat => true,
        Presence::Leave => state.realtime.staff_left(user_id),
    };
    let r = blocking(move || {
        st.db.write_tx(|c| {
            if still {
                live::touch_presence(c, &node, &tenant, &user, Utc::now().naive_utc())
            } else {
                live::drop_presence(c, &node, &user)
            }
        })
    })
    .await;
    if let Err(e) = r {
        tracing::warn!(error = %e, "live connection: presence not stored");
    }
}
