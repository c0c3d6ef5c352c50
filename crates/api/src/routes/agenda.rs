//! The agenda: `/desks` (staff), `/public/desks`, `/public/bookings` (anyone), `/bookings`
//! (staff) and `/me/bookings` (citizens).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use domain::api::{
    BookingActionRequest, BookingView, CreateBooking, Desk, OpeningCheckDto, Problem,
    PublicBooking, PublicDesk, RescheduleBooking, SaveDesk, SlotList, UpdateBooking, UpdateDesk,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{AuthUser, MaybeAuth};
use crate::client::ClientInfo;
use crate::error::{ApiError, ApiResult, blocking, request_lang};
use crate::services::agenda::{self, Booker, BookingQuery, ConfirmBooking, SlotsQuery};
use crate::state::AppState;
use crate::tenancy::Tenant;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_desks)
        .service(create_desk)
        .service(opening_check)
        .service(get_desk)
        .service(update_desk)
        .service(delete_desk)
        .service(public_desks)
        .service(slots)
        .service(create_booking)
        .service(get_public)
        .service(cancel_public)
        .service(reschedule_public)
        .service(confirm_public)
        .service(calendar)
        .service(my_bookings)
        .service(list_bookings)
        .service(get_booking)
        .service(update_booking)
        .service(booking_action);
}

// ---- desks (staff) -----------------------------------------------------------------------

/// The desks the caller runs (administrators: all of them).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Desk>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/desks")]
async fn list_desks(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Vec<Desk>>> {
    blocking(move || agenda::list_desks(&state, &user))
        .await
        .map(web::Json)
}

/// Create a desk with its services, weekly hours and rules (administrators).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    request_body = SaveDesk,
    responses((status = 201, body = Desk), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem))
)]
#[post("/desks")]
async fn create_desk(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<SaveDesk>,
) -> ApiResult<HttpResponse> {
    let desk = blocking(move || agenda::create_desk(&state, &user, &body)).await?;
    Ok(HttpResponse::Created().json(desk))
}

/// The tenant's weekly opening hours (Monday–Friday, desks open at the same time counted
/// once) against the capitolato minimum for its population, and the afternoon opening.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses((status = 200, body = OpeningCheckDto), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/desks/opening-check")]
async fn opening_check(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<OpeningCheckDto>> {
    blocking(move || agenda::opening_check(&state, &user))
        .await
        .map(web::Json)
}

/// One desk with its services, weekly hours and rules (staff who run it, administrators).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses((status = 200, body = Desk), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[get("/desks/{id}")]
async fn get_desk(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Desk>> {
    blocking(move || agenda::get_desk(&state, &user, &id))
        .await
        .map(web::Json)
}

/// Change a desk: only the fields sent (administrators).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    request_body = UpdateDesk,
    responses((status = 200, body = Desk), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem))
)]
#[patch("/desks/{id}")]
async fn update_desk(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<UpdateDesk>,
) -> ApiResult<web::Json<Desk>> {
    blocking(move || agenda::update_desk(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

/// Delete a desk without upcoming appointments (administrators).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "It still has appointments", body = Problem),
    )
)]
#[delete("/desks/{id}")]
async fn delete_desk(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(move || agenda::delete_desk(&state, &user, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- public ------------------------------------------------------------------------------

/// The desks one can book, with their services and upcoming closures and notices.
#[utoipa::path(tag = "public", responses((status = 200, body = Vec<PublicDesk>)))]
#[get("/public/desks")]
async fn public_desks(
    state: web::Data<AppState>,
    tenant: Tenant,
) -> ApiResult<web::Json<Vec<PublicDesk>>> {
    blocking(move || agenda::public_desks(&state, &tenant))
        .await
        .map(web::Json)
}

/// Bookable slots of a desk (RFC 3339 UTC), full ones included with `remaining: 0`. With an
/// operator's token the minimum notice does not apply.
#[utoipa::path(
    tag = "public",
    params(SlotsQuery),
    responses((status = 200, body = SlotList), (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem))
)]
#[get("/public/desks/{id}/slots")]
async fn slots(
    state: web::Data<AppState>,
    tenant: Tenant,
    user: MaybeAuth,
    id: web::Path<String>,
    q: web::Query<SlotsQuery>,
) -> ApiResult<web::Json<SlotList>> {
    blocking(move || agenda::slots(&state, &tenant, user.0.as_ref(), &id, &q))
        .await
        .map(web::Json)
}

fn idempotency_key(req: &HttpRequest) -> ApiResult<Option<String>> {
    req.headers()
        .get("Idempotency-Key")
        .map(|v| v.to_str().map(str::to_owned))
        .transpose()
        .map_err(|_| ApiError::bad_request("Idempotency-Key non valida", "Invalid Idempotency-Key"))
}

/// Book an appointment, without an account. `confirmed`, or `pending_confirmation` when
/// the desk asks to confirm from the e-mailed link (the seat is held 15 minutes). With a
/// citizen's token the booking is theirs (`/me/bookings`); with an operator's token it is
/// booked for a caller (minimum notice waived).
#[utoipa::path(
    tag = "public",
    request_body = CreateBooking,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key, same answer: no second booking")),
    responses(
        (status = 201, body = PublicBooking),
        (status = 409, description = "The slot is full or the person already has the most open bookings", body = Problem),
        (status = 422, description = "Invalid data, a time outside the window, under the minimum notice or on a closed day", body = Problem),
        (status = 429, body = Problem),
    )
)]
#[post("/public/bookings")]
async fn create_booking(
    state: web::Data<AppState>,
    tenant: Tenant,
    user: MaybeAuth,
    client: ClientInfo,
    req: HttpRequest,
    body: web::Json<CreateBooking>,
) -> ApiResult<HttpResponse> {
    state.limits.public_forms.check(client.ip)?;
    if !user.0.as_ref().is_some_and(AuthUser::is_staff) {
        state
            .limits
            .booking_email
            .check(&body.email.trim().to_lowercase())?;
    }
    let key = idempotency_key(&req)?;
    let lang = request_lang(&req);
    let booking = blocking(move || {
        let booker = Booker {
            user: user.0.as_ref(),
            lang,
        };
        agenda::create(&state, &tenant, booker, &body, key.as_deref())
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(booking))
}

fn private(booking: PublicBooking) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(booking)
}

/// A booking from its link.
#[utoipa::path(tag = "public", responses((status = 200, body = PublicBooking), (status = 404, body = Problem)))]
#[get("/public/bookings/{code}")]
async fn get_public(
    state: web::Data<AppState>,
    tenant: Tenant,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(move || agenda::get(&state, &tenant, &code))
        .await
        .map(private)
}

/// Cancel from the link, until the desk's cutoff before the appointment.
#[utoipa::path(
    tag = "public",
    responses(
        (status = 200, body = PublicBooking),
        (status = 404, body = Problem),
        (status = 409, description = "Past the cutoff, or not cancellable in its state", body = Problem),
    )
)]
#[delete("/public/bookings/{code}")]
async fn cancel_public(
    state: web::Data<AppState>,
    tenant: Tenant,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(move || agenda::cancel(&state, &tenant, &code))
        .await
        .map(private)
}

/// Move to another slot of the same desk and service: the new seat is taken before the
/// old one is freed, atomically.
#[utoipa::path(
    tag = "public",
    request_body = RescheduleBooking,
    responses(
        (status = 200, body = PublicBooking),
        (status = 404, body = Problem),
        (status = 409, description = "The new slot is full, or past the cutoff", body = Problem),
        (status = 422, body = Problem),
    )
)]
#[patch("/public/bookings/{code}")]
async fn reschedule_public(
    state: web::Data<AppState>,
    tenant: Tenant,
    code: web::Path<String>,
    body: web::Json<RescheduleBooking>,
) -> ApiResult<HttpResponse> {
    blocking(move || agenda::reschedule(&state, &tenant, &code, &body))
        .await
        .map(private)
}

/// Confirm with the token of the e-mailed link, within 15 minutes of booking.
#[utoipa::path(
    tag = "public",
    request_body = ConfirmBooking,
    responses(
        (status = 200, body = PublicBooking),
        (status = 404, body = Problem),
        (status = 409, description = "The hold has expired", body = Problem),
        (status = 422, description = "Wrong token", body = Problem),
    )
)]
#[post("/public/bookings/{code}/confirm")]
async fn confirm_public(
    state: web::Data<AppState>,
    tenant: Tenant,
    code: web::Path<String>,
    body: web::Json<ConfirmBooking>,
) -> ApiResult<HttpResponse> {
    blocking(move || agenda::confirm(&state, &tenant, &code, &body))
        .await
        .map(private)
}

/// The appointment as an iCalendar file (RFC 5545; `METHOD:CANCEL` once cancelled).
#[utoipa::path(
    tag = "public",
    responses((status = 200, description = "The calendar file", content_type = "text/calendar"), (status = 404, body = Problem))
)]
#[get("/public/bookings/{code}/calendar.ics")]
async fn calendar(
    state: web::Data<AppState>,
    tenant: Tenant,
    code: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (body, filename) = blocking(move || agenda::calendar_file(&state, &tenant, &code)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::attachment_disposition(&filename),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(body))
}

/// The signed-in citizen's bookings, newest first.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<PublicBooking>), (status = 401, body = Problem))
)]
#[get("/me/bookings")]
async fn my_bookings(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let items = blocking(move || agenda::my_bookings(&state, &user)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(items))
}

// ---- the staff's agenda -------------------------------------------------------------------

/// Bookings of the caller's desks, by day (default today) and status.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    params(BookingQuery),
    responses((status = 200, body = Vec<BookingView>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem))
)]
#[get("/bookings")]
async fn list_bookings(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<BookingQuery>,
) -> ApiResult<web::Json<Vec<BookingView>>> {
    blocking(move || agenda::list_bookings(&state, &user, &q))
        .await
        .map(web::Json)
}

/// One booking of the agenda by id (staff).
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    responses((status = 200, body = BookingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[get("/bookings/{id}")]
async fn get_booking(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<BookingView>> {
    blocking(move || agenda::get_booking(&state, &user, &id))
        .await
        .map(web::Json)
}

/// Link the visit to a citizen or a request (it appears in the request's thread) and keep
/// notes.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    request_body = UpdateBooking,
    responses((status = 200, body = BookingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem))
)]
#[patch("/bookings/{id}")]
async fn update_booking(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<UpdateBooking>,
) -> ApiResult<web::Json<BookingView>> {
    blocking(move || agenda::update_booking(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

/// `check_in`, `no_show`, `complete` or `cancel` (the note is the reason sent to the
/// citizen). Not possible now → 409.
#[utoipa::path(
    tag = "agenda",
    security(("bearer" = [])),
    request_body = BookingActionRequest,
    responses(
        (status = 200, body = BookingView),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/bookings/{id}/actions")]
async fn booking_action(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<BookingActionRequest>,
) -> ApiResult<web::Json<BookingView>> {
    blocking(move || agenda::booking_action(&state, &user, &id, &body))
        .await
        .map(web::Json)
}
