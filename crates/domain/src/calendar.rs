//! The working-day calendar of a tenant, in which TQRIF deadlines are counted.
//!
//! A working day is Monday–Friday that is neither an Italian national holiday, nor the
//! tenant's patron-saint day, nor one of its extra closure days. Counting jumps whole
//! weeks arithmetically and then corrects for the holidays in the span, so its cost
//! depends on the span's length in years (one or two), never on how far the dates are
//! from any epoch.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// A day of the year without a year, such as a patron saint's feast (`"12-07"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthDay {
    month: u32,
    day: u32,
}

impl MonthDay {
    pub fn new(month: u32, day: u32) -> Result<Self, DomainError> {
        // 2024 is a leap year, so 29 February is accepted (it then applies in leap years).
        if NaiveDate::from_ymd_opt(2024, month, day).is_some() {
            Ok(Self { month, day })
        } else {
            Err(DomainError::invalid(
                "patron_saint",
                "Giorno non valido: usare il formato MM-GG (es. 12-07)",
                "Invalid day: use the MM-DD format (e.g. 12-07)",
            ))
        }
    }

    /// Parses `"MM-DD"`.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let bad = || MonthDay::new(0, 0).unwrap_err();
        let (m, d) = input.trim().split_once('-').ok_or_else(bad)?;
        if m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        Self::new(m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?)
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn day(self) -> u32 {
        self.day
    }

    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
    }
}

impl std::fmt::Display for MonthDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl Serialize for MonthDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MonthDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        MonthDay::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is always a valid date")
}

pub fn easter_monday(year: i32) -> NaiveDate {
    easter_sunday(year) + Duration::days(1)
}

/// Fixed-date national holidays (L. 260/1949 and later laws), month and day.
const FIXED_HOLIDAYS: [(u32, u32); 10] = [
    (1, 1),
    (1, 6),
    (4, 25),
    (5, 1),
    (6, 2),
    (8, 15),
    (11, 1),
    (12, 8),
    (12, 25),
    (12, 26),
];

/// San Francesco d'Assisi became a national holiday again from 2026.
const SAN_FRANCESCO_FROM: i32 = 2026;

/// True when `date` is an Italian national holiday (Sundays aside).
pub fn is_national_holiday(date: NaiveDate) -> bool {
    let md = (date.month(), date.day());
    FIXED_HOLIDAYS.contains(&md)
        || (md == (10, 4) && date.year() >= SAN_FRANCESCO_FROM)
        || ((3..=4).contains(&md.0) && date == easter_monday(date.year()))
}

/// The calendar of one tenant (Comune or TARI operator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    patron_saint: Option<MonthDay>,
    /// Sorted and without duplicates, for binary search.
    closures: Vec<NaiveDate>,
    /// Holidays of the years in [`CACHED_YEARS`], computed once when the calendar is
    /// built; other years are computed when asked.
    cached: Vec<YearHolidays>,
}

/// Years whose holidays a calendar keeps ready: where practically every deadline falls.
const CACHED_YEARS: std::ops::Range<i32> = 2000..2100;

impl Default for WorkingCalendar {
    fn default() -> Self {
        Self::new(None, [])
    }
}

impl WorkingCalendar {
    pub fn new(
        patron_saint: Option<MonthDay>,
        closures: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        let mut closures: Vec<NaiveDate> = closures.into_iter().collect();
        closures.sort_unstable();
        closures.dedup();
        let cached = CACHED_YEARS
            .map(|y| YearHolidays::new(y, patron_saint))
            .collect();
        Self {
            patron_saint,
            closures,
            cached,
        }
    }

    /// Only the national calendar.
    pub fn national() -> Self {
        Self::default()
    }

    fn year_holidays(&self, year: i32) -> YearHolidays {
        if CACHED_YEARS.contains(&year) {
            self.cached[(year - CACHED_YEARS.start) as usize]
        } else {
            YearHolidays::new(year, self.patron_saint)
        }
    }

    pub fn patron_saint(&self) -> Option<MonthDay> {
        self.patron_saint
    }

    pub fn closures(&self) -> &[NaiveDate] {
        &self.closures
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        is_weekday(date) && !self.is_holiday(date)
    }

    /// A national holiday, the patron saint or a closure, whatever the weekday.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        is_national_holiday(date)
            || self
                .patron_saint
                .is_some_and(|p| p.month == date.month() && p.day == date.day())
            || self.closures.binary_search(&date).is_ok()
    }

    /// The `n`-th working day strictly after `date` (`date` itself when `n` is 0).
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut from = date;
        let mut remaining = n;
        while remaining > 0 {
            let to = add_weekdays(from, remaining);
            // Holidays on weekdays inside the span push the deadline further.
            remaining = self.weekday_holidays_between(from, to);
            from = to;
        }
        from
    }

    /// Working days in `(a, b]`: 0 when `b <= a`. The inverse of [`Self::add_working_days`].
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> u32 {
        if b <= a {
            return 0;
        }
        weekdays_between(a, b) - self.weekday_holidays_between(a, b)
    }

    /// Same as [`Self::working_days_between`] but negative when `b` is before `a`; used for
    /// "working days left" before a deadline.
    pub fn signed_working_days(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        if b >= a {
            i64::from(self.working_days_between(a, b))
        } else {
            -i64::from(self.working_days_between(b, a))
        }
    }

    /// The first working day on or after `date`.
    pub fn next_working_day_from(&self, date: NaiveDate) -> NaiveDate {
        if self.is_working_day(date) {
            date
        } else {
            self.add_working_days(date, 1)
        }
    }

    /// Number of distinct Monday–Friday holidays in `(a, b]`.
    fn weekday_holidays_between(&self, a: NaiveDate, b: NaiveDate) -> u32 {
        if b <= a {
            return 0;
        }
        let mut count = 0;
        for year in a.year()..=b.year() {
            let after = if year == a.year() { a.ordinal() } else { 0 };
            let up_to = if year == b.year() { b.ordinal() } else { 366 };
            let holidays = self.year_holidays(year);
            count += holidays
                .ordinals()
                .iter()
                .filter(|&&o| u32::from(o) > after && u32::from(o) <= up_to)
                .count() as u32;
        }
        let start = self.closures.partition_point(|&d| d <= a);
        let end = self.closures.partition_point(|&d| d <= b);
        // Closures on a weekend or on a holiday already counted add nothing.
        count += self.closures[start..end]
            .iter()
            .filter(|&&d| is_weekday(d) && !is_national_holiday(d) && !self.is_patron_saint(d))
            .count() as u32;
        count
    }

    fn is_patron_saint(&self, date: NaiveDate) -> bool {
        self.patron_saint
            .is_some_and(|p| p.month == date.month() && p.day == date.day())
    }
}

/// The distinct national and patron holidays of one year that fall Monday–Friday, as
/// sorted ordinals (1 = 1 January). Built on the stack, without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct YearHolidays {
    ordinals: [u16; 16],
    len: usize,
}

/// Days before the first of each month in a common year.
const DAYS_BEFORE_MONTH: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

impl YearHolidays {
    fn new(year: i32, patron: Option<MonthDay>) -> Self {
        let leap = NaiveDate::from_ymd_opt(year, 2, 29).is_some();
        let jan1 =
            NaiveDate::from_yo_opt(year, 1).map_or(0, |d| d.weekday().num_days_from_monday());
        let ordinal =
            |m: u32, d: u32| DAYS_BEFORE_MONTH[(m - 1) as usize] + d + u32::from(leap && m > 2);
        let mut out = Self {
            ordinals: [0; 16],
            len: 0,
        };
        for &(m, d) in &FIXED_HOLIDAYS {
            out.push(ordinal(m, d), jan1);
        }
        if year >= SAN_FRANCESCO_FROM {
            out.push(ordinal(10, 4), jan1);
        }
        out.push(easter_monday(year).ordinal(), jan1);
        if let Some(p) = patron.filter(|p| leap || (p.month, p.day) != (2, 29)) {
            out.push(ordinal(p.month, p.day), jan1);
        }
        out
    }

    /// Inserts in order, skipping weekends and duplicates.
    fn push(&mut self, ordinal: u32, jan1_weekday: u32) {
        if (jan1_weekday + ordinal - 1) % 7 >= 5 {
            return;
        }
        let pos = self.ordinals[..self.len].partition_point(|&o| u32::from(o) < ordinal);
        if pos < self.len && u32::from(self.ordinals[pos]) == ordinal {
            return;
        }
        self.ordinals.copy_within(pos..self.len, pos + 1);
        self.ordinals[pos] = ordinal as u16;
        self.len += 1;
    }

    fn ordinals(&self) -> &[u16] {
        &self.ordinals[..self.len]
    }
}

fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Adds `n` Monday–Friday days to `date`, ignoring holidays.
fn add_weekdays(date: NaiveDate, n: u32) -> NaiveDate {
    // From a weekend, counting behaves as from the Friday before.
    let wd = date.weekday().num_days_from_monday();
    let base = if wd >= 5 {
        date - Duration::days(i64::from(wd - 4))
    } else {
        date
    };
    let base_wd = base.weekday().num_days_from_monday();
    let weeks = n / 5;
    let rest = n % 5;
    let extra_weekend = if base_wd + rest > 4 { 2 } else { 0 };
    base + Duration::days(i64::from(weeks * 7 + rest + extra_weekend))
}

/// Monday–Friday days in `(a, b]`, for `a < b`.
fn weekdays_between(a: NaiveDate, b: NaiveDate) -> u32 {
    (weekdays_up_to(b) - weekdays_up_to(a)) as u32
}

/// Monday–Friday days from a fixed Monday (day 1 of the common era is a Monday) up to
/// `date` inclusive; only differences of this count are meaningful.
fn weekdays_up_to(date: NaiveDate) -> i64 {
    let days = i64::from(date.num_days_from_ce()) - 1; // 0 = Monday 0001-01-01
    let weeks = days.div_euclid(7);
    let rest = days.rem_euclid(7);
    weeks * 5 + rest.min(4) + 1
}

/// The calendar date in Europe/Rome of a UTC instant: the TQRIF clock starts on the date
/// of receipt as seen in Italy.
///
/// Italy follows the EU summer-time rule (since 1996): UTC+2 from 01:00 UTC on the last
/// Sunday of March to 01:00 UTC on the last Sunday of October, UTC+1 otherwise. Kept here
/// instead of pulling a time-zone database into the WebAssembly bundle.
pub fn rome_date(instant: DateTime<Utc>) -> NaiveDate {
    (instant + rome_offset(instant)).date_naive()
}

/// The UTC offset of Europe/Rome at `instant`.
pub fn rome_offset(instant: DateTime<Utc>) -> Duration {
    let year = instant.year();
    let switch = |month| {
        Utc.from_utc_datetime(
            &last_sunday(year, month)
                .and_hms_opt(1, 0, 0)
                .expect("valid"),
        )
    };
    let summer = match instant.month() {
        4..=9 => true,
        3 => instant >= switch(3),
        10 => instant < switch(10),
        _ => false,
    };
    Duration::hours(if summer { 2 } else { 1 })
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(year, month + 1, 1).expect("valid") - Duration::days(1);
    last - Duration::days(i64::from(last.weekday().num_days_from_sunday()))
}

/// A day as Italians write it, `31/12/2025`: the statement PDF, the web app and the
/// domain's messages all use this. Written out by hand: chrono's `format` would pull its
/// strftime engine into the WebAssembly for one fixed pattern.
pub fn italian_date(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_monday_2024_2030() {
        let expected = [
            (2024, d(2024, 4, 1)),
            (2025, d(2025, 4, 21)),
            (2026, d(2026, 4, 6)),
            (2027, d(2027, 3, 29)),
            (2028, d(2028, 4, 17)),
            (2029, d(2029, 4, 2)),
            (2030, d(2030, 4, 22)),
            // Easter Monday on Liberation Day.
            (2011, d(2011, 4, 25)),
        ];
        for (year, monday) in expected {
            assert_eq!(easter_monday(year), monday, "{year}");
        }
    }

    #[test]
    fn national_holidays() {
        let cal = WorkingCalendar::national();
        for holiday in [
            d(2026, 1, 1),
            d(2026, 1, 6),
            d(2026, 4, 6),
            d(2026, 4, 25),
            d(2026, 5, 1),
            d(2026, 6, 2),
            d(2026, 8, 15),
            d(2026, 10, 4),
            d(2027, 10, 4),
            d(2026, 11, 1),
            d(2026, 12, 8),
            d(2026, 12, 25),
            d(2026, 12, 26),
        ] {
            assert!(cal.is_holiday(holiday), "{holiday}");
            assert!(!cal.is_working_day(holiday), "{holiday}");
        }
        // 4 October was a working day before 2026 (Friday in 2024, Saturday in 2025).
        assert!(cal.is_working_day(d(2024, 10, 4)));
        // 4 October 2027 is a Monday: no work.
        assert_eq!(d(2027, 10, 4).weekday(), Weekday::Mon);
        assert!(!cal.is_working_day(d(2027, 10, 4)));
        assert!(cal.is_working_day(d(2027, 10, 5)));
        // Weekends.
        assert!(!cal.is_working_day(d(2026, 11, 21)));
        assert!(!cal.is_working_day(d(2026, 11, 22)));
        assert!(cal.is_working_day(d(2026, 11, 23)));
    }

    #[test]
    fn add_working_days_table() {
        let cal = WorkingCalendar::national();
        let cases = [
            // Christmas run 2026: Thu 24 → Fri 25 & Sat 26 holidays, Sun 27; Mon 28 is next.
            (d(2026, 12, 24), 1, d(2026, 12, 28)),
            // New Year and Epiphany 2027: Thu 31 Dec → Fri 1 Jan holiday → Mon 4, Tue 5, Wed 6 holiday, Thu 7.
            (d(2026, 12, 31), 1, d(2027, 1, 4)),
            (d(2026, 12, 31), 3, d(2027, 1, 7)),
            // Ferragosto 2025 is a Friday: Thu 14 + 1 → Mon 18.
            (d(2025, 8, 14), 1, d(2025, 8, 18)),
            // 2 June 2026 is a Tuesday: Mon 1 + 1 → Wed 3.
            (d(2026, 6, 1), 1, d(2026, 6, 3)),
            // 4 October 2027 (Monday): Fri 1 + 1 → Tue 5.
            (d(2027, 10, 1), 1, d(2027, 10, 5)),
            // 4 October 2026 is a Sunday: no effect; Fri 2 + 1 → Mon 5.
            (d(2026, 10, 2), 1, d(2026, 10, 5)),
            // 30 working days from Monday 2 November 2026, with 8 and 25/26 December off.
            (d(2026, 11, 2), 30, d(2026, 12, 15)),
            // Easter 2026: Thu 2 April + 2 → Fri 3, (Mon 6 holiday) Tue 7.
            (d(2026, 4, 2), 2, d(2026, 4, 7)),
            // Starting on a Saturday.
            (d(2026, 11, 21), 1, d(2026, 11, 23)),
            (d(2026, 11, 21), 5, d(2026, 11, 27)),
            (d(2026, 11, 21), 0, d(2026, 11, 21)),
        ];
        for (start, n, expected) in cases {
            assert_eq!(cal.add_working_days(start, n), expected, "{start} + {n}");
            assert_eq!(
                cal.working_days_between(start, expected),
                n,
                "{start}..{expected}"
            );
        }
    }

    #[test]
    fn long_spans_cross_years() {
        let cal = WorkingCalendar::national();
        // 120 working days (rimborso) from 1 October 2026.
        let due = cal.add_working_days(d(2026, 10, 1), 120);
        assert!(cal.is_working_day(due));
        assert_eq!(cal.working_days_between(d(2026, 10, 1), due), 120);
        // A whole year, checked against a day-by-day count.
        let n = cal.working_days_between(d(2026, 12, 31), d(2027, 12, 31));
        let brute = (1..=365)
            .map(|i| d(2026, 12, 31) + Duration::days(i))
            .filter(|&x| cal.is_working_day(x))
            .count() as u32;
        assert_eq!(n, brute);
    }

    #[test]
    fn patron_saint_and_closures() {
        // Sant'Ambrogio in Milan (7 December), on a Monday in 2026.
        let patron = MonthDay::parse("12-07").unwrap();
        let cal = WorkingCalendar::new(Some(patron), [d(2026, 12, 24), d(2026, 12, 24)]);
        assert!(!cal.is_working_day(d(2026, 12, 7)));
        assert!(WorkingCalendar::national().is_working_day(d(2026, 12, 7)));
        // Fri 4 Dec + 1 → Mon 7 patron, Tue 8 holiday → Wed 9.
        assert_eq!(cal.add_working_days(d(2026, 12, 4), 1), d(2026, 12, 9));
        // Closure on Christmas Eve: Wed 23 + 1 → Mon 28.
        assert_eq!(cal.add_working_days(d(2026, 12, 23), 1), d(2026, 12, 28));
        assert_eq!(cal.closures().len(), 1);
        // A patron on a national holiday is not counted twice.
        let cal = WorkingCalendar::new(Some(MonthDay::parse("12-08").unwrap()), []);
        assert_eq!(cal.add_working_days(d(2026, 12, 7), 1), d(2026, 12, 9));
        assert_eq!(cal.working_days_between(d(2026, 12, 4), d(2026, 12, 9)), 2);
    }

    #[test]
    fn month_day_parsing() {
        assert_eq!(MonthDay::parse("02-29").unwrap().to_string(), "02-29");
        for bad in ["13-01", "02-30", "1-1", "", "ab-cd", "12/07"] {
            assert!(MonthDay::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn italian_dates() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(italian_date(d(2025, 12, 31)), "31/12/2025");
        assert_eq!(italian_date(d(2026, 2, 1)), "01/02/2026");
        assert_eq!(italian_date(d(987, 1, 9)), "09/01/0987");
    }

    #[test]
    fn rome_dates() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // 23:30 UTC on 31 December is already 1 January in Rome (UTC+1).
        assert_eq!(rome_date(at("2026-12-31T23:30:00Z")), d(2027, 1, 1));
        assert_eq!(rome_date(at("2026-12-31T22:59:59Z")), d(2026, 12, 31));
        // Summer time: 22:30 UTC on 14 August is 00:30 on Ferragosto.
        assert_eq!(rome_date(at("2026-08-14T22:30:00Z")), d(2026, 8, 15));
        assert_eq!(rome_date(at("2026-08-14T21:59:00Z")), d(2026, 8, 14));
        // Switches in 2026: 29 March and 25 October at 01:00 UTC.
        assert_eq!(rome_offset(at("2026-03-29T00:59:59Z")), Duration::hours(1));
        assert_eq!(rome_offset(at("2026-03-29T01:00:00Z")), Duration::hours(2));
        assert_eq!(rome_offset(at("2026-10-25T00:59:59Z")), Duration::hours(2));
        assert_eq!(rome_offset(at("2026-10-25T01:00:00Z")), Duration::hours(1));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_date() -> impl Strategy<Value = NaiveDate> {
            // 1990–2100, including leap years and both Easter extremes.
            (0i64..40_000)
                .prop_map(|n| NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Duration::days(n))
        }

        fn any_calendar() -> impl Strategy<Value = WorkingCalendar> {
            (
                prop::option::of((1u32..=12, 1u32..=28)),
                prop::collection::vec(any_date(), 0..20),
            )
                .prop_map(|(p, closures)| {
                    WorkingCalendar::new(p.map(|(m, d)| MonthDay::new(m, d).unwrap()), closures)
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn lands_on_a_working_day(cal in any_calendar(), date in any_date(), n in 1u32..300) {
                prop_assert!(cal.is_working_day(cal.add_working_days(date, n)));
            }

            #[test]
            fn between_inverts_add(cal in any_calendar(), date in any_date(), n in 0u32..300) {
                prop_assert_eq!(cal.working_days_between(date, cal.add_working_days(date, n)), n);
            }

            #[test]
            fn matches_day_by_day_count(cal in any_calendar(), date in any_date(), span in 0i64..800) {
                let end = date + Duration::days(span);
                let brute = (1..=span).filter(|&i| cal.is_working_day(date + Duration::days(i))).count();
                prop_assert_eq!(cal.working_days_between(date, end) as usize, brute);
            }

            #[test]
            fn add_is_the_nth_working_day(cal in any_calendar(), date in any_date(), n in 1u32..60) {
                let mut d = date;
                let mut left = n;
                while left > 0 {
                    d += Duration::days(1);
                    if cal.is_working_day(d) { left -= 1; }
                }
                prop_assert_eq!(cal.add_working_days(date, n), d);
            }
        }
    }
}
