//! Bounded, non-empty free text (subjects, descriptions, names).

use crate::error::DomainError;

use super::string_newtype_serde;

/// Trims, refuses empty or over-long text and control characters (newlines and tabs are
/// allowed only in multi-line text). Length is counted in characters, not bytes.
fn bounded(
    input: &str,
    field: &'static str,
    label_it: &str,
    label_en: &str,
    max: usize,
    multiline: bool,
) -> Result<String, DomainError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(DomainError::invalid(
            field,
            format!("{label_it}: campo obbligatorio"),
            format!("{label_en}: this field is required"),
        ));
    }
    let len = value.chars().count();
    if len > max {
        return Err(DomainError::invalid(
            field,
            format!("{label_it}: al massimo {max} caratteri (ora {len})"),
            format!("{label_en}: at most {max} characters (now {len})"),
        ));
    }
    let bad_control = value
        .chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')));
    if bad_control {
        return Err(DomainError::invalid(
            field,
            format!("{label_it}: contiene caratteri non ammessi"),
            format!("{label_en}: contains characters that are not allowed"),
        ));
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

            pub fn parse(input: &str) -> Result<Self, DomainError> {
                bounded(input, $field, $it, $en, $max, $multi).map(Self)
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
    Subject, "subject", "Oggetto", "Subject", 200, false
);
bounded_text!(
    /// Description of a request or body of a message: at most 4,000 characters.
    Description, "description", "Descrizione", "Description", 4000, true
);
bounded_text!(
    /// A first or last name: one line, at most 100 characters.
    PersonName, "name", "Nome", "Name", 100, false
);

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
    fn control_characters() {
        assert!(Subject::parse("a\nb").is_err());
        assert!(Description::parse("riga 1\nriga 2\tfine").is_ok());
        assert!(Description::parse("nul\u{0}").is_err());
        // Markup is just text: it is stored as is and escaped where shown.
        assert!(Description::parse("<script>alert(1)</script>").is_ok());
    }
}
