//! In the register: how many questions the published answers solved before a request
//! was filed over the page's period, and the answers that did it most.

use domain::api::DeflectionReport;
use leptos::prelude::*;

use crate::api::{ApiResult, content_admin};
use crate::components::load;
use crate::i18n::content_admin::{source_label, trca};
use crate::i18n::use_i18n;

/// The top answers shown.
const TOP: usize = 5;

#[component]
pub fn Deflections(period: RwSignal<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let report: LocalResource<ApiResult<DeflectionReport>> = LocalResource::new(move || {
        let (from, to) = period.get();
        async move { content_admin::deflections(&from, &to).await }
    });
    view! {
        <section aria-labelledby="defl-title" class="mt-4" data-testid="deflections">
            <h2 id="defl-title" class="h4">{trca(|t| t.deflections_title)}</h2>
            {load(report, move |r| {
                let total = r.total;
                if total == 0 {
                    return view! { <p>{trca(|t| t.deflections_empty)}</p> }.into_any();
                }
                let top = r
                    .answers
                    .into_iter()
                    .take(TOP)
                    .map(|a| {
                        let source = a.source;
                        let count = a.count;
                        view! {
                            <li class="mb-1">
                                <span class="badge bg-secondary me-1">{move || source_label(i18n.ca(), source)}</span>
                                {a.title}
                                " · "
                                {move || (i18n.ca().deflections_count)(count)}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <p data-testid="deflections-total">{move || (i18n.ca().deflections_total)(total)}</p>
                    <h3 class="h6">{trca(|t| t.deflections_top)}</h3>
                    <ol class="small">{top}</ol>
                }
                    .into_any()
            })}
        </section>
    }
}
