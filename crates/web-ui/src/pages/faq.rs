//! Frequently asked questions with search as you type (filtered in the browser: the list
//! is small and already loaded). Each answer expands in place.

use domain::api::Faq;
use leptos::prelude::*;

use crate::api;
use crate::components::{Page, load};
use crate::i18n::use_i18n;
use crate::i18n::{tr, trs};

/// Case- and accent-insensitive match of every word of the query.
fn matches(faq: &Faq, query: &str) -> bool {
    let hay = fold(&format!("{} {}", faq.question, faq.answer));
    fold(query).split_whitespace().all(|w| hay.contains(w))
}

fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'á' => 'a',
            'è' | 'é' => 'e',
            'ì' | 'í' => 'i',
            'ò' | 'ó' => 'o',
            'ù' | 'ú' => 'u',
            c => c,
        })
        .collect()
}

#[component]
pub fn FaqPage() -> impl IntoView {
    let i18n = use_i18n();
    let faqs = LocalResource::new(api::faq);
    let query = RwSignal::new(String::new());
    view! {
        <div class="container my-4">
            <Page title=trs(|t| t.faq_title)>
                <div class="form-group" role="search">
                    <label for="faq-search" class="active">{tr(|t| t.faq_search_label)}</label>
                    <input id="faq-search" type="search" class="form-control" bind:value=query autocomplete="off" />
                </div>
                {load(faqs, move |mut all| {
                    all.sort_by_key(|f| f.position);
                    // `/faq#faq-{id}` (the answers shown in the request wizard link so):
                    // that entry opens, with the focus on it.
                    let wanted = web_sys::window()
                        .and_then(|w| w.location().hash().ok())
                        .and_then(|h| h.strip_prefix("#faq-").map(str::to_owned));
                    let all = StoredValue::new(all);
                    let shown = Memo::new(move |_| {
                        let q = query.get();
                        all.with_value(|a| a.iter().filter(|f| matches(f, &q)).cloned().collect::<Vec<_>>())
                    });
                    view! {
                        <p aria-live="polite" class="small" data-testid="faq-count">
                            {move || (i18n.t().faq_results)(shown.with(Vec::len))}
                        </p>
                        <div class="accordion" id="faq-list">
                            <For each=move || shown.get() key=|f| f.id.clone() let:faq>
                                <FaqItem open=wanted.as_deref() == Some(faq.id.as_str()) faq />
                            </For>
                        </div>
                    }
                })}
            </Page>
        </div>
    }
}

#[component]
fn FaqItem(faq: Faq, open: bool) -> impl IntoView {
    let head = format!("faq-h-{}", faq.id);
    let body = format!("faq-b-{}", faq.id);
    let button = format!("faq-q-{}", faq.id);
    if open {
        let button = button.clone();
        request_animation_frame(move || crate::browser::focus(&button));
    }
    let open = RwSignal::new(open);
    view! {
        <div class="accordion-item" id=format!("faq-{}", faq.id)>
            <h2 class="accordion-header" id=head.clone()>
                <button
                    id=button
                    class="accordion-button"
                    class:collapsed=move || !open.get()
                    type="button"
                    aria-expanded=move || open.get().to_string()
                    aria-controls=body.clone()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {faq.question}
                </button>
            </h2>
            <div
                id=body
                class="accordion-collapse collapse"
                class:show=move || open.get()
                role="region"
                aria-labelledby=head
            >
                <div class="accordion-body pre-line">{faq.answer}</div>
            </div>
        </div>
    }
}
