//! The request desk: filing requests from every channel, the queue, the conversation and
//! the lifecycle transitions. Every write is one transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Utc};
use domain::api::{
    Attachment, CitizenSummary, CreateMessage, CreateRequest, MessageAuthor, MessageView, NamedRef,
    Page, QueueCounts, RequestType, RequestView, TransitionRequest, TransitionView,
};
use domain::calendar::rome_date;
use domain::catalogue::{Channel, RequestKind};
use domain::deadline::{self, DeadlineStatus};
use domain::error::Errors;
use domain::lifecycle::{self, Action, ActionKind, Actor, RequestCase, Role, Rules, Status};
use domain::types::{Description, Subject};

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{
    AttachmentRow, IdempotencyRow, MessageRow, RequestRow, TransitionRow, UserRow,
};
use crate::db::repo::audit::Audit;
use crate::db::repo::{catalogue, new_id, offices, requests, tenants, users};
use crate::error::{ApiError, ApiResult};
use crate::services::notify::{self, Notice};
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::{UploadedFile, hex_digest};

// ---- request types ------------------------------------------------------------------------

pub fn request_types(state: &AppState, tenant: &TenantCtx) -> ApiResult<Vec<RequestType>> {
    let rows = state.db.read(|c| catalogue::list_active(c, &tenant.id))?;
    Ok(rows
        .into_iter()
        .map(|r| catalogue::to_dto(r, &tenant.standard_days))
        .collect())
}

// ---- views ------------------------------------------------------------------------------

/// Names needed to render requests, loaded once per page.
#[derive(Default)]
struct Names {
    offices: HashMap<String, String>,
    types: HashMap<String, String>,
    users: HashMap<String, UserRow>,
}

impl Names {
    fn load(c: &mut DbConn, tenant_id: &str, rows: &[RequestRow]) -> ApiResult<Self> {
        use crate::db::schema::users as u;
        use diesel::prelude::*;
        let offices = offices::list(c, tenant_id)?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        let types = catalogue::list_all(c, tenant_id)?
            .into_iter()
            .map(|t| (t.code, t.name))
            .collect();
        let mut ids: Vec<String> = rows
            .iter()
            .flat_map(|r| [r.citizen_id.clone(), r.assignee_id.clone()])
            .flatten()
            .collect();
        ids.sort();
        ids.dedup();
        let users = if ids.is_empty() {
            HashMap::new()
        } else {
            u::table
                .filter(u::id.eq_any(&ids))
                .select(UserRow::as_select())
                .load(c)?
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect()
        };
        Ok(Self {
            offices,
            types,
            users,
        })
    }

    fn view(&self, row: RequestRow, tenant: &TenantCtx, today: chrono::NaiveDate) -> RequestView {
        let status: Status = row.status.parse().unwrap_or(Status::Received);
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
            .and_then(|id| self.users.get(id))
            .map(|u| CitizenSummary {
                id: u.id.clone(),
                name: u.full_name(),
                fiscal_code: u.fiscal_code.clone(),
                email: u.email.clone().or_else(|| row.contact_email.clone()),
                phone: u.phone.clone(),
            });
        RequestView {
            type_name: self
                .types
                .get(&row.type_code)
                .cloned()
                .unwrap_or_else(|| row.type_code.clone()),
            kind: row.kind.parse().unwrap_or(RequestKind::Altro),
            channel: row.channel.parse().unwrap_or(Channel::Portal),
            status,
            fields: serde_json::from_str(&row.fields).unwrap_or_default(),
            citizen,
            office: row.office_id.as_ref().map(|id| NamedRef {
                id: id.clone(),
                name: self.offices.get(id).cloned().unwrap_or_default(),
            }),
            assignee: row.assignee_id.as_ref().map(|id| NamedRef {
                id: id.clone(),
                name: self
                    .users
                    .get(id)
                    .map(UserRow::full_name)
                    .unwrap_or_default(),
            }),
            received_at: row.received_at.and_utc(),
            standard_days: row.standard_days.and_then(|d| u32::try_from(d).ok()),
            due_date: row.due_date,
            deadline_status,
            working_days_left,
            resolved_at: row.resolved_at.map(|t| t.and_utc()),
            closed_at: row.closed_at.map(|t| t.and_utc()),
            lateness_cause: row.lateness_cause.as_deref().and_then(|c| c.parse().ok()),
            updated_at: row.updated_at.and_utc(),
            id: row.id,
            protocol_number: row.protocol_number,
            type_code: row.type_code,
            subject: row.subject,
            description: row.description,
        }
    }
}

fn today() -> chrono::NaiveDate {
    rome_date(Utc::now())
}

fn render(c: &mut DbConn, tenant: &TenantCtx, row: RequestRow) -> ApiResult<RequestView> {
    let names = Names::load(c, &tenant.id, std::slice::from_ref(&row))?;
    Ok(names.view(row, tenant, today()))
}

/// The request if the caller may see it: citizens only their own (others are "not found",
/// not "forbidden", so ids do not leak), staff the whole tenant.
fn load_visible(c: &mut DbConn, user: &AuthUser, id: &str) -> ApiResult<RequestRow> {
    let row = requests::find(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
    if !user.is_staff() && row.citizen_id.as_deref() != Some(user.user_id.as_str()) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

// ---- lifecycle mapping -----------------------------------------------------------------

fn case_of(row: &RequestRow) -> RequestCase {
    RequestCase {
        citizen_id: row.citizen_id.clone(),
        kind: row.kind.parse().unwrap_or(RequestKind::Altro),
        standard_days: row.standard_days.and_then(|d| u32::try_from(d).ok()),
        status: row.status.parse().unwrap_or(Status::Received),
        received_at: row.received_at.and_utc(),
        due_date: row.due_date,
        office_id: row.office_id.clone(),
        assignee_id: row.assignee_id.clone(),
        has_public_reply: row.has_public_reply,
        suspended_since: row.suspended_since.map(|t| t.and_utc()),
        suspended_working_days: u32::try_from(row.suspended_working_days).unwrap_or(0),
        resolved_at: row.resolved_at.map(|t| t.and_utc()),
        closed_at: row.closed_at.map(|t| t.and_utc()),
        lateness_cause: row.lateness_cause.as_deref().and_then(|c| c.parse().ok()),
    }
}

fn store_case(row: &mut RequestRow, case: &RequestCase, now: DateTime<Utc>) {
    row.kind = case.kind.code().to_owned();
    row.standard_days = case.standard_days.and_then(|d| i32::try_from(d).ok());
    row.status = case.status.code().to_owned();
    row.due_date = case.due_date;
    row.office_id.clone_from(&case.office_id);
    row.assignee_id.clone_from(&case.assignee_id);
    row.has_public_reply = case.has_public_reply;
    row.suspended_since = case.suspended_since.map(|t| t.naive_utc());
    row.suspended_working_days = i32::try_from(case.suspended_working_days).unwrap_or(i32::MAX);
    row.resolved_at = case.resolved_at.map(|t| t.naive_utc());
    row.closed_at = case.closed_at.map(|t| t.naive_utc());
    row.lateness_cause = case.lateness_cause.map(|c| c.code().to_owned());
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
    requests::update(c, row)?;
    requests::insert_transition(
        c,
        &TransitionRow {
            id: new_id(),
            tenant_id: tenant.id.clone(),
            request_id: row.id.clone(),
            action: kind.code().to_owned(),
            from_status: before.status.code().to_owned(),
            to_status: after.status.code().to_owned(),
            actor_id: (actor.role != Role::System).then(|| actor.id.clone()),
            actor_role: actor.role.code().to_owned(),
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

fn display_name(c: &mut DbConn, user: &AuthUser) -> ApiResult<String> {
    Ok(users::find(c, user.tenant_id(), &user.user_id)?
        .map_or_else(|| user.role.code().to_owned(), |u| u.full_name()))
}

// ---- filing -------------------------------------------------------------------------------

/// The outcome of `POST /requests`: the status and JSON body to send (a replay of an
/// `Idempotency-Key` returns what the first call returned).
#[derive(Debug)]
pub struct Filed {
    pub status: u16,
    pub body: String,
}

const MAX_IDEMPOTENCY_KEY: usize = 200;

pub fn create(
    state: &AppState,
    user: &AuthUser,
    body: &CreateRequest,
    idempotency_key: Option<&str>,
) -> ApiResult<Filed> {
    let tenant = &user.tenant;
    if let Some(k) = idempotency_key
        && (k.is_empty() || k.len() > MAX_IDEMPOTENCY_KEY)
    {
        return Err(ApiError::bad_request(
            "Idempotency-Key deve avere da 1 a 200 caratteri",
            "Idempotency-Key must have 1 to 200 characters",
        ));
    }
    let request_hash = hex_digest(serde_json::to_string(body).unwrap_or_default().as_bytes());
    let now = Utc::now();
    let result = state.db.write_tx(|c| {
        if let Some(key) = idempotency_key
            && let Some(done) = requests::find_idempotency(c, &tenant.id, &user.user_id, key)?
        {
            if done.request_hash != request_hash {
                return Err(ApiError::Domain(domain::error::DomainError::invalid(
                    "Idempotency-Key",
                    "Questa chiave è già stata usata per una richiesta diversa",
                    "This key was already used for a different request",
                )));
            }
            return Ok(Filed {
                status: u16::try_from(done.status_code).unwrap_or(201),
                body: done.response_body,
            });
        }
        let row = file_request(c, tenant, user, body, now)?;
        let view = render(c, tenant, row)?;
        let body = serde_json::to_string(&view).map_err(|e| ApiError::Internal(e.into()))?;
        if let Some(key) = idempotency_key {
            requests::insert_idempotency(
                c,
                &IdempotencyRow {
                    tenant_id: tenant.id.clone(),
                    user_id: user.user_id.clone(),
                    key: key.to_owned(),
                    request_hash: request_hash.clone(),
                    status_code: 201,
                    response_body: body.clone(),
                    created_at: now.naive_utc(),
                },
            )?;
        }
        Ok(Filed { status: 201, body })
    });
    match result {
        // Two concurrent calls with the same key: the loser returns the winner's answer.
        Err(ApiError::Internal(e))
            if idempotency_key.is_some()
                && e.downcast_ref::<diesel::result::Error>()
                    .is_some_and(crate::db::is_unique_violation) =>
        {
            let key = idempotency_key.unwrap_or_default();
            let done = state
                .db
                .read(|c| requests::find_idempotency(c, &tenant.id, &user.user_id, key))?
                .ok_or(ApiError::Unavailable)?;
            Ok(Filed {
                status: u16::try_from(done.status_code).unwrap_or(201),
                body: done.response_body,
            })
        }
        other => other,
    }
}

/// Validates and stores one request with its protocol number, office and due date.
fn file_request(
    c: &mut DbConn,
    tenant: &TenantCtx,
    user: &AuthUser,
    body: &CreateRequest,
    now: DateTime<Utc>,
) -> ApiResult<RequestRow> {
    let mut errors = Errors::new();
    let request_type = catalogue::find(c, &tenant.id, &body.type_code)?.filter(|t| t.active);
    if request_type.is_none() {
        errors.push(domain::error::FieldError::new(
            "type",
            "Tipo di richiesta sconosciuto",
            "Unknown request type",
        ));
    }
    let subject = errors.check(Subject::parse(&body.subject));
    let description = errors.check(Description::parse(&body.description));
    let fields = request_type.as_ref().and_then(|t| {
        let defs: Vec<domain::api::FieldDef> = serde_json::from_str(&t.fields).unwrap_or_default();
        errors.check(domain::forms::validate_fields(&defs, &body.fields))
    });
    let (channel, citizen_id, received_at) = intake(c, tenant, user, body, now, &mut errors)?;
    errors.finish()?;
    let (Some(request_type), Some(subject), Some(description), Some(fields)) =
        (request_type, subject, description, fields)
    else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "validated request is incomplete"
        )));
    };

    let kind: RequestKind = request_type.kind.parse()?;
    let standard_days = tenant.standard_days.get(kind);
    let office_id = catalogue::office_for(c, &tenant.id, kind)?;
    let case = RequestCase::new(
        Some(citizen_id.clone()),
        kind,
        standard_days,
        received_at,
        office_id,
        &tenant.calendar,
    );
    let protocol_number = requests::next_protocol_number(c, &tenant.id, rome_date(now).year())?;
    let contact_email = users::find(c, &tenant.id, &citizen_id)?.and_then(|u| u.email);
    let mut row = RequestRow {
        id: new_id(),
        tenant_id: tenant.id.clone(),
        protocol_number,
        type_code: request_type.code,
        kind: String::new(),
        channel: channel.code().to_owned(),
        citizen_id: Some(citizen_id),
        utenza_id: body.utenza_id.clone(),
        contact_email,
        subject: subject.into_inner(),
        description: description.into_inner(),
        fields: serde_json::to_string(&fields).unwrap_or_else(|_| "{}".into()),
        status: String::new(),
        office_id: None,
        assignee_id: None,
        received_at: received_at.naive_utc(),
        standard_days: None,
        due_date: None,
        has_public_reply: false,
        suspended_since: None,
        suspended_working_days: 0,
        resolved_at: None,
        closed_at: None,
        lateness_cause: None,
        created_by: Some(user.user_id.clone()),
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
    };
    store_case(&mut row, &case, now);
    requests::insert(c, &row)?;
    notify::enqueue(
        c,
        &tenant.id,
        &Notice::RequestFiled {
            request_id: row.id.clone(),
        },
    )?;
    if user.is_staff() {
        Audit {
            tenant_id: &tenant.id,
            actor_id: Some(&user.user_id),
            action: "request.register",
            entity: "request",
            entity_id: Some(&row.id),
        }
        .record(
            c,
            None::<&()>,
            Some(&serde_json::json!({
                "protocol_number": row.protocol_number, "channel": row.channel,
                "received_at": received_at, "citizen_id": row.citizen_id,
            })),
        )?;
    }
    Ok(row)
}

/// Who files, through which channel, received when. Citizens file for themselves now;
/// operators register phone/desk/post requests for a citizen or the generic contribuente,
/// possibly received in the past.
fn intake(
    c: &mut DbConn,
    tenant: &TenantCtx,
    user: &AuthUser,
    body: &CreateRequest,
    now: DateTime<Utc>,
    errors: &mut Errors,
) -> ApiResult<(Channel, String, DateTime<Utc>)> {
    use domain::error::FieldError;
    if !user.is_staff() {
        let channel = body.channel.unwrap_or(Channel::Portal);
        if !matches!(channel, Channel::Portal | Channel::Api) {
            errors.push(FieldError::new(
                "channel",
                "I cittadini presentano richieste dal portale o via API",
                "Citizens file through the portal or the API",
            ));
        }
        if body
            .citizen_id
            .as_deref()
            .is_some_and(|id| id != user.user_id)
        {
            return Err(ApiError::forbidden(
                "Puoi presentare richieste solo a tuo nome",
                "You can file requests only in your own name",
            ));
        }
        if body.received_at.is_some() {
            errors.push(FieldError::new(
                "received_at",
                "Solo gli operatori possono indicare la data di ricevimento",
                "Only operators can set the receipt date",
            ));
        }
        return Ok((channel, user.user_id.clone(), now));
    }
    let channel = body.channel.unwrap_or(Channel::Desk);
    if !channel.is_operator_registered() {
        errors.push(FieldError::new(
            "channel",
            "Gli operatori registrano richieste ricevute per telefono, allo sportello o per posta",
            "Operators register requests received by phone, at the desk or by post",
        ));
    }
    let received_at = body.received_at.unwrap_or(now);
    if received_at > now + chrono::Duration::seconds(60) {
        errors.push(FieldError::new(
            "received_at",
            "La data di ricevimento non può essere futura",
            "The receipt date cannot be in the future",
        ));
    }
    let citizen_id = match &body.citizen_id {
        Some(id) => match users::find(c, &tenant.id, id)? {
            Some(u) if u.role == "citizen" => u.id,
            _ => {
                errors.push(FieldError::new(
                    "citizen_id",
                    "Cittadino non trovato",
                    "Citizen not found",
                ));
                String::new()
            }
        },
        None => generic_citizen(c, tenant)?,
    };
    Ok((channel, citizen_id, received_at))
}

/// The tenant's generic contribuente (requests from unidentified senders), created on
/// first use. It cannot sign in.
pub fn generic_citizen(c: &mut DbConn, tenant: &TenantCtx) -> ApiResult<String> {
    let mut row = tenants::find(c, &tenant.id)?;
    if let Some(id) = row.generic_citizen_id.clone() {
        return Ok(id);
    }
    let now = Utc::now().naive_utc();
    let user = UserRow {
        id: new_id(),
        tenant_id: tenant.id.clone(),
        role: "citizen".into(),
        email: None,
        fiscal_code: None,
        first_name: "Contribuente".into(),
        last_name: "generico".into(),
        phone: None,
        password_hash: None,
        status: "approved".into(),
        active: false,
        failed_logins: 0,
        locked_until: None,
        created_at: now,
        updated_at: now,
    };
    users::insert(c, &user)?;
    row.generic_citizen_id = Some(user.id.clone());
    tenants::update(c, &row)?;
    Ok(user.id)
}

// ---- reading ------------------------------------------------------------------------------

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
    /// `newest` (default) or `urgent` (earliest due date first).
    pub sort: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

pub fn list(state: &AppState, user: &AuthUser, q: &ListQuery) -> ApiResult<Page<RequestView>> {
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
    let today = today();
    if q.overdue == Some(true) {
        filter.overdue_before = Some(today);
    }
    let order = match q.sort.as_deref() {
        Some("urgent") => requests::Order::Urgent,
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
    state.db.read(|c| {
        let mut rows = requests::list(
            c,
            &tenant.id,
            &filter,
            order,
            q.cursor.as_deref(),
            limit + 1,
        )?;
        let more = rows.len() > usize::try_from(limit).unwrap_or(50);
        rows.truncate(usize::try_from(limit).unwrap_or(50));
        let next_cursor = more.then(|| match order {
            requests::Order::Newest => rows.last().map(|r| r.id.clone()).unwrap_or_default(),
            requests::Order::Urgent => (q
                .cursor
                .as_deref()
                .and_then(|c| c.parse::<i64>().ok())
                .unwrap_or(0)
                + limit)
                .to_string(),
        });
        let names = Names::load(c, &tenant.id, &rows)?;
        let items = rows
            .into_iter()
            .map(|r| names.view(r, tenant, today))
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
    let today = today();
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
        render(c, &user.tenant, row)
    })
}

// ---- conversation -------------------------------------------------------------------------

fn attachment_view(request_id: &str, a: AttachmentRow) -> Attachment {
    Attachment {
        url: format!("/api/v1/requests/{request_id}/attachments/{}", a.id),
        id: a.id,
        filename: a.filename,
        content_type: a.content_type,
        size: u64::try_from(a.size).unwrap_or(0),
        created_at: a.created_at.and_utc(),
    }
}

fn message_view(m: MessageRow, attachments: &mut HashMap<String, Vec<Attachment>>) -> MessageView {
    MessageView {
        attachments: attachments.remove(&m.id).unwrap_or_default(),
        author: MessageAuthor {
            id: m.author_id,
            name: m.author_name,
            role: m.author_role.parse().unwrap_or(Role::System),
        },
        id: m.id,
        body: m.body,
        internal: m.internal,
        created_at: m.created_at.and_utc(),
    }
}

pub fn messages(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
) -> ApiResult<Page<MessageView>> {
    state.db.read(|c| {
        let row = load_visible(c, user, request_id)?;
        let msgs = requests::messages(c, &row.id, user.is_staff())?;
        let mut by_message: HashMap<String, Vec<Attachment>> = HashMap::new();
        for a in requests::attachments(c, &row.id)? {
            if let Some(mid) = a.message_id.clone() {
                by_message
                    .entry(mid)
                    .or_default()
                    .push(attachment_view(&row.id, a));
            }
        }
        let items = msgs
            .into_iter()
            .map(|m| message_view(m, &mut by_message))
            .collect();
        Ok::<_, ApiError>(Page {
            items,
            next_cursor: None,
        })
    })
}

/// Adds a message. A citizen's reply while the office waits for information resumes the
/// request (and its TQRIF clock); an operator's public message counts as a written reply.
pub fn post_message(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
    body: &CreateMessage,
    files: Vec<UploadedFile>,
) -> ApiResult<MessageView> {
    // Not found before anything else: others' requests do not exist for a citizen.
    state
        .db
        .read(|c| load_visible(c, user, request_id).map(|_| ()))?;
    let text = Description::parse(&body.body).map_err(|e| e.at_field("body"))?;
    if body.internal && !user.is_staff() {
        return Err(ApiError::forbidden(
            "Le note interne sono riservate agli operatori",
            "Internal notes are reserved to operators",
        ));
    }
    let tenant = user.tenant.clone();
    let now = Utc::now();
    let message_id = new_id();
    let stored = store_files(state, &tenant.id, &files)?;
    let result = state.db.write_tx(|c| {
        let mut row = load_visible(c, user, request_id)?;
        let status: Status = row.status.parse()?;
        if !user.is_staff()
            && matches!(
                status,
                Status::Closed | Status::Rejected | Status::Withdrawn
            )
        {
            return Err(ApiError::Domain(domain::error::DomainError::conflict(
                "La pratica è conclusa: per una nuova richiesta compila un nuovo modulo",
                "The request is concluded: file a new request instead",
            )));
        }
        let name = display_name(c, user)?;
        requests::insert_message(
            c,
            &MessageRow {
                id: message_id.clone(),
                tenant_id: tenant.id.clone(),
                request_id: row.id.clone(),
                author_id: Some(user.user_id.clone()),
                author_role: user.role.code().to_owned(),
                author_name: name.clone(),
                body: text.as_str().to_owned(),
                internal: body.internal,
                created_at: now.naive_utc(),
            },
        )?;
        let mut attachment_rows = Vec::new();
        for (file, key) in files.iter().zip(&stored) {
            let a = AttachmentRow {
                id: new_id(),
                tenant_id: tenant.id.clone(),
                request_id: row.id.clone(),
                message_id: Some(message_id.clone()),
                filename: file.filename.clone(),
                content_type: file.kind.content_type().to_owned(),
                size: i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
                storage_key: key.clone(),
                sha256: file.sha256.clone(),
                uploaded_by: Some(user.user_id.clone()),
                created_at: now.naive_utc(),
            };
            requests::insert_attachment(c, &a)?;
            attachment_rows.push(a);
        }
        if !user.is_staff() && status == Status::WaitingCitizen {
            let actor = user.actor();
            let step = Step {
                action: Action::Resume,
                actor: &actor,
                actor_name: &name,
                note: None,
                now,
            };
            transition_in_tx(c, &tenant, &mut row, step)?;
        } else if user.is_staff() && !body.internal {
            if !row.has_public_reply {
                row.has_public_reply = true;
                row.updated_at = now.naive_utc();
                requests::update(c, &row)?;
            }
            notify::enqueue(
                c,
                &tenant.id,
                &Notice::PublicReply {
                    request_id: row.id.clone(),
                    message_id: message_id.clone(),
                },
            )?;
        }
        let mut map = HashMap::from([(
            message_id.clone(),
            attachment_rows
                .into_iter()
                .map(|a| attachment_view(&row.id, a))
                .collect(),
        )]);
        let stored_msg = MessageRow {
            id: message_id.clone(),
            tenant_id: tenant.id.clone(),
            request_id: row.id.clone(),
            author_id: Some(user.user_id.clone()),
            author_role: user.role.code().to_owned(),
            author_name: name,
            body: text.as_str().to_owned(),
            internal: body.internal,
            created_at: now.naive_utc(),
        };
        Ok(message_view(stored_msg, &mut map))
    });
    if result.is_err() {
        for key in &stored {
            let _ = state.files.delete(key);
        }
    }
    result
}

/// Writes uploaded files before the transaction that references them.
fn store_files(
    state: &AppState,
    tenant_id: &str,
    files: &[UploadedFile],
) -> ApiResult<Vec<String>> {
    let mut keys: Vec<String> = Vec::with_capacity(files.len());
    for f in files {
        let key = format!(
            "{tenant_id}/attachments/{}.{}",
            new_id(),
            f.kind.extension()
        );
        if let Err(e) = state.files.put(&key, &f.bytes) {
            for k in &keys {
                let _ = state.files.delete(k);
            }
            return Err(ApiError::Internal(e.into()));
        }
        keys.push(key);
    }
    Ok(keys)
}

/// An attachment's bytes, if the caller may see it.
pub fn attachment(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
    id: &str,
) -> ApiResult<(Vec<u8>, String, String)> {
    let a = state.db.read(|c| {
        let row = load_visible(c, user, request_id)?;
        let a = requests::find_attachment(c, &row.id, id)?.ok_or(ApiError::NotFound)?;
        if !user.is_staff()
            && a.message_id
                .as_deref()
                .map(|m| requests::message_is_internal(c, m))
                .transpose()?
                == Some(true)
        {
            return Err(ApiError::NotFound);
        }
        Ok::<_, ApiError>(a)
    })?;
    let bytes = state
        .files
        .get(&a.storage_key)
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((bytes, a.content_type, a.filename))
}

// ---- transitions --------------------------------------------------------------------------

pub fn transition(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
    body: &TransitionRequest,
) -> ApiResult<RequestView> {
    let tenant = user.tenant.clone();
    let now = Utc::now();
    let note = body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if let Some(n) = note {
        Description::parse(n).map_err(|e| e.at_field("note"))?;
    }
    state.db.write_tx(|c| {
        let mut row = load_visible(c, user, request_id)?;
        // Who may do what comes before what the body says.
        if !body.action.allowed_for(user.role) {
            return Err(ApiError::forbidden("Azione non consentita al tuo ruolo", "Action not allowed for your role"));
        }
        let name = display_name(c, user)?;
        let (action, public_message) = to_action(c, &tenant, user, &row, body, note)?;
        let before = serde_json::json!({"status": row.status, "office_id": row.office_id, "assignee_id": row.assignee_id, "kind": row.kind, "due_date": row.due_date});
        if let Action::Reclassify { kind, .. } = &action {
            row.type_code = body.type_code.clone().unwrap_or_else(|| kind.code().to_owned());
        }
        // The state machine speaks first (409 before 422): the note checks come after.
        let actor = user.actor();
        transition_in_tx(c, &tenant, &mut row, Step { action, actor: &actor, actor_name: &name, note, now })?;
        match (body.action, public_message) {
            (ActionKind::RequestInfo, None) => {
                return Err(ApiError::invalid("note", "Scrivere cosa serve al cittadino", "Write what the citizen must provide"));
            }
            (ActionKind::Reject, None) => {
                return Err(ApiError::invalid("note", "Indicare il motivo del rigetto", "Give the reason for the rejection"));
            }
            (_, Some(text)) if user.is_staff() => {
                // The reply is stored in the same transaction as the transition it motivates.
                requests::insert_message(
                    c,
                    &MessageRow {
                        id: new_id(),
                        tenant_id: tenant.id.clone(),
                        request_id: row.id.clone(),
                        author_id: Some(user.user_id.clone()),
                        author_role: user.role.code().to_owned(),
                        author_name: name.clone(),
                        body: text.to_owned(),
                        internal: false,
                        created_at: now.naive_utc(),
                    },
                )?;
            }
            _ => {}
        }
        if user.is_staff() {
            let after = serde_json::json!({"status": row.status, "office_id": row.office_id, "assignee_id": row.assignee_id, "kind": row.kind, "due_date": row.due_date});
            Audit {
                tenant_id: &tenant.id,
                actor_id: Some(&user.user_id),
                action: &format!("request.{}", body.action.code()),
                entity: "request",
                entity_id: Some(&row.id),
            }
            .record(c, Some(&before), Some(&after))?;
        }
        render(c, &tenant, row)
    })
}

/// Builds the domain action from the API body, checking referenced offices, users and types
/// belong to the tenant. Returns the public message that goes with it, if any.
fn to_action<'a>(
    c: &mut DbConn,
    tenant: &TenantCtx,
    user: &AuthUser,
    row: &RequestRow,
    body: &TransitionRequest,
    note: Option<&'a str>,
) -> ApiResult<(Action, Option<&'a str>)> {
    Ok(match body.action {
        ActionKind::Assign => {
            let office_id = body.office_id.clone().ok_or_else(|| {
                ApiError::invalid("office_id", "Indicare l'ufficio", "Give the office")
            })?;
            if offices::find(c, &tenant.id, &office_id)?.is_none() {
                return Err(ApiError::invalid(
                    "office_id",
                    "Ufficio non trovato",
                    "Office not found",
                ));
            }
            if let Some(a) = &body.assignee_id {
                let staff =
                    users::find(c, &tenant.id, a)?.filter(|u| u.role != "citizen" && u.active);
                let in_office = staff.is_some() && users::office_ids(c, a)?.contains(&office_id);
                if !in_office {
                    return Err(ApiError::invalid(
                        "assignee_id",
                        "L'operatore non appartiene all'ufficio",
                        "The operator does not belong to the office",
                    ));
                }
            }
            (
                Action::Assign {
                    office_id,
                    assignee_id: body.assignee_id.clone(),
                },
                None,
            )
        }
        ActionKind::Take => (Action::Take, None),
        ActionKind::RequestInfo => (Action::RequestInfo, note),
        ActionKind::Resume => (Action::Resume, None),
        ActionKind::Resolve => (
            Action::Resolve {
                with_reply: note.is_some(),
                cause: body.cause,
            },
            note,
        ),
        ActionKind::Reject => (Action::Reject, note),
        ActionKind::Reclassify => {
            let code = body.type_code.clone().ok_or_else(|| {
                ApiError::invalid("type", "Indicare il nuovo tipo", "Give the new type")
            })?;
            let t = catalogue::find(c, &tenant.id, &code)?
                .filter(|t| t.active)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "type",
                        "Tipo di richiesta sconosciuto",
                        "Unknown request type",
                    )
                })?;
            let kind: RequestKind = t.kind.parse()?;
            if code == row.type_code {
                return Err(ApiError::invalid(
                    "type",
                    "La pratica ha già questo tipo",
                    "The request already has this type",
                ));
            }
            let office_id = catalogue::office_for(c, &tenant.id, kind)?;
            (
                Action::Reclassify {
                    kind,
                    standard_days: tenant.standard_days.get(kind),
                    office_id,
                },
                None,
            )
        }
        ActionKind::Close => (Action::Close, None),
        ActionKind::Reopen => (Action::Reopen, None),
        ActionKind::Withdraw => {
            let _ = user;
            (Action::Withdraw, None)
        }
    })
}

pub fn history(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
) -> ApiResult<Vec<TransitionView>> {
    state.db.read(|c| {
        let row = load_visible(c, user, request_id)?;
        let items = requests::transitions(c, &row.id)?
            .into_iter()
            .filter_map(|t| {
                Some(TransitionView {
                    action: t.action.parse().ok()?,
                    from_status: t.from_status.parse().ok()?,
                    to_status: t.to_status.parse().ok()?,
                    actor: MessageAuthor {
                        id: t.actor_id,
                        name: t.actor_name,
                        role: t.actor_role.parse().unwrap_or(Role::System),
                    },
                    // Citizens see the public part only: replies are in the thread.
                    note: if user.is_staff() { t.note } else { None },
                    created_at: t.created_at.and_utc(),
                    id: t.id,
                })
            })
            .collect();
        Ok::<_, ApiError>(items)
    })
}
