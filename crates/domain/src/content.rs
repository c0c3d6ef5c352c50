//! Checks shared by the public content administrators write (transparency items, the
//! Riciclabolario): trimmed text within a length, no control characters, and links that
//! are either absolute HTTPS addresses or paths of this site.

use crate::error::DomainError;
use crate::messages::{self, FieldName};

/// A required text, trimmed: at most `max` characters, control characters only as line
/// breaks and tabs when `multiline`.
pub fn required_text(
    field: &str,
    value: &str,
    label: (&str, &str),
    max: usize,
    multiline: bool,
) -> Result<String, DomainError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(
            messages::required(field.to_owned(), &FieldName::label(label.0, label.1)).into(),
        );
    }
    bounded(field, v, label, max, multiline).map(str::to_owned)
}

/// An optional text: empty or blank is `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    label: (&str, &str),
    max: usize,
    multiline: bool,
) -> Result<Option<String>, DomainError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => bounded(field, v, label, max, multiline).map(|v| Some(v.to_owned())),
    }
}

fn bounded<'a>(
    field: &str,
    v: &'a str,
    label: (&str, &str),
    max: usize,
    multiline: bool,
) -> Result<&'a str, DomainError> {
    let len = v.chars().count();
    if len > max {
        return Err(messages::too_long(
            field.to_owned(),
            &FieldName::label(label.0, label.1),
            max,
            len,
        )
        .into());
    }
    if v.chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(messages::bad_characters(
            field.to_owned(),
            &FieldName::label(label.0, label.1),
        )
        .into());
    }
    Ok(v)
}

/// A link a visitor may follow: `https://…` with a host, or a path of this site (`/…`,
/// not `//…`, which would be another host). Anything else (`javascript:`, `http:`) is
/// refused, since the link is rendered as-is in public pages.
pub fn public_link(field: &str, value: &str) -> Result<String, DomainError> {
    let v = value.trim();
    let ok = if let Some(rest) = v.strip_prefix("https://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !host.contains('@')
    } else {
        v.starts_with('/') && !v.starts_with("//")
    };
    if !ok || v.len() > 500 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(DomainError::invalid(
            field.to_owned(),
            "Indirizzo non valido: usare https://… oppure un percorso del sito che inizia con /",
            "Invalid address: use https://… or a path of this site starting with /",
        ));
    }
    Ok(v.to_owned())
}

/// One RFC 4180 line of the demo data files (they have no line breaks inside cells).
#[cfg(test)]
pub(crate) fn csv_line(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_https_or_local_paths() {
        assert!(public_link("u", "https://www.arera.it/atti").is_ok());
        assert!(public_link("u", "/api/v1/public/documents/1/file").is_ok());
        for bad in [
            "http://example.org",
            "javascript:alert(1)",
            "//evil.example",
            "https://",
            "https://user@host/",
            "/a b",
            "",
        ] {
            assert!(public_link("u", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(
            required_text("t", "  ciao ", ("T", "T"), 10, false).unwrap(),
            "ciao"
        );
        assert!(required_text("t", "   ", ("T", "T"), 10, false).is_err());
        assert!(required_text("t", "abcdefghijk", ("T", "T"), 10, false).is_err());
        assert!(required_text("t", "a\nb", ("T", "T"), 10, false).is_err());
        assert!(required_text("t", "a\nb", ("T", "T"), 10, true).is_ok());
        assert_eq!(
            optional_text("t", Some("  "), ("T", "T"), 10, false).unwrap(),
            None
        );
    }
}
