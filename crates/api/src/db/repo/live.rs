//! Chats with their messages and attachments, video calls and their settings, and the
//! real-time connection's tickets, presence and stored events.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::chat::ChatStatus;

use crate::db::DbConn;
use crate::db::models::{
    ChatAttachmentRow, ChatMessageRow, ChatRow, NewRealtimeEvent, RealtimeEventRow,
    RealtimeTicketRow, VideoCallRow, VideoSettingsRow,
};
use crate::db::schema::{
    chat_attachments, chat_messages, chats, realtime_events, realtime_presence, realtime_tickets,
    video_calls, video_settings,
};

// ---- chats -------------------------------------------------------------------------------

pub fn insert_chat(conn: &mut DbConn, row: &ChatRow) -> QueryResult<()> {
    diesel::insert_into(chats::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update_chat(conn: &mut DbConn, row: &ChatRow) -> QueryResult<()> {
    diesel::update(chats::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_chat(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<ChatRow>> {
    chats::table
        .filter(chats::tenant_id.eq(tenant_id))
        .filter(chats::id.eq(id))
        .select(ChatRow::as_select())
        .first(conn)
        .optional()
}

/// [`find_chat`] for a write: on PostgreSQL the row stays locked until the transaction
/// ends, so two operators accepting at once cannot both win (SQLite has one writer).
pub fn lock_chat(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<ChatRow>> {
    let q = chats::table
        .filter(chats::tenant_id.eq(tenant_id))
        .filter(chats::id.eq(id));
    match conn {
        DbConn::Postgresql(c) => q
            .select(ChatRow::as_select())
            .for_update()
            .load(c)
            .map(crate::db::at_most_one),
        DbConn::Sqlite(c) => q
            .select(ChatRow::as_select())
            .load(c)
            .map(crate::db::at_most_one),
    }
}

pub fn chat_of_booking(
    conn: &mut DbConn,
    tenant_id: &str,
    booking_id: &str,
) -> QueryResult<Option<ChatRow>> {
    chats::table
        .filter(chats::tenant_id.eq(tenant_id))
        .filter(chats::booking_id.eq(booking_id))
        .select(ChatRow::as_select())
        .first(conn)
        .optional()
}

/// Which chats a list shows.
pub enum ChatScope<'a> {
    Citizen(&'a str),
    /// Staff: the chats routed to these offices (administrators: `None`, every office).
    Offices(Option<&'a [String]>),
}

/// Newest first, at most `limit`; the chats beside video calls are listed with the calls.
pub fn list_chats(
    conn: &mut DbConn,
    tenant_id: &str,
    scope: &ChatScope<'_>,
    status: Option<ChatStatus>,
    limit: i64,
) -> QueryResult<Vec<ChatRow>> {
    let mut q = chats::table
        .filter(chats::tenant_id.eq(tenant_id))
        .filter(chats::booking_id.is_null())
        .select(ChatRow::as_select())
        .into_boxed();
    match scope {
        ChatScope::Citizen(id) => q = q.filter(chats::citizen_id.eq(*id)),
        ChatScope::Offices(Some(offices)) => q = q.filter(chats::office_id.eq_any(*offices)),
        ChatScope::Offices(None) => {}
    }
    if let Some(s) = status {
        q = q.filter(chats::status.eq(s));
    }
    // The queue is served oldest first; the others newest first.
    if status == Some(ChatStatus::Waiting) {
        q = q.order((chats::started_at.asc(), chats::id.asc()));
    } else {
        q = q.order((chats::started_at.desc(), chats::id.desc()));
    }
    q.limit(limit).load(conn)
}

/// The waiting chats of an office, oldest first: `(started_at, id)`.
pub fn waiting_in_office(
    conn: &mut DbConn,
    tenant_id: &str,
    office_id: Option<&str>,
) -> QueryResult<Vec<ChatRow>> {
    let mut q = chats::table
        .filter(chats::tenant_id.eq(tenant_id))
        .filter(chats::status.eq(ChatStatus::Waiting))
        .filter(chats::booking_id.is_null())
        .select(ChatRow::as_select())
        .into_boxed();
    q = match office_id {
        Some(o) => q.filter(chats::office_id.eq(o.to_owned())),
        None => q.filter(chats::office_id.is_null()),
    };
    q.order((chats::started_at.asc(), chats::id.asc()))
        .load(conn)
}

pub fn insert_message(conn: &mut DbConn, row: &ChatMessageRow) -> QueryResult<()> {
    diesel::insert_into(chat_messages::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The transcript in order (ids are time-ordered UUID v7).
pub fn messages(conn: &mut DbConn, chat_id: &str) -> QueryResult<Vec<ChatMessageRow>> {
    chat_messages::table
        .filter(chat_messages::chat_id.eq(chat_id))
        .order(chat_messages::id.asc())
        .select(ChatMessageRow::as_select())
        .load(conn)
}

pub fn message_exists(conn: &mut DbConn, chat_id: &str, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        chat_messages::table
            .filter(chat_messages::chat_id.eq(chat_id))
            .filter(chat_messages::id.eq(id)),
    ))
    .get_result(conn)
}

pub fn insert_attachment(conn: &mut DbConn, row: &ChatAttachmentRow) -> QueryResult<()> {
    diesel::insert_into(chat_attachments::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn attachments(conn: &mut DbConn, chat_id: &str) -> QueryResult<Vec<ChatAttachmentRow>> {
    chat_attachments::table
        .filter(chat_attachments::chat_id.eq(chat_id))
        .order(chat_attachments::id.asc())
        .select(ChatAttachmentRow::as_select())
        .load(conn)
}

pub fn find_attachment(
    conn: &mut DbConn,
    chat_id: &str,
    id: &str,
) -> QueryResult<Option<ChatAttachmentRow>> {
    chat_attachments::table
        .filter(chat_attachments::chat_id.eq(chat_id))
        .filter(chat_attachments::id.eq(id))
        .select(ChatAttachmentRow::as_select())
        .first(conn)
        .optional()
}

// ---- video calls -------------------------------------------------------------------------

pub fn find_call(conn: &mut DbConn, booking_id: &str) -> QueryResult<Option<VideoCallRow>> {
    video_calls::table
        .find(booking_id)
        .select(VideoCallRow::as_select())
        .first(conn)
        .optional()
}

pub fn save_call(conn: &mut DbConn, row: &VideoCallRow) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(video_calls::table)
        .values(row)
        .on_conflict(video_calls::booking_id)
        .do_update()
        .set(row)
        .execute(c))
    .map(|_| ())
}

pub fn video_settings(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Option<VideoSettingsRow>> {
    video_settings::table
        .find(tenant_id)
        .select(VideoSettingsRow::as_select())
        .first(conn)
        .optional()
}

pub fn save_video_settings(conn: &mut DbConn, row: &VideoSettingsRow) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(video_settings::table)
        .values(row)
        .on_conflict(video_settings::tenant_id)
        .do_update()
        .set(row)
        .execute(c))
    .map(|_| ())
}

// ---- the real-time connection ------------------------------------------------------------

pub fn insert_ticket(conn: &mut DbConn, row: &RealtimeTicketRow) -> QueryResult<()> {
    diesel::insert_into(realtime_tickets::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Takes the ticket: deleted as it is read, so it opens one connection only, on whichever
/// process it is presented.
pub fn redeem_ticket(conn: &mut DbConn, hash: &str) -> QueryResult<Option<RealtimeTicketRow>> {
    crate::native!(conn, |c| diesel::delete(realtime_tickets::table.find(hash))
        .returning(RealtimeTicketRow::as_returning())
        .get_result(c)
        .optional())
}

pub fn sweep_tickets(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(realtime_tickets::table.filter(realtime_tickets::expires_at.lt(now)))
        .execute(conn)
}

pub fn touch_presence(
    conn: &mut DbConn,
    node: &str,
    tenant_id: &str,
    user_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let row = (
        realtime_presence::node.eq(node),
        realtime_presence::user_id.eq(user_id),
        realtime_presence::tenant_id.eq(tenant_id),
        realtime_presence::seen_at.eq(now),
    );
    crate::native!(conn, |c| diesel::insert_into(realtime_presence::table)
        .values(row)
        .on_conflict((realtime_presence::node, realtime_presence::user_id))
        .do_update()
        .set(realtime_presence::seen_at.eq(now))
        .execute(c))
    .map(|_| ())
}

pub fn drop_presence(conn: &mut DbConn, node: &str, user_id: &str) -> QueryResult<()> {
    diesel::delete(
        realtime_presence::table
            .filter(realtime_presence::node.eq(node))
            .filter(realtime_presence::user_id.eq(user_id)),
    )
    .execute(conn)
    .map(|_| ())
}

/// Staff seen connected since `since`, on any process.
pub fn online_staff(
    conn: &mut DbConn,
    tenant_id: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    realtime_presence::table
        .filter(realtime_presence::tenant_id.eq(tenant_id))
        .filter(realtime_presence::seen_at.ge(since))
        .select(realtime_presence::user_id)
        .distinct()
        .load(conn)
}

pub fn sweep_presence(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(realtime_presence::table.filter(realtime_presence::seen_at.lt(before)))
        .execute(conn)
}

pub fn insert_event(conn: &mut DbConn, row: &NewRealtimeEvent) -> QueryResult<i64> {
    crate::native!(conn, |c| diesel::insert_into(realtime_events::table)
        .values(row)
        .returning(realtime_events::id)
        .get_result(c))
}

pub fn find_event(conn: &mut DbConn, id: i64) -> QueryResult<Option<RealtimeEventRow>> {
    realtime_events::table
        .find(id)
        .select(RealtimeEventRow::as_select())
        .first(conn)
        .optional()
}

/// A tenant's events after `after` and since `since`, in order, at most `limit`.
pub fn events_after(
    conn: &mut DbConn,
    tenant_id: &str,
    after: i64,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<RealtimeEventRow>> {
    realtime_events::table
        .filter(realtime_events::tenant_id.eq(tenant_id))
        .filter(realtime_events::id.gt(after))
        .filter(realtime_events::created_at.ge(since))
        .order(realtime_events::id.asc())
        .limit(limit)
        .select(RealtimeEventRow::as_select())
        .load(conn)
}

pub fn sweep_events(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(realtime_events::table.filter(realtime_events::created_at.lt(before)))
        .execute(conn)
}
