//! Dates and sizes as Italian readers expect them (`31/12/2026`, Europe/Rome time).

use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::rome_offset;

pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub fn opt_date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_owned(), date)
}

/// An instant in Rome's local time.
pub fn datetime(at: DateTime<Utc>) -> String {
    (at + rome_offset(at)).format("%d/%m/%Y %H:%M").to_string()
}

pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_048_576 => format!("{:.1} MB", b as f64 / 1_048_576.0),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}

pub fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), |p| format!("{p:.1}%"))
}

pub fn decimal(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |x| format!("{x:.1}"))
}
