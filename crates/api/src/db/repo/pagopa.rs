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
            pagopa_settings::tefa_fiscal_code.eq(&row.tefa_fiscal_code),
            pagopa_settings::tefa_iban.eq(&row.tefa_iban),
            pagopa_settings::tefa_rate.eq(row.tefa_rate),
            pagopa_settings::fdr_url.eq(&row.fdr_url),
            pagopa_settings::fdr_subscription_key.eq(&row.fdr_subscription_key),
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

// ---- GPD jobs, positions and receipts --------------------------------------------------------

use crate::db::models::{GpdJobRow, GpdPositionRow, ReceiptRow};
use crate::db::schema::{gpd_jobs, gpd_positions, pagopa_receipts};

/// Marks the act's position as due for a sync (a new generation if already queued).
pub fn enqueue_gpd(
    conn: &mut DbConn,
    tenant_id: &str,
    act_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let n = diesel::update(gpd_jobs::table.find(act_id))
        .set((
            gpd_jobs::generation.eq(gpd_jobs::generation + 1),
            gpd_jobs::attempts.eq(0),
            gpd_jobs::next_attempt_at.eq(now),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(gpd_jobs::table)
            .values(&GpdJobRow {
                act_id: act_id.to_owned(),
                tenant_id: tenant_id.to_owned(),
                generation: 1,
                attempts: 0,
                next_attempt_at: now,
                locked_until: None,
                last_error: None,
            })
            .execute(conn)?;
    }
    Ok(())
}

/// Claims up to `limit` due jobs with a lease until `until` (a row another node holds is
/// skipped: the conditional update claims it for one node only).
pub fn claim_gpd_jobs(
    conn: &mut DbConn,
    now: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<GpdJobRow>> {
    let due: Vec<GpdJobRow> = gpd_jobs::table
        .filter(gpd_jobs::next_attempt_at.le(now))
        .filter(
            gpd_jobs::locked_until
                .is_null()
                .or(gpd_jobs::locked_until.lt(now)),
        )
        .order(gpd_jobs::next_attempt_at.asc())
        .limit(limit)
        .select(GpdJobRow::as_select())
        .load(conn)?;
    let mut claimed = Vec::new();
    for j in due {
        let n = diesel::update(gpd_jobs::table.find(&j.act_id))
            .filter(gpd_jobs::generation.eq(j.generation))
            .filter(
                gpd_jobs::locked_until
                    .is_null()
                    .or(gpd_jobs::locked_until.lt(now)),
            )
            .set(gpd_jobs::locked_until.eq(Some(until)))
            .execute(conn)?;
        if n == 1 {
            claimed.push(j);
        }
    }
    Ok(claimed)
}

/// Done: the row goes unless the act changed meanwhile (then it runs again at once).
pub fn finish_gpd_job(conn: &mut DbConn, job: &GpdJobRow) -> QueryResult<()> {
    let n = diesel::delete(gpd_jobs::table.find(&job.act_id))
        .filter(gpd_jobs::generation.eq(job.generation))
        .execute(conn)?;
    if n == 0 {
        diesel::update(gpd_jobs::table.find(&job.act_id))
            .set(gpd_jobs::locked_until.eq(None::<NaiveDateTime>))
            .execute(conn)?;
    }
    Ok(())
}

pub fn retry_gpd_job(
    conn: &mut DbConn,
    job: &GpdJobRow,
    at: NaiveDateTime,
    error: &str,
) -> QueryResult<()> {
    diesel::update(gpd_jobs::table.find(&job.act_id))
        .set((
            gpd_jobs::attempts.eq(gpd_jobs::attempts + 1),
            gpd_jobs::next_attempt_at.eq(at),
            gpd_jobs::locked_until.eq(None::<NaiveDateTime>),
            gpd_jobs::last_error.eq(Some(error)),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn position(conn: &mut DbConn, act_id: &str) -> QueryResult<Option<GpdPositionRow>> {
    gpd_positions::table
        .find(act_id)
        .select(GpdPositionRow::as_select())
        .first(conn)
        .optional()
}

pub fn save_position(conn: &mut DbConn, row: &GpdPositionRow) -> QueryResult<()> {
    let n = diesel::update(gpd_positions::table.find(&row.act_id))
        .set((
            gpd_positions::invalidated.eq(row.invalidated),
            gpd_positions::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(gpd_positions::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Published positions that still have an unpaid, uncancelled notice: where receipts may come.
pub fn open_positions(conn: &mut DbConn) -> QueryResult<Vec<GpdPositionRow>> {
    gpd_positions::table
        .filter(gpd_positions::invalidated.eq(false))
        .filter(diesel::dsl::exists(
            payment_notices::table
                .filter(payment_notices::act_id.eq(gpd_positions::act_id))
                .filter(payment_notices::cancelled.eq(false)),
        ))
        .select(GpdPositionRow::as_select())
        .load(conn)
}

pub fn find_notice_by_iuv(
    conn: &mut DbConn,
    tenant_id: &str,
    iuv: &str,
) -> QueryResult<Option<NoticeRow>> {
    payment_notices::table
        .filter(payment_notices::tenant_id.eq(tenant_id))
        .filter(payment_notices::iuv.eq(iuv))
        .select(NoticeRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_receipt(conn: &mut DbConn, row: &ReceiptRow) -> QueryResult<()> {
    diesel::insert_into(pagopa_receipts::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn receipts_of(conn: &mut DbConn, act_ids: &[String]) -> QueryResult<Vec<ReceiptRow>> {
    if act_ids.is_empty() {
        return Ok(Vec::new());
    }
    pagopa_receipts::table
        .filter(pagopa_receipts::act_id.eq_any(act_ids))
        .order(pagopa_receipts::paid_at.desc())
        .select(ReceiptRow::as_select())
        .load(conn)
}

pub fn find_receipt(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
) -> QueryResult<Option<ReceiptRow>> {
    pagopa_receipts::table
        .filter(pagopa_receipts::tenant_id.eq(tenant_id))
        .filter(pagopa_receipts::id.eq(id))
        .select(ReceiptRow::as_select())
        .first(conn)
        .optional()
}
