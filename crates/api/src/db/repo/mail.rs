//! Mailboxes, reply tokens, the mails of each thread, deliveries, notification
//! preferences and channel settings (issue 5).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::delivery::{DeliveryChannel, DeliveryStatus, MailDirection, MailOutcome, PecReceipt};

use crate::db::DbConn;
use crate::db::models::{
    ChannelSettingsRow, DeliveryRow, MailMessageRow, MailThreadRow, MailboxRow,
    NotificationPrefsRow, OutboxNoticeRow,
};
use crate::db::schema::{
    channel_settings, deliveries, mail_messages, mail_threads, mailboxes, notification_prefs,
    outbox,
};

// ---- mailboxes ------------------------------------------------------------------------------

pub fn list_mailboxes(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<MailboxRow>> {
    mailboxes::table
        .filter(mailboxes::tenant_id.eq(tenant_id))
        .order((mailboxes::name.asc(), mailboxes::id.asc()))
        .select(MailboxRow::as_select())
        .load(conn)
}

pub fn find_mailbox(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
) -> QueryResult<Option<MailboxRow>> {
    mailboxes::table
        .filter(mailboxes::tenant_id.eq(tenant_id))
        .filter(mailboxes::id.eq(id))
        .select(MailboxRow::as_select())
        .first(conn)
        .optional()
}

/// Mailboxes of every tenant to poll: enabled and with an IMAP server.
pub fn pollable_mailboxes(conn: &mut DbConn) -> QueryResult<Vec<MailboxRow>> {
    mailboxes::table
        .filter(mailboxes::inbound_enabled.eq(true))
        .filter(mailboxes::imap_host.is_not_null())
        .order(mailboxes::id.asc())
        .select(MailboxRow::as_select())
        .load(conn)
}

/// The mailbox that sends the tenant's notifications: the one marked so, else the first
/// ordinary mailbox with an SMTP server.
pub fn outbound_mailbox(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Option<MailboxRow>> {
    let rows = list_mailboxes(conn, tenant_id)?;
    let with_smtp = |m: &&MailboxRow| m.smtp_host.is_some();
    Ok(rows
        .iter()
        .filter(with_smtp)
        .find(|m| m.outbound_default)
        .or_else(|| rows.iter().filter(with_smtp).find(|m| m.kind == "email"))
        .or_else(|| rows.iter().find(with_smtp))
        .cloned())
}

pub fn insert_mailbox(conn: &mut DbConn, row: &MailboxRow) -> QueryResult<()> {
    diesel::insert_into(mailboxes::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update_mailbox(conn: &mut DbConn, row: &MailboxRow) -> QueryResult<()> {
    diesel::update(mailboxes::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

pub fn delete_mailbox(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<usize> {
    diesel::delete(
        mailboxes::table
            .filter(mailboxes::tenant_id.eq(tenant_id))
            .filter(mailboxes::id.eq(id)),
    )
    .execute(conn)
}

/// Only one mailbox of a tenant sends notifications.
pub fn clear_outbound_default(conn: &mut DbConn, tenant_id: &str, except: &str) -> QueryResult<()> {
    diesel::update(
        mailboxes::table
            .filter(mailboxes::tenant_id.eq(tenant_id))
            .filter(mailboxes::id.ne(except)),
    )
    .set(mailboxes::outbound_default.eq(false))
    .execute(conn)
    .map(|_| ())
}

/// Takes the polling lease of a mailbox (one poller at a time across nodes).
pub fn lease_mailbox(
    conn: &mut DbConn,
    id: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        mailboxes::table.filter(mailboxes::id.eq(id)).filter(
            mailboxes::poll_lease_until
                .is_null()
                .or(mailboxes::poll_lease_until.lt(now)),
        ),
    )
    .set(mailboxes::poll_lease_until.eq(until))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn release_mailbox(
    conn: &mut DbConn,
    id: &str,
    polled_at: NaiveDateTime,
    error: Option<&str>,
) -> QueryResult<()> {
    diesel::update(mailboxes::table.find(id))
        .set((
            mailboxes::poll_lease_until.eq(None::<NaiveDateTime>),
            mailboxes::last_polled_at.eq(polled_at),
            mailboxes::last_error.eq(error),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A new UIDVALIDITY: UIDs start again (already-seen mails are recognised by Message-ID).
pub fn reset_uid_validity(conn: &mut DbConn, id: &str, validity: i64) -> QueryResult<()> {
    diesel::update(mailboxes::table.find(id))
        .set((
            mailboxes::uid_validity.eq(Some(validity)),
            mailboxes::last_uid.eq(0_i64),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Marks every UID up to `uid` processed. False when another poller already did: the
/// caller's transaction must then roll back (the mail is processed exactly once).
pub fn advance_uid(conn: &mut DbConn, id: &str, validity: i64, uid: i64) -> QueryResult<bool> {
    let n = diesel::update(
        mailboxes::table
            .filter(mailboxes::id.eq(id))
            .filter(mailboxes::uid_validity.eq(validity))
            .filter(mailboxes::last_uid.lt(uid)),
    )
    .set(mailboxes::last_uid.eq(uid))
    .execute(conn)?;
    Ok(n == 1)
}

// ---- reply tokens ------------------------------------------------------------------------

pub fn thread_of(conn: &mut DbConn, request_id: &str) -> QueryResult<Option<MailThreadRow>> {
    mail_threads::table
        .find(request_id)
        .select(MailThreadRow::as_select())
        .first(conn)
        .optional()
}

pub fn thread_by_token(
    conn: &mut DbConn,
    tenant_id: &str,
    token: &str,
) -> QueryResult<Option<MailThreadRow>> {
    mail_threads::table
        .filter(mail_threads::tenant_id.eq(tenant_id))
        .filter(mail_threads::token.eq(token))
        .select(MailThreadRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_thread(conn: &mut DbConn, row: &MailThreadRow) -> QueryResult<()> {
    diesel::insert_into(mail_threads::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

// ---- mails -----------------------------------------------------------------------------------

pub fn insert_mail(conn: &mut DbConn, row: &MailMessageRow) -> QueryResult<()> {
    diesel::insert_into(mail_messages::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Mails of the tenant with one of these Message-IDs.
pub fn mails_by_message_ids(
    conn: &mut DbConn,
    tenant_id: &str,
    ids: &[String],
) -> QueryResult<Vec<MailMessageRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    mail_messages::table
        .filter(mail_messages::tenant_id.eq(tenant_id))
        .filter(mail_messages::message_id.eq_any(ids))
        .select(MailMessageRow::as_select())
        .load(conn)
}

/// Whether this mailbox already stored a mail with this Message-ID. Refused mail does not
/// count: a forgery must not shadow the real mail that comes with the same Message-ID.
pub fn seen_in_mailbox(conn: &mut DbConn, mailbox_id: &str, message_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        mail_messages::table
            .filter(mail_messages::mailbox_id.eq(mailbox_id))
            .filter(mail_messages::direction.eq(MailDirection::In))
            .filter(mail_messages::message_id.eq(message_id))
            .filter(mail_messages::outcome.ne(MailOutcome::Ignored)),
    ))
    .get_result(conn)
}

pub fn mails_of_request(conn: &mut DbConn, request_id: &str) -> QueryResult<Vec<MailMessageRow>> {
    mail_messages::table
        .filter(mail_messages::request_id.eq(request_id))
        .order((mail_messages::created_at.asc(), mail_messages::id.asc()))
        .select(MailMessageRow::as_select())
        .load(conn)
}

pub fn find_mail(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
) -> QueryResult<Option<MailMessageRow>> {
    mail_messages::table
        .filter(mail_messages::tenant_id.eq(tenant_id))
        .filter(mail_messages::id.eq(id))
        .select(MailMessageRow::as_select())
        .first(conn)
        .optional()
}

pub fn set_pec_status(conn: &mut DbConn, id: &str, status: PecReceipt) -> QueryResult<()> {
    diesel::update(mail_messages::table.find(id))
        .set(mail_messages::pec_status.eq(status))
        .execute(conn)
        .map(|_| ())
}

// ---- notices and deliveries -----------------------------------------------------------------

/// Pending notices due now (oldest first).
pub fn due_notices(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxNoticeRow>> {
    outbox::table
        .filter(outbox::status.eq(DeliveryStatus::Pending))
        .filter(outbox::next_attempt_at.le(now))
        .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
        .limit(limit)
        .select(OutboxNoticeRow::as_select())
        .load(conn)
}

/// Marks a notice expanded into deliveries; false when another worker did it first.
pub fn finish_notice(
    conn: &mut DbConn,
    id: &str,
    status: DeliveryStatus,
    error: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq(DeliveryStatus::Pending)),
    )
    .set((
        outbox::status.eq(status),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::last_error.eq(error),
        outbox::sent_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn insert_delivery(conn: &mut DbConn, row: &DeliveryRow) -> QueryResult<()> {
    diesel::insert_into(deliveries::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Claims up to `limit` due deliveries for `lease_until` under `token`. On PostgreSQL the
/// candidates are locked with `SKIP LOCKED`; on both backends the conditional update makes
/// the claim exclusive, so two workers never hold the same row.
pub fn claim_deliveries(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    token: &str,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    macro_rules! candidates {
        () => {
            deliveries::table
                .filter(deliveries::status.eq(DeliveryStatus::Pending))
                .filter(deliveries::next_attempt_at.le(now))
                .filter(
                    deliveries::locked_until
                        .is_null()
                        .or(deliveries::locked_until.lt(now)),
                )
                .order((deliveries::next_attempt_at.asc(), deliveries::id.asc()))
                .limit(limit)
                .select(deliveries::id)
        };
    }
    let ids: Vec<String> = match conn {
        DbConn::Postgresql(c) => candidates!().for_update().skip_locked().load(c)?,
        DbConn::Sqlite(c) => candidates!().load(c)?,
    };
    for id in &ids {
        diesel::update(
            deliveries::table
                .filter(deliveries::id.eq(id))
                .filter(deliveries::status.eq(DeliveryStatus::Pending))
                .filter(
                    deliveries::locked_until
                        .is_null()
                        .or(deliveries::locked_until.lt(now)),
                ),
        )
        .set((
            deliveries::locked_until.eq(lease_until),
            deliveries::lease_token.eq(token),
            deliveries::attempts.eq(deliveries::attempts + 1),
        ))
        .execute(conn)?;
    }
    deliveries::table
        .filter(deliveries::lease_token.eq(token))
        .filter(deliveries::status.eq(DeliveryStatus::Pending))
        .order(deliveries::id.asc())
        .select(DeliveryRow::as_select())
        .load(conn)
}

/// Records the outcome of a claimed delivery, if the claim is still ours.
#[allow(clippy::too_many_arguments)]
pub fn finish_delivery(
    conn: &mut DbConn,
    id: &str,
    token: &str,
    status: DeliveryStatus,
    error: Option<&str>,
    next_attempt_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
    provider_ref: Option<&str>,
) -> QueryResult<bool> {
    let n = diesel::update(
        deliveries::table
            .filter(deliveries::id.eq(id))
            .filter(deliveries::lease_token.eq(token)),
    )
    .set((
        deliveries::status.eq(status),
        deliveries::last_error.eq(error),
        deliveries::next_attempt_at.eq(next_attempt_at),
        deliveries::locked_until.eq(None::<NaiveDateTime>),
        deliveries::lease_token.eq(None::<String>),
        deliveries::sent_at.eq(sent_at),
        deliveries::provider_ref.eq(provider_ref),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn deliveries_of_request(
    conn: &mut DbConn,
    tenant_id: &str,
    request_id: &str,
) -> QueryResult<Vec<DeliveryRow>> {
    deliveries::table
        .filter(deliveries::tenant_id.eq(tenant_id))
        .filter(deliveries::request_id.eq(request_id))
        .order(deliveries::id.asc())
        .select(DeliveryRow::as_select())
        .load(conn)
}

/// E-mail deliveries to `recipient` created since `since` (loop and flood protection).
pub fn recent_deliveries_to(
    conn: &mut DbConn,
    tenant_id: &str,
    recipient: &str,
    since: NaiveDateTime,
) -> QueryResult<i64> {
    deliveries::table
        .filter(deliveries::tenant_id.eq(tenant_id))
        .filter(deliveries::channel.eq(DeliveryChannel::Email))
        .filter(deliveries::recipient.eq(recipient))
        .filter(deliveries::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// Acknowledgements a mailbox queued since `since` (its hourly cap).
pub fn acks_since(conn: &mut DbConn, mailbox_id: &str, since: NaiveDateTime) -> QueryResult<i64> {
    mail_messages::table
        .filter(mail_messages::mailbox_id.eq(mailbox_id))
        .filter(mail_messages::acked_at.ge(since))
        .count()
        .get_result(conn)
}

/// Moves the mails of one request to another (a merge).
pub fn move_mails(conn: &mut DbConn, from_request: &str, to_request: &str) -> QueryResult<()> {
    diesel::update(mail_messages::table.filter(mail_messages::request_id.eq(from_request)))
        .set(mail_messages::request_id.eq(to_request))
        .execute(conn)
        .map(|_| ())
}

// ---- preferences and channel settings ------------------------------------------------------

pub fn prefs(conn: &mut DbConn, user_id: &str) -> QueryResult<Option<NotificationPrefsRow>> {
    notification_prefs::table
        .find(user_id)
        .select(NotificationPrefsRow::as_select())
        .first(conn)
        .optional()
}

pub fn save_prefs(conn: &mut DbConn, row: &NotificationPrefsRow) -> QueryResult<()> {
    let n = diesel::update(notification_prefs::table.find(&row.user_id))
        .set(row)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(notification_prefs::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn channel_settings(
    conn: &mut DbConn,
    tenant_id: &str,
) -> QueryResult<Option<ChannelSettingsRow>> {
    channel_settings::table
        .find(tenant_id)
        .select(ChannelSettingsRow::as_select())
        .first(conn)
        .optional()
}

pub fn save_channel_settings(conn: &mut DbConn, row: &ChannelSettingsRow) -> QueryResult<()> {
    let n = diesel::update(channel_settings::table.find(&row.tenant_id))
        .set(row)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(channel_settings::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}
