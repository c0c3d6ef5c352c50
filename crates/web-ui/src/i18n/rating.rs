//! The strings of the rating block ("Valuta questo servizio" on the service pages and
//! the confirmations, the rating of a concluded request's answer). Apart from
//! [`super::Texts`] so only the apps that show the block carry them.

use domain::Lang;
use domain::rating::RatingAspect;
use leptos::prelude::*;

use super::use_i18n;

pub struct RatingTexts {
    /// The question over a service's scheda (the model's wording).
    pub page_title: &'static str,
    /// The question on a confirmation (a filed request, a booking).
    pub service_title: &'static str,
    /// The question on a concluded request.
    pub answer_title: &'static str,
    pub legend: &'static str,
    pub star: fn(u8) -> String,
    pub good: &'static str,
    pub poor: &'static str,
    pub details: &'static str,
    pub details_help: &'static str,
    pub send: &'static str,
    pub thanks: &'static str,
    pub given: fn(u8) -> String,
    /// The rating page (`/valuta`).
    pub rate_title: &'static str,
    pub rate_unknown: &'static str,
}

const IT: RatingTexts = RatingTexts {
    page_title: "Quanto sono utili le informazioni in questa pagina?",
    service_title: "Quanto è stato facile usare questo servizio?",
    answer_title: "Quanto sei soddisfatto della risposta?",
    legend: "Valuta da 1 a 5 stelle",
    star: |n| {
        if n == 1 {
            "1 stella".to_owned()
        } else {
            format!("{n} stelle")
        }
    },
    good: "Quali sono stati gli aspetti che hai preferito?",
    poor: "Dove hai incontrato le maggiori difficoltà?",
    details: "Vuoi aggiungere altri dettagli?",
    details_help: "Al massimo 200 caratteri",
    send: "Invia la valutazione",
    thanks: "Grazie, la tua valutazione ci aiuterà a migliorare il servizio.",
    given: |n| format!("Hai valutato la risposta {n} su 5."),
    rate_title: "Valuta questo servizio",
    rate_unknown: "Questa pagina non ha una valutazione.",
};

const EN: RatingTexts = RatingTexts {
    page_title: "How useful is the information on this page?",
    service_title: "How easy was it to use this service?",
    answer_title: "How satisfied are you with the answer?",
    legend: "Rate from 1 to 5 stars",
    star: |n| {
        if n == 1 {
            "1 star".to_owned()
        } else {
            format!("{n} stars")
        }
    },
    good: "What did you like best?",
    poor: "Where did you find it hardest?",
    details: "Anything else to add?",
    details_help: "At most 200 characters",
    send: "Send the rating",
    thanks: "Thank you: your rating helps us improve the service.",
    given: |n| format!("You rated the answer {n} out of 5."),
    rate_title: "Rate this service",
    rate_unknown: "This page has no rating.",
};

pub fn rating_texts(lang: Lang) -> &'static RatingTexts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

/// A follow-up answer in the reader's language.
pub fn aspect_label(lang: Lang, a: RatingAspect) -> &'static str {
    match lang {
        Lang::It => a.label_it(),
        Lang::En => a.label_en(),
    }
}

/// One string of the rating block, following the language switch.
pub fn trrt(f: fn(&RatingTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(rating_texts(i18n.lang())))
}

/// [`trrt`] for component props that take owned text.
pub fn trrts(f: fn(&RatingTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(rating_texts(i18n.lang())).to_owned())
}
