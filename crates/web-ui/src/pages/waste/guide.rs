//! The Riciclabolario: a search field with results as you type (the server's
//! typo-tolerant search, 250 ms after the last key), the count in a live region, and the
//! whole list A–Z while the field is empty. `?q=` starts with a search (the answers of
//! the request wizard link here).

use std::collections::BTreeMap;

use domain::api::WasteItem;
use domain::waste::TakeTo;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::app::{PICKUP_PATH, TRANSPARENCY_PATH, rel_for};
use crate::browser;
use crate::components::{ErrorAlert, Loading, Page};
use crate::i18n::{trw, trws, use_i18n};

/// Wait after the last key before searching.
const DEBOUNCE_MS: u64 = 250;

#[component]
pub fn WasteGuide() -> impl IntoView {
    let i18n = use_i18n();
    let start = use_query_map()
        .with_untracked(|q| q.get("q"))
        .unwrap_or_default();
    let typed = RwSignal::new(start.clone());
    let searched = RwSignal::new(start.trim().to_owned());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let search_now = move || {
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let q = typed.get_untracked().trim().to_owned();
        if q != searched.get_untracked() {
            searched.set(q);
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        typed.set(event_target_value(&ev));
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        let h = set_timeout_with_handle(search_now, std::time::Duration::from_millis(DEBOUNCE_MS));
        timer.set_value(h.ok());
    };
    let results = LocalResource::new(move || {
        let q = searched.get();
        // The fraction and place labels come in the caller's language.
        i18n.lang();
        async move { (api::riciclabolario(&q).await, q) }
    });
    let count = move || match results.get() {
        Some((Ok(items), q)) if q.is_empty() => (i18n.w().all_items)(items.len()),
        Some((Ok(items), _)) => (i18n.w().found)(items.len()),
        _ => String::new(),
    };
    view! {
        <div class="container my-4">
            <Page title=trws(|t| t.waste_title)>
                <p class="lead">{trw(|t| t.waste_intro)}</p>
                <form
                    role="search"
                    class="mb-3"
                    on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        search_now();
                    }
                >
                    <div class="form-group">
                        <label for="waste-search" class="active">{trw(|t| t.search_label)}</label>
                        <input
                            id="waste-search"
                            type="search"
                            class="form-control"
                            autocomplete="off"
                            aria-describedby="waste-search-help"
                            prop:value=move || typed.get()
                            on:input=on_input
                        />
                        <small id="waste-search-help" class="form-text">{trw(|t| t.search_help)}</small>
                    </div>
                </form>
                <p class="small fw-semibold" role="status" aria-live="polite" data-testid="waste-count">
                    {count}
                </p>
                {move || match results.get() {
                    None => view! { <Loading /> }.into_any(),
                    Some((Err(e), _)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                    Some((Ok(items), _)) if items.is_empty() => view! { <NoneFound /> }.into_any(),
                    Some((Ok(items), q)) if q.is_empty() => view! { <AtoZ items /> }.into_any(),
                    Some((Ok(items), _)) => {
                        view! {
                            <ul class="list-unstyled row g-3" data-testid="waste-results">
                                {items
                                    .into_iter()
                                    .map(|item| view! { <li class="col-12 col-md-6"><ItemCard item /></li> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }}
                <p class="mt-5">
                    <a href=TRANSPARENCY_PATH rel=rel_for(TRANSPARENCY_PATH)>{trw(|t| t.transparency_link)}</a>
                </p>
            </Page>
        </div>
    }
}

#[component]
fn NoneFound() -> impl IntoView {
    view! {
        <div class="callout note">
            <div class="callout-title">
                <h2 class="h5 d-inline">{trw(|t| t.none_title)}</h2>
            </div>
            <p>{trw(|t| t.none_text)}</p>
            <a class="btn btn-outline-primary btn-sm" href="/nuova-richiesta" rel=rel_for("/nuova-richiesta")>
                {trw(|t| t.ask_office)}
            </a>
        </div>
    }
}

/// One item: its fraction, the bin, where to take it and how.
#[component]
fn ItemCard(item: WasteItem) -> impl IntoView {
    let take_to = item.take_to;
    view! {
        <article class="card card-bg shadow-sm h-100" data-testid="waste-item">
            <div class="card-body">
                <h2 class="card-title h5">{item.name}</h2>
                <dl class="mb-0">
                    <dt>{trw(|t| t.fraction)}</dt>
                    <dd><span class="badge bg-primary">{item.fraction_label}</span></dd>
                    {item
                        .bin
                        .map(|b| view! {
                            <dt>{trw(|t| t.bin)}</dt>
                            <dd>{b}</dd>
                        })}
                    {item
                        .take_to_label
                        .map(|label| {
                            let body = if take_to == Some(TakeTo::BulkyPickup) {
                                view! { <a href=PICKUP_PATH rel=rel_for(PICKUP_PATH)>{label}</a> }.into_any()
                            } else {
                                label.into_any()
                            };
                            view! {
                                <dt>{trw(|t| t.take_to)}</dt>
                                <dd>{body}</dd>
                            }
                        })}
                    {item
                        .notes
                        .map(|n| view! {
                            <dt>{trw(|t| t.notes)}</dt>
                            <dd>{n}</dd>
                        })}
                    {(!item.synonyms.is_empty())
                        .then(|| view! {
                            <dt>{trw(|t| t.also)}</dt>
                            <dd class="small">{item.synonyms.join(", ")}</dd>
                        })}
                </dl>
            </div>
        </article>
    }
}

/// The first letter an item is listed under (accents folded).
fn initial(name: &str) -> char {
    match name.chars().next().map(|c| c.to_ascii_uppercase()) {
        Some('À' | 'Á' | 'à' | 'á') => 'A',
        Some('È' | 'É' | 'è' | 'é') => 'E',
        Some('Ì' | 'Í' | 'ì' | 'í') => 'I',
        Some('Ò' | 'Ó' | 'ò' | 'ó') => 'O',
        Some('Ù' | 'Ú' | 'ù' | 'ú') => 'U',
        Some(c) if c.is_ascii_alphabetic() => c,
        _ => '#',
    }
}

/// Every item, under its initial, with a letter index.
#[component]
fn AtoZ(items: Vec<WasteItem>) -> impl IntoView {
    let mut groups: BTreeMap<char, Vec<WasteItem>> = BTreeMap::new();
    for item in items {
        groups.entry(initial(&item.name)).or_default().push(item);
    }
    let letters: Vec<char> = groups.keys().copied().collect();
    view! {
        <nav aria-label=trw(|t| t.letters) class="mb-4">
            <ul class="list-inline mb-0">
                {letters
                    .into_iter()
                    .map(|l| {
                        let target = format!("lettera-{l}");
                        view! {
                            <li class="list-inline-item mb-2">
                                <a
                                    class="btn btn-outline-primary btn-xs letter-link"
                                    href=format!("#{target}")
                                    on:click=move |ev| {
                                        ev.prevent_default();
                                        browser::focus(&target);
                                    }
                                >
                                    {l.to_string()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
        {groups
            .into_iter()
            .map(|(l, items)| {
                view! {
                    <section class="mb-4" aria-labelledby=format!("lettera-{l}")>
                        <h2 class="h4 border-bottom pb-1" id=format!("lettera-{l}") tabindex="-1">{l.to_string()}</h2>
                        <ul class="list-unstyled mb-0">
                            {items
                                .into_iter()
                                .map(|item| {
                                    let detail = match &item.bin {
                                        Some(b) => format!("{} · {b}", item.fraction_label),
                                        None => match &item.take_to_label {
                                            Some(t) => format!("{} · {t}", item.fraction_label),
                                            None => item.fraction_label.clone(),
                                        },
                                    };
                                    view! {
                                        <li class="py-1">
                                            <span class="fw-semibold">{item.name}</span>
                                            " — "
                                            <span>{detail}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()}
    }
}
