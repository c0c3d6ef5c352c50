//! Tenants, their host names and settings.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use domain::calendar::{MonthDay, WorkingCalendar};
use domain::catalogue::{RequestKind, StandardDays};

use crate::db::DbConn;
use crate::db::models::TenantRow;
use crate::db::schema::{platform_admins, tenant_hosts, tenants};
use crate::tenancy::{Directory, TenantCtx, TypeEntry};

use super::new_id;

pub fn to_ctx(row: TenantRow) -> TenantCtx {
    // Settings are validated on write; a bad stored value falls back to the default.
    let closures: Vec<NaiveDate> = serde_json::from_str(&row.closure_days).unwrap_or_default();
    let overrides: BTreeMap<RequestKind, Option<u32>> =
        serde_json::from_str(&row.standard_days).unwrap_or_default();
    let patron = row
        .patron_saint
        .as_deref()
        .and_then(|p| MonthDay::parse(p).ok());
    TenantCtx {
        id: row.id,
        slug: row.slug,
        name: row.name,
        fiscal_code: row.fiscal_code,
        logo_url: row.logo_url,
        contacts: serde_json::from_str(&row.contacts).unwrap_or_default(),
        calendar: WorkingCalendar::new(patron, closures),
        standard_days: StandardDays::with_overrides(overrides).unwrap_or_default(),
        tqrif_scheme: u8::try_from(row.tqrif_scheme).unwrap_or(1),
        target_percent: u8::try_from(row.target_percent).unwrap_or(70),
        generic_citizen_id: row.generic_citizen_id,
        active: row.active,
        is_default: row.is_default,
        directory: Directory::default(),
    }
}

/// The tenant with its directory (request types, offices, routing).
pub fn load_ctx(conn: &mut DbConn, row: TenantRow) -> QueryResult<TenantCtx> {
    let types: Vec<TypeEntry> = super::catalogue::list_all(conn, &row.id)?
        .into_iter()
        .map(|t| TypeEntry {
            kind: t.kind,
            fields: serde_json::from_str(&t.fields).unwrap_or_default(),
            code: t.code,
            name: t.name,
            description: t.description,
            active: t.active,
        })
        .collect();
    let offices = super::offices::list(conn, &row.id)?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let routing = super::catalogue::rules(conn, &row.id)?
        .into_iter()
        .filter_map(|(kind, office)| Some((kind.parse().ok()?, office)))
        .collect();
    let mut ctx = to_ctx(row);
    ctx.directory = Directory {
        types: crate::tenancy::intern_types(types),
        offices,
        routing,
    };
    Ok(ctx)
}

/// The tenant by id, with its directory.
pub fn ctx(conn: &mut DbConn, id: &str) -> QueryResult<TenantCtx> {
    let row = find(conn, id)?;
    load_ctx(conn, row)
}

/// `(host, tenant id)` pairs and the default tenant's id.
pub type HostMapping = (Vec<(String, String)>, Option<String>);

/// Every mapped host name with its tenant, and the default tenant's id.
pub fn host_map(conn: &mut DbConn) -> QueryResult<HostMapping> {
    let hosts = tenant_hosts::table
        .select((tenant_hosts::host, tenant_hosts::tenant_id))
        .load(conn)?;
    let default_id = tenants::table
        .filter(tenants::is_default.eq(true))
        .select(tenants::id)
        .first(conn)
        .optional()?;
    Ok((hosts, default_id))
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<TenantRow> {
    tenants::table
        .find(id)
        .select(TenantRow::as_select())
        .first(conn)
}

pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<TenantRow>> {
    tenants::table
        .filter(tenants::slug.eq(slug))
        .select(TenantRow::as_select())
        .first(conn)
        .optional()
}

pub fn default_tenant(conn: &mut DbConn) -> QueryResult<Option<TenantRow>> {
    tenants::table
        .filter(tenants::is_default.eq(true))
        .select(TenantRow::as_select())
        .first(conn)
        .optional()
}

/// Creates a tenant with the default request catalogue; the first one becomes the default.
pub fn create(conn: &mut DbConn, slug: &str, name: &str) -> QueryResult<TenantRow> {
    let has_default = default_tenant(conn)?.is_some();
    let row = TenantRow {
        id: new_id(),
        slug: slug.to_owned(),
        name: name.to_owned(),
        fiscal_code: None,
        logo_url: None,
        patron_saint: None,
        closure_days: "[]".into(),
        standard_days: "{}".into(),
        tqrif_scheme: 1,
        target_percent: 70,
        generic_citizen_id: None,
        is_default: !has_default,
        created_at: Utc::now().naive_utc(),
        population: None,
        active: true,
        contacts: "{}".into(),
    };
    diesel::insert_into(tenants::table)
        .values(&row)
        .execute(conn)?;
    super::catalogue::ensure_defaults(conn, &row.id)?;
    Ok(row)
}

pub fn update(conn: &mut DbConn, row: &TenantRow) -> QueryResult<()> {
    diesel::update(tenants::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

pub fn add_host(conn: &mut DbConn, tenant_id: &str, host: &str) -> QueryResult<()> {
    diesel::insert_into(tenant_hosts::table)
        .values((
            tenant_hosts::host.eq(host.to_ascii_lowercase()),
            tenant_hosts::tenant_id.eq(tenant_id),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Every tenant, by slug.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<TenantRow>> {
    tenants::table
        .select(TenantRow::as_select())
        .order(tenants::slug)
        .load(conn)
}

/// Every `(tenant id, host)` pair, by host.
pub fn all_hosts(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    tenant_hosts::table
        .select((tenant_hosts::tenant_id, tenant_hosts::host))
        .order(tenant_hosts::host)
        .load(conn)
}

/// The tenant's host names, in order.
pub fn hosts_of(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<String>> {
    tenant_hosts::table
        .filter(tenant_hosts::tenant_id.eq(tenant_id))
        .select(tenant_hosts::host)
        .order(tenant_hosts::host)
        .load(conn)
}

/// The tenant a host name belongs to, if any.
pub fn host_owner(conn: &mut DbConn, host: &str) -> QueryResult<Option<String>> {
    tenant_hosts::table
        .find(host)
        .select(tenant_hosts::tenant_id)
        .first(conn)
        .optional()
}

/// Replaces the tenant's host names.
pub fn set_hosts(conn: &mut DbConn, tenant_id: &str, hosts: &[String]) -> QueryResult<()> {
    diesel::delete(tenant_hosts::table.filter(tenant_hosts::tenant_id.eq(tenant_id)))
        .execute(conn)?;
    for host in hosts {
        add_host(conn, tenant_id, host)?;
    }
    Ok(())
}

/// Whether the account is a platform administrator.
pub fn is_platform_admin(conn: &mut DbConn, user_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        platform_admins::table.filter(platform_admins::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// Makes the account a platform administrator (idempotent).
pub fn grant_platform_admin(conn: &mut DbConn, user_id: &str) -> QueryResult<()> {
    if is_platform_admin(conn, user_id)? {
        return Ok(());
    }
    diesel::insert_into(platform_admins::table)
        .values((
            platform_admins::user_id.eq(user_id),
            platform_admins::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)
        .map(|_| ())
}
