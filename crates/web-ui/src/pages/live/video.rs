//! The citizen's video call (`/videochiamata/{code}`, the booking's link; no account: the
//! code is the credential). The appointment, then the conditions (not recorded, what to
//! have at hand, the privacy notice), then the camera and microphone check — the browser
//! is asked for them only after the conditions are accepted — then the waiting room and
//! the call, with the chat beside it.

pub mod api;
pub mod chat;
pub mod controls;
pub mod media;
pub mod peer;
pub mod session;

use std::rc::Rc;

use domain::api::VideoCall;
use domain::chat::CallStatus;
use futures::FutureExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use web_sys::MediaStream;

use self::api::ChatTarget;
use self::chat::CallChat;
use self::controls::CallControls;
use self::media::Want;
use self::session::{CallView, LOCAL_VIDEO, REMOTE_VIDEO, Session, Side};
use crate::api::ApiError;
use crate::app::rel_for;
use crate::components::{Checkbox, ErrorAlert, FormState, Loading, Page};
use crate::format;
use crate::i18n::{VideoTexts, trv, trvs, use_i18n, video_texts};
use crate::pages::booking::clock;

/// "12/05/2026 16:00–16:20".
pub fn slot(call: &VideoCall) -> String {
    format!(
        "{}–{}",
        format::datetime(call.starts_at),
        clock(call.ends_at)
    )
}

pub fn status_label(v: &VideoTexts, s: CallStatus) -> &'static str {
    v.status_labels[CallStatus::ALL
        .iter()
        .position(|x| *x == s)
        .unwrap_or_default()]
}

/// Where the citizen is on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Conditions,
    Devices,
    Live,
    Left,
}

#[component]
pub fn VideoCallPage() -> impl IntoView {
    let params = use_params_map();
    let code = params.with_untracked(|p| p.get("code").unwrap_or_default());
    let code = StoredValue::new(code);
    let loaded =
        LocalResource::new(move || async move { api::public_call(&code.get_value()).await });
    view! {
        <div class="container my-4">
            <Page title=trvs(|v| v.page_title)>
                {move || match loaded.get() {
                    None => view! { <Loading /> }.into_any(),
                    Some(Err(ApiError::Problem(p))) if p.status == 404 => view! {
                        <Refused text=trv(|v| v.not_found) />
                    }
                    .into_any(),
                    Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                    Some(Ok(call)) => view! { <Call call code=code.get_value() reload=move || loaded.refetch() /> }.into_any(),
                }}
            </Page>
        </div>
    }
}

/// A call that cannot be joined, and the way to book another.
#[component]
fn Refused(text: Signal<&'static str>) -> impl IntoView {
    view! {
        <div class="alert alert-warning" role="alert" data-testid="call-refused">{text}</div>
        <a class="btn btn-outline-primary" href="/prenotazioni" rel=rel_for("/prenotazioni")>{trv(|v| v.book_again)}</a>
    }
}

#[component]
fn Appointment(call: VideoCall) -> impl IntoView {
    let row = |label: Signal<&'static str>, value: String| {
        view! {
            <div class="col-12 col-md-6">
                <dt class="small text-muted">{label}</dt>
                <dd class="mb-2">{value}</dd>
            </div>
        }
    };
    view! {
        <section class="card card-bg shadow-sm mb-4" aria-labelledby="call-appointment">
            <div class="card-body">
                <h2 class="h5" id="call-appointment">{trv(|v| v.appointment)}</h2>
                <dl class="row mb-0" data-testid="call-appointment">
                    {row(trv(|v| v.service), call.service_name.clone())}
                    {row(trv(|v| v.desk), call.desk_name.clone())}
                    {row(trv(|v| v.when), slot(&call))}
                    {row(trv(|v| v.reference), call.reference.clone())}
                </dl>
            </div>
        </section>
    }
}

#[component]
fn Call(
    call: VideoCall,
    code: String,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let appointment = view! { <Appointment call=call.clone() /> };
    match call.status {
        CallStatus::NotYet => {
            let opens = format::datetime(call.opens_at);
            // Open the page by itself when the window opens.
            let wait = (call.opens_at - crate::browser::now()).num_milliseconds();
            if (0..=3_600_000).contains(&wait) {
                set_timeout(reload, std::time::Duration::from_millis(wait as u64 + 1000));
            }
            return view! {
                {appointment}
                <div class="alert alert-info" role="status" data-testid="call-not-yet">
                    {move || (i18n.v().opens_at)(&opens)}
                </div>
                <button type="button" class="btn btn-outline-primary" on:click=move |_| reload()>{trv(|v| v.reload)}</button>
            }
            .into_any();
        }
        CallStatus::Ended => {
            return view! { {appointment} <Refused text=trv(|v| v.ended) /> }.into_any();
        }
        CallStatus::Unavailable => {
            return view! { {appointment} <Refused text=trv(|v| v.unavailable) /> }.into_any();
        }
        CallStatus::Open | CallStatus::Waiting | CallStatus::InCall => {}
    }
    let view = CallView::new();
    view.set_call(call.clone());
    let step = RwSignal::new(if call.conditions_accepted_at.is_some() {
        Step::Devices
    } else {
        Step::Conditions
    });
    let session = StoredValue::new_local(None::<Rc<Session>>);
    on_cleanup(move || {
        if let Some(s) = session.get_value() {
            s.close();
        }
    });
    let code = StoredValue::new(code);
    view! {
        {appointment}
        {move || match step.get() {
            Step::Conditions => view! { <Conditions code=code.get_value() view step /> }.into_any(),
            Step::Devices => view! { <Devices code=code.get_value() view step session /> }.into_any(),
            Step::Live => view! { <Live code=code.get_value() view step session /> }.into_any(),
            Step::Left => view! {
                <div class="alert alert-info" role="status">{trv(|v| v.you_left)}</div>
            }
            .into_any(),
        }}
    }
    .into_any()
}

#[component]
fn Conditions(code: String, view: CallView, step: RwSignal<Step>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let accepted = RwSignal::new(false);
    let code = StoredValue::new(code);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !accepted.get_untracked() {
            form.invalid(&domain::DomainError::invalid(
                "accept",
                video_texts(domain::Lang::It).accept_required,
                video_texts(domain::Lang::En).accept_required,
            ));
            crate::browser::focus("call-accept");
            return;
        }
        form.start();
        spawn_local(async move {
            match api::accept_conditions(&code.get_value()).await {
                Ok(call) => {
                    view.set_call(call);
                    form.pending.set(false);
                    step.set(Step::Devices);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <section class="mb-4" aria-labelledby="call-conditions">
            <h2 class="h4" id="call-conditions">{trv(|v| v.conditions_title)}</h2>
            <div class="callout note">
                <p class="fw-semibold">{trv(|v| v.not_recorded)}</p>
                <p class="mb-1">{trv(|v| v.have_at_hand)}</p>
                <ul>
                    <li>{move || i18n.v().at_hand[0]}</li>
                    <li>{move || i18n.v().at_hand[1]}</li>
                </ul>
                <p>{trv(|v| v.chat_always)}</p>
                <p class="mb-0">
                    {trv(|v| v.privacy_before)}" "
                    <a href="/privacy" rel=rel_for("/privacy") target="_blank">{trv(|v| v.privacy_link)}</a>
                </p>
            </div>
            <ErrorAlert error=form.alert />
            <form on:submit=submit novalidate data-testid="call-conditions-form">
                <Checkbox id="call-accept" label=trvs(|v| v.accept_label) checked=accepted error=form.error_for("accept") />
                <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{trv(|v| v.accept_submit)}</button>
            </form>
        </section>
    }
}

#[component]
fn Devices(
    code: String,
    view: CallView,
    step: RwSignal<Step>,
    session: StoredValue<Option<Rc<Session>>, LocalStorage>,
) -> impl IntoView {
    let stream = RwSignal::new_local(None::<MediaStream>);
    let failed = RwSignal::new(false);
    let camera = RwSignal::new(String::new());
    let microphone = RwSignal::new(String::new());
    let cameras = RwSignal::new(Vec::<(String, String)>::new());
    let microphones = RwSignal::new(Vec::<(String, String)>::new());
    let form = FormState::new();
    let code = StoredValue::new(code);
    let start = move || {
        spawn_local(async move {
            if let Some(old) = stream.get_untracked() {
                media::stop(&old);
            }
            let want = Want {
                camera: Some(camera.get_untracked()),
                microphone: Some(microphone.get_untracked()),
            };
            let got = media::open(&want).await;
            failed.set(got.is_none());
            media::show(LOCAL_VIDEO, got.as_ref());
            stream.set(got);
            let (c, m) = media::list().await;
            cameras.set(c);
            microphones.set(m);
        });
    };
    // The conditions are accepted: now, and only now, the browser is asked.
    start();
    let join = move |audio: bool, video: bool| {
        form.start();
        let local = stream.get_untracked();
        if let Some(s) = &local {
            if !video {
                for t in s.get_video_tracks().iter() {
                    use wasm_bindgen::JsCast;
                    if let Ok(t) = t.dyn_into::<web_sys::MediaStreamTrack>() {
                        t.stop();
                        s.remove_track(&t);
                    }
                }
            }
            if !audio {
                media::stop(s);
            }
        }
        let local = local.filter(|_| audio || video);
        spawn_local(async move {
            match api::public_join(&code.get_value()).await {
                Ok(join) => {
                    let next = code.get_value();
                    let tickets: crate::realtime::TicketSource = Rc::new(move || {
                        let next = next.clone();
                        async move { api::public_join(&next).await.map(|j| j.ticket) }.boxed_local()
                    });
                    let s = Session::start(Side::Citizen, join, local, tickets, view);
                    session.set_value(Some(s));
                    form.pending.set(false);
                    step.set(Step::Live);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let select = move |id: &'static str,
                       label: Signal<&'static str>,
                       value: RwSignal<String>,
                       options: RwSignal<Vec<(String, String)>>| {
        view! {
            <div class="select-wrapper mb-3">
                <label for=id>{label}</label>
                <select id=id
                    on:change:target=move |ev| {
                        value.set(ev.target().value());
                        start();
                    }
                    prop:value=move || value.get()
                >
                    {move || options.get().into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    view! {
        <section class="mb-4" aria-labelledby="call-devices">
            <h2 class="h4" id="call-devices">{trv(|v| v.devices_title)}</h2>
            <p>{trv(|v| v.devices_intro)}</p>
            <div class="row g-3">
                <div class="col-12 col-md-6">
                    <video id=LOCAL_VIDEO class="call-video w-100 bg-dark rounded" autoplay muted playsinline
                        aria-label=trv(|v| v.preview)></video>
                </div>
                <div class="col-12 col-md-6">
                    {move || failed.get().then(|| view! {
                        <div class="alert alert-warning" role="alert">{trv(|v| v.devices_error)}</div>
                        <button type="button" class="btn btn-outline-primary btn-sm mb-3" on:click=move |_| start()>{trv(|v| v.devices_start)}</button>
                    })}
                    {select("call-camera", trv(|v| v.camera), camera, cameras)}
                    {select("call-microphone", trv(|v| v.microphone), microphone, microphones)}
                </div>
            </div>
            <ErrorAlert error=form.alert />
            <div class="d-flex flex-wrap gap-2 mt-3">
                <button type="button" class="btn btn-primary" disabled=move || form.pending.get() || stream.with(Option::is_none)
                    on:click=move |_| join(true, true)>{trv(|v| v.join_video)}</button>
                <button type="button" class="btn btn-outline-primary" disabled=move || form.pending.get()
                    on:click=move |_| join(true, false)>{trv(|v| v.join_audio)}</button>
                <button type="button" class="btn btn-outline-primary" disabled=move || form.pending.get()
                    on:click=move |_| join(false, false)>{trv(|v| v.join_chat)}</button>
            </div>
        </section>
    }
}

/// The two videos: the other side's, large, and this side's own, small.
#[component]
pub fn CallStage(view: CallView, remote_label: Signal<&'static str>) -> impl IntoView {
    let live = Memo::new(move |_| view.status() == Some(CallStatus::InCall));
    let live = move || live.get();
    view! {
        <div class="call-stage position-relative" class:d-none=move || !live()>
            <video id=REMOTE_VIDEO class="call-video w-100 bg-dark rounded" autoplay playsinline
                aria-label=remote_label></video>
            <video id=LOCAL_VIDEO class="call-self bg-dark rounded border border-white" autoplay muted playsinline
                class:d-none=move || !view.has_camera.get() || view.camera_off.get()
                aria-label=trv(|v| v.local_video)></video>
        </div>
    }
}

/// What the connection is doing, read out when it changes.
#[component]
pub fn ConnectionState(view: CallView) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="small mb-1" aria-live="polite" data-testid="call-connection">
            {move || {
                let v = i18n.v();
                match view.connection.get().as_str() {
                    "connected" => v.connected,
                    "disconnected" | "failed" => v.reconnecting,
                    "new" | "connecting" => v.connecting,
                    _ => "",
                }
            }}
        </p>
    }
}

#[component]
fn Live(
    code: String,
    view: CallView,
    step: RwSignal<Step>,
    session: StoredValue<Option<Rc<Session>>, LocalStorage>,
) -> impl IntoView {
    // The preview's stream moves to the small picture beside the other side's.
    request_animation_frame(move || {
        if let Some(s) = session.get_value() {
            media::show(LOCAL_VIDEO, s.local());
        }
    });
    let with_session = move |f: &dyn Fn(&Session)| {
        if let Some(s) = session.get_value() {
            f(&s);
        }
    };
    let on_mute = Callback::new(move |m: bool| with_session(&|s| s.set_muted(m)));
    let on_camera = Callback::new(move |c: bool| with_session(&|s| s.set_camera_off(c)));
    let on_hang_up = Callback::new(move |()| {
        with_session(&|s| s.close());
        step.set(Step::Left);
    });
    // Re-render on a change of status only (the controls keep their focus).
    let status = Memo::new(move |_| view.status());
    let status = move || status.get();
    view! {
        <div class="row g-3">
            <div class="col-12 col-lg-8">
                <div aria-live="polite" data-testid="call-status">
                    {move || match status() {
                        Some(CallStatus::InCall) => view! { <h2 class="h4">{trv(|v| v.in_call)}</h2> }.into_any(),
                        Some(CallStatus::Ended | CallStatus::Unavailable) => view! {
                            <h2 class="h4">{trv(|v| v.call_ended)}</h2>
                        }
                        .into_any(),
                        _ => view! {
                            <h2 class="h4">{trv(|v| v.waiting)}</h2>
                            <p>{trv(|v| v.waiting_help)}</p>
                        }
                        .into_any(),
                    }}
                </div>
                <ConnectionState view />
                <CallStage view remote_label=trv(|v| v.remote_operator) />
                {move || (status() == Some(CallStatus::InCall)).then(|| view! {
                    <CallControls view on_mute on_camera on_hang_up hang_up_label=trv(|v| v.hang_up) />
                })}
            </div>
            <div class="col-12 col-lg-4">
                <CallChat target=ChatTarget::Citizen(code.clone()) side=Side::Citizen view />
            </div>
        </div>
    }
}
