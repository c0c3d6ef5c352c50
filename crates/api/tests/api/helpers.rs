use std::net::TcpListener;

use actix_web::web;
use api::config::Config;
use api::startup::Application;
use api::state::AppState;
use diesel::Connection;
use serde_json::{Value, json};
use tempfile::TempDir;

pub const PASSWORD: &str = "Sportello2026!";

/// Runs a test body once per database backend (optionally with a tweaked configuration:
/// `db_test!(name, |c| c.lockout_after = 5)`).
macro_rules! db_test {
    ($name:ident, $tweak:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = crate::helpers::spawn_with(crate::helpers::Backend::Sqlite, $tweak)
                    .await
                    .expect("sqlite");
                super::$name(app).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) =
                    crate::helpers::spawn_with(crate::helpers::Backend::Postgres, $tweak).await
                {
                    super::$name(app).await;
                }
            }
        }
    };
    ($name:ident) => {
        mod $name {
            // Multi-threaded: the server runs on the same runtime as the test body.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await)
                    .await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) =
                    crate::helpers::spawn_app_opt(crate::helpers::Backend::Postgres).await
                {
                    super::$name(app).await;
                }
            }
        }
    };
}
pub(crate) use db_test;

/// `db_test!` with a tweaked configuration.
macro_rules! db_test_with {
    ($name:ident, $tweak:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = crate::helpers::spawn_with(crate::helpers::Backend::Sqlite, $tweak);
                super::$name(app.await.expect("sqlite")).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = crate::helpers::spawn_with(crate::helpers::Backend::Postgres, $tweak);
                if let Some(app) = app.await {
                    super::$name(app).await;
                }
            }
        }
    };
}
pub(crate) use db_test_with;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: web::Data<AppState>,
    pub database_url: String,
    /// Declared before `_dir`: the PostgreSQL database goes first, then the files.
    _pg: Option<PgDatabase>,
    _dir: TempDir,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_opt(backend).await.expect("backend available")
}

pub async fn spawn_app_opt(backend: Backend) -> Option<TestApp> {
    spawn_with(backend, |_| {}).await
}

/// Starts a server with a tweaked configuration.
pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, pg) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", dir.path().join("test.db").display()),
            None,
        ),
        Backend::Postgres => {
            let db = PgDatabase::create()?;
            (db.url.clone(), Some(db))
        }
    };
    let mut config = Config::for_paths(database_url.clone(), dir.path().join("files"));
    if backend == Backend::Postgres {
        // PostgreSQL needs an explicit key (SQLite makes one next to the database).
        config.secret_key = Some(api::secret_key::SecretKey::generate().to_text());
    }
    config.rate_limit_per_minute = 10_000;
    // Many tests sign in wrongly on purpose from one address; the lockout tests set it.
    config.lockout_after = 1_000;
    config.bookings_per_email_per_hour = 10_000;
    config.web_dir = dir.path().join("no-web");
    tweak(&mut config);
    Some(start(config, database_url, pg, dir).await)
}

/// A second server on the database of `other` (another node of a scale-out install).
pub async fn spawn_node(other: &TestApp, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::for_paths(other.database_url.clone(), dir.path().join("files"));
    // Every node of an installation shares its secret key.
    config.secret_key.clone_from(&other.state.config.secret_key);
    config.rate_limit_per_minute = 10_000;
    config.lockout_after = 1_000;
    config.web_dir = dir.path().join("no-web");
    tweak(&mut config);
    start(config, other.database_url.clone(), None, dir).await
}

async fn start(
    config: Config,
    database_url: String,
    pg: Option<PgDatabase>,
    dir: TempDir,
) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let app = tokio::task::spawn_blocking(move || Application::build(config, listener))
        .await
        .unwrap()
        .expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state.clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    TestApp {
        address,
        client,
        state,
        database_url,
        _pg: pg,
        _dir: dir,
    }
}

/// A throwaway PostgreSQL database on the server named by `TEST_DATABASE_URL`, dropped
/// (with its connections) when the guard goes.
#[derive(Debug)]
pub struct PgDatabase {
    pub url: String,
    base: String,
    name: String,
}

impl PgDatabase {
    /// A new, empty database, or `None` when `TEST_DATABASE_URL` is unset and this is not CI.
    /// Under CI (`CI` set) a missing server fails the test instead of skipping it.
    pub fn create() -> Option<Self> {
        let Some(base) = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|s| !s.is_empty())
        else {
            assert!(
                std::env::var("CI").is_err(),
                "TEST_DATABASE_URL must be set in CI (scripts/test.sh starts PostgreSQL)"
            );
            eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
            return None;
        };
        let name = format!("sportello_test_{}", uuid_simple());
        let mut admin =
            diesel::PgConnection::establish(&base).expect("connect to TEST_DATABASE_URL");
        diesel::RunQueryDsl::execute(
            diesel::sql_query(format!("CREATE DATABASE {name}")),
            &mut admin,
        )
        .expect("create database");
        let (prefix, _) = base.rsplit_once('/').expect("database url with a path");
        Some(Self {
            url: format!("{prefix}/{name}"),
            base,
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = diesel::PgConnection::establish(&self.base) {
            let _ = diesel::RunQueryDsl::execute(
                diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                )),
                &mut admin,
            );
        }
    }
}

fn uuid_simple() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}

/// A tiny valid PDF for uploads.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

impl TestApp {
    /// The SQLite test database's key file (next to it, made on first start).
    pub fn key_file(&self) -> std::path::PathBuf {
        let db = self.database_url.trim_start_matches("sqlite://");
        std::path::Path::new(db).with_file_name("secret.key")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{}", self.address, path)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn put_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> reqwest::Response {
        let mut req = self.client.put(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    /// `POST /auth/register` with a PDF document.
    pub async fn register(&self, data: &Value, document: &[u8]) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .part(
                "data",
                reqwest::multipart::Part::text(data.to_string())
                    .mime_str("application/json")
                    .unwrap(),
            )
            .part(
                "identity_document",
                reqwest::multipart::Part::bytes(document.to_vec())
                    .file_name("carta-identita.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            );
        self.client
            .post(self.url("/auth/register"))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.post_json(
            "/auth/login",
            None,
            &json!({"username": username, "password": password}),
        )
        .await
    }

    pub async fn token(&self, username: &str) -> String {
        let res = self.login(username, PASSWORD).await;
        assert_eq!(
            res.status(),
            200,
            "login {username}: {}",
            res.text().await.unwrap()
        );
        res.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates a staff account directly (as `sportello create-admin` would) and returns its id.
    pub fn staff(&self, email: &str, role: &str, offices: &[&str]) -> String {
        let state = self.state.clone();
        let hash = api::auth::password::hash(PASSWORD).unwrap();
        let tenant = state
            .db
            .read(api::db::repo::tenants::default_tenant)
            .unwrap()
            .unwrap();
        let offices: Vec<String> = offices.iter().map(|o| (*o).to_owned()).collect();
        state
            .db
            .write_tx(|c| {
                let id = api::seed::upsert_staff(c, &tenant.id, email, &hash, role, "Staff", role)?;
                api::db::repo::users::set_offices(c, &tenant.id, &id, &offices)?;
                Ok::<_, api::error::ApiError>(id)
            })
            .unwrap()
    }

    /// Creates an office in the default tenant and returns its id.
    pub fn office(&self, name: &str) -> String {
        let tenant = self
            .state
            .db
            .read(api::db::repo::tenants::default_tenant)
            .unwrap()
            .unwrap();
        self.state
            .db
            .write_tx(|c| api::db::repo::offices::create(c, &tenant.id, name, None))
            .unwrap()
            .id
    }

    /// Registers, approves (as `approver`) and signs in a citizen; returns (user id, token).
    pub async fn citizen(
        &self,
        fiscal_code: &str,
        email: &str,
        approver_token: &str,
    ) -> (String, String) {
        let res = self.register(&citizen_data(fiscal_code, email), PDF).await;
        assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
        let id = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let res = self
            .post_json(
                &format!("/registrations/{id}/approve"),
                Some(approver_token),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
        let token = self.token(email).await;
        let me: Value = self.get("/me", Some(&token)).await.json().await.unwrap();
        (me["id"].as_str().unwrap().to_owned(), token)
    }
}

pub fn citizen_data(fiscal_code: &str, email: &str) -> Value {
    json!({
        "fiscal_code": fiscal_code,
        "first_name": "Anna",
        "last_name": "Bianchi",
        "email": email,
        "phone": "333 1234567",
        "password": PASSWORD,
        "privacy_accepted": true
    })
}

/// Valid codici fiscali for test citizens.
pub const CF_A: &str = "RSSMRA80A01H501U";
pub const CF_B: &str = "VRDGPP85T10F205R";
pub const CF_C: &str = "BNCLRA90D45L219Q";
