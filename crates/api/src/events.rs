//! A small publish/subscribe bus for "something changed" events that every process of an
//! installation must hear: cache invalidations today, live updates later.
//!
//! Embedded (SQLite, one process): an in-process broadcast. Scale-out (PostgreSQL): the
//! same broadcast, plus `NOTIFY` on one channel so the other processes hear it; each
//! process keeps one dedicated `LISTEN` connection on a thread of its own and forwards what
//! the others publish into its broadcast. No extra broker.
//!
//! Delivery is at most once and only to processes that are listening: a consumer that must
//! not miss a change (a cache) also bounds how long it trusts what it holds, and drops
//! everything when the listener reconnects ([`Event::is_resync`]).

use std::sync::{Arc, Weak};
use std::thread;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// The PostgreSQL channel every process listens on.
const CHANNEL: &str = "sportello_events";
/// Largest payload `NOTIFY` carries (PostgreSQL's limit is 8000 bytes with the envelope).
pub const MAX_PAYLOAD: usize = 7000;
/// How often the listener looks for notifications (a non-blocking read of the socket): the
/// most a live chat message waits here on its way to another process (BENCHMARKS.md).
const POLL: Duration = Duration::from_millis(5);
/// How often the listener checks that its connection is still alive.
const PING: Duration = Duration::from_secs(10);
/// Topic of the event sent to local subscribers after the listener (re)connected: what
/// was published meanwhile may have been missed.
const RESYNC: &str = "events.resync";

/// One event: a topic (`session`, `tenant`, …) and a short text payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub topic: String,
    pub payload: String,
}

impl Event {
    /// True for the event that tells subscribers they may have missed others.
    pub fn is_resync(&self) -> bool {
        self.topic == RESYNC
    }
}

/// What crosses processes: the event and who sent it (a process ignores its own).
#[derive(Serialize, Deserialize)]
struct Envelope {
    node: String,
    #[serde(flatten)]
    event: Event,
}

struct Inner {
    local: broadcast::Sender<Event>,
    node: String,
    remote: Option<Remote>,
}

struct Remote {
    url: String,
    /// Publishing connection, opened on first use and reopened after an error.
    conn: std::sync::Mutex<Option<PgConnection>>,
}

/// The bus of one process. Cheap to clone.
#[derive(Clone)]
pub struct Events {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("node", &self.inner.node)
            .field("cross_process", &self.inner.remote.is_some())
            .finish()
    }
}

impl Events {
    /// In-process only (SQLite installations, tools, tests).
    pub fn local() -> Self {
        Self::with_remote(None)
    }

    /// In-process and across every process using the PostgreSQL database at `url`. The
    /// listener thread ends when the last clone of the bus is dropped.
    pub fn postgres(url: &str) -> Self {
        let events = Self::with_remote(Some(Remote {
            url: url.to_owned(),
            conn: std::sync::Mutex::new(None),
        }));
        let weak = Arc::downgrade(&events.inner);
        let url = url.to_owned();
        let started = thread::Builder::new()
            .name("events-listen".into())
            .spawn(move || listen(&url, &weak));
        if let Err(e) = started {
            tracing::error!(error = %e, "cannot start the event listener");
        }
        events
    }

    /// Publishes to the processes on the PostgreSQL database at `url` without listening:
    /// for a command-line run that changes what servers cache.
    pub fn publisher(url: &str) -> Self {
        Self::with_remote(Some(Remote {
            url: url.to_owned(),
            conn: std::sync::Mutex::new(None),
        }))
    }

    fn with_remote(remote: Option<Remote>) -> Self {
        let (local, _) = broadcast::channel(1024);
        Self {
            inner: Arc::new(Inner {
                local,
                node: crate::db::repo::new_id(),
                remote,
            }),
        }
    }

    /// Delivers the event to this process's subscribers at once and, on PostgreSQL, to the
    /// other processes. Call it after the change is committed. A payload longer than
    /// [`MAX_PAYLOAD`] is cut (publish ids, not documents).
    pub fn publish(&self, topic: &str, payload: &str) {
        let mut payload = payload.to_owned();
        if payload.len() > MAX_PAYLOAD {
            let mut end = MAX_PAYLOAD;
            while !payload.is_char_boundary(end) {
                end -= 1;
            }
            payload.truncate(end);
        }
        let event = Event {
            topic: topic.to_owned(),
            payload,
        };
        // No subscriber is not an error.
        let _ = self.inner.local.send(event.clone());
        if let Some(remote) = &self.inner.remote {
            let envelope = Envelope {
                node: self.inner.node.clone(),
                event,
            };
            remote.notify(&serde_json::to_string(&envelope).unwrap_or_default());
        }
    }

    /// Every event published from now on, by this process or (PostgreSQL) any other.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.local.subscribe()
    }
}

impl Remote {
    fn notify(&self, text: &str) {
        let Ok(mut guard) = self.conn.lock() else {
            return;
        };
        for attempt in 0..2 {
            if guard.is_none() {
                match PgConnection::establish(&self.url) {
                    Ok(c) => *guard = Some(c),
                    Err(e) => {
                        tracing::warn!(error = %e, "event bus: cannot connect to publish");
                        return;
                    }
                }
            }
            let Some(conn) = guard.as_mut() else { return };
            let sent = diesel::sql_query("SELECT pg_notify($1, $2)")
                .bind::<diesel::sql_types::Text, _>(CHANNEL)
                .bind::<diesel::sql_types::Text, _>(text)
                .execute(conn);
            match sent {
                Ok(_) => return,
                Err(e) => {
                    // A broken connection: reopen it once and try again.
                    *guard = None;
                    if attempt == 1 {
                        tracing::warn!(error = %e, "event bus: publish failed");
                    }
                }
            }
        }
    }
}

/// The listener thread: LISTEN, forward what other processes publish, reconnect on errors.
fn listen(url: &str, weak: &Weak<Inner>) {
    let mut backoff = Duration::from_millis(200);
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let node = inner.node.clone();
        drop(inner);
        let mut conn = match PgConnection::establish(url)
            .map_err(|e| e.to_string())
            .and_then(|mut c| {
                diesel::sql_query(format!("LISTEN {CHANNEL}"))
                    .execute(&mut c)
                    .map(|_| c)
                    .map_err(|e| e.to_string())
            }) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "event bus: cannot listen, retrying");
                thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        backoff = Duration::from_millis(200);
        // Anything published while we were not listening is lost: tell subscribers.
        if let Some(inner) = weak.upgrade() {
            let _ = inner.local.send(Event {
                topic: RESYNC.into(),
                payload: String::new(),
            });
        }
        let mut last_ping = Instant::now();
        'connected: loop {
            let Some(inner) = weak.upgrade() else { return };
            for n in conn.notifications_iter() {
                let n = match n {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!(error = %e, "event bus: listener connection lost");
                        break 'connected;
                    }
                };
                match serde_json::from_str::<Envelope>(&n.payload) {
                    Ok(env) if env.node != node => {
                        let _ = inner.local.send(env.event);
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "event bus: unreadable notification"),
                }
            }
            drop(inner);
            if last_ping.elapsed() >= PING {
                if diesel::sql_query("SELECT 1").execute(&mut conn).is_err() {
                    tracing::warn!("event bus: listener connection lost");
                    break 'connected;
                }
                last_ping = Instant::now();
            }
            thread::sleep(POLL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_subscribers_get_what_is_published() {
        let bus = Events::local();
        let mut rx = bus.subscribe();
        bus.publish("session", "u1");
        bus.publish("tenant", &"x".repeat(MAX_PAYLOAD + 10));
        assert_eq!(
            rx.try_recv().unwrap(),
            Event {
                topic: "session".into(),
                payload: "u1".into()
            }
        );
        assert_eq!(rx.try_recv().unwrap().payload.len(), MAX_PAYLOAD);
    }
}
