use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Lang};

/// RFC 9457 problem details, the body of every error (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem, e.g. `https://sportello.dev/problems/validation`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// One entry per invalid field.
    #[serde(default)]
    pub errors: Vec<FieldProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl Problem {
    /// Field-level errors in the requested language.
    pub fn field_problems(err: &DomainError, lang: Lang) -> Vec<FieldProblem> {
        err.field_errors()
            .iter()
            .map(|e| FieldProblem {
                field: e.field.to_string(),
                message: e.message.get(lang).to_owned(),
            })
            .collect()
    }

    /// The message for one field, if any.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}
