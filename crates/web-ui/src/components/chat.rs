//! Live chat pieces shared by the citizen's page and the console: the real-time feed
//! pages subscribe to, the conversation log with read marks, the typing indicator and
//! the message box (attachments under the same rules as request replies).

use std::rc::Rc;
use std::time::Duration;

use domain::Role;
use domain::api::{ChatMessage, ChatView, PostChatMessage, RealtimeEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::File;

use crate::api::{self, chat};
use crate::components::thread::Attachments;
use crate::components::{ErrorAlert, FileInput, FormState, ProgressBar, TextArea};
use crate::format;
use crate::i18n::{trc, trcs, use_i18n};
use crate::realtime::Realtime;

/// A typing frame at most this often, and the indicator shown this long after the last.
const TYPING_EVERY_MS: f64 = 3000.0;
const TYPING_SHOWN_MS: u64 = 4000;

type Listener = (u64, Rc<dyn Fn(&RealtimeEvent)>);

/// One real-time connection shared by the components of a page (the console's menu cue,
/// its queue and a conversation), each subscribed for as long as it is shown.
#[derive(Clone, Copy)]
pub struct Live {
    rt: StoredValue<Option<Realtime>, LocalStorage>,
    listeners: StoredValue<Vec<Listener>, LocalStorage>,
    next: StoredValue<u64>,
}

impl Live {
    pub fn new() -> Self {
        Self {
            rt: StoredValue::new_local(None),
            listeners: StoredValue::new_local(Vec::new()),
            next: StoredValue::new(0),
        }
    }

    /// Connects (once signed in); the connection ends with the current owner.
    pub fn start(self) {
        if self.rt.with_value(Option::is_some) {
            return;
        }
        let listeners = self.listeners;
        let rt = Realtime::connect(move |ev| {
            // Cloned out first: a listener may subscribe or unsubscribe others.
            let all: Vec<_> = listeners
                .try_with_value(|l| l.iter().map(|(_, f)| f.clone()).collect())
                .unwrap_or_default();
            for f in all {
                f(&ev);
            }
        });
        rt.close_on_cleanup();
        self.rt.set_value(Some(rt));
        // Drawn again (the session restored), the owner connects afresh.
        let stored = self.rt;
        on_cleanup(move || {
            stored.try_update_value(|r| *r = None);
        });
    }

    /// Calls `f` with every event until the current owner goes away.
    pub fn subscribe(self, f: impl Fn(&RealtimeEvent) + 'static) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.listeners.update_value(|l| l.push((id, Rc::new(f))));
        let listeners = self.listeners;
        on_cleanup(move || {
            listeners.try_update_value(|l| l.retain(|(i, _)| *i != id));
        });
    }

    pub fn typing(self, chat_id: &str) {
        self.rt.with_value(|rt| {
            if let Some(rt) = rt {
                rt.send(&serde_json::json!({"type": "typing", "chat_id": chat_id}));
            }
        });
    }
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}

/// Whether a message is the viewer's side's (a citizen's own, or the desk's for staff).
fn mine(m: &ChatMessage, staff: bool) -> bool {
    m.author
        .as_ref()
        .is_some_and(|a| a.role.is_staff() == staff && a.role != Role::System)
}

/// Adds messages not yet in the chat, in time order (the answer to a post and the event
/// announcing it both arrive).
pub fn add_messages(chat: &mut ChatView, new: impl IntoIterator<Item = ChatMessage>) {
    for m in new {
        if !chat.messages.iter().any(|o| o.id == m.id) {
            chat.messages.push(m);
        }
    }
    chat.messages.sort_by_key(|m| m.created_at);
}

/// What the conversation shows besides its messages: the other side typing.
#[derive(Clone, Copy)]
pub struct Indicators {
    pub typing: RwSignal<bool>,
    typing_seq: StoredValue<u64>,
}

impl Indicators {
    pub fn new() -> Self {
        Self {
            typing: RwSignal::new(false),
            typing_seq: StoredValue::new(0),
        }
    }

    fn typed(self) {
        let seq = self.typing_seq.get_value() + 1;
        self.typing_seq.set_value(seq);
        self.typing.set(true);
        set_timeout(
            move || {
                if self.typing_seq.try_get_value() == Some(seq) {
                    self.typing.set(false);
                }
            },
            Duration::from_millis(TYPING_SHOWN_MS),
        );
    }
}

/// Applies an event of the chat shown (`staff`: the viewer's side) to it.
pub fn apply_event(
    chat: RwSignal<Option<ChatView>>,
    ind: Indicators,
    staff: bool,
    ev: &RealtimeEvent,
) {
    let shown = chat.with_untracked(|c| c.as_ref().map(|c| c.id.clone()));
    if shown.is_none() || ev.chat_id != shown {
        return;
    }
    let other = if staff { "citizen" } else { "staff" };
    let by_other = ev.data.get("by").and_then(|b| b.as_str()) == Some(other);
    match ev.kind.as_str() {
        "chat.updated" => {
            if let Ok(mut v) = serde_json::from_value::<ChatView>(ev.data.clone()) {
                chat.update(|c| {
                    if let Some(c) = c {
                        v.messages = std::mem::take(&mut c.messages);
                        *c = v;
                    }
                });
            }
        }
        "chat.message" => {
            if let Ok(m) = serde_json::from_value::<ChatMessage>(ev.data.clone()) {
                if !mine(&m, staff) {
                    ind.typing.set(false);
                }
                chat.update(|c| {
                    if let Some(c) = c {
                        add_messages(c, [m]);
                    }
                });
            }
        }
        "chat.read" if by_other => {
            let id = ev.data.get("message_id").and_then(|m| m.as_str());
            chat.update(|c| {
                if let (Some(c), Some(id)) = (c, id) {
                    let mark = if staff {
                        &mut c.citizen_read
                    } else {
                        &mut c.staff_read
                    };
                    *mark = Some(id.to_owned());
                }
            });
        }
        "chat.typing" if by_other => ind.typed(),
        _ => {}
    }
}

/// Tells the server the viewer has read the chat's last message from the other side,
/// whenever one arrives while the page is visible (and when the page becomes visible).
pub fn mark_read_when_visible(chat: RwSignal<Option<ChatView>>, staff: bool) {
    let visible = RwSignal::new(page_visible());
    let listener = window_event_listener_untyped("visibilitychange", move |_| {
        visible.set(page_visible());
    });
    on_cleanup(move || listener.remove());
    let sent = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        if !visible.get() {
            return;
        }
        let last = chat.with(|c| {
            let c = c.as_ref()?;
            let m = c.messages.last().filter(|m| !mine(m, staff))?;
            Some((c.id.clone(), m.id.clone()))
        });
        let Some((id, message_id)) = last else { return };
        if sent.get_value().as_deref() == Some(&message_id) {
            return;
        }
        sent.set_value(Some(message_id.clone()));
        spawn_local(async move {
            let _ = chat::mark_read(&id, &message_id).await;
        });
    });
}

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| !d.hidden())
}

/// The conversation, oldest first, in a polite live region; "Letto" under the viewer's
/// last message the other side has read.
#[component]
pub fn ChatLog(chat: RwSignal<Option<ChatView>>, staff: bool, ind: Indicators) -> impl IntoView {
    let i18n = use_i18n();
    // The viewer's last message at or before the other side's read mark.
    let read = Memo::new(move |_| {
        chat.with(|c| {
            let c = c.as_ref()?;
            let mark = if staff {
                &c.citizen_read
            } else {
                &c.staff_read
            };
            let pos = c
                .messages
                .iter()
                .position(|m| Some(&m.id) == mark.as_ref())?;
            c.messages[..=pos]
                .iter()
                .rposition(|m| mine(m, staff))
                .map(|i| c.messages[i].id.clone())
        })
    });
    let messages = Memo::new(move |_| {
        chat.with(|c| c.as_ref().map(|c| c.messages.clone()).unwrap_or_default())
    });
    // Keyed: a new message adds one item, so the live region reads only that one.
    let item = move |m: ChatMessage| {
        let own = mine(&m, staff);
        let (class, who) = match &m.author {
            None => (
                "text-center small text-muted my-2",
                i18n.c().desk.to_owned(),
            ),
            Some(a) if own => (
                "border border-primary rounded p-2 mb-2 ms-5",
                a.name.clone(),
            ),
            Some(a) => ("border rounded p-2 mb-2 me-5", a.name.clone()),
        };
        let id = m.id.clone();
        let read_here = move || read.with(|r| r.as_deref() == Some(id.as_str()));
        view! {
            <li class=class data-testid="chat-message">
                <p class="small text-muted mb-1">
                    <strong>{who}</strong>
                    " · "
                    <time datetime=m.created_at.to_rfc3339()>{format::datetime(m.created_at)}</time>
                </p>
                <p class="mb-0 pre-line">{m.body.clone()}</p>
                <Attachments items=m.attachments.clone() />
                {move || read_here().then(|| view! { <p class="small text-muted text-end mb-0" data-testid="read-mark">{trc(|c| c.read)}</p> })}
            </li>
        }
    };
    let empty = move || chat.with(|c| c.as_ref().is_none_or(|c| c.messages.is_empty()));
    let typing_text = if staff {
        trc(|c| c.citizen_typing)
    } else {
        trc(|c| c.staff_typing)
    };
    view! {
        <section aria-labelledby="chat-log-title" class="mb-3">
            <h2 id="chat-log-title" class="h5">{trc(|c| c.messages_label)}</h2>
            {move || empty().then(|| view! { <p>{trc(|c| c.no_messages)}</p> })}
            <ol class="list-unstyled" aria-live="polite" aria-relevant="additions" data-testid="chat-log">
                <For each=move || messages.get() key=|m| m.id.clone() children=item />
            </ol>
            <p class="small fst-italic mb-0" aria-live="polite" data-testid="typing">
                {move || ind.typing.get().then(|| typing_text.get())}
            </p>
        </section>
    }
}

/// The message box: text (`body`, which canned replies can fill), attachments, send.
/// Typing sends a `typing` frame at most every three seconds.
#[component]
pub fn Composer(
    chat: RwSignal<Option<ChatView>>,
    live: Live,
    #[prop(optional)] body: Option<RwSignal<String>>,
) -> impl IntoView {
    let body = body.unwrap_or_else(|| RwSignal::new(String::new()));
    let files: RwSignal<Vec<File>, LocalStorage> = RwSignal::new_local(Vec::new());
    let progress = RwSignal::new(None::<f64>);
    let form = FormState::new();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let last_typing = StoredValue::new(0.0_f64);
    let chat_id = move || chat.with_untracked(|c| c.as_ref().map(|c| c.id.clone()));
    let on_input = move |ev: leptos::ev::Event| {
        let in_text = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| e.tag_name() == "TEXTAREA");
        let now = js_sys::Date::now();
        if in_text
            && now - last_typing.get_value() >= TYPING_EVERY_MS
            && let Some(id) = chat_id()
        {
            last_typing.set_value(now);
            live.typing(&id);
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        let text = match domain::chat::message_body(&body.get_untracked()) {
            Ok(t) => t,
            Err(e) => {
                form.invalid(&domain::DomainError::Validation(vec![e]));
                return;
            }
        };
        let Some(id) = chat_id() else { return };
        form.start();
        let chosen = files.get_untracked();
        spawn_local(async move {
            if !chosen.is_empty() {
                progress.set(Some(0.0));
            }
            let result = chat::post(&id, &PostChatMessage { body: text }, &chosen, move |p| {
                progress.set(Some(p));
            })
            .await;
            progress.set(None);
            match result {
                Ok(m) => {
                    body.set(String::new());
                    files.set(Vec::new());
                    if let Some(f) = form_ref.get_untracked() {
                        f.reset();
                    }
                    form.pending.set(false);
                    chat.update(|c| {
                        if let Some(c) = c {
                            add_messages(c, [m]);
                        }
                    });
                    crate::browser::focus("chat-body");
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <form on:submit=submit on:input=on_input novalidate node_ref=form_ref data-testid="chat-composer">
            <ErrorAlert error=form.alert />
            <TextArea
                id="chat-body"
                label=trcs(|c| c.message_label)
                value=body
                required=true
                error=form.error_for("body")
                rows=3
            />
            <FileInput id="chat-files" label=trcs(|c| c.attachments) files multiple=true />
            <ProgressBar progress />
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                {trc(|c| c.send)}
            </button>
        </form>
    }
}

/// A failed action's alert and pending flag, shared by a page's buttons.
pub fn run_action(
    form: FormState,
    chat: RwSignal<Option<ChatView>>,
    call: impl Future<Output = api::ApiResult<ChatView>> + 'static,
    done: Option<String>,
) {
    form.start();
    spawn_local(async move {
        match call.await {
            Ok(mut v) => {
                chat.update(|c| {
                    if let Some(c) = c {
                        let old = std::mem::take(&mut c.messages);
                        add_messages(&mut v, old);
                    }
                    *c = Some(v);
                });
                form.pending.set(false);
                form.done.set(done);
            }
            Err(e) => form.fail(e),
        }
    });
}
