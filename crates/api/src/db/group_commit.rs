//! Group commit: for SQLite's single writer, and for filings on PostgreSQL (`Db::filing_tx`).
//!
//! Every write transaction used to commit on its own. On a busy day most of a filing's cost
//! was that commit (each dirty B-tree page written to the WAL and checksummed, and a
//! checkpoint every thousand pages), and with one writer that cost capped the whole desk.
//! Here a transaction that finds others queued behind it leaves the database transaction
//! open for them: each caller runs its own closure, on its own thread, inside a savepoint of
//! the shared transaction, and the last caller of the batch (nobody left waiting, or the
//! batch full) commits for all. A closure that fails rolls back to its savepoint alone.
//! Nobody returns before the batch's `COMMIT` did, so an acknowledged write is as durable
//! as before, and a failed `COMMIT` fails every transaction of its batch. Consecutive
//! filings touch the same index leaf pages: a batch writes each page once.
//! Without contention a transaction commits at once, as before.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use diesel::Connection;
use diesel::connection::TransactionManager;

use super::{DbConn, DbPool, PooledConn};
use crate::error::ApiError;

/// Most transactions committed together: past a few dozen the saving per transaction is
/// small and the first caller of the batch waits longer.
const MAX_BATCH: usize = 64;

type Manager = <DbConn as Connection>::TransactionManager;

/// Why one caller's savepoint rolled back.
enum Rollback<E> {
    Caller(E),
    Database(diesel::result::Error),
    Panic(Box<dyn std::any::Any + Send>),
}

impl<E> From<diesel::result::Error> for Rollback<E> {
    fn from(e: diesel::result::Error) -> Self {
        Self::Database(e)
    }
}

#[derive(Default)]
struct State {
    /// The writer connection while a batch is open.
    conn: Option<PooledConn>,
    /// The open batch (valid while `conn` is some) and how many callers ran in it.
    open: u64,
    jobs: usize,
    /// The last batch whose commit is known, and the recent ones that failed.
    done: u64,
    failed: BTreeMap<u64, String>,
}

pub struct GroupCommit {
    pool: DbPool,
    state: Mutex<State>,
    committed: Condvar,
    /// Callers between asking for the writer and getting it.
    queued: AtomicUsize,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit").finish_non_exhaustive()
    }
}

impl GroupCommit {
    /// Over the one-connection writer pool.
    pub fn new(pool: DbPool) -> Self {
        Self {
            pool,
            state: Mutex::default(),
            committed: Condvar::new(),
            queued: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Closures run under catch_unwind: a poisoned lock can only come from a bug here,
        // and the state stays consistent at every await point, so carry on.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` in a savepoint of the open batch (opening one if needed) and returns once
    /// the batch is committed.
    pub fn run<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, ApiError>
    where
        E: From<diesel::result::Error>,
        ApiError: From<E>,
    {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut st = self.lock();
        self.queued.fetch_sub(1, Ordering::SeqCst);

        if st.conn.is_none() {
            let mut conn = self.pool.get().map_err(super::DbError::from)?;
            Manager::begin_transaction(&mut *conn)?;
            st.conn = Some(conn);
            st.open = st.done + 1;
            st.jobs = 0;
        }
        let batch = st.open;
        st.jobs += 1;
        let conn = st.conn.as_mut().expect("open batch");
        // Inside the batch's transaction diesel makes this a savepoint.
        let result = conn.transaction::<T, Rollback<E>, _>(|c| {
            match catch_unwind(AssertUnwindSafe(|| f(c))) {
                Ok(r) => r.map_err(Rollback::Caller),
                Err(panic) => Err(Rollback::Panic(panic)),
            }
        });

        let commit_error = if self.queued.load(Ordering::SeqCst) > 0 && st.jobs < MAX_BATCH {
            // Someone is queued: they will run in this batch, and its last caller commits.
            while st.done < batch {
                st = self
                    .committed
                    .wait(st)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            st.failed.get(&batch).cloned()
        } else {
            let mut conn = st.conn.take().expect("open batch");
            let outcome = Manager::commit_transaction(&mut *conn).map_err(|e| {
                // Leave the connection clean (or marked broken) for the next batch.
                let _ = Manager::rollback_transaction(&mut *conn);
                e.to_string()
            });
            drop(conn);
            st.done = batch;
            if let Err(e) = &outcome {
                st.failed.insert(batch, e.clone());
                // Waiters of older batches have read theirs by now.
                st.failed = st.failed.split_off(&batch.saturating_sub(1024));
            }
            self.committed.notify_all();
            outcome.err()
        };
        drop(st);

        match (result, commit_error) {
            (Err(Rollback::Panic(panic)), _) => resume_unwind(panic),
            (Err(Rollback::Caller(e)), _) => Err(ApiError::from(e)),
            (Err(Rollback::Database(e)), _) => {
                Err(<ApiError as From<diesel::result::Error>>::from(e))
            }
            (Ok(_), Some(e)) => Err(ApiError::Internal(anyhow::anyhow!("commit failed: {e}"))),
            (Ok(v), None) => Ok(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use diesel::RunQueryDsl;
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::BigInt;

    use crate::db::{Db, DbConn};
    use crate::error::ApiError;

    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        x: i64,
    }

    fn insert(c: &mut DbConn, x: i64) -> Result<(), diesel::result::Error> {
        diesel::sql_query("INSERT INTO t (x) VALUES (?)")
            .bind::<BigInt, _>(x)
            .execute(c)
            .map(|_| ())
    }

    /// Many writers at once, some failing and one panicking: exactly the successful ones
    /// are stored, each caller hears its own outcome, and the failures leave no trace.
    #[test]
    fn each_transaction_commits_or_rolls_back_alone() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("g.db").display());
        let db = Arc::new(Db::connect(&url, 4, false).unwrap());
        db.write_tx(|c| c.batch_execute("CREATE TABLE t (x INTEGER PRIMARY KEY)"))
            .unwrap();

        let threads: Vec<_> = (0..16_i64)
            .map(|t| {
                let db = db.clone();
                std::thread::spawn(move || {
                    let mut stored = Vec::new();
                    for i in 0..50_i64 {
                        let x = t * 1000 + i;
                        let outcome =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                db.write_tx(|c| {
                                    insert(c, x)?;
                                    // A second write after the failure point must vanish too.
                                    insert(c, -x - 1)?;
                                    match x % 7 {
                                        0 => Err(ApiError::Conflict(domain::error::Message::new(
                                            "no", "no",
                                        ))),
                                        1 if x == 1 => panic!("closure panics"),
                                        // A duplicate key: the database refuses.
                                        2 => insert(c, x).map_err(ApiError::from),
                                        _ => Ok(()),
                                    }
                                })
                            }));
                        match outcome {
                            Ok(Ok(())) => stored.push(x),
                            Ok(Err(_)) => {}
                            Err(_) => assert_eq!(x, 1, "only x = 1 panics"),
                        }
                    }
                    stored
                })
            })
            .collect();
        let mut expected: Vec<i64> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        expected.sort_unstable();
        let planned = (0..16_i64)
            .flat_map(|t| (0..50).map(move |i| t * 1000 + i))
            .filter(|x| x % 7 != 0 && x % 7 != 2 && *x != 1)
            .count();
        assert_eq!(expected.len(), planned, "each caller heard its own outcome");

        let rows: Vec<Row> = db
            .read(|c| diesel::sql_query("SELECT x FROM t WHERE x >= 0 ORDER BY x").load(c))
            .unwrap();
        let stored: Vec<i64> = rows.into_iter().map(|r| r.x).collect();
        assert_eq!(stored, expected);
        let shadows: Vec<Row> = db
            .read(|c| diesel::sql_query("SELECT x FROM t WHERE x < 0").load(c))
            .unwrap();
        assert_eq!(shadows.len(), expected.len(), "no half-stored transaction");
        // The writer is usable afterwards.
        db.write_tx(|c| insert(c, 999_999)).unwrap();
    }
}
