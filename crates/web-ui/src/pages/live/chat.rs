//! "Chatta con lo sportello": a signed-in citizen picks a topic and, while the desk is open
//! and an operator of its office is online, waits in the queue and talks with them. When
//! the chat is closed the page says when it opens and offers a written request instead.
//! A chat still open (the page reloaded, another tab) is resumed.

use domain::api::{ChatAvailability, ChatHours, ChatView, CreateChat};
use domain::chat::{ChatAction, ChatStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, chat};
use crate::app::rel_for;
use crate::components::chat::{
    ChatLog, Composer, Indicators, Live, apply_event, mark_read_when_visible, run_action,
};
use crate::components::{
    ErrorAlert, FormState, Need, Notice, Page, RequireLogin, SelectInput, TextArea, load,
};
use crate::format;
use crate::i18n::{ChatTexts, trc, trcs, use_i18n};

const NEW_REQUEST_PATH: &str = "/nuova-richiesta";

#[component]
pub fn ChatPage() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page title=trcs(|c| c.title)>
                <RequireLogin need=Need::Citizen>
                    <CitizenChat />
                </RequireLogin>
            </Page>
        </div>
    }
}

/// The citizen's open chat (accepted first, then waiting), with its messages.
async fn open_chat() -> api::ApiResult<Option<ChatView>> {
    for status in [ChatStatus::Active, ChatStatus::Waiting] {
        if let Some(c) = chat::list(status).await?.into_iter().next() {
            return chat::chat(&c.id).await.map(Some);
        }
    }
    Ok(None)
}

#[component]
fn CitizenChat() -> impl IntoView {
    let live = Live::new();
    live.start();
    let chat = RwSignal::new(None::<ChatView>);
    let ind = Indicators::new();
    live.subscribe(move |ev| apply_event(chat, ind, false, ev));
    mark_read_when_visible(chat, false);
    let found = LocalResource::new(open_chat);
    // Redrawn only when a chat starts or is left, not at each message.
    let has_chat = Memo::new(move |_| chat.with(Option::is_some));
    view! {
        <p>{trc(|c| c.intro)}</p>
        {load(found, move |open| {
            if let Some(c) = open {
                // Once: this view is drawn when the lookup ends.
                chat.set(Some(c));
            }
            move || {
                if has_chat.get() {
                    view! { <Conversation chat live ind /> }.into_any()
                } else {
                    view! { <Start chat /> }.into_any()
                }
            }
        })}
    }
}

#[component]
fn Start(chat: RwSignal<Option<ChatView>>) -> impl IntoView {
    let availability = LocalResource::new(chat::availability);
    load(availability, move |a| view! { <Choose a chat /> })
}

#[component]
fn Choose(a: ChatAvailability, chat: RwSignal<Option<ChatView>>) -> impl IntoView {
    let i18n = use_i18n();
    let topics = StoredValue::new(a.topics.clone());
    let topic = RwSignal::new(if a.topics.len() == 1 {
        a.topics[0].code.clone()
    } else {
        String::new()
    });
    let options = Signal::derive(move || {
        let mut o = vec![(String::new(), i18n.c().topic_choose.to_owned())];
        topics.with_value(|t| o.extend(t.iter().map(|t| (t.code.clone(), t.name.clone()))));
        o
    });
    let online = move || {
        let code = topic.get();
        topics.with_value(|t| t.iter().find(|t| t.code == code).map(|t| t.online))
    };
    let closed = (!a.within_hours).then(|| {
        let when = a.next_opening.map(format::datetime);
        view! { <Closed reason=move || match &when {
            Some(w) => (i18n.c().closed_until)(w),
            None => i18n.c().closed_now.to_owned(),
        } /> }
    });
    let within = a.within_hours;
    let nobody = a.within_hours && !a.open;
    view! {
        <section aria-labelledby="hours-title" class="mb-4">
            <h2 id="hours-title" class="h4">{trc(|c| c.hours_title)}</h2>
            <Hours hours=a.hours.clone() />
        </section>
        {closed}
        {nobody.then(|| view! { <Closed reason=move || i18n.c().no_operator.to_owned() /> })}
        {(within && !nobody).then(|| view! {
            <SelectInput id="chat-topic" label=trcs(|c| c.topic_label) value=topic options required=true />
            {move || match online() {
                None => ().into_any(),
                Some(true) => view! { <StartForm topic chat /> }.into_any(),
                Some(false) => view! { <Closed reason=move || i18n.c().no_operator.to_owned() /> }.into_any(),
            }}
        })}
    }
}

/// The chat's weekly hours, Monday first.
#[component]
fn Hours(hours: Vec<ChatHours>) -> impl IntoView {
    let i18n = use_i18n();
    let days = (1..=7u8)
        .filter_map(|d| {
            let ranges: Vec<String> = hours
                .iter()
                .filter(|h| h.weekday == d)
                .map(|h| format!("{}–{}", h.start, h.end))
                .collect();
            (!ranges.is_empty()).then_some((usize::from(d - 1), ranges.join(", ")))
        })
        .collect::<Vec<_>>();
    view! {
        <dl class="row mb-0" data-testid="chat-hours">
            {days
                .into_iter()
                .map(|(d, r)| view! {
                    <dt class="col-5 col-sm-3">{move || i18n.c().weekdays[d]}</dt>
                    <dd class="col-7 col-sm-9">{r}</dd>
                })
                .collect_view()}
        </dl>
    }
}

/// Closed, or nobody online: why, and the written request instead.
#[component]
fn Closed(reason: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    view! {
        <div class="alert alert-info" role="status" data-testid="chat-closed">
            <p class="mb-2">{reason}</p>
            <p class="mb-3">{trc(|c| c.request_instead)}</p>
            <a class="btn btn-primary" href=NEW_REQUEST_PATH rel=rel_for(NEW_REQUEST_PATH)>
                {trc(|c| c.file_request)}
            </a>
        </div>
    }
}

#[component]
fn StartForm(topic: RwSignal<String>, chat: RwSignal<Option<ChatView>>) -> impl IntoView {
    let first = RwSignal::new(String::new());
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        form.start();
        let text = first.get_untracked().trim().to_owned();
        let body = CreateChat {
            topic: topic.get_untracked(),
            message: (!text.is_empty()).then_some(text),
        };
        spawn_local(async move {
            // The new chat with its first message.
            let started = match chat::create(&body).await {
                Ok(c) => chat::chat(&c.id).await,
                Err(e) => Err(e),
            };
            match started {
                Ok(c) => chat.set(Some(c)),
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <form on:submit=submit novalidate>
            <p class="text-success fw-semibold">{trc(|c| c.open_now)}</p>
            <ErrorAlert error=form.alert />
            <TextArea id="chat-first" label=trcs(|c| c.first_message) value=first error=form.error_for("message") rows=3 />
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                {trc(|c| c.start)}
            </button>
        </form>
    }
}

#[component]
fn Conversation(chat: RwSignal<Option<ChatView>>, live: Live, ind: Indicators) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let status = Memo::new(move |_| chat.with(|c| c.as_ref().map(|c| c.status)));
    let line = move || {
        let t = i18n.c();
        chat.with(|c| {
            let c = c.as_ref()?;
            match c.status {
                ChatStatus::Waiting => c.queue_position.map(|n| (t.queue_position)(n)),
                ChatStatus::Active => c.assignee.as_ref().map(|a| (t.talking_with)(&a.name)),
                ChatStatus::Closed => None,
            }
        })
    };
    let id = move || chat.with_untracked(|c| c.as_ref().map(|c| c.id.clone()).unwrap_or_default());
    let close = move |_| {
        run_action(
            form,
            chat,
            async move { chat::simple(&id(), ChatAction::Close).await },
            None,
        );
    };
    view! {
        <div class="d-flex flex-wrap align-items-center gap-2 mb-2">
            <h2 class="h4 mb-0">{move || chat.with(|c| c.as_ref().map(|c| c.topic_name.clone()))}</h2>
            {move || status.get().map(|s| view! { <span class="badge bg-secondary">{i18n.c().status(s)}</span> })}
        </div>
        <p class="lead" aria-live="polite" data-testid="chat-status">{line}</p>
        {move || (status.get() == Some(ChatStatus::Waiting)).then(|| view! { <p>{trc(|c| c.waiting_intro)}</p> })}
        <ErrorAlert error=form.alert />
        <ChatLog chat staff=false ind />
        {move || {
            if status.get().is_some_and(ChatStatus::is_open) {
                view! {
                    <Composer chat live />
                    <button type="button" class="btn btn-outline-danger mt-3" on:click=close disabled=move || form.pending.get()>
                        {trc(|c| c.close)}
                    </button>
                }
                    .into_any()
            } else {
                view! { <Ended chat /> }.into_any()
            }
        }}
    }
}

/// After the chat: the request it became, the transcript by e-mail, a new chat.
#[component]
fn Ended(chat: RwSignal<Option<ChatView>>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let request = chat.with_untracked(|c| {
        let c = c.as_ref()?;
        Some((
            c.request_id.clone()?,
            c.protocol_number.clone().unwrap_or_default(),
        ))
    });
    let id = chat.with_untracked(|c| c.as_ref().map(|c| c.id.clone()).unwrap_or_default());
    let transcript = move |_| {
        let id = id.clone();
        let sent: &ChatTexts = i18n.c();
        run_action(
            form,
            chat,
            async move { chat::simple(&id, ChatAction::EmailTranscript).await },
            Some(sent.transcript_sent.to_owned()),
        );
    };
    view! {
        <section class="mt-4" aria-labelledby="chat-ended">
            <h2 id="chat-ended" class="h4">{trc(|c| c.closed_title)}</h2>
            {request.map(|(rid, protocol)| {
                let href = format!("/area-personale/pratiche/{rid}");
                view! {
                    <p>{move || (i18n.c().converted)(&protocol)}</p>
                    <p><a href=href.clone() rel=rel_for(&href)>{trc(|c| c.open_request)}</a></p>
                }
            })}
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <div class="d-flex flex-wrap gap-2">
                <button type="button" class="btn btn-primary" on:click=transcript disabled=move || form.pending.get()>
                    {trc(|c| c.transcript)}
                </button>
                <button type="button" class="btn btn-outline-primary" on:click=move |_| chat.set(None)>
                    {trc(|c| c.new_chat)}
                </button>
            </div>
        </section>
    }
}
