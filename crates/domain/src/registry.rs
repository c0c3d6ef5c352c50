//! The TQRIF register (art. 56) and its yearly compliance figures (art. 58): a pure
//! aggregation over request records.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
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

/// What the register's figures depend on for one request: a [`RegisterEntry`] without
/// the columns that only identify it, so storage can stream just these into an
/// [`Aggregator`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterFacts {
    pub kind: RequestKind,
    pub received_at: DateTime<Utc>,
    pub standard_days: Option<u32>,
    pub due_date: Option<NaiveDate>,
    pub status: Status,
    pub resolved_at: Option<DateTime<Utc>>,
    pub suspended_working_days: u32,
    pub lateness_cause: Option<LatenessCause>,
}

impl RegisterEntry {
    /// The figures' inputs.
    pub fn facts(&self) -> RegisterFacts {
        RegisterFacts {
            kind: self.kind,
            received_at: self.received_at,
            standard_days: self.standard_days,
            due_date: self.due_date,
            status: self.status,
            resolved_at: self.resolved_at,
            suspended_working_days: self.suspended_working_days,
            lateness_cause: self.lateness_cause,
        }
    }

    /// Gross and net working days taken, once answered.
    pub fn elapsed(&self, calendar: &WorkingCalendar) -> Option<deadline::Elapsed> {
        self.resolved_at
            .map(|r| deadline::elapsed(self.received_at, r, self.suspended_working_days, calendar))
    }

    /// The CSV line (without newline) for the ARERA report; columns as [`CSV_HEADER`].
    pub fn csv_row(&self, calendar: &WorkingCalendar) -> String {
        let mut line = String::with_capacity(192);
        self.write_csv_row(&mut line, calendar);
        line
    }

    /// Appends the CSV line (without newline) to `out`: streaming exports reuse one buffer.
    pub fn write_csv_row(&self, out: &mut String, calendar: &WorkingCalendar) {
        let elapsed = self.elapsed(calendar);
        let within = elapsed.and_then(|e| deadline::within_standard(e, self.standard_days));
        let sep = |out: &mut String| out.push(CSV_SEPARATOR);
        push_csv_field(out, &self.protocol_number);
        sep(out);
        out.push_str(self.kind.code());
        sep(out);
        out.push_str(self.channel.code());
        sep(out);
        push_csv_field(out, self.codice_utente.as_deref().unwrap_or(""));
        sep(out);
        push_csv_field(out, self.codice_utenza.as_deref().unwrap_or(""));
        sep(out);
        push_date(out, rome_date(self.received_at));
        sep(out);
        let t = self.received_at;
        let _ = write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
        sep(out);
        if let Some(d) = self.standard_days {
            let _ = write!(out, "{d}");
        }
        sep(out);
        if let Some(d) = self.due_date {
            push_date(out, d);
        }
        sep(out);
        out.push_str(self.status.code());
        sep(out);
        if let Some(r) = self.resolved_at {
            push_date(out, rome_date(r));
        }
        sep(out);
        if let Some(e) = elapsed {
            let _ = write!(out, "{};{}", e.gross, e.net);
        } else {
            sep(out);
        }
        sep(out);
        out.push_str(match within {
            Some(true) => "si",
            Some(false) => "no",
            None => "",
        });
        sep(out);
        if let Some(c) = self.lateness_cause {
            out.push_str(c.code());
        }
    }
}

fn push_date(out: &mut String, d: NaiveDate) {
    let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
}

/// Semicolon: what spreadsheets in the Italian locale expect.
pub const CSV_SEPARATOR: char = ';';

pub const CSV_HEADER: &str = "numero_protocollo;tipologia;canale;codice_utente;codice_utenza;\
data_ricevimento;ricevuta_il_utc;standard_giorni_lavorativi;data_scadenza;stato;data_risposta;\
giorni_lavorativi_lordi;giorni_lavorativi_netti;entro_standard;causa_mancato_rispetto";

/// Quotes a field when needed and defuses spreadsheet formulas (`=`, `+`, `-`, `@`).
pub(crate) fn push_csv_field(out: &mut String, value: &str) {
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
    /// `elapsed` is the request's, computed once for the kind line and the total.
    fn add(&mut self, f: &RegisterFacts, elapsed: Option<deadline::Elapsed>, today: NaiveDate) {
        let s = &mut self.stats;
        s.received += 1;
        if let Some(elapsed) = elapsed {
            s.resolved += 1;
            self.sum_net += u64::from(elapsed.net);
            self.sum_gross += u64::from(elapsed.gross);
            s.max_working_days = Some(
                s.max_working_days
                    .map_or(elapsed.net, |m| m.max(elapsed.net)),
            );
            match deadline::within_standard(elapsed, f.standard_days) {
                Some(true) => s.resolved_within_standard += 1,
                Some(false) => match f.lateness_cause.unwrap_or(LatenessCause::Gestore) {
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
        } else if f.status.is_open() {
            s.open += 1;
            if f.due_date.is_some_and(|d| d < today) {
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

/// Builds a [`RegisterReport`] one entry at a time, so callers can stream entries from
/// storage without holding them all. Entries received (Europe/Rome date) outside
/// `[from, to]` are ignored; open and overdue figures are as of `today`. The total line
/// covers only kinds with a standard. Entries are expected in receipt order: a kind's
/// standard is the one its first request was filed under.
pub struct Aggregator<'c> {
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    calendar: &'c WorkingCalendar,
    /// Indexed by the kind's position in declaration (and `Ord`) order.
    per_kind: [Option<(Acc, Option<u32>)>; RequestKind::ALL.len()],
    total: Acc,
}

impl<'c> Aggregator<'c> {
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
        calendar: &'c WorkingCalendar,
    ) -> Self {
        Self {
            from,
            to,
            today,
            calendar,
            per_kind: Default::default(),
            total: Acc::default(),
        }
    }

    pub fn add(&mut self, e: &RegisterEntry) {
        self.push(e.facts());
    }

    pub fn push(&mut self, f: RegisterFacts) {
        let received = rome_date(f.received_at);
        if received < self.from || received > self.to {
            return;
        }
        let elapsed = f
            .resolved_at
            .map(|r| deadline::elapsed(f.received_at, r, f.suspended_working_days, self.calendar));
        let (acc, standard) = self.per_kind[f.kind as usize].get_or_insert_default();
        // The standard of the kind is the one the first request was filed under.
        *standard = standard.or(f.standard_days);
        acc.add(&f, elapsed, self.today);
        if f.standard_days.is_some() {
            self.total.add(&f, elapsed, self.today);
        }
    }

    pub fn finish(self) -> RegisterReport {
        let kinds = RequestKind::ALL
            .into_iter()
            .zip(self.per_kind)
            .filter_map(|(kind, line)| {
                let (acc, standard) = line?;
                let mut stats = acc.finish(standard.is_some());
                stats.kind = Some(kind);
                stats.standard_days = standard;
                Some(stats)
            })
            .collect();
        RegisterReport {
            from: self.from,
            to: self.to,
            as_of: self.today,
            kinds,
            total: self.total.finish(true),
        }
    }
}

/// Aggregates a whole set of entries; see [`Aggregator`].
pub fn aggregate<E: std::borrow::Borrow<RegisterEntry>>(
    entries: impl IntoIterator<Item = E>,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    calendar: &WorkingCalendar,
) -> RegisterReport {
    let mut agg = Aggregator::new(from, to, today, calendar);
    for e in entries {
        agg.add(e.borrow());
    }
    agg.finish()
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

    /// The aggregator files each kind at `kind as usize` and names it back from `ALL`.
    #[test]
    fn kinds_are_listed_in_declaration_order() {
        for (i, k) in RequestKind::ALL.into_iter().enumerate() {
            assert_eq!(k as usize, i, "{k:?}");
        }
        assert!(RequestKind::ALL.is_sorted());
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
