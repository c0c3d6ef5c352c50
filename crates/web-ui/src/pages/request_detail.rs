//! A citizen's request: its status in the citizen's words, the data and form fields they
//! sent, the receipt, the timeline of its status, the thread and reply (with attachments),
//! reopening and rating once concluded, and withdrawing.

use domain::CitizenStatus;
use domain::api::{CreateMessage, RequestView, TransitionRequest};
use domain::forms::display_fields;
use domain::lifecycle::{ActionKind, citizen_timeline, reopen_until};
use domain::rating::can_rate;
use domain::types::Description;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use web_sys::File;

use crate::api;
use crate::app::REQUESTS_PATH;
use crate::browser;
use crate::components::rating::AnswerRatingBlock;
use crate::components::thread::Thread;
use crate::components::{
    CitizenStatusBadge, Crumb, ErrorAlert, FileInput, FormState, Need, Notice, Page, ProgressBar,
    RequireLogin, TextArea, load,
};
use crate::format;
use crate::i18n::{personal_texts, trpa, use_i18n};
use crate::i18n::{tr, trs};
use crate::pages::preferences::PersonalAreaNav;

#[component]
pub fn RequestDetail() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page
                title=trs(|t| t.request_title)
                crumbs=vec![
                    Crumb::new(|t| t.nav_personal_area, "/area-personale"),
                    Crumb::new(|t| t.my_requests_title, REQUESTS_PATH),
                ]
            >
                <RequireLogin need=Need::Citizen>
                    <PersonalAreaNav />
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
    // Concluded: reopening (within its window) and the rating.
    let concluded = Memo::new(move |_| {
        request
            .get()
            .and_then(Result::ok)
            .filter(|r| can_rate(r.status))
    });
    let withdrawable = Memo::new(move |_| {
        request
            .get()
            .and_then(Result::ok)
            .filter(|r| r.allowed.actions.contains(&ActionKind::Withdraw))
            .map(|r| r.id)
    });
    view! {
        <Notice message=done />
        {load(request, move |r| view! { <Summary r /> })}
        <section aria-labelledby="thread-title" class="mt-5">
            <h2 id="thread-title" class="h4">{tr(|t| t.thread_title)}</h2>
            {load(messages, |items| view! { <Thread messages=items /> })}
            {move || open_id.get().map(|id| view! { <Reply id messages request /> })}
        </section>
        {move || concluded.get().map(|r| view! { <AfterAnswer r request done /> })}
        {move || withdrawable.get().map(|id| view! { <Withdraw id request done /> })}
    }
}

#[component]
fn Summary(r: RequestView) -> impl IntoView {
    let resolved = r.resolved_at.map(|at| {
        view! {
            <dt class="col-sm-4">{tr(|t| t.resolved_at)}</dt>
            <dd class="col-sm-8">{format::datetime(at)}</dd>
        }
    });
    let receipt_name = format!("ricevuta-{}.pdf", r.protocol_number.replace('/', "-"));
    view! {
        <div class="d-flex flex-wrap align-items-center gap-2 mb-3">
            <h2 class="h3 mb-0">{r.subject.clone()}</h2>
            <CitizenStatusBadge status=r.status />
        </div>
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
        <Fields type_code=r.type_code.clone() values=r.fields.clone() />
        <DownloadReceipt url=api::receipt_pdf_url(&r.id) filename=receipt_name />
        <Timeline id=r.id.clone() received_at=r.received_at />
    }
}

/// Every field of the type's form the citizen filled in, by its label.
#[component]
fn Fields(
    type_code: String,
    values: std::collections::BTreeMap<String, serde_json::Value>,
) -> impl IntoView {
    let i18n = use_i18n();
    let types = LocalResource::new(api::request_types);
    let values = StoredValue::new(values);
    let type_code = StoredValue::new(type_code);
    view! {
        {load(types, move |types| {
            let defs = types
                .into_iter()
                .find(|t| t.code == type_code.get_value())
                .map(|t| t.fields)
                .unwrap_or_default();
            move || {
                let rows = values.with_value(|v| display_fields(&defs, v, i18n.lang()));
                (!rows.is_empty())
                    .then(|| {
                        view! {
                            <section aria-labelledby="fields-title" class="mb-4">
                                <h3 id="fields-title" class="h5">{trpa(|t| t.fields_title)}</h3>
                                <dl class="row" data-testid="request-fields">
                                    {rows
                                        .into_iter()
                                        .map(|(label, value)| {
                                            view! {
                                                <dt class="col-sm-4">{label}</dt>
                                                <dd class="col-sm-8 pre-line">{value}</dd>
                                            }
                                        })
                                        .collect_view()}
                                </dl>
                            </section>
                        }
                    })
            }
        })}
    }
}

#[component]
fn DownloadReceipt(url: String, filename: String) -> impl IntoView {
    let error = RwSignal::new(None::<api::ApiError>);
    let busy = RwSignal::new(false);
    let (url, filename) = (StoredValue::new(url), StoredValue::new(filename));
    let click = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            error.set(
                api::download(&url.get_value(), &filename.get_value())
                    .await
                    .err(),
            );
            busy.set(false);
        });
    };
    view! {
        <div class="mb-4">
            <button type="button" class="btn btn-primary" data-testid="receipt" disabled=move || busy.get() on:click=click>
                {trpa(|t| t.receipt)}
            </button>
            <ErrorAlert error=error />
        </div>
    }
}

/// The status changes the citizen is told of, with their dates (routing and closing are
/// left out: `domain::lifecycle::citizen_timeline`).
#[component]
fn Timeline(id: String, received_at: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let i18n = use_i18n();
    let history = LocalResource::new(move || {
        let id = id.clone();
        async move { api::transitions(&id).await }
    });
    view! {
        <section aria-labelledby="timeline-title" class="mb-4">
            <h3 id="timeline-title" class="h5">{trpa(|t| t.timeline_title)}</h3>
            {load(history, move |items| {
                let steps = citizen_timeline(
                    received_at,
                    items.into_iter().map(|t| (t.to_status, t.created_at)),
                );
                let last = steps.len().saturating_sub(1);
                view! {
                    <ol class="list-unstyled border-start ps-3" data-testid="timeline">
                        {steps
                            .into_iter()
                            .enumerate()
                            .map(|(i, (status, at))| {
                                view! {
                                    <li class="mb-2" data-citizen-status=status.code() aria-current=(i == last).then_some("step")>
                                        <span class:fw-semibold={i == last}>{move || status.label(i18n.lang())}</span>
                                        " – "
                                        <time datetime=at.to_rfc3339()>{format::datetime(at)}</time>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
            })}
        </section>
    }
}

/// After the answer: reopen within the window (if the lifecycle allows it now) and rate.
#[component]
fn AfterAnswer(
    r: RequestView,
    request: LocalResource<api::ApiResult<RequestView>>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let can_reopen = r.allowed.actions.contains(&ActionKind::Reopen);
    let until = r
        .resolved_at
        .map(|at| format::date(domain::rome_date(reopen_until(at))));
    let id = r.id.clone();
    let reopen = move |_| {
        if !browser::confirm(personal_texts(i18n.lang()).reopen_confirm) {
            return;
        }
        form.start();
        let id = id.clone();
        spawn_local(async move {
            let body = TransitionRequest {
                action: ActionKind::Reopen,
                office_id: None,
                assignee_id: None,
                type_code: None,
                note: None,
                cause: None,
            };
            match api::transition(&id, &body).await {
                Ok(_) => {
                    form.pending.set(false);
                    done.set(Some(personal_texts(i18n.lang()).reopened.to_owned()));
                    request.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let reopen_block = (can_reopen && r.status.citizen() == CitizenStatus::Concluded).then(|| {
        let until = until.clone().unwrap_or_default();
        view! {
            <section aria-labelledby="reopen-title" class="mt-5">
                <h2 id="reopen-title" class="h4">{trpa(|t| t.concluded_title)}</h2>
                <p>{move || (personal_texts(i18n.lang()).reopen_intro)(&until)}</p>
                <ErrorAlert error=form.alert />
                <button type="button" class="btn btn-outline-primary" on:click=reopen disabled=move || form.pending.get()>
                    {trpa(|t| t.reopen)}
                </button>
            </section>
        }
    });
    view! {
        {reopen_block}
        <AnswerRatingBlock id=r.id.clone() />
    }
}

/// "Ritira la richiesta": available while the request is open, kept secondary.
#[component]
fn Withdraw(
    id: String,
    request: LocalResource<api::ApiResult<RequestView>>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
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
    view! {
        <div class="mt-5 pt-3 border-top">
            <ErrorAlert error=form.alert />
            <button type="button" class="btn btn-outline-secondary" on:click=withdraw disabled=move || form.pending.get()>
                {tr(|t| t.withdraw)}
            </button>
        </div>
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
