//! Drafts of new requests (`/me/drafts`): what a signed-in citizen typed in the wizard,
//! kept on the server so it can be resumed on another device. One draft per citizen and
//! request type. A draft is checked only for sizes: the full rules apply on filing.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Errors, FieldError};
use crate::forms::MAX_TEXTAREA;
use crate::messages::{self, FieldName};
use crate::types::{Description, Subject};

/// Most form fields a draft may carry (a type defines far fewer).
pub const MAX_DRAFT_FIELDS: usize = 50;
/// Longest field name of a draft.
pub const MAX_DRAFT_FIELD_NAME: usize = 64;

/// `PUT /me/drafts/{type_code}`: every part may still be empty or incomplete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SaveDraft {
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub description: String,
    /// Values of the type's form fields by name: text, numbers or true/false.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// A saved draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    /// The request type's code (`GET /request-types`).
    pub type_code: String,
    pub subject: String,
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: BTreeMap<String, serde_json::Value>,
    pub updated_at: DateTime<Utc>,
}

impl SaveDraft {
    /// Bounded sizes and plain values only; blanks are allowed.
    pub fn check(&self) -> Result<(), DomainError> {
        let mut errors = Errors::new();
        let subject = FieldName::noun("l'oggetto", "the subject");
        let len = self.subject.chars().count();
        if len > Subject::MAX_CHARS {
            errors.push(messages::too_long(
                "subject",
                &subject,
                Subject::MAX_CHARS,
                len,
            ));
        }
        let len = self.description.chars().count();
        if len > Description::MAX_CHARS {
            let name = FieldName::noun("la descrizione", "the description");
            errors.push(messages::too_long(
                "description",
                &name,
                Description::MAX_CHARS,
                len,
            ));
        }
        if self.fields.len() > MAX_DRAFT_FIELDS {
            errors.push(FieldError::new(
                "fields",
                format!("Una bozza può avere al massimo {MAX_DRAFT_FIELDS} campi"),
                format!("A draft can have at most {MAX_DRAFT_FIELDS} fields"),
            ));
        }
        for (name, value) in &self.fields {
            let field = format!("fields.{name}");
            let plain = name.chars().count() <= MAX_DRAFT_FIELD_NAME
                && !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !plain {
                errors.push(FieldError::new(
                    if name.chars().count() <= MAX_DRAFT_FIELD_NAME {
                        field
                    } else {
                        "fields".to_owned()
                    },
                    "Nome di campo non valido",
                    "Invalid field name",
                ));
                continue;
            }
            let ok = match value {
                serde_json::Value::String(s) => s.chars().count() <= MAX_TEXTAREA,
                serde_json::Value::Number(_)
                | serde_json::Value::Bool(_)
                | serde_json::Value::Null => true,
                _ => false,
            };
            if !ok {
                errors.push(FieldError::new(
                    field,
                    format!("Il valore deve essere un testo di al massimo {MAX_TEXTAREA} caratteri, un numero o sì/no"),
                    format!("The value must be a text of at most {MAX_TEXTAREA} characters, a number or true/false"),
                ));
            }
        }
        errors.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drafts_are_checked_for_size_only() {
        let ok: SaveDraft =
            serde_json::from_value(json!({"subject": "", "fields": {"mq": "8", "ok": true}}))
                .unwrap();
        assert!(ok.check().is_ok());
        let bad = SaveDraft {
            subject: "x".repeat(201),
            description: String::new(),
            fields: serde_json::from_value(json!({"a": [1], "b c": "x"})).unwrap(),
        };
        let err = bad.check().unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_ref())
            .collect();
        assert_eq!(fields, ["subject", "fields.a", "fields.b c"]);
    }
}
