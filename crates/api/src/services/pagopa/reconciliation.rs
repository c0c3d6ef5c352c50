//! Reconciliation (rendicontazione): Flussi di Rendicontazione imported from a file or the
//! FdR API ([`super::fdr_rest`]), stored once per tenant and flow id, and their report —
//! each single payment matched to our receipts by the domain's rules
//! ([`domain::pagopa::fdr`]) when it is read, so a receipt that arrives after its flow
//! still matches — the bank statement line of the transfer, and our receipts that no flow
//! reports after three working days.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime, SubsecRound, Utc};
use domain::api::{
    BankLine, MissingReceipt, MissingReceiptList, OutcomeCounts, Page, ReconciliationFlow,
    ReconciliationLine, ReconciliationReport, RecordBankLine,
};
use domain::error::DomainError;
use domain::pagopa::NoticeNumber;
use domain::pagopa::fdr::{
    self, Flow, FlowId, FlowPayment, FlowSource, OurReceipt, format_decimal,
};
use domain::pagopa::transfers::Beneficiary;
use domain::types::Money;

use super::{fdr_xml, gpd, settings};
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::is_unique_violation;
use crate::db::models::{ActRow, FlowLineRow, FlowRow, NoticeRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{new_id, reconciliation as repo, taxpayer, to_utc};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Largest flow file accepted (a flow of 100,000 payments is about 60 MB; a PSP's daily
/// flow for one Comune is a few hundred KB).
pub const MAX_FLOW_BYTES: usize = 20 * 1024 * 1024;

/// Most receipts `GET /reconciliation/missing` lists at once (oldest first).
pub const MAX_MISSING: i64 = 1000;

/// Now, to the microsecond both databases keep: a report reads back as it was answered.
fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

fn already(flow_id: &str) -> ApiError {
    ApiError::conflict(
        format!("Il flusso {flow_id} è già stato importato"),
        format!("Flow {flow_id} was already imported"),
    )
}

/// The flow must be addressed to this ente (when its creditor code is set).
fn check_receiver(c: &mut DbConn, tenant_id: &str, flow: &Flow) -> ApiResult<()> {
    let stored = settings::load(c, tenant_id)?;
    if let Some(cf) = &stored.config.creditor_fiscal_code
        && cf.as_str() != flow.receiver_id
    {
        return Err(DomainError::invalid(
            "istitutoRicevente",
            format!(
                "Il flusso è destinato all'ente {}, non a questo ({})",
                flow.receiver_id,
                cf.as_str()
            ),
            format!(
                "The flow is addressed to {}, not to this body ({})",
                flow.receiver_id,
                cf.as_str()
            ),
        )
        .into());
    }
    Ok(())
}

fn rows_of(
    tenant_id: &str,
    flow: &Flow,
    source: FlowSource,
    revision: Option<u32>,
    imported_by: Option<&str>,
) -> (FlowRow, Vec<FlowLineRow>) {
    let id = new_id();
    let lines = flow
        .payments
        .iter()
        .enumerate()
        .map(|(i, p)| FlowLineRow {
            flow_id: id.clone(),
            position: i32::try_from(i + 1).unwrap_or(i32::MAX),
            tenant_id: tenant_id.to_owned(),
            iuv: p.iuv.clone(),
            iur: p.iur.clone(),
            transfer_index: i32::try_from(p.index).unwrap_or(i32::MAX),
            amount: p.amount.cents(),
            result: p.result,
            result_date: p.date,
        })
        .collect();
    let row = FlowRow {
        id,
        tenant_id: tenant_id.to_owned(),
        flow_id: flow.id.as_str().to_owned(),
        flow_at: flow.flow_at,
        settlement_ref: flow.settlement_ref.clone(),
        settlement_date: flow.settlement_date,
        sender_id: flow.sender_id.clone(),
        sender_name: flow.sender_name.clone(),
        receiver_id: flow.receiver_id.clone(),
        receiver_name: flow.receiver_name.clone(),
        payment_count: i32::try_from(flow.payment_count).unwrap_or(i32::MAX),
        total_amount: flow.total.cents(),
        source,
        revision: revision.and_then(|r| i32::try_from(r).ok()),
        imported_by: imported_by.map(str::to_owned),
        created_at: now(),
        bank_causale: None,
        bank_amount: None,
        bank_date: None,
        bank_outcome: None,
        bank_recorded_at: None,
    };
    (row, lines)
}

/// Stores a checked flow once: `None` when the tenant already has one with its id.
pub fn store(
    c: &mut DbConn,
    tenant_id: &str,
    flow: &Flow,
    source: FlowSource,
    revision: Option<u32>,
    actor: Option<&str>,
) -> ApiResult<Option<FlowRow>> {
    check_receiver(c, tenant_id, flow)?;
    if repo::find_flow_by_flow_id(c, tenant_id, flow.id.as_str())?.is_some() {
        return Ok(None);
    }
    let (row, lines) = rows_of(tenant_id, flow, source, revision, actor);
    repo::insert_flow(c, &row, &lines)?;
    Audit {
        tenant_id,
        actor_id: actor,
        action: "reconciliation.flow.import",
        entity: "pagopa_flow",
        entity_id: Some(&row.id),
    }
    .record(
        c,
        None::<&()>,
        Some(&serde_json::json!({
            "flow_id": row.flow_id, "source": source.code(), "revision": revision,
            "payment_count": row.payment_count, "total_amount": row.total_amount,
        })),
    )?;
    Ok(Some(row))
}

/// A unique violation from a concurrent import of the same flow.
fn concurrent(e: &ApiError) -> bool {
    matches!(e, ApiError::Internal(e) if e.downcast_ref::<diesel::result::Error>().is_some_and(is_unique_violation))
}

/// `POST /reconciliation/flows`: a flow file, checked whole before anything is stored.
pub fn import(state: &AppState, user: &AuthUser, bytes: &[u8]) -> ApiResult<ReconciliationReport> {
    user.require_staff()?;
    let raw = fdr_xml::parse(bytes)?;
    let flow = Flow::from_raw(&raw)?;
    let result = state.db.write_tx(|c| {
        let row = store(
            c,
            user.tenant_id(),
            &flow,
            FlowSource::Upload,
            None,
            Some(&user.user_id),
        )?
        .ok_or_else(|| already(flow.id.as_str()))?;
        report_of(c, user, row)
    });
    match result {
        Err(e) if concurrent(&e) => Err(already(flow.id.as_str())),
        other => other,
    }
}

/// Our receipts and notices for a set of lines, and each line matched.
fn matched(
    c: &mut DbConn,
    tenant_id: &str,
    lines: &[FlowLineRow],
) -> ApiResult<Vec<ReconciliationLine>> {
    let mut iuvs: Vec<String> = lines.iter().map(|l| l.iuv.clone()).collect();
    iuvs.sort_unstable();
    iuvs.dedup();
    let mut iurs: Vec<String> = lines.iter().map(|l| l.iur.clone()).collect();
    iurs.sort_unstable();
    iurs.dedup();
    let notices: HashMap<String, NoticeRow> = repo::notices_by_iuv(c, tenant_id, &iuvs)?
        .into_iter()
        .map(|n| (n.iuv.clone(), n))
        .collect();
    // The flows of this ente report its own transfers only: the whole amount as index 1,
    // or, when TARI carried the Provincia's TEFA, index 1 less that share (the Provincia's
    // transfer travels in the Provincia's flows). Split as the positions were published.
    let tefa = settings::load(c, tenant_id)?.config.tefa();
    let mut acts: HashMap<String, Option<ActRow>> = HashMap::new();
    let mut receipts: HashMap<String, OurReceipt> = HashMap::new();
    for r in repo::receipts_by_id(c, tenant_id, &iurs)? {
        let iuv = NoticeNumber::parse(&r.nav)
            .map(|n| n.iuv().as_str().to_owned())
            .unwrap_or_default();
        if !acts.contains_key(&r.act_id) {
            let act = taxpayer::find_act(c, tenant_id, &r.act_id)?;
            acts.insert(r.act_id.clone(), act);
        }
        let transfers = match acts.get(&r.act_id).and_then(Option::as_ref) {
            Some(act) => gpd::transfers_of(act, r.amount, tefa.as_ref())?
                .into_iter()
                .filter(|t| t.beneficiary == Beneficiary::Creditor)
                .map(|t| (u32::from(t.index), Money::from_cents(t.amount)))
                .collect(),
            None => vec![(1, Money::from_cents(r.amount))],
        };
        receipts.insert(
            r.receipt_id.clone(),
            OurReceipt {
                iuv,
                receipt_id: r.receipt_id,
                transfers,
            },
        );
    }
    let ours: HashSet<String> = notices.keys().cloned().collect();
    Ok(lines
        .iter()
        .map(|l| {
            let payment = FlowPayment {
                iuv: l.iuv.clone(),
                iur: l.iur.clone(),
                index: u32::try_from(l.transfer_index).unwrap_or(0),
                amount: Money::from_cents(l.amount),
                result: l.result,
                date: l.result_date,
            };
            let m = fdr::match_line(&payment, ours.contains(&l.iuv), receipts.get(&l.iur));
            let notice = notices.get(&l.iuv);
            ReconciliationLine {
                position: u32::try_from(l.position).unwrap_or(0),
                iuv: l.iuv.clone(),
                iur: l.iur.clone(),
                transfer_index: payment.index,
                amount: l.amount,
                result: l.result,
                result_date: l.result_date,
                outcome: m.outcome,
                expected_amount: m.expected.map(Money::cents),
                nav: notice.map(|n| n.nav.clone()),
                act_id: notice.map(|n| n.act_id.clone()),
                instalment: notice.and_then(|n| u32::try_from(n.instalment).ok()),
            }
        })
        .collect())
}

fn flow_dto(row: &FlowRow, lines: &[ReconciliationLine]) -> ReconciliationFlow {
    let mut counts = OutcomeCounts::default();
    for l in lines {
        counts.add(l.outcome);
    }
    let bank = match (
        &row.bank_causale,
        row.bank_amount,
        row.bank_outcome,
        row.bank_recorded_at,
    ) {
        (Some(causale), Some(amount), Some(outcome), Some(at)) => Some(BankLine {
            causale: causale.clone(),
            amount,
            date: row.bank_date,
            outcome,
            difference: amount - row.total_amount,
            recorded_at: to_utc(at),
        }),
        _ => None,
    };
    ReconciliationFlow {
        id: row.id.clone(),
        flow_id: row.flow_id.clone(),
        flow_at: to_utc(row.flow_at),
        settlement_ref: row.settlement_ref.clone(),
        settlement_date: row.settlement_date,
        sender_id: row.sender_id.clone(),
        sender_name: row.sender_name.clone(),
        receiver_id: row.receiver_id.clone(),
        payment_count: u32::try_from(row.payment_count).unwrap_or(0),
        total_amount: row.total_amount,
        source: row.source,
        revision: row.revision.and_then(|r| u32::try_from(r).ok()),
        imported_at: to_utc(row.created_at),
        counts,
        bank,
    }
}

fn report_of(c: &mut DbConn, user: &AuthUser, row: FlowRow) -> ApiResult<ReconciliationReport> {
    let lines = repo::lines_of(c, std::slice::from_ref(&row.id))?;
    let lines = matched(c, user.tenant_id(), &lines)?;
    Ok(ReconciliationReport {
        flow: flow_dto(&row, &lines),
        lines,
    })
}

/// Summaries of several flows, each with its counts.
pub fn summaries(
    c: &mut DbConn,
    tenant_id: &str,
    rows: &[FlowRow],
) -> ApiResult<Vec<ReconciliationFlow>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let lines = repo::lines_of(c, &ids)?;
    let all = matched(c, tenant_id, &lines)?;
    let mut by_flow: HashMap<&str, Vec<ReconciliationLine>> = HashMap::new();
    for (row, m) in lines.iter().zip(all) {
        by_flow.entry(row.flow_id.as_str()).or_default().push(m);
    }
    Ok(rows
        .iter()
        .map(|r| flow_dto(r, by_flow.get(r.id.as_str()).map_or(&[][..], Vec::as_slice)))
        .collect())
}

/// `GET /reconciliation/flows`: newest first.
pub fn list(
    state: &AppState,
    user: &AuthUser,
    limit: i64,
    cursor: Option<&str>,
) -> ApiResult<Page<ReconciliationFlow>> {
    user.require_staff()?;
    state.db.read(|c| {
        let rows = repo::list_flows(c, user.tenant_id(), cursor, limit + 1)?;
        let more = rows.len() as i64 > limit;
        let rows: Vec<FlowRow> = rows
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(50))
            .collect();
        let next_cursor = more.then(|| rows.last().map(|r| r.id.clone())).flatten();
        Ok::<_, ApiError>(Page {
            items: summaries(c, user.tenant_id(), &rows)?,
            next_cursor,
        })
    })
}

/// `GET /reconciliation/flows/{id}`.
pub fn report(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<ReconciliationReport> {
    user.require_staff()?;
    state.db.read(|c| {
        let row = repo::find_flow(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        report_of(c, user, row)
    })
}

fn euro(cents: i64) -> String {
    format_decimal(Money::from_cents(cents)).replace('.', ",")
}

/// `GET /reconciliation/flows/{id}.csv`: the report's lines, `;`-separated, amounts with a
/// decimal comma (as spreadsheets in Italy read them); the file name carries the flow id.
pub fn csv(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<(String, Vec<u8>)> {
    let report = report(state, user, id)?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let io = |e: csv::Error| ApiError::Internal(e.into());
    w.write_record([
        "identificativo_flusso",
        "posizione",
        "iuv",
        "iur",
        "indice_trasferimento",
        "importo",
        "esito",
        "data_esito",
        "risultato",
        "importo_atteso",
        "numero_avviso",
        "atto",
        "rata",
    ])
    .map_err(io)?;
    for l in &report.lines {
        w.write_record([
            report.flow.flow_id.clone(),
            l.position.to_string(),
            l.iuv.clone(),
            l.iur.clone(),
            l.transfer_index.to_string(),
            euro(l.amount),
            l.result.esito().to_owned(),
            l.result_date.to_string(),
            l.outcome.code().to_owned(),
            l.expected_amount.map(euro).unwrap_or_default(),
            l.nav.clone().unwrap_or_default(),
            l.act_id.clone().unwrap_or_default(),
            l.instalment.map(|i| i.to_string()).unwrap_or_default(),
        ])
        .map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
    let safe: String = report
        .flow
        .flow_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((format!("rendicontazione-{safe}.csv"), bytes))
}

/// `POST /reconciliation/flows/{id}/bank`: records the statement line of the flow's
/// transfer (the last one recorded stands) and checks it.
pub fn record_bank(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &RecordBankLine,
) -> ApiResult<ReconciliationReport> {
    user.require_staff()?;
    if body.amount < 0 {
        return Err(ApiError::invalid(
            "amount",
            "L'importo accreditato è in centesimi, non negativo",
            "The credited amount is in cents, not negative",
        ));
    }
    let causale = body.causale.trim();
    if causale.is_empty() || causale.chars().count() > 500 || causale.chars().any(char::is_control)
    {
        return Err(ApiError::invalid(
            "causale",
            "Causale mancante o non valida (una riga, al massimo 500 caratteri)",
            "Missing or invalid causale (one line, at most 500 characters)",
        ));
    }
    state.db.write_tx(|c| {
        let mut row = repo::find_flow(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let flow_id = FlowId::parse(&row.flow_id)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored flow id: {e}")))?;
        let outcome = fdr::check_bank_line(
            &flow_id,
            Money::from_cents(row.total_amount),
            causale,
            Money::from_cents(body.amount),
        )?;
        let before = serde_json::json!({
            "causale": row.bank_causale, "amount": row.bank_amount, "outcome": row.bank_outcome,
        });
        row.bank_causale = Some(causale.to_owned());
        row.bank_amount = Some(body.amount);
        row.bank_date = body.date;
        row.bank_outcome = Some(outcome);
        row.bank_recorded_at = Some(now());
        repo::set_bank_line(c, &row)?;
        Audit {
            tenant_id: user.tenant_id(),
            actor_id: Some(&user.user_id),
            action: "reconciliation.bank_line",
            entity: "pagopa_flow",
            entity_id: Some(&row.id),
        }
        .record(
            c,
            Some(&before),
            Some(&serde_json::json!({
                "causale": causale, "amount": body.amount, "outcome": outcome.code(),
            })),
        )?;
        report_of(c, user, row)
    })
}

/// `GET /reconciliation/missing`: our receipts that no stored flow reports once three
/// working days (the tenant's calendar) have passed since the payment, as of `as_of`.
pub fn missing(
    state: &AppState,
    user: &AuthUser,
    as_of: Option<NaiveDate>,
) -> ApiResult<MissingReceiptList> {
    user.require_staff()?;
    let as_of = as_of.unwrap_or_else(|| domain::calendar::rome_date(Utc::now()));
    let calendar = &user.tenant.calendar;
    // A receipt paid on or after `as_of` cannot be overdue yet.
    let before = as_of.and_hms_opt(0, 0, 0).unwrap_or_default();
    let rows = state.db.read(|c| {
        repo::unreported_receipts(c, user.tenant_id(), before, MAX_MISSING).map_err(ApiError::from)
    })?;
    let items = rows
        .into_iter()
        .filter_map(|r| {
            let paid_on = domain::calendar::rome_date(r.paid_at.and_utc());
            fdr::is_missing(paid_on, false, as_of, calendar).then(|| MissingReceipt {
                iuv: NoticeNumber::parse(&r.nav)
                    .map(|n| n.iuv().as_str().to_owned())
                    .unwrap_or_default(),
                receipt_id: r.receipt_id,
                nav: r.nav,
                act_id: r.act_id,
                instalment: u32::try_from(r.instalment).unwrap_or(0),
                amount: r.amount,
                psp: r.psp,
                paid_on,
                report_due_by: fdr::report_due_by(paid_on, calendar),
            })
        })
        .collect();
    Ok(MissingReceiptList { as_of, items })
}
