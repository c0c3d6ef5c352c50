//! Typed configuration: command-line flags with `SPORTELLO_*` environment overrides.
//! Secrets are never logged (see the `Debug` impl).

use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, clap::Args)]
pub struct Config {
    /// `sqlite://path` (embedded, default) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://./data/sportello.db",
        global = true
    )]
    pub database_url: String,

    /// Folder for uploaded files.
    #[arg(
        long,
        env = "SPORTELLO_FILES_DIR",
        default_value = "./data/files",
        global = true
    )]
    pub files_dir: PathBuf,

    /// S3-compatible bucket for uploaded files instead of the folder: `s3://bucket` or
    /// `s3://bucket/prefix`. Endpoint, region and credentials come from `AWS_ENDPOINT_URL`,
    /// `AWS_REGION`, `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (`AWS_ALLOW_HTTP=true`
    /// for a plain-HTTP endpoint); path-style addressing.
    #[arg(long, env = "SPORTELLO_FILES_URL", global = true)]
    pub files_url: Option<String>,

    /// Replaces `AWS_ENDPOINT_URL` for this configuration only (tools and tests).
    #[arg(skip)]
    pub files_endpoint: Option<String>,

    /// Stored files no row names are deleted once they are this old, in minutes (longer
    /// than any transaction that stores a file).
    #[arg(
        long,
        env = "SPORTELLO_FILES_GRACE_MINUTES",
        default_value_t = 60,
        global = true
    )]
    pub files_grace_minutes: u64,

    /// How often the background workers sweep such files, in minutes.
    #[arg(
        long,
        env = "SPORTELLO_FILES_SWEEP_MINUTES",
        default_value_t = 60,
        global = true
    )]
    pub files_sweep_minutes: u64,

    /// Built SPA (`dist/`), served at `/` with fallback to `index.html`.
    #[arg(
        long,
        env = "SPORTELLO_WEB_DIR",
        default_value = "./dist",
        global = true
    )]
    pub web_dir: PathBuf,

    /// HMAC key for access tokens; generated and stored in the database when unset.
    #[arg(
        long,
        env = "SPORTELLO_JWT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub jwt_secret: Option<String>,

    /// Lifetime of access tokens, in seconds.
    #[arg(
        long,
        env = "SPORTELLO_ACCESS_TOKEN_SECONDS",
        default_value_t = 900,
        global = true
    )]
    pub access_token_seconds: u64,

    /// Sliding lifetime of refresh tokens, in days: a session unused this long ends.
    #[arg(
        long,
        env = "SPORTELLO_REFRESH_TOKEN_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub refresh_token_days: u64,

    /// Absolute lifetime of a session, in days from sign-in, however often it is refreshed.
    #[arg(
        long,
        env = "SPORTELLO_REFRESH_ABSOLUTE_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub refresh_absolute_days: u64,

    /// Proxies (CIDR list, e.g. `10.0.0.0/8,127.0.0.1`) whose `Forwarded`,
    /// `X-Forwarded-For` and `X-Forwarded-Host` headers are believed. Empty: none.
    #[arg(
        long,
        env = "SPORTELLO_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = crate::client::parse_cidr,
        global = true
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Bearer token Prometheus must send for `/metrics`; unset: `/metrics` answers only
    /// to loopback clients.
    #[arg(
        long,
        env = "SPORTELLO_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub metrics_token: Option<String>,

    /// Maximum database connections (readers for SQLite).
    #[arg(
        long,
        env = "SPORTELLO_DB_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    pub db_connections: u32,

    /// SQLite `synchronous=FULL`: survive power loss too, at an fsync per commit.
    #[arg(
        long,
        env = "SPORTELLO_SQLITE_SYNC_FULL",
        default_value_t = false,
        global = true
    )]
    pub sqlite_sync_full: bool,

    /// Mark cookies `Secure` (set when served over HTTPS).
    #[arg(
        long,
        env = "SPORTELLO_SECURE_COOKIES",
        default_value_t = false,
        global = true
    )]
    pub secure_cookies: bool,

    /// Log as JSON lines (production) instead of human-readable text.
    #[arg(
        long,
        env = "SPORTELLO_LOG_JSON",
        default_value_t = false,
        global = true
    )]
    pub log_json: bool,

    /// Attempts per minute and client IP on login, registration and public forms.
    #[arg(
        long,
        env = "SPORTELLO_RATE_LIMIT_PER_MINUTE",
        default_value_t = 20,
        global = true
    )]
    pub rate_limit_per_minute: u32,

    /// Failed logins after which an account is locked for a while.
    #[arg(
        long,
        env = "SPORTELLO_LOCKOUT_AFTER",
        default_value_t = 5,
        global = true
    )]
    pub lockout_after: u32,

    /// Public bookings per e-mail address and hour (each one mails that address).
    #[arg(
        long,
        env = "SPORTELLO_BOOKINGS_PER_EMAIL_PER_HOUR",
        default_value_t = 10,
        global = true
    )]
    pub bookings_per_email_per_hour: u32,

    /// Number of HTTP worker threads (default: one per core).
    #[arg(long, env = "SPORTELLO_WORKERS", global = true)]
    pub workers: Option<usize>,

    /// Run the background workers (outbox, mail sending, IMAP polling) in this process.
    #[arg(
        long,
        env = "SPORTELLO_BACKGROUND_WORKERS",
        default_value_t = true,
        action = clap::ArgAction::Set,
        global = true
    )]
    pub background_workers: bool,

    /// How often the background workers look for work, in milliseconds.
    #[arg(
        long,
        env = "SPORTELLO_WORKER_INTERVAL_MS",
        default_value_t = 5000,
        global = true
    )]
    pub worker_interval_ms: u64,

    /// How often pagoPA GPD jobs run and open positions are read for receipts, in seconds.
    #[arg(
        long,
        env = "SPORTELLO_PAGOPA_POLL_SECONDS",
        default_value_t = 60,
        global = true
    )]
    pub pagopa_poll_seconds: u64,

    /// How long a node holds a pagoPA job it claimed: after a crash, another node (or the
    /// restarted one) takes the job over once this has passed. Keep it well above the
    /// 30-second call timeout.
    #[arg(
        long,
        env = "SPORTELLO_PAGOPA_LEASE_SECONDS",
        default_value_t = 120,
        global = true
    )]
    pub pagopa_lease_seconds: u64,

    /// First retry delay of a failed delivery, in seconds (doubled at each attempt).
    #[arg(
        long,
        env = "SPORTELLO_RETRY_BASE_SECONDS",
        default_value_t = 30,
        global = true
    )]
    pub retry_base_seconds: u64,

    /// Attempts after which a delivery is given up (marked failed).
    #[arg(
        long,
        env = "SPORTELLO_DELIVERY_MAX_ATTEMPTS",
        default_value_t = 15,
        global = true
    )]
    pub delivery_max_attempts: u32,

    /// How long a worker holds a delivery it is sending, in seconds: after a crash, what it
    /// held is sent again (with the same Message-ID or idempotency key) once this passes.
    #[arg(
        long,
        env = "SPORTELLO_DELIVERY_LEASE_SECONDS",
        default_value_t = 300,
        global = true
    )]
    pub delivery_lease_seconds: u64,

    /// SMTP server for tenants without an outgoing mailbox: `smtp://user:pass@host:587`
    /// (STARTTLS), `smtps://…:465` (TLS) or `smtp://host:25?tls=none` (loopback).
    #[arg(
        long,
        env = "SPORTELLO_SMTP_URL",
        hide_env_values = true,
        global = true
    )]
    pub smtp_url: Option<String>,

    /// Sender of mail sent through `SPORTELLO_SMTP_URL`, e.g. `noreply@comune.example.it`.
    #[arg(long, env = "SPORTELLO_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,

    /// Public address of the portal, for links in messages (tenants may override it).
    #[arg(long, env = "SPORTELLO_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Largest attachment kept from an incoming mail, in MB.
    #[arg(
        long,
        env = "SPORTELLO_MAIL_MAX_ATTACHMENT_MB",
        default_value_t = 10,
        global = true
    )]
    pub mail_max_attachment_mb: u64,

    /// Mails fetched per mailbox and poll.
    #[arg(
        long,
        env = "SPORTELLO_MAIL_POLL_BATCH",
        default_value_t = 25,
        global = true
    )]
    pub mail_poll_batch: u32,

    /// How long one poll may hold a mailbox before another node may take it over (a poller
    /// that crashed keeps it until then), in seconds.
    #[arg(
        long,
        env = "SPORTELLO_MAIL_POLL_LEASE_SECONDS",
        default_value_t = 300,
        global = true
    )]
    pub mail_poll_lease_seconds: u64,

    /// Acknowledgements one mailbox sends per hour at most (on top of 5 per sender and
    /// hour): a flood of mail, forged or not, cannot turn it into a mass mailer.
    #[arg(
        long,
        env = "SPORTELLO_MAIL_ACKS_PER_HOUR",
        default_value_t = 100,
        global = true
    )]
    pub mail_acks_per_hour: u32,
    // ---- secrets at rest and tenants' integrations (see README, "Secrets and integrations")
    /// Key sealing the stored secrets: 32 bytes as base64 or 64 hex digits.
    #[arg(
        long,
        env = "SPORTELLO_SECRET_KEY",
        hide_env_values = true,
        global = true
    )]
    pub secret_key: Option<String>,
    /// File holding that key; default `secret.key` next to the SQLite database (created on
    /// first start). PostgreSQL needs this or `SPORTELLO_SECRET_KEY`.
    #[arg(long, env = "SPORTELLO_SECRET_KEY_FILE", global = true)]
    pub secret_key_file: Option<PathBuf>,
    /// Let tenants' integrations (mailboxes, SMS, App IO) reach loopback servers.
    #[arg(
        long,
        env = "SPORTELLO_ALLOW_LOOPBACK_INTEGRATIONS",
        default_value_t = false,
        global = true
    )]
    pub allow_loopback_integrations: bool,
    /// Let tenants' integrations reach private, shared and link-local networks.
    #[arg(
        long,
        env = "SPORTELLO_ALLOW_PRIVATE_INTEGRATIONS",
        default_value_t = false,
        global = true
    )]
    pub allow_private_integrations: bool,
    /// Largest CSV accepted by `POST /imports`, in MB.
    #[arg(
        long,
        env = "SPORTELLO_IMPORT_MAX_MB",
        default_value_t = 200,
        global = true
    )]
    pub import_max_mb: u64,

    /// Rows an import checks and writes per transaction.
    #[arg(
        long,
        env = "SPORTELLO_IMPORT_BATCH_ROWS",
        default_value_t = 1000,
        global = true
    )]
    pub import_batch_rows: usize,
}

impl Config {
    pub fn egress_policy(&self) -> domain::egress::EgressPolicy {
        domain::egress::EgressPolicy {
            allow_loopback: self.allow_loopback_integrations,
            allow_private: self.allow_private_integrations,
        }
    }

    pub fn access_token_ttl(&self) -> Duration {
        Duration::from_secs(self.access_token_seconds)
    }

    pub fn refresh_token_ttl(&self) -> chrono::Duration {
        chrono::Duration::days(i64::try_from(self.refresh_token_days).unwrap_or(30))
    }

    pub fn session_absolute_ttl(&self) -> chrono::Duration {
        chrono::Duration::days(i64::try_from(self.refresh_absolute_days).unwrap_or(30))
    }

    /// A configuration for tests and tools: temporary paths, defaults otherwise.
    pub fn for_paths(database_url: impl Into<String>, files_dir: impl Into<PathBuf>) -> Self {
        Self {
            database_url: database_url.into(),
            files_dir: files_dir.into(),
            files_url: None,
            files_endpoint: None,
            files_grace_minutes: 60,
            files_sweep_minutes: 60,
            web_dir: PathBuf::from("./dist"),
            jwt_secret: None,
            access_token_seconds: 900,
            refresh_token_days: 30,
            refresh_absolute_days: 30,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            db_connections: 8,
            sqlite_sync_full: false,
            secure_cookies: false,
            log_json: false,
            rate_limit_per_minute: 20,
            lockout_after: 5,
            bookings_per_email_per_hour: 10,
            workers: None,
            background_workers: false,
            worker_interval_ms: 5000,
            pagopa_poll_seconds: 60,
            pagopa_lease_seconds: 120,
            retry_base_seconds: 30,
            delivery_max_attempts: 15,
            delivery_lease_seconds: 300,
            smtp_url: None,
            mail_from: None,
            public_url: None,
            mail_max_attachment_mb: 10,
            mail_poll_batch: 25,
            mail_poll_lease_seconds: 300,
            mail_acks_per_hour: 100,
            secret_key: None,
            secret_key_file: None,
            allow_loopback_integrations: false,
            allow_private_integrations: false,
            import_max_mb: 200,
            import_batch_rows: 1000,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let db = if self.database_url.starts_with("postgres") {
            "postgres://…"
        } else {
            &self.database_url
        };
        f.debug_struct("Config")
            .field("database_url", &db)
            .field("files_dir", &self.files_dir)
            .field("files_url", &self.files_url)
            .field("web_dir", &self.web_dir)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "<set>"))
            .field("access_token_seconds", &self.access_token_seconds)
            .field("trusted_proxies", &self.trusted_proxies)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "<set>"),
            )
            .field("db_connections", &self.db_connections)
            .field("background_workers", &self.background_workers)
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("mail_from", &self.mail_from)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "<set>"))
            .field("secret_key_file", &self.secret_key_file)
            .field(
                "allow_loopback_integrations",
                &self.allow_loopback_integrations,
            )
            .field(
                "allow_private_integrations",
                &self.allow_private_integrations,
            )
            .finish_non_exhaustive()
    }
}
