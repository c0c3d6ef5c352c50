//! Administration: the STUN and TURN servers of video calls. TURN is a coturn server with
//! `use-auth-secret`: the shared secret is write-only, and every party of a call gets
//! credentials that expire. "Solo relay" sends all media through TURN.

use domain::Lang;
use domain::api::{SaveVideoSettings, VideoSettings};
use domain::chat::check_ice_url;
use domain::error::Errors;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiResult};
use crate::components::{Checkbox, ErrorAlert, FormState, Notice, Page, TextArea, TextInput, load};
use crate::i18n::use_i18n;

/// The page's address (administrators).
pub const PATH: &str = "/console/impostazioni-videochiamate";

struct Texts {
    title: &'static str,
    intro: &'static str,
    stun: &'static str,
    stun_help: &'static str,
    turn: &'static str,
    turn_help: &'static str,
    secret: &'static str,
    secret_set: &'static str,
    secret_unset: &'static str,
    secret_clear: &'static str,
    relay_only: &'static str,
    save: &'static str,
    saved: &'static str,
    not_stun: &'static str,
    not_turn: &'static str,
}

const IT: Texts = Texts {
    title: "Videochiamate: server STUN e TURN",
    intro: "Le videochiamate collegano direttamente il browser del cittadino e quello dell'operatore. Dietro reti che lo impediscono, il traffico passa da un server TURN (coturn con use-auth-secret): ogni partecipante riceve credenziali valide due ore. Le chiamate non sono registrate.",
    stun: "Server STUN",
    stun_help: "Uno per riga, per esempio stun:turn.comune.example.it:3478",
    turn: "Server TURN",
    turn_help: "Uno per riga, per esempio turn:turn.comune.example.it:3478?transport=udp oppure turns:turn.comune.example.it:5349?transport=tcp",
    secret: "Segreto condiviso TURN (static-auth-secret)",
    secret_set: "Un segreto è salvato: lasciare vuoto per mantenerlo.",
    secret_unset: "Nessun segreto salvato: almeno 16 caratteri, lo stesso di static-auth-secret in turnserver.conf.",
    secret_clear: "Rimuovi il segreto salvato",
    relay_only: "Solo relay: tutto il traffico passa dal server TURN (nasconde gli indirizzi dei partecipanti)",
    save: "Salva",
    saved: "Impostazioni salvate.",
    not_stun: "Indirizzo STUN non valido (stun:host:porta)",
    not_turn: "Indirizzo TURN non valido (turn: o turns:)",
};

const EN: Texts = Texts {
    title: "Video calls: STUN and TURN servers",
    intro: "Video calls connect the citizen's and the operator's browsers directly. Behind networks that prevent it, traffic goes through a TURN server (coturn with use-auth-secret): each party gets credentials valid for two hours. Calls are not recorded.",
    stun: "STUN servers",
    stun_help: "One per line, for example stun:turn.comune.example.it:3478",
    turn: "TURN servers",
    turn_help: "One per line, for example turn:turn.comune.example.it:3478?transport=udp or turns:turn.comune.example.it:5349?transport=tcp",
    secret: "TURN shared secret (static-auth-secret)",
    secret_set: "A secret is stored: leave empty to keep it.",
    secret_unset: "No secret stored: at least 16 characters, the same as static-auth-secret in turnserver.conf.",
    secret_clear: "Remove the stored secret",
    relay_only: "Relay only: all traffic goes through the TURN server (hides the parties' addresses)",
    save: "Save",
    saved: "Settings saved.",
    not_stun: "Not a STUN address (stun:host:port)",
    not_turn: "Not a TURN address (turn: or turns:)",
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

/// The side menu's label.
pub fn nav_label() -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || match i18n.lang() {
        Lang::It => "Videochiamate",
        Lang::En => "Video calls",
    })
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
pub fn VideoSettingsPage() -> impl IntoView {
    let settings: LocalResource<ApiResult<VideoSettings>> = LocalResource::new(api::video_settings);
    view! {
        <Page title=t(|t| t.title) no_breadcrumbs=true>
            <p>{t(|t| t.intro)}</p>
            {load(settings, |s| view! { <VideoForm s /> })}
        </Page>
    }
}

#[component]
fn VideoForm(s: VideoSettings) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let stun = RwSignal::new(s.stun_urls.join("\n"));
    let turn = RwSignal::new(s.turn_urls.join("\n"));
    let secret = RwSignal::new(String::new());
    let clear = RwSignal::new(false);
    let relay_only = RwSignal::new(s.relay_only);
    let saved = RwSignal::new(s);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tx = texts(i18n.lang());
        let (stun_urls, turn_urls) = (lines(&stun.get_untracked()), lines(&turn.get_untracked()));
        // The same address rule as the server's, so mistakes show at once.
        let mut errors = Errors::new();
        if stun_urls
            .iter()
            .any(|u| check_ice_url(u).is_err() || !u.starts_with("stun:"))
        {
            errors.push(domain::FieldError::new(
                "stun_urls",
                tx.not_stun,
                tx.not_stun,
            ));
        }
        if turn_urls
            .iter()
            .any(|u| check_ice_url(u).is_err() || u.starts_with("stun:"))
        {
            errors.push(domain::FieldError::new(
                "turn_urls",
                tx.not_turn,
                tx.not_turn,
            ));
        }
        if let Err(e) = errors.finish() {
            return form.invalid(&e);
        }
        let typed = secret.get_untracked();
        let body = SaveVideoSettings {
            stun_urls,
            turn_urls,
            turn_secret: if clear.get_untracked() {
                Some(String::new())
            } else {
                Some(typed).filter(|s| !s.is_empty())
            },
            relay_only: relay_only.get_untracked(),
        };
        form.start();
        spawn_local(async move {
            match api::save_video_settings(&body).await {
                Ok(s) => {
                    saved.set(s);
                    secret.set(String::new());
                    clear.set(false);
                    form.succeed(texts(i18n.lang()).saved);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let secret_help = Signal::derive(move || {
        let tx = texts(i18n.lang());
        (if saved.with(|s| s.turn_secret_set) {
            tx.secret_set
        } else {
            tx.secret_unset
        })
        .to_owned()
    });
    view! {
        <form on:submit=submit novalidate>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <TextArea id="video-stun" label=t(|t| t.stun) value=stun rows=2 help=t(|t| t.stun_help) error=form.error_for("stun_urls") />
            <TextArea id="video-turn" label=t(|t| t.turn) value=turn rows=2 help=t(|t| t.turn_help) error=form.error_for("turn_urls") />
            <TextInput id="video-secret" kind="password" autocomplete="new-password" label=t(|t| t.secret) value=secret help=secret_help error=form.error_for("turn_secret") />
            <Show when=move || saved.with(|s| s.turn_secret_set)>
                <Checkbox id="video-secret-clear" label=t(|t| t.secret_clear) checked=clear />
            </Show>
            <Checkbox id="video-relay-only" label=t(|t| t.relay_only) checked=relay_only error=form.error_for("relay_only") />
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{t(|t| t.save)}</button>
        </form>
    }
}
