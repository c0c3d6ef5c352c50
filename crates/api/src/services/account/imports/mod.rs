//! Imports from the Comune's tax system (`POST /imports`, `sportello import`): the file is
//! stored, an `imports` row queues the job, a background worker on any node runs it
//! ([`job`]) and the report is read back with its row-level errors.

pub(crate) mod batch;
pub mod cli;
pub mod job;
mod reader;
pub mod worker;

use std::fmt::Write as _;
use std::io::Read;
use std::str::FromStr;

use chrono::Utc;
use domain::api::{CreateImport, ImportRowError, ImportStatus, ImportView, Page};
use domain::error::Lang;
use domain::tax::import::ImportKind;

use super::audit;
use crate::auth::AuthUser;
use crate::db::models::{ImportErrorRow, ImportRow};
use crate::db::repo::{imports, new_id};
use crate::error::{ApiError, ApiResult, storage_error};
use crate::state::AppState;
use crate::storage::FileStore;

/// Row errors listed in the JSON report; the CSV report has all that were kept.
const ERRORS_IN_VIEW: i64 = 100;

/// Stores the file (outside any transaction: it may be large) and returns the row that
/// queues its import, to insert with [`imports::insert`].
pub fn store(
    files: &dyn FileStore,
    tenant_id: &str,
    created_by: Option<&str>,
    body: &CreateImport,
    filename: &str,
    file: &mut dyn Read,
) -> ApiResult<ImportRow> {
    let id = new_id();
    let key = format!("{tenant_id}/imports/{id}.csv");
    let size = files.put_reader(&key, file).map_err(storage_error)?;
    Ok(ImportRow {
        id,
        tenant_id: tenant_id.to_owned(),
        kind: body.kind.code().to_owned(),
        skip_invalid: body.skip_invalid,
        filename: filename.to_owned(),
        storage_key: key,
        size: i64::try_from(size).unwrap_or(i64::MAX),
        status: ImportStatus::Queued.code().to_owned(),
        total_rows: None,
        processed_rows: 0,
        applied_rows: 0,
        created_count: 0,
        updated_count: 0,
        unchanged_count: 0,
        invalid_count: 0,
        error_it: None,
        error_en: None,
        attempts: 0,
        locked_until: None,
        lease_token: None,
        created_by: created_by.map(str::to_owned),
        created_at: Utc::now().naive_utc(),
        started_at: None,
        finished_at: None,
    })
}

/// `POST /imports`: an operator uploads a file (already spooled to `path`).
pub fn create(
    state: &AppState,
    user: &AuthUser,
    body: &CreateImport,
    filename: &str,
    path: &std::path::Path,
    lang: Lang,
) -> ApiResult<ImportView> {
    user.require_staff()?;
    let mut file = std::fs::File::open(path).map_err(|e| ApiError::Internal(e.into()))?;
    let row = store(
        &*state.files,
        user.tenant_id(),
        Some(&user.user_id),
        body,
        filename,
        &mut file,
    )?;
    let stored = state.db.write_tx(|c| {
        imports::insert(c, &row)?;
        audit(user, "import.create", "import", &row.id).record(
            c,
            None::<&()>,
            Some(&serde_json::json!({"kind": row.kind, "filename": row.filename, "size": row.size, "skip_invalid": row.skip_invalid})),
        )?;
        Ok::<_, ApiError>(())
    });
    if let Err(e) = stored {
        let _ = state.files.delete(&row.storage_key);
        return Err(e);
    }
    worker::wake();
    view(row, &[], 0, lang)
}

pub fn get(state: &AppState, user: &AuthUser, id: &str, lang: Lang) -> ApiResult<ImportView> {
    user.require_staff()?;
    state.db.read(|c| {
        let row = imports::find(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let errors = imports::errors(c, &row.id, 0, ERRORS_IN_VIEW)?;
        let stored = imports::count_errors(c, &row.id)?;
        view(row, &errors, stored, lang)
    })
}

pub fn list(
    state: &AppState,
    user: &AuthUser,
    limit: i64,
    cursor: Option<&str>,
    lang: Lang,
) -> ApiResult<Page<ImportView>> {
    user.require_staff()?;
    state.db.read(|c| {
        let rows = imports::list(c, user.tenant_id(), cursor, limit + 1)?;
        let more = rows.len() as i64 > limit;
        let items = rows
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(50))
            .map(|r| view(r, &[], 0, lang))
            .collect::<ApiResult<Vec<_>>>()?;
        let next_cursor = more.then(|| items.last().map(|i| i.id.clone())).flatten();
        Ok::<_, ApiError>(Page { items, next_cursor })
    })
}

fn csv_cell(s: &str) -> String {
    // Quoted, and never read as a formula by a spreadsheet.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The row-level report as CSV (`riga;colonna;errore`), in the caller's language.
pub fn errors_csv(state: &AppState, user: &AuthUser, id: &str, lang: Lang) -> ApiResult<String> {
    user.require_staff()?;
    state.db.read(|c| {
        let row = imports::find(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let mut out = match lang {
            Lang::It => "riga;colonna;errore\r\n".to_owned(),
            Lang::En => "line;column;error\r\n".to_owned(),
        };
        let mut after = 0;
        loop {
            let errors = imports::errors(c, &row.id, after, 1_000)?;
            let Some(last) = errors.last() else { break };
            after = last.seq;
            for e in &errors {
                let msg = match lang {
                    Lang::It => &e.message_it,
                    Lang::En => &e.message_en,
                };
                let _ = write!(
                    out,
                    "{};{};{}\r\n",
                    e.line,
                    csv_cell(&e.column_name),
                    csv_cell(msg)
                );
            }
        }
        if let (Some(it), Some(en)) = (&row.error_it, &row.error_en) {
            let msg = match lang {
                Lang::It => it,
                Lang::En => en,
            };
            let _ = write!(out, ";;{}\r\n", csv_cell(msg));
        }
        Ok::<_, ApiError>(out)
    })
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) fn view(
    row: ImportRow,
    errors: &[ImportErrorRow],
    stored_errors: i64,
    lang: Lang,
) -> ApiResult<ImportView> {
    let status = ImportStatus::parse(&row.status).ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!("stored import status {}", row.status))
    })?;
    let kind = ImportKind::from_str(&row.kind)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored import kind: {e}")))?;
    let total = row.total_rows.map(count);
    let share = |done: i64| -> u64 {
        match total {
            Some(t) if t > 0 => (count(done) * 100 / t).min(100),
            _ => 0,
        }
    };
    // All-or-nothing: checking is the first half, applying the second.
    let percent = match status {
        ImportStatus::Queued => 0,
        ImportStatus::Completed | ImportStatus::Failed => 100,
        ImportStatus::Validating => share(row.processed_rows) / 2,
        ImportStatus::Applying if row.skip_invalid => share(row.applied_rows),
        ImportStatus::Applying => 50 + share(row.applied_rows) / 2,
    };
    let error = match lang {
        Lang::It => row.error_it.clone(),
        Lang::En => row.error_en.clone(),
    };
    Ok(ImportView {
        id: row.id,
        kind,
        filename: row.filename,
        skip_invalid: row.skip_invalid,
        status,
        percent: u8::try_from(percent.min(100)).unwrap_or(100),
        total_rows: total,
        processed_rows: count(row.processed_rows),
        created: count(row.created_count),
        updated: count(row.updated_count),
        unchanged: count(row.unchanged_count),
        invalid: count(row.invalid_count),
        error,
        errors: errors
            .iter()
            .map(|e| ImportRowError {
                line: count(e.line),
                column: e.column_name.clone(),
                message: match lang {
                    Lang::It => e.message_it.clone(),
                    Lang::En => e.message_en.clone(),
                },
            })
            .collect(),
        errors_truncated: stored_errors > i64::try_from(errors.len()).unwrap_or(0)
            || stored_errors >= job::MAX_STORED_ERRORS,
        created_at: row.created_at.and_utc(),
        started_at: row.started_at.map(|t| t.and_utc()),
        finished_at: row.finished_at.map(|t| t.and_utc()),
    })
}
