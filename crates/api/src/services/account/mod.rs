//! The taxpayer's account: contribuenti and utenze, acts, payments and adjustments, the
//! estratto conto (JSON and PDF), instalment plans and imports from the tax system. The
//! rules are the domain's (`domain::tax`); here rows are loaded, checked and stored.

pub mod acts;
pub mod contribuenti;
pub mod demo;
pub mod imports;
mod pdf;
pub mod plans;
pub mod settings;
pub mod statement;

use std::collections::HashMap;
use std::str::FromStr;

use chrono::NaiveDateTime;
use domain::api::{
    Act, ActInstalment, Adjustment, Cadastral, Contribuente, CreateContribuente, CreateUtenza,
    Payment, Utenza,
};
use domain::error::DomainError;
use domain::tax;
use domain::types::Money;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{
    ActRow, AdjustmentRow, ContribuenteRow, InstalmentRow, PaymentRow, UtenzaRow,
};
use crate::db::repo::audit::Audit;
use crate::db::repo::taxpayer;
use crate::error::{ApiError, ApiResult};

/// A stored value that does not read back is a bug or a corrupt row, never a default.
pub(crate) fn stored<T: FromStr<Err = DomainError>>(value: &str, what: &str) -> ApiResult<T> {
    value
        .parse()
        .map_err(|e: DomainError| ApiError::Internal(anyhow::anyhow!("stored {what}: {e}")))
}

fn stored_json<T: DeserializeOwned>(value: Option<&str>, what: &str) -> ApiResult<Option<T>> {
    value
        .map(|v| {
            serde_json::from_str(v)
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored {what}: {e}")))
        })
        .transpose()
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn count(v: Option<i32>) -> Option<u32> {
    v.and_then(|n| u32::try_from(n).ok())
}

fn int(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// The audit entry of an operator's write (recorded in the same transaction).
pub(crate) fn audit<'a>(
    user: &'a AuthUser,
    action: &'a str,
    entity: &'a str,
    entity_id: &'a str,
) -> Audit<'a> {
    Audit {
        tenant_id: user.tenant_id(),
        actor_id: Some(&user.user_id),
        action,
        entity,
        entity_id: Some(entity_id),
    }
}

// ---- rows and DTOs -------------------------------------------------------------------------

/// Lower-case name in both orders, so "rossi mario" and "mario rossi" both find it.
fn search_name(c: &CreateContribuente) -> String {
    let name = match (&c.denominazione, &c.first_name, &c.last_name) {
        (Some(d), _, _) => d.clone(),
        (None, f, l) => {
            let (f, l) = (f.as_deref().unwrap_or(""), l.as_deref().unwrap_or(""));
            format!("{f} {l} {l} {f}")
        }
    };
    name.to_lowercase()
}

/// A new or updated contribuente row (from a normalized DTO).
pub(crate) fn contribuente_row(
    tenant_id: &str,
    id: String,
    c: &CreateContribuente,
    citizen_id: Option<String>,
    created_at: NaiveDateTime,
    now: NaiveDateTime,
) -> ContribuenteRow {
    ContribuenteRow {
        id,
        tenant_id: tenant_id.to_owned(),
        fiscal_code: c.fiscal_code.clone(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        denominazione: c.denominazione.clone(),
        residence: c.residence.as_ref().map(to_json),
        mailing_address: c.mailing_address.as_ref().map(to_json),
        email: c.email.clone(),
        pec: c.pec.clone(),
        phone: c.phone.clone(),
        citizen_id,
        search_name: search_name(c),
        created_at,
        updated_at: now,
    }
}

pub(crate) fn contribuente_dto(r: &ContribuenteRow) -> ApiResult<Contribuente> {
    Ok(Contribuente {
        id: r.id.clone(),
        fiscal_code: r.fiscal_code.clone(),
        first_name: r.first_name.clone(),
        last_name: r.last_name.clone(),
        denominazione: r.denominazione.clone(),
        residence: stored_json(r.residence.as_deref(), "residence")?,
        mailing_address: stored_json(r.mailing_address.as_deref(), "mailing address")?,
        email: r.email.clone(),
        pec: r.pec.clone(),
        phone: r.phone.clone(),
        citizen_id: r.citizen_id.clone(),
    })
}

pub(crate) fn utenza_row(
    tenant_id: &str,
    id: String,
    contribuente_id: &str,
    u: &CreateUtenza,
    created_at: NaiveDateTime,
    now: NaiveDateTime,
) -> UtenzaRow {
    UtenzaRow {
        id,
        tenant_id: tenant_id.to_owned(),
        contribuente_id: contribuente_id.to_owned(),
        code: u.code.clone(),
        kind: u.kind.code().to_owned(),
        address: to_json(&u.address),
        cadastral: u.cadastral.as_ref().map(to_json),
        square_meters: int(u.square_meters),
        occupants: u.occupants.map(int),
        category: u.category.clone(),
        start_date: u.start_date,
        end_date: u.end_date,
        created_at,
        updated_at: now,
    }
}

pub(crate) fn utenza_dto(r: &UtenzaRow) -> ApiResult<Utenza> {
    Ok(Utenza {
        id: r.id.clone(),
        contribuente_id: r.contribuente_id.clone(),
        code: r.code.clone(),
        kind: stored(&r.kind, "utenza kind")?,
        address: stored_json(Some(&r.address), "utenza address")?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("utenza without address")))?,
        cadastral: stored_json::<Cadastral>(r.cadastral.as_deref(), "cadastral data")?,
        square_meters: u32::try_from(r.square_meters).unwrap_or(0),
        occupants: count(r.occupants),
        category: r.category.clone(),
        start_date: r.start_date,
        end_date: r.end_date,
    })
}

/// The rows of a domain act.
#[allow(clippy::too_many_arguments)]
pub(crate) fn act_rows(
    tenant_id: &str,
    id: String,
    contribuente_id: &str,
    utenza_id: Option<String>,
    act: &tax::Act,
    created_at: NaiveDateTime,
    now: NaiveDateTime,
) -> (ActRow, Vec<InstalmentRow>) {
    let instalments = act
        .instalments
        .iter()
        .map(|i| InstalmentRow {
            act_id: id.clone(),
            n: int(i.n),
            tenant_id: tenant_id.to_owned(),
            due_date: i.due_date,
            amount: i.amount.cents(),
        })
        .collect();
    let c = act.components;
    (
        ActRow {
            id,
            tenant_id: tenant_id.to_owned(),
            contribuente_id: contribuente_id.to_owned(),
            utenza_id,
            kind: act.kind.code().to_owned(),
            number: act.number.clone(),
            year: act.year,
            tributo: act.tributo.code().to_owned(),
            issued_on: act.issued_on,
            notified_on: act.notified_on,
            amount_tributo: c.tributo.cents(),
            amount_sanzioni: c.sanzioni.cents(),
            amount_interessi: c.interessi.cents(),
            amount_spese_notifica: c.spese_notifica.cents(),
            status: act.status.code().to_owned(),
            plan_granted_on: act.plan_granted_on,
            created_at,
            updated_at: now,
        },
        instalments,
    )
}

/// The API view of a stored act (`instalments` are its own rows, any order).
pub(crate) fn act_dto(r: &ActRow, instalments: &[InstalmentRow]) -> ApiResult<Act> {
    let mut inst: Vec<ActInstalment> = instalments
        .iter()
        .map(|i| ActInstalment {
            n: u32::try_from(i.n).unwrap_or(0),
            due_date: i.due_date,
            amount: i.amount,
        })
        .collect();
    inst.sort_by_key(|i| (i.due_date, i.n));
    Ok(Act {
        id: r.id.clone(),
        contribuente_id: r.contribuente_id.clone(),
        utenza_id: r.utenza_id.clone(),
        kind: stored(&r.kind, "act kind")?,
        number: r.number.clone(),
        year: r.year,
        tributo: stored(&r.tributo, "tributo")?,
        issued_on: r.issued_on,
        notified_on: r.notified_on,
        components: tax::Components {
            tributo: Money::from_cents(r.amount_tributo),
            sanzioni: Money::from_cents(r.amount_sanzioni),
            interessi: Money::from_cents(r.amount_interessi),
            spese_notifica: Money::from_cents(r.amount_spese_notifica),
        },
        status: stored(&r.status, "act status")?,
        total: inst.iter().map(|i| i.amount).sum(),
        plan_granted_on: r.plan_granted_on,
        instalments: inst,
    })
}

/// The domain act of a stored one, checked for the statement's invariants.
pub(crate) fn domain_act(act: &Act) -> ApiResult<tax::Act> {
    act.to_domain()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored act {}: {e}", act.id)))
}

pub(crate) fn payment_dto(r: &PaymentRow) -> ApiResult<Payment> {
    Ok(Payment {
        id: r.id.clone(),
        act_id: r.act_id.clone(),
        date: r.paid_on,
        amount: r.amount,
        channel: stored(&r.channel, "payment channel")?,
        reference: r.reference.clone(),
        instalment: count(r.instalment),
    })
}

pub(crate) fn adjustment_dto(r: &AdjustmentRow) -> ApiResult<Adjustment> {
    Ok(Adjustment {
        id: r.id.clone(),
        act_id: r.act_id.clone(),
        kind: stored(&r.kind, "adjustment kind")?,
        date: r.effective_on,
        amount: r.amount,
        instalment: count(r.instalment),
        reason: r.reason.clone(),
        operator_id: r.operator_id.clone(),
        created_at: r.created_at.and_utc(),
    })
}

// ---- ledgers -------------------------------------------------------------------------------

/// Acts with everything recorded on them, as the statement and plans need them.
#[derive(Debug, Default)]
pub(crate) struct Book {
    pub acts: Vec<Act>,
    pub domain: Vec<tax::Act>,
    pub payments: Vec<Payment>,
    pub adjustments: Vec<Adjustment>,
    by_act_payments: HashMap<String, Vec<tax::Payment>>,
    by_act_adjustments: HashMap<String, Vec<tax::Adjustment>>,
}

impl Book {
    pub(crate) fn load(c: &mut DbConn, rows: &[ActRow]) -> ApiResult<Self> {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let mut inst: HashMap<String, Vec<InstalmentRow>> = HashMap::new();
        for i in taxpayer::instalments_of(c, &ids)? {
            inst.entry(i.act_id.clone()).or_default().push(i);
        }
        let mut book = Self::default();
        for r in rows {
            let act = act_dto(r, inst.get(&r.id).map_or(&[][..], Vec::as_slice))?;
            book.domain.push(domain_act(&act)?);
            book.acts.push(act);
        }
        for p in taxpayer::payments_of(c, &ids)? {
            let dto = payment_dto(&p)?;
            book.by_act_payments
                .entry(dto.act_id.clone())
                .or_default()
                .push(dto.to_domain());
            book.payments.push(dto);
        }
        for a in taxpayer::adjustments_of(c, &ids)? {
            let dto = adjustment_dto(&a)?;
            book.by_act_adjustments
                .entry(dto.act_id.clone())
                .or_default()
                .push(dto.to_domain());
            book.adjustments.push(dto);
        }
        Ok(book)
    }

    /// The ledger of the `i`-th act.
    pub(crate) fn ledger(&self, i: usize) -> tax::ActLedger<'_> {
        let id = &self.acts[i].id;
        tax::ActLedger {
            act: &self.domain[i],
            payments: self.by_act_payments.get(id).map_or(&[], Vec::as_slice),
            adjustments: self.by_act_adjustments.get(id).map_or(&[], Vec::as_slice),
        }
    }
}

/// An act of the tenant, locked for a write, with its ledger.
pub(crate) fn locked_book(c: &mut DbConn, tenant_id: &str, act_id: &str) -> ApiResult<Book> {
    let row = taxpayer::lock_act(c, tenant_id, act_id)?.ok_or(ApiError::NotFound)?;
    Book::load(c, &[row])
}
