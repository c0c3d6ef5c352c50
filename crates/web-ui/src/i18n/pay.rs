//! The strings of pagoPA for citizens and operators: "Pagamenti e avvisi" in La mia
//! posizione (the account app), the notice page Checkout returns to, "Verifica un
//! pagamento", and the console's notices of an act. Apart from [`super::Texts`] so the
//! portal's first load does not carry them.

use domain::Lang;
use domain::pagopa::NoticeStatus;
use leptos::prelude::*;

use super::use_i18n;

#[allow(clippy::struct_field_names)]
pub struct PayTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub sections: &'static str,
    pub link: &'static str,
    pub notices_title: &'static str,
    pub notices_empty: &'static str,
    pub where_to_pay: &'static str,
    pub notice_of: fn(u32, &str) -> String,
    pub nav: &'static str,
    pub amount: &'static str,
    pub due: &'static str,
    pub status: &'static str,
    pub status_labels: [&'static str; 4],
    pub instalment: &'static str,
    pub download_notice: &'static str,
    pub notice_pdf: &'static str,
    pub details: &'static str,
    pub pay: &'static str,
    pub pay_help: &'static str,
    pub opening: &'static str,
    pub for_instalment: fn(u32) -> String,
    pub for_nav: fn(&str) -> String,
    pub col_pay: &'static str,
    pub receipts_title: &'static str,
    pub receipts_empty: &'static str,
    pub receipts_caption: &'static str,
    pub paid_at: &'static str,
    pub psp: &'static str,
    pub receipt_id: &'static str,
    pub download_receipt: &'static str,
    pub verify_title: &'static str,
    pub verify_intro: &'static str,
    pub verify_help: &'static str,
    pub verify_submit: &'static str,
    pub verify_not_found: &'static str,
    pub verify_result: fn(&str) -> String,
    pub notice_title: &'static str,
    pub outcome_ok_title: &'static str,
    pub outcome_ok_text: &'static str,
    pub outcome_cancel_title: &'static str,
    pub outcome_cancel_text: &'static str,
    pub outcome_error_title: &'static str,
    pub outcome_error_text: &'static str,
    pub waiting: &'static str,
    pub confirmed: &'static str,
    pub receipt_ready: &'static str,
    pub back: &'static str,
    pub staff_notices_title: &'static str,
    pub staff_notices_empty: &'static str,
    pub staff_notices_caption: fn(&str) -> String,
    pub staff_verify_intro: &'static str,
    pub staff_not_found: &'static str,
}

static IT: PayTexts = PayTexts {
    title: "Pagamenti e avvisi",
    intro: "Gli avvisi di pagamento pagoPA delle tue rate, da scaricare o pagare online, e le ricevute dei pagamenti fatti con pagoPA.",
    sections: "Sezioni di La mia posizione",
    link: "Pagamenti e avvisi pagoPA",
    notices_title: "Avvisi di pagamento",
    notices_empty: "Nessun avviso di pagamento pagoPA è intestato a te.",
    where_to_pay: "Oltre che online, puoi pagare con il codice avviso o il QR code dell'avviso in banca, agli sportelli ATM, alle Poste, dal tabaccaio, nelle app di pagamento e negli altri punti abilitati a pagoPA.",
    notice_of: |n, act| format!("Rata {n} – {act}"),
    nav: "Codice avviso",
    amount: "Importo",
    due: "Scadenza",
    status: "Stato",
    status_labels: ["Da pagare", "Pagato", "Scaduto", "Annullato"],
    instalment: "Rata",
    download_notice: "Scarica l'avviso (PDF)",
    notice_pdf: "Avviso PDF",
    details: "Dettagli dell'avviso",
    pay: "Paga con pagoPA",
    pay_help: "Si apre il sito sicuro di pagoPA, dove scegli come pagare (carta, conto corrente, app); al termine torni qui.",
    opening: "Apertura di pagoPA…",
    for_instalment: |n| format!(" la rata {n}"),
    for_nav: |nav| format!(" dell'avviso {nav}"),
    col_pay: "Pagamento",
    receipts_title: "Ricevute",
    receipts_empty: "Nessuna ricevuta di pagamenti pagoPA.",
    receipts_caption: "Ricevute dei pagamenti pagoPA",
    paid_at: "Pagato il",
    psp: "Prestatore (PSP)",
    receipt_id: "Identificativo ricevuta",
    download_receipt: "Scarica la ricevuta",
    verify_title: "Verifica un pagamento",
    verify_intro: "Scrivi il codice avviso stampato sull'avviso per sapere se risulta pagato.",
    verify_help: "18 cifre, come sull'avviso: gli spazi non contano.",
    verify_submit: "Verifica",
    verify_not_found: "Nessun avviso intestato a te ha questo codice avviso. Controlla di averlo copiato bene; l'avviso di un'altra persona può verificarlo solo lei.",
    verify_result: |nav| format!("Avviso {nav}"),
    notice_title: "Avviso di pagamento",
    outcome_ok_title: "Pagamento riuscito",
    outcome_ok_text: "pagoPA ha accettato il pagamento: non serve pagare di nuovo. La ricevuta compare qui e tra le ricevute appena pagoPA lo conferma, di solito entro pochi minuti.",
    outcome_cancel_title: "Pagamento annullato",
    outcome_cancel_text: "Hai annullato il pagamento su pagoPA e non ti è stato addebitato nulla. Puoi riprovare quando vuoi.",
    outcome_error_title: "Pagamento non riuscito",
    outcome_error_text: "pagoPA non ha potuto completare il pagamento e non ti è stato addebitato nulla. Riprova, anche con un altro metodo di pagamento; se il problema continua, scrivi all'Ufficio Tributi.",
    waiting: "In attesa della conferma di pagoPA…",
    confirmed: "pagoPA ha confermato il pagamento: la rata risulta pagata.",
    receipt_ready: "La ricevuta è pronta.",
    back: "Torna a Pagamenti e avvisi",
    staff_notices_title: "Avvisi pagoPA",
    staff_notices_empty: "Nessun avviso pagoPA per questo atto.",
    staff_notices_caption: |s| format!("Avvisi pagoPA dell'atto n. {s}"),
    staff_verify_intro: "Il codice avviso di qualsiasi contribuente del Comune: ne mostra lo stato.",
    staff_not_found: "Nessun avviso del Comune ha questo codice avviso.",
};

static EN: PayTexts = PayTexts {
    title: "Payments and notices",
    intro: "The pagoPA payment notices of your instalments, to download or pay online, and the receipts of the payments made with pagoPA.",
    sections: "Sections of My tax account",
    link: "pagoPA payments and notices",
    notices_title: "Payment notices",
    notices_empty: "No pagoPA payment notice is issued to you.",
    where_to_pay: "Besides online, you can pay with the notice number or the notice's QR code at banks, cash machines, post offices, tobacconists, in payment apps and wherever pagoPA is accepted.",
    notice_of: |n, act| format!("Instalment {n} – {act}"),
    nav: "Notice number",
    amount: "Amount",
    due: "Due date",
    status: "Status",
    status_labels: ["To pay", "Paid", "Expired", "Cancelled"],
    instalment: "Instalment",
    download_notice: "Download the notice (PDF)",
    notice_pdf: "Notice PDF",
    details: "Notice details",
    pay: "Pay with pagoPA",
    pay_help: "pagoPA's secure site opens, where you choose how to pay (card, bank account, app); then you come back here.",
    opening: "Opening pagoPA…",
    for_instalment: |n| format!(" instalment {n}"),
    for_nav: |nav| format!(" of notice {nav}"),
    col_pay: "Payment",
    receipts_title: "Receipts",
    receipts_empty: "No receipts of pagoPA payments.",
    receipts_caption: "Receipts of pagoPA payments",
    paid_at: "Paid on",
    psp: "Provider (PSP)",
    receipt_id: "Receipt id",
    download_receipt: "Download the receipt",
    verify_title: "Check a payment",
    verify_intro: "Type the notice number printed on the notice to see whether it is paid.",
    verify_help: "18 digits, as on the notice: spaces do not matter.",
    verify_submit: "Check",
    verify_not_found: "No notice issued to you has this number. Check it was copied correctly; another person's notice can only be checked by them.",
    verify_result: |nav| format!("Notice {nav}"),
    notice_title: "Payment notice",
    outcome_ok_title: "Payment successful",
    outcome_ok_text: "pagoPA accepted the payment: there is no need to pay again. The receipt appears here and among the receipts as soon as pagoPA confirms it, usually within a few minutes.",
    outcome_cancel_title: "Payment cancelled",
    outcome_cancel_text: "You cancelled the payment on pagoPA and nothing was charged. You can try again whenever you like.",
    outcome_error_title: "Payment failed",
    outcome_error_text: "pagoPA could not complete the payment and nothing was charged. Try again, perhaps with another payment method; if it keeps failing, write to the tax office.",
    waiting: "Waiting for pagoPA's confirmation…",
    confirmed: "pagoPA confirmed the payment: the instalment is paid.",
    receipt_ready: "The receipt is ready.",
    back: "Back to Payments and notices",
    staff_notices_title: "pagoPA notices",
    staff_notices_empty: "No pagoPA notices for this act.",
    staff_notices_caption: |s| format!("pagoPA notices of act no. {s}"),
    staff_verify_intro: "The notice number of any taxpayer of the Comune: shows where it stands.",
    staff_not_found: "No notice of the Comune has this number.",
};

pub fn pay_texts(lang: Lang) -> &'static PayTexts {
    match lang {
        Lang::It => &IT,
        Lang::En => &EN,
    }
}

/// A notice's state in the citizen's words.
pub fn notice_status_label(lang: Lang, status: NoticeStatus) -> &'static str {
    let i = NoticeStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(0);
    pay_texts(lang).status_labels[i]
}

/// One pagoPA string, following the language switch (as [`super::tr`]).
pub fn trp(f: fn(&PayTexts) -> &'static str) -> Signal<&'static str> {
    let i18n = use_i18n();
    Signal::derive(move || f(pay_texts(i18n.lang())))
}

/// [`trp`] for component props that take owned text.
pub fn trps(f: fn(&PayTexts) -> &'static str) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || f(pay_texts(i18n.lang())).to_owned())
}
