//! The strings of the service pages (the list of services, each service's scheda), the
//! site map and the legal notes, apart from [`super::Texts`]; and, smaller, the footer's.

use domain::Lang;
use domain::catalogue::ServiceCategory;
use leptos::prelude::*;

use super::use_i18n;

pub struct ServiceTexts {
    pub services_title: &'static str,
    pub services_intro: &'static str,
    pub status_active: &'static str,
    pub page_index: &'static str,
    pub audience: &'static str,
    pub how: &'static str,
    pub needed: &'static str,
    pub outcome: &'static str,
    pub times: &'static str,
    pub costs: &'static str,
    pub access: &'static str,
    pub conditions: &'static str,
    pub contacts: &'static str,
    pub audience_utenza: &'static str,
    pub audience_importi: &'static str,
    pub audience_segnalazioni: &'static str,
    pub audience_ritiri: &'static str,
    pub audience_altro: &'static str,
    pub how_steps: [&'static str; 4],
    pub how_choose: fn(&str) -> String,
    pub needed_identity: &'static str,
    pub needed_subject: &'static str,
    pub needed_fields: &'static str,
    pub needed_attachments: &'static str,
    pub required: &'static str,
    pub optional: &'static str,
    pub outcome_text: &'static str,
    pub times_days: fn(u32) -> String,
    pub times_days_detail: &'static str,
    pub times_none: &'static str,
    pub times_filing: &'static str,
    pub costs_free: &'static str,
    pub access_text: &'static str,
    pub access_button: &'static str,
    pub access_login_hint: &'static str,
    pub access_desk: &'static str,
    pub book_appointment: &'static str,
    pub conditions_text: &'static str,
    pub privacy_link: &'static str,
    pub area: &'static str,
    pub topics: &'static str,
    pub contact_heading: &'static str,
    pub contact_text: &'static str,
    pub contact_chat: &'static str,
    pub contact_faq: &'static str,
    pub not_found: &'static str,
    // footer
    // the pages behind the footer
    pub site_map_intro: &'static str,
    pub site_map_account: &'static str,
    pub site_map_about: &'static str,
    pub sm_pickup: &'static str,
    pub sm_account: &'static str,
    pub sm_payments: &'static str,
    pub legal_owner: fn(&str) -> String,
    pub legal_software: &'static str,
    pub legal_privacy: &'static str,
    pub media_text: &'static str,
    // console settings
    pub settings_contacts: &'static str,
    pub settings_contacts_help: &'static str,
    pub parent_body: &'static str,
    pub parent_body_help: &'static str,
}

pub fn category_label(lang: Lang, c: ServiceCategory) -> &'static str {
    match (lang, c) {
        (Lang::It, ServiceCategory::Utenza) => "Utenza TARI",
        (Lang::It, ServiceCategory::Importi) => "Importi e pagamenti",
        (Lang::It, ServiceCategory::Segnalazioni) => "Reclami e segnalazioni",
        (Lang::It, ServiceCategory::Ritiri) => "Ritiri a domicilio",
        (Lang::It, ServiceCategory::Altro) => "Informazioni e altre richieste",
        (Lang::En, ServiceCategory::Utenza) => "TARI account",
        (Lang::En, ServiceCategory::Importi) => "Amounts and payments",
        (Lang::En, ServiceCategory::Segnalazioni) => "Complaints and reports",
        (Lang::En, ServiceCategory::Ritiri) => "Home pickups",
        (Lang::En, ServiceCategory::Altro) => "Information and other requests",
    }
}

const IT: ServiceTexts = ServiceTexts {
    services_title: "Servizi",
    services_intro: "Tutti i servizi online dello sportello TARI, per categoria. Ogni scheda dice a chi è rivolto il servizio, cosa serve e in quanto tempo si riceve risposta.",
    status_active: "Servizio attivo",
    page_index: "Indice della pagina",
    audience: "A chi è rivolto",
    how: "Come fare",
    needed: "Cosa serve",
    outcome: "Cosa si ottiene",
    times: "Tempi e scadenze",
    costs: "Costi",
    access: "Accedi al servizio",
    conditions: "Condizioni di servizio",
    contacts: "Contatti",
    audience_utenza: "A chi possiede o detiene locali o aree soggetti alla TARI nel Comune, per sé (utenza domestica) o per un'attività (utenza non domestica), e a chi agisce per loro conto.",
    audience_importi: "Ai contribuenti TARI del Comune che hanno ricevuto un avviso di pagamento o hanno versato importi sulla tassa rifiuti.",
    audience_segnalazioni: "A chi usa il servizio di gestione dei rifiuti urbani nel Comune e vuole presentare un reclamo o segnalare un problema.",
    audience_ritiri: "Alle utenze TARI del Comune che devono conferire rifiuti da ritirare a domicilio.",
    audience_altro: "A cittadini, imprese ed enti che hanno domande sulla TARI o sul servizio rifiuti del Comune.",
    how_steps: [
        "Accedi al servizio con SPID, CIE o le credenziali del portale.",
        "Leggi e accetta l'informativa sul trattamento dei dati personali.",
        "Compila oggetto, descrizione e i dati richiesti; se servono, allega i documenti.",
        "Controlla il riepilogo e invia: ricevi subito il numero di protocollo e la data entro cui è dovuta la risposta, e segui la pratica nell'area personale.",
    ],
    how_choose: |name| {
        format!(
            "Scegli il tipo di richiesta «{name}» (già selezionato se arrivi da questa pagina)."
        )
    },
    needed_identity: "Un'identità digitale SPID o CIE, oppure un account del portale.",
    needed_subject: "L'oggetto e la descrizione della richiesta.",
    needed_fields: "I dati che il modulo chiede per questo servizio:",
    needed_attachments: "Eventuali documenti utili, da allegare alla richiesta (facoltativi).",
    required: "obbligatorio",
    optional: "facoltativo",
    outcome_text: "Subito dopo l'invio, la ricevuta con il numero di protocollo; entro i tempi indicati, la risposta dell'ufficio, che trovi nell'area personale insieme allo stato della pratica.",
    times_days: |n| format!("Risposta entro {n} giorni lavorativi"),
    times_days_detail: "Dal ricevimento della richiesta, secondo gli standard di qualità del servizio rifiuti (TQRIF, delibera ARERA 15/2022/R/rif) adottati dal Comune. Non si contano sabati, domeniche, festività e giorni di chiusura degli uffici.",
    times_none: "Per questo servizio non è fissato un tempo standard di risposta.",
    times_filing: "La data entro cui è dovuta la risposta è indicata nella ricevuta e nell'area personale.",
    costs_free: "Il servizio è gratuito.",
    access_text: "Puoi presentare la richiesta online: per farlo devi accedere con la tua identità digitale.",
    access_button: "Accedi al servizio",
    access_login_hint: "Entra con SPID o CIE, oppure con le credenziali del portale.",
    access_desk: "Puoi anche rivolgerti di persona allo sportello:",
    book_appointment: "Prenota un appuntamento",
    conditions_text: "Per presentare la richiesta devi leggere e accettare l'informativa sul trattamento dei dati personali.",
    privacy_link: "Informativa sulla privacy",
    area: "Unità organizzativa responsabile",
    topics: "Argomenti",
    contact_heading: "Contatta il Comune",
    contact_text: "Hai bisogno di aiuto con questo servizio?",
    contact_chat: "Chatta con lo sportello",
    contact_faq: "Leggi le domande frequenti",
    not_found: "Questo servizio non esiste o non è più disponibile.",
    site_map_intro: "Le pagine del portale.",
    site_map_account: "Area personale",
    site_map_about: "Il portale",
    sm_pickup: "Prenota il ritiro ingombranti",
    sm_account: "La mia posizione",
    sm_payments: "Pagamenti e avvisi",
    legal_owner: |name| {
        format!(
            "Il portale è il servizio online dello sportello TARI di {name}, che ne è titolare e ne cura i contenuti."
        )
    },
    legal_software: "Il portale è realizzato con Sportello, software libero distribuito con licenza EUPL-1.2.",
    legal_privacy: "Il trattamento dei dati personali è descritto nell'informativa sulla privacy; l'accessibilità nella dichiarazione di accessibilità.",
    media_text: "Il portale pubblica i contenuti dello sportello TARI dell'ente: servizi, documenti, domande frequenti e informazioni sul servizio rifiuti. Non pubblica contenuti multimediali di terzi e usa solo cookie tecnici.",
    settings_contacts: "Dati dell'ente nel portale",
    settings_contacts_help: "Compaiono nell'intestazione e nel piè di pagina del portale, ciascuno solo se compilato.",
    parent_body: "Ente di appartenenza",
    parent_body_help: "Nominato nella barra superiore del portale (per esempio la Regione).",
};

const EN: ServiceTexts = ServiceTexts {
    services_title: "Services",
    services_intro: "All the TARI desk's online services, by category. Each page says who the service is for, what you need and how soon you get an answer.",
    status_active: "Service active",
    page_index: "Page index",
    audience: "Who it is for",
    how: "How to",
    needed: "What you need",
    outcome: "What you get",
    times: "Times and deadlines",
    costs: "Costs",
    access: "Access the service",
    conditions: "Terms of service",
    contacts: "Contacts",
    audience_utenza: "People who own or occupy premises or areas subject to TARI in the municipality, for themselves (household) or for a business (non-household), and those acting on their behalf.",
    audience_importi: "TARI taxpayers of the municipality who received a payment notice or paid amounts of the waste tax.",
    audience_segnalazioni: "People who use the municipal waste service and want to file a complaint or report a problem.",
    audience_ritiri: "TARI accounts of the municipality with waste to be collected at home.",
    audience_altro: "Citizens, businesses and bodies with questions about TARI or the municipal waste service.",
    how_steps: [
        "Sign in with SPID, CIE or your portal credentials.",
        "Read and accept the privacy notice.",
        "Fill in subject, description and the data asked for; attach documents if needed.",
        "Check the summary and send: you get the protocol number and the date the answer is due at once, and follow the request in your personal area.",
    ],
    how_choose: |name| {
        format!("Choose the request type “{name}” (already selected when you come from this page).")
    },
    needed_identity: "A SPID or CIE digital identity, or a portal account.",
    needed_subject: "The subject and description of the request.",
    needed_fields: "The data the form asks for this service:",
    needed_attachments: "Any useful documents, attached to the request (optional).",
    required: "required",
    optional: "optional",
    outcome_text: "Right after sending, the receipt with the protocol number; within the times below, the office's answer, which you find in your personal area with the request's status.",
    times_days: |n| format!("Answer within {n} working days"),
    times_days_detail: "From receipt of the request, under the waste service quality standards (TQRIF, ARERA resolution 15/2022/R/rif) adopted by the municipality. Saturdays, Sundays, holidays and office closure days do not count.",
    times_none: "No standard answer time is set for this service.",
    times_filing: "The date the answer is due is on the receipt and in your personal area.",
    costs_free: "The service is free of charge.",
    access_text: "You can file the request online: to do so, sign in with your digital identity.",
    access_button: "Access the service",
    access_login_hint: "Sign in with SPID or CIE, or with your portal credentials.",
    access_desk: "You can also go to the desk in person:",
    book_appointment: "Book an appointment",
    conditions_text: "To file the request you must read and accept the privacy notice.",
    privacy_link: "Privacy notice",
    area: "Responsible office",
    topics: "Topics",
    contact_heading: "Contact the municipality",
    contact_text: "Need help with this service?",
    contact_chat: "Chat with the desk",
    contact_faq: "Read the FAQ",
    not_found: "This service does not exist or is no longer available.",
    site_map_intro: "The portal's pages.",
    site_map_account: "Personal area",
    site_map_about: "The portal",
    sm_pickup: "Book a bulky-waste pickup",
    sm_account: "My TARI position",
    sm_payments: "Payments and notices",
    legal_owner: |name| {
        format!(
            "The portal is the online TARI desk of {name}, which owns it and is responsible for its content."
        )
    },
    legal_software: "The portal is built with Sportello, free software licensed under the EUPL-1.2.",
    legal_privacy: "How personal data is processed is set out in the privacy notice; accessibility in the accessibility statement.",
    media_text: "The portal publishes the content of the body's TARI desk: services, documents, FAQ and information on the waste service. It publishes no third-party media and uses technical cookies only.",
    settings_contacts: "The body's details on the portal",
    settings_contacts_help: "Shown in the portal's header and footer, each only when filled in.",
    parent_body: "Parent body",
    parent_body_help: "Named in the portal's top bar (for example the Region).",
};

pub fn service_texts(lang: Lang) -> &'static ServiceTexts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

/// One string of the service pages, following the language switch.
pub fn trsv(f: fn(&ServiceTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(service_texts(i18n.lang())))
}

/// [`trsv`] for component props that take owned text.
pub fn trsvs(f: fn(&ServiceTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(service_texts(i18n.lang())).to_owned())
}

/// The few strings every app's footer and the home page's service groups need, apart from
/// [`ServiceTexts`] so the portal's first load does not carry the service pages' texts.
pub struct FooterTexts {
    pub all_services: &'static str,
    pub see_all: &'static str,
    pub other_services: &'static str,
    pub footer_contacts: &'static str,
    pub address: &'static str,
    pub pec: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub fiscal_code: &'static str,
    pub vat_number: &'static str,
    pub footer_services: &'static str,
    pub footer_info: &'static str,
    pub legal_notes: &'static str,
    pub media_policy: &'static str,
    pub site_map: &'static str,
    pub agid_feedback: &'static str,
    pub report_inefficiency: &'static str,
    pub feedback: &'static str,
    /// The header's search link.
    pub search: &'static str,
    pub search_site: &'static str,
    /// The link of a confirmation to its rating page.
    pub rate_service: &'static str,
}

const FOOTER_IT: FooterTexts = FooterTexts {
    all_services: "Tutti i servizi",
    see_all: "Vedi tutti i servizi",
    other_services: "Prenotazioni e informazioni",
    footer_contacts: "Contatti",
    address: "Indirizzo",
    pec: "PEC",
    email: "E-mail",
    phone: "Telefono",
    fiscal_code: "Codice fiscale",
    vat_number: "Partita IVA",
    footer_services: "Servizi",
    footer_info: "Informazioni",
    legal_notes: "Note legali",
    media_policy: "Media policy",
    site_map: "Mappa del sito",
    agid_feedback: "Segnala un problema di accessibilità ad AgID",
    report_inefficiency: "Segnala un disservizio",
    feedback: "Invia un suggerimento",
    search: "Cerca",
    search_site: "Cerca nel sito",
    rate_service: "Valuta questo servizio",
};

const FOOTER_EN: FooterTexts = FooterTexts {
    all_services: "All services",
    see_all: "See all services",
    other_services: "Bookings and information",
    footer_contacts: "Contacts",
    address: "Address",
    pec: "PEC",
    email: "E-mail",
    phone: "Phone",
    fiscal_code: "Tax code",
    vat_number: "VAT number",
    footer_services: "Services",
    footer_info: "Information",
    legal_notes: "Legal notes",
    media_policy: "Media policy",
    site_map: "Site map",
    agid_feedback: "Report an accessibility problem to AgID",
    report_inefficiency: "Report a disservice",
    feedback: "Send a suggestion",
    search: "Search",
    search_site: "Search the site",
    rate_service: "Rate this service",
};

pub fn footer_texts(lang: Lang) -> &'static FooterTexts {
    match lang {
        Lang::It => &FOOTER_IT,
        Lang::En => &FOOTER_EN,
    }
}

/// One string of the footer, following the language switch.
pub fn trft(f: fn(&FooterTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(footer_texts(i18n.lang())))
}

/// [`trft`] for component props that take owned text.
pub fn trfts(f: fn(&FooterTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(footer_texts(i18n.lang())).to_owned())
}
