//! Drafts of new requests, one per user and request type.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::DraftRow;
use crate::db::schema::request_drafts;

/// The user's drafts, the most recently saved first.
pub fn of_user(conn: &mut DbConn, tenant_id: &str, user_id: &str) -> QueryResult<Vec<DraftRow>> {
    request_drafts::table
        .filter(request_drafts::tenant_id.eq(tenant_id))
        .filter(request_drafts::user_id.eq(user_id))
        .order((
            request_drafts::updated_at.desc(),
            request_drafts::type_code.asc(),
        ))
        .select(DraftRow::as_select())
        .load(conn)
}

/// Stores the draft, replacing the user's previous one of the same type.
pub fn save(conn: &mut DbConn, row: &DraftRow) -> QueryResult<()> {
    delete(conn, &row.tenant_id, &row.user_id, &row.type_code)?;
    diesel::insert_into(request_drafts::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Deletes the user's draft of a type; true when there was one.
pub fn delete(
    conn: &mut DbConn,
    tenant_id: &str,
    user_id: &str,
    type_code: &str,
) -> QueryResult<bool> {
    diesel::delete(
        request_drafts::table
            .filter(request_drafts::tenant_id.eq(tenant_id))
            .filter(request_drafts::user_id.eq(user_id))
            .filter(request_drafts::type_code.eq(type_code)),
    )
    .execute(conn)
    .map(|n| n > 0)
}
