//! The real-time connection (`docs/realtime.md`): one WebSocket carrying the server's
//! [`RealtimeEvent`]s (chat messages, typing, queue changes, call signalling) and the
//! client's frames. It reconnects by itself with a growing delay and a fresh single-use
//! ticket, then asks the server to replay what was missed (`resume` after the last stored
//! event's id). The browser answers the server's pings.
//!
//! ```ignore
//! let rt = Realtime::connect(move |ev| if ev.kind == "chat.message" { /* … */ });
//! rt.close_on_cleanup();
//! rt.send(&serde_json::json!({"type": "typing", "chat_id": id}));
//! ```

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use domain::api::{RealtimeEvent, RealtimeTicket};
use futures::FutureExt;
use futures::future::LocalBoxFuture;
use gloo_net::http::Method;
use leptos::prelude::{StoredValue, WithValue, on_cleanup, set_timeout};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::api::{self, ApiError, ApiResult};

/// Reconnection delays: the first retry after `BACKOFF_MS`, doubling up to `MAX_BACKOFF_MS`.
const BACKOFF_MS: u64 = 1000;
const MAX_BACKOFF_MS: u64 = 30_000;
/// Our own close (page left): the server sees a normal closure and we do not reconnect.
const NORMAL_CLOSURE: u16 = 1000;

/// Where new tickets come from on each (re)connection.
pub type TicketSource = Rc<dyn Fn() -> LocalBoxFuture<'static, ApiResult<RealtimeTicket>>>;

/// `POST /realtime/tickets`: a ticket for the signed-in user.
pub async fn ticket() -> ApiResult<RealtimeTicket> {
    api::call(Method::POST, "/realtime/tickets", api::Body::Empty).await
}

/// A live connection; clones share it. Dropping it does not close it: call [`close`]
/// or [`close_on_cleanup`].
///
/// [`close`]: Realtime::close
/// [`close_on_cleanup`]: Realtime::close_on_cleanup
#[derive(Clone)]
pub struct Realtime(Rc<Inner>);

struct Inner {
    next_ticket: TicketSource,
    on_event: Box<dyn Fn(RealtimeEvent)>,
    socket: RefCell<Option<Socket>>,
    /// The last stored event's id, for `resume`.
    last_id: Cell<Option<i64>>,
    /// Failed attempts since the last open connection (the backoff's exponent).
    failures: Cell<u32>,
    closed: Cell<bool>,
}

/// The socket and the handlers it calls (kept alive as long as the socket is current).
struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Realtime {
    /// Connects as the signed-in user, with tickets from `POST /realtime/tickets`.
    /// `on_event` gets every event, `hello` included (a second `hello` means the
    /// connection was re-established; missed stored events follow it).
    pub fn connect(on_event: impl Fn(RealtimeEvent) + 'static) -> Self {
        Self::with_tickets(None, Rc::new(|| ticket().boxed_local()), on_event)
    }

    /// Connects with `first` if given (e.g. the ticket of a video call's join), asking
    /// `next_ticket` for each later connection.
    pub fn with_tickets(
        first: Option<RealtimeTicket>,
        next_ticket: TicketSource,
        on_event: impl Fn(RealtimeEvent) + 'static,
    ) -> Self {
        let rt = Self(Rc::new(Inner {
            next_ticket,
            on_event: Box::new(on_event),
            socket: RefCell::new(None),
            last_id: Cell::new(None),
            failures: Cell::new(0),
            closed: Cell::new(false),
        }));
        match first {
            Some(t) => rt.open(&t),
            None => rt.reconnect_now(),
        }
        rt
    }

    /// Sends a client frame (`typing`, `signal`, …) as JSON. False when not connected at
    /// the moment (the frame is dropped: typing and signals are worth nothing late).
    pub fn send(&self, frame: &serde_json::Value) -> bool {
        let socket = self.0.socket.borrow();
        socket.as_ref().is_some_and(|s| {
            s.ws.ready_state() == WebSocket::OPEN && s.ws.send_with_str(&frame.to_string()).is_ok()
        })
    }

    /// Closes the connection for good (no reconnection).
    pub fn close(&self) {
        self.0.closed.set(true);
        if let Some(s) = self.0.socket.borrow_mut().take() {
            s.ws.set_onclose(None);
            s.ws.set_onmessage(None);
            s.ws.set_onopen(None);
            let _ = s.ws.close_with_code(NORMAL_CLOSURE);
            // Possibly called from one of its own handlers: drop them after it returns.
            set_timeout(move || drop(s), Duration::ZERO);
        }
    }

    /// Closes the connection when the current reactive owner (the page) goes away.
    pub fn close_on_cleanup(&self) {
        let me = StoredValue::new_local(self.clone());
        on_cleanup(move || me.with_value(Realtime::close));
    }

    fn open(&self, ticket: &RealtimeTicket) {
        if self.0.closed.get() {
            return;
        }
        let Ok(ws) = WebSocket::new(&socket_url(&ticket.url)) else {
            self.retry_later();
            return;
        };
        let weak = Rc::downgrade(&self.0);
        let on_open = Closure::<dyn FnMut()>::new({
            let weak = weak.clone();
            move || {
                let Some(inner) = weak.upgrade() else { return };
                inner.failures.set(0);
                if let Some(after) = inner.last_id.get() {
                    Realtime(inner).send(&serde_json::json!({"type": "resume", "after": after}));
                }
            }
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
            let weak = weak.clone();
            move |ev: MessageEvent| {
                let Some(inner) = weak.upgrade() else { return };
                let Some(text) = ev.data().as_string() else {
                    return;
                };
                let Ok(event) = serde_json::from_str::<RealtimeEvent>(&text) else {
                    return;
                };
                if let Some(id) = event.id {
                    // Replays may overlap what was seen: keep the highest.
                    inner
                        .last_id
                        .set(Some(inner.last_id.get().map_or(id, |l| l.max(id))));
                }
                (inner.on_event)(event);
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
            if let Some(inner) = weak.upgrade() {
                Realtime(inner).retry_later();
            }
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let old = self.0.socket.replace(Some(Socket {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        }));
        // Only ever replaced from a timer or a future, never from the old socket's handler.
        drop(old);
    }

    /// After a lost connection or a failed attempt: wait, then take a fresh ticket.
    fn retry_later(&self) {
        if self.0.closed.get() {
            return;
        }
        let n = self.0.failures.get();
        self.0.failures.set(n.saturating_add(1));
        let base = BACKOFF_MS.saturating_mul(1 << n.min(5)).min(MAX_BACKOFF_MS);
        // Spread the reconnections of many clients after a server restart.
        let jitter = (js_sys::Math::random() * base as f64 / 2.0) as u64;
        let me = self.clone();
        set_timeout(
            move || me.reconnect_now(),
            Duration::from_millis(base + jitter),
        );
    }

    fn reconnect_now(&self) {
        if self.0.closed.get() {
            return;
        }
        let me = self.clone();
        let next = (self.0.next_ticket)();
        wasm_bindgen_futures::spawn_local(async move {
            match next.await {
                Ok(t) => me.open(&t),
                // Signed out, or the call is over: nothing to reconnect to.
                Err(ApiError::Problem(p)) if matches!(p.status, 401 | 403 | 404 | 410) => {
                    me.close();
                }
                Err(_) => me.retry_later(),
            }
        });
    }
}

/// `ws(s)://` + this page's host + the ticket's path (same origin as the API).
fn socket_url(url: &str) -> String {
    if url.starts_with("ws://") || url.starts_with("wss://") {
        return url.to_owned();
    }
    let location = web_sys::window().map(|w| w.location());
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_default();
    let secure = location.and_then(|l| l.protocol().ok()).as_deref() == Some("https:");
    format!("{}://{host}{url}", if secure { "wss" } else { "ws" })
}
