//! Persistence: one code base over SQLite (embedded default) and PostgreSQL, picked from
//! the `DATABASE_URL` scheme.

mod fixes;
mod group_commit;
pub mod models;
pub mod repo;
pub mod schema;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::ApiError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
/// The PostgreSQL advisory lock key under which migrations run ("SPORTELO" in ASCII).
const MIGRATION_LOCK: i64 = 0x5350_4f52_5445_4c4f;
/// The advisory lock key of [`Db::exclusively`].
const STARTUP_LOCK: i64 = MIGRATION_LOCK + 1;

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type DbPool = Pool<ConnectionManager<DbConn>>;
pub type PooledConn = PooledConnection<ConnectionManager<DbConn>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Readers and the writer. SQLite allows one writer at a time: giving it a pool of one
/// connection queues writers in-process instead of spinning on `SQLITE_BUSY`, and lets a
/// transaction read-then-write without lock upgrades failing. PostgreSQL shares one pool.
#[derive(Clone)]
pub struct Db {
    pub backend: Backend,
    read: DbPool,
    write: DbPool,
    /// SQLite: write transactions committed in batches by the writer thread.
    group: Option<std::sync::Arc<group_commit::GroupCommit>>,
    /// PostgreSQL: filings committed in batches (see [`Db::filing_tx`]).
    filings: Option<std::sync::Arc<group_commit::GroupCommit>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("database: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("migrations: {0}")]
    Migration(String),
    #[error("unsupported DATABASE_URL (use sqlite://path or postgres://…)")]
    UnsupportedUrl,
    #[error("creating the database folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored secrets: {0}")]
    Secret(String),
}

/// SQLite settings applied to every new connection.
#[derive(Debug, Clone, Copy)]
struct SqlitePragmas {
    synchronous_full: bool,
}

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), diesel::r2d2::Error> {
        if let DbConn::Sqlite(c) = conn {
            // WAL: readers never block the writer; NORMAL keeps every commit across a
            // process crash (FULL also across power loss, at an fsync per commit).
            let sync = if self.synchronous_full {
                "FULL"
            } else {
                "NORMAL"
            };
            let pragmas = format!(
                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                 PRAGMA synchronous = {sync}; PRAGMA cache_size = -8000; PRAGMA temp_store = MEMORY;"
            );
            c.batch_execute(&pragmas)
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

impl Db {
    /// Connects, creating the SQLite file (and its folder) if needed, and runs migrations.
    pub fn connect(
        url: &str,
        max_connections: u32,
        synchronous_full: bool,
    ) -> Result<Self, DbError> {
        if let Some(path) = sqlite_path(url) {
            if let Some(parent) = std::path::Path::new(&path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent)?;
            }
            let manager = || ConnectionManager::<DbConn>::new(format!("sqlite://{path}"));
            let pragmas = SqlitePragmas { synchronous_full };
            let write = Pool::builder()
                .max_size(1)
                .connection_timeout(Duration::from_secs(30))
                .connection_customizer(Box::new(pragmas))
                .build(manager())?;
            // Migrate before readers open so WAL mode is set once by the writer.
            let db = Self {
                backend: Backend::Sqlite,
                read: write.clone(),
                group: Some(std::sync::Arc::new(group_commit::GroupCommit::new(
                    write.clone(),
                ))),
                filings: None,
                write,
            };
            db.migrate()?;
            fixes::apply_pending(&db, None)?;
            let read = Pool::builder()
                .max_size(max_connections.max(2))
                .min_idle(Some(1))
                .connection_timeout(Duration::from_secs(10))
                .connection_customizer(Box::new(pragmas))
                .build(manager())?;
            Ok(Self { read, ..db })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = Pool::builder()
                .max_size(max_connections)
                .connection_timeout(Duration::from_secs(10))
                .build(ConnectionManager::<DbConn>::new(url))?;
            let db = Self {
                backend: Backend::Postgres,
                read: pool.clone(),
                filings: Some(std::sync::Arc::new(group_commit::GroupCommit::new(
                    pool.clone(),
                ))),
                write: pool,
                group: None,
            };
            db.migrate()?;
            fixes::apply_pending(&db, None)?;
            Ok(db)
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }

    /// Applies the pending migrations (on PostgreSQL under an advisory lock).
    pub fn migrate(&self) -> Result<(), DbError> {
        let mut conn = self.write.get()?;
        let result = match &mut *conn {
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
            DbConn::Postgresql(c) => {
                // Processes starting together on one database take turns: the first
                // applies what is pending, the others then find nothing to do.
                diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                    .execute(c)
                    .map_err(|e| DbError::Migration(e.to_string()))?;
                let done = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ());
                let _ = diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                    .execute(c);
                done
            }
        };
        result.map_err(|e| DbError::Migration(e.to_string()))
    }

    /// Runs `f` while no other process of the installation runs its own: the first start
    /// on a new database creates what every process shares (the token key, the default
    /// tenant), the others then read it. On PostgreSQL an advisory lock held on a
    /// connection of its own; SQLite is one process.
    pub fn exclusively<T, E: From<DbError>>(
        &self,
        f: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.write.get().map_err(DbError::from)?;
        let DbConn::Postgresql(c) = &mut *conn else {
            drop(conn);
            return f();
        };
        diesel::sql_query(format!("SELECT pg_advisory_lock({STARTUP_LOCK})"))
            .execute(c)
            .map_err(DbError::from)?;
        let result = f();
        let _ = diesel::sql_query(format!("SELECT pg_advisory_unlock({STARTUP_LOCK})")).execute(c);
        result
    }

    /// Applies the queued data fixes, those that need the secret key too.
    pub fn apply_fixes(&self, key: &crate::secret_key::SecretKey) -> Result<(), DbError> {
        fixes::apply_pending(self, Some(key))
    }

    pub fn reader(&self) -> Result<PooledConn, DbError> {
        Ok(self.read.get()?)
    }

    pub fn writer(&self) -> Result<PooledConn, DbError> {
        Ok(self.write.get()?)
    }

    /// Runs `f` in one write transaction: all of it is stored, or none. On SQLite it is
    /// committed together with the others waiting for the writer (`group_commit`); it
    /// returns once the commit is on disk.
    pub fn write_tx<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, ApiError>
    where
        E: From<diesel::result::Error>,
        ApiError: From<E>,
    {
        if let Some(group) = &self.group {
            return group.run(f);
        }
        let mut conn = self.writer()?;
        Ok(DbConn::transaction(&mut conn, f)?)
    }

    /// Runs a filing (a write that takes the tenant's protocol counter) in one write
    /// transaction, as [`Db::write_tx`]. On PostgreSQL every filing of a tenant and year
    /// waits for the counter's row lock, which the one before holds until its commit is on
    /// disk: one at a time, a commit each. Here the filings of this process queue in-process
    /// instead and are committed in groups on one connection (`group_commit`: a savepoint
    /// each, nobody returns before the group's `COMMIT`), so one lock hold and one WAL flush
    /// serve the group. Gapless numbers are kept: a failed filing rolls back to its
    /// savepoint, counter included.
    pub fn filing_tx<T, E>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, E>,
    ) -> Result<T, ApiError>
    where
        E: From<diesel::result::Error>,
        ApiError: From<E>,
    {
        match &self.filings {
            Some(filings) => filings.run(f),
            None => self.write_tx(f),
        }
    }

    /// Runs `f` on a reader connection.
    pub fn read<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, ApiError>
    where
        ApiError: From<E>,
    {
        let mut conn = self.reader()?;
        Ok(f(&mut conn)?)
    }

    /// Readiness: one round trip to the database.
    pub fn ping(&self) -> Result<(), DbError> {
        let mut conn = self.reader()?;
        diesel::sql_query("SELECT 1").execute(&mut *conn)?;
        Ok(())
    }
}

/// `sqlite://path`, `sqlite:path` or a bare file path → the path.
pub(crate) fn sqlite_path(url: &str) -> Option<String> {
    if let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        return Some(rest.to_owned());
    }
    (!url.contains("://")).then(|| url.to_owned())
}

/// Runs the same diesel query on the concrete connection. Native backends cache prepared
/// statements by the query's type; through `MultiBackend` every call rebuilds the SQL text
/// and SQLite re-prepares it. Hot paths (filing, a citizen's list) go native.
#[macro_export]
macro_rules! native {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Postgresql($c) => $body,
        }
    };
}

/// At most one row, without `LIMIT ?`: SQLite re-prepares a statement whenever a bound
/// LIMIT is re-bound (the planner may use its value), which cost more than the query.
/// For lookups by a unique key.
pub fn at_most_one<T>(rows: Vec<T>) -> Option<T> {
    rows.into_iter().next()
}

/// True when the error is a unique-constraint violation (e.g. a duplicate e-mail).
pub fn is_unique_violation(err: &diesel::result::Error) -> bool {
    matches!(
        err,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
