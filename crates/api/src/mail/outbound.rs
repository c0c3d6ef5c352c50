//! From notices to deliveries, and from deliveries to the wire.
//!
//! A notice (`outbox` row) is expanded, in one transaction, into one delivery per channel
//! and recipient, each rendered once with a stable `Message-ID`; the notice is marked done
//! in the same transaction, and `UNIQUE (outbox_id, channel, recipient)` makes a second
//! expansion impossible. Deliveries are claimed with a lease (a token and an expiry),
//! sent, and their outcome recorded only if the lease is still ours.

use chrono::{DateTime, Duration, Utc};
use domain::error::Lang;
use rand::Rng;

use super::address;
use super::channels::{self, Channel, IoPayload, SmsPayload};
use super::compose::{self, Brand, RegistrationOutcome, Rendered, RequestFacts};
use super::smtp::{self, EmailPayload, PayloadFile, SendError, SmtpServer};
use crate::config::Config;
use crate::db::DbConn;
use crate::db::models::{
    DeliveryRow, MailMessageRow, MailThreadRow, MailboxRow, OutboxNoticeRow, RequestRow, UserRow,
};
use crate::db::repo::{
    catalogue, mail, new_id, password_resets, registrations, requests, tenants, users,
};
use crate::egress::Failure;
use crate::error::{ApiError, ApiResult};
use crate::secret_key::Column;
use crate::services::notify::Notice;
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use domain::delivery::{DeliveryStatus, MailDirection, MailOutcome};

/// The mail an operator or a notice wants sent about a request.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<PayloadFile>,
    pub auto_submitted: bool,
    pub thread_message_id: Option<String>,
}

/// The tenant's name, logo and portal address.
pub fn brand(c: &mut DbConn, config: &Config, tenant: &TenantCtx) -> ApiResult<Brand> {
    let settings = mail::channel_settings(c, &tenant.id)?;
    Ok(Brand {
        tenant_name: tenant.name.clone(),
        logo_url: tenant.logo_url.clone(),
        public_url: settings
            .and_then(|s| s.public_url)
            .or_else(|| config.public_url.clone()),
    })
}

/// The request's reply token, created on first use (with the mailbox it runs through).
pub fn thread(
    c: &mut DbConn,
    request: &RequestRow,
    mailbox_id: Option<&str>,
) -> ApiResult<MailThreadRow> {
    if let Some(t) = mail::thread_of(c, &request.id)? {
        return Ok(t);
    }
    let t = MailThreadRow {
        request_id: request.id.clone(),
        tenant_id: request.tenant_id.clone(),
        token: address::new_token(),
        mailbox_id: mailbox_id.map(str::to_owned),
        created_at: Utc::now().naive_utc(),
    };
    mail::insert_thread(c, &t)?;
    Ok(t)
}

/// The mailbox that sends for a thread (its own if it can send, else the tenant's) and the
/// sender address.
fn sender(
    c: &mut DbConn,
    config: &Config,
    tenant_id: &str,
    preferred: Option<&str>,
) -> ApiResult<(Option<MailboxRow>, String)> {
    let own = match preferred {
        Some(id) => mail::find_mailbox(c, tenant_id, id)?.filter(|m| m.smtp_host.is_some()),
        None => None,
    };
    let mailbox = match own {
        Some(m) => Some(m),
        None => mail::outbound_mailbox(c, tenant_id)?,
    };
    let from = mailbox
        .as_ref()
        .map(|m| m.address.clone())
        .or_else(|| config.mail_from.clone())
        .unwrap_or_else(|| "noreply@sportello.invalid".to_owned());
    Ok((mailbox, from))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn new_delivery(
    tenant_id: &str,
    outbox_id: Option<&str>,
    request_id: Option<&str>,
    channel: Channel,
    recipient: &str,
    payload: String,
    message_id: Option<String>,
    created_by: Option<&str>,
    id: String,
) -> DeliveryRow {
    let now = Utc::now().naive_utc();
    DeliveryRow {
        id,
        tenant_id: tenant_id.to_owned(),
        outbox_id: outbox_id.map(str::to_owned),
        request_id: request_id.map(str::to_owned),
        channel,
        recipient: recipient.to_owned(),
        payload,
        message_id,
        status: DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: now,
        locked_until: None,
        lease_token: None,
        last_error: None,
        provider_ref: None,
        created_by: created_by.map(str::to_owned),
        created_at: now,
        sent_at: None,
    }
}

/// Queues a mail about a request, in the caller's transaction: Reply-To with the request's
/// token, In-Reply-To/References to its previous mails, a stable Message-ID.
pub fn queue_request_mail(
    c: &mut DbConn,
    config: &Config,
    tenant: &TenantCtx,
    request: &RequestRow,
    draft: Draft,
    outbox_id: Option<&str>,
    created_by: Option<&str>,
) -> ApiResult<DeliveryRow> {
    let t = thread(c, request, None)?;
    let (mailbox, from) = sender(c, config, &tenant.id, t.mailbox_id.as_deref())?;
    let reply_to = mailbox
        .as_ref()
        .filter(|m| m.imap_host.is_some())
        .and_then(|m| address::reply_address(&m.address, &t.token));
    let history = mail::mails_of_request(c, &request.id)?;
    let in_reply_to = history
        .iter()
        .rev()
        .find(|m| m.direction == MailDirection::In)
        .or_else(|| history.last())
        .map(|m| m.message_id.clone());
    let mut references: Vec<String> = history.iter().map(|m| m.message_id.clone()).collect();
    references.dedup();
    if references.len() > 10 {
        references.drain(..references.len() - 10);
    }
    let id = new_id();
    let message_id = address::message_id(&id, &from);
    let recipient = draft.to.join(", ");
    let payload = EmailPayload {
        mailbox_id: mailbox.as_ref().map(|m| m.id.clone()),
        from,
        from_name: tenant.name.clone(),
        to: draft.to,
        cc: draft.cc,
        reply_to,
        subject: draft.subject,
        text: draft.text,
        html: draft.html,
        in_reply_to,
        references,
        attachments: draft.attachments,
        auto_submitted: draft.auto_submitted,
        date: Utc::now(),
        thread_message_id: draft.thread_message_id,
    };
    let row = new_delivery(
        &tenant.id,
        outbox_id,
        Some(&request.id),
        Channel::Email,
        &recipient,
        serde_json::to_string(&payload).map_err(|e| ApiError::Internal(e.into()))?,
        Some(message_id),
        created_by,
        id,
    );
    mail::insert_delivery(c, &row)?;
    Ok(row)
}

fn queue_plain_mail(
    c: &mut DbConn,
    config: &Config,
    tenant: &TenantCtx,
    to: &str,
    rendered: Rendered,
    outbox_id: &str,
) -> ApiResult<()> {
    queue_notice_mail(c, config, tenant, to, rendered, vec![], outbox_id, None)
}

/// Queues an automatic mail that belongs to no request thread (or only refers to one), with
/// attachments already in the file store.
#[allow(clippy::too_many_arguments)]
pub(crate) fn queue_notice_mail(
    c: &mut DbConn,
    config: &Config,
    tenant: &TenantCtx,
    to: &str,
    rendered: Rendered,
    attachments: Vec<PayloadFile>,
    outbox_id: &str,
    request_id: Option<&str>,
) -> ApiResult<()> {
    queue_auto_mail(
        c,
        config,
        tenant,
        to,
        rendered,
        attachments,
        Some(outbox_id),
        request_id,
    )
    .map(|_| ())
}

/// Queues an automatic mail (from a notice of the outbox or from another job); returns
/// the delivery's id.
#[allow(clippy::too_many_arguments)]
pub(crate) fn queue_auto_mail(
    c: &mut DbConn,
    config: &Config,
    tenant: &TenantCtx,
    to: &str,
    rendered: Rendered,
    attachments: Vec<PayloadFile>,
    outbox_id: Option<&str>,
    request_id: Option<&str>,
) -> ApiResult<String> {
    let (mailbox, from) = sender(c, config, &tenant.id, None)?;
    let id = new_id();
    let message_id = address::message_id(&id, &from);
    let payload = EmailPayload {
        mailbox_id: mailbox.map(|m| m.id),
        from,
        from_name: tenant.name.clone(),
        to: vec![to.to_owned()],
        cc: vec![],
        reply_to: None,
        subject: rendered.subject,
        text: rendered.text,
        html: Some(rendered.html),
        in_reply_to: None,
        references: vec![],
        attachments,
        auto_submitted: true,
        date: Utc::now(),
        thread_message_id: None,
    };
    let row = new_delivery(
        &tenant.id,
        outbox_id,
        request_id,
        Channel::Email,
        to,
        serde_json::to_string(&payload).map_err(|e| ApiError::Internal(e.into()))?,
        Some(message_id),
        None,
        id,
    );
    mail::insert_delivery(c, &row)?;
    Ok(row.id)
}

/// How a citizen wants to hear: channels and language (e-mail in Italian by default).
#[derive(Debug, Clone)]
pub struct Prefs {
    pub email: bool,
    pub sms: bool,
    pub app_io: bool,
    pub lang: Lang,
}

pub fn prefs_of(c: &mut DbConn, user_id: Option<&str>) -> ApiResult<Prefs> {
    let row = match user_id {
        Some(id) => mail::prefs(c, id)?,
        None => None,
    };
    Ok(match row {
        Some(p) => Prefs {
            email: p.email,
            sms: p.sms,
            app_io: p.app_io,
            lang: if p.lang == "en" { Lang::En } else { Lang::It },
        },
        None => Prefs {
            email: true,
            sms: false,
            app_io: false,
            lang: Lang::It,
        },
    })
}

pub fn facts(c: &mut DbConn, request: &RequestRow) -> ApiResult<RequestFacts> {
    let type_name = catalogue::find(c, &request.tenant_id, &request.type_code)?
        .map_or_else(|| request.type_code.clone(), |t| t.name);
    Ok(RequestFacts {
        id: request.id.clone(),
        protocol: request.protocol_number.clone(),
        subject: request.subject.clone(),
        type_name,
        received_at: request.received_at.and_utc(),
        due_date: request.due_date,
    })
}

/// The latest public message of the office on a request when the notice was written (the
/// text of a reply, of a request for information or of a rejection).
fn latest_office_message(
    c: &mut DbConn,
    request_id: &str,
    until: chrono::NaiveDateTime,
) -> ApiResult<Option<String>> {
    Ok(requests::messages(c, request_id, false)?
        .into_iter()
        .rev()
        .filter(|m| m.created_at <= until)
        .find(|m| m.author_role.is_staff())
        .map(|m| m.body))
}

/// Expands one notice into deliveries and marks it done, all in the caller's transaction.
/// Returns how many deliveries it created.
pub fn expand(c: &mut DbConn, state: &AppState, row: &OutboxNoticeRow) -> ApiResult<usize> {
    let config = &state.config;
    let now = Utc::now().naive_utc();
    let Ok(notice) = serde_json::from_str::<Notice>(&row.notice) else {
        mail::finish_notice(
            c,
            &row.id,
            DeliveryStatus::Failed,
            Some("unreadable notice"),
            now,
        )?;
        return Ok(0);
    };
    let tenant = tenants::ctx(c, &row.tenant_id)?;
    let brand = brand(c, config, &tenant)?;
    let mut count = 0;
    match &notice {
        Notice::RegistrationReceived { registration_id }
        | Notice::RegistrationApproved { registration_id }
        | Notice::RegistrationRejected { registration_id } => {
            if let Some((reg, user)) = registrations::find(c, &tenant.id, registration_id)? {
                let prefs = prefs_of(c, Some(&user.id))?;
                let outcome = match notice {
                    Notice::RegistrationReceived { .. } => RegistrationOutcome::Received,
                    Notice::RegistrationApproved { .. } => RegistrationOutcome::Approved,
                    _ => RegistrationOutcome::Rejected(reg.rejection_reason.clone()),
                };
                if let Some(email) = user.email.as_deref().filter(|e| address::is_valid(e)) {
                    let r = compose::registration(prefs.lang, &brand, &user.full_name(), &outcome);
                    queue_plain_mail(c, config, &tenant, email, r, &row.id)?;
                    count += 1;
                }
            }
        }
        Notice::RequestFiled { request_id }
        | Notice::PublicReply { request_id, .. }
        | Notice::StatusChanged { request_id, .. } => {
            if let Some(request) = requests::find(c, &tenant.id, request_id)? {
                count += expand_request(c, config, &tenant, &brand, &request, &notice, row)?;
            }
        }
        Notice::AccountExists { user_id } => {
            if let Some(user) = users::find(c, &tenant.id, user_id)?
                && let Some(email) = user.email.as_deref().filter(|e| address::is_valid(e))
            {
                let lang = prefs_of(c, Some(&user.id))?.lang;
                let page = brand.password_reset_page();
                let r = compose::account_exists(lang, &brand, &user.full_name(), &page);
                queue_plain_mail(c, config, &tenant, email, r, &row.id)?;
                count += 1;
            }
        }
        Notice::PasswordReset { reset_id, token } => {
            // A link that can no longer work (used, expired) is not sent.
            if let Some((reset, user)) = password_resets::find_live(c, &tenant.id, reset_id, now)?
                && let Some(email) = user.email.as_deref().filter(|e| address::is_valid(e))
            {
                let lang = prefs_of(c, Some(&user.id))?.lang;
                let minutes = (reset.expires_at - reset.created_at).num_minutes();
                let link = brand.password_reset_link(token);
                let r = compose::password_reset(lang, &brand, &user.full_name(), &link, minutes);
                queue_plain_mail(c, config, &tenant, email, r, &row.id)?;
                count += 1;
            }
        }
        Notice::BookingPending { .. }
        | Notice::BookingConfirmed { .. }
        | Notice::BookingRescheduled { .. }
        | Notice::BookingCancelled { .. }
        | Notice::BookingReminder { .. } => {
            count += crate::services::agenda::notices::expand(
                c,
                config,
                &state.booking_codes,
                &tenant,
                &brand,
                &notice,
                &row.id,
            )?;
        }
        Notice::ChatTranscript { chat_id } => {
            if let Some(chat) = crate::db::repo::live::find_chat(c, &tenant.id, chat_id)?
                && let Some(user) = match &chat.citizen_id {
                    Some(id) => users::find(c, &tenant.id, id)?,
                    None => None,
                }
                && let Some(email) = user.email.as_deref().filter(|e| address::is_valid(e))
            {
                let lang = prefs_of(c, Some(&user.id))?.lang;
                let lines = crate::services::live::chats::transcript_lines(c, &chat.id)?;
                let started = domain::agenda::rome_local(chat.started_at.and_utc());
                let r = compose::chat_transcript(lang, &brand, &user.full_name(), &started, &lines);
                queue_plain_mail(c, config, &tenant, email, r, &row.id)?;
                count += 1;
            }
        }
        Notice::PaymentReceived { receipt_id } => {
            count += crate::services::pagopa::reminders::expand_receipt(
                c, config, &tenant, &brand, receipt_id, &row.id,
            )?;
        }
    }
    if !mail::finish_notice(c, &row.id, DeliveryStatus::Sent, None, now)? {
        // Another worker expanded it meanwhile: roll ours back.
        return Err(ApiError::conflict(
            "notice already expanded",
            "notice already expanded",
        ));
    }
    Ok(count)
}

fn expand_request(
    c: &mut DbConn,
    config: &Config,
    tenant: &TenantCtx,
    brand: &Brand,
    request: &RequestRow,
    notice: &Notice,
    outbox: &OutboxNoticeRow,
) -> ApiResult<usize> {
    let outbox_id = outbox.id.as_str();
    let citizen: Option<UserRow> = match &request.citizen_id {
        Some(id) if Some(id) != tenant.generic_citizen_id.as_ref() => {
            users::find(c, &tenant.id, id)?
        }
        _ => None,
    };
    let prefs = prefs_of(c, citizen.as_ref().map(|u| u.id.as_str()))?;
    let name = citizen.as_ref().map(UserRow::full_name).unwrap_or_default();
    let facts = facts(c, request)?;
    let mut attachments = Vec::new();
    let rendered = match notice {
        Notice::RequestFiled { .. } => compose::request_filed(prefs.lang, brand, &name, &facts),
        Notice::PublicReply { message_id, .. } => {
            let Some(m) = requests::messages(c, &request.id, false)?
                .into_iter()
                .find(|m| &m.id == message_id)
            else {
                return Ok(0);
            };
            for a in requests::attachments(c, &request.id)? {
                if a.message_id.as_deref() == Some(message_id.as_str()) {
                    attachments.push(PayloadFile {
                        filename: a.filename,
                        content_type: a.content_type,
                        storage_key: a.storage_key,
                    });
                }
            }
            let names: Vec<String> = attachments.iter().map(|a| a.filename.clone()).collect();
            compose::public_reply(prefs.lang, brand, &name, &facts, &m.body, &names)
        }
        Notice::StatusChanged { status, .. } => {
            let message = if matches!(status.as_str(), "waiting_citizen" | "resolved" | "rejected")
            {
                latest_office_message(c, &request.id, outbox.created_at)?
            } else {
                None
            };
            compose::status_changed(prefs.lang, brand, &name, &facts, status, message.as_deref())
        }
        _ => return Ok(0),
    };
    let mut count = 0;
    let email = request
        .contact_email
        .clone()
        .or_else(|| citizen.as_ref().and_then(|u| u.email.clone()))
        .filter(|e| address::is_valid(e));
    if prefs.email
        && let Some(to) = email
    {
        let draft = Draft {
            to: vec![to],
            subject: rendered.subject.clone(),
            text: rendered.text.clone(),
            html: Some(rendered.html.clone()),
            attachments,
            auto_submitted: !matches!(notice, Notice::PublicReply { .. }),
            ..Draft::default()
        };
        queue_request_mail(c, config, tenant, request, draft, Some(outbox_id), None)?;
        count += 1;
    }
    let settings = mail::channel_settings(c, &tenant.id)?;
    if let (true, Some(user), Some(s)) = (prefs.sms, &citizen, &settings)
        && let (Some(phone), Some(url)) = (&user.phone, &s.sms_url)
    {
        let payload = SmsPayload {
            url: url.clone(),
            sender: s.sms_sender.clone(),
            text: compose::sms(
                prefs.lang,
                brand,
                &rendered,
                brand.request_link(&request.id),
            ),
        };
        let d = new_delivery(
            &tenant.id,
            Some(outbox_id),
            Some(&request.id),
            Channel::Sms,
            phone,
            serde_json::to_string(&payload).map_err(|e| ApiError::Internal(e.into()))?,
            None,
            None,
            new_id(),
        );
        mail::insert_delivery(c, &d)?;
        count += 1;
    }
    if let (true, Some(user), Some(s)) = (prefs.app_io, &citizen, &settings)
        && let (Some(cf), Some(url), Some(_)) = (&user.fiscal_code, &s.io_url, &s.io_api_key)
    {
        let (subject, markdown) = compose::app_io(&rendered);
        let payload = IoPayload {
            url: url.clone(),
            subject,
            markdown,
            due_date: None,
            payment_data: None,
        };
        let d = new_delivery(
            &tenant.id,
            Some(outbox_id),
            Some(&request.id),
            Channel::AppIo,
            cf,
            serde_json::to_string(&payload).map_err(|e| ApiError::Internal(e.into()))?,
            None,
            None,
            new_id(),
        );
        mail::insert_delivery(c, &d)?;
        count += 1;
    }
    Ok(count)
}

// ---- sending ---------------------------------------------------------------------------

/// How long a claimed delivery is ours (`SPORTELLO_DELIVERY_LEASE_SECONDS`, 300 by
/// default): well beyond the SMTP and HTTP timeouts.
fn lease_seconds(config: &Config) -> i64 {
    i64::try_from(config.delivery_lease_seconds.max(1)).unwrap_or(300)
}
const BATCH: i64 = 20;

/// Delay before attempt `attempts + 1`: base × 2^(attempts−1), at most 6 hours, ±10%.
pub fn backoff(base_seconds: u64, attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(0);
    let secs = base_seconds
        .max(1)
        .saturating_mul(1_u64 << exp)
        .min(6 * 3600);
    let jitter = rand::thread_rng().gen_range(0..=secs / 10);
    Duration::seconds(i64::try_from(secs + jitter).unwrap_or(6 * 3600))
}

/// Expands due notices (each in its own transaction). Returns the deliveries created.
pub async fn expand_due(state: &actix_web::web::Data<AppState>) -> ApiResult<usize> {
    let st = state.clone();
    crate::error::blocking(move || {
        let notices = st
            .db
            .read(|c| mail::due_notices(c, Utc::now().naive_utc(), 50))?;
        let mut total = 0;
        for n in notices {
            match st.db.write_tx(|c| expand(c, &st, &n)) {
                Ok(k) => total += k,
                Err(ApiError::Conflict(_)) => {}
                Err(e) => tracing::error!(notice = %n.id, error = %e, "expanding a notice failed"),
            }
        }
        Ok(total)
    })
    .await
}

/// Claims and sends due deliveries. Returns how many were sent.
pub async fn send_due(state: &actix_web::web::Data<AppState>) -> ApiResult<usize> {
    let token = new_id();
    let st = state.clone();
    let tok = token.clone();
    let claimed = crate::error::blocking(move || {
        let now = Utc::now();
        st.db.write_tx(|c| {
            mail::claim_deliveries(
                c,
                now.naive_utc(),
                (now + Duration::seconds(lease_seconds(&st.config))).naive_utc(),
                &tok,
                BATCH,
            )
        })
    })
    .await?;
    let mut sent = 0;
    for d in claimed {
        let outcome = deliver(state, &d).await;
        let ok = outcome.is_ok();
        record(state, &d, &token, outcome).await?;
        if ok {
            sent += 1;
        }
    }
    Ok(sent)
}

/// What a successful send leaves behind.
struct Sent {
    provider_ref: Option<String>,
    /// E-mail: the mail as sent (stored and indexed for threading).
    mail: Option<(MailMessageRow, Vec<u8>)>,
}

async fn deliver(
    state: &actix_web::web::Data<AppState>,
    d: &DeliveryRow,
) -> Result<Sent, SendError> {
    let bad = |e: serde_json::Error| SendError::Permanent(format!("unreadable payload: {e}"));
    match d.channel {
        Channel::Email => {
            let p: EmailPayload = serde_json::from_str(&d.payload).map_err(bad)?;
            deliver_email(state, d, &p).await
        }
        Channel::Sms => {
            let p: SmsPayload = serde_json::from_str(&d.payload).map_err(bad)?;
            let token = channel_secret(state, &d.tenant_id, Column::SmsToken).await?;
            let r = channels::send_sms(&state.egress, &p, token.as_deref(), &d.recipient, &d.id)
                .await?;
            Ok(Sent {
                provider_ref: r,
                mail: None,
            })
        }
        Channel::AppIo => {
            let p: IoPayload = serde_json::from_str(&d.payload).map_err(bad)?;
            let key = channel_secret(state, &d.tenant_id, Column::IoApiKey)
                .await?
                .ok_or_else(|| SendError::Transient("App IO: no API key configured".into()))?;
            let r = channels::send_io(&state.egress, &p, &key, &d.recipient).await?;
            Ok(Sent {
                provider_ref: r,
                mail: None,
            })
        }
    }
}

/// The tenant's SMS token or App IO key, opened.
async fn channel_secret(
    state: &actix_web::web::Data<AppState>,
    tenant_id: &str,
    column: Column,
) -> Result<Option<String>, SendError> {
    let st = state.clone();
    let tenant = tenant_id.to_owned();
    let row = crate::error::blocking(move || st.db.read(|c| mail::channel_settings(c, &tenant)))
        .await
        .map_err(|e| SendError::Transient(e.to_string()))?;
    let Some(row) = row else { return Ok(None) };
    let stored = match column {
        Column::SmsToken => row.sms_token,
        _ => row.io_api_key,
    };
    state
        .secret_key
        .open_opt(stored.as_deref(), column, tenant_id)
        .map_err(|e| {
            tracing::error!(tenant = tenant_id, error = %e, "stored channel secret unreadable");
            SendError::Transient(Failure::Secret.to_string())
        })
}

async fn deliver_email(
    state: &actix_web::web::Data<AppState>,
    d: &DeliveryRow,
    p: &EmailPayload,
) -> Result<Sent, SendError> {
    let message_id = d
        .message_id
        .clone()
        .unwrap_or_else(|| address::message_id(&d.id, &p.from));
    let st = state.clone();
    let (mailbox_id, tenant_id) = (p.mailbox_id.clone(), d.tenant_id.clone());
    let mailbox = match mailbox_id {
        Some(id) => {
            crate::error::blocking(move || st.db.read(|c| mail::find_mailbox(c, &tenant_id, &id)))
                .await
                .map_err(|e| SendError::Transient(e.to_string()))?
        }
        None => None,
    };
    let helo = address::split(&p.from)
        .map_or("localhost", |(_, d)| d)
        .to_owned();
    let server = match &mailbox {
        Some(m) => SmtpServer::of_mailbox(m, &state.secret_key)
            .map_err(|f| SendError::Transient(format!("SMTP: {f}")))?,
        None => None,
    };
    let transport = match server {
        Some(server) => smtp::transport(&server, &helo, &state.egress)
            .await
            .map_err(|f| match f {
                Failure::Refused(_) | Failure::Tls => SendError::Permanent(format!("SMTP: {f}")),
                _ => SendError::Transient(format!("SMTP: {f}")),
            })?,
        None => match &state.config.smtp_url {
            Some(url) => smtp::transport_from_url(url)
                .map_err(|e| SendError::Permanent(format!("SMTP configuration: {e}")))?,
            None => return Err(SendError::Transient("no SMTP server configured".into())),
        },
    };
    // Attachments are read from the file store, which blocks: not on this async worker.
    let (st, payload, id) = (state.clone(), p.clone(), message_id.clone());
    let message =
        tokio::task::spawn_blocking(move || smtp::build(&payload, &id, st.files.as_ref()))
            .await
            .map_err(|e| SendError::Transient(format!("building the mail: {e}")))?
            .map_err(|e| {
                // A file store that is down now may be back at the next attempt.
                let down = e
                    .chain()
                    .filter_map(|c| c.downcast_ref::<std::io::Error>())
                    .any(crate::storage::is_unavailable);
                if down {
                    SendError::Transient(format!("building the mail: {e}"))
                } else {
                    SendError::Permanent(format!("building the mail: {e}"))
                }
            })?;
    let response = smtp::send(&transport, &message).await?;
    let bytes = message.formatted();
    let headers = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or_else(String::new, |end| {
            String::from_utf8_lossy(&bytes[..end]).into_owned()
        });
    let row = MailMessageRow {
        id: new_id(),
        tenant_id: d.tenant_id.clone(),
        request_id: d.request_id.clone(),
        thread_message_id: p.thread_message_id.clone(),
        mailbox_id: mailbox.map(|m| m.id),
        delivery_id: Some(d.id.clone()),
        direction: MailDirection::Out,
        message_id,
        in_reply_to: p.in_reply_to.clone(),
        refs: (!p.references.is_empty()).then(|| p.references.join(" ")),
        from_addr: p.from.clone(),
        to_addrs: p
            .to
            .iter()
            .chain(&p.cc)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        subject: p.subject.clone(),
        headers,
        raw_key: None,
        size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        imap_uid: None,
        outcome: MailOutcome::Sent,
        pec_type: None,
        pec_meta: None,
        pec_status: None,
        acked_at: None,
        created_at: Utc::now().naive_utc(),
    };
    Ok(Sent {
        provider_ref: Some(response.chars().take(200).collect()),
        mail: Some((row, bytes)),
    })
}

async fn record(
    state: &actix_web::web::Data<AppState>,
    d: &DeliveryRow,
    token: &str,
    outcome: Result<Sent, SendError>,
) -> ApiResult<()> {
    let st = state.clone();
    let d = d.clone();
    let token = token.to_owned();
    crate::error::blocking(move || {
        let now: DateTime<Utc> = Utc::now();
        match outcome {
            Ok(sent) => {
                let mut mail_row = None;
                if let Some((mut row, bytes)) = sent.mail {
                    let key = format!("{}/mail/{}.eml", d.tenant_id, d.id);
                    if st.files.put(&key, &bytes).is_ok() {
                        row.raw_key = Some(key);
                    }
                    mail_row = Some(row);
                }
                st.db.write_tx(|c| {
                    let mine = mail::finish_delivery(
                        c,
                        &d.id,
                        &token,
                        DeliveryStatus::Sent,
                        None,
                        now.naive_utc(),
                        Some(now.naive_utc()),
                        sent.provider_ref.as_deref(),
                    )?;
                    if mine && let Some(row) = &mail_row {
                        mail::insert_mail(c, row)?;
                    }
                    Ok::<_, ApiError>(())
                })?;
                tracing::info!(delivery = %d.id, channel = %d.channel, "delivered");
            }
            Err(e) => {
                let (status, error, next) = match e {
                    SendError::Permanent(msg) => (DeliveryStatus::Failed, msg, now),
                    SendError::Transient(msg) if d.attempts >= i32::try_from(st.config.delivery_max_attempts).unwrap_or(15) => {
                        (DeliveryStatus::Failed, msg, now)
                    }
                    SendError::Transient(msg) => (
                        DeliveryStatus::Pending,
                        msg,
                        now + backoff(st.config.retry_base_seconds, d.attempts),
                    ),
                };
                tracing::warn!(delivery = %d.id, channel = %d.channel, attempts = d.attempts, status = %status, error = %error, "delivery not sent");
                st.db.write_tx(|c| {
                    mail::finish_delivery(
                        c,
                        &d.id,
                        &token,
                        status,
                        Some(&error.chars().take(1000).collect::<String>()),
                        next.naive_utc(),
                        None,
                        None,
                    )
                })?;
            }
        }
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let a = backoff(30, 1).num_seconds();
        let b = backoff(30, 2).num_seconds();
        let z = backoff(30, 40).num_seconds();
        assert!((30..=33).contains(&a), "{a}");
        assert!((60..=66).contains(&b), "{b}");
        assert!(z <= 6 * 3600 + 2160);
    }
}
