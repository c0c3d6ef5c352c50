//! Data corrections queued by migrations (`data_fixes` rows) that need the domain's rules.
//! Each runs in one transaction with the deletion of its row, before the server serves
//! anything. Fixes are idempotent, so two nodes starting together may both apply one.

use diesel::prelude::*;
use domain::calendar::rome_date;
use domain::deadline;

use super::schema::{data_fixes, requests, tenants};
use super::{Db, DbConn, DbError};
use crate::db::repo::{secrets, tenants as tenant_repo};
use crate::secret_key::SecretKey;

pub(super) fn apply_pending(db: &Db, key: Option<&SecretKey>) -> Result<(), DbError> {
    let mut conn = db.writer()?;
    conn.transaction::<_, DbError, _>(|c| {
        let pending: Vec<String> = data_fixes::table.select(data_fixes::name).load(c)?;
        for name in pending {
            match (name.as_str(), key) {
                ("tqrif_receipt_day_zero", _) => receipt_day_zero(c)?,
                ("seal_stored_secrets", Some(key)) => {
                    let done = secrets::reseal_all(c, key, key, false)?;
                    tracing::info!(
                        sealed = done.sealed,
                        "stored secrets sealed with the secret key"
                    );
                }
                ("seal_stored_secrets", None) => continue,
                (other, _) => {
                    tracing::warn!(fix = other, "unknown data fix left in place");
                    continue;
                }
            }
            diesel::delete(data_fixes::table.find(&name)).execute(c)?;
            tracing::info!(fix = %name, "data fix applied");
        }
        Ok(())
    })
}

/// Recomputes the due date of requests received on a day that is not a working day: the
/// receipt day is day 0 whatever it is (it used to be moved to the next working day).
fn receipt_day_zero(c: &mut DbConn) -> Result<(), DbError> {
    let tenant_rows: Vec<crate::db::models::TenantRow> = tenants::table.load(c)?;
    for row in tenant_rows {
        let tenant_id = row.id.clone();
        let calendar = tenant_repo::to_ctx(row).calendar;
        let rows: Vec<(String, chrono::NaiveDateTime, Option<i32>)> = requests::table
            .filter(requests::tenant_id.eq(&tenant_id))
            .filter(requests::standard_days.is_not_null())
            .select((requests::id, requests::received_at, requests::standard_days))
            .load(c)?;
        for (id, received_at, days) in rows {
            let received_at = received_at.and_utc();
            if calendar.is_working_day(rome_date(received_at)) {
                continue;
            }
            let due = deadline::due_date(received_at, days.map(|d| d as u32), &calendar);
            diesel::update(requests::table.find(&id))
                .set(requests::due_date.eq(due))
                .execute(c)?;
        }
    }
    Ok(())
}
