//! The citizen's video call.

use leptos::prelude::*;

#[component]
pub fn VideoCallPage() -> impl IntoView {
    view! { <p>"…"</p> }
}
