//! The shell (skip links, header, main landmark, footer) and the routes of each app.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::layout::{Footer, Header, SkipLinks};
use crate::i18n::provide_i18n;
use crate::pages::{self, console};
use crate::session::{provide_session, provide_tenant};

/// Which of the apps is running. Links and redirects into another one are full page
/// loads (`rel="external"`, `location.assign`), since its code is in another module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppKind {
    Portal,
    Console,
    /// The signed-in citizen's pages: the Area personale (Scrivania, Messaggi, Pratiche and
    /// each request, Pagamenti, Appuntamenti, Preferenze, "La mia posizione" with the plan
    /// simulator) and the new-request wizard. Loaded on demand, out of the first load of
    /// the portal, whose public pages are what a visitor opens first.
    Account,
    /// Signing in (with SPID, CIE or a password), registering and recovering the password:
    /// a visit needs them once, so they are kept out of the portal's first load.
    Recovery,
    /// Appointment and pickup booking: a Comune's site links straight there, so it loads
    /// on its own, and the portal's first load does not carry it.
    Booking,
    /// "Trasparenza rifiuti" (TITR art. 3.1), the Riciclabolario, the services' schede
    /// (`/servizi…`), the site map, legal notes and media policy: public pages a Comune's
    /// site links to, loaded on their own so the portal's first load does not grow.
    Waste,
    /// Live chat (`/chat`) and the video desk (`/videochiamata/{code}`): real time, WebRTC
    /// and their strings load only there.
    Live,
}

impl AppKind {
    pub fn of_path(path: &str) -> Self {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        if path == PERSONAL_AREA_PATH || path.starts_with("/area-personale/") || path == WIZARD_PATH
        {
            Self::Account
        } else if path == "/console" || path.starts_with("/console/") {
            Self::Console
        } else if path == RECOVERY_PATH || path == LOGIN_PATH || path == REGISTER_PATH {
            Self::Recovery
        } else if path == BOOKING_PATH || path.starts_with("/prenotazioni/") || path == PICKUP_PATH
        {
            Self::Booking
        } else if path == TRANSPARENCY_PATH
            || path.starts_with("/trasparenza/")
            || path == WASTE_GUIDE_PATH
            || path == SEARCH_PATH
            || path == RATE_PATH
            || path == SERVICES_PATH
            || path.starts_with("/servizi/")
            || INFO_PATHS.contains(&path)
        {
            Self::Waste
        } else if path == CHAT_PATH || path.starts_with(VIDEO_PATH) {
            Self::Live
        } else {
            Self::Portal
        }
    }

    /// This app's sign-in page: the console has its own, for staff.
    pub fn login_path(self) -> &'static str {
        match self {
            Self::Console => "/console/accedi",
            Self::Portal
            | Self::Account
            | Self::Recovery
            | Self::Booking
            | Self::Waste
            | Self::Live => LOGIN_PATH,
        }
    }
}

/// "Chatta con lo sportello" (in the [`AppKind::Live`] app).
pub const CHAT_PATH: &str = "/chat";

/// A video appointment's page is `/videochiamata/{code}` (in the [`AppKind::Live`] app).
pub const VIDEO_PATH: &str = "/videochiamata/";

/// Area personale › Scrivania, the personal area's overview (where signing in leads).
pub const DESK_PATH: &str = "/area-personale";

/// Area personale › Messaggi: the latest messages of the citizen's requests.
pub const MESSAGES_PATH: &str = "/area-personale/messaggi";

/// Area personale › Pratiche; a request's page is `/area-personale/pratiche/{id}`.
pub const REQUESTS_PATH: &str = "/area-personale/pratiche";

/// Area personale › Appuntamenti: the citizen's bookings.
pub const APPOINTMENTS_PATH: &str = "/area-personale/appuntamenti";

/// Area personale › Preferenze di contatto.
pub const SETTINGS_PATH: &str = "/area-personale/preferenze";

/// The Area personale's root, and the prefix of its pages (see [`AppKind::Account`]).
pub const PERSONAL_AREA_PATH: &str = "/area-personale";

/// The new-request wizard (in the [`AppKind::Account`] app: it needs a signed-in citizen).
pub const WIZARD_PATH: &str = "/nuova-richiesta";

/// Area personale › La mia posizione (in the [`AppKind::Account`] app).
pub const ACCOUNT_PATH: &str = "/area-personale/posizione";

/// La mia posizione › Pagamenti e avvisi (pagoPA), in the account app; a notice's page is
/// `/area-personale/avvisi/{nav}`, where pagoPA Checkout sends the citizen back.
pub const PAYMENTS_PATH: &str = "/area-personale/avvisi";

/// Asks for a reset link or, with `?token=`, sets a new password. The address the reset
/// e-mails link to.
pub const RECOVERY_PATH: &str = "/recupero-password";

/// The citizens' sign-in page (in the [`AppKind::Recovery`] app).
pub const LOGIN_PATH: &str = "/accedi";

/// Registration with an identity document (in the [`AppKind::Recovery`] app).
pub const REGISTER_PATH: &str = "/registrazione";

/// "Prenota appuntamento"; a booking's own page is `/prenotazioni/{code}`.
pub const BOOKING_PATH: &str = "/prenotazioni";

/// "Prenota il ritiro ingombranti" (signed-in citizens).
pub const PICKUP_PATH: &str = "/ritiro-ingombranti";

/// "Trasparenza rifiuti"; an item's own address is `/trasparenza/{code}`
/// (`TitrItem::path`), the same page at its section.
pub const TRANSPARENCY_PATH: &str = "/trasparenza";

/// The Riciclabolario (`?q=` searches).
pub const WASTE_GUIDE_PATH: &str = "/riciclabolario";

/// The site search: services, pages, FAQ, documents and the Riciclabolario (in the
/// [`AppKind::Waste`] app).
pub const SEARCH_PATH: &str = "/cerca";

/// "Valuta questo servizio" for a page of another app (`/valuta?pagina=/prenotazioni`): the
/// booking links here, so its own first load does not carry the rating form (in the
/// [`AppKind::Waste`] app).
pub const RATE_PATH: &str = "/valuta";

/// Every service by category; a request type's scheda is `/servizi/{code}` (in the
/// [`AppKind::Waste`] app).
pub const SERVICES_PATH: &str = "/servizi";

/// Site map, legal notes and media policy, linked from every footer (in the
/// [`AppKind::Waste`] app).
pub const INFO_PATHS: [&str; 3] = ["/mappa-del-sito", "/note-legali", "/media-policy"];

pub fn use_app_kind() -> AppKind {
    use_context::<AppKind>().unwrap_or(AppKind::Portal)
}

/// `rel="external"` for a link served by the other app, so the router lets it load.
pub fn rel_for(href: &str) -> Option<&'static str> {
    (AppKind::of_path(href) != use_app_kind()).then_some("external")
}

/// The shell of either app; `routes` is a plain function so each binary links only its own
/// pages (a runtime `match` on `kind` would pull both route trees into both).
#[component]
pub fn App(kind: AppKind, routes: fn() -> AnyView) -> impl IntoView {
    provide_context(kind);
    provide_i18n();
    provide_session();
    provide_tenant();
    view! {
        <Router>
            <SkipLinks />
            <Header />
            <main id="main-content" tabindex="-1">
                // Built inside <Router>: the routes read its context when created.
                {move || routes()}
            </main>
            <Footer />
        </Router>
    }
}

pub fn portal_routes() -> AnyView {
    view! {
        <Routes fallback=pages::NotFound>
            <Route path=path!("/") view=pages::Home />
            <Route path=path!("/documenti") view=pages::Documents />
            <Route path=path!("/faq") view=pages::FaqPage />
            <Route path=path!("/dichiarazione-accessibilita") view=pages::Accessibility />
            <Route path=path!("/privacy") view=pages::Privacy />
        </Routes>
    }
    .into_any()
}

pub fn console_routes() -> AnyView {
    view! {
        <Routes fallback=pages::NotFound>
            <Route path=path!("/console/accedi") view=console::ConsoleLogin />
            <ParentRoute path=path!("/console") view=console::ConsoleLayout>
                <Route path=path!("") view=console::Queue />
                <Route path=path!("pratiche/:id") view=console::Detail />
                <Route path=path!("registrazioni") view=console::Registrations />
                <Route path=path!("registro") view=console::Registry />
                <Route path=path!("attivita") view=console::AuditLog />
                <Route path=path!("contribuenti") view=console::taxpayers::Taxpayers />
                <Route path=path!("contribuenti/:id") view=console::taxpayers::TaxpayerFile />
                <Route path=path!("importazioni") view=console::imports::Imports />
                <Route path=path!("rendicontazione") view=console::reconciliation::ReconciliationPage />
                <Route path=path!("impostazioni") view=console::admin::SettingsPage />
                <Route path=path!("impostazioni-pagopa") view=console::pagopa_settings::PagopaSettingsPage />
                <Route path=path!("accesso-spid-cie") view=console::identity_settings::IdentitySettingsPage />
                <Route path=path!("impostazioni-videochiamate") view=console::video_settings::VideoSettingsPage />
                <Route path=path!("uffici") view=console::admin::OfficesPage />
                <Route path=path!("enti") view=console::tenants::TenantsPage />
                <Route path=path!("utenti") view=console::admin::UsersPage />
                <Route path=path!("smistamento") view=console::admin::RoutingPage />
                <Route path=path!("caselle-posta") view=console::mail_settings::MailboxesPage />
                <Route path=path!("canali-notifica") view=console::mail_settings::ChannelsPage />
                <Route path=path!("documenti") view=console::admin::DocumentsAdmin />
                <Route path=path!("faq") view=console::admin::FaqAdmin />
                <Route path=path!("trasparenza-rifiuti") view=console::transparency_admin::TransparencyAdmin />
                <Route path=path!("riciclabolario") view=console::waste_admin::WasteAdmin />
                <Route path=path!("agenda") view=console::agenda::AgendaPage />
                <Route path=path!("giro-ritiri") view=console::pickups::RouteSheetPage />
                <Route path=path!("sportelli") view=console::desks::DesksPage />
                <Route path=path!("zone-ritiro") view=console::pickups::PickupAdminPage />
                <Route path=path!("chat") view=console::chats::ChatQueue />
                <Route path=path!("chat/:id") view=console::chats::ChatConversation />
                <Route path=path!("videochiamate/:id") view=console::call::CallPage />
            </ParentRoute>
        </Routes>
    }
    .into_any()
}

pub fn account_routes() -> AnyView {
    view! {
        <Routes fallback=pages::NotFound>
            <Route path=path!("/nuova-richiesta") view=pages::Wizard />
            <Route path=path!("/area-personale") view=pages::personal_area::Desk />
            <Route path=path!("/area-personale/messaggi") view=pages::personal_area::Messages />
            <Route path=path!("/area-personale/appuntamenti") view=pages::personal_area::Appointments />
            <Route path=path!("/area-personale/pratiche") view=pages::MyRequests />
            <Route path=path!("/area-personale/pratiche/:id") view=pages::RequestDetail />
            <Route path=path!("/area-personale/preferenze") view=pages::ContactPreferences />
            <Route path=path!("/area-personale/posizione") view=pages::account::MyAccount />
            <Route path=path!("/area-personale/avvisi") view=pages::account::payments::Payments />
            <Route path=path!("/area-personale/avvisi/:nav") view=pages::account::payments::NoticePage />
        </Routes>
    }
    .into_any()
}

pub fn recovery_routes() -> AnyView {
    view! {
        <Routes fallback=pages::NotFound>
            <Route path=path!("/recupero-password") view=pages::recovery::Recovery />
            <Route path=path!("/accedi") view=pages::Login />
            <Route path=path!("/registrazione") view=pages::Register />
        </Routes>
    }
    .into_any()
}

pub fn booking_routes() -> AnyView {
    view! {
        <Routes fallback=pages::NotFound>
            <Route path=path!("/prenotazioni") view=pages::booking::BookAppointment />
            <Route path=path!("/prenotazioni/:code") view=pages::booking::ManageBooking />
            <Route path=path!("/prenotazioni/:code/conferma") view=pages::booking::ConfirmBooking />
            <Route path=path!("/ritiro-ingombranti") view=pages::booking::BookPickup />
        </Routes>
    }
    .into_any()
}

pub fn waste_routes() -> AnyView {
    view! {
        <Routes fallback=pages::NotFound>
            <Route path=path!("/trasparenza") view=pages::waste::Transparency />
            <Route path=path!("/trasparenza/:item") view=pages::waste::Transparency />
            <Route path=path!("/riciclabolario") view=pages::waste::WasteGuide />
            <Route path=path!("/cerca") view=pages::search::SiteSearchPage />
            <Route path=path!("/valuta") view=pages::rate::RatePage />
            <Route path=path!("/servizi") view=pages::AllServices />
            <Route path=path!("/servizi/:code") view=pages::ServiceSheet />
            <Route path=path!("/mappa-del-sito") view=pages::SiteMap />
            <Route path=path!("/note-legali") view=pages::LegalNotes />
            <Route path=path!("/media-policy") view=pages::MediaPolicy />
        </Routes>
    }
    .into_any()
}

pub fn live_routes() -> AnyView {
    view! {
        <Routes fallback=pages::NotFound>
            <Route path=path!("/chat") view=pages::live::chat::ChatPage />
            <Route path=path!("/videochiamata/:code") view=pages::live::video::VideoCallPage />
        </Routes>
    }
    .into_any()
}

/// Navigates inside this app, or loads the other app's page.
pub fn go(
    kind: AppKind,
    navigate: &impl Fn(&str, leptos_router::NavigateOptions),
    path: &str,
    replace: bool,
) {
    if AppKind::of_path(path) == kind {
        navigate(
            path,
            leptos_router::NavigateOptions {
                replace,
                ..leptos_router::NavigateOptions::default()
            },
        );
    } else {
        crate::browser::load_page(path, replace);
    }
}
