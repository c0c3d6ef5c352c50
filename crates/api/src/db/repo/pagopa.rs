//! pagoPA settings and payment notices.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{NoticeRow, PagopaSettingsRow};
use crate::db::schema::{acts, pagopa_settings, payment_notices};

pub fn settings(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Option<PagopaSettingsRow>> {
    pagopa_settings::table
        .find(tenant_id)
        .select(PagopaSettingsRow::as_select())
        .first(conn)
        .optional()
}

/// Saves every setting but the notice sequence, which only [`take_bases`] moves.
pub fn save_settings(conn: &mut DbConn, row: &PagopaSettingsRow) -> QueryResult<()> {
    let n = diesel::update(pagopa_settings::table.find(&row.tenant_id))
        .set((
            pagopa_settings::creditor_fiscal_code.eq(&row.creditor_fiscal_code),
            pagopa_settings::segregation_code.eq(row.segregation_code),
            pagopa_settings::iban.eq(&row.iban),
            pagopa_settings::poste_account.eq(&row.poste_account),
            pagopa_settings::cbill.eq(&row.cbill),
            pagopa_settings::gpd_url.eq(&row.gpd_url),
            pagopa_settings::gpd_subscription_key.eq(&row.gpd_subscription_key),
            pagopa_settings::checkout_url.eq(&row.checkout_url),
            pagopa_settings::reminder_days.eq(&row.reminder_days),
            pagopa_settings::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(pagopa_settings::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Reserves `n` consecutive notice bases and returns the first. The row update holds the
/// row until the transaction ends, so concurrent writers never get the same base.
pub fn take_bases(conn: &mut DbConn, tenant_id: &str, n: i64) -> QueryResult<i64> {
    let next: i64 = diesel::update(pagopa_settings::table.find(tenant_id))
        .set(pagopa_settings::next_notice_base.eq(pagopa_settings::next_notice_base + n))
        .returning(pagopa_settings::next_notice_base)
        .get_result(conn)?;
    Ok(next - n)
}

pub fn notices_of(conn: &mut DbConn, act_ids: &[String]) -> QueryResult<Vec<NoticeRow>> {
    if act_ids.is_empty() {
        return Ok(Vec::new());
    }
    payment_notices::table
        .filter(payment_notices::act_id.eq_any(act_ids))
        .order((
            payment_notices::act_id.asc(),
            payment_notices::due_date.asc(),
            payment_notices::instalment.asc(),
        ))
        .select(NoticeRow::as_select())
        .load(conn)
}

pub fn find_notice(
    conn: &mut DbConn,
    tenant_id: &str,
    nav: &str,
) -> QueryResult<Option<NoticeRow>> {
    payment_notices::table
        .filter(payment_notices::tenant_id.eq(tenant_id))
        .filter(payment_notices::nav.eq(nav))
        .select(NoticeRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_notices(conn: &mut DbConn, rows: &[NoticeRow]) -> QueryResult<()> {
    // Bound parameters per statement stay well under both backends' limits.
    for chunk in rows.chunks(500) {
        crate::native!(conn, |c| diesel::insert_into(payment_notices::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn update_notice(
    conn: &mut DbConn,
    tenant_id: &str,
    nav: &str,
    amount: i64,
    due_date: NaiveDate,
    cancelled: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(payment_notices::table.find((tenant_id, nav)))
        .set((
            payment_notices::amount.eq(amount),
            payment_notices::due_date.eq(due_date),
            payment_notices::cancelled.eq(cancelled),
            payment_notices::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Every act of the tenant, for issuing the notices of acts stored before pagoPA was set up.
pub fn act_ids_of_tenant(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<String>> {
    acts::table
        .filter(acts::tenant_id.eq(tenant_id))
        .order(acts::id.asc())
        .select(acts::id)
        .load(conn)
}

pub fn acts_by_ids(
    conn: &mut DbConn,
    tenant_id: &str,
    ids: &[String],
) -> QueryResult<Vec<crate::db::models::ActRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    acts::table
        .filter(acts::tenant_id.eq(tenant_id))
        .filter(acts::id.eq_any(ids))
        .order(acts::id.asc())
        .select(crate::db::models::ActRow::as_select())
        .load(conn)
}
