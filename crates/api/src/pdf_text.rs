//! The text of a published PDF, extracted once at upload so the answer search can find a
//! document by what it says, not only by its title.

/// Pages read: the start of a long document says what it is about.
const MAX_PAGES: usize = 100;
/// Decompressed content of one page, at most: a small stream cannot inflate without bound.
const MAX_PAGE_CONTENT: usize = 4 * 1024 * 1024;
/// Characters kept.
const MAX_CHARS: usize = 100_000;

/// The document's text with runs of blanks collapsed, or `None` when there is none (a
/// scan, an unreadable file). Never fails the upload: a parser panic is caught.
pub fn extract(bytes: &[u8]) -> Option<String> {
    std::panic::catch_unwind(|| {
        let doc = lopdf::Document::load_mem(bytes).ok()?;
        let pages: Vec<u32> = doc.get_pages().keys().copied().take(MAX_PAGES).collect();
        let mut text = String::new();
        for chunk in doc
            .extract_text_chunks_with_limit(&pages, MAX_PAGE_CONTENT)
            .into_iter()
            .flatten()
        {
            for word in chunk.split_whitespace() {
                if text.len() >= MAX_CHARS {
                    break;
                }
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(word);
            }
        }
        let cut = text
            .char_indices()
            .nth(MAX_CHARS)
            .map_or(text.len(), |(i, _)| i);
        text.truncate(cut);
        (!text.is_empty()).then_some(text)
    })
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_text_of_a_pdf() {
        let pdf = crate::seed::simple_pdf(
            "Regolamento TARI",
            &[
                "Le riduzioni per il compostaggio domestico",
                "sono del 20 per cento.",
            ],
        );
        let text = extract(&pdf).expect("text");
        assert!(text.contains("compostaggio domestico"), "{text}");
        assert!(text.contains("Regolamento TARI"), "{text}");
    }

    #[test]
    fn garbage_has_no_text() {
        assert_eq!(extract(b"%PDF-1.4\nnot really"), None);
        assert_eq!(extract(b""), None);
    }
}
