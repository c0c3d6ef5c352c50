//! Secrets at rest: mailbox passwords, SMS, App IO and GPD keys and the generated JWT key are
//! stored sealed with the installation's key, clear text from before is sealed at start-up,
//! keys rotate, and backups hold only ciphertext.

use std::process::Command;

use api::db::schema::{app_secrets, channel_settings, data_fixes, mailboxes, pagopa_settings};
use api::secret_key::{Column, SecretKey};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::helpers::*;

const IMAP_PW: &str = "imap-pw-Chiaro-1";
const SMTP_PW: &str = "smtp-pw-Chiaro-2";
const SMS_TOKEN: &str = "sms-token-Chiaro-3";
const IO_KEY: &str = "io-key-Chiaro-4";
const GPD_KEY: &str = "gpd-key-Chiaro-5";

/// An administrator who saved a mailbox and the SMS and App IO channels, with secrets.
async fn configured(app: &TestApp) -> (String, String) {
    app.staff("admin@comune.test", "admin", &[]);
    let admin = app.token("admin@comune.test").await;
    let res = app
        .post_json(
            "/mailboxes",
            Some(&admin),
            &json!({
                "name": "Protocollo", "kind": "email", "address": "protocollo@comune.test",
                "imap_host": "imap.comune.test", "imap_security": "tls",
                "imap_username": "protocollo", "imap_password": IMAP_PW,
                "smtp_host": "smtp.comune.test", "smtp_security": "starttls",
                "smtp_username": "protocollo", "smtp_password": SMTP_PW,
            }),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let mailbox = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .put_json(
            "/notification-channels",
            Some(&admin),
            &json!({
                "sms_url": "https://sms.example.it/send", "sms_token": SMS_TOKEN,
                "io_url": "https://api.io.pagopa.it/api/v1", "io_api_key": IO_KEY
            }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app
        .put_json(
            "/settings",
            Some(&admin),
            &json!({"pagopa": {"gpd_url": "https://api.platform.pagopa.it/gpd/debt-positions-service/v1",
                               "gpd_subscription_key": GPD_KEY}}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    (admin, mailbox)
}

/// Every stored secret as `(column, row, stored value)`.
fn stored(app: &TestApp) -> Vec<(Column, String, String)> {
    app.state
        .db
        .read(|c| {
            let mut out = Vec::new();
            let boxes: Vec<(String, Option<String>, Option<String>)> = mailboxes::table
                .select((
                    mailboxes::id,
                    mailboxes::imap_password,
                    mailboxes::smtp_password,
                ))
                .load(c)?;
            for (id, imap, smtp) in boxes {
                out.extend(imap.map(|v| (Column::ImapPassword, id.clone(), v)));
                out.extend(smtp.map(|v| (Column::SmtpPassword, id.clone(), v)));
            }
            let ch: Vec<(String, Option<String>, Option<String>)> = channel_settings::table
                .select((
                    channel_settings::tenant_id,
                    channel_settings::sms_token,
                    channel_settings::io_api_key,
                ))
                .load(c)?;
            for (t, sms, io) in ch {
                out.extend(sms.map(|v| (Column::SmsToken, t.clone(), v)));
                out.extend(io.map(|v| (Column::IoApiKey, t.clone(), v)));
            }
            let gpd: Vec<(String, Option<String>)> = pagopa_settings::table
                .select((
                    pagopa_settings::tenant_id,
                    pagopa_settings::gpd_subscription_key,
                ))
                .load(c)?;
            for (t, k) in gpd {
                out.extend(k.map(|v| (Column::GpdSubscriptionKey, t, v)));
            }
            let s: Vec<(String, String)> = app_secrets::table
                .select((app_secrets::name, app_secrets::value))
                .load(c)?;
            out.extend(s.into_iter().map(|(n, v)| (Column::AppSecret, n, v)));
            Ok::<_, diesel::result::Error>(out)
        })
        .unwrap()
}

/// The stored secrets opened with `key`, in a stable order.
fn opened(app: &TestApp, key: &SecretKey) -> Vec<String> {
    let mut v: Vec<String> = stored(app)
        .iter()
        .map(|(c, row, v)| key.open(v, *c, row).expect("opens"))
        .collect();
    v.sort();
    v
}

db_test!(secrets_are_stored_sealed);
async fn secrets_are_stored_sealed(app: TestApp) {
    let (admin, mailbox) = configured(&app).await;
    let key = app.state.secret_key.clone();
    let all = stored(&app);
    assert_eq!(
        all.len(),
        7,
        "five secrets, the JWT key and the booking-code key: {all:?}"
    );
    for (column, row, value) in &all {
        assert!(
            value.starts_with(&format!("sv1:{}:", key.id())),
            "{column:?} stored as {value}"
        );
        for clear in [IMAP_PW, SMTP_PW, SMS_TOKEN, IO_KEY, GPD_KEY] {
            assert!(!value.contains(clear));
        }
        key.open(value, *column, row).unwrap();
    }
    let mut clear = opened(&app, &key);
    clear.retain(|v| v.contains("Chiaro"));
    assert_eq!(clear, [GPD_KEY, IMAP_PW, IO_KEY, SMS_TOKEN, SMTP_PW]);
    // Still write-only through the API.
    let text = app
        .get("/mailboxes", Some(&admin))
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("\"imap_password_set\":true") && !text.contains("sv1:"));

    // A ciphertext copied into another mailbox's row does not open there.
    let res = app
        .post_json(
            "/mailboxes",
            Some(&admin),
            &json!({"name": "Altra", "kind": "email", "address": "altra@comune.test",
                    "imap_host": "imap.comune.test", "imap_security": "tls"}),
        )
        .await;
    let other = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, _, sealed) = all
        .iter()
        .find(|(c, row, _)| *c == Column::ImapPassword && *row == mailbox)
        .unwrap()
        .clone();
    app.state
        .db
        .write_tx(|c| {
            diesel::update(mailboxes::table.find(&other))
                .set(mailboxes::imap_password.eq(&sealed))
                .execute(c)
        })
        .unwrap();
    let t: Value = app
        .post_json(
            &format!("/mailboxes/{other}/test"),
            Some(&admin),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["imap"]["ok"], false, "{t}");
    assert!(
        t["imap"]["detail"]
            .as_str()
            .unwrap()
            .contains("stored password cannot be read"),
        "{t}"
    );
}

db_test!(clear_text_from_before_is_sealed_at_start_up);
async fn clear_text_from_before_is_sealed_at_start_up(app: TestApp) {
    let (_, mailbox) = configured(&app).await;
    let key = app.state.secret_key.clone();
    // The installation's own keys (JWT, booking codes) by name, in clear.
    let keys: Vec<(String, String)> = stored(&app)
        .into_iter()
        .filter(|(c, _, _)| *c == Column::AppSecret)
        .map(|(c, name, v)| {
            let clear = key.open(&v, c, &name).unwrap();
            (name, clear)
        })
        .collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    // What an older version left: clear text, and the fix its migration queued.
    app.state
        .db
        .write_tx(|c| {
            diesel::update(mailboxes::table.find(&mailbox))
                .set((
                    mailboxes::imap_password.eq(IMAP_PW),
                    mailboxes::smtp_password.eq(SMTP_PW),
                ))
                .execute(c)?;
            diesel::update(channel_settings::table)
                .set((
                    channel_settings::sms_token.eq(SMS_TOKEN),
                    channel_settings::io_api_key.eq(IO_KEY),
                ))
                .execute(c)?;
            diesel::update(pagopa_settings::table)
                .set(pagopa_settings::gpd_subscription_key.eq(GPD_KEY))
                .execute(c)?;
            for (name, clear) in &keys {
                diesel::update(app_secrets::table.filter(app_secrets::name.eq(name)))
                    .set(app_secrets::value.eq(clear))
                    .execute(c)?;
            }
            diesel::insert_into(data_fixes::table)
                .values(data_fixes::name.eq("seal_stored_secrets"))
                .execute(c)
        })
        .unwrap();
    let config = (*app.state.config).clone();
    let restart = || {
        let config = config.clone();
        async move {
            tokio::task::spawn_blocking(move || api::startup::open_database(&config))
                .await
                .unwrap()
                .expect("starts")
        }
    };
    restart().await;
    let sorted = || {
        let mut v: Vec<(String, String)> = stored(&app)
            .into_iter()
            .map(|(_, row, value)| (row, value))
            .collect();
        v.sort();
        v
    };
    let first = stored(&app);
    assert_eq!(first.len(), 7);
    for (column, _, value) in &first {
        assert!(value.starts_with("sv1:"), "{column:?} still clear: {value}");
    }
    let mut want = vec![
        GPD_KEY.to_owned(),
        IMAP_PW.to_owned(),
        IO_KEY.to_owned(),
        SMS_TOKEN.to_owned(),
        SMTP_PW.to_owned(),
    ];
    want.extend(keys.iter().map(|(_, clear)| clear.clone()));
    want.sort();
    assert_eq!(opened(&app, &key), want);
    let left: i64 = app
        .state
        .db
        .read(|c| data_fixes::table.count().get_result(c))
        .unwrap();
    assert_eq!(left, 0, "the fix is applied once");
    // Starting again changes nothing.
    let sealed = sorted();
    restart().await;
    assert_eq!(sorted(), sealed);
}

/// `sportello …` on the test's database (and its key).
fn sportello(app: &TestApp, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sportello"));
    cmd.args(args)
        .env("DATABASE_URL", &app.database_url)
        .env("SPORTELLO_LOG", "error")
        .env_remove("SPORTELLO_SECRET_KEY")
        .env_remove("SPORTELLO_SECRET_KEY_FILE");
    if let Some(k) = &app.state.config.secret_key {
        cmd.env("SPORTELLO_SECRET_KEY", k);
    }
    cmd.output().expect("run sportello")
}

db_test!(rotate_secret_key_reseals_every_secret);
async fn rotate_secret_key_reseals_every_secret(app: TestApp) {
    configured(&app).await;
    let old = app.state.secret_key.clone();
    let before = opened(&app, &old);
    let dir = tempfile::tempdir().unwrap();
    let new_file = dir.path().join("new.key");
    let out = sportello(
        &app,
        &[
            "rotate-secret-key",
            "--new-key-file",
            new_file.to_str().unwrap(),
        ],
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let new = SecretKey::parse(&std::fs::read_to_string(&new_file).unwrap()).unwrap();
    assert!(
        report.contains(&format!(
            "7 stored secrets now sealed with key {} (was {}): 7 re-sealed",
            new.id(),
            old.id()
        )),
        "{report}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&new_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    for (_, _, v) in stored(&app) {
        assert!(v.starts_with(&format!("sv1:{}:", new.id())), "{v}");
    }
    assert_eq!(
        opened(&app, &new),
        before,
        "the same secrets, under the new key"
    );

    // The old key no longer starts the server; the new one does.
    let mut config = (*app.state.config).clone();
    let cfg = config.clone();
    let err = tokio::task::spawn_blocking(move || api::startup::open_database(&cfg))
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        err.to_string().contains(&format!(
            "sealed with key {}, but the configured secret key is {}",
            new.id(),
            old.id()
        )),
        "{err}"
    );
    config.secret_key = None;
    config.secret_key_file = Some(new_file.clone());
    tokio::task::spawn_blocking(move || api::startup::open_database(&config))
        .await
        .unwrap()
        .expect("starts with the new key");
    // Run again (say, after an interruption), it finds everything done.
    let again = sportello(
        &app,
        &[
            "rotate-secret-key",
            "--new-key-file",
            new_file.to_str().unwrap(),
        ],
    );
    let report = String::from_utf8_lossy(&again.stdout);
    assert!(
        again.status.success() && report.contains("7 already done"),
        "{report}"
    );
}

/// A backup holds ciphertext only, also of clear text an older version left behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_hold_no_secret_in_clear() {
    let app = spawn_app(Backend::Sqlite).await;
    let (_, mailbox) = configured(&app).await;
    let key = app.state.secret_key.clone();
    let own_keys: Vec<String> = opened(&app, &key)
        .into_iter()
        .filter(|v| !v.contains("Chiaro"))
        .collect();
    assert_eq!(own_keys.len(), 2, "the JWT and booking-code keys");
    let left_over = "pw-lasciata-in-chiaro";
    app.state
        .db
        .write_tx(|c| {
            diesel::update(mailboxes::table.find(&mailbox))
                .set(mailboxes::smtp_password.eq(left_over))
                .execute(c)?;
            diesel::insert_into(data_fixes::table)
                .values(data_fixes::name.eq("seal_stored_secrets"))
                .execute(c)
        })
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    let out = sportello(&app, &["backup", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&file).unwrap();
    let contains = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    let clear = [IMAP_PW, SMTP_PW, SMS_TOKEN, IO_KEY, GPD_KEY, left_over];
    for secret in clear
        .iter()
        .copied()
        .chain(own_keys.iter().map(String::as_str))
    {
        assert!(!contains(secret), "{secret} in clear in the backup");
    }
    assert!(
        contains(&format!("sv1:{}:", key.id())),
        "the sealed values are there"
    );
    assert!(contains("imap.comune.test"), "the backup is a real copy");
}

/// SQLite makes its key next to the database (owner-only) and refuses to make a new one
/// once secrets are sealed; PostgreSQL never makes one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_file_made_once_on_sqlite() {
    let app = spawn_app(Backend::Sqlite).await;
    let file = app.key_file();
    let text = std::fs::read_to_string(&file).expect("key file next to the database");
    assert_eq!(
        SecretKey::parse(&text).unwrap().id(),
        app.state.secret_key.id()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::remove_file(&file).unwrap();
    let config = (*app.state.config).clone();
    let err = tokio::task::spawn_blocking(move || api::startup::open_database(&config))
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("does not exist but the database holds secrets sealed with key"),
        "{err}"
    );
    assert!(!file.exists(), "no new key over sealed secrets");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_needs_an_explicit_key() {
    let Some(db) = PgDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut config = api::config::Config::for_paths(db.url.clone(), dir.path().join("files"));
    let cfg = config.clone();
    let err = tokio::task::spawn_blocking(move || api::startup::open_database(&cfg))
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("PostgreSQL needs an explicit secret key, the same on every node"),
        "{err}"
    );
    // A key file that is missing is not made up either (other nodes would not have it).
    config.secret_key_file = Some(dir.path().join("secret.key"));
    let cfg = config.clone();
    let err = tokio::task::spawn_blocking(move || api::startup::open_database(&cfg))
        .await
        .unwrap()
        .unwrap_err();
    assert!(err.to_string().contains("is never generated"), "{err}");
    assert!(!dir.path().join("secret.key").exists());
    let key = SecretKey::generate();
    api::secret_key::write_key_file(&dir.path().join("secret.key"), &key).unwrap();
    let (_, loaded) = tokio::task::spawn_blocking(move || api::startup::open_database(&config))
        .await
        .unwrap()
        .expect("starts with the key file");
    assert_eq!(loaded.id(), key.id());
}
