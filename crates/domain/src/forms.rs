//! Checks the typed fields of a request against its type's form definition, the same way
//! in the browser and on the server.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::Value;

use crate::api::{FieldDef, FieldType};
use crate::error::{DomainError, Errors, FieldError};
use crate::messages::{self, FieldName};

/// Longest value of a text field; textareas follow the description limit.
pub const MAX_TEXT: usize = 500;
pub const MAX_TEXTAREA: usize = 4000;

/// Returns the normalised values (trimmed strings, numbers, booleans), keeping only the
/// defined fields. Missing required fields, wrong types and unknown fields are errors,
/// reported as `fields.<name>`.
pub fn validate_fields(
    defs: &[FieldDef],
    values: &BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Value>, DomainError> {
    let mut errors = Errors::new();
    let mut out = BTreeMap::new();
    for name in values.keys() {
        if !defs.iter().any(|d| &d.name == name) {
            errors.push(FieldError::new(
                format!("fields.{name}"),
                "Campo non previsto per questo tipo di richiesta",
                "Field not expected for this type of request",
            ));
        }
    }
    for def in defs {
        let field = format!("fields.{}", def.name);
        let name = FieldName::label(&def.label, &def.label);
        let value = values.get(&def.name).filter(|v| !is_blank(v));
        let Some(value) = value else {
            if def.required {
                errors.push(messages::required(field, &name));
            }
            continue;
        };
        match normalise(def, value) {
            Ok(v) => {
                out.insert(def.name.clone(), v);
            }
            Err(Problem::TooLong(max, len)) => {
                errors.push(messages::too_long(field, &name, max, len));
            }
            Err(Problem::BadCharacters) => errors.push(messages::bad_characters(field, &name)),
            Err(Problem::Rule(it, en)) => errors.push(messages::rule(field, &name, it, en)),
        }
    }
    errors.finish().map(|()| out)
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// What is wrong with a value, phrased by `messages` with the field's label.
enum Problem {
    TooLong(usize, usize),
    BadCharacters,
    /// The rest of the sentence after the field's name, in Italian and English.
    Rule(&'static str, &'static str),
}

fn normalise(def: &FieldDef, value: &Value) -> Result<Value, Problem> {
    let as_text = || match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match def.field_type {
        FieldType::Text | FieldType::Textarea => {
            let max = if def.field_type == FieldType::Text {
                MAX_TEXT
            } else {
                MAX_TEXTAREA
            };
            let s = as_text().ok_or(Problem::Rule("deve essere un testo", "must be text"))?;
            let len = s.chars().count();
            if len > max {
                return Err(Problem::TooLong(max, len));
            }
            if s.chars().any(|c| {
                c.is_control()
                    && !(def.field_type == FieldType::Textarea && matches!(c, '\n' | '\r' | '\t'))
            }) {
                return Err(Problem::BadCharacters);
            }
            Ok(Value::String(s))
        }
        FieldType::Number => {
            let n = match value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
                _ => None,
            }
            .filter(|n| n.is_finite() && *n >= 0.0 && *n <= 1e9)
            .ok_or(Problem::Rule(
                "deve essere un numero non negativo",
                "must be a non-negative number",
            ))?;
            Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
        }
        FieldType::Date => {
            let s = as_text().unwrap_or_default();
            NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map(|d| Value::String(d.to_string()))
                .map_err(|_| {
                    Problem::Rule(
                        "deve essere una data valida (AAAA-MM-GG)",
                        "must be a valid date (YYYY-MM-DD)",
                    )
                })
        }
        FieldType::Select => {
            let s = as_text().unwrap_or_default();
            if def.options.iter().any(|o| o.value == s) {
                Ok(Value::String(s))
            } else {
                Err(Problem::Rule(
                    "ha un valore non tra quelli ammessi",
                    "has a value not among the allowed ones",
                ))
            }
        }
        FieldType::Checkbox => match value {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(s) if s == "true" || s == "on" => Ok(Value::Bool(true)),
            Value::String(s) if s == "false" => Ok(Value::Bool(false)),
            _ => Err(Problem::Rule("deve essere sì o no", "must be yes or no")),
        },
    }
}

/// The filled-in fields as the citizen reads them, in the form's order: `(label, value)`,
/// with the option's label for a select, Sì/No (Yes/No) for a checkbox and an Italian
/// date. Fields left empty are left out; values of fields the type no longer defines are
/// listed last under their name, so nothing the citizen sent goes unseen.
pub fn display_fields(
    defs: &[FieldDef],
    values: &BTreeMap<String, Value>,
    lang: crate::Lang,
) -> Vec<(String, String)> {
    let text = |def: Option<&FieldDef>, v: &Value| -> Option<String> {
        let s = match v {
            Value::Null => return None,
            Value::Bool(b) => match (b, lang) {
                (true, crate::Lang::It) => "Sì".to_owned(),
                (false, crate::Lang::It) => "No".to_owned(),
                (true, crate::Lang::En) => "Yes".to_owned(),
                (false, crate::Lang::En) => "No".to_owned(),
            },
            Value::String(s) => {
                let s = s.trim();
                match def.map(|d| d.field_type) {
                    Some(FieldType::Select) => def
                        .and_then(|d| d.options.iter().find(|o| o.value == s))
                        .map_or_else(|| s.to_owned(), |o| o.label.clone()),
                    Some(FieldType::Date) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map_or_else(|_| s.to_owned(), |d| d.format("%d/%m/%Y").to_string()),
                    _ => s.to_owned(),
                }
            }
            other => other.to_string(),
        };
        (!s.is_empty()).then_some(s)
    };
    let mut out: Vec<(String, String)> = defs
        .iter()
        .filter_map(|d| Some((d.label.clone(), text(Some(d), values.get(&d.name)?)?)))
        .collect();
    for (name, v) in values {
        if !defs.iter().any(|d| &d.name == name)
            && let Some(s) = text(None, v)
        {
            out.push((name.clone(), s));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::FieldOption;
    use serde_json::json;

    fn defs() -> Vec<FieldDef> {
        vec![
            FieldDef {
                name: "indirizzo".into(),
                label: "Indirizzo".into(),
                field_type: FieldType::Text,
                required: true,
                options: vec![],
                help: None,
            },
            FieldDef {
                name: "mq".into(),
                label: "Superficie".into(),
                field_type: FieldType::Number,
                required: false,
                options: vec![],
                help: None,
            },
            FieldDef {
                name: "dal".into(),
                label: "Dal".into(),
                field_type: FieldType::Date,
                required: false,
                options: vec![],
                help: None,
            },
            FieldDef {
                name: "tipo".into(),
                label: "Tipo".into(),
                field_type: FieldType::Select,
                required: false,
                options: vec![FieldOption {
                    value: "domestica".into(),
                    label: "Domestica".into(),
                }],
                help: None,
            },
        ]
    }

    #[test]
    fn display_uses_labels_in_form_order() {
        let values: BTreeMap<String, Value> = serde_json::from_value(json!({
            "tipo": "domestica", "mq": 85.5, "dal": "2026-11-01", "indirizzo": "", "vecchio": true
        }))
        .unwrap();
        assert_eq!(
            display_fields(&defs(), &values, crate::Lang::It),
            [
                ("Superficie".to_owned(), "85.5".to_owned()),
                ("Dal".to_owned(), "01/11/2026".to_owned()),
                ("Tipo".to_owned(), "Domestica".to_owned()),
                ("vecchio".to_owned(), "Sì".to_owned()),
            ]
        );
    }

    #[test]
    fn accepts_and_normalises() {
        let values: BTreeMap<String, Value> = serde_json::from_value(json!({
            "indirizzo": "  Via Roma 1 ", "mq": "85,5", "dal": "2026-11-01", "tipo": "domestica"
        }))
        .unwrap();
        let out = validate_fields(&defs(), &values).unwrap();
        assert_eq!(out["indirizzo"], json!("Via Roma 1"));
        assert_eq!(out["mq"], json!(85.5));
    }

    #[test]
    fn reports_every_bad_field() {
        let values: BTreeMap<String, Value> = serde_json::from_value(json!({
            "mq": "-3", "dal": "31/12/2026", "tipo": "industriale", "extra": 1
        }))
        .unwrap();
        let err = validate_fields(&defs(), &values).unwrap_err();
        let mut fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        fields.sort();
        let message = |f: &str| {
            err.field_errors()
                .iter()
                .find(|e| e.field == f)
                .map(|e| e.message.it.to_string())
        };
        assert_eq!(
            message("fields.indirizzo").as_deref(),
            Some("Compila il campo «Indirizzo»")
        );
        assert_eq!(
            message("fields.mq").as_deref(),
            Some("Il campo «Superficie» deve essere un numero non negativo")
        );
        assert_eq!(
            fields,
            [
                "fields.dal",
                "fields.extra",
                "fields.indirizzo",
                "fields.mq",
                "fields.tipo"
            ]
        );
    }
}
