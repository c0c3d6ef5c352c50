//! Reading requests as register entries, in pages that keep memory flat.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::registry::RegisterEntry;

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
        kind: kind
            .parse()
            .unwrap_or(domain::catalogue::RequestKind::Altro),
        channel: channel
            .parse()
            .unwrap_or(domain::catalogue::Channel::Portal),
        codice_utente: fiscal_code,
        codice_utenza,
        received_at: received_at.and_utc(),
        standard_days: standard_days.and_then(|d| u32::try_from(d).ok()),
        due_date,
        status: status
            .parse()
            .unwrap_or(domain::lifecycle::Status::Received),
        resolved_at: resolved_at.map(|t| t.and_utc()),
        suspended_working_days: u32::try_from(suspended).unwrap_or(0),
        lateness_cause: cause.and_then(|c| c.parse().ok()),
    };
    (id, entry)
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
