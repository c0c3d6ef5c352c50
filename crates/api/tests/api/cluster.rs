//! Several processes as one installation: two real `sportello serve` processes on one
//! PostgreSQL database and one S3 bucket (the Garage node of `scripts/test.sh`), behind a
//! real HAProxy (Debian) on loopback, with the real mail servers. One test walks what a
//! scaled-out install must keep true:
//! - a session begun on one process goes on on the other (refresh, upload, download);
//! - background work runs on both processes, yet every notice reaches the SMTP sink once
//!   every inbound mail becomes one request and every payment reminder goes once;
//! - a settings change made through one process is served by the other at once;
//! - live events cross processes;
//! - SIGKILL of one process under filing load through HAProxy loses no acknowledged
//!   request and leaves the protocol numbers gapless.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

use crate::account::act_body;
use crate::crash::{Server, all_requests, free_port, login};
use crate::helpers::{PDF, PgDatabase};
use crate::live_bench::ticket;
use crate::mail::{AUTHSERV_ID, raw_ok};
use crate::mail_servers::{Servers, append, eventually, header, mails_to, sink_mails, tag};

/// Requests filed to count their notices, and mails sent to the mailbox.
const FILED: usize = 30;
const INBOUND: usize = 6;
/// Acts whose payment reminder is due at once.
const REMINDED: usize = 12;
const HAPROXY: &str = "/usr/sbin/haproxy";
const ADMIN: &str = "admin@comune.esempio.it";
const CITIZEN: &str = "mario.rossi@example.it";

/// HAProxy in front of the two processes: round robin, health checks every 200 ms, a
/// failed connection retried on the other process (as in `deploy/haproxy.cfg`), and the
/// name of the process that answered in `X-Served-By`.
struct Proxy {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Proxy {
    fn start(backends: &[u16]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut cfg = format!(
            "global\n    maxconn 4000\n\
             defaults\n    mode http\n    timeout connect 2s\n    timeout client 30s\n    \
             timeout server 30s\n    timeout tunnel 90s\n    retries 3\n    option redispatch\n\
             frontend www\n    bind 127.0.0.1:{port}\n    http-request del-header X-Forwarded-For\n    \
             option forwardfor\n    default_backend sportello\n\
             backend sportello\n    balance roundrobin\n    option httpchk\n    \
             http-check send meth GET uri /health/ready\n    http-check expect status 200\n    \
             http-response set-header X-Served-By %[srv_name]\n    \
             default-server check inter 200ms fall 1 rise 1\n"
        );
        for (i, p) in backends.iter().enumerate() {
            let _ = writeln!(cfg, "    server p{} 127.0.0.1:{p}", i + 1);
        }
        let path = dir.path().join("haproxy.cfg");
        std::fs::write(&path, cfg).unwrap();
        let check = Command::new(HAPROXY)
            .args(["-c", "-q", "-f"])
            .arg(&path)
            .status()
            .expect("run haproxy");
        assert!(check.success(), "invalid HAProxy configuration");
        let child = Command::new(HAPROXY)
            .arg("-db")
            .arg("-f")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start haproxy");
        Self {
            child,
            port,
            _dir: dir,
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the test needs, or `None` outside CI when something is missing (in CI, a panic).
fn prerequisites() -> Option<(PgDatabase, String, Servers)> {
    let haproxy = std::path::Path::new(HAPROXY).exists();
    if !haproxy {
        assert!(
            std::env::var("CI").is_err(),
            "HAProxy must be installed in CI (scripts/test.sh installs it)"
        );
        eprintln!("HAProxy not installed: the several-processes test skipped");
        return None;
    }
    let s3 = crate::files_s3::s3_base()?;
    let servers = crate::mail_servers::servers()?;
    let db = PgDatabase::create()?;
    Some((db, format!("{s3}/{}", tag()), servers))
}

fn process(db: &str, files_url: &str, key: &str, smtp_port: u16, dir: &std::path::Path) -> Server {
    Server {
        child: None,
        port: free_port(),
        env: vec![
            ("DATABASE_URL".into(), db.to_owned()),
            ("SPORTELLO_FILES_URL".into(), files_url.to_owned()),
            (
                "SPORTELLO_WEB_DIR".into(),
                dir.join("web").display().to_string(),
            ),
            ("SPORTELLO_SECRET_KEY".into(), key.to_owned()),
            ("SPORTELLO_TRUSTED_PROXIES".into(), "127.0.0.1/32".into()),
            ("SPORTELLO_RATE_LIMIT_PER_MINUTE".into(), "1000000".into()),
            ("SPORTELLO_LOG".into(), "warn".into()),
            ("SPORTELLO_WORKERS".into(), "2".into()),
            ("SPORTELLO_WORKER_INTERVAL_MS".into(), "200".into()),
            (
                "SPORTELLO_SMTP_URL".into(),
                format!("smtp://127.0.0.1:{smtp_port}"),
            ),
            ("SPORTELLO_MAIL_FROM".into(), "noreply@comune.test".into()),
            (
                "SPORTELLO_ALLOW_LOOPBACK_INTEGRATIONS".into(),
                "true".into(),
            ),
        ],
    }
}

/// Starts a process with its log appended to `log` (shown when the test fails).
fn start_logged(s: &mut Server, log: &std::path::Path) {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let child = s
        .command(&["serve", "--bind", &format!("127.0.0.1:{}", s.port)])
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .expect("start sportello");
    s.child = Some(child);
}

/// Prints the processes' logs when an assertion fails.
struct Logs(Vec<std::path::PathBuf>);
impl Drop for Logs {
    fn drop(&mut self) {
        if std::thread::panicking() {
            for p in &self.0 {
                let text = std::fs::read_to_string(p).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(30).collect();
                eprintln!("--- {} ---", p.display());
                for l in tail.iter().rev() {
                    eprintln!("{l}");
                }
            }
        }
    }
}

/// The id of Mario Rossi, the demo citizen, as a contribuente of the demo Comune.
async fn contribuente_of_mario(client: &reqwest::Client, base: &str, admin: &str) -> String {
    let found: Value = client
        .get(format!("{base}/api/v1/contribuenti?q=RSSMRA80A01H501U"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    if let Some(id) = found["items"][0]["id"].as_str() {
        return id.to_owned();
    }
    let res = client
        .post(format!("{base}/api/v1/contribuenti"))
        .bearer_auth(admin)
        .json(&json!({"fiscal_code": "RSSMRA80A01H501U", "first_name": "Mario", "last_name": "Rossi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn filing(subject: &str) -> Value {
    json!({"type": "tari_reclamo", "subject": subject,
        "description": "Da due settimane l'umido non viene raccolto.", "fields": {"servizio": "raccolta"}})
}

/// Sink mails whose subject holds `needle`.
fn mails_about(s: &Servers, needle: &str) -> Vec<String> {
    sink_mails(s)
        .into_iter()
        .filter(|m| header(m, "Subject").is_some_and(|v| v.contains(needle)))
        .collect()
}

/// Polls `f` every 50 ms for up to `secs`, returning how long it took.
async fn within<F, Fut>(secs: u64, what: &str, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !f().await {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    start.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_behind_haproxy_behave_as_one() {
    let Some((db, files_url, mail)) = prerequisites() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let key = api::secret_key::SecretKey::generate().to_text();
    let mut a = process(&db.url, &files_url, &key, mail.smtp_port, dir.path());
    let mut b = process(&db.url, &files_url, &key, mail.smtp_port, dir.path());
    assert!(
        a.command(&["seed-demo"])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success()
    );
    let (log_a, log_b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    start_logged(&mut a, &log_a);
    start_logged(&mut b, &log_b);
    let _logs = Logs(vec![log_a.clone(), log_b.clone()]);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .cookie_store(true)
        .build()
        .unwrap();
    a.wait_ready(&client).await;
    b.wait_ready(&client).await;
    let proxy = Proxy::start(&[a.port, b.port]);
    let (base_a, base_b, lb) = (
        format!("http://127.0.0.1:{}", a.port),
        format!("http://127.0.0.1:{}", b.port),
        proxy.base(),
    );
    // The proxy serves once its health checks have seen both processes.
    let mut served = BTreeSet::new();
    let start = Instant::now();
    while served.len() < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "HAProxy reached only {served:?}"
        );
        if let Ok(r) = client.get(format!("{lb}/health/ready")).send().await
            && r.status() == 200
            && let Some(by) = r.headers().get("x-served-by")
        {
            served.insert(by.to_str().unwrap().to_owned());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // --- A session begun on one process goes on on the other. -----------------------
    let citizen = login(&client, &base_a, CITIZEN).await;
    let res = client
        .post(format!("{base_a}/api/v1/requests"))
        .bearer_auth(&citizen)
        .json(&filing("Cassonetto rotto"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let request: Value = res.json().await.unwrap();
    let id = request["id"].as_str().unwrap().to_owned();
    // The refresh cookie set by A is rotated by B, and B's token works on A.
    let res = client
        .post(format!("{base_b}/api/v1/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "refresh on the other process");
    let refreshed = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = client
        .get(format!("{base_a}/api/v1/requests/{id}"))
        .bearer_auth(&refreshed)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // A document uploaded through B is downloaded through A (one bucket).
    let bytes: Vec<u8> = [PDF, tag().as_bytes()].concat();
    let form = reqwest::multipart::Form::new()
        .part(
            "data",
            reqwest::multipart::Part::text(json!({"body": "La foto del cassonetto"}).to_string()),
        )
        .part(
            "files",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name("foto.pdf"),
        );
    let res = client
        .post(format!("{base_b}/api/v1/requests/{id}/messages"))
        .bearer_auth(&refreshed)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let msg: Value = res.json().await.unwrap();
    let url = msg["attachments"][0]["url"].as_str().unwrap().to_owned();
    let res = client
        .get(format!("{base_a}{url}"))
        .bearer_auth(&citizen)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());

    // --- Background work on both processes, each notice sent once. -------------------
    let admin = login(&client, &lb, ADMIN).await;
    let imap_user = format!("cluster{}", tag());
    let res = client
        .post(format!("{lb}/api/v1/mailboxes"))
        .bearer_auth(&admin)
        .json(&json!({
            "name": "Protocollo", "kind": "email", "address": "protocollo@comune.test",
            "imap_host": "127.0.0.1", "imap_port": mail.imap_port, "imap_security": "plain",
            "imap_username": imap_user, "imap_password": mail.imap_password,
            "smtp_host": "127.0.0.1", "smtp_port": mail.smtp_port, "smtp_security": "plain",
            "outbound_default": true, "authserv_id": AUTHSERV_ID
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    // Filings through the proxy, so both processes take some; notices go out from either.
    let notices = format!("Avviso{}", tag());
    let mut protocols = BTreeSet::new();
    let mut by_process = BTreeMap::<String, usize>::new();
    for i in 0..FILED {
        let res = client
            .post(format!("{lb}/api/v1/requests"))
            .bearer_auth(&citizen)
            .json(&filing(&format!("{notices} n{i}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let by = res.headers()["x-served-by"].to_str().unwrap().to_owned();
        *by_process.entry(by).or_default() += 1;
        let v: Value = res.json().await.unwrap();
        protocols.insert(v["protocol_number"].as_str().unwrap().to_owned());
    }
    assert_eq!(by_process.len(), 2, "both processes filed: {by_process:?}");
    // Mails arriving through the mailbox: each becomes one request.
    let inbound = format!("Posta{}", tag());
    let raws: Vec<(Option<&str>, Vec<u8>)> = (0..INBOUND)
        .map(|i| {
            (
                None,
                raw_ok(
                    &format!("cittadino{i}.{}@example.it", tag()),
                    "protocollo@comune.test",
                    &format!("{inbound} n{i}"),
                    "",
                    "Buongiorno, segnalo un mancato ritiro.",
                ),
            )
        })
        .collect();
    append(&mail, &imap_user, &raws).await;
    within(60, "every notice at the SMTP sink", || {
        let n = mails_about(&mail, &notices).len();
        async move { n >= FILED }
    })
    .await;
    within(60, "every inbound mail filed", || {
        let (client, lb, admin, inbound) =
            (client.clone(), lb.clone(), admin.clone(), inbound.clone());
        async move {
            all_requests(&client, &lb, &admin)
                .await
                .iter()
                .filter(|(s, _)| s.contains(&inbound))
                .count()
                >= INBOUND
        }
    })
    .await;
    // Both processes keep polling for a while: still once each.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let sent = mails_about(&mail, &notices);
    assert_eq!(sent.len(), FILED, "each notice exactly once");
    let in_subjects: BTreeSet<String> = protocols
        .iter()
        .filter(|p| {
            sent.iter()
                .any(|m| header(m, "Subject").unwrap().contains(p.as_str()))
        })
        .cloned()
        .collect();
    assert_eq!(in_subjects, protocols, "one notice per request");
    let filed_from_mail: Vec<String> = all_requests(&client, &lb, &admin)
        .await
        .into_iter()
        .filter(|(s, _)| s.contains(&inbound))
        .map(|(s, _)| s)
        .collect();
    assert_eq!(filed_from_mail.len(), INBOUND, "{filed_from_mail:?}");
    assert_eq!(
        filed_from_mail.iter().collect::<BTreeSet<_>>().len(),
        INBOUND,
        "each inbound mail once"
    );

    // --- Payment reminders: both processes run the reminder pass, each goes once. -----
    let res = client
        .put(format!("{lb}/api/v1/settings"))
        .bearer_auth(&admin)
        .json(&crate::pagopa::settings_body(
            json!({"gpd_url": "", "gpd_subscription_key": "", "checkout_url": ""}),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let cid = contribuente_of_mario(&client, &lb, &admin).await;
    // Each act's instalment is due in 2–6 days: its 7-day reminder is due at once.
    let acts_tag = tag();
    let today = domain::calendar::rome_date(chrono::Utc::now());
    for k in 0..REMINDED {
        let due = today + chrono::Duration::days(2 + (k % 5) as i64);
        let res = client
            .post(format!("{lb}/api/v1/acts"))
            .bearer_auth(&admin)
            .json(&act_body(
                &cid,
                &format!("K{acts_tag}-{k}"),
                today - chrono::Duration::days(5),
                &[(due, 1_000 + k as i64)],
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    }
    let reminded = |s: &Servers| -> Vec<usize> {
        mails_to(s, CITIZEN)
            .iter()
            .filter_map(|m| {
                header(m, "Subject")?
                    .split(&format!("K{acts_tag}-"))
                    .nth(1)?
                    .split(':')
                    .next()?
                    .trim()
                    .parse()
                    .ok()
            })
            .collect()
    };
    eventually(60, "every payment reminder at the SMTP sink", || {
        (reminded(&mail).into_iter().collect::<BTreeSet<_>>().len() == REMINDED).then_some(())
    })
    .await;
    // Both processes keep running the pass: still one mail per act.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut got = reminded(&mail);
    got.sort_unstable();
    assert_eq!(
        got,
        (0..REMINDED).collect::<Vec<_>>(),
        "each reminder exactly once"
    );

    // --- A settings change on one process is served by the other at once. -------------
    let card = |base: String| {
        let client = client.clone();
        async move {
            client
                .get(format!("{base}/api/v1/public/tenant"))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let before = card(base_b.clone()).await; // B has the tenant cached now.
    let renamed = format!("Comune di Prova {}", tag());
    assert_ne!(before, renamed);
    let res = client
        .put(format!("{base_a}/api/v1/settings"))
        .bearer_auth(&admin)
        .json(&json!({"name": renamed}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // The cache lives 30 s: within 2 s means the change was announced, not expired.
    let took = within(2, "the new name on the other process", || {
        let (f, renamed) = (card(base_b.clone()), renamed.clone());
        async move { f.await == renamed }
    })
    .await;
    eprintln!("settings seen by the other process after {took:?}");

    // --- Live events cross processes. --------------------------------------------------
    let (mut ws, _) = tokio_tungstenite::connect_async(ticket(&client, &base_b, &admin).await)
        .await
        .expect("WebSocket on B");
    let chat: Value = client
        .post(format!("{base_a}/api/v1/chats"))
        .bearer_auth(&citizen)
        .json(&json!({"topic": "tari_reclamo", "message": "Buongiorno"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let chat_id = chat["id"].as_str().expect("chat opened").to_owned();
    let created = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Text(t) = m {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] == "chat.created" && v["chat_id"] == chat_id.as_str() {
                    return v;
                }
            }
        }
        panic!("the connection closed");
    })
    .await
    .expect("chat.created from A reaches a connection on B");
    assert_eq!(created["data"]["status"], "waiting");
    drop(ws);

    // --- SIGKILL of one process under filing load through the proxy. -------------------
    let acked: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let load = format!("Carico{}", tag());
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, lb, token, acked, stop, load) = (
            client.clone(),
            lb.clone(),
            citizen.clone(),
            acked.clone(),
            stop.clone(),
            load.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let subject = format!("{load} w{w}n{n}");
                // The same key until acknowledged: a retry after the kill gets the stored answer.
                loop {
                    let res = client
                        .post(format!("{lb}/api/v1/requests"))
                        .bearer_auth(&token)
                        .header("Idempotency-Key", &subject)
                        .json(&filing(&subject))
                        .send()
                        .await;
                    match res {
                        Ok(r) if r.status() == 201 => {
                            let v: Value = r.json().await.unwrap();
                            let p = v["protocol_number"].as_str().unwrap().to_owned();
                            let previous = acked.lock().await.insert(subject.clone(), p.clone());
                            assert!(previous.is_none_or(|q| q == p));
                            break;
                        }
                        // The proxy's answer for a request the killed process was serving.
                        Ok(r) if [502, 503, 504].contains(&r.status().as_u16()) => {}
                        Ok(r) => panic!("unexpected status {} for {subject}", r.status()),
                        Err(_) => {}
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before_kill = acked.lock().await.len();
    b.kill();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let during_outage = acked.lock().await.len() - before_kill;
    start_logged(&mut b, &log_b);
    b.wait_ready(&client).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    assert!(
        during_outage > 10,
        "the proxy kept filing on the surviving process: {during_outage}"
    );
    let acked = acked.lock().await;
    assert!(acked.len() > 50, "too little load: {}", acked.len());
    let stored = all_requests(&client, &lb, &admin).await;
    let by_subject: BTreeMap<&str, &str> = stored
        .iter()
        .map(|(s, p)| (s.as_str(), p.as_str()))
        .collect();
    assert_eq!(by_subject.len(), stored.len(), "a subject stored twice");
    // Each key was retried until acknowledged: nothing stored that the client never heard of.
    let under_load = stored.iter().filter(|(s, _)| s.starts_with(&load)).count();
    assert_eq!(
        under_load,
        acked.len(),
        "stored under load but never acknowledged"
    );
    for (subject, protocol) in acked.iter() {
        assert_eq!(
            by_subject.get(subject.as_str()),
            Some(&protocol.as_str()),
            "acknowledged request {subject} lost or renumbered"
        );
    }
    let numbers: BTreeSet<u32> = stored
        .iter()
        .map(|(_, p)| p.rsplit('/').next().unwrap().parse().unwrap())
        .collect();
    let expected: BTreeSet<u32> = (1..=u32::try_from(stored.len()).unwrap()).collect();
    assert_eq!(numbers, expected, "protocol numbers are not gapless");
    eprintln!(
        "cluster: {} requests, {} filed under load ({during_outage} while one process was down)",
        stored.len(),
        acked.len()
    );
    drop(proxy);
    a.kill();
    b.kill();
}
