//! Citizen registrations waiting for an identity check.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{RegistrationRow, UserRow};
use crate::db::schema::{registrations, users};

pub fn insert(conn: &mut DbConn, row: &RegistrationRow) -> QueryResult<()> {
    diesel::insert_into(registrations::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
) -> QueryResult<Option<(RegistrationRow, UserRow)>> {
    registrations::table
        .inner_join(users::table)
        .filter(registrations::tenant_id.eq(tenant_id))
        .filter(registrations::id.eq(id))
        .select((RegistrationRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()
}

/// Oldest first (a queue), keyset-paginated by id (UUID v7 sorts by time).
pub fn list(
    conn: &mut DbConn,
    tenant_id: &str,
    status: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(RegistrationRow, UserRow)>> {
    let mut q = registrations::table
        .inner_join(users::table)
        .filter(registrations::tenant_id.eq(tenant_id))
        .select((RegistrationRow::as_select(), UserRow::as_select()))
        .order(registrations::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(registrations::status.eq(s.to_owned()));
    }
    if let Some(a) = after_id {
        q = q.filter(registrations::id.gt(a.to_owned()));
    }
    q.load(conn)
}

/// Records the outcome of a pending registration. Conditional on it still being pending:
/// returns false when another reviewer got there first.
pub fn review(
    conn: &mut DbConn,
    id: &str,
    status: &str,
    reviewer: &str,
    at: NaiveDateTime,
    reason: Option<&str>,
) -> QueryResult<bool> {
    diesel::update(
        registrations::table
            .find(id)
            .filter(registrations::status.eq("pending")),
    )
    .set((
        registrations::status.eq(status),
        registrations::reviewed_by.eq(reviewer),
        registrations::reviewed_at.eq(at),
        registrations::rejection_reason.eq(reason),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// A pending registration of `user_id` approved because the person signed in with SPID or
/// CIE (no reviewer: the identity provider identified them).
pub fn approve_pending_of(
    conn: &mut DbConn,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        registrations::table
            .filter(registrations::user_id.eq(user_id))
            .filter(registrations::status.ne("approved")),
    )
    .set((
        registrations::status.eq("approved"),
        registrations::reviewed_at.eq(at),
        registrations::rejection_reason.eq(None::<String>),
    ))
    .execute(conn)
}
