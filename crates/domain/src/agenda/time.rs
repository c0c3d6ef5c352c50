//! Wall-clock times of day and Europe/Rome local time.
//!
//! Opening hours are written in Italian wall-clock time ("martedì 16:00–18:00") and keep it
//! across the summer-time changes: the same slot is 15:00 UTC in winter and 14:00 UTC in
//! summer. The conversion uses [`rome_offset`], the EU rule, instead of a time-zone database.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::calendar::rome_offset;
use crate::error::DomainError;

/// A time of day in minutes after midnight, `00:00` to `24:00` (the end of a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

pub const MINUTES_PER_DAY: u32 = 24 * 60;

impl ClockTime {
    pub const MIDNIGHT: ClockTime = ClockTime(0);
    pub const END_OF_DAY: ClockTime = ClockTime(1440);

    pub fn from_minutes(minutes: u32) -> Option<Self> {
        (minutes <= MINUTES_PER_DAY).then_some(Self(minutes as u16))
    }

    pub fn hm(hours: u32, minutes: u32) -> Option<Self> {
        if minutes >= 60 {
            return None;
        }
        Self::from_minutes(hours * 60 + minutes)
    }

    /// Parses `HH:MM` (`24:00` allowed), reporting errors under `field`.
    pub fn parse(
        input: &str,
        field: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Result<Self, DomainError> {
        let field = field.into();
        let bad = || {
            DomainError::invalid(
                field.clone(),
                format!("Orario non valido «{input}»: usare HH:MM (es. 16:00)"),
                format!("Invalid time '{input}': use HH:MM (e.g. 16:00)"),
            )
        };
        let s = input.trim();
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let h: u32 = h.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        Self::hm(h, m).ok_or_else(bad)
    }

    pub fn minutes(self) -> u32 {
        u32::from(self.0)
    }

    /// The local date-time of this time on `date` (`24:00` is the next day's midnight).
    pub fn on(self, date: NaiveDate) -> NaiveDateTime {
        date.and_hms_opt(0, 0, 0).expect("midnight exists") + Duration::minutes(i64::from(self.0))
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// The Europe/Rome wall-clock date and time of an instant.
pub fn rome_local(instant: DateTime<Utc>) -> NaiveDateTime {
    (instant + rome_offset(instant)).naive_utc()
}

/// The instant at which Rome's clocks show `local`. In the October overlap (02:00–03:00
/// happens twice) it is the first of the two; in the March gap (02:00–03:00 does not
/// happen) there is none.
pub fn rome_to_utc(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    // Summer time first: in the overlap the earlier instant is the one still at UTC+2.
    [2, 1].into_iter().find_map(|hours| {
        let offset = Duration::hours(hours);
        let utc = Utc.from_utc_datetime(&(local - offset));
        (rome_offset(utc) == offset).then_some(utc)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn parses_clock_times() {
        assert_eq!(ClockTime::parse("16:00", "t").unwrap().minutes(), 960);
        assert_eq!(ClockTime::parse("00:00", "t").unwrap(), ClockTime::MIDNIGHT);
        assert_eq!(
            ClockTime::parse("24:00", "t").unwrap(),
            ClockTime::END_OF_DAY
        );
        assert_eq!(
            ClockTime::parse(" 09:05 ", "t").unwrap().to_string(),
            "09:05"
        );
        for bad in [
            "24:01", "9:00", "09:60", "0900", "", "ab:cd", "-1:00", "09:00:00",
        ] {
            let err = ClockTime::parse(bad, "weekly[0].start").unwrap_err();
            assert_eq!(err.field_errors()[0].field, "weekly[0].start", "{bad}");
        }
    }

    #[test]
    fn local_to_utc_keeps_wall_clock_across_dst() {
        // A Tuesday 16:00 slot: 15:00 UTC in winter, 14:00 UTC in summer.
        assert_eq!(
            rome_to_utc(local("2026-10-20 16:00")),
            Some(utc("2026-10-20T14:00:00Z"))
        );
        assert_eq!(
            rome_to_utc(local("2026-10-27 16:00")),
            Some(utc("2026-10-27T15:00:00Z"))
        );
        assert_eq!(
            rome_to_utc(local("2026-03-24 16:00")),
            Some(utc("2026-03-24T15:00:00Z"))
        );
        assert_eq!(
            rome_to_utc(local("2026-03-31 16:00")),
            Some(utc("2026-03-31T14:00:00Z"))
        );
        // 29 March 2026: 02:00–03:00 does not exist.
        assert_eq!(rome_to_utc(local("2026-03-29 02:30")), None);
        assert_eq!(
            rome_to_utc(local("2026-03-29 01:59")),
            Some(utc("2026-03-29T00:59:00Z"))
        );
        assert_eq!(
            rome_to_utc(local("2026-03-29 03:00")),
            Some(utc("2026-03-29T01:00:00Z"))
        );
        // 25 October 2026: 02:30 happens twice, the first one (UTC+2) is chosen.
        assert_eq!(
            rome_to_utc(local("2026-10-25 02:30")),
            Some(utc("2026-10-25T00:30:00Z"))
        );
        assert_eq!(
            rome_to_utc(local("2026-10-25 03:00")),
            Some(utc("2026-10-25T02:00:00Z"))
        );
        assert_eq!(
            rome_local(utc("2026-10-25T01:30:00Z")),
            local("2026-10-25 02:30")
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            /// Local → UTC inverts UTC → local, except in the repeated October hour where
            /// the earlier instant is returned.
            #[test]
            fn round_trip(secs in 946_684_800i64..4_102_444_800i64) {
                let instant = Utc.timestamp_opt(secs - secs % 60, 0).unwrap();
                let back = rome_to_utc(rome_local(instant)).expect("an existing local time");
                if back != instant {
                    prop_assert_eq!(back + Duration::hours(1), instant);
                    prop_assert_eq!(rome_local(back), rome_local(instant));
                }
            }
        }
    }
}
