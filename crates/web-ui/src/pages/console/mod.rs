//! The operator console (`/console`): staff only; citizens are sent back to their area.

pub mod admin;
pub mod agenda;
mod settings_days;
// Live chat queue and conversations; the video desk's call page.
mod audit;
pub mod call;
pub mod chats;
mod content_form;
mod deflections;
pub mod desks;
mod detail;
pub mod identity_settings;
pub mod imports;
pub mod mail_settings;
pub mod pagopa_settings;
pub mod pickups;
mod queue;
pub mod reconciliation;
mod registrations;
mod registry;
mod request_mail;
mod sender;
mod service_ratings;
mod suggestions;
pub mod taxpayers;
pub mod tenants;
pub mod transparency_admin;
pub mod video_settings;
pub mod waste_admin;
// pagoPA notices on a contribuente's file and "Verifica un pagamento".
pub mod notices;

pub use audit::AuditLog;
pub use detail::Detail;
pub use queue::Queue;
pub use registrations::Registrations;
pub use registry::Registry;

use domain::Role;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use crate::components::{Need, RequireLogin};
use crate::i18n::content_admin::trca;
use crate::i18n::{AgendaTexts, StaffTexts, trag, trst, trsts};
use crate::pages::SignIn;
use crate::session::use_session;

/// A side-menu entry: path and label.
type NavEntry = (&'static str, fn(&StaffTexts) -> &'static str);

const DESK_LINKS: [NavEntry; 3] = [
    ("/console", |t| t.queue_title),
    ("/console/registrazioni", |t| t.registrations_title),
    ("/console/registro", |t| t.register_page_title),
];

/// The agenda's pages, in their own strings.
type AgendaEntry = (&'static str, fn(&AgendaTexts) -> &'static str);

/// The desk's day and the crew's route sheet, for all staff.
const AGENDA_LINKS: [AgendaEntry; 2] = [
    ("/console/agenda", |g| g.agenda_title),
    ("/console/giro-ritiri", |g| g.route_nav),
];

/// The agenda's administration.
const AGENDA_ADMIN_LINKS: [AgendaEntry; 2] = [
    ("/console/sportelli", |g| g.desks_title),
    ("/console/zone-ritiro", |g| g.zones_title),
];

/// The audit log, for supervisors and administrators.
const AUDIT_PATH: &str = "/console/attivita";

/// A side-menu entry of the taxpayer's account, labelled from its own texts.
type TaxEntry = (&'static str, fn(&crate::i18n::AccountTexts) -> &'static str);

/// The taxpayer's account at the desk (every staff role), under its own heading.
const TAX_LINKS: [TaxEntry; 2] = [
    (taxpayers::SEARCH_PATH, |t| t.taxpayers_title),
    ("/console/importazioni", |t| t.imports_title),
];

const ADMIN_LINKS: [NavEntry; 8] = [
    ("/console/impostazioni", |t| t.settings_title),
    ("/console/uffici", |t| t.offices_title),
    ("/console/utenti", |t| t.users_title),
    ("/console/smistamento", |t| t.routing_title),
    ("/console/caselle-posta", |t| t.mailboxes_title),
    ("/console/canali-notifica", |t| t.channels_title),
    ("/console/documenti", |t| t.documents_admin_title),
    ("/console/faq", |t| t.faq_admin_title),
];

/// The console's own sign-in page, for staff (no registration there).
#[component]
pub fn ConsoleLogin() -> impl IntoView {
    view! { <SignIn title=trsts(|s| s.login_title) intro=trst(|s| s.login_intro) staff=true /> }
}

#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    chats::provide_chat_feed();
    let link = move |href: &'static str, label: Signal<&'static str>| {
        let current = move || location.pathname.get() == href;
        view! {
            <li>
                <a
                    class="list-item"
                    class:active=current
                    href=href
                    aria-current=move || current().then_some("page")
                >
                    <span>{label}</span>
                </a>
            </li>
        }
    };
    // On a phone the menu is folded behind a button (the page comes first), and folds
    // again on each navigation; from `lg` up it is always open beside the page.
    let menu_open = RwSignal::new(false);
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    view! {
        <div class="container-fluid px-lg-5 my-4">
            <RequireLogin need=Need::Staff>
                <div class="row">
                    <div class="col-12 col-lg-3 mb-lg-4">
                        <button
                            type="button"
                            class="btn btn-outline-primary btn-sm d-lg-none mb-3"
                            aria-controls="console-nav"
                            aria-expanded=move || menu_open.get().to_string()
                            on:click=move |_| menu_open.update(|o| *o = !*o)
                        >
                            {trst(|s| s.console_nav)}
                        </button>
                        <nav
                            id="console-nav"
                            class="link-list-wrapper console-nav d-lg-block mb-4"
                            class:d-none=move || !menu_open.get()
                            aria-label=trst(|s| s.console_nav)
                            // A link chosen folds the menu, also the current page's own.
                            on:click=move |_| menu_open.set(false)
                        >
                            <p class="h6 text-uppercase text-muted">{trst(|s| s.console_title)}</p>
                            <ul class="link-list">
                                {DESK_LINKS.into_iter().map(|(h, l)| link(h, trst(l))).collect_view()}
                                <chats::ChatNavItem />
                                {AGENDA_LINKS.into_iter().map(|(h, l)| link(h, trag(l))).collect_view()}
                                {move || {
                                    session
                                        .role()
                                        .is_some_and(|r| matches!(r, Role::Supervisor | Role::Admin))
                                        .then(|| link(AUDIT_PATH, trst(|s| s.audit_title)))
                                }}
                            </ul>
                            <p class="h6 text-uppercase text-muted mt-3">{crate::i18n::trac(|t| t.nav_heading)}</p>
                            <ul class="link-list">
                                {TAX_LINKS.into_iter().map(|(h, l)| link(h, crate::i18n::trac(l))).collect_view()}
                                {link(reconciliation::PATH, crate::i18n::trrc(|t| t.title))}
                            </ul>
                            // The platform's tenants: platform administrators only.
                            {move || {
                                session
                                    .me
                                    .with(|m| m.as_ref().is_some_and(|m| m.platform_admin))
                                    .then(|| {
                                        view! {
                                            <p class="h6 text-uppercase text-muted mt-3">{crate::i18n::trpl(|t| t.nav_heading)}</p>
                                            <ul class="link-list">
                                                {link(tenants::PATH, crate::i18n::trpl(|t| t.title))}
                                            </ul>
                                        }
                                    })
                            }}
                            {move || {
                                session
                                    .role()
                                    .is_some_and(|r| r == Role::Admin)
                                    .then(|| {
                                        view! {
                                            <p class="h6 text-uppercase text-muted mt-3">{trst(|s| s.admin_title)}</p>
                                            <ul class="link-list">
                                                {ADMIN_LINKS.into_iter().map(|(h, l)| link(h, trst(l))).collect_view()}
                                                {link(transparency_admin::PATH, trca(|t| t.transparency_title))}
                                                {link(waste_admin::PATH, trca(|t| t.waste_title))}
                                                {link(pagopa_settings::PATH, pagopa_settings::nav_label())}
                                                {link(identity_settings::PATH, identity_settings::nav_label())}
                                                {link(video_settings::PATH, video_settings::nav_label())}
                                                {AGENDA_ADMIN_LINKS.into_iter().map(|(h, l)| link(h, trag(l))).collect_view()}
                                            </ul>
                                        }
                                    })
                            }}
                        </nav>
                    </div>
                    <div class="col-12 col-lg-9">
                        <Outlet />
                    </div>
                </div>
            </RequireLogin>
        </div>
    }
}
