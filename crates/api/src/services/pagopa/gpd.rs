//! pagoPA GPD (Gestione Posizioni Debitorie, `debt-positions-service/v1`): one debt
//! position per act, iupd `SPT-<act id>`, one payment option per unpaid notice with a
//! transfer to the tenant's IBAN and, for TARI when a Provincia is set, a second one with
//! its TEFA (`domain::pagopa::transfers`). Jobs (`gpd_jobs`, written with the notices' change) create
//! and publish it, update it, or invalidate it; a retry after a crash between the call and
//! the commit meets 409 on create, which is success, so no second position appears.
//! Receipts are read by polling each open position and applied once (unique receipt id and
//! payment key), whichever node polls. Calls go through the egress policy's client and are
//! logged with their request id; failures are kept as categories, never the remote's words.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use domain::pagopa::NoticeStatus;
use domain::pagopa::transfers::{Beneficiary, TefaBeneficiary, Transfer, split};
use domain::tax::{Components, Tributo};
use domain::types::Money;
use serde::Deserialize;
use serde_json::json;

use super::{notices, settings};
use crate::db::is_unique_violation;
use crate::db::models::{ActRow, GpdJobRow, GpdPositionRow, NoticeRow, PaymentRow, ReceiptRow};
use crate::db::repo::{new_id, pagopa, taxpayer};
use crate::error::{ApiError, ApiResult, blocking};
use crate::services::account;
use crate::state::AppState;

type State = actix_web::web::Data<AppState>;

/// TARI's taxonomy code (9/<ente type><service>IM/; italy-standards.md §A4 marks it
/// UNVERIFIED: check with the ente's pagoPA partner before going live).
pub const TARI_CATEGORY: &str = "9/0101101IM/";
/// The TEFA transfer's taxonomy code, paid to the Provincia (also UNVERIFIED: the
/// Provincia's pagoPA partner confirms it).
pub const TEFA_CATEGORY: &str = "9/0201133IM/";

pub fn iupd(act_id: &str) -> String {
    format!("SPT-{act_id}")
}

/// What a GPD call came to.
#[derive(Debug)]
enum Outcome {
    Done,
    /// Worth retrying later (network, 429, 5xx).
    Retry(String),
    /// Will not get better by retrying (refused, misconfigured).
    Refused(String),
}

/// Everything a job needs, read in one transaction.
struct Plan {
    base: String,
    key: String,
    creditor: String,
    iupd: String,
    created: bool,
    invalidated: bool,
    body: Option<serde_json::Value>,
}

fn load_plan(state: &AppState, job: &GpdJobRow) -> ApiResult<Option<Plan>> {
    state.db.read(|c| {
        let stored = settings::load(c, &job.tenant_id)?;
        let (Some(base), Some(key)) = (stored.config.gpd_url.clone(), stored.gpd_key(&state.secret_key)?) else {
            return Ok::<_, ApiError>(None);
        };
        let Some(act) = taxpayer::find_act(c, &job.tenant_id, &job.act_id)? else {
            return Ok(None);
        };
        let owner = taxpayer::find_contribuente(c, &job.tenant_id, &act.contribuente_id)?
            .ok_or(ApiError::NotFound)?;
        let owner = crate::services::account::contribuente_dto(&owner)?;
        let rows = pagopa::notices_of(c, std::slice::from_ref(&act.id))?;
        let views = notices::views(c, &rows, domain::calendar::rome_date(Utc::now()))?;
        let tenant = crate::db::repo::tenants::find(c, &job.tenant_id)?;
        let creditor = rows
            .first()
            .map(|r| r.creditor_fiscal_code.clone())
            .or_else(|| stored.config.creditor_fiscal_code.as_ref().map(|c| c.as_str().to_owned()))
            .unwrap_or_default();
        let iban = stored.config.iban.as_ref().map(|i| i.as_str().to_owned());
        let tefa = stored.config.tefa();
        let description = format!("{} {} n. {}", act.tributo.to_uppercase(), act.year, act.number);
        let description: String = description.chars().take(140).collect();
        let options: Vec<serde_json::Value> = views
            .iter()
            .filter(|v| v.status == NoticeStatus::Unpaid)
            .map(|v| {
                let text: String = format!("{description} rata {}", v.instalment).chars().take(140).collect();
                let transfer: Vec<serde_json::Value> = transfers_of(&act, v.amount, tefa.as_ref())?
                    .into_iter()
                    .map(|t| {
                        let (cf, iban, category) = match (t.beneficiary, &tefa) {
                            (Beneficiary::Tefa, Some(p)) => {
                                (p.fiscal_code.as_str().to_owned(), Some(p.iban.as_str().to_owned()), TEFA_CATEGORY)
                            }
                            _ => (creditor.clone(), iban.clone(), TARI_CATEGORY),
                        };
                        json!({
                            "idTransfer": t.index.to_string(), "amount": t.amount,
                            "organizationFiscalCode": cf,
                            "remittanceInformation": text,
                            "category": category, "iban": iban,
                        })
                    })
                    .collect();
                Ok(json!({
                    "iuv": v.iuv, "amount": v.amount, "description": text,
                    "isPartialPayment": false,
                    "dueDate": format!("{}T23:59:59Z", v.due_date),
                    "transfer": transfer,
                }))
            })
            .collect::<ApiResult<_>>()?;
        let position = pagopa::position(c, &act.id)?;
        let body = (!options.is_empty()).then(|| {
            json!({
                "iupd": iupd(&act.id), "type": if owner.denominazione.is_some() { "G" } else { "F" },
                "fiscalCode": owner.fiscal_code,
                "fullName": owner.display_name().chars().take(140).collect::<String>(),
                "companyName": tenant.name.chars().take(140).collect::<String>(),
                "switchToExpired": false, "validityDate": null,
                "paymentOption": options,
            })
        });
        Ok(Some(Plan {
            base: base.trim_end_matches('/').to_owned(),
            key,
            creditor,
            iupd: iupd(&act.id),
            created: position.is_some(),
            invalidated: position.is_some_and(|p| p.invalidated),
            body,
        }))
    })
}

/// The transfers of a payment of `amount` on this act (the TEFA split when it applies):
/// what the position asks for, and what the flows report back per transfer index.
pub(crate) fn transfers_of(
    act: &ActRow,
    amount: i64,
    tefa: Option<&TefaBeneficiary>,
) -> ApiResult<Vec<Transfer>> {
    let tributo: Tributo = account::stored(&act.tributo, "tributo")?;
    let components = Components {
        tributo: Money::from_cents(act.amount_tributo),
        sanzioni: Money::from_cents(act.amount_sanzioni),
        interessi: Money::from_cents(act.amount_interessi),
        spese_notifica: Money::from_cents(act.amount_spese_notifica),
    };
    Ok(split(amount, tributo, &components, tefa))
}

fn classify(status: reqwest::StatusCode) -> Outcome {
    let code = status.as_u16();
    let what = format!("GPD: HTTP {code}");
    if code == 429 || status.is_server_error() {
        Outcome::Retry(what)
    } else {
        Outcome::Refused(what)
    }
}

async fn call(
    state: &AppState,
    method: reqwest::Method,
    url: &str,
    key: &str,
    body: Option<&serde_json::Value>,
) -> Result<reqwest::Response, Outcome> {
    let url = state
        .egress
        .check_url(url)
        .map_err(|r| Outcome::Refused(format!("GPD: {r}")))?;
    let request_id = new_id();
    let mut req = state
        .egress
        .client()
        .request(method.clone(), url.clone())
        .header("Ocp-Apim-Subscription-Key", key)
        .header("X-Request-Id", &request_id);
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().await;
    match &res {
        Ok(r) => {
            tracing::info!(integration = "gpd", %method, path = url.path(), request_id, status = r.status().as_u16(), "GPD call");
        }
        Err(e) => {
            tracing::warn!(integration = "gpd", %method, path = url.path(), request_id, error = %e, "GPD call failed");
        }
    }
    res.map_err(|e| {
        if let Some(r) = crate::egress::refusal_in(&e) {
            Outcome::Refused(format!("GPD: {r}"))
        } else if e.is_timeout() {
            Outcome::Retry("GPD: timed out".into())
        } else {
            Outcome::Retry("GPD: could not connect".into())
        }
    })
}

async fn run(state: &State, job: &GpdJobRow) -> ApiResult<Outcome> {
    let (st, j) = (state.clone(), job.clone());
    let Some(plan) = blocking(move || load_plan(&st, &j)).await? else {
        return Ok(Outcome::Done);
    };
    let positions = format!(
        "{}/organizations/{}/debtpositions",
        plan.base, plan.creditor
    );
    let record = |invalidated: bool| {
        let st = state.clone();
        let row = GpdPositionRow {
            act_id: job.act_id.clone(),
            tenant_id: job.tenant_id.clone(),
            iupd: plan.iupd.clone(),
            invalidated,
            updated_at: Utc::now().naive_utc(),
        };
        blocking(move || st.db.write_tx(|c| pagopa::save_position(c, &row)))
    };
    let outcome = match (&plan.body, plan.created) {
        (None, false) => Outcome::Done,
        (None, true) if plan.invalidated => Outcome::Done,
        (None, true) => {
            let url = format!("{positions}/{}/invalidate", plan.iupd);
            match call(state, reqwest::Method::POST, &url, &plan.key, None).await {
                // 409: already invalid, paid or expired: nothing left to withdraw.
                Ok(r) if r.status().is_success() || r.status() == 409 => {
                    record(true).await?;
                    Outcome::Done
                }
                Ok(r) => classify(r.status()),
                Err(o) => o,
            }
        }
        (Some(body), false) => {
            let url = format!("{positions}?toPublish=true");
            match call(state, reqwest::Method::POST, &url, &plan.key, Some(body)).await {
                Ok(r) if r.status().is_success() => {
                    record(false).await?;
                    Outcome::Done
                }
                // Created by an earlier attempt whose commit was lost: bring it up to date.
                Ok(r) if r.status() == 409 => {
                    record(false).await?;
                    let url = format!("{positions}/{}", plan.iupd);
                    match call(state, reqwest::Method::PUT, &url, &plan.key, Some(body)).await {
                        Ok(r) if r.status().is_success() || r.status() == 409 => Outcome::Done,
                        Ok(r) => classify(r.status()),
                        Err(o) => o,
                    }
                }
                Ok(r) => classify(r.status()),
                Err(o) => o,
            }
        }
        (Some(body), true) => {
            let url = format!("{positions}/{}", plan.iupd);
            match call(state, reqwest::Method::PUT, &url, &plan.key, Some(body)).await {
                Ok(r) if r.status().is_success() => Outcome::Done,
                // Partly paid positions cannot change on GPD: what was paid stays paid.
                Ok(r) if r.status() == 409 => Outcome::Done,
                Ok(r) => classify(r.status()),
                Err(o) => o,
            }
        }
    };
    Ok(outcome)
}

fn backoff(attempts: i32) -> chrono::Duration {
    chrono::Duration::seconds(
        2i64.saturating_pow(u32::try_from(attempts.clamp(0, 12)).unwrap_or(12))
            .min(3600),
    )
}

/// Runs the due jobs once (at most 20); returns how many ran. Each job is claimed just
/// before its call, so its lease covers one call, not a batch.
pub async fn run_jobs(state: &State) -> ApiResult<usize> {
    let lease = chrono::Duration::seconds(
        i64::try_from(state.config.pagopa_lease_seconds.max(1)).unwrap_or(120),
    );
    let mut n = 0;
    while n < 20 {
        let now = Utc::now().naive_utc();
        let st = state.clone();
        let claimed = blocking(move || {
            st.db
                .write_tx(|c| pagopa::claim_gpd_jobs(c, now, now + lease, 1))
        })
        .await?;
        let Some(job) = claimed.into_iter().next() else {
            break;
        };
        n += 1;
        let outcome = match run(state, &job).await {
            Ok(o) => o,
            Err(e) => Outcome::Retry(format!("internal: {e}")),
        };
        let st = state.clone();
        blocking(move || {
            st.db.write_tx(|c| match &outcome {
                Outcome::Done => pagopa::finish_gpd_job(c, &job),
                Outcome::Retry(why) => {
                    tracing::warn!(act = %job.act_id, why, "GPD job will be retried");
                    pagopa::retry_gpd_job(
                        c,
                        &job,
                        Utc::now().naive_utc() + backoff(job.attempts),
                        why,
                    )
                }
                Outcome::Refused(why) => {
                    tracing::warn!(act = %job.act_id, why, "GPD refused the position");
                    pagopa::retry_gpd_job(
                        c,
                        &job,
                        Utc::now().naive_utc() + chrono::Duration::hours(6),
                        why,
                    )
                }
            })
        })
        .await?;
    }
    Ok(n)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RemoteOption {
    iuv: String,
    status: String,
    payment_date: Option<String>,
    id_receipt: Option<String>,
    psp_company: Option<String>,
    amount: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RemotePosition {
    payment_option: Vec<RemoteOption>,
}

/// A receipt applied to our books: the payment (channel pagopa, the receipt id as its
/// reference) and the receipt row, once. `false`: it was already there.
pub fn apply_receipt(
    state: &AppState,
    tenant_id: &str,
    iuv: &str,
    receipt_id: &str,
    psp: Option<&str>,
    paid_at: NaiveDateTime,
    amount: i64,
) -> ApiResult<bool> {
    let result = state.db.write_tx(|c| {
        let Some(notice): Option<NoticeRow> = pagopa::find_notice_by_iuv(c, tenant_id, iuv)? else {
            return Ok::<_, ApiError>(false);
        };
        // Locks the act: receipts, desk payments and adjustments on it take turns.
        taxpayer::lock_act(c, tenant_id, &notice.act_id)?.ok_or(ApiError::NotFound)?;
        let payment = PaymentRow {
            id: new_id(),
            tenant_id: tenant_id.to_owned(),
            act_id: notice.act_id.clone(),
            paid_on: domain::calendar::rome_date(paid_at.and_utc()),
            amount,
            channel: domain::tax::PaymentChannel::Pagopa.code().to_owned(),
            reference: receipt_id.chars().take(140).collect(),
            instalment: Some(notice.instalment),
            external_key: Some(format!("pagopa:{receipt_id}")),
            created_by: None,
            created_at: Utc::now().naive_utc(),
        };
        taxpayer::insert_payments(c, std::slice::from_ref(&payment))?;
        let receipt_row_id = new_id();
        pagopa::insert_receipt(
            c,
            &ReceiptRow {
                id: receipt_row_id.clone(),
                tenant_id: tenant_id.to_owned(),
                receipt_id: receipt_id.to_owned(),
                nav: notice.nav.clone(),
                act_id: notice.act_id.clone(),
                instalment: notice.instalment,
                amount,
                psp: psp.map(|p| p.chars().take(140).collect()),
                paid_at,
                payment_id: payment.id.clone(),
                created_at: Utc::now().naive_utc(),
            },
        )?;
        notices::sync(
            c,
            tenant_id,
            std::slice::from_ref(&notice.act_id),
            Utc::now().naive_utc(),
        )?;
        // The citizen hears that the instalment is paid, once: with this commit.
        crate::services::notify::enqueue(
            c,
            tenant_id,
            &crate::services::notify::Notice::PaymentReceived {
                receipt_id: receipt_row_id.clone(),
            },
        )?;
        Ok(true)
    });
    match result {
        // Another poll (here or on another node) applied it first.
        Err(ApiError::Internal(e))
            if e.downcast_ref::<diesel::result::Error>()
                .is_some_and(is_unique_violation) =>
        {
            Ok(false)
        }
        other => other,
    }
}

fn paid_at(raw: Option<&str>) -> NaiveDateTime {
    raw.and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map_or_else(
            || Utc::now().naive_utc(),
            |d| d.with_timezone(&Utc).naive_utc(),
        )
}

/// Reads every open position once and applies the receipts found; returns how many were new.
pub async fn poll_receipts(state: &State) -> ApiResult<usize> {
    let st = state.clone();
    let open = blocking(move || {
        st.db
            .read(|c| Ok::<_, ApiError>(pagopa::open_positions(c)?))
    })
    .await?;
    let mut applied = 0;
    for p in open {
        let (st, tenant) = (state.clone(), p.tenant_id.clone());
        let stored = blocking(move || st.db.read(|c| settings::load(c, &tenant))).await?;
        let (Some(base), Some(key)) = (
            stored.config.gpd_url.clone(),
            stored.gpd_key(&state.secret_key)?,
        ) else {
            continue;
        };
        let Some(creditor) = stored
            .config
            .creditor_fiscal_code
            .as_ref()
            .map(|c| c.as_str().to_owned())
        else {
            continue;
        };
        let url = format!(
            "{}/organizations/{creditor}/debtpositions/{}",
            base.trim_end_matches('/'),
            p.iupd
        );
        let Ok(res) = call(state, reqwest::Method::GET, &url, &key, None).await else {
            continue;
        };
        if !res.status().is_success() {
            continue;
        }
        let Ok(remote) = res.json::<RemotePosition>().await else {
            tracing::warn!(
                integration = "gpd",
                iupd = p.iupd,
                "unexpected answer to a position read"
            );
            continue;
        };
        for o in remote
            .payment_option
            .iter()
            .filter(|o| o.status == "PO_PAID")
        {
            let Some(receipt) = &o.id_receipt else {
                continue;
            };
            let (st, tenant, iuv, receipt) = (
                state.clone(),
                p.tenant_id.clone(),
                o.iuv.clone(),
                receipt.clone(),
            );
            let (psp, at, amount) = (
                o.psp_company.clone(),
                paid_at(o.payment_date.as_deref()),
                o.amount,
            );
            let new = blocking(move || {
                apply_receipt(&st, &tenant, &iuv, &receipt, psp.as_deref(), at, amount)
            })
            .await?;
            if new {
                applied += 1;
            }
        }
    }
    Ok(applied)
}

/// The GPD worker of `sportello serve` (with background workers): jobs and receipts every
/// `SPORTELLO_PAGOPA_POLL_SECONDS`.
pub fn spawn(state: actix_web::web::Data<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = Duration::from_secs(state.config.pagopa_poll_seconds.max(1));
        loop {
            if let Err(e) = run_jobs(&state).await {
                tracing::error!(error = %e, "GPD jobs");
            }
            if let Err(e) = poll_receipts(&state).await {
                tracing::error!(error = %e, "GPD receipts");
            }
            tokio::time::sleep(every).await;
        }
    })
}
