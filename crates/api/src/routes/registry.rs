//! `/registry`: TQRIF compliance per request kind and the CSV for the yearly report.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use domain::api::Problem;
use domain::registry::RegisterReport;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiResult, blocking};
use crate::services::registry::{self, Period};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(report).service(entries_csv);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct PeriodQuery {
    /// First receipt date (default: 1 January of this year).
    from: Option<NaiveDate>,
    /// Last receipt date (default: today).
    to: Option<NaiveDate>,
}

/// Per-kind compliance for requests received in the period (staff).
#[utoipa::path(
    tag = "registry",
    security(("bearer" = [])),
    params(PeriodQuery),
    responses((status = 200, body = RegisterReport), (status = 403, body = Problem), (status = 422, body = Problem))
)]
#[get("/registry")]
async fn report(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<PeriodQuery>,
) -> ApiResult<web::Json<RegisterReport>> {
    let period = Period::new(q.from, q.to)?;
    blocking(move || registry::report(&state, &user, period))
        .await
        .map(web::Json)
}

/// One CSV row per request (`;`-separated, UTF-8), streamed.
#[utoipa::path(
    tag = "registry",
    security(("bearer" = [])),
    params(PeriodQuery),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 403, body = Problem), (status = 422, body = Problem))
)]
#[get("/registry/entries.csv")]
async fn entries_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    let period = Period::new(q.from, q.to)?;
    user.require_staff()?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let filename = format!("registro-tqrif-{}-{}.csv", period.from, period.to);
    tokio::task::spawn_blocking(move || {
        if let Err(e) = registry::write_csv(&state, &user, period, &tx) {
            tracing::error!(error = %e, "register CSV export failed");
        }
    });
    let body = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx)
            .map(|chunk| chunk.map(|c| Ok::<_, actix_web::Error>(web::Bytes::from(c))))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::attachment_disposition(&filename),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .streaming(body))
}
