//! Payment messages about notices (`payment_reminders`) and the citizens' opt-outs from
//! them (`payment_reminder_optouts`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::delivery::DeliveryChannel;
use domain::pagopa::reminders::{ReminderKind, ReminderStatus, SkipReason};

use crate::db::DbConn;
use crate::db::schema::{payment_reminder_optouts, payment_reminders};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = payment_reminders, treat_none_as_default_value = false)]
pub struct ReminderRow {
    pub tenant_id: String,
    pub nav: String,
    pub due_date: NaiveDate,
    pub kind: ReminderKind,
    pub days: i32,
    pub channel: DeliveryChannel,
    pub send_at: NaiveDateTime,
    pub status: ReminderStatus,
    pub skip_reason: Option<SkipReason>,
    pub delivery_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A row's key.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ReminderKey {
    pub tenant_id: String,
    pub nav: String,
    pub due_date: NaiveDate,
    pub kind: ReminderKind,
    pub days: i32,
    pub channel: DeliveryChannel,
}

macro_rules! by_key {
    ($k:expr) => {
        payment_reminders::table
            .filter(payment_reminders::tenant_id.eq(&$k.tenant_id))
            .filter(payment_reminders::nav.eq(&$k.nav))
            .filter(payment_reminders::due_date.eq($k.due_date))
            .filter(payment_reminders::kind.eq($k.kind))
            .filter(payment_reminders::days.eq($k.days))
            .filter(payment_reminders::channel.eq($k.channel))
    };
}

/// Plans messages: a row already planned (whatever became of it) is left alone, so planning
/// twice, or on two nodes, plans each once. Returns how many were new.
pub fn plan(conn: &mut DbConn, rows: &[ReminderRow]) -> QueryResult<usize> {
    let mut n = 0;
    for row in rows {
        n += crate::native!(conn, |c| diesel::insert_into(payment_reminders::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(n)
}

/// Planned messages due at `now`, earliest first.
pub fn due(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<ReminderKey>> {
    payment_reminders::table
        .filter(payment_reminders::status.eq(ReminderStatus::Planned))
        .filter(payment_reminders::send_at.le(now))
        .order((
            payment_reminders::send_at.asc(),
            payment_reminders::nav.asc(),
        ))
        .limit(limit)
        .select((
            payment_reminders::tenant_id,
            payment_reminders::nav,
            payment_reminders::due_date,
            payment_reminders::kind,
            payment_reminders::days,
            payment_reminders::channel,
        ))
        .load(conn)
}

/// The row, still planned, locked until the transaction ends (PostgreSQL; SQLite has one
/// writer). A row another node holds is skipped (`None`): it is that node's, and if its
/// transaction rolls back the row is due again at the next pass.
pub fn lock_planned(conn: &mut DbConn, key: &ReminderKey) -> QueryResult<Option<ReminderRow>> {
    let q = by_key!(key).filter(payment_reminders::status.eq(ReminderStatus::Planned));
    match conn {
        DbConn::Postgresql(c) => q
            .select(ReminderRow::as_select())
            .for_update()
            .skip_locked()
            .load(c)
            .map(crate::db::at_most_one),
        DbConn::Sqlite(c) => q
            .select(ReminderRow::as_select())
            .load(c)
            .map(crate::db::at_most_one),
    }
}

/// Records what became of a planned row; `false` when it was no longer planned.
pub fn finish(
    conn: &mut DbConn,
    key: &ReminderKey,
    status: ReminderStatus,
    reason: Option<SkipReason>,
    delivery_id: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(by_key!(key).filter(payment_reminders::status.eq(ReminderStatus::Planned)))
        .set((
            payment_reminders::status.eq(status),
            payment_reminders::skip_reason.eq(reason),
            payment_reminders::delivery_id.eq(delivery_id),
            payment_reminders::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Moves a planned row to a later time (an SMS in the quiet hours).
pub fn postpone(
    conn: &mut DbConn,
    key: &ReminderKey,
    at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(by_key!(key).filter(payment_reminders::status.eq(ReminderStatus::Planned)))
        .set((
            payment_reminders::send_at.eq(at),
            payment_reminders::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|n| n == 1)
}

/// Every message of a notice (staff views and tests).
pub fn of_notice(conn: &mut DbConn, tenant_id: &str, nav: &str) -> QueryResult<Vec<ReminderRow>> {
    payment_reminders::table
        .filter(payment_reminders::tenant_id.eq(tenant_id))
        .filter(payment_reminders::nav.eq(nav))
        .order((
            payment_reminders::send_at.asc(),
            payment_reminders::channel.asc(),
        ))
        .select(ReminderRow::as_select())
        .load(conn)
}

/// The channels on which the user does not want payment messages.
pub fn optouts(conn: &mut DbConn, user_id: &str) -> QueryResult<Vec<DeliveryChannel>> {
    payment_reminder_optouts::table
        .filter(payment_reminder_optouts::user_id.eq(user_id))
        .select(payment_reminder_optouts::channel)
        .load(conn)
}

/// Replaces the user's opt-outs.
pub fn set_optouts(
    conn: &mut DbConn,
    tenant_id: &str,
    user_id: &str,
    channels: &[DeliveryChannel],
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        payment_reminder_optouts::table.filter(payment_reminder_optouts::user_id.eq(user_id)),
    )
    .execute(conn)?;
    for ch in channels {
        diesel::insert_into(payment_reminder_optouts::table)
            .values((
                payment_reminder_optouts::user_id.eq(user_id),
                payment_reminder_optouts::channel.eq(*ch),
                payment_reminder_optouts::tenant_id.eq(tenant_id),
                payment_reminder_optouts::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The uncancelled notices of a tenant due on or after `from`: `(nav, due date)`.
pub fn open_notices(
    conn: &mut DbConn,
    tenant_id: &str,
    from: NaiveDate,
) -> QueryResult<Vec<(String, NaiveDate)>> {
    use crate::db::schema::payment_notices;
    payment_notices::table
        .filter(payment_notices::tenant_id.eq(tenant_id))
        .filter(payment_notices::cancelled.eq(false))
        .filter(payment_notices::due_date.ge(from))
        .select((payment_notices::nav, payment_notices::due_date))
        .load(conn)
}
