//! Instalment plans (rateizzazione). The citizen sees the proposal for one of their acts;
//! a rateizzazione request carries it (the act by `numero_avviso`, the number of monthly
//! instalments by `numero_rate`); resolving that request applies the plan to the act.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::api::{PlanProposal, PlanRequestStatus, PlanRequestView};
use domain::calendar::rome_date;
use domain::error::{DomainError, FieldError, Lang};
use domain::tax::{self, EntitlementFacts, plan};
use domain::types::Money;
use serde::Deserialize;
use serde_json::Value;

use super::{Book, act_rows, audit, locked_book, settings, stored_json};
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{ActRow, PlanRequestRow, RequestRow};
use crate::db::repo::taxpayer;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// `GET /me/acts/{id}/plan` query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PlanQuery {
    /// Monthly instalments wanted (default: the most the amount allows).
    pub instalments: Option<u32>,
    /// The citizen receives a bonus sociale (electricity, gas, water).
    pub bonus_sociale: Option<bool>,
    /// The household's ISEE, in cents (economic hardship as the tenant defines it).
    pub isee: Option<i64>,
}

/// The offer for one act of a contribuente, asked on `on`.
fn offer_for(
    c: &mut DbConn,
    tenant_id: &str,
    act: &ActRow,
    count: Option<u32>,
    bonus_sociale: bool,
    isee: Option<i64>,
    on: NaiveDate,
) -> ApiResult<(tax::PlanOffer, Book)> {
    let rules = settings::rules(c, tenant_id)?;
    let book = Book::load(c, std::slice::from_ref(act))?;
    let previous: Vec<(i32, Money)> = taxpayer::ordinary_totals(c, &act.contribuente_id)?
        .into_iter()
        .map(|(y, cents)| (y, Money::from_cents(cents)))
        .collect();
    let facts = EntitlementFacts {
        bonus_sociale,
        isee: isee.map(Money::from_cents),
        previous_ordinary: &previous,
    };
    let count = if let Some(n) = count {
        n
    } else {
        let base = plan::plan_base(book.ledger(0), on, &rules)?;
        let (_, max) = rules
            .instalments
            .allowed(base.debt)
            .map_err(DomainError::from)?;
        max
    };
    let offer = plan::offer(
        book.ledger(0),
        on,
        count,
        plan::first_due_after(on),
        facts,
        &rules,
    )?;
    Ok((offer, book))
}

pub fn propose_mine(
    state: &AppState,
    user: &AuthUser,
    act_id: &str,
    q: &PlanQuery,
    lang: Lang,
) -> ApiResult<PlanProposal> {
    if q.isee.is_some_and(|i| i < 0) {
        return Err(ApiError::invalid(
            "isee",
            "L'ISEE non può essere negativo",
            "The ISEE cannot be negative",
        ));
    }
    let today = rome_date(Utc::now());
    state.db.read(|c| {
        let mine = taxpayer::contribuente_of_citizen(c, user.tenant_id(), &user.user_id)?
            .ok_or(ApiError::NotFound)?;
        // Only the acts of the citizen's own codice fiscale.
        let act = taxpayer::find_act(c, user.tenant_id(), act_id)?
            .filter(|a| a.contribuente_id == mine.id)
            .ok_or(ApiError::NotFound)?;
        let (offer, _) = offer_for(
            c,
            user.tenant_id(),
            &act,
            q.instalments,
            q.bonus_sociale.unwrap_or(false),
            q.isee,
            today,
        )?;
        Ok::<_, ApiError>(PlanProposal::from_offer(act.id, &offer, lang))
    })
}

/// A text or number form value, trimmed.
fn field_text(fields: &BTreeMap<String, Value>, name: &str) -> Option<String> {
    match fields.get(name)? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn in_fields(e: DomainError) -> ApiError {
    let errors = e
        .field_errors()
        .iter()
        .map(|fe| {
            let field = match fe.field.as_ref() {
                "act" => "fields.numero_avviso",
                _ => "fields.numero_rate",
            };
            fe.clone().at(field)
        })
        .collect::<Vec<FieldError>>();
    if errors.is_empty() {
        e.into()
    } else {
        ApiError::Domain(DomainError::Validation(errors))
    }
}

/// Filing a rateizzazione request: when the citizen has a contribuente, `numero_avviso`
/// names one of their acts and the plan for `numero_rate` instalments is stored with the
/// request. A plan that cannot be offered refuses the filing, naming why.
pub fn attach(
    c: &mut DbConn,
    tenant_id: &str,
    request: &RequestRow,
    fields: &BTreeMap<String, Value>,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let Some(citizen) = &request.citizen_id else {
        return Ok(());
    };
    let Some(owner) = taxpayer::contribuente_of_citizen(c, tenant_id, citizen)? else {
        // No account imported for this citizen: the office handles the request by hand.
        return Ok(());
    };
    let wanted = field_text(fields, "numero_avviso").unwrap_or_default();
    let acts = taxpayer::acts_of(c, &owner.id)?;
    let mut matching: Vec<&ActRow> = acts
        .iter()
        .filter(|a| a.id == wanted || a.number == wanted)
        .collect();
    if matching.len() > 1 {
        matching.retain(|a| a.status == tax::ActStatus::Active.code());
    }
    let act = match matching.as_slice() {
        [one] => *one,
        [] => {
            return Err(ApiError::invalid(
                "fields.numero_avviso",
                "Nessun atto con questo numero tra quelli intestati a te",
                "No act with this number among yours",
            ));
        }
        _ => {
            return Err(ApiError::invalid(
                "fields.numero_avviso",
                "Più atti hanno questo numero: scegli l'atto dall'elenco della tua posizione",
                "Several acts have this number: pick the act from your account",
            ));
        }
    };
    let count = field_text(fields, "numero_rate")
        .and_then(|n| n.parse::<f64>().ok())
        .filter(|n| n.fract() == 0.0 && (1.0..=1000.0).contains(n))
        .map(|n| n as u32)
        .ok_or_else(|| {
            ApiError::invalid(
                "fields.numero_rate",
                "Indicare un numero intero di rate",
                "Give a whole number of instalments",
            )
        })?;
    let bonus = field_text(fields, "motivo").is_some_and(|m| m == "bonus_sociale");
    let (offer, _) = offer_for(c, tenant_id, act, Some(count), bonus, None, rome_date(now))
        .map_err(|e| match e {
            ApiError::Domain(d) => in_fields(d),
            other => other,
        })?;
    let proposal = PlanProposal::from_offer(act.id.clone(), &offer, Lang::It);
    taxpayer::insert_plan_request(
        c,
        &PlanRequestRow {
            request_id: request.id.clone(),
            tenant_id: tenant_id.to_owned(),
            act_id: act.id.clone(),
            status: PlanRequestStatus::Proposed.code().to_owned(),
            proposal: serde_json::to_string(&proposal).map_err(|e| ApiError::Internal(e.into()))?,
            created_at: now.naive_utc(),
            granted_at: None,
            granted_by: None,
        },
    )?;
    Ok(())
}

fn domain_proposal(p: &PlanProposal) -> tax::PlanProposal {
    tax::PlanProposal {
        on: p.starts_on,
        debt: Money::from_cents(p.debt),
        min_instalments: p.min_instalments,
        max_instalments: p.max_instalments,
        instalments: p
            .instalments
            .iter()
            .map(|i| tax::PlanInstalment {
                n: i.n,
                due_date: i.due_date,
                capital: Money::from_cents(i.capital),
                interest: Money::from_cents(i.interest),
                amount: Money::from_cents(i.amount),
            })
            .collect(),
        interest: Money::from_cents(p.plan_interest),
        total: Money::from_cents(p.total),
    }
}

/// Resolving a rateizzazione request that carries a plan grants it: the act's instalments
/// become the plan's and the act is `rateizzato`, in the resolution's transaction. When
/// what is owed changed since the proposal (a payment, an adjustment) it is refused.
pub fn grant_on_resolve(
    c: &mut DbConn,
    user: &AuthUser,
    request: &RequestRow,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    let Some(plan) = taxpayer::find_plan_request(c, user.tenant_id(), &request.id)? else {
        return Ok(());
    };
    if PlanRequestStatus::parse(&plan.status) != Some(PlanRequestStatus::Proposed) {
        return Ok(());
    }
    let proposal: PlanProposal = stored_json(Some(&plan.proposal), "plan proposal")?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("empty plan proposal")))?;
    let book = locked_book(c, user.tenant_id(), &plan.act_id)?;
    let rules = settings::rules(c, user.tenant_id())?;
    let granted = plan::apply_plan(book.ledger(0), &domain_proposal(&proposal), &rules)?;
    let before = &book.acts[0];
    let (_, instalments) = act_rows(
        user.tenant_id(),
        before.id.clone(),
        &before.contribuente_id,
        before.utenza_id.clone(),
        &granted,
        now.naive_utc(),
        now.naive_utc(),
    );
    taxpayer::apply_plan(
        c,
        &before.id,
        proposal.starts_on,
        &instalments,
        now.naive_utc(),
    )?;
    if !taxpayer::grant_plan_request(c, &request.id, &user.user_id, now.naive_utc())? {
        return Err(ApiError::conflict(
            "La rateizzazione è già stata concessa",
            "The instalment plan was already granted",
        ));
    }
    crate::services::pagopa::notices::sync(
        c,
        user.tenant_id(),
        std::slice::from_ref(&before.id),
        now.naive_utc(),
    )?;
    let stored = taxpayer::find_act(c, user.tenant_id(), &before.id)?.ok_or(ApiError::NotFound)?;
    let after = super::act_dto(&stored, &instalments)?;
    audit(user, "act.plan_grant", "act", &before.id).record(
        c,
        Some(&serde_json::json!({"status": before.status, "instalments": before.instalments})),
        Some(&serde_json::json!({
            "status": after.status, "plan_granted_on": after.plan_granted_on,
            "instalments": after.instalments, "request_id": request.id,
        })),
    )?;
    Ok(())
}

/// The plan a request carries, for its citizen and the office.
pub fn view(state: &AppState, user: &AuthUser, request_id: &str) -> ApiResult<PlanRequestView> {
    // Visible exactly when the request is.
    crate::services::desk::get(state, user, request_id)?;
    state.db.read(|c| {
        let row = taxpayer::find_plan_request(c, user.tenant_id(), request_id)?
            .ok_or(ApiError::NotFound)?;
        Ok::<_, ApiError>(PlanRequestView {
            request_id: row.request_id,
            act_id: row.act_id,
            status: PlanRequestStatus::parse(&row.status).ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("stored plan status {}", row.status))
            })?,
            proposal: stored_json(Some(&row.proposal), "plan proposal")?
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("empty plan proposal")))?,
            granted_at: row.granted_at.map(|t| t.and_utc()),
        })
    })
}
