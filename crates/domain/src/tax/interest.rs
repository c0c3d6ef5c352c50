//! Default interest (interessi moratori), summed exactly.
//!
//! Interest accrues on each day from the day after the due date up to and including
//! `as_of`, on that day's residual, at the annual rate in force that day divided by the
//! days of that calendar year (365 or 366). A payment dated D lowers the residual from D
//! on, so D itself accrues on the lowered residual.
//!
//! One day on `r` cents at `p` units (1/10,000 of a percent) in a year of `Y` days is
//! `r·p / (100·10,000·Y)` cents. Every such term is put over the common denominator
//! [`DENOMINATOR`] = 100·10,000·365·366, so a run of days is one integer product and a whole
//! instalment is one `i128` numerator, rounded half up to the cent once. Days are summed in
//! runs over which the residual, the rate and the year stay the same, so the cost grows with
//! the number of payments, rate changes and years crossed, not with the days.

use chrono::{Datelike, NaiveDate};

use super::rates::{LegalRates, Percent};

/// 100 (percent) × 10,000 (units per percent) × 365 × 366.
pub const DENOMINATOR: i128 = 100 * Percent::SCALE as i128 * 365 * 366;

/// The factor that puts one day of a year over [`DENOMINATOR`]: 366·365/Y.
fn year_weight(year: i32) -> i128 {
    if is_leap(year) { 365 } else { 366 }
}

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Rounds a non-negative numerator over [`DENOMINATOR`] half up to whole cents.
pub fn round_half_up(numerator: i128) -> i64 {
    debug_assert!(numerator >= 0);
    ((2 * numerator + DENOMINATOR) / (2 * DENOMINATOR)) as i64
}

/// A day with no legal rate in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MissingRate(pub NaiveDate);

/// Exact interest numerator (over [`DENOMINATOR`]) on `amount` cents due on `due`, lowered
/// by `allocations` (date-ordered), for the days `(due, as_of]`, at the legal rate of each
/// day plus `points`.
pub fn accrued(
    amount: i64,
    allocations: &[(NaiveDate, i64)],
    due: NaiveDate,
    as_of: NaiveDate,
    points: Percent,
    rates: &LegalRates,
) -> Result<i128, MissingRate> {
    let Some(first) = due.succ_opt() else {
        return Ok(0);
    };
    if first > as_of {
        return Ok(0);
    }
    // Runs are walked on day numbers: chrono's calendar arithmetic is kept out of the loop.
    let day_of = |d: NaiveDate| d.num_days_from_ce();
    let mut day = day_of(first);
    let end = day_of(as_of) + 1;
    let mut next_alloc = 0;
    let mut residual = amount;
    while next_alloc < allocations.len() && day_of(allocations[next_alloc].0) <= day {
        residual -= allocations[next_alloc].1;
        next_alloc += 1;
    }
    if residual <= 0 {
        return Ok(0);
    }
    let entries = rates.entries();
    let mut rate_idx = rates.index_on(first).ok_or(MissingRate(first))?;
    let mut year = first.year();
    let mut year_end = jan1(year + 1);
    let mut numerator: i128 = 0;
    while residual > 0 && day < end {
        let mut next = year_end.min(end);
        if let Some((d, _)) = allocations.get(next_alloc) {
            next = next.min(day_of(*d));
        }
        if let Some((d, _)) = entries.get(rate_idx + 1) {
            next = next.min(day_of(*d));
        }
        let rate = i128::from(entries[rate_idx].1.units() + points.units());
        numerator += i128::from(residual) * i128::from(next - day) * rate * year_weight(year);
        day = next;
        if day == year_end {
            year += 1;
            year_end = jan1(year + 1);
        }
        while next_alloc < allocations.len() && day_of(allocations[next_alloc].0) <= day {
            residual -= allocations[next_alloc].1;
            next_alloc += 1;
        }
        while rate_idx + 1 < entries.len() && day_of(entries[rate_idx + 1].0) <= day {
            rate_idx += 1;
        }
    }
    Ok(numerator)
}

/// Day number (as `num_days_from_ce`) of 1 January of `year`.
fn jan1(year: i32) -> i32 {
    let y = year - 1;
    365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400) + 1
}

/// Exact numerator of what one more day adds: `residual` cents for the day after `as_of`,
/// when that day is past `due`.
pub fn one_more_day(
    residual: i64,
    due: NaiveDate,
    as_of: NaiveDate,
    points: Percent,
    rates: &LegalRates,
) -> Result<i128, MissingRate> {
    let Some(tomorrow) = as_of.succ_opt() else {
        return Ok(0);
    };
    if residual <= 0 || tomorrow <= due {
        return Ok(0);
    }
    let legal = rates.rate_on(tomorrow).ok_or(MissingRate(tomorrow))?;
    Ok(i128::from(residual)
        * i128::from(legal.units() + points.units())
        * year_weight(tomorrow.year()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The definition, one day at a time, as a reference for the run-based sum.
    fn day_by_day(
        amount: i64,
        allocations: &[(NaiveDate, i64)],
        due: NaiveDate,
        as_of: NaiveDate,
        points: Percent,
        rates: &LegalRates,
    ) -> i128 {
        let mut total = 0;
        let mut day = due.succ_opt().unwrap();
        while day <= as_of {
            let residual = amount
                - allocations
                    .iter()
                    .filter(|(d, _)| *d <= day)
                    .map(|(_, c)| c)
                    .sum::<i64>();
            let rate = rates.rate_on(day).unwrap().units() + points.units();
            total += i128::from(residual.max(0)) * i128::from(rate) * year_weight(day.year());
            day = day.succ_opt().unwrap();
        }
        total
    }

    #[test]
    fn first_of_january_day_numbers() {
        for y in [1, 2, 1900, 2000, 2024, 2025, 2100, 2400] {
            assert_eq!(jan1(y), d(y, 1, 1).num_days_from_ce(), "{y}");
        }
    }

    #[test]
    fn half_up_rounding() {
        assert_eq!(round_half_up(0), 0);
        assert_eq!(round_half_up(DENOMINATOR / 2 - 1), 0);
        assert_eq!(round_half_up(DENOMINATOR / 2), 1);
        assert_eq!(round_half_up(3 * DENOMINATOR / 2), 2);
        assert_eq!(round_half_up(7 * DENOMINATOR), 7);
    }

    #[test]
    fn before_the_table_is_an_error_naming_the_day() {
        let r = accrued(
            100,
            &[],
            d(2018, 12, 30),
            d(2019, 1, 5),
            Percent::ZERO,
            &LegalRates::italian(),
        );
        assert_eq!(r, Err(MissingRate(d(2018, 12, 31))));
        // Nothing to accrue: no rate needed.
        let r = accrued(
            100,
            &[(d(2018, 12, 1), 100)],
            d(2018, 12, 30),
            d(2019, 1, 5),
            Percent::ZERO,
            &LegalRates::italian(),
        );
        assert_eq!(r, Ok(0));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_day() -> impl Strategy<Value = NaiveDate> {
            (0i64..3_000).prop_map(|n| d(2019, 1, 1) + chrono::Duration::days(n))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]

            #[test]
            fn runs_match_the_day_by_day_definition(
                amount in 1i64..10_000_000,
                due in any_day(),
                span in 0i64..1_500,
                pays in prop::collection::vec((0i64..1_600, 1i64..3_000_000), 0..6),
                points in 0u32..=30_000,
            ) {
                let rates = LegalRates::italian();
                let as_of = due + chrono::Duration::days(span);
                let mut allocs: Vec<(NaiveDate, i64)> = pays
                    .into_iter()
                    .map(|(off, c)| (due + chrono::Duration::days(off - 100), c))
                    .collect();
                allocs.sort_by_key(|a| a.0);
                // Allocations never exceed the amount.
                let mut left = amount;
                for a in &mut allocs { a.1 = a.1.min(left); left -= a.1; }
                let points = Percent::from_units(points);
                prop_assert_eq!(
                    accrued(amount, &allocs, due, as_of, points, &rates).unwrap(),
                    day_by_day(amount, &allocs, due, as_of, points, &rates)
                );
            }
        }
    }
}
