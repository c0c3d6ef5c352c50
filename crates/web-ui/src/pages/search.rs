//! "Cerca nel sito" (`/cerca?q=`): the header's search link lands here. The query lives in
//! the address, so Back, Reload and a shared link show the same results; they come grouped
//! as the server ranks them (services and pages, then FAQ and documents, then the
//! Riciclabolario), with the count in a live region.

use domain::answers::SearchKind;
use domain::api::SearchHit;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::app::{SEARCH_PATH, SERVICES_PATH, WIZARD_PATH, rel_for};
use crate::components::{ErrorAlert, Loading, Page};
use crate::i18n::{search_kind_label, search_texts, trse, trses, use_i18n};

/// The groups in the order the page shows them.
const GROUPS: [SearchKind; 5] = [
    SearchKind::Service,
    SearchKind::Page,
    SearchKind::Faq,
    SearchKind::Document,
    SearchKind::Waste,
];

#[component]
pub fn SiteSearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let searched = Memo::new(move |_| {
        query
            .with(|q| q.get("q"))
            .unwrap_or_default()
            .trim()
            .to_owned()
    });
    let typed = RwSignal::new(searched.get_untracked());
    // The field follows the address when Back brings an earlier search.
    Effect::new(move |_| typed.set(searched.get()));
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = typed.get_untracked().trim().to_owned();
        navigate(
            &format!("{SEARCH_PATH}{}", api::query(&[("q", &q)])),
            leptos_router::NavigateOptions::default(),
        );
    };
    let results = LocalResource::new(move || {
        let q = searched.get();
        async move {
            if q.is_empty() {
                None
            } else {
                Some((api::site_search(&q).await, q))
            }
        }
    });
    let count = move || match results.get() {
        Some(Some((Ok(found), q))) => (search_texts(i18n.lang()).found)(found.items.len(), &q),
        _ => String::new(),
    };
    view! {
        <div class="container my-4">
            <Page title=trses(|t| t.title)>
                <p class="lead">{trse(|t| t.intro)}</p>
                <form role="search" class="mb-3" on:submit=submit data-testid="site-search">
                    <div class="form-group mb-2">
                        <label for="site-search-q" class="active">{trse(|t| t.label)}</label>
                        <input
                            id="site-search-q"
                            name="q"
                            type="search"
                            class="form-control"
                            autocomplete="off"
                            maxlength="300"
                            aria-describedby="site-search-help"
                            prop:value=move || typed.get()
                            on:input=move |ev| typed.set(event_target_value(&ev))
                        />
                        <small id="site-search-help" class="form-text">{trse(|t| t.help)}</small>
                    </div>
                    <button type="submit" class="btn btn-primary">{trse(|t| t.submit)}</button>
                </form>
                <p class="small fw-semibold" role="status" aria-live="polite" data-testid="search-count">
                    {count}
                </p>
                {move || match results.get() {
                    None => view! { <Loading /> }.into_any(),
                    Some(None) => view! { <p>{trse(|t| t.prompt)}</p> }.into_any(),
                    Some(Some((Err(e), _))) => {
                        view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any()
                    }
                    Some(Some((Ok(found), _))) if found.items.is_empty() => {
                        view! { <NoneFound /> }.into_any()
                    }
                    Some(Some((Ok(found), _))) => view! { <Groups items=found.items /> }.into_any(),
                }}
            </Page>
        </div>
    }
}

/// The results under a heading per kind, each group as the server ranked it.
#[component]
fn Groups(items: Vec<SearchHit>) -> impl IntoView {
    let i18n = use_i18n();
    GROUPS
        .into_iter()
        .filter_map(|kind| {
            let hits: Vec<SearchHit> = items.iter().filter(|h| h.kind == kind).cloned().collect();
            (!hits.is_empty()).then(|| {
                let heading_id = format!("search-group-{}", kind.code());
                let labelled_by = heading_id.clone();
                view! {
                    <section class="mb-4" aria-labelledby=labelled_by data-testid=format!("search-{}", kind.code())>
                        <h2 id=heading_id class="h4">
                            {move || search_kind_label(i18n.lang(), kind)}
                            " "
                            <span class="badge bg-secondary">{hits.len()}</span>
                        </h2>
                        <ul class="list-unstyled">
                            {hits.into_iter().map(|hit| view! { <Hit hit /> }).collect_view()}
                        </ul>
                    </section>
                }
            })
        })
        .collect_view()
}

#[component]
fn Hit(hit: SearchHit) -> impl IntoView {
    let element = (hit.kind == SearchKind::Service).then_some("service-link");
    view! {
        <li class="border-bottom py-3" data-testid="search-hit">
            <a class="fw-semibold" href=hit.url.clone() rel=rel_for(&hit.url) data-element=element>
                {hit.title}
            </a>
            <p class="mb-0 small">{hit.text}</p>
        </li>
    }
}

#[component]
fn NoneFound() -> impl IntoView {
    view! {
        <div class="callout note">
            <div class="callout-title">
                <h2 class="h5 d-inline">{trse(|t| t.none_title)}</h2>
            </div>
            <p>{trse(|t| t.none_text)}</p>
            <a class="btn btn-outline-primary btn-sm me-2" href=WIZARD_PATH rel=rel_for(WIZARD_PATH)>
                {trse(|t| t.ask_office)}
            </a>
            <a class="btn btn-outline-primary btn-sm" href=SERVICES_PATH rel=rel_for(SERVICES_PATH)>
                {trse(|t| t.all_services)}
            </a>
        </div>
    }
}
