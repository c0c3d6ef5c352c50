//! "Chatta con lo sportello".

use leptos::prelude::*;

#[component]
pub fn ChatPage() -> impl IntoView {
    view! { <p>"…"</p> }
}
