//! The Sportello single-page app: the citizen portal (`/`) and the operator console
//! (`/console`), talking only to the public REST API with the DTOs of `domain`.

mod api;
mod app;
mod browser;
mod components;
mod format;
mod i18n;
mod pages;
mod session;
mod upload;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
