//! Crash safety: a submission load against the real `sportello` process, killed with
//! SIGKILL at random moments and restarted. Every acknowledged request must survive with
//! its protocol number, numbers must stay gapless, and retries must not duplicate.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use std::fmt::Write as _;

use serde_json::{Value, json};
use tokio::sync::Mutex;

const KILLS: usize = 6;
const WRITERS: usize = 6;

pub(crate) struct Server {
    pub(crate) child: Option<Child>,
    pub(crate) port: u16,
    pub(crate) env: Vec<(String, String)>,
}

impl Server {
    fn bin() -> &'static str {
        env!("CARGO_BIN_EXE_sportello")
    }

    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(Self::bin());
        c.args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        c
    }

    pub(crate) fn start(&mut self) {
        let child = self
            .command(&["serve", "--bind", &format!("127.0.0.1:{}", self.port)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sportello");
        self.child = Some(child);
    }

    pub(crate) fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix.
            let _ = c.wait();
        }
    }

    pub(crate) async fn wait_ready(&self, client: &reqwest::Client) {
        for _ in 0..300 {
            if let Ok(r) = client
                .get(format!("http://127.0.0.1:{}/health/ready", self.port))
                .send()
                .await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server did not come back");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) async fn login(client: &reqwest::Client, base: &str, user: &str) -> String {
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": user, "password": "Demo2026!sportello"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Every request the caller may list, page after page: (subject, protocol number).
pub(crate) async fn all_requests(
    client: &reqwest::Client,
    base: &str,
    token: &str,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/api/v1/requests?limit=200");
        if let Some(c) = &cursor {
            let _ = write!(url, "&cursor={c}");
        }
        let page: Value = client
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            out.push((
                item["subject"].as_str().unwrap().to_owned(),
                item["protocol_number"].as_str().unwrap().to_owned(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

async fn crash_and_recover(database_url: String) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = Server {
        child: None,
        port,
        env: vec![
            ("DATABASE_URL".into(), database_url.clone()),
            (
                "SPORTELLO_FILES_DIR".into(),
                dir.path().join("files").display().to_string(),
            ),
            (
                "SPORTELLO_WEB_DIR".into(),
                dir.path().join("web").display().to_string(),
            ),
            ("SPORTELLO_RATE_LIMIT_PER_MINUTE".into(), "1000000".into()),
            ("SPORTELLO_LOG".into(), "error".into()),
            ("SPORTELLO_WORKERS".into(), "2".into()),
            (
                "SPORTELLO_SECRET_KEY".into(),
                api::secret_key::SecretKey::generate().to_text(),
            ),
        ],
    };
    assert!(
        server
            .command(&["seed-demo"])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success()
    );
    server.start();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    server.wait_ready(&client).await;
    let base = format!("http://127.0.0.1:{port}");
    let token = login(&client, &base, "mario.rossi@example.it").await;

    // key → protocol number acknowledged with 201.
    let acked: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (client, base, token, acked, stop) = (
            client.clone(),
            base.clone(),
            token.clone(),
            acked.clone(),
            stop.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let key = format!("w{w}-{n}");
                // Retry the same key until it is acknowledged: across crashes too.
                loop {
                    let res = client
                        .post(format!("{base}/api/v1/requests"))
                        .bearer_auth(&token)
                        .header("Idempotency-Key", &key)
                        .json(&json!({"type": "tari_reclamo", "subject": format!("Reclamo {key}"),
                            "description": "Prova di resistenza ai crash.", "fields": {"servizio": "raccolta"}}))
                        .send()
                        .await;
                    match res {
                        Ok(r) if r.status() == 201 => {
                            let body: Value = r.json().await.unwrap();
                            let protocol = body["protocol_number"].as_str().unwrap().to_owned();
                            let previous = acked.lock().await.insert(key.clone(), protocol.clone());
                            assert!(previous.is_none() || previous.as_deref() == Some(protocol.as_str()));
                            break;
                        }
                        Ok(r) => panic!("unexpected status {} for {key}", r.status()),
                        Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                    }
                }
            }
        }));
    }

    let mut rng_state = u64::from(port) * 2_654_435_761;
    for _ in 0..KILLS {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        tokio::time::sleep(Duration::from_millis(300 + rng_state % 900)).await;
        server.kill();
        tokio::time::sleep(Duration::from_millis(100)).await;
        server.start();
        server.wait_ready(&client).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }

    // Everything acknowledged is there, once, with its number; numbers are gapless.
    let operator = login(&client, &base, "operatore.tributi@comune.esempio.it").await;
    let mut stored: BTreeMap<String, String> = BTreeMap::new(); // subject key → protocol
    for (subject, protocol) in all_requests(&client, &base, &operator).await {
        let key = subject.trim_start_matches("Reclamo ").to_owned();
        assert!(
            stored.insert(key.clone(), protocol).is_none(),
            "request {key} stored twice"
        );
    }
    let acked = acked.lock().await;
    assert!(
        acked.len() > 50,
        "too little load to mean anything: {}",
        acked.len()
    );
    for (key, protocol) in acked.iter() {
        assert_eq!(
            stored.get(key),
            Some(protocol),
            "acknowledged request {key} lost or renumbered"
        );
    }
    // Every stored request was eventually acknowledged (the last attempt of a key returns
    // the stored answer), so the two sets are the same.
    assert_eq!(stored.len(), acked.len());
    let numbers: BTreeSet<u32> = stored
        .values()
        .map(|p| p.rsplit('/').next().unwrap().parse().unwrap())
        .collect();
    let expected: BTreeSet<u32> = (1..=u32::try_from(stored.len()).unwrap()).collect();
    assert_eq!(numbers, expected, "protocol numbers are not gapless");

    server.kill();
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        let out = Command::new("python3")
            .args(["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])", path])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_nothing_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    crash_and_recover(format!(
        "sqlite://{}",
        dir.path().join("crash.db").display()
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_nothing_postgres() {
    let Some(db) = crate::helpers::PgDatabase::create() else {
        return;
    };
    crash_and_recover(db.url.clone()).await;
}
