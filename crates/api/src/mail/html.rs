//! HTML bodies to safe plain text: the desk stores and shows text only, never markup.

/// Converts an HTML body to text: scripts, styles and comments dropped, entities decoded,
/// block elements on their own lines, control characters removed, blank runs collapsed.
pub fn to_text(html: &str) -> String {
    // mail-parser's converter breaks lines on <br> and </p> only: mark other blocks too.
    let mut marked = String::with_capacity(html.len() + 64);
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while let Some(pos) = lower[i..].find('<') {
        let at = i + pos;
        marked.push_str(&html[i..at]);
        let tag = &lower.as_bytes()[at..lower.len().min(at + 6)];
        let block = [
            "</div", "<div", "</li", "<li", "</tr", "<tr", "</h1", "</h2", "</h3", "</h4", "<hr",
            "</tab", "</blo",
        ]
        .iter()
        .any(|t| tag.starts_with(t.as_bytes()));
        if block {
            marked.push_str("<br>");
        }
        marked.push('<');
        i = at + 1;
    }
    marked.push_str(&html[i..]);
    let text = mail_parser::decoders::html::html_to_text(&marked);
    clean(&text)
}

/// Removes control characters (keeping newlines and tabs), trims lines, and collapses
/// more than two blank lines.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let line: String = line
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .filter(|c| !matches!(c, '\u{200b}' | '\u{feff}' | '\u{202e}' | '\u{202d}'))
            .collect();
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank = 0;
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_safe_text() {
        let html = "<html><head><style>p{color:red}</style><script>alert(1)</script></head>\
                    <body><div>Buongiorno,</div><p>la raccolta &egrave; <b>saltata</b> &amp; basta.</p>\
                    <ul><li>uno</li><li>due</li></ul><!-- nascosto --><img src=x onerror=alert(1)></body></html>";
        let text = to_text(html);
        assert!(text.contains("Buongiorno,"), "{text}");
        assert!(text.contains("la raccolta è saltata & basta."), "{text}");
        assert!(text.contains("uno") && text.contains("due"));
        assert!(!text.contains("alert"), "{text}");
        assert!(!text.contains("color"), "{text}");
        assert!(!text.contains('<'), "{text}");
        assert!(!text.contains("nascosto"));
    }

    #[test]
    fn control_characters_removed() {
        assert_eq!(clean("a\u{7}b\r\n\r\n\r\n\r\nc\u{202e}"), "ab\n\nc");
    }
}
