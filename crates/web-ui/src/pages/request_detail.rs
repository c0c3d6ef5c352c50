//! A citizen's request: data, status, thread, reply (with attachments) and withdraw.

use domain::Status;
use domain::api::{CreateMessage, RequestView, TransitionRequest};
use domain::lifecycle::ActionKind;
use domain::types::Description;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use web_sys::File;

use crate::api;
use crate::browser;
use crate::components::thread::Thread;
use crate::components::{
    Crumb, ErrorAlert, FileInput, FormState, Need, Notice, Page, ProgressBar, RequireLogin,
    StatusBadge, TextArea, load,
};
use crate::format;
use crate::i18n::use_i18n;
use crate::i18n::{tr, trs};

#[component]
pub fn RequestDetail() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page
                title=trs(|t| t.request_title)
                crumbs=vec![
                    Crumb::new(|t| t.nav_personal_area, "/area-personale"),
                    Crumb::new(|t| t.my_requests_title, "/area-personale"),
                ]
            >
                <RequireLogin need=Need::Citizen>
                    <Detail />
                </RequireLogin>
            </Page>
        </div>
    }
}

#[component]
fn Detail() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let request = LocalResource::new(move || {
        let id = id();
        async move { api::request(&id).await }
    });
    let messages = LocalResource::new(move || {
        let id = id();
        async move { api::messages(&id).await }
    });
    // Outside what a reload redraws, so the confirmation of a withdrawal stays.
    let done = RwSignal::new(None::<String>);
    // The reply form while the request is open; a memo, so reloading the request after a
    // reply (the server resumes a request waiting for the citizen) keeps the form as is.
    let open_id = Memo::new(move |_| {
        request
            .get()
            .and_then(Result::ok)
            .filter(|r| r.status.is_open())
            .map(|r| r.id)
    });
    view! {
        <Notice message=done />
        {load(request, move |r| view! { <Summary r request done /> })}
        <section aria-labelledby="thread-title" class="mt-5">
            <h2 id="thread-title" class="h4">{tr(|t| t.thread_title)}</h2>
            {load(messages, |items| view! { <Thread messages=items /> })}
            {move || open_id.get().map(|id| view! { <Reply id messages request /> })}
        </section>
    }
}

#[component]
fn Summary(
    r: RequestView,
    request: LocalResource<api::ApiResult<RequestView>>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let id = r.id.clone();
    let can_withdraw = r.allowed.actions.contains(&ActionKind::Withdraw);
    let withdraw = move |_| {
        if !browser::confirm(i18n.t().withdraw_confirm) {
            return;
        }
        form.start();
        let id = id.clone();
        spawn_local(async move {
            let body = TransitionRequest {
                action: ActionKind::Withdraw,
                office_id: None,
                assignee_id: None,
                type_code: None,
                note: None,
                cause: None,
            };
            match api::transition(&id, &body).await {
                Ok(_) => {
                    form.pending.set(false);
                    done.set(Some(i18n.t().withdrawn_done.to_owned()));
                    request.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let resolved = r.resolved_at.map(|at| {
        view! {
            <dt class="col-sm-4">{tr(|t| t.resolved_at)}</dt>
            <dd class="col-sm-8">{format::datetime(at)}</dd>
        }
    });
    view! {
        <div class="d-flex flex-wrap align-items-center gap-2 mb-3">
            <h2 class="h3 mb-0">{r.subject.clone()}</h2>
            <StatusBadge status=r.status />
        </div>
        <ErrorAlert error=form.alert />
        <dl class="row">
            <dt class="col-sm-4">{tr(|t| t.protocol_number)}</dt>
            <dd class="col-sm-8 font-monospace" data-testid="protocol-number">{r.protocol_number.clone()}</dd>
            <dt class="col-sm-4">{tr(|t| t.type_label)}</dt>
            <dd class="col-sm-8">{r.type_name.clone()}</dd>
            <dt class="col-sm-4">{tr(|t| t.received_at)}</dt>
            <dd class="col-sm-8">{format::datetime(r.received_at)}</dd>
            <dt class="col-sm-4">{tr(|t| t.due_date)}</dt>
            <dd class="col-sm-8" data-testid="due-date">{format::opt_date(r.due_date)}</dd>
            {resolved}
            <dt class="col-sm-4">{tr(|t| t.description)}</dt>
            <dd class="col-sm-8 pre-line">{r.description.clone()}</dd>
        </dl>
        {(can_withdraw && r.status != Status::Withdrawn)
            .then(|| {
                view! {
                    <button type="button" class="btn btn-outline-danger" on:click=withdraw disabled=move || form.pending.get()>
                        {tr(|t| t.withdraw)}
                    </button>
                }
            })}
    }
}

#[component]
fn Reply(
    id: String,
    messages: LocalResource<api::ApiResult<Vec<domain::api::MessageView>>>,
    request: LocalResource<api::ApiResult<RequestView>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let body = RwSignal::new(String::new());
    let files: RwSignal<Vec<File>, LocalStorage> = RwSignal::new_local(Vec::new());
    let progress = RwSignal::new(None::<f64>);
    let form = FormState::new();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        let text = match Description::parse(&body.get_untracked()) {
            Ok(t) => t.into_inner(),
            Err(e) => {
                form.invalid(&e.at_field("body"));
                return;
            }
        };
        form.start();
        let id = id.clone();
        let chosen = files.get_untracked();
        spawn_local(async move {
            let message = CreateMessage {
                body: text,
                internal: false,
            };
            let result = if chosen.is_empty() {
                api::post_message(&id, &message).await
            } else {
                progress.set(Some(0.0));
                let r = api::post_message_with_files(&id, &message, &chosen, move |p| {
                    progress.set(Some(p));
                })
                .await;
                progress.set(None);
                r
            };
            match result {
                Ok(_) => {
                    body.set(String::new());
                    // Empty the file picker too, or the same files would go again.
                    files.set(Vec::new());
                    if let Some(f) = form_ref.get_untracked() {
                        f.reset();
                    }
                    form.succeed(i18n.t().message_sent);
                    messages.refetch();
                    // A reply to a request for information resumes it: show the new status.
                    request.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <form on:submit=submit class="mt-4" novalidate node_ref=form_ref>
            <h3 class="h5">{tr(|t| t.reply)}</h3>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <TextArea
                id="reply-body"
                label=trs(|t| t.reply_label)
                value=body
                required=true
                error=form.error_for("body")
                rows=4
            />
            <FileInput
                id="reply-files"
                label=trs(|t| t.attachments)
                files
                multiple=true
            />
            <ProgressBar progress />
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                {tr(|t| t.send)}
            </button>
        </form>
    }
}
