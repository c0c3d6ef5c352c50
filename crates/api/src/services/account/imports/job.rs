//! Running an import: claimed with a lease by whichever node (or the CLI) gets it first,
//! streamed from the stored file in batches, and resumable. All-or-nothing imports check
//! every row first (writing nothing) and apply only a clean file; skip-invalid imports
//! apply the valid rows and report the others. Each applied batch commits with the
//! checkpoint (`applied_rows`) and its errors, so a job taken over after a crash goes on
//! from the last committed batch, and the upserts make a repeated batch change nothing.

use std::io::Read;
use std::str::FromStr;

use chrono::{Duration, Utc};
use domain::calendar::rome_date;
use domain::error::{DomainError, FieldError, Lang, Message};
use domain::tax::import::{Header, ImportKind};

use super::batch::{self, Ctx, Line, Outcome};
use super::reader::{self, Encoding};
use crate::db::models::{ImportErrorRow, ImportRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{imports, new_id};
use crate::db::{Db, DbConn};
use crate::error::{ApiError, ApiResult, storage_error};
use crate::storage::FileStore;

/// How long a claim holds without news from its node.
pub const LEASE_SECONDS: i64 = 120;
/// Claims after which a job that keeps failing is given up.
pub const MAX_ATTEMPTS: i32 = 5;
/// Row errors kept per import (the count goes on beyond).
pub const MAX_STORED_ERRORS: i64 = 10_000;

const LEASE_LOST: &str = "import lease lost";

/// What an import needs: the database, the stored files and the batch size.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub db: &'a Db,
    pub files: &'a dyn FileStore,
    pub batch_rows: usize,
}

/// Who follows a running import: progress after each batch, and whether to stop (between
/// batches; the job is released and resumes later).
pub trait Watch {
    fn progress(&self, _job: &ImportRow) {}
    fn stop(&self) -> bool {
        false
    }
}

/// A watch that never stops.
pub struct Unwatched;
impl Watch for Unwatched {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ran {
    Finished,
    /// Asked to stop: released for a later run.
    Stopped,
    /// Another node took the job over.
    Lost,
}

fn lease_lost() -> ApiError {
    ApiError::Conflict(Message::new(LEASE_LOST, LEASE_LOST))
}

fn is_lease_lost(e: &ApiError) -> bool {
    matches!(e, ApiError::Conflict(m) if m.en == LEASE_LOST)
}

/// Claims an open import (only `only`, when given) and runs it to its end or until
/// `watch` stops it. `None` when there was nothing to claim.
pub fn claim_and_run(
    env: Env<'_>,
    only: Option<&str>,
    watch: &dyn Watch,
) -> ApiResult<Option<(String, Ran)>> {
    let token = new_id();
    let now = Utc::now().naive_utc();
    let until = now + Duration::seconds(LEASE_SECONDS);
    let Some(job) = env
        .db
        .write_tx(|c| imports::claim(c, now, until, &token, only))?
    else {
        return Ok(None);
    };
    if job.attempts > MAX_ATTEMPTS {
        let msg = (
            "L'importazione si è interrotta troppe volte: caricare di nuovo il file",
            "The import was interrupted too many times: upload the file again",
        );
        finish(env, &job, &token, false, Some(msg))?;
        return Ok(Some((job.id, Ran::Finished)));
    }
    match run(env, &job, &token, watch) {
        Ok(ran) => Ok(Some((job.id, ran))),
        Err(e) if is_lease_lost(&e) => Ok(Some((job.id, Ran::Lost))),
        Err(e) => {
            // Let it be retried (here or on another node) from the last checkpoint.
            let _ = env.db.write_tx(|c| imports::release(c, &job.id, &token));
            Err(e)
        }
    }
}

fn finish(
    env: Env<'_>,
    job: &ImportRow,
    token: &str,
    ok: bool,
    error: Option<(&str, &str)>,
) -> ApiResult<()> {
    env.db.write_tx(|c| {
        let status = if ok { "completed" } else { "failed" };
        if !imports::finish(c, &job.id, token, status, error, Utc::now().naive_utc())? {
            return Err(lease_lost());
        }
        let done = imports::find_by_id(c, &job.id)?.ok_or(ApiError::NotFound)?;
        Audit {
            tenant_id: &job.tenant_id,
            actor_id: job.created_by.as_deref(),
            action: if ok { "import.complete" } else { "import.fail" },
            entity: "import",
            entity_id: Some(&job.id),
        }
        .record(
            c,
            None::<&()>,
            Some(&serde_json::json!({
                "kind": done.kind, "filename": done.filename, "status": status,
                "created": done.created_count, "updated": done.updated_count,
                "unchanged": done.unchanged_count, "invalid": done.invalid_count,
                "error": error.map(|e| e.1),
            })),
        )?;
        Ok(())
    })
}

/// The file's rows, in order, from the stored copy.
struct Rows {
    reader: csv::Reader<Box<dyn Read + Send>>,
    record: csv::StringRecord,
}

impl Rows {
    /// Opens the file and reads its header.
    fn open(
        files: &dyn FileStore,
        key: &str,
        encoding: Encoding,
        separator: u8,
    ) -> ApiResult<(Self, csv::StringRecord)> {
        let raw = files.open(key).map_err(storage_error)?;
        let mut reader = reader::csv_reader(reader::decoded(raw, encoding), separator);
        let mut header = csv::StringRecord::new();
        reader.read_record(&mut header).map_err(csv_error)?;
        Ok((
            Self {
                reader,
                record: csv::StringRecord::new(),
            },
            header,
        ))
    }

    /// The next non-blank row.
    fn next(&mut self) -> Result<Option<Line>, FileError> {
        loop {
            if !self
                .reader
                .read_record(&mut self.record)
                .map_err(FileError::Csv)?
            {
                return Ok(None);
            }
            if reader::is_blank(&self.record) {
                continue;
            }
            let line = self.record.position().map_or(0, csv::Position::line);
            return Ok(Some(Line {
                line,
                cells: self.record.iter().map(str::to_owned).collect(),
            }));
        }
    }

    /// Up to `n` rows.
    fn batch(&mut self, n: usize) -> Result<Vec<Line>, FileError> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            match self.next()? {
                Some(l) => out.push(l),
                None => break,
            }
        }
        Ok(out)
    }
}

/// A file that cannot be read as CSV: the whole import is refused.
enum FileError {
    Csv(csv::Error),
}

impl FileError {
    fn message(&self) -> (String, String) {
        match self {
            Self::Csv(e) => {
                let at = e
                    .position()
                    .map(|p| format!(" (riga {})", p.line()))
                    .unwrap_or_default();
                let at_en = e
                    .position()
                    .map(|p| format!(" (line {})", p.line()))
                    .unwrap_or_default();
                (
                    format!("Il file non è un CSV leggibile{at}: {e}"),
                    format!("The file is not readable CSV{at_en}: {e}"),
                )
            }
        }
    }
}

fn csv_error(e: csv::Error) -> ApiError {
    if e.is_io_error() {
        ApiError::Internal(e.into())
    } else {
        let (it, en) = FileError::Csv(e).message();
        ApiError::Domain(DomainError::invalid("file", it, en))
    }
}

fn header_error(e: &DomainError) -> (String, String) {
    (e.summary(Lang::It), e.summary(Lang::En))
}

fn run(env: Env<'_>, job: &ImportRow, token: &str, watch: &dyn Watch) -> ApiResult<Ran> {
    let kind = ImportKind::from_str(&job.kind)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored import kind: {e}")))?;
    let open = |key: &str| env.files.open(key).map_err(storage_error);
    let encoding = reader::detect_encoding(open(&job.storage_key)?)
        .map_err(|e| ApiError::Internal(e.into()))?;
    let separator = reader::detect_separator(reader::decoded(open(&job.storage_key)?, encoding))
        .map_err(|e| ApiError::Internal(e.into()))?;
    let fail = |it: &str, en: &str| -> ApiResult<Ran> {
        finish(env, job, token, false, Some((it, en)))?;
        Ok(Ran::Finished)
    };
    let rows = |env: Env<'_>| Rows::open(env.files, &job.storage_key, encoding, separator);
    let (mut first, names) = match rows(env) {
        Ok(r) => r,
        Err(ApiError::Domain(e)) => {
            let (it, en) = header_error(&e);
            return fail(&it, &en);
        }
        Err(e) => return Err(e),
    };
    let names: Vec<&str> = names.iter().collect();
    let header = match Header::parse(kind, &names) {
        Ok(h) => h,
        Err(e) => {
            let (it, en) = header_error(&e);
            return fail(&it, &en);
        }
    };
    // Count the rows first: the progress bar then knows where the end is.
    if job.total_rows.is_none() {
        let mut total = 0i64;
        loop {
            match first.next() {
                Ok(Some(_)) => total += 1,
                Ok(None) => break,
                Err(e) => {
                    let (it, en) = e.message();
                    return fail(&it, &en);
                }
            }
        }
        if !env
            .db
            .write_tx(|c| imports::set_total(c, &job.id, token, total))?
        {
            return Ok(Ran::Lost);
        }
    }
    let mut job = env
        .db
        .read(|c| imports::find_by_id(c, &job.id))?
        .ok_or(ApiError::NotFound)?;
    watch.progress(&job);
    let actor = job.created_by.clone();
    let tenant_id = job.tenant_id.clone();
    let ctx = |now: chrono::DateTime<Utc>| Ctx {
        tenant_id: &tenant_id,
        today: rome_date(now),
        now: now.naive_utc(),
        actor: actor.as_deref(),
    };

    if !job.skip_invalid && job.status != "applying" {
        // Check every row; nothing is written.
        env.db.write_tx(|c| imports::delete_errors(c, &job.id, 0))?;
        let mut progress = imports::Progress::default();
        let mut seq = 0i64;
        let (mut rows, _) = rows(env)?;
        loop {
            let batch = match rows.batch(env.batch_rows) {
                Ok(b) => b,
                Err(e) => {
                    let (it, en) = e.message();
                    return fail(&it, &en);
                }
            };
            if batch.is_empty() {
                break;
            }
            let now = Utc::now();
            let ctx = ctx(now);
            let outcome = env
                .db
                .read(|c| batch::process(c, ctx, &header, &batch, false))?;
            progress.processed_rows += batch.len() as i64;
            progress.invalid += outcome.invalid as i64;
            if !env.db.write_tx(|c| {
                store_errors(c, &job.id, &mut seq, &outcome)?;
                Ok::<_, ApiError>(imports::checkpoint(
                    c,
                    &job.id,
                    token,
                    "validating",
                    progress,
                    lease_from(now),
                )?)
            })? {
                return Ok(Ran::Lost);
            }
            refresh(env, &mut job, watch)?;
            if watch.stop() {
                env.db.write_tx(|c| imports::release(c, &job.id, token))?;
                return Ok(Ran::Stopped);
            }
        }
        if progress.invalid > 0 {
            let n = progress.invalid;
            return fail(
                &format!(
                    "{n} righe non valide: nessuna riga è stata importata (correggere il file, o importare saltando le righe non valide)"
                ),
                &format!(
                    "{n} invalid rows: no row was imported (fix the file, or import skipping the invalid rows)"
                ),
            );
        }
        let start = imports::Progress::default();
        if !env.db.write_tx(|c| {
            imports::checkpoint(c, &job.id, token, "applying", start, lease_from(Utc::now()))
        })? {
            return Ok(Ran::Lost);
        }
        refresh(env, &mut job, watch)?;
    }

    // Apply, from the last committed batch on.
    let mut progress = imports::Progress {
        processed_rows: job.applied_rows,
        applied_rows: job.applied_rows,
        created: job.created_count,
        updated: job.updated_count,
        unchanged: job.unchanged_count,
        invalid: job.invalid_count,
    };
    let mut seq = env.db.read(|c| imports::count_errors(c, &job.id))?;
    let (mut rows, _) = rows(env)?;
    let mut skipped = 0;
    while skipped < job.applied_rows {
        match rows.next() {
            Ok(Some(_)) => skipped += 1,
            Ok(None) => break,
            Err(e) => {
                let (it, en) = e.message();
                return fail(&it, &en);
            }
        }
    }
    loop {
        let batch = match rows.batch(env.batch_rows) {
            Ok(b) => b,
            Err(e) => {
                let (it, en) = e.message();
                return fail(&it, &en);
            }
        };
        if batch.is_empty() {
            break;
        }
        let now = Utc::now();
        let ctx = ctx(now);
        env.db.write_tx(|c| {
            let outcome = batch::process(c, ctx, &header, &batch, true)?;
            let mut p = progress;
            p.applied_rows += batch.len() as i64;
            p.processed_rows = p.applied_rows;
            p.created += outcome.created as i64;
            p.updated += outcome.updated as i64;
            p.unchanged += outcome.unchanged as i64;
            p.invalid += outcome.invalid as i64;
            if !imports::checkpoint(c, &job.id, token, "applying", p, lease_from(now))? {
                return Err(lease_lost());
            }
            store_errors(c, &job.id, &mut seq, &outcome)?;
            progress = p;
            Ok::<_, ApiError>(())
        })?;
        refresh(env, &mut job, watch)?;
        if watch.stop() {
            env.db.write_tx(|c| imports::release(c, &job.id, token))?;
            return Ok(Ran::Stopped);
        }
    }
    finish(env, &job, token, true, None)?;
    Ok(Ran::Finished)
}

fn lease_from(now: chrono::DateTime<Utc>) -> chrono::NaiveDateTime {
    (now + Duration::seconds(LEASE_SECONDS)).naive_utc()
}

fn refresh(env: Env<'_>, job: &mut ImportRow, watch: &dyn Watch) -> ApiResult<()> {
    if let Some(j) = env.db.read(|c| imports::find_by_id(c, &job.id))? {
        *job = j;
    }
    watch.progress(job);
    Ok(())
}

fn store_errors(
    c: &mut DbConn,
    import_id: &str,
    seq: &mut i64,
    outcome: &Outcome,
) -> ApiResult<()> {
    let rows: Vec<ImportErrorRow> = outcome
        .errors
        .iter()
        .take(usize::try_from((MAX_STORED_ERRORS - *seq).max(0)).unwrap_or(0))
        .map(|(line, e): &(u64, FieldError)| {
            *seq += 1;
            ImportErrorRow {
                import_id: import_id.to_owned(),
                seq: *seq,
                line: i64::try_from(*line).unwrap_or(i64::MAX),
                column_name: e.field.to_string(),
                message_it: e.message.it.to_string(),
                message_en: e.message.en.to_string(),
            }
        })
        .collect();
    imports::insert_errors(c, &rows)?;
    Ok(())
}
