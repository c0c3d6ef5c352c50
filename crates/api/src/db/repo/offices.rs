//! Offices of a tenant (Ufficio Tributi, Ufficio Tecnico, Gestore raccolta…).

use chrono::Utc;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::OfficeRow;
use crate::db::schema::offices;

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
