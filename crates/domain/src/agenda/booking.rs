//! A booking's states, what the staff and the holder may do with it, and the checks of
//! what a visitor enters.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::api::CreateBooking;
use crate::calendar::rome_date;
use crate::error::{DomainError, Errors, FieldError};
use crate::types::{CodiceFiscale, Email, PersonName, PhoneNumber, Subject};

/// How long an unconfirmed booking holds its seat.
pub const CONFIRMATION_HOLD_MINUTES: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Waiting for the e-mailed link; holds its seat until the hold expires.
    PendingConfirmation,
    Confirmed,
    CheckedIn,
    NoShow,
    Completed,
    Cancelled,
    /// Not confirmed in time: its seat is free again.
    Expired,
}

impl BookingStatus {
    pub const ALL: [BookingStatus; 7] = [
        Self::PendingConfirmation,
        Self::Confirmed,
        Self::CheckedIn,
        Self::NoShow,
        Self::Completed,
        Self::Cancelled,
        Self::Expired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::PendingConfirmation => "pending_confirmation",
            Self::Confirmed => "confirmed",
            Self::CheckedIn => "checked_in",
            Self::NoShow => "no_show",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    /// The status as of `now`: an unconfirmed booking whose hold has run out is expired,
    /// whether or not anything has written that down yet.
    #[must_use]
    pub fn effective(self, hold_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        match (self, hold_until) {
            (Self::PendingConfirmation, Some(h)) if h <= now => Self::Expired,
            (s, _) => s,
        }
    }

    /// Holds (or held) a seat and is still going to happen or happening.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::PendingConfirmation | Self::Confirmed | Self::CheckedIn
        )
    }
}

impl fmt::Display for BookingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for BookingStatus {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "status",
                    format!("Stato sconosciuto: {s}"),
                    format!("Unknown status: {s}"),
                )
            })
    }
}

/// What the staff do with a booking at the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingAction {
    CheckIn,
    NoShow,
    Complete,
    Cancel,
}

impl BookingAction {
    pub fn code(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::NoShow => "no_show",
            Self::Complete => "complete",
            Self::Cancel => "cancel",
        }
    }
}

fn conflict(
    it: impl Into<std::borrow::Cow<'static, str>>,
    en: impl Into<std::borrow::Cow<'static, str>>,
) -> DomainError {
    DomainError::conflict(it, en)
}

/// The status after a staff action, given the effective status now.
pub fn apply_staff_action(
    status: BookingStatus,
    action: BookingAction,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<BookingStatus, DomainError> {
    use BookingStatus::{Cancelled, CheckedIn, Completed, Confirmed, NoShow, PendingConfirmation};
    let not_now = || {
        conflict(
            format!(
                "Azione «{}» non consentita per una prenotazione nello stato «{}»",
                action.code(),
                status.code()
            ),
            format!(
                "Action '{}' is not allowed for a booking in state '{}'",
                action.code(),
                status.code()
            ),
        )
    };
    match (action, status) {
        (BookingAction::CheckIn, Confirmed) => {
            if rome_date(now) != rome_date(start) {
                return Err(conflict(
                    "L'accoglienza si registra il giorno dell'appuntamento",
                    "Check-in is recorded on the day of the appointment",
                ));
            }
            Ok(CheckedIn)
        }
        (BookingAction::NoShow, Confirmed) => {
            if now < start {
                return Err(conflict(
                    "L'assenza si registra dopo l'orario dell'appuntamento",
                    "A no-show is recorded after the appointment's time",
                ));
            }
            Ok(NoShow)
        }
        (BookingAction::Complete, CheckedIn | Confirmed) => Ok(Completed),
        (BookingAction::Cancel, PendingConfirmation | Confirmed) => Ok(Cancelled),
        _ => Err(not_now()),
    }
}

/// Whether the holder may still cancel or move a booking (409 otherwise).
pub fn check_holder_change(
    status: BookingStatus,
    changeable_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if !matches!(
        status,
        BookingStatus::PendingConfirmation | BookingStatus::Confirmed
    ) {
        return Err(conflict(
            format!(
                "La prenotazione non è più modificabile (stato «{}»)",
                status.code()
            ),
            format!(
                "The booking can no longer be changed (state '{}')",
                status.code()
            ),
        ));
    }
    if now > changeable_until {
        let at = crate::agenda::time::rome_local(changeable_until).format("%d/%m/%Y %H:%M");
        return Err(conflict(
            format!("Si poteva annullare o spostare fino al {at}: contattare l'ufficio"),
            format!("It could be cancelled or moved until {at}: please contact the office"),
        ));
    }
    Ok(())
}

/// When an unconfirmed booking made at `now` stops holding its seat.
pub fn hold_until(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::minutes(CONFIRMATION_HOLD_MINUTES)
}

/// The visitor's details, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: Email,
    pub phone: Option<PhoneNumber>,
    pub fiscal_code: Option<CodiceFiscale>,
    pub subject: Subject,
}

/// Checks the visitor's part of a booking, naming each bad field.
pub fn validate_contact(input: &CreateBooking) -> Result<Contact, DomainError> {
    let mut e = Errors::new();
    let first_name = e.check(PersonName::parse_first(&input.first_name));
    let last_name = e.check(PersonName::parse_last(&input.last_name));
    let email = e.check(Email::parse(&input.email));
    let phone = match input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => e.check(PhoneNumber::parse(p)).map(Some),
        None => Some(None),
    };
    let fiscal_code = match input
        .fiscal_code
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(cf) => e.check(CodiceFiscale::parse(cf)).map(Some),
        None => Some(None),
    };
    let subject = e.check(Subject::parse(&input.subject));
    if !input.privacy_accepted {
        e.push(FieldError::new(
            "privacy_accepted",
            "Occorre accettare l'informativa sul trattamento dei dati",
            "The privacy notice must be accepted",
        ));
    }
    e.finish()?;
    match (first_name, last_name, email, phone, fiscal_code, subject) {
        (
            Some(first_name),
            Some(last_name),
            Some(email),
            Some(phone),
            Some(fiscal_code),
            Some(subject),
        ) => Ok(Contact {
            first_name,
            last_name,
            email,
            phone,
            fiscal_code,
            subject,
        }),
        _ => Err(DomainError::invalid(
            "body",
            "Dati incompleti",
            "Incomplete data",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agenda::BookingMode;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn input() -> CreateBooking {
        CreateBooking {
            desk_id: "d".into(),
            service: "s".into(),
            start: at("2026-12-04T15:00:00Z"),
            mode: BookingMode::Video,
            first_name: "Anna".into(),
            last_name: "Bianchi".into(),
            email: "anna@example.it".into(),
            phone: Some("333 1234567".into()),
            fiscal_code: Some("RSSMRA80A01H501U".into()),
            subject: "Verbale".into(),
            privacy_accepted: true,
        }
    }

    #[test]
    fn contact_fields_are_checked_together() {
        let ok = validate_contact(&input()).unwrap();
        assert_eq!(ok.phone.unwrap().as_str(), "+393331234567");
        let mut bad = input();
        bad.first_name = String::new();
        bad.email = "anna@".into();
        bad.phone = Some("12".into());
        bad.fiscal_code = Some("RSSMRA80A01H501X".into());
        bad.subject = "x".repeat(201);
        bad.privacy_accepted = false;
        let err = validate_contact(&bad).unwrap_err();
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|f| f.field.as_ref())
            .collect();
        assert_eq!(
            fields,
            [
                "first_name",
                "email",
                "phone",
                "fiscal_code",
                "subject",
                "privacy_accepted"
            ]
        );
        // Blank optional fields are absent, not wrong.
        let mut blank = input();
        blank.phone = Some("  ".into());
        blank.fiscal_code = Some(String::new());
        let c = validate_contact(&blank).unwrap();
        assert!(c.phone.is_none() && c.fiscal_code.is_none());
    }

    #[test]
    fn holds_expire_by_the_clock() {
        let now = at("2026-12-01T10:00:00Z");
        let h = hold_until(now);
        let s = BookingStatus::PendingConfirmation;
        assert_eq!(s.effective(Some(h), now + Duration::minutes(14)), s);
        assert_eq!(
            s.effective(Some(h), now + Duration::minutes(15)),
            BookingStatus::Expired
        );
        assert_eq!(
            BookingStatus::Confirmed.effective(Some(h), now + Duration::days(1)),
            BookingStatus::Confirmed
        );
    }

    #[test]
    fn staff_actions() {
        use BookingAction as A;
        use BookingStatus as S;
        let start = at("2026-12-04T15:00:00Z");
        let morning = at("2026-12-04T08:00:00Z");
        let later = at("2026-12-04T15:30:00Z");
        assert_eq!(
            apply_staff_action(S::Confirmed, A::CheckIn, start, morning).unwrap(),
            S::CheckedIn
        );
        assert!(
            apply_staff_action(S::Confirmed, A::CheckIn, start, at("2026-12-03T15:00:00Z"))
                .is_err()
        );
        assert!(apply_staff_action(S::Confirmed, A::NoShow, start, morning).is_err());
        assert_eq!(
            apply_staff_action(S::Confirmed, A::NoShow, start, later).unwrap(),
            S::NoShow
        );
        assert_eq!(
            apply_staff_action(S::CheckedIn, A::Complete, start, later).unwrap(),
            S::Completed
        );
        assert_eq!(
            apply_staff_action(S::PendingConfirmation, A::Cancel, start, morning).unwrap(),
            S::Cancelled
        );
        for (s, a) in [
            (S::Cancelled, A::Cancel),
            (S::Expired, A::CheckIn),
            (S::Completed, A::Cancel),
            (S::NoShow, A::Complete),
        ] {
            let err = apply_staff_action(s, a, start, later).unwrap_err();
            assert!(matches!(err, DomainError::Conflict(_)), "{s} {a:?}");
        }
    }

    #[test]
    fn holder_changes_until_the_cutoff() {
        let until = at("2026-12-04T13:00:00Z");
        assert!(
            check_holder_change(BookingStatus::Confirmed, until, at("2026-12-04T12:59:00Z"))
                .is_ok()
        );
        let late = check_holder_change(BookingStatus::Confirmed, until, at("2026-12-04T13:01:00Z"))
            .unwrap_err();
        // The cutoff is shown in Rome time (14:00 in December).
        assert!(
            late.summary(crate::Lang::It).contains("04/12/2026 14:00"),
            "{late}"
        );
        assert!(
            check_holder_change(BookingStatus::Cancelled, until, at("2026-12-01T00:00:00Z"))
                .is_err()
        );
    }
}
