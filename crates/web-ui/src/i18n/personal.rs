//! The strings of the citizen's personal area: its tabs (Scrivania, Messaggi, Pratiche,
//! Pagamenti, Appuntamenti), the request page's timeline, receipt and reopening.

use domain::Lang;
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
};

pub fn personal_texts(lang: Lang) -> &'static PersonalTexts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
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
