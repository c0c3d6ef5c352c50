//! TQRIF deadlines: when the clock starts, when a request is due, how late it is, and the
//! working days it took.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

use crate::calendar::{WorkingCalendar, rome_date};
use crate::error::DomainError;

/// A request due within this many working days is flagged as "due soon".
pub const DUE_SOON_WORKING_DAYS: i64 = 3;

/// The day the TQRIF clock starts (day 0): the date of receipt in Europe/Rome. The receipt
/// day is never counted, whether or not it is a working day: day 1 is the first working day
/// strictly after it (received on Saturday or on Friday, day 1 is Monday).
pub fn clock_start(received_at: DateTime<Utc>) -> NaiveDate {
    rome_date(received_at)
}

/// Due date: the `standard_days`-th working day strictly after the receipt date.
pub fn due_date(
    received_at: DateTime<Utc>,
    standard_days: Option<u32>,
    calendar: &WorkingCalendar,
) -> Option<NaiveDate> {
    standard_days.map(|n| calendar.add_working_days(clock_start(received_at), n))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    OnTime,
    DueSoon,
    Overdue,
}

/// Where an open request stands against its due date, with the working days left
/// (negative once overdue).
pub fn deadline_status(
    due: NaiveDate,
    today: NaiveDate,
    calendar: &WorkingCalendar,
) -> (DeadlineStatus, i64) {
    let left = calendar.signed_working_days(today, due);
    let status = if today > due {
        DeadlineStatus::Overdue
    } else if left <= DUE_SOON_WORKING_DAYS {
        DeadlineStatus::DueSoon
    } else {
        DeadlineStatus::OnTime
    };
    (status, left)
}

/// Why a request was answered after its standard (TQRIF register "causa").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub enum LatenessCause {
    ForzaMaggiore,
    UtenteOTerzi,
    Gestore,
}

impl LatenessCause {
    pub const ALL: [LatenessCause; 3] = [Self::ForzaMaggiore, Self::UtenteOTerzi, Self::Gestore];

    pub fn code(self) -> &'static str {
        match self {
            Self::ForzaMaggiore => "forza_maggiore",
            Self::UtenteOTerzi => "utente_o_terzi",
            Self::Gestore => "gestore",
        }
    }

    /// Causes that ARERA does not charge to the operator.
    pub fn is_excused(self) -> bool {
        !matches!(self, Self::Gestore)
    }
}

impl FromStr for LatenessCause {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "cause",
                    "Causa non valida: forza_maggiore, utente_o_terzi o gestore",
                    "Invalid cause: forza_maggiore, utente_o_terzi or gestore",
                )
            })
    }
}

/// Working days a request took, gross and net of the time it waited for the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    pub gross: u32,
    pub net: u32,
}

pub fn elapsed(
    received_at: DateTime<Utc>,
    answered_at: DateTime<Utc>,
    suspended_working_days: u32,
    calendar: &WorkingCalendar,
) -> Elapsed {
    let gross = calendar.working_days_between(clock_start(received_at), rome_date(answered_at));
    Elapsed {
        gross,
        net: gross.saturating_sub(suspended_working_days),
    }
}

/// Whether the answer came within the standard, counting net working days (time spent
/// waiting for the citizen is not the operator's). `None` for kinds without a standard.
pub fn within_standard(elapsed: Elapsed, standard_days: Option<u32>) -> Option<bool> {
    standard_days.map(|s| elapsed.net <= s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn receipt_on_weekend_holiday_and_late_evening() {
        let cal = WorkingCalendar::national();
        // Saturday 21 Nov 2026 is day 0; Monday 23 is day 1; 5 working days → Friday 27,
        // the same as a request received on Friday 20.
        assert_eq!(clock_start(at("2026-11-21T10:00:00Z")), d(2026, 11, 21));
        assert_eq!(
            due_date(at("2026-11-21T10:00:00Z"), Some(5), &cal),
            Some(d(2026, 11, 27))
        );
        assert_eq!(
            due_date(at("2026-11-20T16:00:00Z"), Some(5), &cal),
            Some(d(2026, 11, 27))
        );
        // Friday 23:30 UTC is Saturday in Rome: still Friday 27.
        assert_eq!(
            due_date(at("2026-11-20T23:30:00Z"), Some(5), &cal),
            Some(d(2026, 11, 27))
        );
        // Monday 23 Nov: day 1 is Tuesday 24 → Monday 30.
        assert_eq!(
            due_date(at("2026-11-23T09:00:00Z"), Some(5), &cal),
            Some(d(2026, 11, 30))
        );
        // 31 Dec 23:30 UTC is 1 Jan (a holiday) in Rome: day 0 is 1 Jan, day 1 is Monday
        // 4 Jan 2027 (Saturday 2, Sunday 3), day 2 is Tuesday 5 (6 Jan is a holiday too).
        assert_eq!(clock_start(at("2026-12-31T23:30:00Z")), d(2027, 1, 1));
        assert_eq!(
            due_date(at("2026-12-31T23:30:00Z"), Some(2), &cal),
            Some(d(2027, 1, 5))
        );
        // No standard, no due date.
        assert_eq!(due_date(at("2026-11-20T16:00:00Z"), None, &cal), None);
    }

    #[test]
    fn reclamo_received_on_saturday_skips_easter_monday() {
        // The worked example of the TQRIF count: a reclamo (30 working days) received on
        // Saturday 7 March 2026 → day 1 Monday 9 March, Easter Monday 6 April skipped, due
        // Monday 20 April 2026.
        let cal = WorkingCalendar::national();
        assert_eq!(
            due_date(at("2026-03-07T10:00:00Z"), Some(30), &cal),
            Some(d(2026, 4, 20))
        );
        // Received on Easter Monday itself: day 1 is Tuesday 7 April.
        assert_eq!(
            due_date(at("2026-04-06T10:00:00Z"), Some(1), &cal),
            Some(d(2026, 4, 7))
        );
        // Answered on the due date after a Saturday receipt: 30 working days elapsed.
        let e = elapsed(
            at("2026-03-07T10:00:00Z"),
            at("2026-04-20T15:00:00Z"),
            0,
            &cal,
        );
        assert_eq!(e.gross, 30);
    }

    #[test]
    fn status_against_due_date() {
        let cal = WorkingCalendar::national();
        let due = d(2026, 12, 4); // Friday
        assert_eq!(
            deadline_status(due, d(2026, 11, 23), &cal),
            (DeadlineStatus::OnTime, 9)
        );
        assert_eq!(
            deadline_status(due, d(2026, 12, 1), &cal),
            (DeadlineStatus::DueSoon, 3)
        );
        assert_eq!(
            deadline_status(due, d(2026, 12, 4), &cal),
            (DeadlineStatus::DueSoon, 0)
        );
        assert_eq!(
            deadline_status(due, d(2026, 12, 5), &cal),
            (DeadlineStatus::Overdue, 0)
        );
        assert_eq!(
            deadline_status(due, d(2026, 12, 7), &cal),
            (DeadlineStatus::Overdue, -1)
        );
    }

    #[test]
    fn elapsed_gross_and_net() {
        let cal = WorkingCalendar::national();
        // Received Monday 2 Nov 2026, answered Monday 16 Nov: 10 working days.
        let e = elapsed(
            at("2026-11-02T09:00:00Z"),
            at("2026-11-16T09:00:00Z"),
            3,
            &cal,
        );
        assert_eq!(e, Elapsed { gross: 10, net: 7 });
        assert_eq!(within_standard(e, Some(7)), Some(true));
        assert_eq!(within_standard(e, Some(6)), Some(false));
        assert_eq!(within_standard(e, None), None);
        // Answered the same day.
        let e = elapsed(
            at("2026-11-02T09:00:00Z"),
            at("2026-11-02T15:00:00Z"),
            0,
            &cal,
        );
        assert_eq!(e.gross, 0);
    }

    #[test]
    fn causes() {
        assert_eq!(
            "gestore".parse::<LatenessCause>().unwrap(),
            LatenessCause::Gestore
        );
        assert!("x".parse::<LatenessCause>().is_err());
        assert!(LatenessCause::ForzaMaggiore.is_excused());
        assert!(!LatenessCause::Gestore.is_excused());
    }
}
