//! The Riciclabolario: `/public/riciclabolario?q=` for anyone, the administrators'
//! `/settings/riciclabolario` (items and the CSV import).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use domain::api::{Problem, SaveWasteItem, WasteImportReport, WasteItem};
use domain::error::Message;
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::client::ClientInfo;
use crate::error::{ApiError, ApiResult, blocking, request_lang};
use crate::services::waste;
use crate::state::AppState;
use crate::tenancy::Tenant;

/// Largest CSV accepted: 5,000 rows of a few hundred bytes.
const MAX_CSV_BYTES: usize = 2 * 1024 * 1024;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(update)
        .service(remove)
        .service(import);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct WasteQuery {
    /// What to throw away, in the visitor's words; typos and plurals are forgiven. Without
    /// it, every item A–Z.
    q: Option<String>,
}

/// Where each kind of waste goes: the best matches for `q` first, or every item A–Z.
#[utoipa::path(
    operation_id = "list_riciclabolario",
    tag = "public",
    params(WasteQuery),
    responses((status = 200, description = "Items", body = Vec<WasteItem>))
)]
#[get("/public/riciclabolario")]
async fn list(
    state: web::Data<AppState>,
    tenant: Tenant,
    client: ClientInfo,
    req: HttpRequest,
    q: web::Query<WasteQuery>,
) -> ApiResult<HttpResponse> {
    state.limits.public_search.check(client.ip)?;
    let lang = request_lang(&req);
    let q = q.into_inner().q;
    let items = blocking(move || waste::list(&state, &tenant, q.as_deref(), lang)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(items))
}

/// Add an item (administrators).
#[utoipa::path(
    operation_id = "create_waste_item",
    tag = "admin",
    security(("bearer" = [])),
    request_body = SaveWasteItem,
    responses(
        (status = 201, description = "Added", body = WasteItem),
        (status = 403, description = "Not an administrator", body = Problem),
        (status = 422, description = "Invalid data or a name already there", body = Problem),
    )
)]
#[post("/settings/riciclabolario")]
async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: web::Json<SaveWasteItem>,
) -> ApiResult<HttpResponse> {
    let lang = request_lang(&req);
    let item = blocking(move || waste::create(&state, &user, &body, lang)).await?;
    Ok(HttpResponse::Created().json(item))
}

/// Rewrite an item (administrators).
#[utoipa::path(
    operation_id = "update_waste_item",
    tag = "admin",
    security(("bearer" = [])),
    request_body = SaveWasteItem,
    responses(
        (status = 200, description = "Rewritten", body = WasteItem),
        (status = 403, description = "Not an administrator", body = Problem),
        (status = 404, description = "No such item", body = Problem),
        (status = 422, description = "Invalid data or a name already there", body = Problem),
    )
)]
#[put("/settings/riciclabolario/{id}")]
async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    req: HttpRequest,
    body: web::Json<SaveWasteItem>,
) -> ApiResult<web::Json<WasteItem>> {
    let lang = request_lang(&req);
    blocking(move || waste::update(&state, &user, &id, &body, lang))
        .await
        .map(web::Json)
}

/// Remove an item (administrators).
#[utoipa::path(
    operation_id = "delete_waste_item",
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not an administrator", body = Problem),
        (status = 404, description = "No such item", body = Problem),
    )
)]
#[delete("/settings/riciclabolario/{id}")]
async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    blocking(move || waste::delete(&state, &user, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Import items from a CSV (UTF-8, header `nome,frazione,contenitore,dove_portarlo,note,
/// sinonimi`, synonyms separated by `|`): known names are rewritten, new ones added. All
/// or nothing: any bad row refuses the file, each error naming `rows[N].column`
/// (administrators).
#[utoipa::path(
    operation_id = "import_riciclabolario",
    tag = "admin",
    security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 200, description = "Imported", body = WasteImportReport),
        (status = 403, description = "Not an administrator", body = Problem),
        (status = 413, description = "Larger than 2 MiB", body = Problem),
        (status = 422, description = "Bad rows (nothing imported)", body = Problem),
    )
)]
#[post("/settings/riciclabolario/import")]
async fn import(
    state: web::Data<AppState>,
    user: AuthUser,
    mut payload: web::Payload,
) -> ApiResult<web::Json<WasteImportReport>> {
    user.require_admin()?;
    let mut data = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::invalid("file", "Caricamento interrotto", "Upload interrupted")
        })?;
        if data.len() + chunk.len() > MAX_CSV_BYTES {
            return Err(ApiError::PayloadTooLarge(Message::new(
                "Il file supera i 2 MB",
                "The file exceeds 2 MB",
            )));
        }
        data.extend_from_slice(&chunk);
    }
    blocking(move || waste::import(&state, &user, &data))
        .await
        .map(web::Json)
}
