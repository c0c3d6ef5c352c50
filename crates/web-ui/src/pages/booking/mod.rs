//! The booking app (`/prenotazioni…`, `/ritiro-ingombranti`), its own bundle loaded only
//! where a visitor books: the appointment flow, the page of a booking from its link, the
//! e-mailed confirmation link, and the bulky-waste pickup for signed-in citizens.

mod calendar;
mod flow;
mod manage;
mod pickup;

pub use calendar::SlotPicker;
pub use flow::BookAppointment;
pub use manage::{ConfirmBooking, ManageBooking};
pub use pickup::{BookPickup, pickup_kind_label};

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use domain::agenda::BookingStatus;
use domain::api::DeskNotice;
use leptos::prelude::*;

use crate::format;
use crate::i18n::{BookingTexts, tra, use_i18n};

/// `HH:MM` in Rome.
pub fn clock(at: DateTime<Utc>) -> String {
    let l = domain::agenda::rome_local(at);
    format!("{:02}:{:02}", l.hour(), l.minute())
}

/// "martedì 12 maggio 2026".
pub fn day_label(a: &BookingTexts, d: NaiveDate) -> String {
    format!(
        "{} {} {} {}",
        a.weekdays[d.weekday().num_days_from_monday() as usize],
        d.day(),
        a.months[d.month0() as usize],
        d.year()
    )
}

/// "maggio 2026".
pub fn month_label(a: &BookingTexts, d: NaiveDate) -> String {
    format!("{} {}", a.months[d.month0() as usize], d.year())
}

/// "martedì 12 maggio 2026, 16:00–16:20".
pub fn when(a: &BookingTexts, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    format!(
        "{}, {}–{}",
        day_label(a, domain::agenda::rome_local(start).date()),
        clock(start),
        clock(end)
    )
}

pub fn status_label(a: &BookingTexts, s: BookingStatus) -> &'static str {
    a.status_labels[BookingStatus::ALL
        .iter()
        .position(|x| *x == s)
        .unwrap_or_default()]
}

/// The step indicator; the current step is marked with `aria-current="step"`.
#[component]
pub fn Steps(step: RwSignal<usize>, labels: fn(&BookingTexts) -> &[&'static str]) -> impl IntoView {
    let i18n = use_i18n();
    let n = labels(i18n.a()).len();
    view! {
        <div class="steppers">
            <div class="steppers-header">
                <ul>
                    {(0..n)
                        .map(|i| {
                            view! {
                                <li
                                    class:confirmed=move || i < step.get()
                                    class:active=move || step.get() == i
                                    aria-current=move || (step.get() == i).then_some("step")
                                >
                                    <span class="steppers-number" aria-hidden="true">{i + 1}</span>
                                    {move || labels(i18n.a())[i]}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <span class="steppers-index">
                    {move || (i18n.t().step_of)(step.get().min(n - 1) + 1, n)}
                </span>
            </div>
        </div>
    }
}

/// A desk's closures and changed hours, as the public must see them before booking.
#[component]
pub fn Notices(notices: Vec<DeskNotice>) -> impl IntoView {
    let i18n = use_i18n();
    if notices.is_empty() {
        return ().into_any();
    }
    let items = notices
        .into_iter()
        .map(|n| {
            let date = n.date;
            let (closed, holiday, note) = (n.closed, n.holiday, n.note);
            view! {
                <li>
                    <strong>{format::date(date)}</strong>
                    " – "
                    {move || {
                        let a = i18n.a();
                        let what = if holiday {
                            a.notice_holiday
                        } else if closed {
                            a.notice_closed
                        } else {
                            a.notice_changed
                        };
                        match &note {
                            Some(n) => format!("{what}: {n}"),
                            None => what.to_owned(),
                        }
                    }}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="callout warning" data-testid="desk-notices">
            <div class="callout-title">{tra(|a| a.notices_title)}</div>
            <ul class="mb-0">{items}</ul>
        </div>
    }
    .into_any()
}
