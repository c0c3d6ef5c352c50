//! In the register: "Valuta questo servizio" over the page's period — how many ratings
//! each public page got, their average and spread, the follow-up answers given most and
//! the latest comments, for the staff to see where citizens struggle.

use domain::api::{PageRatingLine, RatingReport};
use leptos::prelude::*;

use crate::api::{ApiResult, content_admin};
use crate::components::load;
use crate::format;
use crate::i18n::content_admin::{trca, trcas};
use crate::i18n::{aspect_label, use_i18n};

/// The follow-up answers shown per page.
const TOP_ASPECTS: usize = 3;

/// `42` tenths as `4,2`.
fn tenths(t: u64) -> String {
    format!("{},{}", t / 10, t % 10)
}

#[component]
pub fn ServiceRatings(period: RwSignal<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let report: LocalResource<ApiResult<RatingReport>> = LocalResource::new(move || {
        let (from, to) = period.get();
        async move { content_admin::ratings(&from, &to).await }
    });
    view! {
        <section aria-labelledby="ratings-title" class="mt-4" data-testid="service-ratings">
            <h2 id="ratings-title" class="h4">{trca(|t| t.ratings_title)}</h2>
            {load(report, move |r| {
                let total = r.total;
                if total == 0 {
                    return view! { <p>{trca(|t| t.ratings_empty)}</p> }.into_any();
                }
                let titles: Vec<(String, String)> =
                    r.pages.iter().map(|p| (p.page.clone(), p.title.clone())).collect();
                let comments = r
                    .comments
                    .into_iter()
                    .map(|c| {
                        let title = titles
                            .iter()
                            .find(|(page, _)| *page == c.page)
                            .map_or_else(|| c.page.clone(), |(_, t)| t.clone());
                        let stars = c.stars;
                        view! {
                            <li class="mb-2">
                                <span class="fw-semibold">{title}</span>
                                " · "
                                {move || (i18n.ca().ratings_stars_of)(stars)}
                                " · "
                                <span class="small">{format::datetime(c.created_at)}</span>
                                <span class="d-block">{c.details}</span>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <p data-testid="ratings-total">{move || (i18n.ca().ratings_total)(total)}</p>
                    <div class="table-responsive" tabindex="0" role="region" aria-label=trca(|t| t.ratings_caption)>
                        <table class="table table-sm">
                            <caption>{trca(|t| t.ratings_caption)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{trca(|t| t.ratings_page)}</th>
                                    <th scope="col" class="text-end">{trca(|t| t.ratings_count)}</th>
                                    <th scope="col" class="text-end">{trca(|t| t.ratings_average)}</th>
                                    <th scope="col">{trca(|t| t.ratings_stars)}</th>
                                    <th scope="col">{trca(|t| t.ratings_aspects)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {r.pages.into_iter().map(|line| view! { <PageRow line /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(!comments.is_empty()).then(|| view! {
                        <h3 class="h6">{trcas(|t| t.ratings_comments)}</h3>
                        <ul class="list-unstyled small" data-testid="rating-comments">{comments}</ul>
                    })}
                }
                    .into_any()
            })}
        </section>
    }
}

#[component]
fn PageRow(line: PageRatingLine) -> impl IntoView {
    let i18n = use_i18n();
    let average = tenths(line.average_tenths());
    let spread = line
        .stars
        .iter()
        .zip(1..)
        .map(|(n, stars)| format!("{stars}★ {}", format::count(*n)))
        .collect::<Vec<_>>()
        .join(" · ");
    let aspects: Vec<_> = line.aspects.into_iter().take(TOP_ASPECTS).collect();
    view! {
        <tr data-testid="rating-row">
            <th scope="row">{line.title}<span class="d-block small fw-normal">{line.page}</span></th>
            <td class="text-end">{format::count(line.count)}</td>
            <td class="text-end" data-testid="rating-average">{average}</td>
            <td class="small text-nowrap">{spread}</td>
            <td class="small">
                {move || {
                    aspects
                        .iter()
                        .map(|a| format!("{} ({})", aspect_label(i18n.lang(), a.aspect), format::count(a.count)))
                        .collect::<Vec<_>>()
                        .join("; ")
                }}
            </td>
        </tr>
    }
}
