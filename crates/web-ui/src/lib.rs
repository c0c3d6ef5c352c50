//! The Sportello single-page apps, talking only to the public REST API with the DTOs of
//! `domain`. The entry points share everything but their routes, so a citizen never
//! downloads the operator console: the portal (`/`, `src/main.rs`), the console
//! (`/console`, `src/bin/console.rs`), the password recovery (`/recupero-password`,
//! `src/bin/recovery.rs`, out of the portal's first load), the booking of appointments
//! and pickups (`/prenotazioni`, `/ritiro-ingombranti`, `src/bin/booking.rs`, which a
//! Comune's site links to directly), "La mia posizione" (`src/bin/account.rs`) and the
//! public waste pages (`/trasparenza`, `/riciclabolario`, `src/bin/waste.rs`) and live chat
//! with the video desk (`/chat`, `/videochiamata/{code}`, `src/bin/live.rs`); `boot.js`
//! picks one by path.

mod api;
mod app;
mod browser;
mod components;
mod format;
mod i18n;
mod pages;
mod realtime;
mod session;
mod upload;

/// The citizen portal.
pub fn start_portal() {
    start(app::AppKind::Portal, app::portal_routes);
}

/// The operator console.
pub fn start_console() {
    start(app::AppKind::Console, app::console_routes);
}

/// "La mia posizione" (`/area-personale/posizione`, `src/bin/account.rs`): one more entry
/// point, so the citizen's taxpayer account loads only when opened.
pub fn start_account() {
    start(app::AppKind::Account, app::account_routes);
}

/// The password-recovery pages.
pub fn start_recovery() {
    start(app::AppKind::Recovery, app::recovery_routes);
}

/// Appointment and pickup booking.
pub fn start_booking() {
    start(app::AppKind::Booking, app::booking_routes);
}

/// "Trasparenza rifiuti" and the Riciclabolario (`src/bin/waste.rs`).
pub fn start_waste() {
    start(app::AppKind::Waste, app::waste_routes);
}

/// Live chat and the video desk (`/chat`, `/videochiamata/{code}`, `src/bin/live.rs`).
pub fn start_live() {
    start(app::AppKind::Live, app::live_routes);
}

fn start(kind: app::AppKind, routes: fn() -> leptos::prelude::AnyView) {
    // With `panic = "abort"` the browser only says "unreachable": log the message first.
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
    leptos::mount::mount_to_body(move || app::App(app::AppProps { kind, routes }));
}
