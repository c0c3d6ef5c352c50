//! Contribuenti and their utenze: the desk creates and finds them; a contribuente is
//! linked to the citizen account with the same codice fiscale when either is approved or
//! created later.

use chrono::Utc;
use domain::api::{
    Contribuente, ContribuenteDetail, CreateContribuente, CreateUtenza, Page, Utenza,
};

use super::{Book, audit, contribuente_dto, contribuente_row, utenza_dto, utenza_row};
use crate::auth::AuthUser;
use crate::db::repo::{new_id, taxpayer};
use crate::db::{DbConn, is_unique_violation};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn unique_or(e: diesel::result::Error, it: &'static str, en: &'static str) -> ApiError {
    if is_unique_violation(&e) {
        ApiError::conflict(it, en)
    } else {
        e.into()
    }
}

pub fn create(
    state: &AppState,
    user: &AuthUser,
    body: &CreateContribuente,
) -> ApiResult<Contribuente> {
    user.require_staff()?;
    let c = body.normalized()?;
    let now = Utc::now().naive_utc();
    state.db.write_tx(|conn| {
        let citizen = taxpayer::approved_citizens(
            conn,
            user.tenant_id(),
            std::slice::from_ref(&c.fiscal_code),
        )?
        .into_iter()
        .next()
        .map(|(_, id)| id);
        let row = contribuente_row(user.tenant_id(), new_id(), &c, citizen, now, now);
        taxpayer::insert_contribuenti(conn, std::slice::from_ref(&row)).map_err(|e| {
            unique_or(
                e,
                "Esiste già un contribuente con questo codice fiscale",
                "A contribuente with this tax code already exists",
            )
        })?;
        let dto = contribuente_dto(&row)?;
        audit(user, "contribuente.create", "contribuente", &row.id).record(
            conn,
            None::<&()>,
            Some(&dto),
        )?;
        Ok::<_, ApiError>(dto)
    })
}

pub fn search(
    state: &AppState,
    user: &AuthUser,
    q: Option<&str>,
    limit: i64,
    cursor: Option<&str>,
) -> ApiResult<Page<Contribuente>> {
    user.require_staff()?;
    if q.is_some_and(|q| q.chars().count() > 100) {
        return Err(ApiError::invalid(
            "q",
            "Al massimo 100 caratteri",
            "At most 100 characters",
        ));
    }
    state.db.read(|c| {
        let rows = taxpayer::search_contribuenti(c, user.tenant_id(), q, cursor, limit + 1)?;
        let more = rows.len() as i64 > limit;
        let items = rows
            .iter()
            .take(usize::try_from(limit).unwrap_or(50))
            .map(contribuente_dto)
            .collect::<ApiResult<Vec<_>>>()?;
        let next_cursor = more.then(|| items.last().map(|c| c.id.clone())).flatten();
        Ok::<_, ApiError>(Page { items, next_cursor })
    })
}

/// The contribuente's file: utenze, acts, payments and adjustments.
pub fn detail(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<ContribuenteDetail> {
    user.require_staff()?;
    state.db.read(|c| {
        let row =
            taxpayer::find_contribuente(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let utenze = taxpayer::utenze_of(c, &row.id)?
            .iter()
            .map(utenza_dto)
            .collect::<ApiResult<Vec<_>>>()?;
        let acts = taxpayer::acts_of(c, &row.id)?;
        let book = Book::load(c, &acts)?;
        Ok::<_, ApiError>(ContribuenteDetail {
            contribuente: contribuente_dto(&row)?,
            utenze,
            acts: book.acts,
            payments: book.payments,
            adjustments: book.adjustments,
        })
    })
}

pub fn create_utenza(state: &AppState, user: &AuthUser, body: &CreateUtenza) -> ApiResult<Utenza> {
    user.require_staff()?;
    let u = body.normalized()?;
    let now = Utc::now().naive_utc();
    state.db.write_tx(|c| {
        if taxpayer::find_contribuente(c, user.tenant_id(), &u.contribuente_id)?.is_none() {
            return Err(ApiError::invalid(
                "contribuente_id",
                "Contribuente non trovato",
                "Contribuente not found",
            ));
        }
        let row = utenza_row(user.tenant_id(), new_id(), &u.contribuente_id, &u, now, now);
        taxpayer::insert_utenze(c, std::slice::from_ref(&row)).map_err(|e| {
            unique_or(
                e,
                "Esiste già un'utenza con questo codice",
                "An utenza with this code already exists",
            )
        })?;
        let dto = utenza_dto(&row)?;
        audit(user, "utenza.create", "utenza", &row.id).record(c, None::<&()>, Some(&dto))?;
        Ok(dto)
    })
}

/// A citizen account with this codice fiscale was approved (or created approved): its
/// contribuente, if the Comune already has one, is linked to it.
pub fn link_citizen(
    c: &mut DbConn,
    tenant_id: &str,
    fiscal_code: Option<&str>,
    citizen_id: &str,
) -> ApiResult<()> {
    if let Some(cf) = fiscal_code {
        taxpayer::link_citizen(c, tenant_id, cf, citizen_id)?;
    }
    Ok(())
}
