//! One batch of rows of an import: parsed and checked (the domain's rules), matched with
//! what is stored by the tax system's keys, and — when writing — inserted or updated.
//! A row identical to what is stored is left alone, so importing a file again writes
//! nothing. Within a batch a key seen twice is merged in file order (the last row wins).

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{NaiveDate, NaiveDateTime};
use domain::api::CreatePayment;
use domain::error::FieldError;
use domain::tax::ActStatus;
use domain::tax::import::{self, ActKey, Header, ImportKind, RowErrors};

use super::super::{act_dto, act_rows, contribuente_row, domain_act, int, utenza_row};
use crate::db::DbConn;
use crate::db::models::{ActRow, ContribuenteRow, InstalmentRow, PaymentRow, UtenzaRow};
use crate::db::repo::{new_id, taxpayer};
use crate::error::ApiResult;

/// A row of the file: its line (the header is line 1) and its cells.
#[derive(Debug, Clone)]
pub struct Line {
    pub line: u64,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub tenant_id: &'a str,
    pub today: NaiveDate,
    pub now: NaiveDateTime,
    pub actor: Option<&'a str>,
}

/// What a batch did (or, when only checking, would do).
#[derive(Debug, Default)]
pub struct Outcome {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows with at least one error.
    pub invalid: u64,
    pub errors: Vec<(u64, FieldError)>,
}

impl Outcome {
    fn reject(&mut self, line: u64, errors: RowErrors) {
        self.invalid += 1;
        self.errors.extend(errors.into_iter().map(|e| (line, e)));
    }

    fn reject_one(&mut self, line: u64, column: &'static str, it: String, en: String) {
        self.reject(line, vec![FieldError::new(column, it, en)]);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Stored,
    New,
    Changed,
}

/// Rows by key: what is stored, and what the batch makes of it.
struct Merge<K, R> {
    rows: HashMap<K, (R, Mark)>,
    order: Vec<K>,
}

impl<K: Hash + Eq + Clone, R: Clone> Merge<K, R> {
    fn new(stored: impl IntoIterator<Item = (K, R)>) -> Self {
        Self {
            rows: stored
                .into_iter()
                .map(|(k, r)| (k, (r, Mark::Stored)))
                .collect(),
            order: Vec::new(),
        }
    }

    fn current(&self, key: &K) -> Option<&R> {
        self.rows.get(key).map(|(r, _)| r)
    }

    /// Records `row` under `key`; `same` says whether it changes what is there.
    fn put(&mut self, key: K, row: R, same: impl Fn(&R, &R) -> bool, out: &mut Outcome) {
        match self.rows.get_mut(&key) {
            None => {
                out.created += 1;
                self.order.push(key.clone());
                self.rows.insert(key, (row, Mark::New));
            }
            Some((current, _)) if same(current, &row) => out.unchanged += 1,
            Some((current, mark)) => {
                out.updated += 1;
                *current = row;
                if *mark == Mark::Stored {
                    *mark = Mark::Changed;
                    self.order.push(key);
                }
            }
        }
    }

    /// New and changed rows, in the order first met.
    fn writes(self) -> (Vec<R>, Vec<R>) {
        let mut rows = self.rows;
        let (mut new, mut changed) = (Vec::new(), Vec::new());
        for k in self.order {
            if let Some((r, mark)) = rows.remove(&k) {
                match mark {
                    Mark::New => new.push(r),
                    Mark::Changed => changed.push(r),
                    Mark::Stored => {}
                }
            }
        }
        (new, changed)
    }
}

fn cells(line: &Line) -> Vec<&str> {
    line.cells.iter().map(String::as_str).collect()
}

/// Rows whose width differs from the header's are refused whole.
fn check_width(header: &Header, line: &Line, out: &mut Outcome) -> bool {
    if line.cells.len() == header.width() {
        return true;
    }
    out.reject_one(
        line.line,
        "riga",
        format!(
            "la riga ha {} campi, l'intestazione {}",
            line.cells.len(),
            header.width()
        ),
        format!(
            "the row has {} fields, the header {}",
            line.cells.len(),
            header.width()
        ),
    );
    false
}

/// Checks (and with `write`, stores) one batch.
pub fn process(
    c: &mut DbConn,
    ctx: Ctx<'_>,
    header: &Header,
    lines: &[Line],
    write: bool,
) -> ApiResult<Outcome> {
    match header.kind() {
        ImportKind::Contribuenti => contribuenti(c, ctx, header, lines, write),
        ImportKind::Utenze => utenze(c, ctx, header, lines, write),
        ImportKind::Acts => acts(c, ctx, header, lines, write),
        ImportKind::Payments => payments(c, ctx, header, lines, write),
    }
}

fn contribuenti(
    c: &mut DbConn,
    ctx: Ctx<'_>,
    header: &Header,
    lines: &[Line],
    write: bool,
) -> ApiResult<Outcome> {
    let mut out = Outcome::default();
    let mut parsed = Vec::new();
    for l in lines {
        if !check_width(header, l, &mut out) {
            continue;
        }
        match header.contribuente(&cells(l)) {
            Ok(dto) => parsed.push(dto),
            Err(e) => out.reject(l.line, e),
        }
    }
    let codes: Vec<String> = parsed.iter().map(|p| p.fiscal_code.clone()).collect();
    let stored = taxpayer::contribuenti_by_fiscal_codes(c, ctx.tenant_id, &codes)?;
    let citizens: HashMap<String, String> = taxpayer::approved_citizens(c, ctx.tenant_id, &codes)?
        .into_iter()
        .collect();
    let mut merge = Merge::new(stored.into_iter().map(|r| (r.fiscal_code.clone(), r)));
    for dto in parsed {
        let current = merge.current(&dto.fiscal_code);
        let row = contribuente_row(
            ctx.tenant_id,
            current.map_or_else(new_id, |r| r.id.clone()),
            &dto,
            current
                .and_then(|r| r.citizen_id.clone())
                .or_else(|| citizens.get(&dto.fiscal_code).cloned()),
            current.map_or(ctx.now, |r| r.created_at),
            ctx.now,
        );
        let same = |a: &ContribuenteRow, b: &ContribuenteRow| {
            *a == ContribuenteRow {
                updated_at: a.updated_at,
                ..b.clone()
            }
        };
        merge.put(dto.fiscal_code.clone(), row, same, &mut out);
    }
    if write {
        let (new, changed) = merge.writes();
        taxpayer::insert_contribuenti(c, &new)?;
        for r in &changed {
            taxpayer::update_contribuente(c, r)?;
        }
    }
    Ok(out)
}

fn utenze(
    c: &mut DbConn,
    ctx: Ctx<'_>,
    header: &Header,
    lines: &[Line],
    write: bool,
) -> ApiResult<Outcome> {
    let mut out = Outcome::default();
    let mut parsed = Vec::new();
    for l in lines {
        if !check_width(header, l, &mut out) {
            continue;
        }
        match header.utenza(&cells(l)) {
            Ok(rec) => parsed.push((l.line, rec)),
            Err(e) => out.reject(l.line, e),
        }
    }
    let fiscal: Vec<String> = parsed.iter().map(|(_, r)| r.fiscal_code.clone()).collect();
    let owners: HashMap<String, String> =
        taxpayer::contribuenti_by_fiscal_codes(c, ctx.tenant_id, &fiscal)?
            .into_iter()
            .map(|r| (r.fiscal_code, r.id))
            .collect();
    let codes: Vec<String> = parsed.iter().map(|(_, r)| r.utenza.code.clone()).collect();
    let stored = taxpayer::utenze_by_codes(c, ctx.tenant_id, &codes)?;
    let mut merge = Merge::new(stored.into_iter().map(|r| (r.code.clone(), r)));
    for (line, rec) in parsed {
        let Some(owner) = owners.get(&rec.fiscal_code) else {
            out.reject_one(
                line,
                "codice_fiscale",
                format!(
                    "nessun contribuente con codice fiscale {} (importare prima i contribuenti)",
                    rec.fiscal_code
                ),
                format!(
                    "no contribuente with tax code {} (import the contribuenti first)",
                    rec.fiscal_code
                ),
            );
            continue;
        };
        let current = merge.current(&rec.utenza.code);
        let row = utenza_row(
            ctx.tenant_id,
            current.map_or_else(new_id, |r| r.id.clone()),
            owner,
            &rec.utenza,
            current.map_or(ctx.now, |r| r.created_at),
            ctx.now,
        );
        let same = |a: &UtenzaRow, b: &UtenzaRow| {
            *a == UtenzaRow {
                updated_at: a.updated_at,
                ..b.clone()
            }
        };
        merge.put(rec.utenza.code.clone(), row, same, &mut out);
    }
    if write {
        let (new, changed) = merge.writes();
        taxpayer::insert_utenze(c, &new)?;
        for r in &changed {
            taxpayer::update_utenza(c, r)?;
        }
    }
    Ok(out)
}

fn key_of(row: &ActRow) -> Option<ActKey> {
    Some(ActKey {
        tributo: row.tributo.parse().ok()?,
        kind: row.kind.parse().ok()?,
        year: row.year,
        number: row.number.clone(),
    })
}

/// Stored acts with these numbers, by key, with their instalments.
fn stored_acts(
    c: &mut DbConn,
    tenant_id: &str,
    numbers: &[String],
) -> ApiResult<HashMap<ActKey, (ActRow, Vec<InstalmentRow>)>> {
    let rows = taxpayer::lock_acts_by_numbers(c, tenant_id, numbers)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut inst: HashMap<String, Vec<InstalmentRow>> = HashMap::new();
    for i in taxpayer::instalments_of(c, &ids)? {
        inst.entry(i.act_id.clone()).or_default().push(i);
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let key = key_of(&r)?;
            let i = inst.remove(&r.id).unwrap_or_default();
            Some((key, (r, i)))
        })
        .collect())
}

fn acts(
    c: &mut DbConn,
    ctx: Ctx<'_>,
    header: &Header,
    lines: &[Line],
    write: bool,
) -> ApiResult<Outcome> {
    let mut out = Outcome::default();
    let mut parsed = Vec::new();
    for l in lines {
        if !check_width(header, l, &mut out) {
            continue;
        }
        match header.act(&cells(l)) {
            Ok(rec) => parsed.push((l.line, rec)),
            Err(e) => out.reject(l.line, e),
        }
    }
    let fiscal: Vec<String> = parsed.iter().map(|(_, r)| r.fiscal_code.clone()).collect();
    let owners: HashMap<String, String> =
        taxpayer::contribuenti_by_fiscal_codes(c, ctx.tenant_id, &fiscal)?
            .into_iter()
            .map(|r| (r.fiscal_code, r.id))
            .collect();
    let codes: Vec<String> = parsed
        .iter()
        .filter_map(|(_, r)| r.utenza_code.clone())
        .collect();
    let utenze: HashMap<String, UtenzaRow> = taxpayer::utenze_by_codes(c, ctx.tenant_id, &codes)?
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    let numbers: Vec<String> = parsed
        .iter()
        .map(|(_, r)| r.checked.number.clone())
        .collect();
    let mut merge = Merge::new(stored_acts(c, ctx.tenant_id, &numbers)?);
    for (line, rec) in parsed {
        let Some(owner) = owners.get(&rec.fiscal_code) else {
            out.reject_one(
                line,
                "codice_fiscale",
                format!(
                    "nessun contribuente con codice fiscale {} (importare prima i contribuenti)",
                    rec.fiscal_code
                ),
                format!(
                    "no contribuente with tax code {} (import the contribuenti first)",
                    rec.fiscal_code
                ),
            );
            continue;
        };
        let utenza_id = match &rec.utenza_code {
            None => None,
            Some(code) => match utenze.get(code) {
                Some(u) if &u.contribuente_id == owner => Some(u.id.clone()),
                _ => {
                    out.reject_one(
                        line,
                        "codice_utenza",
                        format!("nessuna utenza {code} del contribuente {}", rec.fiscal_code),
                        format!("no utenza {code} of contribuente {}", rec.fiscal_code),
                    );
                    continue;
                }
            },
        };
        let key = rec.key();
        let current = merge.current(&key);
        // The office's decisions (annulment, discharge, a granted plan) stand.
        if current.is_some_and(|(r, _)| r.status != ActStatus::Active.code()) {
            out.unchanged += 1;
            continue;
        }
        let row = act_rows(
            ctx.tenant_id,
            current.map_or_else(new_id, |(r, _)| r.id.clone()),
            owner,
            utenza_id,
            &rec.checked,
            current.map_or(ctx.now, |(r, _)| r.created_at),
            ctx.now,
        );
        let same = |a: &(ActRow, Vec<InstalmentRow>), b: &(ActRow, Vec<InstalmentRow>)| {
            let mut ai = a.1.clone();
            let mut bi = b.1.clone();
            ai.sort_by_key(|i| i.n);
            bi.sort_by_key(|i| i.n);
            a.0 == ActRow {
                updated_at: a.0.updated_at,
                ..b.0.clone()
            } && ai == bi
        };
        merge.put(key, row, same, &mut out);
    }
    if write {
        let (new, changed) = merge.writes();
        let (rows, inst): (Vec<ActRow>, Vec<Vec<InstalmentRow>>) = new.into_iter().unzip();
        let inst: Vec<InstalmentRow> = inst.into_iter().flatten().collect();
        taxpayer::insert_acts(c, &rows, &inst)?;
        for (r, i) in &changed {
            taxpayer::update_act(c, r, i)?;
        }
        let ids: Vec<String> = rows
            .iter()
            .chain(changed.iter().map(|(r, _)| r))
            .map(|r| r.id.clone())
            .collect();
        crate::services::pagopa::notices::sync(c, ctx.tenant_id, &ids, ctx.now)?;
    }
    Ok(out)
}

fn payments(
    c: &mut DbConn,
    ctx: Ctx<'_>,
    header: &Header,
    lines: &[Line],
    write: bool,
) -> ApiResult<Outcome> {
    let mut out = Outcome::default();
    let mut parsed = Vec::new();
    for l in lines {
        if !check_width(header, l, &mut out) {
            continue;
        }
        match header.payment(&cells(l)) {
            Ok(rec) => parsed.push((l.line, rec)),
            Err(e) => out.reject(l.line, e),
        }
    }
    let numbers: Vec<String> = parsed.iter().map(|(_, r)| r.act.number.clone()).collect();
    let mut acts = HashMap::new();
    for (key, (row, inst)) in stored_acts(c, ctx.tenant_id, &numbers)? {
        let dto = act_dto(&row, &inst)?;
        acts.insert(key, (row.id, domain_act(&dto)?));
    }
    let keys: Vec<String> = parsed.iter().map(|(_, r)| r.external_key.clone()).collect();
    let stored = taxpayer::payments_by_external_keys(c, ctx.tenant_id, &keys)?;
    let mut merge = Merge::new(
        stored
            .into_iter()
            .filter_map(|p| Some((p.external_key.clone()?, p))),
    );
    for (line, rec) in parsed {
        let Some((act_id, act)) = acts.get(&rec.act) else {
            out.reject_one(
                line,
                "numero_atto",
                format!(
                    "nessun atto {} {} n. {} del {}",
                    rec.act.kind, rec.act.tributo, rec.act.number, rec.act.year
                ),
                format!(
                    "no act {} {} no. {} of {}",
                    rec.act.kind, rec.act.tributo, rec.act.number, rec.act.year
                ),
            );
            continue;
        };
        let request = CreatePayment {
            act_id: act_id.clone(),
            date: rec.date,
            amount: rec.amount.cents(),
            channel: rec.channel,
            reference: rec.reference.clone(),
            instalment: rec.instalment,
        };
        let payment = match request.to_domain(act, ctx.today) {
            Ok(p) => p,
            Err(e) => {
                let errors = e
                    .field_errors()
                    .iter()
                    .map(|fe| fe.clone().at(import::payment_column(&fe.field)))
                    .collect();
                out.reject(line, errors);
                continue;
            }
        };
        let current = merge.current(&rec.external_key);
        let row = PaymentRow {
            id: current.map_or_else(new_id, |r| r.id.clone()),
            tenant_id: ctx.tenant_id.to_owned(),
            act_id: act_id.clone(),
            paid_on: payment.date,
            amount: payment.amount.cents(),
            channel: payment.channel.code().to_owned(),
            reference: payment.reference,
            instalment: payment.instalment.map(int),
            external_key: Some(rec.external_key.clone()),
            created_by: current
                .map_or_else(|| ctx.actor.map(str::to_owned), |r| r.created_by.clone()),
            created_at: current.map_or(ctx.now, |r| r.created_at),
        };
        merge.put(rec.external_key, row, |a, b| a == b, &mut out);
    }
    if write {
        let (new, changed) = merge.writes();
        taxpayer::insert_payments(c, &new)?;
        for r in &changed {
            taxpayer::update_payment(c, r)?;
        }
        let mut ids: Vec<String> = new
            .iter()
            .chain(&changed)
            .map(|r| r.act_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        crate::services::pagopa::notices::sync(c, ctx.tenant_id, &ids, ctx.now)?;
    }
    Ok(out)
}
