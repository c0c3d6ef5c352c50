//! The agenda's calls: public desks, slots and bookings (no login), the staff's agenda and
//! desks, and bulky-waste pickups.

use domain::api::{
    BookingActionRequest, BookingView, CreateBooking, CreatePickup, Desk, OpeningCheckDto,
    PickupActionRequest, PickupCreated, PickupDayList, PickupItem, PickupView, PickupZone,
    PublicBooking, PublicDesk, RescheduleBooking, RouteSheet, SaveDesk, SavePickupItem,
    SavePickupZone, SlotList, UpdateBooking,
};
use gloo_net::http::Method;

use super::{ApiResult, Body, call, decode, enc, get, get_list, query, send_keyed};

// ---- public -------------------------------------------------------------------------

pub async fn public_desks() -> ApiResult<Vec<PublicDesk>> {
    get_list("/public/desks").await
}

/// The slots of a desk for a service, from `from` to `to` (inclusive, `YYYY-MM-DD`).
pub async fn slots(desk: &str, service: &str, from: &str, to: &str) -> ApiResult<SlotList> {
    get(&format!(
        "/public/desks/{}/slots{}",
        enc(desk),
        query(&[("from", from), ("to", to), ("service", service)])
    ))
    .await
}

/// Books; the same `idempotency_key` for a retried submit books once.
pub async fn create_booking(
    body: &CreateBooking,
    idempotency_key: &str,
) -> ApiResult<PublicBooking> {
    decode(
        send_keyed(
            Method::POST,
            "/public/bookings",
            Body::json(body),
            Some(idempotency_key),
        )
        .await?,
    )
    .await
}

pub async fn public_booking(code: &str) -> ApiResult<PublicBooking> {
    get(&format!("/public/bookings/{}", enc(code))).await
}

pub async fn cancel_public_booking(code: &str) -> ApiResult<PublicBooking> {
    call(
        Method::DELETE,
        &format!("/public/bookings/{}", enc(code)),
        Body::Empty,
    )
    .await
}

pub async fn reschedule_public_booking(
    code: &str,
    body: &RescheduleBooking,
) -> ApiResult<PublicBooking> {
    call(
        Method::PATCH,
        &format!("/public/bookings/{}", enc(code)),
        Body::json(body),
    )
    .await
}

pub async fn confirm_public_booking(code: &str, token: &str) -> ApiResult<PublicBooking> {
    call(
        Method::POST,
        &format!("/public/bookings/{}/confirm", enc(code)),
        Body::json(&serde_json::json!({ "token": token })),
    )
    .await
}

// ---- the staff's agenda -------------------------------------------------------------

pub async fn desks() -> ApiResult<Vec<Desk>> {
    get_list("/desks").await
}

pub async fn create_desk(body: &SaveDesk) -> ApiResult<Desk> {
    call(Method::POST, "/desks", Body::json(body)).await
}

/// Saves the whole desk (a `PATCH` that sends every field).
pub async fn update_desk(id: &str, body: &SaveDesk) -> ApiResult<Desk> {
    call(
        Method::PATCH,
        &format!("/desks/{}", enc(id)),
        Body::json(body),
    )
    .await
}

pub async fn delete_desk(id: &str) -> ApiResult<()> {
    call(Method::DELETE, &format!("/desks/{}", enc(id)), Body::Empty).await
}

pub async fn opening_check() -> ApiResult<OpeningCheckDto> {
    get("/desks/opening-check").await
}

/// The bookings of a desk from `from` to `to` (inclusive).
pub async fn bookings(desk: &str, from: &str, to: &str) -> ApiResult<Vec<BookingView>> {
    get_list(&format!(
        "/bookings{}",
        query(&[("desk_id", desk), ("from", from), ("to", to)])
    ))
    .await
}

pub async fn booking_action(id: &str, body: &BookingActionRequest) -> ApiResult<BookingView> {
    call(
        Method::POST,
        &format!("/bookings/{}/actions", enc(id)),
        Body::json(body),
    )
    .await
}

pub async fn update_booking(id: &str, body: &UpdateBooking) -> ApiResult<BookingView> {
    call(
        Method::PATCH,
        &format!("/bookings/{}", enc(id)),
        Body::json(body),
    )
    .await
}

// ---- pickups ------------------------------------------------------------------------

pub async fn pickup_zones() -> ApiResult<Vec<PickupZone>> {
    get_list("/pickup-zones").await
}

pub async fn create_pickup_zone(body: &SavePickupZone) -> ApiResult<PickupZone> {
    call(Method::POST, "/pickup-zones", Body::json(body)).await
}

pub async fn update_pickup_zone(id: &str, body: &SavePickupZone) -> ApiResult<PickupZone> {
    call(
        Method::PATCH,
        &format!("/pickup-zones/{}", enc(id)),
        Body::json(body),
    )
    .await
}

pub async fn delete_pickup_zone(id: &str) -> ApiResult<()> {
    call(
        Method::DELETE,
        &format!("/pickup-zones/{}", enc(id)),
        Body::Empty,
    )
    .await
}

pub async fn pickup_items() -> ApiResult<Vec<PickupItem>> {
    get_list("/pickup-items").await
}

pub async fn create_pickup_item(body: &SavePickupItem) -> ApiResult<PickupItem> {
    call(Method::POST, "/pickup-items", Body::json(body)).await
}

pub async fn pickup_slots(zone: &str, kind: &str) -> ApiResult<PickupDayList> {
    get(&format!(
        "/pickup-slots{}",
        query(&[("zone_id", zone), ("kind", kind)])
    ))
    .await
}

pub async fn create_pickup(body: &CreatePickup, idempotency_key: &str) -> ApiResult<PickupCreated> {
    decode(
        send_keyed(
            Method::POST,
            "/pickups",
            Body::json(body),
            Some(idempotency_key),
        )
        .await?,
    )
    .await
}

pub fn route_sheet_query(zone: &str, date: &str) -> String {
    query(&[("zone_id", zone), ("date", date)])
}

pub async fn route_sheet(zone: &str, date: &str) -> ApiResult<RouteSheet> {
    get(&format!(
        "/pickups/route-sheet{}",
        route_sheet_query(zone, date)
    ))
    .await
}

pub async fn pickup_action(id: &str, body: &PickupActionRequest) -> ApiResult<PickupView> {
    call(
        Method::POST,
        &format!("/pickups/{}/actions", enc(id)),
        Body::json(body),
    )
    .await
}
