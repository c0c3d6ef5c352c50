//! Administration: the tenant's pagoPA settings (creditor, segregation code, IBAN, Poste
//! account, CBILL, GPD, Checkout and FdR, reminders, the Provincia's TEFA). The form sends
//! every field; the GPD and FdR keys are write-only, so an empty key field keeps the stored
//! one. Fields are
//! checked in the browser by the domain's own rules before the server checks them again.

use domain::Lang;
use domain::api::{PagopaSettings, Settings, UpdatePagopaSettings, UpdateSettings};
use domain::pagopa::PagopaConfig;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiResult};
use crate::components::{Checkbox, ErrorAlert, FormState, Notice, Page, TextInput, load};
use crate::i18n::use_i18n;

/// The page's strings, in both languages (kept out of the shared tables: operators only).
struct Texts {
    title: &'static str,
    intro: &'static str,
    creditor_legend: &'static str,
    creditor: &'static str,
    creditor_help: &'static str,
    segregation: &'static str,
    segregation_help: &'static str,
    iban: &'static str,
    poste: &'static str,
    poste_help: &'static str,
    cbill: &'static str,
    platform_legend: &'static str,
    gpd_url: &'static str,
    gpd_url_help: &'static str,
    gpd_key: &'static str,
    gpd_key_set: &'static str,
    gpd_key_unset: &'static str,
    gpd_key_clear: &'static str,
    checkout_url: &'static str,
    checkout_url_help: &'static str,
    fdr_url: &'static str,
    fdr_url_help: &'static str,
    fdr_key: &'static str,
    fdr_key_clear: &'static str,
    reminders_legend: &'static str,
    reminder_days: &'static str,
    reminder_days_help: &'static str,
    tefa_legend: &'static str,
    tefa_help: &'static str,
    tefa_fiscal_code: &'static str,
    tefa_iban: &'static str,
    tefa_rate: &'static str,
    tefa_rate_help: &'static str,
    save: &'static str,
    saved: &'static str,
    bad_days: &'static str,
}

const IT: Texts = Texts {
    title: "Impostazioni pagoPA",
    intro: "I dati dell'ente creditore registrati su pagoPA. Con codice fiscale e codice di segregazione ogni rata da pagare riceve il suo avviso; con l'indirizzo e la chiave di GPD le posizioni debitorie sono pubblicate su pagoPA.",
    creditor_legend: "Ente creditore",
    creditor: "Codice fiscale dell'ente creditore",
    creditor_help: "11 cifre, come registrato su pagoPA.",
    segregation: "Codice di segregazione",
    segregation_help: "Due cifre, assegnate da PagoPA.",
    iban: "IBAN di accredito",
    poste: "Conto corrente postale",
    poste_help: "Facoltativo: con il conto, gli avvisi riportano il bollettino postale PA.",
    cbill: "Codice CBILL",
    platform_legend: "Piattaforma pagoPA",
    gpd_url: "Indirizzo di GPD (Gestione Posizioni Debitorie)",
    gpd_url_help: "Ad esempio https://api.platform.pagopa.it/gpd/debt-positions-service/v1 (collaudo: api.uat.platform.pagopa.it).",
    gpd_key: "Chiave di sottoscrizione GPD",
    gpd_key_set: "Una chiave è salvata: lasciare vuoto per mantenerla.",
    gpd_key_unset: "Nessuna chiave salvata.",
    gpd_key_clear: "Rimuovi la chiave salvata",
    checkout_url: "Indirizzo di pagoPA Checkout",
    checkout_url_help: "Ad esempio https://api.platform.pagopa.it/checkout/ec/v1.",
    fdr_url: "Indirizzo dei Flussi di Rendicontazione (FdR)",
    fdr_url_help: "Ad esempio https://api.platform.pagopa.it/fdr-org/service/v1: la rendicontazione legge da qui i flussi.",
    fdr_key: "Chiave di sottoscrizione FdR",
    fdr_key_clear: "Rimuovi la chiave FdR salvata",
    reminders_legend: "Promemoria di pagamento",
    reminder_days: "Giorni prima della scadenza",
    reminder_days_help: "Separati da virgole, ad esempio 7, 1 (al massimo 5 valori da 0 a 60).",
    tefa_legend: "TEFA (tributo provinciale per l'ambiente)",
    tefa_help: "Se impostati, i pagamenti TARI versano la quota TEFA direttamente alla Provincia, in un secondo trasferimento.",
    tefa_fiscal_code: "Codice fiscale della Provincia",
    tefa_iban: "IBAN della Provincia",
    tefa_rate: "Aliquota TEFA (%)",
    tefa_rate_help: "Da 0 a 5, ad esempio 5 o 4,5.",
    save: "Salva",
    saved: "Impostazioni pagoPA salvate.",
    bad_days: "Giorni non validi: numeri separati da virgole, ad esempio 7, 1",
};

const EN: Texts = Texts {
    title: "pagoPA settings",
    intro: "The creditor body's data as registered on pagoPA. With the tax code and the segregation code every instalment to pay gets its notice; with the GPD address and key the debt positions are published on pagoPA.",
    creditor_legend: "Creditor body",
    creditor: "Creditor's tax code",
    creditor_help: "11 digits, as registered on pagoPA.",
    segregation: "Segregation code",
    segregation_help: "Two digits, assigned by PagoPA.",
    iban: "IBAN credited",
    poste: "Postal account",
    poste_help: "Optional: with the account, notices carry the PA postal slip.",
    cbill: "CBILL code",
    platform_legend: "pagoPA platform",
    gpd_url: "GPD (debt positions) address",
    gpd_url_help: "For example https://api.platform.pagopa.it/gpd/debt-positions-service/v1 (testing: api.uat.platform.pagopa.it).",
    gpd_key: "GPD subscription key",
    gpd_key_set: "A key is stored: leave empty to keep it.",
    gpd_key_unset: "No key stored.",
    gpd_key_clear: "Remove the stored key",
    checkout_url: "pagoPA Checkout address",
    checkout_url_help: "For example https://api.platform.pagopa.it/checkout/ec/v1.",
    fdr_url: "Reporting flows (FdR) address",
    fdr_url_help: "For example https://api.platform.pagopa.it/fdr-org/service/v1: reconciliation reads the flows from here.",
    fdr_key: "FdR subscription key",
    fdr_key_clear: "Remove the stored FdR key",
    reminders_legend: "Payment reminders",
    reminder_days: "Days before the due date",
    reminder_days_help: "Comma-separated, for example 7, 1 (at most 5 values from 0 to 60).",
    tefa_legend: "TEFA (provincial environmental tax)",
    tefa_help: "When set, TARI payments pay the TEFA share straight to the Provincia, in a second transfer.",
    tefa_fiscal_code: "Provincia's tax code",
    tefa_iban: "Provincia's IBAN",
    tefa_rate: "TEFA rate (%)",
    tefa_rate_help: "From 0 to 5, for example 5 or 4.5.",
    save: "Save",
    saved: "pagoPA settings saved.",
    bad_days: "Invalid days: numbers separated by commas, for example 7, 1",
};

fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

fn t(f: fn(&Texts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(texts(i18n.lang())).to_owned())
}

#[component]
pub fn PagopaSettingsPage() -> impl IntoView {
    let settings: LocalResource<ApiResult<Settings>> = LocalResource::new(api::settings);
    view! {
        <Page title=t(|t| t.title) no_breadcrumbs=true>
            <p>{t(|t| t.intro)}</p>
            {load(settings, |s| view! { <PagopaForm p=s.pagopa /> })}
        </Page>
    }
}

/// "7, 1" → [7, 1]; `None` when a part is not a number.
fn days_of(raw: &str) -> Option<Vec<u32>> {
    raw.split([',', ';', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect()
}

#[component]
fn PagopaForm(p: PagopaSettings) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let text = |v: &Option<String>| RwSignal::new(v.clone().unwrap_or_default());
    let creditor = text(&p.creditor_fiscal_code);
    let segregation = text(&p.segregation_code);
    let iban = text(&p.iban);
    let poste = text(&p.poste_account);
    let cbill = text(&p.cbill);
    let gpd_url = text(&p.gpd_url);
    let checkout_url = text(&p.checkout_url);
    let gpd_key = RwSignal::new(String::new());
    let clear_key = RwSignal::new(false);
    let key_set = RwSignal::new(p.gpd_subscription_key_set);
    let fdr_url = text(&p.fdr_url);
    let fdr_key = RwSignal::new(String::new());
    let clear_fdr_key = RwSignal::new(false);
    let fdr_key_set = RwSignal::new(p.fdr_subscription_key_set);
    let days = RwSignal::new(
        p.reminder_days
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    );
    let tefa_cf = text(&p.tefa_fiscal_code);
    let tefa_iban = text(&p.tefa_iban);
    let tefa_rate = RwSignal::new(p.tefa_rate.clone());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(reminder_days) = days_of(&days.get_untracked()) else {
            return form.invalid(&domain::DomainError::invalid(
                "pagopa.reminder_days",
                IT.bad_days,
                EN.bad_days,
            ));
        };
        let key = gpd_key.get_untracked();
        // Write-only: empty keeps the stored key, the checkbox removes it.
        let secret = |typed: String, clear: bool| {
            if clear {
                Some(String::new())
            } else {
                Some(typed).filter(|k| !k.trim().is_empty())
            }
        };
        let body = UpdatePagopaSettings {
            creditor_fiscal_code: Some(creditor.get_untracked()),
            segregation_code: Some(segregation.get_untracked()),
            iban: Some(iban.get_untracked()),
            poste_account: Some(poste.get_untracked()),
            cbill: Some(cbill.get_untracked()),
            gpd_url: Some(gpd_url.get_untracked()),
            gpd_subscription_key: secret(key, clear_key.get_untracked()),
            checkout_url: Some(checkout_url.get_untracked()),
            reminder_days: Some(reminder_days),
            tefa_fiscal_code: Some(tefa_cf.get_untracked()),
            tefa_iban: Some(tefa_iban.get_untracked()),
            tefa_rate: Some(tefa_rate.get_untracked()),
            fdr_url: Some(fdr_url.get_untracked()),
            fdr_subscription_key: secret(fdr_key.get_untracked(), clear_fdr_key.get_untracked()),
        };
        // Every field is sent, so the domain's rules on a blank configuration are the
        // server's (less the integration policy on URLs, which only the server knows).
        if let Err(e) = PagopaConfig::default().apply(&body) {
            return form.invalid(&e);
        }
        form.start();
        spawn_local(async move {
            let update = UpdateSettings {
                pagopa: Some(body),
                ..UpdateSettings::default()
            };
            match api::update_settings(&update).await {
                Ok(s) => {
                    key_set.set(s.pagopa.gpd_subscription_key_set);
                    gpd_key.set(String::new());
                    clear_key.set(false);
                    fdr_key_set.set(s.pagopa.fdr_subscription_key_set);
                    fdr_key.set(String::new());
                    clear_fdr_key.set(false);
                    form.succeed(texts(i18n.lang()).saved);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let help_for = move |set: RwSignal<bool>| {
        Signal::derive(move || {
            let t = texts(i18n.lang());
            (if set.get() {
                t.gpd_key_set
            } else {
                t.gpd_key_unset
            })
            .to_owned()
        })
    };
    view! {
        <form on:submit=submit novalidate>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <fieldset class="mb-4">
                <legend class="h5">{t(|t| t.creditor_legend)}</legend>
                <div class="row">
                    <div class="col-md-6">
                        <TextInput id="pp-creditor" label=t(|t| t.creditor) value=creditor help=t(|t| t.creditor_help) error=form.error_for("pagopa.creditor_fiscal_code") />
                    </div>
                    <div class="col-md-6">
                        <TextInput id="pp-segregation" label=t(|t| t.segregation) value=segregation help=t(|t| t.segregation_help) error=form.error_for("pagopa.segregation_code") />
                    </div>
                </div>
                <TextInput id="pp-iban" label=t(|t| t.iban) value=iban error=form.error_for("pagopa.iban") />
                <div class="row">
                    <div class="col-md-6">
                        <TextInput id="pp-poste" label=t(|t| t.poste) value=poste help=t(|t| t.poste_help) error=form.error_for("pagopa.poste_account") />
                    </div>
                    <div class="col-md-6">
                        <TextInput id="pp-cbill" label=t(|t| t.cbill) value=cbill error=form.error_for("pagopa.cbill") />
                    </div>
                </div>
            </fieldset>
            <fieldset class="mb-4">
                <legend class="h5">{t(|t| t.platform_legend)}</legend>
                <TextInput id="pp-gpd-url" kind="url" label=t(|t| t.gpd_url) value=gpd_url help=t(|t| t.gpd_url_help) error=form.error_for("pagopa.gpd_url") />
                <TextInput id="pp-gpd-key" kind="password" autocomplete="off" label=t(|t| t.gpd_key) value=gpd_key help=help_for(key_set) error=form.error_for("pagopa.gpd_subscription_key") />
                <Show when=move || key_set.get()>
                    <Checkbox id="pp-gpd-key-clear" label=t(|t| t.gpd_key_clear) checked=clear_key />
                </Show>
                <TextInput id="pp-checkout-url" kind="url" label=t(|t| t.checkout_url) value=checkout_url help=t(|t| t.checkout_url_help) error=form.error_for("pagopa.checkout_url") />
                <TextInput id="pp-fdr-url" kind="url" label=t(|t| t.fdr_url) value=fdr_url help=t(|t| t.fdr_url_help) error=form.error_for("pagopa.fdr_url") />
                <TextInput id="pp-fdr-key" kind="password" autocomplete="off" label=t(|t| t.fdr_key) value=fdr_key help=help_for(fdr_key_set) error=form.error_for("pagopa.fdr_subscription_key") />
                <Show when=move || fdr_key_set.get()>
                    <Checkbox id="pp-fdr-key-clear" label=t(|t| t.fdr_key_clear) checked=clear_fdr_key />
                </Show>
            </fieldset>
            <fieldset class="mb-4">
                <legend class="h5">{t(|t| t.reminders_legend)}</legend>
                <TextInput id="pp-days" label=t(|t| t.reminder_days) value=days help=t(|t| t.reminder_days_help) error=form.error_for("pagopa.reminder_days") />
            </fieldset>
            <fieldset class="mb-4">
                <legend class="h5">{t(|t| t.tefa_legend)}</legend>
                <p class="small">{t(|t| t.tefa_help)}</p>
                <div class="row">
                    <div class="col-md-6">
                        <TextInput id="pp-tefa-cf" label=t(|t| t.tefa_fiscal_code) value=tefa_cf error=form.error_for("pagopa.tefa_fiscal_code") />
                    </div>
                    <div class="col-md-6">
                        <TextInput id="pp-tefa-rate" label=t(|t| t.tefa_rate) value=tefa_rate help=t(|t| t.tefa_rate_help) error=form.error_for("pagopa.tefa_rate") />
                    </div>
                </div>
                <TextInput id="pp-tefa-iban" label=t(|t| t.tefa_iban) value=tefa_iban error=form.error_for("pagopa.tefa_iban") />
            </fieldset>
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{t(|t| t.save)}</button>
        </form>
    }
}

/// The page's address and its side-menu label.
pub const PATH: &str = "/console/impostazioni-pagopa";

pub fn nav_label() -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || texts(i18n.lang()).title)
}
