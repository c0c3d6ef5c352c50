//! Rendering stored requests as API views. Type and office names come from the tenant's
//! cached directory; only the people a page mentions are read from the database.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::api::{CitizenSummary, NamedRef, RequestSummary, RequestView};
use domain::calendar::rome_date;
use domain::deadline;
use domain::lifecycle::{self, Actor, DeskOp, Rules, Status};

use super::lifecycle::case_of;

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{RequestRow, RequestSummaryRow, UserRow};
use crate::db::repo::{requests, users};
use crate::error::{ApiError, ApiResult};
use crate::tenancy::TenantCtx;

/// The people (citizens, assignees) a page of requests refers to.
#[derive(Default)]
pub(super) struct People(HashMap<String, UserRow>);

impl People {
    pub(super) fn load(c: &mut DbConn, rows: &[RequestRow]) -> ApiResult<Self> {
        let mut ids: Vec<String> = rows
            .iter()
            .flat_map(|r| [r.citizen_id.clone(), r.assignee_id.clone()])
            .flatten()
            .collect();
        ids.sort();
        ids.dedup();
        Ok(Self(
            users::by_ids(c, &ids)?
                .into_iter()
                .map(|u| (u.id.clone(), u))
                .collect(),
        ))
    }

    /// People already at hand (e.g. the citizen who is filing).
    pub(super) fn of(users: impl IntoIterator<Item = UserRow>) -> Self {
        Self(users.into_iter().map(|u| (u.id.clone(), u)).collect())
    }

    pub(super) fn view(
        &self,
        row: RequestRow,
        tenant: &TenantCtx,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> RequestView {
        let today = rome_date(now);
        let case = case_of(&row);
        let mut allowed = lifecycle::allowed(&case, actor, now, Rules::new(&tenant.calendar));
        allowed.link_sender =
            lifecycle::check_link_sender(&case, row.sender_unverified, actor).is_ok();
        let status: Status = row.status;
        let (deadline_status, working_days_left) = match row.due_date.filter(|_| status.is_open()) {
            Some(due) => {
                let (s, left) = deadline::deadline_status(due, today, &tenant.calendar);
                (Some(s), Some(left))
            }
            None => (None, None),
        };
        let citizen = row
            .citizen_id
            .as_ref()
            .and_then(|id| self.0.get(id))
            .map(|u| CitizenSummary {
                id: u.id.clone(),
                name: u.full_name(),
                fiscal_code: u.fiscal_code.clone(),
                email: u.email.clone().or_else(|| row.contact_email.clone()),
                phone: u.phone.clone(),
                identities: Vec::new(),
            });
        let directory = &tenant.directory;
        RequestView {
            type_name: directory
                .request_type(&row.type_code)
                .map_or_else(|| row.type_code.clone(), |t| t.name.clone()),
            kind: row.kind,
            channel: row.channel,
            status,
            fields: serde_json::from_str(&row.fields).unwrap_or_default(),
            citizen,
            office: row.office_id.as_ref().map(|id| NamedRef {
                id: id.clone(),
                name: directory.office_name(id).unwrap_or_default().to_owned(),
            }),
            assignee: row.assignee_id.as_ref().map(|id| NamedRef {
                id: id.clone(),
                name: self.0.get(id).map(UserRow::full_name).unwrap_or_default(),
            }),
            received_at: row.received_at.and_utc(),
            standard_days: row.standard_days.and_then(|d| u32::try_from(d).ok()),
            due_date: row.due_date,
            deadline_status,
            working_days_left,
            resolved_at: row.resolved_at.map(|t| t.and_utc()),
            closed_at: row.closed_at.map(|t| t.and_utc()),
            lateness_cause: row.lateness_cause,
            updated_at: row.updated_at.and_utc(),
            allowed,
            sender_unverified: row.sender_unverified,
            id: row.id,
            protocol_number: row.protocol_number,
            type_code: row.type_code,
            subject: row.subject,
            description: row.description,
        }
    }
}

/// The names of the people (citizens, assignees) a page of list rows refers to, read in
/// one narrow query.
pub(super) struct Names(HashMap<String, String>);

impl Names {
    pub(super) fn load(c: &mut DbConn, rows: &[RequestSummaryRow]) -> ApiResult<Self> {
        let mut ids: Vec<String> = rows
            .iter()
            .flat_map(|r| [r.citizen_id.as_ref(), r.assignee_id.as_ref()])
            .flatten()
            .cloned()
            .collect();
        ids.sort();
        ids.dedup();
        Ok(Self(
            requests::user_names(c, &ids)?
                .into_iter()
                .map(|(id, first, last)| (id, format!("{first} {last}")))
                .collect(),
        ))
    }

    fn named(&self, id: String) -> NamedRef {
        let name = self.0.get(&id).cloned().unwrap_or_default();
        NamedRef { id, name }
    }

    /// A list row: the same values [`People::view`] gives for these fields.
    pub(super) fn summary(
        &self,
        row: RequestSummaryRow,
        tenant: &TenantCtx,
        today: chrono::NaiveDate,
    ) -> RequestSummary {
        let (deadline_status, working_days_left) =
            match row.due_date.filter(|_| row.status.is_open()) {
                Some(due) => {
                    let (s, left) = deadline::deadline_status(due, today, &tenant.calendar);
                    (Some(s), Some(left))
                }
                None => (None, None),
            };
        let directory = &tenant.directory;
        RequestSummary {
            type_name: directory
                .request_type(&row.type_code)
                .map_or_else(|| row.type_code.clone(), |t| t.name.clone()),
            kind: row.kind,
            status: row.status,
            citizen: row.citizen_id.map(|id| self.named(id)),
            office: row.office_id.map(|id| NamedRef {
                name: directory.office_name(&id).unwrap_or_default().to_owned(),
                id,
            }),
            assignee: row.assignee_id.map(|id| self.named(id)),
            received_at: row.received_at.and_utc(),
            due_date: row.due_date,
            deadline_status,
            working_days_left,
            id: row.id,
            protocol_number: row.protocol_number,
            type_code: row.type_code,
            subject: row.subject,
        }
    }
}

pub fn render(c: &mut DbConn, user: &AuthUser, row: RequestRow) -> ApiResult<RequestView> {
    let people = People::load(c, std::slice::from_ref(&row))?;
    Ok(people.view(row, &user.tenant, &user.actor(), Utc::now()))
}

/// Refuses `op` unless the caller may perform it on `row` (see [`lifecycle::check_op`]).
pub fn check_op(user: &AuthUser, row: &RequestRow, op: DeskOp) -> ApiResult<()> {
    Ok(lifecycle::check_op(&case_of(row), op, &user.actor())?)
}

/// The request if the caller may see it: citizens only their own (others are "not found",
/// not "forbidden", so ids do not leak), staff the whole tenant.
pub(super) fn load_visible(c: &mut DbConn, user: &AuthUser, id: &str) -> ApiResult<RequestRow> {
    visible(user, requests::find(c, user.tenant_id(), id)?)
}

/// [`load_visible`] for a write: the row stays locked until the transaction ends, so a
/// decision taken from its state cannot be overtaken by a concurrent one.
pub(crate) fn lock_visible(c: &mut DbConn, user: &AuthUser, id: &str) -> ApiResult<RequestRow> {
    visible(user, requests::lock(c, user.tenant_id(), id)?)
}

fn visible(user: &AuthUser, row: Option<RequestRow>) -> ApiResult<RequestRow> {
    let row = row.ok_or(ApiError::NotFound)?;
    if !user.is_staff() && row.citizen_id.as_deref() != Some(user.user_id.as_str()) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}
