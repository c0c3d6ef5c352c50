//! Sign-in (the portal's page, and the form the console's page shares) and registration
//! (with the identity document upload).

use domain::api::{Problem, RegisterData};
use domain::error::Errors;
use domain::types::{CodiceFiscale, Email, PersonName, PhoneNumber, check_password_strength};
use domain::{DomainError, FieldError, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use web_sys::File;

use crate::api::{self, ApiError};
use crate::app::{RECOVERY_PATH, go, rel_for, use_app_kind};
use crate::components::{
    Checkbox, Crumb, ErrorAlert, FileInput, FormState, Icon, Page, ProgressBar, TextInput,
};
use crate::i18n::{texts, tr, trs, use_i18n};
use crate::session::use_session;

/// Only same-site paths are followed after login (no open redirect).
fn safe_next(next: Option<String>) -> Option<String> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//"))
}

/// Where `/recupero-password` sends the user once the new password is set.
pub const PASSWORD_CHANGED: &str = "/accedi?reset=ok";

/// The ids of the sign-in form's inputs, named like the fields they hold.
const LOGIN_FIELDS: &[&str] = &["username", "password"];

/// The checks of an empty form, made before asking the server.
fn check_login(username: &str, password: &str) -> Result<(), DomainError> {
    let mut errors = Errors::new();
    let (it, en) = (texts(Lang::It), texts(Lang::En));
    if username.trim().is_empty() {
        errors.push(FieldError::new(
            "username",
            it.username_required,
            en.username_required,
        ));
    }
    if password.is_empty() {
        errors.push(FieldError::new(
            "password",
            it.password_required,
            en.password_required,
        ));
    }
    errors.finish()
}

/// The citizen's sign-in page (staff may use it too; the console has its own).
#[component]
pub fn Login() -> impl IntoView {
    view! { <SignIn title=trs(|t| t.login_title) intro=tr(|t| t.login_intro) staff=false /> }
}

/// A sign-in page: the portal's (with the way to register) or the console's.
#[component]
pub fn SignIn(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] intro: Signal<&'static str>,
    staff: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let kind = use_app_kind();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let password_changed = query.with_untracked(|q| q.get("reset")).as_deref() == Some("ok");
    let ended_elsewhere = query.with_untracked(|q| q.get("sessione")).as_deref() == Some("scaduta");
    // Back from SPID or CIE without a session: why, in the citizen's words.
    let identity_failure = query
        .with_untracked(|q| q.get("accesso"))
        .and_then(|c| domain::identity::SignInFailure::parse(&c));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        form.start();
        let (user, pass) = (username.get_untracked(), password.get_untracked());
        if let Err(e) = check_login(&user, &pass) {
            return form.invalid(&e);
        }
        let next = safe_next(query.with_untracked(|q| q.get("next")));
        let navigate = navigate.clone();
        spawn_local(async move {
            match session.login(user, pass).await {
                Ok(me) => {
                    form.pending.set(false);
                    let home = if me.role.is_staff() {
                        "/console"
                    } else {
                        "/area-personale"
                    };
                    go(
                        kind,
                        &navigate,
                        &next.unwrap_or_else(|| home.to_owned()),
                        false,
                    );
                }
                Err(ApiError::Problem(p)) if p.status == 401 => {
                    // The server's title is the generic "authentication required".
                    password.set(String::new());
                    let t = i18n.t();
                    form.fail(ApiError::Problem(Problem {
                        title: t.login_failed_title.to_owned(),
                        detail: Some(t.login_failed_text.to_owned()),
                        errors: Vec::new(),
                        ..p
                    }));
                }
                Err(e) => {
                    password.set(String::new());
                    form.fail(e);
                }
            }
        });
    };

    view! {
        <div class="container my-4">
            <div class="row justify-content-center">
                <div class="col-12 col-md-8 col-lg-6">
                    <Page title no_breadcrumbs=staff>
                        {move || {
                            (session.ended.get() || ended_elsewhere).then(|| {
                                view! {
                                    <div class="alert alert-warning" role="alert">{tr(|t| t.session_ended)}</div>
                                }
                            })
                        }}
                        {password_changed.then(|| {
                            view! { <div class="alert alert-success" role="status">{tr(|t| t.password_changed)}</div> }
                        })}
                        {identity_failure.map(|f| {
                            view! {
                                <div class="alert alert-danger" role="alert">
                                    <h2 class="h5">{tr(|t| t.identity_sign_in_failed)}</h2>
                                    <p class="mb-0">
                                        {move || match i18n.lang() {
                                            Lang::It => f.message_it(),
                                            Lang::En => f.message_en(),
                                        }}
                                    </p>
                                </div>
                            }
                        })}
                        <p>{intro}</p>
                        {(!staff).then(|| view! { <DigitalIdentity /> })}
                        {(!staff).then(|| view! { <h2 class="h5 mt-4">{tr(|t| t.password_heading)}</h2> })}
                        <ErrorAlert error=form.alert fields=LOGIN_FIELDS />
                        <form on:submit=submit novalidate>
                            <TextInput
                                id="username"
                                label=trs(|t| t.username)
                                value=username
                                required=true
                                autocomplete="username"
                                help=trs(|t| t.username_help)
                                error=form.error_for("username")
                            />
                            <TextInput
                                id="password"
                                kind="password"
                                label=trs(|t| t.password)
                                value=password
                                required=true
                                autocomplete="current-password"
                                error=form.error_for("password")
                            />
                            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                                {tr(|t| t.login_submit)}
                            </button>
                        </form>
                        <p class="mt-4">
                            <a href=RECOVERY_PATH rel=rel_for(RECOVERY_PATH)>{tr(|t| t.forgot_password)}</a>
                        </p>
                        {(!staff).then(|| {
                            view! {
                                <p>
                                    {tr(|t| t.no_account)}
                                    " "
                                    <a href="/registrazione">{tr(|t| t.register_link)}</a>
                                </p>
                            }
                        })}
                    </Page>
                </div>
            </div>
        </div>
    }
}

/// "Entra con SPID" and "Entra con CIE", for the identities the Comune has enabled (AgID's
/// buttons: the primary blue, the identity's name in the label). Nothing when none is.
#[component]
fn DigitalIdentity() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let providers =
        LocalResource::new(|| async { api::sign_in_providers().await.unwrap_or_default() });
    let next = safe_next(query.with_untracked(|q| q.get("next")));
    move || {
        let list = providers.get().unwrap_or_default();
        (!list.is_empty()).then(|| {
            let buttons = list
                .into_iter()
                .map(|p| {
                    let href = match &next {
                        Some(n) => format!(
                            "{}?return_to={}",
                            p.start_url,
                            js_sys::encode_uri_component(n)
                        ),
                        None => p.start_url.clone(),
                    };
                    let label = p.label.clone();
                    view! {
                        <a
                            class="btn btn-primary btn-icon me-2 mb-2"
                            href=href
                            rel="external"
                            data-element=format!("{}-login", p.provider)
                        >
                            <Icon name="it-user" class="icon-white me-2" />
                            <span>{move || (i18n.t().sign_in_with)(&label)}</span>
                        </a>
                    }
                })
                .collect_view();
            view! {
                <section class="mb-4" aria-labelledby="digital-identity">
                    <h2 class="h5" id="digital-identity">{tr(|t| t.digital_identity_heading)}</h2>
                    <p>{tr(|t| t.digital_identity_intro)}</p>
                    <div>{buttons}</div>
                </section>
            }
        })
    }
}

#[derive(Clone, Default)]
struct RegisterFields {
    fiscal_code: RwSignal<String>,
    first_name: RwSignal<String>,
    last_name: RwSignal<String>,
    email: RwSignal<String>,
    phone: RwSignal<String>,
    password: RwSignal<String>,
    privacy: RwSignal<bool>,
}

impl RegisterFields {
    /// The same checks the server makes, run first in the browser with `domain`.
    fn validate(&self, document: Option<&File>) -> Result<RegisterData, DomainError> {
        let mut errors = Errors::new();
        let cf = errors.check(CodiceFiscale::parse(&self.fiscal_code.get_untracked()));
        let first = errors.check(PersonName::parse_first(&self.first_name.get_untracked()));
        let last = errors.check(PersonName::parse_last(&self.last_name.get_untracked()));
        let email = errors.check(Email::parse(&self.email.get_untracked()));
        let phone_raw = self.phone.get_untracked();
        let phone = if phone_raw.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check(PhoneNumber::parse(&phone_raw))
                .map(|p| Some(p.as_str().to_owned()))
        };
        let password = self.password.get_untracked();
        let ids: Vec<String> = [
            self.fiscal_code.get_untracked(),
            self.email.get_untracked(),
            self.first_name.get_untracked(),
            self.last_name.get_untracked(),
        ]
        .into();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        errors.check(check_password_strength(&password, &id_refs));
        if document.is_none() {
            errors.push(FieldError::new(
                "identity_document",
                texts(Lang::It).document_required,
                texts(Lang::En).document_required,
            ));
        }
        let privacy = self.privacy.get_untracked();
        if !privacy {
            errors.push(FieldError::new(
                "privacy_accepted",
                texts(Lang::It).privacy_consent_required,
                texts(Lang::En).privacy_consent_required,
            ));
        }
        errors.finish()?;
        Ok(RegisterData {
            fiscal_code: cf.map(|c| c.as_str().to_owned()).unwrap_or_default(),
            first_name: first.map(PersonName::into_inner).unwrap_or_default(),
            last_name: last.map(PersonName::into_inner).unwrap_or_default(),
            email: email.map(|e| e.as_str().to_owned()).unwrap_or_default(),
            phone: phone.flatten(),
            password,
            privacy_accepted: privacy,
        })
    }
}

#[component]
pub fn Register() -> impl IntoView {
    let i18n = use_i18n();
    let fields = RegisterFields::default();
    let document: RwSignal<Vec<File>, LocalStorage> = RwSignal::new_local(Vec::new());
    let progress = RwSignal::new(None::<f64>);
    let form = FormState::new();
    let sent = RwSignal::new(false);

    let submit = {
        let fields = fields.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if form.pending.get_untracked() {
                return;
            }
            form.start();
            let file = document.with_untracked(|d| d.first().cloned());
            let data = match fields.validate(file.as_ref()) {
                Ok(d) => d,
                Err(e) => {
                    form.invalid(&e);
                    return;
                }
            };
            let Some(file) = file else { return };
            progress.set(Some(0.0));
            spawn_local(async move {
                let result = api::register(&data, &file, move |p| progress.set(Some(p))).await;
                progress.set(None);
                match result {
                    Ok(_) => {
                        form.pending.set(false);
                        sent.set(true);
                        request_animation_frame(|| crate::browser::focus("register-done"));
                    }
                    Err(e) => form.fail(e),
                }
            });
        }
    };

    let label = move |f: fn(&crate::i18n::Texts) -> &'static str| {
        Signal::derive(move || f(i18n.t()).to_owned())
    };

    view! {
        <div class="container my-4">
            <div class="row justify-content-center">
                <div class="col-12 col-lg-8">
                    <Page
                        title=label(|t| t.register_title)
                        crumbs=vec![Crumb::new(|t| t.login_title, "/accedi")]
                    >
                        {move || {
                            if sent.get() {
                                view! {
                                    <div class="alert alert-success" role="status" id="register-done" tabindex="-1">
                                        <h2 class="h4">{tr(|t| t.register_done_title)}</h2>
                                        <p class="mb-0">{tr(|t| t.register_done_text)}</p>
                                    </div>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <p>{tr(|t| t.register_intro)}</p>
                                    <p class="small">{tr(|t| t.required_hint)}</p>
                                    <ErrorAlert error=form.alert />
                                    <form on:submit=submit.clone() novalidate>
                                        <TextInput id="fiscal_code" label=label(|t| t.fiscal_code) value=fields.fiscal_code required=true autocomplete="off" error=form.error_for("fiscal_code") />
                                        <div class="row">
                                            <div class="col-md-6">
                                                <TextInput id="first_name" label=label(|t| t.first_name) value=fields.first_name required=true autocomplete="given-name" error=form.error_for("first_name") />
                                            </div>
                                            <div class="col-md-6">
                                                <TextInput id="last_name" label=label(|t| t.last_name) value=fields.last_name required=true autocomplete="family-name" error=form.error_for("last_name") />
                                            </div>
                                        </div>
                                        <TextInput id="email" kind="email" label=label(|t| t.email) value=fields.email required=true autocomplete="email" error=form.error_for("email") />
                                        <TextInput id="phone" kind="tel" label=label(|t| t.phone) value=fields.phone autocomplete="tel" error=form.error_for("phone") />
                                        <TextInput id="password" kind="password" label=label(|t| t.password) value=fields.password required=true autocomplete="new-password" help=label(|t| t.password_help) error=form.error_for("password") />
                                        <FileInput id="identity_document" label=label(|t| t.identity_document) files=document required=true error=form.error_for("identity_document") />
                                        <p class="small">{tr(|t| t.identity_document_help)}</p>
                                        <Checkbox id="privacy_accepted" label=label(|t| t.privacy_consent) checked=fields.privacy error=form.error_for("privacy_accepted") />
                                        <p class="small"><a href="/privacy" target="_blank">{tr(|t| t.privacy_policy)}</a></p>
                                        <ProgressBar progress />
                                        <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                                            {tr(|t| t.register_submit)}
                                        </button>
                                    </form>
                                }
                                    .into_any()
                            }
                        }}
                    </Page>
                </div>
            </div>
        </div>
    }
}
