//! The conversation of a request: messages, attachments.

use std::collections::HashMap;

use chrono::Utc;
use domain::api::{Attachment, CreateMessage, MessageAuthor, MessageView, Page};
use domain::lifecycle::{Action, DeskOp, Status};
use domain::types::Description;

use super::lifecycle::{Step, display_name, transition_in_tx};
use super::views::{check_op, load_visible, lock_visible};
use crate::auth::AuthUser;
use crate::db::models::{AttachmentRow, MessageRow};
use crate::db::repo::{new_id, requests};
use crate::error::{ApiError, ApiResult, storage_error};
use crate::services::notify::{self, Notice};
use crate::state::AppState;
use crate::upload::UploadedFile;

pub(super) fn attachment_view(request_id: &str, a: AttachmentRow) -> Attachment {
    Attachment {
        url: format!("/api/v1/requests/{request_id}/attachments/{}", a.id),
        id: a.id,
        filename: a.filename,
        content_type: a.content_type,
        size: u64::try_from(a.size).unwrap_or(0),
        created_at: a.created_at.and_utc(),
    }
}

pub(super) fn message_view(
    m: MessageRow,
    attachments: &mut HashMap<String, Vec<Attachment>>,
) -> MessageView {
    MessageView {
        attachments: attachments.remove(&m.id).unwrap_or_default(),
        author: MessageAuthor {
            id: m.author_id,
            name: m.author_name,
            role: m.author_role,
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
    let op = if body.internal {
        DeskOp::InternalNote
    } else {
        DeskOp::Reply
    };
    // Not found, then not allowed, before the body is judged: others' requests do not
    // exist for a citizen, and other offices' requests are not an operator's to write on.
    state.db.read(|c| {
        let row = load_visible(c, user, request_id)?;
        check_op(user, &row, op)
    })?;
    let text = Description::parse(&body.body).map_err(|e| e.at_field("body"))?;
    let tenant = user.tenant.clone();
    let now = Utc::now();
    let message_id = new_id();
    let stored = store_files(state, &tenant.id, &files)?;
    let result = state.db.write_tx(|c| {
        let mut row = lock_visible(c, user, request_id)?;
        check_op(user, &row, op)?;
        let status: Status = row.status;
        let name = display_name(c, user)?;
        requests::insert_message(
            c,
            &MessageRow {
                id: message_id.clone(),
                tenant_id: tenant.id.clone(),
                request_id: row.id.clone(),
                author_id: Some(user.user_id.clone()),
                author_role: user.role,
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
                requests::mark_public_reply(c, &row.id, now.naive_utc())?;
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
            author_role: user.role,
            author_name: name,
            body: text.as_str().to_owned(),
            internal: body.internal,
            created_at: now.naive_utc(),
        };
        Ok::<_, ApiError>(message_view(stored_msg, &mut map))
    });
    if result.is_err() {
        for key in &stored {
            let _ = state.files.delete(key);
        }
    }
    result
}

/// Writes uploaded files before the transaction that references them.
pub fn store_files(
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
            return Err(storage_error(e));
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
    let bytes = state.files.get(&a.storage_key).map_err(storage_error)?;
    Ok((bytes, a.content_type, a.filename))
}
