//! Dates and sizes as Italian readers expect them (`31/12/2026`, Europe/Rome time).
//!
//! Written out by hand: chrono's `format("%d/%m/%Y")` pulls its whole strftime engine into
//! the WebAssembly for two fixed patterns. Days and amounts use the domain's formatters
//! (`calendar::italian_date`, `Money`'s `Display`), the same the statement PDF prints.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use domain::calendar::rome_offset;

pub fn date(d: NaiveDate) -> String {
    domain::calendar::italian_date(d)
}

pub fn opt_date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_owned(), date)
}

/// An instant in Rome's local time.
pub fn datetime(at: DateTime<Utc>) -> String {
    let local = (at + rome_offset(at)).naive_utc();
    format!(
        "{} {:02}:{:02}",
        date(local.date()),
        local.hour(),
        local.minute()
    )
}

/// A file size with the Italian decimal comma (`1,2 MB`); integer arithmetic only (float
/// formatting is large in WebAssembly).
pub fn size(bytes: u64) -> String {
    const MB: u64 = 1_048_576;
    match bytes {
        b if b >= MB => {
            let tenths = (b * 10 + MB / 2) / MB;
            format!("{},{} MB", count(tenths / 10), tenths % 10)
        }
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} B"),
    }
}

/// `87,5 %` (the domain's Italian number format), `—` when there is none.
pub fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "—".to_owned(), domain::numbers::percent)
}

/// `2,5`, `—` when there is none.
pub fn decimal(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), domain::numbers::tenths)
}

/// `1.234`.
pub fn count(n: u64) -> String {
    domain::numbers::count(n)
}

/// An amount in cents as Italians write it (`1.234,56 €`), as on the statement PDF; the
/// space before the sign does not break.
pub fn euro(cents: i64) -> String {
    domain::types::Money::from_cents(cents)
        .to_string()
        .replace(' ', "\u{a0}")
}
