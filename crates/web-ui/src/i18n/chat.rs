//! The strings of live chat: the citizen's "Chatta con lo sportello" (the live app) and the
//! console's queue and conversation. Apart from [`super::Texts`] so the portal's first load
//! does not carry them.

use domain::Lang;
use domain::chat::ChatStatus;
use leptos::prelude::*;

use super::{I18n, use_i18n};

#[allow(clippy::struct_field_names)]
pub struct ChatTexts {
    // the citizen's page
    pub title: &'static str,
    pub intro: &'static str,
    pub topic_label: &'static str,
    pub topic_choose: &'static str,
    pub hours_title: &'static str,
    /// Monday first.
    pub weekdays: [&'static str; 7],
    pub open_now: &'static str,
    pub closed_until: fn(&str) -> String,
    pub closed_now: &'static str,
    pub no_operator: &'static str,
    pub request_instead: &'static str,
    pub file_request: &'static str,
    pub first_message: &'static str,
    pub start: &'static str,
    pub queue_position: fn(u32) -> String,
    pub waiting_intro: &'static str,
    pub talking_with: fn(&str) -> String,
    pub closed_title: &'static str,
    pub converted: fn(&str) -> String,
    pub open_request: &'static str,
    pub transcript: &'static str,
    pub transcript_sent: &'static str,
    pub new_chat: &'static str,
    // the conversation, both sides
    pub messages_label: &'static str,
    pub no_messages: &'static str,
    pub desk: &'static str,
    pub read: &'static str,
    pub message_label: &'static str,
    pub attachments: &'static str,
    pub send: &'static str,
    pub staff_typing: &'static str,
    pub citizen_typing: &'static str,
    pub close: &'static str,
    /// Waiting, active, closed.
    pub statuses: [&'static str; 3],
    // the console
    pub console_title: &'static str,
    pub nav: &'static str,
    pub waiting_count: fn(usize) -> String,
    pub tabs_label: &'static str,
    /// The queue's tabs: waiting, active, closed.
    pub tabs: [&'static str; 3],
    pub new_chat_cue: fn(&str) -> String,
    pub new_badge: &'static str,
    pub col_topic: &'static str,
    pub col_citizen: &'static str,
    pub col_started: &'static str,
    pub col_office: &'static str,
    pub col_state: &'static str,
    pub none: &'static str,
    pub chat_of: fn(&str) -> String,
    pub back: &'static str,
    pub accept: &'static str,
    pub handled_by: fn(&str) -> String,
    pub canned_label: &'static str,
    pub canned_choose: &'static str,
    pub insert: &'static str,
    pub transfer_label: &'static str,
    pub office_choose: &'static str,
    pub transfer: &'static str,
    pub transferred: &'static str,
    pub convert_title: &'static str,
    pub type_label: &'static str,
    pub subject_label: &'static str,
    pub convert: &'static str,
    pub converted_staff: fn(&str) -> String,
    pub closed_done: &'static str,
}

pub static CHAT_IT: ChatTexts = ChatTexts {
    title: "Chatta con lo sportello",
    intro: "Scrivi in diretta a un operatore dell'ufficio competente. Per una domanda che richiede un'istruttoria presenta una richiesta: avrà un numero di protocollo e una scadenza.",
    topic_label: "Argomento",
    topic_choose: "Scegli un argomento",
    hours_title: "Orari della chat",
    weekdays: [
        "Lunedì",
        "Martedì",
        "Mercoledì",
        "Giovedì",
        "Venerdì",
        "Sabato",
        "Domenica",
    ],
    open_now: "La chat è aperta: un operatore è disponibile.",
    closed_until: |when| format!("La chat è chiusa ora. Riapre {when}."),
    closed_now: "La chat è chiusa ora.",
    no_operator: "Nessun operatore è disponibile ora per questo argomento.",
    request_instead: "Puoi presentare una richiesta scritta: l'ufficio ti risponderà entro i tempi previsti.",
    file_request: "Presenta una richiesta",
    first_message: "Il tuo messaggio (facoltativo)",
    start: "Inizia la chat",
    queue_position: |n| format!("Sei il n. {n} in coda"),
    waiting_intro: "Un operatore ti risponderà appena possibile. Intanto puoi già scrivere.",
    talking_with: |name| format!("Stai parlando con {name}"),
    closed_title: "La chat è terminata.",
    converted: |p| format!("La conversazione è diventata la pratica n. {p}."),
    open_request: "Apri la pratica",
    transcript: "Ricevi la trascrizione per e-mail",
    transcript_sent: "Ti abbiamo inviato la trascrizione per e-mail.",
    new_chat: "Nuova chat",
    messages_label: "Messaggi della chat",
    no_messages: "Nessun messaggio ancora.",
    desk: "Sportello",
    read: "Letto",
    message_label: "Messaggio",
    attachments: "Allegati (facoltativi)",
    send: "Invia",
    staff_typing: "L'operatore sta scrivendo…",
    citizen_typing: "Il cittadino sta scrivendo…",
    close: "Chiudi la chat",
    statuses: ["In attesa", "In corso", "Chiusa"],
    console_title: "Chat con i cittadini",
    nav: "Chat",
    waiting_count: |n| format!("{n} in attesa"),
    tabs_label: "Chat per stato",
    tabs: ["In attesa", "In corso", "Chiuse"],
    new_chat_cue: |topic| format!("Nuova chat in attesa: {topic}"),
    new_badge: "Nuova",
    col_topic: "Argomento",
    col_citizen: "Cittadino",
    col_started: "Iniziata",
    col_office: "Ufficio",
    col_state: "Stato",
    none: "Nessuna chat.",
    chat_of: |name| format!("Chat con {name}"),
    back: "Torna alle chat",
    accept: "Accetta",
    handled_by: |name| format!("Seguita da {name}"),
    canned_label: "Risposta pronta (FAQ)",
    canned_choose: "Scegli una domanda frequente",
    insert: "Inserisci nel messaggio",
    transfer_label: "Trasferisci a un altro ufficio",
    office_choose: "Scegli un ufficio",
    transfer: "Trasferisci",
    transferred: "Chat trasferita.",
    convert_title: "Converti in pratica",
    type_label: "Tipo di pratica",
    subject_label: "Oggetto (facoltativo)",
    convert: "Converti in pratica",
    converted_staff: |p| {
        format!("Pratica n. {p} creata: il suo fascicolo inizia con la trascrizione.")
    },
    closed_done: "Chat chiusa.",
};

pub static CHAT_EN: ChatTexts = ChatTexts {
    title: "Chat with the desk",
    intro: "Write live to an operator of the office in charge. For a question that needs looking into, file a request: it gets a protocol number and a due date.",
    topic_label: "Topic",
    topic_choose: "Choose a topic",
    hours_title: "Chat hours",
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    open_now: "The chat is open: an operator is available.",
    closed_until: |when| format!("The chat is closed now. It opens again on {when}."),
    closed_now: "The chat is closed now.",
    no_operator: "No operator is available for this topic right now.",
    request_instead: "You can file a written request: the office will answer within the set time.",
    file_request: "File a request",
    first_message: "Your message (optional)",
    start: "Start the chat",
    queue_position: |n| format!("You are number {n} in the queue"),
    waiting_intro: "An operator will answer as soon as possible. You can already write.",
    talking_with: |name| format!("You are talking with {name}"),
    closed_title: "The chat has ended.",
    converted: |p| format!("The conversation became request no. {p}."),
    open_request: "Open the request",
    transcript: "Get the transcript by e-mail",
    transcript_sent: "We have sent you the transcript by e-mail.",
    new_chat: "New chat",
    messages_label: "Chat messages",
    no_messages: "No messages yet.",
    desk: "Desk",
    read: "Read",
    message_label: "Message",
    attachments: "Attachments (optional)",
    send: "Send",
    staff_typing: "The operator is typing…",
    citizen_typing: "The citizen is typing…",
    close: "End the chat",
    statuses: ["Waiting", "In progress", "Closed"],
    console_title: "Chats with citizens",
    nav: "Chat",
    waiting_count: |n| format!("{n} waiting"),
    tabs_label: "Chats by status",
    tabs: ["Waiting", "In progress", "Closed"],
    new_chat_cue: |topic| format!("New chat waiting: {topic}"),
    new_badge: "New",
    col_topic: "Topic",
    col_citizen: "Citizen",
    col_started: "Started",
    col_office: "Office",
    col_state: "Status",
    none: "No chats.",
    chat_of: |name| format!("Chat with {name}"),
    back: "Back to the chats",
    accept: "Accept",
    handled_by: |name| format!("Handled by {name}"),
    canned_label: "Ready answer (FAQ)",
    canned_choose: "Choose a frequently asked question",
    insert: "Insert into the message",
    transfer_label: "Transfer to another office",
    office_choose: "Choose an office",
    transfer: "Transfer",
    transferred: "Chat transferred.",
    convert_title: "Turn into a request",
    type_label: "Request type",
    subject_label: "Subject (optional)",
    convert: "Turn into a request",
    converted_staff: |p| format!("Request no. {p} created: its file starts with the transcript."),
    closed_done: "Chat ended.",
};

pub fn chat_texts(lang: Lang) -> &'static ChatTexts {
    match lang {
        Lang::It => &CHAT_IT,
        Lang::En => &CHAT_EN,
    }
}

impl ChatTexts {
    pub fn status(&self, s: ChatStatus) -> &'static str {
        match s {
            ChatStatus::Waiting => self.statuses[0],
            ChatStatus::Active => self.statuses[1],
            ChatStatus::Closed => self.statuses[2],
        }
    }
}

impl I18n {
    /// The chat strings of the current language (reactive).
    pub fn c(self) -> &'static ChatTexts {
        chat_texts(self.lang.get())
    }
}

/// [`super::tr`] for the chat strings.
pub fn trc(f: fn(&ChatTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.c()))
}

/// [`trc`] for component props that take owned text.
pub fn trcs(f: fn(&ChatTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.c()).to_owned())
}
