//! Tenants' integrations and the installation's egress policy: HTTPS and TLS only, loopback
//! and private networks only where the installation allows them, checked when saved and
//! again when connecting, redirects never followed, remote answers never shown.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use api::db::schema::{channel_settings, mailboxes};
use diesel::prelude::*;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::*;
use crate::mail_servers::Recorder;

/// What a remote server says that must never reach tenant users.
const REMOTE: &str = "REMOTE-WORDS";

/// The fields a 422 names.
async fn fields(res: reqwest::Response) -> Vec<String> {
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn admin(app: &TestApp) -> String {
    app.staff("admin@comune.test", "admin", &[]);
    app.token("admin@comune.test").await
}

async fn put_channels(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.put_json("/notification-channels", Some(token), &body)
        .await
}

async fn post_mailbox(app: &TestApp, token: &str, extra: Value) -> reqwest::Response {
    let mut body =
        json!({"name": "Protocollo", "kind": "email", "address": "protocollo@comune.test"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.post_json("/mailboxes", Some(token), &body).await
}

async fn policy_at_save(backend: Backend, loopback: bool, private: bool) -> Option<()> {
    let app = spawn_with(backend, |c| {
        c.allow_loopback_integrations = loopback;
        c.allow_private_integrations = private;
    })
    .await?;
    let admin = admin(&app).await;
    let ok = |res: reqwest::Response| async move {
        let status = res.status();
        assert_eq!(status, 200, "{}", res.text().await.unwrap());
    };
    // Plain HTTP to anything but loopback, credentials in the URL, metadata: never.
    for (field, url) in [
        ("sms_url", "http://sms.example.it/send"),
        ("sms_url", "https://utente:segreto@sms.example.it/send"),
        ("io_url", "https://169.254.169.254/latest/meta-data"),
        ("io_url", "http://10.1.2.3/api"),
    ] {
        let res = put_channels(&app, &admin, json!({ field: url })).await;
        assert_eq!(fields(res).await, [field], "{url}");
    }
    ok(put_channels(
        &app,
        &admin,
        json!({"sms_url": "https://sms.example.it/send"}),
    )
    .await)
    .await;
    // Private networks and loopback as the installation says.
    for (allowed, url) in [
        (private, "https://10.1.2.3/sms"),
        (private, "https://[fd12::1]/sms"),
        (private, "https://100.64.0.9/sms"),
        (loopback, "https://127.0.0.1:8443/sms"),
        (loopback, "https://localhost/sms"),
        (loopback, "http://127.0.0.1:8080/sms"),
    ] {
        let res = put_channels(&app, &admin, json!({ "sms_url": url })).await;
        if allowed {
            ok(res).await;
        } else {
            let p: Value = res.json().await.unwrap();
            assert_eq!(p["status"], 422, "{url}: {p}");
            assert_eq!(p["errors"][0]["field"], "sms_url", "{url}");
        }
    }
    // Mail servers: the same networks, and TLS except on loopback.
    for (allowed, field, extra) in [
        (
            private,
            "imap_host",
            json!({"imap_host": "192.168.1.10", "imap_security": "tls"}),
        ),
        (
            loopback,
            "smtp_host",
            json!({"smtp_host": "127.0.0.1", "smtp_security": "starttls"}),
        ),
        (
            loopback,
            "smtp_host",
            json!({"smtp_host": "127.0.0.1", "smtp_security": "plain"}),
        ),
        (
            false,
            "imap_security",
            json!({"imap_host": "imap.example.it", "imap_security": "plain"}),
        ),
        (
            false,
            "imap_host",
            json!({"imap_host": "169.254.169.254", "imap_security": "tls"}),
        ),
    ] {
        let res = post_mailbox(&app, &admin, extra.clone()).await;
        if allowed {
            assert_eq!(res.status(), 201, "{extra}");
            let id = res.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned();
            let res = app
                .client
                .delete(app.url(&format!("/mailboxes/{id}")))
                .bearer_auth(&admin)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 204);
        } else {
            assert_eq!(fields(res).await, [field], "{extra}");
        }
    }
    Some(())
}

async fn policy_at_save_all(backend: Backend) {
    for (loopback, private) in [(false, false), (false, true), (true, false)] {
        if policy_at_save(backend, loopback, private).await.is_none() {
            return;
        }
    }
}

mod integration_urls_follow_the_installation_policy {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::policy_at_save_all(crate::helpers::Backend::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::policy_at_save_all(crate::helpers::Backend::Postgres).await;
    }
}

#[test]
fn the_refusal_speaks_italian_and_english() {
    let e = domain::egress::Refusal::Unencrypted.field_error("sms_url", false);
    assert_eq!(e.message.it, "Indirizzo non cifrato: usare https://");
    assert_eq!(e.message.en, "Unencrypted address: use https://");
}

/// A local HTTP server: `/redirect…` answers 302 to `location`, `/refuse…` 400 with a body
/// of its own words; it remembers the paths it was asked for.
struct Remote {
    base: String,
    hits: Arc<Mutex<Vec<String>>>,
}

impl Remote {
    fn start(location: String) -> Self {
        use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
        let hits: Arc<Mutex<Vec<String>>> = Arc::default();
        let seen = hits.clone();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            let (seen, location) = (seen.clone(), location.clone());
            App::new().default_service(web::to(move |req: HttpRequest| {
                let (seen, location) = (seen.clone(), location.clone());
                async move {
                    seen.lock().unwrap().push(req.path().to_owned());
                    if req.path().starts_with("/redirect") {
                        HttpResponse::Found()
                            .insert_header(("Location", location))
                            .body(format!("{REMOTE}: moved"))
                    } else {
                        HttpResponse::BadRequest().body(format!(
                            "{{\"detail\": \"{REMOTE}: internal host db01 says no\"}}"
                        ))
                    }
                }
            }))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self {
            base: format!("http://127.0.0.1:{port}"),
            hits,
        }
    }
}

/// Files a request as a citizen who wants SMS and App IO only; returns its deliveries as
/// the office sees them after one outbox pass.
async fn notify_by_sms_and_io(app: &TestApp) -> Vec<Value> {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let res = app
        .put_json(
            "/me/preferences",
            Some(&anna),
            &json!({"email": false, "sms": true, "app_io": true, "lang": "it"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app
        .post_json(
            "/requests",
            Some(&anna),
            &json!({"type": "tari_reclamo", "subject": "Mancata raccolta",
                    "description": "Da due settimane.", "fields": {"servizio": "raccolta"}}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    api::mail::worker::run_outbox_once(&app.state)
        .await
        .expect("outbox pass");
    app.get(&format!("/requests/{id}/deliveries"), Some(&op))
        .await
        .json()
        .await
        .unwrap()
}

fn delivery<'a>(all: &'a [Value], channel: &str) -> &'a Value {
    all.iter()
        .find(|d| d["channel"] == channel)
        .unwrap_or_else(|| panic!("{channel} delivery in {all:?}"))
}

db_test_with!(
    redirects_are_not_followed_and_remote_answers_are_not_shown,
    |c| c.allow_loopback_integrations = true
);
async fn redirects_are_not_followed_and_remote_answers_are_not_shown(app: TestApp) {
    let target = Recorder::start();
    let remote = Remote::start(format!("{}/stolen", target.base));
    let admin = admin(&app).await;
    let res = put_channels(
        &app,
        &admin,
        json!({"sms_url": format!("{}/redirect/sms", remote.base), "sms_token": "t0k3n",
               "io_url": format!("{}/refuse/api/v1", remote.base), "io_api_key": "k3y"}),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let all = notify_by_sms_and_io(&app).await;
    let sms = delivery(&all, "sms");
    let io = delivery(&all, "app_io");
    assert_eq!(sms["status"], "failed", "{sms}");
    assert_eq!(
        sms["last_error"], "SMS: HTTP 302 (redirect not followed)",
        "{sms}"
    );
    assert_eq!(io["status"], "failed", "{io}");
    assert_eq!(
        io["last_error"], "App IO: HTTP 400 (request refused)",
        "{io}"
    );
    let text = serde_json::to_string(&all).unwrap();
    assert!(!text.contains(REMOTE) && !text.contains("db01") && !text.contains("stolen"));
    assert!(target.all().is_empty(), "the redirect was not followed");
    let hits = remote.hits.lock().unwrap().clone();
    assert_eq!(hits.len(), 2, "{hits:?}");
}

db_test!(connect_time_checks_refuse_what_the_policy_does_not_allow);
async fn connect_time_checks_refuse_what_the_policy_does_not_allow(app: TestApp) {
    // Saved when allowed (or by an older version), used by an installation that does not
    // allow loopback: nothing connects.
    let admin = admin(&app).await;
    let target = Recorder::start();
    let res = put_channels(
        &app,
        &admin,
        json!({"sms_url": "https://sms.example.it/send", "sms_token": "t0k3n",
               "io_url": "https://api.io.example.it/api/v1", "io_api_key": "k3y"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let port = target.base.rsplit(':').next().unwrap().to_owned();
    app.state
        .db
        .write_tx(|c| {
            diesel::update(channel_settings::table)
                .set((
                    channel_settings::sms_url.eq(format!("http://localhost:{port}/sms")),
                    channel_settings::io_url.eq(format!("https://127.0.0.1:{port}/io")),
                ))
                .execute(c)
        })
        .unwrap();
    let all = notify_by_sms_and_io(&app).await;
    assert_eq!(
        delivery(&all, "sms")["last_error"],
        "SMS: loopback addresses are not allowed"
    );
    assert_eq!(
        delivery(&all, "app_io")["last_error"],
        "App IO: loopback addresses are not allowed"
    );
    assert!(target.all().is_empty());

    // The same for a mailbox's servers, and "Verifica connessione" says why.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let res = post_mailbox(
        &app,
        &admin,
        json!({"imap_host": "imap.comune.test", "imap_security": "tls",
               "smtp_host": "smtp.comune.test", "smtp_security": "tls"}),
    )
    .await;
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.state
        .db
        .write_tx(|c| {
            diesel::update(mailboxes::table.find(&id))
                .set((
                    mailboxes::imap_host.eq("127.0.0.1"),
                    mailboxes::imap_port.eq(i32::from(port)),
                    mailboxes::smtp_host.eq("localhost"),
                    mailboxes::smtp_port.eq(i32::from(port)),
                ))
                .execute(c)
        })
        .unwrap();
    let t: Value = app
        .post_json(&format!("/mailboxes/{id}/test"), Some(&admin), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        t,
        json!({
            "imap": {"ok": false, "detail": "IMAP: loopback addresses are not allowed"},
            "smtp": {"ok": false, "detail": "SMTP: loopback addresses are not allowed"},
        })
    );
    let accepted = tokio::time::timeout(Duration::from_millis(500), listener.accept()).await;
    assert!(accepted.is_err(), "nothing connected");
}

/// A fake IMAP server that refuses every login, and a fake SMTP server that refuses every
/// AUTH, both in words of their own.
async fn refusing_mail_servers() -> (u16, u16) {
    let imap = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let smtp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ports = (
        imap.local_addr().unwrap().port(),
        smtp.local_addr().unwrap().port(),
    );
    tokio::spawn(async move {
        while let Ok((s, _)) = imap.accept().await {
            tokio::spawn(async move {
                let (r, mut w) = s.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w
                    .write_all(format!("* OK [CAPABILITY IMAP4rev1] {REMOTE} ready\r\n").as_bytes())
                    .await;
                while let Ok(Some(line)) = lines.next_line().await {
                    let tag = line.split(' ').next().unwrap_or("*").to_owned();
                    let _ = w
                        .write_all(
                            format!(
                                "{tag} NO [AUTHENTICATIONFAILED] {REMOTE} user unknown on db01\r\n"
                            )
                            .as_bytes(),
                        )
                        .await;
                }
            });
        }
    });
    tokio::spawn(async move {
        while let Ok((s, _)) = smtp.accept().await {
            tokio::spawn(async move {
                let (r, mut w) = s.into_split();
                let mut lines = BufReader::new(r).lines();
                let _ = w
                    .write_all(format!("220 remote.test ESMTP {REMOTE}\r\n").as_bytes())
                    .await;
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply = if line.starts_with("EHLO") {
                        "250-remote.test\r\n250 AUTH PLAIN LOGIN\r\n".to_owned()
                    } else if line.starts_with("QUIT") {
                        "221 bye\r\n".to_owned()
                    } else {
                        format!("535 5.7.8 {REMOTE} wrong password for db01\r\n")
                    };
                    let _ = w.write_all(reply.as_bytes()).await;
                }
            });
        }
    });
    ports
}

db_test_with!(
    connection_test_shows_categories_not_the_servers_words,
    |c| c.allow_loopback_integrations = true
);
async fn connection_test_shows_categories_not_the_servers_words(app: TestApp) {
    let admin = admin(&app).await;
    let (imap, smtp) = refusing_mail_servers().await;
    let res = post_mailbox(
        &app,
        &admin,
        json!({"imap_host": "127.0.0.1", "imap_port": imap, "imap_security": "plain",
               "imap_password": "sbagliata",
               "smtp_host": "127.0.0.1", "smtp_port": smtp, "smtp_security": "plain",
               "smtp_username": "protocollo", "smtp_password": "sbagliata"}),
    )
    .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let t: Value = app
        .post_json(&format!("/mailboxes/{id}/test"), Some(&admin), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        t,
        json!({
            "imap": {"ok": false, "detail": "IMAP: login refused (check user and password)"},
            "smtp": {"ok": false, "detail": "SMTP: refused by the server (code 535)"},
        })
    );
}
