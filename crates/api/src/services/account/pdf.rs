//! The estratto conto as a printable PDF (`pdf-writer`, as the conversation export in
//! `mail::pdf`): A4, Helvetica with WinAnsi encoding, the tenant's name, the contribuente,
//! one table per act, the totals, Italian amounts and dates, the time it was produced and
//! page numbers.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use domain::api::{Statement, StatementAct};
use domain::calendar::rome_offset;
use domain::tax::{ActStatus, PlanState};
use domain::types::Money;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::mail::pdf::{text_width, win_ansi};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 48.0;
const BOTTOM: f32 = 60.0;
const ROW: f32 = 14.0;

/// Column widths of an act's table (they add up to the text width) and their titles.
const WIDTHS: [f32; 7] = [34.0, 66.0, 76.0, 76.0, 76.0, 58.0, 113.0];
const TITLES: [&str; 7] = [
    "Rata",
    "Scadenza",
    "Importo",
    "Pagato",
    "Residuo",
    "Gg. ritardo",
    "Interessi di mora",
];

fn eur(cents: i64) -> String {
    Money::from_cents(cents).to_string()
}

fn day(d: NaiveDate) -> String {
    domain::calendar::italian_date(d)
}

fn encode(s: &str) -> Vec<u8> {
    s.chars().map(win_ansi).collect()
}

fn status_label(s: ActStatus) -> &'static str {
    match s {
        ActStatus::Active => "in essere",
        ActStatus::Annullato => "annullato",
        ActStatus::Sgravato => "sgravato",
        ActStatus::Rateizzato => "rateizzato",
    }
}

struct Writer {
    pages: Vec<Content>,
    y: f32,
}

impl Writer {
    fn new() -> Self {
        let mut w = Self {
            pages: Vec::new(),
            y: 0.0,
        };
        w.new_page();
        w
    }

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = PAGE_H - MARGIN;
    }

    /// Room for `height` more points on this page, or a new page.
    fn ensure(&mut self, height: f32) -> bool {
        if self.y - height < BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    fn content(&mut self) -> &mut Content {
        self.pages.last_mut().expect("a page")
    }

    fn text_at(&mut self, x: f32, y: f32, text: &str, size: f32, bold: bool, grey: bool) {
        let bytes = encode(text);
        let c = self.content();
        c.begin_text();
        if grey {
            c.set_fill_rgb(0.36, 0.43, 0.51);
        } else {
            c.set_fill_rgb(0.1, 0.1, 0.1);
        }
        c.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
        c.next_line(x, y);
        c.show(Str(&bytes));
        c.end_text();
    }

    /// One line of text at the left margin.
    fn line(&mut self, text: &str, size: f32, bold: bool, grey: bool) {
        self.ensure(size * 1.4);
        self.y -= size * 1.4;
        let y = self.y;
        self.text_at(MARGIN, y, text, size, bold, grey);
    }

    /// A row of table cells: the first two left-aligned, amounts right-aligned.
    fn cells(&mut self, cells: &[String; 7], bold: bool, shaded: bool) {
        self.y -= ROW;
        let y = self.y;
        if shaded {
            let c = self.content();
            c.set_fill_rgb(0.92, 0.94, 0.96);
            c.rect(MARGIN, y - 4.0, PAGE_W - 2.0 * MARGIN, ROW)
                .fill_nonzero();
        }
        let mut x = MARGIN;
        for (i, (cell, w)) in cells.iter().zip(WIDTHS).enumerate() {
            let size = 8.5;
            let tx = if i < 2 {
                x + 2.0
            } else {
                x + w - 2.0 - text_width(&encode(cell), size, bold)
            };
            self.text_at(tx, y, cell, size, bold, false);
            x += w;
        }
    }

    fn rule(&mut self) {
        self.y -= 4.0;
        let y = self.y;
        self.content()
            .set_line_width(0.5)
            .move_to(MARGIN, y)
            .line_to(PAGE_W - MARGIN, y)
            .stroke();
    }
}

fn header_cells() -> [String; 7] {
    TITLES.map(str::to_owned)
}

fn act_table(w: &mut Writer, act: &StatementAct) {
    // The heading, the status line and at least the table header and one row together.
    w.ensure(11.0 * 1.4 + 9.0 * 1.4 + 3.0 * ROW + 8.0);
    w.y -= 8.0;
    w.line(
        &format!(
            "{} n. {} ({}) - {}",
            act.kind.label_it(),
            act.number,
            act.year,
            act.tributo.label()
        ),
        11.0,
        true,
        false,
    );
    let mut status = format!("Stato: {}", status_label(act.status));
    if let Some(plan) = &act.plan {
        let _ = write!(
            status,
            " - {} il {} ({} rate)",
            plan.state.label_it(),
            day(plan.granted_on),
            plan.instalments
        );
        if let (PlanState::Lapsed, Some(on)) = (plan.state, plan.lapsed_on) {
            let _ = write!(status, ", residuo esigibile dal {}", day(on));
        }
    }
    if act.discharged > 0 {
        let _ = write!(status, " - sgravato o annullato: {}", eur(act.discharged));
    }
    if act.credit > 0 {
        let _ = write!(status, " - credito a favore: {}", eur(act.credit));
    }
    w.line(&status, 9.0, false, true);
    w.cells(&header_cells(), true, true);
    for i in &act.instalments {
        if w.ensure(ROW + 4.0) {
            w.cells(&header_cells(), true, true);
        }
        w.cells(
            &[
                i.n.to_string(),
                day(i.due_date),
                eur(i.amount),
                eur(i.paid),
                eur(i.residual),
                i.days_late.to_string(),
                eur(i.interest),
            ],
            false,
            false,
        );
    }
    w.ensure(2.0 * ROW + 8.0);
    w.rule();
    w.cells(
        &[
            "Totale".to_owned(),
            String::new(),
            eur(act.total),
            eur(act.paid),
            eur(act.residual),
            String::new(),
            eur(act.interest),
        ],
        true,
        false,
    );
    w.line(
        &format!("Interessi di mora giornalieri: {}", eur(act.daily_interest)),
        9.0,
        false,
        true,
    );
}

/// The statement as a PDF, produced at `now`, for the tenant named `tenant`.
pub fn statement(tenant: &str, s: &Statement, now: DateTime<Utc>) -> Vec<u8> {
    let local = now + rome_offset(now);
    let produced = local.format("%d/%m/%Y alle %H:%M").to_string();
    let mut w = Writer::new();
    w.line(tenant, 16.0, true, false);
    w.line("Estratto conto del contribuente", 12.0, true, false);
    w.y -= 4.0;
    w.line(
        &format!("Contribuente: {}", s.contribuente.name),
        10.0,
        false,
        false,
    );
    w.line(
        &format!("Codice fiscale: {}", s.contribuente.fiscal_code),
        10.0,
        false,
        false,
    );
    w.line(
        &format!("Situazione al {}", day(s.as_of)),
        10.0,
        false,
        false,
    );
    if s.acts.is_empty() {
        w.y -= 8.0;
        w.line("Nessun atto intestato.", 10.0, false, false);
    }
    for act in &s.acts {
        act_table(&mut w, act);
    }
    let t = &s.totals;
    w.ensure(8.0 * 14.0);
    w.y -= 10.0;
    w.line("Riepilogo", 11.0, true, false);
    w.rule();
    let rows = [
        ("Totale dovuto", eur(t.total)),
        ("Pagato", eur(t.paid)),
        ("Debito residuo", eur(t.residual)),
        ("Interessi di mora maturati", eur(t.interest)),
        ("Totale da versare", eur(t.residual + t.interest)),
        ("Interessi di mora giornalieri", eur(t.daily_interest)),
    ];
    for (label, value) in rows {
        w.y -= ROW;
        let y = w.y;
        w.text_at(MARGIN, y, label, 10.0, true, false);
        let x = PAGE_W - MARGIN - text_width(&encode(&value), 10.0, false);
        w.text_at(x, y, &value, 10.0, false, false);
    }
    if t.credit > 0 {
        w.line(
            &format!("Credito a favore del contribuente: {}", eur(t.credit)),
            10.0,
            false,
            false,
        );
    }
    w.y -= 6.0;
    w.line(
        "Gli interessi di mora maturano giorno per giorno sul debito residuo al tasso legale",
        8.0,
        false,
        true,
    );
    w.line(
        "maggiorato dei punti stabiliti dall'ente (L. 296/2006 art. 1 c. 165; L. 160/2019 art. 1 c. 802).",
        8.0,
        false,
        true,
    );
    render(w, tenant, &produced)
}

fn render(w: Writer, tenant: &str, produced: &str) -> Vec<u8> {
    let total = w.pages.len();
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let mut next = 6;
    let mut page_ids = Vec::new();
    for (i, mut content) in w.pages.into_iter().enumerate() {
        let page_id = Ref::new(next);
        let content_id = Ref::new(next + 1);
        next += 2;
        page_ids.push(page_id);
        let footer = encode(&format!(
            "{tenant} - estratto conto prodotto il {produced} - pagina {} di {total}",
            i + 1
        ));
        content
            .begin_text()
            .set_fill_rgb(0.36, 0.43, 0.51)
            .set_font(Name(b"F1"), 8.0)
            .next_line(MARGIN, 36.0)
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
        .kids(page_ids.iter().copied())
        .count(i32::try_from(total).unwrap_or(i32::MAX));
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info)
        .title(TextStr("Estratto conto"))
        .producer(TextStr("Sportello"));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::api::{ContribuenteSummary, StatementInstalment, StatementTotals};
    use domain::tax::{ActKind, Tributo};

    #[test]
    fn long_statements_run_over_pages_with_numbers() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 15).unwrap();
        let act = |i: u32| StatementAct {
            id: format!("a{i}"),
            kind: ActKind::AvvisoOrdinario,
            number: format!("2026/{i}"),
            year: 2026,
            tributo: Tributo::Tari,
            status: ActStatus::Active,
            total: 123_456,
            paid: 0,
            residual: 123_456,
            interest: 789,
            daily_interest: 5,
            credit: 0,
            discharged: 0,
            plan: None,
            instalments: (1..=4)
                .map(|n| StatementInstalment {
                    n,
                    due_date: day,
                    amount: 30_864,
                    paid: 0,
                    residual: 30_864,
                    days_late: 3,
                    interest: 197,
                })
                .collect(),
        };
        let s = Statement {
            as_of: day,
            contribuente: ContribuenteSummary {
                id: "c".into(),
                fiscal_code: "RSSMRA80A01H501U".into(),
                name: "Niccolò Città".into(),
            },
            acts: (0..30).map(act).collect(),
            totals: StatementTotals::default(),
        };
        let now = DateTime::parse_from_rfc3339("2026-02-15T09:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let pdf = statement("Comune di Prova", &s, now);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count "), "a page tree");
        // The footer of the last page says how many there are (10:30 in Rome, winter time).
        let total = pdf
            .windows(b"pagina ".len())
            .filter(|w| w == b"pagina ")
            .count();
        assert!(total > 1, "one footer per page");
        let needle = format!("pagina {total} di {total}");
        assert!(text.contains(&needle), "{needle}");
        assert!(text.contains("alle 10:30"));
    }
}
