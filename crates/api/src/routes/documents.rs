//! `/documents`: administrators publish PDFs (Regolamento TARI, Carta della qualità,
//! calendario raccolta…); citizens download them under `/public/documents`.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, delete, post, put, web};
use domain::api::{Document, Problem, SaveDocument};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, blocking};
use crate::services::content;
use crate::state::AppState;
use crate::upload::{self, Limits};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create).service(update).service(remove);
}

/// Multipart body of `POST /documents`, for the documentation.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct DocumentForm {
    /// JSON text of `SaveDocument`.
    data: SaveDocument,
    /// A PDF, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Publish a PDF document (administrators).
#[utoipa::path(
    operation_id = "create_document",
    tag = "admin",
    security(("bearer" = [])),
    request_body(content = DocumentForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = Document),
        (status = 403, body = Problem),
        (status = 413, body = Problem),
        (status = 422, description = "Missing title, or the file is not a PDF", body = Problem),
    )
)]
#[post("/documents")]
async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    payload: Multipart,
) -> ApiResult<HttpResponse> {
    user.require_admin()?;
    let form = upload::read_form(payload, Limits::DOCUMENT, &["file"]).await?;
    let data: SaveDocument = serde_json::from_slice(form.data.as_deref().ok_or_else(|| {
        ApiError::invalid(
            "data",
            "Dati del documento mancanti",
            "Document data missing",
        )
    })?)
    .map_err(|e| {
        ApiError::invalid(
            "data",
            format!("Dati non validi: {e}"),
            format!("Invalid data: {e}"),
        )
    })?;
    let file =
        form.files.into_iter().next().ok_or_else(|| {
            ApiError::invalid("file", "Allegare il file PDF", "Attach the PDF file")
        })?;
    let doc = blocking(move || content::create_document(&state, &user, &data, &file)).await?;
    Ok(HttpResponse::Created().json(doc))
}

/// Change a document's title, description, category or order (administrators); the
/// file stays.
#[utoipa::path(
    operation_id = "update_document",
    tag = "admin",
    security(("bearer" = [])),
    request_body = SaveDocument,
    responses(
        (status = 200, description = "The document as saved", body = Document),
        (status = 403, description = "Not an administrator", body = Problem),
        (status = 404, description = "No such document", body = Problem),
        (status = 422, description = "A missing title or an over-long field", body = Problem),
    )
)]
#[put("/documents/{id}")]
async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<SaveDocument>,
) -> ApiResult<web::Json<Document>> {
    blocking(move || content::update_document(&state, &user, &id, &body))
        .await
        .map(web::Json)
}

/// Withdraw a document (administrators).
#[utoipa::path(
    operation_id = "remove_document",
    tag = "admin",
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem))
)]
#[delete("/documents/{id}")]
async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(move || content::delete_document(&state, &user, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
