//! The non-working days of the settings, picked rather than typed: the patron saint as a
//! day and a month (it recurs every year, so no year), the extraordinary closures as one
//! date picker each. The server's rules (`MonthDay`, ISO dates) stay the check.

use chrono::NaiveDate;
use domain::{FieldError, Lang, MonthDay};
use leptos::prelude::*;

use crate::components::SelectInput;
use crate::i18n::{StaffTexts, staff_texts, tr, trst, trsts, use_i18n};

/// The patron saint's day as chosen: none, or a day of a month.
pub fn patron_saint(day: &str, month: &str) -> Result<Option<MonthDay>, FieldError> {
    let t =
        |f: fn(&StaffTexts) -> &'static str| (f(staff_texts(Lang::It)), f(staff_texts(Lang::En)));
    match (day.parse::<u32>().ok(), month.parse::<u32>().ok()) {
        (None, None) => Ok(None),
        (Some(d), Some(m)) => MonthDay::new(m, d).map(Some).map_err(|_| {
            let (it, en) = t(|s| s.patron_bad_day);
            FieldError::new("patron_saint", it, en)
        }),
        _ => {
            let (it, en) = t(|s| s.patron_incomplete);
            Err(FieldError::new("patron_saint", it, en))
        }
    }
}

/// "Santo patrono": day and month selects under one legend, the help next to them.
#[component]
pub fn PatronSaint(
    day: RwSignal<String>,
    month: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let days = Signal::derive(|| {
        std::iter::once((String::new(), "—".to_owned()))
            .chain((1..=31).map(|d| (d.to_string(), d.to_string())))
            .collect::<Vec<_>>()
    });
    let months = Signal::derive(move || {
        std::iter::once((String::new(), "—".to_owned()))
            .chain(
                i18n.a()
                    .months
                    .iter()
                    .zip(1..)
                    .map(|(name, m)| (m.to_string(), (*name).to_owned())),
            )
            .collect::<Vec<_>>()
    });
    view! {
        <fieldset class="mb-3" aria-describedby="s-patron-help" data-testid="patron-saint">
            <legend class="h6">{tr(|t| t.patron_saint)}</legend>
            <p id="s-patron-help" class="small">{trst(|s| s.patron_saint_help)}</p>
            <div class="row">
                <div class="col-6 col-md-3">
                    <SelectInput id="s-patron-day" label=trsts(|s| s.patron_day) value=day options=days error />
                </div>
                <div class="col-6 col-md-4">
                    <SelectInput id="s-patron-month" label=trsts(|s| s.patron_month) value=month options=months />
                </div>
            </div>
        </fieldset>
    }
}

/// The closure days as written to the settings: every filled picker, in order.
pub fn closure_days(rows: &[(u32, RwSignal<String>)]) -> Result<Vec<NaiveDate>, FieldError> {
    rows.iter()
        .map(|(_, v)| v.get_untracked())
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            v.trim().parse::<NaiveDate>().map_err(|_| {
                FieldError::new(
                    "closure_days",
                    format!("Giorni di chiusura: data non valida ({v})"),
                    format!("Closure days: invalid date ({v})"),
                )
            })
        })
        .collect()
}

/// "Giorni di chiusura": one date picker per day, added and removed in place.
#[component]
pub fn ClosureDays(
    rows: RwSignal<Vec<(u32, RwSignal<String>)>>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let next =
        StoredValue::new(rows.with_untracked(|r| r.iter().map(|(k, _)| *k).max().unwrap_or(0) + 1));
    let add = move |_| {
        let key = next.get_value();
        next.set_value(key + 1);
        rows.update(|r| r.push((key, RwSignal::new(String::new()))));
        request_animation_frame(move || crate::browser::focus(&format!("s-closure-{key}")));
    };
    view! {
        <fieldset class="mb-4" aria-describedby="s-closures-help" data-testid="closure-days">
            <legend class="h6">{tr(|t| t.closure_days)}</legend>
            <p id="s-closures-help" class="small">{trst(|s| s.closure_days_help)}</p>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="small">{trst(|s| s.closure_none)}</p>
            </Show>
            <ul class="list-unstyled">
                <For each=move || rows.get() key=|(k, _)| *k let:row>
                    {
                        let (key, value) = row;
                        let input_id = format!("s-closure-{key}");
                        let position = move || rows.with(|r| r.iter().position(|(k, _)| *k == key).map_or(0, |i| i + 1));
                        view! {
                            <li class="d-flex align-items-end gap-2 mb-2">
                                <div class="form-group mb-0 flex-grow-1">
                                    <label for=input_id.clone() class="active">
                                        {move || (i18n.s().closure_day)(position())}
                                    </label>
                                    <input id=input_id.clone() type="date" class="form-control" bind:value=value />
                                </div>
                                // The name starts with the visible word (WCAG 2.5.3).
                                <button
                                    type="button"
                                    class="btn btn-outline-danger btn-sm"
                                    on:click=move |_| rows.update(|r| r.retain(|(k, _)| *k != key))
                                >
                                    {move || i18n.s().closure_remove}
                                    <span class="visually-hidden">
                                        {move || (i18n.s().closure_remove_which)(position())}
                                    </span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            {move || error.get().map(|e| view! { <div class="text-danger small mb-2" id="s-closures-error">{e}</div> })}
            <button type="button" class="btn btn-outline-primary btn-sm" on:click=add>
                {trst(|s| s.closure_add)}
            </button>
        </fieldset>
    }
}
