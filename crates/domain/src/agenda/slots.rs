//! Slots: the bookable times of a desk, generated from its weekly hours, date overrides
//! and the tenant's calendar, with the seats left in each.
//!
//! Seats are counted in cells of [`GRANULARITY_MINUTES`]: a booking takes one seat in every
//! cell from its start to its end plus the buffer. Services of different lengths then share
//! the desk's capacity correctly, and the database enforces it cell by cell.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::desk::{DeskRules, GRANULARITY_MINUTES, OverrideHours, Service, TimeRange};
use super::time::rome_to_utc;
use crate::calendar::{WorkingCalendar, rome_date};
use crate::error::DomainError;

/// Seats taken in each cell of a desk, by the cell's start.
pub type Occupancy = BTreeMap<DateTime<Utc>, u32>;

/// An appointment's time, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A bookable time with the seats left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub remaining: u32,
}

/// Why a desk is closed on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closure {
    /// Closed by a date override (its note, if any, is public).
    Override(Option<String>),
    /// A national holiday, the patron saint or a closure day of the tenant.
    Holiday,
    /// No opening hours on that weekday.
    NoHours,
}

/// When and for whom slots are listed.
#[derive(Debug, Clone, Copy)]
pub struct SlotContext<'a> {
    pub now: DateTime<Utc>,
    pub calendar: &'a WorkingCalendar,
    /// Operators booking for a caller on the phone: the minimum notice does not apply.
    pub waive_notice: bool,
}

fn cell() -> Duration {
    Duration::minutes(i64::from(GRANULARITY_MINUTES))
}

impl DeskRules {
    /// The opening ranges of `date`: an override wins, then holidays close the desk (unless
    /// it opens on holidays), then the weekly hours apply.
    pub fn day_ranges(
        &self,
        date: NaiveDate,
        calendar: &WorkingCalendar,
    ) -> Result<Vec<TimeRange>, Closure> {
        use chrono::Datelike;
        let weekly = &self.weekly[date.weekday().num_days_from_monday() as usize];
        let ranges = match self.overrides.get(&date) {
            Some(o) => match &o.hours {
                OverrideHours::Closed => return Err(Closure::Override(o.note.clone())),
                // Hours set for that very date are the staff's explicit decision.
                OverrideHours::Ranges(r) => return Ok(r.clone()),
                OverrideHours::Usual => weekly,
            },
            None => weekly,
        };
        if ranges.is_empty() {
            return Err(Closure::NoHours);
        }
        if !self.open_on_holidays && calendar.is_holiday(date) {
            return Err(Closure::Holiday);
        }
        Ok(ranges.clone())
    }

    /// Every slot of `service` on `date`, regardless of window, notice and seats. Times are
    /// Rome wall-clock: a 16:00 slot stays at 16:00 across summer-time changes. Slots of one
    /// service never overlap each other nor their buffers.
    pub fn day_slots(
        &self,
        service: &Service,
        date: NaiveDate,
        calendar: &WorkingCalendar,
    ) -> Vec<Interval> {
        let Ok(ranges) = self.day_ranges(date, calendar) else {
            return Vec::new();
        };
        let duration = service.duration_minutes;
        let step = duration + self.buffer_minutes;
        let buffer = Duration::minutes(i64::from(self.buffer_minutes));
        let mut out: Vec<Interval> = Vec::new();
        for r in ranges {
            let mut m = r.start.minutes();
            while m + duration <= r.end.minutes() {
                let local =
                    date.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(i64::from(m));
                // A local time in the March gap does not exist; in the October overlap the
                // first occurrence is used, and a repeat that would overlap is skipped.
                if let Some(start) = rome_to_utc(local) {
                    let end = start + Duration::minutes(i64::from(duration));
                    if out.last().is_none_or(|prev| start >= prev.end + buffer) {
                        out.push(Interval { start, end });
                    }
                }
                m += step.max(GRANULARITY_MINUTES);
            }
        }
        out
    }

    /// The cells a booking of `interval` takes: from its start to its end plus the buffer.
    pub fn cells(&self, interval: Interval) -> Vec<DateTime<Utc>> {
        let until = interval.end + Duration::minutes(i64::from(self.buffer_minutes));
        let mut out = Vec::new();
        let mut t = interval.start;
        while t < until {
            out.push(t);
            t += cell();
        }
        out
    }

    /// Seats left for `interval`: the capacity minus the busiest of its cells (never below 0).
    pub fn remaining(&self, interval: Interval, occupancy: &Occupancy) -> u32 {
        let until = interval.end + Duration::minutes(i64::from(self.buffer_minutes));
        let taken = occupancy
            .range(interval.start..until)
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(0);
        self.capacity.saturating_sub(taken)
    }

    /// The first and last date one can book on now.
    pub fn bookable_dates(&self, now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
        let today = rome_date(now);
        (
            today,
            today + Duration::days(i64::from(self.booking_window_days)),
        )
    }

    fn earliest_start(&self, ctx: &SlotContext<'_>) -> DateTime<Utc> {
        if ctx.waive_notice {
            ctx.now
        } else {
            ctx.now + Duration::minutes(i64::from(self.min_notice_minutes))
        }
    }

    /// The slots of `service` between two dates (inclusive) that can be booked now.
    pub fn slots(
        &self,
        service: &Service,
        from: NaiveDate,
        to: NaiveDate,
        ctx: &SlotContext<'_>,
        occupancy: &Occupancy,
    ) -> Vec<Slot> {
        let (first, last) = self.bookable_dates(ctx.now);
        let earliest = self.earliest_start(ctx);
        let mut out = Vec::new();
        let mut date = from.max(first);
        while date <= to.min(last) {
            for iv in self.day_slots(service, date, ctx.calendar) {
                if iv.start > ctx.now && iv.start >= earliest {
                    out.push(Slot {
                        start: iv.start,
                        end: iv.end,
                        remaining: self.remaining(iv, occupancy),
                    });
                }
            }
            date += Duration::days(1);
        }
        out
    }

    /// Checks that `start` is a slot of `service` one may book now; the error names `start`.
    /// Whether a seat is free is for the database to say.
    pub fn check_start(
        &self,
        service: &Service,
        start: DateTime<Utc>,
        ctx: &SlotContext<'_>,
    ) -> Result<Interval, DomainError> {
        let date = rome_date(start);
        let invalid = |it: String, en: String| Err(DomainError::invalid("start", it, en));
        if start <= ctx.now {
            return invalid(
                "L'orario scelto è già passato".into(),
                "The chosen time has already passed".into(),
            );
        }
        if let Err(closure) = self.day_ranges(date, ctx.calendar) {
            let day = date.format("%d/%m/%Y");
            return match closure {
                Closure::Override(Some(note)) => invalid(
                    format!("Lo sportello è chiuso il {day}: {note}"),
                    format!("The desk is closed on {day}: {note}"),
                ),
                Closure::Holiday => invalid(
                    format!("Lo sportello è chiuso il {day} (festività o chiusura dell'ente)"),
                    format!("The desk is closed on {day} (holiday or closure)"),
                ),
                Closure::Override(None) | Closure::NoHours => invalid(
                    format!("Lo sportello è chiuso il {day}"),
                    format!("The desk is closed on {day}"),
                ),
            };
        }
        let Some(interval) = self
            .day_slots(service, date, ctx.calendar)
            .into_iter()
            .find(|iv| iv.start == start)
        else {
            return invalid(
                "Orario non previsto: scegliere uno degli orari proposti".into(),
                "Not a slot of this desk: choose one of the times offered".into(),
            );
        };
        let (_, last) = self.bookable_dates(ctx.now);
        if date > last {
            let n = self.booking_window_days;
            return invalid(
                format!("Si può prenotare al massimo {n} giorni prima"),
                format!("Bookings open at most {n} days ahead"),
            );
        }
        if start < self.earliest_start(ctx) {
            let n = self.min_notice_minutes;
            return invalid(
                format!("Prenotare con almeno {n} minuti di anticipo"),
                format!("Book at least {n} minutes ahead"),
            );
        }
        Ok(interval)
    }

    /// Until when the holder may cancel or move a booking starting at `start`.
    pub fn changeable_until(&self, start: DateTime<Utc>) -> DateTime<Utc> {
        start - Duration::minutes(i64::from(self.cancel_until_minutes))
    }

    /// Dated notices within the booking window: closures (by override or holiday, on days
    /// the desk would otherwise open) and overrides with a note.
    pub fn notices(&self, now: DateTime<Utc>, calendar: &WorkingCalendar) -> Vec<Notice> {
        use chrono::Datelike;
        let (first, last) = self.bookable_dates(now);
        let mut out = Vec::new();
        let mut date = first;
        while date <= last {
            let weekly_open =
                !self.weekly[date.weekday().num_days_from_monday() as usize].is_empty();
            let note = self.overrides.get(&date).and_then(|o| o.note.clone());
            match self.day_ranges(date, calendar) {
                Err(Closure::Override(note)) => out.push(Notice {
                    date,
                    closed: true,
                    holiday: false,
                    note,
                }),
                Err(Closure::Holiday) if weekly_open => out.push(Notice {
                    date,
                    closed: true,
                    holiday: true,
                    note,
                }),
                Ok(_) if self.overrides.contains_key(&date) => out.push(Notice {
                    date,
                    closed: false,
                    holiday: false,
                    note,
                }),
                _ => {}
            }
            date += Duration::days(1);
        }
        out
    }
}

/// A dated notice for the public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub date: NaiveDate,
    pub closed: bool,
    /// Closed for a holiday or a closure day of the tenant.
    pub holiday: bool,
    pub note: Option<String>,
}
