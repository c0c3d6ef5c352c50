//! Flussi di Rendicontazione from pagoPA's FdR REST API ("FdR 3", `fdr-org/service/v1`):
//! `GET /organizations/{org}/fdrs` lists the published flows, then each one not stored yet
//! is read (`…/fdrs/{fdr}/revisions/{rev}/psps/{psp}` and its `/payments`, page by page),
//! checked by the same domain rules as an uploaded file, and stored once. Calls go through
//! the egress policy's client with the FdR subscription key and a request id; failures are
//! reported as categories, never the remote's words.

use domain::api::{FetchFailure, FetchResult};
use domain::pagopa::fdr::{Flow, FlowSource, PaymentResult, RawFlow, RawPayment};
use serde::Deserialize;
use serde_json::Value;

use super::{reconciliation, settings};
use crate::auth::AuthUser;
use crate::db::repo::{new_id, reconciliation as repo};
use crate::error::{ApiError, ApiResult, blocking};
use crate::state::AppState;

/// Most pages of a list or of a flow's payments read in one fetch.
const MAX_PAGES: u32 = 200;
const PAGE_SIZE: u32 = 1000;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    #[serde(default)]
    tot_page: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    fdr: String,
    psp_id: String,
    revision: u32,
}

#[derive(Debug, Deserialize)]
struct ListPage {
    metadata: Option<Metadata>,
    #[serde(default)]
    data: Vec<Listed>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sender {
    #[serde(default)]
    psp_id: Option<String>,
    #[serde(default)]
    psp_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Receiver {
    #[serde(default)]
    organization_id: Option<String>,
    #[serde(default)]
    organization_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Detail {
    fdr: String,
    fdr_date: String,
    regulation: String,
    regulation_date: String,
    #[serde(default)]
    sender: Sender,
    #[serde(default)]
    receiver: Receiver,
    tot_payments: Value,
    sum_payments: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RemotePayment {
    iuv: String,
    iur: String,
    id_transfer: Value,
    pay: Value,
    pay_status: String,
    pay_date: String,
}

#[derive(Debug, Deserialize)]
struct PaymentsPage {
    metadata: Option<Metadata>,
    #[serde(default)]
    data: Vec<RemotePayment>,
}

/// A JSON number or string as its text: amounts come as decimals (`100.5`), whose shortest
/// text form is exactly the two-decimal amount; the domain parses that text into cents.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

fn unavailable(what: &str) -> ApiError {
    tracing::warn!(integration = "fdr", what, "FdR call failed");
    ApiError::Unavailable
}

async fn get<T: serde::de::DeserializeOwned>(
    state: &AppState,
    url: &str,
    key: &str,
) -> Result<T, String> {
    let url = state
        .egress
        .check_url(url)
        .map_err(|r| format!("FdR: {r}"))?;
    let request_id = new_id();
    let res = state
        .egress
        .client()
        .get(url.clone())
        .header("Ocp-Apim-Subscription-Key", key)
        .header("X-Request-Id", &request_id)
        .send()
        .await;
    let res = match res {
        Ok(r) => {
            tracing::info!(
                integration = "fdr",
                path = url.path(),
                request_id,
                status = r.status().as_u16(),
                "FdR call"
            );
            r
        }
        Err(e) => {
            tracing::warn!(integration = "fdr", path = url.path(), request_id, error = %e, "FdR call failed");
            return Err(if let Some(r) = crate::egress::refusal_in(&e) {
                format!("FdR: {r}")
            } else if e.is_timeout() {
                "FdR: timed out".into()
            } else {
                "FdR: could not connect".into()
            });
        }
    };
    if !res.status().is_success() {
        return Err(format!("FdR: HTTP {}", res.status().as_u16()));
    }
    res.json::<T>()
        .await
        .map_err(|_| "FdR: unexpected answer".to_owned())
}

fn pay_result(status: &str) -> String {
    PaymentResult::from_pay_status(status)
        .map_or_else(|| status.to_owned(), |r| r.esito().to_owned())
}

/// Reads one listed flow whole, as the domain's raw flow.
async fn read_flow(
    state: &AppState,
    base: &str,
    org: &str,
    key: &str,
    l: &Listed,
) -> Result<(RawFlow, u32), String> {
    let flow_url = format!(
        "{base}/organizations/{org}/fdrs/{}/revisions/{}/psps/{}",
        l.fdr, l.revision, l.psp_id
    );
    let d: Detail = get(state, &flow_url, key).await?;
    let mut payments = Vec::new();
    let mut page = 1;
    loop {
        let p: PaymentsPage = get(
            state,
            &format!("{flow_url}/payments?page={page}&size={PAGE_SIZE}"),
            key,
        )
        .await?;
        let last = p.data.is_empty()
            || p.metadata
                .and_then(|m| m.tot_page)
                .is_none_or(|t| page >= t);
        payments.extend(p.data.into_iter().map(|x| RawPayment {
            iuv: x.iuv,
            iur: x.iur,
            index: text(&x.id_transfer),
            amount: text(&x.pay),
            result: pay_result(&x.pay_status),
            date: x.pay_date,
        }));
        if last || page >= MAX_PAGES {
            break;
        }
        page += 1;
    }
    Ok((
        RawFlow {
            flow_id: d.fdr,
            flow_at: d.fdr_date,
            settlement_ref: d.regulation,
            settlement_date: d.regulation_date,
            sender_id: d.sender.psp_id.unwrap_or_else(|| l.psp_id.clone()),
            sender_name: d.sender.psp_name,
            receiver_id: d.receiver.organization_id.unwrap_or_default(),
            receiver_name: d.receiver.organization_name,
            payment_count: text(&d.tot_payments),
            total_amount: text(&d.sum_payments),
            payments,
        },
        l.revision,
    ))
}

/// `POST /reconciliation/fetch`: imports every published flow of the ente not stored yet.
/// 409 when the FdR URL, the key or the creditor code is not set; 503 when the list cannot
/// be read. A flow that cannot be read or does not add up is reported and skipped (the next
/// fetch tries it again); one stored meanwhile by another fetch counts as already stored.
pub async fn fetch(
    state: actix_web::web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<FetchResult> {
    user.require_staff()?;
    let (st, tenant) = (state.clone(), user.tenant_id().to_owned());
    let stored = blocking(move || st.db.read(|c| settings::load(c, &tenant))).await?;
    let not_set = || {
        ApiError::conflict(
            "Per leggere i flussi servono l'indirizzo FdR, la chiave e il codice fiscale dell'ente nelle impostazioni pagoPA",
            "Reading flows needs the FdR address, the key and the creditor's tax code in the pagoPA settings",
        )
    };
    let base = stored.config.fdr_url.clone().ok_or_else(not_set)?;
    let key = stored.fdr_key(&state.secret_key)?.ok_or_else(not_set)?;
    let org = stored
        .config
        .creditor_fiscal_code
        .as_ref()
        .map(|c| c.as_str().to_owned())
        .ok_or_else(not_set)?;
    let base = base.trim_end_matches('/').to_owned();
    let mut listed = Vec::new();
    let mut page = 1;
    loop {
        let p: ListPage = get(
            &state,
            &format!("{base}/organizations/{org}/fdrs?page={page}&size={PAGE_SIZE}"),
            &key,
        )
        .await
        .map_err(|e| unavailable(&e))?;
        let last = p.data.is_empty()
            || p.metadata
                .and_then(|m| m.tot_page)
                .is_none_or(|t| page >= t);
        listed.extend(p.data);
        if last || page >= MAX_PAGES {
            break;
        }
        page += 1;
    }
    let ids: Vec<String> = listed.iter().map(|l| l.fdr.clone()).collect();
    let (st, tenant) = (state.clone(), user.tenant_id().to_owned());
    let known: std::collections::HashSet<String> = blocking(move || {
        st.db
            .read(|c| repo::flow_ids_stored(c, &tenant, &ids).map_err(ApiError::from))
    })
    .await?
    .into_iter()
    .collect();
    let mut result = FetchResult {
        imported: Vec::new(),
        already_stored: 0,
        failed: Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    for l in listed {
        if known.contains(&l.fdr) || !seen.insert(l.fdr.clone()) {
            result.already_stored += 1;
            continue;
        }
        let fail = |reason: String| FetchFailure {
            flow_id: l.fdr.chars().take(40).collect(),
            reason,
        };
        let (raw, revision) = match read_flow(&state, &base, &org, &key, &l).await {
            Ok(v) => v,
            Err(reason) => {
                result.failed.push(fail(reason));
                continue;
            }
        };
        let flow = match Flow::from_raw(&raw) {
            Ok(f) => f,
            Err(e) => {
                result.failed.push(fail(e.summary(domain::Lang::It)));
                continue;
            }
        };
        let (st, u) = (state.clone(), user.clone());
        let stored = blocking(move || {
            st.db.write_tx(|c| {
                match reconciliation::store(
                    c,
                    u.tenant_id(),
                    &flow,
                    FlowSource::Fdr,
                    Some(revision),
                    Some(&u.user_id),
                )? {
                    Some(row) => Ok::<_, ApiError>(Some(
                        reconciliation::summaries(c, u.tenant_id(), std::slice::from_ref(&row))?
                            .remove(0),
                    )),
                    None => Ok(None),
                }
            })
        })
        .await;
        match stored {
            Ok(Some(f)) => result.imported.push(f),
            Ok(None) => result.already_stored += 1,
            Err(ApiError::Domain(e)) => result.failed.push(fail(e.summary(domain::Lang::It))),
            Err(e) if is_concurrent(&e) => result.already_stored += 1,
            Err(e) => return Err(e),
        }
    }
    Ok(result)
}

fn is_concurrent(e: &ApiError) -> bool {
    matches!(e, ApiError::Internal(e) if e.downcast_ref::<diesel::result::Error>().is_some_and(crate::db::is_unique_violation))
}
