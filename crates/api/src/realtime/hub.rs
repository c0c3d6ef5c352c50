//! This process's live connections, by audience, and the fan-out of events to them.
//!
//! Every event reaches the hubs of all processes through the event bus ([`Events`]):
//! stored events as their id (each hub loads the row), ephemeral ones (typing, call
//! signals) inline. A hub hands each event once to every connection of its audience.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use domain::api::RealtimeEvent;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};

use crate::db::models::RealtimeEventRow;
use crate::events::{Events, MAX_PAYLOAD};

/// The bus topic of live events.
pub const TOPIC: &str = "realtime";
/// Frames waiting for one connection before it counts as stuck and misses events (it can
/// resume from the last id it saw).
const QUEUE: usize = 256;

/// What crosses processes on the bus.
#[derive(Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub(crate) enum Wire {
    /// A row of `realtime_events`.
    Stored { id: i64 },
    /// Not stored: delivered to whoever is connected now.
    Inline {
        tenant: String,
        audience: Vec<String>,
        event: RealtimeEvent,
    },
}

/// What a connection is handed: an event to send (already serialized), or word that its
/// account's session changed (check it may stay open).
#[derive(Debug, Clone)]
pub enum Frame {
    Text(Arc<str>),
    SessionChanged,
}

/// One connection's mailbox.
pub type Outbox = mpsc::Receiver<Frame>;

#[derive(Default)]
struct Registry {
    by_audience: HashMap<String, HashMap<u64, mpsc::Sender<Frame>>>,
}

pub struct Hub {
    /// This process, for the presence rows.
    pub node: String,
    next: AtomicU64,
    open: AtomicUsize,
    registry: RwLock<Registry>,
    closing: watch::Sender<bool>,
    /// Open connections per staff member, for their presence row.
    staff: std::sync::Mutex<HashMap<String, usize>>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("node", &self.node)
            .field("open", &self.open.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            node: crate::db::repo::new_id(),
            next: AtomicU64::new(1),
            open: AtomicUsize::new(0),
            registry: RwLock::default(),
            closing: watch::channel(false).0,
            staff: std::sync::Mutex::default(),
        }
    }
}

/// A registered connection; unregisters itself when dropped.
pub struct Registration {
    hub: Arc<Hub>,
    id: u64,
    audiences: Vec<String>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.open.fetch_sub(1, Ordering::Relaxed);
        let Ok(mut reg) = self.hub.registry.write() else {
            return;
        };
        for a in &self.audiences {
            if let Some(m) = reg.by_audience.get_mut(a) {
                m.remove(&self.id);
                if m.is_empty() {
                    reg.by_audience.remove(a);
                }
            }
        }
    }
}

impl Hub {
    /// Registers a connection for `audiences` (tenant-qualified keys, see
    /// [`super::audience`]).
    pub fn register(self: &Arc<Self>, audiences: Vec<String>) -> (Registration, Outbox) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(QUEUE);
        if let Ok(mut reg) = self.registry.write() {
            for a in &audiences {
                reg.by_audience
                    .entry(a.clone())
                    .or_default()
                    .insert(id, tx.clone());
            }
        }
        self.open.fetch_add(1, Ordering::Relaxed);
        (
            Registration {
                hub: self.clone(),
                id,
                audiences,
            },
            rx,
        )
    }

    /// A staff member's connection opened here (always true: they are online).
    pub fn staff_joined(&self, user_id: &str) -> bool {
        if let Ok(mut m) = self.staff.lock() {
            *m.entry(user_id.to_owned()).or_default() += 1;
        }
        true
    }

    /// One closed: whether they still have another here.
    pub fn staff_left(&self, user_id: &str) -> bool {
        let Ok(mut m) = self.staff.lock() else {
            return false;
        };
        let n = m.get(user_id).copied().unwrap_or(1).saturating_sub(1);
        if n == 0 {
            m.remove(user_id);
        } else {
            m.insert(user_id.to_owned(), n);
        }
        n > 0
    }

    /// Connections open on this process.
    pub fn open_connections(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Hands `event` to every local connection of any of `audiences`, once each.
    pub fn deliver(&self, audiences: &[String], event: &RealtimeEvent) {
        let Ok(text) = serde_json::to_string(event) else {
            return;
        };
        self.hand(audiences, &Frame::Text(text.into()));
    }

    /// Tells every local connection of the account that its session changed.
    pub fn session_changed(&self, user_id: &str) {
        self.hand(&[super::audience::session(user_id)], &Frame::SessionChanged);
    }

    fn hand(&self, audiences: &[String], frame: &Frame) {
        let Ok(reg) = self.registry.read() else {
            return;
        };
        let mut done = HashSet::new();
        for a in audiences {
            for (id, tx) in reg.by_audience.get(a).into_iter().flatten() {
                if done.insert(*id) && tx.try_send(frame.clone()).is_err() {
                    tracing::debug!(connection = id, "live connection too slow: event dropped");
                }
            }
        }
    }

    /// Tells every connection to close (1001, going away): the process is stopping.
    pub fn shut_down(&self) {
        let _ = self.closing.send(true);
    }

    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }
}

/// The event a stored row carries.
pub fn stored_event(row: &RealtimeEventRow) -> RealtimeEvent {
    RealtimeEvent {
        id: Some(row.id),
        kind: row.kind.clone(),
        chat_id: row.chat_id.clone(),
        booking_id: row.booking_id.clone(),
        data: serde_json::from_str(&row.data).unwrap_or(serde_json::Value::Null),
    }
}

/// Announces stored events (after their transaction committed) to every process: the
/// event itself when it fits in a notification (no process reads it back), else its id.
pub fn announce_stored(events: &Events, recorded: &[super::Recorded]) {
    for r in recorded {
        if announce_inline(events, &r.tenant_id, &r.audience, &r.event).is_some() {
            continue;
        }
        if let Some(id) = r.event.id
            && let Ok(p) = serde_json::to_string(&Wire::Stored { id })
        {
            events.publish(TOPIC, &p);
        }
    }
}

/// Sends an ephemeral event to every process, or `None` if it is too large for the bus
/// (the caller then stores it).
pub fn announce_inline(
    events: &Events,
    tenant: &str,
    audience: &[String],
    event: &RealtimeEvent,
) -> Option<()> {
    let p = serde_json::to_string(&Wire::Inline {
        tenant: tenant.to_owned(),
        audience: audience.to_vec(),
        event: event.clone(),
    })
    .ok()?;
    (p.len() <= MAX_PAYLOAD).then(|| events.publish(TOPIC, &p))
}
