//! The strings of the console's page of the platform's tenants (`/console/enti`, platform
//! administrators), apart from [`super::Texts`] so only the console carries them.

use domain::Lang;
use leptos::prelude::*;

use super::use_i18n;

pub struct PlatformTexts {
    pub nav_heading: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub list_caption: &'static str,
    pub col_name: &'static str,
    pub col_slug: &'static str,
    pub col_hosts: &'static str,
    pub col_state: &'static str,
    pub col_actions: &'static str,
    pub active: &'static str,
    pub inactive: &'static str,
    pub default_tenant: &'static str,
    pub edit: &'static str,
    pub create_heading: &'static str,
    pub edit_heading: fn(&str) -> String,
    pub slug: &'static str,
    pub slug_help: &'static str,
    pub name: &'static str,
    pub fiscal_code: &'static str,
    pub logo_url: &'static str,
    pub logo_help: &'static str,
    pub hosts: &'static str,
    pub hosts_help: &'static str,
    pub admin_email: &'static str,
    pub admin_email_help: &'static str,
    pub admin_password: &'static str,
    pub admin_password_help: &'static str,
    pub active_label: &'static str,
    pub create_submit: &'static str,
    pub save_submit: &'static str,
    pub cancel: &'static str,
    pub created: fn(&str, bool) -> String,
    pub saved: &'static str,
}

const IT: PlatformTexts = PlatformTexts {
    nav_heading: "Piattaforma",
    title: "Enti della piattaforma",
    intro: "Ogni ente (Comune o gestore TARI) risponde sui propri nomi host, con i propri utenti, pratiche e impostazioni. Un nuovo ente parte con le tipologie di richiesta, gli uffici e lo smistamento standard.",
    list_caption: "Enti, per identificativo",
    col_name: "Nome",
    col_slug: "Identificativo",
    col_hosts: "Nomi host",
    col_state: "Stato",
    col_actions: "Azioni",
    active: "Attivo",
    inactive: "Disattivato",
    default_tenant: "Predefinito",
    edit: "Modifica",
    create_heading: "Nuovo ente",
    edit_heading: |name| format!("Modifica {name}"),
    slug: "Identificativo",
    slug_help: "Da 2 a 40 lettere minuscole, cifre e trattini, per esempio comune-di-altrove",
    name: "Nome dell'ente",
    fiscal_code: "Codice fiscale",
    logo_url: "Indirizzo del logo",
    logo_help: "Un URL https:// o un percorso di questo sito che inizia con /",
    hosts: "Nomi host",
    hosts_help: "Uno per riga, senza https:// né porta, per esempio sportello.comune.altrove.it",
    admin_email: "E-mail del primo amministratore",
    admin_email_help: "Facoltativo. Senza password riceve per e-mail un link per sceglierla.",
    admin_password: "Password del primo amministratore",
    admin_password_help: "Facoltativa: almeno 10 caratteri, con lettere e cifre",
    active_label: "Ente attivo (disattivato, i suoi nomi host rispondono «non trovato»)",
    create_submit: "Crea l'ente",
    save_submit: "Salva",
    cancel: "Annulla",
    created: |slug, invited| {
        if invited {
            format!(
                "Ente {slug} creato: il primo amministratore riceverà un'e-mail per scegliere la password."
            )
        } else {
            format!("Ente {slug} creato.")
        }
    },
    saved: "Ente aggiornato.",
};

const EN: PlatformTexts = PlatformTexts {
    nav_heading: "Platform",
    title: "The platform's tenants",
    intro: "Each tenant (Comune or TARI operator) answers on its own host names, with its own users, requests and settings. A new tenant starts with the standard request types, offices and routing.",
    list_caption: "Tenants, by identifier",
    col_name: "Name",
    col_slug: "Identifier",
    col_hosts: "Host names",
    col_state: "State",
    col_actions: "Actions",
    active: "Active",
    inactive: "Switched off",
    default_tenant: "Default",
    edit: "Edit",
    create_heading: "New tenant",
    edit_heading: |name| format!("Edit {name}"),
    slug: "Identifier",
    slug_help: "2 to 40 lowercase letters, digits and hyphens, for example comune-di-altrove",
    name: "Name",
    fiscal_code: "Fiscal code",
    logo_url: "Logo address",
    logo_help: "An https:// URL or a path of this site starting with /",
    hosts: "Host names",
    hosts_help: "One per line, without https:// nor port, for example sportello.comune.altrove.it",
    admin_email: "First administrator's e-mail",
    admin_email_help: "Optional. Without a password, they get an e-mail with a link to choose one.",
    admin_password: "First administrator's password",
    admin_password_help: "Optional: at least 10 characters, with letters and digits",
    active_label: "Tenant active (when off, its host names answer \"not found\")",
    create_submit: "Create the tenant",
    save_submit: "Save",
    cancel: "Cancel",
    created: |slug, invited| {
        if invited {
            format!(
                "Tenant {slug} created: the first administrator will get an e-mail to choose the password."
            )
        } else {
            format!("Tenant {slug} created.")
        }
    },
    saved: "Tenant updated.",
};

pub fn platform_texts(lang: Lang) -> &'static PlatformTexts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

/// One string of the tenants' page, following the language switch.
pub fn trpl(f: fn(&PlatformTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(platform_texts(i18n.lang())))
}

/// [`trpl`] for component props that take owned text.
pub fn trpls(f: fn(&PlatformTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(platform_texts(i18n.lang())).to_owned())
}
