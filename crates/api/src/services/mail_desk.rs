//! E-mail at the desk: an operator replies or forwards by e-mail (with attachments), exports
//! the conversation as a PDF to download or mail, and reads the mails of a thread with
//! their headers and original `.eml`.

use std::fmt::Write as _;

use chrono::Utc;
use domain::api::{DeliveryView, MailExport, MailMode, MailQueued, MailView, SendMail};
use domain::delivery::{DeliveryChannel, DeliveryStatus, MailDirection, MailOutcome};
use domain::lifecycle::{DeskOp, Role, Status};
use domain::types::Description;

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{AttachmentRow, MessageRow, RequestRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{mail, new_id, offices, requests, users};
use crate::error::{ApiError, ApiResult, storage_error};
use crate::mail::address;
use crate::mail::compose::{self, format_date, format_instant};
use crate::mail::outbound::{self, Draft};
use crate::mail::pdf::{self, Block};
use crate::mail::smtp::PayloadFile;
use crate::services::desk::check_op;
use crate::state::AppState;
use crate::upload::UploadedFile;

const MAX_RECIPIENTS: usize = 20;

fn load(c: &mut DbConn, user: &AuthUser, request_id: &str) -> ApiResult<RequestRow> {
    user.require_staff()?;
    requests::find(c, user.tenant_id(), request_id)?.ok_or(ApiError::NotFound)
}

/// The request for an operation that acts on it: staff only, within the caller's remit.
fn load_for(
    c: &mut DbConn,
    user: &AuthUser,
    request_id: &str,
    op: DeskOp,
) -> ApiResult<RequestRow> {
    let row = load(c, user, request_id)?;
    check_op(user, &row, op)?;
    Ok(row)
}

// ---- the mails of a thread ---------------------------------------------------------------

pub fn list_mails(state: &AppState, user: &AuthUser, request_id: &str) -> ApiResult<Vec<MailView>> {
    state.db.read(|c| {
        let row = load(c, user, request_id)?;
        let mut items: Vec<MailView> = mail::mails_of_request(c, &row.id)?
            .into_iter()
            .map(|m| MailView {
                eml_url: m
                    .raw_key
                    .as_ref()
                    .map(|_| format!("/api/v1/requests/{}/mails/{}/eml", row.id, m.id)),
                headers_url: format!("/api/v1/requests/{}/mails/{}/headers", row.id, m.id),
                direction: m.direction,
                message_id: m.message_id,
                thread_message_id: m.thread_message_id,
                from: m.from_addr,
                to: m.to_addrs,
                subject: m.subject,
                outcome: m.outcome,
                pec_type: m.pec_type,
                pec_status: m.pec_status,
                pec_meta: m.pec_meta.and_then(|s| serde_json::from_str(&s).ok()),
                created_at: m.created_at.and_utc(),
                id: m.id,
            })
            .collect();
        // Mails not sent yet (or given up) show as queued or failed.
        for d in mail::deliveries_of_request(c, user.tenant_id(), &row.id)? {
            if d.channel != DeliveryChannel::Email || d.status == DeliveryStatus::Sent {
                continue;
            }
            let p: Option<crate::mail::smtp::EmailPayload> = serde_json::from_str(&d.payload).ok();
            items.push(MailView {
                id: d.id.clone(),
                direction: MailDirection::Out,
                message_id: d.message_id.clone().unwrap_or_default(),
                thread_message_id: p.as_ref().and_then(|p| p.thread_message_id.clone()),
                from: p.as_ref().map(|p| p.from.clone()).unwrap_or_default(),
                to: d.recipient.clone(),
                subject: p.as_ref().map(|p| p.subject.clone()).unwrap_or_default(),
                outcome: MailOutcome::of_delivery(d.status),
                pec_type: None,
                pec_status: None,
                pec_meta: None,
                created_at: d.created_at.and_utc(),
                eml_url: None,
                headers_url: format!("/api/v1/requests/{}/mails/{}/headers", row.id, d.id),
            });
        }
        items.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        Ok::<_, ApiError>(items)
    })
}

pub fn deliveries(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
) -> ApiResult<Vec<DeliveryView>> {
    state.db.read(|c| {
        let row = load(c, user, request_id)?;
        Ok::<_, ApiError>(
            mail::deliveries_of_request(c, user.tenant_id(), &row.id)?
                .into_iter()
                .map(|d| DeliveryView {
                    id: d.id,
                    channel: d.channel,
                    recipient: d.recipient,
                    status: d.status,
                    attempts: u32::try_from(d.attempts).unwrap_or(0),
                    last_error: d.last_error,
                    created_at: d.created_at.and_utc(),
                    sent_at: d.sent_at.map(|t| t.and_utc()),
                })
                .collect(),
        )
    })
}

/// The original `.eml` of a mail: (bytes, file name).
pub fn eml(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
    mail_id: &str,
) -> ApiResult<(Vec<u8>, String)> {
    let m = state.db.read(|c| {
        let row = load(c, user, request_id)?;
        mail::find_mail(c, user.tenant_id(), mail_id)?
            .filter(|m| m.request_id.as_deref() == Some(row.id.as_str()))
            .ok_or(ApiError::NotFound)
    })?;
    let key = m.raw_key.ok_or(ApiError::NotFound)?;
    let bytes = state.files.get(&key).map_err(storage_error)?;
    Ok((bytes, format!("{}.eml", m.id)))
}

/// The header section of a mail, as text.
pub fn headers(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
    mail_id: &str,
) -> ApiResult<String> {
    state.db.read(|c| {
        let row = load(c, user, request_id)?;
        if let Some(m) = mail::find_mail(c, user.tenant_id(), mail_id)?
            .filter(|m| m.request_id.as_deref() == Some(row.id.as_str()))
        {
            return Ok(m.headers);
        }
        // A queued mail: its headers as they will be sent.
        let d = mail::deliveries_of_request(c, user.tenant_id(), &row.id)?
            .into_iter()
            .find(|d| d.id == mail_id)
            .ok_or(ApiError::NotFound)?;
        let p: crate::mail::smtp::EmailPayload =
            serde_json::from_str(&d.payload).map_err(|e| ApiError::Internal(e.into()))?;
        Ok::<_, ApiError>(format!(
            "Message-ID: <{}>\nFrom: {}\nTo: {}\nSubject: {}\nReply-To: {}\nIn-Reply-To: {}\n",
            d.message_id.unwrap_or_default(),
            p.from,
            p.to.join(", "),
            p.subject,
            p.reply_to.unwrap_or_default(),
            p.in_reply_to.map(|i| format!("<{i}>")).unwrap_or_default(),
        ))
    })
}

// ---- replying and forwarding -------------------------------------------------------------

fn recipients(field: &'static str, list: &[String]) -> ApiResult<Vec<String>> {
    let out: Vec<String> = list
        .iter()
        .map(|a| address::normalize(a))
        .filter(|a| !a.is_empty())
        .collect();
    if out.len() > MAX_RECIPIENTS {
        return Err(ApiError::invalid(
            field,
            "Al massimo 20 destinatari",
            "At most 20 recipients",
        ));
    }
    if let Some(bad) = out.iter().find(|a| !address::is_valid(a)) {
        return Err(ApiError::invalid(
            field,
            format!("Indirizzo non valido: {bad}"),
            format!("Invalid address: {bad}"),
        ));
    }
    Ok(out)
}

fn conversation_text(msgs: &[MessageRow]) -> String {
    msgs.iter()
        .filter(|m| !m.internal)
        .map(|m| {
            format!(
                "{} — {}:\n{}",
                format_instant(m.created_at.and_utc()),
                m.author_name,
                m.body.trim()
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Queues an operator's reply (a public message) or forward (an internal note) by e-mail.
pub fn send_mail(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
    body: &SendMail,
    files: Vec<UploadedFile>,
) -> ApiResult<MailQueued> {
    state
        .db
        .read(|c| load_for(c, user, request_id, DeskOp::Mail).map(|_| ()))?;
    let text = Description::parse(&body.body).map_err(|e| e.at_field("body"))?;
    let to = recipients("to", &body.to)?;
    let cc = recipients("cc", &body.cc)?;
    if body.mode == MailMode::Forward && to.is_empty() {
        return Err(ApiError::invalid(
            "to",
            "Indicare a chi inoltrare",
            "Give the recipients",
        ));
    }
    let subject = match body
        .subject
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) if s.chars().count() > 200 || s.chars().any(char::is_control) => {
            return Err(ApiError::invalid(
                "subject",
                "Oggetto non valido (al massimo 200 caratteri)",
                "Invalid subject (at most 200 characters)",
            ));
        }
        other => other.map(str::to_owned),
    };
    let tenant = user.tenant.clone();
    let keys = crate::services::desk::store_files(state, &tenant.id, &files)?;
    let now = Utc::now();
    let result = state.db.write_tx(|c| {
        let row = load_for(c, user, request_id, DeskOp::Mail)?;
        let to = if to.is_empty() {
            let citizen_email = match &row.citizen_id {
                Some(id) => users::find(c, &tenant.id, id)?.and_then(|u| u.email),
                None => None,
            };
            row.contact_email
                .clone()
                .or(citizen_email)
                .into_iter()
                .collect::<Vec<_>>()
        } else {
            to.clone()
        };
        if to.is_empty() {
            return Err(ApiError::invalid(
                "to",
                "La pratica non ha un indirizzo e-mail: indicare il destinatario",
                "The request has no e-mail address: give the recipient",
            ));
        }
        let author = users::find(c, &tenant.id, &user.user_id)?
            .map_or_else(|| user.role.code().to_owned(), |u| u.full_name());
        let message_id = new_id();
        let forward = body.mode == MailMode::Forward;
        let stored_body = if forward {
            format!(
                "Inoltrata per e-mail a {}:\n\n{}",
                to.join(", "),
                text.as_str()
            )
        } else {
            text.as_str().to_owned()
        };
        requests::insert_message(
            c,
            &MessageRow {
                id: message_id.clone(),
                tenant_id: tenant.id.clone(),
                request_id: row.id.clone(),
                author_id: Some(user.user_id.clone()),
                author_role: user.role,
                author_name: author,
                body: stored_body,
                internal: forward,
                created_at: now.naive_utc(),
            },
        )?;
        let mut attachments = Vec::new();
        for (f, key) in files.iter().zip(&keys) {
            requests::insert_attachment(
                c,
                &AttachmentRow {
                    id: new_id(),
                    tenant_id: tenant.id.clone(),
                    request_id: row.id.clone(),
                    message_id: Some(message_id.clone()),
                    filename: f.filename.clone(),
                    content_type: f.kind.content_type().to_owned(),
                    size: i64::try_from(f.bytes.len()).unwrap_or(i64::MAX),
                    storage_key: key.clone(),
                    sha256: f.sha256.clone(),
                    uploaded_by: Some(user.user_id.clone()),
                    created_at: now.naive_utc(),
                },
            )?;
            attachments.push(PayloadFile {
                filename: f.filename.clone(),
                content_type: f.kind.content_type().to_owned(),
                storage_key: key.clone(),
            });
        }
        let existing = requests::attachments(c, &row.id)?;
        for id in &body.attachment_ids {
            let a = existing.iter().find(|a| &a.id == id).ok_or_else(|| {
                ApiError::invalid(
                    "attachment_ids",
                    "Allegato non trovato nella pratica",
                    "Attachment not found in the request",
                )
            })?;
            attachments.push(PayloadFile {
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
                storage_key: a.storage_key.clone(),
            });
        }
        if !forward && !row.has_public_reply {
            requests::mark_public_reply(c, &row.id, now.naive_utc())?;
        }
        let brand = outbound::brand(c, &state.config, &tenant)?;
        let facts = outbound::facts(c, &row)?;
        let subject = match subject.clone() {
            Some(s) if address::protocol_in_subject(&s).is_some() => s,
            Some(s) => compose::request_subject(&row.protocol_number, &s),
            None if forward => {
                compose::request_subject(&row.protocol_number, &format!("I: {}", row.subject))
            }
            None => compose::request_subject(&row.protocol_number, &format!("R: {}", row.subject)),
        };
        let thread = forward
            .then(|| conversation_text(&requests::messages(c, &row.id, false).unwrap_or_default()));
        let rendered =
            compose::operator_mail(&brand, subject, text.as_str(), &facts, thread.as_deref());
        let delivery = outbound::queue_request_mail(
            c,
            &state.config,
            &tenant,
            &row,
            Draft {
                to: to.clone(),
                cc: cc.clone(),
                subject: rendered.subject,
                text: rendered.text,
                html: Some(rendered.html),
                attachments,
                auto_submitted: false,
                thread_message_id: Some(message_id.clone()),
            },
            None,
            Some(&user.user_id),
        )?;
        Audit {
            tenant_id: &tenant.id,
            actor_id: Some(&user.user_id),
            action: if forward {
                "request.mail_forward"
            } else {
                "request.mail_reply"
            },
            entity: "request",
            entity_id: Some(&row.id),
        }
        .record(
            c,
            None::<&()>,
            Some(&serde_json::json!({"to": to, "cc": cc, "delivery_id": delivery.id})),
        )?;
        Ok(MailQueued {
            message_id,
            mail_message_id: delivery.message_id.clone().unwrap_or_default(),
            delivery_id: delivery.id,
        })
    });
    if result.is_err() {
        for k in &keys {
            let _ = state.files.delete(k);
        }
    }
    result
}

// ---- the conversation as a PDF -----------------------------------------------------------

fn status_label(s: Status) -> String {
    s.label_it().to_owned()
}

fn role_label(r: Role) -> &'static str {
    match r {
        Role::Citizen => "cittadino",
        Role::Operator => "operatore",
        Role::Supervisor => "responsabile",
        Role::Admin => "amministratore",
        Role::System => "sistema",
    }
}

/// The document: protocol, parties, timestamps, the messages, the history and the mails.
fn pdf_blocks(
    c: &mut DbConn,
    user: &AuthUser,
    row: &RequestRow,
    internal: bool,
) -> ApiResult<(String, Vec<Block>)> {
    let tenant = &user.tenant;
    let facts = outbound::facts(c, row)?;
    let citizen = match &row.citizen_id {
        Some(id) => users::find(c, &tenant.id, id)?,
        None => None,
    };
    let assignee = match &row.assignee_id {
        Some(id) => users::find(c, &tenant.id, id)?.map(|u| u.full_name()),
        None => None,
    };
    let office = match &row.office_id {
        Some(id) => offices::find(c, &tenant.id, id)?.map(|o| o.name),
        None => None,
    };
    let mut b = vec![
        Block::Note(tenant.name.clone()),
        Block::Title(format!("Pratica prot. {}", row.protocol_number)),
        Block::Field("Oggetto".into(), row.subject.clone()),
        Block::Field("Tipo".into(), facts.type_name.clone()),
        Block::Field("Canale".into(), row.channel.code().to_owned()),
        Block::Field("Stato".into(), status_label(row.status)),
        Block::Field(
            "Ricevuta il".into(),
            format_instant(row.received_at.and_utc()),
        ),
        Block::Field(
            "Termine di risposta".into(),
            row.due_date
                .map_or_else(|| "non previsto".into(), format_date),
        ),
    ];
    if let Some(r) = row.resolved_at {
        b.push(Block::Field("Evasa il".into(), format_instant(r.and_utc())));
    }
    if let Some(u) = &citizen {
        let mut who = u.full_name();
        if let Some(cf) = &u.fiscal_code {
            let _ = write!(who, " — C.F. {cf}");
        }
        if let Some(e) = &u.email {
            let _ = write!(who, " — {e}");
        }
        b.push(Block::Field("Contribuente".into(), who));
    }
    if let Some(e) = &row.contact_email {
        b.push(Block::Field("Indirizzo di contatto".into(), e.clone()));
    }
    b.push(Block::Field(
        "Ufficio".into(),
        office.unwrap_or_else(|| "—".into()),
    ));
    b.push(Block::Field(
        "Assegnata a".into(),
        assignee.unwrap_or_else(|| "—".into()),
    ));
    b.push(Block::Field(
        "Esportata il".into(),
        format_instant(Utc::now()),
    ));
    b.push(Block::Rule);
    b.push(Block::Heading("Descrizione".into()));
    b.push(Block::Paragraph(row.description.clone()));
    b.push(Block::Heading("Conversazione".into()));
    let atts = requests::attachments(c, &row.id)?;
    for m in requests::messages(c, &row.id, internal)? {
        let mut head = format!(
            "{} — {} ({})",
            format_instant(m.created_at.and_utc()),
            m.author_name,
            role_label(m.author_role)
        );
        if m.internal {
            head.push_str(" — nota interna");
        }
        b.push(Block::Rule);
        b.push(Block::Note(head));
        b.push(Block::Paragraph(m.body.clone()));
        let names: Vec<String> = atts
            .iter()
            .filter(|a| a.message_id.as_deref() == Some(m.id.as_str()))
            .map(|a| a.filename.clone())
            .collect();
        if !names.is_empty() {
            b.push(Block::Note(format!("Allegati: {}", names.join(", "))));
        }
    }
    b.push(Block::Heading("Cronologia".into()));
    for t in requests::transitions(c, &row.id)? {
        b.push(Block::Paragraph(format!(
            "{} — {}: {} → {} ({})",
            format_instant(t.created_at.and_utc()),
            t.action,
            status_label(t.from_status),
            status_label(t.to_status),
            t.actor_name
        )));
    }
    let mails = mail::mails_of_request(c, &row.id)?;
    if !mails.is_empty() {
        b.push(Block::Heading("Messaggi di posta".into()));
        for m in mails {
            let dir = if m.direction == MailDirection::In {
                "ricevuto"
            } else {
                "inviato"
            };
            let mut line = format!(
                "{} — {dir} da {} a {}: «{}» <{}>",
                format_instant(m.created_at.and_utc()),
                m.from_addr,
                m.to_addrs,
                m.subject,
                m.message_id
            );
            if let Some(p) = m
                .pec_type
                .clone()
                .or(m.pec_status.map(|r| r.code().to_owned()))
            {
                let _ = write!(line, " — PEC: {p}");
            }
            b.push(Block::Note(line));
        }
    }
    Ok((format!("Pratica {}", row.protocol_number), b))
}

/// The conversation PDF: (bytes, file name). Internal notes only when asked (staff).
pub fn export_pdf(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
    internal: bool,
) -> ApiResult<(Vec<u8>, String)> {
    let (title, blocks, protocol) = state.db.read(|c| {
        let row = load_for(c, user, request_id, DeskOp::Export)?;
        let (t, b) = pdf_blocks(c, user, &row, internal)?;
        Ok::<_, ApiError>((t, b, row.protocol_number))
    })?;
    let bytes = pdf::render(&title, &format!("{} — {title}", user.tenant.name), &blocks);
    Ok((bytes, format!("pratica-{}.pdf", protocol.replace('/', "-"))))
}

/// Mails the conversation PDF (public messages only) to the given addresses.
pub fn mail_export(
    state: &AppState,
    user: &AuthUser,
    request_id: &str,
    body: &MailExport,
) -> ApiResult<MailQueued> {
    // Another tenant's request is not found before the body is judged.
    state
        .db
        .read(|c| load_for(c, user, request_id, DeskOp::Mail).map(|_| ()))?;
    let to = recipients("to", &body.to)?;
    if to.is_empty() {
        return Err(ApiError::invalid(
            "to",
            "Indicare almeno un destinatario",
            "Give at least one recipient",
        ));
    }
    let note = match body
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(n) => Some(
            Description::parse(n)
                .map_err(|e| e.at_field("note"))?
                .into_inner(),
        ),
        None => None,
    };
    let (bytes, filename) = export_pdf(state, user, request_id, false)?;
    let tenant = user.tenant.clone();
    let key = format!("{}/attachments/{}.pdf", tenant.id, new_id());
    state.files.put(&key, &bytes).map_err(storage_error)?;
    let result = state.db.write_tx(|c| {
        let row = load(c, user, request_id)?;
        let author = users::find(c, &tenant.id, &user.user_id)?
            .map_or_else(|| user.role.code().to_owned(), |u| u.full_name());
        let message_id = new_id();
        requests::insert_message(
            c,
            &MessageRow {
                id: message_id.clone(),
                tenant_id: tenant.id.clone(),
                request_id: row.id.clone(),
                author_id: Some(user.user_id.clone()),
                author_role: user.role,
                author_name: author,
                body: format!(
                    "Conversazione esportata in PDF e inviata a {}.",
                    to.join(", ")
                ),
                internal: true,
                created_at: Utc::now().naive_utc(),
            },
        )?;
        let brand = outbound::brand(c, &state.config, &tenant)?;
        let facts = outbound::facts(c, &row)?;
        let text = note
            .clone()
            .unwrap_or_else(|| "In allegato la conversazione della pratica in formato PDF.".into());
        let rendered = compose::operator_mail(
            &brand,
            compose::request_subject(
                &row.protocol_number,
                &format!("Conversazione: {}", row.subject),
            ),
            &text,
            &facts,
            None,
        );
        let delivery = outbound::queue_request_mail(
            c,
            &state.config,
            &tenant,
            &row,
            Draft {
                to: to.clone(),
                subject: rendered.subject,
                text: rendered.text,
                html: Some(rendered.html),
                attachments: vec![PayloadFile {
                    filename: filename.clone(),
                    content_type: "application/pdf".into(),
                    storage_key: key.clone(),
                }],
                thread_message_id: Some(message_id.clone()),
                ..Draft::default()
            },
            None,
            Some(&user.user_id),
        )?;
        Audit {
            tenant_id: &tenant.id,
            actor_id: Some(&user.user_id),
            action: "request.export_mail",
            entity: "request",
            entity_id: Some(&row.id),
        }
        .record(
            c,
            None::<&()>,
            Some(&serde_json::json!({"to": to, "delivery_id": delivery.id})),
        )?;
        Ok::<_, ApiError>(MailQueued {
            message_id,
            mail_message_id: delivery.message_id.clone().unwrap_or_default(),
            delivery_id: delivery.id,
        })
    });
    if result.is_err() {
        let _ = state.files.delete(&key);
    }
    result
}
