//! Identity providers' settings, sign-ins under way, citizens' identifications and the
//! sessions that began at a provider.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::identity::IdentityProvider;

use crate::db::DbConn;
use crate::db::models::{IdentityProviderRow, OidcLoginRow, OidcSessionRow, UserIdentityRow};
use crate::db::schema::{identity_providers, oidc_logins, oidc_sessions, user_identities};

pub fn providers(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<IdentityProviderRow>> {
    identity_providers::table
        .filter(identity_providers::tenant_id.eq(tenant_id))
        .select(IdentityProviderRow::as_select())
        .load(conn)
}

pub fn provider(
    conn: &mut DbConn,
    tenant_id: &str,
    provider: IdentityProvider,
) -> QueryResult<Option<IdentityProviderRow>> {
    identity_providers::table
        .find((tenant_id, provider))
        .select(IdentityProviderRow::as_select())
        .first(conn)
        .optional()
}

pub fn save_provider(conn: &mut DbConn, row: &IdentityProviderRow) -> QueryResult<()> {
    let n = diesel::update(identity_providers::table.find((&row.tenant_id, row.provider)))
        .set(row)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(identity_providers::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert_login(conn: &mut DbConn, row: &OidcLoginRow) -> QueryResult<()> {
    diesel::insert_into(oidc_logins::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Takes the sign-in under way with this state: it is deleted, so a second answer with
/// the same state finds nothing.
pub fn take_login(conn: &mut DbConn, state_hash: &str) -> QueryResult<Option<OidcLoginRow>> {
    let row = oidc_logins::table
        .find(state_hash)
        .select(OidcLoginRow::as_select())
        .first(conn)
        .optional()?;
    if row.is_some() {
        let n = diesel::delete(oidc_logins::table.find(state_hash)).execute(conn)?;
        if n == 0 {
            // Another request took it in between.
            return Ok(None);
        }
    }
    Ok(row)
}

/// Drops sign-ins abandoned before `before`.
pub fn prune_logins(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(oidc_logins::table.filter(oidc_logins::created_at.lt(before))).execute(conn)
}

/// Records an identification: the first one is kept as `first_at`, the rest updated.
pub fn record_identity(conn: &mut DbConn, row: &UserIdentityRow) -> QueryResult<()> {
    let n = diesel::update(user_identities::table.find((&row.user_id, row.provider)))
        .set((
            user_identities::subject.eq(&row.subject),
            user_identities::level.eq(row.level),
            user_identities::last_at.eq(row.last_at),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(user_identities::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn identities_of(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<UserIdentityRow>> {
    user_identities::table
        .filter(user_identities::user_id.eq(user_id))
        .order(user_identities::first_at)
        .select(UserIdentityRow::as_select())
        .load(conn)
}

pub fn insert_session(conn: &mut DbConn, row: &OidcSessionRow) -> QueryResult<()> {
    diesel::insert_into(oidc_sessions::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Takes the provider session of a refresh-token family (at sign-out).
pub fn take_session(conn: &mut DbConn, family_id: &str) -> QueryResult<Option<OidcSessionRow>> {
    let row = oidc_sessions::table
        .find(family_id)
        .select(OidcSessionRow::as_select())
        .first(conn)
        .optional()?;
    if row.is_some() {
        diesel::delete(oidc_sessions::table.find(family_id)).execute(conn)?;
    }
    Ok(row)
}
