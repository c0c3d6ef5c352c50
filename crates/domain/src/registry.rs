//! The TQRIF register (art. 56) and its yearly compliance figures (art. 58): a pure
//! aggregation over request records.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{WorkingCalendar, rome_date};
use crate::catalogue::{Channel, RequestKind};
use crate::deadline::{self, LatenessCause};
use crate::lifecycle::Status;

/// One request as the register sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntry {
    pub protocol_number: String,
    pub kind: RequestKind,
    pub channel: Channel,
    /// Codice utente (the contribuente) and codice utenza (the TARI account), when known.
    pub codice_utente: Option<String>,
    pub codice_utenza: Option<String>,
    pub received_at: DateTime<Utc>,
    pub standard_days: Option<u32>,
    pub due_date: Option<NaiveDate>,
    pub status: Status,
    pub resolved_at: Option<DateTime<Utc>>,
    pub suspended_working_days: u32,
    pub lateness_cause: Option<LatenessCause>,
}

impl RegisterEntry {
    /// Gross and net working days taken, once answered.
    pub fn elapsed(&self, calendar: &WorkingCalendar) -> Option<deadline::Elapsed> {
        self.resolved_at
            .map(|r| deadline::elapsed(self.received_at, r, self.suspended_working_days, calendar))
    }

    /// The CSV line (without newline) for the ARERA report; columns as [`CSV_HEADER`].
    pub fn csv_row(&self, calendar: &WorkingCalendar) -> String {
        let elapsed = self.elapsed(calendar);
        let within = elapsed.and_then(|e| deadline::within_standard(e, self.standard_days));
        let cols = [
            self.protocol_number.clone(),
            self.kind.code().to_owned(),
            self.channel.code().to_owned(),
            self.codice_utente.clone().unwrap_or_default(),
            self.codice_utenza.clone().unwrap_or_default(),
            rome_date(self.received_at).to_string(),
            self.received_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.standard_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
            self.due_date.map(|d| d.to_string()).unwrap_or_default(),
            self.status.code().to_owned(),
            self.resolved_at
                .map(|r| rome_date(r).to_string())
                .unwrap_or_default(),
            elapsed.map(|e| e.gross.to_string()).unwrap_or_default(),
            elapsed.map(|e| e.net.to_string()).unwrap_or_default(),
            match within {
                Some(true) => "si".to_owned(),
                Some(false) => "no".to_owned(),
                None => String::new(),
            },
            self.lateness_cause
                .map(|c| c.code().to_owned())
                .unwrap_or_default(),
        ];
        let mut line = String::with_capacity(160);
        for (i, col) in cols.iter().enumerate() {
            if i > 0 {
                line.push(CSV_SEPARATOR);
            }
            push_csv_field(&mut line, col);
        }
        line
    }
}

/// Semicolon: what spreadsheets in the Italian locale expect.
pub const CSV_SEPARATOR: char = ';';

pub const CSV_HEADER: &str = "numero_protocollo;tipologia;canale;codice_utente;codice_utenza;\
data_ricevimento;ricevuta_il_utc;standard_giorni_lavorativi;data_scadenza;stato;data_risposta;\
giorni_lavorativi_lordi;giorni_lavorativi_netti;entro_standard;causa_mancato_rispetto";

/// Quotes a field when needed and defuses spreadsheet formulas (`=`, `+`, `-`, `@`).
fn push_csv_field(out: &mut String, value: &str) {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let needs_quotes = formula || value.contains([CSV_SEPARATOR, '"', '\n', '\r', ',']);
    if needs_quotes {
        out.push('"');
        if formula {
            out.push('\'');
        }
        for c in value.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// Compliance of one request kind over a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindStats {
    pub kind: Option<RequestKind>,
    pub standard_days: Option<u32>,
    pub received: u64,
    pub resolved: u64,
    /// Answered within the standard, counting working days net of suspensions.
    pub resolved_within_standard: u64,
    /// Percentage of answered requests within the standard (one decimal).
    pub percent_within_standard: Option<f64>,
    /// Same, leaving out late answers excused by force majeure or the user/third parties.
    pub percent_within_standard_excluding_excused: Option<f64>,
    pub average_working_days: Option<f64>,
    pub average_working_days_gross: Option<f64>,
    pub max_working_days: Option<u32>,
    /// Still open and past their due date at the report date.
    pub open_overdue: u64,
    pub open: u64,
    pub late_forza_maggiore: u64,
    pub late_utente_o_terzi: u64,
    pub late_gestore: u64,
}

/// The register over a period: one line per kind plus the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Date the open/overdue figures refer to.
    pub as_of: NaiveDate,
    pub kinds: Vec<KindStats>,
    pub total: KindStats,
}

#[derive(Default)]
struct Acc {
    stats: KindStats,
    sum_net: u64,
    sum_gross: u64,
    excused_late: u64,
}

impl Acc {
    fn add(&mut self, e: &RegisterEntry, today: NaiveDate, calendar: &WorkingCalendar) {
        let s = &mut self.stats;
        s.received += 1;
        if let Some(elapsed) = e.elapsed(calendar) {
            s.resolved += 1;
            self.sum_net += u64::from(elapsed.net);
            self.sum_gross += u64::from(elapsed.gross);
            s.max_working_days = Some(
                s.max_working_days
                    .map_or(elapsed.net, |m| m.max(elapsed.net)),
            );
            match deadline::within_standard(elapsed, e.standard_days) {
                Some(true) => s.resolved_within_standard += 1,
                Some(false) => match e.lateness_cause.unwrap_or(LatenessCause::Gestore) {
                    LatenessCause::ForzaMaggiore => {
                        s.late_forza_maggiore += 1;
                        self.excused_late += 1;
                    }
                    LatenessCause::UtenteOTerzi => {
                        s.late_utente_o_terzi += 1;
                        self.excused_late += 1;
                    }
                    LatenessCause::Gestore => s.late_gestore += 1,
                },
                None => {}
            }
        } else if e.status.is_open() {
            s.open += 1;
            if e.due_date.is_some_and(|d| d < today) {
                s.open_overdue += 1;
            }
        }
    }

    fn finish(mut self, with_standard: bool) -> KindStats {
        let s = &mut self.stats;
        if s.resolved > 0 {
            s.average_working_days = Some(round1(self.sum_net as f64 / s.resolved as f64));
            s.average_working_days_gross = Some(round1(self.sum_gross as f64 / s.resolved as f64));
            if with_standard {
                s.percent_within_standard = Some(round1(
                    100.0 * s.resolved_within_standard as f64 / s.resolved as f64,
                ));
                let counted = s.resolved - self.excused_late;
                s.percent_within_standard_excluding_excused = (counted > 0)
                    .then(|| round1(100.0 * s.resolved_within_standard as f64 / counted as f64));
            }
        }
        self.stats
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Aggregates the requests received (Europe/Rome date) in `[from, to]`. Open and overdue
/// figures are as of `today`. The total line covers only kinds with a standard.
pub fn aggregate<E: std::borrow::Borrow<RegisterEntry>>(
    entries: impl IntoIterator<Item = E>,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    calendar: &WorkingCalendar,
) -> RegisterReport {
    let mut per_kind: BTreeMap<RequestKind, (Acc, Option<u32>)> = BTreeMap::new();
    let mut total = Acc::default();
    for e in entries {
        let e = e.borrow();
        let received = rome_date(e.received_at);
        if received < from || received > to {
            continue;
        }
        let (acc, standard) = per_kind.entry(e.kind).or_default();
        // The standard of the kind is the one most requests were filed under.
        *standard = standard.or(e.standard_days);
        acc.add(e, today, calendar);
        if e.standard_days.is_some() {
            total.add(e, today, calendar);
        }
    }
    let kinds = per_kind
        .into_iter()
        .map(|(kind, (acc, standard))| {
            let mut stats = acc.finish(standard.is_some());
            stats.kind = Some(kind);
            stats.standard_days = standard;
            stats
        })
        .collect();
    RegisterReport {
        from,
        to,
        as_of: today,
        kinds,
        total: total.finish(true),
    }
}

/// Renders the whole register as CSV (header + rows), for small exports and tests; the API
/// streams rows itself.
pub fn to_csv<'a>(
    entries: impl IntoIterator<Item = &'a RegisterEntry>,
    calendar: &WorkingCalendar,
) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for e in entries {
        let _ = writeln!(out, "{}", e.csv_row(calendar));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn entry(n: u32, kind: RequestKind, received: &str, resolved: Option<&str>) -> RegisterEntry {
        let cal = WorkingCalendar::national();
        let received_at = at(received);
        let standard_days = kind.default_standard_days();
        RegisterEntry {
            protocol_number: format!("2026/{n:07}"),
            kind,
            channel: Channel::Portal,
            codice_utente: Some("U001".into()),
            codice_utenza: None,
            received_at,
            standard_days,
            due_date: deadline::due_date(received_at, standard_days, &cal),
            status: if resolved.is_some() {
                Status::Resolved
            } else {
                Status::InProgress
            },
            resolved_at: resolved.map(at),
            suspended_working_days: 0,
            lateness_cause: None,
        }
    }

    #[test]
    fn aggregates_per_kind() {
        let cal = WorkingCalendar::national();
        let mut late = entry(
            3,
            RequestKind::Disservizio,
            "2026-11-02T09:00:00Z",
            Some("2026-11-16T09:00:00Z"),
        );
        late.lateness_cause = Some(LatenessCause::ForzaMaggiore);
        let entries = vec![
            // Reclamo answered in 10 working days: within 30.
            entry(
                1,
                RequestKind::Reclamo,
                "2026-11-02T09:00:00Z",
                Some("2026-11-16T09:00:00Z"),
            ),
            // Disservizio answered in 3: within 5.
            entry(
                2,
                RequestKind::Disservizio,
                "2026-11-02T09:00:00Z",
                Some("2026-11-05T09:00:00Z"),
            ),
            // Disservizio answered in 10: late, force majeure.
            late,
            // Disservizio still open, due 9 Nov: overdue on 23 Nov.
            entry(4, RequestKind::Disservizio, "2026-11-02T09:00:00Z", None),
            // Out of the period.
            entry(5, RequestKind::Reclamo, "2026-10-30T09:00:00Z", None),
            // No standard.
            entry(
                6,
                RequestKind::Altro,
                "2026-11-03T09:00:00Z",
                Some("2026-11-04T09:00:00Z"),
            ),
        ];
        let r = aggregate(
            &entries,
            d(2026, 11, 1),
            d(2026, 11, 30),
            d(2026, 11, 23),
            &cal,
        );
        let dis = r
            .kinds
            .iter()
            .find(|k| k.kind == Some(RequestKind::Disservizio))
            .unwrap();
        assert_eq!(
            (dis.received, dis.resolved, dis.resolved_within_standard),
            (3, 2, 1)
        );
        assert_eq!(dis.percent_within_standard, Some(50.0));
        assert_eq!(dis.percent_within_standard_excluding_excused, Some(100.0));
        assert_eq!(dis.average_working_days, Some(6.5));
        assert_eq!(dis.max_working_days, Some(10));
        assert_eq!(
            (dis.open, dis.open_overdue, dis.late_forza_maggiore),
            (1, 1, 1)
        );
        let altro = r
            .kinds
            .iter()
            .find(|k| k.kind == Some(RequestKind::Altro))
            .unwrap();
        assert_eq!(altro.percent_within_standard, None);
        assert_eq!(altro.average_working_days, Some(1.0));
        assert_eq!(r.total.received, 4);
        assert_eq!(r.total.resolved_within_standard, 2);
        assert_eq!(r.kinds.len(), 3);
    }

    #[test]
    fn csv_rows() {
        let cal = WorkingCalendar::national();
        let mut e = entry(
            1,
            RequestKind::Reclamo,
            "2026-11-02T09:00:00Z",
            Some("2026-11-16T09:00:00Z"),
        );
        e.codice_utenza = Some("=HYPERLINK(\"x\")".into());
        let row = e.csv_row(&cal);
        assert_eq!(
            row,
            "2026/0000001;reclamo;portal;U001;\"'=HYPERLINK(\"\"x\"\")\";2026-11-02;2026-11-02T09:00:00Z;30;2026-12-15;resolved;2026-11-16;10;10;si;"
        );
        assert_eq!(CSV_HEADER.split(';').count(), 15);
        let csv = to_csv([&e], &cal);
        assert_eq!(csv.lines().count(), 2);
    }
}
