//! iCalendar (RFC 5545) files for appointments: a stable UID per booking, SEQUENCE bumped
//! when it moves or is cancelled, times in UTC, `METHOD:CANCEL` once cancelled.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

/// One appointment as a calendar entry.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub booking_id: &'a str,
    pub sequence: i32,
    /// When this version of the entry was made.
    pub stamp: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: &'a str,
    pub location: Option<&'a str>,
    pub description: &'a str,
    pub url: Option<&'a str>,
    pub organizer_name: &'a str,
    pub organizer_email: &'a str,
    pub cancelled: bool,
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT escaping (RFC 5545 §3.3.11).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a UTF-8 character (§3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// The whole `VCALENDAR` with one `VEVENT`.
pub fn render(e: &Event<'_>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Sportello//Agenda//IT".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("METHOD:{}", if e.cancelled { "CANCEL" } else { "PUBLISH" }),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@sportello", e.booking_id),
        format!("SEQUENCE:{}", e.sequence),
        format!("DTSTAMP:{}", utc(e.stamp)),
        format!("DTSTART:{}", utc(e.start)),
        format!("DTEND:{}", utc(e.end)),
        format!("SUMMARY:{}", escape(e.summary)),
        format!("DESCRIPTION:{}", escape(e.description)),
    ];
    if let Some(l) = e.location {
        lines.push(format!("LOCATION:{}", escape(l)));
    }
    if let Some(u) = e.url {
        lines.push(format!("URL:{u}"));
    }
    lines.push(format!(
        "ORGANIZER;CN=\"{}\":mailto:{}",
        e.organizer_name.replace(['"', '\r', '\n'], ""),
        e.organizer_email
    ));
    lines.push(format!(
        "STATUS:{}",
        if e.cancelled {
            "CANCELLED"
        } else {
            "CONFIRMED"
        }
    ));
    lines.push("TRANSP:OPAQUE".to_owned());
    if !e.cancelled {
        // A reminder the evening before is the e-mail's job; this one is an hour ahead.
        lines.extend([
            "BEGIN:VALARM".to_owned(),
            "ACTION:DISPLAY".to_owned(),
            format!("DESCRIPTION:{}", escape(e.summary)),
            "TRIGGER:-PT1H".to_owned(),
            "END:VALARM".to_owned(),
        ]);
    }
    lines.extend(["END:VEVENT".to_owned(), "END:VCALENDAR".to_owned()]);
    let mut out = String::new();
    for l in lines {
        fold(&l, &mut out);
    }
    out
}

/// The MIME type of a calendar file for a mail attachment.
pub fn content_type(cancelled: bool) -> String {
    let mut s = String::from("text/calendar; charset=utf-8; method=");
    let _ = write!(s, "{}", if cancelled { "CANCEL" } else { "PUBLISH" });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn event(cancelled: bool) -> Event<'static> {
        Event {
            booking_id: "0193a1b2-0000-7000-8000-000000000001",
            sequence: 2,
            stamp: at("2026-12-01T10:00:00Z"),
            start: at("2026-12-04T15:00:00Z"),
            end: at("2026-12-04T15:30:00Z"),
            summary: "Appuntamento: Verbali, sanzioni; ZTL",
            location: Some("Piazza del Comune 2, Prato"),
            description: "Riferimento K7QM-3XPA\nGestisci: https://comune.example/prenotazioni/abc — è tutto a posto? Sì, perché è così lungo da dover essere piegato più volte",
            url: Some("https://comune.example/prenotazioni/abc"),
            organizer_name: "Comune di Prato",
            organizer_email: "noreply@comune.example",
            cancelled,
        }
    }

    #[test]
    fn rfc5545_shape() {
        let s = render(&event(false));
        assert!(s.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(s.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(s.contains("\r\nMETHOD:PUBLISH\r\n"));
        assert!(s.contains("\r\nUID:0193a1b2-0000-7000-8000-000000000001@sportello\r\n"));
        assert!(s.contains("\r\nSEQUENCE:2\r\n"));
        assert!(s.contains("\r\nDTSTART:20261204T150000Z\r\nDTEND:20261204T153000Z\r\n"));
        assert!(s.contains("SUMMARY:Appuntamento: Verbali\\, sanzioni\\; ZTL\r\n"));
        assert!(s.contains("\r\nSTATUS:CONFIRMED\r\n"));
        // Every physical line is at most 75 octets; continuation lines start with a space.
        for line in s.split("\r\n") {
            assert!(line.len() <= 75, "{line:?}");
        }
        let unfolded = s.replace("\r\n ", "");
        assert!(unfolded.contains("DESCRIPTION:Riferimento K7QM-3XPA\\nGestisci: https://comune.example/prenotazioni/abc — è tutto a posto? Sì\\, perché"));
        assert!(!s.contains('\n') || s.matches('\n').count() == s.matches("\r\n").count());
    }

    #[test]
    fn cancellation() {
        let s = render(&event(true));
        assert!(s.contains("\r\nMETHOD:CANCEL\r\n"));
        assert!(s.contains("\r\nSTATUS:CANCELLED\r\n"));
        assert!(!s.contains("VALARM"));
        assert_eq!(
            content_type(true),
            "text/calendar; charset=utf-8; method=CANCEL"
        );
    }
}
