//! `/valuta?pagina=…`: "Valuta questo servizio" for a page whose app does not carry the
//! block (the booking's confirmations link here, keeping the booking's first load small).
//! Only the pages that have a block are accepted (`RatedPage::parse`, as the server does).

use domain::rating::RatedPage;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::app::{SERVICES_PATH, rel_for};
use crate::components::Page;
use crate::components::rating::PageRatingBlock;
use crate::i18n::{trft, trfts, trrts};

/// The link to this page for `page`.
pub fn rate_path(page: &RatedPage) -> String {
    format!(
        "{}?pagina={}",
        crate::app::RATE_PATH,
        js_sys::encode_uri_component(&page.path())
    )
}

#[component]
pub fn RatePage() -> impl IntoView {
    let page = use_query_map()
        .with_untracked(|q| q.get("pagina"))
        .and_then(|p| RatedPage::parse(&p));
    view! {
        <div class="container my-4">
            <Page title=trrts(|t| t.rate_title)>
                {match page {
                    Some(page) => view! { <PageRatingBlock page /> }.into_any(),
                    None => view! {
                        <p class="lead">{trrts(|t| t.rate_unknown)}</p>
                        <a href=SERVICES_PATH rel=rel_for(SERVICES_PATH)>{trft(|t| t.all_services)}</a>
                    }
                    .into_any(),
                }}
            </Page>
        </div>
    }
}

/// The link a confirmation shows in place of the block.
#[component]
pub fn RateLink(page: RatedPage) -> impl IntoView {
    let href = rate_path(&page);
    view! {
        <p class="mt-4">
            <a class="btn btn-outline-primary" href=href rel="external" data-testid="rate-link">
                {trfts(|t| t.rate_service)}
            </a>
        </p>
    }
}
