//! A party's live call: the real-time connection, the peer connection and the chat
//! beside the video, driven by the server's `call.updated`, `call.signal` and
//! `chat.message` events. Shared by the citizen's page and the operator's.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use domain::api::{CallJoin, ChatMessage, RealtimeEvent, VideoCall};
use domain::chat::CallStatus;
use leptos::prelude::*;
use serde_json::{Value, json};
use web_sys::MediaStream;

use super::media;
use super::peer::Peer;
use crate::realtime::{Realtime, TicketSource};

/// Which party this page is: the operator offers, the citizen answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Citizen,
    Staff,
}

impl Side {
    fn code(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Staff => "staff",
        }
    }
}

/// How long an offer may take to connect before the operator offers again.
const CONNECT_WITHIN: Duration = Duration::from_secs(12);

/// The `<video>` elements of either page.
pub const REMOTE_VIDEO: &str = "call-remote-video";
pub const LOCAL_VIDEO: &str = "call-local-video";

/// What the page shows of the call (reactive).
#[derive(Clone, Copy)]
pub struct CallView {
    pub call: RwSignal<Option<VideoCall>>,
    pub messages: RwSignal<Vec<ChatMessage>>,
    /// The peer connection's `connectionState` (empty before it exists).
    pub connection: RwSignal<String>,
    pub muted: RwSignal<bool>,
    pub camera_off: RwSignal<bool>,
    /// Whether a camera is being sent (audio only and chat only have none).
    pub has_camera: RwSignal<bool>,
    /// The last message from the other side, for the chat's live region.
    pub arrived: RwSignal<Option<String>>,
}

impl CallView {
    pub fn new() -> Self {
        Self {
            call: RwSignal::new(None),
            messages: RwSignal::new(Vec::new()),
            connection: RwSignal::new(String::new()),
            muted: RwSignal::new(false),
            camera_off: RwSignal::new(false),
            has_camera: RwSignal::new(false),
            arrived: RwSignal::new(None),
        }
    }

    pub fn status(&self) -> Option<CallStatus> {
        self.call.with(|c| c.as_ref().map(|c| c.status))
    }

    pub fn status_untracked(&self) -> Option<CallStatus> {
        self.call.with_untracked(|c| c.as_ref().map(|c| c.status))
    }

    /// Takes a call as the server sent it (its chat's messages too, when it has them).
    pub fn set_call(&self, mut call: VideoCall) {
        // Its chat's messages, with those that came live and are not in it yet.
        if let Some(chat) = &call.chat {
            let fresh = chat.messages.clone();
            self.messages.update(|list| {
                let live: Vec<ChatMessage> = list
                    .drain(..)
                    .filter(|m| !fresh.iter().any(|f| f.id == m.id))
                    .collect();
                *list = fresh;
                list.extend(live);
            });
        }
        // Events carry neither the chat nor the staff's fields: keep those already known.
        if let Some(old) = self.call.get_untracked() {
            call.chat = call.chat.or(old.chat);
            call.request_id = call.request_id.or(old.request_id);
            call.citizen_id = call.citizen_id.or(old.citizen_id);
        }
        self.call.set(Some(call));
    }

    /// Adds a message once (it may come both as the POST's answer and as an event).
    pub fn add_message(&self, m: ChatMessage) {
        self.messages.update(|list| {
            if !list.iter().any(|x| x.id == m.id) {
                list.push(m);
            }
        });
    }
}

impl Default for CallView {
    fn default() -> Self {
        Self::new()
    }
}

pub struct Session {
    side: Side,
    booking_id: String,
    join: CallJoin,
    view: CallView,
    local: Option<MediaStream>,
    peer: RefCell<Option<Rc<Peer>>>,
    /// The operator's offers so far: a watch fires only for the latest.
    offers: Cell<u32>,
    rt: RefCell<Option<Realtime>>,
    me: RefCell<Weak<Session>>,
}

impl Session {
    /// Connects with the join's ticket (later tickets from `next_ticket`) and the local
    /// media, if any.
    pub fn start(
        side: Side,
        join: CallJoin,
        local: Option<MediaStream>,
        next_ticket: TicketSource,
        view: CallView,
    ) -> Rc<Self> {
        view.has_camera
            .set(local.as_ref().is_some_and(media::has_video));
        view.set_call(join.call.clone());
        let session = Rc::new(Self {
            side,
            booking_id: join.call.booking_id.clone(),
            join: join.clone(),
            view,
            local,
            peer: RefCell::new(None),
            offers: Cell::new(0),
            rt: RefCell::new(None),
            me: RefCell::new(Weak::new()),
        });
        *session.me.borrow_mut() = Rc::downgrade(&session);
        let weak = Rc::downgrade(&session);
        let rt = Realtime::with_tickets(Some(join.ticket), next_ticket, move |ev| {
            if let Some(s) = weak.upgrade() {
                s.on_event(ev);
            }
        });
        *session.rt.borrow_mut() = Some(rt);
        session
    }

    pub fn local(&self) -> Option<&MediaStream> {
        self.local.as_ref()
    }

    fn on_event(&self, ev: RealtimeEvent) {
        match ev.kind.as_str() {
            // Back after a drop, or the page reloaded during the call: the operator
            // offers afresh, the citizen asks for that.
            "hello" if self.view.status_untracked() == Some(CallStatus::InCall) => {
                let created = self.ensure_peer();
                match self.side {
                    Side::Staff => self.offer(!created),
                    // `new_peer`: this page has a fresh connection (it was reloaded), so
                    // the operator must start one too, not just renew the candidates.
                    Side::Citizen => {
                        self.signal(json!({ "restart": true, "new_peer": created }));
                    }
                }
            }
            "call.updated" => {
                if ev
                    .booking_id
                    .as_deref()
                    .is_some_and(|b| b != self.booking_id)
                {
                    return;
                }
                if let Ok(call) = serde_json::from_value::<VideoCall>(ev.data) {
                    self.on_call(call);
                }
            }
            "call.signal" => {
                if ev
                    .booking_id
                    .as_deref()
                    .is_some_and(|b| b != self.booking_id)
                {
                    return;
                }
                let from = ev.data.get("from").and_then(Value::as_str);
                if from == Some(self.side.code()) {
                    return;
                }
                let signal = ev.data.get("signal").cloned().unwrap_or(Value::Null);
                self.on_signal(signal);
            }
            "chat.message" => {
                let mine = self.view.call.with_untracked(|c| {
                    c.as_ref()
                        .and_then(|c| c.chat.as_ref().map(|c| c.id.clone()))
                });
                if ev.chat_id.is_some() && ev.chat_id != mine {
                    return;
                }
                if let Ok(m) = serde_json::from_value::<ChatMessage>(ev.data) {
                    let theirs = m.author.as_ref().is_some_and(|a| {
                        (a.role == domain::Role::Citizen) != (self.side == Side::Citizen)
                    });
                    if theirs {
                        self.view.arrived.set(Some(
                            m.author
                                .as_ref()
                                .map(|a| a.name.clone())
                                .unwrap_or_default(),
                        ));
                    }
                    self.view.add_message(m);
                }
            }
            _ => {}
        }
    }

    fn on_signal(&self, signal: Value) {
        if signal.get("restart").and_then(Value::as_bool) == Some(true) {
            if self.side == Side::Staff {
                if signal.get("new_peer").and_then(Value::as_bool) == Some(true)
                    && let Some(old) = self.peer.borrow_mut().take()
                {
                    old.close();
                }
                let created = self.ensure_peer();
                self.offer(!created);
            }
            return;
        }
        self.ensure_peer();
        if let Some(peer) = self.peer.borrow().clone() {
            peer.receive(signal);
        }
    }

    /// The operator's offer, watched: if the call has not connected within
    /// [`CONNECT_WITHIN`], it offers again with new candidates. A check list can stall
    /// (seen with both sides relayed, one side never sending its checks), and an ICE
    /// restart starts it afresh.
    fn offer(&self, restart: bool) {
        let Some(peer) = self.peer.borrow().clone() else {
            return;
        };
        peer.offer(restart);
        let attempt = self.offers.get() + 1;
        self.offers.set(attempt);
        let weak = self.me.borrow().clone();
        let watched = Rc::downgrade(&peer);
        set_timeout(
            move || {
                let Some(s) = weak.upgrade() else { return };
                let same = s
                    .peer
                    .borrow()
                    .as_ref()
                    .zip(watched.upgrade())
                    .is_some_and(|(now, then)| Rc::ptr_eq(now, &then));
                if same
                    && s.offers.get() == attempt
                    && s.view.status_untracked() == Some(CallStatus::InCall)
                    && s.view.connection.get_untracked() != "connected"
                {
                    s.offer(true);
                }
            },
            CONNECT_WITHIN,
        );
    }

    fn signal(&self, signal: Value) {
        if let Some(rt) = self.rt.borrow().as_ref() {
            rt.send(&json!({ "type": "signal", "booking_id": self.booking_id, "signal": signal }));
        }
    }

    /// A new state of the call (an event, or the answer to the operator's action).
    pub fn on_call(&self, call: VideoCall) {
        let status = call.status;
        self.view.set_call(call);
        match status {
            // Admitted: the operator offers, the citizen waits for the offer.
            CallStatus::InCall if self.ensure_peer() && self.side == Side::Staff => {
                self.offer(false);
            }
            CallStatus::Ended | CallStatus::Unavailable => self.hang_up(),
            _ => {}
        }
    }

    /// Creates the peer connection if missing; true when it did.
    fn ensure_peer(&self) -> bool {
        if self.peer.borrow().is_some() {
            return false;
        }
        let weak = self.me.borrow().clone();
        let send = {
            let weak = weak.clone();
            Rc::new(move |signal: Value| {
                if let Some(s) = weak.upgrade() {
                    s.signal(signal);
                }
            })
        };
        let view = self.view;
        let side = self.side;
        let peer = Peer::new(
            &self.join,
            self.local.as_ref(),
            send,
            |stream| media::show(REMOTE_VIDEO, Some(&stream)),
            move |state| {
                view.connection.set(state.clone());
                if side == Side::Staff && matches!(state.as_str(), "failed" | "disconnected") {
                    let weak = weak.clone();
                    // A few seconds' grace: "disconnected" often heals by itself.
                    set_timeout(
                        move || {
                            let Some(s) = weak.upgrade() else { return };
                            if matches!(
                                s.view.connection.get_untracked().as_str(),
                                "failed" | "disconnected"
                            ) {
                                s.offer(true);
                            }
                        },
                        Duration::from_secs(3),
                    );
                }
            },
        );
        match peer {
            Ok(p) => {
                *self.peer.borrow_mut() = Some(p);
                true
            }
            Err(e) => {
                web_sys::console::warn_1(&e);
                false
            }
        }
    }

    pub fn set_muted(&self, muted: bool) {
        if let Some(s) = &self.local {
            media::set_enabled(s, false, !muted);
        }
        self.view.muted.set(muted);
    }

    pub fn set_camera_off(&self, off: bool) {
        if let Some(s) = &self.local {
            media::set_enabled(s, true, !off);
        }
        self.view.camera_off.set(off);
    }

    /// Ends this side's media: the peer connection, the camera, the real-time connection.
    pub fn hang_up(&self) {
        if let Some(p) = self.peer.borrow_mut().take() {
            p.close();
        }
        if let Some(s) = &self.local {
            media::stop(s);
        }
        media::show(REMOTE_VIDEO, None);
        self.view.connection.set("closed".to_owned());
    }

    pub fn close(&self) {
        self.hang_up();
        if let Some(rt) = self.rt.borrow_mut().take() {
            rt.close();
        }
    }
}
