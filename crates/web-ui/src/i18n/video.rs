//! The video desk's strings: the citizen's call page (in the live app) and the operator's
//! call page and agenda cue (in the console). Apart from [`super::Texts`] so the portal's
//! first load does not carry them.

use domain::Lang;
use leptos::prelude::*;

use super::{I18n, use_i18n};

pub struct VideoTexts {
    // the appointment
    pub page_title: &'static str,
    pub appointment: &'static str,
    pub service: &'static str,
    pub desk: &'static str,
    pub when: &'static str,
    pub reference: &'static str,
    pub opens_at: fn(&str) -> String,
    pub ended: &'static str,
    pub unavailable: &'static str,
    pub not_found: &'static str,
    pub book_again: &'static str,
    pub reload: &'static str,
    // the conditions
    pub conditions_title: &'static str,
    pub not_recorded: &'static str,
    pub have_at_hand: &'static str,
    /// What to have at hand.
    pub at_hand: [&'static str; 2],
    pub chat_always: &'static str,
    pub privacy_before: &'static str,
    pub privacy_link: &'static str,
    pub accept_label: &'static str,
    pub accept_required: &'static str,
    pub accept_submit: &'static str,
    // the device check
    pub devices_title: &'static str,
    pub devices_intro: &'static str,
    pub devices_start: &'static str,
    pub devices_error: &'static str,
    pub camera: &'static str,
    pub microphone: &'static str,
    pub preview: &'static str,
    pub join_video: &'static str,
    pub join_audio: &'static str,
    pub join_chat: &'static str,
    // waiting and the call
    pub waiting: &'static str,
    pub waiting_help: &'static str,
    pub in_call: &'static str,
    pub connecting: &'static str,
    pub reconnecting: &'static str,
    pub connected: &'static str,
    pub call_ended: &'static str,
    pub you_left: &'static str,
    pub remote_operator: &'static str,
    pub remote_citizen: &'static str,
    pub local_video: &'static str,
    pub controls: &'static str,
    pub mute: &'static str,
    pub camera_off: &'static str,
    pub hang_up: &'static str,
    pub duration: fn(i64) -> String,
    // the chat beside the video
    pub chat_title: &'static str,
    pub chat_empty: &'static str,
    pub chat_message: &'static str,
    pub chat_send: &'static str,
    pub chat_file: &'static str,
    pub chat_you: &'static str,
    pub chat_desk: &'static str,
    pub chat_new: fn(&str) -> String,
    // the operator
    pub staff_title: &'static str,
    pub waiting_badge: &'static str,
    pub waiting_cue: fn(&str) -> String,
    pub open_call: &'static str,
    pub citizen: &'static str,
    pub status: &'static str,
    /// In the order of `CallStatus::ALL`.
    pub status_labels: [&'static str; 6],
    pub citizen_not_here: &'static str,
    pub citizen_waiting: fn(&str) -> String,
    pub admit: &'static str,
    pub end: &'static str,
    pub end_confirm: &'static str,
    pub ended_at: fn(&str) -> String,
    pub attach: &'static str,
    pub attached: fn(&str) -> String,
    pub attach_needs_request: &'static str,
    pub link_title: &'static str,
    pub link_citizen: &'static str,
    pub link_citizen_help: &'static str,
    pub link_search: &'static str,
    pub link_found: fn(usize) -> String,
    pub link_request: &'static str,
    pub link_request_help: &'static str,
    pub link_submit: &'static str,
    pub linked: &'static str,
    pub linked_to: fn(&str) -> String,
    pub back_to_agenda: &'static str,
}

pub static VIDEO_IT: VideoTexts = VideoTexts {
    page_title: "Videochiamata con lo sportello",
    appointment: "Il tuo appuntamento",
    service: "Servizio",
    desk: "Sportello",
    when: "Data e orario",
    reference: "Codice della prenotazione",
    opens_at: |t| {
        format!(
            "La videochiamata non è ancora aperta: potrai entrare da {t}, 10 minuti prima dell'appuntamento. Torna a questa pagina a quell'ora."
        )
    },
    ended: "L'appuntamento è terminato: la videochiamata non è più disponibile.",
    unavailable: "Questa videochiamata non è disponibile: la prenotazione è stata annullata oppure non è in videochiamata.",
    not_found: "Il link della videochiamata non è valido. Controlla l'indirizzo nell'e-mail di conferma della prenotazione.",
    book_again: "Prenota un appuntamento",
    reload: "Aggiorna",
    conditions_title: "Prima di iniziare",
    not_recorded: "La videochiamata non viene registrata: immagini e voce non sono conservate.",
    have_at_hand: "Tieni a portata di mano:",
    at_hand: [
        "un documento d'identità valido, da mostrare all'operatore;",
        "i documenti della pratica di cui vuoi parlare (puoi anche inviarli nella chat).",
    ],
    chat_always: "Se non puoi usare audio o video, accanto alla videochiamata c'è una chat per scrivere all'operatore.",
    privacy_before: "Come trattiamo i tuoi dati:",
    privacy_link: "informativa sul trattamento dei dati personali",
    accept_label: "Ho letto le condizioni e l'informativa sul trattamento dei dati personali",
    accept_required: "Per continuare conferma di aver letto le condizioni e l'informativa",
    accept_submit: "Accetta e continua",
    devices_title: "Controlla videocamera e microfono",
    devices_intro: "Il browser ti chiederà il permesso di usare videocamera e microfono. Puoi anche continuare solo con l'audio o solo con la chat.",
    devices_start: "Attiva videocamera e microfono",
    devices_error: "Non riusciamo a usare videocamera o microfono: controlla i permessi del browser, oppure continua solo con l'audio o solo con la chat.",
    camera: "Videocamera",
    microphone: "Microfono",
    preview: "Anteprima della tua videocamera",
    join_video: "Entra in sala d'attesa",
    join_audio: "Continua solo con l'audio",
    join_chat: "Continua solo con la chat",
    waiting: "In attesa che l'operatore ti faccia entrare",
    waiting_help: "Resta su questa pagina: la videochiamata inizia quando l'operatore ti fa entrare. Intanto puoi scrivere nella chat.",
    in_call: "Videochiamata in corso",
    connecting: "Connessione in corso…",
    reconnecting: "Connessione persa: riconnessione in corso…",
    connected: "Connesso",
    call_ended: "La videochiamata è terminata. Grazie per aver usato lo sportello online.",
    you_left: "Sei uscito dalla videochiamata.",
    remote_operator: "Video dell'operatore",
    remote_citizen: "Video del cittadino",
    local_video: "Il tuo video",
    controls: "Comandi della videochiamata",
    mute: "Disattiva microfono",
    camera_off: "Spegni videocamera",
    hang_up: "Esci dalla videochiamata",
    duration: |s| format!("Durata: {:02}:{:02}", s / 60, s % 60),
    chat_title: "Chat",
    chat_empty: "Ancora nessun messaggio.",
    chat_message: "Messaggio",
    chat_send: "Invia",
    chat_file: "Invia un documento",
    chat_you: "Tu",
    chat_desk: "Sportello",
    chat_new: |who| format!("Nuovo messaggio da {who}"),
    staff_title: "Videochiamata",
    waiting_badge: "In attesa",
    waiting_cue: |name| format!("{name} è in attesa della videochiamata"),
    open_call: "Apri videochiamata",
    citizen: "Cittadino",
    status: "Stato",
    status_labels: [
        "Non ancora aperta",
        "Aperta",
        "In attesa",
        "In corso",
        "Terminata",
        "Non disponibile",
    ],
    citizen_not_here: "Il cittadino non è ancora in sala d'attesa.",
    citizen_waiting: |name| format!("{name} è in sala d'attesa."),
    admit: "Fai entrare",
    end: "Termina",
    end_confirm: "Terminare la videochiamata per entrambi?",
    ended_at: |t| format!("Terminata alle {t}."),
    attach: "Aggiungi alla pratica",
    attached: |f| format!("{f} aggiunto alla pratica."),
    attach_needs_request: "Collega prima la videochiamata a una pratica.",
    link_title: "Collega a cittadino e pratica",
    link_citizen: "Cerca il cittadino",
    link_citizen_help: "Nome, e-mail o codice fiscale.",
    link_search: "Cerca",
    link_found: |n| {
        if n == 1 {
            "1 cittadino trovato".to_owned()
        } else {
            format!("{n} cittadini trovati")
        }
    },
    link_request: "Identificativo della pratica",
    link_request_help: "Facoltativo: la pratica di cui si parla (l'identificativo nell'indirizzo della pratica).",
    link_submit: "Collega",
    linked: "Videochiamata collegata.",
    linked_to: |r| format!("Collegata alla pratica {r}."),
    back_to_agenda: "Torna all'agenda",
};

pub static VIDEO_EN: VideoTexts = VideoTexts {
    page_title: "Video call with the desk",
    appointment: "Your appointment",
    service: "Service",
    desk: "Desk",
    when: "Date and time",
    reference: "Booking code",
    opens_at: |t| {
        format!(
            "The video call is not open yet: you can join from {t}, 10 minutes before the appointment. Come back to this page then."
        )
    },
    ended: "The appointment is over: the video call is no longer available.",
    unavailable: "This video call is not available: the booking was cancelled or is not a video booking.",
    not_found: "The video call link is not valid. Check the address in the booking's confirmation e-mail.",
    book_again: "Book an appointment",
    reload: "Refresh",
    conditions_title: "Before you start",
    not_recorded: "The video call is not recorded: neither images nor voice are kept.",
    have_at_hand: "Have at hand:",
    at_hand: [
        "a valid identity document, to show the officer;",
        "the documents of the matter you want to discuss (you can also send them in the chat).",
    ],
    chat_always: "If you cannot use audio or video, a chat beside the video call lets you write to the officer.",
    privacy_before: "How we handle your data:",
    privacy_link: "privacy notice",
    accept_label: "I have read the conditions and the privacy notice",
    accept_required: "To continue, confirm that you have read the conditions and the privacy notice",
    accept_submit: "Accept and continue",
    devices_title: "Check camera and microphone",
    devices_intro: "The browser will ask your permission to use the camera and microphone. You can also continue with audio only or chat only.",
    devices_start: "Turn on camera and microphone",
    devices_error: "We cannot use the camera or microphone: check the browser's permissions, or continue with audio only or chat only.",
    camera: "Camera",
    microphone: "Microphone",
    preview: "Preview of your camera",
    join_video: "Enter the waiting room",
    join_audio: "Continue with audio only",
    join_chat: "Continue with chat only",
    waiting: "Waiting for the officer to let you in",
    waiting_help: "Stay on this page: the call starts when the officer lets you in. Meanwhile you can write in the chat.",
    in_call: "Video call in progress",
    connecting: "Connecting…",
    reconnecting: "Connection lost: reconnecting…",
    connected: "Connected",
    call_ended: "The video call has ended. Thank you for using the online desk.",
    you_left: "You left the video call.",
    remote_operator: "The officer's video",
    remote_citizen: "The citizen's video",
    local_video: "Your video",
    controls: "Call controls",
    mute: "Mute microphone",
    camera_off: "Turn camera off",
    hang_up: "Leave the video call",
    duration: |s| format!("Duration: {:02}:{:02}", s / 60, s % 60),
    chat_title: "Chat",
    chat_empty: "No messages yet.",
    chat_message: "Message",
    chat_send: "Send",
    chat_file: "Send a document",
    chat_you: "You",
    chat_desk: "Desk",
    chat_new: |who| format!("New message from {who}"),
    staff_title: "Video call",
    waiting_badge: "Waiting",
    waiting_cue: |name| format!("{name} is waiting for the video call"),
    open_call: "Open video call",
    citizen: "Citizen",
    status: "Status",
    status_labels: [
        "Not open yet",
        "Open",
        "Waiting",
        "In progress",
        "Ended",
        "Not available",
    ],
    citizen_not_here: "The citizen is not in the waiting room yet.",
    citizen_waiting: |name| format!("{name} is in the waiting room."),
    admit: "Let in",
    end: "End",
    end_confirm: "End the video call for both?",
    ended_at: |t| format!("Ended at {t}."),
    attach: "Add to the request",
    attached: |f| format!("{f} added to the request."),
    attach_needs_request: "Link the call to a request first.",
    link_title: "Link to citizen and request",
    link_citizen: "Find the citizen",
    link_citizen_help: "Name, e-mail or codice fiscale.",
    link_search: "Search",
    link_found: |n| {
        if n == 1 {
            "1 citizen found".to_owned()
        } else {
            format!("{n} citizens found")
        }
    },
    link_request: "Request id",
    link_request_help: "Optional: the request discussed (the id in the request's address).",
    link_submit: "Link",
    linked: "Video call linked.",
    linked_to: |r| format!("Linked to request {r}."),
    back_to_agenda: "Back to the agenda",
};

pub fn video_texts(lang: Lang) -> &'static VideoTexts {
    match lang {
        Lang::It => &VIDEO_IT,
        Lang::En => &VIDEO_EN,
    }
}

impl I18n {
    /// The video desk's strings of the current language (reactive).
    pub fn v(self) -> &'static VideoTexts {
        video_texts(self.lang())
    }
}

/// [`super::tr`] for the video desk's strings.
pub fn trv(f: fn(&VideoTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.v()))
}

/// [`trv`] for component props that take owned text.
pub fn trvs(f: fn(&VideoTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.v()).to_owned())
}
