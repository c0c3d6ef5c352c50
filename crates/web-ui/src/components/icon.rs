//! Bootstrap Italia icons from its SVG sprite (copied into `dist/` at build time).

use leptos::prelude::*;

pub const SPRITES: &str = "/bootstrap-italia/svg/sprites.svg";

/// A decorative icon: hidden from screen readers, the text next to it carries the meaning.
#[component]
pub fn Icon(name: &'static str, #[prop(optional)] class: &'static str) -> impl IntoView {
    view! {
        <svg class=format!("icon {class}") aria-hidden="true" focusable="false">
            <use href=format!("{SPRITES}#{name}")></use>
        </svg>
    }
}
