//! Between stored rows and the domain state machine: one step at a time, with its
//! transition row, events and notices.

use chrono::{DateTime, Utc};
use domain::lifecycle::{self, Action, Actor, RequestCase, Role, Rules, Status};

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{RequestRow, TransitionRow};
use crate::db::repo::{new_id, requests, users};
use crate::error::ApiResult;
use crate::services::notify::{self, Notice};
use crate::tenancy::TenantCtx;

/// The domain's view of a stored request.
pub fn case_of(row: &RequestRow) -> RequestCase {
    RequestCase {
        citizen_id: row.citizen_id.clone(),
        kind: row.kind,
        standard_days: row.standard_days.and_then(|d| u32::try_from(d).ok()),
        status: row.status,
        received_at: row.received_at.and_utc(),
        due_date: row.due_date,
        office_id: row.office_id.clone(),
        assignee_id: row.assignee_id.clone(),
        has_public_reply: row.has_public_reply,
        suspended_since: row.suspended_since.map(|t| t.and_utc()),
        suspended_working_days: u32::try_from(row.suspended_working_days).unwrap_or(0),
        resolved_at: row.resolved_at.map(|t| t.and_utc()),
        closed_at: row.closed_at.map(|t| t.and_utc()),
        lateness_cause: row.lateness_cause,
    }
}

pub(super) fn store_case(row: &mut RequestRow, case: &RequestCase, now: DateTime<Utc>) {
    row.kind = case.kind;
    row.standard_days = case.standard_days.and_then(|d| i32::try_from(d).ok());
    row.status = case.status;
    row.due_date = case.due_date;
    row.office_id.clone_from(&case.office_id);
    row.assignee_id.clone_from(&case.assignee_id);
    row.has_public_reply = case.has_public_reply;
    row.suspended_since = case.suspended_since.map(|t| t.naive_utc());
    row.suspended_working_days = i32::try_from(case.suspended_working_days).unwrap_or(i32::MAX);
    row.resolved_at = case.resolved_at.map(|t| t.naive_utc());
    row.closed_at = case.closed_at.map(|t| t.naive_utc());
    row.lateness_cause = case.lateness_cause;
    row.updated_at = now.naive_utc();
}

/// One lifecycle step: what is done, by whom, when, with which note.
pub struct Step<'a> {
    pub action: Action,
    pub actor: &'a Actor,
    pub actor_name: &'a str,
    pub note: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Runs one lifecycle action and stores the request, the transition and its events.
pub fn transition_in_tx(
    c: &mut DbConn,
    tenant: &TenantCtx,
    row: &mut RequestRow,
    step: Step<'_>,
) -> ApiResult<()> {
    let Step {
        action,
        actor,
        actor_name,
        note,
        now,
    } = step;
    let kind = action.kind();
    let before = case_of(row);
    let rules = Rules::new(&tenant.calendar);
    let (after, events) = lifecycle::apply(&before, action, actor, now, rules)?;
    store_case(row, &after, now);
    requests::update_case(c, row)?;
    requests::insert_transition(
        c,
        &TransitionRow {
            id: new_id(),
            tenant_id: tenant.id.clone(),
            request_id: row.id.clone(),
            action: kind,
            from_status: before.status,
            to_status: after.status,
            actor_id: (actor.role != Role::System).then(|| actor.id.clone()),
            actor_role: actor.role,
            actor_name: actor_name.to_owned(),
            note: note.map(str::to_owned),
            events: serde_json::to_string(&events).unwrap_or_else(|_| "[]".into()),
            created_at: now.naive_utc(),
        },
    )?;
    // The citizen hears of changes made by the office, not of their own.
    let citizen_facing = matches!(
        after.status,
        Status::InProgress | Status::WaitingCitizen | Status::Resolved | Status::Rejected
    );
    if after.status != before.status && citizen_facing && actor.role != Role::Citizen {
        notify::enqueue(
            c,
            &tenant.id,
            &Notice::StatusChanged {
                request_id: row.id.clone(),
                status: after.status.code().to_owned(),
            },
        )?;
    }
    Ok(())
}

pub(super) fn display_name(c: &mut DbConn, user: &AuthUser) -> ApiResult<String> {
    Ok(users::find(c, user.tenant_id(), &user.user_id)?
        .map_or_else(|| user.role.code().to_owned(), |u| u.full_name()))
}
