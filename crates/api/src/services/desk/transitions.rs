//! Lifecycle actions through the API, and the history of a request.

use chrono::Utc;
use domain::api::{MessageAuthor, RequestView, TransitionRequest, TransitionView};
use domain::lifecycle::{Action, ActionKind, Role};
use domain::types::Description;

use super::lifecycle::{Step, display_name, transition_in_tx};
use super::views::{load_visible, lock_visible, render};
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{MessageRow, RequestRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{new_id, offices, requests, users};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tenancy::TenantCtx;

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
        let mut row = lock_visible(c, user, request_id)?;
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
        if body.action == ActionKind::Resolve && row.kind == domain::catalogue::RequestKind::Rateizzazione {
            // Granting the rateizzazione applies the plan the request carries.
            crate::services::account::plans::grant_on_resolve(c, user, &row, now)?;
        }
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
                        author_role: user.role,
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
        render(c, user, row)
    })
}

/// Builds the domain action from the API body, checking referenced offices, users and types
/// belong to the tenant. Returns the public message that goes with it, if any.
pub(super) fn to_action<'a>(
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
                    users::find(c, &tenant.id, a)?.filter(|u| u.role != Role::Citizen && u.active);
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
            let t = tenant
                .directory
                .request_type(&code)
                .filter(|t| t.active)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "type",
                        "Tipo di richiesta sconosciuto",
                        "Unknown request type",
                    )
                })?;
            let kind = t.kind;
            if code == row.type_code {
                return Err(ApiError::invalid(
                    "type",
                    "La pratica ha già questo tipo",
                    "The request already has this type",
                ));
            }
            let office_id = tenant.directory.office_for(kind).cloned();
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
            .map(|t| TransitionView {
                action: t.action,
                from_status: t.from_status,
                to_status: t.to_status,
                actor: MessageAuthor {
                    id: t.actor_id,
                    name: t.actor_name,
                    role: t.actor_role,
                },
                // Citizens see the public part only: replies are in the thread.
                note: if user.is_staff() { t.note } else { None },
                created_at: t.created_at.and_utc(),
                id: t.id,
            })
            .collect();
        Ok::<_, ApiError>(items)
    })
}
