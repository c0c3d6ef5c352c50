//! Backups of the embedded database. SQLite's `VACUUM INTO` writes a consistent snapshot of
//! a live database into a new file in one read transaction (writers keep going); restoring
//! checks the snapshot and swaps it in atomically. PostgreSQL deployments use `pg_dump`.

use std::path::{Path, PathBuf};

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::{Backend, Db, DbConn};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "backups of PostgreSQL are made with its own tools: pg_dump -Fc \"$DATABASE_URL\" > sportello.dump, \
         restored with pg_restore --clean -d \"$DATABASE_URL\" sportello.dump"
    )]
    Postgres,
    #[error("{0} already exists: choose a new file")]
    Exists(PathBuf),
    #[error("{0} is not a Sportello backup: {1}")]
    NotABackup(PathBuf, String),
    #[error("database: {0}")]
    Db(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

#[derive(QueryableByName)]
struct One {
    #[diesel(sql_type = Text)]
    value: String,
}

/// Writes a consistent snapshot of the live database to `dest` (which must not exist).
pub fn backup(db: &Db, dest: &Path) -> Result<(), BackupError> {
    if db.backend == Backend::Postgres {
        return Err(BackupError::Postgres);
    }
    if dest.exists() {
        return Err(BackupError::Exists(dest.to_owned()));
    }
    let mut conn = db.reader().map_err(|e| BackupError::Db(e.to_string()))?;
    let DbConn::Sqlite(c) = &mut *conn else {
        return Err(BackupError::Postgres);
    };
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(dest.display().to_string())
        .execute(c)
        .map_err(|e| BackupError::Db(e.to_string()))?;
    Ok(())
}

fn sqlite_path(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(rest))
}

/// Checks that `file` is an intact Sportello database.
fn verify(file: &Path) -> Result<(), BackupError> {
    let not = |why: String| BackupError::NotABackup(file.to_owned(), why);
    let mut conn = diesel::SqliteConnection::establish(&file.display().to_string())
        .map_err(|e| not(e.to_string()))?;
    let integrity: One =
        diesel::sql_query("SELECT integrity_check AS value FROM pragma_integrity_check")
            .get_result(&mut conn)
            .map_err(|e| not(e.to_string()))?;
    if integrity.value != "ok" {
        return Err(not(format!("integrity check: {}", integrity.value)));
    }
    diesel::sql_query(
        "SELECT name AS value FROM sqlite_master WHERE type = 'table' AND name = 'requests'",
    )
    .get_result::<One>(&mut conn)
    .map_err(|_| not("no requests table".into()))?;
    Ok(())
}

/// Replaces the database named by `database_url` with the backup `src`. Run it with the
/// server stopped: the old file (and its WAL) is replaced by an atomic rename.
pub fn restore(database_url: &str, src: &Path) -> Result<PathBuf, BackupError> {
    let target = sqlite_path(database_url).ok_or(BackupError::Postgres)?;
    verify(src)?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let staging = target.with_extension("restoring");
    std::fs::copy(src, &staging)?;
    std::fs::File::open(&staging)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    std::fs::rename(&staging, &target)?;
    Ok(target)
}
