//! `/public/*`: what anyone may read without signing in: the tenant card, documents, FAQ.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use domain::api::{Document, Faq, Problem, PublicTenant};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiResult, blocking};
use crate::services::content;
use crate::state::AppState;
use crate::tenancy::Tenant;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(tenant_card)
        .service(documents)
        .service(document_file)
        .service(faq);
}

/// The tenant serving this host: name, logo and the calendar days the SPA needs to
/// compute due dates; codice fiscale and contacts for the portal's header and footer.
#[utoipa::path(tag = "public", responses((status = 200, body = PublicTenant)))]
#[get("/public/tenant")]
async fn tenant_card(tenant: Tenant) -> web::Json<PublicTenant> {
    web::Json(content::public_tenant(&tenant))
}

/// Published documents, in display order.
#[utoipa::path(tag = "public", responses((status = 200, body = Vec<Document>)))]
#[get("/public/documents")]
async fn documents(
    state: web::Data<AppState>,
    tenant: Tenant,
) -> ApiResult<web::Json<Vec<Document>>> {
    blocking(move || content::list_documents(&state, &tenant))
        .await
        .map(web::Json)
}

/// Download a published document.
#[utoipa::path(
    tag = "public",
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 404, body = Problem)
    )
)]
#[get("/public/documents/{id}/file")]
async fn document_file(
    state: web::Data<AppState>,
    tenant: Tenant,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let (bytes, content_type, filename) =
        blocking(move || content::document_file(&state, &tenant, &id)).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::attachment_disposition(&filename),
        ))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(bytes))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct FaqQuery {
    /// Words to find (all of them, any case) in the question or the answer.
    q: Option<String>,
}

/// Frequently asked questions, in display order.
#[utoipa::path(tag = "public", params(FaqQuery), responses((status = 200, body = Vec<Faq>)))]
#[get("/public/faq")]
async fn faq(
    state: web::Data<AppState>,
    tenant: Tenant,
    q: web::Query<FaqQuery>,
) -> ApiResult<web::Json<Vec<Faq>>> {
    let q = q.into_inner().q;
    blocking(move || content::list_faq(&state, &tenant, q.as_deref()))
        .await
        .map(web::Json)
}
