//! Accounts: citizens and staff, their offices, login bookkeeping.

use chrono::Utc;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::UserRow;
use crate::db::schema::{user_offices, users};

pub fn find(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<UserRow>> {
    let q = users::table
        .filter(users::tenant_id.eq(tenant_id))
        .filter(users::id.eq(id));
    crate::native!(conn, |c| q.select(UserRow::as_select()).load(c)).map(crate::db::at_most_one)
}

/// By id alone (the tenant is checked by the caller).
pub fn find_by_id(conn: &mut DbConn, id: &str) -> QueryResult<Option<UserRow>> {
    let q = users::table.find(id);
    crate::native!(conn, |c| q.select(UserRow::as_select()).load(c)).map(crate::db::at_most_one)
}

/// Moves the session version on: every access token issued before is refused.
pub fn bump_session_version(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::session_version.eq(users::session_version + 1))
        .execute(conn)
        .map(|_| ())
}

/// By e-mail or codice fiscale (both stored normalised).
pub fn find_by_username(
    conn: &mut DbConn,
    tenant_id: &str,
    username: &str,
) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::tenant_id.eq(tenant_id))
        .filter(
            users::email
                .eq(username)
                .or(users::fiscal_code.eq(username)),
        )
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// The account with this codice fiscale (upper-case), whatever its e-mail.
pub fn find_by_fiscal_code(
    conn: &mut DbConn,
    tenant_id: &str,
    fiscal_code: &str,
) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::tenant_id.eq(tenant_id))
        .filter(users::fiscal_code.eq(fiscal_code))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(
    conn: &mut DbConn,
    tenant_id: &str,
    email: &str,
) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::tenant_id.eq(tenant_id))
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn exists_with(
    conn: &mut DbConn,
    tenant_id: &str,
    email: &str,
    fiscal_code: &str,
) -> QueryResult<(bool, bool)> {
    let email_taken = diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::tenant_id.eq(tenant_id))
            .filter(users::email.eq(email)),
    ))
    .get_result(conn)?;
    let cf_taken = diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::tenant_id.eq(tenant_id))
            .filter(users::fiscal_code.eq(fiscal_code)),
    ))
    .get_result(conn)?;
    Ok((email_taken, cf_taken))
}

/// Accounts by id (the people a page of requests mentions).
pub fn by_ids(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<UserRow>> {
    match ids {
        [] => Ok(Vec::new()),
        // One id (the common case: a citizen's own list) keeps a cacheable statement.
        [one] => crate::native!(conn, |c| users::table
            .find(one)
            .select(UserRow::as_select())
            .load(c)),
        many => users::table
            .filter(users::id.eq_any(many))
            .select(UserRow::as_select())
            .load(conn),
    }
}

pub fn insert(conn: &mut DbConn, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn office_ids(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<String>> {
    user_offices::table
        .filter(user_offices::user_id.eq(user_id))
        .select(user_offices::office_id)
        .order(user_offices::office_id)
        .load(conn)
}

/// Accounts that belong to an office.
pub fn members_of(conn: &mut DbConn, office_id: &str) -> QueryResult<Vec<String>> {
    user_offices::table
        .filter(user_offices::office_id.eq(office_id))
        .select(user_offices::user_id)
        .load(conn)
}

pub fn set_offices(
    conn: &mut DbConn,
    tenant_id: &str,
    user_id: &str,
    office_ids: &[String],
) -> QueryResult<()> {
    diesel::delete(user_offices::table.filter(user_offices::user_id.eq(user_id))).execute(conn)?;
    for office in office_ids {
        diesel::insert_into(user_offices::table)
            .values((
                user_offices::user_id.eq(user_id),
                user_offices::office_id.eq(office),
                user_offices::tenant_id.eq(tenant_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_status(conn: &mut DbConn, id: &str, status: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::status.eq(status),
            users::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn display_names(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<Vec<(String, String, String)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::first_name, users::last_name))
        .load(conn)
}
