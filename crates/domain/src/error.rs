//! The one error type of the domain layer, with messages in Italian and English.

use std::borrow::Cow;
use std::fmt;

/// Language of user-facing messages. Italian is the default everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    It,
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` header value: English only when it is
    /// preferred over Italian, Italian otherwise.
    pub fn from_accept_language(header: &str) -> Self {
        for part in header.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("it") {
                return Lang::It;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::It
    }
}

/// A message in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub it: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Message {
    pub fn new(it: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self {
            it: it.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::It => &self.it,
            Lang::En => &self.en,
        }
    }
}

/// A problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Cow<'static, str>,
    pub message: Message,
}

impl FieldError {
    pub fn new(
        field: impl Into<Cow<'static, str>>,
        it: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            field: field.into(),
            message: Message::new(it, en),
        }
    }

    /// The same error reported under another field name (e.g. `citizen.email`).
    #[must_use]
    pub fn at(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = field.into();
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Input that cannot be accepted; one entry per offending field.
    Validation(Vec<FieldError>),
    /// The action is not possible in the current state (an illegal transition).
    Conflict(Message),
    /// The actor is not allowed to perform the action.
    Forbidden(Message),
}

impl DomainError {
    pub fn invalid(
        field: impl Into<Cow<'static, str>>,
        it: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::Validation(vec![FieldError::new(field, it, en)])
    }

    pub fn conflict(it: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self::Conflict(Message::new(it, en))
    }

    pub fn forbidden(it: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Self::Forbidden(Message::new(it, en))
    }

    /// Field errors, empty for non-validation errors.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Validation(errors) => errors,
            _ => &[],
        }
    }

    /// One-line summary in the given language.
    pub fn summary(&self, lang: Lang) -> String {
        match self {
            Self::Validation(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message.get(lang)))
                .collect::<Vec<_>>()
                .join("; "),
            Self::Conflict(m) | Self::Forbidden(m) => m.get(lang).to_owned(),
        }
    }

    /// Re-labels the field of every validation error, e.g. to report `citizen.email`.
    #[must_use]
    pub fn at_field(self, field: &'static str) -> Self {
        match self {
            Self::Validation(errors) => {
                Self::Validation(errors.into_iter().map(|e| e.at(field)).collect())
            }
            other => other,
        }
    }
}

impl From<FieldError> for DomainError {
    fn from(e: FieldError) -> Self {
        Self::Validation(vec![e])
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary(Lang::En))
    }
}

/// Collects validation errors from several fields so a form reports all of them at once.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value when valid, records the errors otherwise.
    pub fn check<T>(&mut self, result: Result<T, DomainError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(DomainError::Validation(mut errs)) => {
                self.0.append(&mut errs);
                None
            }
            Err(other) => {
                // Non-validation errors cannot come from parsing; keep them visible anyway.
                self.0.push(FieldError::new(
                    "",
                    other.summary(Lang::It),
                    other.summary(Lang::En),
                ));
                None
            }
        }
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded.
    pub fn finish(self) -> Result<(), DomainError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Validation(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_first_known_tag() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,it;q=0.8"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("it-IT,it;q=0.9,en;q=0.8"),
            Lang::It
        );
        assert_eq!(Lang::from_accept_language("de-DE,en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr"), Lang::It);
        assert_eq!(Lang::from_accept_language(""), Lang::It);
    }

    #[test]
    fn errors_collects_all_fields() {
        let mut e = Errors::new();
        let a: Option<u8> = e.check(Err(DomainError::invalid("a", "x", "x")));
        let b = e.check(Ok(2));
        assert_eq!((a, b), (None, Some(2)));
        e.push(FieldError::new("c", "y", "y"));
        let err = e.finish().unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|f| f.field.to_string())
            .collect();
        assert_eq!(fields, ["a", "c"]);
    }
}
