//! The agenda's strings: the booking app's ([`BookingTexts`]: appointments and pickups)
//! and the console's agenda pages ([`AgendaTexts`]). Apart from [`super::Texts`] so the
//! portal's first load carries neither, and the booking app not the console's.

use domain::Lang;
use leptos::prelude::*;

use super::{I18n, use_i18n};

/// The strings of the booking app.
pub struct BookingTexts {
    pub book_title: &'static str,
    pub book_intro: &'static str,
    /// Luogo, Data e orario, Dettagli, Richiedente, Riepilogo.
    pub steps: [&'static str; 5],
    pub booked_title: &'static str,
    pub choose_desk: &'static str,
    pub no_desks: &'static str,
    /// In person, by video, both.
    pub desk_modes: [&'static str; 3],
    pub desk_required: &'static str,
    pub time_required: &'static str,
    pub time_gone_for_service: &'static str,
    pub notices_title: &'static str,
    pub notice_holiday: &'static str,
    pub notice_closed: &'static str,
    pub notice_changed: &'static str,
    // the month grid
    pub weekdays: [&'static str; 7],
    pub weekdays_short: [&'static str; 7],
    pub months: [&'static str; 12],
    pub prev_month: &'static str,
    pub next_month: &'static str,
    pub grid_help: &'static str,
    pub no_slots: &'static str,
    pub no_times: &'static str,
    pub times_available: fn(usize) -> String,
    pub times_of: fn(&str) -> String,
    pub time_chosen: fn(&str, &str) -> String,
    // details, applicant, summary
    pub service: &'static str,
    pub minutes: fn(u32) -> String,
    pub mode: &'static str,
    pub mode_in_person: &'static str,
    pub mode_video: &'static str,
    pub subject: &'static str,
    pub subject_help: &'static str,
    pub prefilled: &'static str,
    pub fiscal_code_help: &'static str,
    pub email_help: &'static str,
    pub phone_help: &'static str,
    pub privacy_accept: &'static str,
    pub desk: &'static str,
    pub when: &'static str,
    pub applicant: &'static str,
    pub summary_note: &'static str,
    pub book_submit: &'static str,
    // the booking
    pub confirmed_text: &'static str,
    pub pending_text: fn(&str) -> String,
    pub reference: &'static str,
    /// In the order of `BookingStatus::ALL`.
    pub status_labels: [&'static str; 7],
    pub join: &'static str,
    pub add_to_calendar: &'static str,
    pub manage_link: &'static str,
    pub keep_link: &'static str,
    pub manage_title: &'static str,
    pub confirm_title: &'static str,
    pub book_again: &'static str,
    pub changeable_until: fn(&str) -> String,
    pub not_changeable: &'static str,
    pub move_title: &'static str,
    pub move_open: &'static str,
    pub move_submit: &'static str,
    pub keep_time: &'static str,
    pub moved_text: fn(&str) -> String,
    pub cancel_title: &'static str,
    pub cancel_open: &'static str,
    pub cancel_question: &'static str,
    pub cancel_yes: &'static str,
    pub cancel_no: &'static str,
    pub cancelled_text: &'static str,
    // pickups
    pub pickup_title: &'static str,
    pub pickup_intro: &'static str,
    /// In the order of `PickupKind::ALL`.
    pub pickup_kinds: [&'static str; 4],
    pub pickup_zone: &'static str,
    pub pickup_zone_serves: fn(&str, &str) -> String,
    pub pickup_kind: &'static str,
    pub pickup_day: &'static str,
    pub pieces_free: fn(u32) -> String,
    pub pickup_items: &'static str,
    pub pickup_pieces_help: fn(u32, u32) -> String,
    pub pieces_each: fn(u32) -> String,
    pub pickup_address: &'static str,
    pub pickup_phone: &'static str,
    pub pickup_phone_help: &'static str,
    pub pickup_notes: &'static str,
    pub pickup_submit: &'static str,
    pub pickup_done: &'static str,
    pub pickup_agreed: &'static str,
    pub pickup_cta: &'static str,
}

pub static BOOKING_IT: BookingTexts = BookingTexts {
    book_title: "Prenota appuntamento",
    book_intro: "Prenota un incontro allo sportello, in presenza o in videochiamata. Non serve essere registrati: riceverai la conferma per e-mail con il link per spostare o annullare l'appuntamento.",
    steps: [
        "Luogo",
        "Data e orario",
        "Dettagli appuntamento",
        "Richiedente",
        "Riepilogo",
    ],
    booked_title: "Appuntamento prenotato",
    choose_desk: "Scegli lo sportello",
    no_desks: "Al momento non ci sono sportelli prenotabili online.",
    desk_modes: [
        "In presenza",
        "In videochiamata",
        "In presenza o in videochiamata",
    ],
    desk_required: "Scegli lo sportello",
    time_required: "Scegli il giorno e l'orario",
    time_gone_for_service: "L'orario scelto non è disponibile per questo servizio: scegline un altro",
    notices_title: "Avvisi e chiusure",
    notice_holiday: "Chiuso per festività",
    notice_closed: "Chiuso",
    notice_changed: "Orario modificato",
    weekdays: [
        "lunedì",
        "martedì",
        "mercoledì",
        "giovedì",
        "venerdì",
        "sabato",
        "domenica",
    ],
    weekdays_short: ["Lu", "Ma", "Me", "Gi", "Ve", "Sa", "Do"],
    months: [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    prev_month: "Mese precedente",
    next_month: "Mese successivo",
    grid_help: "I giorni con orari liberi sono evidenziati. Con la tastiera: frecce per spostarsi tra i giorni, Pagina su e giù per cambiare mese, Invio per scegliere.",
    no_slots: "Nei prossimi giorni non ci sono orari liberi per questo servizio.",
    no_times: "nessun orario libero",
    times_available: |n| {
        if n == 1 {
            "1 orario libero".to_owned()
        } else {
            format!("{n} orari liberi")
        }
    },
    times_of: |d| format!("Orari liberi di {d}"),
    time_chosen: |d, t| format!("Scelto: {d} alle {t}"),
    service: "Servizio",
    minutes: |n| format!("{n} minuti"),
    mode: "Modalità",
    mode_in_person: "In presenza",
    mode_video: "In videochiamata",
    subject: "Motivo dell'appuntamento",
    subject_help: "In breve, per preparare l'incontro (ad esempio: avviso di pagamento 2026).",
    prefilled: "Abbiamo compilato i dati del tuo profilo: controllali prima di proseguire.",
    fiscal_code_help: "Facoltativo: aiuta l'ufficio a trovare la tua posizione.",
    email_help: "Qui arrivano la conferma, il promemoria e il link per gestire la prenotazione.",
    phone_help: "Per un promemoria via SMS.",
    privacy_accept: "Ho letto e accetto l'informativa sul trattamento dei dati personali",
    desk: "Sportello",
    when: "Data e orario",
    applicant: "Richiedente",
    summary_note: "Controlla i dati: premendo «Conferma prenotazione» l'orario viene riservato per te.",
    book_submit: "Conferma prenotazione",
    confirmed_text: "La prenotazione è confermata. Ti abbiamo inviato un'e-mail con i dettagli e il file per il calendario.",
    pending_text: |t| {
        format!(
            "Manca un passo: apri il link che ti abbiamo inviato per e-mail entro le {t}, altrimenti l'orario torna libero."
        )
    },
    reference: "Codice della prenotazione",
    status_labels: [
        "Da confermare",
        "Confermata",
        "Presentato allo sportello",
        "Non presentato",
        "Conclusa",
        "Annullata",
        "Scaduta",
    ],
    join: "Link della videochiamata",
    add_to_calendar: "Aggiungi al calendario",
    manage_link: "Gestisci prenotazione",
    keep_link: "Conserva questo link per spostare o annullare l'appuntamento:",
    manage_title: "Gestisci prenotazione",
    confirm_title: "Conferma della prenotazione",
    book_again: "Prenota un nuovo appuntamento",
    changeable_until: |t| format!("Puoi spostare o annullare l'appuntamento fino a {t}."),
    not_changeable: "Questa prenotazione non si può più spostare o annullare online: per cambiarla contatta l'ufficio.",
    move_title: "Sposta l'appuntamento",
    move_open: "Scegli un altro orario",
    move_submit: "Conferma il nuovo orario",
    keep_time: "Lascia l'orario attuale",
    moved_text: |w| {
        format!(
            "Appuntamento spostato: {w}. Ti abbiamo inviato un'e-mail con il calendario aggiornato."
        )
    },
    cancel_title: "Annulla l'appuntamento",
    cancel_open: "Annulla prenotazione",
    cancel_question: "Vuoi davvero annullare l'appuntamento? L'orario tornerà disponibile per altri.",
    cancel_yes: "Sì, annulla l'appuntamento",
    cancel_no: "No, mantieni l'appuntamento",
    cancelled_text: "Prenotazione annullata. Ti abbiamo inviato un'e-mail di conferma.",
    pickup_title: "Prenota il ritiro ingombranti",
    pickup_intro: "Ritiro gratuito a domicilio di rifiuti ingombranti, RAEE e sfalci. La prenotazione apre una pratica di «ritiro su chiamata» con numero di protocollo; il ritiro si fa davanti al numero civico indicato.",
    pickup_kinds: [
        "Rifiuti ingombranti",
        "Sfalci e potature",
        "RAEE (apparecchiature elettriche ed elettroniche)",
        "Rifiuti speciali",
    ],
    pickup_zone: "Zona",
    pickup_zone_serves: |caps, streets| format!("CAP: {caps}. Vie: {streets}."),
    pickup_kind: "Tipo di rifiuto",
    pickup_day: "Giorno del ritiro",
    pieces_free: |n| {
        if n == 1 {
            "1 pezzo libero".to_owned()
        } else {
            format!("{n} pezzi liberi")
        }
    },
    pickup_items: "Cosa ritirare",
    pickup_pieces_help: |n, max| {
        format!(
            "Indica quanti oggetti per tipo. Totale: {n} pezzi (al massimo {max} per prenotazione)."
        )
    },
    pieces_each: |n| {
        if n == 1 {
            "vale 1 pezzo".to_owned()
        } else {
            format!("vale {n} pezzi")
        }
    },
    pickup_address: "Indirizzo del ritiro",
    pickup_phone: "Telefono",
    pickup_phone_help: "La squadra ti chiama se non trova l'indirizzo.",
    pickup_notes: "Note per la squadra",
    pickup_submit: "Prenota il ritiro",
    pickup_done: "Ritiro prenotato. Ti abbiamo inviato un'e-mail di conferma: segui la pratica nella tua area personale.",
    pickup_cta: "Devi liberarti di un mobile, di un elettrodomestico o di sfalci? Prenota il ritiro a domicilio",
    pickup_agreed: "Hai scelto un giorno oltre i 15 giorni lavorativi previsti: la data è registrata come concordata su tua richiesta.",
};

pub static BOOKING_EN: BookingTexts = BookingTexts {
    book_title: "Book an appointment",
    book_intro: "Book a meeting at the desk, in person or by video call. No account needed: you will get the confirmation by e-mail with the link to move or cancel the appointment.",
    steps: [
        "Place",
        "Date and time",
        "Appointment details",
        "Applicant",
        "Summary",
    ],
    booked_title: "Appointment booked",
    choose_desk: "Choose the desk",
    no_desks: "No desk can be booked online at the moment.",
    desk_modes: ["In person", "By video call", "In person or by video call"],
    desk_required: "Choose the desk",
    time_required: "Choose the day and the time",
    time_gone_for_service: "The chosen time is not available for this service: choose another one",
    notices_title: "Notices and closures",
    notice_holiday: "Closed for a holiday",
    notice_closed: "Closed",
    notice_changed: "Changed hours",
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    weekdays_short: ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"],
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    prev_month: "Previous month",
    next_month: "Next month",
    grid_help: "Days with free times are highlighted. With the keyboard: arrows move between days, Page Up and Down change month, Enter chooses.",
    no_slots: "There are no free times for this service in the coming days.",
    no_times: "no free time",
    times_available: |n| {
        if n == 1 {
            "1 free time".to_owned()
        } else {
            format!("{n} free times")
        }
    },
    times_of: |d| format!("Free times on {d}"),
    time_chosen: |d, t| format!("Chosen: {d} at {t}"),
    service: "Service",
    minutes: |n| format!("{n} minutes"),
    mode: "Mode",
    mode_in_person: "In person",
    mode_video: "By video call",
    subject: "Reason for the appointment",
    subject_help: "In short, to prepare the meeting (for example: 2026 payment notice).",
    prefilled: "We filled in the data of your profile: check them before going on.",
    fiscal_code_help: "Optional: helps the office find your records.",
    email_help: "The confirmation, the reminder and the link to manage the booking arrive here.",
    phone_help: "For a reminder by SMS.",
    privacy_accept: "I have read and accept the privacy notice",
    desk: "Desk",
    when: "Date and time",
    applicant: "Applicant",
    summary_note: "Check the data: pressing \"Confirm booking\" reserves the time for you.",
    book_submit: "Confirm booking",
    confirmed_text: "The booking is confirmed. We sent you an e-mail with the details and the calendar file.",
    pending_text: |t| {
        format!(
            "One step left: open the link we sent you by e-mail by {t}, otherwise the time is released."
        )
    },
    reference: "Booking reference",
    status_labels: [
        "To be confirmed",
        "Confirmed",
        "Arrived at the desk",
        "Did not come",
        "Completed",
        "Cancelled",
        "Expired",
    ],
    join: "Video call link",
    add_to_calendar: "Add to calendar",
    manage_link: "Manage booking",
    keep_link: "Keep this link to move or cancel the appointment:",
    manage_title: "Manage booking",
    confirm_title: "Booking confirmation",
    book_again: "Book a new appointment",
    changeable_until: |t| format!("You can move or cancel the appointment until {t}."),
    not_changeable: "This booking can no longer be moved or cancelled online: contact the office to change it.",
    move_title: "Move the appointment",
    move_open: "Choose another time",
    move_submit: "Confirm the new time",
    keep_time: "Keep the current time",
    moved_text: |w| {
        format!("Appointment moved: {w}. We sent you an e-mail with the updated calendar.")
    },
    cancel_title: "Cancel the appointment",
    cancel_open: "Cancel booking",
    cancel_question: "Do you really want to cancel the appointment? The time will be free for others.",
    cancel_yes: "Yes, cancel the appointment",
    cancel_no: "No, keep the appointment",
    cancelled_text: "Booking cancelled. We sent you a confirmation e-mail.",
    pickup_title: "Book a bulky-waste pickup",
    pickup_intro: "Free home pickup of bulky waste, electrical appliances and garden waste. The booking opens an on-call pickup request with a protocol number; the crew collects in front of the address given.",
    pickup_kinds: [
        "Bulky waste",
        "Garden waste",
        "Electrical and electronic equipment (WEEE)",
        "Special waste",
    ],
    pickup_zone: "Area",
    pickup_zone_serves: |caps, streets| format!("Postcodes: {caps}. Streets: {streets}."),
    pickup_kind: "Kind of waste",
    pickup_day: "Pickup day",
    pieces_free: |n| {
        if n == 1 {
            "1 piece free".to_owned()
        } else {
            format!("{n} pieces free")
        }
    },
    pickup_items: "What to collect",
    pickup_pieces_help: |n, max| {
        format!("Say how many items of each kind. Total: {n} pieces (at most {max} per booking).")
    },
    pieces_each: |n| {
        if n == 1 {
            "counts as 1 piece".to_owned()
        } else {
            format!("counts as {n} pieces")
        }
    },
    pickup_address: "Pickup address",
    pickup_phone: "Phone",
    pickup_phone_help: "The crew calls you if they cannot find the address.",
    pickup_notes: "Notes for the crew",
    pickup_submit: "Book the pickup",
    pickup_done: "Pickup booked. We sent you a confirmation e-mail: follow the request in your personal area.",
    pickup_cta: "Need to get rid of furniture, an appliance or garden waste? Book a home pickup",
    pickup_agreed: "You chose a day beyond the 15 working days of the standard: the date is recorded as agreed at your request.",
};

pub fn booking_texts(lang: Lang) -> &'static BookingTexts {
    match lang {
        Lang::It => &BOOKING_IT,
        Lang::En => &BOOKING_EN,
    }
}

impl I18n {
    /// The booking app's strings of the current language (reactive).
    pub fn a(self) -> &'static BookingTexts {
        booking_texts(self.lang.get())
    }
}

/// [`super::tr`] for the booking app's strings.
pub fn tra(f: fn(&BookingTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.a()))
}

/// [`tra`] for component props that take owned text.
pub fn tras(f: fn(&BookingTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.a()).to_owned())
}

/// The strings of the console's agenda pages (the desk's day, desks, pickups).
pub struct AgendaTexts {
    pub agenda_title: &'static str,
    pub no_desks: &'static str,
    pub desk: &'static str,
    pub day: &'static str,
    pub view: &'static str,
    pub view_day: &'static str,
    pub view_week: &'static str,
    pub previous: &'static str,
    pub today: &'static str,
    pub following: &'static str,
    pub bookings_count: fn(usize) -> String,
    pub day_empty: &'static str,
    pub action_done: fn(&str, &str) -> String,
    pub notes_saved: &'static str,
    pub cancel_reason: &'static str,
    pub check_in: &'static str,
    pub no_show: &'static str,
    pub complete: &'static str,
    pub cancel: &'static str,
    pub cancel_confirm: &'static str,
    pub notes: &'static str,
    pub save_notes: &'static str,
    pub pickup_status_labels: [&'static str; 4],
    pub route_title: &'static str,
    pub no_zones: &'static str,
    pub zone: &'static str,
    pub download_csv: &'static str,
    pub download_pdf: &'static str,
    pub route_summary: fn(usize, u32) -> String,
    pub route_empty: &'static str,
    pub pickup_outcome: fn(&str, &str) -> String,
    pub pieces: fn(u32) -> String,
    pub outcome_note: &'static str,
    pub mark_done: &'static str,
    pub mark_not_done: &'static str,
    pub zones_title: &'static str,
    pub edit: &'static str,
    pub weekdays: &'static str,
    pub daily_capacity: &'static str,
    pub add_zone: &'static str,
    pub edit_zone: &'static str,
    pub items_title: &'static str,
    pub delete_confirm: &'static str,
    pub postcodes: &'static str,
    pub postcodes_help: &'static str,
    pub streets: &'static str,
    pub kinds: &'static str,
    pub max_pieces: &'static str,
    pub min_notice_days: &'static str,
    pub window_days: &'static str,
    pub cancel_days: &'static str,
    pub close: &'static str,
    pub delete: &'static str,
    pub item_code: &'static str,
    pub item_name: &'static str,
    pub item_pieces: &'static str,
    pub add_item: &'static str,
    pub desks_title: &'static str,
    pub office: &'static str,
    pub ranges: &'static str,
    pub add_desk: &'static str,
    pub edit_desk: &'static str,
    pub opening_check: &'static str,
    pub opening_hours: fn(&str, Option<u32>, Option<u32>) -> String,
    pub afternoon_yes: &'static str,
    pub afternoon_no: &'static str,
    pub opening_ok: &'static str,
    pub opening_ko: &'static str,
    pub address: &'static str,
    pub capacity: &'static str,
    pub buffer: &'static str,
    pub min_notice_minutes: &'static str,
    pub cancel_minutes: &'static str,
    pub max_open: &'static str,
    pub confirm_by_email: &'static str,
    pub open_on_holidays: &'static str,
    pub services: &'static str,
    pub service_code: &'static str,
    pub service_name: &'static str,
    pub service_minutes: &'static str,
    pub services_help: &'static str,
    pub add_service: &'static str,
    pub remove: &'static str,
    pub weekly: &'static str,
    pub weekday: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub add_range: &'static str,
    pub overrides: &'static str,
    pub overrides_help: &'static str,
    pub closed: &'static str,
    pub other_hours: &'static str,
    pub public_note: &'static str,
    pub add_override: &'static str,
    pub route_nav: &'static str,
}

pub static AGENDA_IT: AgendaTexts = AgendaTexts {
    agenda_title: "Agenda dello sportello",
    no_desks: "Nessuno sportello da gestire: un amministratore li configura in «Sportelli e orari».",
    desk: "Sportello",
    day: "Giorno",
    view: "Vista",
    view_day: "Giorno",
    view_week: "Settimana",
    previous: "Precedente",
    today: "Oggi",
    following: "Successivo",
    bookings_count: |n| {
        if n == 1 {
            "1 appuntamento".to_owned()
        } else {
            format!("{n} appuntamenti")
        }
    },
    day_empty: "Nessun appuntamento.",
    action_done: |r, s| format!("Prenotazione {r}: {s}."),
    notes_saved: "Note salvate.",
    cancel_reason: "Motivo dell'annullamento",
    check_in: "Presente",
    no_show: "Non presentato",
    complete: "Concluso",
    cancel: "Annulla",
    cancel_confirm: "Annulla e avvisa il cittadino",
    notes: "Note interne",
    save_notes: "Salva note",
    pickup_status_labels: ["Da ritirare", "Ritirato", "Non ritirato", "Annullato"],
    route_title: "Giro dei ritiri",
    no_zones: "Nessuna zona di ritiro: un amministratore le configura in «Zone e oggetti da ritirare».",
    zone: "Zona",
    download_csv: "Scarica CSV",
    download_pdf: "Scarica PDF da stampare",
    route_summary: |n, p| format!("{n} ritiri, {p} pezzi"),
    route_empty: "Nessun ritiro in questo giorno.",
    pickup_outcome: |a, s| format!("{a}: {s}."),
    pieces: |n| {
        if n == 1 {
            "1 pezzo".to_owned()
        } else {
            format!("{n} pezzi")
        }
    },
    outcome_note: "Nota per il cittadino",
    mark_done: "Ritirato",
    mark_not_done: "Non ritirato",
    zones_title: "Zone e oggetti da ritirare",
    edit: "Modifica",
    weekdays: "Giorni di ritiro",
    daily_capacity: "Pezzi al giorno",
    add_zone: "Nuova zona",
    edit_zone: "Modifica zona",
    items_title: "Oggetti ritirabili",
    delete_confirm: "Eliminare definitivamente?",
    postcodes: "CAP serviti",
    postcodes_help: "Separati da virgole, ad esempio 00010, 00011.",
    streets: "Vie servite (una per riga)",
    kinds: "Tipi di rifiuto",
    max_pieces: "Pezzi al massimo per prenotazione",
    min_notice_days: "Preavviso minimo (giorni)",
    window_days: "Prenotabile fino a (giorni)",
    cancel_days: "Annullabile fino a (giorni prima)",
    close: "Chiudi",
    delete: "Elimina",
    item_code: "Codice",
    item_name: "Nome",
    item_pieces: "Vale pezzi",
    add_item: "Aggiungi oggetto",
    desks_title: "Sportelli e orari",
    office: "Ufficio",
    ranges: "Fasce settimanali",
    add_desk: "Nuovo sportello",
    edit_desk: "Modifica sportello",
    opening_check: "Verifica dell'apertura al pubblico (capitolato)",
    opening_hours: |h, req, pop| match (req, pop) {
        (Some(r), Some(p)) => {
            format!("Aperture settimanali: {h} ore, minimo {r} ore per {p} abitanti.")
        }
        _ => format!(
            "Aperture settimanali: {h} ore. Indicare la popolazione nelle impostazioni dell'ente per il minimo richiesto."
        ),
    },
    afternoon_yes: "C'è almeno un'apertura pomeridiana.",
    afternoon_no: "Manca un'apertura pomeridiana.",
    opening_ok: "Requisiti rispettati.",
    opening_ko: "Requisiti non rispettati.",
    address: "Indirizzo",
    capacity: "Operatori in parallelo",
    buffer: "Pausa dopo ogni appuntamento (minuti)",
    min_notice_minutes: "Preavviso minimo (minuti)",
    cancel_minutes: "Modificabile fino a (minuti prima)",
    max_open: "Prenotazioni attive per persona",
    confirm_by_email: "Conferma tramite link inviato per e-mail",
    open_on_holidays: "Aperto anche nei festivi e nei giorni di chiusura",
    services: "Servizi",
    service_code: "Codice del servizio",
    service_name: "Nome del servizio",
    service_minutes: "Durata in minuti",
    services_help: "Per ogni servizio: codice, nome e durata (multiplo di 5 minuti).",
    add_service: "Aggiungi servizio",
    remove: "Rimuovi",
    weekly: "Orario settimanale (più fasce per giorno)",
    weekday: "Giorno della settimana",
    from: "Dalle",
    to: "Alle",
    add_range: "Aggiungi fascia",
    overrides: "Eccezioni e avvisi",
    overrides_help: "Per una data: chiuso, oppure altri orari (ad esempio 09:00-11:00, 15:00-17:00), con una nota pubblica.",
    closed: "Chiuso",
    other_hours: "Altri orari",
    public_note: "Nota pubblica",
    add_override: "Aggiungi eccezione",
    route_nav: "Giro dei ritiri",
};

pub static AGENDA_EN: AgendaTexts = AgendaTexts {
    agenda_title: "Desk agenda",
    no_desks: "No desk to run: an administrator sets them up in \"Desks and hours\".",
    desk: "Desk",
    day: "Day",
    view: "View",
    view_day: "Day",
    view_week: "Week",
    previous: "Previous",
    today: "Today",
    following: "Next",
    bookings_count: |n| {
        if n == 1 {
            "1 appointment".to_owned()
        } else {
            format!("{n} appointments")
        }
    },
    day_empty: "No appointments.",
    action_done: |r, s| format!("Booking {r}: {s}."),
    notes_saved: "Notes saved.",
    cancel_reason: "Reason for the cancellation",
    check_in: "Arrived",
    no_show: "Did not come",
    complete: "Done",
    cancel: "Cancel",
    cancel_confirm: "Cancel and tell the citizen",
    notes: "Internal notes",
    save_notes: "Save notes",
    pickup_status_labels: ["To collect", "Collected", "Not collected", "Cancelled"],
    route_title: "Pickup route sheet",
    no_zones: "No pickup area: an administrator sets them up in \"Pickup areas and items\".",
    zone: "Area",
    download_csv: "Download CSV",
    download_pdf: "Download printable PDF",
    route_summary: |n, p| format!("{n} pickups, {p} pieces"),
    route_empty: "No pickups on this day.",
    pickup_outcome: |a, s| format!("{a}: {s}."),
    pieces: |n| {
        if n == 1 {
            "1 piece".to_owned()
        } else {
            format!("{n} pieces")
        }
    },
    outcome_note: "Note for the citizen",
    mark_done: "Collected",
    mark_not_done: "Not collected",
    zones_title: "Pickup areas and items",
    edit: "Edit",
    weekdays: "Pickup days",
    daily_capacity: "Pieces per day",
    add_zone: "New area",
    edit_zone: "Edit area",
    items_title: "Items collected",
    delete_confirm: "Delete for good?",
    postcodes: "Postcodes served",
    postcodes_help: "Comma-separated, for example 00010, 00011.",
    streets: "Streets served (one per line)",
    kinds: "Kinds of waste",
    max_pieces: "Most pieces per booking",
    min_notice_days: "Minimum notice (days)",
    window_days: "Bookable up to (days ahead)",
    cancel_days: "Cancellable until (days before)",
    close: "Close",
    delete: "Delete",
    item_code: "Code",
    item_name: "Name",
    item_pieces: "Counts as pieces",
    add_item: "Add item",
    desks_title: "Desks and hours",
    office: "Office",
    ranges: "Weekly ranges",
    add_desk: "New desk",
    edit_desk: "Edit desk",
    opening_check: "Opening hours check (tender requirements)",
    opening_hours: |h, req, pop| match (req, pop) {
        (Some(r), Some(p)) => {
            format!("Weekly opening: {h} hours, at least {r} hours for {p} inhabitants.")
        }
        _ => format!(
            "Weekly opening: {h} hours. Set the population in the tenant settings for the required minimum."
        ),
    },
    afternoon_yes: "There is at least one afternoon opening.",
    afternoon_no: "An afternoon opening is missing.",
    opening_ok: "Requirements met.",
    opening_ko: "Requirements not met.",
    address: "Address",
    capacity: "Operators in parallel",
    buffer: "Break after each appointment (minutes)",
    min_notice_minutes: "Minimum notice (minutes)",
    cancel_minutes: "Changeable until (minutes before)",
    max_open: "Open bookings per person",
    confirm_by_email: "Confirmation through an e-mailed link",
    open_on_holidays: "Open on holidays and closure days too",
    services: "Services",
    service_code: "Service code",
    service_name: "Service name",
    service_minutes: "Length in minutes",
    services_help: "For each service: code, name and length (a multiple of 5 minutes).",
    add_service: "Add service",
    remove: "Remove",
    weekly: "Weekly hours (several ranges a day)",
    weekday: "Weekday",
    from: "From",
    to: "To",
    add_range: "Add range",
    overrides: "Overrides and notices",
    overrides_help: "For a date: closed, or other hours (for example 09:00-11:00, 15:00-17:00), with a public note.",
    closed: "Closed",
    other_hours: "Other hours",
    public_note: "Public note",
    add_override: "Add override",
    route_nav: "Pickup route sheet",
};

impl I18n {
    /// The console's agenda strings of the current language (reactive).
    pub fn g(self) -> &'static AgendaTexts {
        match self.lang.get() {
            Lang::It => &AGENDA_IT,
            Lang::En => &AGENDA_EN,
        }
    }
}

/// [`super::tr`] for the console's agenda strings.
pub fn trag(f: fn(&AgendaTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.g()))
}

/// [`trag`] for component props that take owned text.
pub fn trags(f: fn(&AgendaTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(i18n.g()).to_owned())
}
