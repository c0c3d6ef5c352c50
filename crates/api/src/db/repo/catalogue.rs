//! The tenant's request types and routing rules.

use diesel::prelude::*;
use domain::api::{FieldDef, RequestType};
use domain::catalogue::{RequestKind, StandardDays};

use crate::db::DbConn;
use crate::db::models::RequestTypeRow;
use crate::db::schema::{request_types, routing_rules};

use super::new_id;

pub fn to_dto(row: RequestTypeRow, standard: &StandardDays) -> RequestType {
    let kind: RequestKind = row.kind;
    RequestType {
        code: row.code,
        kind,
        name: row.name,
        description: row.description,
        standard_days: standard.get(kind),
        fields: serde_json::from_str::<Vec<FieldDef>>(&row.fields).unwrap_or_default(),
    }
}

pub fn list_active(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<RequestTypeRow>> {
    request_types::table
        .filter(request_types::tenant_id.eq(tenant_id))
        .filter(request_types::active.eq(true))
        .order((request_types::position.asc(), request_types::code.asc()))
        .select(RequestTypeRow::as_select())
        .load(conn)
}

/// Every type, active or not (old requests keep showing their type's name).
pub fn list_all(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<RequestTypeRow>> {
    request_types::table
        .filter(request_types::tenant_id.eq(tenant_id))
        .order((request_types::position.asc(), request_types::code.asc()))
        .select(RequestTypeRow::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConn, tenant_id: &str, code: &str) -> QueryResult<Option<RequestTypeRow>> {
    request_types::table
        .filter(request_types::tenant_id.eq(tenant_id))
        .filter(request_types::code.eq(code))
        .select(RequestTypeRow::as_select())
        .first(conn)
        .optional()
}

/// Installs the default catalogue for a tenant that has none.
pub fn ensure_defaults(conn: &mut DbConn, tenant_id: &str) -> QueryResult<()> {
    let count: i64 = request_types::table
        .filter(request_types::tenant_id.eq(tenant_id))
        .count()
        .get_result(conn)?;
    if count > 0 {
        return Ok(());
    }
    for (i, t) in crate::catalogue::default_request_types()
        .into_iter()
        .enumerate()
    {
        let row = RequestTypeRow {
            id: new_id(),
            tenant_id: tenant_id.to_owned(),
            code: t.code,
            kind: t.kind,
            name: t.name,
            description: t.description,
            fields: serde_json::to_string(&t.fields).unwrap_or_else(|_| "[]".into()),
            active: true,
            position: i32::try_from(i).unwrap_or(0),
        };
        diesel::insert_into(request_types::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn office_for(
    conn: &mut DbConn,
    tenant_id: &str,
    kind: RequestKind,
) -> QueryResult<Option<String>> {
    routing_rules::table
        .filter(routing_rules::tenant_id.eq(tenant_id))
        .filter(routing_rules::kind.eq(kind.code()))
        .select(routing_rules::office_id)
        .first(conn)
        .optional()
}

pub fn rules(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<(String, String)>> {
    routing_rules::table
        .filter(routing_rules::tenant_id.eq(tenant_id))
        .select((routing_rules::kind, routing_rules::office_id))
        .order(routing_rules::kind)
        .load(conn)
}

/// Replaces all routing rules of the tenant.
pub fn set_rules(
    conn: &mut DbConn,
    tenant_id: &str,
    rules: &[(RequestKind, String)],
) -> QueryResult<()> {
    diesel::delete(routing_rules::table.filter(routing_rules::tenant_id.eq(tenant_id)))
        .execute(conn)?;
    for (kind, office) in rules {
        diesel::insert_into(routing_rules::table)
            .values((
                routing_rules::tenant_id.eq(tenant_id),
                routing_rules::kind.eq(kind.code()),
                routing_rules::office_id.eq(office),
            ))
            .execute(conn)?;
    }
    Ok(())
}
