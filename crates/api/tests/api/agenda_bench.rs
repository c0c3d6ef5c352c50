//! Agenda benchmarks (ignored by default; `scripts/agenda-bench.sh` runs them and prints
//! the figures for BENCHMARKS.md): the slots of one desk over 60 days, and 200 parallel
//! bookings of one slot (no oversell, time to settle).

use std::time::{Duration as StdDuration, Instant};

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::admin::call;
use crate::agenda::{book, booking, create_desk, day, desk, setup, slots};
use crate::helpers::*;

fn percentile(sorted: &[StdDuration], p: f64) -> StdDuration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn bench(app: TestApp, label: &str) {
    let a = setup(&app).await;
    // Weekdays 08:00–20:00, 15-minute appointments, 3 seats: about 2,000 slots in 60 days.
    let weekly: Vec<_> = (1..=5)
        .map(|w| json!({"weekday": w, "start": "08:00", "end": "20:00"}))
        .collect();
    let mut body = desk(
        &a.office,
        &json!({"capacity": 3, "booking_window_days": 90, "weekly": weekly, "open_on_holidays": false}),
    );
    body["services"][0]["duration_minutes"] = json!(15);
    let id = create_desk(&app, &a.admin, &body).await;
    // 300 bookings spread over the period.
    let mut placed = 0;
    for d in 1..=60 {
        if placed >= 300 {
            break;
        }
        for s in slots(&app, &id, &day(d), None)
            .await
            .iter()
            .step_by(7)
            .take(10)
        {
            let (status, _) = book(
                &app,
                None,
                &booking(
                    &id,
                    s["start"].as_str().unwrap(),
                    &format!("b{placed}@example.it"),
                ),
            )
            .await;
            assert_eq!(status, 201);
            placed += 1;
        }
    }
    let path = format!("/public/desks/{id}/slots?from={}&to={}", day(0), day(60));
    let (_, list) = call(&app, Method::GET, &path, None, None).await;
    let n = list["items"].as_array().unwrap().len();
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let res = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let _ = res.bytes().await.unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "BENCH {label} slots_60_days: {n} slots, {placed} bookings; p50 {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.9).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3
    );

    // 200 parallel bookings of one slot with 3 seats.
    let free = slots(&app, &id, &day(61), None).await;
    let start = if free.is_empty() {
        slots(&app, &id, &day(62), None).await
    } else {
        free
    };
    let start = start.iter().find(|s| s["remaining"] == 3).unwrap()["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let t = Instant::now();
    let attempts = (0..200).map(|i| {
        let (app, body) = (&app, booking(&id, &start, &format!("race{i}@example.it")));
        async move {
            let t = Instant::now();
            let s = book(app, None, &body).await.0;
            (s, t.elapsed())
        }
    });
    let results = join_all(attempts).await;
    let settle = t.elapsed();
    let created = results.iter().filter(|(s, _)| *s == 201).count();
    let full = results.iter().filter(|(s, _)| *s == 409).count();
    assert_eq!((created, full), (3, 197), "no oversell");
    let mut each: Vec<StdDuration> = results.iter().map(|(_, d)| *d).collect();
    each.sort();
    println!(
        "BENCH {label} parallel_200: {created} × 201, {full} × 409; all settled in {:.0} ms, p50 {:.0} ms, p99 {:.0} ms",
        settle.as_secs_f64() * 1e3,
        percentile(&each, 0.5).as_secs_f64() * 1e3,
        percentile(&each, 0.99).as_secs_f64() * 1e3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: scripts/agenda-bench.sh"]
async fn agenda_bench_sqlite() {
    bench(spawn_app(Backend::Sqlite).await, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: scripts/agenda-bench.sh"]
async fn agenda_bench_postgres() {
    if let Some(app) = spawn_app_opt(Backend::Postgres).await {
        bench(app, "postgres").await;
    }
}
