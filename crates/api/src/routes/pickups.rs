//! Bulky-waste pickups: `/pickup-zones`, `/pickup-items` (administrators write),
//! `/pickup-slots` and `/pickups` (citizens book; staff run the route sheet).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use domain::api::{
    CreatePickup, PickupActionRequest, PickupCreated, PickupDayList, PickupItem, PickupView,
    PickupZone, Problem, RouteSheet, SavePickupItem, SavePickupZone, UpdatePickupZone,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, blocking};
use crate::services::agenda::{self, PickupListQuery, PickupSlotsQuery, RouteSheetQuery};
use crate::state::AppState;
use crate::upload;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_zones)
        .service(create_zone)
        .service(update_zone)
        .service(delete_zone)
        .service(list_items)
        .service(create_item)
        .service(pickup_slots)
        .service(list_pickups)
        .service(create_pickup)
        .service(route_sheet)
        .service(route_sheet_csv)
        .service(route_sheet_pdf)
        .service(get_pickup)
        .service(withdraw_pickup)
        .service(pickup_action);
}

/// Pickup zones (any signed-in user; citizens pick theirs).
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<PickupZone>), (status = 401, body = Problem))
)]
#[get("/pickup-zones")]
async fn list_zones(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Vec<PickupZone>>> {
    blocking(move || agenda::list_zones(&state, &user))
        .await
        .map(web::Json)
}

/// Create a zone: postcodes or streets, weekdays, daily capacity in pieces, kinds (administrators).
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    request_body = SavePickupZone,
    responses((status = 201, body = PickupZone), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem))
)]
#[post("/pickup-zones")]
async fn create_zone(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<SavePickupZone>,
) -> ApiResult<HttpResponse> {
    let zone = blocking(move || agenda::create_zone(&state, &user, &body)).await?;
    Ok(HttpResponse::Created().json(zone))
}

/// Change a zone: only the fields sent (administrators).
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    request_body = UpdatePickupZone,
    responses((status = 200, body = PickupZone), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem))
)]
#[patch("/pickup-zones/{id}")]
async fn update_zone(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<UpdatePickupZone>,
) -> ApiResult<web::Json<PickupZone>> {
    blocking(move || agenda::update_zone(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

/// Delete a zone without booked pickups (administrators).
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "Pickups are still booked", body = Problem),
    )
)]
#[delete("/pickup-zones/{id}")]
async fn delete_zone(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(move || agenda::delete_zone(&state, &user, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The catalogue of what can be collected, with the pieces each counts as.
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<PickupItem>), (status = 401, body = Problem))
)]
#[get("/pickup-items")]
async fn list_items(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Vec<PickupItem>>> {
    blocking(move || agenda::list_items(&state, &user))
        .await
        .map(web::Json)
}

/// Add an item to the catalogue (administrators).
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    request_body = SavePickupItem,
    responses(
        (status = 201, body = PickupItem),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "The code exists", body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/pickup-items")]
async fn create_item(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<SavePickupItem>,
) -> ApiResult<HttpResponse> {
    let item = blocking(move || agenda::create_item(&state, &user, &body)).await?;
    Ok(HttpResponse::Created().json(item))
}

/// Days a zone collects a kind of waste, with the pieces still free.
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    params(PickupSlotsQuery),
    responses((status = 200, body = PickupDayList), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem))
)]
#[get("/pickup-slots")]
async fn pickup_slots(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<PickupSlotsQuery>,
) -> ApiResult<web::Json<PickupDayList>> {
    blocking(move || agenda::pickup_slots(&state, &user, &q))
        .await
        .map(web::Json)
}

/// Citizens: their pickups. Staff: the pickups of a day (`?date=`, `?zone_id=`).
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    params(PickupListQuery),
    responses((status = 200, body = Vec<PickupView>), (status = 400, body = Problem), (status = 401, body = Problem))
)]
#[get("/pickups")]
async fn list_pickups(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<PickupListQuery>,
) -> ApiResult<web::Json<Vec<PickupView>>> {
    blocking(move || agenda::list_pickups(&state, &user, &q))
        .await
        .map(web::Json)
}

/// Multipart body of a pickup with photos, for the documentation.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct PickupForm {
    /// JSON text of `CreatePickup`.
    data: CreatePickup,
    /// Up to 5 JPEG, PNG or PDF files of at most 10 MB each.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Book a pickup (citizens). Files a TQRIF request of kind `ritiro_su_chiamata` with its
/// protocol number and due date; a date past the due date is recorded as agreed at the
/// citizen's request.
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    request_body(content((CreatePickup = "application/json"), (PickupForm = "multipart/form-data"))),
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key, same answer: no second pickup")),
    responses(
        (status = 201, body = PickupCreated),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "No room left that day", body = Problem),
        (status = 413, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/pickups")]
async fn create_pickup(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let key = req
        .headers()
        .get("Idempotency-Key")
        .map(|v| v.to_str().map(str::to_owned))
        .transpose()
        .map_err(|_| {
            ApiError::bad_request("Idempotency-Key non valida", "Invalid Idempotency-Key")
        })?;
    let (body, files): (CreatePickup, _) = upload::json_or_form(
        &req,
        payload,
        ("Dati della prenotazione mancanti", "Booking data missing"),
    )
    .await?;
    let (status, body) =
        blocking(move || agenda::create_pickup(&state, &user, &body, files, key.as_deref()))
            .await?;
    let status = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::CREATED);
    Ok(HttpResponse::build(status)
        .content_type("application/json")
        .body(body))
}

/// The day's pickups of a zone, in address order (staff).
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    params(RouteSheetQuery),
    responses((status = 200, body = RouteSheet), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem))
)]
#[get("/pickups/route-sheet")]
async fn route_sheet(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<RouteSheetQuery>,
) -> ApiResult<web::Json<RouteSheet>> {
    blocking(move || agenda::route_sheet(&state, &user, &q))
        .await
        .map(web::Json)
}

/// The route sheet as CSV (staff).
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    params(RouteSheetQuery),
    responses((status = 200, description = "CSV, semicolon-separated", content_type = "text/csv"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem))
)]
#[get("/pickups/route-sheet.csv")]
async fn route_sheet_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<RouteSheetQuery>,
) -> ApiResult<HttpResponse> {
    let (csv, name) = blocking(move || agenda::route_sheet_csv(&state, &user, &q)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::attachment_disposition(&name),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(csv))
}

/// The route sheet as a printable PDF (staff).
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    params(RouteSheetQuery),
    responses((status = 200, description = "The PDF", content_type = "application/pdf"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem))
)]
#[get("/pickups/route-sheet.pdf")]
async fn route_sheet_pdf(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<RouteSheetQuery>,
) -> ApiResult<HttpResponse> {
    let (pdf, name) = blocking(move || agenda::route_sheet_pdf(&state, &user, &q)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::inline_disposition(&name),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(pdf))
}

/// One bulky-waste pickup booking by id; citizens see only their own.
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    responses((status = 200, body = PickupView), (status = 401, body = Problem), (status = 404, body = Problem))
)]
#[get("/pickups/{id}")]
async fn get_pickup(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<PickupView>> {
    blocking(move || agenda::get_pickup(&state, &user, &id))
        .await
        .map(web::Json)
}

/// Withdraw a pickup and its request, until the zone's cutoff (the citizen who booked).
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    responses(
        (status = 200, body = PickupView),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "Past the cutoff, or not booked any more", body = Problem),
    )
)]
#[delete("/pickups/{id}")]
async fn withdraw_pickup(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<PickupView>> {
    blocking(move || agenda::withdraw_pickup(&state, &user, &id))
        .await
        .map(web::Json)
}

/// The crew's outcome: `done` (answers the request with the note as the reply) or
/// `not_done` with the reason (staff).
#[utoipa::path(
    tag = "pickups",
    security(("bearer" = [])),
    request_body = PickupActionRequest,
    responses(
        (status = 200, body = PickupView),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/pickups/{id}/actions")]
async fn pickup_action(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<PickupActionRequest>,
) -> ApiResult<web::Json<PickupView>> {
    blocking(move || agenda::pickup_action(&state, &user, &id, &body))
        .await
        .map(web::Json)
}
