//! Accounts as administrators manage them: the user list, role/active/password changes,
//! and the tenant's generic contribuente.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use domain::api::RegistrationStatus;
use domain::lifecycle::Role;

use crate::db::DbConn;
use crate::db::models::UserRow;
use crate::db::schema::{tenants, user_offices, users};

use super::new_id;

diesel::define_sql_function! {
    /// SQL `lower()`, the same on SQLite and PostgreSQL (ASCII case folding on SQLite).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Filters of `GET /users`.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub role: Option<String>,
    /// Words that must each appear in the name, e-mail or codice fiscale.
    pub search: Option<String>,
}

/// One page of accounts in creation order (keyset on the time-ordered id).
pub fn list(
    conn: &mut DbConn,
    tenant_id: &str,
    filter: &Filter,
    after_id: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<UserRow>> {
    let mut q = users::table
        .filter(users::tenant_id.eq(tenant_id))
        .select(UserRow::as_select())
        .order(users::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(role) = &filter.role {
        q = q.filter(users::role.eq(role.clone()));
    }
    for word in filter
        .search
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
    {
        let cleaned = word.replace(['%', '_'], "");
        if cleaned.is_empty() {
            continue;
        }
        let lower_pattern = format!("%{}%", cleaned.to_lowercase());
        let upper_pattern = format!("%{}%", cleaned.to_uppercase());
        q = q.filter(
            lower(users::first_name)
                .like(lower_pattern.clone())
                .or(lower(users::last_name).like(lower_pattern.clone()))
                // E-mails are stored lower-case, codici fiscali upper-case.
                .or(users::email.like(lower_pattern))
                .or(users::fiscal_code.like(upper_pattern)),
        );
    }
    if let Some(a) = after_id {
        q = q.filter(users::id.gt(a.to_owned()));
    }
    q.load(conn)
}

/// `(user id, office id)` pairs of the given users.
pub fn offices_of(conn: &mut DbConn, user_ids: &[String]) -> QueryResult<Vec<(String, String)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    user_offices::table
        .filter(user_offices::user_id.eq_any(user_ids))
        .select((user_offices::user_id, user_offices::office_id))
        .order((user_offices::user_id, user_offices::office_id))
        .load(conn)
}

pub fn set_role(conn: &mut DbConn, id: &str, role: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::role.eq(role), users::updated_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Deactivating also ends every session of the account (its version moves on).
pub fn set_active(conn: &mut DbConn, id: &str, active: bool, at: NaiveDateTime) -> QueryResult<()> {
    let bump = i32::from(!active);
    diesel::update(users::table.find(id))
        .set((
            users::active.eq(active),
            users::session_version.eq(users::session_version + bump),
            users::updated_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A new password hash; also lifts a login lockout and ends every session.
pub fn set_password(conn: &mut DbConn, id: &str, hash: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
            users::session_version.eq(users::session_version + 1),
            users::updated_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The tenant's generic contribuente (requests registered without a known citizen),
/// created on first use: a citizen account that cannot sign in (no password, inactive).
pub fn ensure_generic_citizen(conn: &mut DbConn, tenant_id: &str) -> QueryResult<String> {
    let current: Option<String> = tenants::table
        .find(tenant_id)
        .select(tenants::generic_citizen_id)
        .first(conn)?;
    if let Some(id) = current {
        let exists = diesel::select(diesel::dsl::exists(
            users::table
                .filter(users::tenant_id.eq(tenant_id))
                .filter(users::id.eq(&id)),
        ))
        .get_result::<bool>(conn)?;
        if exists {
            return Ok(id);
        }
    }
    let now = Utc::now().naive_utc();
    let row = UserRow {
        id: new_id(),
        tenant_id: tenant_id.to_owned(),
        role: Role::Citizen,
        email: None,
        fiscal_code: None,
        first_name: "Contribuente".into(),
        last_name: "generico".into(),
        phone: None,
        password_hash: None,
        status: RegistrationStatus::Approved,
        active: false,
        failed_logins: 0,
        locked_until: None,
        created_at: now,
        updated_at: now,
        session_version: 0,
    };
    diesel::insert_into(users::table)
        .values(&row)
        .execute(conn)?;
    diesel::update(tenants::table.find(tenant_id))
        .set(tenants::generic_citizen_id.eq(&row.id))
        .execute(conn)?;
    Ok(row.id)
}
