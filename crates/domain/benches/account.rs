//! The estratto conto of a contribuente with many acts and payments, and of a whole
//! tenant's acts. Run with `cargo bench -p domain --bench account`; numbers go to
//! BENCHMARKS.md.

use std::hint::black_box;

use chrono::{Duration, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use domain::tax::acts::NewAct;
use domain::tax::statement::statement;
use domain::tax::{AccountRules, Act, ActKind, ActLedger, Payment, PaymentChannel, Tributo};
use domain::types::Money;

/// Deterministic xorshift.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// `acts` acts issued 2019–2026 (all six kinds, 1–4 instalments each) and about
/// `payments_per_act` payments on each, some partial, some late, some naming an instalment.
fn ledger(acts: usize, payments_per_act: usize, seed: u64) -> Vec<(Act, Vec<Payment>)> {
    let mut rng = Rng(seed);
    let start = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
    (0..acts)
        .map(|i| {
            let issued = start + Duration::days(rng.next(2_700) as i64);
            let count = 1 + rng.next(4) as usize;
            let instalments: Vec<(NaiveDate, Money)> = (0..count)
                .map(|k| {
                    (
                        issued + Duration::days(60 + 90 * k as i64),
                        Money::from_cents(5_000 + rng.next(200_000) as i64),
                    )
                })
                .collect();
            let total: i64 = instalments.iter().map(|(_, m)| m.cents()).sum();
            let act = Act::new(NewAct {
                kind: ActKind::ALL[i % ActKind::ALL.len()],
                tributo: Tributo::Tari,
                number: format!("{i}"),
                year: 2019,
                issued_on: issued,
                notified_on: None,
                components: None,
                instalments,
            })
            .unwrap();
            let payments = (0..payments_per_act)
                .map(|_| Payment {
                    date: issued + Duration::days(rng.next(1_500) as i64),
                    amount: Money::from_cents(1 + rng.next(total as u64 / 3) as i64),
                    channel: PaymentChannel::Pagopa,
                    reference: String::new(),
                    instalment: (rng.next(4) == 0).then(|| 1 + rng.next(count as u64) as u32),
                })
                .collect();
            (act, payments)
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let rules = AccountRules::default();
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let mut g = c.benchmark_group("account");
    g.sample_size(20);

    let one = ledger(200, 5, 0x2545_F491_4F6C_DD1D);
    let ledgers: Vec<ActLedger<'_>> = one
        .iter()
        .map(|(act, payments)| ActLedger {
            act,
            payments,
            adjustments: &[],
        })
        .collect();
    g.bench_function("statement_200_acts_1000_payments", |b| {
        b.iter(|| black_box(statement(black_box(&ledgers), as_of, &rules).unwrap()));
    });

    let tenant = ledger(100_000, 2, 0x9E37_79B9_7F4A_7C15);
    let ledgers: Vec<ActLedger<'_>> = tenant
        .iter()
        .map(|(act, payments)| ActLedger {
            act,
            payments,
            adjustments: &[],
        })
        .collect();
    g.sample_size(10);
    g.bench_function("statement_100k_acts_200k_payments", |b| {
        b.iter(|| black_box(statement(black_box(&ledgers), as_of, &rules).unwrap()));
    });
    g.finish();
}

criterion_group!(account_benches, benches);
criterion_main!(account_benches);
