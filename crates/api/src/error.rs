//! The one error type of the API layer, rendered as `application/problem+json` with
//! field-level messages in Italian or English (from `Accept-Language`).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use domain::api::{FieldProblem, Problem};
use domain::error::{DomainError, Lang, Message};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("not found")]
    NotFound,
    #[error("unauthorized: {}", .0.en)]
    Unauthorized(Message),
    #[error("forbidden: {}", .0.en)]
    Forbidden(Message),
    #[error("conflict: {}", .0.en)]
    Conflict(Message),
    /// A value that must be unique and is taken (409 naming the field).
    #[error("duplicate {}: {}", .0.field, .0.message.en)]
    Duplicate(domain::error::FieldError),
    #[error("bad request: {}", .0.en)]
    BadRequest(Message),
    #[error("payload too large: {}", .0.en)]
    PayloadTooLarge(Message),
    #[error("unsupported media type: {}", .0.en)]
    UnsupportedMediaType(Message),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

/// `Retry-After` of a 503: the database or the file store is down for a moment.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 30;

/// A file store's error as the client should hear it: a file that is not there is 404, a
/// store that is down (unreachable, timed out, 5xx) is 503 with `Retry-After`, anything
/// else is a fault of ours (500, logged).
pub fn storage_error(e: std::io::Error) -> ApiError {
    if e.kind() == std::io::ErrorKind::NotFound {
        tracing::warn!(error = %e, "stored file missing");
        ApiError::NotFound
    } else if crate::storage::is_unavailable(&e) {
        tracing::error!(error = %e, "file store unavailable");
        ApiError::Unavailable
    } else {
        ApiError::Internal(anyhow::Error::new(e).context("file store"))
    }
}

/// An internal error whose cause is a file store saying "missing" or "down" (a call site
/// that wrapped it as internal) becomes what [`storage_error`] makes of it.
fn store_cause(e: ApiError) -> ApiError {
    let ApiError::Internal(inner) = &e else {
        return e;
    };
    let Some(io) = inner
        .chain()
        .find_map(|c| c.downcast_ref::<std::io::Error>())
        .filter(|io| crate::storage::is_store_error(io))
    else {
        return e;
    };
    if io.kind() == std::io::ErrorKind::NotFound {
        tracing::warn!(error = %io, "stored file missing");
        ApiError::NotFound
    } else if crate::storage::is_unavailable(io) {
        tracing::error!(error = %io, "file store unavailable");
        ApiError::Unavailable
    } else {
        e
    }
}

impl ApiError {
    pub fn unauthorized(it: &'static str, en: &'static str) -> Self {
        Self::Unauthorized(Message::new(it, en))
    }
    pub fn forbidden(it: &'static str, en: &'static str) -> Self {
        Self::Forbidden(Message::new(it, en))
    }
    pub fn conflict(
        it: impl Into<std::borrow::Cow<'static, str>>,
        en: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Self {
        Self::Conflict(Message::new(it, en))
    }
    pub fn bad_request(
        it: impl Into<std::borrow::Cow<'static, str>>,
        en: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Self {
        Self::BadRequest(Message::new(it, en))
    }
    pub fn invalid(
        field: &'static str,
        it: impl Into<std::borrow::Cow<'static, str>>,
        en: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Self {
        Self::Domain(DomainError::invalid(field, it, en))
    }

    /// The problem document in one language.
    pub fn problem(&self, lang: Lang) -> Problem {
        let status = self.status_code().as_u16();
        let (slug, title_it, title_en, detail, errors): (
            &str,
            &str,
            &str,
            Option<String>,
            Vec<FieldProblem>,
        ) = match self {
            Self::Domain(e @ DomainError::Validation(_)) => (
                "validation",
                "Dati non validi",
                "Invalid data",
                Some(e.summary(lang)),
                Problem::field_problems(e, lang),
            ),
            Self::Domain(DomainError::Conflict(m)) => (
                "invalid-transition",
                "Operazione non consentita",
                "Action not allowed",
                Some(m.get(lang).to_owned()),
                vec![],
            ),
            Self::Domain(DomainError::Forbidden(m)) | Self::Forbidden(m) => (
                "forbidden",
                "Accesso negato",
                "Forbidden",
                Some(m.get(lang).to_owned()),
                vec![],
            ),
            Self::NotFound => (
                "not-found",
                "Non trovato",
                "Not found",
                Some(match lang {
                    Lang::It => {
                        "La risorsa richiesta non esiste o non è visibile per te".to_owned()
                    }
                    Lang::En => {
                        "The requested resource does not exist or is not visible to you".to_owned()
                    }
                }),
                vec![],
            ),
            Self::Unauthorized(m) => (
                "unauthorized",
                "Autenticazione richiesta",
                "Authentication required",
                Some(m.get(lang).to_owned()),
                vec![],
            ),
            Self::Conflict(m) => (
                "conflict",
                "Conflitto",
                "Conflict",
                Some(m.get(lang).to_owned()),
                vec![],
            ),
            Self::Duplicate(e) => (
                "conflict",
                "Conflitto",
                "Conflict",
                Some(e.message.get(lang).to_owned()),
                vec![FieldProblem {
                    field: e.field.to_string(),
                    message: e.message.get(lang).to_owned(),
                }],
            ),
            Self::BadRequest(m) => (
                "bad-request",
                "Richiesta non valida",
                "Bad request",
                Some(m.get(lang).to_owned()),
                vec![],
            ),
            Self::PayloadTooLarge(m) => (
                "payload-too-large",
                "Contenuto troppo grande",
                "Payload too large",
                Some(m.get(lang).to_owned()),
                vec![],
            ),
            Self::UnsupportedMediaType(m) => (
                "unsupported-media-type",
                "Tipo di contenuto non supportato",
                "Unsupported media type",
                Some(m.get(lang).to_owned()),
                vec![],
            ),
            Self::TooManyRequests { retry_after_secs } => (
                "too-many-requests",
                "Troppe richieste",
                "Too many requests",
                Some(match lang {
                    Lang::It => format!("Troppi tentativi: riprova tra {retry_after_secs} secondi"),
                    Lang::En => {
                        format!("Too many attempts: try again in {retry_after_secs} seconds")
                    }
                }),
                vec![],
            ),
            Self::Unavailable => (
                "unavailable",
                "Servizio momentaneamente non disponibile",
                "Service temporarily unavailable",
                None,
                vec![],
            ),
            Self::Internal(_) => ("internal", "Errore interno", "Internal error", None, vec![]),
        };
        Problem {
            problem_type: format!("/problems/{slug}"),
            title: match lang {
                Lang::It => title_it.to_owned(),
                Lang::En => title_en.to_owned(),
            },
            status,
            detail,
            errors,
        }
    }

    fn render(&self, lang: Lang) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Self::TooManyRequests { retry_after_secs } = self {
            res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let Self::Unavailable = self {
            res.insert_header((
                header::RETRY_AFTER,
                UNAVAILABLE_RETRY_AFTER_SECS.to_string(),
            ));
        }
        if let Self::Unauthorized(_) = self {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        res.body(serde_json::to_string(&self.problem(lang)).unwrap_or_default())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Domain(DomainError::Validation(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Domain(DomainError::Conflict(_)) | Self::Conflict(_) | Self::Duplicate(_) => {
                StatusCode::CONFLICT
            }
            Self::Domain(DomainError::Forbidden(_)) | Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(e) = self {
            tracing::error!(error = ?e, "internal error");
        }
        // Italian by default; `localize` re-renders in English when asked.
        self.render(Lang::It)
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Query(q) => q.into(),
            DbError::Pool(_) => {
                tracing::error!(error = %e, "database pool exhausted or unreachable");
                Self::Unavailable
            }
            other => Self::Internal(other.into()),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => Self::NotFound,
            other => Self::Internal(other.into()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

/// Runs blocking work (diesel, argon2) off the async workers.
pub async fn blocking<T, F>(f: F) -> ApiResult<T>
where
    F: FnOnce() -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    actix_web::web::block(f).await?.map_err(store_cause)
}

/// The request's language from `Accept-Language`.
pub fn request_lang(req: &actix_web::HttpRequest) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::It, Lang::from_accept_language)
}

/// Middleware: re-renders API errors in English for clients that prefer it, and turns
/// actix's own errors (bad JSON, unknown route…) into problem documents too.
pub async fn localize(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = request_lang(req.request());
    let res = next.call(req).await?;
    let Some(err) = res.response().error() else {
        return Ok(res.map_into_boxed_body());
    };
    if let Some(api) = err.as_error::<ApiError>() {
        if lang == Lang::It {
            return Ok(res.map_into_boxed_body());
        }
        let rendered = api.render(lang);
        return Ok(res.into_response(rendered));
    }
    // Errors raised by actix extractors: keep the status, give a problem body.
    let status = res.status();
    let already_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == HeaderValue::from_static("application/problem+json"));
    if already_problem {
        return Ok(res.map_into_boxed_body());
    }
    let detail = err.to_string();
    let api = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(Message::new(
            "Il contenuto inviato supera la dimensione massima consentita",
            "The content sent exceeds the maximum size allowed",
        )),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(Message::new(
            "Tipo di contenuto non supportato: usare application/json",
            "Unsupported content type: use application/json",
        )),
        StatusCode::NOT_FOUND => ApiError::NotFound,
        s if s.is_server_error() => ApiError::Internal(anyhow::anyhow!(detail)),
        _ => ApiError::BadRequest(Message::new(
            format!("Richiesta non valida: {detail}"),
            format!("Invalid request: {detail}"),
        )),
    };
    let mut rendered = api.render(lang);
    *rendered.status_mut() = status;
    Ok(res.into_response(rendered))
}
