//! The shell (skip links, header, main landmark, footer) and the routes.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::layout::{Footer, Header, SkipLinks};
use crate::i18n::provide_i18n;
use crate::pages::{self, console};
use crate::session::{provide_session, provide_tenant};

#[component]
pub fn App() -> impl IntoView {
    provide_i18n();
    provide_session();
    provide_tenant();
    view! {
        <Router>
            <SkipLinks />
            <Header />
            <main id="main-content" tabindex="-1">
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/") view=pages::Home />
                    <Route path=path!("/accedi") view=pages::Login />
                    <Route path=path!("/registrazione") view=pages::Register />
                    <Route path=path!("/nuova-richiesta") view=pages::Wizard />
                    <Route path=path!("/area-personale") view=pages::MyRequests />
                    <Route path=path!("/area-personale/pratiche/:id") view=pages::RequestDetail />
                    <Route path=path!("/documenti") view=pages::Documents />
                    <Route path=path!("/faq") view=pages::FaqPage />
                    <Route path=path!("/prenotazioni") view=pages::Booking />
                    <Route path=path!("/dichiarazione-accessibilita") view=pages::Accessibility />
                    <Route path=path!("/privacy") view=pages::Privacy />
                    <ParentRoute path=path!("/console") view=console::ConsoleLayout>
                        <Route path=path!("") view=console::Queue />
                        <Route path=path!("pratiche/:id") view=console::Detail />
                        <Route path=path!("registrazioni") view=console::Registrations />
                        <Route path=path!("registro") view=console::Registry />
                        <Route path=path!("impostazioni") view=console::admin::SettingsPage />
                        <Route path=path!("uffici") view=console::admin::OfficesPage />
                        <Route path=path!("utenti") view=console::admin::UsersPage />
                        <Route path=path!("smistamento") view=console::admin::RoutingPage />
                        <Route path=path!("documenti") view=console::admin::DocumentsAdmin />
                        <Route path=path!("faq") view=console::admin::FaqAdmin />
                    </ParentRoute>
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}
