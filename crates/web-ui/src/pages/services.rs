//! The services of the Modello Comuni: the list by category (`/servizi`, and grouped the
//! same way on the home page) and each request type's scheda servizio
//! (`/servizi/{code}`), public, with the model's sections in its order and a page index.
//! Also the pages the footer links to: site map, legal notes, media policy.

use domain::api::{FieldType, RequestType};
use domain::catalogue::ServiceCategory;
use domain::rating::RatedPage;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

pub use crate::app::SERVICES_PATH;
use crate::app::{
    ACCOUNT_PATH, BOOKING_PATH, CHAT_PATH, PAYMENTS_PATH, PICKUP_PATH, SEARCH_PATH,
    TRANSPARENCY_PATH, WASTE_GUIDE_PATH, rel_for,
};
use crate::browser;
use crate::components::page::Crumb;
use crate::components::rating::PageRatingBlock;
use crate::components::{Icon, IndexEntry, Page, PageIndex, load};
use crate::i18n::{
    ServiceTexts, Texts, category_label, footer_texts, service_texts, tr, trft, trfts, trsv, trsvs,
    use_i18n,
};
use crate::session::use_tenant;

/// A request type's scheda.
pub fn sheet_path(code: &str) -> String {
    format!("/servizi/{}", js_sys::encode_uri_component(code))
}

/// The wizard with this type chosen.
pub fn wizard_path(code: &str) -> String {
    format!(
        "/nuova-richiesta?tipo={}",
        js_sys::encode_uri_component(code)
    )
}

fn category_anchor(c: ServiceCategory) -> String {
    format!("categoria-{}", c.code())
}

/// The request types by category, in the catalogue's order within each, empty ones left
/// out.
fn by_category(types: Vec<RequestType>) -> Vec<(ServiceCategory, Vec<RequestType>)> {
    ServiceCategory::ALL
        .into_iter()
        .map(|c| {
            let of: Vec<RequestType> = types
                .iter()
                .filter(|t| t.kind.category() == c)
                .cloned()
                .collect();
            (c, of)
        })
        .filter(|(_, of)| !of.is_empty())
        .collect()
}

/// The service groups of the home page and of `/servizi`: a section per category, a card
/// per type whose title opens its scheda, then the services that are not request types.
/// On a phone a card is one row (title and answer time), so the groups stay short.
#[component]
pub fn ServiceGroups(
    /// The category headings link to their place on `/servizi` (the home page's do).
    link_categories: bool,
) -> impl IntoView {
    let tenant = use_tenant();
    view! {
        {load(tenant.request_types, move |types| {
            by_category(types)
                .into_iter()
                .map(|(c, of)| view! { <CategorySection category=c types=of link=link_categories /> })
                .collect_view()
        })}
        <section aria-labelledby="h-categoria-prenotazioni" class="mt-4">
            <h3 id="h-categoria-prenotazioni" class="h4 mb-3" tabindex="-1">{trft(|t| t.other_services)}</h3>
            <div class="row g-3">
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
    }
}

#[component]
fn CategorySection(
    category: ServiceCategory,
    types: Vec<RequestType>,
    link: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let anchor = category_anchor(category);
    let heading_id = format!("h-{anchor}");
    let labelled_by = heading_id.clone();
    let label = move || category_label(i18n.lang(), category);
    let heading = if link {
        view! {
            <a
                href=format!("{SERVICES_PATH}#{anchor}")
                rel=rel_for(SERVICES_PATH)
                class="text-decoration-none"
                data-element="service-category-link"
            >
                {label}
            </a>
        }
        .into_any()
    } else {
        view! { <span data-element="service-category">{label}</span> }.into_any()
    };
    view! {
        <section aria-labelledby=labelled_by class="mt-4" id=anchor data-category=category.code()>
            <h3 id=heading_id class="h4 mb-3" tabindex="-1">{heading}</h3>
            <div class="row g-2 g-md-3">
                {types.into_iter().map(|rt| view! { <TypeCard rt /> }).collect_view()}
            </div>
        </section>
    }
}

#[component]
fn TypeCard(rt: RequestType) -> impl IntoView {
    let i18n = use_i18n();
    let days = rt.standard_days;
    let heading_id = format!("svc-{}", rt.code);
    let labelled_by = heading_id.clone();
    view! {
        <div class="col-12 col-md-6 col-lg-4">
            <article class="card card-bg shadow-sm h-100 service-card" aria-labelledby=labelled_by>
                <div class="card-body d-flex flex-column">
                    <h4 class="card-title h5 mb-1 mb-md-2" id=heading_id>
                        <a href=sheet_path(&rt.code) rel=rel_for(SERVICES_PATH) data-element="service-link">{rt.name}</a>
                    </h4>
                    <p class="card-text d-none d-md-block">{rt.description}</p>
                    <p class="small text-muted mb-0 mb-md-3">
                        {move || match days {
                            Some(n) => (i18n.t().standard_days)(n),
                            None => i18n.t().standard_days_none.to_owned(),
                        }}
                    </p>
                    <a class="read-more mt-auto d-none d-md-flex" href=wizard_path(&rt.code) rel=rel_for("/nuova-richiesta")>
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
            <article class="card card-bg shadow-sm h-100 service-card">
                <div class="card-body d-flex flex-column">
                    <h4 class="card-title h5 mb-1 mb-md-2">
                        <Icon name=icon class="icon-primary me-2" />
                        {move || title(i18n.t())}
                    </h4>
                    <p class="card-text d-none d-md-block">{move || text(i18n.t())}</p>
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

/// `/servizi`: every service, by category. `#categoria-{code}` (the home page's category
/// links) moves focus to that category once the list is there.
#[component]
pub fn AllServices() -> impl IntoView {
    let tenant = use_tenant();
    Effect::new(move |_| {
        if tenant.request_types.get().is_some() {
            let hash = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            if let Some(anchor) = hash
                .strip_prefix('#')
                .filter(|h| h.starts_with("categoria-"))
            {
                let id = format!("h-{anchor}");
                request_animation_frame(move || browser::focus(&id));
            }
        }
    });
    view! {
        <div class="container my-4">
            <Page title=trsvs(|t| t.services_title)>
                <p class="lead">{trsv(|t| t.services_intro)}</p>
                <ServiceGroups link_categories=false />
            </Page>
        </div>
    }
}

/// The sections of a scheda, in the model's order (the validator checks it).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Audience,
    How,
    Needed,
    Outcome,
    Times,
    Costs,
    Access,
    Conditions,
    Contacts,
}

impl Section {
    const ALL: [Section; 9] = [
        Self::Audience,
        Self::How,
        Self::Needed,
        Self::Outcome,
        Self::Times,
        Self::Costs,
        Self::Access,
        Self::Conditions,
        Self::Contacts,
    ];

    fn id(self) -> &'static str {
        match self {
            Self::Audience => "a-chi-e-rivolto",
            Self::How => "come-fare",
            Self::Needed => "cosa-serve",
            Self::Outcome => "cosa-si-ottiene",
            Self::Times => "tempi-e-scadenze",
            Self::Costs => "costi",
            Self::Access => "accedi-al-servizio",
            Self::Conditions => "condizioni-di-servizio",
            Self::Contacts => "contatti",
        }
    }

    fn title(self, t: &ServiceTexts) -> &'static str {
        match self {
            Self::Audience => t.audience,
            Self::How => t.how,
            Self::Needed => t.needed,
            Self::Outcome => t.outcome,
            Self::Times => t.times,
            Self::Costs => t.costs,
            Self::Access => t.access,
            Self::Conditions => t.conditions,
            Self::Contacts => t.contacts,
        }
    }
}

/// `/servizi/{code}`: a request type's scheda servizio.
#[component]
pub fn ServiceSheet() -> impl IntoView {
    let params = use_params_map();
    let tenant = use_tenant();
    let i18n = use_i18n();
    view! {
        <div class="container my-4">
            {load(tenant.request_types, move |types| {
                let code = params.with_untracked(|p| p.get("code")).unwrap_or_default();
                match types.into_iter().find(|t| t.code == code) {
                    Some(rt) => view! { <Sheet rt /> }.into_any(),
                    None => view! {
                        <Page title=Signal::derive(move || i18n.t().not_found_title.to_owned())>
                            <p class="lead">{trsv(|t| t.not_found)}</p>
                            <a href=SERVICES_PATH rel=rel_for(SERVICES_PATH)>{trft(|t| t.all_services)}</a>
                        </Page>
                    }
                    .into_any(),
                }
            })}
        </div>
    }
}

#[component]
fn Sheet(rt: RequestType) -> impl IntoView {
    let i18n = use_i18n();
    let rated_code = rt.code.clone();
    let tenant = use_tenant();
    let st = move || service_texts(i18n.lang());
    let category = rt.kind.category();
    let name = rt.name.clone();
    let title = Signal::derive({
        let name = name.clone();
        move || name.clone()
    });
    let crumbs = vec![Crumb {
        label: trsvs(|t| t.services_title),
        href: SERVICES_PATH.to_owned(),
    }];
    let audience = move || {
        let t = st();
        match category {
            ServiceCategory::Utenza => t.audience_utenza,
            ServiceCategory::Importi => t.audience_importi,
            ServiceCategory::Segnalazioni => t.audience_segnalazioni,
            ServiceCategory::Ritiri => t.audience_ritiri,
            ServiceCategory::Altro => t.audience_altro,
        }
    };
    let days = rt.standard_days;
    let fields = rt.fields.clone();
    let wizard = wizard_path(&rt.code);
    let ente = move || {
        tenant
            .name()
            .unwrap_or_else(|| i18n.t().default_tenant_name.to_owned())
    };
    let metatag = {
        let name = name.clone();
        let url = wizard.clone();
        move || {
            serde_json::json!({
                "@context": "https://schema.org",
                "@type": "GovernmentService",
                "name": name,
                "serviceType": category_label(domain::Lang::It, category),
                "serviceOperator": { "name": ente() },
                "areaServed": { "name": ente() },
                "audience": { "name": audience() },
                "availableChannel": { "serviceUrl": url },
            })
            .to_string()
        }
    };
    let how_choose = {
        let name = name.clone();
        move || (st().how_choose)(&name)
    };
    view! {
        <Page title crumbs title_element="service-title">
            <script type="application/ld+json" data-element="metatag" inner_html=metatag></script>
            <p class="lead" data-element="service-description">{rt.description.clone()}</p>
            <p>
                <span class="badge bg-success" data-element="service-status">{trsv(|t| t.status_active)}</span>
            </p>
            <div class="row mt-4">
                <div class="col-12 col-lg-3 mb-4">
                    <SheetIndex />
                </div>
                <div class="col-12 col-lg-8 offset-lg-1">
                    <SheetSection section=Section::Audience>
                        <p>{audience}</p>
                    </SheetSection>
                    <SheetSection section=Section::How>
                        <ol>
                            <li>{move || st().how_steps[0]}</li>
                            <li>{move || st().how_steps[1]}</li>
                            <li>{how_choose}</li>
                            <li>{move || st().how_steps[2]}</li>
                            <li>{move || st().how_steps[3]}</li>
                        </ol>
                    </SheetSection>
                    <SheetSection section=Section::Needed>
                        <ul>
                            <li>{move || st().needed_identity}</li>
                            <li>{move || st().needed_subject}</li>
                            {(!fields.is_empty()).then(|| {
                                let fields = fields.clone();
                                view! {
                                    <li>
                                        {move || st().needed_fields}
                                        <ul data-testid="sheet-fields">
                                            {fields
                                                .into_iter()
                                                .map(|f| {
                                                    let required = f.required;
                                                    let options = (f.field_type == FieldType::Select
                                                        && !f.options.is_empty())
                                                        .then(|| {
                                                            let labels: Vec<String> =
                                                                f.options.iter().map(|o| o.label.clone()).collect();
                                                            format!(": {}", labels.join(", "))
                                                        });
                                                    view! {
                                                        <li>
                                                            <strong>{f.label.clone()}</strong>
                                                            {move || {
                                                                let t = st();
                                                                format!(" ({})", if required { t.required } else { t.optional })
                                                            }}
                                                            {options}
                                                            {f.help.clone().map(|h| view! { <br /><span class="small">{h}</span> })}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    </li>
                                }
                            })}
                            <li>{move || st().needed_attachments}</li>
                        </ul>
                    </SheetSection>
                    <SheetSection section=Section::Outcome>
                        <p>{move || st().outcome_text}</p>
                    </SheetSection>
                    <SheetSection section=Section::Times>
                        {match days {
                            Some(n) => view! {
                                <p class="h5" data-testid="sheet-standard">{move || (st().times_days)(n)}</p>
                                <p>{move || st().times_days_detail}</p>
                                <p>{move || st().times_filing}</p>
                            }
                            .into_any(),
                            None => view! { <p data-testid="sheet-standard">{move || st().times_none}</p> }.into_any(),
                        }}
                    </SheetSection>
                    <SheetSection section=Section::Costs>
                        <p>{move || st().costs_free}</p>
                    </SheetSection>
                    <SheetSection section=Section::Access>
                        <p>{move || st().access_text}</p>
                        <p class="small">
                            <Icon name="it-user" class="icon-sm icon-primary me-1" />
                            {move || st().access_login_hint}
                        </p>
                        <a class="btn btn-primary mb-3" href=wizard.clone() rel=rel_for("/nuova-richiesta") data-element="service-access">
                            {trsv(|t| t.access_button)}
                        </a>
                        <p class="mb-1">{move || st().access_desk}</p>
                        <a href=BOOKING_PATH rel=rel_for(BOOKING_PATH) data-element="appointment-booking">
                            <Icon name="it-calendar" class="icon-sm icon-primary me-1" />
                            <span>{trsv(|t| t.book_appointment)}</span>
                        </a>
                    </SheetSection>
                    <SheetSection section=Section::Conditions>
                        <p>{move || st().conditions_text}</p>
                        <a href="/privacy" rel=rel_for("/privacy")>{trsv(|t| t.privacy_link)}</a>
                    </SheetSection>
                    <SheetSection section=Section::Contacts>
                        <ContactBlock />
                        <dl class="mt-4">
                            <dt>{trsv(|t| t.area)}</dt>
                            <dd><a href="/" rel=rel_for("/") data-element="service-area">{ente}</a></dd>
                            <dt>{trsv(|t| t.topics)}</dt>
                            <dd>
                                <a
                                    href=format!("{SERVICES_PATH}#{}", category_anchor(category))
                                    rel=rel_for(SERVICES_PATH)
                                    class="chip chip-simple text-decoration-none"
                                    data-element="service-topic"
                                >
                                    <span class="chip-label">{move || category_label(i18n.lang(), category)}</span>
                                </a>
                            </dd>
                        </dl>
                    </SheetSection>
                    <PageRatingBlock page=RatedPage::Service(rated_code) />
                </div>
            </div>
        </Page>
    }
}

#[component]
fn SheetSection(section: Section, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let heading = format!("h-{}", section.id());
    let labelled_by = heading.clone();
    view! {
        <section class="mb-5" id=section.id() aria-labelledby=labelled_by>
            <h2 class="h3 mb-3" id=heading tabindex="-1">
                {move || section.title(service_texts(i18n.lang()))}
            </h2>
            {children()}
        </section>
    }
}

/// The model's page index, over the scheda's sections.
#[component]
fn SheetIndex() -> impl IntoView {
    let i18n = use_i18n();
    let entries = Section::ALL
        .into_iter()
        .map(|s| IndexEntry {
            id: s.id().to_owned(),
            title: Signal::derive(move || s.title(service_texts(i18n.lang())).to_owned()),
        })
        .collect();
    view! { <PageIndex label=trsv(|t| t.page_index) entries /> }
}

/// "Contatta il Comune": the ente's contacts from the settings (each only when set) and
/// the desk's other channels.
#[component]
pub fn ContactBlock() -> impl IntoView {
    let tenant = use_tenant();
    let i18n = use_i18n();
    let st = move || service_texts(i18n.lang());
    let contacts = move || match tenant.tenant.get() {
        Some(Ok(t)) => t.contacts,
        _ => domain::api::TenantContacts::default(),
    };
    view! {
        <div class="card card-bg shadow-sm" data-element="contacts">
            <div class="card-body">
                <h3 class="h5 card-title">{trsv(|t| t.contact_heading)}</h3>
                <p>{move || st().contact_text}</p>
                {move || {
                    let c = contacts();
                    let t = footer_texts(i18n.lang());
                    let rows: Vec<(&'static str, String, Option<String>)> = [
                        (t.address, c.address, None),
                        (t.phone, c.phone.clone(), c.phone.map(|p| format!("tel:{p}"))),
                        (t.email, c.email.clone(), c.email.map(|e| format!("mailto:{e}"))),
                        (t.pec, c.pec.clone(), c.pec.map(|e| format!("mailto:{e}"))),
                    ]
                    .into_iter()
                    .filter_map(|(label, value, href)| value.map(|v| (label, v, href)))
                    .collect();
                    (!rows.is_empty()).then(|| view! {
                        <ul class="list-unstyled">
                            {rows
                                .into_iter()
                                .map(|(label, value, href)| view! {
                                    <li>
                                        <strong>{label}": "</strong>
                                        {match href {
                                            Some(h) => view! { <a href=h>{value}</a> }.into_any(),
                                            None => view! { <span>{value}</span> }.into_any(),
                                        }}
                                    </li>
                                })
                                .collect_view()}
                        </ul>
                    })
                }}
                <ul class="list-unstyled mb-0">
                    <li>
                        <a href=CHAT_PATH rel=rel_for(CHAT_PATH)>
                            <Icon name="it-comment" class="icon-sm icon-primary me-1" />
                            <span>{trsv(|t| t.contact_chat)}</span>
                        </a>
                    </li>
                    <li>
                        <a href=BOOKING_PATH rel=rel_for(BOOKING_PATH)>
                            <Icon name="it-calendar" class="icon-sm icon-primary me-1" />
                            <span>{trsv(|t| t.book_appointment)}</span>
                        </a>
                    </li>
                    <li>
                        <a href="/faq" rel=rel_for("/faq")>
                            <Icon name="it-help-circle" class="icon-sm icon-primary me-1" />
                            <span>{trsv(|t| t.contact_faq)}</span>
                        </a>
                    </li>
                </ul>
            </div>
        </div>
    }
}

/// "Mappa del sito": every page of the portal a visitor can open, the request types'
/// schede included.
#[component]
pub fn SiteMap() -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    let link = move |href: &'static str, label: Signal<String>| {
        view! { <li><a href=href rel=rel_for(href)>{label}</a></li> }
    };
    let t = move |f: fn(&Texts) -> &'static str| Signal::derive(move || f(i18n.t()).to_owned());
    view! {
        <div class="container my-4">
            <Page title=trfts(|t| t.site_map)>
                <p class="lead">{trsv(|t| t.site_map_intro)}</p>
                <div class="row">
                    <div class="col-12 col-md-6">
                        <h2 class="h4">{trsv(|t| t.services_title)}</h2>
                        <ul data-testid="site-map-services">
                            {link("/", t(|t| t.home))}
                            {link(SERVICES_PATH, trfts(|t| t.all_services))}
                            <li>
                                <ul>
                                    {move || {
                                        tenant
                                            .types()
                                            .into_iter()
                                            .map(|rt| view! { <li><a href=sheet_path(&rt.code) rel=rel_for(SERVICES_PATH)>{rt.name}</a></li> })
                                            .collect_view()
                                    }}
                                </ul>
                            </li>
                            {link(BOOKING_PATH, t(|t| t.service_booking_title))}
                            {link(PICKUP_PATH, trsvs(|t| t.sm_pickup))}
                            {link("/documenti", t(|t| t.nav_documents))}
                            {link("/faq", t(|t| t.nav_faq))}
                            {link(WASTE_GUIDE_PATH, t(|t| t.nav_waste_guide))}
                            {link(TRANSPARENCY_PATH, t(|t| t.nav_transparency))}
                            {link(CHAT_PATH, t(|t| t.nav_chat))}
                            {link(SEARCH_PATH, trfts(|t| t.search_site))}
                        </ul>
                    </div>
                    <div class="col-12 col-md-6">
                        <h2 class="h4">{trsv(|t| t.site_map_account)}</h2>
                        <ul>
                            {link("/accedi", t(|t| t.login))}
                            {link("/area-personale", t(|t| t.nav_personal_area))}
                            {link(ACCOUNT_PATH, trsvs(|t| t.sm_account))}
                            {link(PAYMENTS_PATH, trsvs(|t| t.sm_payments))}
                            {link("/area-personale/preferenze", t(|t| t.preferences_title))}
                        </ul>
                        <h2 class="h4">{trsv(|t| t.site_map_about)}</h2>
                        <ul>
                            {link("/note-legali", trfts(|t| t.legal_notes))}
                            {link("/privacy", t(|t| t.privacy_policy))}
                            {link("/media-policy", trfts(|t| t.media_policy))}
                            {link("/dichiarazione-accessibilita", t(|t| t.accessibility_statement))}
                        </ul>
                    </div>
                </div>
            </Page>
        </div>
    }
}

/// "Note legali": who runs the portal and with what software; nothing the settings do
/// not say.
#[component]
pub fn LegalNotes() -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    let st = move || service_texts(i18n.lang());
    let owner = move || {
        let name = tenant
            .name()
            .unwrap_or_else(|| i18n.t().default_tenant_name.to_owned());
        (st().legal_owner)(&name)
    };
    view! {
        <div class="container my-4">
            <Page title=trfts(|t| t.legal_notes)>
                <p class="lead">{owner}</p>
                <p>{move || st().legal_software}</p>
                <p>{move || st().legal_privacy}</p>
                <ul>
                    <li><a href="/privacy" rel=rel_for("/privacy")>{tr(|t| t.privacy_policy)}</a></li>
                    <li>
                        <a href="/dichiarazione-accessibilita" rel=rel_for("/dichiarazione-accessibilita")>
                            {tr(|t| t.accessibility_statement)}
                        </a>
                    </li>
                </ul>
            </Page>
        </div>
    }
}

#[component]
pub fn MediaPolicy() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page title=trfts(|t| t.media_policy)>
                <p class="lead">{trsv(|t| t.media_text)}</p>
            </Page>
        </div>
    }
}
