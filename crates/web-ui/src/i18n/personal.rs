//! The strings of the citizen's personal area: its tabs (Scrivania, Messaggi, Pratiche,
//! Pagamenti, Appuntamenti), the request page's timeline, receipt, reopening and rating.

use domain::Lang;
use domain::rating::RatingAspect;
use leptos::prelude::*;

use super::use_i18n;

pub struct PersonalTexts {
    pub tab_desk: &'static str,
    pub tab_messages: &'static str,
    pub tab_requests: &'static str,
    pub tab_payments: &'static str,
    pub tab_appointments: &'static str,
    pub tab_settings: &'static str,
    pub desk_title: &'static str,
    pub latest_requests: &'static str,
    pub all_requests: &'static str,
    pub latest_messages: &'static str,
    pub all_messages: &'static str,
    pub messages_title: &'static str,
    pub messages_intro: &'static str,
    pub messages_empty: &'static str,
    pub message_on: &'static str,
    pub payments_due: &'static str,
    pub payments_none: &'static str,
    pub payments_count: fn(usize) -> String,
    pub go_payments: &'static str,
    pub appointments_title: &'static str,
    pub appointments_empty: &'static str,
    pub upcoming_appointments: &'static str,
    pub book_appointment: &'static str,
    pub manage_booking: &'static str,
    pub booking_reference: &'static str,
    pub booking_confirmed: &'static str,
    pub booking_pending: &'static str,
    pub booking_past: &'static str,
    pub booking_cancelled: &'static str,
    pub fields_title: &'static str,
    pub timeline_title: &'static str,
    pub receipt: &'static str,
    pub concluded_title: &'static str,
    pub reopen_intro: fn(&str) -> String,
    pub reopen: &'static str,
    pub reopen_confirm: &'static str,
    pub reopened: &'static str,
    pub rating_title: &'static str,
    pub rating_legend: &'static str,
    pub star: fn(u8) -> String,
    pub rating_good: &'static str,
    pub rating_poor: &'static str,
    pub rating_details: &'static str,
    pub rating_details_help: &'static str,
    pub rating_send: &'static str,
    pub rating_thanks: &'static str,
    pub rating_given: fn(u8) -> String,
}

const IT: PersonalTexts = PersonalTexts {
    tab_desk: "Scrivania",
    tab_messages: "Messaggi",
    tab_requests: "Pratiche",
    tab_payments: "Pagamenti",
    tab_appointments: "Appuntamenti",
    tab_settings: "Preferenze",
    desk_title: "Area personale",
    latest_requests: "Ultime pratiche",
    all_requests: "Vedi tutte le pratiche",
    latest_messages: "Ultimi messaggi",
    all_messages: "Vedi tutti i messaggi",
    messages_title: "Messaggi",
    messages_intro: "I messaggi più recenti delle tue ultime pratiche. Per rispondere apri la pratica.",
    messages_empty: "Nessun messaggio.",
    message_on: "Pratica",
    payments_due: "Pagamenti da effettuare",
    payments_none: "Nessun avviso da pagare.",
    payments_count: |n| {
        if n == 1 {
            "1 avviso da pagare".to_owned()
        } else {
            format!("{n} avvisi da pagare")
        }
    },
    go_payments: "Vai ai pagamenti",
    appointments_title: "Appuntamenti",
    appointments_empty: "Nessun appuntamento.",
    upcoming_appointments: "Prossimi appuntamenti",
    book_appointment: "Prenota un appuntamento",
    manage_booking: "Gestisci l'appuntamento",
    booking_reference: "Codice",
    booking_confirmed: "Confermato",
    booking_pending: "Da confermare",
    booking_past: "Passato",
    booking_cancelled: "Annullato",
    fields_title: "Dati inseriti",
    timeline_title: "Stato della pratica",
    receipt: "Scarica la ricevuta (PDF)",
    concluded_title: "Non sei soddisfatto della risposta?",
    reopen_intro: |until| {
        format!("Puoi chiedere di riaprire la pratica e rispondere all'ufficio entro il {until}.")
    },
    reopen: "Riapri la pratica",
    reopen_confirm: "Riaprire la pratica? L'ufficio la riprenderà in lavorazione.",
    reopened: "Pratica riaperta: puoi scrivere all'ufficio qui sotto.",
    rating_title: "Quanto sei soddisfatto della risposta?",
    rating_legend: "Valuta da 1 a 5 stelle",
    star: |n| {
        if n == 1 {
            "1 stella".to_owned()
        } else {
            format!("{n} stelle")
        }
    },
    rating_good: "Quali sono stati gli aspetti che hai preferito?",
    rating_poor: "Dove hai incontrato le maggiori difficoltà?",
    rating_details: "Vuoi aggiungere altri dettagli?",
    rating_details_help: "Al massimo 200 caratteri",
    rating_send: "Invia la valutazione",
    rating_thanks: "Grazie, la tua valutazione ci aiuterà a migliorare il servizio.",
    rating_given: |n| format!("Hai valutato la risposta {n} su 5."),
};

const EN: PersonalTexts = PersonalTexts {
    tab_desk: "Desk",
    tab_messages: "Messages",
    tab_requests: "Requests",
    tab_payments: "Payments",
    tab_appointments: "Appointments",
    tab_settings: "Preferences",
    desk_title: "Personal area",
    latest_requests: "Latest requests",
    all_requests: "See all requests",
    latest_messages: "Latest messages",
    all_messages: "See all messages",
    messages_title: "Messages",
    messages_intro: "The latest messages of your most recent requests. Open the request to reply.",
    messages_empty: "No messages.",
    message_on: "Request",
    payments_due: "Payments due",
    payments_none: "No notice to pay.",
    payments_count: |n| {
        if n == 1 {
            "1 notice to pay".to_owned()
        } else {
            format!("{n} notices to pay")
        }
    },
    go_payments: "Go to payments",
    appointments_title: "Appointments",
    appointments_empty: "No appointments.",
    upcoming_appointments: "Upcoming appointments",
    book_appointment: "Book an appointment",
    manage_booking: "Manage the appointment",
    booking_reference: "Reference",
    booking_confirmed: "Confirmed",
    booking_pending: "To be confirmed",
    booking_past: "Past",
    booking_cancelled: "Cancelled",
    fields_title: "Details you gave",
    timeline_title: "Status of the request",
    receipt: "Download the receipt (PDF)",
    concluded_title: "Not satisfied with the answer?",
    reopen_intro: |until| {
        format!("You can ask to reopen the request and reply to the office until {until}.")
    },
    reopen: "Reopen the request",
    reopen_confirm: "Reopen the request? The office will take it up again.",
    reopened: "Request reopened: you can write to the office below.",
    rating_title: "How satisfied are you with the answer?",
    rating_legend: "Rate from 1 to 5 stars",
    star: |n| {
        if n == 1 {
            "1 star".to_owned()
        } else {
            format!("{n} stars")
        }
    },
    rating_good: "What did you like best?",
    rating_poor: "Where did you find it hardest?",
    rating_details: "Anything else to add?",
    rating_details_help: "At most 200 characters",
    rating_send: "Send the rating",
    rating_thanks: "Thank you: your rating helps us improve the service.",
    rating_given: |n| format!("You rated the answer {n} out of 5."),
};

pub fn personal_texts(lang: Lang) -> &'static PersonalTexts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

pub fn aspect_label(lang: Lang, a: RatingAspect) -> &'static str {
    match lang {
        Lang::It => a.label_it(),
        Lang::En => a.label_en(),
    }
}

/// One string of the personal area, following the language switch.
pub fn trpa(f: fn(&PersonalTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(personal_texts(i18n.lang())))
}

/// [`trpa`] for component props that take owned text.
pub fn trpas(f: fn(&PersonalTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(personal_texts(i18n.lang())).to_owned())
}
