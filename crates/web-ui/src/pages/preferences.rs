//! Area personale › Preferenze di contatto: how the citizen hears about their requests
//! (e-mail, SMS, App IO) and in which language, with the personal area's own menu.

use domain::api::NotificationPreferences;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_location;

use crate::api;
use crate::app::{
    ACCOUNT_PATH, APPOINTMENTS_PATH, DESK_PATH, MESSAGES_PATH, PAYMENTS_PATH, REQUESTS_PATH,
    SETTINGS_PATH, rel_for,
};
use crate::components::{
    Checkbox, Crumb, ErrorAlert, FormState, Loading, Need, Notice, Page, RequireLogin, SelectInput,
};
use crate::i18n::{PersonalTexts, Texts, tr, trpa, trs, use_i18n};
use crate::session::use_session;

/// The personal area's tabs (the "Modello Comuni"): Scrivania, Messaggi, Pratiche,
/// Pagamenti, Appuntamenti and the contact preferences. Pagamenti is the taxpayer's
/// account, another app, so its link loads the page.
#[component]
pub fn PersonalAreaNav() -> impl IntoView {
    let location = use_location();
    let link = move |href: &'static str, label: fn(&PersonalTexts) -> &'static str| {
        let current = move || {
            let p = location.pathname.get();
            match href {
                DESK_PATH => p == DESK_PATH,
                REQUESTS_PATH => p.starts_with(REQUESTS_PATH),
                PAYMENTS_PATH => p.starts_with(PAYMENTS_PATH) || p.starts_with(ACCOUNT_PATH),
                _ => p == href,
            }
        };
        view! {
            <li class="nav-item">
                <a
                    href=href
                    rel=rel_for(href)
                    class="nav-link"
                    class:active=current
                    aria-current=move || current().then_some("page")
                >
                    {trpa(label)}
                </a>
            </li>
        }
    };
    view! {
        <nav aria-label=tr(|t| t.personal_area_menu) class="mb-4" data-testid="personal-area-tabs">
            <ul class="nav nav-tabs flex-wrap">
                {link(DESK_PATH, |t| t.tab_desk)}
                {link(MESSAGES_PATH, |t| t.tab_messages)}
                {link(REQUESTS_PATH, |t| t.tab_requests)}
                {link(PAYMENTS_PATH, |t| t.tab_payments)}
                {link(APPOINTMENTS_PATH, |t| t.tab_appointments)}
                {link(SETTINGS_PATH, |t| t.tab_settings)}
            </ul>
        </nav>
    }
}

#[component]
pub fn ContactPreferences() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page
                title=trs(|t| t.preferences_title)
                crumbs=vec![Crumb::new(|t| t.nav_personal_area, "/area-personale")]
            >
                <RequireLogin need=Need::Citizen>
                    <PersonalAreaNav />
                    <p>{tr(|t| t.preferences_intro)}</p>
                    <Preferences />
                </RequireLogin>
            </Page>
        </div>
    }
}

/// Loads the preferences, then shows the form. (A signal filled once rather than a
/// resource: this page is in the portal's first load, and a resource of a new type
/// costs more WebAssembly than the page itself.)
#[component]
fn Preferences() -> impl IntoView {
    let loaded = RwSignal::new(None::<api::ApiResult<NotificationPreferences>>);
    spawn_local(async move { loaded.set(Some(api::preferences().await)) });
    move || match loaded.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
        Some(Ok(p)) => view! { <PreferencesForm p /> }.into_any(),
    }
}

#[component]
fn PreferencesForm(p: NotificationPreferences) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let form = FormState::new();
    let email = RwSignal::new(p.email);
    let sms = RwSignal::new(p.sms);
    let app_io = RwSignal::new(p.app_io);
    let lang = RwSignal::new(p.lang);
    // "SMS (+39 333 …)": each channel names where it arrives, from the profile.
    let label = move |name: fn(&Texts) -> &'static str,
                      value: fn(&domain::api::Me) -> Option<String>| {
        Signal::derive(move || {
            let t = i18n.t();
            let to = session
                .me
                .with(|m| m.as_ref().and_then(value))
                .unwrap_or_else(|| t.pref_missing.to_owned());
            format!("{} ({to})", name(t))
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NotificationPreferences {
            email: email.get_untracked(),
            sms: sms.get_untracked(),
            app_io: app_io.get_untracked(),
            lang: lang.get_untracked(),
        };
        form.start();
        spawn_local(async move {
            match api::save_preferences(&body).await {
                Ok(_) => form.succeed(i18n.t().saved),
                Err(e) => form.fail(e),
            }
        });
    };
    let langs = Signal::stored(vec![
        ("it".to_owned(), "Italiano".to_owned()),
        ("en".to_owned(), "English".to_owned()),
    ]);
    view! {
        <form on:submit=submit novalidate>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <fieldset class="mb-3">
                <legend class="h5">{tr(|t| t.preferences_legend)}</legend>
                <Checkbox id="pref-email" label=label(|t| t.pref_email, |m| m.email.clone()) checked=email error=form.error_for("email") />
                <Checkbox id="pref-sms" label=label(|t| t.pref_sms, |m| m.phone.clone()) checked=sms error=form.error_for("sms") />
                <Checkbox id="pref-app-io" label=label(|t| t.pref_app_io, |m| m.fiscal_code.clone()) checked=app_io error=form.error_for("app_io") />
            </fieldset>
            <p aria-live="polite">
                {move || (!email.get() && !sms.get() && !app_io.get()).then(|| tr(|t| t.pref_none_warning))}
            </p>
            <SelectInput id="pref-lang" label=trs(|t| t.pref_lang) value=lang options=langs error=form.error_for("lang") />
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{tr(|t| t.save)}</button>
        </form>
    }
}
