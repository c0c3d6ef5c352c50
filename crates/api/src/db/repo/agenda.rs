//! Desks, bookings and the seats they hold.
//!
//! Capacity lives in `desk_seats`: a booking holds one row per 5-minute cell it covers,
//! each with a seat number below the desk's capacity, under the primary key
//! `(desk_id, cell_start, seat_no)`. Taking a seat is an `INSERT … ON CONFLICT DO NOTHING`
//! (or the takeover of a seat whose unconfirmed hold has run out), so two bookings can never
//! hold the same seat whatever the isolation level, on SQLite and PostgreSQL alike. Cells
//! are taken in ascending order, so concurrent bookings wait for each other without
//! deadlocks.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{BookingRow, DeskRow};
use crate::db::schema::{booking_people, bookings, desk_seats, desks};

// ---- desks ---------------------------------------------------------------------------------

pub fn insert_desk(conn: &mut DbConn, row: &DeskRow) -> QueryResult<()> {
    diesel::insert_into(desks::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update_desk(conn: &mut DbConn, row: &DeskRow) -> QueryResult<()> {
    diesel::update(desks::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

/// A desk of the tenant that is not deleted.
pub fn find_desk(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<DeskRow>> {
    desks::table
        .filter(desks::tenant_id.eq(tenant_id))
        .filter(desks::id.eq(id))
        .filter(desks::deleted_at.is_null())
        .select(DeskRow::as_select())
        .first(conn)
        .optional()
}

/// A desk even if deleted (for the bookings it had).
pub fn find_desk_any(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<DeskRow>> {
    desks::table
        .filter(desks::tenant_id.eq(tenant_id))
        .filter(desks::id.eq(id))
        .select(DeskRow::as_select())
        .first(conn)
        .optional()
}

pub fn list_desks(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<DeskRow>> {
    desks::table
        .filter(desks::tenant_id.eq(tenant_id))
        .filter(desks::deleted_at.is_null())
        .order((desks::name.asc(), desks::id.asc()))
        .select(DeskRow::as_select())
        .load(conn)
}

/// Desks (deleted ones too) by id.
pub fn desks_by_ids(
    conn: &mut DbConn,
    tenant_id: &str,
    ids: &[String],
) -> QueryResult<Vec<DeskRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    desks::table
        .filter(desks::tenant_id.eq(tenant_id))
        .filter(desks::id.eq_any(ids))
        .select(DeskRow::as_select())
        .load(conn)
}

/// Desks still run by an office.
pub fn desks_of_office(conn: &mut DbConn, tenant_id: &str, office_id: &str) -> QueryResult<i64> {
    desks::table
        .filter(desks::tenant_id.eq(tenant_id))
        .filter(desks::office_id.eq(office_id))
        .filter(desks::deleted_at.is_null())
        .count()
        .get_result(conn)
}

// ---- seats ---------------------------------------------------------------------------------

/// Takes a seat in one cell for `booking_id`: a free seat number, else one whose hold has
/// expired. False when every seat is taken.
pub fn take_seat(
    conn: &mut DbConn,
    desk_id: &str,
    cell: NaiveDateTime,
    capacity: i32,
    booking_id: &str,
    held_until: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    for seat in 0..capacity {
        let row = (
            desk_seats::desk_id.eq(desk_id),
            desk_seats::cell_start.eq(cell),
            desk_seats::seat_no.eq(seat),
            desk_seats::booking_id.eq(booking_id),
            desk_seats::held_until.eq(held_until),
        );
        let inserted = crate::native!(conn, |c| diesel::insert_into(desk_seats::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c))?;
        if inserted == 1 {
            return Ok(true);
        }
    }
    // A seat held by an unconfirmed booking whose hold has run out is free: take it over.
    // The condition is re-checked under the row lock, so only one taker wins.
    for seat in 0..capacity {
        let taken = diesel::update(
            desk_seats::table
                .filter(desk_seats::desk_id.eq(desk_id))
                .filter(desk_seats::cell_start.eq(cell))
                .filter(desk_seats::seat_no.eq(seat))
                .filter(desk_seats::held_until.lt(now)),
        )
        .set((
            desk_seats::booking_id.eq(booking_id),
            desk_seats::held_until.eq(held_until),
        ))
        .execute(conn)?;
        if taken == 1 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The cells a booking holds now.
pub fn cells_of(conn: &mut DbConn, booking_id: &str) -> QueryResult<Vec<NaiveDateTime>> {
    desk_seats::table
        .filter(desk_seats::booking_id.eq(booking_id))
        .order(desk_seats::cell_start.asc())
        .select(desk_seats::cell_start)
        .load(conn)
}

/// Frees every seat of a booking.
pub fn release_seats(conn: &mut DbConn, booking_id: &str) -> QueryResult<usize> {
    diesel::delete(desk_seats::table.filter(desk_seats::booking_id.eq(booking_id))).execute(conn)
}

/// Frees the seats of a booking outside `[from, until)`.
pub fn release_seats_outside(
    conn: &mut DbConn,
    booking_id: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        desk_seats::table
            .filter(desk_seats::booking_id.eq(booking_id))
            .filter(
                desk_seats::cell_start
                    .lt(from)
                    .or(desk_seats::cell_start.ge(until)),
            ),
    )
    .execute(conn)
}

/// Makes a confirmed booking's seats permanent; returns how many were still held by it.
pub fn keep_seats(conn: &mut DbConn, booking_id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        desk_seats::table
            .filter(desk_seats::booking_id.eq(booking_id))
            .filter(desk_seats::held_until.gt(now)),
    )
    .set(desk_seats::held_until.eq(None::<NaiveDateTime>))
    .execute(conn)
}

/// Seats taken per cell of a desk in `[from, until)`, holds that have run out excluded.
pub fn occupancy(
    conn: &mut DbConn,
    desk_id: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, i64)>> {
    desk_seats::table
        .filter(desk_seats::desk_id.eq(desk_id))
        .filter(desk_seats::cell_start.ge(from))
        .filter(desk_seats::cell_start.lt(until))
        .filter(
            desk_seats::held_until
                .is_null()
                .or(desk_seats::held_until.gt(now)),
        )
        .group_by(desk_seats::cell_start)
        .select((desk_seats::cell_start, count_star()))
        .load(conn)
}

/// Locks one person's row at a desk until the transaction ends, so that two bookings of the
/// same person count each other (on SQLite the single writer already serialises them).
pub fn lock_person(
    conn: &mut DbConn,
    desk_id: &str,
    person: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let row = (
        booking_people::desk_id.eq(desk_id),
        booking_people::person.eq(person),
        booking_people::touched_at.eq(now),
    );
    crate::native!(conn, |c| diesel::insert_into(booking_people::table)
        .values(row)
        .on_conflict((booking_people::desk_id, booking_people::person))
        .do_update()
        .set(booking_people::touched_at.eq(now))
        .execute(c))
    .map(|_| ())
}

// ---- bookings ------------------------------------------------------------------------------

pub fn insert_booking(conn: &mut DbConn, row: &BookingRow) -> QueryResult<()> {
    diesel::insert_into(bookings::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update_booking(conn: &mut DbConn, row: &BookingRow) -> QueryResult<()> {
    diesel::update(bookings::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_booking(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
) -> QueryResult<Option<BookingRow>> {
    bookings::table
        .filter(bookings::tenant_id.eq(tenant_id))
        .filter(bookings::id.eq(id))
        .select(BookingRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_code_hash(
    conn: &mut DbConn,
    tenant_id: &str,
    hash: &str,
) -> QueryResult<Option<BookingRow>> {
    bookings::table
        .filter(bookings::tenant_id.eq(tenant_id))
        .filter(bookings::code_hash.eq(hash))
        .select(BookingRow::as_select())
        .first(conn)
        .optional()
}

pub fn reference_taken(conn: &mut DbConn, tenant_id: &str, reference: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        bookings::table
            .filter(bookings::tenant_id.eq(tenant_id))
            .filter(bookings::reference.eq(reference)),
    ))
    .get_result(conn)
}

/// Future bookings of a person (by e-mail or codice fiscale) at a desk that hold a seat.
pub fn open_bookings_of(
    conn: &mut DbConn,
    desk_id: &str,
    email: &str,
    fiscal_code: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let mut q = bookings::table
        .filter(bookings::desk_id.eq(desk_id))
        .filter(bookings::starts_at.gt(now))
        .filter(
            bookings::status.eq("confirmed").or(bookings::status
                .eq("pending_confirmation")
                .and(bookings::hold_until.gt(now))),
        )
        .into_boxed();
    q = match fiscal_code {
        Some(cf) => q.filter(bookings::email.eq(email).or(bookings::fiscal_code.eq(cf))),
        None => q.filter(bookings::email.eq(email)),
    };
    q.count().get_result(conn)
}

/// Filters of the staff's agenda.
#[derive(Debug, Default)]
pub struct BookingFilter<'a> {
    /// None: every desk of the tenant.
    pub desk_ids: Option<&'a [String]>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    pub statuses: Option<&'a [&'a str]>,
    pub citizen_id: Option<&'a str>,
}

pub fn list_bookings(
    conn: &mut DbConn,
    tenant_id: &str,
    f: &BookingFilter<'_>,
    limit: i64,
) -> QueryResult<Vec<BookingRow>> {
    let mut q = bookings::table
        .filter(bookings::tenant_id.eq(tenant_id))
        .select(BookingRow::as_select())
        .into_boxed();
    if let Some(ids) = f.desk_ids {
        q = q.filter(bookings::desk_id.eq_any(ids.to_vec()));
    }
    if let Some(from) = f.from {
        q = q.filter(bookings::starts_at.ge(from));
    }
    if let Some(until) = f.until {
        q = q.filter(bookings::starts_at.lt(until));
    }
    if let Some(statuses) = f.statuses {
        q = q.filter(
            bookings::status.eq_any(statuses.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()),
        );
    }
    if let Some(c) = f.citizen_id {
        q = q.filter(bookings::citizen_id.eq(c));
    }
    q.order((bookings::starts_at.asc(), bookings::id.asc()))
        .limit(limit)
        .load(conn)
}

/// Confirmed bookings of a desk from `from` on (to move or cancel with the desk).
pub fn future_bookings_of_desk(
    conn: &mut DbConn,
    desk_id: &str,
    from: NaiveDateTime,
) -> QueryResult<i64> {
    bookings::table
        .filter(bookings::desk_id.eq(desk_id))
        .filter(bookings::starts_at.gt(from))
        .filter(bookings::status.eq_any(["confirmed", "pending_confirmation", "checked_in"]))
        .count()
        .get_result(conn)
}
