//! Golden cases and properties of the slot engine.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc};

use super::desk::{DeskRules, Service, validate_desk};
use super::slots::{Closure, Occupancy, SlotContext};
use super::time::rome_local;
use super::{DeskMode, Interval};
use crate::api::{DateOverrideDto, DeskServiceDto, SaveDesk, TimeRangeDto, WeeklyRangeDto};
use crate::calendar::{MonthDay, WorkingCalendar, rome_date};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn range(weekday: u8, start: &str, end: &str) -> WeeklyRangeDto {
    WeeklyRangeDto {
        weekday,
        start: start.into(),
        end: end.into(),
    }
}

/// Prato's Sportello al Cittadino: Tuesday and Friday 16–18, 30-minute appointments.
fn prato() -> SaveDesk {
    SaveDesk {
        name: "Sportello al Cittadino online".into(),
        office_id: "o".into(),
        mode: DeskMode::Both,
        address: Some("Piazza del Comune 2, Prato".into()),
        services: vec![DeskServiceDto {
            code: "verbali".into(),
            name: "Verbali e sanzioni".into(),
            duration_minutes: 30,
        }],
        capacity: 2,
        buffer_minutes: 0,
        booking_window_days: 30,
        min_notice_minutes: 60,
        cancel_until_minutes: 120,
        confirm_by_email: false,
        open_on_holidays: false,
        max_open_bookings_per_person: 2,
        weekly: vec![range(2, "16:00", "18:00"), range(5, "16:00", "18:00")],
        overrides: vec![],
    }
}

fn rules(desk: &SaveDesk) -> DeskRules {
    validate_desk(desk).unwrap().rules
}

fn service(r: &DeskRules) -> Service {
    r.services[0].clone()
}

/// The slots as Rome-local "YYYY-MM-DD HH:MM" strings.
fn local_slots(
    r: &DeskRules,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
    cal: &WorkingCalendar,
) -> Vec<String> {
    let ctx = SlotContext {
        now,
        calendar: cal,
        waive_notice: false,
    };
    r.slots(&service(r), from, to, &ctx, &Occupancy::new())
        .iter()
        .map(|s| rome_local(s.start).format("%Y-%m-%d %H:%M").to_string())
        .collect()
}

fn afternoon(date: &str) -> Vec<String> {
    ["16:00", "16:30", "17:00", "17:30"]
        .iter()
        .map(|t| format!("{date} {t}"))
        .collect()
}

#[test]
fn tuesday_friday_desk_around_the_immacolata() {
    let r = rules(&prato());
    let cal = WorkingCalendar::national();
    let now = at("2026-11-30T08:00:00Z");
    let got = local_slots(&r, d(2026, 12, 1), d(2026, 12, 12), now, &cal);
    // Tuesday 8 December is a national holiday: no slots; Friday 4 and 11 are open.
    let mut expected = afternoon("2026-12-01");
    expected.extend(afternoon("2026-12-04"));
    expected.extend(afternoon("2026-12-11"));
    assert_eq!(got, expected);
    // 16:00 in December is 15:00 UTC.
    let ctx = SlotContext {
        now,
        calendar: &cal,
        waive_notice: false,
    };
    let first = r.slots(
        &service(&r),
        d(2026, 12, 1),
        d(2026, 12, 1),
        &ctx,
        &Occupancy::new(),
    )[0];
    assert_eq!(first.start, at("2026-12-01T15:00:00Z"));
    assert_eq!(first.end, at("2026-12-01T15:30:00Z"));
    assert_eq!(first.remaining, 2);
    assert_eq!(r.day_ranges(d(2026, 12, 8), &cal), Err(Closure::Holiday));
    let err = r
        .check_start(&service(&r), at("2026-12-08T15:00:00Z"), &ctx)
        .unwrap_err();
    assert_eq!(err.field_errors()[0].field, "start");
    assert!(
        err.field_errors()[0].message.it.contains("08/12/2026"),
        "{err}"
    );
    // The public sees the holiday among the notices (a Tuesday the desk would open).
    let notices = r.notices(now, &cal);
    assert!(
        notices
            .iter()
            .any(|n| n.date == d(2026, 12, 8) && n.closed && n.holiday)
    );
    assert!(!notices.iter().any(|n| n.date == d(2026, 12, 7)));
}

#[test]
fn christmas_and_new_year() {
    let r = rules(&prato());
    let cal = WorkingCalendar::national();
    let now = at("2026-12-15T09:00:00Z");
    let got = local_slots(&r, d(2026, 12, 18), d(2027, 1, 8), now, &cal);
    let days: Vec<&str> = got
        .iter()
        .map(|s| &s[..10])
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // Friday 25 December and Friday 1 January are holidays; Tuesdays 22 and 29 December
    // and 5 January are open, as is Friday 8 January (Epiphany is Wednesday 6).
    assert_eq!(
        days,
        [
            "2026-12-18",
            "2026-12-22",
            "2026-12-29",
            "2027-01-05",
            "2027-01-08"
        ]
    );
    // Open on holidays: Christmas gets its slots.
    let mut open = prato();
    open.open_on_holidays = true;
    let got = local_slots(&rules(&open), d(2026, 12, 25), d(2026, 12, 25), now, &cal);
    assert_eq!(got, afternoon("2026-12-25"));
}

#[test]
fn patron_saint_closes_weekday_mornings() {
    // Weekday mornings 9–12 in a Comune whose patron is Sant'Ambrogio (7 December, a
    // Monday in 2026), next to the Immacolata.
    let mut desk = prato();
    desk.weekly = (1..=5).map(|w| range(w, "09:00", "12:00")).collect();
    desk.weekly.push(range(2, "16:00", "18:00"));
    let r = rules(&desk);
    let cal = WorkingCalendar::new(Some(MonthDay::parse("12-07").unwrap()), []);
    let now = at("2026-12-01T07:00:00Z");
    let got = local_slots(&r, d(2026, 12, 7), d(2026, 12, 9), now, &cal);
    assert!(got.iter().all(|s| s.starts_with("2026-12-09")), "{got:?}");
    assert_eq!(got.len(), 6);
    assert_eq!(got[0], "2026-12-09 09:00");
    assert_eq!(got[5], "2026-12-09 11:30");
    // Elsewhere the 7th is a working day.
    let got = local_slots(
        &r,
        d(2026, 12, 7),
        d(2026, 12, 7),
        now,
        &WorkingCalendar::national(),
    );
    assert_eq!(got.len(), 6);
    // A tenant closure day closes the desk too.
    let cal = WorkingCalendar::new(None, [d(2026, 12, 9)]);
    assert!(local_slots(&r, d(2026, 12, 9), d(2026, 12, 9), now, &cal).is_empty());
}

#[test]
fn closure_and_changed_hours_overrides() {
    let mut desk = prato();
    desk.overrides = vec![
        DateOverrideDto {
            date: d(2026, 12, 11),
            closed: true,
            ranges: None,
            note: Some("Chiusura straordinaria per formazione del personale".into()),
        },
        DateOverrideDto {
            date: d(2026, 12, 15),
            closed: false,
            ranges: Some(vec![TimeRangeDto {
                start: "09:00".into(),
                end: "10:00".into(),
            }]),
            note: Some("Solo al mattino".into()),
        },
        // A Saturday that opens by exception, with a holiday override on top of weekly.
        DateOverrideDto {
            date: d(2026, 12, 12),
            closed: false,
            ranges: Some(vec![TimeRangeDto {
                start: "10:00".into(),
                end: "11:00".into(),
            }]),
            note: None,
        },
        DateOverrideDto {
            date: d(2026, 12, 18),
            closed: false,
            ranges: None,
            note: Some("Ingresso dal retro".into()),
        },
    ];
    let r = rules(&desk);
    let cal = WorkingCalendar::national();
    let now = at("2026-12-09T08:00:00Z");
    let got = local_slots(&r, d(2026, 12, 11), d(2026, 12, 18), now, &cal);
    let mut expected = vec!["2026-12-12 10:00".to_owned(), "2026-12-12 10:30".to_owned()];
    expected.extend(["2026-12-15 09:00".to_owned(), "2026-12-15 09:30".to_owned()]);
    expected.extend(afternoon("2026-12-18"));
    assert_eq!(got, expected);
    let ctx = SlotContext {
        now,
        calendar: &cal,
        waive_notice: false,
    };
    let err = r
        .check_start(&service(&r), at("2026-12-11T15:00:00Z"), &ctx)
        .unwrap_err();
    assert!(
        err.field_errors()[0].message.it.contains("formazione"),
        "{err}"
    );
    // The usual 16:00 of Tuesday 15 is not a slot that day.
    assert!(
        r.check_start(&service(&r), at("2026-12-15T15:00:00Z"), &ctx)
            .is_err()
    );
    assert!(
        r.check_start(&service(&r), at("2026-12-15T08:00:00Z"), &ctx)
            .is_ok()
    );
    let notices: Vec<(u32, bool, String)> = r
        .notices(now, &cal)
        .iter()
        .filter(|n| !n.holiday)
        .map(|n| (n.date.day(), n.closed, n.note.clone().unwrap_or_default()))
        .collect();
    let expected = [
        (
            11,
            true,
            "Chiusura straordinaria per formazione del personale",
        ),
        (12, false, ""),
        (15, false, "Solo al mattino"),
        (18, false, "Ingresso dal retro"),
    ];
    assert_eq!(notices, expected.map(|(d, c, n)| (d, c, n.to_owned())));
}

#[test]
fn october_dst_change_keeps_wall_clock() {
    let r = rules(&prato());
    let cal = WorkingCalendar::national();
    let now = at("2026-10-15T08:00:00Z");
    let ctx = SlotContext {
        now,
        calendar: &cal,
        waive_notice: false,
    };
    let firsts: Vec<DateTime<Utc>> = [
        d(2026, 10, 20),
        d(2026, 10, 23),
        d(2026, 10, 27),
        d(2026, 10, 30),
    ]
    .iter()
    .map(|&day| r.slots(&service(&r), day, day, &ctx, &Occupancy::new())[0].start)
    .collect();
    // Summer time until Sunday 25 October: 16:00 is 14:00 UTC, then 15:00 UTC.
    assert_eq!(
        firsts,
        [
            at("2026-10-20T14:00:00Z"),
            at("2026-10-23T14:00:00Z"),
            at("2026-10-27T15:00:00Z"),
            at("2026-10-30T15:00:00Z"),
        ]
    );
    // Each day still has its four slots.
    let got = local_slots(&r, d(2026, 10, 19), d(2026, 10, 31), now, &cal);
    assert_eq!(got.len(), 16);
}

#[test]
fn window_and_minimum_notice() {
    let mut desk = prato();
    desk.booking_window_days = 7;
    let r = rules(&desk);
    let cal = WorkingCalendar::national();
    // Tuesday 1 December, 16:30 in Rome: with 60 minutes' notice only 17:30 is left today.
    let now = at("2026-12-01T15:30:00Z");
    let got = local_slots(&r, d(2026, 12, 1), d(2026, 12, 31), now, &cal);
    assert_eq!(got[0], "2026-12-01 17:30");
    // The window ends on Tuesday 8 (a holiday): Friday 4 is the last day with slots.
    assert_eq!(got.last().unwrap(), "2026-12-04 17:30");
    assert_eq!(got.len(), 5);
    let ctx = SlotContext {
        now,
        calendar: &cal,
        waive_notice: false,
    };
    let svc = service(&r);
    let field = |start: &str, ctx: &SlotContext<'_>| {
        r.check_start(&svc, at(start), ctx)
            .map_err(|e| e.field_errors()[0].message.en.to_string())
    };
    assert!(
        field("2026-12-01T16:00:00Z", &ctx)
            .unwrap_err()
            .contains("60 minutes")
    );
    assert!(
        field("2026-12-11T15:00:00Z", &ctx)
            .unwrap_err()
            .contains("7 days")
    );
    assert!(
        field("2026-12-01T15:00:00Z", &ctx)
            .unwrap_err()
            .contains("passed")
    );
    assert!(
        field("2026-12-04T15:10:00Z", &ctx)
            .unwrap_err()
            .contains("Not a slot")
    );
    // An operator on the phone books the 17:00 slot anyway.
    let staff = SlotContext {
        waive_notice: true,
        ..ctx
    };
    assert!(field("2026-12-01T16:00:00Z", &staff).is_ok());
    assert_eq!(
        r.changeable_until(at("2026-12-04T15:00:00Z")),
        at("2026-12-04T13:00:00Z")
    );
}

#[test]
fn services_of_different_lengths_share_the_seats() {
    let mut desk = prato();
    desk.capacity = 1;
    desk.buffer_minutes = 10;
    desk.services.push(DeskServiceDto {
        code: "lungo".into(),
        name: "Pratica complessa".into(),
        duration_minutes: 60,
    });
    let r = rules(&desk);
    let cal = WorkingCalendar::national();
    let now = at("2026-11-30T08:00:00Z");
    let ctx = SlotContext {
        now,
        calendar: &cal,
        waive_notice: false,
    };
    let short = r.service("verbali").unwrap();
    let long = r.service("lungo").unwrap();
    let day = d(2026, 12, 4);
    // 30 + 10 minutes a step: 16:00, 16:40, 17:20 (17:20–17:50 ends before 18:00).
    let starts: Vec<String> = r
        .day_slots(short, day, &cal)
        .iter()
        .map(|i| rome_local(i.start).format("%H:%M").to_string())
        .collect();
    assert_eq!(starts, ["16:00", "16:40", "17:20"]);
    // A long appointment at 16:00 takes the cells 16:00–17:10 (with its buffer).
    let booked = r.day_slots(long, day, &cal)[0];
    let mut occ = Occupancy::new();
    for c in r.cells(booked) {
        *occ.entry(c).or_default() += 1;
    }
    assert_eq!(r.cells(booked).len(), 14);
    let left: Vec<u32> = r
        .slots(short, day, day, &ctx, &occ)
        .iter()
        .map(|s| s.remaining)
        .collect();
    assert_eq!(left, [0, 0, 1]);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn hhmm(m: u32) -> String {
        format!("{:02}:{:02}", m / 60, m % 60)
    }

    /// A random desk: 0–3 ranges a day on the 5-minute grid, 1–3 services, capacity 1–4,
    /// a buffer, some overrides, open on holidays or not.
    fn any_desk() -> impl Strategy<Value = SaveDesk> {
        let day_ranges = prop::collection::vec((0u32..288, 1u32..48), 0..3);
        (
            prop::collection::vec(day_ranges, 7),
            prop::collection::vec(1u32..=24, 1..=3),
            1u32..=4,
            0u32..=6,
            any::<bool>(),
            prop::collection::vec((0i64..70, any::<bool>(), 0u32..280, 1u32..24), 0..6),
        )
            .prop_map(|(days, durations, capacity, buffer, holidays, overrides)| {
                let mut weekly = Vec::new();
                for (w, ranges) in days.iter().enumerate() {
                    // Disjoint ranges: each starts where the previous one ended at the earliest.
                    let mut from = 0;
                    for (gap, len) in ranges {
                        let start = (from + gap % 60).min(287);
                        let end = (start + len).min(288);
                        if end <= start {
                            break;
                        }
                        weekly.push(range(w as u8 + 1, &hhmm(start * 5), &hhmm(end * 5)));
                        from = end;
                    }
                }
                let base = d(2026, 1, 1);
                let mut seen = std::collections::BTreeSet::new();
                let overrides = overrides
                    .into_iter()
                    .filter(|(off, ..)| seen.insert(*off))
                    .map(|(off, closed, start, len)| DateOverrideDto {
                        date: base + Duration::days(off * 17 % 1400),
                        closed,
                        ranges: (!closed).then(|| {
                            vec![TimeRangeDto {
                                start: hhmm(start * 5),
                                end: hhmm(((start + len).min(288)) * 5),
                            }]
                        }),
                        note: Some("Avviso".into()),
                    })
                    .collect();
                SaveDesk {
                    services: durations
                        .iter()
                        .enumerate()
                        .map(|(i, m)| DeskServiceDto {
                            code: format!("s{i}"),
                            name: format!("S{i}"),
                            duration_minutes: m * 5,
                        })
                        .collect(),
                    capacity,
                    buffer_minutes: buffer * 5,
                    open_on_holidays: holidays,
                    booking_window_days: 60,
                    min_notice_minutes: 0,
                    weekly,
                    overrides,
                    ..prato()
                }
            })
    }

    fn any_calendar() -> impl Strategy<Value = WorkingCalendar> {
        (
            prop::option::of((1u32..=12, 1u32..=28)),
            prop::collection::vec(0i64..1400, 0..10),
        )
            .prop_map(|(p, c)| {
                WorkingCalendar::new(
                    p.map(|(m, day)| MonthDay::new(m, day).unwrap()),
                    c.into_iter().map(|o| d(2026, 1, 1) + Duration::days(o)),
                )
            })
    }

    /// Any minute from 2026 to 2029, DST weeks included.
    fn any_now() -> impl Strategy<Value = DateTime<Utc>> {
        (0i64..4 * 365 * 24 * 12)
            .prop_map(|n| at("2026-01-01T00:00:00Z") + Duration::minutes(n * 5))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// No slot falls on a closed override, a holiday (unless the desk opens on holidays
        /// or that date has hours of its own), outside the day's ranges, or overlaps another
        /// slot of the same service; and every slot keeps its wall-clock time.
        #[test]
        fn slots_respect_closures_ranges_and_each_other(desk in any_desk(), cal in any_calendar(), now in any_now()) {
            let r = rules(&desk);
            let ctx = SlotContext { now, calendar: &cal, waive_notice: false };
            let (first, last) = r.bookable_dates(now);
            for svc in &r.services {
                let slots = r.slots(svc, first, last, &ctx, &Occupancy::new());
                let buffer = Duration::minutes(i64::from(r.buffer_minutes));
                for w in slots.windows(2) {
                    prop_assert!(w[1].start >= w[0].end + buffer, "overlap {:?} {:?}", w[0], w[1]);
                }
                for s in &slots {
                    prop_assert!(s.start > now);
                    prop_assert_eq!(s.end - s.start, Duration::minutes(i64::from(svc.duration_minutes)));
                    let date = rome_date(s.start);
                    prop_assert!(date >= first && date <= last);
                    let own_hours = matches!(r.overrides.get(&date).map(|o| &o.hours), Some(super::super::desk::OverrideHours::Ranges(_)));
                    prop_assert!(!matches!(r.overrides.get(&date).map(|o| &o.hours), Some(super::super::desk::OverrideHours::Closed)));
                    if !r.open_on_holidays && !own_hours {
                        prop_assert!(!cal.is_holiday(date), "slot on holiday {date}");
                    }
                    let ranges = r.day_ranges(date, &cal).unwrap();
                    let local = rome_local(s.start);
                    let start_min = local.time().num_seconds_from_midnight() / 60;
                    prop_assert_eq!(local.date(), date);
                    prop_assert!(
                        ranges.iter().any(|rg| start_min >= rg.start.minutes() && start_min + svc.duration_minutes <= rg.end.minutes()),
                        "slot {local} outside {ranges:?}"
                    );
                    prop_assert_eq!(s.remaining, r.capacity);
                }
            }
        }

        /// Booking only where seats are left never exceeds the capacity of any cell, and
        /// the seats left are never negative, even when the stored occupancy is above the
        /// capacity (a capacity lowered after bookings).
        #[test]
        fn capacity_is_never_exceeded(desk in any_desk(), now in any_now(), picks in prop::collection::vec((0usize..1000, 0usize..3), 1..80), extra in prop::collection::vec((0usize..1000, 0u32..10), 0..5)) {
            let r = rules(&desk);
            let cal = WorkingCalendar::national();
            let ctx = SlotContext { now, calendar: &cal, waive_notice: false };
            let (first, last) = r.bookable_dates(now);
            let lists: Vec<Vec<Interval>> = r.services.iter().map(|s| {
                r.slots(s, first, last, &ctx, &Occupancy::new()).iter().map(|x| Interval { start: x.start, end: x.end }).collect()
            }).collect();
            let mut occ = Occupancy::new();
            for (i, si) in picks {
                let list = &lists[si % lists.len()];
                if list.is_empty() { continue; }
                let iv = list[i % list.len()];
                if r.remaining(iv, &occ) > 0 {
                    for c in r.cells(iv) { *occ.entry(c).or_default() += 1; }
                }
            }
            prop_assert!(occ.values().all(|&n| n <= r.capacity));
            // Overbook some cells on purpose: what is left saturates at 0.
            for (i, n) in extra {
                if let Some(list) = lists.first().filter(|l| !l.is_empty()) {
                    let iv = list[i % list.len()];
                    *occ.entry(iv.start).or_default() += r.capacity + n;
                }
            }
            for svc in &r.services {
                for s in r.slots(svc, first, last, &ctx, &occ) {
                    let busiest = r.cells(Interval { start: s.start, end: s.end }).iter().map(|c| occ.get(c).copied().unwrap_or(0)).max().unwrap_or(0);
                    prop_assert_eq!(i64::from(s.remaining), (i64::from(r.capacity) - i64::from(busiest)).max(0));
                }
            }
        }

        /// In the weeks of the spring and autumn changes of any year, a Tuesday 16:00 slot
        /// is at 16:00 in Rome: 15:00 UTC in winter, 14:00 UTC in summer.
        #[test]
        fn dst_weeks(year in 2020i32..2060, autumn in any::<bool>(), week_offset in -1i64..=1) {
            let month = if autumn { 10 } else { 3 };
            let last = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap() - Duration::days(1);
            let sunday = last - Duration::days(i64::from(last.weekday().num_days_from_sunday()));
            // The Tuesday before and after the change, and one more week each way.
            let tuesday = sunday + Duration::days(2 + 7 * week_offset);
            let before = sunday - Duration::days(5);
            let r = rules(&prato());
            let cal = WorkingCalendar::national();
            let now = (sunday - Duration::days(10)).and_hms_opt(0, 0, 0).unwrap().and_utc();
            let ctx = SlotContext { now, calendar: &cal, waive_notice: false };
            for day in [before, tuesday] {
                if cal.is_holiday(day) { continue; }
                let slots = r.slots(&service(&r), day, day, &ctx, &Occupancy::new());
                prop_assert_eq!(slots.len(), 4);
                let local = rome_local(slots[0].start);
                prop_assert_eq!(local.time(), NaiveTime::from_hms_opt(16, 0, 0).unwrap());
                let summer = (day > sunday) != autumn;
                prop_assert_eq!(slots[0].start.hour(), if summer { 14 } else { 15 }, "{}", day);
            }
        }
    }
}
