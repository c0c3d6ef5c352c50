//! The audit log of operator and administrator writes: who, what, when, before/after.

use std::net::IpAddr;

use chrono::Utc;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::models::AuditRow;
use crate::db::schema::audit_log;

use super::new_id;

/// One audited change, written in the same transaction as the change itself.
#[derive(Debug)]
pub struct Audit<'a> {
    pub tenant_id: &'a str,
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<&'a str>,
}

impl Audit<'_> {
    pub fn record<B: Serialize, A: Serialize>(
        &self,
        conn: &mut DbConn,
        before: Option<&B>,
        after: Option<&A>,
    ) -> QueryResult<()> {
        self.record_from(conn, None, before, after)
    }

    /// Like [`Audit::record`], with the client's address (sign-ins, views, downloads).
    pub fn record_from<B: Serialize, A: Serialize>(
        &self,
        conn: &mut DbConn,
        ip: Option<IpAddr>,
        before: Option<&B>,
        after: Option<&A>,
    ) -> QueryResult<()> {
        let row = AuditRow {
            id: new_id(),
            tenant_id: self.tenant_id.to_owned(),
            actor_id: self.actor_id.map(str::to_owned),
            action: self.action.to_owned(),
            entity: self.entity.to_owned(),
            entity_id: self.entity_id.map(str::to_owned),
            before_state: before.and_then(|b| serde_json::to_string(b).ok()),
            after_state: after.and_then(|a| serde_json::to_string(a).ok()),
            created_at: Utc::now().naive_utc(),
            ip: ip.map(|ip| ip.to_string()),
        };
        diesel::insert_into(audit_log::table)
            .values(&row)
            .execute(conn)
            .map(|_| ())
    }
}

pub fn list(
    conn: &mut DbConn,
    tenant_id: &str,
    limit: i64,
    before_id: Option<&str>,
) -> QueryResult<Vec<AuditRow>> {
    let mut q = audit_log::table
        .filter(audit_log::tenant_id.eq(tenant_id))
        .select(AuditRow::as_select())
        .order(audit_log::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(id) = before_id {
        q = q.filter(audit_log::id.lt(id.to_owned()));
    }
    q.load(conn)
}
