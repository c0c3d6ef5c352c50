//! The avviso di pagamento as a PDF, in the sections of the pagoPA notice template v3
//! (italy-standards.md §A3): heading and logo, the creditor, the recipient, "Quanto e quando
//! pagare?", "Dove pagare?", then the payment data of each option with its QR code (ISO
//! 18004, ECC M, about 25 mm) and, when the ente has a conto postale, the Bollettino
//! Postale PA with the Poste DataMatrix. `pdf-writer` as the statement; codes are drawn as
//! filled squares, one run of dark modules at a time.

use chrono::NaiveDate;
use domain::calendar::rome_offset;
use domain::pagopa::NoticeNumber;
use domain::types::Money;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::mail::pdf::{text_width, win_ansi};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 40.0;
/// 25 mm.
const QR_SIZE: f32 = 71.0;
/// About 32 mm: the symbol has more modules than the QR code.
const DATAMATRIX_SIZE: f32 = 92.0;

/// One way to pay: an instalment's notice.
#[derive(Debug, Clone)]
pub struct PayOption {
    pub instalment: u32,
    pub nav: NoticeNumber,
    pub amount: Money,
    pub due_date: NaiveDate,
    pub qr_payload: String,
    /// The Poste DataMatrix payload, when the ente has a conto postale.
    pub datamatrix: Option<String>,
}

/// Everything the notice prints.
#[derive(Debug, Clone)]
pub struct NoticeDoc {
    /// `AVVISO.OGGETTO`, at most 90 characters.
    pub subject: String,
    pub creditor_name: String,
    pub creditor_fiscal_code: String,
    pub creditor_sector: String,
    pub cbill: Option<String>,
    pub poste_account: Option<String>,
    pub debtor_fiscal_code: String,
    pub debtor_name: String,
    pub debtor_address: Option<String>,
    /// How many instalments the act has in all.
    pub instalments: usize,
    /// By due date.
    pub options: Vec<PayOption>,
}

fn eur(m: Money) -> String {
    // `Money` prints "1.234,56 €"; the template writes "1.234,56 Euro".
    let s = m.to_string();
    format!(
        "{} Euro",
        s.trim_end_matches(" €").trim_end_matches('€').trim()
    )
}

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn encode(s: &str) -> Vec<u8> {
    s.chars().map(win_ansi).collect()
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

struct Writer {
    pages: Vec<Content>,
    y: f32,
}

impl Writer {
    fn new() -> Self {
        Self {
            pages: vec![Content::new()],
            y: PAGE_H - MARGIN,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = PAGE_H - MARGIN;
    }

    fn c(&mut self) -> &mut Content {
        self.pages.last_mut().expect("a page")
    }

    fn text(&mut self, x: f32, y: f32, text: &str, size: f32, bold: bool) {
        let bytes = encode(text);
        let c = self.c();
        c.begin_text();
        c.set_fill_rgb(0.1, 0.1, 0.1);
        c.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
        c.next_line(x, y);
        c.show(Str(&bytes));
        c.end_text();
    }

    fn right(&mut self, x_end: f32, y: f32, text: &str, size: f32, bold: bool) {
        let w = text_width(&encode(text), size, bold);
        self.text(x_end - w, y, text, size, bold);
    }

    /// A line at the left margin, moving down.
    fn line(&mut self, text: &str, size: f32, bold: bool) {
        self.y -= size * 1.35;
        let y = self.y;
        self.text(MARGIN, y, text, size, bold);
    }

    /// A section title on a shaded band.
    fn band(&mut self, title: &str) {
        self.y -= 20.0;
        let y = self.y;
        let c = self.c();
        c.set_fill_rgb(0.90, 0.93, 0.96);
        c.rect(MARGIN, y - 5.0, PAGE_W - 2.0 * MARGIN, 17.0)
            .fill_nonzero();
        self.text(MARGIN + 6.0, y, title, 10.5, true);
        self.y -= 6.0;
    }

    fn frame(&mut self, top: f32, bottom: f32) {
        self.c()
            .set_stroke_rgb(0.55, 0.6, 0.66)
            .set_line_width(0.6)
            .rect(MARGIN, bottom, PAGE_W - 2.0 * MARGIN, top - bottom)
            .stroke();
    }

    /// Dark modules of a `width × height` matrix (row-major, `true` = dark) as squares of
    /// `module` points, top-left corner at (x, y_top).
    fn modules(&mut self, dark: &[bool], width: usize, x: f32, y_top: f32, module: f32) {
        let c = self.c();
        c.set_fill_rgb(0.0, 0.0, 0.0);
        for (row, cells) in dark.chunks(width).enumerate() {
            let y = y_top - (row as f32 + 1.0) * module;
            let mut col = 0;
            while col < width {
                if !cells[col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < width && cells[col] {
                    col += 1;
                }
                c.rect(
                    x + start as f32 * module,
                    y,
                    (col - start) as f32 * module,
                    module,
                );
            }
        }
        c.fill_nonzero();
    }
}

/// The QR code of a payload, ECC M (version 4 for the 52-character pagoPA payload).
pub fn qr_modules(payload: &str) -> anyhow::Result<(Vec<bool>, usize)> {
    let code = qrcode::QrCode::with_error_correction_level(payload, qrcode::EcLevel::M)?;
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok((dark, width))
}

/// The ECC 200 DataMatrix of a payload, a square symbol.
pub fn datamatrix_modules(payload: &str) -> anyhow::Result<(Vec<bool>, usize)> {
    let code = datamatrix::DataMatrix::encode(
        payload.as_bytes(),
        datamatrix::SymbolList::default().enforce_square(),
    )
    .map_err(|e| anyhow::anyhow!("DataMatrix: {e:?}"))?;
    let bitmap = code.bitmap();
    let (w, h) = (bitmap.width(), bitmap.height());
    let mut dark = vec![false; w * h];
    for (x, y) in bitmap.pixels() {
        dark[y * w + x] = true;
    }
    Ok((dark, w))
}

/// A code with a quiet zone of `quiet` modules, fitted into `size` points.
fn draw_code(
    w: &mut Writer,
    (dark, width): &(Vec<bool>, usize),
    x: f32,
    y_top: f32,
    size: f32,
    quiet: usize,
) {
    let module = size / (*width + 2 * quiet) as f32;
    let offset = module * quiet as f32;
    w.modules(dark, *width, x + offset, y_top - offset, module);
}

fn heading(w: &mut Writer, doc: &NoticeDoc) {
    // Intestazione: the subject and the pagoPA mark (the template's logo box).
    w.y -= 16.0;
    let y = w.y;
    w.text(MARGIN, y, "AVVISO DI PAGAMENTO", 15.0, true);
    w.right(PAGE_W - MARGIN, y, "pagoPA", 15.0, true);
    w.line(&cut(&doc.subject, 90), 11.0, false);
    w.y -= 4.0;
    // Ente creditore and destinatario side by side.
    w.band("ENTE CREDITORE                                                         DESTINATARIO AVVISO");
    let half = (PAGE_W - 2.0 * MARGIN) / 2.0;
    let top = w.y;
    let left = [
        (cut(&doc.creditor_name, 50), true),
        (doc.creditor_sector.clone(), false),
        (
            format!("Codice fiscale {}", doc.creditor_fiscal_code),
            false,
        ),
    ];
    let mut right = vec![
        (cut(&doc.debtor_name, 70), true),
        (
            format!("Codice fiscale {}", cut(&doc.debtor_fiscal_code, 16)),
            false,
        ),
    ];
    if let Some(a) = &doc.debtor_address {
        right.push((cut(a, 70), false));
    }
    for (k, (t, bold)) in left.iter().enumerate() {
        w.text(MARGIN + 6.0, top - 14.0 * (k as f32 + 1.0), t, 9.5, *bold);
    }
    for (k, (t, bold)) in right.iter().enumerate() {
        w.text(
            MARGIN + half + 6.0,
            top - 14.0 * (k as f32 + 1.0),
            t,
            9.5,
            *bold,
        );
    }
    w.y = top - 14.0 * (left.len().max(right.len()) as f32) - 6.0;

    // Quanto e quando pagare?
    w.band("QUANTO E QUANDO PAGARE?");
    let total: i64 = doc.options.iter().map(|o| o.amount.cents()).sum();
    let first = doc.options.first();
    if let (1, Some(o)) = (doc.options.len(), first) {
        w.line(
            &format!("{} entro il {}", eur(o.amount), day(o.due_date)),
            13.0,
            true,
        );
    } else if let Some(o) = first {
        w.line(
            &format!(
                "{} in {} rate, la prima entro il {}",
                eur(Money::from_cents(total)),
                doc.options.len(),
                day(o.due_date)
            ),
            13.0,
            true,
        );
    }
    let inst = if doc.instalments > 1 {
        format!(
            "L'atto è in {} rate: qui trovi quelle ancora da pagare. Puoi pagare ciascuna rata con il suo codice.",
            doc.instalments
        )
    } else {
        "Puoi pagare in un'unica soluzione con il codice qui sotto.".to_owned()
    };
    w.line(&inst, 9.0, false);
    w.line(
        "Se paghi dopo la scadenza, l'ente potrà chiederti sanzioni e interessi per il ritardo.",
        9.0,
        false,
    );

    // Dove pagare?
    w.band("DOVE PAGARE?");
    w.line("PAGA SUL SITO O CON LE APP", 9.5, true);
    w.line(
        "del Comune, di PagoPA (app IO), della tua Banca o degli altri canali di pagamento: con carte,",
        9.0,
        false,
    );
    w.line("conto corrente, CBILL.", 9.0, false);
    w.line("PAGA SUL TERRITORIO", 9.5, true);
    w.line(
        "in tutti gli Uffici Postali, in Banca, in Ricevitoria, dal Tabaccaio, al Bancomat, al Supermercato:",
        9.0,
        false,
    );
    w.line(
        "in contanti, con carte o conto corrente. Inquadra il codice QR o indica il codice avviso.",
        9.0,
        false,
    );
}

/// Height of one option's sections (payment data and, with a conto postale, the bollettino).
fn option_height(o: &PayOption) -> f32 {
    120.0 + if o.datamatrix.is_some() { 140.0 } else { 0.0 }
}

fn option(w: &mut Writer, doc: &NoticeDoc, o: &PayOption) -> anyhow::Result<()> {
    let title = if doc.instalments > 1 {
        format!(
            "DATI PER IL PAGAMENTO - RATA {} entro il {}",
            o.instalment,
            day(o.due_date)
        )
    } else {
        format!(
            "DATI PER IL PAGAMENTO - RATA UNICA entro il {}",
            day(o.due_date)
        )
    };
    w.band(&title);
    let top = w.y;
    let qr = qr_modules(&o.qr_payload)?;
    draw_code(w, &qr, MARGIN + 8.0, top - 6.0, QR_SIZE + 8.0, 1);
    let x = MARGIN + QR_SIZE + 30.0;
    let rows = [
        ("Importo", eur(o.amount)),
        ("Codice avviso", o.nav.printed()),
        (
            "Codice fiscale ente creditore",
            doc.creditor_fiscal_code.clone(),
        ),
        (
            "Codice CBILL",
            doc.cbill.clone().unwrap_or_else(|| "-".to_owned()),
        ),
        ("Destinatario", cut(&doc.debtor_name, 40)),
    ];
    for (k, (label, value)) in rows.iter().enumerate() {
        let y = top - 16.0 - 15.0 * k as f32;
        w.text(x, y, label, 8.5, false);
        w.text(x + 140.0, y, value, 9.5, true);
    }
    let bottom = top - 100.0;
    w.frame(top + 1.0, bottom);
    w.y = bottom;
    if let (Some(dm), Some(account)) = (&o.datamatrix, &doc.poste_account) {
        w.band("BOLLETTINO POSTALE PA - Banco Posta");
        let top = w.y;
        let code = datamatrix_modules(dm)?;
        draw_code(w, &code, MARGIN + 8.0, top - 6.0, DATAMATRIX_SIZE + 8.0, 1);
        let x = MARGIN + DATAMATRIX_SIZE + 30.0;
        let rows = [
            ("sul C/C n.", account.clone()),
            ("intestato a", cut(&doc.creditor_name, 40)),
            ("Importo", eur(o.amount)),
            ("Codice avviso", o.nav.printed()),
            ("Tipo", "P1".to_owned()),
            ("Oggetto del pagamento", cut(&doc.subject, 40)),
        ];
        for (k, (label, value)) in rows.iter().enumerate() {
            let y = top - 16.0 - 15.0 * k as f32;
            w.text(x, y, label, 8.5, false);
            w.text(x + 120.0, y, value, 9.5, true);
        }
        let bottom = top - 118.0;
        w.frame(top + 1.0, bottom);
        w.y = bottom;
    }
    Ok(())
}

/// The notice as a PDF; `produced` is the instant of printing.
pub fn render(doc: &NoticeDoc, produced: chrono::DateTime<chrono::Utc>) -> anyhow::Result<Vec<u8>> {
    let mut w = Writer::new();
    heading(&mut w, doc);
    for o in &doc.options {
        if w.y - option_height(o) - 30.0 < 50.0 {
            w.new_page();
        }
        option(&mut w, doc, o)?;
    }
    let local = produced + rome_offset(produced);
    let stamp = local.format("%d/%m/%Y alle %H:%M").to_string();
    let total = w.pages.len();
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let mut next = 6;
    let mut ids = Vec::new();
    for (i, mut content) in w.pages.into_iter().enumerate() {
        let page_id = Ref::new(next);
        let content_id = Ref::new(next + 1);
        next += 2;
        ids.push(page_id);
        let footer = encode(&format!(
            "{} - avviso di pagamento pagoPA stampato il {stamp} - pagina {} di {total}",
            cut(&doc.creditor_name, 50),
            i + 1
        ));
        content
            .begin_text()
            .set_fill_rgb(0.36, 0.43, 0.51)
            .set_font(Name(b"F1"), 7.5)
            .next_line(MARGIN, 24.0)
            .show(Str(&footer))
            .end_text();
        let data = content.finish();
        let mut p = pdf.page(page_id);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        p.parent(tree);
        p.contents(content_id);
        {
            let mut resources = p.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Name(b"F1"), regular);
            fonts.pair(Name(b"F2"), bold);
        }
        p.finish();
        pdf.stream(content_id, &data);
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(ids.iter().copied())
        .count(i32::try_from(total).unwrap_or(i32::MAX));
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info)
        .title(TextStr("Avviso di pagamento"))
        .producer(TextStr("Sportello"));
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_sizes_the_spec_expects() {
        let (_, w) = qr_modules("PAGOPA|002|301000000000012373|15376371009|0000012000").unwrap();
        assert_eq!(w, 33, "version 4 (33×33) with ECC M");
        let (dark, w) = datamatrix_modules(&"codfase=NBPA;".repeat(19)[..256]).unwrap();
        assert_eq!(dark.len(), w * w, "a square symbol");
    }
}
