//! Liveness and readiness probes.

use actix_web::{HttpResponse, web};

use crate::error::{ApiResult, blocking};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health/live", web::get().to(live))
        .route("/health/ready", web::get().to(ready));
    #[cfg(feature = "bench-ceiling")]
    cfg.route("/bench/ceiling", web::get().to(ceiling));
}

async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// Ready when the database answers.
async fn ready(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let db = state.db.clone();
    blocking(move || Ok(db.ping()?)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ok", "database": "ok"})))
}

/// A fixed JSON body: the ceiling of this machine for the load benchmark.
#[cfg(feature = "bench-ceiling")]
async fn ceiling() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(r#"{"status":"ok","service":"sportello"}"#)
}
