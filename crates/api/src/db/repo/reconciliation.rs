//! Flussi di Rendicontazione and their single payments; what the matching reads of our
//! notices and receipts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{FlowLineRow, FlowRow, NoticeRow, ReceiptRow};
use crate::db::schema::{pagopa_flow_lines, pagopa_flows, pagopa_receipts, payment_notices};

/// Rows per statement: far below SQLite's and PostgreSQL's bound-parameter limits.
const CHUNK: usize = 500;

pub fn find_flow_by_flow_id(
    conn: &mut DbConn,
    tenant_id: &str,
    flow_id: &str,
) -> QueryResult<Option<FlowRow>> {
    pagopa_flows::table
        .filter(pagopa_flows::tenant_id.eq(tenant_id))
        .filter(pagopa_flows::flow_id.eq(flow_id))
        .select(FlowRow::as_select())
        .first(conn)
        .optional()
}

pub fn flow_ids_stored(
    conn: &mut DbConn,
    tenant_id: &str,
    flow_ids: &[String],
) -> QueryResult<Vec<String>> {
    let mut out = Vec::new();
    for chunk in flow_ids.chunks(CHUNK) {
        out.extend(
            pagopa_flows::table
                .filter(pagopa_flows::tenant_id.eq(tenant_id))
                .filter(pagopa_flows::flow_id.eq_any(chunk))
                .select(pagopa_flows::flow_id)
                .load::<String>(conn)?,
        );
    }
    Ok(out)
}

pub fn insert_flow(conn: &mut DbConn, flow: &FlowRow, lines: &[FlowLineRow]) -> QueryResult<()> {
    diesel::insert_into(pagopa_flows::table)
        .values(flow)
        .execute(conn)?;
    // 9 columns a row: 500 rows stay under both backends' bound-parameter limits.
    for chunk in lines.chunks(CHUNK) {
        crate::native!(conn, |c| diesel::insert_into(pagopa_flow_lines::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn find_flow(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<FlowRow>> {
    pagopa_flows::table
        .filter(pagopa_flows::tenant_id.eq(tenant_id))
        .filter(pagopa_flows::id.eq(id))
        .select(FlowRow::as_select())
        .first(conn)
        .optional()
}

/// Newest first (ids are time-ordered), after the cursor.
pub fn list_flows(
    conn: &mut DbConn,
    tenant_id: &str,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<FlowRow>> {
    let mut q = pagopa_flows::table
        .filter(pagopa_flows::tenant_id.eq(tenant_id))
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(pagopa_flows::id.lt(b));
    }
    q.order(pagopa_flows::id.desc())
        .limit(limit)
        .select(FlowRow::as_select())
        .load(conn)
}

pub fn lines_of(conn: &mut DbConn, flow_ids: &[String]) -> QueryResult<Vec<FlowLineRow>> {
    let mut out = Vec::new();
    for chunk in flow_ids.chunks(CHUNK) {
        out.extend(
            pagopa_flow_lines::table
                .filter(pagopa_flow_lines::flow_id.eq_any(chunk))
                .order((
                    pagopa_flow_lines::flow_id.asc(),
                    pagopa_flow_lines::position.asc(),
                ))
                .select(FlowLineRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

pub fn notices_by_iuv(
    conn: &mut DbConn,
    tenant_id: &str,
    iuvs: &[String],
) -> QueryResult<Vec<NoticeRow>> {
    let mut out = Vec::new();
    for chunk in iuvs.chunks(CHUNK) {
        out.extend(
            payment_notices::table
                .filter(payment_notices::tenant_id.eq(tenant_id))
                .filter(payment_notices::iuv.eq_any(chunk))
                .select(NoticeRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

pub fn receipts_by_id(
    conn: &mut DbConn,
    tenant_id: &str,
    receipt_ids: &[String],
) -> QueryResult<Vec<ReceiptRow>> {
    let mut out = Vec::new();
    for chunk in receipt_ids.chunks(CHUNK) {
        out.extend(
            pagopa_receipts::table
                .filter(pagopa_receipts::tenant_id.eq(tenant_id))
                .filter(pagopa_receipts::receipt_id.eq_any(chunk))
                .select(ReceiptRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

/// Receipts paid before `before` that no stored flow of the tenant reports (by IUR),
/// oldest first.
pub fn unreported_receipts(
    conn: &mut DbConn,
    tenant_id: &str,
    before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<ReceiptRow>> {
    pagopa_receipts::table
        .filter(pagopa_receipts::tenant_id.eq(tenant_id))
        .filter(pagopa_receipts::paid_at.lt(before))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            pagopa_flow_lines::table
                .filter(pagopa_flow_lines::tenant_id.eq(tenant_id))
                .filter(pagopa_flow_lines::iur.eq(pagopa_receipts::receipt_id)),
        )))
        .order((pagopa_receipts::paid_at.asc(), pagopa_receipts::id.asc()))
        .limit(limit)
        .select(ReceiptRow::as_select())
        .load(conn)
}

/// Records the bank statement line on a flow (the last recorded one stands).
pub fn set_bank_line(conn: &mut DbConn, row: &FlowRow) -> QueryResult<usize> {
    diesel::update(
        pagopa_flows::table
            .filter(pagopa_flows::tenant_id.eq(&row.tenant_id))
            .filter(pagopa_flows::id.eq(&row.id)),
    )
    .set((
        pagopa_flows::bank_causale.eq(&row.bank_causale),
        pagopa_flows::bank_amount.eq(row.bank_amount),
        pagopa_flows::bank_date.eq(row.bank_date),
        pagopa_flows::bank_outcome.eq(row.bank_outcome),
        pagopa_flows::bank_recorded_at.eq(row.bank_recorded_at),
    ))
    .execute(conn)
}
