//! Filing requests from every channel: validation, protocol number, routing, due date.

use chrono::{DateTime, Datelike, Utc};
use domain::api::RegistrationStatus;
use domain::api::{CreateRequest, RequestType};
use domain::calendar::rome_date;
use domain::catalogue::{Channel, RequestKind};
use domain::error::Errors;
use domain::lifecycle::Role;
use domain::lifecycle::{RequestCase, Status};
use domain::types::{Description, Subject};

use super::lifecycle::store_case;
use super::views::People;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{IdempotencyRow, RequestRow, UserRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{new_id, requests, tenants, users};
use crate::error::{ApiError, ApiResult};
use crate::services::notify::{self, Notice};
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::hex_digest;

/// The active request types, from the tenant's cached directory.
pub fn request_types(tenant: &TenantCtx) -> Vec<RequestType> {
    tenant
        .directory
        .types
        .iter()
        .filter(|t| t.active)
        .map(|t| RequestType {
            code: t.code.clone(),
            kind: t.kind,
            name: t.name.clone(),
            description: t.description.clone(),
            standard_days: tenant.standard_days.get(t.kind),
            fields: t.fields.clone(),
        })
        .collect()
}

/// The outcome of `POST /requests`: the status and JSON body to send (a replay of an
/// `Idempotency-Key` returns what the first call returned).
#[derive(Debug)]
pub struct Filed {
    pub status: u16,
    pub body: String,
}

pub(super) const MAX_IDEMPOTENCY_KEY: usize = 200;

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
    let result = state.db.filing_tx(|c| {
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
        let (row, citizen) = file_request(c, tenant, user, body, now)?;
        let view = People::of(citizen).view(row, tenant, &user.actor(), now);
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
pub fn file_request(
    c: &mut DbConn,
    tenant: &TenantCtx,
    user: &AuthUser,
    body: &CreateRequest,
    now: DateTime<Utc>,
) -> ApiResult<(RequestRow, Option<UserRow>)> {
    let mut errors = Errors::new();
    let request_type = tenant
        .directory
        .request_type(&body.type_code)
        .filter(|t| t.active);
    if request_type.is_none() {
        errors.push(domain::error::FieldError::new(
            "type",
            "Tipo di richiesta sconosciuto",
            "Unknown request type",
        ));
    }
    let subject = errors.check(Subject::parse(&body.subject));
    let description = errors.check(Description::parse(&body.description));
    let fields = request_type
        .and_then(|t| errors.check(domain::forms::validate_fields(&t.fields, &body.fields)));
    let (channel, citizen_id, received_at) = intake(c, tenant, user, body, now, &mut errors)?;
    errors.finish()?;
    let (Some(request_type), Some(subject), Some(description), Some(fields)) =
        (request_type, subject, description, fields)
    else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "validated request is incomplete"
        )));
    };

    let citizen = users::find(c, &tenant.id, &citizen_id)?;
    let row = request_row(
        tenant,
        NewRequest {
            type_code: request_type.code.clone(),
            kind: request_type.kind,
            channel,
            contact_email: citizen.as_ref().and_then(|u| u.email.clone()),
            citizen_id,
            utenza_id: body.utenza_id.clone(),
            subject: subject.into_inner(),
            description: description.into_inner(),
            fields: serde_json::to_string(&fields).unwrap_or_else(|_| "{}".into()),
            received_at,
            created_by: Some(user.user_id.clone()),
            sender_unverified: false,
        },
        now,
    );
    // The confirmation notice first: from the protocol number on, every other filing of
    // the tenant waits for this transaction's commit (see `insert_numbered`).
    notify::enqueue(
        c,
        &tenant.id,
        &Notice::RequestFiled {
            request_id: row.id.clone(),
        },
    )?;
    let row = insert_numbered(c, tenant, row, now)?;
    crate::services::drafts::filed(c, user, &request_type.code)?;
    if request_type.kind == domain::catalogue::RequestKind::Rateizzazione {
        // The plan the citizen saw travels with the request.
        crate::services::account::plans::attach(c, &tenant.id, &row, &fields, now)?;
    }
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
    Ok((row, citizen))
}

/// A validated request, from any channel, ready to be stored.
pub struct NewRequest {
    pub type_code: String,
    pub kind: RequestKind,
    pub channel: Channel,
    pub citizen_id: String,
    pub utenza_id: Option<String>,
    pub contact_email: Option<String>,
    pub subject: String,
    pub description: String,
    /// The form fields as JSON.
    pub fields: String,
    pub received_at: DateTime<Utc>,
    pub created_by: Option<String>,
    /// Filed from a mail whose sender could not be authenticated.
    pub sender_unverified: bool,
}

/// Stores a new request with its protocol number, the office its kind is routed to and its
/// due date from the receipt date: the one way every channel files.
pub fn store_request(
    c: &mut DbConn,
    tenant: &TenantCtx,
    new: NewRequest,
    now: DateTime<Utc>,
) -> ApiResult<RequestRow> {
    insert_numbered(c, tenant, request_row(tenant, new, now), now)
}

/// The new request's row, routed and with its due date, still without a protocol number.
fn request_row(tenant: &TenantCtx, new: NewRequest, now: DateTime<Utc>) -> RequestRow {
    let standard_days = tenant.standard_days.get(new.kind);
    let office_id = tenant.directory.office_for(new.kind).cloned();
    let case = RequestCase::new(
        Some(new.citizen_id.clone()),
        new.kind,
        standard_days,
        new.received_at,
        office_id,
        &tenant.calendar,
    );
    let mut row = RequestRow {
        id: new_id(),
        tenant_id: tenant.id.clone(),
        protocol_number: String::new(),
        type_code: new.type_code,
        kind: new.kind,
        channel: new.channel,
        citizen_id: Some(new.citizen_id),
        utenza_id: new.utenza_id,
        contact_email: new.contact_email,
        subject: new.subject,
        description: new.description,
        fields: new.fields,
        status: Status::Received,
        office_id: None,
        assignee_id: None,
        received_at: new.received_at.naive_utc(),
        standard_days: None,
        due_date: None,
        has_public_reply: false,
        suspended_since: None,
        suspended_working_days: 0,
        resolved_at: None,
        closed_at: None,
        lateness_cause: None,
        created_by: new.created_by,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
        sender_unverified: new.sender_unverified,
    };
    store_case(&mut row, &case, now);
    row
}

/// Gives `row` the tenant's next protocol number and stores it. On PostgreSQL the
/// counter's row lock is held from here to the commit, so concurrent filings queue on it:
/// whatever can be written before (notices, lookups) should be.
fn insert_numbered(
    c: &mut DbConn,
    tenant: &TenantCtx,
    mut row: RequestRow,
    now: DateTime<Utc>,
) -> ApiResult<RequestRow> {
    row.protocol_number = requests::next_protocol_number(c, &tenant.id, rome_date(now).year())?;
    requests::insert(c, &row)?;
    Ok(row)
}

/// Who files, through which channel, received when. Citizens file for themselves now;
/// operators register phone/desk/post requests for a citizen or the generic contribuente,
/// possibly received in the past.
pub(super) fn intake(
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
            Some(u) if u.role == Role::Citizen => u.id,
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
        role: Role::Citizen,
        email: None,
        fiscal_code: None,
        first_name: "Contribuente".into(),
        last_name: "generico".into(),
        phone: None,
        password_hash: None,
        status: RegistrationStatus::Approved,
        active: false,
        failed_logins: 0,
        locked_until: None,
        created_at: now,
        updated_at: now,
        session_version: 0,
    };
    users::insert(c, &user)?;
    row.generic_citizen_id = Some(user.id.clone());
    tenants::update(c, &row)?;
    Ok(user.id)
}
