//! Payment messages about a notice: the App IO message when it is issued, the reminders
//! N days before its due date (the tenant's `reminder_days`) and once the day after it was
//! missed. When each is due, whether it still makes sense at send time, when an SMS may go
//! out (never between 21:00 and 08:00 Europe/Rome), and what each channel says.
//!
//! Pure: the caller passes the time.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::NoticeNumber;
use crate::agenda::{rome_local, rome_to_utc};
use crate::calendar::{italian_date, rome_date};
use crate::error::{DomainError, Lang};
use crate::types::Money;

crate::delivery::coded_enum! {
    /// What a payment message is about (stored by its code, with the days in a column).
    ReminderKind {
        /// The notice was issued (App IO only, with `payment_data`).
        Issued = "issued",
        /// N days before the due date.
        Before = "before",
        /// The due date passed unpaid.
        After = "after",
    }
}

crate::delivery::coded_enum! {
    /// Where a planned payment message stands.
    ReminderStatus {
        /// Waiting for its time (an SMS may have been moved past the quiet hours).
        Planned = "planned",
        /// Handed to the channel's delivery (sent from there, once).
        Queued = "queued",
        /// Not sent, for the reason stored with it.
        Skipped = "skipped",
    }
}

crate::delivery::coded_enum! {
    /// Why a payment message was not sent: each is decided when it is due, not when planned.
    SkipReason {
        /// The instalment was paid meanwhile.
        Paid = "paid",
        /// The notice was cancelled (act annulled, instalment gone).
        Cancelled = "cancelled",
        /// The due date changed: messages for the new date were planned instead.
        Rescheduled = "rescheduled",
        /// The tenant no longer sends a reminder this many days before.
        Dropped = "dropped",
        /// A later reminder is due as well: only that one goes.
        Superseded = "superseded",
        /// A reminder before the due date that could only go out after it.
        TooLate = "too_late",
        /// The citizen does not want payment messages on this channel.
        OptedOut = "opted_out",
        /// No citizen account, or no address for the channel.
        NoRecipient = "no_recipient",
        /// The tenant has not set up the channel (SMS gateway, App IO service).
        ChannelOff = "channel_off",
    }
}

/// Which message of a notice, typed: stored as ([`ReminderKind`], days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReminderOffset {
    Issued,
    DaysBefore(u32),
    DayAfter,
}

impl ReminderOffset {
    pub fn kind(self) -> ReminderKind {
        match self {
            Self::Issued => ReminderKind::Issued,
            Self::DaysBefore(_) => ReminderKind::Before,
            Self::DayAfter => ReminderKind::After,
        }
    }

    /// The days column: before the due date for `before`, after it for `after`.
    pub fn days(self) -> u32 {
        match self {
            Self::Issued => 0,
            Self::DaysBefore(d) => d,
            Self::DayAfter => 1,
        }
    }

    /// Back from the stored columns; `None` for a combination never written.
    pub fn from_parts(kind: ReminderKind, days: u32) -> Option<Self> {
        match (kind, days) {
            (ReminderKind::Issued, 0) => Some(Self::Issued),
            (ReminderKind::Before, d) => Some(Self::DaysBefore(d)),
            (ReminderKind::After, 1) => Some(Self::DayAfter),
            _ => None,
        }
    }
}

/// Reminders go out from this hour of Rome's day.
pub const SEND_HOUR: u32 = 9;
/// No SMS from this hour…
pub const QUIET_FROM: u32 = 21;
/// …until this one (Europe/Rome).
pub const QUIET_UNTIL: u32 = 8;
/// The longest SMS we write (one GSM-7 segment).
pub const SMS_MAX: usize = 160;

/// `hour:00` in Rome on `date`, as an instant (the hours used here exist on every day:
/// the summer-time changes happen between 02:00 and 03:00).
fn rome_at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    let local = date.and_hms_opt(hour, 0, 0).expect("valid hour");
    rome_to_utc(local).unwrap_or_else(|| local.and_utc() - Duration::hours(1))
}

/// When a reminder is due for an instalment due on `due` (`None` for the issue message,
/// which goes when the notice is issued).
pub fn instant(offset: ReminderOffset, due: NaiveDate) -> Option<DateTime<Utc>> {
    match offset {
        ReminderOffset::Issued => None,
        ReminderOffset::DaysBefore(d) => {
            Some(rome_at(due - Duration::days(i64::from(d)), SEND_HOUR))
        }
        ReminderOffset::DayAfter => Some(rome_at(due + Duration::days(1), SEND_HOUR)),
    }
}

/// The reminders of an instalment due on `due` with the tenant's `days` (validated by
/// [`super::settings::reminder_days`]): one per offset, then the day after, by time.
pub fn schedule(due: NaiveDate, days: &[u32]) -> Vec<(ReminderOffset, DateTime<Utc>)> {
    let mut out: Vec<(ReminderOffset, DateTime<Utc>)> = days
        .iter()
        .map(|&d| ReminderOffset::DaysBefore(d))
        .chain([ReminderOffset::DayAfter])
        .filter_map(|o| instant(o, due).map(|at| (o, at)))
        .collect();
    out.sort_by_key(|(_, at)| *at);
    out.dedup_by_key(|(o, _)| *o);
    out
}

/// Whether a message that is due now should still go, for an instalment due on `due` that
/// is still unpaid: a reminder before the due date goes until the due date itself (a late
/// worker or an SMS held overnight), not when the tenant dropped that offset, and not when
/// a later reminder is due as well (only the latest goes). The issue message and the one
/// after the due date always go.
pub fn still_due(
    offset: ReminderOffset,
    due: NaiveDate,
    days: &[u32],
    now: DateTime<Utc>,
) -> Result<(), SkipReason> {
    let ReminderOffset::DaysBefore(n) = offset else {
        return Ok(());
    };
    if !days.contains(&n) {
        return Err(SkipReason::Dropped);
    }
    if rome_date(now) > due {
        return Err(SkipReason::TooLate);
    }
    let later_due = days
        .iter()
        .any(|&m| m < n && instant(ReminderOffset::DaysBefore(m), due).is_some_and(|at| at <= now));
    if later_due {
        return Err(SkipReason::Superseded);
    }
    Ok(())
}

/// Whether `at` falls in the SMS quiet hours (21:00–08:00 Rome).
pub fn is_quiet(at: DateTime<Utc>) -> bool {
    let hour = chrono::Timelike::hour(&rome_local(at));
    !(QUIET_UNTIL..QUIET_FROM).contains(&hour)
}

/// The first instant from `now` at which an SMS may go: `now` itself outside the quiet
/// hours, else the next 08:00 in Rome.
pub fn sms_allowed_from(now: DateTime<Utc>) -> DateTime<Utc> {
    if !is_quiet(now) {
        return now;
    }
    let local = rome_local(now);
    let day = if chrono::Timelike::hour(&local) >= QUIET_FROM {
        local.date() + Duration::days(1)
    } else {
        local.date()
    };
    rome_at(day, QUIET_UNTIL)
}

// ---- what the messages say --------------------------------------------------------------

/// What a payment message is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFacts {
    /// The ente, as it signs.
    pub tenant_name: String,
    /// "TARI 2026 - Avviso di pagamento n. 12".
    pub subject: String,
    pub instalment: u32,
    pub amount: Money,
    pub due_date: NaiveDate,
    pub nav: NoticeNumber,
}

/// An e-mail's subject and paragraphs (the API adds greeting, signature and layout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailText {
    pub subject: String,
    pub paragraphs: Vec<String>,
}

fn euros(m: Money) -> String {
    m.to_string().replace(" €", " EUR")
}

fn head(offset: ReminderOffset, f: &PaymentFacts, lang: Lang) -> String {
    let (n, amount, due) = (f.instalment, euros(f.amount), italian_date(f.due_date));
    match (lang, offset) {
        (Lang::It, ReminderOffset::Issued) => {
            format!(
                "È disponibile l'avviso pagoPA della rata {n} di {amount}, da pagare entro il {due}."
            )
        }
        (Lang::It, ReminderOffset::DaysBefore(0)) => {
            format!("La rata {n} di {amount} scade oggi, {due}.")
        }
        (Lang::It, ReminderOffset::DaysBefore(1)) => {
            format!("La rata {n} di {amount} scade domani, {due}.")
        }
        (Lang::It, ReminderOffset::DaysBefore(d)) => {
            format!("La rata {n} di {amount} scade tra {d} giorni, il {due}.")
        }
        (Lang::It, ReminderOffset::DayAfter) => {
            format!("La rata {n} di {amount} è scaduta il {due} e risulta non pagata.")
        }
        (Lang::En, ReminderOffset::Issued) => {
            format!("The pagoPA notice for instalment {n} of {amount}, due by {due}, is available.")
        }
        (Lang::En, ReminderOffset::DaysBefore(0)) => {
            format!("Instalment {n} of {amount} is due today, {due}.")
        }
        (Lang::En, ReminderOffset::DaysBefore(1)) => {
            format!("Instalment {n} of {amount} is due tomorrow, {due}.")
        }
        (Lang::En, ReminderOffset::DaysBefore(d)) => {
            format!("Instalment {n} of {amount} is due in {d} days, on {due}.")
        }
        (Lang::En, ReminderOffset::DayAfter) => {
            format!("Instalment {n} of {amount} was due on {due} and is still unpaid.")
        }
    }
}

/// The SMS: amount, due date and the notice number, within one SMS ([`SMS_MAX`]); the
/// ente's name is shortened when it would not fit.
pub fn sms_text(offset: ReminderOffset, f: &PaymentFacts, lang: Lang) -> String {
    let nav = f.nav.printed();
    let (amount, due) = (euros(f.amount), italian_date(f.due_date));
    let body = match (lang, offset) {
        (Lang::It, ReminderOffset::DayAfter) => {
            format!("rata di {amount} scaduta il {due}, non pagata. Avviso pagoPA {nav}")
        }
        (Lang::It, _) => format!("rata di {amount} in scadenza il {due}. Avviso pagoPA {nav}"),
        (Lang::En, ReminderOffset::DayAfter) => {
            format!("instalment of {amount} was due {due}, unpaid. pagoPA notice {nav}")
        }
        (Lang::En, _) => format!("instalment of {amount} due {due}. pagoPA notice {nav}"),
    };
    let room = SMS_MAX.saturating_sub(body.chars().count() + 2);
    let name: String = f.tenant_name.chars().take(room).collect();
    let text = format!("{}: {body}", name.trim_end());
    text.chars().take(SMS_MAX).collect()
}

fn how_to_pay(f: &PaymentFacts, lang: Lang) -> String {
    let nav = f.nav.printed();
    match lang {
        Lang::It => format!(
            "Codice avviso: {nav}. Può pagare online con pagoPA dalla sua area personale o dall'app IO, oppure presso banche, uffici postali, tabaccherie e gli altri prestatori aderenti, presentando l'avviso."
        ),
        Lang::En => format!(
            "Notice code: {nav}. You can pay online with pagoPA from your personal area or the IO app, or at banks, post offices, tobacconists and the other participating providers, showing the notice."
        ),
    }
}

/// The e-mail (the notice PDF goes with it).
pub fn mail_text(offset: ReminderOffset, f: &PaymentFacts, lang: Lang) -> MailText {
    let due = italian_date(f.due_date);
    let subject = match (lang, offset) {
        (Lang::It, ReminderOffset::Issued) => format!("{}: avviso di pagamento", f.subject),
        (Lang::It, ReminderOffset::DayAfter) => format!("{}: rata scaduta il {due}", f.subject),
        (Lang::It, _) => format!("{}: rata in scadenza il {due}", f.subject),
        (Lang::En, ReminderOffset::Issued) => format!("{}: payment notice", f.subject),
        (Lang::En, ReminderOffset::DayAfter) => format!("{}: instalment due on {due}", f.subject),
        (Lang::En, _) => format!("{}: instalment due on {due}", f.subject),
    };
    let attached = match lang {
        Lang::It => {
            "In allegato l'avviso di pagamento pagoPA. Se ha già pagato, non tenga conto di questo messaggio."
        }
        Lang::En => {
            "The pagoPA payment notice is attached. If you have already paid, please disregard this message."
        }
    };
    MailText {
        subject,
        paragraphs: vec![
            format!("{} ({})", head(offset, f, lang), f.subject),
            how_to_pay(f, lang),
            attached.to_owned(),
        ],
    }
}

/// App IO's limits on a message.
pub const IO_SUBJECT: std::ops::RangeInclusive<usize> = 10..=120;
pub const IO_MARKDOWN: std::ops::RangeInclusive<usize> = 80..=10_000;

/// The App IO subject and markdown, within IO's limits (the payment data travels apart).
pub fn io_text(offset: ReminderOffset, f: &PaymentFacts, lang: Lang) -> (String, String) {
    let mail = mail_text(offset, f, lang);
    let mut subject: String = mail.subject.chars().take(*IO_SUBJECT.end()).collect();
    if subject.chars().count() < *IO_SUBJECT.start() {
        subject = format!("{} - {}", f.tenant_name, subject)
            .chars()
            .take(*IO_SUBJECT.end())
            .collect();
    }
    let markdown = format!(
        "{}\n\n{}\n\n{}",
        head(offset, f, lang),
        f.subject,
        how_to_pay(f, lang)
    );
    let markdown: String = markdown.chars().take(*IO_MARKDOWN.end()).collect();
    (subject, markdown)
}

/// The e-mail when a receipt arrived: the instalment is paid and where the receipt is.
pub fn paid_mail_text(f: &PaymentFacts, receipt_link: &str, lang: Lang) -> MailText {
    let amount = euros(f.amount);
    match lang {
        Lang::It => MailText {
            subject: format!("{}: rata {} pagata", f.subject, f.instalment),
            paragraphs: vec![
                format!(
                    "abbiamo ricevuto il pagamento pagoPA di {amount} per la rata {} ({}, avviso {}): la rata risulta pagata.",
                    f.instalment,
                    f.subject,
                    f.nav.printed()
                ),
                format!(
                    "La ricevuta di pagamento si scarica dalla sua area personale, \"La mia posizione\": {receipt_link}"
                ),
            ],
        },
        Lang::En => MailText {
            subject: format!("{}: instalment {} paid", f.subject, f.instalment),
            paragraphs: vec![
                format!(
                    "we have received the pagoPA payment of {amount} for instalment {} ({}, notice {}): the instalment is paid.",
                    f.instalment,
                    f.subject,
                    f.nav.printed()
                ),
                format!(
                    "You can download the payment receipt from your personal area, \"My account\": {receipt_link}"
                ),
            ],
        },
    }
}

/// The SMS when a receipt arrived.
pub fn paid_sms_text(f: &PaymentFacts, lang: Lang) -> String {
    let amount = euros(f.amount);
    let body = match lang {
        Lang::It => format!(
            "pagamento di {amount} ricevuto, rata {} pagata. Ricevuta nell'area personale.",
            f.instalment
        ),
        Lang::En => format!(
            "payment of {amount} received, instalment {} paid. Receipt in your personal area.",
            f.instalment
        ),
    };
    let room = SMS_MAX.saturating_sub(body.chars().count() + 2);
    let name: String = f.tenant_name.chars().take(room).collect();
    format!("{}: {body}", name.trim_end())
        .chars()
        .take(SMS_MAX)
        .collect()
}

/// The App IO subject and markdown when a receipt arrived.
pub fn paid_io_text(f: &PaymentFacts, receipt_link: &str, lang: Lang) -> (String, String) {
    let mail = paid_mail_text(f, receipt_link, lang);
    let subject: String = mail.subject.chars().take(*IO_SUBJECT.end()).collect();
    let mut markdown = mail.paragraphs.join("\n\n");
    if let Some(first) = markdown.get(..1) {
        let upper = first.to_uppercase();
        markdown.replace_range(..1, &upper);
    }
    (subject, markdown.chars().take(*IO_MARKDOWN.end()).collect())
}

/// App IO's due date: midnight UTC of the day, as its examples write it.
pub fn io_due_date(due: NaiveDate) -> String {
    format!("{due}T00:00:00.000Z")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pagopa::SegregationCode;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn facts(name: &str, cents: i64) -> PaymentFacts {
        PaymentFacts {
            tenant_name: name.to_owned(),
            subject: "TARI 2026 - Avviso di pagamento n. 12".to_owned(),
            instalment: 2,
            amount: Money::from_cents(cents),
            due_date: d(2026, 5, 31),
            nav: NoticeNumber::generate(SegregationCode::new(1).unwrap(), 1237).unwrap(),
        }
    }

    #[test]
    fn offsets_round_trip_through_their_columns() {
        for o in [
            ReminderOffset::Issued,
            ReminderOffset::DaysBefore(7),
            ReminderOffset::DaysBefore(0),
            ReminderOffset::DayAfter,
        ] {
            assert_eq!(ReminderOffset::from_parts(o.kind(), o.days()), Some(o));
        }
        assert_eq!(ReminderOffset::from_parts(ReminderKind::After, 3), None);
        assert_eq!(ReminderOffset::from_parts(ReminderKind::Issued, 1), None);
        for k in ReminderKind::ALL {
            assert_eq!(k.code().parse::<ReminderKind>().unwrap(), *k);
        }
        for s in SkipReason::ALL {
            assert_eq!(s.code().parse::<SkipReason>().unwrap(), *s);
        }
        assert!("sent".parse::<ReminderStatus>().is_err());
    }

    #[test]
    fn schedule_is_n_days_before_and_the_day_after_at_nine_in_rome() {
        let s = schedule(d(2026, 5, 31), &[7, 1]);
        assert_eq!(
            s,
            vec![
                (ReminderOffset::DaysBefore(7), utc("2026-05-24T07:00:00Z")),
                (ReminderOffset::DaysBefore(1), utc("2026-05-30T07:00:00Z")),
                (ReminderOffset::DayAfter, utc("2026-06-01T07:00:00Z")),
            ]
        );
        // Winter time: UTC+1.
        let s = schedule(d(2026, 12, 10), &[1]);
        assert_eq!(s[0].1, utc("2026-12-09T08:00:00Z"));
        // Across the March change: the 7-day reminder in winter time, the due date in summer.
        let s = schedule(d(2026, 4, 2), &[7]);
        assert_eq!(s[0].1, utc("2026-03-26T08:00:00Z"));
        assert_eq!(s[1].1, utc("2026-04-03T07:00:00Z"));
        assert!(schedule(d(2026, 4, 2), &[]).len() == 1);
    }

    #[test]
    fn send_time_decisions() {
        let due = d(2026, 5, 31);
        let days = [7, 1];
        let seven = ReminderOffset::DaysBefore(7);
        // On time.
        assert_eq!(
            still_due(seven, due, &days, utc("2026-05-24T07:00:00Z")),
            Ok(())
        );
        // Late, but before the next reminder: still goes.
        assert_eq!(
            still_due(seven, due, &days, utc("2026-05-28T10:00:00Z")),
            Ok(())
        );
        // The one-day reminder is due too: only that one goes.
        assert_eq!(
            still_due(seven, due, &days, utc("2026-05-30T08:00:00Z")),
            Err(SkipReason::Superseded)
        );
        let one = ReminderOffset::DaysBefore(1);
        // Held overnight (an SMS): goes on the due date itself…
        assert_eq!(
            still_due(one, due, &days, utc("2026-05-31T06:00:00Z")),
            Ok(())
        );
        // …not after it.
        assert_eq!(
            still_due(one, due, &days, utc("2026-06-01T06:00:00Z")),
            Err(SkipReason::TooLate)
        );
        // The tenant dropped the 7-day reminder since it was planned.
        assert_eq!(
            still_due(seven, due, &[3, 1], utc("2026-05-24T07:00:00Z")),
            Err(SkipReason::Dropped)
        );
        assert_eq!(
            still_due(
                ReminderOffset::DayAfter,
                due,
                &days,
                utc("2026-06-20T07:00:00Z")
            ),
            Ok(())
        );
        assert_eq!(
            still_due(
                ReminderOffset::Issued,
                due,
                &[],
                utc("2026-07-20T07:00:00Z")
            ),
            Ok(())
        );
    }

    #[test]
    fn quiet_hours() {
        // 22:00 in Rome (summer): held until 08:00 the next morning.
        assert_eq!(
            sms_allowed_from(utc("2026-05-30T20:00:00Z")),
            utc("2026-05-31T06:00:00Z")
        );
        // 07:59 in Rome (winter): until 08:00 that morning.
        assert_eq!(
            sms_allowed_from(utc("2026-12-10T06:59:00Z")),
            utc("2026-12-10T07:00:00Z")
        );
        // 08:00 and 20:59 are allowed; 21:00 is not.
        for ok in ["2026-12-10T07:00:00Z", "2026-12-10T19:59:00Z"] {
            assert_eq!(sms_allowed_from(utc(ok)), utc(ok));
        }
        assert!(is_quiet(utc("2026-12-10T20:00:00Z")));
        // The night the clocks go forward (29 March 2026, 02:00 → 03:00): 23:30 on the 28th
        // (UTC+1) waits until 08:00 on the 29th, which is UTC+2.
        assert_eq!(
            sms_allowed_from(utc("2026-03-28T22:30:00Z")),
            utc("2026-03-29T06:00:00Z")
        );
        // The night they go back (25 October 2026): 23:30 on the 24th (UTC+2) waits until
        // 08:00 on the 25th, UTC+1.
        assert_eq!(
            sms_allowed_from(utc("2026-10-24T21:30:00Z")),
            utc("2026-10-25T07:00:00Z")
        );
        // In the repeated hour (02:30, twice) it is night either way.
        assert_eq!(
            sms_allowed_from(utc("2026-10-25T00:30:00Z")),
            utc("2026-10-25T07:00:00Z")
        );
        assert_eq!(
            sms_allowed_from(utc("2026-10-25T01:30:00Z")),
            utc("2026-10-25T07:00:00Z")
        );
    }

    #[test]
    fn texts_say_amount_due_date_and_notice() {
        let f = facts("Comune di Valdera", 12_000);
        let sms = sms_text(ReminderOffset::DaysBefore(7), &f, Lang::It);
        assert!(sms.chars().count() <= SMS_MAX, "{sms}");
        assert!(sms.contains("120,00 EUR"), "{sms}");
        assert!(sms.contains("31/05/2026"), "{sms}");
        assert!(sms.contains(&f.nav.printed()), "{sms}");
        assert!(sms.starts_with("Comune di Valdera: "), "{sms}");
        let m = mail_text(ReminderOffset::DaysBefore(7), &f, Lang::It);
        assert_eq!(
            m.subject,
            "TARI 2026 - Avviso di pagamento n. 12: rata in scadenza il 31/05/2026"
        );
        assert!(m.paragraphs[0].contains("scade tra 7 giorni"));
        assert!(m.paragraphs[2].contains("In allegato"));
        let m = mail_text(ReminderOffset::DayAfter, &f, Lang::It);
        assert!(m.paragraphs[0].contains("è scaduta il 31/05/2026"));
        let (s, md) = io_text(ReminderOffset::DaysBefore(1), &f, Lang::It);
        assert!(
            IO_SUBJECT.contains(&s.chars().count()) && IO_MARKDOWN.contains(&md.chars().count())
        );
        assert!(md.contains("scade domani"));
        let p = paid_mail_text(&f, "https://portale.test/la-mia-posizione", Lang::It);
        assert!(p.subject.ends_with("rata 2 pagata"));
        assert!(p.paragraphs[1].contains("https://portale.test/la-mia-posizione"));
        assert_eq!(io_due_date(f.due_date), "2026-05-31T00:00:00.000Z");
    }

    proptest! {
        /// Whatever the instant, the next SMS time is outside the quiet hours, never
        /// earlier than asked, and at most 11 hours later (the length of the night, 12 on
        /// the night the clocks go back).
        #[test]
        fn sms_time_is_never_quiet(secs in 1_735_689_600i64..1_893_456_000i64) {
            let now = DateTime::from_timestamp(secs, 0).unwrap();
            let at = sms_allowed_from(now);
            prop_assert!(!is_quiet(at));
            prop_assert!(at >= now);
            prop_assert!(at - now <= Duration::hours(12));
            if is_quiet(now) {
                let l = rome_local(at);
                prop_assert_eq!((chrono::Timelike::hour(&l), chrono::Timelike::minute(&l)), (QUIET_UNTIL, 0));
            } else {
                prop_assert_eq!(at, now);
            }
        }

        /// Every text fits its channel, whatever the ente's name and the amount.
        #[test]
        fn texts_fit_their_channels(name in "[A-Za-zà' ]{1,200}", cents in 1i64..9_999_999_999i64, days in 0u32..=60) {
            let f = facts(&name, cents);
            for o in [ReminderOffset::Issued, ReminderOffset::DaysBefore(days), ReminderOffset::DayAfter] {
                for lang in [Lang::It, Lang::En] {
                    let sms = sms_text(o, &f, lang);
                    prop_assert!(sms.chars().count() <= SMS_MAX);
                    prop_assert!(sms.contains(&f.nav.printed()), "{}", sms);
                    let (s, md) = io_text(o, &f, lang);
                    prop_assert!(IO_SUBJECT.contains(&s.chars().count()), "{}", s);
                    prop_assert!(IO_MARKDOWN.contains(&md.chars().count()));
                }
            }
            prop_assert!(paid_sms_text(&f, Lang::It).chars().count() <= SMS_MAX);
            let (s, md) = paid_io_text(&f, "https://x.test/p", Lang::It);
            prop_assert!(IO_SUBJECT.contains(&s.chars().count()));
            prop_assert!(IO_MARKDOWN.contains(&md.chars().count()));
        }

        /// A reminder is never due after the reminders scheduled later for the same date,
        /// and the schedule is in time order with the day after last.
        #[test]
        fn schedule_in_order(y in 2025i32..2035, doy in 1u32..365, mut days in proptest::collection::vec(0u32..=60, 0..5)) {
            let due = NaiveDate::from_yo_opt(y, doy).unwrap();
            days = super::super::settings::reminder_days(&days).unwrap();
            let s = schedule(due, &days);
            prop_assert_eq!(s.len(), days.len() + 1);
            prop_assert!(s.windows(2).all(|w| w[0].1 < w[1].1));
            prop_assert_eq!(s.last().unwrap().0, ReminderOffset::DayAfter);
            for (o, at) in &s {
                prop_assert_eq!(chrono::Timelike::hour(&rome_local(*at)), SEND_HOUR);
                // At its own time, a reminder before the due date is due.
                prop_assert_eq!(still_due(*o, due, &days, *at), Ok(()));
            }
        }
    }
}
