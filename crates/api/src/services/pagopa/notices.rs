//! Payment notices: issued, updated and cancelled with the act's ledger ([`sync`], called
//! in the transaction of every write that changes an act), and read by citizens (their own)
//! and the tenant's staff.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use domain::api::{Notice, NoticeList};
use domain::calendar::rome_date;
use domain::pagopa::issue::{self, IssuedNotice};
use domain::pagopa::{NoticeNumber, NoticeStatus};
use domain::tax::allocation::allocate;
use domain::types::{CodiceFiscale, Money};

use super::settings;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{ActRow, ContribuenteRow, NoticeRow};
use crate::db::repo::{pagopa, taxpayer};
use crate::error::{ApiError, ApiResult};
use crate::services::account::Book;
use crate::state::AppState;

fn issued(r: &NoticeRow) -> IssuedNotice {
    IssuedNotice {
        instalment: u32::try_from(r.instalment).unwrap_or(0),
        amount: r.amount,
        due_date: r.due_date,
        cancelled: r.cancelled,
    }
}

/// What each instalment of the book's acts still asks as of `today`, by act and number.
fn residuals(book: &Book, today: NaiveDate) -> HashMap<(String, u32), i64> {
    let mut out = HashMap::new();
    for i in 0..book.acts.len() {
        let l = book.ledger(i);
        for inst in allocate(l.act, l.payments, l.adjustments, today).instalments {
            out.insert((book.acts[i].id.clone(), inst.n), inst.residual_on(today));
        }
    }
    out
}

/// Brings the notices of `acts` in line with their ledgers: new ones for instalments that
/// ask for money, amounts and due dates followed, cancellations. Nothing happens until the
/// tenant's creditor and segregation code are set. Run it in the write's transaction, with
/// the acts locked (or SQLite's single writer).
pub fn sync(
    c: &mut DbConn,
    tenant_id: &str,
    act_ids: &[String],
    now: NaiveDateTime,
) -> ApiResult<()> {
    if act_ids.is_empty() {
        return Ok(());
    }
    let stored = settings::load(c, tenant_id)?;
    let Some((creditor, segregation)) = stored.config.issuer() else {
        return Ok(());
    };
    let today = rome_date(now.and_utc());
    let rows: Vec<ActRow> = pagopa::acts_by_ids(c, tenant_id, act_ids)?;
    let book = Book::load(c, &rows)?;
    let mut existing: HashMap<String, Vec<NoticeRow>> = HashMap::new();
    for n in pagopa::notices_of(c, act_ids)? {
        existing.entry(n.act_id.clone()).or_default().push(n);
    }
    let mut create: Vec<(String, u32, i64, NaiveDate)> = Vec::new();
    let mut changed: Vec<String> = Vec::new();
    let mut replan: Vec<(String, NaiveDate)> = Vec::new();
    for i in 0..book.acts.len() {
        let act = &book.acts[i];
        let l = book.ledger(i);
        let alloc = allocate(l.act, l.payments, l.adjustments, today);
        let mine = existing.remove(&act.id).unwrap_or_default();
        let stored: Vec<IssuedNotice> = mine.iter().map(issued).collect();
        let changes = issue::plan(
            &alloc.instalments,
            l.act.status.is_cancelled(),
            &stored,
            today,
        );
        if !changes.is_empty() {
            changed.push(act.id.clone());
        }
        for u in changes.update {
            let row = mine
                .iter()
                .find(|r| issued(r).instalment == u.instalment)
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("notice vanished")))?;
            pagopa::update_notice(
                c,
                tenant_id,
                &row.nav,
                u.amount,
                u.due_date,
                u.cancelled,
                now,
            )?;
            if !u.cancelled {
                replan.push((row.nav.clone(), u.due_date));
            }
        }
        create.extend(
            changes
                .create
                .into_iter()
                .map(|(n, amount, due)| (act.id.clone(), n, amount, due)),
        );
    }
    // The GPD position follows, through a job written in this same transaction.
    if stored.publishes() {
        for id in &changed {
            pagopa::enqueue_gpd(c, tenant_id, id, now)?;
        }
    }
    // Reminders follow the new due dates (those of the old ones are skipped when due).
    let days = &stored.config.reminder_days;
    super::reminders::plan_notices(c, tenant_id, &replan, false, days, now)?;
    if create.is_empty() {
        return Ok(());
    }
    let first = pagopa::take_bases(c, tenant_id, create.len() as i64)?;
    let mut new = Vec::with_capacity(create.len());
    for (k, (act_id, n, amount, due)) in create.into_iter().enumerate() {
        let nav = NoticeNumber::generate(segregation, (first + k as i64) as u64)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("notice numbers exhausted: {e}")))?;
        new.push(NoticeRow {
            tenant_id: tenant_id.to_owned(),
            nav: nav.as_str().to_owned(),
            iuv: nav.iuv().as_str().to_owned(),
            act_id,
            instalment: i32::try_from(n).unwrap_or(i32::MAX),
            amount,
            due_date: due,
            creditor_fiscal_code: creditor.as_str().to_owned(),
            cancelled: false,
            created_at: now,
            updated_at: now,
        });
    }
    pagopa::insert_notices(c, &new)?;
    let issued: Vec<(String, NaiveDate)> =
        new.iter().map(|n| (n.nav.clone(), n.due_date)).collect();
    super::reminders::plan_notices(c, tenant_id, &issued, true, days, now)?;
    Ok(())
}

/// Issues the notices of every act of the tenant (when pagoPA is first set up).
pub fn sync_tenant(c: &mut DbConn, tenant_id: &str, now: NaiveDateTime) -> ApiResult<()> {
    let ids = pagopa::act_ids_of_tenant(c, tenant_id)?;
    for chunk in ids.chunks(200) {
        sync(c, tenant_id, chunk, now)?;
    }
    Ok(())
}

fn stored_err(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("stored notice {what}: {e}"))
}

/// The API view of stored notices, with their state from the acts' ledgers.
pub(crate) fn views(
    c: &mut DbConn,
    rows: &[NoticeRow],
    today: NaiveDate,
) -> ApiResult<Vec<Notice>> {
    let mut act_ids: Vec<String> = rows.iter().map(|r| r.act_id.clone()).collect();
    act_ids.sort();
    act_ids.dedup();
    let Some(tenant_id) = rows.first().map(|r| r.tenant_id.clone()) else {
        return Ok(Vec::new());
    };
    let acts = pagopa::acts_by_ids(c, &tenant_id, &act_ids)?;
    let book = Book::load(c, &acts)?;
    let left = residuals(&book, today);
    rows.iter()
        .map(|r| {
            let n = issued(r);
            let status = issue::status(
                &n,
                left.get(&(r.act_id.clone(), n.instalment)).copied(),
                today,
            );
            view(r, status)
        })
        .collect()
}

fn view(r: &NoticeRow, status: NoticeStatus) -> ApiResult<Notice> {
    let nav = NoticeNumber::parse(&r.nav).map_err(|e| stored_err("number", e))?;
    let creditor =
        CodiceFiscale::parse(&r.creditor_fiscal_code).map_err(|e| stored_err("creditor", e))?;
    Notice::new(
        &nav,
        &creditor,
        r.act_id.clone(),
        u32::try_from(r.instalment).unwrap_or(0),
        Money::from_cents(r.amount),
        r.due_date,
        status,
    )
    .map_err(|e| stored_err("amount", e))
}

/// A NAV as typed: 422 naming `nav` when it cannot be a numero avviso.
pub fn parse_nav(input: &str) -> ApiResult<NoticeNumber> {
    // `/me/notices/{nav}.pdf` routes strip the suffix; anything else is the NAV.
    Ok(NoticeNumber::parse(input)?)
}

fn today() -> NaiveDate {
    rome_date(Utc::now())
}

fn mine(c: &mut DbConn, user: &AuthUser) -> ApiResult<Option<ContribuenteRow>> {
    Ok(taxpayer::contribuente_of_citizen(
        c,
        user.tenant_id(),
        &user.user_id,
    )?)
}

/// The caller's notices, oldest due date first (empty without a contribuente).
pub fn my_notices(state: &AppState, user: &AuthUser) -> ApiResult<NoticeList> {
    state.db.read(|c| {
        let Some(me) = mine(c, user)? else {
            return Ok::<_, ApiError>(NoticeList { items: Vec::new() });
        };
        let ids: Vec<String> = taxpayer::acts_of(c, &me.id)?
            .into_iter()
            .map(|a| a.id)
            .collect();
        let mut rows = pagopa::notices_of(c, &ids)?;
        rows.sort_by(|a, b| (a.due_date, &a.nav).cmp(&(b.due_date, &b.nav)));
        Ok(NoticeList {
            items: views(c, &rows, today())?,
        })
    })
}

/// A notice with its row, when the caller may see it: staff for any notice of the tenant,
/// a citizen for their own; anyone else's is "not found".
pub(crate) fn visible(
    c: &mut DbConn,
    user: &AuthUser,
    nav: &NoticeNumber,
    staff: bool,
) -> ApiResult<NoticeRow> {
    let row = pagopa::find_notice(c, user.tenant_id(), nav.as_str())?.ok_or(ApiError::NotFound)?;
    if staff {
        user.require_staff()?;
        return Ok(row);
    }
    let me = mine(c, user)?.ok_or(ApiError::NotFound)?;
    let act = taxpayer::find_act(c, user.tenant_id(), &row.act_id)?.ok_or(ApiError::NotFound)?;
    if act.contribuente_id != me.id {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// One notice: the caller's own (`staff = false`) or any of the tenant (staff).
pub fn get(state: &AppState, user: &AuthUser, nav: &str, staff: bool) -> ApiResult<Notice> {
    if staff {
        user.require_staff()?;
    }
    let nav = parse_nav(nav)?;
    state.db.read(|c| {
        let row = visible(c, user, &nav, staff)?;
        views(c, std::slice::from_ref(&row), today())?
            .pop()
            .ok_or(ApiError::NotFound)
    })
}

/// The notices of one act (staff).
pub fn of_act(state: &AppState, user: &AuthUser, act_id: &str) -> ApiResult<NoticeList> {
    user.require_staff()?;
    state.db.read(|c| {
        let act = taxpayer::find_act(c, user.tenant_id(), act_id)?.ok_or(ApiError::NotFound)?;
        let rows = pagopa::notices_of(c, std::slice::from_ref(&act.id))?;
        Ok::<_, ApiError>(NoticeList {
            items: views(c, &rows, today())?,
        })
    })
}

/// The notice's PDF: the requested notice with the other unpaid ones of its act as further
/// options, by due date. A cancelled notice cannot be paid and is not printed (409).
pub fn pdf(state: &AppState, user: &AuthUser, nav: &str, staff: bool) -> ApiResult<Vec<u8>> {
    if staff {
        user.require_staff()?;
    }
    let nav = parse_nav(nav)?;
    let doc = state.db.read(|c| {
        let row = visible(c, user, &nav, staff)?;
        document(c, user.tenant_id(), &user.tenant.name, &row, today())
    })?;
    super::pdf::render(&doc, Utc::now()).map_err(ApiError::Internal)
}

/// The notice PDF of a stored notice (with the other unpaid ones of its act), for whoever
/// may have it: the caller checked.
pub(crate) fn render_pdf(
    c: &mut DbConn,
    tenant_id: &str,
    tenant_name: &str,
    row: &NoticeRow,
    now: chrono::DateTime<Utc>,
) -> ApiResult<Vec<u8>> {
    let doc = document(c, tenant_id, tenant_name, row, rome_date(now))?;
    super::pdf::render(&doc, now).map_err(ApiError::Internal)
}

fn document(
    c: &mut DbConn,
    tenant_id: &str,
    tenant_name: &str,
    row: &NoticeRow,
    today: NaiveDate,
) -> ApiResult<super::pdf::NoticeDoc> {
    let all = pagopa::notices_of(c, std::slice::from_ref(&row.act_id))?;
    let views = views(c, &all, today)?;
    let requested = views
        .iter()
        .find(|v| v.nav == row.nav)
        .ok_or(ApiError::NotFound)?;
    if requested.status == NoticeStatus::Cancelled {
        return Err(ApiError::conflict(
            "L'avviso è annullato: non si può più pagare",
            "The notice is cancelled: it can no longer be paid",
        ));
    }
    let act = taxpayer::find_act(c, tenant_id, &row.act_id)?.ok_or(ApiError::NotFound)?;
    let instalments = taxpayer::instalments_of(c, std::slice::from_ref(&act.id))?.len();
    let owner = taxpayer::find_contribuente(c, tenant_id, &act.contribuente_id)?
        .ok_or(ApiError::NotFound)?;
    let owner = crate::services::account::contribuente_dto(&owner)?;
    let cfg = settings::load(c, tenant_id)?.config;
    let kind: domain::tax::ActKind = act.kind.parse().map_err(|e| stored_err("act kind", e))?;
    let tributo: domain::tax::Tributo =
        act.tributo.parse().map_err(|e| stored_err("tributo", e))?;
    let subject = format!(
        "{} {} - {} n. {}",
        tributo.label(),
        act.year,
        kind.label_it(),
        act.number
    );
    let debtor_name = owner.display_name();
    let debtor = CodiceFiscale::parse(&owner.fiscal_code).map_err(|e| stored_err("debtor", e))?;
    let creditor =
        CodiceFiscale::parse(&row.creditor_fiscal_code).map_err(|e| stored_err("creditor", e))?;
    let mut options = Vec::new();
    for v in views
        .iter()
        .filter(|v| v.nav == row.nav || v.status == NoticeStatus::Unpaid)
    {
        let nav = NoticeNumber::parse(&v.nav).map_err(|e| stored_err("number", e))?;
        let amount = Money::from_cents(v.amount);
        let datamatrix = cfg
            .poste_account
            .as_ref()
            .map(|account| {
                domain::pagopa::poste_datamatrix(domain::pagopa::PosteDataMatrix {
                    nav: &nav,
                    account,
                    amount,
                    creditor: &creditor,
                    debtor: &debtor,
                    debtor_name: &debtor_name,
                    subject: &subject,
                })
            })
            .transpose()
            .map_err(|e| stored_err("DataMatrix", e))?;
        options.push(super::pdf::PayOption {
            instalment: v.instalment,
            nav,
            amount,
            due_date: v.due_date,
            qr_payload: v.qr_payload.clone(),
            datamatrix,
        });
    }
    let address = owner
        .mailing_address
        .as_ref()
        .or(owner.residence.as_ref())
        .map(|a| {
            let mut s = a.street.clone();
            s.push_str(", ");
            if let Some(cap) = &a.postal_code {
                s.push_str(cap);
                s.push(' ');
            }
            s.push_str(&a.city);
            if let Some(p) = &a.province {
                s.push_str(" (");
                s.push_str(p);
                s.push(')');
            }
            s
        });
    Ok::<_, ApiError>(super::pdf::NoticeDoc {
        subject,
        creditor_name: tenant_name.to_owned(),
        creditor_fiscal_code: creditor.as_str().to_owned(),
        creditor_sector: "Ufficio Tributi".to_owned(),
        cbill: cfg.cbill.as_ref().map(|c| c.as_str().to_owned()),
        poste_account: cfg.poste_account.as_ref().map(|a| a.as_str().to_owned()),
        debtor_fiscal_code: owner.fiscal_code.clone(),
        debtor_name,
        debtor_address: address,
        instalments,
        options,
    })
}
