//! The desk's day and week: each booking with the visitor, the service and the reason,
//! and what happens at the desk (arrived, did not come, done, cancelled with a reason sent
//! to the citizen), with notes for the staff. A video booking links to its call page and
//! says "In attesa" while the citizen waits (live, from the real-time connection's
//! `call.updated`, with a cue read out at once).

use chrono::{Datelike, Duration, NaiveDate};
use domain::agenda::{BookingAction, BookingMode, BookingStatus};
use domain::api::{BookingActionRequest, BookingView, Desk, UpdateBooking};
use domain::chat::CallStatus;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiResult};
use crate::browser;
use crate::components::{ErrorAlert, FormState, Loading, Notice, Page, SelectInput, TextArea};
use crate::i18n::{trag, trags, trv, use_i18n};
use crate::pages::booking::{clock, day_label, status_label};

fn status_class(s: BookingStatus) -> &'static str {
    match s {
        BookingStatus::PendingConfirmation => "bg-warning text-dark",
        BookingStatus::Confirmed => "bg-primary",
        BookingStatus::CheckedIn => "bg-info text-dark",
        BookingStatus::Completed => "bg-success",
        BookingStatus::NoShow | BookingStatus::Cancelled => "bg-danger",
        BookingStatus::Expired => "bg-secondary",
    }
}

#[component]
pub fn AgendaPage() -> impl IntoView {
    let desks: LocalResource<ApiResult<Vec<Desk>>> = LocalResource::new(api::desks);
    view! {
        <Page title=trags(|g| g.agenda_title) no_breadcrumbs=true>
            {move || match desks.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p role="status">{trag(|g| g.no_desks)}</p> }.into_any(),
                Some(Ok(list)) => view! { <Agenda desks=list /> }.into_any(),
            }}
        </Page>
    }
}

#[component]
fn Agenda(desks: Vec<Desk>) -> impl IntoView {
    let i18n = use_i18n();
    let desk = RwSignal::new(desks[0].id.clone());
    let today = domain::calendar::rome_date(browser::now());
    let date = RwSignal::new(today.to_string());
    let week = RwSignal::new(false);
    let options = Signal::stored(
        desks
            .iter()
            .map(|d| (d.id.clone(), d.settings.name.clone()))
            .collect::<Vec<_>>(),
    );
    let range = Memo::new(move |_| {
        let d = date.get().parse::<NaiveDate>().unwrap_or(today);
        if week.get() {
            let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
            (monday, monday + Duration::days(6))
        } else {
            (d, d)
        }
    });
    let bookings: LocalResource<ApiResult<Vec<BookingView>>> = LocalResource::new(move || {
        let (id, (from, to)) = (desk.get(), range.get());
        async move { api::bookings(&id, &from.to_string(), &to.to_string()).await }
    });
    let shift = move |days: i64| {
        let (from, _) = range.get_untracked();
        let step = if week.get_untracked() { days * 7 } else { days };
        date.set((from + Duration::days(step)).to_string());
    };
    let done = RwSignal::new(None::<String>);
    let waiting = Waiting::watch();
    view! {
        <div aria-live="assertive" data-testid="call-waiting-cue">
            {move || waiting.cue.get().map(|(id, text)| view! {
                <div class="alert alert-info d-flex flex-wrap gap-2 align-items-center">
                    <span>{text}</span>
                    <a class="btn btn-primary btn-sm" href=format!("/console/videochiamate/{id}")>{trv(|v| v.open_call)}</a>
                </div>
            })}
        </div>
        <div class="row g-3 align-items-end mb-3">
            <div class="col-12 col-md-5">
                <SelectInput id="agenda-desk" label=trags(|g| g.desk) value=desk options />
            </div>
            <div class="col-12 col-md-4">
                <div class="form-group mb-4">
                    <label for="agenda-date" class="active">{trag(|g| g.day)}</label>
                    <input type="date" id="agenda-date" class="form-control" bind:value=date />
                </div>
            </div>
            <div class="col-12 col-md-3">
                <fieldset class="mb-4">
                    <legend class="visually-hidden">{trag(|g| g.view)}</legend>
                    <div class="form-check form-check-inline">
                        <input type="radio" name="agenda-view" id="view-day" prop:checked=move || !week.get() on:change=move |_| week.set(false) />
                        <label for="view-day">{trag(|g| g.view_day)}</label>
                    </div>
                    <div class="form-check form-check-inline">
                        <input type="radio" name="agenda-view" id="view-week" prop:checked=move || week.get() on:change=move |_| week.set(true) />
                        <label for="view-week">{trag(|g| g.view_week)}</label>
                    </div>
                </fieldset>
            </div>
        </div>
        <div class="d-flex flex-wrap gap-2 mb-3">
            <button type="button" class="btn btn-outline-primary btn-sm" on:click=move |_| shift(-1)>{trag(|g| g.previous)}</button>
            <button type="button" class="btn btn-outline-primary btn-sm" on:click=move |_| date.set(today.to_string())>{trag(|g| g.today)}</button>
            <button type="button" class="btn btn-outline-primary btn-sm" on:click=move |_| shift(1)>{trag(|g| g.following)}</button>
        </div>
        <Notice message=done />
        {move || match bookings.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
            Some(Ok(list)) => {
                let (from, to) = range.get_untracked();
                let days = (0..=(to - from).num_days()).map(|i| from + Duration::days(i));
                let list = StoredValue::new(list);
                days.map(|d| {
                    let of_day: Vec<BookingView> = list.with_value(|l| {
                        l.iter().filter(|b| domain::agenda::rome_local(b.start).date() == d).cloned().collect()
                    });
                    let heading = format!("day-{d}");
                    let labelled = heading.clone();
                    let n = of_day.len();
                    view! {
                        <section class="mb-4" aria-labelledby=labelled>
                            <h2 class="h5" id=heading>
                                {move || day_label(i18n.a(), d)}
                                " "
                                <span class="badge bg-light text-dark border">{move || (i18n.g().bookings_count)(n)}</span>
                            </h2>
                            {if of_day.is_empty() {
                                view! { <p class="text-muted">{trag(|g| g.day_empty)}</p> }.into_any()
                            } else {
                                of_day.into_iter().map(|b| view! { <BookingRow b bookings done waiting /> }).collect_view().into_any()
                            }}
                        </section>
                    }
                })
                .collect_view()
                .into_any()
            }
        }}
    }
}

#[component]
fn BookingRow(
    b: BookingView,
    bookings: LocalResource<ApiResult<Vec<BookingView>>>,
    done: RwSignal<Option<String>>,
    waiting: Waiting,
) -> impl IntoView {
    let i18n = use_i18n();
    let video = b.mode == BookingMode::Video;
    if video {
        waiting.check(&b);
    }
    let call_id = b.id.clone();
    let waits = move || waiting.ids.with(|w| w.contains(&call_id));
    let form = FormState::new();
    let id = StoredValue::new(b.id.clone());
    let notes = RwSignal::new(b.notes.clone().unwrap_or_default());
    let reason = RwSignal::new(String::new());
    let cancelling = RwSignal::new(false);
    let status = b.status;
    let heading = format!("booking-{}", b.id);
    let labelled = heading.clone();
    let act = move |action: BookingAction, note: Option<String>| {
        form.start();
        spawn_local(async move {
            match api::booking_action(&id.get_value(), &BookingActionRequest { action, note }).await
            {
                Ok(v) => {
                    done.set(Some((i18n.g().action_done)(
                        &v.reference,
                        status_label(i18n.a(), v.status),
                    )));
                    bookings.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let save_notes = move |_| {
        form.start();
        let body = UpdateBooking {
            notes: Some(notes.get_untracked()),
            ..UpdateBooking::default()
        };
        spawn_local(async move {
            match api::update_booking(&id.get_value(), &body).await {
                Ok(_) => form.succeed(i18n.g().notes_saved),
                Err(e) => form.fail(e),
            }
        });
    };
    let cancel = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = reason.get_untracked().trim().to_owned();
        if text.is_empty() {
            return form.invalid(&domain::DomainError::invalid(
                "reason",
                "Indica il motivo dell'annullamento: sarà inviato al cittadino",
                "Give the reason for the cancellation: it is sent to the citizen",
            ));
        }
        act(BookingAction::Cancel, Some(text));
    };
    let open = matches!(
        status,
        BookingStatus::Confirmed | BookingStatus::PendingConfirmation
    );
    let button = move |action: BookingAction,
                       class: &'static str,
                       label: fn(&crate::i18n::AgendaTexts) -> &'static str| {
        view! {
            <button type="button" class=format!("btn btn-sm {class}") disabled=move || form.pending.get() on:click=move |_| act(action, None)>
                {trag(label)}
            </button>
        }
    };
    let reason_id = format!("reason-{}", b.id);
    let notes_id = format!("notes-{}", b.id);
    view! {
        <article class="card card-bg shadow-sm mb-3" aria-labelledby=labelled data-testid="agenda-booking" data-reference=b.reference.clone()>
            <div class="card-body">
                <h3 class="h6 mb-1" id=heading>
                    {format!("{}–{} · {} {}", clock(b.start), clock(b.end), b.first_name, b.last_name)}
                    " "
                    <span class=format!("badge {}", status_class(status)) data-status=status.code()>
                        {move || status_label(i18n.a(), status)}
                    </span>
                    {move || waits().then(|| view! {
                        " "
                        <span class="badge bg-warning text-dark" data-testid="call-waiting-badge">{trv(|v| v.waiting_badge)}</span>
                    })}
                </h3>
                <p class="small mb-2">
                    {format!("{} · {} · {}", b.reference, b.service_name, b.subject)}
                    <span class="d-block">{format!("{}{}", b.email, b.phone.as_ref().map(|p| format!(" · {p}")).unwrap_or_default())}</span>
                    {b.cancel_reason.clone().map(|r| view! { <span class="d-block">{trag(|g| g.cancel_reason)}": "{r}</span> })}
                </p>
                <ErrorAlert error=form.alert />
                <Notice message=form.done />
                <div class="d-flex flex-wrap gap-2 mb-2">
                    {video.then(|| view! {
                        <a class="btn btn-sm btn-primary" href=format!("/console/videochiamate/{}", b.id)>{trv(|v| v.open_call)}</a>
                    })}
                    {open.then(|| button(BookingAction::CheckIn, "btn-success", |g| g.check_in))}
                    {open.then(|| button(BookingAction::NoShow, "btn-outline-danger", |g| g.no_show))}
                    {(status == BookingStatus::CheckedIn).then(|| button(BookingAction::Complete, "btn-success", |g| g.complete))}
                    {status.is_open().then(|| view! {
                        <button type="button" class="btn btn-sm btn-outline-danger" on:click=move |_| cancelling.set(true)>{trag(|g| g.cancel)}</button>
                    })}
                </div>
                {move || cancelling.get().then(|| {
                    let reason_id = reason_id.clone();
                    view! {
                        <form on:submit=cancel novalidate class="mb-2">
                            <TextArea id=reason_id label=trags(|g| g.cancel_reason) value=reason required=true rows=2 error=form.error_for("reason") />
                            <button type="submit" class="btn btn-sm btn-danger" disabled=move || form.pending.get()>{trag(|g| g.cancel_confirm)}</button>
                        </form>
                    }
                })}
                <TextArea id=notes_id label=trags(|g| g.notes) value=notes rows=2 />
                <button type="button" class="btn btn-sm btn-outline-primary" disabled=move || form.pending.get() on:click=save_notes>{trag(|g| g.save_notes)}</button>
            </div>
        </article>
    }
}

/// The video bookings whose citizen is in the waiting room: from the real-time
/// connection's `call.updated`, and for the calls open now, from their state on load.
#[derive(Clone, Copy)]
struct Waiting {
    ids: RwSignal<Vec<String>>,
    /// The last arrival, read out (`aria-live="assertive"`): booking id and sentence.
    cue: RwSignal<Option<(String, String)>>,
}

impl Waiting {
    fn watch() -> Self {
        let i18n = use_i18n();
        let me = Self {
            ids: RwSignal::new(Vec::new()),
            cue: RwSignal::new(None),
        };
        let rt = crate::realtime::Realtime::connect(move |ev| {
            if ev.kind != "call.updated" {
                return;
            }
            if let Ok(call) = serde_json::from_value::<domain::api::VideoCall>(ev.data) {
                me.note(&call, (i18n.v().waiting_cue)(&call.citizen_name));
            }
        });
        rt.close_on_cleanup();
        me
    }

    fn note(self, call: &domain::api::VideoCall, cue: String) {
        let id = call.booking_id.clone();
        if call.status == CallStatus::Waiting {
            self.ids.update(|w| {
                if !w.contains(&id) {
                    w.push(id.clone());
                }
            });
            self.cue.set(Some((id, cue)));
        } else {
            self.ids.update(|w| w.retain(|x| *x != id));
            if self
                .cue
                .with_untracked(|c| c.as_ref().is_some_and(|(c, _)| *c == id))
            {
                self.cue.set(None);
            }
        }
    }

    /// A video booking whose call is open now: is someone already waiting?
    fn check(self, b: &BookingView) {
        let now = browser::now();
        let opens = b.start - Duration::minutes(domain::chat::CALL_OPENS_MINUTES_BEFORE);
        if now < opens || now >= b.end || !b.status.is_open() {
            return;
        }
        let id = b.id.clone();
        let i18n = use_i18n();
        spawn_local(async move {
            if let Ok(call) = crate::pages::live::video::api::staff_call(&id).await {
                let cue = (i18n.v().waiting_cue)(&call.citizen_name);
                self.note(&call, cue);
            }
        });
    }
}
