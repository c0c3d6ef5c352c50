//! The strings of the site search page (`/cerca`). Apart from [`super::Texts`] so the
//! portal's first load does not carry them.

use domain::Lang;
use domain::answers::SearchKind;
use leptos::prelude::*;

use super::use_i18n;

pub struct SearchTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub submit: &'static str,
    /// Results for a query.
    pub found: fn(usize, &str) -> String,
    pub prompt: &'static str,
    pub none_title: &'static str,
    pub none_text: &'static str,
    pub ask_office: &'static str,
    pub all_services: &'static str,
}

const IT: SearchTexts = SearchTexts {
    title: "Cerca nel sito",
    intro: "Cerca tra i servizi, le pagine, le domande frequenti, i documenti e il \
            Riciclabolario.",
    label: "Cosa stai cercando?",
    help: "Per esempio: cambio di residenza, rateizzazione, bottiglie di vetro",
    submit: "Cerca",
    found: |n, q| match n {
        1 => format!("1 risultato per «{q}»"),
        n => format!("{n} risultati per «{q}»"),
    },
    prompt: "Scrivi una o più parole e premi Cerca.",
    none_title: "Nessun risultato",
    none_text: "Prova con altre parole, oppure scrivi all'ufficio: ti risponderemo.",
    ask_office: "Scrivi all'ufficio",
    all_services: "Vedi tutti i servizi",
};

const EN: SearchTexts = SearchTexts {
    title: "Search the site",
    intro: "Search the services, pages, frequently asked questions, documents and the \
            waste sorting guide.",
    label: "What are you looking for?",
    help: "For example: change of address, instalments, glass bottles",
    submit: "Search",
    found: |n, q| match n {
        1 => format!("1 result for “{q}”"),
        n => format!("{n} results for “{q}”"),
    },
    prompt: "Type one or more words and press Search.",
    none_title: "No results",
    none_text: "Try other words, or write to the office: we will answer.",
    ask_office: "Write to the office",
    all_services: "See all services",
};

pub fn search_texts(lang: Lang) -> &'static SearchTexts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

/// The heading of a group of results.
pub fn search_kind_label(lang: Lang, kind: SearchKind) -> &'static str {
    match (lang, kind) {
        (Lang::It, SearchKind::Service) => "Servizi",
        (Lang::It, SearchKind::Page) => "Pagine",
        (Lang::It, SearchKind::Faq) => "Domande frequenti",
        (Lang::It, SearchKind::Document) => "Documenti",
        (Lang::It, SearchKind::Waste) => "Riciclabolario",
        (Lang::En, SearchKind::Service) => "Services",
        (Lang::En, SearchKind::Page) => "Pages",
        (Lang::En, SearchKind::Faq) => "Frequently asked questions",
        (Lang::En, SearchKind::Document) => "Documents",
        (Lang::En, SearchKind::Waste) => "Waste sorting guide",
    }
}

/// One string of the search page, following the language switch.
pub fn trse(f: fn(&SearchTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(search_texts(i18n.lang())))
}

/// [`trse`] for component props that take owned text.
pub fn trses(f: fn(&SearchTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(search_texts(i18n.lang())).to_owned())
}
