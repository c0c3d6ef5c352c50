//! A request from a mail whose sender was not authenticated: the operator finds the citizen
//! who wrote it and puts the request in their name (`POST /requests/{id}/sender`).

use domain::Role;
use domain::api::{LinkSender, User};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::{ErrorAlert, FormState, TextInput};
use crate::i18n::{trst, trsts, use_i18n};

#[component]
pub fn SenderPanel(
    id: String,
    reload: impl Fn() + Copy + 'static,
    /// Where the outcome is said: this panel goes away once the request is linked.
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<User>>);
    let chosen = RwSignal::new(None::<String>);
    let search = FormState::new();
    let link = FormState::new();
    let find = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = query.get_untracked().trim().to_owned();
        if q.chars().count() < 3 {
            return search.invalid(&domain::DomainError::invalid(
                "sender-q",
                "Scrivi almeno 3 caratteri del nome, dell'e-mail o del codice fiscale",
                "Type at least 3 characters of the name, e-mail or tax code",
            ));
        }
        search.start();
        spawn_local(async move {
            match api::find_users(Role::Citizen, &q).await {
                Ok(users) => {
                    search.succeed(String::new());
                    chosen.set(None);
                    found.set(Some(users));
                }
                Err(e) => search.fail(e),
            }
        });
    };
    let submit = move |_| {
        let Some(citizen_id) = chosen.get_untracked() else {
            return;
        };
        link.start();
        let id = id.clone();
        spawn_local(async move {
            let body = LinkSender {
                citizen_id,
                merge_into: None,
            };
            match api::link_sender(&id, &body).await {
                Ok(_) => {
                    done.set(Some(i18n.s().sender_linked.to_owned()));
                    reload();
                }
                Err(e) => link.fail(e),
            }
        });
    };
    view! {
        <section class="callout warning mt-0" aria-labelledby="sender-title" id="sender-panel">
            <div class="callout-title">
                <h2 id="sender-title" class="h5 mb-0">{trst(|s| s.sender_unverified_title)}</h2>
            </div>
            <p>{trst(|s| s.sender_unverified_help)}</p>
            <form on:submit=find novalidate>
                <ErrorAlert error=search.alert />
                <TextInput id="sender-q" label=trsts(|s| s.sender_search_label) value=query error=search.error_for("sender-q") />
                <button type="submit" class="btn btn-outline-primary btn-sm" disabled=move || search.pending.get()>
                    {trst(|s| s.sender_search_button)}
                </button>
            </form>
            {move || found.get().map(|users| {
                if users.is_empty() {
                    return view! { <p class="mt-3" role="status">{trst(|s| s.sender_none_found)}</p> }.into_any();
                }
                view! {
                    <fieldset class="mt-3">
                        <legend class="h6">{trst(|s| s.sender_choose)}</legend>
                        {users.into_iter().map(|u| {
                            let input = format!("sender-{}", u.id);
                            let uid = u.id.clone();
                            let label = format!(
                                "{} {} — {}",
                                u.first_name,
                                u.last_name,
                                u.fiscal_code.clone().or(u.email.clone()).unwrap_or_default()
                            );
                            view! {
                                <div class="form-check">
                                    <input class="form-check-input" type="radio" name="sender-citizen" id=input.clone()
                                        on:change=move |_| chosen.set(Some(uid.clone())) />
                                    <label class="form-check-label" for=input>{label}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                }.into_any()
            })}
            <ErrorAlert error=link.alert />
            <button type="button" class="btn btn-primary btn-sm mt-2" on:click=submit
                disabled=move || link.pending.get() || chosen.with(Option::is_none)>
                {trst(|s| s.sender_link_button)}
            </button>
        </section>
    }
}
