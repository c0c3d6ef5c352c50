//! Turning one fetched mail into a request or a message, exactly once.
//!
//! First the sender is authenticated ([`sender`]). A mail whose sender is not verified never
//! joins an existing request, is never filed under anyone's account and is never answered:
//! it becomes a new request of the generic contribuente marked "mittente non verificato",
//! which an operator links to the right citizen after checking. PEC receipts count only
//! from an authentic envelope.
//!
//! Threading of verified mail, in this order (and never onto a stranger's request):
//! 1. the reply token of a `local+token@domain` recipient;
//! 2. `In-Reply-To`, then `References`, matching a Message-ID we sent or stored;
//! 3. the protocol number in the subject, only if the sender is the request's citizen.
//!
//! The first of these that finds a request decides: if the sender owns it (the request's
//! contact address or its citizen's address) the mail is appended to it; if the sender is
//! someone the office mailed about it (a forward) it is appended as an internal note;
//! otherwise the mail becomes a new request. Everything else becomes a new request too:
//! kind `altro`, type `comunicazione`, channel `email` or `pec`, received at the mail's
//! arrival, attached to the sender's citizen account or to the generic contribuente.
//!
//! Requests are filed, messages threaded and suspended requests resumed through the desk's
//! own functions, as for every other channel.
//!
//! The mailbox's last UID is advanced in the same transaction that stores the outcome, so a
//! crash before the commit leaves the mail to be processed again, and after it never again.

use domain::lifecycle::Role;
use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};
use domain::api::MailboxKind;
use domain::catalogue::{Channel, RequestKind};
use domain::delivery::{MailDirection, MailOutcome, PecReceipt};
use domain::lifecycle::{Action, Actor, Status};

use super::address::{self, normalize};
use super::imap::Fetched;
use super::parse::{self, Inbound};
use super::pec::PecKind;
use super::sender::{self, Envelope, Trust};
use crate::db::DbConn;
use crate::db::models::{
    AttachmentRow, MailMessageRow, MailThreadRow, MailboxRow, MessageRow, RequestRow,
};
use crate::db::repo::{catalogue, mail, new_id, requests, tenants, users};
use crate::error::{ApiError, ApiResult, storage_error};
use crate::services::desk::{self, NewRequest, Step};
use crate::services::notify::{self, Notice};
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::{FileKind, hex_digest};

/// Largest text kept in a thread message (the original stays downloadable as `.eml`).
const MAX_BODY_CHARS: usize = 100_000;
/// Longest request description (the domain's limit).
const MAX_DESCRIPTION_CHARS: usize = 4000;
/// New requests from one address per hour beyond which no acknowledgement is sent.
const ACKS_PER_HOUR: i64 = 5;

/// What became of a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    NewRequest(String),
    Appended(String),
    Receipt(Option<String>),
    /// A PEC receipt whose envelope is not authentic: kept, believed by nobody.
    Refused,
    /// Already stored (same Message-ID in this mailbox, e.g. after a UIDVALIDITY change).
    Duplicate,
    /// Another poller processed this UID first.
    AlreadyDone,
}

impl Outcome {
    fn code(&self) -> MailOutcome {
        match self {
            Self::NewRequest(_) => MailOutcome::NewRequest,
            Self::Appended(_) => MailOutcome::Appended,
            Self::Receipt(_) => MailOutcome::Receipt,
            Self::Refused | Self::Duplicate | Self::AlreadyDone => MailOutcome::Ignored,
        }
    }
}

/// A file written before the transaction that references it.
struct Stored {
    key: String,
    filename: String,
    content_type: String,
    size: i64,
    sha256: String,
}

fn store_files(
    state: &AppState,
    tenant_id: &str,
    m: &Inbound,
    raw: &[u8],
) -> ApiResult<(String, Vec<Stored>)> {
    let mut keys = Vec::new();
    let put = |key: &str, bytes: &[u8]| state.files.put(key, bytes).map_err(storage_error);
    let raw_key = format!("{tenant_id}/mail/{}.eml", new_id());
    put(&raw_key, raw)?;
    for a in &m.attachments {
        let ext = FileKind::sniff(&a.bytes).map_or("bin", FileKind::extension);
        let key = format!("{tenant_id}/attachments/{}.{ext}", new_id());
        if let Err(e) = put(&key, &a.bytes) {
            for s in &keys {
                let s: &Stored = s;
                let _ = state.files.delete(&s.key);
            }
            let _ = state.files.delete(&raw_key);
            return Err(e);
        }
        // The declared type is kept only when the bytes agree; downloads are attachments.
        let content_type = match FileKind::sniff(&a.bytes) {
            Some(k) => k.content_type().to_owned(),
            None if a.content_type.starts_with("text/plain") => "text/plain".to_owned(),
            None => "application/octet-stream".to_owned(),
        };
        keys.push(Stored {
            key,
            filename: a.filename.clone(),
            content_type,
            size: i64::try_from(a.bytes.len()).unwrap_or(i64::MAX),
            sha256: hex_digest(&a.bytes),
        });
    }
    Ok((raw_key, keys))
}

/// Processes one fetched mail of `mailbox` (whose UIDVALIDITY is `validity`).
pub fn process(
    state: &AppState,
    mailbox: &MailboxRow,
    validity: i64,
    fetched: &Fetched,
) -> ApiResult<Outcome> {
    let max = usize::try_from(
        state
            .config
            .mail_max_attachment_mb
            .saturating_mul(1024 * 1024),
    )
    .unwrap_or(usize::MAX);
    let arrived_at = fetched.arrived_at.unwrap_or_else(Utc::now);
    let pec_mailbox = mailbox.kind == MailboxKind::Pec.code();
    let parsed = parse::parse(&fetched.raw, max, pec_mailbox);
    let trust = parsed
        .as_ref()
        .map(|m| sender::assess(mailbox, &fetched.raw, m, arrived_at));
    let (raw_key, files) = match &parsed {
        Some(m) => store_files(state, &mailbox.tenant_id, m, &fetched.raw)?,
        None => (String::new(), Vec::new()),
    };
    let uid = i64::from(fetched.uid);
    let result = state.db.write_tx(|c| {
        if !mail::advance_uid(c, &mailbox.id, validity, uid)? {
            return Ok(Outcome::AlreadyDone);
        }
        let (Some(m), Some(trust)) = (&parsed, &trust) else {
            tracing::warn!(mailbox = %mailbox.id, uid, "unreadable mail skipped");
            return Ok(Outcome::Duplicate);
        };
        if mail::seen_in_mailbox(c, &mailbox.id, &m.message_id)? {
            return Ok(Outcome::Duplicate);
        }
        let tenant = tenants::ctx(c, &mailbox.tenant_id)?;
        let ctx = Ctx {
            tenant: &tenant,
            mailbox,
            mail: m,
            arrived_at,
            raw_key: &raw_key,
            raw_size: i64::try_from(fetched.raw.len()).unwrap_or(i64::MAX),
            uid,
            files: &files,
            trust,
            acks_per_hour: i64::from(state.config.mail_acks_per_hour),
        };
        store(c, &ctx)
    });
    // Requests and messages keep everything; receipts (believed or not) keep the original
    // only; anything else keeps nothing.
    let (keep_raw, keep_attachments) = match &result {
        Ok(Outcome::NewRequest(_) | Outcome::Appended(_)) => (true, true),
        Ok(Outcome::Receipt(_) | Outcome::Refused) => (true, false),
        _ => (false, false),
    };
    if !keep_attachments {
        for f in &files {
            let _ = state.files.delete(&f.key);
        }
    }
    if !keep_raw && !raw_key.is_empty() {
        let _ = state.files.delete(&raw_key);
    }
    result
}

struct Ctx<'a> {
    tenant: &'a TenantCtx,
    mailbox: &'a MailboxRow,
    mail: &'a Inbound,
    arrived_at: DateTime<Utc>,
    raw_key: &'a str,
    raw_size: i64,
    uid: i64,
    files: &'a [Stored],
    trust: &'a Trust,
    /// The mailbox's hourly cap of acknowledgements.
    acks_per_hour: i64,
}

impl Ctx<'_> {
    fn mail_row(
        &self,
        outcome: &Outcome,
        request_id: Option<String>,
        message_id: Option<String>,
    ) -> MailMessageRow {
        let m = self.mail;
        MailMessageRow {
            id: new_id(),
            tenant_id: self.tenant.id.clone(),
            request_id,
            thread_message_id: message_id,
            mailbox_id: Some(self.mailbox.id.clone()),
            delivery_id: None,
            direction: MailDirection::In,
            message_id: m.message_id.clone(),
            in_reply_to: m.in_reply_to.first().cloned(),
            refs: (!m.references.is_empty()).then(|| m.references.join(" ")),
            from_addr: m.from.clone(),
            to_addrs: m.to_display.clone(),
            subject: m.subject.clone(),
            headers: m.headers.clone(),
            raw_key: (!self.raw_key.is_empty()).then(|| self.raw_key.to_owned()),
            size: self.raw_size,
            imap_uid: Some(self.uid),
            outcome: outcome.code(),
            pec_type: m.pec.as_ref().map(|p| p.kind.code().to_owned()),
            pec_meta: m.pec.as_ref().map(|p| p.meta.to_string()),
            pec_status: None,
            created_at: self.arrived_at.naive_utc(),
            acked_at: None,
        }
    }

    fn channel(&self) -> Channel {
        if self.mailbox.kind == MailboxKind::Pec.code() {
            Channel::Pec
        } else {
            Channel::Email
        }
    }

    fn sender_name(&self) -> String {
        self.mail
            .from_name
            .clone()
            .unwrap_or_else(|| self.mail.from.clone())
            .chars()
            .take(200)
            .collect()
    }

    /// The mail's text for the thread, with a note of attachments left out.
    fn body(&self) -> String {
        let mut body: String = self.mail.text.chars().take(MAX_BODY_CHARS).collect();
        if body.trim().is_empty() {
            body = "(messaggio senza testo)".into();
        }
        if !self.mail.skipped.is_empty() {
            let _ = write!(
                body,
                "\n\n[Allegati non acquisiti perché superano il limite di dimensione: {}]",
                self.mail.skipped.join(", ")
            );
        }
        body
    }
}

fn store(c: &mut DbConn, ctx: &Ctx<'_>) -> ApiResult<Outcome> {
    if let Some(pec) = &ctx.mail.pec
        && let PecKind::Receipt(kind) = &pec.kind
    {
        return match &ctx.trust.envelope {
            Ok(envelope) => receipt(c, ctx, envelope, kind, pec.refers_to.as_deref()),
            Err(why) => refuse_receipt(c, ctx, why),
        };
    }
    if let Err(why) = &ctx.trust.sender {
        return new_request(c, ctx, Filing::Unverified(why));
    }
    match find_thread(c, ctx)? {
        Thread::Owner(row) if is_open_for_mail(&row) => append(c, ctx, row, Party::Citizen),
        Thread::Party(row) => append(c, ctx, row, Party::Other),
        Thread::Owner(row) => {
            let note = format!(
                "In riferimento alla pratica prot. {} (conclusa).",
                row.protocol_number
            );
            new_request(c, ctx, Filing::Verified(Some(note)))
        }
        Thread::None => new_request(c, ctx, Filing::Verified(None)),
    }
}

fn is_open_for_mail(row: &RequestRow) -> bool {
    !matches!(
        row.status,
        Status::Closed | Status::Rejected | Status::Withdrawn
    )
}

enum Thread {
    /// The sender owns the request.
    Owner(RequestRow),
    /// Someone the office mailed about the request (a forward's recipient).
    Party(RequestRow),
    None,
}

/// Whether `sender` is the request's citizen: its contact address or its account's.
fn owns(c: &mut DbConn, row: &RequestRow, sender: &str) -> ApiResult<bool> {
    if sender.is_empty() {
        return Ok(false);
    }
    if row.contact_email.as_deref().map(normalize).as_deref() == Some(sender) {
        return Ok(true);
    }
    if let Some(cid) = &row.citizen_id
        && let Some(u) = users::find(c, &row.tenant_id, cid)?
        && u.email.as_deref().map(normalize).as_deref() == Some(sender)
    {
        return Ok(true);
    }
    Ok(false)
}

/// Whether the office mailed `sender` about the request (e.g. forwarded it).
fn was_mailed(c: &mut DbConn, row: &RequestRow, sender: &str) -> ApiResult<bool> {
    Ok(mail::mails_of_request(c, &row.id)?.iter().any(|m| {
        m.direction == MailDirection::Out && m.to_addrs.split(',').any(|a| normalize(a) == sender)
    }))
}

fn is_staff(c: &mut DbConn, tenant_id: &str, sender: &str) -> ApiResult<bool> {
    if sender.is_empty() {
        return Ok(false);
    }
    Ok(users::find_by_email(c, tenant_id, sender)?
        .is_some_and(|u| u.role != Role::Citizen && u.active))
}

fn find_thread(c: &mut DbConn, ctx: &Ctx<'_>) -> ApiResult<Thread> {
    let tenant_id = &ctx.tenant.id;
    let sender = ctx.mail.from.as_str();
    // 1. The reply token.
    let mut candidate = None;
    for r in &ctx.mail.recipients {
        if let Some(token) = address::token_of(r)
            && let Some(t) = mail::thread_by_token(c, tenant_id, &token)?
        {
            candidate = requests::find(c, tenant_id, &t.request_id)?;
            if candidate.is_some() {
                break;
            }
        }
    }
    // 2. In-Reply-To, then References (most recent first).
    if candidate.is_none() {
        let mut ids: Vec<String> = ctx.mail.in_reply_to.clone();
        ids.extend(ctx.mail.references.iter().rev().cloned());
        if !ids.is_empty() {
            let known = mail::mails_by_message_ids(c, tenant_id, &ids)?;
            for id in &ids {
                if let Some(request_id) = known
                    .iter()
                    .find(|m| &m.message_id == id && m.request_id.is_some())
                    .and_then(|m| m.request_id.clone())
                {
                    candidate = requests::find(c, tenant_id, &request_id)?;
                    break;
                }
            }
        }
    }
    if let Some(row) = candidate {
        if owns(c, &row, sender)? {
            return Ok(Thread::Owner(row));
        }
        // Someone the office mailed about it, or staff answering from their own mail
        // client (a copy to the mailbox must not open a duplicate request).
        if was_mailed(c, &row, sender)? || is_staff(c, tenant_id, sender)? {
            return Ok(Thread::Party(row));
        }
        // A stranger holding a token or replying to someone else's mail: a new request.
        return Ok(Thread::None);
    }
    // 3. The protocol number in the subject, for the request's own citizen only.
    if let Some(p) = address::protocol_in_subject(&ctx.mail.subject)
        && let Some(row) = requests::find_by_protocol(c, tenant_id, &p)?
        && owns(c, &row, sender)?
    {
        return Ok(Thread::Owner(row));
    }
    Ok(Thread::None)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Party {
    Citizen,
    Other,
}

fn attach_files(
    c: &mut DbConn,
    ctx: &Ctx<'_>,
    request_id: &str,
    message_id: &str,
) -> ApiResult<()> {
    for f in ctx.files {
        requests::insert_attachment(
            c,
            &AttachmentRow {
                id: new_id(),
                tenant_id: ctx.tenant.id.clone(),
                request_id: request_id.to_owned(),
                message_id: Some(message_id.to_owned()),
                filename: f.filename.clone(),
                content_type: f.content_type.clone(),
                size: f.size,
                storage_key: f.key.clone(),
                sha256: f.sha256.clone(),
                uploaded_by: None,
                created_at: ctx.arrived_at.naive_utc(),
            },
        )?;
    }
    Ok(())
}

/// Appends the mail to the request's thread. The citizen's reply resumes a request that
/// waits for them (from the mail's arrival); automatic mail and third parties' mail are
/// internal notes and change nothing.
fn append(c: &mut DbConn, ctx: &Ctx<'_>, row: RequestRow, party: Party) -> ApiResult<Outcome> {
    // Re-read under the row lock: the resume below decides from the current state, which an
    // operator may have just changed.
    let mut row = requests::lock(c, &ctx.tenant.id, &row.id)?.ok_or(ApiError::NotFound)?;
    let internal = party == Party::Other || ctx.mail.automatic;
    let citizen_account = match &row.citizen_id {
        Some(id) if Some(id) != ctx.tenant.generic_citizen_id.as_ref() => Some(id.clone()),
        _ => None,
    };
    let message_id = new_id();
    let (role, name) = if internal {
        (Role::System, format!("E-mail da {}", ctx.sender_name()))
    } else {
        (Role::Citizen, ctx.sender_name())
    };
    requests::insert_message(
        c,
        &MessageRow {
            id: message_id.clone(),
            tenant_id: ctx.tenant.id.clone(),
            request_id: row.id.clone(),
            author_id: if internal { None } else { citizen_account },
            author_role: role,
            author_name: name.clone(),
            body: ctx.body(),
            internal,
            created_at: ctx.arrived_at.naive_utc(),
        },
    )?;
    attach_files(c, ctx, &row.id, &message_id)?;
    if !internal && row.status == Status::WaitingCitizen {
        // The suspension ends when the mail arrived (not before it began).
        let at = desk::case_of(&row)
            .suspended_since
            .map_or(ctx.arrived_at, |s| s.max(ctx.arrived_at));
        let step = Step {
            action: Action::Resume,
            actor: &Actor::system(),
            actor_name: &name,
            note: Some("Risposta del cittadino ricevuta per e-mail"),
            now: at,
        };
        desk::transition_in_tx(c, ctx.tenant, &mut row, step)?;
    }
    let outcome = Outcome::Appended(row.id.clone());
    mail::insert_mail(
        c,
        &ctx.mail_row(&outcome, Some(row.id.clone()), Some(message_id)),
    )?;
    Ok(outcome)
}

/// The citizen account of a sender, else the mailbox's default contribuente, else the
/// tenant's generic one.
fn citizen_for(c: &mut DbConn, ctx: &Ctx<'_>) -> ApiResult<String> {
    if !ctx.mail.from.is_empty()
        && let Some(u) = users::find_by_email(c, &ctx.tenant.id, &ctx.mail.from)?
        && u.role == Role::Citizen
    {
        return Ok(u.id);
    }
    if let Some(id) = &ctx.mailbox.default_citizen_id
        && users::find(c, &ctx.tenant.id, id)?.is_some_and(|u| u.role == Role::Citizen)
    {
        return Ok(id.clone());
    }
    desk::generic_citizen(c, ctx.tenant)
}

fn subject_line(subject: &str) -> String {
    let s: String = subject
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let s = s.trim();
    if s.is_empty() {
        "(senza oggetto)".to_owned()
    } else {
        s.to_owned()
    }
}

fn description(text: &str, note: Option<&str>) -> String {
    let mut d = String::new();
    if let Some(n) = note {
        d.push_str(n);
        d.push_str("\n\n");
    }
    d.push_str(text.trim());
    if d.trim().is_empty() {
        d = "(messaggio senza testo)".to_owned();
    }
    if d.chars().count() > MAX_DESCRIPTION_CHARS {
        let mut cut: String = d.chars().take(MAX_DESCRIPTION_CHARS - 40).collect();
        cut.push_str("\n[…testo completo nel messaggio]");
        d = cut;
    }
    d
}

/// Whether to acknowledge: not for automatic or no-reply senders, not for our own
/// addresses (a loop), not beyond a few per sender and hour (a loop we cannot see), and not
/// beyond the mailbox's hourly cap (a flood).
fn should_ack(c: &mut DbConn, ctx: &Ctx<'_>) -> ApiResult<bool> {
    let m = ctx.mail;
    if m.no_ack || !address::is_valid(&m.from) {
        return Ok(false);
    }
    let sender = address::base(&m.from);
    let own = mail::list_mailboxes(c, &ctx.tenant.id)?
        .iter()
        .any(|b| address::base(&b.address) == sender);
    if own {
        return Ok(false);
    }
    let since = (Utc::now() - Duration::hours(1)).naive_utc();
    Ok(
        mail::recent_deliveries_to(c, &ctx.tenant.id, &m.from, since)? < ACKS_PER_HOUR
            && mail::acks_since(c, &ctx.mailbox.id, since)? < ctx.acks_per_hour,
    )
}

/// How a new request from a mail is filed.
enum Filing<'a> {
    /// The sender is authenticated; the note (if any) opens the description.
    Verified(Option<String>),
    /// The sender is not: why, for the operators.
    Unverified(&'a str),
}

fn new_request(c: &mut DbConn, ctx: &Ctx<'_>, filing: Filing<'_>) -> ApiResult<Outcome> {
    let tenant = ctx.tenant;
    catalogue::ensure_defaults(c, &tenant.id)?;
    let request_type = match catalogue::find(c, &tenant.id, "comunicazione")?.filter(|t| t.active) {
        Some(t) => t,
        None => catalogue::list_active(c, &tenant.id)?
            .into_iter()
            .find(|t| t.kind == RequestKind::Altro)
            .ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("no active request type of kind altro"))
            })?,
    };
    let kind: RequestKind = request_type.kind;
    let (citizen_id, note, unverified) = match filing {
        Filing::Verified(note) => (citizen_for(c, ctx)?, note, None),
        // Nobody's account: the mail could be anyone's.
        Filing::Unverified(why) => (desk::generic_citizen(c, tenant)?, None, Some(why)),
    };
    let now = Utc::now();
    let row = desk::store_request(
        c,
        tenant,
        NewRequest {
            type_code: request_type.code,
            kind,
            channel: ctx.channel(),
            citizen_id: citizen_id.clone(),
            utenza_id: None,
            contact_email: (!ctx.mail.from.is_empty()).then(|| ctx.mail.from.clone()),
            subject: subject_line(&ctx.mail.subject),
            description: description(&ctx.mail.text, note.as_deref()),
            fields: "{}".into(),
            received_at: ctx.arrived_at,
            created_by: None,
            sender_unverified: unverified.is_some(),
        },
        now,
    )?;
    let citizen_account = (Some(&citizen_id) != tenant.generic_citizen_id.as_ref()
        && users::find(c, &tenant.id, &citizen_id)?.is_some_and(|u| {
            u.email.as_deref().map(normalize).as_deref() == Some(ctx.mail.from.as_str())
        }))
    .then(|| citizen_id.clone());
    let message_id = new_id();
    requests::insert_message(
        c,
        &MessageRow {
            id: message_id.clone(),
            tenant_id: tenant.id.clone(),
            request_id: row.id.clone(),
            author_id: citizen_account,
            author_role: if ctx.mail.automatic {
                Role::System
            } else {
                Role::Citizen
            },
            author_name: ctx.sender_name(),
            body: ctx.body(),
            internal: false,
            created_at: ctx.arrived_at.naive_utc(),
        },
    )?;
    attach_files(c, ctx, &row.id, &message_id)?;
    if let Some(why) = unverified {
        requests::insert_message(
            c,
            &MessageRow {
                id: new_id(),
                tenant_id: tenant.id.clone(),
                request_id: row.id.clone(),
                author_id: None,
                author_role: Role::System,
                author_name: "Sportello".into(),
                body: format!(
                    "Mittente non verificato: {why}. La pratica è intestata al contribuente \
                     generico e non è stata inviata alcuna conferma al mittente. Verificato chi \
                     l'ha scritta, collegarla al cittadino o unirla a una sua pratica."
                ),
                internal: true,
                created_at: ctx.arrived_at.naive_utc(),
            },
        )?;
    }
    mail::insert_thread(
        c,
        &MailThreadRow {
            request_id: row.id.clone(),
            tenant_id: tenant.id.clone(),
            token: address::new_token(),
            mailbox_id: Some(ctx.mailbox.id.clone()),
            created_at: now.naive_utc(),
        },
    )?;
    let ack = unverified.is_none() && should_ack(c, ctx)?;
    let outcome = Outcome::NewRequest(row.id.clone());
    let mut mail_row = ctx.mail_row(&outcome, Some(row.id.clone()), Some(message_id));
    mail_row.acked_at = ack.then(|| now.naive_utc());
    mail::insert_mail(c, &mail_row)?;
    if ack {
        notify::enqueue(
            c,
            &tenant.id,
            &Notice::RequestFiled {
                request_id: row.id.clone(),
            },
        )?;
    }
    Ok(outcome)
}

/// A PEC receipt whose envelope is not authentic: kept with the mailbox's mail, applied to
/// nothing.
fn refuse_receipt(c: &mut DbConn, ctx: &Ctx<'_>, why: &str) -> ApiResult<Outcome> {
    tracing::warn!(mailbox = %ctx.mailbox.id, message_id = %ctx.mail.message_id, reason = %why, "PEC receipt not authentic: ignored");
    let outcome = Outcome::Refused;
    mail::insert_mail(c, &ctx.mail_row(&outcome, None, None))?;
    Ok(outcome)
}

/// A PEC receipt from an authentic envelope: recorded on the outgoing mail it certifies
/// (and noted in its thread), never turned into a request. What it certifies comes from the
/// certification data the envelope vouches for; the transport headers count only when the
/// provider authenticated them too (S/MIME signs the body, not the headers).
fn receipt(
    c: &mut DbConn,
    ctx: &Ctx<'_>,
    envelope: &Envelope,
    header_kind: &str,
    header_refers_to: Option<&str>,
) -> ApiResult<Outcome> {
    let trusted_headers = envelope.headers_authentic;
    let kind = envelope
        .get("tipo")
        .map(|t| t.trim().to_ascii_lowercase())
        .or_else(|| trusted_headers.then(|| header_kind.to_owned()));
    let refers_to = envelope
        .get("msgid")
        .and_then(|v| address::message_ids(v).into_iter().next())
        .or_else(|| {
            header_refers_to
                .filter(|_| trusted_headers)
                .map(str::to_owned)
        });
    let Some(kind) = kind else {
        return refuse_receipt(c, ctx, "la busta non indica il tipo di ricevuta");
    };
    // Only the receipts the PEC rules define; anything else is kept and believed by nobody.
    let Ok(kind) = kind.parse::<PecReceipt>() else {
        return refuse_receipt(c, ctx, "tipo di ricevuta sconosciuto");
    };
    let original = match refers_to.as_deref() {
        Some(id) => mail::mails_by_message_ids(c, &ctx.tenant.id, &[id.to_owned()])?
            .into_iter()
            .find(|m| m.direction == MailDirection::Out),
        None => None,
    };
    let mut note_id = None;
    if let Some(o) = &original {
        mail::set_pec_status(c, &o.id, kind)?;
        if let Some(request_id) = &o.request_id {
            let id = new_id();
            let who = envelope
                .get("consegna")
                .map_or_else(|| o.to_addrs.clone(), str::to_owned);
            requests::insert_message(
                c,
                &MessageRow {
                    id: id.clone(),
                    tenant_id: ctx.tenant.id.clone(),
                    request_id: request_id.clone(),
                    author_id: None,
                    author_role: Role::System,
                    author_name: "PEC".into(),
                    body: format!(
                        "Ricevuta PEC «{kind}» per il messaggio «{}» a {who}.",
                        o.subject
                    ),
                    internal: true,
                    created_at: ctx.arrived_at.naive_utc(),
                },
            )?;
            note_id = Some(id);
        }
    }
    let request_id = original.as_ref().and_then(|o| o.request_id.clone());
    let outcome = Outcome::Receipt(request_id.clone());
    mail::insert_mail(c, &ctx.mail_row(&outcome, request_id, note_id))?;
    Ok(outcome)
}
