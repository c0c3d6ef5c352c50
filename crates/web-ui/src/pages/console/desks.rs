//! Desks and their hours (administrators): the opening check against the capitolato
//! minimums, and per desk the services, the weekly ranges (a row per range, several per
//! day), the dated overrides and the booking rules.

use domain::agenda::DeskMode;
use domain::api::{
    DateOverrideDto, Desk, DeskServiceDto, Office, OpeningCheckDto, SaveDesk, TimeRangeDto,
    WeeklyRangeDto,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiResult};
use crate::browser;
use crate::components::{
    Checkbox, ErrorAlert, FormState, Notice, Page, SelectInput, TextInput, load,
};
use crate::format;
use crate::i18n::{tr, trag, trags, use_i18n};

/// What an open form edits.
#[derive(Clone)]
pub enum Editing<T> {
    New,
    Existing(T),
}

impl<T> Editing<T> {
    pub fn existing(self) -> Option<T> {
        match self {
            Self::New => None,
            Self::Existing(t) => Some(t),
        }
    }
}

#[component]
pub fn DesksPage() -> impl IntoView {
    let desks: LocalResource<ApiResult<Vec<Desk>>> = LocalResource::new(api::desks);
    let check: LocalResource<ApiResult<OpeningCheckDto>> = LocalResource::new(api::opening_check);
    let offices: LocalResource<ApiResult<Vec<Office>>> = LocalResource::new(api::offices);
    let editing = RwSignal::new(None::<Editing<Desk>>);
    let done = RwSignal::new(None::<String>);
    view! {
        <Page title=trags(|g| g.desks_title) no_breadcrumbs=true>
            <Notice message=done />
            {load(check, |c| view! { <Verdict c /> })}
            {load(desks, move |list| {
                let rows = list.into_iter().map(|d| {
                    let dd = d.clone();
                    let hours = d.settings.weekly.len();
                    view! {
                        <tr>
                            <td>{d.settings.name.clone()}</td>
                            <td>{d.office.name.clone()}</td>
                            <td>{hours}</td>
                            <td>
                                <button type="button" class="btn btn-sm btn-outline-primary" on:click=move |_| editing.set(Some(Editing::Existing(dd.clone())))>
                                    {trag(|g| g.edit)}<span class="visually-hidden">{format!(" {}", d.settings.name)}</span>
                                </button>
                            </td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <div class="table-responsive">
                        <table class="table">
                            <thead><tr>
                                <th scope="col">{trag(|g| g.desk)}</th>
                                <th scope="col">{trag(|g| g.office)}</th>
                                <th scope="col">{trag(|g| g.ranges)}</th>
                                <th scope="col"><span class="visually-hidden">{trag(|g| g.edit)}</span></th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })}
            <button type="button" class="btn btn-primary mb-4" on:click=move |_| editing.set(Some(Editing::New))>{trag(|g| g.add_desk)}</button>
            {move || editing.get().map(|d| load(offices, move |offices| view! { <DeskForm desk=d.clone().existing() offices desks check editing done /> }))}
        </Page>
    }
}

#[component]
fn Verdict(c: OpeningCheckDto) -> impl IntoView {
    let i18n = use_i18n();
    let ok = c.ok;
    view! {
        <div class=if ok { "callout success" } else { "callout danger" } data-testid="opening-check" data-ok=ok.to_string()>
            <div class="callout-title">{trag(|g| g.opening_check)}</div>
            <p class="mb-1">
                {move || (i18n.g().opening_hours)(&format::decimal(Some(c.weekly_hours)), c.required_hours, c.population)}
            </p>
            <p class="mb-1">{move || if c.has_afternoon_opening { i18n.g().afternoon_yes } else { i18n.g().afternoon_no }}</p>
            <p class="mb-0 fw-semibold">{move || if ok { i18n.g().opening_ok } else { i18n.g().opening_ko }}</p>
        </div>
    }
}

/// One editable weekly range.
#[derive(Clone, Copy)]
struct RangeRow {
    weekday: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct ServiceRow {
    code: RwSignal<String>,
    name: RwSignal<String>,
    minutes: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct OverrideRow {
    date: RwSignal<String>,
    closed: RwSignal<bool>,
    /// "09:00-11:00, 15:00-17:00"; empty keeps the usual hours.
    ranges: RwSignal<String>,
    note: RwSignal<String>,
}

fn parse_ranges(s: &str) -> Option<Vec<TimeRangeDto>> {
    let list: Vec<TimeRangeDto> = s
        .split(',')
        .filter_map(|r| {
            let (a, b) = r.split_once('-')?;
            Some(TimeRangeDto {
                start: a.trim().to_owned(),
                end: b.trim().to_owned(),
            })
        })
        .collect();
    (!list.is_empty()).then_some(list)
}

#[component]
fn DeskForm(
    desk: Option<Desk>,
    offices: Vec<Office>,
    desks: LocalResource<ApiResult<Vec<Desk>>>,
    check: LocalResource<ApiResult<OpeningCheckDto>>,
    editing: RwSignal<Option<Editing<Desk>>>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let id = StoredValue::new(desk.as_ref().map(|d| d.id.clone()));
    let s = desk.map_or_else(
        || SaveDesk {
            name: String::new(),
            office_id: offices.first().map(|o| o.id.clone()).unwrap_or_default(),
            mode: DeskMode::InPerson,
            address: None,
            services: vec![DeskServiceDto {
                code: "informazioni".into(),
                name: "Informazioni".into(),
                duration_minutes: 20,
            }],
            capacity: 1,
            buffer_minutes: 0,
            booking_window_days: 30,
            min_notice_minutes: 60,
            cancel_until_minutes: 120,
            confirm_by_email: false,
            open_on_holidays: false,
            max_open_bookings_per_person: 2,
            weekly: Vec::new(),
            overrides: Vec::new(),
        },
        |d| d.settings,
    );
    let name = RwSignal::new(s.name.clone());
    let office = RwSignal::new(s.office_id.clone());
    let mode = RwSignal::new(s.mode.code().to_owned());
    let address = RwSignal::new(s.address.clone().unwrap_or_default());
    let num = |n: u32| RwSignal::new(n.to_string());
    let capacity = num(s.capacity);
    let buffer = num(s.buffer_minutes);
    let window = num(s.booking_window_days);
    let notice = num(s.min_notice_minutes);
    let cancel = num(s.cancel_until_minutes);
    let max_open = num(s.max_open_bookings_per_person);
    let confirm_mail = RwSignal::new(s.confirm_by_email);
    let holidays = RwSignal::new(s.open_on_holidays);
    let range_row = |w: &WeeklyRangeDto| RangeRow {
        weekday: RwSignal::new(w.weekday.to_string()),
        start: RwSignal::new(w.start.clone()),
        end: RwSignal::new(w.end.clone()),
    };
    let weekly = RwSignal::new(s.weekly.iter().map(range_row).collect::<Vec<_>>());
    let services = RwSignal::new(
        s.services
            .iter()
            .map(|x| ServiceRow {
                code: RwSignal::new(x.code.clone()),
                name: RwSignal::new(x.name.clone()),
                minutes: RwSignal::new(x.duration_minutes.to_string()),
            })
            .collect::<Vec<_>>(),
    );
    let overrides = RwSignal::new(
        s.overrides
            .iter()
            .map(|o| OverrideRow {
                date: RwSignal::new(o.date.to_string()),
                closed: RwSignal::new(o.closed),
                ranges: RwSignal::new(
                    o.ranges
                        .as_ref()
                        .map(|rs| {
                            rs.iter()
                                .map(|r| format!("{}-{}", r.start, r.end))
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default(),
                ),
                note: RwSignal::new(o.note.clone().unwrap_or_default()),
            })
            .collect::<Vec<_>>(),
    );
    let office_options = Signal::stored(
        offices
            .iter()
            .map(|o| (o.id.clone(), o.name.clone()))
            .collect::<Vec<_>>(),
    );
    let mode_options = Signal::derive(move || {
        let a = i18n.a();
        vec![
            ("in_person".to_owned(), a.desk_modes[0].to_owned()),
            ("video".to_owned(), a.desk_modes[1].to_owned()),
            ("both".to_owned(), a.desk_modes[2].to_owned()),
        ]
    });
    let weekday_options = Signal::derive(move || {
        (1..=7)
            .map(|d| (d.to_string(), i18n.a().weekdays[d - 1].to_owned()))
            .collect::<Vec<_>>()
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().unwrap_or(0);
        let mut bad_date = false;
        let body = SaveDesk {
            name: name.get_untracked(),
            office_id: office.get_untracked(),
            mode: mode.get_untracked().parse().unwrap_or(DeskMode::InPerson),
            address: Some(address.get_untracked()).filter(|a| !a.trim().is_empty()),
            services: services
                .get_untracked()
                .iter()
                .map(|r| DeskServiceDto {
                    code: r.code.get_untracked().trim().to_owned(),
                    name: r.name.get_untracked(),
                    duration_minutes: n(r.minutes),
                })
                .collect(),
            capacity: n(capacity),
            buffer_minutes: n(buffer),
            booking_window_days: n(window),
            min_notice_minutes: n(notice),
            cancel_until_minutes: n(cancel),
            confirm_by_email: confirm_mail.get_untracked(),
            open_on_holidays: holidays.get_untracked(),
            max_open_bookings_per_person: n(max_open),
            weekly: weekly
                .get_untracked()
                .iter()
                .map(|r| WeeklyRangeDto {
                    weekday: r.weekday.get_untracked().parse().unwrap_or(1),
                    start: r.start.get_untracked(),
                    end: r.end.get_untracked(),
                })
                .collect(),
            overrides: overrides
                .get_untracked()
                .iter()
                .filter_map(|o| {
                    let Ok(date) = o.date.get_untracked().parse() else {
                        bad_date = true;
                        return None;
                    };
                    Some(DateOverrideDto {
                        date,
                        closed: o.closed.get_untracked(),
                        ranges: parse_ranges(&o.ranges.get_untracked()),
                        note: Some(o.note.get_untracked()).filter(|x| !x.trim().is_empty()),
                    })
                })
                .collect(),
        };
        if bad_date {
            return form.invalid(&domain::DomainError::invalid(
                "overrides",
                "Indica la data di ogni eccezione",
                "Give the date of every override",
            ));
        }
        form.start();
        spawn_local(async move {
            let r = match id.get_value() {
                Some(id) => api::update_desk(&id, &body).await,
                None => api::create_desk(&body).await,
            };
            match r {
                Ok(_) => {
                    done.set(Some(i18n.s().action_done.to_owned()));
                    editing.set(None);
                    desks.refetch();
                    check.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let remove = move |_| {
        let Some(did) = id.get_value() else { return };
        if !browser::confirm(i18n.g().delete_confirm) {
            return;
        }
        form.start();
        spawn_local(async move {
            match api::delete_desk(&did).await {
                Ok(()) => {
                    editing.set(None);
                    desks.refetch();
                    check.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let is_new = id.with_value(Option::is_none);
    let field =
        |id: String, label: Signal<&'static str>, value: RwSignal<String>, kind: &'static str| {
            view! {
                <div class="col">
                    <label class="visually-hidden" for=id.clone()>{label}</label>
                    <input type=kind class="form-control form-control-sm" id=id bind:value=value />
                </div>
            }
        };
    view! {
        <form on:submit=submit novalidate class="card card-bg shadow-sm p-3 mb-4">
            <h2 class="h5">{move || if is_new { i18n.g().add_desk } else { i18n.g().edit_desk }}</h2>
            <ErrorAlert error=form.alert fields=&["name", "office_id", "capacity", "buffer_minutes", "booking_window_days", "min_notice_minutes", "cancel_until_minutes"] />
            <TextInput id="name" label=trags(|g| g.desk) value=name required=true error=form.error_for("name") />
            <SelectInput id="office_id" label=trags(|g| g.office) value=office options=office_options required=true error=form.error_for("office_id") />
            <SelectInput id="mode" label=crate::i18n::tras(|a| a.mode) value=mode options=mode_options />
            <TextInput id="address" label=trags(|g| g.address) value=address error=form.error_for("address") />
            <div class="row">
                <div class="col-12 col-md-4"><TextInput id="capacity" kind="number" label=trags(|g| g.capacity) value=capacity error=form.error_for("capacity") /></div>
                <div class="col-12 col-md-4"><TextInput id="buffer_minutes" kind="number" label=trags(|g| g.buffer) value=buffer error=form.error_for("buffer_minutes") /></div>
                <div class="col-12 col-md-4"><TextInput id="booking_window_days" kind="number" label=trags(|g| g.window_days) value=window error=form.error_for("booking_window_days") /></div>
                <div class="col-12 col-md-4"><TextInput id="min_notice_minutes" kind="number" label=trags(|g| g.min_notice_minutes) value=notice error=form.error_for("min_notice_minutes") /></div>
                <div class="col-12 col-md-4"><TextInput id="cancel_until_minutes" kind="number" label=trags(|g| g.cancel_minutes) value=cancel error=form.error_for("cancel_until_minutes") /></div>
                <div class="col-12 col-md-4"><TextInput id="max_open_bookings_per_person" kind="number" label=trags(|g| g.max_open) value=max_open error=form.error_for("max_open_bookings_per_person") /></div>
            </div>
            <Checkbox id="confirm_by_email" label=trags(|g| g.confirm_by_email) checked=confirm_mail />
            <Checkbox id="open_on_holidays" label=trags(|g| g.open_on_holidays) checked=holidays />

            <fieldset class="mb-4">
                <legend class="h6">{trag(|g| g.services)}</legend>
                {move || form.error_for("services").get().map(|e| view! { <div class="invalid-feedback d-block">{e}</div> })}
                {move || services.get().into_iter().enumerate().map(|(i, r)| view! {
                    <div class="row g-2 mb-2 align-items-center">
                        {field(format!("svc-code-{i}"), trag(|g| g.service_code), r.code, "text")}
                        {field(format!("svc-name-{i}"), trag(|g| g.service_name), r.name, "text")}
                        {field(format!("svc-min-{i}"), trag(|g| g.service_minutes), r.minutes, "number")}
                        <div class="col-auto">
                            <button type="button" class="btn btn-sm btn-outline-danger" on:click=move |_| services.update(|v| { v.remove(i); })>
                                {trag(|g| g.remove)}<span class="visually-hidden">{move || format!(" {}", r.name.get())}</span>
                            </button>
                        </div>
                    </div>
                }).collect_view()}
                <p class="small">{trag(|g| g.services_help)}</p>
                <button type="button" class="btn btn-sm btn-outline-primary" on:click=move |_| services.update(|v| v.push(ServiceRow {
                    code: RwSignal::new(String::new()), name: RwSignal::new(String::new()), minutes: RwSignal::new("20".into()),
                }))>{trag(|g| g.add_service)}</button>
            </fieldset>

            <fieldset class="mb-4" data-testid="weekly-editor">
                <legend class="h6">{trag(|g| g.weekly)}</legend>
                {move || form.error_for("weekly").get().map(|e| view! { <div class="invalid-feedback d-block">{e}</div> })}
                {move || weekly.get().into_iter().enumerate().map(|(i, r)| view! {
                    <div class="row g-2 mb-2 align-items-center">
                        <div class="col">
                            <label class="visually-hidden" for=format!("wk-day-{i}")>{trag(|g| g.weekday)}</label>
                            <select class="form-select form-select-sm" id=format!("wk-day-{i}") prop:value=move || r.weekday.get() on:change:target=move |ev| r.weekday.set(ev.target().value())>
                                {move || weekday_options.get().into_iter().map(|(v, l)| { let sel = v == r.weekday.get_untracked(); view! { <option value=v selected=sel>{l}</option> } }).collect_view()}
                            </select>
                        </div>
                        {field(format!("wk-start-{i}"), trag(|g| g.from), r.start, "time")}
                        {field(format!("wk-end-{i}"), trag(|g| g.to), r.end, "time")}
                        <div class="col-auto">
                            <button type="button" class="btn btn-sm btn-outline-danger" on:click=move |_| weekly.update(|v| { v.remove(i); })>
                                {trag(|g| g.remove)}<span class="visually-hidden">{move || format!(" {} {}–{}", i18n.a().weekdays[r.weekday.get().parse::<usize>().unwrap_or(1).clamp(1, 7) - 1], r.start.get(), r.end.get())}</span>
                            </button>
                        </div>
                    </div>
                }).collect_view()}
                <button type="button" class="btn btn-sm btn-outline-primary" on:click=move |_| weekly.update(|v| v.push(range_row(&WeeklyRangeDto { weekday: 1, start: "09:00".into(), end: "12:00".into() })))>
                    {trag(|g| g.add_range)}
                </button>
            </fieldset>

            <fieldset class="mb-4">
                <legend class="h6">{trag(|g| g.overrides)}</legend>
                <p class="small">{trag(|g| g.overrides_help)}</p>
                {move || form.error_for("overrides").get().map(|e| view! { <div class="invalid-feedback d-block">{e}</div> })}
                {move || overrides.get().into_iter().enumerate().map(|(i, o)| view! {
                    <div class="row g-2 mb-2 align-items-center">
                        {field(format!("ov-date-{i}"), trag(|g| g.day), o.date, "date")}
                        <div class="col-auto">
                            <div class="form-check mb-0">
                                <input type="checkbox" id=format!("ov-closed-{i}") bind:checked=o.closed />
                                <label for=format!("ov-closed-{i}")>{trag(|g| g.closed)}</label>
                            </div>
                        </div>
                        {field(format!("ov-ranges-{i}"), trag(|g| g.other_hours), o.ranges, "text")}
                        {field(format!("ov-note-{i}"), trag(|g| g.public_note), o.note, "text")}
                        <div class="col-auto">
                            <button type="button" class="btn btn-sm btn-outline-danger" on:click=move |_| overrides.update(|v| { v.remove(i); })>
                                {trag(|g| g.remove)}<span class="visually-hidden">{move || format!(" {}", o.date.get())}</span>
                            </button>
                        </div>
                    </div>
                }).collect_view()}
                <button type="button" class="btn btn-sm btn-outline-primary" on:click=move |_| overrides.update(|v| v.push(OverrideRow {
                    date: RwSignal::new(String::new()), closed: RwSignal::new(true), ranges: RwSignal::new(String::new()), note: RwSignal::new(String::new()),
                }))>{trag(|g| g.add_override)}</button>
            </fieldset>

            <div class="d-flex flex-wrap gap-2">
                <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{tr(|t| t.save)}</button>
                <button type="button" class="btn btn-outline-primary" on:click=move |_| editing.set(None)>{trag(|g| g.close)}</button>
                {(!is_new).then(|| view! { <button type="button" class="btn btn-outline-danger" on:click=remove>{trag(|g| g.delete)}</button> })}
            </div>
        </form>
    }
}
