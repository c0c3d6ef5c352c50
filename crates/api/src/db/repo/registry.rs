//! Reading requests as register entries, in pages that keep memory flat, and streaming
//! just the figures' inputs into the register aggregation.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::connection::DefaultLoadingMode;
use diesel::dsl::sql;
use diesel::pg::PgRowByRowLoadingMode;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use domain::catalogue::RequestKind;
use domain::lifecycle::Status;
use domain::registry::{RegisterEntry, RegisterFacts};

use crate::db::DbConn;
use crate::db::schema::{requests, users};

type EntryRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    NaiveDateTime,
    Option<i32>,
    Option<NaiveDate>,
    String,
    Option<NaiveDateTime>,
    i32,
    Option<String>,
);

fn to_entry(r: EntryRow) -> (String, RegisterEntry) {
    let (
        id,
        protocol_number,
        kind,
        channel,
        fiscal_code,
        utenza_id,
        fields,
        received_at,
        standard_days,
        due_date,
        status,
        resolved_at,
        suspended,
        cause,
    ) = r;
    // The utenza code comes from the linked account or, failing that, from the form.
    let codice_utenza = utenza_id.or_else(|| {
        serde_json::from_str::<serde_json::Value>(&fields)
            .ok()
            .and_then(|v| {
                v.get("codice_utenza")
                    .and_then(|c| c.as_str())
                    .map(str::to_owned)
            })
    });
    let entry = RegisterEntry {
        protocol_number,
        kind: kind_of(&kind),
        channel: channel
            .parse()
            .unwrap_or(domain::catalogue::Channel::Portal),
        codice_utente: fiscal_code,
        codice_utenza,
        received_at: received_at.and_utc(),
        standard_days: standard_days_of(standard_days),
        due_date,
        status: status_of(&status),
        resolved_at: resolved_at.map(|t| t.and_utc()),
        suspended_working_days: suspended_of(suspended),
        lateness_cause: cause.and_then(|c| c.parse().ok()),
    };
    (id, entry)
}

// Stored values read leniently, the same way for entries and for facts: an unknown kind
// counts as "altro", an unknown status as received.
fn kind_of(code: &str) -> RequestKind {
    code.parse().unwrap_or(RequestKind::Altro)
}

fn status_of(code: &str) -> Status {
    code.parse().unwrap_or(Status::Received)
}

fn standard_days_of(days: Option<i32>) -> Option<u32> {
    days.and_then(|d| u32::try_from(d).ok())
}

fn suspended_of(days: i32) -> u32 {
    u32::try_from(days).unwrap_or(0)
}

/// SQLite's row of facts: times and dates as their stored text, parsed here without
/// chrono's format machinery (see [`sqlite_time`]).
type SqliteFactsRow = (
    String,
    String,
    Option<i32>,
    Option<String>,
    String,
    Option<String>,
    i32,
    Option<String>,
);

/// PostgreSQL's row of facts (binary timestamps and dates).
type PgFactsRow = (
    String,
    NaiveDateTime,
    Option<i32>,
    Option<NaiveDate>,
    String,
    Option<NaiveDateTime>,
    i32,
    Option<String>,
);

/// `n` ASCII digits as a number.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// A stored `YYYY-MM-DD` date.
fn fixed_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&b[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&b[5..7])?, digits(&b[8..10])?)
}

/// A stored SQLite time. What this server writes (`%F %T%.f`, as diesel encodes it) is
/// read directly; any other text goes through the formats diesel itself accepts, in its
/// order, so the result is what diesel would have read.
fn sqlite_time(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    let fast = (|| {
        if b.len() < 19 || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let nanos = match &b[19..] {
            [] => 0,
            [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
                digits(frac)? * 10u32.pow(9 - frac.len() as u32)
            }
            _ => return None,
        };
        fixed_date(&b[..10])?.and_hms_nano_opt(
            digits(&b[11..13])?,
            digits(&b[14..16])?,
            digits(&b[17..19])?,
            nanos,
        )
    })();
    fast.or_else(|| {
        const FORMATS: [&str; 18] = [
            "%F %T%.f",
            "%F %T%.f%:z",
            "%F %T",
            "%F %T%:z",
            "%F %R",
            "%F %RZ",
            "%F %R%:z",
            "%F %TZ",
            "%F %T%.fZ",
            "%FT%R",
            "%FT%RZ",
            "%FT%R%:z",
            "%FT%T",
            "%FT%TZ",
            "%FT%T%:z",
            "%FT%T%.f",
            "%FT%T%.fZ",
            "%FT%T%.f%:z",
        ];
        FORMATS
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    })
}

fn stored_time(text: &str) -> QueryResult<DateTime<Utc>> {
    sqlite_time(text).map(|t| t.and_utc()).ok_or_else(|| {
        diesel::result::Error::DeserializationError(
            format!("unreadable time {text:?} in requests").into(),
        )
    })
}

fn stored_date(text: &str) -> QueryResult<NaiveDate> {
    fixed_date(text.as_bytes())
        .or_else(|| NaiveDate::parse_from_str(text, "%F").ok())
        .ok_or_else(|| {
            diesel::result::Error::DeserializationError(
                format!("unreadable date {text:?} in requests").into(),
            )
        })
}

/// The register's inputs for every request received in `[from, to)` (UTC), in receipt
/// order, handed to `f` one by one: memory stays flat however many there are. SQLite steps
/// one statement to its end; PostgreSQL streams one statement's rows.
pub fn for_each_facts(
    conn: &mut DbConn,
    tenant_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
    mut f: impl FnMut(RegisterFacts),
) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => {
            let rows = requests::table
                .filter(requests::tenant_id.eq(tenant_id))
                .filter(requests::received_at.ge(from))
                .filter(requests::received_at.lt(to))
                .select((
                    requests::kind,
                    sql::<Text>("requests.received_at"),
                    requests::standard_days,
                    sql::<Nullable<Text>>("requests.due_date"),
                    requests::status,
                    sql::<Nullable<Text>>("requests.resolved_at"),
                    requests::suspended_working_days,
                    requests::lateness_cause,
                ))
                .order((requests::received_at.asc(), requests::id.asc()))
                .load_iter::<SqliteFactsRow, DefaultLoadingMode>(c)?;
            for row in rows {
                let (kind, received, standard, due, status, resolved, suspended, cause) = row?;
                f(RegisterFacts {
                    kind: kind_of(&kind),
                    received_at: stored_time(&received)?,
                    standard_days: standard_days_of(standard),
                    due_date: due.as_deref().map(stored_date).transpose()?,
                    status: status_of(&status),
                    resolved_at: resolved.as_deref().map(stored_time).transpose()?,
                    suspended_working_days: suspended_of(suspended),
                    lateness_cause: cause.and_then(|c| c.parse().ok()),
                });
            }
            Ok(())
        }
        DbConn::Postgresql(c) => {
            // One statement, its rows streamed (libpq's single-row mode): PostgreSQL sends
            // while the aggregation consumes, on the other core, with one snapshot for the
            // whole report and no page to seek.
            let rows = requests::table
                .filter(requests::tenant_id.eq(tenant_id))
                .filter(requests::received_at.ge(from))
                .filter(requests::received_at.lt(to))
                .select((
                    requests::kind,
                    requests::received_at,
                    requests::standard_days,
                    requests::due_date,
                    requests::status,
                    requests::resolved_at,
                    requests::suspended_working_days,
                    requests::lateness_cause,
                ))
                .order((requests::received_at.asc(), requests::id.asc()))
                .load_iter::<PgFactsRow, PgRowByRowLoadingMode>(c)?;
            for row in rows {
                let (kind, received, standard, due, status, resolved, suspended, cause) = row?;
                f(RegisterFacts {
                    kind: kind_of(&kind),
                    received_at: received.and_utc(),
                    standard_days: standard_days_of(standard),
                    due_date: due,
                    status: status_of(&status),
                    resolved_at: resolved.map(|t| t.and_utc()),
                    suspended_working_days: suspended_of(suspended),
                    lateness_cause: cause.and_then(|c| c.parse().ok()),
                });
            }
            Ok(())
        }
    }
}

/// Where a page of the register ends: receipt time and id of its last entry.
pub type Mark = (NaiveDateTime, String);

/// Up to `limit` entries received in `[from, to)` (UTC) after `after`, in receipt order.
/// Returns the entries and where to continue from (keyset paging on the index
/// `(tenant_id, received_at, id)`: each page costs the same however deep it is).
pub fn page(
    conn: &mut DbConn,
    tenant_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
    after: Option<&Mark>,
    limit: i64,
) -> QueryResult<(Vec<RegisterEntry>, Option<Mark>)> {
    // One lower bound only, the mark when there is one: given two, SQLite starts the index
    // range at the period's start and every page scanned again the pages before it.
    let lower = after.map_or(from, |(at, _)| *at);
    let mut q = requests::table
        .left_join(users::table.on(requests::citizen_id.eq(users::id.nullable())))
        .filter(requests::tenant_id.eq(tenant_id))
        .filter(requests::received_at.ge(lower))
        .filter(requests::received_at.lt(to))
        .select((
            requests::id,
            requests::protocol_number,
            requests::kind,
            requests::channel,
            users::fiscal_code.nullable(),
            requests::utenza_id,
            requests::fields,
            requests::received_at,
            requests::standard_days,
            requests::due_date,
            requests::status,
            requests::resolved_at,
            requests::suspended_working_days,
            requests::lateness_cause,
        ))
        .order((requests::received_at.asc(), requests::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        q = q.filter(
            requests::received_at.gt(*at).or(requests::received_at
                .eq(*at)
                .and(requests::id.gt(id.clone()))),
        );
    }
    let rows: Vec<EntryRow> = q.load(conn)?;
    let full = rows.len() == usize::try_from(limit).unwrap_or(usize::MAX);
    let mut last = None;
    let entries = rows
        .into_iter()
        .map(|r| {
            let (id, e) = to_entry(r);
            last = Some((e.received_at.naive_utc(), id));
            e
        })
        .collect();
    Ok((entries, if full { last } else { None }))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use diesel::connection::SimpleConnection;

    use super::{page, sqlite_time};
    use crate::config::Config;
    use crate::db::Db;

    /// Stored times read without chrono's parser read as diesel reads them.
    #[test]
    fn stored_times_read_as_diesel_reads_them() {
        for text in [
            "2025-03-30 01:00:00",
            "2025-03-30 00:59:59.5",
            "2025-12-31 23:00:00.123456",
            "2025-12-31 23:00:00.123456789",
            "2024-02-29 12:00:00.000001",
            "2025-06-01T08:30:00",
            "2025-06-01 08:30",
            "2025-06-01 08:30:00Z",
            "2025-06-01 08:30:00+02:00",
        ] {
            let diesel_reads = chrono::NaiveDateTime::parse_from_str(text, "%F %T%.f")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%FT%T"))
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%F %R"))
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%F %TZ"))
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%F %T%:z"))
                .unwrap();
            assert_eq!(sqlite_time(text), Some(diesel_reads), "{text}");
        }
        for bad in [
            "2025-02-30 10:00:00",
            "2025-06-01 25:00:00",
            "yesterday",
            "",
        ] {
            assert_eq!(sqlite_time(bad), None, "{bad}");
        }
    }

    /// Pages that end among requests received at the same second lose none and repeat
    /// none; requests outside the period stay out.
    #[test]
    fn pages_cross_equal_receipt_times() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("r.db").display());
        crate::seed::demo(&Config::for_paths(&url, dir.path().join("files"))).unwrap();
        let db = Db::connect(&url, 2, false).unwrap();
        // 30 requests in the period, three per second; 2 before and 2 after it.
        db.write_tx(|c| {
            c.batch_execute(
                "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 33)
                 INSERT INTO requests (id, tenant_id, protocol_number, type_code, kind, channel,
                   citizen_id, subject, description, fields, status, received_at,
                   suspended_working_days, created_at, updated_at)
                 SELECT printf('00000000-0000-7000-8000-%012x', 1000 - n),
                   (SELECT id FROM tenants WHERE is_default), printf('2025/%07d', n),
                   'tari_reclamo', 'reclamo', 'portal', NULL, 's', 'd', '{}', 'received',
                   CASE WHEN n < 2 THEN '2024-12-31 10:00:00'
                        WHEN n >= 32 THEN '2026-01-02 10:00:00'
                        ELSE datetime('2025-03-01 08:00:00', '+' || (n / 3) || ' seconds') END,
                   0, datetime('now'), datetime('now')
                 FROM seq",
            )
        })
        .unwrap();
        let tenant: String = db
            .read(|c| {
                use diesel::prelude::*;
                crate::db::schema::tenants::table
                    .filter(crate::db::schema::tenants::is_default.eq(true))
                    .select(crate::db::schema::tenants::id)
                    .first(c)
            })
            .unwrap();
        let from = NaiveDate::from_ymd_opt(2025, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let to = NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();

        let mut seen = Vec::new();
        let mut after = None;
        let mut pages = 0;
        loop {
            let (entries, next) = db
                .read(|c| page(c, &tenant, from, to, after.as_ref(), 4))
                .unwrap();
            pages += 1;
            seen.extend(entries.into_iter().map(|e| e.protocol_number));
            match next {
                Some(m) => after = Some(m),
                None => break,
            }
        }
        // Receipt second n / 3, then id: ids descend as n grows.
        let mut expected: Vec<i32> = (2..32).collect();
        expected.sort_by_key(|n| (n / 3, -n));
        let expected: Vec<String> = expected.iter().map(|n| format!("2025/{n:07}")).collect();
        assert_eq!(seen, expected);
        assert!(pages >= 8, "{pages} pages of 4 for 30 entries");
    }
}
