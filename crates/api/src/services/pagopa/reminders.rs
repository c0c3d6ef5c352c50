//! Payment messages about notices: the App IO message with `payment_data` when a notice is
//! issued, the reminders N days before each due date (the tenant's `reminder_days`) and
//! once the day after it was missed, on e-mail (with the notice PDF), SMS and App IO; and
//! the "pagato" notice when a receipt is applied.
//!
//! Planning: [`plan_notices`] runs in the transaction of [`super::notices::sync`] for every
//! notice it issues or changes, and [`plan_tenant`] in the one that changes the tenant's
//! reminder days. It writes one `payment_reminders` row per (notice, due date, message,
//! channel) for every channel; the primary key makes planning twice a no-op.
//!
//! Sending: [`run_once`] (any node, clock passed in) takes each due row in its own write
//! transaction, locked (PostgreSQL) or under SQLite's single writer, and decides there and
//! then: paid, cancelled, due date moved, offset dropped, superseded, the citizen's
//! channels and opt-outs, the tenant's channels, the SMS quiet hours (the row moves to
//! 08:00). A row that goes becomes one delivery of the outbox, inserted in the same
//! transaction as the row's move to `queued`; the delivery worker sends it once, with its
//! stable Message-ID or idempotency key.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use domain::pagopa::reminders::{
    self as rules, PaymentFacts, ReminderOffset, ReminderStatus, SkipReason,
};
use domain::pagopa::{NoticeNumber, NoticeStatus};
use domain::types::Money;

use super::{notices, settings};
use crate::db::DbConn;
use crate::db::models::{NoticeRow, UserRow};
use crate::db::repo::reminders::{self as repo, ReminderKey, ReminderRow};
use crate::db::repo::{mail, new_id, pagopa, taxpayer, tenants, users};
use crate::error::{ApiError, ApiResult, blocking, storage_error};
use crate::mail::address;
use crate::mail::channels::{Channel, IoPayload, IoPaymentData, SmsPayload};
use crate::mail::compose::{self, Brand};
use crate::mail::outbound::{self, Prefs};
use crate::mail::smtp::PayloadFile;
use crate::state::AppState;
use crate::tenancy::TenantCtx;

type State = actix_web::web::Data<AppState>;

fn row(
    tenant_id: &str,
    nav: &str,
    due: NaiveDate,
    offset: ReminderOffset,
    channel: Channel,
    at: NaiveDateTime,
    now: NaiveDateTime,
) -> ReminderRow {
    ReminderRow {
        tenant_id: tenant_id.to_owned(),
        nav: nav.to_owned(),
        due_date: due,
        kind: offset.kind(),
        days: i32::try_from(offset.days()).unwrap_or(0),
        channel,
        send_at: at,
        status: ReminderStatus::Planned,
        skip_reason: None,
        delivery_id: None,
        created_at: now,
        updated_at: now,
    }
}

/// Plans the messages of notices `(nav, due date)`, in the caller's transaction: the
/// reminders on every channel and, for notices just issued, the App IO message.
pub(crate) fn plan_notices(
    c: &mut DbConn,
    tenant_id: &str,
    notices: &[(String, NaiveDate)],
    issued: bool,
    days: &[u32],
    now: NaiveDateTime,
) -> ApiResult<usize> {
    let mut rows = Vec::new();
    for (nav, due) in notices {
        if issued {
            rows.push(row(
                tenant_id,
                nav,
                *due,
                ReminderOffset::Issued,
                Channel::AppIo,
                now,
                now,
            ));
        }
        for (offset, at) in rules::schedule(*due, days) {
            for ch in Channel::ALL {
                rows.push(row(tenant_id, nav, *due, offset, *ch, at.naive_utc(), now));
            }
        }
    }
    Ok(repo::plan(c, &rows)?)
}

/// Plans the reminders of every open notice of the tenant (its reminder days changed).
pub fn plan_tenant(c: &mut DbConn, tenant_id: &str, now: NaiveDateTime) -> ApiResult<usize> {
    let days = settings::load(c, tenant_id)?.config.reminder_days;
    let from = domain::calendar::rome_date(now.and_utc()) - chrono::Duration::days(1);
    let open = repo::open_notices(c, tenant_id, from)?;
    let mut n = 0;
    for chunk in open.chunks(500) {
        n += plan_notices(c, tenant_id, chunk, false, &days, now)?;
    }
    Ok(n)
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Handed to a channel (one delivery each).
    pub queued: usize,
    pub skipped: usize,
    /// SMS moved past the quiet hours.
    pub postponed: usize,
}

enum Outcome {
    Queued,
    Skipped,
    Postponed,
    /// Another node took it first.
    Gone,
}

/// Sends the messages due at `now` (each decided in its own transaction); returns what
/// became of them. The worker passes the wall clock; tests pass the instant they need.
pub async fn run_once(state: &State, now: DateTime<Utc>) -> ApiResult<Pass> {
    let st = state.clone();
    blocking(move || {
        let mut pass = Pass::default();
        loop {
            let due = st.db.read(|c| repo::due(c, now.naive_utc(), 100))?;
            let n = due.len();
            for key in due {
                match st.db.write_tx(|c| process(c, &st, &key, now)) {
                    Ok(Outcome::Queued) => pass.queued += 1,
                    Ok(Outcome::Skipped) => pass.skipped += 1,
                    Ok(Outcome::Postponed) => pass.postponed += 1,
                    Ok(Outcome::Gone) => {}
                    Err(e) => {
                        tracing::error!(nav = %key.nav, error = %e, "payment reminder failed");
                        return Err(e);
                    }
                }
            }
            if n < 100 {
                return Ok(pass);
            }
        }
    })
    .await
}

/// The citizen a notice's contribuente is: the account linked to it, if active.
fn citizen_of(c: &mut DbConn, tenant_id: &str, act_id: &str) -> ApiResult<Option<UserRow>> {
    let Some(act) = taxpayer::find_act(c, tenant_id, act_id)? else {
        return Ok(None);
    };
    let Some(owner) = taxpayer::find_contribuente(c, tenant_id, &act.contribuente_id)? else {
        return Ok(None);
    };
    let Some(citizen) = owner.citizen_id else {
        return Ok(None);
    };
    Ok(users::find(c, tenant_id, &citizen)?.filter(|u| u.active))
}

fn chosen(prefs: &Prefs, channel: Channel) -> bool {
    match channel {
        Channel::Email => prefs.email,
        Channel::Sms => prefs.sms,
        Channel::AppIo => prefs.app_io,
    }
}

/// What the messages of a notice say about it.
fn facts(c: &mut DbConn, tenant: &TenantCtx, notice: &NoticeRow) -> ApiResult<PaymentFacts> {
    let bad =
        |e: domain::error::DomainError| ApiError::Internal(anyhow::anyhow!("stored notice: {e}"));
    let act = taxpayer::find_act(c, &tenant.id, &notice.act_id)?.ok_or(ApiError::NotFound)?;
    let kind: domain::tax::ActKind = act.kind.parse().map_err(bad)?;
    let tributo: domain::tax::Tributo = act.tributo.parse().map_err(bad)?;
    Ok(PaymentFacts {
        tenant_name: tenant.name.clone(),
        subject: format!(
            "{} {} - {} n. {}",
            tributo.label(),
            act.year,
            kind.label_it(),
            act.number
        ),
        instalment: u32::try_from(notice.instalment).unwrap_or(0),
        amount: Money::from_cents(notice.amount),
        due_date: notice.due_date,
        nav: NoticeNumber::parse(&notice.nav).map_err(bad)?,
    })
}

fn json<T: serde::Serialize>(v: &T) -> ApiResult<String> {
    serde_json::to_string(v).map_err(|e| ApiError::Internal(e.into()))
}

fn skip(
    c: &mut DbConn,
    key: &ReminderKey,
    reason: SkipReason,
    now: NaiveDateTime,
) -> ApiResult<Outcome> {
    Ok(
        if repo::finish(c, key, ReminderStatus::Skipped, Some(reason), None, now)? {
            Outcome::Skipped
        } else {
            Outcome::Gone
        },
    )
}

fn process(
    c: &mut DbConn,
    state: &AppState,
    key: &ReminderKey,
    now: DateTime<Utc>,
) -> ApiResult<Outcome> {
    let at = now.naive_utc();
    let Some(stored) = repo::lock_planned(c, key)? else {
        return Ok(Outcome::Gone);
    };
    let offset = ReminderOffset::from_parts(stored.kind, u32::try_from(stored.days).unwrap_or(0))
        .ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!(
            "stored payment reminder {} {}",
            stored.kind,
            stored.days
        ))
    })?;
    let Some(notice) = pagopa::find_notice(c, &key.tenant_id, &key.nav)? else {
        return skip(c, key, SkipReason::Cancelled, at);
    };
    // Checked now, not when planned: paid or cancelled meanwhile, due date moved.
    let today = domain::calendar::rome_date(now);
    let status = notices::views(c, std::slice::from_ref(&notice), today)?
        .pop()
        .map_or(NoticeStatus::Cancelled, |v| v.status);
    match status {
        NoticeStatus::Paid => return skip(c, key, SkipReason::Paid, at),
        NoticeStatus::Cancelled => return skip(c, key, SkipReason::Cancelled, at),
        _ => {}
    }
    if offset != ReminderOffset::Issued && notice.due_date != stored.due_date {
        return skip(c, key, SkipReason::Rescheduled, at);
    }
    let cfg = settings::load(c, &key.tenant_id)?.config;
    if let Err(reason) = rules::still_due(offset, notice.due_date, &cfg.reminder_days, now) {
        return skip(c, key, reason, at);
    }
    let Some(user) = citizen_of(c, &key.tenant_id, &notice.act_id)? else {
        return skip(c, key, SkipReason::NoRecipient, at);
    };
    let prefs = outbound::prefs_of(c, Some(&user.id))?;
    if !chosen(&prefs, key.channel) || repo::optouts(c, &user.id)?.contains(&key.channel) {
        return skip(c, key, SkipReason::OptedOut, at);
    }
    let tenant = tenants::ctx(c, &key.tenant_id)?;
    let channels = mail::channel_settings(c, &key.tenant_id)?;
    let f = facts(c, &tenant, &notice)?;
    let lang = prefs.lang;
    let delivery_id = match key.channel {
        Channel::Email => {
            let Some(to) = user.email.as_deref().filter(|e| address::is_valid(e)) else {
                return skip(c, key, SkipReason::NoRecipient, at);
            };
            let brand = outbound::brand(c, &state.config, &tenant)?;
            let text = rules::mail_text(offset, &f, lang);
            let rendered = compose::build(
                lang,
                &brand,
                text.subject,
                &compose::greeting(lang, &user.full_name()),
                &text.paragraphs,
                true,
            );
            let pdf = notices::render_pdf(c, &tenant.id, &tenant.name, &notice, now)?;
            let storage_key = format!(
                "{}/pagopa/reminders/{}-{}-{}{}.pdf",
                tenant.id, notice.nav, stored.due_date, stored.kind, stored.days
            );
            state.files.put(&storage_key, &pdf).map_err(storage_error)?;
            let attachment = PayloadFile {
                filename: format!("avviso-pagopa-{}.pdf", notice.nav),
                content_type: "application/pdf".to_owned(),
                storage_key,
            };
            outbound::queue_auto_mail(
                c,
                &state.config,
                &tenant,
                to,
                rendered,
                vec![attachment],
                None,
                None,
            )?
        }
        Channel::Sms => {
            let (Some(phone), Some(s)) =
                (user.phone.as_deref().filter(|p| !p.is_empty()), &channels)
            else {
                return skip(c, key, SkipReason::NoRecipient, at);
            };
            let Some(url) = &s.sms_url else {
                return skip(c, key, SkipReason::ChannelOff, at);
            };
            let allowed = rules::sms_allowed_from(now);
            if allowed > now {
                repo::postpone(c, key, allowed.naive_utc(), at)?;
                return Ok(Outcome::Postponed);
            }
            let payload = SmsPayload {
                url: url.clone(),
                sender: s.sms_sender.clone(),
                text: rules::sms_text(offset, &f, lang),
            };
            insert(c, &tenant.id, Channel::Sms, phone, json(&payload)?)?
        }
        Channel::AppIo => {
            let Some(cf) = user.fiscal_code.as_deref().filter(|c| !c.is_empty()) else {
                return skip(c, key, SkipReason::NoRecipient, at);
            };
            let Some((url, _)) = channels
                .as_ref()
                .and_then(|s| s.io_url.clone().zip(s.io_api_key.clone()))
            else {
                return skip(c, key, SkipReason::ChannelOff, at);
            };
            let (subject, markdown) = rules::io_text(offset, &f, lang);
            let payload = IoPayload {
                url,
                subject,
                markdown,
                due_date: Some(rules::io_due_date(notice.due_date)),
                payment_data: Some(IoPaymentData {
                    amount: notice.amount,
                    notice_number: notice.nav.clone(),
                    invalid_after_due_date: false,
                    payee_fiscal_code: notice.creditor_fiscal_code.clone(),
                }),
            };
            insert(c, &tenant.id, Channel::AppIo, cf, json(&payload)?)?
        }
    };
    if !repo::finish(c, key, ReminderStatus::Queued, None, Some(&delivery_id), at)? {
        // Cannot happen under the row lock; roll the delivery back if it does.
        return Err(ApiError::conflict(
            "reminder already sent",
            "reminder already sent",
        ));
    }
    Ok(Outcome::Queued)
}

fn insert(
    c: &mut DbConn,
    tenant_id: &str,
    channel: Channel,
    recipient: &str,
    payload: String,
) -> ApiResult<String> {
    let d = outbound::new_delivery(
        tenant_id,
        None,
        None,
        channel,
        recipient,
        payload,
        None,
        None,
        new_id(),
    );
    mail::insert_delivery(c, &d)?;
    Ok(d.id)
}

/// Where a citizen downloads receipts: "La mia posizione" in the personal area.
fn account_page(brand: &Brand) -> String {
    format!(
        "{}/area-personale/posizione",
        brand
            .public_url
            .as_deref()
            .unwrap_or("")
            .trim_end_matches('/')
    )
}

/// Expands the outbox notice of an applied receipt, in the worker's transaction: the
/// citizen hears on their channels that the instalment is paid and where the receipt is.
pub(crate) fn expand_receipt(
    c: &mut DbConn,
    config: &crate::config::Config,
    tenant: &TenantCtx,
    brand: &Brand,
    receipt_id: &str,
    outbox_id: &str,
) -> ApiResult<usize> {
    let Some(receipt) = pagopa::find_receipt(c, &tenant.id, receipt_id)? else {
        return Ok(0);
    };
    let Some(notice) = pagopa::find_notice(c, &tenant.id, &receipt.nav)? else {
        return Ok(0);
    };
    let Some(user) = citizen_of(c, &tenant.id, &notice.act_id)? else {
        return Ok(0);
    };
    let prefs = outbound::prefs_of(c, Some(&user.id))?;
    let mut f = facts(c, tenant, &notice)?;
    f.amount = Money::from_cents(receipt.amount);
    let link = account_page(brand);
    let lang = prefs.lang;
    let mut count = 0;
    if prefs.email
        && let Some(to) = user.email.as_deref().filter(|e| address::is_valid(e))
    {
        let text = rules::paid_mail_text(&f, &link, lang);
        let rendered = compose::build(
            lang,
            brand,
            text.subject,
            &compose::greeting(lang, &user.full_name()),
            &text.paragraphs,
            true,
        );
        outbound::queue_notice_mail(c, config, tenant, to, rendered, vec![], outbox_id, None)?;
        count += 1;
    }
    let channels = mail::channel_settings(c, &tenant.id)?;
    if let (true, Some(phone), Some(s)) = (prefs.sms, user.phone.as_deref(), &channels)
        && let Some(url) = &s.sms_url
    {
        let payload = SmsPayload {
            url: url.clone(),
            sender: s.sms_sender.clone(),
            text: rules::paid_sms_text(&f, lang),
        };
        let d = outbound::new_delivery(
            &tenant.id,
            Some(outbox_id),
            None,
            Channel::Sms,
            phone,
            json(&payload)?,
            None,
            None,
            new_id(),
        );
        mail::insert_delivery(c, &d)?;
        count += 1;
    }
    if let (true, Some(cf), Some(s)) = (prefs.app_io, user.fiscal_code.as_deref(), &channels)
        && let (Some(url), Some(_)) = (&s.io_url, &s.io_api_key)
    {
        let (subject, markdown) = rules::paid_io_text(&f, &link, lang);
        let payload = IoPayload {
            url: url.clone(),
            subject,
            markdown,
            due_date: None,
            payment_data: None,
        };
        let d = outbound::new_delivery(
            &tenant.id,
            Some(outbox_id),
            None,
            Channel::AppIo,
            cf,
            json(&payload)?,
            None,
            None,
            new_id(),
        );
        mail::insert_delivery(c, &d)?;
        count += 1;
    }
    Ok(count)
}

/// The channels on which the caller receives payment messages (`GET /me/reminder-preferences`).
pub fn preferences(
    state: &AppState,
    user: &crate::auth::AuthUser,
) -> ApiResult<domain::api::ReminderPreferences> {
    let out = state.db.read(|c| repo::optouts(c, &user.user_id))?;
    Ok(domain::api::ReminderPreferences {
        email: !out.contains(&Channel::Email),
        sms: !out.contains(&Channel::Sms),
        app_io: !out.contains(&Channel::AppIo),
    })
}

/// Sets them (`PUT /me/reminder-preferences`): `false` opts the channel out.
pub fn save_preferences(
    state: &AppState,
    user: &crate::auth::AuthUser,
    body: &domain::api::ReminderPreferences,
) -> ApiResult<domain::api::ReminderPreferences> {
    let out: Vec<Channel> = [
        (Channel::Email, body.email),
        (Channel::Sms, body.sms),
        (Channel::AppIo, body.app_io),
    ]
    .into_iter()
    .filter(|(_, on)| !on)
    .map(|(ch, _)| ch)
    .collect();
    state.db.write_tx(|c| {
        repo::set_optouts(
            c,
            user.tenant_id(),
            &user.user_id,
            &out,
            Utc::now().naive_utc(),
        )
    })?;
    preferences(state, user)
}

/// The reminder worker of `sportello serve` (with background workers): every
/// `SPORTELLO_WORKER_INTERVAL_MS`, what is due by the wall clock.
pub fn spawn(state: State) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = std::time::Duration::from_millis(state.config.worker_interval_ms.max(50));
        loop {
            if let Err(e) = run_once(&state, Utc::now()).await {
                tracing::error!(error = %e, "payment reminders");
            }
            tokio::time::sleep(every).await;
        }
    })
}

/// What became of a notice's payment messages (staff of the tenant).
pub fn of_notice(
    state: &AppState,
    user: &crate::auth::AuthUser,
    nav: &str,
) -> ApiResult<domain::api::NoticeReminderList> {
    user.require_staff()?;
    let nav = notices::parse_nav(nav)?;
    state.db.read(|c| {
        pagopa::find_notice(c, user.tenant_id(), nav.as_str())?.ok_or(ApiError::NotFound)?;
        let items = repo::of_notice(c, user.tenant_id(), nav.as_str())?
            .into_iter()
            .map(|r| domain::api::NoticeReminder {
                kind: r.kind,
                days: u32::try_from(r.days).unwrap_or(0),
                channel: r.channel,
                due_date: r.due_date,
                send_at: r.send_at.and_utc(),
                status: r.status,
                skip_reason: r.skip_reason,
            })
            .collect();
        Ok::<_, ApiError>(domain::api::NoticeReminderList { items })
    })
}
