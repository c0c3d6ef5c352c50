//! La mia posizione › Promemoria di pagamento: on which channels the citizen gets payment
//! messages (reminders before and after due dates, the notice on App IO). Its strings live
//! here, in both languages, so neither the portal nor the rest of the account app carries
//! them.

use domain::Lang;
use domain::api::ReminderPreferences;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::{Checkbox, ErrorAlert, FormState, Loading, Notice};
use crate::i18n::use_i18n;

struct ReminderTexts {
    title: &'static str,
    intro: &'static str,
    email: &'static str,
    sms: &'static str,
    app_io: &'static str,
    save: &'static str,
    saved: &'static str,
}

const IT: ReminderTexts = ReminderTexts {
    title: "Promemoria di pagamento",
    intro: "Prima di ogni scadenza e il giorno dopo una rata non pagata le ricordiamo l'importo, la scadenza e il codice avviso pagoPA, sui canali scelti nelle preferenze di contatto. SMS solo tra le 8 e le 21.",
    email: "E-mail (con l'avviso di pagamento in allegato)",
    sms: "SMS",
    app_io: "App IO (con il pulsante per pagare)",
    save: "Salva i promemoria",
    saved: "Preferenze dei promemoria salvate.",
};

const EN: ReminderTexts = ReminderTexts {
    title: "Payment reminders",
    intro: "Before each due date and the day after an unpaid instalment we remind you of the amount, the due date and the pagoPA notice code, on the channels chosen in your contact preferences. SMS only between 8:00 and 21:00.",
    email: "E-mail (with the payment notice attached)",
    sms: "SMS",
    app_io: "IO app (with the button to pay)",
    save: "Save reminders",
    saved: "Reminder preferences saved.",
};

fn texts(lang: Lang) -> &'static ReminderTexts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

/// The section with its three switches.
#[component]
pub fn ReminderSettings() -> impl IntoView {
    let loaded = RwSignal::new(None::<api::ApiResult<ReminderPreferences>>);
    spawn_local(async move { loaded.set(Some(api::reminder_preferences().await)) });
    let i18n = use_i18n();
    let t = move |f: fn(&ReminderTexts) -> &'static str| move || f(texts(i18n.lang()));
    view! {
        <section aria-labelledby="reminders-title" class="mb-4">
            <h2 id="reminders-title" class="h4">{t(|t| t.title)}</h2>
            <p>{t(|t| t.intro)}</p>
            {move || match loaded.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                Some(Ok(p)) => view! { <ReminderForm p /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ReminderForm(p: ReminderPreferences) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let email = RwSignal::new(p.email);
    let sms = RwSignal::new(p.sms);
    let app_io = RwSignal::new(p.app_io);
    let label = move |f: fn(&ReminderTexts) -> &'static str| {
        Signal::derive(move || f(texts(i18n.lang())).to_owned())
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ReminderPreferences {
            email: email.get_untracked(),
            sms: sms.get_untracked(),
            app_io: app_io.get_untracked(),
        };
        form.start();
        spawn_local(async move {
            match api::save_reminder_preferences(&body).await {
                Ok(_) => form.succeed(texts(i18n.lang()).saved),
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <form on:submit=submit novalidate>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <fieldset class="mb-3">
                <legend class="visually-hidden">{move || texts(i18n.lang()).title}</legend>
                <Checkbox id="remind-email" label=label(|t| t.email) checked=email error=form.error_for("email") />
                <Checkbox id="remind-sms" label=label(|t| t.sms) checked=sms error=form.error_for("sms") />
                <Checkbox id="remind-app-io" label=label(|t| t.app_io) checked=app_io error=form.error_for("app_io") />
            </fieldset>
            <button type="submit" class="btn btn-outline-primary" disabled=move || form.pending.get()>
                {move || texts(i18n.lang()).save}
            </button>
        </form>
    }
}
