//! Reading: the citizen's list, the operator queue and its counters, one request.

use std::collections::BTreeMap;

use chrono::Utc;
use domain::api::{Page, QueueCounts, RequestSummary, RequestView};
use domain::calendar::rome_date;
use domain::deadline::{self, DeadlineStatus};
use domain::lifecycle::Status;

use super::views::{Names, load_visible, render};
use crate::auth::AuthUser;
use crate::db::repo::requests;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Query of `GET /requests`.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// One status or a comma-separated list.
    pub status: Option<String>,
    /// Request-type code.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub type_code: Option<String>,
    pub office_id: Option<String>,
    /// A user id, `me`, or `none` for unassigned.
    pub assignee: Option<String>,
    /// Only open requests past their due date.
    pub overdue: Option<bool>,
    /// Search in protocol number, subject and sender address.
    pub q: Option<String>,
    /// `newest` (default) or `urgent` (earliest due date first; the default with `overdue`).
    pub sort: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

pub fn list(state: &AppState, user: &AuthUser, q: &ListQuery) -> ApiResult<Page<RequestSummary>> {
    let tenant = &user.tenant;
    let mut filter = requests::Filter {
        statuses: q
            .status
            .as_deref()
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_owned())
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        type_code: q.type_code.clone(),
        search: q.q.clone(),
        ..Default::default()
    };
    for s in &filter.statuses {
        s.parse::<Status>()?;
    }
    if user.is_staff() {
        filter.office_id.clone_from(&q.office_id);
        filter.assignee_id = match q.assignee.as_deref() {
            Some("me") => Some(Some(user.user_id.clone())),
            Some("none") => Some(None),
            Some(id) => Some(Some(id.to_owned())),
            None => None,
        };
    } else {
        filter.citizen_id = Some(user.user_id.clone());
    }
    let now = Utc::now();
    if q.overdue == Some(true) {
        filter.overdue_before = Some(rome_date(now));
    }
    let order = match q.sort.as_deref() {
        Some("urgent") => requests::Order::Urgent,
        // Overdue work is read most overdue first; it also walks the due-date index, which
        // ends at today at once when nothing is late (newest-first scanned every request).
        None if filter.overdue_before.is_some() => requests::Order::Urgent,
        None | Some("newest") => requests::Order::Newest,
        Some(_) => {
            return Err(ApiError::invalid(
                "sort",
                "Ordinamento non valido: newest o urgent",
                "Invalid sort: newest or urgent",
            ));
        }
    };
    let limit = crate::routes::page_limit(q.limit);
    let simple_own = filter.citizen_id.is_some()
        && filter.statuses.is_empty()
        && filter.type_code.is_none()
        && filter.search.is_none()
        && filter.overdue_before.is_none()
        && order == requests::Order::Newest;
    state.db.read(|c| {
        let (rows, next_cursor) = if simple_own {
            let mut rows =
                requests::own_page(c, &tenant.id, &user.user_id, q.cursor.as_deref(), limit + 1)?;
            let more = rows.len() > usize::try_from(limit).unwrap_or(50);
            rows.truncate(usize::try_from(limit).unwrap_or(50));
            let next = rows.last().filter(|_| more).map(|r| r.id.clone());
            (rows, next)
        } else {
            requests::list(c, &tenant.id, &filter, order, q.cursor.as_deref(), limit)?
        };
        let names = Names::load(c, &rows)?;
        let today = rome_date(now);
        let items = rows
            .into_iter()
            .map(|r| names.summary(r, tenant, today))
            .collect();
        Ok::<_, ApiError>(Page { items, next_cursor })
    })
}

pub fn counts(
    state: &AppState,
    user: &AuthUser,
    office_id: Option<&str>,
) -> ApiResult<QueueCounts> {
    user.require_staff()?;
    let tenant = &user.tenant;
    let today = rome_date(Utc::now());
    state.db.read(|c| {
        let by_status = requests::counts(c, &tenant.id, office_id)?
            .into_iter()
            .map(|(s, n)| (s, u64::try_from(n).unwrap_or(0)))
            .collect::<BTreeMap<_, _>>();
        let mut out = QueueCounts {
            by_status,
            overdue: 0,
            due_soon: 0,
        };
        for due in requests::open_due_dates(c, &tenant.id, office_id)? {
            match deadline::deadline_status(due, today, &tenant.calendar).0 {
                DeadlineStatus::Overdue => out.overdue += 1,
                DeadlineStatus::DueSoon => out.due_soon += 1,
                DeadlineStatus::OnTime => {}
            }
        }
        Ok::<_, ApiError>(out)
    })
}

pub fn get(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<RequestView> {
    state.db.read(|c| {
        let row = load_visible(c, user, id)?;
        let mut view = render(c, user, row)?;
        // How the citizen was identified: the desk checks it before acting on a request.
        if let Some(citizen) = view.citizen.as_mut() {
            citizen.identities = crate::services::identity::signin::identities_of(c, &citizen.id)?;
        }
        Ok::<_, crate::error::ApiError>(view)
    })
}
