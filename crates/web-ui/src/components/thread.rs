//! A request's conversation: public replies, citizen messages and (for staff) internal
//! notes, oldest first, with downloadable attachments.

use domain::Role;
use domain::api::{Attachment, MessageView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::Icon;
use crate::format;
use crate::i18n::tr;

#[component]
pub fn Thread(messages: Vec<MessageView>) -> impl IntoView {
    if messages.is_empty() {
        return view! { <p>{tr(|t| t.thread_empty)}</p> }.into_any();
    }
    view! {
        <ol class="list-unstyled thread">
            {messages
                .into_iter()
                .map(|m| {
                    let from_staff = m.author.role.is_staff() || m.author.role == Role::System;
                    let class = if m.internal {
                        "card card-bg mb-3 border-start border-warning border-4 thread-internal"
                    } else if from_staff {
                        "card card-bg mb-3 border-start border-primary border-4"
                    } else {
                        "card card-bg mb-3"
                    };
                    view! {
                        <li class=class>
                            <div class="card-body">
                                <p class="small text-muted mb-1">
                                    <strong>{m.author.name.clone()}</strong>
                                    " · "
                                    <time datetime=m.created_at.to_rfc3339()>{format::datetime(m.created_at)}</time>
                                    {m
                                        .internal
                                        .then(|| {
                                            view! {
                                                " · "
                                                <span class="badge bg-warning text-dark">
                                                    {tr(|t| t.internal_note)}
                                                </span>
                                            }
                                        })}
                                </p>
                                <p class="mb-0 pre-line">{m.body.clone()}</p>
                                <Attachments items=m.attachments.clone() />
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
pub fn Attachments(items: Vec<Attachment>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <ul class="list-unstyled mt-2 mb-0">
                {items
                    .into_iter()
                    .map(|a| view! { <li><DownloadLink url=a.url filename=a.filename size=a.size /></li> })
                    .collect_view()}
            </ul>
        }
    })
}

/// A protected file: fetched with the bearer token, then saved.
#[component]
pub fn DownloadLink(url: String, filename: String, size: u64) -> impl IntoView {
    let label = format!("{filename} ({})", format::size(size));
    let click = move |_| {
        let url = url.clone();
        let filename = filename.clone();
        spawn_local(async move {
            let _ = api::download(&url, &filename).await;
        });
    };
    view! {
        <button type="button" class="btn btn-link p-0 text-start" on:click=click>
            <Icon name="it-clip" class="icon-sm icon-primary me-1" />
            {label}
        </button>
    }
}
