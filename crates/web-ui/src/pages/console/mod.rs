//! The operator console (`/console`): staff only; citizens are sent back to their area.

pub mod admin;
mod detail;
pub mod mail_settings;
mod queue;
mod registrations;
mod registry;
mod request_mail;

pub use detail::Detail;
pub use queue::Queue;
pub use registrations::Registrations;
pub use registry::Registry;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use crate::components::{Need, RequireLogin};
use crate::i18n::{Texts, tr, use_i18n};
use crate::session::use_session;

/// A side-menu entry: path and label.
type NavEntry = (&'static str, fn(&Texts) -> &'static str);

const DESK_LINKS: [NavEntry; 3] = [
    ("/console", |t| t.queue_title),
    ("/console/registrazioni", |t| t.registrations_title),
    ("/console/registro", |t| t.register_page_title),
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

#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let location = use_location();
    let link = move |(href, label): NavEntry| {
        let current = move || location.pathname.get() == href;
        view! {
            <li>
                <a
                    class="list-item"
                    class:active=current
                    href=href
                    aria-current=move || current().then_some("page")
                >
                    <span>{move || label(i18n.t())}</span>
                </a>
            </li>
        }
    };
    view! {
        <div class="container-fluid px-lg-5 my-4">
            <RequireLogin need=Need::Staff>
                <div class="row">
                    <div class="col-12 col-lg-3 mb-4">
                        <nav class="link-list-wrapper console-nav" aria-label=tr(|t| t.console_nav)>
                            <p class="h6 text-uppercase text-muted">{tr(|t| t.console_title)}</p>
                            <ul class="link-list">{DESK_LINKS.into_iter().map(link).collect_view()}</ul>
                            {move || {
                                session
                                    .role()
                                    .is_some_and(|r| r == domain::Role::Admin)
                                    .then(|| {
                                        view! {
                                            <p class="h6 text-uppercase text-muted mt-3">{tr(|t| t.admin_title)}</p>
                                            <ul class="link-list">{ADMIN_LINKS.into_iter().map(link).collect_view()}</ul>
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
