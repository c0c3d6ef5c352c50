//! Requests from unverified mail senders ("mittente non verificato"): once an operator has
//! checked who wrote, the request goes to that citizen, or its mail joins one of their open
//! requests.

use chrono::Utc;
use domain::api::{LinkSender, RequestView};
use domain::lifecycle::Role;
use domain::lifecycle::{Action, Actor, Status};

use super::lifecycle::{Step, case_of, display_name, transition_in_tx};
use super::views::render;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{MessageRow, RequestRow, UserRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{mail, new_id, requests, users};
use crate::error::{ApiError, ApiResult};
use crate::services::notify::{self, Notice};
use crate::state::AppState;
use crate::tenancy::TenantCtx;

/// An internal note of the system, or (with `by`) a public message of the operator.
fn note(
    c: &mut DbConn,
    row: &RequestRow,
    body: String,
    by: Option<(&AuthUser, &str)>,
) -> ApiResult<()> {
    requests::insert_message(
        c,
        &MessageRow {
            id: new_id(),
            tenant_id: row.tenant_id.clone(),
            request_id: row.id.clone(),
            author_id: by.map(|(u, _)| u.user_id.clone()),
            author_role: by.map_or(Role::System, |(u, _)| u.role),
            author_name: by.map_or("Sportello", |(_, n)| n).into(),
            body,
            internal: by.is_none(),
            created_at: Utc::now().naive_utc(),
        },
    )?;
    Ok(())
}

fn citizen(c: &mut DbConn, tenant: &TenantCtx, id: &str) -> ApiResult<UserRow> {
    users::find(c, &tenant.id, id)?
        .filter(|u| u.role == Role::Citizen && tenant.generic_citizen_id.as_deref() != Some(&u.id))
        .ok_or_else(|| {
            ApiError::invalid("citizen_id", "Cittadino non trovato", "Citizen not found")
        })
}

/// `POST /requests/{id}/sender`: operators of the request's office, supervisors and
/// administrators. Audited.
pub fn link_sender(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
    body: &LinkSender,
) -> ApiResult<RequestView> {
    user.require_staff()?;
    let tenant = user.tenant.clone();
    state.db.write_tx(|c| {
        let mut row = requests::lock(c, &tenant.id, request_id)?.ok_or(ApiError::NotFound)?;
        domain::lifecycle::check_link_sender(&case_of(&row), row.sender_unverified, &user.actor())?;
        let person = citizen(c, &tenant, &body.citizen_id)?;
        let name = display_name(c, user)?;
        let before = serde_json::json!({"citizen_id": row.citizen_id, "sender_unverified": true, "status": row.status});
        row.citizen_id = Some(person.id.clone());
        row.sender_unverified = false;
        row.updated_at = Utc::now().naive_utc();
        requests::assign_citizen(c, &row.id, &person.id, row.updated_at)?;
        let Some(target_id) = body.merge_into.as_deref() else {
            note(
                c,
                &row,
                format!("Mittente verificato da {name}: pratica intestata a {}.", person.full_name()),
                None,
            )?;
            // The acknowledgement withheld from an unverified sender.
            if row.status.is_open() {
                notify::enqueue(c, &tenant.id, &Notice::RequestFiled { request_id: row.id.clone() })?;
            }
            audit(c, user, "request.link_sender", &row.id, &before, &serde_json::json!({"citizen_id": person.id}))?;
            return render(c, user, row);
        };
        merge(c, &tenant, user, &name, row, &person, target_id, &before)
    })
}

#[allow(clippy::too_many_arguments)]
fn merge(
    c: &mut DbConn,
    tenant: &TenantCtx,
    user: &AuthUser,
    name: &str,
    mut row: RequestRow,
    person: &UserRow,
    target_id: &str,
    before: &serde_json::Value,
) -> ApiResult<RequestView> {
    let mut target = requests::lock(c, &tenant.id, target_id)?
        .filter(|t| t.id != row.id && t.citizen_id.as_deref() == Some(person.id.as_str()))
        .ok_or_else(|| {
            ApiError::invalid(
                "merge_into",
                "La pratica indicata non è un'altra pratica di questo cittadino",
                "The request given is not another request of this citizen",
            )
        })?;
    let status: Status = target.status;
    if matches!(
        status,
        Status::Closed | Status::Rejected | Status::Withdrawn
    ) {
        return Err(ApiError::conflict(
            "La pratica indicata è conclusa: collegare invece la pratica al cittadino",
            "The request given is concluded: link this request to the citizen instead",
        ));
    }
    let now = Utc::now();
    // The mail, its attachments and any notes go where they belong…
    requests::move_conversation(c, &row.id, &target.id)?;
    mail::move_mails(c, &row.id, &target.id)?;
    // …and this request ends, rejected as a duplicate, with the reason in its thread (the
    // state machine decides whether it still can).
    let reason = format!(
        "Il messaggio è stato unito alla pratica prot. {}.",
        target.protocol_number
    );
    note(c, &row, reason.clone(), Some((user, name)))?;
    let actor = user.actor();
    transition_in_tx(
        c,
        tenant,
        &mut row,
        Step {
            action: Action::Reject,
            actor: &actor,
            actor_name: name,
            note: Some(&reason),
            now,
        },
    )?;
    note(
        c,
        &target,
        format!(
            "Unito da {name} il messaggio della pratica prot. {} (mittente verificato).",
            row.protocol_number
        ),
        None,
    )?;
    // A citizen's answer while the office waits for them resumes the request, as any other.
    if status == Status::WaitingCitizen {
        transition_in_tx(
            c,
            tenant,
            &mut target,
            Step {
                action: Action::Resume,
                actor: &Actor::system(),
                actor_name: &person.full_name(),
                note: Some("Risposta del cittadino ricevuta per e-mail"),
                now,
            },
        )?;
    }
    audit(
        c,
        user,
        "request.merge",
        &row.id,
        before,
        &serde_json::json!({"citizen_id": person.id, "status": row.status, "merged_into": target.id}),
    )?;
    render(c, user, target)
}

fn audit(
    c: &mut DbConn,
    user: &AuthUser,
    action: &str,
    request_id: &str,
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> ApiResult<()> {
    Audit {
        tenant_id: user.tenant_id(),
        actor_id: Some(&user.user_id),
        action,
        entity: "request",
        entity_id: Some(request_id),
    }
    .record(c, Some(before), Some(after))?;
    Ok(())
}
