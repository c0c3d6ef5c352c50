//! Beside a request: answers that may fit it (FAQ, documents, the Riciclabolario, replies
//! given on earlier requests), each of which can be put into the reply box. Nothing is
//! sent: the operator reads and adapts the text first.

use domain::answers::AnswerSource;
use domain::api::Answer;
use leptos::prelude::*;

use crate::api::{ApiResult, content_admin};
use crate::browser;
use crate::components::{Notice, load};
use crate::i18n::content_admin::{source_label, trca};
use crate::i18n::use_i18n;

fn badge_class(s: AnswerSource) -> &'static str {
    match s {
        AnswerSource::Faq => "badge bg-primary",
        AnswerSource::Document => "badge bg-secondary",
        AnswerSource::Waste => "badge bg-success",
        AnswerSource::Reply => "badge bg-dark",
    }
}

/// The suggestions for request `request_id`; "Inserisci nella risposta" appends the text
/// to `reply` (the reply box, `#msg-body`) and moves the focus there.
#[component]
pub fn Suggestions(request_id: String, reply: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(request_id);
    let list: LocalResource<ApiResult<Vec<Answer>>> = LocalResource::new(move || {
        let id = id.get_value();
        async move { content_admin::suggestions(&id).await }
    });
    let inserted = RwSignal::new(None::<String>);
    let insert = move |title: String, text: String| {
        reply.update(|b| {
            if b.trim().is_empty() {
                *b = text;
            } else {
                b.push_str("\n\n");
                b.push_str(&text);
            }
        });
        inserted.set(Some((i18n.ca().inserted)(&title)));
        request_animation_frame(|| browser::focus("msg-body"));
    };
    view! {
        <section aria-labelledby="sug-title" class="mt-4" data-testid="suggestions">
            <h3 id="sug-title" class="h5">{trca(|t| t.suggestions_title)}</h3>
            <p class="small">{trca(|t| t.suggestions_intro)}</p>
            <Notice message=inserted />
            {load(list, move |items| {
                if items.is_empty() {
                    return view! { <p>{trca(|t| t.suggestions_empty)}</p> }.into_any();
                }
                view! {
                    <ul class="list-unstyled mb-0">
                        {items
                            .into_iter()
                            .enumerate()
                            .map(|(i, a)| {
                                let title_id = format!("sug-{i}-title");
                                let source = a.source;
                                let (title, text) = (a.title.clone(), a.text.clone());
                                view! {
                                    <li class="border rounded p-3 mb-2" data-testid="suggestion" data-source=source.code()>
                                        <span class=badge_class(source)>{move || source_label(i18n.ca(), source)}</span>
                                        <p class="fw-semibold mt-2 mb-1" id=title_id.clone()>{a.title}</p>
                                        <p class="small pre-line">{a.text}</p>
                                        <button
                                            type="button"
                                            class="btn btn-sm btn-outline-primary"
                                            aria-describedby=title_id
                                            on:click=move |_| insert(title.clone(), text.clone())
                                        >
                                            {trca(|t| t.insert)}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            })}
        </section>
    }
}
