//! The live chat queue and a conversation.

use leptos::prelude::*;

#[component]
pub fn ChatQueue() -> impl IntoView {
    view! { <p>"…"</p> }
}

#[component]
pub fn ChatConversation() -> impl IntoView {
    view! { <p>"…"</p> }
}
