//! Live chat and the video desk (docs/realtime.md): the rules are in `domain::chat`, the
//! transport in `crate::realtime`.

pub mod calls;
pub mod chats;

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use domain::Role;

use crate::db::DbConn;
use crate::db::models::ChatRow;
use crate::db::repo::{live, users};
use crate::error::ApiResult;
use crate::realtime::audience;

/// A staff member counts as online this long after their connection last reported.
const ONLINE_WITHIN_SECONDS: i64 = 75;

/// Who hears a chat's events: the citizen, the office's staff, administrators, and the
/// caller of the video call it runs beside.
pub(crate) fn chat_audience(tenant_id: &str, row: &ChatRow) -> Vec<String> {
    let mut a = vec![audience::admins(tenant_id)];
    if let Some(c) = &row.citizen_id {
        a.push(audience::user(tenant_id, c));
    }
    if let Some(o) = &row.office_id {
        a.push(audience::office(tenant_id, o));
    }
    if let Some(u) = &row.assignee_id {
        a.push(audience::user(tenant_id, u));
    }
    if let Some(b) = &row.booking_id {
        a.push(audience::caller(tenant_id, b));
    }
    a
}

/// The offices with an operator connected now; `any`: an administrator is (they take
/// every office's chats).
pub(crate) struct Online {
    pub any: bool,
    pub offices: HashSet<String>,
}

pub(crate) fn online_offices(
    c: &mut DbConn,
    tenant_id: &str,
    now: DateTime<Utc>,
) -> ApiResult<Online> {
    let since = (now - Duration::seconds(ONLINE_WITHIN_SECONDS)).naive_utc();
    let mut online = Online {
        any: false,
        offices: HashSet::new(),
    };
    for id in live::online_staff(c, tenant_id, since)? {
        let Some(u) = users::find(c, tenant_id, &id)? else {
            continue;
        };
        if !u.active || !u.role.is_staff() {
            continue;
        }
        if u.role == Role::Admin {
            online.any = true;
        }
        online.offices.extend(users::office_ids(c, &id)?);
    }
    Ok(online)
}
