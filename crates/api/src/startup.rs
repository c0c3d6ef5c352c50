//! Building and running the server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use actix_web_prom::PrometheusMetricsBuilder;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::jwt::JwtKeys;
use crate::auth::throttle::Limits;
use crate::config::Config;
use crate::db::Db;
use crate::db::repo::{secrets, tenants};
use crate::error::{self, ApiError};
use crate::openapi::ApiDoc;
use crate::state::AppState;
use crate::storage::LocalFiles;
use crate::tenancy::TenantCache;
use crate::{routes, spa};

/// Largest JSON body accepted (uploads go through multipart with their own limits).
const JSON_LIMIT: usize = 256 * 1024;

pub struct Application {
    port: u16,
    server: Server,
    pub state: web::Data<AppState>,
}

impl Application {
    /// Connects to the database (running migrations), prepares state and binds the socket.
    pub fn build(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        let state = web::Data::new(build_state(config)?);
        let port = listener.local_addr()?.port();
        let workers = state.config.workers;
        let metrics = PrometheusMetricsBuilder::new("sportello")
            .endpoint("/metrics")
            .build()
            .map_err(|e| anyhow::anyhow!("metrics: {e}"))?;
        let app_state = state.clone();
        let mut server = HttpServer::new(move || {
            let (app, _) = App::new()
                .app_data(app_state.clone())
                .app_data(json_config())
                .app_data(
                    web::QueryConfig::default().error_handler(|e, _| bad_input(&e.to_string())),
                )
                .app_data(
                    web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()),
                )
                .wrap(from_fn(error::localize))
                .wrap(security_headers())
                .wrap(Compress::default())
                .wrap(metrics.clone())
                .wrap(TracingLogger::default())
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .configure(routes::configure)
                .openapi_service(|api| {
                    SwaggerUi::new("/api/docs/{_:.*}").url("/api/v1/openapi.json", api)
                })
                .split_for_parts();
            app.configure(routes::configure_plain)
                .default_service(web::to(spa::serve))
        })
        .shutdown_timeout(20)
        .listen(listener)?;
        if let Some(w) = workers {
            server = server.workers(w);
        }
        Ok(Self {
            port,
            server: server.run(),
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until SIGINT/SIGTERM, then lets in-flight requests finish (graceful shutdown).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // Background workers (outbox, mail, IMAP) stop after the server, between two jobs.
        let workers = self
            .state
            .config
            .background_workers
            .then(|| crate::mail::Workers::spawn(self.state.clone()));
        let result = self.server.await;
        if let Some(w) = workers {
            w.stop().await;
        }
        result
    }
}

fn build_state(config: Config) -> anyhow::Result<AppState> {
    let db = Db::connect(
        &config.database_url,
        config.db_connections,
        config.sqlite_sync_full,
    )?;
    let secret = match &config.jwt_secret {
        Some(s) if s.len() >= 32 => s.clone().into_bytes(),
        Some(_) => anyhow::bail!("SPORTELLO_JWT_SECRET must be at least 32 characters"),
        None => db
            .write_tx(|c| secrets::get_or_create(c, "jwt_secret"))?
            .into_bytes(),
    };
    db.write_tx::<_, diesel::result::Error>(|c| {
        if tenants::default_tenant(c)?.is_none() {
            tenants::create(c, "default", "Sportello")?;
        }
        // The key the booking links are derived from, shared by every node.
        secrets::get_or_create(c, crate::services::agenda::CODE_KEY)?;
        Ok(())
    })?;
    let files = LocalFiles::new(&config.files_dir)?;
    Ok(AppState {
        db,
        files: Arc::new(files),
        jwt: JwtKeys::new(&secret, config.access_token_ttl()),
        limits: Limits::with_booking_email(
            config.rate_limit_per_minute,
            config.bookings_per_email_per_hour,
        ),
        tenants: TenantCache::default(),
        config: Arc::new(config),
    })
}

/// The OpenAPI document of the public API, as served at `/api/v1/openapi.json`.
pub fn openapi_spec() -> utoipa::openapi::OpenApi {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    crate::openapi::finish(spec)
}

fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|err, _| {
            use actix_web::error::JsonPayloadError;
            let api = match &err {
                JsonPayloadError::OverflowKnownLength { .. }
                | JsonPayloadError::Overflow { .. } => {
                    ApiError::PayloadTooLarge(domain::error::Message::new(
                        "Il contenuto JSON supera i 256 KB",
                        "The JSON body exceeds 256 KB",
                    ))
                }
                JsonPayloadError::ContentType => {
                    ApiError::UnsupportedMediaType(domain::error::Message::new(
                        "Inviare i dati come application/json",
                        "Send the data as application/json",
                    ))
                }
                JsonPayloadError::Deserialize(e) => return json_field_error(e),
                other => return bad_input(&other.to_string()),
            };
            api.into()
        })
}

/// A JSON body that does not match the expected shape: name the field when serde can.
fn json_field_error(e: &serde_json::Error) -> actix_web::Error {
    let msg = e.to_string();
    let field = msg
        .split('`')
        .nth(1)
        .filter(|_| msg.starts_with("missing field") || msg.starts_with("unknown field"))
        .unwrap_or("body")
        .to_owned();
    let (it, en) = if msg.starts_with("missing field") {
        (
            "Campo obbligatorio mancante".to_owned(),
            "Required field missing".to_owned(),
        )
    } else {
        (
            format!("Dati non validi: {msg}"),
            format!("Invalid data: {msg}"),
        )
    };
    ApiError::Domain(domain::error::DomainError::Validation(vec![
        domain::error::FieldError::new(field, it, en),
    ]))
    .into()
}

fn bad_input(detail: &str) -> actix_web::Error {
    ApiError::bad_request(
        format!("Richiesta non valida: {detail}"),
        format!("Invalid request: {detail}"),
    )
    .into()
}

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Permissions-Policy", "camera=(self), microphone=(self), geolocation=(), payment=()"))
        .add((
            "Content-Security-Policy",
            // WebAssembly needs 'wasm-unsafe-eval'; scripts come only from our origin.
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
             base-uri 'self'; form-action 'self'; object-src 'none'",
        ))
}
