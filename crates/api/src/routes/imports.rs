//! `/imports`: CSV files from the Comune's tax system, imported by a background job whose
//! progress and row-level report the console follows (staff).

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use domain::api::{CreateImport, ImportView, Page, Problem};
use domain::error::Message;
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use utoipa_actix_web::service_config::ServiceConfig;

use super::taxpayer::parse_body;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, blocking, request_lang};
use crate::services::account::imports;
use crate::state::AppState;
use crate::upload::sanitize_filename;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_import)
        .service(list_imports)
        .service(get_import)
        .service(import_errors_csv);
}

/// Multipart body of an import, for the documentation.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ImportForm {
    /// JSON text of `CreateImport`: `{"kind": "payments", "skip_invalid": false}`.
    data: CreateImport,
    /// The CSV file (UTF-8 or Windows-1252, `;` or `,`).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A spooled upload, removed when dropped.
struct Spool(std::path::PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn bad_form(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        format!("Modulo non valido: {e}"),
        format!("Invalid form: {e}"),
    )
}

/// Reads `data` and streams `file` to a temporary file, within `max_bytes`.
async fn read_upload(
    mut form: Multipart,
    max_bytes: u64,
) -> ApiResult<(CreateImport, String, Spool)> {
    let mut data: Option<Vec<u8>> = None;
    let mut file: Option<(String, Spool, u64)> = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(bad_form)?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "data" => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(bad_form)?;
                    if bytes.len() + chunk.len() > 64 * 1024 {
                        return Err(ApiError::PayloadTooLarge(Message::new(
                            "La parte data supera i 64 KB",
                            "The data part exceeds 64 KB",
                        )));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                data = Some(bytes);
            }
            "file" if file.is_none() => {
                let filename = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .map_or_else(|| "import.csv".to_owned(), sanitize_filename);
                let path = std::env::temp_dir().join(format!(
                    "sportello-import-{}.part",
                    crate::db::repo::new_id()
                ));
                let spool = Spool(path);
                let mut out = tokio::fs::File::create(&spool.0)
                    .await
                    .map_err(|e| ApiError::Internal(e.into()))?;
                let mut size = 0u64;
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(bad_form)?;
                    size += chunk.len() as u64;
                    if size > max_bytes {
                        let mb = max_bytes / (1024 * 1024);
                        return Err(ApiError::PayloadTooLarge(Message::new(
                            format!("Il file supera la dimensione massima di {mb} MB"),
                            format!("The file exceeds the maximum size of {mb} MB"),
                        )));
                    }
                    out.write_all(&chunk)
                        .await
                        .map_err(|e| ApiError::Internal(e.into()))?;
                }
                out.flush()
                    .await
                    .map_err(|e| ApiError::Internal(e.into()))?;
                file = Some((filename, spool, size));
            }
            // Unknown parts are read and ignored.
            _ => while field.next().await.is_some() {},
        }
    }
    let data = data.ok_or_else(|| {
        ApiError::invalid(
            "data",
            "Indicare il tipo di importazione (parte data)",
            "Give the kind of import (data part)",
        )
    })?;
    let value: serde_json::Value = serde_json::from_slice(&data).map_err(|e| {
        ApiError::invalid(
            "data",
            format!("Dati non validi: {e}"),
            format!("Invalid data: {e}"),
        )
    })?;
    let body: CreateImport = parse_body(value)?;
    let (filename, spool, size) = file
        .ok_or_else(|| ApiError::invalid("file", "Allegare il file CSV", "Attach the CSV file"))?;
    if size == 0 {
        return Err(ApiError::invalid(
            "file",
            "Il file è vuoto",
            "The file is empty",
        ));
    }
    Ok((body, filename, spool))
}

/// Upload a CSV to import (staff): multipart with `data` (`{kind, skip_invalid}`) and
/// `file`. The import runs in the background; follow it at `GET /imports/{id}`.
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    request_body(content((ImportForm = "multipart/form-data"))),
    responses(
        (status = 202, description = "Queued", body = ImportView),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 413, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/imports")]
async fn create_import(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    // Who may import comes before reading the upload.
    user.require_staff()?;
    let lang = request_lang(&req);
    let max = state.config.import_max_mb.saturating_mul(1024 * 1024);
    let (body, filename, spool) = read_upload(Multipart::new(req.headers(), payload), max).await?;
    let view = blocking(move || {
        let view = imports::create(&state, &user, &body, &filename, &spool.0, lang);
        drop(spool);
        view
    })
    .await?;
    Ok(HttpResponse::Accepted().json(view))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct ListQuery {
    limit: Option<u32>,
    cursor: Option<String>,
}

/// The tenant's imports, newest first (staff).
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, body = Page<ImportView>), (status = 401, body = Problem), (status = 403, body = Problem))
)]
#[get("/imports")]
async fn list_imports(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    q: web::Query<ListQuery>,
) -> ApiResult<web::Json<Page<ImportView>>> {
    let lang = request_lang(&req);
    let limit = super::page_limit(q.limit);
    blocking(move || imports::list(&state, &user, limit, q.cursor.as_deref(), lang))
        .await
        .map(web::Json)
}

/// An import: its progress (`status`, `percent`) and report (counts and the first invalid
/// rows with their line numbers) (staff).
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ImportView),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
#[get("/imports/{id}")]
async fn get_import(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<web::Json<ImportView>> {
    let lang = request_lang(&req);
    blocking(move || imports::get(&state, &user, &id, lang))
        .await
        .map(web::Json)
}

/// The row-level report to download: `riga;colonna;errore` (staff).
#[utoipa::path(
    tag = "imports",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "CSV, UTF-8", content_type = "text/csv"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
#[get("/imports/{id}/errors.csv")]
async fn import_errors_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let lang = request_lang(&req);
    let file = format!("errori-importazione-{id}.csv");
    let body = blocking(move || imports::errors_csv(&state, &user, &id, lang)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::attachment_disposition(&file),
        ))
        .body(body))
}
