//! Real-time benchmarks on real server processes (ignored by default;
//! `scripts/live-bench.sh` runs them and prints the figures for BENCHMARKS.md):
//! - idle WebSocket connections one process holds, and its resident memory;
//! - chat messages from a citizen on one process to an operator connected to another, both
//!   on one PostgreSQL: end-to-end latency (POST sent → event received) at a steady rate.

use std::process::Stdio;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::crash::{Server, free_port, login};

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn server(database_url: &str, dir: &std::path::Path, key: &str) -> Server {
    Server {
        child: None,
        port: free_port(),
        env: vec![
            ("DATABASE_URL".into(), database_url.to_owned()),
            (
                "SPORTELLO_FILES_DIR".into(),
                dir.join("files").display().to_string(),
            ),
            (
                "SPORTELLO_WEB_DIR".into(),
                dir.join("web").display().to_string(),
            ),
            ("SPORTELLO_RATE_LIMIT_PER_MINUTE".into(), "100000000".into()),
            ("SPORTELLO_LOG".into(), "error".into()),
            ("SPORTELLO_WORKERS".into(), "2".into()),
            ("SPORTELLO_SECRET_KEY".into(), key.to_owned()),
        ],
    }
}

fn seed(s: &Server) {
    assert!(
        s.command(&["seed-demo"])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success()
    );
}

pub(crate) async fn ticket(client: &reqwest::Client, base: &str, token: &str) -> String {
    let t: Value = client
        .post(format!("{base}/api/v1/realtime/tickets"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    format!(
        "ws://{}{}",
        base.trim_start_matches("http://"),
        t["url"].as_str().unwrap()
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: scripts/live-bench.sh"]
async fn idle_websockets_in_one_process() {
    let n: usize = std::env::var("LIVE_BENCH_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let mut s = server(
        &url,
        dir.path(),
        &api::secret_key::SecretKey::generate().to_text(),
    );
    seed(&s);
    s.start();
    let client = reqwest::Client::new();
    s.wait_ready(&client).await;
    let base = format!("http://127.0.0.1:{}", s.port);
    let token = login(&client, &base, "mario.rossi@example.it").await;
    let pid = s.child.as_ref().unwrap().id();
    let before = rss_kib(pid);
    let started = Instant::now();
    let mut readers = Vec::with_capacity(n);
    for _ in 0..n {
        let url = ticket(&client, &base, &token).await;
        let (mut ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connect");
        let hello = ws.next().await.unwrap().unwrap();
        assert!(matches!(hello, Message::Text(_)));
        // Each connection keeps reading, so pings are answered, as a browser does.
        readers.push(tokio::spawn(async move {
            while let Some(Ok(_)) = ws.next().await {}
        }));
    }
    let opened = started.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after = rss_kib(pid);
    println!(
        "BENCH live idle_connections={n} open_s={:.1} rss_before_mb={:.1} rss_after_mb={:.1} per_connection_kb={:.1}",
        opened.as_secs_f64(),
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after.saturating_sub(before)) as f64 / n as f64
    );
    for r in readers {
        r.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "benchmark: scripts/live-bench.sh"]
async fn chat_latency_across_two_processes() {
    let rate: u64 = std::env::var("LIVE_BENCH_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let seconds: u64 = 10;
    let db = crate::helpers::PgDatabase::create().expect("TEST_DATABASE_URL: a PostgreSQL server");
    let dir = tempfile::tempdir().unwrap();
    let key = api::secret_key::SecretKey::generate().to_text();
    let mut a = server(&db.url, dir.path(), &key);
    seed(&a);
    a.start();
    let mut b = server(&db.url, dir.path(), &key);
    b.start();
    let client = reqwest::Client::new();
    a.wait_ready(&client).await;
    b.wait_ready(&client).await;
    let base_a = format!("http://127.0.0.1:{}", a.port);
    let base_b = format!("http://127.0.0.1:{}", b.port);
    let citizen = login(&client, &base_a, "mario.rossi@example.it").await;
    let admin = login(&client, &base_b, "admin@comune.esempio.it").await;
    let chat: Value = client
        .post(format!("{base_a}/api/v1/chats"))
        .bearer_auth(&citizen)
        .json(&json!({"topic": "tari_reclamo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = chat["id"].as_str().expect("chat").to_owned();
    let res = client
        .post(format!("{base_b}/api/v1/chats/{id}/actions"))
        .bearer_auth(&admin)
        .json(&json!({"action": "accept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // The operator listens on process B.
    let (mut ws, _) = tokio_tungstenite::connect_async(ticket(&client, &base_b, &admin).await)
        .await
        .unwrap();
    let sent = std::sync::Arc::new(std::sync::Mutex::new(std::collections::HashMap::<
        String,
        Instant,
    >::new()));
    let total = (rate * seconds) as usize;
    let received = {
        let sent = sent.clone();
        tokio::spawn(async move {
            let mut lat = Vec::with_capacity(total);
            while lat.len() < total {
                let Ok(Some(Ok(Message::Text(t)))) =
                    tokio::time::timeout(Duration::from_secs(10), ws.next()).await
                else {
                    break;
                };
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] != "chat.message" {
                    continue;
                }
                let body = v["data"]["body"].as_str().unwrap_or_default().to_owned();
                if let Some(at) = sent.lock().unwrap().remove(&body) {
                    lat.push(at.elapsed());
                }
            }
            let _ = ws.close(None).await;
            lat
        })
    };
    // The citizen writes through process A at a steady rate (several in flight).
    let started = Instant::now();
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let mut inflight = Vec::new();
    for i in 0..total {
        let due = started + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let body = format!("m{i}");
        sent.lock().unwrap().insert(body.clone(), Instant::now());
        let req = client
            .post(format!("{base_a}/api/v1/chats/{id}/messages"))
            .bearer_auth(&citizen)
            .json(&json!({"body": body}));
        inflight.push(tokio::spawn(async move {
            req.send().await.map(|r| r.status().as_u16())
        }));
    }
    let mut errors = 0;
    for h in inflight {
        if h.await.unwrap().map_or(true, |s| s != 201) {
            errors += 1;
        }
    }
    let sending = started.elapsed();
    let mut lat = received.await.unwrap();
    lat.sort();
    assert!(!lat.is_empty(), "nothing received");
    println!(
        "BENCH live cross_process rate_per_s={rate} sent={total} send_s={:.1} errors={errors} received={} p50_ms={:.1} p95_ms={:.1} p99_ms={:.1} max_ms={:.1}",
        sending.as_secs_f64(),
        lat.len(),
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.95).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3,
    );
}
