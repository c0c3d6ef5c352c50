//! Choosing a time: a month grid of the days with free slots (the WAI-ARIA date-grid
//! pattern: one Tab stop, arrows move by day and week, Home/End to the week's ends,
//! Page Up/Down by month), then the free times of the chosen day. Every change is
//! announced in a live region.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use domain::api::SlotDto;
use leptos::prelude::*;

use super::{clock, day_label, month_label};
use crate::api::{self, ApiResult};
use crate::browser;
use crate::components::{ErrorAlert, Loading};
use crate::i18n::{tra, use_i18n};

/// The free slots of a desk and service, by Rome date.
pub type FreeDays = BTreeMap<NaiveDate, Vec<SlotDto>>;

pub fn free_days(slots: Vec<SlotDto>) -> FreeDays {
    let mut days = FreeDays::new();
    for s in slots.into_iter().filter(|s| s.remaining > 0) {
        days.entry(domain::agenda::rome_local(s.start).date())
            .or_default()
            .push(s);
    }
    days
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The slots of `desk` for `service` over the desk's booking window, then the grid and the
/// times; the chosen start goes to `start` (and its day to `day`).
#[component]
pub fn SlotPicker(
    #[prop(into)] desk: Signal<String>,
    #[prop(into)] service: Signal<String>,
    day: RwSignal<Option<NaiveDate>>,
    start: RwSignal<Option<DateTime<Utc>>>,
    /// Set by the caller to show the error under the times.
    #[prop(into, optional)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let slots: LocalResource<ApiResult<FreeDays>> = LocalResource::new(move || {
        let (desk, service) = (desk.get(), service.get());
        async move {
            api::slots(&desk, &service, "", "")
                .await
                .map(|l| free_days(l.items))
        }
    });
    move || match slots.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
        Some(Ok(days)) => {
            // A day (or time) chosen for another service may have gone.
            if day.get_untracked().is_some_and(|d| !days.contains_key(&d)) {
                day.set(None);
                start.set(None);
            }
            view! { <Chooser days day start error /> }.into_any()
        }
    }
}

#[component]
fn Chooser(
    days: FreeDays,
    day: RwSignal<Option<NaiveDate>>,
    start: RwSignal<Option<DateTime<Utc>>>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let days = StoredValue::new(days);
    let today = domain::calendar::rome_date(browser::now());
    let last = days
        .with_value(|d| d.keys().next_back().copied())
        .unwrap_or(today);
    let first_free = days.with_value(|d| d.keys().next().copied());
    let initial = day.get_untracked().or(first_free).unwrap_or(today);
    let month = RwSignal::new(first_of_month(initial));
    let focused = RwSignal::new(initial);
    let announce = RwSignal::new(String::new());
    let min_month = first_of_month(today);
    let max_month = first_of_month(last.max(today));

    let count = move |d: NaiveDate| days.with_value(|m| m.get(&d).map_or(0, Vec::len));
    let move_to = move |d: NaiveDate| {
        let d = d.clamp(min_month, max_month + Months::new(1) - Duration::days(1));
        focused.set(d);
        month.set(first_of_month(d));
        request_animation_frame(move || browser::focus(&format!("day-{d}")));
    };
    let choose = move |d: NaiveDate| {
        let n = count(d);
        if n == 0 {
            return;
        }
        focused.set(d);
        if day.get_untracked() != Some(d) {
            day.set(Some(d));
            start.set(None);
        }
        let a = i18n.a();
        announce.set(format!("{}: {}", day_label(a, d), (a.times_available)(n)));
    };
    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        let d = focused.get_untracked();
        let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
        let to = match ev.key().as_str() {
            "ArrowRight" => d + Duration::days(1),
            "ArrowLeft" => d - Duration::days(1),
            "ArrowDown" => d + Duration::days(7),
            "ArrowUp" => d - Duration::days(7),
            "Home" => monday,
            "End" => monday + Duration::days(6),
            "PageDown" => d + Months::new(1),
            "PageUp" => d - Months::new(1),
            _ => return,
        };
        ev.prevent_default();
        move_to(to);
    };
    let shift_month = move |forward: bool| {
        let m = month.get_untracked();
        let m = if forward {
            m + Months::new(1)
        } else {
            m - Months::new(1)
        };
        if (min_month..=max_month).contains(&m) {
            month.set(m);
            // Keep the grid's one Tab stop inside the shown month.
            focused.set(
                days.with_value(|ds| ds.range(m..m + Months::new(1)).next().map(|(d, _)| *d))
                    .unwrap_or(m),
            );
        }
    };

    let grid = move || {
        let m = month.get();
        let lead = i64::from(m.weekday().num_days_from_monday());
        let start_cell = m - Duration::days(lead);
        let next = m + Months::new(1);
        let a = i18n.a();
        (0..6)
            .map(|w| start_cell + Duration::days(w * 7))
            .take_while(|w| *w < next)
            .map(|week| {
                let cells = (0..7)
                    .map(|i| {
                        let d = week + Duration::days(i);
                        if d.month() != m.month() {
                            return view! { <td role="gridcell"></td> }.into_any();
                        }
                        let n = count(d);
                        let selected = move || day.get() == Some(d);
                        let label = format!(
                            "{}, {}",
                            day_label(a, d),
                            if n == 0 {
                                a.no_times.to_owned()
                            } else {
                                (a.times_available)(n)
                            }
                        );
                        view! {
                            <td role="gridcell" aria-selected=move || selected().to_string()>
                                <button
                                    type="button"
                                    id=format!("day-{d}")
                                    class="btn btn-sm day-cell"
                                    class:btn-primary=selected
                                    class:btn-outline-primary=move || { n > 0 && !selected() }
                                    class:day-empty=n == 0
                                    tabindex=move || if focused.get() == d { "0" } else { "-1" }
                                    aria-disabled=(n == 0).then_some("true")
                                    aria-label=label
                                    on:click=move |_| choose(d)
                                    on:focus=move |_| focused.set(d)
                                >
                                    {d.day()}
                                </button>
                            </td>
                        }
                        .into_any()
                    })
                    .collect_view();
                view! { <tr>{cells}</tr> }
            })
            .collect_view()
    };

    let times = move || {
        let d = day.get()?;
        let list = days.with_value(|m| m.get(&d).cloned()).unwrap_or_default();
        let a = i18n.a();
        let radios = list
            .into_iter()
            .map(|s| {
                let id = format!("time-{}", s.start.timestamp());
                let at = s.start;
                let label = clock(at);
                view! {
                    <div class="form-check form-check-inline time-option">
                        <input
                            type="radio"
                            name="slot-time"
                            id=id.clone()
                            prop:checked=move || start.get() == Some(at)
                            on:change=move |_| {
                                start.set(Some(at));
                                announce.set((i18n.a().time_chosen)(&day_label(i18n.a(), d), &clock(at)));
                            }
                        />
                        <label for=id>{label}</label>
                    </div>
                }
            })
            .collect_view();
        Some(view! {
            <fieldset class="mt-4" aria-describedby=move || error.with(Option::is_some).then_some("start-error")>
                <legend class="h5">{(a.times_of)(&day_label(a, d))}</legend>
                {radios}
            </fieldset>
        })
    };

    let no_slots = days.with_value(BTreeMap::is_empty);
    view! {
        <div class="slot-picker" id="start" tabindex="-1">
            {move || error.get().map(|e| view! { <div class="invalid-feedback d-block mb-2" id="start-error">{e}</div> })}
            {no_slots.then(|| view! { <div class="alert alert-warning" role="status">{tra(|a| a.no_slots)}</div> })}
            <div class="d-flex align-items-center justify-content-between mb-2">
                <button
                    type="button"
                    class="btn btn-outline-primary btn-sm"
                    disabled=move || { month.get() <= min_month }
                    on:click=move |_| shift_month(false)
                >
                    {tra(|a| a.prev_month)}
                </button>
                <h3 class="h5 mb-0" id="month-label" aria-live="polite">
                    {move || month_label(i18n.a(), month.get())}
                </h3>
                <button
                    type="button"
                    class="btn btn-outline-primary btn-sm"
                    disabled=move || { month.get() >= max_month }
                    on:click=move |_| shift_month(true)
                >
                    {tra(|a| a.next_month)}
                </button>
            </div>
            <p class="small" id="grid-help">{tra(|a| a.grid_help)}</p>
            <div class="table-responsive">
                <table role="grid" class="table table-sm text-center month-grid" aria-labelledby="month-label" aria-describedby="grid-help" on:keydown=keydown>
                    <thead>
                        <tr>
                            {move || {
                                let a = i18n.a();
                                (0..7)
                                    .map(|i| view! { <th scope="col" abbr=a.weekdays[i]>{a.weekdays_short[i]}</th> })
                                    .collect_view()
                            }}
                        </tr>
                    </thead>
                    <tbody>{grid}</tbody>
                </table>
            </div>
            <p class="visually-hidden" aria-live="polite" role="status">{move || announce.get()}</p>
            {times}
        </div>
    }
}
