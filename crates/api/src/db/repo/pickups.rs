//! Pickup zones, the item catalogue, booked pickups and the pieces booked per day.
//!
//! A day's capacity is enforced by one conditional statement,
//! `UPDATE pickup_days SET taken = taken + n WHERE … AND taken + n <= capacity`: it either
//! raises the count within the capacity or changes nothing, under the row lock.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{PickupItemRow, PickupRow, PickupZoneRow};
use crate::db::schema::{pickup_days, pickup_items, pickup_zones, pickups};

pub fn insert_zone(conn: &mut DbConn, row: &PickupZoneRow) -> QueryResult<()> {
    diesel::insert_into(pickup_zones::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update_zone(conn: &mut DbConn, row: &PickupZoneRow) -> QueryResult<()> {
    diesel::update(pickup_zones::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_zone(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
) -> QueryResult<Option<PickupZoneRow>> {
    pickup_zones::table
        .filter(pickup_zones::tenant_id.eq(tenant_id))
        .filter(pickup_zones::id.eq(id))
        .filter(pickup_zones::deleted_at.is_null())
        .select(PickupZoneRow::as_select())
        .first(conn)
        .optional()
}

pub fn zones_by_ids(conn: &mut DbConn, ids: &[String]) -> QueryResult<Vec<PickupZoneRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    pickup_zones::table
        .filter(pickup_zones::id.eq_any(ids))
        .select(PickupZoneRow::as_select())
        .load(conn)
}

pub fn list_zones(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<PickupZoneRow>> {
    pickup_zones::table
        .filter(pickup_zones::tenant_id.eq(tenant_id))
        .filter(pickup_zones::deleted_at.is_null())
        .order((pickup_zones::name.asc(), pickup_zones::id.asc()))
        .select(PickupZoneRow::as_select())
        .load(conn)
}

pub fn insert_item(conn: &mut DbConn, row: &PickupItemRow) -> QueryResult<()> {
    diesel::insert_into(pickup_items::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn list_items(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<PickupItemRow>> {
    pickup_items::table
        .filter(pickup_items::tenant_id.eq(tenant_id))
        .order((pickup_items::kind.asc(), pickup_items::name.asc()))
        .select(PickupItemRow::as_select())
        .load(conn)
}

/// Pieces booked per day of a zone in `[from, to]`.
pub fn taken_between(
    conn: &mut DbConn,
    zone_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(NaiveDate, i32)>> {
    pickup_days::table
        .filter(pickup_days::zone_id.eq(zone_id))
        .filter(pickup_days::day.ge(from))
        .filter(pickup_days::day.le(to))
        .select((pickup_days::day, pickup_days::taken))
        .load(conn)
}

/// Books `pieces` of a day's `capacity`; false when they do not fit.
pub fn reserve(
    conn: &mut DbConn,
    zone_id: &str,
    day: NaiveDate,
    pieces: i32,
    capacity: i32,
) -> QueryResult<bool> {
    let row = (
        pickup_days::zone_id.eq(zone_id),
        pickup_days::day.eq(day),
        pickup_days::taken.eq(0),
    );
    crate::native!(conn, |c| diesel::insert_into(pickup_days::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    let n = diesel::update(
        pickup_days::table
            .filter(pickup_days::zone_id.eq(zone_id))
            .filter(pickup_days::day.eq(day))
            .filter((pickup_days::taken + pieces).le(capacity)),
    )
    .set(pickup_days::taken.eq(pickup_days::taken + pieces))
    .execute(conn)?;
    Ok(n == 1)
}

/// Gives `pieces` of a day back.
pub fn release(conn: &mut DbConn, zone_id: &str, day: NaiveDate, pieces: i32) -> QueryResult<()> {
    diesel::update(
        pickup_days::table
            .filter(pickup_days::zone_id.eq(zone_id))
            .filter(pickup_days::day.eq(day))
            .filter(pickup_days::taken.ge(pieces)),
    )
    .set(pickup_days::taken.eq(pickup_days::taken - pieces))
    .execute(conn)
    .map(|_| ())
}

pub fn insert_pickup(conn: &mut DbConn, row: &PickupRow) -> QueryResult<()> {
    diesel::insert_into(pickups::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn update_pickup(conn: &mut DbConn, row: &PickupRow) -> QueryResult<()> {
    diesel::update(pickups::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_pickup(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<PickupRow>> {
    pickups::table
        .filter(pickups::tenant_id.eq(tenant_id))
        .filter(pickups::id.eq(id))
        .select(PickupRow::as_select())
        .first(conn)
        .optional()
}

/// A day's pickups of a zone (cancelled ones left out), in address order.
pub fn of_day(
    conn: &mut DbConn,
    tenant_id: &str,
    zone_id: &str,
    day: NaiveDate,
) -> QueryResult<Vec<PickupRow>> {
    pickups::table
        .filter(pickups::tenant_id.eq(tenant_id))
        .filter(pickups::zone_id.eq(zone_id))
        .filter(pickups::day.eq(day))
        .filter(pickups::status.ne("cancelled"))
        .order((pickups::address.asc(), pickups::id.asc()))
        .select(PickupRow::as_select())
        .load(conn)
}

pub fn of_citizen(
    conn: &mut DbConn,
    tenant_id: &str,
    citizen_id: &str,
) -> QueryResult<Vec<PickupRow>> {
    pickups::table
        .filter(pickups::tenant_id.eq(tenant_id))
        .filter(pickups::citizen_id.eq(citizen_id))
        .order(pickups::created_at.desc())
        .limit(200)
        .select(PickupRow::as_select())
        .load(conn)
}

/// Pickups still booked in a zone from `from` on.
pub fn booked_in_zone(conn: &mut DbConn, zone_id: &str, from: NaiveDate) -> QueryResult<i64> {
    pickups::table
        .filter(pickups::zone_id.eq(zone_id))
        .filter(pickups::day.ge(from))
        .filter(pickups::status.eq("booked"))
        .count()
        .get_result(conn)
}
