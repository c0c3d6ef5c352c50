//! Static pages: accessibility statement, privacy, not found.

use leptos::prelude::*;

use crate::components::Page;
use crate::i18n::{Texts, use_i18n};

fn text_page(title: fn(&Texts) -> &'static str, body: fn(&Texts) -> &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="container my-4">
            <Page title=Signal::derive(move || title(i18n.t()).to_owned())>
                <p class="lead">{move || body(i18n.t())}</p>
            </Page>
        </div>
    }
}

#[component]
pub fn Accessibility() -> impl IntoView {
    text_page(|t| t.accessibility_title, |t| t.accessibility_text)
}

#[component]
pub fn Privacy() -> impl IntoView {
    text_page(|t| t.privacy_title, |t| t.privacy_text)
}

#[component]
pub fn NotFound() -> impl IntoView {
    text_page(|t| t.not_found_title, |t| t.not_found_text)
}
