//! The one style of field error messages, in the manner of the Designers Italia guidance:
//! a short sentence that names the field and says what to do ("Inserisci il cognome").
//! The same sentence is shown under the field and, as a link to it, in the error summary
//! at the top of the form, so it must make sense on its own.

use std::borrow::Cow;

use crate::error::FieldError;

/// How messages name a field: a noun phrase with its article for the fields the domain
/// knows ("il cognome", "the last name"), or the label a form defines ("il campo
/// «Superficie»"), since an article cannot be guessed for a label chosen by the Comune.
#[derive(Debug, Clone)]
pub struct FieldName {
    it: Cow<'static, str>,
    en: Cow<'static, str>,
    /// A form's own label: "Compila il campo «…»" reads better than "Inserisci il campo".
    labelled: bool,
}

impl FieldName {
    pub const fn noun(it: &'static str, en: &'static str) -> Self {
        Self {
            it: Cow::Borrowed(it),
            en: Cow::Borrowed(en),
            labelled: false,
        }
    }

    /// A label shown above the field, in both languages.
    pub fn label(it: &str, en: &str) -> Self {
        Self {
            it: Cow::Owned(format!("il campo «{it}»")),
            en: Cow::Owned(format!("the field “{en}”")),
            labelled: true,
        }
    }

    fn it_cap(&self) -> String {
        capitalise(&self.it)
    }

    fn en_cap(&self) -> String {
        capitalise(&self.en)
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// A required field left empty: "Inserisci il cognome", "Compila il campo «Superficie»".
pub fn required(field: impl Into<Cow<'static, str>>, name: &FieldName) -> FieldError {
    if name.labelled {
        FieldError::new(
            field,
            format!("Compila {}", name.it),
            format!("Fill in {}", name.en),
        )
    } else {
        FieldError::new(
            field,
            format!("Inserisci {}", name.it),
            format!("Enter {}", name.en),
        )
    }
}

/// A required checkbox left unticked.
pub fn must_tick(field: impl Into<Cow<'static, str>>, label: &str) -> FieldError {
    FieldError::new(
        field,
        format!("Seleziona la casella «{label}»"),
        format!("Tick the box “{label}”"),
    )
}

/// Text over its length: "Il cognome può avere al massimo 100 caratteri (ora 120)".
pub fn too_long(
    field: impl Into<Cow<'static, str>>,
    name: &FieldName,
    max: usize,
    len: usize,
) -> FieldError {
    FieldError::new(
        field,
        format!(
            "{} può avere al massimo {max} caratteri (ora {len})",
            name.it_cap()
        ),
        format!(
            "{} can have at most {max} characters (now {len})",
            name.en_cap()
        ),
    )
}

/// Text with control characters (or line breaks where one line is expected).
pub fn bad_characters(field: impl Into<Cow<'static, str>>, name: &FieldName) -> FieldError {
    FieldError::new(
        field,
        format!("{} contiene caratteri non ammessi", name.it_cap()),
        format!("{} contains characters that are not allowed", name.en_cap()),
    )
}

/// Any other rule, as "<field> <rule>": "Il campo «Dal» deve essere una data (AAAA-MM-GG)".
pub fn rule(
    field: impl Into<Cow<'static, str>>,
    name: &FieldName,
    it: &str,
    en: &str,
) -> FieldError {
    FieldError::new(
        field,
        format!("{} {it}", name.it_cap()),
        format!("{} {en}", name.en_cap()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sentence_naming_the_field() {
        let last = FieldName::noun("il cognome", "the last name");
        let e = required("last_name", &last);
        assert_eq!(e.message.it, "Inserisci il cognome");
        assert_eq!(e.message.en, "Enter the last name");
        let mq = FieldName::label("Superficie", "Superficie");
        assert_eq!(
            required("f", &mq).message.it,
            "Compila il campo «Superficie»"
        );
        assert_eq!(
            too_long("f", &last, 100, 120).message.it,
            "Il cognome può avere al massimo 100 caratteri (ora 120)"
        );
        assert_eq!(
            bad_characters("f", &mq).message.en,
            "The field “Superficie” contains characters that are not allowed"
        );
        assert_eq!(
            rule("f", &mq, "deve essere un numero", "must be a number")
                .message
                .it,
            "Il campo «Superficie» deve essere un numero"
        );
    }
}
