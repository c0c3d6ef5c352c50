//! The capitolato's opening minimums: the desks must be open to the public Monday to Friday
//! for at least 4 hours a week below 5,000 inhabitants, 15 below 30,000, 20 below 60,000
//! and 24 from 60,000, with afternoon openings too.

use super::desk::TimeRange;
use super::time::ClockTime;

/// Weekly hours required for a population.
pub fn required_weekly_hours(population: u32) -> u32 {
    match population {
        0..5_000 => 4,
        5_000..30_000 => 15,
        30_000..60_000 => 20,
        _ => 24,
    }
}

/// An opening that runs past this time counts as an afternoon opening.
pub fn afternoon_from() -> ClockTime {
    ClockTime::hm(14, 0).expect("valid")
}

/// Monday to Friday: the days the capitolato counts.
const COUNTED_DAYS: usize = 5;

/// Minutes Monday–Friday during which at least one of the weekly schedules is open
/// (several desks open at the same time count once).
pub fn weekly_open_minutes<'a>(
    schedules: impl IntoIterator<Item = &'a [Vec<TimeRange>; 7]>,
) -> u32 {
    let schedules: Vec<&[Vec<TimeRange>; 7]> = schedules.into_iter().collect();
    (0..COUNTED_DAYS)
        .map(|d| {
            let mut ranges: Vec<TimeRange> = schedules
                .iter()
                .flat_map(|s| s[d].iter().copied())
                .collect();
            ranges.sort();
            let mut total = 0;
            let mut current: Option<TimeRange> = None;
            for r in ranges {
                match &mut current {
                    Some(c) if r.start <= c.end => c.end = c.end.max(r.end),
                    _ => {
                        if let Some(c) = current.replace(r) {
                            total += c.minutes();
                        }
                    }
                }
            }
            total + current.map_or(0, TimeRange::minutes)
        })
        .sum()
}

/// True when a schedule is open after 14:00 on some day Monday–Friday.
pub fn has_afternoon_opening(schedule: &[Vec<TimeRange>; 7]) -> bool {
    schedule[..COUNTED_DAYS]
        .iter()
        .flatten()
        .any(|r| r.end > afternoon_from())
}

/// The verdict for a tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningCheck {
    pub weekly_hours: f64,
    pub required_hours: Option<u32>,
    pub meets_minimum: Option<bool>,
    pub has_afternoon_opening: bool,
}

impl OpeningCheck {
    pub fn ok(&self) -> bool {
        self.meets_minimum == Some(true) && self.has_afternoon_opening
    }
}

pub fn check(schedules: &[&[Vec<TimeRange>; 7]], population: Option<u32>) -> OpeningCheck {
    let minutes = weekly_open_minutes(schedules.iter().copied());
    let required_hours = population.map(required_weekly_hours);
    OpeningCheck {
        weekly_hours: f64::from(minutes) / 60.0,
        required_hours,
        meets_minimum: required_hours.map(|h| minutes >= h * 60),
        has_afternoon_opening: schedules.iter().any(|s| has_afternoon_opening(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(a: &str, b: &str) -> TimeRange {
        TimeRange {
            start: ClockTime::parse(a, "t").unwrap(),
            end: ClockTime::parse(b, "t").unwrap(),
        }
    }

    fn week(days: &[(usize, TimeRange)]) -> [Vec<TimeRange>; 7] {
        let mut w: [Vec<TimeRange>; 7] = Default::default();
        for (d, range) in days {
            w[*d].push(*range);
        }
        w
    }

    #[test]
    fn thresholds_by_population() {
        assert_eq!(required_weekly_hours(0), 4);
        assert_eq!(required_weekly_hours(4_999), 4);
        assert_eq!(required_weekly_hours(5_000), 15);
        assert_eq!(required_weekly_hours(29_999), 15);
        assert_eq!(required_weekly_hours(30_000), 20);
        assert_eq!(required_weekly_hours(59_999), 20);
        assert_eq!(required_weekly_hours(60_000), 24);
        assert_eq!(required_weekly_hours(195_000), 24);
    }

    #[test]
    fn prato_tuesday_and_friday_afternoons() {
        // 16–18 on Tuesday and Friday: 4 hours, all in the afternoon.
        let prato = week(&[(1, r("16:00", "18:00")), (4, r("16:00", "18:00"))]);
        let c = check(&[&prato], Some(4_000));
        assert!((c.weekly_hours - 4.0).abs() < f64::EPSILON);
        assert_eq!(c.meets_minimum, Some(true));
        assert!(c.has_afternoon_opening);
        assert!(c.ok());
        // Prato has 195,000 inhabitants: far below 24 hours.
        let c = check(&[&prato], Some(195_000));
        assert_eq!(c.meets_minimum, Some(false));
        assert!(!c.ok());
    }

    #[test]
    fn overlapping_desks_count_once_and_weekends_not_at_all() {
        let mornings = week(&[
            (0, r("09:00", "12:00")),
            (1, r("09:00", "12:00")),
            (2, r("09:00", "12:00")),
            (3, r("09:00", "12:00")),
            (4, r("09:00", "12:00")),
            (5, r("09:00", "12:00")),
        ]);
        let other = week(&[(0, r("10:00", "13:00")), (6, r("10:00", "13:00"))]);
        let c = check(&[&mornings, &other], Some(20_000));
        // 5 × 3 h Monday–Friday, plus 12:00–13:00 on Monday from the second desk.
        assert!(
            (c.weekly_hours - 16.0).abs() < f64::EPSILON,
            "{}",
            c.weekly_hours
        );
        assert_eq!(c.meets_minimum, Some(true));
        assert!(!c.has_afternoon_opening);
        assert!(!c.ok());
        // Unknown population: no verdict on the minimum.
        let c = check(&[&mornings], None);
        assert_eq!(c.meets_minimum, None);
        assert!(!c.ok());
        // 12:00–14:00 is not an afternoon opening, 12:00–14:30 is.
        assert!(!has_afternoon_opening(&week(&[(0, r("12:00", "14:00"))])));
        assert!(has_afternoon_opening(&week(&[(0, r("12:00", "14:30"))])));
    }
}
