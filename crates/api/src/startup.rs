//! Building and running the server.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, DefaultHeaders, Next, from_fn};
use actix_web::{App, HttpServer, web};
use actix_web_prom::PrometheusMetricsBuilder;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::jwt::JwtKeys;
use crate::auth::session::{self, SessionCache};
use crate::auth::throttle::Limits;
use crate::client::ClientInfo;
use crate::config::Config;
use crate::db::repo::{secrets, tenants};
use crate::db::{Backend, Db};
use crate::egress::Egress;
use crate::error::{self, ApiError};
use crate::events::Events;
use crate::openapi::ApiDoc;
use crate::secret_key::{self, SecretKey};
use crate::services::agenda::CodeKey;
use crate::state::AppState;
use crate::tenancy::{self, TenantCache};
use crate::{routes, spa};

/// Largest JSON body accepted (uploads go through multipart with their own limits).
const JSON_LIMIT: usize = 256 * 1024;
const METRICS_PATH: &str = "/metrics";
/// How often idle rate-limit keys and cached sessions are dropped.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

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
            .endpoint(METRICS_PATH)
            // Made-up paths must not each create a label set (unbounded memory).
            .mask_unmatched_patterns("UNMATCHED")
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
                .wrap(from_fn(metrics_guard))
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
        // Throttle maps and the session cache forget idle keys now and then.
        let weak = Arc::downgrade(&self.state.clone().into_inner());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(PRUNE_EVERY);
            loop {
                tick.tick().await;
                let Some(state) = weak.upgrade() else { return };
                state.limits.prune();
                state.sessions.prune();
                crate::realtime::sweep(&state).await;
            }
        });
        // Live events reach this process's connections; on SIGINT/SIGTERM they are closed
        // with "going away" at once, so clients reconnect to another process.
        let dispatcher = crate::realtime::spawn_dispatcher(self.state.clone());
        let hub = self.state.realtime.clone();
        tokio::spawn(async move {
            let Ok(mut term) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            else {
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            hub.shut_down();
        });
        // Background workers (outbox, mail, IMAP) stop after the server, between two jobs.
        let workers = self
            .state
            .config
            .background_workers
            .then(|| crate::mail::Workers::spawn(self.state.clone()));
        let imports = self.state.config.background_workers.then(|| {
            crate::services::account::imports::worker::ImportWorker::spawn(self.state.clone())
        });
        let gpd = self
            .state
            .config
            .background_workers
            .then(|| crate::services::pagopa::gpd::spawn(self.state.clone()));
        let reminders = self
            .state
            .config
            .background_workers
            .then(|| crate::services::pagopa::reminders::spawn(self.state.clone()));
        // Stored files no row names (a crash between storing a file and its commit).
        let sweep = self
            .state
            .config
            .background_workers
            .then(|| crate::storage::sweep::spawn(self.state.clone()));
        let result = self.server.await;
        self.state.realtime.shut_down();
        dispatcher.abort();
        if let Some(h) = reminders {
            // Each message is decided in one transaction: stopping between two loses nothing.
            h.abort();
        }
        if let Some(h) = sweep {
            // Each deletion stands alone: stopping between two loses nothing.
            h.abort();
        }
        if let Some(h) = gpd {
            // Between two calls nothing is half done: a job is claimed with a lease.
            h.abort();
        }
        if let Some(w) = workers {
            w.stop().await;
        }
        if let Some(w) = imports {
            w.stop().await;
        }
        result
    }
}

fn build_state(config: Config) -> anyhow::Result<AppState> {
    let (db, key) = open_database(&config)?;
    let (secret, booking_codes) = db.exclusively(|| -> anyhow::Result<_> {
        let secret = match &config.jwt_secret {
            Some(s) if s.len() >= 32 => s.clone().into_bytes(),
            Some(_) => anyhow::bail!("SPORTELLO_JWT_SECRET must be at least 32 characters"),
            None => db
                .write_tx(|c| secrets::get_or_create(c, &key, "jwt_secret"))?
                .into_bytes(),
        };
        db.write_tx::<_, diesel::result::Error>(|c| {
            if tenants::default_tenant(c)?.is_none() {
                tenants::create(c, "default", "Sportello")?;
            }
            Ok(())
        })?;
        // The key the booking links are derived from, shared by every node.
        let booking_codes = db.write_tx(|c| CodeKey::load(c, &key))?;
        Ok((secret, booking_codes))
    })?;
    let files = crate::storage::from_config(&config)?;
    let events = match db.backend {
        Backend::Postgres => Events::postgres(&config.database_url),
        Backend::Sqlite => Events::local(),
    };
    let sessions = Arc::new(SessionCache::default());
    let tenants = Arc::new(TenantCache::default());
    spawn_invalidation(&events, sessions.clone(), tenants.clone())?;
    Ok(AppState {
        db,
        files,
        jwt: JwtKeys::new(&secret, config.access_token_ttl()),
        limits: Limits::new(
            config.rate_limit_per_minute,
            config.lockout_after,
            config.bookings_per_email_per_hour,
        ),
        tenants,
        sessions,
        events,
        secret_key: Arc::new(key),
        booking_codes,
        oidc: Arc::default(),
        answers: Arc::default(),
        realtime: Arc::default(),
        egress: Egress::new(config.egress_policy())?,
        config: Arc::new(config),
    })
}

/// Drops cached accounts and tenants that another process (or this one) announced as
/// changed; everything when announcements may have been missed.
fn spawn_invalidation(
    events: &Events,
    sessions: Arc<SessionCache>,
    tenants: Arc<TenantCache>,
) -> std::io::Result<()> {
    use tokio::sync::broadcast::error::RecvError;
    let mut rx = events.subscribe();
    std::thread::Builder::new()
        .name("cache-invalidate".into())
        .spawn(move || {
            loop {
                match rx.blocking_recv() {
                    Ok(e) if e.topic == session::TOPIC => sessions.invalidate(&e.payload),
                    Ok(e) if e.topic == tenancy::TOPIC => tenants.invalidate(),
                    Ok(e) if e.is_resync() => {
                        sessions.clear();
                        tenants.invalidate();
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => {
                        sessions.clear();
                        tenants.invalidate();
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        })
        .map(|_| ())
}

/// `/metrics` is for the monitoring system only: with `SPORTELLO_METRICS_TOKEN` set, it
/// takes that Bearer token; without, it answers loopback clients only.
async fn metrics_guard(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.path() == METRICS_PATH {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            return Err(ApiError::NotFound.into());
        };
        let allowed = match &state.config.metrics_token {
            Some(expected) => req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .is_some_and(|t| same_secret(t.trim(), expected)),
            None => ClientInfo::of(req.request(), &state.config.trusted_proxies)
                .ip
                .is_loopback(),
        };
        if !allowed {
            return Err(ApiError::unauthorized(
                "Metriche riservate al sistema di monitoraggio",
                "Metrics are reserved to the monitoring system",
            )
            .into());
        }
    }
    next.call(req).await
}

/// Compares digests, so the time taken says nothing about how much of the token matched.
fn same_secret(given: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

/// Connects (running migrations), loads the secret key, applies the data fixes that need
/// it and checks that every stored secret is sealed with it: a node started with another
/// key refuses to start instead of failing on each mail it sends.
pub fn open_database(config: &Config) -> anyhow::Result<(Db, SecretKey)> {
    let db = Db::connect(
        &config.database_url,
        config.db_connections,
        config.sqlite_sync_full,
    )?;
    let sealed = db.read(secrets::sealing_keys)?;
    let key = secret_key::load(config, sealed.first().map(String::as_str))?;
    db.apply_fixes(&key)?;
    let sealed = db.read(secrets::sealing_keys)?;
    if let Some(other) = sealed.iter().find(|k| *k != key.id()) {
        anyhow::bail!(
            "the stored secrets are sealed with key {other}, but the configured secret key is {}: \
             start with the key they were sealed with (SPORTELLO_SECRET_KEY or SPORTELLO_SECRET_KEY_FILE)",
            key.id()
        );
    }
    Ok((db, key))
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
