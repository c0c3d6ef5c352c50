//! Uploaded files on an S3-compatible object store: a real Garage node started by
//! `scripts/test.sh` (`SPORTELLO_TEST_S3_URL` and the `AWS_*` variables), each test under
//! its own prefix. Attachments, public documents and inbound mail go there and come back
//! byte for byte; a missing object is 404, a store that is down is 503 with `Retry-After`;
//! the sweep deletes old orphans only, on the bucket and on the local folder alike.

use std::io::Read;

use api::db::schema::{attachments, mail_messages};
use api::storage::{FileStore, S3Files};
use chrono::Utc;
use diesel::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::*;
use crate::mail_servers::{Servers, append, tag};

/// The bucket and prefix of the test server, or `None` (with a note) when run by hand
/// without it. In CI its absence is an error: these tests must run there.
pub fn s3_base() -> Option<String> {
    if let Some(url) = std::env::var("SPORTELLO_TEST_S3_URL")
        .ok()
        .filter(|s| !s.is_empty())
    {
        return Some(url.trim_end_matches('/').to_owned());
    }
    assert!(
        std::env::var("CI").is_err(),
        "SPORTELLO_TEST_S3_URL must be set in CI (scripts/test.sh starts Garage)"
    );
    eprintln!("SPORTELLO_TEST_S3_URL not set: S3 file-store test skipped");
    None
}

/// A prefix of the test bucket no other test uses.
fn own_prefix() -> Option<String> {
    s3_base().map(|base| format!("{base}/{}", tag()))
}

/// A server whose files are on the test bucket, under a prefix of its own.
pub async fn spawn_s3(
    backend: Backend,
    tweak: impl FnOnce(&mut api::config::Config),
) -> Option<TestApp> {
    let url = own_prefix()?;
    spawn_with(backend, move |c| {
        c.files_url = Some(url);
        tweak(c);
    })
    .await
}

/// Runs a test body on SQLite and on PostgreSQL, with the files on the test bucket.
macro_rules! s3_test {
    ($name:ident) => {
        s3_test!($name, |_: &mut api::config::Config| {});
    };
    ($name:ident, $tweak:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = super::spawn_s3(crate::helpers::Backend::Sqlite, $tweak).await {
                    super::$name(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if super::s3_base().is_none() {
                    return;
                }
                if let Some(app) = super::spawn_s3(crate::helpers::Backend::Postgres, $tweak).await
                {
                    super::$name(app).await;
                }
            }
        }
    };
}

fn reclamo() -> Value {
    json!({
        "type": "tari_reclamo",
        "subject": "Mancata raccolta dell'umido",
        "description": "Da due settimane l'umido non viene raccolto in via Roma.",
        "fields": {"servizio": "raccolta", "codice_utenza": "UT-00042"}
    })
}

/// A PDF of about `size` bytes (the header the upload checks, then noise).
fn big_pdf(size: usize) -> Vec<u8> {
    let mut bytes = PDF.to_vec();
    let mut x: u32 = 0x9e37_79b9;
    while bytes.len() < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes
}

/// An operator, a citizen and a request of hers: (operator token, citizen token, id).
async fn desk(app: &TestApp) -> (String, String, String) {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let res = app.post_json("/requests", Some(&anna), &reclamo()).await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (op, anna, id)
}

/// `POST /requests/{id}/messages` with files.
async fn message_with_files(
    app: &TestApp,
    token: &str,
    id: &str,
    files: &[(&str, &[u8])],
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().part(
        "data",
        reqwest::multipart::Part::text(json!({"body": "In allegato"}).to_string()),
    );
    for (name, bytes) in files {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name((*name).to_owned()),
        );
    }
    app.client
        .post(app.url(&format!("/requests/{id}/messages")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The messages of a request, first page.
async fn messages(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let v: Value = app
        .get(&format!("/requests/{id}/messages"), Some(token))
        .await
        .json()
        .await
        .unwrap();
    v["items"].as_array().unwrap().clone()
}

fn api_path(url: &Value) -> String {
    url.as_str()
        .unwrap()
        .trim_start_matches("/api/v1")
        .to_owned()
}

fn store(app: &TestApp) -> std::sync::Arc<dyn FileStore> {
    app.state.files.clone()
}

/// Runs blocking store calls off the async workers, as the server does.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

s3_test!(attachments_go_to_the_bucket_and_come_back_whole);
async fn attachments_go_to_the_bucket_and_come_back_whole(app: TestApp) {
    let (op, anna, id) = desk(&app).await;
    let large = big_pdf(6 * 1024 * 1024 + 123);
    let res = message_with_files(
        &app,
        &anna,
        &id,
        &[("avviso.pdf", PDF), ("scansione.pdf", &large)],
    )
    .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let msg: Value = res.json().await.unwrap();
    let urls: Vec<String> = msg["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| api_path(&a["url"]))
        .collect();
    assert_eq!(urls.len(), 2);
    for (url, expected) in urls.iter().zip([PDF, large.as_slice()]) {
        let res = app.get(url, Some(&op)).await;
        assert_eq!(res.status(), 200);
        let got = res.bytes().await.unwrap();
        assert_eq!(got.len(), expected.len());
        assert_eq!(Sha256::digest(&got), Sha256::digest(expected));
    }
    // The objects are in the bucket, under the tenant's attachments.
    let keys: Vec<String> = app
        .state
        .db
        .read(|c| {
            attachments::table
                .select(attachments::storage_key)
                .load::<String>(c)
        })
        .unwrap();
    assert_eq!(keys.len(), 2);
    let files = store(&app);
    let listed: Vec<String> = blocking(move || {
        files
            .list("")
            .unwrap()
            .map(|r| r.unwrap().0)
            .filter(|k| k.contains("/attachments/"))
            .collect()
    })
    .await;
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort();
    assert_eq!(listed_sorted, keys_sorted);
}

s3_test!(missing_object_is_not_found);
async fn missing_object_is_not_found(app: TestApp) {
    let (op, anna, id) = desk(&app).await;
    let res = message_with_files(&app, &anna, &id, &[("avviso.pdf", PDF)]).await;
    assert_eq!(res.status(), 201);
    let url = api_path(&res.json::<Value>().await.unwrap()["attachments"][0]["url"]);
    let key: String = app
        .state
        .db
        .read(|c| {
            attachments::table
                .select(attachments::storage_key)
                .first::<String>(c)
        })
        .unwrap();
    let files = store(&app);
    blocking(move || files.delete(&key).unwrap()).await;
    let res = app.get(&url, Some(&op)).await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

s3_test!(published_document_is_served_from_the_bucket);
async fn published_document_is_served_from_the_bucket(app: TestApp) {
    app.staff("admin@comune.test", "admin", &[]);
    let admin = app.token("admin@comune.test").await;
    let data = json!({"title": "Regolamento TARI", "category": "Regolamenti"});
    let res = crate::public::upload(&app, &admin, &data, PDF, "regolamento.pdf").await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let doc: Value = res.json().await.unwrap();
    let res = app.get(&api_path(&doc["url"]), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    let files = store(&app);
    let listed: Vec<String> =
        blocking(move || files.list("").unwrap().map(|r| r.unwrap().0).collect()).await;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].contains("/documents/"), "{listed:?}");
}

/// Inbound mail on the real mail servers: the original and its attachment are stored in
/// the bucket and downloadable.
async fn inbound_mail_is_stored(app: TestApp, s: Servers) {
    app.staff("op@comune.test", "operator", &[]);
    app.staff("admin@comune.test", "admin", &[]);
    let op = app.token("op@comune.test").await;
    let admin = app.token("admin@comune.test").await;
    let imap_user = format!("s3comune{}", tag());
    let res = app
        .post_json(
            "/mailboxes",
            Some(&admin),
            &json!({
                "name": "Protocollo", "kind": "email", "address": "protocollo@comune.test",
                "imap_host": "127.0.0.1", "imap_port": s.imap_port, "imap_security": "plain",
                "imap_username": imap_user, "imap_password": s.imap_password,
                "smtp_host": "127.0.0.1", "smtp_port": s.smtp_port, "smtp_security": "plain",
                "outbound_default": true
            }),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let raw = format!(
        "From: Mario Verdi <mario.verdi@example.net>\r\nTo: protocollo@comune.test\r\n\
Subject: Cassonetto rotto\r\nMessage-ID: <s3.{}@example.net>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIl cassonetto di via Roma e' rotto.\r\n\
--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"foto.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b1--\r\n",
        tag(),
        base64(PDF)
    )
    .into_bytes();
    append(&s, &imap_user, &[(None, raw.clone())]).await;
    let (_tx, rx) = tokio::sync::watch::channel(false);
    let polled = api::mail::worker::poll_all_once(&app.state, &rx)
        .await
        .expect("poll pass");
    assert_eq!(polled, 1);

    let (request_id, raw_key): (Option<String>, Option<String>) = app
        .state
        .db
        .read(|c| {
            mail_messages::table
                .filter(mail_messages::direction.eq("in"))
                .select((mail_messages::request_id, mail_messages::raw_key))
                .first(c)
        })
        .unwrap();
    let (request_id, raw_key) = (request_id.unwrap(), raw_key.unwrap());
    let files = store(&app);
    let stored = blocking(move || files.get(&raw_key).unwrap()).await;
    assert_eq!(stored, raw);
    let mails: Vec<Value> = app
        .get(&format!("/requests/{request_id}/mails"), Some(&op))
        .await
        .json()
        .await
        .unwrap();
    let eml = app
        .client
        .get(format!(
            "{}{}",
            app.address,
            mails[0]["eml_url"].as_str().unwrap()
        ))
        .bearer_auth(&op)
        .send()
        .await
        .unwrap();
    assert_eq!(eml.status(), 200);
    assert_eq!(eml.bytes().await.unwrap().as_ref(), raw.as_slice());
    let messages = messages(&app, &op, &request_id).await;
    let url = messages
        .iter()
        .find_map(|m| m["attachments"].as_array().and_then(|a| a.first()))
        .map(|a| api_path(&a["url"]))
        .expect("the mail's attachment");
    let res = app.get(&url, Some(&op)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

mod inbound_mail_is_stored {
    async fn run(backend: crate::helpers::Backend) {
        let Some(s) = crate::mail_servers::servers() else {
            return;
        };
        let app = super::spawn_s3(backend, |c| {
            c.worker_interval_ms = 50;
            c.mail_poll_lease_seconds = 1;
            // The test servers listen on loopback, without TLS.
            c.allow_loopback_integrations = true;
        })
        .await;
        if let Some(app) = app {
            super::inbound_mail_is_stored(app, s).await;
        }
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(crate::helpers::Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if super::s3_base().is_some() {
            run(crate::helpers::Backend::Postgres).await;
        }
    }
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

s3_test!(store_down_is_unavailable);
async fn store_down_is_unavailable(app: TestApp) {
    let (op, anna, id) = desk(&app).await;
    let res = message_with_files(&app, &anna, &id, &[("avviso.pdf", PDF)]).await;
    assert_eq!(res.status(), 201);
    let url = api_path(&res.json::<Value>().await.unwrap()["attachments"][0]["url"]);
    // Another node of the installation, whose way to the store is cut.
    let files_url = app.state.config.files_url.clone();
    let down = spawn_node(&app, move |c| {
        c.files_url = files_url;
        c.files_endpoint = Some(format!("http://127.0.0.1:{}", closed_port()));
    })
    .await;
    let unavailable = |res: &reqwest::Response| {
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()["retry-after"], "30");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    };
    unavailable(&down.get(&url, Some(&op)).await);
    let res = message_with_files(&down, &anna, &id, &[("avviso.pdf", PDF)]).await;
    unavailable(&res);
    // Nothing half done: the message was not stored.
    let messages = messages(&app, &anna, &id).await;
    assert_eq!(
        messages
            .iter()
            .filter(|m| m["body"] == "In allegato")
            .count(),
        1
    );
    unavailable(
        &down
            .register(&citizen_data(CF_B, "bruno@example.it"), PDF)
            .await,
    );
    let registrations: i64 = app
        .state
        .db
        .read(|c| api::db::schema::registrations::table.count().get_result(c))
        .unwrap();
    assert_eq!(registrations, 1, "only Anna's");
    app.staff("admin@comune.test", "admin", &[]);
    let admin = app.token("admin@comune.test").await;
    let data = json!({"title": "Regolamento TARI", "category": "Regolamenti"});
    unavailable(&crate::public::upload(&down, &admin, &data, PDF, "regolamento.pdf").await);
    // The store itself is fine: the first node still serves the file.
    assert_eq!(app.get(&url, Some(&op)).await.status(), 200);
}

/// An orphan older than the grace period goes; a file a row names, a fresh orphan and a
/// kind of file the sweep leaves alone stay.
async fn orphan_sweep(app: TestApp) {
    let (op, anna, id) = desk(&app).await;
    let res = message_with_files(&app, &anna, &id, &[("avviso.pdf", PDF)]).await;
    assert_eq!(res.status(), 201);
    let url = api_path(&res.json::<Value>().await.unwrap()["attachments"][0]["url"]);
    let tenant = app
        .state
        .db
        .read(api::db::repo::tenants::default_tenant)
        .unwrap()
        .unwrap()
        .id;
    let old_orphan = format!("{tenant}/attachments/orphan-old.pdf");
    let calendar = format!("{tenant}/agenda/b1/1-confirmed.ics");
    let fresh_orphan = format!("{tenant}/mail/orphan-fresh.eml");
    let files = store(&app);
    let (o, cal) = (old_orphan.clone(), calendar.clone());
    blocking(move || {
        files.put(&o, b"%PDF-1.4 orphan").unwrap();
        files.put(&cal, b"BEGIN:VCALENDAR").unwrap();
    })
    .await;
    // Object stores keep whole seconds.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let cutoff = Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let files = store(&app);
    let fresh = fresh_orphan.clone();
    blocking(move || files.put(&fresh, b"From: x").unwrap()).await;

    let st = app.state.clone();
    let swept =
        blocking(move || api::storage::sweep::run_once(&st.db, st.files.as_ref(), cutoff).unwrap())
            .await;
    assert_eq!(swept.deleted, 1, "{swept:?}");
    // The identity document, the attachment and the old orphan.
    assert_eq!(swept.examined, 3, "{swept:?}");
    let files = store(&app);
    let mut left: Vec<String> =
        blocking(move || files.list("").unwrap().map(|r| r.unwrap().0).collect()).await;
    left.sort();
    assert!(!left.contains(&old_orphan), "{left:?}");
    assert!(left.contains(&calendar), "{left:?}");
    assert!(left.contains(&fresh_orphan), "{left:?}");
    assert_eq!(app.get(&url, Some(&op)).await.status(), 200);
    // A second pass finds nothing more to do.
    let st = app.state.clone();
    let again =
        blocking(move || api::storage::sweep::run_once(&st.db, st.files.as_ref(), cutoff).unwrap())
            .await;
    assert_eq!(again.deleted, 0);
}

s3_test!(orphan_sweep);

mod orphan_sweep_local {
    crate::helpers::db_test!(orphan_sweep_on_the_folder);
    async fn orphan_sweep_on_the_folder(app: crate::helpers::TestApp) {
        super::orphan_sweep(app).await;
    }
}

/// The store itself: a file larger than a part goes up as a multipart upload and comes
/// back through ranged reads; small files are one PUT; keys are checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_files_stream_in_parts() {
    let Some(url) = own_prefix() else {
        return;
    };
    let store = tokio::task::spawn_blocking(move || S3Files::from_url(&url, None).unwrap())
        .await
        .unwrap();
    let store = std::sync::Arc::new(store);
    let size = 2 * api::storage::s3::PART + 12_345;
    let data = big_pdf(size);
    let digest = Sha256::digest(&data);
    let s = store.clone();
    let (written, back, listed) = blocking(move || {
        let written = s
            .put_reader("t/imports/big.csv", &mut data.as_slice())
            .unwrap();
        let mut back = Vec::new();
        let mut reader = s.open("t/imports/big.csv").unwrap();
        // Small reads, as a CSV reader makes.
        let mut buf = [0u8; 8192];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            back.extend_from_slice(&buf[..n]);
        }
        s.put_reader("t/imports/small.csv", &mut &b"a;b\n"[..])
            .unwrap();
        let mut listed: Vec<String> = s.list("t").unwrap().map(|r| r.unwrap().0).collect();
        listed.sort();
        (written, back, listed)
    })
    .await;
    assert_eq!(written, size as u64);
    assert_eq!(back.len(), size);
    assert_eq!(Sha256::digest(&back), digest);
    assert_eq!(listed, ["t/imports/big.csv", "t/imports/small.csv"]);
    let s = store.clone();
    blocking(move || {
        assert_eq!(s.get("t/imports/small.csv").unwrap(), b"a;b\n");
        let missing = s.open("t/imports/nothing.csv").err().unwrap();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
        assert_eq!(
            s.get("t/nothing").unwrap_err().kind(),
            std::io::ErrorKind::NotFound
        );
        s.delete("t/imports/big.csv").unwrap();
        s.delete("t/imports/big.csv").unwrap();
        for bad in ["../x", "a/../../b", "/etc/passwd", "a//b", "", "a b"] {
            assert!(s.put(bad, b"x").is_err(), "{bad}");
        }
    })
    .await;
    // Dropped on a blocking thread, like the server's state at shutdown.
    blocking(move || drop(store)).await;
}
