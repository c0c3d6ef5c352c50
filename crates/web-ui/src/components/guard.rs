//! Pages that need a signed-in user. While the session is being restored the page
//! waits; without a session (never signed in, or ended by the server mid-visit) it goes
//! to this app's sign-in page and comes back afterwards.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::app::{AppKind, go, use_app_kind};
use crate::components::Loading;
use crate::session::use_session;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Citizen,
    Staff,
}

#[component]
pub fn RequireLogin(need: Need, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();
    let kind = use_app_kind();
    let allowed = move || match need {
        Need::Citizen => session.is_signed_in(),
        Need::Staff => session.is_staff(),
    };
    Effect::new(move |_| {
        if !session.ready.get() || allowed() {
            return;
        }
        let target = if session.is_signed_in() {
            // A citizen reaching the console goes back to their own area.
            "/area-personale".to_owned()
        } else {
            // The router's `search` comes without its `?`: without one the query would
            // run into the path (`/nuova-richiestatipo=…`).
            let search = location.search.get_untracked();
            let here = match search.strip_prefix('?').unwrap_or(&search) {
                "" => location.pathname.get_untracked(),
                query => format!("{}?{query}", location.pathname.get_untracked()),
            };
            // A sign-in page in another app starts afresh: the reason travels in the address.
            let other_app = AppKind::of_path(kind.login_path()) != kind;
            let ended = if other_app && session.ended.get_untracked() {
                "&sessione=scaduta"
            } else {
                ""
            };
            format!(
                "{}?next={}{ended}",
                kind.login_path(),
                js_sys::encode_uri_component(&here)
            )
        };
        go(kind, &navigate, &target, true);
    });
    move || {
        if allowed() {
            children().into_any()
        } else {
            view! { <div class="container my-4"><Loading /></div> }.into_any()
        }
    }
}
