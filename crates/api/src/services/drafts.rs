//! Drafts of new requests (`/me/drafts`): a citizen's own, one per request type. Staff
//! register requests on the spot and have none. Sizes are checked here; the rules of
//! filing apply when the request is filed, and filing deletes the draft (`desk::filing`).

use chrono::Utc;
use domain::Role;
use domain::api::{Draft, SaveDraft};

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::DraftRow;
use crate::db::repo::{drafts, to_utc};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn require_citizen(user: &AuthUser) -> ApiResult<()> {
    if user.role == Role::Citizen {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Le bozze sono dei cittadini, nella loro area personale",
            "Drafts belong to citizens, in their personal area",
        ))
    }
}

fn view(row: DraftRow) -> Draft {
    Draft {
        fields: serde_json::from_str(&row.fields).unwrap_or_default(),
        type_code: row.type_code,
        subject: row.subject,
        description: row.description,
        updated_at: to_utc(row.updated_at),
    }
}

/// The caller's drafts, the most recently saved first.
pub fn list(state: &AppState, user: &AuthUser) -> ApiResult<Vec<Draft>> {
    require_citizen(user)?;
    let rows = state
        .db
        .read(|c| drafts::of_user(c, user.tenant_id(), &user.user_id))?;
    Ok(rows.into_iter().map(view).collect())
}

/// Saves the caller's draft of an active request type, replacing the previous one.
pub fn save(
    state: &AppState,
    user: &AuthUser,
    type_code: &str,
    body: &SaveDraft,
) -> ApiResult<Draft> {
    require_citizen(user)?;
    if user
        .tenant
        .directory
        .request_type(type_code)
        .is_none_or(|t| !t.active)
    {
        return Err(ApiError::NotFound);
    }
    body.check()?;
    let row = DraftRow {
        tenant_id: user.tenant_id().to_owned(),
        user_id: user.user_id.clone(),
        type_code: type_code.to_owned(),
        subject: body.subject.clone(),
        description: body.description.clone(),
        fields: serde_json::to_string(&body.fields).map_err(|e| ApiError::Internal(e.into()))?,
        updated_at: Utc::now().naive_utc(),
    };
    state.db.write_tx(|c| drafts::save(c, &row))?;
    Ok(view(row))
}

/// Deletes the caller's draft of a type; 404 when there is none.
pub fn delete(state: &AppState, user: &AuthUser, type_code: &str) -> ApiResult<()> {
    require_citizen(user)?;
    let found = state
        .db
        .write_tx(|c| drafts::delete(c, user.tenant_id(), &user.user_id, type_code))?;
    if found {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Filing a request of a type ends the citizen's draft of it, in the filing's transaction.
pub fn filed(c: &mut DbConn, user: &AuthUser, type_code: &str) -> ApiResult<()> {
    if user.role == Role::Citizen {
        drafts::delete(c, user.tenant_id(), &user.user_id, type_code)?;
    }
    Ok(())
}
