//! Bulky-waste, garden-waste and special-waste pickup at home (TQRIF *ritiro su chiamata*):
//! zones collect on some weekdays up to a number of pieces a day.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::api::{PickupLine, SavePickupItem, SavePickupZone};
use crate::calendar::WorkingCalendar;
use crate::error::{DomainError, Errors, FieldError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PickupKind {
    Ingombranti,
    Sfalci,
    Raee,
    Speciali,
}

impl PickupKind {
    pub const ALL: [PickupKind; 4] = [Self::Ingombranti, Self::Sfalci, Self::Raee, Self::Speciali];

    pub fn code(self) -> &'static str {
        match self {
            Self::Ingombranti => "ingombranti",
            Self::Sfalci => "sfalci",
            Self::Raee => "raee",
            Self::Speciali => "speciali",
        }
    }

    pub fn label_it(self) -> &'static str {
        match self {
            Self::Ingombranti => "Rifiuti ingombranti",
            Self::Sfalci => "Sfalci e potature",
            Self::Raee => "RAEE (apparecchiature elettriche ed elettroniche)",
            Self::Speciali => "Rifiuti speciali",
        }
    }
}

impl fmt::Display for PickupKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for PickupKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "kind",
                    "Tipo di rifiuto sconosciuto",
                    "Unknown kind of waste",
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PickupStatus {
    Booked,
    Done,
    NotDone,
    Cancelled,
}

impl PickupStatus {
    pub const ALL: [PickupStatus; 4] = [Self::Booked, Self::Done, Self::NotDone, Self::Cancelled];

    pub fn code(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::Done => "done",
            Self::NotDone => "not_done",
            Self::Cancelled => "cancelled",
        }
    }
}

impl FromStr for PickupStatus {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| DomainError::invalid("status", "Stato sconosciuto", "Unknown status"))
    }
}

/// The crew's outcome of a pickup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PickupAction {
    Done,
    NotDone,
}

impl PickupAction {
    /// A booked pickup gets an outcome once.
    pub fn apply(self, status: PickupStatus) -> Result<PickupStatus, DomainError> {
        match status {
            PickupStatus::Booked => Ok(match self {
                Self::Done => PickupStatus::Done,
                Self::NotDone => PickupStatus::NotDone,
            }),
            other => Err(DomainError::conflict(
                format!("Il ritiro ha già un esito («{}»)", other.code()),
                format!("The pickup already has an outcome ('{}')", other.code()),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickupDayOverride {
    /// `None`: closed that day.
    pub capacity: Option<u32>,
    pub note: Option<String>,
}

/// The validated rules of a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRules {
    pub name: String,
    pub postcodes: Vec<String>,
    pub streets: Vec<String>,
    /// Monday first.
    pub weekdays: [bool; 7],
    pub daily_capacity: u32,
    pub max_pieces_per_booking: u32,
    pub kinds: Vec<PickupKind>,
    pub overrides: BTreeMap<NaiveDate, PickupDayOverride>,
    pub min_notice_days: u32,
    pub booking_window_days: u32,
    pub cancel_until_days: u32,
}

/// One date with its pieces still free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PickupDay {
    pub date: NaiveDate,
    pub remaining: u32,
}

impl ZoneRules {
    /// Pieces the zone collects on `date`: 0 when closed. Holidays and closure days are
    /// closed unless an override sets a capacity for that date.
    pub fn capacity_on(&self, date: NaiveDate, calendar: &WorkingCalendar) -> u32 {
        if let Some(o) = self.overrides.get(&date) {
            return o.capacity.unwrap_or(0);
        }
        let weekday = self.weekdays[date.weekday().num_days_from_monday() as usize];
        if weekday && !calendar.is_holiday(date) {
            self.daily_capacity
        } else {
            0
        }
    }

    /// The first and last date bookable on `today`.
    pub fn bookable_dates(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        (
            today + Duration::days(i64::from(self.min_notice_days.max(1))),
            today + Duration::days(i64::from(self.booking_window_days)),
        )
    }

    /// Open dates between `from` and `to` (inclusive) that can be booked on `today`, with
    /// the pieces left (never negative).
    pub fn availability(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
        calendar: &WorkingCalendar,
        taken: &BTreeMap<NaiveDate, u32>,
    ) -> Vec<PickupDay> {
        let (first, last) = self.bookable_dates(today);
        let mut out = Vec::new();
        let mut date = from.max(first);
        while date <= to.min(last) {
            let capacity = self.capacity_on(date, calendar);
            if capacity > 0 {
                let used = taken.get(&date).copied().unwrap_or(0);
                out.push(PickupDay {
                    date,
                    remaining: capacity.saturating_sub(used),
                });
            }
            date += Duration::days(1);
        }
        out
    }

    /// Checks a requested date and kind; returns that day's capacity. The error names the
    /// field (`date`, `kind`).
    pub fn check_booking(
        &self,
        kind: PickupKind,
        date: NaiveDate,
        pieces: u32,
        today: NaiveDate,
        calendar: &WorkingCalendar,
    ) -> Result<u32, DomainError> {
        let mut e = Errors::new();
        if !self.kinds.contains(&kind) {
            e.push(FieldError::new(
                "kind",
                "Questa zona non ritira questo tipo di rifiuto",
                "This zone does not collect this kind of waste",
            ));
        }
        if pieces > self.max_pieces_per_booking {
            let n = self.max_pieces_per_booking;
            e.push(FieldError::new(
                "items",
                format!("Al massimo {n} pezzi per prenotazione"),
                format!("At most {n} pieces per booking"),
            ));
        }
        let (first, last) = self.bookable_dates(today);
        let capacity = self.capacity_on(date, calendar);
        if date < first {
            e.push(FieldError::new(
                "date",
                format!(
                    "Prenotare almeno {} giorni prima",
                    self.min_notice_days.max(1)
                ),
                format!("Book at least {} days ahead", self.min_notice_days.max(1)),
            ));
        } else if date > last {
            e.push(FieldError::new(
                "date",
                format!(
                    "Si può prenotare al massimo {} giorni prima",
                    self.booking_window_days
                ),
                format!(
                    "Bookings open at most {} days ahead",
                    self.booking_window_days
                ),
            ));
        } else if capacity == 0 {
            e.push(FieldError::new(
                "date",
                "In questa data non si effettuano ritiri nella zona",
                "There are no pickups in this zone on this date",
            ));
        }
        e.finish().map(|()| capacity)
    }

    /// The citizen may withdraw until `cancel_until_days` before the pickup.
    pub fn may_withdraw(&self, date: NaiveDate, today: NaiveDate) -> bool {
        today + Duration::days(i64::from(self.cancel_until_days)) <= date
    }
}

fn text(
    errors: &mut Errors,
    field: impl Into<std::borrow::Cow<'static, str>>,
    value: &str,
    max: usize,
) -> Option<String> {
    let field = field.into();
    let v = value.trim();
    if v.is_empty() {
        errors.push(FieldError::new(
            field,
            "Campo obbligatorio",
            "This field is required",
        ));
        return None;
    }
    if v.chars().count() > max || v.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            format!("Testo non valido (al massimo {max} caratteri, su una riga)"),
            format!("Invalid text (at most {max} characters, on one line)"),
        ));
        return None;
    }
    Some(v.to_owned())
}

/// Validates a zone, naming every bad field.
pub fn validate_zone(input: &SavePickupZone) -> Result<ZoneRules, DomainError> {
    let mut e = Errors::new();
    let name = text(&mut e, "name", &input.name, 100);
    let mut postcodes = Vec::new();
    for (i, p) in input.postcodes.iter().enumerate() {
        let p = p.trim();
        if p.len() == 5 && p.bytes().all(|b| b.is_ascii_digit()) {
            postcodes.push(p.to_owned());
        } else {
            e.push(FieldError::new(
                format!("postcodes[{i}]"),
                "CAP non valido: 5 cifre",
                "Invalid postcode: 5 digits",
            ));
        }
    }
    let streets: Vec<String> = input
        .streets
        .iter()
        .enumerate()
        .filter_map(|(i, s)| text(&mut e, format!("streets[{i}]"), s, 200))
        .collect();
    if input.postcodes.len() + input.streets.len() > 2000 {
        e.push(FieldError::new(
            "streets",
            "Al massimo 2000 CAP e vie",
            "At most 2000 postcodes and streets",
        ));
    }
    let mut weekdays = [false; 7];
    for (i, d) in input.weekdays.iter().enumerate() {
        if (1..=7).contains(d) {
            weekdays[usize::from(d - 1)] = true;
        } else {
            e.push(FieldError::new(
                format!("weekdays[{i}]"),
                "Giorno della settimana: da 1 (lunedì) a 7 (domenica)",
                "Weekday: 1 (Monday) to 7 (Sunday)",
            ));
        }
    }
    if input.weekdays.is_empty() {
        e.push(FieldError::new(
            "weekdays",
            "Indicare almeno un giorno",
            "Give at least one day",
        ));
    }
    let range = |e: &mut Errors, field: &'static str, v: u32, min: u32, max: u32| {
        if !(min..=max).contains(&v) {
            e.push(FieldError::new(
                field,
                format!("Valore ammesso: da {min} a {max}"),
                format!("Allowed value: {min} to {max}"),
            ));
        }
    };
    range(&mut e, "daily_capacity", input.daily_capacity, 1, 100_000);
    range(
        &mut e,
        "max_pieces_per_booking",
        input.max_pieces_per_booking,
        1,
        input.daily_capacity.max(1),
    );
    range(&mut e, "min_notice_days", input.min_notice_days, 1, 60);
    range(
        &mut e,
        "booking_window_days",
        input.booking_window_days,
        input.min_notice_days.max(1),
        366,
    );
    range(&mut e, "cancel_until_days", input.cancel_until_days, 0, 60);
    let mut kinds = input.kinds.clone();
    kinds.sort();
    kinds.dedup();
    if kinds.is_empty() {
        e.push(FieldError::new(
            "kinds",
            "Indicare almeno un tipo di rifiuto",
            "Give at least one kind of waste",
        ));
    }
    let mut overrides = BTreeMap::new();
    for (i, o) in input.overrides.iter().enumerate() {
        let note = o
            .note
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .and_then(|n| text(&mut e, format!("overrides[{i}].note"), n, 300));
        let capacity = match (o.closed, o.capacity) {
            (true, Some(_)) => {
                e.push(FieldError::new(
                    format!("overrides[{i}].capacity"),
                    "Un giorno chiuso non ha capienza",
                    "A closed day has no capacity",
                ));
                None
            }
            (true, None) => None,
            (false, Some(c)) if (1..=100_000).contains(&c) => Some(c),
            (false, _) => {
                e.push(FieldError::new(
                    format!("overrides[{i}].capacity"),
                    "Indicare la chiusura o la capienza del giorno (da 1 a 100000)",
                    "Give the closure or that day's capacity (1 to 100000)",
                ));
                None
            }
        };
        if overrides
            .insert(o.date, PickupDayOverride { capacity, note })
            .is_some()
        {
            e.push(FieldError::new(
                format!("overrides[{i}].date"),
                "Data ripetuta",
                "Duplicate date",
            ));
        }
    }
    e.finish()?;
    Ok(ZoneRules {
        name: name.unwrap_or_default(),
        postcodes,
        streets,
        weekdays,
        daily_capacity: input.daily_capacity,
        max_pieces_per_booking: input.max_pieces_per_booking,
        kinds,
        overrides,
        min_notice_days: input.min_notice_days,
        booking_window_days: input.booking_window_days,
        cancel_until_days: input.cancel_until_days,
    })
}

/// A catalogue entry, validated.
pub fn validate_item(input: &SavePickupItem) -> Result<SavePickupItem, DomainError> {
    let mut e = Errors::new();
    let code = input.code.trim();
    if code.is_empty()
        || code.len() > 40
        || !code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    {
        e.push(FieldError::new(
            "code",
            "Codice non valido: da 1 a 40 lettere minuscole, cifre, _ o -",
            "Invalid code: 1 to 40 lower-case letters, digits, _ or -",
        ));
    }
    let name = text(&mut e, "name", &input.name, 100);
    if !(1..=100).contains(&input.pieces) {
        e.push(FieldError::new(
            "pieces",
            "Valore ammesso: da 1 a 100",
            "Allowed value: 1 to 100",
        ));
    }
    e.finish()?;
    Ok(SavePickupItem {
        code: code.to_owned(),
        name: name.unwrap_or_default(),
        kind: input.kind,
        pieces: input.pieces,
    })
}

/// A line of a pickup priced in pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedLine {
    pub code: String,
    pub name: String,
    pub qty: u32,
    pub pieces: u32,
}

/// Counts the pieces of the requested items against the catalogue; every item must be of
/// the booking's kind.
pub fn count_pieces(
    lines: &[PickupLine],
    kind: PickupKind,
    catalogue: &[SavePickupItem],
) -> Result<(Vec<CountedLine>, u32), DomainError> {
    let mut e = Errors::new();
    if lines.is_empty() {
        e.push(FieldError::new(
            "items",
            "Indicare cosa ritirare",
            "Say what is to be collected",
        ));
    }
    if lines.len() > 50 {
        e.push(FieldError::new(
            "items",
            "Al massimo 50 voci",
            "At most 50 lines",
        ));
    }
    let mut out: Vec<CountedLine> = Vec::new();
    let mut total: u32 = 0;
    for (i, l) in lines.iter().enumerate() {
        let Some(item) = catalogue.iter().find(|c| c.code == l.code) else {
            e.push(FieldError::new(
                format!("items[{i}].code"),
                "Voce sconosciuta",
                "Unknown item",
            ));
            continue;
        };
        if item.kind != kind {
            e.push(FieldError::new(
                format!("items[{i}].code"),
                format!("«{}» non è del tipo scelto", item.name),
                format!("'{}' is not of the chosen kind", item.name),
            ));
        }
        if !(1..=100).contains(&l.qty) {
            e.push(FieldError::new(
                format!("items[{i}].qty"),
                "Quantità: da 1 a 100",
                "Quantity: 1 to 100",
            ));
            continue;
        }
        let pieces = item.pieces * l.qty;
        total = total.saturating_add(pieces);
        match out.iter_mut().find(|o| o.code == item.code) {
            Some(o) => {
                o.qty += l.qty;
                o.pieces += pieces;
            }
            None => out.push(CountedLine {
                code: item.code.clone(),
                name: item.name.clone(),
                qty: l.qty,
                pieces,
            }),
        }
    }
    e.finish().map(|()| (out, total))
}

/// The route sheet as CSV (semicolons, as Italian spreadsheets expect; formulas defused).
pub fn route_sheet_csv(sheet: &crate::api::RouteSheet) -> String {
    use crate::registry::{CSV_SEPARATOR, push_csv_field};
    let mut out = String::from(
        "ordine;indirizzo;tipo;voci;pezzi;telefono;note;protocollo;scadenza;stato;esito\r\n",
    );
    for (i, p) in sheet.items.iter().enumerate() {
        let items = p
            .items
            .iter()
            .map(|l| format!("{} × {}", l.qty, l.name))
            .collect::<Vec<_>>()
            .join(", ");
        let due = p.due_date.map(|d| d.to_string()).unwrap_or_default();
        let fields = [
            (i + 1).to_string(),
            p.address.clone(),
            p.kind.code().to_owned(),
            items,
            p.pieces.to_string(),
            p.phone.clone(),
            p.notes.clone().unwrap_or_default(),
            p.protocol_number.clone(),
            due,
            p.status.code().to_owned(),
            p.outcome_note.clone().unwrap_or_default(),
        ];
        for (j, f) in fields.iter().enumerate() {
            if j > 0 {
                out.push(CSV_SEPARATOR);
            }
            push_csv_field(&mut out, f);
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::PickupOverrideDto;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub(crate) fn zone() -> SavePickupZone {
        SavePickupZone {
            name: "Centro storico".into(),
            postcodes: vec!["59100".into()],
            streets: vec!["Via Roma".into()],
            weekdays: vec![2, 4],
            daily_capacity: 10,
            max_pieces_per_booking: 4,
            kinds: vec![PickupKind::Ingombranti, PickupKind::Raee],
            overrides: vec![
                PickupOverrideDto {
                    date: d(2026, 12, 10),
                    closed: true,
                    capacity: None,
                    note: Some("Mezzo in manutenzione".into()),
                },
                // Saturday 12 December: an extra collection day.
                PickupOverrideDto {
                    date: d(2026, 12, 12),
                    closed: false,
                    capacity: Some(5),
                    note: None,
                },
            ],
            min_notice_days: 2,
            booking_window_days: 30,
            cancel_until_days: 1,
        }
    }

    fn catalogue() -> Vec<SavePickupItem> {
        vec![
            SavePickupItem {
                code: "divano".into(),
                name: "Divano".into(),
                kind: PickupKind::Ingombranti,
                pieces: 2,
            },
            SavePickupItem {
                code: "sedia".into(),
                name: "Sedia".into(),
                kind: PickupKind::Ingombranti,
                pieces: 1,
            },
            SavePickupItem {
                code: "frigo".into(),
                name: "Frigorifero".into(),
                kind: PickupKind::Raee,
                pieces: 2,
            },
        ]
    }

    #[test]
    fn days_and_capacity() {
        let z = validate_zone(&zone()).unwrap();
        let cal = WorkingCalendar::national();
        // Tuesday 1 December: two days' notice needed from Monday 30 November.
        let today = d(2026, 11, 30);
        let mut taken = BTreeMap::new();
        taken.insert(d(2026, 12, 3), 7);
        taken.insert(d(2026, 12, 15), 12); // over capacity (capacity lowered later)
        let days = z.availability(d(2026, 11, 30), d(2026, 12, 17), today, &cal, &taken);
        let got: Vec<(u32, u32)> = days.iter().map(|p| (p.date.day(), p.remaining)).collect();
        // Tue 1 is too soon; Tue 8 is the Immacolata; Thu 10 closed by override; Sat 12 extra.
        assert_eq!(got, [(3, 3), (12, 5), (15, 0), (17, 10)]);
        assert!(
            z.check_booking(PickupKind::Ingombranti, d(2026, 12, 3), 3, today, &cal)
                .is_ok()
        );
        let err = z
            .check_booking(PickupKind::Sfalci, d(2026, 12, 8), 5, today, &cal)
            .unwrap_err();
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|f| f.field.as_ref())
            .collect();
        assert_eq!(fields, ["kind", "items", "date"]);
        assert!(
            z.check_booking(PickupKind::Raee, d(2026, 12, 1), 1, today, &cal)
                .is_err()
        );
        assert!(
            z.check_booking(PickupKind::Raee, d(2027, 1, 5), 1, today, &cal)
                .is_err()
        );
        assert!(z.may_withdraw(d(2026, 12, 3), d(2026, 12, 2)));
        assert!(!z.may_withdraw(d(2026, 12, 3), d(2026, 12, 3)));
    }

    #[test]
    fn pieces_from_the_catalogue() {
        let lines = vec![
            PickupLine {
                code: "divano".into(),
                qty: 1,
            },
            PickupLine {
                code: "sedia".into(),
                qty: 2,
            },
            PickupLine {
                code: "sedia".into(),
                qty: 1,
            },
        ];
        let (counted, total) = count_pieces(&lines, PickupKind::Ingombranti, &catalogue()).unwrap();
        assert_eq!(total, 5);
        assert_eq!(counted.len(), 2);
        assert_eq!(counted[1].qty, 3);
        let bad = vec![
            PickupLine {
                code: "frigo".into(),
                qty: 1,
            },
            PickupLine {
                code: "nave".into(),
                qty: 1,
            },
            PickupLine {
                code: "sedia".into(),
                qty: 0,
            },
        ];
        let err = count_pieces(&bad, PickupKind::Ingombranti, &catalogue()).unwrap_err();
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|f| f.field.as_ref())
            .collect();
        assert_eq!(fields, ["items[0].code", "items[1].code", "items[2].qty"]);
        assert!(count_pieces(&[], PickupKind::Raee, &catalogue()).is_err());
    }

    #[test]
    fn bad_zones_name_their_fields() {
        let mut z = zone();
        z.name = String::new();
        z.postcodes.push("5910".into());
        z.weekdays.push(9);
        z.max_pieces_per_booking = 11;
        z.kinds.clear();
        z.overrides.push(PickupOverrideDto {
            date: d(2026, 12, 10),
            closed: false,
            capacity: None,
            note: None,
        });
        let err = validate_zone(&z).unwrap_err();
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|f| f.field.as_ref())
            .collect();
        for f in [
            "name",
            "postcodes[1]",
            "weekdays[2]",
            "max_pieces_per_booking",
            "kinds",
            "overrides[2].capacity",
            "overrides[2].date",
        ] {
            assert!(fields.contains(&f), "{f} missing in {fields:?}");
        }
        assert_eq!(
            PickupAction::Done.apply(PickupStatus::Booked).unwrap(),
            PickupStatus::Done
        );
        assert!(PickupAction::NotDone.apply(PickupStatus::Done).is_err());
    }
}
