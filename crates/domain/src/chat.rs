//! Live chat and the video desk: the states of a chat, who may do what to it, a citizen's
//! place in the queue, when a video call can be joined, and the limits of the real-time
//! channel. Shared by the API (which enforces them) and the web app (which shows them).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::WorkingCalendar;
use crate::agenda::TimeRange;
use crate::agenda::time::{rome_local, rome_to_utc};
use crate::delivery::coded_enum;
use crate::error::{DomainError, FieldError};

/// Longest chat message, in characters (a chat line, not a letter).
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Largest frame a real-time connection accepts (an SDP offer with many candidates fits).
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Frames a connection may send per second on average (typing, signalling, messages).
pub const FRAMES_PER_SECOND: u32 = 20;
/// Burst of frames above the average.
pub const FRAME_BURST: u32 = 60;
/// How long a connection ticket stays valid.
pub const TICKET_SECONDS: i64 = 60;
/// A video call opens this many minutes before the slot.
pub const CALL_OPENS_MINUTES_BEFORE: i64 = 10;
/// Lifetime of TURN credentials handed to a party of a call, in seconds.
pub const TURN_CREDENTIAL_SECONDS: i64 = 2 * 3600;

coded_enum! {
    /// Where a chat stands.
    ChatStatus {
        /// Opened by the citizen, in the office's queue.
        Waiting = "waiting",
        /// Accepted by an operator.
        Active = "active",
        /// Ended (by either party, or turned into a request).
        Closed = "closed",
    }
}

coded_enum! {
    /// What a party does to a chat (`POST /chats/{id}/actions`).
    ChatAction {
        /// An operator of the chat's office takes it.
        Accept = "accept",
        /// The operator hands it to another office's queue.
        Transfer = "transfer",
        /// Either party ends it.
        Close = "close",
        /// The operator files a request whose thread starts with the transcript.
        Convert = "convert",
        /// The citizen asks for the transcript by e-mail.
        EmailTranscript = "email_transcript",
    }
}

coded_enum! {
    /// Where a video call stands, as both parties see it.
    CallStatus {
        /// Earlier than ten minutes before the slot.
        NotYet = "not_yet",
        /// Joinable; nobody is waiting.
        Open = "open",
        /// The citizen is in the waiting room.
        Waiting = "waiting",
        /// The operator admitted the citizen: the call is on.
        InCall = "in_call",
        /// The slot is over, or the operator ended the call.
        Ended = "ended",
        /// The booking was cancelled or is not a video booking.
        Unavailable = "unavailable",
    }
}

/// Who acts on a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatParty {
    /// The citizen who opened it.
    Citizen,
    /// An operator of the office the chat is routed to (or its assignee).
    Operator { assignee: bool },
}

impl ChatStatus {
    /// Whether the citizen and the assignee can still write.
    pub fn is_open(self) -> bool {
        self != Self::Closed
    }
}

/// Why an action is refused, in both languages (the API answers 409 with it).
pub fn check_action(
    action: ChatAction,
    status: ChatStatus,
    party: ChatParty,
) -> Result<(), DomainError> {
    let refuse = |it: &'static str, en: &'static str| Err(DomainError::conflict(it, en));
    match (action, party) {
        (ChatAction::EmailTranscript, ChatParty::Citizen) => Ok(()),
        (ChatAction::EmailTranscript, ChatParty::Operator { .. }) => refuse(
            "Solo il cittadino può chiedere la trascrizione",
            "Only the citizen can ask for the transcript",
        ),
        (ChatAction::Close, _) if status == ChatStatus::Closed => {
            refuse("La chat è già chiusa", "The chat is already closed")
        }
        (ChatAction::Close, ChatParty::Citizen) => Ok(()),
        (ChatAction::Close, ChatParty::Operator { assignee }) => {
            if status == ChatStatus::Active && !assignee {
                refuse(
                    "La chat è seguita da un altro operatore",
                    "Another operator is handling this chat",
                )
            } else {
                Ok(())
            }
        }
        (_, ChatParty::Citizen) => refuse(
            "Operazione riservata agli operatori",
            "Only operators can do this",
        ),
        (ChatAction::Accept, _) => match status {
            ChatStatus::Waiting => Ok(()),
            ChatStatus::Active => refuse(
                "La chat è già stata accettata",
                "The chat has already been accepted",
            ),
            ChatStatus::Closed => refuse("La chat è chiusa", "The chat is closed"),
        },
        (ChatAction::Transfer, ChatParty::Operator { assignee }) => match status {
            ChatStatus::Closed => refuse("La chat è chiusa", "The chat is closed"),
            ChatStatus::Active if !assignee => refuse(
                "La chat è seguita da un altro operatore",
                "Another operator is handling this chat",
            ),
            _ => Ok(()),
        },
        (ChatAction::Convert, ChatParty::Operator { assignee }) => {
            if status == ChatStatus::Waiting {
                refuse(
                    "Accetta la chat prima di convertirla in pratica",
                    "Accept the chat before turning it into a request",
                )
            } else if !assignee {
                refuse(
                    "La chat è seguita da un altro operatore",
                    "Another operator is handling this chat",
                )
            } else {
                Ok(())
            }
        }
    }
}

/// The status after an allowed action.
pub fn status_after(action: ChatAction, status: ChatStatus) -> ChatStatus {
    match action {
        ChatAction::Accept => ChatStatus::Active,
        // A transferred chat waits in the other office's queue.
        ChatAction::Transfer => ChatStatus::Waiting,
        ChatAction::Close => ChatStatus::Closed,
        // The request carries the conversation on; the chat ends.
        ChatAction::Convert => ChatStatus::Closed,
        ChatAction::EmailTranscript => status,
    }
}

/// A chat message's text: trimmed, not empty, at most [`MAX_MESSAGE_CHARS`].
pub fn message_body(text: &str) -> Result<String, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FieldError::new(
            "body",
            "Scrivi un messaggio",
            "Write a message",
        ));
    }
    if t.chars().count() > MAX_MESSAGE_CHARS {
        return Err(FieldError::new(
            "body",
            format!("Il messaggio supera i {MAX_MESSAGE_CHARS} caratteri"),
            format!("The message is longer than {MAX_MESSAGE_CHARS} characters"),
        ));
    }
    Ok(t.to_owned())
}

/// The text of a message that carries files: may be empty (a document alone), else as
/// [`message_body`].
pub fn message_with_files(text: &str, files: usize) -> Result<String, FieldError> {
    if files > 0 && text.trim().is_empty() {
        Ok(String::new())
    } else {
        message_body(text)
    }
}

/// A waiting chat's place in its office's queue (1 = next), counting the other chats that
/// started earlier; ties on the start instant go by id. (The chat itself may be in
/// `waiting` with its instant as stored, rounded by the database.)
pub fn queue_position<'a>(
    mine: (DateTime<Utc>, &str),
    waiting: impl IntoIterator<Item = (DateTime<Utc>, &'a str)>,
) -> u32 {
    let ahead = waiting
        .into_iter()
        .filter(|(at, id)| *id != mine.1 && (*at, *id) < (mine.0, mine.1))
        .count();
    u32::try_from(ahead).unwrap_or(u32::MAX).saturating_add(1)
}

/// Where a video call stands from its slot, the booking's state and the call's marks.
pub struct CallFacts {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The booking is a video booking and neither cancelled nor expired.
    pub bookable: bool,
    pub waiting_since: Option<DateTime<Utc>>,
    pub admitted_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl CallFacts {
    /// When the call can first be joined.
    pub fn opens_at(&self) -> DateTime<Utc> {
        self.starts_at - Duration::minutes(CALL_OPENS_MINUTES_BEFORE)
    }

    /// Whether `now` falls in the joinable window (ten minutes before to the slot's end).
    pub fn window_open(&self, now: DateTime<Utc>) -> bool {
        now >= self.opens_at() && now < self.ends_at
    }

    pub fn status(&self, now: DateTime<Utc>) -> CallStatus {
        if !self.bookable {
            return CallStatus::Unavailable;
        }
        if self.ended_at.is_some() || now >= self.ends_at {
            return CallStatus::Ended;
        }
        if now < self.opens_at() {
            return CallStatus::NotYet;
        }
        if self.admitted_at.is_some() {
            CallStatus::InCall
        } else if self.waiting_since.is_some() {
            CallStatus::Waiting
        } else {
            CallStatus::Open
        }
    }
}

/// The chat's weekly hours: the union of its office's desks' ranges, Monday first.
pub fn merge_hours(desks: &[[Vec<TimeRange>; 7]]) -> [Vec<TimeRange>; 7] {
    let mut week: [Vec<TimeRange>; 7] = Default::default();
    for (day, out) in week.iter_mut().enumerate() {
        let mut ranges: Vec<TimeRange> =
            desks.iter().flat_map(|d| d[day].iter().copied()).collect();
        ranges.sort_by_key(|r| r.start.minutes());
        for r in ranges {
            match out.last_mut() {
                Some(last) if r.start.minutes() <= last.end.minutes() => {
                    if r.end.minutes() > last.end.minutes() {
                        last.end = r.end;
                    }
                }
                _ => out.push(r),
            }
        }
    }
    week
}

/// Whether the chat is within its hours at `now` (Europe/Rome; closed on the tenant's
/// holidays and closure days), and when it next opens if not. No hours at all means the
/// desk has set none: always within hours.
pub fn hours_at(
    week: &[Vec<TimeRange>; 7],
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> (bool, Option<DateTime<Utc>>) {
    if week.iter().all(Vec::is_empty) {
        return (true, None);
    }
    let local = rome_local(now);
    let minute = local.hour() * 60 + local.minute();
    let open_on = |date: NaiveDate| !calendar.is_holiday(date);
    let today = local.date();
    let day_ranges = |date: NaiveDate| &week[date.weekday().num_days_from_monday() as usize];
    if open_on(today)
        && day_ranges(today)
            .iter()
            .any(|r| r.start.minutes() <= minute && minute < r.end.minutes())
    {
        return (true, None);
    }
    for offset in 0..=14 {
        let date = today + Duration::days(offset);
        if !open_on(date) {
            continue;
        }
        for r in day_ranges(date) {
            if offset == 0 && r.start.minutes() <= minute {
                continue;
            }
            if let Some(at) = rome_to_utc(r.start.on(date)) {
                return (false, Some(at));
            }
        }
    }
    (false, None)
}

/// The TURN user name of coturn's `use-auth-secret` scheme (TURN REST API): the expiry as
/// Unix seconds, a colon, and who it is for. The password is the base64 HMAC-SHA1 of this
/// name under the shared secret (computed by the server, which holds the secret).
pub fn turn_username(expires: DateTime<Utc>, party: &str) -> String {
    format!("{}:{party}", expires.timestamp())
}

/// Whether a STUN/TURN address is one a browser accepts (`stun:`, `turn:` or `turns:`
/// followed by a host).
pub fn check_ice_url(url: &str) -> Result<(), FieldError> {
    let rest = ["stun:", "turn:", "turns:"]
        .iter()
        .find_map(|p| url.strip_prefix(p));
    match rest {
        Some(r) if !r.is_empty() && !r.contains(char::is_whitespace) => Ok(()),
        _ => Err(FieldError::new(
            "urls",
            format!("Indirizzo STUN/TURN non valido: {url}"),
            format!("Not a STUN/TURN address: {url}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const OP: ChatParty = ChatParty::Operator { assignee: false };
    const MINE: ChatParty = ChatParty::Operator { assignee: true };

    #[test]
    fn only_operators_accept_and_only_waiting_chats() {
        assert!(check_action(ChatAction::Accept, ChatStatus::Waiting, OP).is_ok());
        assert!(check_action(ChatAction::Accept, ChatStatus::Active, OP).is_err());
        assert!(check_action(ChatAction::Accept, ChatStatus::Closed, OP).is_err());
        assert!(check_action(ChatAction::Accept, ChatStatus::Waiting, ChatParty::Citizen).is_err());
    }

    #[test]
    fn only_the_assignee_transfers_converts_or_closes_an_active_chat() {
        for a in [ChatAction::Transfer, ChatAction::Convert, ChatAction::Close] {
            assert!(check_action(a, ChatStatus::Active, OP).is_err(), "{a}");
            assert!(check_action(a, ChatStatus::Active, MINE).is_ok(), "{a}");
        }
        // A waiting chat can be transferred or closed by any operator of the office, not
        // converted (nobody has talked to the citizen yet).
        assert!(check_action(ChatAction::Transfer, ChatStatus::Waiting, OP).is_ok());
        assert!(check_action(ChatAction::Close, ChatStatus::Waiting, OP).is_ok());
        assert!(check_action(ChatAction::Convert, ChatStatus::Waiting, MINE).is_err());
    }

    #[test]
    fn the_citizen_closes_and_asks_for_the_transcript_only() {
        let c = ChatParty::Citizen;
        assert!(check_action(ChatAction::Close, ChatStatus::Waiting, c).is_ok());
        assert!(check_action(ChatAction::Close, ChatStatus::Closed, c).is_err());
        assert!(check_action(ChatAction::EmailTranscript, ChatStatus::Closed, c).is_ok());
        assert!(check_action(ChatAction::EmailTranscript, ChatStatus::Closed, MINE).is_err());
        assert!(check_action(ChatAction::Transfer, ChatStatus::Active, c).is_err());
        assert!(check_action(ChatAction::Convert, ChatStatus::Active, c).is_err());
    }

    #[test]
    fn closed_chats_take_no_further_change() {
        for a in [ChatAction::Transfer, ChatAction::Close] {
            assert!(check_action(a, ChatStatus::Closed, MINE).is_err(), "{a}");
        }
        assert_eq!(
            status_after(ChatAction::Transfer, ChatStatus::Active),
            ChatStatus::Waiting
        );
        assert_eq!(
            status_after(ChatAction::Convert, ChatStatus::Active),
            ChatStatus::Closed
        );
    }

    #[test]
    fn message_bodies_are_trimmed_and_bounded() {
        assert_eq!(message_body("  ciao ").unwrap(), "ciao");
        assert_eq!(message_body(" \n ").unwrap_err().field, "body");
        assert!(message_body(&"à".repeat(MAX_MESSAGE_CHARS)).is_ok());
        assert!(message_body(&"à".repeat(MAX_MESSAGE_CHARS + 1)).is_err());
    }

    #[test]
    fn a_document_may_go_without_text() {
        assert_eq!(message_with_files(" ", 1).unwrap(), "");
        assert!(message_with_files(" ", 0).is_err());
        assert!(message_with_files(&"a".repeat(MAX_MESSAGE_CHARS + 1), 1).is_err());
    }

    #[test]
    fn queue_position_counts_earlier_chats() {
        let t = |s| Utc.timestamp_opt(s, 0).unwrap();
        let waiting = [(t(10), "a"), (t(20), "b"), (t(20), "c"), (t(30), "d")];
        assert_eq!(queue_position((t(10), "a"), waiting), 1);
        assert_eq!(queue_position((t(20), "c"), waiting), 3);
        assert_eq!(queue_position((t(30), "d"), waiting), 4);
        assert_eq!(queue_position((t(5), "z"), []), 1);
    }

    #[test]
    fn a_call_opens_ten_minutes_before_and_ends_with_the_slot() {
        let start = Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap();
        let mut f = CallFacts {
            starts_at: start,
            ends_at: start + Duration::minutes(30),
            bookable: true,
            waiting_since: None,
            admitted_at: None,
            ended_at: None,
        };
        assert_eq!(f.status(start - Duration::minutes(11)), CallStatus::NotYet);
        assert_eq!(f.status(start - Duration::minutes(10)), CallStatus::Open);
        f.waiting_since = Some(start);
        assert_eq!(f.status(start), CallStatus::Waiting);
        f.admitted_at = Some(start);
        assert_eq!(f.status(start), CallStatus::InCall);
        assert_eq!(f.status(start + Duration::minutes(30)), CallStatus::Ended);
        assert!(!f.window_open(start + Duration::minutes(30)));
        f.ended_at = Some(start);
        assert_eq!(f.status(start), CallStatus::Ended);
        f.bookable = false;
        assert_eq!(f.status(start), CallStatus::Unavailable);
    }

    fn range(a: u32, b: u32) -> TimeRange {
        TimeRange {
            start: crate::agenda::time::ClockTime::from_minutes(a * 60).unwrap(),
            end: crate::agenda::time::ClockTime::from_minutes(b * 60).unwrap(),
        }
    }

    #[test]
    fn hours_merge_and_say_when_the_chat_opens() {
        let mut a: [Vec<TimeRange>; 7] = Default::default();
        let mut b: [Vec<TimeRange>; 7] = Default::default();
        a[0] = vec![range(9, 12)];
        b[0] = vec![range(11, 13), range(15, 17)];
        let week = merge_hours(&[a, b]);
        assert_eq!(week[0], vec![range(9, 13), range(15, 17)]);
        let cal = WorkingCalendar::new(None, Vec::<NaiveDate>::new());
        // Monday 7 December 2026, 10:00 in Rome (09:00 UTC): open.
        let monday_10 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
        assert_eq!(hours_at(&week, &cal, monday_10), (true, None));
        // 13:30 in Rome: closed, opens at 15:00 (14:00 UTC).
        let lunch = Utc.with_ymd_and_hms(2026, 12, 7, 12, 30, 0).unwrap();
        assert_eq!(
            hours_at(&week, &cal, lunch),
            (
                false,
                Some(Utc.with_ymd_and_hms(2026, 12, 7, 14, 0, 0).unwrap())
            )
        );
        // Tuesday: the next Monday at 9:00.
        let tuesday = Utc.with_ymd_and_hms(2026, 12, 8, 9, 0, 0).unwrap();
        assert_eq!(
            hours_at(&week, &cal, tuesday),
            (
                false,
                Some(Utc.with_ymd_and_hms(2026, 12, 14, 8, 0, 0).unwrap())
            )
        );
        // No hours at all: always within hours.
        assert_eq!(hours_at(&Default::default(), &cal, tuesday), (true, None));
    }

    #[test]
    fn turn_names_and_ice_urls() {
        let at = Utc.timestamp_opt(1_800_000_000, 0).unwrap();
        assert_eq!(turn_username(at, "b1"), "1800000000:b1");
        assert!(check_ice_url("stun:stun.example.org:3478").is_ok());
        assert!(check_ice_url("turns:turn.example.org:5349?transport=tcp").is_ok());
        assert!(check_ice_url("http://x").is_err());
        assert!(check_ice_url("turn:").is_err());
    }
}
