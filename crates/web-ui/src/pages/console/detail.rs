//! A request as the desk works it: data and deadline, thread with internal notes,
//! the actions the lifecycle allows now (from `domain`), and the history.

use domain::api::{
    CreateMessage, MailView, MessageView, Office, RequestView, TransitionRequest, User,
};
use domain::deadline::due_date;
use domain::lifecycle::ActionKind;
use domain::types::Description;
use domain::{DeadlineStatus, LatenessCause};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiResult};
use crate::components::thread::Thread;
use crate::components::{
    Checkbox, DeadlineBadge, ErrorAlert, FormState, Notice, Page, SelectInput, StatusBadge,
    TextArea, load,
};
use crate::format;
use crate::i18n::{ActionLabels, kind_label, status_label, tr, trs, trst, trsts, use_i18n};
use crate::pages::console::request_mail::{ExportPanel, MailSection};
use crate::pages::console::sender::SenderPanel;
use crate::pages::console::suggestions::Suggestions;
use crate::pages::console::taxpayers::PlanCarried;
use crate::session::use_tenant;

type Res<T> = LocalResource<ApiResult<T>>;

fn action_label(labels: &ActionLabels, action: ActionKind) -> &'static str {
    match action {
        ActionKind::Assign => labels.assign,
        ActionKind::Take => labels.take,
        ActionKind::RequestInfo => labels.request_info,
        ActionKind::Resume => labels.resume,
        ActionKind::Resolve => labels.resolve,
        ActionKind::Reject => labels.reject,
        ActionKind::Reclassify => labels.reclassify,
        ActionKind::Close => labels.close,
        ActionKind::Reopen => labels.reopen,
        ActionKind::Withdraw => labels.withdraw,
    }
}

#[component]
pub fn Detail() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let request: Res<RequestView> = LocalResource::new(move || {
        let id = id();
        async move { api::request(&id).await }
    });
    let messages: Res<Vec<MessageView>> = LocalResource::new(move || {
        let id = id();
        async move { api::messages(&id).await }
    });
    let history = LocalResource::new(move || {
        let id = id();
        async move { api::transitions(&id).await }
    });
    let mails: Res<Vec<MailView>> = LocalResource::new(move || {
        let id = id();
        async move { api::mails(&id).await }
    });
    let reload = move || {
        request.refetch();
        messages.refetch();
        history.refetch();
        // A reply or an outcome is mailed to the citizen: it shows as queued.
        mails.refetch();
    };
    // The outcome of an action lives here, outside what the reload redraws: the actions
    // panel is rebuilt for the new status, and its own state goes with it.
    let action_done = RwSignal::new(None::<String>);
    // The reply box, which the suggested answers write into.
    let reply = RwSignal::new(String::new());
    let title = Signal::derive(move || match request.get() {
        Some(Ok(r)) => format!("{} {}", i18n.t().request_title, r.protocol_number),
        _ => i18n.t().request_title.to_owned(),
    });
    view! {
        <Page title no_breadcrumbs=true>
            <p><a href="/console">{move || format!("← {}", i18n.s().queue_title)}</a></p>
            <div aria-live="polite">
                {move || {
                    action_done
                        .get()
                        .map(|m| {
                            view! {
                                <div class="alert alert-success" role="status" id="action-done" tabindex="-1">
                                    {m}
                                </div>
                            }
                        })
                }}
            </div>
            {load(request, move |r| {
                view! {
                    <div class="row">
                        <div class="col-12 col-xl-7">
                            <RequestData r=r.clone() />
                            {(r.kind == domain::RequestKind::Rateizzazione)
                                .then(|| view! { <PlanCarried request_id=r.id.clone() /> })}
                            <section aria-labelledby="thread-title" class="mt-4">
                                <h2 id="thread-title" class="h4">{tr(|t| t.thread_title)}</h2>
                                {load(messages, |items| view! { <Thread messages=items /> })}
                                {if r.allowed.reply {
                                    view! {
                                        <Suggestions request_id=r.id.clone() reply />
                                        <Compose id=r.id.clone() messages body=reply />
                                    }
                                        .into_any()
                                } else {
                                    view! { <p class="alert alert-info mt-3" role="note">{trst(|s| s.read_only_other_office)}</p> }.into_any()
                                }}
                            </section>
                            <MailSection id=r.id.clone() messages mails can_send=r.allowed.mail />
                            <section aria-labelledby="history-title" class="mt-4">
                                <h2 id="history-title" class="h4">{trst(|s| s.history_title)}</h2>
                                {load(history, move |items| {
                                    if items.is_empty() {
                                        return view! { <p>{trst(|s| s.history_empty)}</p> }.into_any();
                                    }
                                    let lang = i18n.lang();
                                    view! {
                                        <ol class="list-unstyled small">
                                            {items
                                                .into_iter()
                                                .map(|h| {
                                                    view! {
                                                        <li class="border-start border-2 ps-2 mb-2">
                                                            <time datetime=h.created_at.to_rfc3339()>{format::datetime(h.created_at)}</time>
                                                            " · "
                                                            <strong>{action_label(&i18n.s().action_labels, h.action)}</strong>
                                                            " · "
                                                            {format!("{} → {}", status_label(lang, h.from_status), status_label(lang, h.to_status))}
                                                            " · "
                                                            {h.actor.name}
                                                            {h.note.map(|n| view! { <span class="d-block pre-line">{n}</span> })}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ol>
                                    }
                                        .into_any()
                                })}
                            </section>
                        </div>
                        // On a phone the actions come first; on a desktop they stay in view
                        // beside a long thread.
                        <div class="col-12 col-xl-5 order-first order-xl-last">
                            // Only what acts on the request stays in view; the export follows.
                            <div class="sticky-xl-top request-actions">
                                {r.allowed.link_sender.then(|| view! { <SenderPanel id=r.id.clone() reload done=action_done /> })}
                                <Actions r=r.clone() reload action_done reply />
                            </div>
                            {r.allowed.export.then(|| view! { <ExportPanel id=r.id.clone() protocol=r.protocol_number.clone() /> })}
                        </div>
                    </div>
                }
            })}
        </Page>
    }
}

#[component]
fn RequestData(r: RequestView) -> impl IntoView {
    let i18n = use_i18n();
    let citizen = r.citizen.clone().map(|c| {
        let contact = [c.fiscal_code, c.email, c.phone]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        // "SPID L2", "CIE L3": how the citizen was identified (none: by document).
        let identified = c
            .identities
            .iter()
            .map(|i| format!("{} {}", i.provider.label(), i.level))
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <dt class="col-sm-4">{tr(|t| t.citizen)}</dt>
            <dd class="col-sm-8">
                {c.name}
                <span class="d-block small">{contact}</span>
                {(!identified.is_empty()).then(|| view! {
                    <span class="badge bg-success mt-1" data-testid="identified-with">{identified}</span>
                })}
            </dd>
        }
    });
    // The type's own labels (and option labels) for the fields, in the form's order;
    // fields the type no longer defines keep their key.
    let defs = use_tenant()
        .types()
        .into_iter()
        .find(|t| t.code == r.type_code)
        .map(|t| t.fields)
        .unwrap_or_default();
    let mut keys: Vec<&String> = r.fields.keys().collect();
    keys.sort_by_key(|k| {
        defs.iter()
            .position(|d| &d.name == *k)
            .unwrap_or(usize::MAX)
    });
    let fields = keys
        .into_iter()
        .map(|k| {
            let def = defs.iter().find(|d| &d.name == k);
            let value = match &r.fields[k] {
                serde_json::Value::String(s) => def
                    .and_then(|d| d.options.iter().find(|o| &o.value == s))
                    .map_or_else(|| s.clone(), |o| o.label.clone()),
                serde_json::Value::Bool(true) => i18n.t().yes.to_owned(),
                serde_json::Value::Bool(false) => i18n.t().no.to_owned(),
                other => other.to_string(),
            };
            let label = def.map_or_else(|| k.clone(), |d| d.label.clone());
            view! {
                <dt class="col-sm-4">{label}</dt>
                <dd class="col-sm-8">{value}</dd>
            }
        })
        .collect_view();
    let channel = r.channel;
    let kind = r.kind;
    view! {
        <div class="d-flex flex-wrap align-items-center gap-2 mb-3">
            <h2 class="h3 mb-0">{r.subject.clone()}</h2>
            <StatusBadge status=r.status />
            <DeadlineBadge status=r.deadline_status left=r.working_days_left />
        </div>
        <dl class="row">
            <dt class="col-sm-4">{tr(|t| t.protocol_number)}</dt>
            <dd class="col-sm-8 font-monospace">{r.protocol_number.clone()}</dd>
            <dt class="col-sm-4">{tr(|t| t.type_label)}</dt>
            <dd class="col-sm-8">
                {
                    let name = r.type_name.clone();
                    // The TQRIF kind in brackets, unless the type is named after it.
                    move || {
                        let kind = kind_label(i18n.lang(), kind);
                        if kind.eq_ignore_ascii_case(&name) {
                            name.clone()
                        } else {
                            format!("{name} ({kind})")
                        }
                    }
                }
            </dd>
            <dt class="col-sm-4">{tr(|t| t.channel)}</dt>
            <dd class="col-sm-8">
                {move || {
                    domain::Channel::ALL
                        .iter()
                        .position(|c| *c == channel)
                        .map_or("—", |i| i18n.s().channel_labels[i])
                }}
            </dd>
            <dt class="col-sm-4">{tr(|t| t.received_at)}</dt>
            <dd class="col-sm-8">{format::datetime(r.received_at)}</dd>
            <dt class="col-sm-4">{tr(|t| t.deadline)}</dt>
            <dd class="col-sm-8">{format::opt_date(r.due_date)}</dd>
            <dt class="col-sm-4">{trst(|s| s.office)}</dt>
            <dd class="col-sm-8">{r.office.as_ref().map_or_else(|| "—".into(), |o| o.name.clone())}</dd>
            <dt class="col-sm-4">{trst(|s| s.assignee)}</dt>
            <dd class="col-sm-8">{r.assignee.as_ref().map_or_else(|| "—".into(), |o| o.name.clone())}</dd>
            {citizen}
            {fields}
            <dt class="col-sm-4">{tr(|t| t.description)}</dt>
            <dd class="col-sm-8 pre-line">{r.description.clone()}</dd>
        </dl>
    }
}

/// A public reply or an internal note.
#[component]
fn Compose(id: String, messages: Res<Vec<MessageView>>, body: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let internal = RwSignal::new(false);
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = match Description::parse(&body.get_untracked()) {
            Ok(t) => t.into_inner(),
            Err(e) => return form.invalid(&e.at_field("body")),
        };
        form.start();
        let id = id.clone();
        spawn_local(async move {
            let msg = CreateMessage {
                body: text,
                internal: internal.get_untracked(),
            };
            match api::post_message(&id, &msg).await {
                Ok(_) => {
                    body.set(String::new());
                    form.succeed(i18n.t().message_sent);
                    messages.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <form on:submit=submit class="mt-3" novalidate>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <TextArea id="msg-body" label=trs(|t| t.reply_label) value=body required=true error=form.error_for("body") rows=3 />
            <Checkbox id="msg-internal" label=trsts(|s| s.internal_checkbox) checked=internal />
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{tr(|t| t.send)}</button>
        </form>
    }
}

/// A resolve, an information request and a rejection speak to the citizen: their text is
/// the reply the citizen gets.
fn speaks_to_citizen(action: ActionKind) -> bool {
    matches!(
        action,
        ActionKind::Resolve | ActionKind::RequestInfo | ActionKind::Reject
    )
}

/// The actions the lifecycle allows from this status for this role, each with its inputs.
#[component]
fn Actions(
    r: RequestView,
    reload: impl Fn() + Copy + Send + Sync + 'static,
    action_done: RwSignal<Option<String>>,
    // The thread's reply box: an action that speaks to the citizen takes its text, so a
    // reply and a resolution are one message, not two.
    reply: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    // What the server accepts now for this caller (the same domain rule), without the
    // citizen's own withdrawal.
    let available: Vec<ActionKind> = r
        .allowed
        .actions
        .iter()
        .copied()
        .filter(|a| *a != ActionKind::Withdraw)
        .collect();
    let chosen = RwSignal::new(None::<ActionKind>);
    let note = RwSignal::new(String::new());
    let office = RwSignal::new(r.office.as_ref().map(|o| o.id.clone()).unwrap_or_default());
    let assignee = RwSignal::new(String::new());
    let new_type = RwSignal::new(String::new());
    let cause = RwSignal::new(String::new());
    let form = FormState::new();
    let offices: Res<Vec<Office>> = LocalResource::new(api::offices);
    let users: Res<Vec<User>> = LocalResource::new(api::users);
    let overdue = r.deadline_status == Some(DeadlineStatus::Overdue);
    let received_at = r.received_at;
    let id = StoredValue::new(r.id.clone());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(action) = chosen.get_untracked() else {
            return;
        };
        let text = note.get_untracked().trim().to_owned();
        if speaks_to_citizen(action) && text.is_empty() {
            return form.invalid(&domain::DomainError::invalid(
                "note",
                "Scrivi il testo per il cittadino",
                "Write the text for the citizen",
            ));
        }
        let some = |s: String| (!s.is_empty()).then_some(s);
        let body = TransitionRequest {
            action,
            office_id: (action == ActionKind::Assign)
                .then(|| some(office.get_untracked()))
                .flatten(),
            assignee_id: (action == ActionKind::Assign)
                .then(|| some(assignee.get_untracked()))
                .flatten(),
            type_code: (action == ActionKind::Reclassify)
                .then(|| some(new_type.get_untracked()))
                .flatten(),
            note: some(text),
            cause: (action == ActionKind::Resolve)
                .then(|| {
                    LatenessCause::ALL
                        .into_iter()
                        .find(|c| c.code() == cause.get_untracked())
                })
                .flatten(),
        };
        form.start();
        spawn_local(async move {
            match api::transition(&id.get_value(), &body).await {
                Ok(_) => {
                    form.pending.set(false);
                    chosen.set(None);
                    note.set(String::new());
                    if speaks_to_citizen(action) {
                        reply.set(String::new());
                    }
                    action_done.set(Some(i18n.s().action_done.to_owned()));
                    reload();
                    // The button that had focus is gone with the old panel.
                    request_animation_frame(|| crate::browser::focus("action-done"));
                }
                Err(e) => form.fail(e),
            }
        });
    };

    let office_options = Signal::derive(move || {
        let mut o = vec![(String::new(), i18n.t().choose.to_owned())];
        if let Some(Ok(list)) = offices.get() {
            o.extend(list.into_iter().map(|of| (of.id, of.name)));
        }
        o
    });
    let user_options = Signal::derive(move || {
        let mut o = vec![(String::new(), i18n.t().none.to_owned())];
        let wanted = office.get();
        if let Some(Ok(list)) = users.get() {
            o.extend(
                list.into_iter()
                    .filter(|u| u.active && u.role.is_staff())
                    .filter(|u| wanted.is_empty() || u.office_ids.contains(&wanted))
                    .map(|u| (u.id, format!("{} {}", u.first_name, u.last_name))),
            );
        }
        o
    });
    let type_options = Signal::derive(move || {
        let mut o = vec![(String::new(), i18n.t().choose.to_owned())];
        o.extend(tenant.types().into_iter().map(|t| (t.code, t.name)));
        o
    });
    let cause_options = Signal::derive(move || {
        let mut o = vec![(String::new(), i18n.t().none.to_owned())];
        o.extend(
            LatenessCause::ALL
                .into_iter()
                .zip(i18n.s().cause_labels)
                .map(|(c, l)| (c.code().to_owned(), l.to_owned())),
        );
        o
    });
    // Reclassification recomputes the deadline from the original receipt (TQRIF art. 13).
    let recomputed = move || {
        let code = new_type.get();
        let rt = tenant.types().into_iter().find(|t| t.code == code)?;
        Some(due_date(received_at, rt.standard_days, &tenant.calendar()))
    };

    let inputs = move || {
        let action = chosen.get()?;
        let t = i18n.t();
        let s = i18n.s();
        let note_label = match action {
            ActionKind::Resolve | ActionKind::RequestInfo => s.public_reply_label,
            ActionKind::Reject => s.reason_label,
            _ => s.note_label,
        };
        Some(view! {
            <form on:submit=submit class="mt-3 p-3 border rounded" novalidate>
                <h3 class="h5">{action_label(&i18n.s().action_labels, action)}</h3>
                {(action == ActionKind::Assign).then(|| view! {
                    <SelectInput id="act-office" label=trsts(|s| s.office) value=office options=office_options required=true />
                    <SelectInput id="act-assignee" label=trsts(|s| s.assignee) value=assignee options=user_options />
                })}
                {(action == ActionKind::Reclassify).then(|| view! {
                    <SelectInput id="act-type" label=trsts(|s| s.new_type) value=new_type options=type_options required=true />
                    <p role="status" data-testid="recomputed-due">
                        {move || recomputed().map(|due| format!("{}: {}", i18n.s().recomputed_due, due.map_or_else(|| i18n.t().no_standard_due.to_owned(), format::date)))}
                    </p>
                })}
                {(action == ActionKind::Resolve && overdue).then(|| view! {
                    <SelectInput id="act-cause" label=trsts(|s| s.cause_label) value=cause options=cause_options />
                })}
                {if speaks_to_citizen(action) {
                    view! {
                        <TextArea
                            id="act-note"
                            label=Signal::stored(note_label.to_owned())
                            value=note
                            required=true
                            error=form.error_for("note")
                            rows=4
                            help=Signal::stored(s.public_reply_help.to_owned())
                        />
                    }
                        .into_any()
                } else {
                    view! {
                        <TextArea id="act-note" label=Signal::stored(note_label.to_owned()) value=note error=form.error_for("note") rows=4 />
                    }
                        .into_any()
                }}
                <div class="d-flex gap-2">
                    <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{t.confirm}</button>
                    <button type="button" class="btn btn-outline-primary" on:click=move |_| chosen.set(None)>{s.cancel}</button>
                </div>
            </form>
        })
    };

    view! {
        <section aria-labelledby="actions-title" class="card card-bg p-3">
            <h2 id="actions-title" class="h4">{trst(|s| s.actions_title)}</h2>
            <ErrorAlert error=form.alert />
            {available.is_empty().then(|| view! { <p class="mb-0">{trst(|s| s.no_actions)}</p> })}
            <div class="d-flex flex-wrap gap-2">
                {available
                    .into_iter()
                    .map(|a| {
                        view! {
                            <button
                                type="button"
                                class="btn btn-sm"
                                class:btn-primary=move || chosen.get() == Some(a)
                                class:btn-outline-primary=move || chosen.get() != Some(a)
                                aria-pressed=move || (chosen.get() == Some(a)).to_string()
                                data-action=a.code()
                                on:click=move |_| {
                                    form.alert.set(None);
                                    action_done.set(None);
                                    if speaks_to_citizen(a) && note.with_untracked(|n| n.trim().is_empty()) {
                                        note.set(reply.get_untracked());
                                    }
                                    chosen.set(Some(a));
                                }
                            >
                                {move || action_label(&i18n.s().action_labels, a)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            {inputs}
        </section>
    }
}
