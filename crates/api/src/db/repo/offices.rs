//! Offices of a tenant (Ufficio Tributi, Ufficio Tecnico, Gestore raccolta…).

use chrono::Utc;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::OfficeRow;
use crate::db::schema::{offices, requests, routing_rules};

use super::new_id;

pub fn create(
    conn: &mut DbConn,
    tenant_id: &str,
    name: &str,
    email: Option<&str>,
) -> QueryResult<OfficeRow> {
    let row = OfficeRow {
        id: new_id(),
        tenant_id: tenant_id.to_owned(),
        name: name.to_owned(),
        email: email.map(str::to_owned),
        created_at: Utc::now().naive_utc(),
    };
    diesel::insert_into(offices::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

pub fn list(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<OfficeRow>> {
    offices::table
        .filter(offices::tenant_id.eq(tenant_id))
        .order(offices::name)
        .select(OfficeRow::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<OfficeRow>> {
    offices::table
        .filter(offices::tenant_id.eq(tenant_id))
        .filter(offices::id.eq(id))
        .select(OfficeRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_name(
    conn: &mut DbConn,
    tenant_id: &str,
    name: &str,
) -> QueryResult<Option<OfficeRow>> {
    offices::table
        .filter(offices::tenant_id.eq(tenant_id))
        .filter(offices::name.eq(name))
        .select(OfficeRow::as_select())
        .first(conn)
        .optional()
}

pub fn update(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
    name: &str,
    email: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(
        offices::table
            .filter(offices::tenant_id.eq(tenant_id))
            .filter(offices::id.eq(id)),
    )
    .set((offices::name.eq(name), offices::email.eq(email)))
    .execute(conn)
}

pub fn delete(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<usize> {
    diesel::delete(
        offices::table
            .filter(offices::tenant_id.eq(tenant_id))
            .filter(offices::id.eq(id)),
    )
    .execute(conn)
}

/// What still points at an office: `(requests, routing rules)`.
pub fn usage(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<(i64, i64)> {
    let requests: i64 = requests::table
        .filter(requests::tenant_id.eq(tenant_id))
        .filter(requests::office_id.eq(id))
        .count()
        .get_result(conn)?;
    let rules: i64 = routing_rules::table
        .filter(routing_rules::tenant_id.eq(tenant_id))
        .filter(routing_rules::office_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok((requests, rules))
}

/// Those of `ids` that are offices of the tenant.
pub fn existing_ids(
    conn: &mut DbConn,
    tenant_id: &str,
    ids: &[String],
) -> QueryResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    offices::table
        .filter(offices::tenant_id.eq(tenant_id))
        .filter(offices::id.eq_any(ids))
        .select(offices::id)
        .load(conn)
}
