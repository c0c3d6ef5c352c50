//! The register report read as a stream of the figures' inputs equals the aggregation of
//! the full register entries, on a generated register with late, open, overdue and
//! suspended requests, requests across the period's edges and the summer-time switches.

use api::db::schema::{requests, tenants};
use api::services::registry::{self, Period};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::calendar::{MonthDay, WorkingCalendar};
use domain::registry::{Aggregator, RegisterReport};
use serde_json::Value;

use crate::helpers::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
}

/// 3,000 requests from 30 December 2024 to 2 January 2026 (UTC, microsecond times), plus
/// requests on the edges: Rome's new year at 23:00 UTC and the summer-time switches.
fn insert_register(app: &TestApp) -> String {
    let tenant: String = app
        .state
        .db
        .read(|c| {
            tenants::table
                .filter(tenants::is_default.eq(true))
                .select(tenants::id)
                .first::<String>(c)
        })
        .unwrap();
    let kinds: [(&str, &str, Option<i32>); 6] = [
        ("tari_reclamo", "reclamo", Some(30)),
        ("tari_informazioni", "informazioni", Some(30)),
        ("tari_rettifica", "rettifica_importi", Some(60)),
        ("segnalazione_disservizio", "disservizio", Some(5)),
        ("altro", "altro", None),
        // The same kind filed under another standard later on: the first one counts.
        ("tari_reclamo_breve", "reclamo", Some(20)),
    ];
    let statuses = [
        "received",
        "assigned",
        "in_progress",
        "waiting_citizen",
        "resolved",
        "closed",
        "rejected",
        "withdrawn",
    ];
    let causes = [
        None,
        Some("forza_maggiore"),
        Some("utente_o_terzi"),
        Some("gestore"),
    ];
    let start = at("2024-12-30 00:00:00");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let mut received: Vec<NaiveDateTime> = (0..3_000)
        .map(|_| {
            start
                + Duration::seconds(next(368 * 86_400) as i64)
                + Duration::microseconds(next(1_000_000) as i64)
        })
        .collect();
    for edge in [
        "2024-12-31 22:59:59.999999",
        "2024-12-31 23:00:00",
        "2025-12-31 22:59:59.5",
        "2025-12-31 23:00:00",
        "2025-03-30 00:59:59.75",
        "2025-03-30 01:00:00",
        "2025-10-26 00:59:59.25",
        "2025-10-26 01:00:00",
    ] {
        received.push(at(edge));
        received.push(at(edge));
    }
    let now = chrono::Utc::now().naive_utc();
    let rows: Vec<_> = received
        .into_iter()
        .enumerate()
        .map(|(n, received_at)| {
            // The shorter reclamo standard only from the autumn on.
            let k = next(if received_at > at("2025-09-01 00:00:00") {
                6
            } else {
                5
            }) as usize;
            let (type_code, kind, days) = kinds[k];
            let status = statuses[next(8) as usize];
            let answered = matches!(status, "resolved" | "closed");
            let resolved_at = answered.then(|| {
                received_at
                    + Duration::seconds(next(90 * 86_400) as i64)
                    + Duration::microseconds(next(1_000_000) as i64)
            });
            let due_date =
                days.map(|s| received_at.date() + Duration::days(i64::from(s) * 7 / 5 + 2));
            (
                requests::id.eq(format!("00000000-0000-7000-8000-{:012x}", 5_000 - n)),
                requests::tenant_id.eq(tenant.clone()),
                requests::protocol_number.eq(format!("2025/{n:07}")),
                requests::type_code.eq(type_code),
                requests::kind.eq(kind),
                requests::channel.eq("portal"),
                requests::subject.eq("Richiesta"),
                requests::description.eq("Testo"),
                requests::fields.eq(r#"{"codice_utenza":"UT-1"}"#),
                requests::status.eq(status),
                requests::received_at.eq(received_at),
                requests::standard_days.eq(days),
                requests::due_date.eq(due_date),
                requests::suspended_working_days.eq(next(7) as i32),
                requests::resolved_at.eq(resolved_at),
                requests::lateness_cause.eq(causes[next(4) as usize]),
                (requests::created_at.eq(now), requests::updated_at.eq(now)),
            )
        })
        .collect();
    app.state
        .db
        .write_tx(|c| {
            for row in rows {
                diesel::insert_into(requests::table)
                    .values(row)
                    .execute(c)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
    tenant
}

/// The register as computed before streaming: every full entry, page by page, into the
/// domain's aggregator.
fn by_entries(
    app: &TestApp,
    tenant: &str,
    calendar: &WorkingCalendar,
    period: Period,
    today: NaiveDate,
) -> RegisterReport {
    let mut agg = Aggregator::new(period.from, period.to, today, calendar);
    registry::for_each_entry(&app.state, tenant, period, |e| agg.add(e)).unwrap();
    agg.finish()
}

db_test!(streamed_register_equals_the_aggregation_of_full_entries);
async fn streamed_register_equals_the_aggregation_of_full_entries(app: TestApp) {
    let tenant = insert_register(&app);
    let calendar = WorkingCalendar::new(
        Some(MonthDay::new(6, 24).unwrap()),
        [d(2025, 8, 14), d(2025, 12, 24), d(2025, 12, 27)],
    );
    let today = d(2025, 10, 15);
    for (from, to) in [
        (d(2025, 1, 1), d(2025, 12, 31)),
        (d(2025, 3, 30), d(2025, 3, 30)),
        (d(2025, 10, 1), d(2026, 1, 31)),
        (d(2024, 12, 1), d(2024, 12, 31)),
    ] {
        let period = Period { from, to };
        let expected = by_entries(&app, &tenant, &calendar, period, today);
        let streamed = registry::aggregate(&app.state, &tenant, &calendar, period, today).unwrap();
        assert_eq!(streamed, expected, "{from}..{to}");
    }

    // The year's register exercises every figure.
    let year = Period {
        from: d(2025, 1, 1),
        to: d(2025, 12, 31),
    };
    let r = registry::aggregate(&app.state, &tenant, &calendar, year, today).unwrap();
    let t = &r.total;
    assert!(t.received > 2_000 && t.received < 3_016, "{t:?}");
    assert!(t.resolved_within_standard > 0 && t.resolved > t.resolved_within_standard);
    assert!(t.open > t.open_overdue && t.open_overdue > 0, "{t:?}");
    assert!(t.late_forza_maggiore > 0 && t.late_utente_o_terzi > 0 && t.late_gestore > 0);
    assert!(t.percent_within_standard < t.percent_within_standard_excluding_excused);
    assert!(
        t.average_working_days < t.average_working_days_gross,
        "{t:?}"
    );
    let line = |k: &str| {
        r.kinds
            .iter()
            .find(|l| l.kind.map(domain::catalogue::RequestKind::code) == Some(k))
            .unwrap_or_else(|| panic!("no {k} line"))
    };
    assert_eq!(line("reclamo").standard_days, Some(30));
    assert_eq!(line("altro").percent_within_standard, None);
    assert!(line("altro").resolved > 0);

    // The endpoint answers the same report (as of today).
    let office = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&office]);
    let op = app.token("op@comune.test").await;
    let res = app
        .get("/registry?from=2025-01-01&to=2025-12-31", Some(&op))
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let row = app
        .state
        .db
        .read(api::db::repo::tenants::default_tenant)
        .unwrap()
        .unwrap();
    let tenant_calendar = api::db::repo::tenants::to_ctx(row).calendar;
    let today = domain::calendar::rome_date(chrono::Utc::now());
    let expected = by_entries(&app, &tenant, &tenant_calendar, year, today);
    assert_eq!(body, serde_json::to_value(&expected).unwrap());
}
