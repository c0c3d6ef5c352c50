//! The strings of the public-content app: "Trasparenza rifiuti" (TITR art. 3.1) and the
//! Riciclabolario. Apart from [`super::Texts`] so the portal's first load does not carry
//! them.

use domain::Lang;
use leptos::prelude::*;

use super::{I18n, use_i18n};

#[allow(clippy::struct_field_names)]
pub struct WasteTexts {
    // Trasparenza rifiuti
    pub transparency_title: &'static str,
    pub transparency_intro: fn(&str) -> String,
    pub page_index: &'static str,
    pub updating: &'static str,
    pub updated_at: fn(&str) -> String,
    pub links: &'static str,
    pub documents: &'static str,
    pub download: &'static str,
    pub desks_title: &'static str,
    pub no_desks: &'static str,
    /// In person, by video, both.
    pub desk_modes: [&'static str; 3],
    /// Monday first.
    pub weekdays: [&'static str; 7],
    pub hours_caption: fn(&str) -> String,
    pub day: &'static str,
    pub hours: &'static str,
    pub closed: &'static str,
    pub book: &'static str,
    pub collection_title: &'static str,
    pub collection_intro: &'static str,
    pub collection_chart: fn(&str) -> String,
    pub collection_caption: &'static str,
    pub collection_empty: &'static str,
    pub year: &'static str,
    pub collection_percent: &'static str,
    pub compliance_title: &'static str,
    pub compliance_intro: &'static str,
    pub compliance_year: &'static str,
    pub compliance_caption: fn(i32) -> String,
    pub compliance_none: &'static str,
    pub compliance_no_requests: &'static str,
    pub computed_at: fn(&str) -> String,
    pub col_kind: &'static str,
    pub col_standard: &'static str,
    pub col_received: &'static str,
    pub col_resolved: &'static str,
    pub col_within: &'static str,
    pub col_percent: &'static str,
    pub total: &'static str,
    pub working_days: fn(u32) -> String,
    // Riciclabolario
    pub waste_title: &'static str,
    pub waste_intro: &'static str,
    pub search_label: &'static str,
    pub search_help: &'static str,
    pub found: fn(usize) -> String,
    pub all_items: fn(usize) -> String,
    pub none_title: &'static str,
    pub none_text: &'static str,
    pub ask_office: &'static str,
    pub letters: &'static str,
    pub fraction: &'static str,
    pub bin: &'static str,
    pub take_to: &'static str,
    pub notes: &'static str,
    pub also: &'static str,
    pub transparency_link: &'static str,
}

pub static WASTE_IT: WasteTexts = WasteTexts {
    transparency_title: "Trasparenza rifiuti",
    transparency_intro: |name| {
        format!(
            "Le informazioni sul servizio di gestione dei rifiuti urbani di {name} che l'Autorità (ARERA, delibera 444/2019, Testo integrato in tema di trasparenza, TITR) chiede di pubblicare."
        )
    },
    page_index: "Indice della pagina",
    updating: "Informazione in aggiornamento.",
    updated_at: |d| format!("Aggiornato il {d}"),
    links: "Collegamenti",
    documents: "Documenti",
    download: "scarica",
    desks_title: "Sportelli e orari di apertura",
    no_desks: "Nessuno sportello pubblicato.",
    desk_modes: [
        "In presenza",
        "In videochiamata",
        "In presenza o in videochiamata",
    ],
    weekdays: [
        "Lunedì",
        "Martedì",
        "Mercoledì",
        "Giovedì",
        "Venerdì",
        "Sabato",
        "Domenica",
    ],
    hours_caption: |desk| format!("Orari settimanali di {desk}"),
    day: "Giorno",
    hours: "Orario",
    closed: "Chiuso",
    book: "Prenota un appuntamento",
    collection_title: "Percentuale di raccolta differenziata",
    collection_intro: "La percentuale di raccolta differenziata conseguita negli ultimi tre anni.",
    collection_chart: |list| format!("Grafico a barre della raccolta differenziata: {list}."),
    collection_caption: "Raccolta differenziata negli ultimi tre anni",
    collection_empty: "Dati in aggiornamento.",
    year: "Anno",
    collection_percent: "Raccolta differenziata",
    compliance_title: "Standard generali di qualità e grado di rispetto",
    compliance_intro: "Per ogni prestazione, lo standard di qualità (TQRIF) in giorni lavorativi e la quota delle pratiche concluse entro lo standard, calcolata dal registro delle prestazioni.",
    compliance_year: "Anno di riferimento",
    compliance_caption: |y| format!("Grado di rispetto degli standard nel {y}"),
    compliance_none: "Nessun dato per l'anno scelto.",
    compliance_no_requests: "Nessuna richiesta registrata nell'anno.",
    computed_at: |d| format!("Dati calcolati il {d}."),
    col_kind: "Prestazione",
    col_standard: "Standard",
    col_received: "Ricevute",
    col_resolved: "Concluse",
    col_within: "Concluse entro lo standard",
    col_percent: "Grado di rispetto",
    total: "Totale",
    working_days: |n| {
        if n == 1 {
            "1 giorno lavorativo".to_owned()
        } else {
            format!("{n} giorni lavorativi")
        }
    },
    waste_title: "Riciclabolario",
    waste_intro: "Cerca un rifiuto per sapere in quale contenitore va o dove portarlo.",
    search_label: "Cerca un rifiuto",
    search_help: "Per esempio: bottiglia, pile, cartone della pizza. I risultati compaiono mentre scrivi.",
    found: |n| {
        if n == 1 {
            "1 rifiuto trovato".to_owned()
        } else {
            format!("{n} rifiuti trovati")
        }
    },
    all_items: |n| format!("{n} rifiuti in ordine alfabetico"),
    none_title: "Nessun rifiuto trovato",
    none_text: "Prova con un altro nome o con una parola più generica. Se non lo trovi, chiedi all'ufficio: ti diremo come conferirlo.",
    ask_office: "Scrivi all'ufficio",
    letters: "Indice alfabetico",
    fraction: "Raccolta",
    bin: "Contenitore",
    take_to: "Dove portarlo",
    notes: "Come conferirlo",
    also: "Anche",
    transparency_link: "Trasparenza rifiuti: calendari, centri di raccolta, tariffe",
};

pub static WASTE_EN: WasteTexts = WasteTexts {
    transparency_title: "Waste transparency",
    transparency_intro: |name| {
        format!(
            "The information on the municipal waste service of {name} that the regulator (ARERA, resolution 444/2019, TITR) requires to be published."
        )
    },
    page_index: "On this page",
    updating: "This information is being updated.",
    updated_at: |d| format!("Updated on {d}"),
    links: "Links",
    documents: "Documents",
    download: "download",
    desks_title: "Desks and opening hours",
    no_desks: "No desk published.",
    desk_modes: ["In person", "By video call", "In person or by video call"],
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    hours_caption: |desk| format!("Weekly hours of {desk}"),
    day: "Day",
    hours: "Hours",
    closed: "Closed",
    book: "Book an appointment",
    collection_title: "Separate collection rate",
    collection_intro: "The share of waste collected separately over the last three years.",
    collection_chart: |list| format!("Bar chart of the separate collection rate: {list}."),
    collection_caption: "Separate collection over the last three years",
    collection_empty: "Figures are being updated.",
    year: "Year",
    collection_percent: "Separate collection",
    compliance_title: "General quality standards and degree of compliance",
    compliance_intro: "For each service, the quality standard (TQRIF) in working days and the share of requests concluded within it, computed from the register.",
    compliance_year: "Year",
    compliance_caption: |y| format!("Compliance with the standards in {y}"),
    compliance_none: "No figures for the chosen year.",
    compliance_no_requests: "No request was registered in the year.",
    computed_at: |d| format!("Computed on {d}."),
    col_kind: "Service",
    col_standard: "Standard",
    col_received: "Received",
    col_resolved: "Concluded",
    col_within: "Concluded within the standard",
    col_percent: "Degree of compliance",
    total: "Total",
    working_days: |n| {
        if n == 1 {
            "1 working day".to_owned()
        } else {
            format!("{n} working days")
        }
    },
    waste_title: "Waste sorting guide",
    waste_intro: "Search for an item to learn which bin it goes in or where to take it.",
    search_label: "Search for an item",
    search_help: "For example: bottle, batteries, pizza box (in Italian). Results appear as you type.",
    found: |n| {
        if n == 1 {
            "1 item found".to_owned()
        } else {
            format!("{n} items found")
        }
    },
    all_items: |n| format!("{n} items in alphabetical order"),
    none_title: "No item found",
    none_text: "Try another name or a more general word. If you cannot find it, ask the office: we will tell you how to dispose of it.",
    ask_office: "Write to the office",
    letters: "Alphabetical index",
    fraction: "Collection",
    bin: "Bin",
    take_to: "Where to take it",
    notes: "How to dispose of it",
    also: "Also",
    transparency_link: "Waste transparency: calendars, collection centres, tariffs",
};

pub fn waste_texts(lang: Lang) -> &'static WasteTexts {
    match lang {
        Lang::It => &WASTE_IT,
        Lang::En => &WASTE_EN,
    }
}

impl I18n {
    /// The public-content strings of the current language (reactive).
    pub fn w(self) -> &'static WasteTexts {
        waste_texts(self.lang.get())
    }
}

/// [`super::tr`] for the public-content strings.
pub fn trw(f: fn(&WasteTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.w()))
}

/// [`trw`] for component props that take owned text.
pub fn trws(f: fn(&WasteTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.w()).to_owned())
}
