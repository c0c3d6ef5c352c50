//! The estratto conto of a contribuente as of a day, in JSON or PDF, and what a citizen
//! sees of their own account.

use chrono::{NaiveDate, Utc};
use domain::api::{Act, ContribuenteSummary, Payment, Statement, StatementItem, Utenza};
use domain::calendar::rome_date;

use super::{Book, contribuente_dto, settings, utenza_dto};
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::ContribuenteRow;
use crate::db::repo::taxpayer;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The statement of one contribuente from its rows.
fn compute(
    c: &mut DbConn,
    tenant_id: &str,
    row: &ContribuenteRow,
    as_of: NaiveDate,
) -> ApiResult<Statement> {
    let rules = settings::rules(c, tenant_id)?;
    let acts = taxpayer::acts_of(c, &row.id)?;
    let book = Book::load(c, &acts)?;
    let items: Vec<StatementItem<'_>> = (0..book.acts.len())
        .map(|i| StatementItem {
            id: &book.acts[i].id,
            ledger: book.ledger(i),
        })
        .collect();
    let who = ContribuenteSummary::from(&contribuente_dto(row)?);
    Ok(Statement::compute(as_of, who, &items, &rules)?)
}

fn check_as_of(as_of: Option<NaiveDate>) -> ApiResult<NaiveDate> {
    let day = as_of.unwrap_or_else(|| rome_date(Utc::now()));
    let year = chrono::Datelike::year(&day);
    if !(1990..=2100).contains(&year) {
        return Err(ApiError::invalid(
            "as_of",
            "Data non valida (anni dal 1990 al 2100)",
            "Invalid date (years 1990 to 2100)",
        ));
    }
    Ok(day)
}

pub fn of_contribuente(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    as_of: Option<NaiveDate>,
) -> ApiResult<Statement> {
    user.require_staff()?;
    let as_of = check_as_of(as_of)?;
    state.db.read(|c| {
        let row =
            taxpayer::find_contribuente(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        compute(c, user.tenant_id(), &row, as_of)
    })
}

fn no_account() -> ApiError {
    ApiError::NotFound
}

/// The contribuente linked to the caller's account.
fn mine(c: &mut DbConn, user: &AuthUser) -> ApiResult<Option<ContribuenteRow>> {
    Ok(taxpayer::contribuente_of_citizen(
        c,
        user.tenant_id(),
        &user.user_id,
    )?)
}

pub fn of_me(state: &AppState, user: &AuthUser, as_of: Option<NaiveDate>) -> ApiResult<Statement> {
    let as_of = check_as_of(as_of)?;
    state.db.read(|c| {
        let row = mine(c, user)?.ok_or_else(no_account)?;
        compute(c, user.tenant_id(), &row, as_of)
    })
}

/// The statement and the tenant's name, for the PDF.
pub fn pdf(
    state: &AppState,
    user: &AuthUser,
    contribuente: Option<&str>,
    as_of: Option<NaiveDate>,
) -> ApiResult<Vec<u8>> {
    let statement = match contribuente {
        Some(id) => of_contribuente(state, user, id, as_of)?,
        None => of_me(state, user, as_of)?,
    };
    Ok(super::pdf::statement(
        &user.tenant.name,
        &statement,
        Utc::now(),
    ))
}

pub fn my_utenze(state: &AppState, user: &AuthUser) -> ApiResult<Vec<Utenza>> {
    state.db.read(|c| {
        let Some(row) = mine(c, user)? else {
            return Ok(Vec::new());
        };
        taxpayer::utenze_of(c, &row.id)?
            .iter()
            .map(utenza_dto)
            .collect()
    })
}

fn my_book(c: &mut DbConn, user: &AuthUser) -> ApiResult<Book> {
    let Some(row) = mine(c, user)? else {
        return Ok(Book::default());
    };
    let acts = taxpayer::acts_of(c, &row.id)?;
    Book::load(c, &acts)
}

pub fn my_acts(state: &AppState, user: &AuthUser) -> ApiResult<Vec<Act>> {
    state.db.read(|c| Ok::<_, ApiError>(my_book(c, user)?.acts))
}

pub fn my_payments(state: &AppState, user: &AuthUser) -> ApiResult<Vec<Payment>> {
    state
        .db
        .read(|c| Ok::<_, ApiError>(my_book(c, user)?.payments))
}
