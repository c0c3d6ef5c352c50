//! The operator's side of a video call (`/console/videochiamate/{booking id}`): who is
//! waiting, "Fai entrare" (then this side offers), video both ways, the chat beside it
//! with the documents the citizen sent ("Aggiungi alla pratica"), linking the call to a
//! citizen and a request, "Termina", and the call's duration.

use std::rc::Rc;
use std::time::Duration;

use domain::Role;
use domain::api::{Attachment, CallAction, CallActionRequest, User, VideoCall};
use domain::chat::CallStatus;
use futures::FutureExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{self as rest, ApiResult};
use crate::browser;
use crate::components::{ErrorAlert, FormState, Loading, Notice, Page, TextInput};
use crate::i18n::{trv, trvs, use_i18n};
use crate::pages::live::video::api::{self, ChatTarget};
use crate::pages::live::video::chat::CallChat;
use crate::pages::live::video::controls::CallControls;
use crate::pages::live::video::media::{self, Want};
use crate::pages::live::video::session::{CallView, LOCAL_VIDEO, Session, Side};
use crate::pages::live::video::{CallStage, ConnectionState, slot, status_label};

#[component]
pub fn CallPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").unwrap_or_default());
    let id = StoredValue::new(id);
    let loaded: LocalResource<ApiResult<VideoCall>> =
        LocalResource::new(move || async move { api::staff_call(&id.get_value()).await });
    view! {
        <Page title=trvs(|v| v.staff_title) no_breadcrumbs=true>
            <p><a href="/console/agenda">{trv(|v| v.back_to_agenda)}</a></p>
            {move || match loaded.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                Some(Ok(call)) => view! { <Desk call /> }.into_any(),
            }}
        </Page>
    }
}

/// Seconds since `from`, ticking.
fn elapsed(from: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> i64 {
    (now - from).num_seconds().max(0)
}

#[component]
fn Desk(call: VideoCall) -> impl IntoView {
    let i18n = use_i18n();
    let view = CallView::new();
    view.set_call(call.clone());
    let id = StoredValue::new(call.booking_id.clone());
    let session = StoredValue::new_local(None::<Rc<Session>>);
    let form = FormState::new();
    on_cleanup(move || {
        if let Some(s) = session.get_value() {
            s.close();
        }
    });
    // Camera and microphone (none: chat only), then the ticket and the ICE servers.
    // (Before the window the server refuses the join: the page is reloaded then.)
    if !matches!(
        call.status,
        CallStatus::NotYet | CallStatus::Ended | CallStatus::Unavailable
    ) {
        spawn_local(async move {
            let local = media::open(&Want {
                camera: Some(String::new()),
                microphone: Some(String::new()),
            })
            .await;
            match api::staff_join(&id.get_value()).await {
                Ok(join) => {
                    let booking = id.get_value();
                    let tickets: crate::realtime::TicketSource = Rc::new(move || {
                        let booking = booking.clone();
                        async move { api::staff_join(&booking).await.map(|j| j.ticket) }
                            .boxed_local()
                    });
                    let s = Session::start(Side::Staff, join, local, tickets, view);
                    // This side's own picture, small in the corner.
                    media::show(LOCAL_VIDEO, s.local());
                    session.set_value(Some(s));
                }
                Err(e) => {
                    if let Some(s) = local {
                        media::stop(&s);
                    }
                    form.fail(e);
                }
            }
        });
    }
    let act = move |body: CallActionRequest| {
        form.start();
        spawn_local(async move {
            match api::call_action(&id.get_value(), &body).await {
                Ok(call) => {
                    form.pending.set(false);
                    match session.get_value() {
                        Some(s) => s.on_call(call),
                        None => view.set_call(call),
                    }
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let admit = move |_| {
        act(CallActionRequest {
            action: CallAction::Admit,
            citizen_id: None,
            request_id: None,
            attachment_id: None,
        });
    };
    let end = move |()| {
        if browser::confirm(i18n.v().end_confirm) {
            act(CallActionRequest {
                action: CallAction::End,
                citizen_id: None,
                request_id: None,
                attachment_id: None,
            });
        }
    };
    let with_session = move |f: &dyn Fn(&Session)| {
        if let Some(s) = session.get_value() {
            f(&s);
        }
    };
    let on_mute = Callback::new(move |m: bool| with_session(&|s| s.set_muted(m)));
    let on_camera = Callback::new(move |c: bool| with_session(&|s| s.set_camera_off(c)));
    let on_end = Callback::new(end);
    let attached = RwSignal::new(None::<String>);
    let on_attach = Callback::new(move |a: Attachment| {
        let Some(request_id) = view
            .call
            .with_untracked(|c| c.as_ref().and_then(|c| c.request_id.clone()))
        else {
            attached.set(Some(i18n.v().attach_needs_request.to_owned()));
            return;
        };
        let name = a.filename.clone();
        attached.set(None);
        spawn_local(async move {
            let body = CallActionRequest {
                action: CallAction::Attach,
                citizen_id: None,
                request_id: Some(request_id),
                attachment_id: Some(a.id),
            };
            match api::call_action(&id.get_value(), &body).await {
                Ok(call) => {
                    view.set_call(call);
                    attached.set(Some((i18n.v().attached)(&name)));
                }
                Err(e) => form.fail(e),
            }
        });
    });
    // The duration, every second while the call is on.
    let now = RwSignal::new(browser::now());
    if let Ok(h) = set_interval_with_handle(move || now.set(browser::now()), Duration::from_secs(1))
    {
        on_cleanup(move || h.clear());
    }
    let duration = move || {
        view.call.with(|c| {
            let c = c.as_ref()?;
            c.duration_seconds
                .or_else(|| c.admitted_at.map(|a| elapsed(a, now.get())))
                .map(|s| (i18n.v().duration)(s))
        })
    };
    // Memos: the parts below re-render when these change, not at every change of the call.
    let status = Memo::new(move |_| view.status());
    let status = move || status.get();
    let chat_id = Memo::new(move |_| {
        view.call.with(|c| {
            c.as_ref()
                .and_then(|c| c.chat.as_ref().map(|chat| chat.id.clone()))
        })
    });
    let field = move |f: fn(&VideoCall) -> String| {
        view.call.with(|c| c.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <div class="row g-3">
            <div class="col-12 col-xl-8">
                <dl class="row mb-2" data-testid="call-summary">
                    <div class="col-12 col-md-6">
                        <dt class="small text-muted">{trv(|v| v.citizen)}</dt>
                        <dd class="mb-2">{move || field(|c| c.citizen_name.clone())}</dd>
                    </div>
                    <div class="col-12 col-md-6">
                        <dt class="small text-muted">{trv(|v| v.when)}</dt>
                        <dd class="mb-2">{move || field(slot)}</dd>
                    </div>
                    <div class="col-12 col-md-6">
                        <dt class="small text-muted">{trv(|v| v.service)}</dt>
                        <dd class="mb-2">{move || field(|c| format!("{} · {}", c.service_name, c.reference))}</dd>
                    </div>
                    <div class="col-12 col-md-6">
                        <dt class="small text-muted">{trv(|v| v.status)}</dt>
                        <dd class="mb-2">
                            <span class="badge bg-primary" data-testid="call-status-badge" data-status=move || status().map(CallStatus::code)>
                                {move || status().map(|s| status_label(i18n.v(), s))}
                            </span>
                            " "
                            <span data-testid="call-duration">{duration}</span>
                        </dd>
                    </div>
                </dl>
                <ErrorAlert error=form.alert />
                <div aria-live="assertive" data-testid="call-waiting">
                    {move || match status() {
                        Some(CallStatus::Waiting) => view! {
                            <div class="alert alert-info d-flex flex-wrap gap-2 align-items-center">
                                <span>{move || (i18n.v().citizen_waiting)(&field(|c| c.citizen_name.clone()))}</span>
                                <button type="button" class="btn btn-primary btn-sm" disabled=move || form.pending.get() on:click=admit>
                                    {trv(|v| v.admit)}
                                </button>
                            </div>
                        }
                        .into_any(),
                        Some(CallStatus::Open | CallStatus::NotYet) => view! {
                            <p class="text-muted">{trv(|v| v.citizen_not_here)}</p>
                        }
                        .into_any(),
                        Some(CallStatus::Ended) => view! {
                            <p>{move || view.call.with(|c| c.as_ref().and_then(|c| c.ended_at).map(|t| (i18n.v().ended_at)(&crate::pages::booking::clock(t))))}</p>
                        }
                        .into_any(),
                        _ => ().into_any(),
                    }}
                </div>
                <ConnectionState view />
                <CallStage view remote_label=trv(|v| v.remote_citizen) />
                {move || (status() == Some(CallStatus::InCall)).then(|| view! {
                    <CallControls view on_mute on_camera on_hang_up=on_end hang_up_label=trv(|v| v.end) />
                })}
                <Notice message=attached />
            </div>
            <div class="col-12 col-xl-4">
                {move || chat_id.get().map(|chat| view! {
                    <CallChat target=ChatTarget::Staff(chat) side=Side::Staff view on_attach />
                })}
            </div>
            // Below the chat on a phone: the video and the chat come first.
            <div class="col-12 col-xl-8">
                <LinkForm id=id.get_value() view />
            </div>
        </div>
    }
}

/// "Collega a cittadino e pratica": the citizen found by name, e-mail or codice fiscale,
/// and optionally the request the call belongs to.
#[component]
fn LinkForm(id: String, view: CallView) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let q = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<User>::new());
    let searched = RwSignal::new(false);
    let citizen = RwSignal::new(String::new());
    let request = RwSignal::new(
        view.call
            .with_untracked(|c| c.as_ref().and_then(|c| c.request_id.clone()))
            .unwrap_or_default(),
    );
    let id = StoredValue::new(id);
    let search = move |_| {
        let text = q.get_untracked();
        spawn_local(async move {
            match rest::find_users(Role::Citizen, text.trim()).await {
                Ok(list) => {
                    if let Some(first) = list.first() {
                        citizen.set(first.id.clone());
                    }
                    found.set(list);
                    searched.set(true);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let citizen_id = Some(citizen.get_untracked()).filter(|c| !c.is_empty());
        let request_id = Some(request.get_untracked().trim().to_owned()).filter(|r| !r.is_empty());
        form.start();
        spawn_local(async move {
            let body = CallActionRequest {
                action: CallAction::Link,
                citizen_id,
                request_id,
                attachment_id: None,
            };
            match api::call_action(&id.get_value(), &body).await {
                Ok(call) => {
                    let note = call
                        .request_id
                        .as_deref()
                        .map_or_else(|| i18n.v().linked.to_owned(), |r| (i18n.v().linked_to)(r));
                    view.set_call(call);
                    form.succeed(note);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <section class="card card-bg shadow-sm mt-3" aria-labelledby="call-link-title">
            <div class="card-body">
                <h2 class="h5" id="call-link-title">{trv(|v| v.link_title)}</h2>
                <ErrorAlert error=form.alert />
                <Notice message=form.done />
                <form on:submit=submit novalidate>
                    <div class="row g-2 align-items-end">
                        <div class="col-12 col-md-8">
                            <TextInput id="call-link-q" label=trvs(|v| v.link_citizen) value=q help=trvs(|v| v.link_citizen_help) />
                        </div>
                        <div class="col-12 col-md-4 mb-4">
                            <button type="button" class="btn btn-outline-primary btn-sm" on:click=search>{trv(|v| v.link_search)}</button>
                        </div>
                    </div>
                    {move || searched.get().then(|| {
                        let list = found.get();
                        view! {
                            <p class="small" role="status">{(i18n.v().link_found)(list.len())}</p>
                            {(!list.is_empty()).then(|| view! {
                                <div class="select-wrapper mb-3">
                                    <label for="call-link-citizen">{trv(|v| v.citizen)}</label>
                                    <select id="call-link-citizen" on:change:target=move |ev| citizen.set(ev.target().value()) prop:value=move || citizen.get()>
                                        {list.into_iter().map(|u| {
                                            let label = format!("{} {}{}", u.first_name, u.last_name, u.fiscal_code.map(|c| format!(" · {c}")).unwrap_or_default());
                                            view! { <option value=u.id>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                            })}
                        }
                    })}
                    <TextInput id="call-link-request" label=trvs(|v| v.link_request) value=request help=trvs(|v| v.link_request_help) />
                    <button type="submit" class="btn btn-primary btn-sm" disabled=move || form.pending.get()>{trv(|v| v.link_submit)}</button>
                </form>
            </div>
        </section>
    }
}
