//! Password recovery, its own app (`/recupero-password`): without a token the page asks
//! for a reset link by e-mail; with the link's `?token=` it sets the new password.

use domain::api::{PasswordResetConfirm, PasswordResetRequest};
use domain::error::Errors;
use domain::types::{Email, check_password_strength};
use domain::{DomainError, FieldError, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::app::{RECOVERY_PATH, go, rel_for, use_app_kind};
use crate::components::{Crumb, ErrorAlert, FormState, Page, TextInput};
use crate::i18n::{recovery_texts, trr, trrs, trs, use_i18n};
use crate::pages::auth::PASSWORD_CHANGED;
use crate::session::use_session;

#[component]
pub fn Recovery() -> impl IntoView {
    let query = use_query_map();
    let token = move || {
        query
            .with(|q| q.get("token"))
            .filter(|t| !t.trim().is_empty())
    };
    view! {
        <div class="container my-4">
            <div class="row justify-content-center">
                <div class="col-12 col-md-8 col-lg-6">
                    {move || match token() {
                        Some(token) => view! { <NewPassword token /> }.into_any(),
                        None => view! { <ForgotPassword /> }.into_any(),
                    }}
                </div>
            </div>
        </div>
    }
}

fn crumbs() -> Vec<Crumb> {
    vec![Crumb::new(|t| t.login_title, "/accedi")]
}

#[component]
fn ForgotPassword() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let form = FormState::new();
    let sent = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        form.start();
        let address = match Email::parse(&email.get_untracked()) {
            Ok(e) => e.as_str().to_owned(),
            Err(e) => return form.invalid(&e),
        };
        spawn_local(async move {
            match api::request_password_reset(&PasswordResetRequest { email: address }).await {
                Ok(()) => {
                    form.pending.set(false);
                    sent.set(true);
                    request_animation_frame(|| crate::browser::focus("recovery-sent"));
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <Page title=trrs(|r| r.forgot_title) crumbs=crumbs()>
            {move || {
                if sent.get() {
                    view! {
                        <div class="alert alert-success" role="status" id="recovery-sent" tabindex="-1">
                            <h2 class="h4">{trr(|r| r.sent_title)}</h2>
                            <p class="mb-0">{trr(|r| r.sent_text)}</p>
                        </div>
                        <p><a href="/accedi" rel=rel_for("/accedi")>{trr(|r| r.back_to_login)}</a></p>
                    }
                        .into_any()
                } else {
                    view! {
                        <p>{trr(|r| r.forgot_intro)}</p>
                        <ErrorAlert error=form.alert fields=&["email"] />
                        <form on:submit=submit novalidate>
                            <TextInput id="email" kind="email" label=trs(|t| t.email) value=email required=true autocomplete="email" error=form.error_for("email") />
                            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                                {trr(|r| r.send_link)}
                            </button>
                        </form>
                    }
                        .into_any()
                }
            }}
        </Page>
    }
}

/// The new password, twice, checked with the domain's strength rules (the server also
/// refuses one made of the account's own name, e-mail or tax code, which this page does
/// not know).
fn check_new_password(password: &str, confirm: &str) -> Result<(), DomainError> {
    let mut errors = Errors::new();
    errors.check(check_password_strength(password, &[]));
    if confirm != password {
        errors.push(FieldError::new(
            "password_confirm",
            recovery_texts(Lang::It).passwords_differ,
            recovery_texts(Lang::En).passwords_differ,
        ));
    }
    errors.finish()
}

#[component]
fn NewPassword(token: String) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let kind = use_app_kind();
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let form = FormState::new();
    let token = StoredValue::new(token);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        form.start();
        let new_password = password.get_untracked();
        if let Err(e) = check_new_password(&new_password, &confirm.get_untracked()) {
            return form.invalid(&e);
        }
        let body = PasswordResetConfirm {
            token: token.get_value(),
            password: new_password,
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::confirm_password_reset(&body).await {
                Ok(()) => {
                    // The server ended every session of the account, this tab's included.
                    session.forget();
                    go(kind, &navigate, PASSWORD_CHANGED, true);
                }
                Err(e) => {
                    password.set(String::new());
                    confirm.set(String::new());
                    form.fail(e);
                }
            }
        });
    };
    let help = Signal::derive(move || i18n.t().password_help.to_owned());
    view! {
        <Page title=trrs(|r| r.reset_title) crumbs=crumbs()>
            <p>{trr(|r| r.reset_intro)}</p>
            <ErrorAlert error=form.alert fields=&["password", "password_confirm"] />
            <form on:submit=submit novalidate>
                <TextInput id="password" kind="password" label=trrs(|r| r.new_password) value=password required=true autocomplete="new-password" help error=form.error_for("password") />
                <TextInput id="password_confirm" kind="password" label=trrs(|r| r.confirm_password) value=confirm required=true autocomplete="new-password" error=form.error_for("password_confirm") />
                <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                    {trr(|r| r.reset_submit)}
                </button>
            </form>
            <p class="mt-4"><a href=RECOVERY_PATH>{trr(|r| r.new_link)}</a></p>
            <p><a href="/accedi" rel=rel_for("/accedi")>{trr(|r| r.back_to_login)}</a></p>
        </Page>
    }
}
