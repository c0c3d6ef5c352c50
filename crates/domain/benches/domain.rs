//! Register over 1,000,000 requests and 1,000,000 deadline computations.
//! Run with `cargo bench -p domain`; numbers go to BENCHMARKS.md.

use std::hint::black_box;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use domain::calendar::{MonthDay, WorkingCalendar};
use domain::catalogue::{Channel, RequestKind};
use domain::deadline::{self, LatenessCause};
use domain::lifecycle::Status;
use domain::registry::{self, RegisterEntry};

const N: usize = 1_000_000;

fn calendar() -> WorkingCalendar {
    let closures = [
        NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    ];
    WorkingCalendar::new(Some(MonthDay::new(12, 7).unwrap()), closures)
}

/// Deterministic pseudo-random instants spread over 2026.
fn instants() -> Vec<DateTime<Utc>> {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..N)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            start + Duration::seconds((x % (365 * 86_400)) as i64)
        })
        .collect()
}

fn entries(cal: &WorkingCalendar) -> Vec<RegisterEntry> {
    instants()
        .into_iter()
        .enumerate()
        .map(|(i, received_at)| {
            let kind = RequestKind::ALL[i % RequestKind::ALL.len()];
            let standard_days = kind.default_standard_days();
            let resolved_at = (i % 5 != 0).then(|| received_at + Duration::days((i % 60) as i64));
            RegisterEntry {
                protocol_number: format!("2026/{:07}", i + 1),
                kind,
                channel: Channel::ALL[i % Channel::ALL.len()],
                codice_utente: Some(format!("U{:06}", i % 50_000)),
                codice_utenza: None,
                received_at,
                standard_days,
                due_date: deadline::due_date(received_at, standard_days, cal),
                status: if resolved_at.is_some() {
                    Status::Resolved
                } else {
                    Status::InProgress
                },
                resolved_at,
                suspended_working_days: (i % 3) as u32,
                lateness_cause: (i % 7 == 0).then_some(LatenessCause::UtenteOTerzi),
            }
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let cal = calendar();
    let times = instants();
    let mut g = c.benchmark_group("domain");
    g.sample_size(10);
    g.bench_function("deadlines_1m", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for (i, t) in times.iter().enumerate() {
                let days = [5, 15, 30, 60, 120][i % 5];
                let due = deadline::due_date(*t, Some(days), &cal).unwrap();
                acc = acc.wrapping_add(due.ordinal());
            }
            black_box(acc)
        });
    });
    let entries = entries(&cal);
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let today = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
    g.bench_function("register_1m", |b| {
        b.iter(|| black_box(registry::aggregate(&entries, from, to, today, &cal)));
    });
    g.bench_function("register_csv_1m", |b| {
        b.iter(|| {
            let mut bytes = 0usize;
            for e in &entries {
                bytes += e.csv_row(&cal).len() + 1;
            }
            black_box(bytes)
        });
    });
    g.finish();
}

use chrono::Datelike;

/// The demo Riciclabolario replicated to 5,000 items, indexed by name (3), synonyms (2)
/// and notes (1), searched with two typos.
fn search(c: &mut Criterion) {
    fn cells(line: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(ch) = chars.next() {
            match (ch, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    out.last_mut().unwrap().push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => out.push(String::new()),
                _ => out.last_mut().unwrap().push(ch),
            }
        }
        out
    }
    let rows: Vec<Vec<String>> = include_str!("../data/riciclabolario-demo.csv")
        .lines()
        .skip(1)
        .map(cells)
        .collect();
    let build = || {
        let mut index = domain::search::Index::new();
        for row in rows.iter().cycle().take(5_000) {
            index.add(&[(&row[0], 3.0), (&row[5], 2.0), (&row[4], 1.0)]);
        }
        index
    };
    let index = build();
    assert_eq!(index.len(), 5_000);
    let mut g = c.benchmark_group("domain");
    g.bench_function("search", |b| {
        b.iter(|| black_box(index.search(black_box("botiglia di plastca"), 10)));
    });
    g.sample_size(10);
    g.bench_function("search_index_5k", |b| b.iter(|| black_box(build().len())));
    g.finish();
}

criterion_group!(domain_benches, benches, search);
criterion_main!(domain_benches);
