//! Header and footer of the AgID municipal-site model (Bootstrap Italia markup). The
//! collapsible mobile menu is driven by a signal instead of Bootstrap Italia's JS.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};

use domain::RequestKind;

use crate::app::{
    AppKind, BOOKING_PATH, CHAT_PATH, SEARCH_PATH, TRANSPARENCY_PATH, WASTE_GUIDE_PATH, go,
    rel_for, use_app_kind,
};
use crate::components::Icon;
use crate::i18n::{Texts, footer_texts, tr, trft, trfts, use_i18n};
use crate::pages::services::{SERVICES_PATH, wizard_path};
use crate::session::{use_session, use_tenant};

/// Skip links. Handled here rather than by the browser's fragment navigation, which the
/// router would turn into a route change: focus moves to the target (`tabindex="-1"`), so
/// the next Tab continues from there.
#[component]
pub fn SkipLinks() -> impl IntoView {
    let skip = |id: &'static str| {
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            crate::browser::focus(id);
        }
    };
    view! {
        <div class="skiplinks">
            <a class="visually-hidden-focusable" href="#main-content" on:click=skip("main-content")>
                {tr(|t| t.skip_to_content)}
            </a>
            <a class="visually-hidden-focusable" href="#footer" on:click=skip("footer")>
                {tr(|t| t.skip_to_footer)}
            </a>
        </div>
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let tenant = use_tenant();
    let menu_open = RwSignal::new(false);
    // The phone menu: opening it moves focus to its close button, closing it (button,
    // overlay or Escape) brings focus back to the toggle.
    let open_menu = move |_| {
        menu_open.set(true);
        request_animation_frame(|| crate::browser::focus("menu-close"));
    };
    let close_menu = move || {
        if menu_open.get_untracked() {
            menu_open.set(false);
            request_animation_frame(|| crate::browser::focus("menu-toggle"));
        }
    };
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            close_menu();
        }
    });
    on_cleanup(move || escape.remove());
    let location = use_location();
    // Close the mobile menu after each navigation.
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    let name = move || {
        tenant
            .name()
            .unwrap_or_else(|| i18n.t().default_tenant_name.to_owned())
    };
    let logo = move || match tenant.tenant.get() {
        Some(Ok(t)) => t.logo_url,
        _ => None,
    };
    // The model's slim header names the body the ente belongs to; without one, the ente.
    let slim_name = move || match tenant.tenant.get() {
        Some(Ok(t)) => t.contacts.parent_body.unwrap_or(t.name),
        _ => name(),
    };
    let navigate = use_navigate();
    let kind = use_app_kind();
    let home = if kind == AppKind::Console {
        "/console"
    } else {
        "/"
    };
    let logout = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            if !session.logout().await {
                return;
            }
            // Staff stay in the console, at its sign-in page.
            let after = if kind == AppKind::Console {
                kind.login_path()
            } else {
                "/"
            };
            go(kind, &navigate, after, false);
        });
    };
    let nav_link = move |href: &'static str, label: fn(&Texts) -> &'static str| {
        let active = move || {
            let path = location.pathname.get();
            if href == "/" {
                path == "/"
            } else {
                path.starts_with(href)
            }
        };
        view! {
            <li class="nav-item">
                <a
                    class="nav-link"
                    class:active=active
                    href=href
                    rel=rel_for(href)
                    aria-current=move || active().then_some("page")
                >
                    <span>{move || label(i18n.t())}</span>
                </a>
            </li>
        }
    };
    view! {
        <header class="it-header-wrapper" data-element="header">
            <div class="it-header-slim-wrapper">
                <div class="container">
                    <div class="row">
                        <div class="col-12">
                            <div class="it-header-slim-wrapper-content">
                                <span class="d-lg-block navbar-brand" data-element="parent-body">{slim_name}</span>
                                <div class="it-header-slim-right-zone">
                                    <button
                                        type="button"
                                        class="btn btn-link text-white text-decoration-none me-2 lang-switch"
                                        on:click=move |_| i18n.toggle()
                                    >
                                        <span class="visually-hidden">{tr(|t| t.lang_switch_label)}</span>
                                        <span lang=tr(|t| t.other_lang_code)>{tr(|t| t.other_lang_name)}</span>
                                    </button>
                                    {move || {
                                        if session.is_signed_in() {
                                            let who = session
                                                .me
                                                .with(|m| m.as_ref().map(|m| format!("{} {}", m.first_name, m.last_name)))
                                                .unwrap_or_default();
                                            view! {
                                                <span class="text-white d-none d-md-inline me-2">{who}</span>
                                                <button
                                                    type="button"
                                                    class="btn btn-primary btn-sm"
                                                    on:click=logout.clone()
                                                >
                                                    {tr(|t| t.logout)}
                                                </button>
                                            }
                                                .into_any()
                                        } else if kind == AppKind::Console {
                                            // Every console page but its sign-in page needs one.
                                            ().into_any()
                                        } else {
                                            view! {
                                                <a
                                                    class="btn btn-primary btn-icon btn-full"
                                                    href="/accedi"
                                                    rel=rel_for("/accedi")
                                                    data-element="personal-area-login"
                                                >
                                                    <span class="rounded-icon" aria-hidden="true">
                                                        <Icon name="it-user" class="icon-primary" />
                                                    </span>
                                                    <span class="d-none d-lg-block">{tr(|t| t.login)}</span>
                                                    <span class="visually-hidden d-lg-none">{tr(|t| t.login)}</span>
                                                </a>
                                            }
                                                .into_any()
                                        }
                                    }}
                                </div>
                            </div>
                        </div>
                    </div>
                </div>
            </div>
            <div class="it-nav-wrapper">
                <div class="it-header-center-wrapper">
                    <div class="container">
                        <div class="row">
                            <div class="col-12">
                                <div class="it-header-center-content-wrapper">
                                    <div class="it-brand-wrapper">
                                        <a href=home rel=rel_for(home)>
                                            {move || {
                                                logo()
                                                    .map(|src| {
                                                        view! { <img class="icon tenant-logo" src=src alt="" /> }
                                                    })
                                            }}
                                            <div class="it-brand-text">
                                                <div class="it-brand-title">{name}</div>
                                                <div class="it-brand-tagline d-none d-md-block">
                                                    {tr(|t| t.site_tagline)}
                                                </div>
                                            </div>
                                        </a>
                                    </div>
                                    // The site search, on every citizen page (the model's
                                    // header); the console has its own filters.
                                    {(kind != AppKind::Console).then(|| view! {
                                        <div class="it-right-zone">
                                            <div class="it-search-wrapper">
                                                <span class="d-none d-md-block">{trft(|t| t.search)}</span>
                                                <a
                                                    class="search-link rounded-icon"
                                                    href=SEARCH_PATH
                                                    rel=rel_for(SEARCH_PATH)
                                                    aria-label=trft(|t| t.search_site)
                                                    data-element="search-modal-button"
                                                    data-testid="header-search"
                                                >
                                                    <Icon name="it-search" />
                                                </a>
                                            </div>
                                        </div>
                                    })}
                                </div>
                            </div>
                        </div>
                    </div>
                </div>
                // The console's side menu is its navigation: no citizen menu there.
                {(kind != AppKind::Console).then(|| view! {
                <div class="it-header-navbar-wrapper">
                    <div class="container">
                        <div class="row">
                            <div class="col-12">
                                <nav class="navbar navbar-expand-lg" aria-label=tr(|t| t.main_menu)>
                                    <button
                                        class="custom-navbar-toggler"
                                        type="button"
                                        aria-controls="main-menu"
                                        id="menu-toggle"
                                        aria-expanded=move || menu_open.get().to_string()
                                        aria-label=tr(|t| t.open_menu)
                                        on:click=open_menu
                                    >
                                        <Icon name="it-burger" />
                                    </button>
                                    <div
                                        class="navbar-collapsable"
                                        class:expanded=move || menu_open.get()
                                        id="main-menu"
                                        style:display=move || if menu_open.get() { Some("block") } else { None }
                                    >
                                        <div
                                            class="overlay fade"
                                            class:show=move || menu_open.get()
                                            style:display=move || if menu_open.get() { "block" } else { "none" }
                                            on:click=move |_| close_menu()
                                        ></div>
                                        <div class="close-div">
                                            <button
                                                class="btn close-menu"
                                                type="button"
                                                id="menu-close"
                                                on:click=move |_| close_menu()
                                            >
                                                <span class="visually-hidden">{tr(|t| t.close_menu)}</span>
                                                <Icon name="it-close-big" />
                                            </button>
                                        </div>
                                        <div class="menu-wrapper">
                                            <ul class="navbar-nav" data-element="main-navigation">
                                                {nav_link("/", |t| t.nav_services)}
                                                {nav_link("/documenti", |t| t.nav_documents)}
                                                {nav_link("/faq", |t| t.nav_faq)}
                                                {move || {
                                                    session
                                                        .is_signed_in()
                                                        .then(|| {
                                                            if session.is_staff() {
                                                                nav_link("/console", |t| t.nav_console)
                                                            } else {
                                                                nav_link("/area-personale", |t| t.nav_personal_area)
                                                            }
                                                        })
                                                }}
                                            </ul>
                                        </div>
                                    </div>
                                </nav>
                            </div>
                        </div>
                    </div>
                </div>
                })}
            </div>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    let st = move || footer_texts(i18n.lang());
    let name = move || {
        tenant
            .name()
            .unwrap_or_else(|| i18n.t().default_tenant_name.to_owned())
    };
    let public = move || match tenant.tenant.get() {
        Some(Ok(t)) => Some(t),
        _ => None,
    };
    let logo = move || public().and_then(|t| t.logo_url);
    // The wizard at the first type of a kind, so the footer's report and suggestion
    // links open the right form.
    let wizard_for = move |kinds: &[RequestKind]| {
        let types = tenant.types();
        kinds
            .iter()
            .find_map(|k| types.iter().find(|t| t.kind == *k))
            .map_or_else(|| "/nuova-richiesta".to_owned(), |t| wizard_path(&t.code))
    };
    let citizen = use_app_kind() != AppKind::Console;
    let link = move |href: &'static str, label: Signal<String>, element: Option<&'static str>| {
        view! {
            <li>
                <a class="text-white" href=href rel=rel_for(href) data-element=element>
                    {label}
                </a>
            </li>
        }
    };
    let t = move |f: fn(&Texts) -> &'static str| Signal::derive(move || f(i18n.t()).to_owned());
    view! {
        <footer class="it-footer" id="footer" tabindex="-1" data-element="footer">
            <div class="it-footer-main">
                <div class="container">
                    <section class="py-4 border-white border-bottom">
                        <div class="d-flex align-items-center gap-3">
                            {move || logo().map(|src| view! { <img class="tenant-logo footer-logo" src=src alt="" /> })}
                            <div>
                                <h2 class="h4 text-white mb-0">{name}</h2>
                                <p class="text-white mb-0">{tr(|t| t.site_tagline)}</p>
                            </div>
                        </div>
                    </section>
                    <section class="py-4 border-white border-bottom">
                        <div class="row">
                            <div class="col-12 col-md-4 pb-3">
                                <h3 class="h5 text-white">{trft(|t| t.footer_services)}</h3>
                                <div>
                                    <ul class="list-unstyled mb-0 footer-links">
                                        {link(SERVICES_PATH, trfts(|t| t.all_services), Some("all-services"))}
                                        {link(BOOKING_PATH, t(|t| t.service_booking_title), Some("appointment-booking"))}
                                        {link(WASTE_GUIDE_PATH, t(|t| t.nav_waste_guide), None)}
                                        {citizen.then(|| link(CHAT_PATH, t(|t| t.nav_chat), Some("chat-link")))}
                                    </ul>
                                </div>
                            </div>
                            <div class="col-12 col-md-4 pb-3">
                                <h3 class="h5 text-white">{trft(|t| t.footer_info)}</h3>
                                <div>
                                    <ul class="list-unstyled mb-0 footer-links">
                                        {link("/faq", t(|t| t.nav_faq), Some("faq"))}
                                        {link("/documenti", t(|t| t.nav_documents), None)}
                                        {link(TRANSPARENCY_PATH, t(|t| t.nav_transparency), Some("transparency-link"))}
                                        {citizen.then(|| view! {
                                            <li>
                                                <a
                                                    class="text-white"
                                                    href=move || wizard_for(&[RequestKind::Disservizio])
                                                    rel=rel_for("/nuova-richiesta")
                                                    data-element="report-inefficiency"
                                                >
                                                    {trft(|t| t.report_inefficiency)}
                                                </a>
                                            </li>
                                            <li>
                                                <a
                                                    class="text-white"
                                                    href=move || wizard_for(&[RequestKind::Altro, RequestKind::Informazioni])
                                                    rel=rel_for("/nuova-richiesta")
                                                    data-element="feedback-link"
                                                >
                                                    {trft(|t| t.feedback)}
                                                </a>
                                            </li>
                                        })}
                                    </ul>
                                </div>
                            </div>
                            <div class="col-12 col-md-4 pb-3">
                                <h3 class="h5 text-white">{trft(|t| t.footer_contacts)}</h3>
                                {move || {
                                    let t = st();
                                    let p = public();
                                    let c = p.as_ref().map(|p| p.contacts.clone()).unwrap_or_default();
                                    let fiscal = p.and_then(|p| p.fiscal_code);
                                    let rows: Vec<(&'static str, String, Option<String>)> = [
                                        (t.address, c.address, None),
                                        (t.phone, c.phone.clone(), c.phone.map(|v| format!("tel:{v}"))),
                                        (t.email, c.email.clone(), c.email.map(|v| format!("mailto:{v}"))),
                                        (t.pec, c.pec.clone(), c.pec.map(|v| format!("mailto:{v}"))),
                                        (t.fiscal_code, fiscal, None),
                                        (t.vat_number, c.vat_number, None),
                                    ]
                                    .into_iter()
                                    .filter_map(|(label, value, href)| value.map(|v| (label, v, href)))
                                    .collect();
                                    view! {
                                        <ul class="list-unstyled text-white footer-contacts" data-testid="footer-contacts">
                                            {rows
                                                .into_iter()
                                                .map(|(label, value, href)| view! {
                                                    <li>
                                                        {label}": "
                                                        {match href {
                                                            Some(h) => view! { <a class="text-white" href=h>{value}</a> }.into_any(),
                                                            None => view! { <span>{value}</span> }.into_any(),
                                                        }}
                                                    </li>
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                }}
                            </div>
                        </div>
                    </section>
                </div>
            </div>
            <div class="it-footer-small-prints clearfix">
                <div class="container">
                    <h2 class="visually-hidden">{tr(|t| t.footer_legal)}</h2>
                    <ul class="it-footer-small-prints-list list-inline mb-0 d-flex flex-column flex-md-row flex-wrap">
                        <li class="list-inline-item">
                            <a href="/note-legali" rel=rel_for("/note-legali") data-element="legal-notes">
                                {trft(|t| t.legal_notes)}
                            </a>
                        </li>
                        <li class="list-inline-item">
                            <a href="/privacy" rel=rel_for("/privacy") data-element="privacy-policy-link">
                                {tr(|t| t.privacy_policy)}
                            </a>
                        </li>
                        <li class="list-inline-item">
                            <a href="/media-policy" rel=rel_for("/media-policy") data-element="media-policy">
                                {trft(|t| t.media_policy)}
                            </a>
                        </li>
                        <li class="list-inline-item">
                            <a href="/dichiarazione-accessibilita" rel=rel_for("/dichiarazione-accessibilita") data-element="accessibility-link">
                                {tr(|t| t.accessibility_statement)}
                            </a>
                        </li>
                        <li class="list-inline-item">
                            <a href="https://form.agid.gov.it" rel="external noopener" data-element="agid-feedback">
                                {trft(|t| t.agid_feedback)}
                            </a>
                        </li>
                        <li class="list-inline-item">
                            <a href="/mappa-del-sito" rel=rel_for("/mappa-del-sito") data-element="site-map">
                                {trft(|t| t.site_map)}
                            </a>
                        </li>
                        <li class="list-inline-item">
                            <span class="text-white">{tr(|t| t.footer_powered_by)}</span>
                        </li>
                    </ul>
                </div>
            </div>
        </footer>
    }
}
