//! Home: one card per service (each request type, booking, documents, FAQ, the
//! Riciclabolario and the waste transparency page).

use domain::api::RequestType;
use leptos::prelude::*;

use crate::app::{BOOKING_PATH, TRANSPARENCY_PATH, WASTE_GUIDE_PATH, rel_for};
use crate::components::{Icon, Page, load};
use crate::i18n::{Texts, tr, trs, use_i18n};
use crate::session::use_tenant;

#[component]
pub fn Home() -> impl IntoView {
    let tenant = use_tenant();
    view! {
        <div class="container my-4">
            <Page title=trs(|t| t.home_title) no_breadcrumbs=true>
                <p class="lead">{tr(|t| t.home_intro)}</p>
                <section aria-labelledby="services-heading" class="mt-5">
                    <h2 id="services-heading" class="h3 mb-3">{tr(|t| t.services_heading)}</h2>
                    <div class="row g-3" data-element="all-services">
                        {load(tenant.request_types, move |types| {
                            types.into_iter().map(|rt| view! { <TypeCard rt /> }).collect_view()
                        })}
                        // The booking flows are their own app: full page loads (`rel_for`).
                        <StaticCard
                            title=|t| t.service_booking_title
                            text=|t| t.service_booking_text
                            href=BOOKING_PATH
                            icon="it-calendar"
                            data_element="appointment-booking"
                        />
                        <StaticCard
                            title=|t| t.nav_documents
                            text=|t| t.service_documents_text
                            href="/documenti"
                            icon="it-files"
                            data_element="documents"
                        />
                        <StaticCard
                            title=|t| t.nav_faq
                            text=|t| t.service_faq_text
                            href="/faq"
                            icon="it-help-circle"
                            data_element="faq"
                        />
                        // The public waste pages are their own app too.
                        <StaticCard
                            title=|t| t.nav_waste_guide
                            text=|t| t.service_waste_text
                            href=WASTE_GUIDE_PATH
                            icon="it-search"
                            data_element="waste-guide"
                        />
                        <StaticCard
                            title=|t| t.nav_transparency
                            text=|t| t.service_transparency_text
                            href=TRANSPARENCY_PATH
                            icon="it-chart-line"
                            data_element="transparency"
                        />
                    </div>
                </section>
                <section aria-labelledby="news-heading" class="mt-5">
                    <div class="callout note">
                        <div class="callout-title">
                            <Icon name="it-info-circle" />
                            <h2 id="news-heading" class="h5 d-inline">{tr(|t| t.news_heading)}</h2>
                        </div>
                        <p>{tr(|t| t.news_text)}</p>
                    </div>
                </section>
            </Page>
        </div>
    }
}

#[component]
fn TypeCard(rt: RequestType) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!(
        "/nuova-richiesta?tipo={}",
        js_sys::encode_uri_component(&rt.code)
    );
    let days = rt.standard_days;
    let heading_id = format!("svc-{}", rt.code);
    let labelled_by = heading_id.clone();
    view! {
        <div class="col-12 col-md-6 col-lg-4">
            <article class="card card-bg shadow-sm h-100" aria-labelledby=labelled_by>
                <div class="card-body d-flex flex-column">
                    <h3 class="card-title h5" id=heading_id>{rt.name}</h3>
                    <p class="card-text">{rt.description}</p>
                    <p class="small text-muted">
                        {move || match days {
                            Some(n) => (i18n.t().standard_days)(n),
                            None => i18n.t().standard_days_none.to_owned(),
                        }}
                    </p>
                    <a class="read-more mt-auto" href=href data-element="service-link">
                        <span class="text">{tr(|t| t.service_request_cta)}</span>
                        <Icon name="it-arrow-right" />
                    </a>
                </div>
            </article>
        </div>
    }
}

#[component]
fn StaticCard(
    title: fn(&Texts) -> &'static str,
    text: fn(&Texts) -> &'static str,
    /// Empty for a service that is not available yet ("coming soon", no link).
    href: &'static str,
    icon: &'static str,
    data_element: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="col-12 col-md-6 col-lg-4">
            <article class="card card-bg shadow-sm h-100">
                <div class="card-body d-flex flex-column">
                    <h3 class="card-title h5">
                        <Icon name=icon class="icon-primary me-2" />
                        {move || title(i18n.t())}
                    </h3>
                    <p class="card-text">{move || text(i18n.t())}</p>
                    {if href.is_empty() {
                        view! {
                            <p class="mt-auto mb-0" data-element=data_element>
                                <span class="badge bg-secondary">{tr(|t| t.coming_soon)}</span>
                            </p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <a class="read-more mt-auto" href=href rel=rel_for(href) data-element=data_element>
                                <span class="text">{move || title(i18n.t())}</span>
                                <Icon name="it-arrow-right" />
                            </a>
                        }
                            .into_any()
                    }}
                </div>
            </article>
        </div>
    }
}
