//! One side of the call's `RTCPeerConnection`. The operator offers (and offers again with
//! `iceRestart` after a drop); the citizen answers. Signals travel as JSON through the
//! real-time connection: `{"sdp": {type, sdp}}`, `{"candidate": {…}}`, `{"restart": true}`.
//!
//! Offers and signals are handled one at a time, in order: applied at once, two
//! descriptions interleave their answers, and a candidate that comes while the answer is
//! being set would miss both the connection and the queue of early candidates.
//!
//! The connection is also put at `window.__sportelloPc` (read-only) so the browser tests
//! can read its state and `getStats()`.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use domain::api::CallJoin;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{
    MediaStream, RtcOfferOptions, RtcPeerConnection, RtcPeerConnectionIceEvent,
    RtcSessionDescriptionInit, RtcTrackEvent,
};

/// Where a signal goes (the real-time connection's `signal` frame).
pub type SendSignal = Rc<dyn Fn(Value)>;

/// One step of the signalling, done after the previous one has finished.
enum Work {
    Offer { restart: bool },
    Signal(Value),
}

pub struct Peer {
    pc: RtcPeerConnection,
    send: SendSignal,
    /// Candidates that arrived before the remote description.
    pending: RefCell<Vec<Value>>,
    queue: RefCell<VecDeque<Work>>,
    busy: Cell<bool>,
    _on_candidate: Closure<dyn FnMut(RtcPeerConnectionIceEvent)>,
    _on_track: Closure<dyn FnMut(RtcTrackEvent)>,
    _on_state: Closure<dyn FnMut()>,
}

fn to_js(v: &Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap_or(JsValue::NULL)
}

fn to_json(v: &JsValue) -> Value {
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null)
}

/// The `RTCConfiguration` from the join's ICE servers and transport policy.
fn configuration(join: &CallJoin) -> Value {
    let servers: Vec<Value> = join
        .ice_servers
        .iter()
        .map(|s| {
            let mut o = json!({ "urls": s.urls });
            if let Some(u) = &s.username {
                o["username"] = json!(u);
            }
            if let Some(c) = &s.credential {
                o["credential"] = json!(c);
            }
            o
        })
        .collect();
    let policy = if join.ice_transport_policy == "relay" {
        "relay"
    } else {
        "all"
    };
    json!({ "iceServers": servers, "iceTransportPolicy": policy })
}

impl Peer {
    /// A connection with the local tracks (if any); `on_remote` gets the other side's
    /// stream, `on_state` each `connectionState` (`new`, `connecting`, `connected`,
    /// `disconnected`, `failed`, `closed`).
    pub fn new(
        join: &CallJoin,
        local: Option<&MediaStream>,
        send: SendSignal,
        on_remote: impl Fn(MediaStream) + 'static,
        on_state: impl Fn(String) + 'static,
    ) -> Result<Rc<Self>, JsValue> {
        let config: web_sys::RtcConfiguration = to_js(&configuration(join)).unchecked_into();
        let pc = RtcPeerConnection::new_with_configuration(&config)?;
        if let Some(stream) = local {
            for t in stream.get_tracks().iter() {
                if let Ok(track) = t.dyn_into::<web_sys::MediaStreamTrack>() {
                    pc.add_track_0(&track, stream);
                }
            }
            // Audio only: still receive the other side's video.
            if !super::media::has_video(stream) {
                add_transceiver(&pc, "video");
            }
        } else {
            add_transceiver(&pc, "audio");
            add_transceiver(&pc, "video");
        }
        let on_candidate = Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new({
            let send = send.clone();
            move |ev: RtcPeerConnectionIceEvent| {
                if let Some(c) = ev.candidate() {
                    send(json!({ "candidate": to_json(&c.to_json().into()) }));
                }
            }
        });
        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new(move |ev: RtcTrackEvent| {
            if let Ok(stream) = ev.streams().get(0).dyn_into::<MediaStream>() {
                on_remote(stream);
            }
        });
        let on_state = Closure::<dyn FnMut()>::new({
            let pc = pc.clone();
            move || {
                let state = js_sys::Reflect::get(&pc, &"connectionState".into())
                    .ok()
                    .and_then(|s| s.as_string())
                    .unwrap_or_default();
                on_state(state);
            }
        });
        pc.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        expose(&pc);
        Ok(Rc::new(Self {
            pc,
            send,
            pending: RefCell::new(Vec::new()),
            queue: RefCell::new(VecDeque::new()),
            busy: Cell::new(false),
            _on_candidate: on_candidate,
            _on_track: on_track,
            _on_state: on_state,
        }))
    }

    /// The operator's offer; `restart` renews the ICE candidates after a drop.
    pub fn offer(self: &Rc<Self>, restart: bool) {
        self.enqueue(Work::Offer { restart });
    }

    /// A signal from the other side: an offer (answered), an answer, or a candidate.
    pub fn receive(self: &Rc<Self>, signal: Value) {
        self.enqueue(Work::Signal(signal));
    }

    fn enqueue(self: &Rc<Self>, work: Work) {
        self.queue.borrow_mut().push_back(work);
        if self.busy.replace(true) {
            return;
        }
        let me = self.clone();
        spawn_local(async move {
            loop {
                let next = me.queue.borrow_mut().pop_front();
                let Some(work) = next else { break };
                let done = match work {
                    Work::Offer { restart } => me.make_offer(restart).await,
                    Work::Signal(signal) => me.apply(&signal).await,
                };
                if let Err(e) = done {
                    web_sys::console::warn_1(&e);
                }
            }
            me.busy.set(false);
        });
    }

    async fn make_offer(&self, restart: bool) -> Result<(), JsValue> {
        let options = RtcOfferOptions::new();
        options.set_ice_restart(restart);
        let offer = JsFuture::from(self.pc.create_offer_with_rtc_offer_options(&options)).await?;
        JsFuture::from(self.pc.set_local_description(offer.unchecked_ref())).await?;
        self.send_description();
        Ok(())
    }

    fn send_description(&self) {
        if let Some(d) = self.pc.local_description() {
            (self.send)(json!({ "sdp": to_json(&d.into()) }));
        }
    }

    async fn apply(&self, signal: &Value) -> Result<(), JsValue> {
        if let Some(sdp) = signal.get("sdp").filter(|s| s.is_object()) {
            let desc: RtcSessionDescriptionInit = to_js(sdp).unchecked_into();
            let is_offer = sdp.get("type").and_then(Value::as_str) == Some("offer");
            JsFuture::from(self.pc.set_remote_description(&desc)).await?;
            if is_offer {
                let answer = JsFuture::from(self.pc.create_answer()).await?;
                JsFuture::from(self.pc.set_local_description(answer.unchecked_ref())).await?;
                self.send_description();
            }
            let queued: Vec<Value> = self.pending.borrow_mut().drain(..).collect();
            for c in queued {
                self.add_candidate(&c).await;
            }
        } else if let Some(c) = signal.get("candidate").filter(|c| c.is_object()) {
            if self.pc.remote_description().is_none() {
                self.pending.borrow_mut().push(c.clone());
            } else {
                self.add_candidate(c).await;
            }
        }
        Ok(())
    }

    async fn add_candidate(&self, c: &Value) {
        let init: web_sys::RtcIceCandidateInit = to_js(c).unchecked_into();
        let p = self
            .pc
            .add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init));
        // A candidate of an older ICE generation may be refused: nothing to do.
        let _ = JsFuture::from(p).await;
    }

    pub fn close(&self) {
        self.pc.set_onicecandidate(None);
        self.pc.set_ontrack(None);
        self.pc.set_onconnectionstatechange(None);
        self.pc.close();
    }
}

/// `pc.addTransceiver(kind)`: to receive a kind this side does not send.
fn add_transceiver(pc: &RtcPeerConnection, kind: &str) {
    if let Ok(f) = js_sys::Reflect::get(pc, &"addTransceiver".into()) {
        let _ = f
            .unchecked_into::<js_sys::Function>()
            .call1(pc, &kind.into());
    }
}

/// `window.__sportelloPc`: a read-only handle for the browser tests.
fn expose(pc: &RtcPeerConnection) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let descriptor = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&descriptor, &"value".into(), pc);
    let _ = js_sys::Reflect::set(&descriptor, &"writable".into(), &false.into());
    // Redefined by the next call of the same page.
    let _ = js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into());
    let _ = js_sys::Object::define_property(&window, &"__sportelloPc".into(), &descriptor);
}
