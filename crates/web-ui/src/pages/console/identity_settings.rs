//! Administration: signing in with SPID and CIE through the Comune's OpenID Connect proxy
//! (iam-proxy-italia, Keycloak). One form per identity; the private key is write-only, and
//! what to register at the proxy (redirect URIs, public key) is shown beside it.

use domain::Lang;
use domain::api::{IdentityProviderSettings, UpdateIdentityProvider};
use domain::identity::{Assurance, ProviderConfig};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiResult};
use crate::components::{
    Checkbox, ErrorAlert, FormState, Notice, Page, SelectInput, TextArea, TextInput, load,
};
use crate::i18n::use_i18n;

/// The page's strings, in both languages (operators only).
struct Texts {
    title: &'static str,
    intro: &'static str,
    enabled: &'static str,
    issuer: &'static str,
    issuer_help: &'static str,
    client_id: &'static str,
    level: &'static str,
    key: &'static str,
    key_set: &'static str,
    key_unset: &'static str,
    key_clear: &'static str,
    register_heading: &'static str,
    redirect_uri: &'static str,
    logout_uri: &'static str,
    jwks: &'static str,
    no_public_url: &'static str,
    save: &'static str,
    saved: &'static str,
}

const IT: Texts = Texts {
    title: "Accesso con SPID e CIE",
    intro: "I cittadini entrano con SPID o CIE attraverso il proxy OpenID Connect del Comune (iam-proxy-italia o Keycloak con spid-keycloak-provider). Al primo accesso l'account è creato già verificato; chi era registrato con il documento viene collegato per codice fiscale.",
    enabled: "Attivo: mostra il pulsante nella pagina di accesso",
    issuer: "Issuer del proxy OpenID Connect",
    issuer_help: "L'indirizzo https:// che pubblica /.well-known/openid-configuration.",
    client_id: "Client id assegnato dal proxy",
    level: "Livello di sicurezza richiesto",
    key: "Chiave privata (PEM, RSA almeno 2048 bit)",
    key_set: "Una chiave è salvata: lasciare vuoto per mantenerla. Si crea con: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048",
    key_unset: "Nessuna chiave salvata. Si crea con: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048",
    key_clear: "Rimuovi la chiave salvata",
    register_heading: "Da registrare sul proxy",
    redirect_uri: "Redirect URI",
    logout_uri: "Post-logout redirect URI",
    jwks: "Chiave pubblica (JWKS)",
    no_public_url: "Impostare prima l'indirizzo pubblico del portale (Impostazioni e-mail e notifiche).",
    save: "Salva",
    saved: "Impostazioni salvate.",
};

const EN: Texts = Texts {
    title: "Sign-in with SPID and CIE",
    intro: "Citizens sign in with SPID or CIE through the Comune's OpenID Connect proxy (iam-proxy-italia, or Keycloak with spid-keycloak-provider). On the first sign-in the account is created already verified; one registered with a document is linked by fiscal code.",
    enabled: "Enabled: show the button on the sign-in page",
    issuer: "OpenID Connect proxy's issuer",
    issuer_help: "The https:// address that publishes /.well-known/openid-configuration.",
    client_id: "Client id given by the proxy",
    level: "Level of assurance asked for",
    key: "Private key (PEM, RSA of at least 2048 bits)",
    key_set: "A key is stored: leave empty to keep it. Make one with: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048",
    key_unset: "No key stored. Make one with: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048",
    key_clear: "Remove the stored key",
    register_heading: "To register at the proxy",
    redirect_uri: "Redirect URI",
    logout_uri: "Post-logout redirect URI",
    jwks: "Public key (JWKS)",
    no_public_url: "Set the portal's public address first (e-mail and notification settings).",
    save: "Save",
    saved: "Settings saved.",
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
pub fn IdentitySettingsPage() -> impl IntoView {
    let providers: LocalResource<ApiResult<Vec<IdentityProviderSettings>>> =
        LocalResource::new(api::identity_providers);
    view! {
        <Page title=t(|t| t.title) no_breadcrumbs=true>
            <p>{t(|t| t.intro)}</p>
            {load(providers, |list| {
                list.into_iter()
                    .map(|p| view! { <ProviderForm p /> })
                    .collect_view()
            })}
        </Page>
    }
}

#[component]
fn ProviderForm(p: IdentityProviderSettings) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let provider = p.provider;
    let code = provider.code();
    let id = move |f: &str| format!("{code}-{f}");
    let enabled = RwSignal::new(p.enabled);
    let issuer = RwSignal::new(p.issuer.clone().unwrap_or_default());
    let client_id = RwSignal::new(p.client_id.clone().unwrap_or_default());
    let level = RwSignal::new(p.level.code().to_owned());
    let key = RwSignal::new(String::new());
    let clear_key = RwSignal::new(false);
    let saved = RwSignal::new(p);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed_key = key.get_untracked();
        let private_key = if clear_key.get_untracked() {
            Some(String::new())
        } else {
            Some(typed_key).filter(|k| !k.trim().is_empty())
        };
        let chosen_level = level.get_untracked().parse::<Assurance>().ok();
        let body = UpdateIdentityProvider {
            enabled: Some(enabled.get_untracked()),
            issuer: Some(issuer.get_untracked()),
            client_id: Some(client_id.get_untracked()),
            level: chosen_level,
            private_key: private_key.clone(),
        };
        // The domain's rules first; the key and the address policy are the server's.
        let blank = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let has_key = match &private_key {
            Some(k) => !k.is_empty(),
            None => saved.with_untracked(|s| s.private_key_set),
        };
        let check = ProviderConfig {
            enabled: enabled.get_untracked(),
            issuer: blank(issuer.get_untracked()),
            client_id: blank(client_id.get_untracked()),
            level: chosen_level.unwrap_or(Assurance::L2),
            has_key,
        }
        .check(code);
        if let Err(e) = check {
            return form.invalid(&e);
        }
        form.start();
        spawn_local(async move {
            match api::update_identity_provider(provider, &body).await {
                Ok(s) => {
                    saved.set(s);
                    key.set(String::new());
                    clear_key.set(false);
                    form.succeed(texts(i18n.lang()).saved);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let key_help = Signal::derive(move || {
        let t = texts(i18n.lang());
        (if saved.with(|s| s.private_key_set) {
            t.key_set
        } else {
            t.key_unset
        })
        .to_owned()
    });
    let levels = Signal::derive(|| {
        Assurance::ALL
            .iter()
            .map(|l| (l.code().to_owned(), format!("SPID {}", l.code())))
            .collect::<Vec<_>>()
    });
    let heading = provider.label();
    view! {
        <form class="mb-5" on:submit=submit novalidate aria-labelledby=id("title")>
            <h2 class="h4" id=id("title")>{heading}</h2>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <Checkbox id=id("enabled") label=t(|t| t.enabled) checked=enabled error=form.error_for(format!("{code}.enabled")) />
            <TextInput id=id("issuer") kind="url" label=t(|t| t.issuer) value=issuer help=t(|t| t.issuer_help) error=form.error_for(format!("{code}.issuer")) />
            <TextInput id=id("client-id") label=t(|t| t.client_id) value=client_id error=form.error_for(format!("{code}.client_id")) />
            <SelectInput id=id("level") label=t(|t| t.level) value=level options=levels />
            <TextArea id=id("key") label=t(|t| t.key) value=key rows=4 help=key_help error=form.error_for(format!("{code}.private_key")) />
            <Show when=move || saved.with(|s| s.private_key_set)>
                <Checkbox id=id("key-clear") label=t(|t| t.key_clear) checked=clear_key />
            </Show>
            <button type="submit" class="btn btn-primary mb-3" disabled=move || form.pending.get()>{t(|t| t.save)}</button>
            <h3 class="h6">{t(|t| t.register_heading)}</h3>
            {move || {
                let s = saved.get();
                match s.redirect_uri {
                    None => view! { <p class="small">{t(|t| t.no_public_url)}</p> }.into_any(),
                    Some(redirect) => view! {
                        <dl class="small">
                            <dt>{t(|t| t.redirect_uri)}</dt>
                            <dd><code class="text-break">{redirect}</code></dd>
                            <dt>{t(|t| t.logout_uri)}</dt>
                            <dd><code class="text-break">{s.post_logout_redirect_uri.unwrap_or_default()}</code></dd>
                            {s.public_jwks.map(|j| view! {
                                <dt>{t(|t| t.jwks)}</dt>
                                <dd><pre class="small text-break" style="white-space: pre-wrap">{j.to_string()}</pre></dd>
                            })}
                        </dl>
                    }
                    .into_any(),
                }
            }}
        </form>
    }
}

/// The page's address and its side-menu label.
pub const PATH: &str = "/console/accesso-spid-cie";

pub fn nav_label() -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || texts(i18n.lang()).title)
}
