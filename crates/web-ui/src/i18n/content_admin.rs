//! The console's strings for the public content: the administration of "Trasparenza
//! rifiuti" and of the Riciclabolario, the answers suggested beside a request and the
//! questions solved without a request. Apart from [`super::Texts`] so only the console
//! carries them.

use domain::Lang;
use domain::answers::AnswerSource;
use leptos::prelude::*;

use super::{I18n, use_i18n};

#[allow(clippy::struct_field_names)]
pub struct ContentAdminTexts {
    // Trasparenza rifiuti
    pub transparency_title: &'static str,
    pub transparency_intro: &'static str,
    pub public_page: &'static str,
    pub items_heading: &'static str,
    pub item_empty: &'static str,
    pub item_updated: fn(&str) -> String,
    pub edit: &'static str,
    pub close: &'static str,
    pub body_label: &'static str,
    pub body_help: &'static str,
    pub links_legend: &'static str,
    pub links_none: &'static str,
    pub link_legend: fn(usize) -> String,
    pub link_label: &'static str,
    pub link_url: &'static str,
    pub link_url_help: &'static str,
    pub add_link: &'static str,
    pub remove_link: fn(usize) -> String,
    pub documents_legend: &'static str,
    pub documents_none: &'static str,
    pub save_item: &'static str,
    pub item_saved: fn(&str) -> String,
    // Raccolta differenziata
    pub collection_heading: &'static str,
    pub collection_intro: &'static str,
    pub collection_caption: &'static str,
    pub collection_empty: &'static str,
    pub year: &'static str,
    pub percent: &'static str,
    pub actions: &'static str,
    pub percent_label: &'static str,
    pub percent_help: &'static str,
    pub percent_invalid: &'static str,
    pub save_year: &'static str,
    pub year_saved: fn(i32) -> String,
    pub edit_year: fn(i32) -> String,
    pub remove_year: fn(i32) -> String,
    pub remove_year_confirm: fn(i32) -> String,
    pub year_removed: fn(i32) -> String,
    // Standard di qualità
    pub compliance_heading: &'static str,
    pub compliance_intro: &'static str,
    pub compliance_caption: fn(i32) -> String,
    pub compliance_computed: fn(&str) -> String,
    pub compliance_kind: &'static str,
    pub compliance_standard: &'static str,
    pub compliance_received: &'static str,
    pub compliance_resolved: &'static str,
    pub compliance_within: &'static str,
    pub compliance_percent: &'static str,
    pub compliance_total: &'static str,
    pub compliance_empty: &'static str,
    pub working_days: fn(u32) -> String,
    pub recompute_year: &'static str,
    pub recompute: fn(i32) -> String,
    pub recomputed: fn(i32) -> String,
    // Riciclabolario
    pub waste_title: &'static str,
    pub waste_intro: &'static str,
    pub search_label: &'static str,
    pub search_help: &'static str,
    pub found: fn(usize) -> String,
    pub waste_caption: &'static str,
    pub col_name: &'static str,
    pub col_fraction: &'static str,
    pub col_bin: &'static str,
    pub col_take_to: &'static str,
    pub add_heading: &'static str,
    pub edit_heading: fn(&str) -> String,
    pub name: &'static str,
    pub fraction: &'static str,
    pub fraction_required: &'static str,
    pub bin: &'static str,
    pub bin_help: &'static str,
    pub take_to: &'static str,
    pub notes: &'static str,
    pub synonyms: &'static str,
    pub synonyms_help: &'static str,
    pub add: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub edit_of: fn(&str) -> String,
    pub delete_of: fn(&str) -> String,
    pub delete: &'static str,
    pub delete_confirm: fn(&str) -> String,
    pub item_created: fn(&str) -> String,
    pub item_updated_msg: fn(&str) -> String,
    pub item_deleted: fn(&str) -> String,
    pub import_heading: &'static str,
    pub import_intro: &'static str,
    pub import_file: &'static str,
    pub import_help: &'static str,
    pub import_submit: &'static str,
    pub import_required: &'static str,
    pub import_unreadable: &'static str,
    pub import_done: fn(u32, u32) -> String,
    pub import_refused: &'static str,
    pub row: fn(&str) -> String,
    // Suggestions beside a request
    pub suggestions_title: &'static str,
    pub suggestions_intro: &'static str,
    pub suggestions_empty: &'static str,
    pub insert: &'static str,
    pub inserted: fn(&str) -> String,
    /// In [`AnswerSource::ALL`] order.
    pub sources: [&'static str; 4],
    // Deflections in the register
    pub deflections_title: &'static str,
    pub deflections_total: fn(u64) -> String,
    pub deflections_top: &'static str,
    pub deflections_empty: &'static str,
    pub deflections_count: fn(u64) -> String,
    // "Valuta questo servizio" in the register
    pub ratings_title: &'static str,
    pub ratings_total: fn(u64) -> String,
    pub ratings_empty: &'static str,
    pub ratings_caption: &'static str,
    pub ratings_page: &'static str,
    pub ratings_count: &'static str,
    pub ratings_average: &'static str,
    pub ratings_stars: &'static str,
    pub ratings_aspects: &'static str,
    pub ratings_comments: &'static str,
    pub ratings_stars_of: fn(u8) -> String,
}

pub static IT: ContentAdminTexts = ContentAdminTexts {
    transparency_title: "Trasparenza rifiuti",
    transparency_intro: "I contenuti della sezione «Trasparenza rifiuti» del portale (TITR, art. 3.1): il testo, i collegamenti e i documenti di ogni voce, la percentuale di raccolta differenziata degli ultimi anni e il grado di rispetto degli standard di qualità, calcolato dal registro.",
    public_page: "Apri la pagina pubblica",
    items_heading: "Voci dell'art. 3.1",
    item_empty: "In aggiornamento: nessun contenuto.",
    item_updated: |d| format!("Aggiornata il {d}"),
    edit: "Modifica",
    close: "Chiudi",
    body_label: "Testo",
    body_help: "Testo semplice; una riga vuota separa i paragrafi.",
    links_legend: "Collegamenti",
    links_none: "Nessun collegamento.",
    link_legend: |n| format!("Collegamento {n}"),
    link_label: "Testo del collegamento",
    link_url: "Indirizzo",
    link_url_help: "https://… oppure un percorso del sito che inizia con /",
    add_link: "Aggiungi un collegamento",
    remove_link: |n| format!("Rimuovi il collegamento {n}"),
    documents_legend: "Documenti pubblicati da elencare",
    documents_none: "Nessun documento pubblicato: caricali in «Documenti pubblicati».",
    save_item: "Salva la voce",
    item_saved: |t| format!("Voce «{t}» salvata."),
    collection_heading: "Raccolta differenziata",
    collection_intro: "La percentuale di raccolta differenziata di ogni anno (lettera h): il portale mostra gli ultimi tre anni inseriti.",
    collection_caption: "Percentuale di raccolta differenziata per anno",
    collection_empty: "Nessun anno inserito.",
    year: "Anno",
    percent: "Percentuale",
    actions: "Azioni",
    percent_label: "Percentuale di raccolta differenziata",
    percent_help: "Da 0 a 100, al massimo un decimale (ad esempio 67,4)",
    percent_invalid: "Percentuale non valida: da 0 a 100, al massimo un decimale",
    save_year: "Salva l'anno",
    year_saved: |y| format!("Raccolta differenziata del {y} salvata."),
    edit_year: |y| format!("Modifica il {y}"),
    remove_year: |y| format!("Rimuovi il {y}"),
    remove_year_confirm: |y| format!("Rimuovere la percentuale del {y}?"),
    year_removed: |y| format!("Anno {y} rimosso."),
    compliance_heading: "Standard di qualità",
    compliance_intro: "Il grado di rispetto degli standard TQRIF (lettera v) è calcolato dal registro alla chiusura dell'anno. Dopo correzioni tardive un anno chiuso si può ricalcolare: il risultato viene pubblicato.",
    compliance_caption: |y| format!("Grado di rispetto degli standard nel {y}"),
    compliance_computed: |d| format!("Calcolato il {d}."),
    compliance_kind: "Tipo di prestazione",
    compliance_standard: "Standard",
    compliance_received: "Ricevute",
    compliance_resolved: "Evase",
    compliance_within: "Entro lo standard",
    compliance_percent: "% entro lo standard",
    compliance_total: "Totale",
    compliance_empty: "Nessuna prestazione con uno standard nell'anno.",
    working_days: |d| format!("{d} giorni lavorativi"),
    recompute_year: "Anno da ricalcolare",
    recompute: |y| format!("Ricalcola {y}"),
    recomputed: |y| format!("Grado di rispetto del {y} ricalcolato e pubblicato."),
    waste_title: "Riciclabolario",
    waste_intro: "Dove va ogni rifiuto: le voci che i cittadini cercano nel portale. Si possono aggiungere una a una o importare da un file CSV.",
    search_label: "Cerca un rifiuto",
    search_help: "Per nome o sinonimo; vuoto mostra tutte le voci.",
    found: |n| match n {
        0 => "Nessun rifiuto trovato.".to_owned(),
        1 => "1 rifiuto.".to_owned(),
        n => format!("{n} rifiuti."),
    },
    waste_caption: "Voci del Riciclabolario",
    col_name: "Rifiuto",
    col_fraction: "Raccolta",
    col_bin: "Contenitore",
    col_take_to: "Dove portarlo",
    add_heading: "Aggiungi un rifiuto",
    edit_heading: |n| format!("Modifica «{n}»"),
    name: "Nome",
    fraction: "Raccolta",
    fraction_required: "Scegli la raccolta",
    bin: "Contenitore",
    bin_help: "Vuoto: il contenitore abituale della raccolta.",
    take_to: "Dove portarlo",
    notes: "Come conferirlo",
    synonyms: "Sinonimi",
    synonyms_help: "Altri nomi con cui cercarlo, separati da virgole.",
    add: "Aggiungi",
    save: "Salva",
    cancel: "Annulla",
    edit_of: |n| format!("Modifica {n}"),
    delete_of: |n| format!("Elimina {n}"),
    delete: "Elimina",
    delete_confirm: |n| format!("Eliminare «{n}» dal Riciclabolario?"),
    item_created: |n| format!("«{n}» aggiunto al Riciclabolario."),
    item_updated_msg: |n| format!("«{n}» salvato."),
    item_deleted: |n| format!("«{n}» eliminato."),
    import_heading: "Importa CSV",
    import_intro: "Un file CSV in UTF-8 con l'intestazione nome,frazione,contenitore,dove_portarlo,note,sinonimi (sinonimi separati da |). I nomi già presenti vengono riscritti, i nuovi aggiunti. Se una riga è sbagliata non viene importato nulla.",
    import_file: "File CSV",
    import_help: "Al massimo 2 MB e 5.000 righe.",
    import_submit: "Importa",
    import_required: "Scegli il file CSV",
    import_unreadable: "Il file non si può leggere",
    import_done: |c, u| {
        let created = if c == 1 {
            "1 creato".to_owned()
        } else {
            format!("{c} creati")
        };
        let updated = if u == 1 {
            "1 aggiornato".to_owned()
        } else {
            format!("{u} aggiornati")
        };
        format!("Importazione completata: {created}, {updated}.")
    },
    import_refused: "File non importato: correggi le righe indicate e riprova.",
    row: |n| format!("Riga {n}"),
    suggestions_title: "Risposte suggerite",
    suggestions_intro: "FAQ, documenti, voci del Riciclabolario e risposte date a pratiche simili. Inserire un testo non lo invia: rileggilo e adattalo prima.",
    suggestions_empty: "Nessuna risposta suggerita.",
    insert: "Inserisci nella risposta",
    inserted: |t| format!("Testo di «{t}» inserito nella risposta."),
    sources: ["FAQ", "Documento", "Riciclabolario", "Risposta precedente"],
    deflections_title: "Domande risolte senza pratica",
    deflections_total: |n| match n {
        1 => {
            "1 domanda risolta da una risposta già pubblicata, senza aprire una pratica.".to_owned()
        }
        n => {
            format!("{n} domande risolte da una risposta già pubblicata, senza aprire una pratica.")
        }
    },
    deflections_top: "Le risposte più utili",
    deflections_empty: "Nessuna domanda risolta nel periodo.",
    deflections_count: |n| {
        if n == 1 {
            "1 volta".to_owned()
        } else {
            format!("{n} volte")
        }
    },
    ratings_title: "Valuta questo servizio",
    ratings_total: |n| match n {
        1 => "1 valutazione lasciata sulle pagine dei servizi e sulle conferme.".to_owned(),
        n => format!("{n} valutazioni lasciate sulle pagine dei servizi e sulle conferme."),
    },
    ratings_empty: "Nessuna valutazione nel periodo.",
    ratings_caption: "Valutazioni per pagina, la più valutata per prima",
    ratings_page: "Pagina",
    ratings_count: "Valutazioni",
    ratings_average: "Media (su 5)",
    ratings_stars: "Da 1 a 5 stelle",
    ratings_aspects: "Risposte più date",
    ratings_comments: "Gli ultimi commenti",
    ratings_stars_of: |n| format!("{n} su 5"),
};

pub static EN: ContentAdminTexts = ContentAdminTexts {
    transparency_title: "Waste transparency",
    transparency_intro: "What the portal's \"Waste transparency\" section shows (TITR, art. 3.1): the text, links and documents of each item, the separate-collection percentage of the last years and the compliance with the quality standards, computed from the register.",
    public_page: "Open the public page",
    items_heading: "Items of art. 3.1",
    item_empty: "Being updated: no content.",
    item_updated: |d| format!("Updated on {d}"),
    edit: "Edit",
    close: "Close",
    body_label: "Text",
    body_help: "Plain text; a blank line separates paragraphs.",
    links_legend: "Links",
    links_none: "No links.",
    link_legend: |n| format!("Link {n}"),
    link_label: "Link text",
    link_url: "Address",
    link_url_help: "https://… or a path of this site starting with /",
    add_link: "Add a link",
    remove_link: |n| format!("Remove link {n}"),
    documents_legend: "Published documents to list",
    documents_none: "No published documents: upload them in \"Published documents\".",
    save_item: "Save the item",
    item_saved: |t| format!("Item \"{t}\" saved."),
    collection_heading: "Separate collection",
    collection_intro: "The separate-collection percentage of each year (letter h): the portal shows the last three years entered.",
    collection_caption: "Separate-collection percentage by year",
    collection_empty: "No year entered.",
    year: "Year",
    percent: "Percentage",
    actions: "Actions",
    percent_label: "Separate-collection percentage",
    percent_help: "0 to 100, at most one decimal (for example 67.4)",
    percent_invalid: "Invalid percentage: 0 to 100, at most one decimal",
    save_year: "Save the year",
    year_saved: |y| format!("Separate collection of {y} saved."),
    edit_year: |y| format!("Edit {y}"),
    remove_year: |y| format!("Remove {y}"),
    remove_year_confirm: |y| format!("Remove the percentage of {y}?"),
    year_removed: |y| format!("Year {y} removed."),
    compliance_heading: "Quality standards",
    compliance_intro: "The compliance with the TQRIF standards (letter v) is computed from the register when the year closes. After late corrections a closed year can be computed again: the result is published.",
    compliance_caption: |y| format!("Compliance with the standards in {y}"),
    compliance_computed: |d| format!("Computed on {d}."),
    compliance_kind: "Kind of service",
    compliance_standard: "Standard",
    compliance_received: "Received",
    compliance_resolved: "Resolved",
    compliance_within: "Within the standard",
    compliance_percent: "% within the standard",
    compliance_total: "Total",
    compliance_empty: "No service with a standard in the year.",
    working_days: |d| format!("{d} working days"),
    recompute_year: "Year to compute again",
    recompute: |y| format!("Recompute {y}"),
    recomputed: |y| format!("Compliance of {y} computed again and published."),
    waste_title: "Waste sorting guide",
    waste_intro: "Where each kind of waste goes: the items citizens search in the portal. Add them one by one or import a CSV file.",
    search_label: "Search an item",
    search_help: "By name or synonym; empty shows every item.",
    found: |n| match n {
        0 => "No item found.".to_owned(),
        1 => "1 item.".to_owned(),
        n => format!("{n} items."),
    },
    waste_caption: "Items of the sorting guide",
    col_name: "Item",
    col_fraction: "Collection",
    col_bin: "Bin",
    col_take_to: "Where to take it",
    add_heading: "Add an item",
    edit_heading: |n| format!("Edit \"{n}\""),
    name: "Name",
    fraction: "Collection",
    fraction_required: "Choose the collection",
    bin: "Bin",
    bin_help: "Empty: the collection's usual bin.",
    take_to: "Where to take it",
    notes: "How to dispose of it",
    synonyms: "Synonyms",
    synonyms_help: "Other names to find it by, separated by commas.",
    add: "Add",
    save: "Save",
    cancel: "Cancel",
    edit_of: |n| format!("Edit {n}"),
    delete_of: |n| format!("Delete {n}"),
    delete: "Delete",
    delete_confirm: |n| format!("Delete \"{n}\" from the sorting guide?"),
    item_created: |n| format!("\"{n}\" added to the sorting guide."),
    item_updated_msg: |n| format!("\"{n}\" saved."),
    item_deleted: |n| format!("\"{n}\" deleted."),
    import_heading: "Import CSV",
    import_intro: "A UTF-8 CSV file with the header nome,frazione,contenitore,dove_portarlo,note,sinonimi (synonyms separated by |). Known names are rewritten, new ones added. If any row is wrong nothing is imported.",
    import_file: "CSV file",
    import_help: "At most 2 MB and 5,000 rows.",
    import_submit: "Import",
    import_required: "Choose the CSV file",
    import_unreadable: "The file cannot be read",
    import_done: |c, u| format!("Import done: {c} created, {u} updated."),
    import_refused: "File not imported: correct the rows shown and try again.",
    row: |n| format!("Row {n}"),
    suggestions_title: "Suggested answers",
    suggestions_intro: "FAQ, documents, sorting-guide items and replies given on similar requests. Inserting a text does not send it: read it and adapt it first.",
    suggestions_empty: "No suggested answers.",
    insert: "Insert into the reply",
    inserted: |t| format!("Text of \"{t}\" inserted into the reply."),
    sources: ["FAQ", "Document", "Sorting guide", "Earlier reply"],
    deflections_title: "Questions solved without a request",
    deflections_total: |n| match n {
        1 => "1 question solved by an answer already published, with no request filed.".to_owned(),
        n => format!("{n} questions solved by an answer already published, with no request filed."),
    },
    deflections_top: "The most useful answers",
    deflections_empty: "No question solved in the period.",
    deflections_count: |n| {
        if n == 1 {
            "once".to_owned()
        } else {
            format!("{n} times")
        }
    },
    ratings_title: "Rate this service",
    ratings_total: |n| match n {
        1 => "1 rating left on the service pages and confirmations.".to_owned(),
        n => format!("{n} ratings left on the service pages and confirmations."),
    },
    ratings_empty: "No rating in the period.",
    ratings_caption: "Ratings per page, most rated first",
    ratings_page: "Page",
    ratings_count: "Ratings",
    ratings_average: "Average (out of 5)",
    ratings_stars: "1 to 5 stars",
    ratings_aspects: "Most given answers",
    ratings_comments: "The latest comments",
    ratings_stars_of: |n| format!("{n} out of 5"),
};

pub fn content_admin_texts(lang: Lang) -> &'static ContentAdminTexts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

impl I18n {
    /// The console's public-content strings of the current language (reactive).
    pub fn ca(self) -> &'static ContentAdminTexts {
        content_admin_texts(self.lang())
    }
}

/// [`super::tr`] for the console's public-content strings.
pub fn trca(f: fn(&ContentAdminTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(content_admin_texts(i18n.lang())))
}

/// [`trca`] for component props that take owned text.
pub fn trcas(f: fn(&ContentAdminTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(content_admin_texts(i18n.lang())).to_owned())
}

pub fn source_label(t: &ContentAdminTexts, s: AnswerSource) -> &'static str {
    t.sources[AnswerSource::ALL.iter().position(|x| *x == s).unwrap_or(0)]
}
