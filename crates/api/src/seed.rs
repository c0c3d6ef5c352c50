//! Administrators and the demo Comune.

use chrono::Utc;
use domain::types::{Email, check_password_strength};

use crate::auth::password;
use crate::config::Config;
use crate::db::Db;
use crate::db::models::UserRow;
use crate::db::repo::{new_id, tenants, users};
use crate::error::ApiError;

fn connect(config: &Config) -> anyhow::Result<Db> {
    Ok(Db::connect(
        &config.database_url,
        2,
        config.sqlite_sync_full,
    )?)
}

/// Creates an administrator of the tenant, or resets its password.
pub fn create_admin(
    config: &Config,
    email: &str,
    pw: &str,
    tenant_slug: Option<&str>,
) -> anyhow::Result<String> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    check_password_strength(pw, &[email.as_str()]).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = password::hash(pw)?;
    let db = connect(config)?;
    let id = db.write_tx(|c| {
        let tenant = match tenant_slug {
            Some(slug) => tenants::find_by_slug(c, slug)?.ok_or(ApiError::NotFound)?,
            None => match tenants::default_tenant(c)? {
                Some(t) => t,
                None => tenants::create(c, "default", "Sportello")?,
            },
        };
        upsert_staff(
            c,
            &tenant.id,
            email.as_str(),
            &hash,
            "admin",
            "Amministratore",
            "",
        )
    })?;
    Ok(id)
}

/// Inserts a staff account, or updates password and role of an existing one.
pub fn upsert_staff(
    c: &mut crate::db::DbConn,
    tenant_id: &str,
    email: &str,
    hash: &str,
    role: &str,
    first_name: &str,
    last_name: &str,
) -> Result<String, ApiError> {
    use crate::db::schema::users::dsl as u;
    use diesel::prelude::*;
    let now = Utc::now().naive_utc();
    if let Some(existing) = users::find_by_email(c, tenant_id, email)? {
        diesel::update(u::users.find(&existing.id))
            .set((
                u::password_hash.eq(hash),
                u::role.eq(role),
                u::status.eq("approved"),
                u::active.eq(true),
                u::updated_at.eq(now),
            ))
            .execute(c)?;
        return Ok(existing.id);
    }
    let row = UserRow {
        id: new_id(),
        tenant_id: tenant_id.to_owned(),
        role: role.to_owned(),
        email: Some(email.to_owned()),
        fiscal_code: None,
        first_name: first_name.to_owned(),
        last_name: last_name.to_owned(),
        phone: None,
        password_hash: Some(hash.to_owned()),
        status: "approved".into(),
        active: true,
        failed_logins: 0,
        locked_until: None,
        created_at: now,
        updated_at: now,
    };
    users::insert(c, &row)?;
    Ok(row.id)
}

/// Seeds the demo Comune; returns the credentials to print.
pub fn demo(config: &Config) -> anyhow::Result<String> {
    let _ = connect(config)?;
    Ok("demo seed: not yet available".to_owned())
}
