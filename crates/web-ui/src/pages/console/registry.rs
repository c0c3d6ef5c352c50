//! The TQRIF register: per-kind compliance for a period, a bar chart of the percentage
//! within standard against the target, and the CSV for the yearly ARERA report.

use chrono::{Datelike, NaiveDate};
use domain::calendar::rome_date;
use domain::registry::{KindStats, RegisterReport};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiResult};
use crate::browser;
use crate::components::{ErrorAlert, Page, TextInput, load};
use crate::format;
use crate::i18n::{kind_label, tr, trst, trsts, use_i18n};
use crate::pages::console::deflections::Deflections;
use crate::pages::console::service_ratings::ServiceRatings;

/// Used when the settings (admin only) cannot be read.
const DEFAULT_TARGET: u8 = 70;

#[component]
pub fn Registry() -> impl IntoView {
    let today = rome_date(browser::now());
    let start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let from = RwSignal::new(start.to_string());
    let to = RwSignal::new(today.to_string());
    let period = RwSignal::new((from.get_untracked(), to.get_untracked()));
    let report: LocalResource<ApiResult<RegisterReport>> = LocalResource::new(move || {
        let (f, t) = period.get();
        async move { api::registry(&f, &t).await }
    });
    let settings = LocalResource::new(api::settings);
    let target = Signal::derive(move || match settings.get() {
        Some(Ok(s)) => s.target_percent,
        _ => DEFAULT_TARGET,
    });
    let csv_error = RwSignal::new(None);
    let show = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        period.set((from.get_untracked(), to.get_untracked()));
    };
    let download = move |_| {
        let (f, t) = period.get_untracked();
        spawn_local(async move {
            let href = format!(
                "{}/registry/entries.csv{}",
                api::BASE,
                api::registry_query(&f, &t)
            );
            let name = format!("registro-tqrif_{f}_{t}.csv");
            csv_error.set(api::download(&href, &name).await.err());
        });
    };
    view! {
        <Page title=trsts(|s| s.register_page_title) no_breadcrumbs=true>
            <form on:submit=show class="row g-2 align-items-end mb-3">
                <div class="col-6 col-md-4">
                    <TextInput id="reg-from" kind="date" label=trsts(|s| s.period_from) value=from />
                </div>
                <div class="col-6 col-md-4">
                    <TextInput id="reg-to" kind="date" label=trsts(|s| s.period_to) value=to />
                </div>
                <div class="col-12 col-md-4 d-flex gap-2 mb-4">
                    <button type="submit" class="btn btn-primary">{tr(|t| t.show)}</button>
                </div>
            </form>
            <p>
                <button type="button" class="btn btn-outline-primary" on:click=download>
                    {trst(|s| s.download_csv)}
                </button>
            </p>
            <ErrorAlert error=csv_error />
            {load(report, move |r| {
                view! {
                    <Chart kinds=r.kinds.clone() target />
                    <RegisterTable r />
                }
            })}
            <Deflections period />
            <ServiceRatings period />
        </Page>
    }
}

fn kind_name(s: &KindStats, lang: domain::Lang, total: &str) -> String {
    s.kind
        .map_or_else(|| total.to_owned(), |k| kind_label(lang, k).to_owned())
}

#[component]
fn RegisterTable(r: RegisterReport) -> impl IntoView {
    let i18n = use_i18n();
    let row = move |s: KindStats, total: bool| {
        let name = kind_name(&s, i18n.lang(), i18n.s().register_total);
        let cells = view! {
            <td>{format::count(s.received)}</td>
            <td>{format::count(s.resolved)}</td>
            <td>{format::count(s.resolved_within_standard)}</td>
            <td>{format::percent(s.percent_within_standard)}</td>
            <td>{format::decimal(s.average_working_days)}</td>
            <td>{s.max_working_days.map_or_else(|| "—".to_owned(), |m| format::count(u64::from(m)))}</td>
            <td>{format::count(s.open_overdue)}</td>
        };
        if total {
            view! { <tr class="fw-bold"><th scope="row">{name}</th>{cells}</tr> }.into_any()
        } else {
            view! { <tr><th scope="row">{name}</th>{cells}</tr> }.into_any()
        }
    };
    view! {
        // Scrolls sideways on a phone: focusable, so keyboard users can scroll it too.
        <div class="table-responsive" tabindex="0" role="region" aria-label=trst(|s| s.register_page_title)>
            <table class="table table-sm align-middle" data-testid="register-table">
                <caption>{format!("{} – {}", format::date(r.from), format::date(r.to))}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trst(|s| s.register_kind)}</th>
                        <th scope="col">{trst(|s| s.register_received)}</th>
                        <th scope="col">{trst(|s| s.register_resolved)}</th>
                        <th scope="col">{trst(|s| s.register_within)}</th>
                        <th scope="col">{trst(|s| s.register_percent)}</th>
                        <th scope="col">{trst(|s| s.register_avg)}</th>
                        <th scope="col">{trst(|s| s.register_max)}</th>
                        <th scope="col">{trst(|s| s.register_open_overdue)}</th>
                    </tr>
                </thead>
                <tbody>
                    {r.kinds.into_iter().map(|s| row(s, false)).collect_view()}
                    {row(r.total, true)}
                </tbody>
            </table>
        </div>
    }
}

/// Horizontal bars, one per kind with a standard, each under its label; a dashed line
/// marks the target. Plain SVG without a `viewBox`: positions are percentages of the width
/// and text keeps its CSS size (13 px), so labels stay readable on a 360 px phone instead
/// of shrinking with the drawing. Described for screen readers; the table above has the
/// same figures.
#[component]
fn Chart(kinds: Vec<KindStats>, target: Signal<u8>) -> impl IntoView {
    /// The bars' full length, in percent of the width: room is left for the value.
    const BAR: f64 = 82.0;
    const ROW_H: f64 = 46.0;
    let i18n = use_i18n();
    let rows: Vec<KindStats> = kinds
        .into_iter()
        .filter(|k| k.standard_days.is_some())
        .collect();
    if rows.is_empty() {
        return None;
    }
    let height = ROW_H * rows.len() as f64 + 28.0;
    Some(view! {
        <figure class="my-4">
            <figcaption class="h5">{trst(|s| s.register_chart_title)}</figcaption>
            <svg
                width="100%"
                height=height
                class="register-chart"
                role="img"
                aria-labelledby="chart-desc"
            >
                <desc id="chart-desc">{trst(|s| s.register_chart_desc)}</desc>
                {rows
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let y = ROW_H * i as f64;
                        let pct = s.percent_within_standard.unwrap_or(0.0).clamp(0.0, 100.0);
                        let w = BAR * pct / 100.0;
                        let below = move || pct < f64::from(target.get());
                        let label = move || kind_name(&s, i18n.lang(), "");
                        view! {
                            <text x="0" y=y + 14.0 class="chart-label">{label}</text>
                            <rect
                                x="0"
                                y=y + 20.0
                                width=format!("{w}%")
                                height="18"
                                class=move || if below() { "chart-bar below" } else { "chart-bar" }
                            ></rect>
                            <text x=format!("{}%", w + 1.5) y=y + 34.0 class="chart-value">{format::percent(Some(pct))}</text>
                        }
                    })
                    .collect_view()}
                {move || {
                    let x = format!("{}%", BAR * f64::from(target.get()) / 100.0);
                    view! {
                        <line x1=x.clone() x2=x.clone() y1="16" y2=height - 22.0 class="chart-target"></line>
                        <text x=x y=height - 6.0 text-anchor="middle" class="chart-label">
                            {(i18n.s().register_target)(target.get())}
                        </text>
                    }
                }}
            </svg>
        </figure>
    })
}
