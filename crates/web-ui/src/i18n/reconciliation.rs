//! The strings of the console's reconciliation page (rendicontazione pagoPA), apart from
//! [`super::Texts`] so only the console carries them.

use domain::Lang;
use domain::pagopa::fdr::{BankOutcome, LineOutcome};
use leptos::prelude::*;

use super::use_i18n;

pub struct ReconTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub upload_heading: &'static str,
    pub file_label: &'static str,
    pub file_help: &'static str,
    pub file_required: &'static str,
    pub upload_submit: &'static str,
    pub upload_failed: &'static str,
    pub fetch_submit: &'static str,
    pub fetch_done: fn(usize, u32, usize) -> String,
    pub flows_heading: &'static str,
    pub flows_caption: &'static str,
    pub flows_empty: &'static str,
    pub col_flow: &'static str,
    pub col_date: &'static str,
    pub col_psp: &'static str,
    pub col_payments: &'static str,
    pub col_total: &'static str,
    pub col_outcome: &'static str,
    pub col_bank: &'static str,
    pub open: &'static str,
    pub open_label: fn(&str) -> String,
    pub report_heading: fn(&str) -> String,
    pub settlement: &'static str,
    pub total: &'static str,
    pub lines_caption: &'static str,
    pub col_position: &'static str,
    pub col_iuv: &'static str,
    pub col_iur: &'static str,
    pub col_transfer: &'static str,
    pub col_amount: &'static str,
    pub col_expected: &'static str,
    pub col_notice: &'static str,
    pub csv: &'static str,
    pub bank_heading: &'static str,
    pub bank_none: &'static str,
    pub causale: &'static str,
    pub causale_help: &'static str,
    pub bank_amount: &'static str,
    pub bank_amount_help: &'static str,
    pub bank_date: &'static str,
    pub bank_submit: &'static str,
    pub bank_difference: fn(&str) -> String,
    /// In [`LineOutcome::ALL`] order.
    pub outcomes: [&'static str; 6],
    /// In [`BankOutcome::ALL`] order.
    pub bank_outcomes: [&'static str; 2],
    pub not_checked: &'static str,
    pub missing_heading: &'static str,
    pub missing_intro: &'static str,
    pub missing_caption: &'static str,
    pub missing_empty: &'static str,
    pub col_receipt: &'static str,
    pub col_paid_on: &'static str,
    pub col_due_by: &'static str,
}

pub static IT: ReconTexts = ReconTexts {
    title: "Rendicontazione pagoPA",
    intro: "Importa i flussi di rendicontazione dei PSP (file XML FlussoRiversamento) o leggili da pagoPA: ogni pagamento viene confrontato con le ricevute; registra poi la riga dell'estratto conto del riversamento.",
    upload_heading: "Importa un flusso",
    file_label: "File del flusso (XML)",
    file_help: "FlussoRiversamento 1.0.4, al massimo 20 MB. Un flusso già importato non viene importato di nuovo.",
    file_required: "Scegliere il file del flusso",
    upload_failed: "Il flusso non è stato importato",
    upload_submit: "Importa il flusso",
    fetch_submit: "Leggi i flussi da pagoPA",
    fetch_done: |new, known, failed| {
        format!("Flussi importati: {new}; già presenti: {known}; non importati: {failed}.")
    },
    flows_heading: "Flussi importati",
    flows_caption: "Flussi di rendicontazione, dal più recente",
    flows_empty: "Nessun flusso importato.",
    col_flow: "Identificativo del flusso",
    col_date: "Data regolamento",
    col_psp: "PSP",
    col_payments: "Pagamenti",
    col_total: "Totale",
    col_outcome: "Esito",
    col_bank: "Estratto conto",
    open: "Apri",
    open_label: |id| format!("Apri il rapporto del flusso {id}"),
    report_heading: |id| format!("Flusso {id}"),
    settlement: "Regolamento",
    total: "Totale del flusso",
    lines_caption: "Pagamenti del flusso con l'esito del confronto",
    col_position: "N.",
    col_iuv: "IUV",
    col_iur: "IUR",
    col_transfer: "Trasf.",
    col_amount: "Importo",
    col_expected: "Atteso",
    col_notice: "Avviso",
    csv: "Scarica il rapporto (CSV)",
    bank_heading: "Riga dell'estratto conto",
    bank_none: "Nessuna riga registrata.",
    causale: "Causale",
    causale_help: "Come sull'estratto conto: /PUR/LGPE-RIVERSAMENTO/URI/<identificativo del flusso>",
    bank_amount: "Importo accreditato (€)",
    bank_amount_help: "Ad esempio 1.234,56",
    bank_date: "Data dell'accredito",
    bank_submit: "Registra e verifica",
    bank_difference: |d| format!("Differenza rispetto al flusso: {d}"),
    outcomes: [
        "Riconciliato",
        "Importo diverso",
        "IUV sconosciuto",
        "Senza ricevuta",
        "Trasferimento sconosciuto",
        "Revocato",
    ],
    bank_outcomes: ["Importo corrispondente", "Importo diverso"],
    not_checked: "Da verificare",
    missing_heading: "Ricevute non rendicontate",
    missing_intro: "Pagamenti con ricevuta pagoPA che nessun flusso riporta dopo tre giorni lavorativi.",
    missing_caption: "Ricevute non rendicontate, dalla più vecchia",
    missing_empty: "Nessuna ricevuta in attesa di rendicontazione.",
    col_receipt: "Ricevuta (IUR)",
    col_paid_on: "Pagata il",
    col_due_by: "Attesa entro",
};

pub static EN: ReconTexts = ReconTexts {
    title: "pagoPA reconciliation",
    intro: "Import the PSPs' reporting flows (FlussoRiversamento XML files) or read them from pagoPA: each payment is compared with the receipts; then record the bank statement line of the transfer.",
    upload_heading: "Import a flow",
    file_label: "Flow file (XML)",
    file_help: "FlussoRiversamento 1.0.4, at most 20 MB. A flow already imported is not imported again.",
    file_required: "Choose the flow file",
    upload_failed: "The flow was not imported",
    upload_submit: "Import the flow",
    fetch_submit: "Read flows from pagoPA",
    fetch_done: |new, known, failed| {
        format!("Flows imported: {new}; already there: {known}; not imported: {failed}.")
    },
    flows_heading: "Imported flows",
    flows_caption: "Reporting flows, newest first",
    flows_empty: "No flow imported.",
    col_flow: "Flow id",
    col_date: "Settlement date",
    col_psp: "PSP",
    col_payments: "Payments",
    col_total: "Total",
    col_outcome: "Outcome",
    col_bank: "Bank statement",
    open: "Open",
    open_label: |id| format!("Open the report of flow {id}"),
    report_heading: |id| format!("Flow {id}"),
    settlement: "Settlement",
    total: "Flow total",
    lines_caption: "The flow's payments with the outcome of the comparison",
    col_position: "No.",
    col_iuv: "IUV",
    col_iur: "IUR",
    col_transfer: "Transf.",
    col_amount: "Amount",
    col_expected: "Expected",
    col_notice: "Notice",
    csv: "Download the report (CSV)",
    bank_heading: "Bank statement line",
    bank_none: "No line recorded.",
    causale: "Causale",
    causale_help: "As on the statement: /PUR/LGPE-RIVERSAMENTO/URI/<flow id>",
    bank_amount: "Amount credited (€)",
    bank_amount_help: "For example 1234.56",
    bank_date: "Credit date",
    bank_submit: "Record and check",
    bank_difference: |d| format!("Difference from the flow: {d}"),
    outcomes: [
        "Matched",
        "Amount differs",
        "Unknown IUV",
        "No receipt",
        "Unknown transfer",
        "Revoked",
    ],
    bank_outcomes: ["Amount matches", "Amount differs"],
    not_checked: "To check",
    missing_heading: "Receipts not reported",
    missing_intro: "Payments with a pagoPA receipt that no flow reports after three working days.",
    missing_caption: "Receipts not reported, oldest first",
    missing_empty: "No receipt waiting to be reported.",
    col_receipt: "Receipt (IUR)",
    col_paid_on: "Paid on",
    col_due_by: "Expected by",
};

pub fn recon_texts(lang: Lang) -> &'static ReconTexts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

/// One reconciliation string, following the language switch.
pub fn trrc(f: fn(&ReconTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(recon_texts(i18n.lang())))
}

/// [`trrc`] for component props that take owned text.
pub fn trrcs(f: fn(&ReconTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(recon_texts(i18n.lang())).to_owned())
}

pub fn outcome_label(t: &ReconTexts, o: LineOutcome) -> &'static str {
    t.outcomes[LineOutcome::ALL.iter().position(|x| *x == o).unwrap_or(0)]
}

pub fn bank_label(t: &ReconTexts, o: BankOutcome) -> &'static str {
    t.bank_outcomes[BankOutcome::ALL.iter().position(|x| *x == o).unwrap_or(0)]
}
