//! Requests (istanze): protocol numbers, the queue, messages, attachments, transitions.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{
    AttachmentRow, IdempotencyRow, MessageRow, RatingRow, RequestRow, RequestSummaryRow,
    TransitionRow,
};
use crate::db::schema::{
    attachments, idempotency_keys, messages, protocol_counters, request_ratings, requests,
    transitions, users,
};

/// The next gapless protocol number of the tenant for `year`. Must run inside the
/// transaction that stores the request: the counter row stays locked until it commits, and
/// a rollback gives the number back.
pub fn next_protocol_number(conn: &mut DbConn, tenant_id: &str, year: i32) -> QueryResult<String> {
    let n: i32 = match conn {
        // The single writer holds the database for the whole transaction, so read-then-
        // write cannot race; both statements stay prepared (diesel re-prepares upserts).
        DbConn::Sqlite(c) => {
            let last: Option<i32> = protocol_counters::table
                .find((tenant_id, year))
                .select(protocol_counters::last_number)
                .load(c)?
                .into_iter()
                .next();
            let n = last.unwrap_or(0) + 1;
            diesel::replace_into(protocol_counters::table)
                .values((
                    protocol_counters::tenant_id.eq(tenant_id),
                    protocol_counters::year.eq(year),
                    protocol_counters::last_number.eq(n),
                ))
                .execute(c)?;
            n
        }
        // Concurrent writers: the counter is bumped under its row lock, which every other
        // filing of the tenant and year waits for until this transaction commits (so the
        // caller takes it as late as it can). A prepared `UPDATE … RETURNING`; the year's
        // first filing finds no row and inserts it (or bumps the one a concurrent first
        // filing has just inserted).
        DbConn::Postgresql(c) => {
            let bumped: Option<i32> =
                diesel::update(protocol_counters::table.find((tenant_id, year)))
                    .set(protocol_counters::last_number.eq(protocol_counters::last_number + 1))
                    .returning(protocol_counters::last_number)
                    .load(c)?
                    .into_iter()
                    .next();
            match bumped {
                Some(n) => n,
                None => diesel::insert_into(protocol_counters::table)
                    .values((
                        protocol_counters::tenant_id.eq(tenant_id),
                        protocol_counters::year.eq(year),
                        protocol_counters::last_number.eq(1),
                    ))
                    .on_conflict((protocol_counters::tenant_id, protocol_counters::year))
                    .do_update()
                    .set(protocol_counters::last_number.eq(protocol_counters::last_number + 1))
                    .returning(protocol_counters::last_number)
                    .get_result(c)?,
            }
        }
    };
    Ok(format!("{year}/{n:07}"))
}

pub fn insert(conn: &mut DbConn, row: &RequestRow) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(requests::table)
        .values(row)
        .execute(c))
    .map(|_| ())
}

/// The columns a lifecycle step changes; the rest of the row (subject, fields, citizen…)
/// is never written back from a possibly stale copy.
#[derive(AsChangeset)]
#[diesel(table_name = requests, treat_none_as_null = true)]
struct CaseColumns<'a> {
    type_code: &'a str,
    kind: domain::catalogue::RequestKind,
    status: domain::lifecycle::Status,
    office_id: Option<String>,
    assignee_id: Option<String>,
    standard_days: Option<i32>,
    due_date: Option<chrono::NaiveDate>,
    has_public_reply: bool,
    suspended_since: Option<chrono::NaiveDateTime>,
    suspended_working_days: i32,
    resolved_at: Option<chrono::NaiveDateTime>,
    closed_at: Option<chrono::NaiveDateTime>,
    lateness_cause: Option<domain::deadline::LatenessCause>,
    updated_at: chrono::NaiveDateTime,
}

/// Stores the lifecycle state of `row` (read under [`lock`] in the same transaction).
pub fn update_case(conn: &mut DbConn, row: &RequestRow) -> QueryResult<()> {
    diesel::update(requests::table.find(&row.id))
        .set(CaseColumns {
            type_code: &row.type_code,
            kind: row.kind,
            status: row.status,
            office_id: row.office_id.clone(),
            assignee_id: row.assignee_id.clone(),
            standard_days: row.standard_days,
            due_date: row.due_date,
            has_public_reply: row.has_public_reply,
            suspended_since: row.suspended_since,
            suspended_working_days: row.suspended_working_days,
            resolved_at: row.resolved_at,
            closed_at: row.closed_at,
            lateness_cause: row.lateness_cause,
            updated_at: row.updated_at,
        })
        .execute(conn)
        .map(|_| ())
}

/// Gives a request filed under the generic contribuente to the citizen an operator
/// identified as its sender.
pub fn assign_citizen(
    conn: &mut DbConn,
    id: &str,
    citizen_id: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(requests::table.find(id))
        .set((
            requests::citizen_id.eq(citizen_id),
            requests::sender_unverified.eq(false),
            requests::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records that the office has sent a written reply, whatever else changes concurrently.
pub fn mark_public_reply(
    conn: &mut DbConn,
    id: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(requests::table.find(id))
        .set((
            requests::has_public_reply.eq(true),
            requests::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The request, locked until the end of the transaction: whoever decides from its state
/// (a transition, a reply) sees the last committed one and holds off the others. On
/// PostgreSQL `FOR UPDATE`; on SQLite the single writer already serialises write
/// transactions, and reads inside one see every earlier commit.
pub fn lock(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<RequestRow>> {
    let q = requests::table
        .filter(requests::tenant_id.eq(tenant_id))
        .filter(requests::id.eq(id));
    match conn {
        DbConn::Postgresql(c) => q
            .select(RequestRow::as_select())
            .for_update()
            .load(c)
            .map(crate::db::at_most_one),
        DbConn::Sqlite(c) => q
            .select(RequestRow::as_select())
            .load(c)
            .map(crate::db::at_most_one),
    }
}

pub fn find(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<RequestRow>> {
    let q = requests::table
        .filter(requests::tenant_id.eq(tenant_id))
        .filter(requests::id.eq(id));
    crate::native!(conn, |c| q.select(RequestRow::as_select()).load(c)).map(crate::db::at_most_one)
}

pub fn find_by_protocol(
    conn: &mut DbConn,
    tenant_id: &str,
    protocol: &str,
) -> QueryResult<Option<RequestRow>> {
    requests::table
        .filter(requests::tenant_id.eq(tenant_id))
        .filter(requests::protocol_number.eq(protocol))
        .select(RequestRow::as_select())
        .first(conn)
        .optional()
}

/// A citizen's own requests, newest first: the hot path of the portal, kept as static
/// statements so the database caches their plans.
pub fn own_page(
    conn: &mut DbConn,
    tenant_id: &str,
    citizen_id: &str,
    before_id: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<RequestSummaryRow>> {
    let mine = requests::tenant_id
        .eq(tenant_id)
        .and(requests::citizen_id.eq(citizen_id));
    // As in `first_rows`: SQLite reads `limit` rows off the index, PostgreSQL gets a LIMIT.
    let take = usize::try_from(limit).unwrap_or(usize::MAX);
    let newest = requests::table.order(requests::id.desc());
    match (conn, before_id) {
        (DbConn::Sqlite(c), Some(before)) => newest
            .filter(mine.and(requests::id.lt(before)))
            .select(RequestSummaryRow::as_select())
            .load_iter::<RequestSummaryRow, diesel::connection::DefaultLoadingMode>(c)?
            .take(take)
            .collect(),
        (DbConn::Sqlite(c), None) => newest
            .filter(mine)
            .select(RequestSummaryRow::as_select())
            .load_iter::<RequestSummaryRow, diesel::connection::DefaultLoadingMode>(c)?
            .take(take)
            .collect(),
        (DbConn::Postgresql(c), Some(before)) => newest
            .filter(mine.and(requests::id.lt(before)))
            .select(RequestSummaryRow::as_select())
            .limit(limit)
            .load(c),
        (DbConn::Postgresql(c), None) => newest
            .filter(mine)
            .select(RequestSummaryRow::as_select())
            .limit(limit)
            .load(c),
    }
}

/// Filters of the queue and of a citizen's list.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub citizen_id: Option<String>,
    pub statuses: Vec<String>,
    pub type_code: Option<String>,
    pub office_id: Option<String>,
    /// `Some(None)`: unassigned only.
    pub assignee_id: Option<Option<String>>,
    /// Open and due before this date.
    pub overdue_before: Option<NaiveDate>,
    pub search: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Newest first (keyset on the time-ordered id).
    Newest,
    /// Earliest due date first, requests without a deadline last.
    Urgent,
}

/// One page of requests; `cursor` is the last id for `Newest`, an offset for `Urgent`.
type Backend = <DbConn as diesel::Connection>::Backend;
type Filtered = requests::BoxedQuery<'static, Backend>;

/// The tenant's requests matching `filter`, before ordering.
fn filtered(tenant_id: &str, filter: &Filter) -> Filtered {
    let mut q = requests::table
        .filter(requests::tenant_id.eq(tenant_id.to_owned()))
        .into_boxed();
    if let Some(c) = &filter.citizen_id {
        q = q.filter(requests::citizen_id.eq(c.clone()));
    }
    if !filter.statuses.is_empty() {
        q = q.filter(requests::status.eq_any(filter.statuses.clone()));
    }
    if let Some(t) = &filter.type_code {
        q = q.filter(requests::type_code.eq(t.clone()));
    }
    if let Some(o) = &filter.office_id {
        q = q.filter(requests::office_id.eq(o.clone()));
    }
    match &filter.assignee_id {
        Some(Some(a)) => q = q.filter(requests::assignee_id.eq(a.clone())),
        Some(None) => q = q.filter(requests::assignee_id.is_null()),
        None => {}
    }
    if let Some(day) = filter.overdue_before {
        q = q
            .filter(requests::status.eq_any(OPEN))
            .filter(requests::due_date.lt(day));
    }
    if let Some(s) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!("%{}%", s.replace(['%', '_'], ""));
        q = q.filter(
            requests::protocol_number
                .like(pattern.clone())
                .or(requests::subject.like(pattern.clone()))
                .or(requests::contact_email.like(pattern)),
        );
    }
    q
}

/// The first `n` rows of an ordered query. SQLite reads them one by one off the index
/// instead of binding `LIMIT ?` (see `db::at_most_one`); PostgreSQL sends a whole result
/// set at once, so there the LIMIT is what keeps a page from carrying every row.
fn first_rows(q: Filtered, conn: &mut DbConn, n: i64) -> QueryResult<Vec<RequestSummaryRow>> {
    let q = q.select(RequestSummaryRow::as_select());
    if matches!(conn, DbConn::Postgresql(_)) {
        return q.limit(n).load(conn);
    }
    q.load_iter::<RequestSummaryRow, diesel::connection::DefaultLoadingMode>(conn)?
        .take(usize::try_from(n).unwrap_or(usize::MAX))
        .collect()
}

const OPEN: [&str; 4] = ["received", "assigned", "in_progress", "waiting_citizen"];

/// One page of requests and the cursor of the next one.
///
/// `Newest` pages by the time-ordered id. `Urgent` lists requests with a due date, earliest
/// first (keyset on `(due_date, id)`, cursor `d|date|id`), then those without one (cursor
/// `n|id`): both phases walk an index, so deep pages cost what the first one does.
pub fn list(
    conn: &mut DbConn,
    tenant_id: &str,
    filter: &Filter,
    order: Order,
    cursor: Option<&str>,
    limit: i64,
) -> QueryResult<(Vec<RequestSummaryRow>, Option<String>)> {
    let want = limit + 1;
    let mut rows: Vec<RequestSummaryRow> = match order {
        Order::Newest => {
            let mut q = filtered(tenant_id, filter);
            if let Some(c) = cursor {
                q = q.filter(requests::id.lt(c.to_owned()));
            }
            first_rows(q.order(requests::id.desc()), conn, want)?
        }
        Order::Urgent => {
            let mut parts = cursor.unwrap_or("").splitn(3, '|');
            let phase = parts.next().unwrap_or("");
            let mut rows = Vec::new();
            if phase != "n" {
                let mut q = filtered(tenant_id, filter).filter(requests::due_date.is_not_null());
                if let (Some(date), Some(id)) = (
                    parts.next().and_then(|d| d.parse::<NaiveDate>().ok()),
                    parts.next(),
                ) {
                    q = q.filter(
                        requests::due_date.gt(date).or(requests::due_date
                            .eq(date)
                            .and(requests::id.gt(id.to_owned()))),
                    );
                }
                rows = first_rows(
                    q.order((requests::due_date.asc(), requests::id.asc())),
                    conn,
                    want,
                )?;
            }
            let missing = want - i64::try_from(rows.len()).unwrap_or(want);
            if missing > 0 {
                let mut q = filtered(tenant_id, filter).filter(requests::due_date.is_null());
                if let Some(id) = parts.next().filter(|i| phase == "n" && !i.is_empty()) {
                    q = q.filter(requests::id.gt(id.to_owned()));
                }
                rows.extend(first_rows(q.order(requests::id.asc()), conn, missing)?);
            }
            rows
        }
    };
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next = rows
        .last()
        .filter(|_| more)
        .map(|last| match (order, last.due_date) {
            (Order::Newest, _) => last.id.clone(),
            (Order::Urgent, Some(d)) => format!("d|{d}|{}", last.id),
            (Order::Urgent, None) => format!("n|{}", last.id),
        });
    Ok((rows, next))
}

/// `(status, count)` of the tenant queue, and open requests due before a date.
pub fn counts(
    conn: &mut DbConn,
    tenant_id: &str,
    office_id: Option<&str>,
) -> QueryResult<Vec<(String, i64)>> {
    let mut q = requests::table
        .filter(requests::tenant_id.eq(tenant_id))
        .group_by(requests::status)
        .select((requests::status, diesel::dsl::count_star()))
        .into_boxed();
    if let Some(o) = office_id {
        q = q.filter(requests::office_id.eq(o.to_owned()));
    }
    q.load(conn)
}

/// Open requests with a due date, for the overdue/due-soon counters.
pub fn open_due_dates(
    conn: &mut DbConn,
    tenant_id: &str,
    office_id: Option<&str>,
) -> QueryResult<Vec<NaiveDate>> {
    let mut q = requests::table
        .filter(requests::tenant_id.eq(tenant_id))
        .filter(requests::status.eq_any(OPEN))
        .filter(requests::due_date.is_not_null())
        .select(requests::due_date.assume_not_null())
        .into_boxed();
    if let Some(o) = office_id {
        q = q.filter(requests::office_id.eq(o.to_owned()));
    }
    q.load(conn)
}

pub fn insert_message(conn: &mut DbConn, row: &MessageRow) -> QueryResult<()> {
    diesel::insert_into(messages::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn messages(
    conn: &mut DbConn,
    request_id: &str,
    include_internal: bool,
) -> QueryResult<Vec<MessageRow>> {
    let mut q = messages::table
        .filter(messages::request_id.eq(request_id))
        .select(MessageRow::as_select())
        .order((messages::created_at.asc(), messages::id.asc()))
        .into_boxed();
    if !include_internal {
        q = q.filter(messages::internal.eq(false));
    }
    q.load(conn)
}

/// Moves the conversation (messages and attachments) of one request to another (a merge).
pub fn move_conversation(
    conn: &mut DbConn,
    from_request: &str,
    to_request: &str,
) -> QueryResult<()> {
    diesel::update(messages::table.filter(messages::request_id.eq(from_request)))
        .set(messages::request_id.eq(to_request))
        .execute(conn)?;
    diesel::update(attachments::table.filter(attachments::request_id.eq(from_request)))
        .set(attachments::request_id.eq(to_request))
        .execute(conn)
        .map(|_| ())
}

pub fn insert_attachment(conn: &mut DbConn, row: &AttachmentRow) -> QueryResult<()> {
    diesel::insert_into(attachments::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn attachments(conn: &mut DbConn, request_id: &str) -> QueryResult<Vec<AttachmentRow>> {
    attachments::table
        .filter(attachments::request_id.eq(request_id))
        .select(AttachmentRow::as_select())
        .order(attachments::id.asc())
        .load(conn)
}

pub fn find_attachment(
    conn: &mut DbConn,
    request_id: &str,
    id: &str,
) -> QueryResult<Option<AttachmentRow>> {
    attachments::table
        .filter(attachments::request_id.eq(request_id))
        .filter(attachments::id.eq(id))
        .select(AttachmentRow::as_select())
        .first(conn)
        .optional()
}

/// Whether a message is internal (its attachments are hidden from citizens).
pub fn message_is_internal(conn: &mut DbConn, message_id: &str) -> QueryResult<bool> {
    messages::table
        .find(message_id)
        .select(messages::internal)
        .first(conn)
}

pub fn insert_transition(conn: &mut DbConn, row: &TransitionRow) -> QueryResult<()> {
    diesel::insert_into(transitions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn transitions(conn: &mut DbConn, request_id: &str) -> QueryResult<Vec<TransitionRow>> {
    transitions::table
        .filter(transitions::request_id.eq(request_id))
        .select(TransitionRow::as_select())
        .order((transitions::created_at.asc(), transitions::id.asc()))
        .load(conn)
}

/// Stores a rating; `false` when the request already has one.
pub fn insert_rating(conn: &mut DbConn, row: &RatingRow) -> QueryResult<bool> {
    // A concurrent second rating of the same request loses on the key, not with an error.
    crate::native!(conn, |c| diesel::insert_into(request_ratings::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))
    .map(|n| n == 1)
}

pub fn rating(conn: &mut DbConn, request_id: &str) -> QueryResult<Option<RatingRow>> {
    request_ratings::table
        .filter(request_ratings::request_id.eq(request_id))
        .select(RatingRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_idempotency(
    conn: &mut DbConn,
    tenant_id: &str,
    user_id: &str,
    key: &str,
) -> QueryResult<Option<IdempotencyRow>> {
    let q = idempotency_keys::table
        .filter(idempotency_keys::tenant_id.eq(tenant_id))
        .filter(idempotency_keys::user_id.eq(user_id))
        .filter(idempotency_keys::key.eq(key));
    crate::native!(conn, |c| q.select(IdempotencyRow::as_select()).load(c))
        .map(crate::db::at_most_one)
}

pub fn insert_idempotency(conn: &mut DbConn, row: &IdempotencyRow) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(idempotency_keys::table)
        .values(row)
        .execute(c))
    .map(|_| ())
}

/// Names of users by id, for list rows: `(id, first name, last name)`.
pub fn user_names(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<(String, String, String)>> {
    let cols = (users::id, users::first_name, users::last_name);
    match ids {
        [] => Ok(Vec::new()),
        // One id (a citizen's own list of unassigned requests) keeps a cacheable statement.
        [one] => crate::native!(conn, |c| users::table.find(one).select(cols).load(c)),
        many => users::table
            .filter(users::id.eq_any(many))
            .select(cols)
            .load(conn),
    }
}
