//! The taxpayer's account at the desk (staff): `/contribuenti`, `/utenze`, `/acts`,
//! `/payments`, the estratto conto, and the plan a rateizzazione request carries.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use domain::api::{
    Act, Adjustment, Contribuente, ContribuenteDetail, CreateAct, CreateAdjustment,
    CreateContribuente, CreatePayment, CreateUtenza, Page, Payment, PlanRequestView, Problem,
    Statement, Utenza,
};
use domain::error::DomainError;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, blocking};
use crate::services::account::{acts, contribuenti, plans, statement};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_contribuente)
        .service(search_contribuenti)
        .service(get_contribuente)
        .service(contribuente_statement)
        .service(contribuente_statement_pdf)
        .service(create_utenza)
        .service(create_act)
        .service(get_act)
        .service(create_adjustment)
        .service(create_payment)
        .service(request_plan);
}

/// A JSON body into its DTO, with the path of the field that does not fit
/// (`instalments[1].due_date`) in the error.
pub(super) fn parse_body<T: DeserializeOwned>(value: serde_json::Value) -> ApiResult<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let missing = inner
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next());
        let (field, it, en) = match missing {
            Some(name) => {
                let field = if path == "." {
                    name.to_owned()
                } else {
                    format!("{path}.{name}")
                };
                (
                    field,
                    "Campo obbligatorio mancante".to_owned(),
                    "Required field missing".to_owned(),
                )
            }
            None => (
                if path == "." { "body".to_owned() } else { path },
                format!("Valore non valido (date AAAA-MM-GG, importi in centesimi): {inner}"),
                format!("Invalid value (dates YYYY-MM-DD, amounts in cents): {inner}"),
            ),
        };
        ApiError::Domain(DomainError::invalid(field, it, en))
    })
}

/// `?as_of=YYYY-MM-DD`, checked here so an impossible day names its field.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct AsOf {
    /// The day of the statement (default: today, Europe/Rome).
    #[param(value_type = Option<String>, format = Date)]
    as_of: Option<String>,
}

impl AsOf {
    pub(super) fn date(&self) -> ApiResult<Option<NaiveDate>> {
        self.as_of
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                    ApiError::invalid(
                        "as_of",
                        format!("Data non valida: «{s}» (AAAA-MM-GG, un giorno che esiste)"),
                        format!("Invalid date: \"{s}\" (YYYY-MM-DD, a day that exists)"),
                    )
                })
            })
            .transpose()
    }
}

pub(super) fn idempotency_key(req: &HttpRequest) -> ApiResult<Option<String>> {
    req.headers()
        .get("Idempotency-Key")
        .map(|v| v.to_str().map(str::to_owned))
        .transpose()
        .map_err(|_| ApiError::bad_request("Idempotency-Key non valida", "Invalid Idempotency-Key"))
}

pub(super) fn pdf_response(bytes: Vec<u8>, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            super::inline_disposition(filename),
        ))
        .body(bytes)
}

/// Register a contribuente (staff); linked at once to the citizen account with the same
/// codice fiscale, if there is one.
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    request_body = CreateContribuente,
    responses(
        (status = 201, body = Contribuente),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "A contribuente with this codice fiscale exists", body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/contribuenti")]
async fn create_contribuente(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    user.require_staff()?;
    let body: CreateContribuente = parse_body(body.into_inner())?;
    let c = blocking(move || contribuenti::create(&state, &user, &body)).await?;
    Ok(HttpResponse::Created().json(c))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct SearchQuery {
    /// A codice fiscale (or its beginning), part of a name, or a codice utenza.
    q: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

/// Find contribuenti (staff).
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    params(SearchQuery),
    responses(
        (status = 200, body = Page<Contribuente>),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[get("/contribuenti")]
async fn search_contribuenti(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<SearchQuery>,
) -> ApiResult<web::Json<Page<Contribuente>>> {
    let limit = super::page_limit(q.limit);
    blocking(move || {
        contribuenti::search(&state, &user, q.q.as_deref(), limit, q.cursor.as_deref())
    })
    .await
    .map(web::Json)
}

/// A contribuente with their utenze, acts, payments and adjustments (staff).
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ContribuenteDetail),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
#[get("/contribuenti/{id}")]
async fn get_contribuente(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ContribuenteDetail>> {
    blocking(move || contribuenti::detail(&state, &user, &id))
        .await
        .map(web::Json)
}

/// The estratto conto of a contribuente as of a day (staff): per act and instalment the
/// amount, paid, residual, days late and default interest, with the daily interest.
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    params(AsOf),
    responses(
        (status = 200, body = Statement),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "No legal interest rate for a day of the period", body = Problem),
        (status = 422, body = Problem),
    )
)]
#[get("/contribuenti/{id}/statement")]
async fn contribuente_statement(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    q: web::Query<AsOf>,
) -> ApiResult<web::Json<Statement>> {
    let as_of = q.date()?;
    blocking(move || statement::of_contribuente(&state, &user, &id, as_of))
        .await
        .map(web::Json)
}

/// The same estratto conto as a printable PDF (staff).
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    params(AsOf),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[get("/contribuenti/{id}/statement.pdf")]
async fn contribuente_statement_pdf(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    q: web::Query<AsOf>,
) -> ApiResult<HttpResponse> {
    let as_of = q.date()?;
    let bytes = blocking(move || statement::pdf(&state, &user, Some(&id), as_of)).await?;
    Ok(pdf_response(bytes, "estratto-conto.pdf"))
}

/// Register an utenza of a contribuente (staff).
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    request_body = CreateUtenza,
    responses(
        (status = 201, body = Utenza),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "An utenza with this code exists", body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/utenze")]
async fn create_utenza(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    user.require_staff()?;
    let body: CreateUtenza = parse_body(body.into_inner())?;
    let u = blocking(move || contribuenti::create_utenza(&state, &user, &body)).await?;
    Ok(HttpResponse::Created().json(u))
}

/// Register an act (avviso, accertamento, ingiunzione…) with its instalments (staff).
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    request_body = CreateAct,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key, same answer: no second act")),
    responses(
        (status = 201, body = Act),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 409, description = "An act with this kind, tributo, year and number exists", body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/acts")]
async fn create_act(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: web::Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    user.require_staff()?;
    let key = idempotency_key(&req)?;
    let body: CreateAct = parse_body(body.into_inner())?;
    let act = blocking(move || acts::create(&state, &user, &body, key.as_deref())).await?;
    Ok(HttpResponse::Created().json(act))
}

/// One act (avviso, accertamento, sollecito) by id, with its instalments (staff).
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Act),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
    )
)]
#[get("/acts/{id}")]
async fn get_act(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Act>> {
    blocking(move || acts::get(&state, &user, &id))
        .await
        .map(web::Json)
}

/// Record a sgravio, annullamento, compensazione or rimborso on an act (staff; audited with
/// the operator and the reason).
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    request_body = CreateAdjustment,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key, same answer: no second adjustment")),
    responses(
        (status = 201, body = Adjustment),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/acts/{id}/adjustments")]
async fn create_adjustment(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    user.require_staff()?;
    let key = idempotency_key(&req)?;
    let body: CreateAdjustment = parse_body(body.into_inner())?;
    let adj = blocking(move || acts::create_adjustment(&state, &user, &id, &body, key.as_deref()))
        .await?;
    Ok(HttpResponse::Created().json(adj))
}

/// Record a payment on an act, e.g. at the desk (staff). It goes to the named instalment,
/// else to the instalments oldest first.
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    request_body = CreatePayment,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key, same answer: no second payment")),
    responses(
        (status = 201, body = Payment),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, body = Problem),
    )
)]
#[post("/payments")]
async fn create_payment(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: web::Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    user.require_staff()?;
    let key = idempotency_key(&req)?;
    let body: CreatePayment = parse_body(body.into_inner())?;
    let p = blocking(move || acts::create_payment(&state, &user, &body, key.as_deref())).await?;
    Ok(HttpResponse::Created().json(p))
}

/// The instalment plan a rateizzazione request carries: what the citizen saw when filing,
/// and whether resolving the request granted it (the request's citizen and staff).
#[utoipa::path(
    tag = "taxpayer",
    security(("bearer" = [])),
    responses(
        (status = 200, body = PlanRequestView),
        (status = 401, body = Problem),
        (status = 404, description = "No such request, or it carries no plan", body = Problem),
    )
)]
#[get("/requests/{id}/plan")]
async fn request_plan(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<PlanRequestView>> {
    blocking(move || plans::view(&state, &user, &id))
        .await
        .map(web::Json)
}
