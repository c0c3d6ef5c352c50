//! Home: the services grouped by category (each request type's card opens its scheda),
//! then booking, documents, FAQ, the Riciclabolario and the waste transparency page.

use leptos::prelude::*;

use crate::app::rel_for;
use crate::components::{Icon, Page};
use crate::i18n::{tr, trft, trs};
use crate::pages::services::{SERVICES_PATH, ServiceGroups};

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page title=trs(|t| t.home_title) no_breadcrumbs=true>
                <p class="lead">{tr(|t| t.home_intro)}</p>
                <section aria-labelledby="services-heading" class="mt-5">
                    <div class="d-flex flex-wrap justify-content-between align-items-baseline gap-2">
                        <h2 id="services-heading" class="h3 mb-0">{tr(|t| t.services_heading)}</h2>
                        <a href=SERVICES_PATH rel=rel_for(SERVICES_PATH) data-element="all-services">
                            <span>{trft(|t| t.see_all)}</span>
                            <Icon name="it-arrow-right" class="icon-sm icon-primary ms-1" />
                        </a>
                    </div>
                    <ServiceGroups link_categories=true />
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
