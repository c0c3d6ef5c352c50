//! Bounded, non-empty free text (subjects, descriptions, names).

use crate::error::DomainError;
use crate::messages::{self, FieldName};

use super::string_newtype_serde;

/// Trims, refuses empty or over-long text and control characters (newlines and tabs are
/// allowed only in multi-line text). Length is counted in characters, not bytes.
fn bounded(
    input: &str,
    field: &'static str,
    name: &FieldName,
    max: usize,
    multiline: bool,
) -> Result<String, DomainError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(messages::required(field, name).into());
    }
    let len = value.chars().count();
    if len > max {
        return Err(messages::too_long(field, name, max, len).into());
    }
    let bad_control = value
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')));
    if bad_control {
        return Err(messages::bad_characters(field, name).into());
    }
    Ok(value.to_owned())
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $it:literal, $en:literal, $max:literal, $multi:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;
            const NAME: FieldName = FieldName::noun($it, $en);

            pub fn parse(input: &str) -> Result<Self, DomainError> {
                bounded(input, $field, &Self::NAME, $max, $multi).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        string_newtype_serde!($name);
    };
}

bounded_text!(
    /// Subject of a request: one line, at most 200 characters.
    Subject, "subject", "l'oggetto", "the subject", 200, false
);
bounded_text!(
    /// Description of a request or body of a message: at most 4,000 characters.
    Description, "description", "la descrizione", "the description", 4000, true
);
bounded_text!(
    /// A first or last name: one line, at most 100 characters. `parse` names it
    /// generically; a form with both names uses `parse_first` and `parse_last`, so that
    /// each field's message names that field.
    PersonName, "name", "il nome", "the name", 100, false
);

impl PersonName {
    /// The first name, reported as `first_name` ("Inserisci il nome").
    pub fn parse_first(input: &str) -> Result<Self, DomainError> {
        let name = FieldName::noun("il nome", "the first name");
        bounded(input, "first_name", &name, Self::MAX_CHARS, false).map(Self)
    }

    /// The last name, reported as `last_name` ("Inserisci il cognome").
    pub fn parse_last(input: &str) -> Result<Self, DomainError> {
        let name = FieldName::noun("il cognome", "the last name");
        bounded(input, "last_name", &name, Self::MAX_CHARS, false).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(
            Subject::parse("  Bidone rotto ").unwrap().as_str(),
            "Bidone rotto"
        );
        assert!(Subject::parse(&"à".repeat(200)).is_ok());
        let err = Subject::parse(&"à".repeat(201)).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "subject");
        assert!(err.field_errors()[0].message.it.contains("200"));
        assert!(Subject::parse("   ").is_err());
        assert!(Description::parse(&"x".repeat(4000)).is_ok());
        assert!(Description::parse(&"x".repeat(4001)).is_err());
    }

    #[test]
    fn each_name_field_names_itself() {
        let first = PersonName::parse_first(" ").unwrap_err();
        assert_eq!(first.field_errors()[0].field, "first_name");
        assert_eq!(first.field_errors()[0].message.it, "Inserisci il nome");
        let last = PersonName::parse_last("").unwrap_err();
        assert_eq!(last.field_errors()[0].field, "last_name");
        assert_eq!(last.field_errors()[0].message.it, "Inserisci il cognome");
        assert_eq!(last.field_errors()[0].message.en, "Enter the last name");
        let long = PersonName::parse_last(&"a".repeat(101)).unwrap_err();
        assert_eq!(
            long.field_errors()[0].message.it,
            "Il cognome può avere al massimo 100 caratteri (ora 101)"
        );
        assert_eq!(
            Subject::parse("").unwrap_err().field_errors()[0].message.it,
            "Inserisci l'oggetto"
        );
    }

    #[test]
    fn control_characters() {
        assert!(Subject::parse("a\nb").is_err());
        assert!(Description::parse("riga 1\nriga 2\tfine").is_ok());
        assert!(Description::parse("nul\u{0}").is_err());
        // Markup is just text: it is stored as is and escaped where shown.
        assert!(Description::parse("<script>alert(1)</script>").is_ok());
    }
}
