//! Import jobs: queued by an upload (or the CLI), claimed by any node with a lease, moved
//! forward batch by batch, and their row-level error report.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{ImportErrorRow, ImportRow};
use crate::db::schema::{import_errors, imports};

pub fn insert(conn: &mut DbConn, row: &ImportRow) -> QueryResult<()> {
    diesel::insert_into(imports::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<ImportRow>> {
    imports::table
        .filter(imports::tenant_id.eq(tenant_id))
        .filter(imports::id.eq(id))
        .select(ImportRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_id(conn: &mut DbConn, id: &str) -> QueryResult<Option<ImportRow>> {
    imports::table
        .find(id)
        .select(ImportRow::as_select())
        .first(conn)
        .optional()
}

/// The tenant's imports, newest first.
pub fn list(
    conn: &mut DbConn,
    tenant_id: &str,
    before_id: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ImportRow>> {
    let mut q = imports::table
        .filter(imports::tenant_id.eq(tenant_id))
        .order(imports::id.desc())
        .limit(limit)
        .select(ImportRow::as_select())
        .into_boxed();
    if let Some(id) = before_id {
        q = q.filter(imports::id.lt(id.to_owned()));
    }
    q.load(conn)
}

/// Takes the oldest open import whose lease is free (never taken, released, or expired
/// because its node died) for `token` until `lease_until`. On PostgreSQL the candidate is
/// locked with `SKIP LOCKED`; the conditional update keeps the claim exclusive on both.
pub fn claim(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    token: &str,
    only: Option<&str>,
) -> QueryResult<Option<ImportRow>> {
    macro_rules! candidates {
        () => {
            imports::table
                .filter(imports::status.eq_any(["queued", "validating", "applying"]))
                .filter(
                    imports::locked_until
                        .is_null()
                        .or(imports::locked_until.lt(now)),
                )
                .filter(
                    imports::id
                        .eq(only.unwrap_or_default())
                        .or(only.is_none().into_sql::<diesel::sql_types::Bool>()),
                )
                .order(imports::id.asc())
                .limit(1)
                .select(imports::id)
        };
    }
    let ids: Vec<String> = match conn {
        DbConn::Postgresql(c) => candidates!().for_update().skip_locked().load(c)?,
        DbConn::Sqlite(c) => candidates!().load(c)?,
    };
    let Some(id) = ids.into_iter().next() else {
        return Ok(None);
    };
    let n = diesel::update(
        imports::table.filter(imports::id.eq(&id)).filter(
            imports::locked_until
                .is_null()
                .or(imports::locked_until.lt(now)),
        ),
    )
    .set((
        imports::locked_until.eq(Some(lease_until)),
        imports::lease_token.eq(Some(token)),
        imports::attempts.eq(imports::attempts + 1),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(None);
    }
    diesel::update(
        imports::table
            .filter(imports::id.eq(&id))
            .filter(imports::started_at.is_null()),
    )
    .set(imports::started_at.eq(Some(now)))
    .execute(conn)?;
    find_by_id(conn, &id)
}

/// Progress of a job that still holds its lease (else `false`: another node took over).
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub processed_rows: i64,
    pub applied_rows: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub invalid: i64,
}

pub fn checkpoint(
    conn: &mut DbConn,
    id: &str,
    token: &str,
    status: &str,
    p: Progress,
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        imports::table
            .filter(imports::id.eq(id))
            .filter(imports::lease_token.eq(token)),
    )
    .set((
        imports::status.eq(status),
        imports::processed_rows.eq(p.processed_rows),
        imports::applied_rows.eq(p.applied_rows),
        imports::created_count.eq(p.created),
        imports::updated_count.eq(p.updated),
        imports::unchanged_count.eq(p.unchanged),
        imports::invalid_count.eq(p.invalid),
        imports::locked_until.eq(Some(lease_until)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The rows of the file, once counted.
pub fn set_total(conn: &mut DbConn, id: &str, token: &str, total: i64) -> QueryResult<bool> {
    let n = diesel::update(
        imports::table
            .filter(imports::id.eq(id))
            .filter(imports::lease_token.eq(token)),
    )
    .set(imports::total_rows.eq(Some(total)))
    .execute(conn)?;
    Ok(n == 1)
}

/// Ends the job: completed or failed, with a file-level error if any; the lease goes.
pub fn finish(
    conn: &mut DbConn,
    id: &str,
    token: &str,
    status: &str,
    error: Option<(&str, &str)>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        imports::table
            .filter(imports::id.eq(id))
            .filter(imports::lease_token.eq(token)),
    )
    .set((
        imports::status.eq(status),
        imports::error_it.eq(error.map(|e| e.0)),
        imports::error_en.eq(error.map(|e| e.1)),
        imports::finished_at.eq(Some(at)),
        imports::locked_until.eq(None::<NaiveDateTime>),
        imports::lease_token.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Gives the job back (the node stops): whoever claims it next resumes it at once.
pub fn release(conn: &mut DbConn, id: &str, token: &str) -> QueryResult<()> {
    diesel::update(
        imports::table
            .filter(imports::id.eq(id))
            .filter(imports::lease_token.eq(token)),
    )
    .set((
        imports::locked_until.eq(None::<NaiveDateTime>),
        imports::lease_token.eq(None::<String>),
    ))
    .execute(conn)
    .map(|_| ())
}

pub fn insert_errors(conn: &mut DbConn, rows: &[ImportErrorRow]) -> QueryResult<()> {
    for chunk in rows.chunks(1_000) {
        crate::native!(conn, |c| diesel::insert_into(import_errors::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Errors from `from_seq` on (a validation started again drops what it had found).
pub fn delete_errors(conn: &mut DbConn, import_id: &str, from_seq: i64) -> QueryResult<()> {
    diesel::delete(
        import_errors::table
            .filter(import_errors::import_id.eq(import_id))
            .filter(import_errors::seq.ge(from_seq)),
    )
    .execute(conn)
    .map(|_| ())
}

pub fn count_errors(conn: &mut DbConn, import_id: &str) -> QueryResult<i64> {
    import_errors::table
        .filter(import_errors::import_id.eq(import_id))
        .count()
        .get_result(conn)
}

/// Errors in file order, from `after_seq` on.
pub fn errors(
    conn: &mut DbConn,
    import_id: &str,
    after_seq: i64,
    limit: i64,
) -> QueryResult<Vec<ImportErrorRow>> {
    import_errors::table
        .filter(import_errors::import_id.eq(import_id))
        .filter(import_errors::seq.gt(after_seq))
        .order(import_errors::seq.asc())
        .limit(limit)
        .select(ImportErrorRow::as_select())
        .load(conn)
}
