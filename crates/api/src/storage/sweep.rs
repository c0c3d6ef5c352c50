//! The sweep of orphaned files. A file is stored before the row that names it is
//! committed, and deleted again when that transaction fails; a crash (or a failed delete)
//! between the two leaves a file no row names. Now and then (`SPORTELLO_FILES_SWEEP_MINUTES`,
//! on every node with background workers) the files older than a grace period
//! (`SPORTELLO_FILES_GRACE_MINUTES`, longer than any transaction) are listed and those no
//! row names are deleted.
//!
//! Only the kinds of file whose rows say so are swept: attachments, public documents,
//! identity documents, stored mails and imports. A key stays while any row names it
//! (a chat's attachment may share its file with a request's) or a delivery attaches it
//! (a conversation exported as PDF). Calendar files and pagoPA notices are attached by
//! deliveries queued later (the reminder of the day before) and are never swept.

use std::time::Duration;

use actix_web::web;
use chrono::{DateTime, Utc};

use super::FileStore;
use crate::db::Db;
use crate::db::repo::files as repo;
use crate::error::{ApiResult, storage_error};
use crate::state::AppState;

/// The second segment of the keys that are swept (`{tenant}/{kind}/…`).
pub const KINDS: [&str; 5] = [
    "attachments",
    "documents",
    "registrations",
    "mail",
    "imports",
];
/// Keys looked up in the database at once.
const BATCH: usize = 200;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Files old enough to be looked at.
    pub examined: usize,
    /// Of those, the ones no row named, now deleted.
    pub deleted: usize,
}

fn swept_kind(key: &str) -> bool {
    let mut segments = key.split('/');
    let (_tenant, kind) = (segments.next(), segments.next());
    kind.is_some_and(|k| KINDS.contains(&k)) && segments.next().is_some()
}

/// One pass: deletes the swept kinds of file written before `written_before` that no row
/// names. Blocking (database and store).
pub fn run_once(db: &Db, files: &dyn FileStore, written_before: DateTime<Utc>) -> ApiResult<Swept> {
    let mut swept = Swept::default();
    let mut batch = Vec::with_capacity(BATCH);
    for listed in files.list("").map_err(storage_error)? {
        let (key, written) = listed.map_err(storage_error)?;
        if written >= written_before || !swept_kind(&key) {
            continue;
        }
        swept.examined += 1;
        batch.push(key);
        if batch.len() == BATCH {
            swept.deleted += settle(db, files, &mut batch)?;
        }
    }
    swept.deleted += settle(db, files, &mut batch)?;
    Ok(swept)
}

/// Deletes the keys of `batch` nothing names; empties it.
fn settle(db: &Db, files: &dyn FileStore, batch: &mut Vec<String>) -> ApiResult<usize> {
    if batch.is_empty() {
        return Ok(0);
    }
    let named = db.read(|c| repo::referenced(c, batch))?;
    let mut deleted = 0;
    for key in batch.drain(..) {
        if named.contains(&key) {
            continue;
        }
        let tenant = key.split('/').next().unwrap_or_default();
        if db.read(|c| repo::named_by_delivery(c, tenant, &key))? {
            continue;
        }
        files.delete(&key).map_err(storage_error)?;
        tracing::info!(key, "orphaned file deleted");
        deleted += 1;
    }
    Ok(deleted)
}

/// The sweep every `SPORTELLO_FILES_SWEEP_MINUTES`, the first a minute after start-up.
/// Aborting it between two passes loses nothing.
pub fn spawn(state: web::Data<AppState>) -> tokio::task::JoinHandle<()> {
    let every = Duration::from_secs(state.config.files_sweep_minutes.max(1) * 60);
    // At most ten years: beyond that nothing is ever swept anyway.
    let grace = chrono::Duration::minutes(
        i64::try_from(state.config.files_grace_minutes.min(10 * 366 * 24 * 60)).unwrap_or(0),
    );
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(
            tokio::time::Instant::now() + Duration::from_secs(60).min(every),
            every,
        );
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let st = state.clone();
            let pass = tokio::task::spawn_blocking(move || {
                run_once(&st.db, st.files.as_ref(), Utc::now() - grace)
            })
            .await;
            match pass {
                Ok(Ok(s)) if s.deleted > 0 => {
                    tracing::info!(examined = s.examined, deleted = s.deleted, "file sweep");
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "file sweep"),
                Err(e) => tracing::error!(error = %e, "file sweep panicked"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::swept_kind;

    #[test]
    fn only_the_kinds_rows_name_are_swept() {
        assert!(swept_kind("t1/attachments/a.pdf"));
        assert!(swept_kind("t1/mail/a.eml"));
        assert!(swept_kind("t1/imports/a.csv"));
        assert!(!swept_kind("t1/agenda/b/1-confirmed.ics"));
        assert!(!swept_kind("t1/pagopa/reminders/x.pdf"));
        assert!(!swept_kind("t1/attachments"));
        assert!(!swept_kind("attachments"));
    }
}
