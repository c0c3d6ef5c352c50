//! The strings of the new-request wizard's drafts, applicant data and file picker, and of
//! the personal area's list of drafts, apart from [`super::Texts`].

use domain::Lang;
use leptos::prelude::*;

use super::use_i18n;

pub struct WizardTexts {
    pub save_draft: &'static str,
    pub draft_saved: &'static str,
    pub applicant_title: &'static str,
    pub applicant_name: &'static str,
    pub applicant_fiscal_code: &'static str,
    pub applicant_email: &'static str,
    pub applicant_hint: &'static str,
    pub choose_files: &'static str,
    pub files_chosen: &'static str,
    pub no_files: &'static str,
    pub remove_file: fn(&str) -> String,
    pub file_removed: fn(&str) -> String,
    pub files_after_reload: &'static str,
    pub drafts_title: &'static str,
    pub drafts_empty: &'static str,
    pub draft_saved_at: fn(&str) -> String,
    pub draft_no_subject: &'static str,
    pub resume: &'static str,
    pub delete: &'static str,
    pub delete_confirm: &'static str,
    pub draft_deleted: &'static str,
}

const IT: WizardTexts = WizardTexts {
    save_draft: "Salva bozza",
    draft_saved: "Bozza salvata: puoi riprenderla dall'area personale, anche da un altro dispositivo.",
    applicant_title: "Dati del richiedente",
    applicant_name: "Nome e cognome",
    applicant_fiscal_code: "Codice fiscale",
    applicant_email: "E-mail",
    applicant_hint: "Sono i dati del tuo profilo: la richiesta è presentata a tuo nome.",
    choose_files: "Carica file",
    files_chosen: "File selezionati",
    no_files: "Nessun file selezionato.",
    remove_file: |name| format!("Rimuovi {name}"),
    file_removed: |name| format!("File {name} rimosso."),
    files_after_reload: "I file restano solo in questa pagina: se la ricarichi, dovrai sceglierli di nuovo. Il resto di quanto hai scritto resta.",
    drafts_title: "Bozze",
    drafts_empty: "Non hai bozze salvate.",
    draft_saved_at: |when| format!("Salvata il {when}"),
    draft_no_subject: "(senza oggetto)",
    resume: "Riprendi",
    delete: "Elimina",
    delete_confirm: "Eliminare questa bozza?",
    draft_deleted: "Bozza eliminata.",
};

const EN: WizardTexts = WizardTexts {
    save_draft: "Save draft",
    draft_saved: "Draft saved: you can resume it from your personal area, also on another device.",
    applicant_title: "Applicant",
    applicant_name: "Name",
    applicant_fiscal_code: "Tax code",
    applicant_email: "E-mail",
    applicant_hint: "These are the data of your profile: the request is filed in your name.",
    choose_files: "Upload files",
    files_chosen: "Chosen files",
    no_files: "No file chosen.",
    remove_file: |name| format!("Remove {name}"),
    file_removed: |name| format!("File {name} removed."),
    files_after_reload: "Files stay only in this page: if you reload it, you will have to choose them again. Everything else you typed is kept.",
    drafts_title: "Drafts",
    drafts_empty: "You have no saved drafts.",
    draft_saved_at: |when| format!("Saved on {when}"),
    draft_no_subject: "(no subject)",
    resume: "Resume",
    delete: "Delete",
    delete_confirm: "Delete this draft?",
    draft_deleted: "Draft deleted.",
};

pub fn wizard_texts(lang: Lang) -> &'static WizardTexts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

/// One string of the wizard's drafts and uploads, following the language switch.
pub fn trwz(f: fn(&WizardTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(wizard_texts(i18n.lang())))
}

/// [`trwz`] for component props that take owned text.
pub fn trwzs(f: fn(&WizardTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(wizard_texts(i18n.lang())).to_owned())
}
