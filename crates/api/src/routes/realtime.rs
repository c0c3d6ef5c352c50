//! The real-time connection: `POST /realtime/tickets`, then the WebSocket at
//! `GET /realtime?ticket=…` (docs/realtime.md).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::api::{Problem, RealtimeTicket};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, blocking};
use crate::realtime::{connection, tickets};
use crate::state::AppState;
use crate::tenancy::Tenant;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_realtime_ticket)
        .service(connect_realtime);
}

/// A single-use ticket (60 s) to open the WebSocket: the access token never goes in a URL.
#[utoipa::path(
    tag = "realtime",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The ticket and where to connect", body = RealtimeTicket),
        (status = 401, description = "Sign-in required", body = Problem),
    )
)]
#[post("/realtime/tickets")]
async fn create_realtime_ticket(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<HttpResponse> {
    let t = blocking(move || {
        state
            .db
            .write_tx(|c| tickets::issue(c, user.tenant_id(), Some(&user.user_id), None))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(t))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConnectQuery {
    /// From `POST /realtime/tickets` or a video call's join.
    pub ticket: String,
}

/// Upgrade to a WebSocket (JSON text frames; see docs/realtime.md for the events).
#[utoipa::path(
    tag = "realtime",
    params(ConnectQuery),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket handshake", body = Problem),
        (status = 401, description = "Ticket unknown, used or expired", body = Problem),
    )
)]
#[get("/realtime")]
async fn connect_realtime(
    state: web::Data<AppState>,
    tenant: Tenant,
    req: HttpRequest,
    body: web::Payload,
    q: web::Query<ConnectQuery>,
) -> ApiResult<HttpResponse> {
    if !req
        .headers()
        .get(actix_web::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
    {
        return Err(ApiError::bad_request(
            "Serve una connessione WebSocket",
            "A WebSocket handshake is required",
        ));
    }
    let st = state.clone();
    let tenant_id = tenant.id.clone();
    let party = blocking(move || tickets::redeem(&st, &tenant_id, &q.ticket)).await?;
    let (response, session, stream) = actix_ws::handle(&req, body)
        .map_err(|e| ApiError::bad_request(format!("WebSocket: {e}"), format!("WebSocket: {e}")))?;
    actix_web::rt::spawn(connection::run(state, party, session, stream));
    Ok(response)
}
