//! The real-time connection (`/api/v1/realtime`): live chat events and video-call
//! signalling over WebSockets, the same on every process (docs/realtime.md).
//!
//! Stored events are written to `realtime_events` in the transaction of the change
//! ([`record`]) and announced after it commits ([`hub::announce_stored`]): whole on the
//! bus when they fit, else by id; each process's dispatcher ([`spawn_dispatcher`]) hands
//! them to its own connections (loading the row when only the id came).

pub mod connection;
pub mod hub;
pub mod tickets;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::api::RealtimeEvent;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::models::NewRealtimeEvent;
use crate::db::repo::live;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
pub use hub::Hub;

/// Who receives an event: tenant-qualified keys a connection registers under.
pub mod audience {
    pub fn user(tenant: &str, id: &str) -> String {
        format!("{tenant}:user:{id}")
    }
    pub fn office(tenant: &str, id: &str) -> String {
        format!("{tenant}:office:{id}")
    }
    /// Administrators, who see every office.
    pub fn admins(tenant: &str) -> String {
        format!("{tenant}:admins")
    }
    /// The citizen's side of a video call (a connection opened with the link's code).
    pub fn caller(tenant: &str, booking_id: &str) -> String {
        format!("{tenant}:caller:{booking_id}")
    }
    /// Every connection of an account, whatever the tenant: told when its session changes.
    pub fn session(user_id: &str) -> String {
        format!("session:{user_id}")
    }
}

/// A stored event in the making: written with [`record`] inside the transaction.
pub struct Draft<'a, T: Serialize> {
    pub tenant_id: &'a str,
    pub audience: &'a [String],
    pub kind: &'a str,
    pub chat_id: Option<&'a str>,
    pub booking_id: Option<&'a str>,
    pub data: &'a T,
}

/// A stored event, to announce with [`hub::announce_stored`] once its transaction has
/// committed.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub tenant_id: String,
    pub audience: Vec<String>,
    pub event: RealtimeEvent,
}

/// Stores the event in the caller's transaction.
pub fn record<T: Serialize>(
    c: &mut DbConn,
    draft: &Draft<'_, T>,
    now: DateTime<Utc>,
) -> ApiResult<Recorded> {
    let value = serde_json::to_value(draft.data).map_err(|e| ApiError::Internal(e.into()))?;
    let id = live::insert_event(
        c,
        &NewRealtimeEvent {
            tenant_id: draft.tenant_id.to_owned(),
            audience: draft.audience.join(" "),
            kind: draft.kind.to_owned(),
            chat_id: draft.chat_id.map(str::to_owned),
            booking_id: draft.booking_id.map(str::to_owned),
            data: value.to_string(),
            created_at: now.naive_utc(),
        },
    )?;
    Ok(Recorded {
        tenant_id: draft.tenant_id.to_owned(),
        audience: draft.audience.to_vec(),
        event: RealtimeEvent {
            id: Some(id),
            kind: draft.kind.to_owned(),
            chat_id: draft.chat_id.map(str::to_owned),
            booking_id: draft.booking_id.map(str::to_owned),
            data: value,
        },
    })
}

/// Sends an ephemeral event (typing, a call signal) to its audience on every process; one
/// too large for the bus is stored and announced instead.
pub fn send_ephemeral(
    state: &AppState,
    tenant_id: &str,
    audience: &[String],
    event: &RealtimeEvent,
) -> ApiResult<()> {
    if hub::announce_inline(&state.events, tenant_id, audience, event).is_some() {
        return Ok(());
    }
    let recorded = state.db.write_tx(|c| {
        record(
            c,
            &Draft {
                tenant_id,
                audience,
                kind: &event.kind,
                chat_id: event.chat_id.as_deref(),
                booking_id: event.booking_id.as_deref(),
                data: &event.data,
            },
            Utc::now(),
        )
    })?;
    hub::announce_stored(&state.events, &[recorded]);
    Ok(())
}

/// Hands what the bus carries to this process's connections: live events, and session
/// changes (each connection of that account checks it may stay open).
pub fn spawn_dispatcher(state: actix_web::web::Data<AppState>) -> tokio::task::JoinHandle<()> {
    use tokio::sync::broadcast::error::RecvError;
    let mut rx = state.events.subscribe();
    tokio::spawn(async move {
        loop {
            let event = match rx.recv().await {
                Ok(e) => e,
                Err(RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "live events: dispatcher lagged");
                    continue;
                }
                Err(RecvError::Closed) => return,
            };
            if event.topic == crate::auth::session::TOPIC {
                state.realtime.session_changed(&event.payload);
                continue;
            }
            if event.topic != hub::TOPIC {
                continue;
            }
            match serde_json::from_str::<hub::Wire>(&event.payload) {
                Ok(hub::Wire::Inline {
                    tenant,
                    audience,
                    event,
                }) => {
                    // Keys are tenant-qualified: a forged tenant reaches nobody else's.
                    if audience
                        .iter()
                        .all(|a| a.starts_with(&format!("{tenant}:")))
                    {
                        state.realtime.deliver(&audience, &event);
                    }
                }
                Ok(hub::Wire::Stored { id }) => {
                    let st = state.clone();
                    let row =
                        crate::error::blocking(move || st.db.read(|c| live::find_event(c, id)))
                            .await;
                    match row {
                        Ok(Some(row)) => {
                            let audience: Vec<String> =
                                row.audience.split(' ').map(str::to_owned).collect();
                            state.realtime.deliver(&audience, &hub::stored_event(&row));
                        }
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e, "live events: cannot load one"),
                    }
                }
                Err(e) => tracing::warn!(error = %e, "live events: unreadable"),
            }
        }
    })
}

/// The process's hub, shared by the dispatcher and the connections.
pub type SharedHub = Arc<Hub>;

/// Drops expired tickets, stale presence rows (a process that died) and events older than
/// a resume can ask for.
pub async fn sweep(state: &AppState) {
    let db = state.db.clone();
    let r = tokio::task::spawn_blocking(move || {
        let now = Utc::now();
        db.write_tx(|c| {
            live::sweep_tickets(c, now.naive_utc())?;
            live::sweep_presence(c, (now - chrono::Duration::minutes(5)).naive_utc())?;
            live::sweep_events(c, (now - chrono::Duration::hours(25)).naive_utc())?;
            Ok::<_, ApiError>(())
        })
    })
    .await;
    if let Ok(Err(e)) = r {
        tracing::warn!(error = %e, "live: sweep failed");
    }
}
