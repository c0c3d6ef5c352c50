//! A desk (sportello) and the rules of its agenda, validated from what the staff enter.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::time::ClockTime;
use crate::api::{DateOverrideDto, SaveDesk, TimeRangeDto, WeeklyRangeDto};
use crate::error::{DomainError, Errors, FieldError};

/// Every time and duration of an agenda is a multiple of this many minutes, the size of
/// the cells in which seats are counted.
pub const GRANULARITY_MINUTES: u32 = 5;

/// How a desk receives people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeskMode {
    InPerson,
    Video,
    Both,
}

/// How one appointment takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingMode {
    InPerson,
    Video,
}

impl DeskMode {
    pub fn code(self) -> &'static str {
        match self {
            Self::InPerson => "in_person",
            Self::Video => "video",
            Self::Both => "both",
        }
    }

    pub fn modes(self) -> Vec<BookingMode> {
        match self {
            Self::InPerson => vec![BookingMode::InPerson],
            Self::Video => vec![BookingMode::Video],
            Self::Both => vec![BookingMode::InPerson, BookingMode::Video],
        }
    }

    pub fn allows(self, mode: BookingMode) -> bool {
        self.modes().contains(&mode)
    }
}

impl FromStr for DeskMode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::InPerson, Self::Video, Self::Both]
            .into_iter()
            .find(|m| m.code() == s)
            .ok_or_else(|| DomainError::invalid("mode", "Modalità sconosciuta", "Unknown mode"))
    }
}

impl BookingMode {
    pub fn code(self) -> &'static str {
        match self {
            Self::InPerson => "in_person",
            Self::Video => "video",
        }
    }
}

impl FromStr for BookingMode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::InPerson, Self::Video]
            .into_iter()
            .find(|m| m.code() == s)
            .ok_or_else(|| DomainError::invalid("mode", "Modalità sconosciuta", "Unknown mode"))
    }
}

impl fmt::Display for BookingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A service with its appointment length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub code: String,
    pub name: String,
    pub duration_minutes: u32,
}

/// A wall-clock range `[start, end)` within one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeRange {
    pub start: ClockTime,
    pub end: ClockTime,
}

impl TimeRange {
    pub fn minutes(self) -> u32 {
        self.end.minutes() - self.start.minutes()
    }
}

/// What a date override does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverrideHours {
    Closed,
    /// Open with these ranges instead of the weekly ones.
    Ranges(Vec<TimeRange>),
    /// Open as usual; the override only carries a notice.
    Usual,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayOverride {
    pub hours: OverrideHours,
    pub note: Option<String>,
}

/// The rules slots are generated from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskRules {
    pub services: Vec<Service>,
    pub capacity: u32,
    pub buffer_minutes: u32,
    pub booking_window_days: u32,
    pub min_notice_minutes: u32,
    pub cancel_until_minutes: u32,
    pub open_on_holidays: bool,
    /// Monday first; each day's ranges sorted and disjoint.
    pub weekly: [Vec<TimeRange>; 7],
    pub overrides: BTreeMap<NaiveDate, DayOverride>,
}

impl DeskRules {
    pub fn service(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code == code)
    }
}

/// A desk validated as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDesk {
    pub name: String,
    pub address: Option<String>,
    pub mode: DeskMode,
    pub confirm_by_email: bool,
    pub max_open_bookings_per_person: u32,
    pub rules: DeskRules,
}

/// Limits of what a desk may be configured with.
pub const MAX_CAPACITY: u32 = 50;
pub const MAX_SERVICES: usize = 30;
pub const MAX_RANGES_PER_DAY: usize = 12;
pub const MAX_OVERRIDES: usize = 400;
pub const MAX_WINDOW_DAYS: u32 = 366;
pub const MAX_NOTICE_MINUTES: u32 = 60 * 24 * 60;
pub const MAX_DURATION_MINUTES: u32 = 8 * 60;
pub const MAX_NOTE_CHARS: usize = 300;

fn text(
    errors: &mut Errors,
    field: impl Into<std::borrow::Cow<'static, str>>,
    value: &str,
    max: usize,
    required: bool,
) -> Option<String> {
    let field = field.into();
    let v = value.trim();
    if v.is_empty() {
        if required {
            errors.push(FieldError::new(
                field,
                "Campo obbligatorio",
                "This field is required",
            ));
        }
        return None;
    }
    let len = v.chars().count();
    if len > max {
        errors.push(FieldError::new(
            field,
            format!("Al massimo {max} caratteri (ora {len})"),
            format!("At most {max} characters (now {len})"),
        ));
        return None;
    }
    if v.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            "Contiene caratteri non ammessi",
            "Contains characters that are not allowed",
        ));
        return None;
    }
    Some(v.to_owned())
}

fn bounded(errors: &mut Errors, field: &'static str, value: u32, min: u32, max: u32) -> u32 {
    if !(min..=max).contains(&value) {
        errors.push(FieldError::new(
            field,
            format!("Valore ammesso: da {min} a {max}"),
            format!("Allowed value: {min} to {max}"),
        ));
    }
    value
}

fn on_grid(errors: &mut Errors, field: impl Into<std::borrow::Cow<'static, str>>, minutes: u32) {
    if !minutes.is_multiple_of(GRANULARITY_MINUTES) {
        errors.push(FieldError::new(
            field,
            format!("Usare multipli di {GRANULARITY_MINUTES} minuti"),
            format!("Use multiples of {GRANULARITY_MINUTES} minutes"),
        ));
    }
}

/// Parses a range, reporting `{field}.start` / `{field}.end`.
fn range(errors: &mut Errors, field: &str, start: &str, end: &str) -> Option<TimeRange> {
    let s = errors.check(ClockTime::parse(start, format!("{field}.start")));
    let e = errors.check(ClockTime::parse(end, format!("{field}.end")));
    let (s, e) = (s?, e?);
    on_grid(errors, format!("{field}.start"), s.minutes());
    on_grid(errors, format!("{field}.end"), e.minutes());
    if e <= s {
        errors.push(FieldError::new(
            format!("{field}.end"),
            "L'orario di fine deve seguire quello di inizio",
            "The end must come after the start",
        ));
        return None;
    }
    Some(TimeRange { start: s, end: e })
}

/// Sorts a day's ranges and reports the first overlap under `field`.
fn disjoint(errors: &mut Errors, field: String, mut ranges: Vec<TimeRange>) -> Vec<TimeRange> {
    ranges.sort();
    if ranges.windows(2).any(|w| w[1].start < w[0].end) {
        errors.push(FieldError::new(
            field,
            "Gli orari dello stesso giorno si sovrappongono",
            "The ranges of the same day overlap",
        ));
    }
    if ranges.len() > MAX_RANGES_PER_DAY {
        errors.push(FieldError::new(
            "weekly",
            format!("Al massimo {MAX_RANGES_PER_DAY} fasce per giorno"),
            format!("At most {MAX_RANGES_PER_DAY} ranges per day"),
        ));
    }
    ranges
}

fn services(errors: &mut Errors, input: &[crate::api::DeskServiceDto]) -> Vec<Service> {
    if input.is_empty() {
        errors.push(FieldError::new(
            "services",
            "Indicare almeno un servizio",
            "Give at least one service",
        ));
    }
    if input.len() > MAX_SERVICES {
        errors.push(FieldError::new(
            "services",
            format!("Al massimo {MAX_SERVICES} servizi"),
            format!("At most {MAX_SERVICES} services"),
        ));
    }
    let mut out: Vec<Service> = Vec::new();
    for (i, s) in input.iter().enumerate() {
        let code = s.code.trim();
        let code_ok = !code.is_empty()
            && code.len() <= 40
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !code_ok {
            errors.push(FieldError::new(
                format!("services[{i}].code"),
                "Codice non valido: da 1 a 40 lettere minuscole, cifre, _ o -",
                "Invalid code: 1 to 40 lower-case letters, digits, _ or -",
            ));
        } else if out.iter().any(|o| o.code == code) {
            errors.push(FieldError::new(
                format!("services[{i}].code"),
                "Codice ripetuto",
                "Duplicate code",
            ));
        }
        let name = text(errors, format!("services[{i}].name"), &s.name, 100, true);
        let d = s.duration_minutes;
        if (GRANULARITY_MINUTES..=MAX_DURATION_MINUTES).contains(&d) {
            on_grid(errors, format!("services[{i}].duration_minutes"), d);
        } else {
            errors.push(FieldError::new(
                format!("services[{i}].duration_minutes"),
                format!("Durata ammessa: da {GRANULARITY_MINUTES} a {MAX_DURATION_MINUTES} minuti"),
                format!(
                    "Allowed duration: {GRANULARITY_MINUTES} to {MAX_DURATION_MINUTES} minutes"
                ),
            ));
        }
        out.push(Service {
            code: code.to_owned(),
            name: name.unwrap_or_default(),
            duration_minutes: d,
        });
    }
    out
}

fn weekly(errors: &mut Errors, input: &[WeeklyRangeDto]) -> [Vec<TimeRange>; 7] {
    let mut days: [Vec<TimeRange>; 7] = Default::default();
    let mut first_index: [Option<usize>; 7] = [None; 7];
    for (i, w) in input.iter().enumerate() {
        if !(1..=7).contains(&w.weekday) {
            errors.push(FieldError::new(
                format!("weekly[{i}].weekday"),
                "Giorno della settimana: da 1 (lunedì) a 7 (domenica)",
                "Weekday: 1 (Monday) to 7 (Sunday)",
            ));
            continue;
        }
        let d = usize::from(w.weekday - 1);
        first_index[d].get_or_insert(i);
        if let Some(r) = range(errors, &format!("weekly[{i}]"), &w.start, &w.end) {
            days[d].push(r);
        }
    }
    for (d, ranges) in days.iter_mut().enumerate() {
        let field = format!("weekly[{}]", first_index[d].unwrap_or(0));
        *ranges = disjoint(errors, field, std::mem::take(ranges));
    }
    days
}

fn overrides(errors: &mut Errors, input: &[DateOverrideDto]) -> BTreeMap<NaiveDate, DayOverride> {
    if input.len() > MAX_OVERRIDES {
        errors.push(FieldError::new(
            "overrides",
            format!("Al massimo {MAX_OVERRIDES} date particolari"),
            format!("At most {MAX_OVERRIDES} special dates"),
        ));
    }
    let mut out = BTreeMap::new();
    for (i, o) in input.iter().enumerate() {
        let note = o.note.as_deref().and_then(|n| {
            text(
                errors,
                format!("overrides[{i}].note"),
                n,
                MAX_NOTE_CHARS,
                false,
            )
        });
        let hours = match (o.closed, &o.ranges) {
            (true, Some(r)) if !r.is_empty() => {
                errors.push(FieldError::new(
                    format!("overrides[{i}].ranges"),
                    "Un giorno chiuso non ha orari",
                    "A closed day has no ranges",
                ));
                OverrideHours::Closed
            }
            (true, _) => OverrideHours::Closed,
            (false, None) => {
                if note.is_none() {
                    errors.push(FieldError::new(
                        format!("overrides[{i}]"),
                        "Indicare la chiusura, gli orari del giorno o un avviso",
                        "Give the closure, that day's ranges or a notice",
                    ));
                }
                OverrideHours::Usual
            }
            (false, Some(ranges)) => {
                let parsed: Vec<TimeRange> = ranges
                    .iter()
                    .enumerate()
                    .filter_map(|(j, r): (usize, &TimeRangeDto)| {
                        range(
                            errors,
                            &format!("overrides[{i}].ranges[{j}]"),
                            &r.start,
                            &r.end,
                        )
                    })
                    .collect();
                if ranges.is_empty() {
                    OverrideHours::Closed
                } else {
                    OverrideHours::Ranges(disjoint(
                        errors,
                        format!("overrides[{i}].ranges"),
                        parsed,
                    ))
                }
            }
        };
        if out.insert(o.date, DayOverride { hours, note }).is_some() {
            errors.push(FieldError::new(
                format!("overrides[{i}].date"),
                "Data ripetuta",
                "Duplicate date",
            ));
        }
    }
    out
}

/// Validates a desk, reporting every bad field at once.
pub fn validate_desk(input: &SaveDesk) -> Result<ValidDesk, DomainError> {
    let mut e = Errors::new();
    let name = text(&mut e, "name", &input.name, 100, true);
    let address = input
        .address
        .as_deref()
        .and_then(|a| text(&mut e, "address", a, 200, false));
    let capacity = bounded(&mut e, "capacity", input.capacity, 1, MAX_CAPACITY);
    let buffer = bounded(&mut e, "buffer_minutes", input.buffer_minutes, 0, 240);
    on_grid(&mut e, "buffer_minutes", buffer);
    let window = bounded(
        &mut e,
        "booking_window_days",
        input.booking_window_days,
        1,
        MAX_WINDOW_DAYS,
    );
    let notice = bounded(
        &mut e,
        "min_notice_minutes",
        input.min_notice_minutes,
        0,
        MAX_NOTICE_MINUTES,
    );
    let cancel = bounded(
        &mut e,
        "cancel_until_minutes",
        input.cancel_until_minutes,
        0,
        MAX_NOTICE_MINUTES,
    );
    let max_open = bounded(
        &mut e,
        "max_open_bookings_per_person",
        input.max_open_bookings_per_person,
        1,
        50,
    );
    let services = services(&mut e, &input.services);
    let weekly = weekly(&mut e, &input.weekly);
    let overrides = overrides(&mut e, &input.overrides);
    e.finish()?;
    Ok(ValidDesk {
        name: name.unwrap_or_default(),
        address,
        mode: input.mode,
        confirm_by_email: input.confirm_by_email,
        max_open_bookings_per_person: max_open,
        rules: DeskRules {
            services,
            capacity,
            buffer_minutes: buffer,
            booking_window_days: window,
            min_notice_minutes: notice,
            cancel_until_minutes: cancel,
            open_on_holidays: input.open_on_holidays,
            weekly,
            overrides,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::DeskServiceDto;

    pub(crate) fn prato() -> SaveDesk {
        SaveDesk {
            name: "Sportello al Cittadino online".into(),
            office_id: "o".into(),
            mode: DeskMode::Video,
            address: None,
            services: vec![DeskServiceDto {
                code: "verbali".into(),
                name: "Verbali e sanzioni".into(),
                duration_minutes: 30,
            }],
            capacity: 1,
            buffer_minutes: 0,
            booking_window_days: 30,
            min_notice_minutes: 60,
            cancel_until_minutes: 120,
            confirm_by_email: true,
            open_on_holidays: false,
            max_open_bookings_per_person: 2,
            weekly: [2u8, 5]
                .iter()
                .map(|&d| WeeklyRangeDto {
                    weekday: d,
                    start: "16:00".into(),
                    end: "18:00".into(),
                })
                .collect(),
            overrides: vec![],
        }
    }

    fn fields(err: &DomainError) -> Vec<String> {
        err.field_errors()
            .iter()
            .map(|f| f.field.to_string())
            .collect()
    }

    #[test]
    fn a_good_desk_validates() {
        let d = validate_desk(&prato()).unwrap();
        assert_eq!(d.rules.weekly[1].len(), 1);
        assert_eq!(d.rules.weekly[4][0].start.to_string(), "16:00");
        assert!(d.rules.weekly[0].is_empty());
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut d = prato();
        d.name = " ".into();
        d.capacity = 0;
        d.buffer_minutes = 7;
        d.services.push(DeskServiceDto {
            code: "verbali".into(),
            name: "Doppio".into(),
            duration_minutes: 33,
        });
        d.weekly.push(WeeklyRangeDto {
            weekday: 8,
            start: "09:00".into(),
            end: "10:00".into(),
        });
        d.weekly.push(WeeklyRangeDto {
            weekday: 2,
            start: "17:00".into(),
            end: "19:00".into(),
        });
        d.weekly.push(WeeklyRangeDto {
            weekday: 3,
            start: "12:00".into(),
            end: "11:00".into(),
        });
        d.weekly.push(WeeklyRangeDto {
            weekday: 4,
            start: "9:00".into(),
            end: "11:00".into(),
        });
        d.overrides.push(DateOverrideDto {
            date: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
            closed: true,
            ranges: Some(vec![TimeRangeDto {
                start: "09:00".into(),
                end: "10:00".into(),
            }]),
            note: None,
        });
        d.overrides.push(DateOverrideDto {
            date: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
            closed: false,
            ranges: None,
            note: None,
        });
        let err = validate_desk(&d).unwrap_err();
        let f = fields(&err);
        for expected in [
            "name",
            "capacity",
            "buffer_minutes",
            "services[1].code",
            "services[1].duration_minutes",
            "weekly[2].weekday",
            "weekly[0]",
            "weekly[4].end",
            "weekly[5].start",
            "overrides[0].ranges",
            "overrides[1]",
            "overrides[1].date",
        ] {
            assert!(
                f.contains(&expected.to_owned()),
                "{expected} missing in {f:?}"
            );
        }
        assert!(!err.field_errors()[0].message.en.is_empty());
    }
}
