//! The chat beside the video: always there, for whoever cannot use audio or video, and to
//! send the officer a document.

use domain::api::{Attachment, ChatMessage};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::api::{ChatTarget, post_message};
use super::session::{CallView, Side};
use crate::api;
use crate::components::{ErrorAlert, FileInput, FormState, TextArea};
use crate::i18n::{trv, trvs, use_i18n};
use crate::pages::booking::clock;

/// Whether `m` was written by this side.
fn mine(m: &ChatMessage, side: Side) -> bool {
    m.author
        .as_ref()
        .is_some_and(|a| (a.role == domain::Role::Citizen) == (side == Side::Citizen))
}

#[component]
pub fn CallChat(
    target: ChatTarget,
    side: Side,
    view: CallView,
    /// Staff: "Aggiungi alla pratica" beside the citizen's documents.
    #[prop(optional)]
    on_attach: Option<Callback<Attachment>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let body = RwSignal::new(String::new());
    let files = RwSignal::new_local(Vec::<web_sys::File>::new());
    let target = StoredValue::new(target);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let file = files.get_untracked().into_iter().next();
        // A document alone goes with its name as the message.
        let text = match (body.get_untracked(), &file) {
            (t, Some(f)) if t.trim().is_empty() => f.name(),
            (t, _) => t,
        };
        if let Err(e) = domain::chat::message_body(&text) {
            return form.invalid(&domain::DomainError::Validation(vec![e]));
        }
        form.start();
        spawn_local(async move {
            match post_message(&target.get_value(), text.trim(), file.as_ref()).await {
                Ok(m) => {
                    view.add_message(m);
                    body.set(String::new());
                    files.set(Vec::new());
                    // The file input keeps its name on screen until cleared.
                    if let Some(input) = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id("call-chat-file"))
                    {
                        use wasm_bindgen::JsCast;
                        if let Ok(i) = input.dyn_into::<web_sys::HtmlInputElement>() {
                            i.set_value("");
                        }
                    }
                    form.pending.set(false);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let attachment = move |a: Attachment, theirs: bool| {
        let label = format!("{} ({})", a.filename, crate::format::size(a.size));
        let a = StoredValue::new(a);
        view! {
            <li class="d-flex flex-wrap gap-2 align-items-center">
                <button type="button" class="btn btn-link p-0 text-start" on:click=move |_| {
                    let (url, name) = a.with_value(|a| (a.url.clone(), a.filename.clone()));
                    spawn_local(async move {
                        let _ = api::download(&url, &name).await;
                    });
                }>{label}</button>
                {on_attach.filter(|_| theirs).map(|cb| view! {
                    <button type="button" class="btn btn-outline-primary btn-sm py-0" data-testid="attach-document"
                        on:click=move |_| cb.run(a.get_value())>
                        {trv(|v| v.attach)}
                    </button>
                })}
            </li>
        }
    };
    let log = move || {
        let list = view.messages.get();
        if list.is_empty() {
            return view! { <li class="text-muted">{trv(|v| v.chat_empty)}</li> }.into_any();
        }
        list.into_iter()
            .map(|m| {
                let own = mine(&m, side);
                let who = match (&m.author, own) {
                    (_, true) => i18n.v().chat_you.to_owned(),
                    (Some(a), false) => a.name.clone(),
                    (None, false) => i18n.v().chat_desk.to_owned(),
                };
                let theirs = !own && m.author.is_some();
                let files = (!m.attachments.is_empty()).then(|| {
                    view! {
                        <ul class="list-unstyled mb-0">
                            {m.attachments.into_iter().map(|a| attachment(a, theirs)).collect_view()}
                        </ul>
                    }
                });
                view! {
                    <li class="mb-2" class:text-end=own data-testid="call-chat-message">
                        <span class="d-block small text-muted">{format!("{who} · {}", clock(m.created_at))}</span>
                        <span class="d-inline-block px-2 py-1 rounded" class:bg-light=!own class:border=true>
                            {m.body}
                        </span>
                        {files}
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="call-chat card card-bg shadow-sm" aria-labelledby="call-chat-title" data-testid="call-chat">
            <div class="card-body">
                <h2 class="h5" id="call-chat-title">{trv(|v| v.chat_title)}</h2>
                // A log (read out as messages arrive), scrolling inside the card.
                <div class="call-chat-log mb-3" role="log" aria-labelledby="call-chat-title" tabindex="0">
                    <ol class="list-unstyled mb-0">{log}</ol>
                </div>
                <p class="visually-hidden" aria-live="polite">
                    {move || view.arrived.get().map(|who| (i18n.v().chat_new)(&who))}
                </p>
                <ErrorAlert error=form.alert />
                <form on:submit=submit novalidate>
                    <TextArea id="call-chat-body" label=trvs(|v| v.chat_message) value=body rows=2 error=form.error_for("body") />
                    <FileInput id="call-chat-file" label=trvs(|v| v.chat_file) files />
                    <button type="submit" class="btn btn-primary btn-sm mt-2" disabled=move || form.pending.get()>
                        {trv(|v| v.chat_send)}
                    </button>
                </form>
            </div>
        </section>
    }
}
