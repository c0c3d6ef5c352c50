//! The taxpayer's account: contribuenti, utenze, acts with their instalments, payments,
//! adjustments, the tenant's tax rules and the plans rateizzazione requests carry.
//! Lookups by the tax system's keys take many keys at once, for imports in batches.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{
    ActRow, AdjustmentRow, ContribuenteRow, InstalmentRow, PaymentRow, PlanRequestRow,
    TaxSettingsRow, UtenzaRow,
};
use crate::db::schema::{
    act_instalments, acts, adjustments, contribuenti, payments, plan_requests, tax_settings, users,
    utenze,
};

// ---- contribuenti ----------------------------------------------------------------------

pub fn insert_contribuenti(conn: &mut DbConn, rows: &[ContribuenteRow]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    crate::native!(conn, |c| diesel::insert_into(contribuenti::table)
        .values(rows)
        .execute(c))
    .map(|_| ())
}

/// Every column but the id, the tenant, the link and the creation time.
pub fn update_contribuente(conn: &mut DbConn, row: &ContribuenteRow) -> QueryResult<()> {
    diesel::update(contribuenti::table.find(&row.id))
        .set((
            contribuenti::first_name.eq(&row.first_name),
            contribuenti::last_name.eq(&row.last_name),
            contribuenti::denominazione.eq(&row.denominazione),
            contribuenti::residence.eq(&row.residence),
            contribuenti::mailing_address.eq(&row.mailing_address),
            contribuenti::email.eq(&row.email),
            contribuenti::pec.eq(&row.pec),
            contribuenti::phone.eq(&row.phone),
            contribuenti::search_name.eq(&row.search_name),
            contribuenti::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn find_contribuente(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
) -> QueryResult<Option<ContribuenteRow>> {
    contribuenti::table
        .filter(contribuenti::tenant_id.eq(tenant_id))
        .filter(contribuenti::id.eq(id))
        .select(ContribuenteRow::as_select())
        .first(conn)
        .optional()
}

/// The contribuente linked to a citizen account.
pub fn contribuente_of_citizen(
    conn: &mut DbConn,
    tenant_id: &str,
    citizen_id: &str,
) -> QueryResult<Option<ContribuenteRow>> {
    contribuenti::table
        .filter(contribuenti::tenant_id.eq(tenant_id))
        .filter(contribuenti::citizen_id.eq(citizen_id))
        .select(ContribuenteRow::as_select())
        .first(conn)
        .optional()
}

pub fn contribuenti_by_fiscal_codes(
    conn: &mut DbConn,
    tenant_id: &str,
    codes: &[String],
) -> QueryResult<Vec<ContribuenteRow>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    contribuenti::table
        .filter(contribuenti::tenant_id.eq(tenant_id))
        .filter(contribuenti::fiscal_code.eq_any(codes))
        .select(ContribuenteRow::as_select())
        .load(conn)
}

/// The desk's search: a codice fiscale (or its start), part of a name, or a codice utenza.
pub fn search_contribuenti(
    conn: &mut DbConn,
    tenant_id: &str,
    q: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ContribuenteRow>> {
    let mut query = contribuenti::table
        .filter(contribuenti::tenant_id.eq(tenant_id))
        .select(ContribuenteRow::as_select())
        .order(contribuenti::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let by_code = utenze::table
            .filter(utenze::tenant_id.eq(tenant_id))
            .filter(utenze::code.eq(q.to_owned()))
            .select(utenze::contribuente_id);
        query = query.filter(
            contribuenti::fiscal_code
                .like(format!("{}%", escaped.to_uppercase()))
                .escape('\\')
                .or(contribuenti::search_name
                    .like(format!("%{}%", escaped.to_lowercase()))
                    .escape('\\'))
                .or(contribuenti::id.eq_any(by_code)),
        );
    }
    if let Some(after) = after_id {
        query = query.filter(contribuenti::id.gt(after.to_owned()));
    }
    query.load(conn)
}

/// Links the contribuente with this codice fiscale to the citizen account.
pub fn link_citizen(
    conn: &mut DbConn,
    tenant_id: &str,
    fiscal_code: &str,
    citizen_id: &str,
) -> QueryResult<usize> {
    diesel::update(
        contribuenti::table
            .filter(contribuenti::tenant_id.eq(tenant_id))
            .filter(contribuenti::fiscal_code.eq(fiscal_code)),
    )
    .set(contribuenti::citizen_id.eq(citizen_id))
    .execute(conn)
}

/// Approved citizen accounts with these codici fiscali: `(fiscal_code, user id)`.
pub fn approved_citizens(
    conn: &mut DbConn,
    tenant_id: &str,
    codes: &[String],
) -> QueryResult<Vec<(String, String)>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(users::tenant_id.eq(tenant_id))
        .filter(users::role.eq("citizen"))
        .filter(users::status.eq("approved"))
        .filter(users::fiscal_code.eq_any(codes))
        .select((users::fiscal_code.assume_not_null(), users::id))
        .load(conn)
}

// ---- utenze ------------------------------------------------------------------------------

pub fn insert_utenze(conn: &mut DbConn, rows: &[UtenzaRow]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    crate::native!(conn, |c| diesel::insert_into(utenze::table)
        .values(rows)
        .execute(c))
    .map(|_| ())
}

pub fn update_utenza(conn: &mut DbConn, row: &UtenzaRow) -> QueryResult<()> {
    diesel::update(utenze::table.find(&row.id))
        .set((
            utenze::contribuente_id.eq(&row.contribuente_id),
            utenze::kind.eq(&row.kind),
            utenze::address.eq(&row.address),
            utenze::cadastral.eq(&row.cadastral),
            utenze::square_meters.eq(row.square_meters),
            utenze::occupants.eq(row.occupants),
            utenze::category.eq(&row.category),
            utenze::start_date.eq(row.start_date),
            utenze::end_date.eq(row.end_date),
            utenze::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn find_utenza(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<UtenzaRow>> {
    utenze::table
        .filter(utenze::tenant_id.eq(tenant_id))
        .filter(utenze::id.eq(id))
        .select(UtenzaRow::as_select())
        .first(conn)
        .optional()
}

pub fn utenze_of(conn: &mut DbConn, contribuente_id: &str) -> QueryResult<Vec<UtenzaRow>> {
    utenze::table
        .filter(utenze::contribuente_id.eq(contribuente_id))
        .order((utenze::start_date.asc(), utenze::code.asc()))
        .select(UtenzaRow::as_select())
        .load(conn)
}

pub fn utenze_by_codes(
    conn: &mut DbConn,
    tenant_id: &str,
    codes: &[String],
) -> QueryResult<Vec<UtenzaRow>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    utenze::table
        .filter(utenze::tenant_id.eq(tenant_id))
        .filter(utenze::code.eq_any(codes))
        .select(UtenzaRow::as_select())
        .load(conn)
}

// ---- acts ----------------------------------------------------------------------------------

pub fn insert_acts(
    conn: &mut DbConn,
    rows: &[ActRow],
    instalments: &[InstalmentRow],
) -> QueryResult<()> {
    if !rows.is_empty() {
        crate::native!(conn, |c| diesel::insert_into(acts::table)
            .values(rows)
            .execute(c))?;
    }
    insert_instalments(conn, instalments)
}

fn insert_instalments(conn: &mut DbConn, rows: &[InstalmentRow]) -> QueryResult<()> {
    // Bound parameters per statement stay well under both backends' limits.
    for chunk in rows.chunks(2_000) {
        crate::native!(conn, |c| diesel::insert_into(act_instalments::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// The act's own columns (not its key, contribuente link or creation time) and its
/// instalments, replaced.
pub fn update_act(
    conn: &mut DbConn,
    row: &ActRow,
    instalments: &[InstalmentRow],
) -> QueryResult<()> {
    diesel::update(acts::table.find(&row.id))
        .set((
            acts::contribuente_id.eq(&row.contribuente_id),
            acts::utenza_id.eq(&row.utenza_id),
            acts::issued_on.eq(row.issued_on),
            acts::notified_on.eq(row.notified_on),
            acts::amount_tributo.eq(row.amount_tributo),
            acts::amount_sanzioni.eq(row.amount_sanzioni),
            acts::amount_interessi.eq(row.amount_interessi),
            acts::amount_spese_notifica.eq(row.amount_spese_notifica),
            acts::status.eq(&row.status),
            acts::plan_granted_on.eq(row.plan_granted_on),
            acts::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    diesel::delete(act_instalments::table.filter(act_instalments::act_id.eq(&row.id)))
        .execute(conn)?;
    insert_instalments(conn, instalments)
}

/// Only the status (an adjustment changed it).
pub fn set_act_status(
    conn: &mut DbConn,
    act_id: &str,
    status: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(acts::table.find(act_id))
        .set((acts::status.eq(status), acts::updated_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

pub fn find_act(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<ActRow>> {
    acts::table
        .filter(acts::tenant_id.eq(tenant_id))
        .filter(acts::id.eq(id))
        .select(ActRow::as_select())
        .first(conn)
        .optional()
}

/// The act, locked until the end of the transaction on PostgreSQL (SQLite has one writer):
/// checks against what is recorded on it cannot race another write.
pub fn lock_act(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<ActRow>> {
    let q = acts::table
        .filter(acts::tenant_id.eq(tenant_id))
        .filter(acts::id.eq(id));
    match conn {
        DbConn::Postgresql(c) => q
            .select(ActRow::as_select())
            .for_update()
            .load(c)
            .map(crate::db::at_most_one),
        DbConn::Sqlite(c) => q
            .select(ActRow::as_select())
            .load(c)
            .map(crate::db::at_most_one),
    }
}

pub fn acts_of(conn: &mut DbConn, contribuente_id: &str) -> QueryResult<Vec<ActRow>> {
    acts::table
        .filter(acts::contribuente_id.eq(contribuente_id))
        .order((acts::issued_on.asc(), acts::year.asc(), acts::number.asc()))
        .select(ActRow::as_select())
        .load(conn)
}

/// Acts with any of these numbers (callers match the rest of the key), locked on
/// PostgreSQL like [`lock_act`].
pub fn lock_acts_by_numbers(
    conn: &mut DbConn,
    tenant_id: &str,
    numbers: &[String],
) -> QueryResult<Vec<ActRow>> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let q = acts::table
        .filter(acts::tenant_id.eq(tenant_id))
        .filter(acts::number.eq_any(numbers));
    match conn {
        DbConn::Postgresql(c) => q.select(ActRow::as_select()).for_update().load(c),
        DbConn::Sqlite(c) => q.select(ActRow::as_select()).load(c),
    }
}

pub fn instalments_of(conn: &mut DbConn, act_ids: &[String]) -> QueryResult<Vec<InstalmentRow>> {
    if act_ids.is_empty() {
        return Ok(Vec::new());
    }
    act_instalments::table
        .filter(act_instalments::act_id.eq_any(act_ids))
        .order((act_instalments::act_id.asc(), act_instalments::n.asc()))
        .select(InstalmentRow::as_select())
        .load(conn)
}

/// The ordinary acts of a contribuente with their totals: `(year, cents)` (TQRIF art. 27 c).
pub fn ordinary_totals(conn: &mut DbConn, contribuente_id: &str) -> QueryResult<Vec<(i32, i64)>> {
    let rows: Vec<(i32, i64, i64, i64, i64)> = acts::table
        .filter(acts::contribuente_id.eq(contribuente_id))
        .filter(acts::kind.eq("avviso_ordinario"))
        .select((
            acts::year,
            acts::amount_tributo,
            acts::amount_sanzioni,
            acts::amount_interessi,
            acts::amount_spese_notifica,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(y, a, b, c, d)| (y, a + b + c + d))
        .collect())
}

// ---- payments and adjustments ------------------------------------------------------------

pub fn insert_payments(conn: &mut DbConn, rows: &[PaymentRow]) -> QueryResult<()> {
    for chunk in rows.chunks(1_000) {
        crate::native!(conn, |c| diesel::insert_into(payments::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn update_payment(conn: &mut DbConn, row: &PaymentRow) -> QueryResult<()> {
    diesel::update(payments::table.find(&row.id))
        .set((
            payments::act_id.eq(&row.act_id),
            payments::paid_on.eq(row.paid_on),
            payments::amount.eq(row.amount),
            payments::channel.eq(&row.channel),
            payments::reference.eq(&row.reference),
            payments::instalment.eq(row.instalment),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn payments_by_external_keys(
    conn: &mut DbConn,
    tenant_id: &str,
    keys: &[String],
) -> QueryResult<Vec<PaymentRow>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    payments::table
        .filter(payments::tenant_id.eq(tenant_id))
        .filter(payments::external_key.eq_any(keys))
        .select(PaymentRow::as_select())
        .load(conn)
}

pub fn payments_of(conn: &mut DbConn, act_ids: &[String]) -> QueryResult<Vec<PaymentRow>> {
    if act_ids.is_empty() {
        return Ok(Vec::new());
    }
    payments::table
        .filter(payments::act_id.eq_any(act_ids))
        .order((payments::paid_on.asc(), payments::id.asc()))
        .select(PaymentRow::as_select())
        .load(conn)
}

pub fn insert_adjustment(conn: &mut DbConn, row: &AdjustmentRow) -> QueryResult<()> {
    diesel::insert_into(adjustments::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn adjustments_of(conn: &mut DbConn, act_ids: &[String]) -> QueryResult<Vec<AdjustmentRow>> {
    if act_ids.is_empty() {
        return Ok(Vec::new());
    }
    adjustments::table
        .filter(adjustments::act_id.eq_any(act_ids))
        .order((adjustments::effective_on.asc(), adjustments::id.asc()))
        .select(AdjustmentRow::as_select())
        .load(conn)
}

// ---- the tenant's rules ---------------------------------------------------------------------

pub fn tax_settings(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Option<TaxSettingsRow>> {
    tax_settings::table
        .find(tenant_id)
        .select(TaxSettingsRow::as_select())
        .first(conn)
        .optional()
}

pub fn save_tax_settings(conn: &mut DbConn, row: &TaxSettingsRow) -> QueryResult<()> {
    let n = diesel::update(tax_settings::table.find(&row.tenant_id))
        .set(row)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(tax_settings::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

// ---- plans carried by rateizzazione requests ------------------------------------------------

pub fn insert_plan_request(conn: &mut DbConn, row: &PlanRequestRow) -> QueryResult<()> {
    diesel::insert_into(plan_requests::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_plan_request(
    conn: &mut DbConn,
    tenant_id: &str,
    request_id: &str,
) -> QueryResult<Option<PlanRequestRow>> {
    plan_requests::table
        .filter(plan_requests::tenant_id.eq(tenant_id))
        .filter(plan_requests::request_id.eq(request_id))
        .select(PlanRequestRow::as_select())
        .first(conn)
        .optional()
}

/// Marks the plan granted, if it was still proposed (of two resolutions, one applies it).
pub fn grant_plan_request(
    conn: &mut DbConn,
    request_id: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        plan_requests::table
            .filter(plan_requests::request_id.eq(request_id))
            .filter(plan_requests::status.eq("proposed")),
    )
    .set((
        plan_requests::status.eq("granted"),
        plan_requests::granted_at.eq(Some(at)),
        plan_requests::granted_by.eq(Some(by)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Applies a granted plan: the act becomes `rateizzato` from `granted_on` and its
/// instalments are the plan's.
pub fn apply_plan(
    conn: &mut DbConn,
    act_id: &str,
    granted_on: NaiveDate,
    instalments: &[InstalmentRow],
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(acts::table.find(act_id))
        .set((
            acts::status.eq("rateizzato"),
            acts::plan_granted_on.eq(Some(granted_on)),
            acts::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::delete(act_instalments::table.filter(act_instalments::act_id.eq(act_id)))
        .execute(conn)?;
    insert_instalments(conn, instalments)
}
