//! Acts, payments and adjustments recorded by the desk. Each write locks the act (on
//! PostgreSQL) and checks the new entry against everything already recorded on it.

use chrono::Utc;
use domain::api::{Act, Adjustment, CreateAct, CreateAdjustment, CreatePayment, Payment};
use domain::calendar::rome_date;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{act_dto, act_rows, adjustment_dto, audit, int, locked_book, payment_dto};
use crate::auth::AuthUser;
use crate::db::models::{AdjustmentRow, IdempotencyRow, PaymentRow};
use crate::db::repo::{new_id, requests, taxpayer};
use crate::db::{DbConn, is_unique_violation};
use crate::error::{ApiError, ApiResult};
use crate::services::pagopa::notices;
use crate::state::AppState;
use crate::upload::hex_digest;

/// Runs a creating write once per `Idempotency-Key`: the same key with the same body
/// answers what the first call stored; with another body it is refused.
fn once<B: Serialize, T: Serialize + DeserializeOwned>(
    state: &AppState,
    user: &AuthUser,
    key: Option<&str>,
    body: &B,
    f: impl Fn(&mut DbConn) -> ApiResult<T>,
) -> ApiResult<T> {
    if let Some(k) = key
        && (k.is_empty() || k.len() > 200)
    {
        return Err(ApiError::bad_request(
            "Idempotency-Key deve avere da 1 a 200 caratteri",
            "Idempotency-Key must have 1 to 200 characters",
        ));
    }
    let hash = hex_digest(serde_json::to_string(body).unwrap_or_default().as_bytes());
    let replay = |row: IdempotencyRow| -> ApiResult<T> {
        if row.request_hash != hash {
            return Err(ApiError::invalid(
                "Idempotency-Key",
                "Questa chiave è già stata usata per una richiesta diversa",
                "This key was already used for a different request",
            ));
        }
        serde_json::from_str(&row.response_body).map_err(|e| ApiError::Internal(e.into()))
    };
    let result = state.db.write_tx(|c| {
        if let Some(k) = key
            && let Some(done) = requests::find_idempotency(c, user.tenant_id(), &user.user_id, k)?
        {
            return replay(done);
        }
        let out = f(c)?;
        if let Some(k) = key {
            requests::insert_idempotency(
                c,
                &IdempotencyRow {
                    tenant_id: user.tenant_id().to_owned(),
                    user_id: user.user_id.clone(),
                    key: k.to_owned(),
                    request_hash: hash.clone(),
                    status_code: 201,
                    response_body: serde_json::to_string(&out)
                        .map_err(|e| ApiError::Internal(e.into()))?,
                    created_at: Utc::now().naive_utc(),
                },
            )?;
        }
        Ok(out)
    });
    match (result, key) {
        // Two calls with the same key at once: the loser answers what the winner stored.
        (Err(ApiError::Internal(e)), Some(k))
            if e.downcast_ref::<diesel::result::Error>()
                .is_some_and(is_unique_violation) =>
        {
            let done = state
                .db
                .read(|c| requests::find_idempotency(c, user.tenant_id(), &user.user_id, k))?
                .ok_or(ApiError::Unavailable)?;
            replay(done)
        }
        (other, _) => other,
    }
}

pub fn create(
    state: &AppState,
    user: &AuthUser,
    body: &CreateAct,
    key: Option<&str>,
) -> ApiResult<Act> {
    user.require_staff()?;
    let act = body.to_domain()?;
    let now = Utc::now().naive_utc();
    once(state, user, key, body, |c| {
        let Some(owner) = taxpayer::find_contribuente(c, user.tenant_id(), &body.contribuente_id)?
        else {
            return Err(ApiError::invalid(
                "contribuente_id",
                "Contribuente non trovato",
                "Contribuente not found",
            ));
        };
        if let Some(u) = &body.utenza_id {
            let utenza = taxpayer::find_utenza(c, user.tenant_id(), u)?;
            if utenza.is_none_or(|u| u.contribuente_id != owner.id) {
                return Err(ApiError::invalid(
                    "utenza_id",
                    "Utenza non trovata tra quelle del contribuente",
                    "Utenza not found among the contribuente's",
                ));
            }
        }
        let (row, instalments) = act_rows(
            user.tenant_id(),
            new_id(),
            &owner.id,
            body.utenza_id.clone(),
            &act,
            now,
            now,
        );
        taxpayer::insert_acts(c, std::slice::from_ref(&row), &instalments).map_err(|e| {
            if is_unique_violation(&e) {
                ApiError::conflict(
                    "Esiste già un atto con questo tipo, tributo, anno e numero",
                    "An act with this kind, tax, year and number already exists",
                )
            } else {
                e.into()
            }
        })?;
        notices::sync(c, user.tenant_id(), std::slice::from_ref(&row.id), now)?;
        let dto = act_dto(&row, &instalments)?;
        audit(user, "act.create", "act", &row.id).record(c, None::<&()>, Some(&dto))?;
        Ok(dto)
    })
}

pub fn get(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<Act> {
    user.require_staff()?;
    state.db.read(|c| {
        let row = taxpayer::find_act(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let inst = taxpayer::instalments_of(c, std::slice::from_ref(&row.id))?;
        act_dto(&row, &inst)
    })
}

pub fn create_payment(
    state: &AppState,
    user: &AuthUser,
    body: &CreatePayment,
    key: Option<&str>,
) -> ApiResult<Payment> {
    user.require_staff()?;
    let now = Utc::now();
    once(state, user, key, body, |c| {
        let book = match super::locked_book(c, user.tenant_id(), &body.act_id) {
            Err(ApiError::NotFound) => {
                return Err(ApiError::invalid(
                    "act_id",
                    "Atto non trovato",
                    "Act not found",
                ));
            }
            other => other?,
        };
        let payment = body.to_domain(&book.domain[0], rome_date(now))?;
        let row = PaymentRow {
            id: new_id(),
            tenant_id: user.tenant_id().to_owned(),
            act_id: book.acts[0].id.clone(),
            paid_on: payment.date,
            amount: payment.amount.cents(),
            channel: payment.channel.code().to_owned(),
            reference: payment.reference.clone(),
            instalment: payment.instalment.map(int),
            external_key: None,
            created_by: Some(user.user_id.clone()),
            created_at: now.naive_utc(),
        };
        taxpayer::insert_payments(c, std::slice::from_ref(&row))?;
        notices::sync(
            c,
            user.tenant_id(),
            std::slice::from_ref(&row.act_id),
            now.naive_utc(),
        )?;
        let dto = payment_dto(&row)?;
        audit(user, "payment.create", "payment", &row.id).record(c, None::<&()>, Some(&dto))?;
        Ok(dto)
    })
}

pub fn create_adjustment(
    state: &AppState,
    user: &AuthUser,
    act_id: &str,
    body: &CreateAdjustment,
    key: Option<&str>,
) -> ApiResult<Adjustment> {
    user.require_staff()?;
    let now = Utc::now();
    once(state, user, key, &(act_id, body), |c| {
        let book = locked_book(c, user.tenant_id(), act_id)?;
        let (adj, status) = body.to_domain(book.ledger(0), rome_date(now))?;
        let act = &book.acts[0];
        let row = AdjustmentRow {
            id: new_id(),
            tenant_id: user.tenant_id().to_owned(),
            act_id: act.id.clone(),
            kind: adj.kind.code().to_owned(),
            effective_on: adj.date,
            amount: adj.amount.cents(),
            instalment: adj.instalment.map(int),
            reason: adj.reason.clone(),
            operator_id: user.user_id.clone(),
            created_at: now.naive_utc(),
        };
        taxpayer::insert_adjustment(c, &row)?;
        if status != act.status {
            taxpayer::set_act_status(c, &act.id, status.code(), now.naive_utc())?;
        }
        notices::sync(
            c,
            user.tenant_id(),
            std::slice::from_ref(&act.id),
            now.naive_utc(),
        )?;
        let dto = adjustment_dto(&row)?;
        audit(user, "act.adjust", "act", &act.id).record(
            c,
            Some(&serde_json::json!({"status": act.status})),
            Some(&serde_json::json!({"status": status, "adjustment": dto})),
        )?;
        Ok(dto)
    })
}
