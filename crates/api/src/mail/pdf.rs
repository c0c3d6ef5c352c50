//! A request's conversation as a PDF (`pdf-writer`, the PDF library of the Typst project):
//! A4 pages, the standard Helvetica fonts with WinAnsi encoding (all Italian letters),
//! text wrapped by the fonts' real glyph widths, page numbers in the footer.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A piece of the document, laid out top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(String),
    Heading(String),
    /// `label: value` on one line (wrapped if long).
    Field(String, String),
    Paragraph(String),
    /// Small grey text.
    Note(String),
    Rule,
    Space,
}

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const BOTTOM: f32 = 64.0;

/// Helvetica advance widths (1/1000 em) for ASCII 32–126.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 32–47
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 48–63
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722,
    778, // 64–79
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 80–95
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556,
    556, // 96–111
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // 112–126
];

/// The WinAnsi byte of a character (`?` when the encoding has none).
pub(crate) fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '\t' => b' ',
        _ => b'?',
    }
}

/// Width of one WinAnsi byte: ASCII from the table, accented letters as their base.
fn glyph_width(b: u8, bold: bool) -> f32 {
    let base = match b {
        32..=126 => f32::from(HELVETICA[usize::from(b - 32)]),
        0xC0..=0xC6 | 0xC8..=0xCB | 0xD2..=0xD6 | 0xD8..=0xDD => 700.0,
        0xCC..=0xCF | 0xEC..=0xEF => 278.0,
        0xE0..=0xEB | 0xF0..=0xFF => 556.0,
        0x97 | 0x89 => 1000.0,
        _ => 556.0,
    };
    if bold { base * 1.07 } else { base }
}

pub(crate) fn text_width(bytes: &[u8], size: f32, bold: bool) -> f32 {
    bytes.iter().map(|b| glyph_width(*b, bold)).sum::<f32>() * size / 1000.0
}

/// Wraps `text` (already encoded) to `width` points; long words are cut.
fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line: Vec<u8> = Vec::new();
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let w: Vec<u8> = word.chars().map(win_ansi).collect();
            let mut candidate = line.clone();
            if !candidate.is_empty() {
                candidate.push(b' ');
            }
            candidate.extend_from_slice(&w);
            if text_width(&candidate, size, bold) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word longer than the line: cut it.
            let mut piece = Vec::new();
            for b in w {
                piece.push(b);
                if text_width(&piece, size, bold) > width {
                    let last = piece.pop().unwrap_or(b' ');
                    lines.push(std::mem::take(&mut piece));
                    piece.push(last);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

struct Page {
    content: Content,
    y: f32,
}

struct Writer {
    pages: Vec<Page>,
}

impl Writer {
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Page {
            content: Content::new(),
            y: PAGE_H - MARGIN,
        });
    }

    fn ensure(&mut self, height: f32) {
        if self.page().y - height < BOTTOM {
            self.new_page();
        }
    }

    fn line(&mut self, bytes: &[u8], size: f32, bold: bool, grey: bool, indent: f32) {
        let leading = size * 1.35;
        self.ensure(leading);
        let page = self.page();
        page.y -= leading;
        let y = page.y;
        let c = &mut page.content;
        c.begin_text();
        if grey {
            c.set_fill_rgb(0.36, 0.43, 0.51);
        } else {
            c.set_fill_rgb(0.1, 0.1, 0.1);
        }
        c.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
        c.next_line(MARGIN + indent, y);
        c.show(Str(bytes));
        c.end_text();
    }

    fn text(&mut self, text: &str, size: f32, bold: bool, grey: bool) {
        for l in wrap(text, size, bold, PAGE_W - 2.0 * MARGIN) {
            self.line(&l, size, bold, grey, 0.0);
        }
    }
}

/// Renders the blocks to a PDF document.
pub fn render(title: &str, footer: &str, blocks: &[Block]) -> Vec<u8> {
    let mut w = Writer { pages: Vec::new() };
    for b in blocks {
        match b {
            Block::Title(t) => w.text(t, 16.0, true, false),
            Block::Heading(t) => {
                w.ensure(40.0);
                w.page().y -= 6.0;
                w.text(t, 11.5, true, false);
            }
            Block::Field(label, value) => {
                let label_bytes: Vec<u8> = format!("{label}: ").chars().map(win_ansi).collect();
                let indent = text_width(&label_bytes, 10.0, true);
                let lines = wrap(value, 10.0, false, PAGE_W - 2.0 * MARGIN - indent);
                for (i, l) in lines.iter().enumerate() {
                    if i == 0 {
                        w.line(&label_bytes, 10.0, true, false, 0.0);
                        w.page().y += 10.0 * 1.35;
                    }
                    w.line(l, 10.0, false, false, indent);
                }
            }
            Block::Paragraph(t) => w.text(t, 10.0, false, false),
            Block::Note(t) => w.text(t, 8.5, false, true),
            Block::Rule => {
                w.ensure(10.0);
                let page = w.page();
                page.y -= 5.0;
                let y = page.y;
                page.content
                    .set_line_width(0.5)
                    .move_to(MARGIN, y)
                    .line_to(PAGE_W - MARGIN, y)
                    .stroke();
                page.y -= 3.0;
            }
            Block::Space => {
                w.page().y -= 8.0;
            }
        }
    }
    if w.pages.is_empty() {
        w.new_page();
    }
    let total = w.pages.len();
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let mut next = 6;
    let mut page_ids = Vec::new();
    for (i, mut page) in w.pages.into_iter().enumerate() {
        let page_id = Ref::new(next);
        let content_id = Ref::new(next + 1);
        next += 2;
        page_ids.push(page_id);
        let footer_text: Vec<u8> = format!("{footer} — pagina {} di {total}", i + 1)
            .chars()
            .map(win_ansi)
            .collect();
        page.content
            .begin_text()
            .set_fill_rgb(0.36, 0.43, 0.51)
            .set_font(Name(b"F1"), 8.0)
            .next_line(MARGIN, 36.0)
            .show(Str(&footer_text))
            .end_text();
        let data = page.content.finish();
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
        .title(TextStr(title))
        .producer(TextStr("Sportello"));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_valid_pdf_with_italian_text() {
        let mut blocks = vec![
            Block::Title("Pratica prot. 2026/0000001".into()),
            Block::Field(
                "Oggetto".into(),
                "Perché la raccolta è saltata? Città".into(),
            ),
            Block::Rule,
        ];
        for i in 0..120 {
            blocks.push(Block::Paragraph(format!(
                "Messaggio {i}: {}",
                "parola ".repeat(40)
            )));
        }
        let bytes = render("Conversazione", "Comune di Prova", &blocks);
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(bytes.ends_with(b"%%EOF\n") || bytes.ends_with(b"%%EOF"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/Helvetica"));
        assert!(text.contains("/Count "));
        // Accented letters are encoded as WinAnsi bytes.
        // "Perché": é is WinAnsi 0xE9 (pdf-writer writes such strings in hex).
        assert!(text.contains("5065726368E9"));
    }

    #[test]
    fn wrapping_respects_width() {
        let lines = wrap(&"abcdefghij ".repeat(50), 10.0, false, 200.0);
        assert!(lines.len() > 5);
        for l in &lines {
            assert!(text_width(l, 10.0, false) <= 200.0);
        }
        let long = wrap(&"x".repeat(500), 10.0, false, 100.0);
        assert!(long.len() > 5);
    }
}
