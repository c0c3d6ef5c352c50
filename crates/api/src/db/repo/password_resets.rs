//! Password-reset tokens: only their SHA-256 is stored; each works once, for a short time.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{PasswordResetRow, UserRow};
use crate::db::schema::{password_resets, users};

pub fn insert(conn: &mut DbConn, row: &PasswordResetRow) -> QueryResult<()> {
    diesel::insert_into(password_resets::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Links asked for the account since `since` (to cap how many one can make mail out).
pub fn count_since(conn: &mut DbConn, user_id: &str, since: NaiveDateTime) -> QueryResult<i64> {
    password_resets::table
        .filter(password_resets::user_id.eq(user_id))
        .filter(password_resets::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// An unused, unexpired reset of the tenant, with its account.
pub fn find_live(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(PasswordResetRow, UserRow)>> {
    password_resets::table
        .inner_join(users::table)
        .filter(password_resets::id.eq(id))
        .filter(password_resets::tenant_id.eq(tenant_id))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(now))
        .select((PasswordResetRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()
}

pub fn find_by_hash(
    conn: &mut DbConn,
    tenant_id: &str,
    hash: &str,
) -> QueryResult<Option<PasswordResetRow>> {
    password_resets::table
        .filter(password_resets::token_hash.eq(hash))
        .filter(password_resets::tenant_id.eq(tenant_id))
        .select(PasswordResetRow::as_select())
        .first(conn)
        .optional()
}

/// Uses the reset; false when it was already used (another request won the race).
pub fn mark_used(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        password_resets::table
            .find(id)
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(at))
    .execute(conn)
    .map(|n| n == 1)
}

/// A new password was set: the account's other links stop working.
pub fn retire_user(conn: &mut DbConn, user_id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        password_resets::table
            .filter(password_resets::user_id.eq(user_id))
            .filter(password_resets::used_at.is_null()),
    )
    .set(password_resets::used_at.eq(at))
    .execute(conn)
}
