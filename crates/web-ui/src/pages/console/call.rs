//! The operator's side of a video call.

use leptos::prelude::*;

#[component]
pub fn CallPage() -> impl IntoView {
    view! { <p>"…"</p> }
}
