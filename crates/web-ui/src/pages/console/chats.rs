//! The live chat queue and a conversation. The console keeps one real-time connection
//! open on every page (an operator with the console open counts as online for their
//! offices' topics): the side menu counts the waiting chats and announces a new one, the
//! queue and the conversation follow it live.

use domain::RequestKind;
use domain::api::{ChatActionRequest, ChatView, RealtimeEvent};
use domain::chat::{ChatAction, ChatStatus};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

use crate::api::{self, chat};
use crate::components::chat::{
    ChatLog, Composer, Indicators, Live, apply_event, mark_read_when_visible, run_action, use_live,
};
use crate::components::{ErrorAlert, FormState, Notice, Page, SelectInput, TextInput, load};
use crate::format;
use crate::i18n::{trc, trcs, use_i18n};
use crate::session::{use_session, use_tenant};

pub const PATH: &str = "/console/chat";

/// Shares the console's connection with its pages (connected by [`ChatNavItem`]).
pub fn provide_chat_feed() {
    provide_context(Live::new());
}

fn is_chat_event(ev: &RealtimeEvent) -> bool {
    matches!(ev.kind.as_str(), "chat.created" | "chat.updated")
}

/// "Chat" in the side menu: the waiting chats' count, and an assertive announcement
/// (shown too) when a new chat waits.
#[component]
pub fn ChatNavItem() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    live.start();
    let location = use_location();
    let waiting = LocalResource::new(|| chat::list(ChatStatus::Waiting));
    let cue = RwSignal::new(None::<String>);
    live.subscribe(move |ev| {
        if !is_chat_event(ev) {
            return;
        }
        if ev.kind == "chat.created"
            && let Ok(c) = serde_json::from_value::<ChatView>(ev.data.clone())
        {
            cue.set(Some((i18n.c().new_chat_cue)(&c.topic_name)));
        }
        waiting.refetch();
    });
    let count = move || waiting.get().and_then(Result::ok).map_or(0, |w| w.len());
    let current = move || location.pathname.get().starts_with(PATH);
    view! {
        <li>
            <a
                class="list-item"
                class:active=current
                href=PATH
                aria-current=move || current().then_some("page")
            >
                <span>{trc(|c| c.nav)}</span>
                {move || (count() > 0).then(|| view! {
                    " "
                    <span class="badge bg-danger" data-testid="chat-waiting-count">
                        {count()}
                        <span class="visually-hidden">{(i18n.c().waiting_count)(count())}</span>
                    </span>
                })}
            </a>
            <p class="small fw-semibold mb-0 px-3" aria-live="assertive" data-testid="chat-cue">
                // Until no chat waits any more.
                {move || (count() > 0).then(|| cue.get()).flatten()}
            </p>
        </li>
    }
}

fn tab_status(code: &str) -> ChatStatus {
    code.parse().unwrap_or(ChatStatus::Waiting)
}

#[component]
pub fn ChatQueue() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let query = use_query_map();
    let status =
        Memo::new(move |_| tab_status(&query.with(|q| q.get("stato").unwrap_or_default())));
    let list = LocalResource::new(move || chat::list(status.get()));
    // Chats that arrived while the page is open, marked "Nuova" until opened.
    let fresh = RwSignal::new(Vec::<String>::new());
    live.subscribe(move |ev| {
        if !is_chat_event(ev) {
            return;
        }
        if ev.kind == "chat.created"
            && let Some(id) = &ev.chat_id
        {
            fresh.update(|f| f.push(id.clone()));
        }
        list.refetch();
    });
    let tabs = [ChatStatus::Waiting, ChatStatus::Active, ChatStatus::Closed]
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let href = format!("{PATH}?stato={}", s.code());
            let here = move || status.get() == s;
            view! {
                <li class="nav-item">
                    <a class="nav-link" class:active=here href=href aria-current=move || here().then_some("page")>
                        {move || i18n.c().tabs[i]}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <Page title=trcs(|c| c.console_title) no_breadcrumbs=true>
            <nav aria-label=trc(|c| c.tabs_label)>
                <ul class="nav nav-tabs mb-3">{tabs}</ul>
            </nav>
            {load(list, move |items| view! { <QueueTable items fresh /> })}
        </Page>
    }
}

#[component]
fn QueueTable(items: Vec<ChatView>, fresh: RwSignal<Vec<String>>) -> impl IntoView {
    let i18n = use_i18n();
    if items.is_empty() {
        return view! { <p>{trc(|c| c.none)}</p> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|c| {
            let href = format!("{PATH}/{}", c.id);
            let id = c.id.clone();
            let is_new = move || fresh.with(|f| f.contains(&id));
            let state = move || match (c.status, c.queue_position, &c.assignee) {
                (ChatStatus::Waiting, Some(n), _) => format!("{} ({n})", i18n.c().status(c.status)),
                (ChatStatus::Active, _, Some(a)) => (i18n.c().handled_by)(&a.name),
                (s, ..) => i18n.c().status(s).to_owned(),
            };
            view! {
                <tr data-testid="chat-row">
                    <td>
                        <a href=href>{c.topic_name.clone()}</a>
                        {move || is_new().then(|| view! { " " <span class="badge bg-danger">{trc(|c| c.new_badge)}</span> })}
                    </td>
                    <td>{c.citizen.name.clone()}</td>
                    <td>{format::datetime(c.started_at)}</td>
                    <td>{c.office_name.clone()}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-responsive">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{trc(|c| c.col_topic)}</th>
                        <th scope="col">{trc(|c| c.col_citizen)}</th>
                        <th scope="col">{trc(|c| c.col_started)}</th>
                        <th scope="col">{trc(|c| c.col_office)}</th>
                        <th scope="col">{trc(|c| c.col_state)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn ChatConversation() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let found = LocalResource::new(move || {
        let id = id.get();
        async move { chat::chat(&id).await }
    });
    let chat = RwSignal::new(None::<ChatView>);
    let ind = Indicators::new();
    let live = use_live();
    live.subscribe(move |ev| apply_event(chat, ind, true, ev));
    mark_read_when_visible(chat, true);
    let title = Signal::derive(move || {
        chat.with(|c| c.as_ref().map(|c| (i18n.c().chat_of)(&c.citizen.name)))
            .unwrap_or_else(|| i18n.c().nav.to_owned())
    });
    view! {
        <Page title no_breadcrumbs=true>
            <p><a href=PATH>{trc(|c| c.back)}</a></p>
            {load(found, move |c| {
                chat.set(Some(c));
                view! { <Desk chat live ind /> }
            })}
        </Page>
    }
}

/// The conversation and what the operator can do with it.
#[component]
fn Desk(chat: RwSignal<Option<ChatView>>, live: Live, ind: Indicators) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let form = FormState::new();
    let body = RwSignal::new(String::new());
    let id = StoredValue::new(
        chat.with_untracked(|c| c.as_ref().map(|c| c.id.clone()).unwrap_or_default()),
    );
    let status = Memo::new(move |_| chat.with(|c| c.as_ref().map(|c| c.status)));
    let mine = Memo::new(move |_| {
        let me = session.me.with(|m| m.as_ref().map(|m| m.id.clone()));
        chat.with(|c| {
            c.as_ref()
                .and_then(|c| c.assignee.as_ref())
                .and_then(|a| a.id.clone())
        }) == me
            && me.is_some()
    });
    let line = move || {
        chat.with(|c| {
            let c = c.as_ref()?;
            let office = c.office_name.clone().unwrap_or_default();
            Some(match &c.assignee {
                Some(a) if c.status == ChatStatus::Active => {
                    format!("{office} · {}", (i18n.c().handled_by)(&a.name))
                }
                _ => format!("{office} · {}", i18n.c().status(c.status)),
            })
        })
    };
    let simple = move |action: ChatAction, done: Option<&'static str>| {
        let id = id.get_value();
        run_action(
            form,
            chat,
            async move { chat::simple(&id, action).await },
            done.map(str::to_owned),
        );
    };
    view! {
        <div class="d-flex flex-wrap align-items-center gap-2 mb-2">
            <h2 class="h4 mb-0">{move || chat.with(|c| c.as_ref().map(|c| c.topic_name.clone()))}</h2>
        </div>
        <p data-testid="chat-status">{line}</p>
        <Notice message=form.done />
        <ErrorAlert error=form.alert />
        {move || (status.get() == Some(ChatStatus::Waiting)).then(|| view! {
            <button type="button" class="btn btn-primary mb-3" on:click=move |_| simple(ChatAction::Accept, None) disabled=move || form.pending.get()>
                {trc(|c| c.accept)}
            </button>
        })}
        <ChatLog chat staff=true ind />
        {move || {
            let open = status.get().is_some_and(ChatStatus::is_open);
            let writing = status.get() == Some(ChatStatus::Active) && mine.get();
            view! {
                {writing.then(|| view! {
                    <div class="row">
                        <div class="col-12 col-xl-7"><Composer chat live body /></div>
                        <div class="col-12 col-xl-5 mt-4"><Canned body /></div>
                    </div>
                })}
                {open.then(|| view! {
                    <div class="d-flex flex-wrap gap-2 mt-3">
                        <button type="button" class="btn btn-outline-danger" on:click=move |_| simple(ChatAction::Close, Some(i18n.c().closed_done)) disabled=move || form.pending.get()>
                            {trc(|c| c.close)}
                        </button>
                    </div>
                    <Transfer chat form />
                })}
                {writing.then(|| view! { <Convert chat form /> })}
            }
        }}
        {move || chat.with(|c| {
            let c = c.as_ref()?;
            let (rid, protocol) = (c.request_id.clone()?, c.protocol_number.clone().unwrap_or_default());
            let href = format!("/console/pratiche/{rid}");
            Some(view! {
                <div class="alert alert-success mt-3" role="status" data-testid="converted">
                    <a href=href>{(i18n.c().converted_staff)(&protocol)}</a>
                </div>
            })
        })}
    }
}

/// Ready answers from the FAQ, put into the message box to be adapted before sending.
#[component]
fn Canned(body: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let faq = LocalResource::new(api::faq);
    let chosen = RwSignal::new(String::new());
    load(faq, move |items| {
        let items = StoredValue::new(items);
        let options = Signal::derive(move || {
            let mut o = vec![(String::new(), i18n.c().canned_choose.to_owned())];
            items.with_value(|f| o.extend(f.iter().map(|q| (q.id.clone(), q.question.clone()))));
            o
        });
        let insert = move |_| {
            let id = chosen.get_untracked();
            if let Some(answer) =
                items.with_value(|f| f.iter().find(|q| q.id == id).map(|q| q.answer.clone()))
            {
                body.update(|b| {
                    if !b.trim().is_empty() {
                        b.push_str("\n\n");
                    }
                    b.push_str(&answer);
                });
                crate::browser::focus("chat-body");
            }
        };
        view! {
            <SelectInput id="chat-canned" label=trcs(|c| c.canned_label) value=chosen options />
            <button type="button" class="btn btn-outline-primary btn-sm" on:click=insert disabled=move || chosen.get().is_empty()>
                {trc(|c| c.insert)}
            </button>
        }
    })
}

#[component]
fn Transfer(chat: RwSignal<Option<ChatView>>, form: FormState) -> impl IntoView {
    let i18n = use_i18n();
    let offices = LocalResource::new(api::offices);
    let office = RwSignal::new(String::new());
    let current = chat.with_untracked(|c| c.as_ref().and_then(|c| c.office_id.clone()));
    load(offices, move |list| {
        let current = current.clone();
        let choices: Vec<(String, String)> = list
            .into_iter()
            .filter(|o| Some(&o.id) != current.as_ref())
            .map(|o| (o.id, o.name))
            .collect();
        let options = Signal::derive(move || {
            let mut o = vec![(String::new(), i18n.c().office_choose.to_owned())];
            o.extend(choices.iter().cloned());
            o
        });
        let go = move |_| {
            let Some(id) = chat.with_untracked(|c| c.as_ref().map(|c| c.id.clone())) else {
                return;
            };
            let body = ChatActionRequest {
                action: ChatAction::Transfer,
                office_id: Some(office.get_untracked()),
                type_code: None,
                subject: None,
            };
            run_action(
                form,
                chat,
                async move { chat::act(&id, &body).await },
                Some(i18n.c().transferred.to_owned()),
            );
        };
        view! {
            <fieldset class="mt-4">
                <legend class="h6 mb-4">{trc(|c| c.transfer_label)}</legend>
                <SelectInput id="chat-office" label=trcs(|c| c.col_office) value=office options />
                <button type="button" class="btn btn-outline-primary" on:click=go disabled=move || office.get().is_empty() || form.pending.get()>
                    {trc(|c| c.transfer)}
                </button>
            </fieldset>
        }
    })
}

#[component]
fn Convert(chat: RwSignal<Option<ChatView>>, form: FormState) -> impl IntoView {
    let tenant = use_tenant();
    let kind = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    // Requests for information first: the default.
    let options = Signal::derive(move || {
        let mut types = tenant.types();
        types.sort_by_key(|t| t.kind != RequestKind::Informazioni);
        types
            .into_iter()
            .map(|t| (t.code, t.name))
            .collect::<Vec<_>>()
    });
    // The default once the types have loaded (the select shows its value).
    Effect::new(move |_| {
        if let Some((code, _)) = options.with(|o| o.first().cloned())
            && kind.get_untracked().is_empty()
        {
            kind.set(code);
        }
    });
    let go = move |_| {
        let Some(id) = chat.with_untracked(|c| c.as_ref().map(|c| c.id.clone())) else {
            return;
        };
        let s = subject.get_untracked().trim().to_owned();
        let chosen = kind.get_untracked();
        let type_code = (!chosen.is_empty()).then_some(chosen);
        let body = ChatActionRequest {
            action: ChatAction::Convert,
            office_id: None,
            type_code,
            subject: (!s.is_empty()).then_some(s),
        };
        run_action(form, chat, async move { chat::act(&id, &body).await }, None);
    };
    view! {
        <fieldset class="mt-4">
            <legend class="h6 mb-4">{trc(|c| c.convert_title)}</legend>
            <SelectInput id="chat-type" label=trcs(|c| c.type_label) value=kind options />
            <TextInput id="chat-subject" label=trcs(|c| c.subject_label) value=subject />
            <button type="button" class="btn btn-primary" on:click=go disabled=move || form.pending.get()>
                {trc(|c| c.convert)}
            </button>
        </fieldset>
    }
}
