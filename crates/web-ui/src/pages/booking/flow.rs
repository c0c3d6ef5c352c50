//! "Prenota appuntamento", the Designers Italia booking flow, without an account:
//! 1 Luogo → 2 Data e orario → 3 Dettagli → 4 Richiedente → 5 Riepilogo → confirmation
//! with the reference, the calendar file and the link to manage the booking.

use chrono::{DateTime, NaiveDate, Utc};
use domain::agenda::booking::validate_contact;
use domain::agenda::{BookingMode, BookingStatus};
use domain::api::{CreateBooking, PublicBooking, PublicDesk};
use domain::rating::RatedPage;
use domain::{DomainError, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use super::{Notices, SlotPicker, Steps, clock, day_label, when};
use crate::api::{self, ApiError, ApiResult};
use crate::app::PICKUP_PATH;
use crate::browser;
use crate::components::{
    Checkbox, Crumb, ErrorAlert, FormState, Page, SelectInput, TextInput, load,
};
use crate::i18n::{BookingTexts, tr, tra, tras, trs, use_i18n};
use crate::pages::rate::RateLink;
use crate::session::use_session;

const CONFIRMATION: usize = 5;

#[component]
pub fn BookAppointment() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page title=tras(|a| a.book_title) crumbs=vec![Crumb::new(|t| t.nav_services, "/")]>
                <p class="lead">{tra(|a| a.book_intro)}</p>
                <Flow />
                <p class="mt-5">
                    <a href=PICKUP_PATH>{tra(|a| a.pickup_cta)}</a>
                </p>
            </Page>
        </div>
    }
}

/// Everything the visitor enters. The signals belong to the flow, not to the step that
/// shows them, so going back and forth keeps what was typed.
#[derive(Clone, Copy)]
struct Draft {
    desk: RwSignal<String>,
    service: RwSignal<String>,
    /// The service whose slots the chosen time came from.
    slots_service: RwSignal<String>,
    day: RwSignal<Option<NaiveDate>>,
    start: RwSignal<Option<DateTime<Utc>>>,
    mode: RwSignal<BookingMode>,
    subject: RwSignal<String>,
    first_name: RwSignal<String>,
    last_name: RwSignal<String>,
    email: RwSignal<String>,
    phone: RwSignal<String>,
    fiscal_code: RwSignal<String>,
    privacy: RwSignal<bool>,
}

impl Draft {
    fn new() -> Self {
        Self {
            desk: RwSignal::new(String::new()),
            service: RwSignal::new(String::new()),
            slots_service: RwSignal::new(String::new()),
            day: RwSignal::new(None),
            start: RwSignal::new(None),
            mode: RwSignal::new(BookingMode::InPerson),
            subject: RwSignal::new(String::new()),
            first_name: RwSignal::new(String::new()),
            last_name: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            fiscal_code: RwSignal::new(String::new()),
            privacy: RwSignal::new(false),
        }
    }

    fn body(self) -> CreateBooking {
        let opt = |s: RwSignal<String>| {
            Some(s.get_untracked().trim().to_owned()).filter(|v| !v.is_empty())
        };
        CreateBooking {
            desk_id: self.desk.get_untracked(),
            service: self.service.get_untracked(),
            start: self.start.get_untracked().unwrap_or_default(),
            mode: self.mode.get_untracked(),
            first_name: self.first_name.get_untracked(),
            last_name: self.last_name.get_untracked(),
            email: self.email.get_untracked().trim().to_owned(),
            phone: opt(self.phone),
            fiscal_code: opt(self.fiscal_code).map(|c| c.to_uppercase()),
            subject: self.subject.get_untracked(),
            privacy_accepted: self.privacy.get_untracked(),
        }
    }
}

/// The step where a field the server refused is entered.
fn step_of(field: &str) -> usize {
    match field {
        "desk_id" => 0,
        "start" => 1,
        "service" | "mode" | "subject" => 2,
        _ => 3,
    }
}

/// The checks of the domain that belong to `step`, as the server would report them.
fn check_step(draft: Draft, step: usize) -> Result<(), DomainError> {
    let errors: Vec<FieldError> = match validate_contact(&draft.body()) {
        Ok(_) => Vec::new(),
        Err(DomainError::Validation(es)) => es,
        Err(e) => return Err(e),
    };
    let mine: Vec<FieldError> = errors
        .into_iter()
        .filter(|e| step_of(&e.field) == step)
        .collect();
    if mine.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Validation(mine))
    }
}

#[component]
fn Flow() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let desks: LocalResource<ApiResult<Vec<PublicDesk>>> = LocalResource::new(api::public_desks);
    let draft = Draft::new();
    let step = RwSignal::new(0_usize);
    let form = FormState::new();
    let booked = RwSignal::new(None::<PublicBooking>);
    let idempotency_key = StoredValue::new(api::new_idempotency_key());

    // A Comune's page may link to one desk (`?sportello=<id>`); with one desk, it is chosen.
    Effect::new(move |_| {
        if let Some(Ok(list)) = desks.get()
            && draft.desk.get_untracked().is_empty()
        {
            let wanted = query.with_untracked(|q| q.get("sportello"));
            let pick = list
                .iter()
                .find(|d| wanted.as_deref() == Some(d.id.as_str()))
                .or_else(|| (list.len() == 1).then(|| &list[0]));
            if let Some(d) = pick {
                draft.desk.set(d.id.clone());
            }
        }
    });
    let desk = Memo::new(move |_| {
        let id = draft.desk.get();
        match desks.get() {
            Some(Ok(list)) => list.into_iter().find(|d| d.id == id),
            _ => None,
        }
    });
    // A new desk: its first service and mode, no time yet.
    Effect::new(move |prev: Option<String>| {
        let id = draft.desk.get();
        if let Some(d) = desk.get()
            && prev.as_deref() != Some(id.as_str())
        {
            if !d
                .services
                .iter()
                .any(|s| s.code == draft.service.get_untracked())
            {
                let first = d
                    .services
                    .first()
                    .map(|s| s.code.clone())
                    .unwrap_or_default();
                draft.service.set(first.clone());
                draft.slots_service.set(first);
            }
            let modes = d.mode.modes();
            if !modes.contains(&draft.mode.get_untracked()) {
                draft.mode.set(modes[0]);
            }
            if prev.is_some() {
                draft.day.set(None);
                draft.start.set(None);
            }
            return id;
        }
        prev.unwrap_or_default()
    });
    // Signed in: the citizen's own data.
    Effect::new(move |_| {
        if let Some(me) = session.me.get()
            && draft.first_name.get_untracked().is_empty()
        {
            draft.first_name.set(me.first_name);
            draft.last_name.set(me.last_name);
            draft.email.set(me.email.unwrap_or_default());
            draft.phone.set(me.phone.unwrap_or_default());
            draft.fiscal_code.set(me.fiscal_code.unwrap_or_default());
        }
    });

    // A time chosen after "choose a time" was reported: the report is over.
    Effect::new(move |_| {
        if draft.start.get().is_some()
            && form
                .errors
                .with_untracked(|e| e.iter().any(|x| x.field == "start"))
        {
            form.errors.set(Vec::new());
            form.alert.set(None);
        }
    });
    let go = move |to: usize| {
        step.set(to);
        request_animation_frame(|| browser::focus("step-title"));
    };
    let invalid = move |field: &'static str, f: fn(&BookingTexts) -> &'static str| {
        form.invalid(&DomainError::invalid(
            field,
            f(crate::i18n::booking_texts(domain::Lang::It)),
            f(crate::i18n::booking_texts(domain::Lang::En)),
        ));
    };

    let next = move |_| {
        form.errors.set(Vec::new());
        form.alert.set(None);
        let s = step.get_untracked();
        match s {
            0 if desk.get_untracked().is_none() => invalid("desk_id", |a| a.desk_required),
            1 if draft.start.get_untracked().is_none() => invalid("start", |a| a.time_required),
            2 => {
                if let Err(e) = check_step(draft, 2) {
                    return form.invalid(&e);
                }
                let service = draft.service.get_untracked();
                if service == draft.slots_service.get_untracked() {
                    return go(3);
                }
                // Another service may last longer: its slots decide whether the time holds.
                let (Some(day), Some(start)) =
                    (draft.day.get_untracked(), draft.start.get_untracked())
                else {
                    return go(1);
                };
                form.pending.set(true);
                spawn_local(async move {
                    let d = day.to_string();
                    let ok = api::slots(&draft.desk.get_untracked(), &service, &d, &d)
                        .await
                        .is_ok_and(|l| l.items.iter().any(|x| x.start == start && x.remaining > 0));
                    form.pending.set(false);
                    draft.slots_service.set(service);
                    if ok {
                        go(3);
                    } else {
                        draft.start.set(None);
                        go(1);
                        invalid("start", |a| a.time_gone_for_service);
                    }
                });
            }
            3 => match check_step(draft, 3) {
                Ok(()) => go(4),
                Err(e) => form.invalid(&e),
            },
            n => go(n + 1),
        }
    };

    let submit = move |_| {
        if form.pending.get_untracked() {
            return;
        }
        form.start();
        let body = draft.body();
        spawn_local(async move {
            match api::create_booking(&body, &idempotency_key.get_value()).await {
                Ok(b) => {
                    form.pending.set(false);
                    booked.set(Some(b));
                    go(CONFIRMATION);
                }
                Err(e) => {
                    // Back to the step of the first refused field; a full slot → the times.
                    let to = match &e {
                        ApiError::Problem(p) if p.status == 409 => Some(1),
                        ApiError::Problem(p) => p.errors.first().map(|f| step_of(&f.field)),
                        _ => None,
                    };
                    if let Some(to) = to {
                        if to == 1 {
                            draft.start.set(None);
                        }
                        // A new attempt is a new booking.
                        idempotency_key.set_value(api::new_idempotency_key());
                        go(to);
                    }
                    form.fail(e);
                }
            }
        });
    };

    let step_view = move || {
        match step.get() {
        0 => view! { <DeskChoice desks draft error=form.error_for("desk_id") /> }.into_any(),
        1 => view! {
            {move || desk.get().map(|d| view! { <Notices notices=d.notices /> })}
            <SlotPicker desk=draft.desk service=draft.slots_service day=draft.day start=draft.start error=form.error_for("start") />
        }
        .into_any(),
        2 => view! { <Details desk draft form /> }.into_any(),
        3 => view! { <Applicant draft form /> }.into_any(),
        4 => view! { <Summary desk draft /> }.into_any(),
        _ => view! { <Confirmation booked /> }.into_any(),
    }
    };

    view! {
        {move || (step.get() < CONFIRMATION).then(|| view! { <Steps step labels=|a| &a.steps[..] /> })}
        <section aria-labelledby="step-title" class="mt-4">
            <h2 id="step-title" tabindex="-1" class="h3">
                {move || {
                    let a = i18n.a();
                    if step.get() < CONFIRMATION { a.steps[step.get()] } else { a.booked_title }
                }}
            </h2>
            <ErrorAlert error=form.alert fields=&["desk_id", "start", "service", "subject", "first_name", "last_name", "fiscal_code", "email", "phone", "privacy_accepted"] />
            {step_view}
            {move || {
                let s = step.get();
                (s < CONFIRMATION).then(|| view! {
                    <div class="d-flex flex-wrap gap-2 mt-4">
                        {(s > 0).then(|| view! {
                            <button type="button" class="btn btn-outline-primary" on:click=move |_| {
                                form.errors.set(Vec::new());
                                form.alert.set(None);
                                go(s - 1);
                            }>
                                {tr(|t| t.back)}
                            </button>
                        })}
                        {if s == CONFIRMATION - 1 {
                            view! {
                                <button type="button" class="btn btn-primary" disabled=move || form.pending.get() on:click=submit>
                                    {tra(|a| a.book_submit)}
                                </button>
                            }.into_any()
                        } else {
                            view! {
                                <button type="button" class="btn btn-primary" disabled=move || form.pending.get() on:click=next>
                                    {tr(|t| t.next)}
                                </button>
                            }.into_any()
                        }}
                    </div>
                })
            }}
        </section>
    }
}

#[component]
fn DeskChoice(
    desks: LocalResource<ApiResult<Vec<PublicDesk>>>,
    draft: Draft,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    load(desks, move |list| {
        if list.is_empty() {
            return view! { <p role="status">{tra(|a| a.no_desks)}</p> }.into_any();
        }
        let items = list
            .into_iter()
            .map(|d| {
                let id = format!("desk-{}", d.id);
                let (v1, v2) = (d.id.clone(), d.id.clone());
                let mode = d.mode;
                let notices = d.notices.clone();
                view! {
                    <div class="form-check desk-option">
                        <input
                            type="radio"
                            name="desk"
                            id=id.clone()
                            prop:checked=move || draft.desk.get() == v1
                            on:change=move |_| draft.desk.set(v2.clone())
                        />
                        <label for=id>
                            <span class="fw-semibold">{d.name}</span>
                            <span class="d-block small">{d.office.name}</span>
                            {d.address.map(|a| view! { <span class="d-block small">{a}</span> })}
                            <span class="d-block small text-muted">
                                {move || i18n.a().desk_modes[match mode {
                                    domain::agenda::DeskMode::InPerson => 0,
                                    domain::agenda::DeskMode::Video => 1,
                                    domain::agenda::DeskMode::Both => 2,
                                }]}
                            </span>
                        </label>
                    </div>
                    <Notices notices />
                }
            })
            .collect_view();
        view! {
            <fieldset id="desk_id" tabindex="-1" aria-describedby=move || error.with(Option::is_some).then_some("desk_id-error")>
                <legend class="h5">{tra(|a| a.choose_desk)}</legend>
                {items}
                {move || error.get().map(|e| view! { <div class="invalid-feedback d-block" id="desk_id-error">{e}</div> })}
            </fieldset>
        }
        .into_any()
    })
}

fn mode_label(a: &BookingTexts, m: BookingMode) -> &'static str {
    match m {
        BookingMode::InPerson => a.mode_in_person,
        BookingMode::Video => a.mode_video,
    }
}

#[component]
fn Details(desk: Memo<Option<PublicDesk>>, draft: Draft, form: FormState) -> impl IntoView {
    let i18n = use_i18n();
    let options = Signal::derive(move || {
        desk.get()
            .map(|d| {
                d.services
                    .into_iter()
                    .map(|s| {
                        let label =
                            format!("{} ({})", s.name, (i18n.a().minutes)(s.duration_minutes));
                        (s.code, label)
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    let modes = move || desk.get().map(|d| d.mode.modes()).unwrap_or_default();
    view! {
        <p class="small">{tr(|t| t.required_hint)}</p>
        <SelectInput id="service" label=tras(|a| a.service) value=draft.service options required=true error=form.error_for("service") />
        {move || {
            let ms = modes();
            (ms.len() > 1).then(|| {
                let radios = ms
                    .into_iter()
                    .map(|m| {
                        let id = format!("mode-{}", m.code());
                        view! {
                            <div class="form-check form-check-inline">
                                <input type="radio" name="mode" id=id.clone() prop:checked=move || draft.mode.get() == m on:change=move |_| draft.mode.set(m) />
                                <label for=id>{move || mode_label(i18n.a(), m)}</label>
                            </div>
                        }
                    })
                    .collect_view();
                view! {
                    <fieldset class="mb-4">
                        <legend class="h6">{tra(|a| a.mode)}</legend>
                        {radios}
                    </fieldset>
                }
            })
        }}
        <TextInput id="subject" label=tras(|a| a.subject) value=draft.subject required=true help=tras(|a| a.subject_help) error=form.error_for("subject") />
    }
}

#[component]
fn Applicant(draft: Draft, form: FormState) -> impl IntoView {
    let session = use_session();
    view! {
        {move || session.is_signed_in().then(|| view! { <p class="alert alert-info">{tra(|a| a.prefilled)}</p> })}
        <p class="small">{tr(|t| t.required_hint)}</p>
        <TextInput id="first_name" label=trs(|t| t.first_name) value=draft.first_name required=true autocomplete="given-name" error=form.error_for("first_name") />
        <TextInput id="last_name" label=trs(|t| t.last_name) value=draft.last_name required=true autocomplete="family-name" error=form.error_for("last_name") />
        <TextInput id="fiscal_code" label=trs(|t| t.fiscal_code) value=draft.fiscal_code help=tras(|a| a.fiscal_code_help) error=form.error_for("fiscal_code") />
        <TextInput id="email" kind="email" label=trs(|t| t.email) value=draft.email required=true autocomplete="email" help=tras(|a| a.email_help) error=form.error_for("email") />
        <TextInput id="phone" kind="tel" label=trs(|t| t.phone) value=draft.phone autocomplete="tel" help=tras(|a| a.phone_help) error=form.error_for("phone") />
        <p><a href="/privacy" rel="external" target="_blank">{tr(|t| t.privacy_policy)}</a></p>
        <Checkbox id="privacy_accepted" label=tras(|a| a.privacy_accept) checked=draft.privacy error=form.error_for("privacy_accepted") />
    }
}

#[component]
fn Summary(desk: Memo<Option<PublicDesk>>, draft: Draft) -> impl IntoView {
    let i18n = use_i18n();
    let service_name = move || {
        let code = draft.service.get();
        desk.get()
            .and_then(|d| d.services.into_iter().find(|s| s.code == code))
            .map(|s| s.name)
            .unwrap_or(code)
    };
    let at = move || match (draft.day.get(), draft.start.get()) {
        (Some(d), Some(s)) => format!("{}, {}", day_label(i18n.a(), d), clock(s)),
        _ => String::new(),
    };
    let or_dash = |s: String| {
        if s.trim().is_empty() {
            "—".to_owned()
        } else {
            s
        }
    };
    view! {
        <dl class="row" data-testid="booking-summary">
            <dt class="col-sm-4">{tra(|a| a.desk)}</dt>
            <dd class="col-sm-8">
                {move || desk.get().map(|d| d.name)}
                {move || desk.get().and_then(|d| d.address).map(|a| view! { <span class="d-block small">{a}</span> })}
            </dd>
            <dt class="col-sm-4">{tra(|a| a.when)}</dt>
            <dd class="col-sm-8">{at}</dd>
            <dt class="col-sm-4">{tra(|a| a.service)}</dt>
            <dd class="col-sm-8">{service_name}</dd>
            <dt class="col-sm-4">{tra(|a| a.mode)}</dt>
            <dd class="col-sm-8">{move || mode_label(i18n.a(), draft.mode.get())}</dd>
            <dt class="col-sm-4">{tra(|a| a.subject)}</dt>
            <dd class="col-sm-8">{move || draft.subject.get()}</dd>
            <dt class="col-sm-4">{tra(|a| a.applicant)}</dt>
            <dd class="col-sm-8">
                {move || format!("{} {}", draft.first_name.get(), draft.last_name.get())}
                <span class="d-block small">{move || draft.email.get()}</span>
                <span class="d-block small">{move || or_dash(draft.phone.get())}</span>
                <span class="d-block small">{move || or_dash(draft.fiscal_code.get())}</span>
            </dd>
        </dl>
        <p class="alert alert-info">{tra(|a| a.summary_note)}</p>
    }
}

/// The answer of the booking: the reference, the calendar file and the booking's link.
#[component]
pub fn Confirmation(booked: RwSignal<Option<PublicBooking>>) -> impl IntoView {
    move || {
        booked.get().map(|b| {
            view! {
                <BookingCard b heading=false />
                <RateLink page=RatedPage::Booked />
            }
        })
    }
}

/// A booking's details with its calendar file and link (the confirmation and the manage
/// page show the same card).
#[component]
pub fn BookingCard(b: PublicBooking, heading: bool) -> impl IntoView {
    let i18n = use_i18n();
    let manage = format!("/prenotazioni/{}", b.code);
    let calendar = format!("{}/public/bookings/{}/calendar.ics", api::BASE, b.code);
    let status = b.status;
    let confirm_by = b.confirm_by;
    let open = status.is_open();
    let (start, end) = (b.start, b.end);
    view! {
        {(!heading).then(|| view! {
            <div class="alert alert-success" role="status" data-testid="booking-done">
                {move || {
                    let a = i18n.a();
                    match (status, confirm_by) {
                        (BookingStatus::PendingConfirmation, Some(by)) => (a.pending_text)(&clock(by)),
                        _ => a.confirmed_text.to_owned(),
                    }
                }}
            </div>
        })}
        <dl class="row">
            <dt class="col-sm-4">{tra(|a| a.reference)}</dt>
            <dd class="col-sm-8 h4" data-testid="booking-reference">{b.reference.clone()}</dd>
            <dt class="col-sm-4">{tr(|t| t.status)}</dt>
            <dd class="col-sm-8" data-testid="booking-status" data-status=status.code()>
                {move || super::status_label(i18n.a(), status)}
            </dd>
            <dt class="col-sm-4">{tra(|a| a.when)}</dt>
            <dd class="col-sm-8" data-testid="booking-when">{move || when(i18n.a(), start, end)}</dd>
            <dt class="col-sm-4">{tra(|a| a.desk)}</dt>
            <dd class="col-sm-8">
                {b.desk_name.clone()}
                {b.address.clone().map(|a| view! { <span class="d-block small">{a}</span> })}
            </dd>
            <dt class="col-sm-4">{tra(|a| a.service)}</dt>
            <dd class="col-sm-8">{b.service_name.clone()}</dd>
            <dt class="col-sm-4">{tra(|a| a.mode)}</dt>
            <dd class="col-sm-8">{move || mode_label(i18n.a(), b.mode)}</dd>
            {b.join_url.clone().map(|u| view! {
                <dt class="col-sm-4">{tra(|a| a.join)}</dt>
                <dd class="col-sm-8"><a href=u.clone() rel="external">{u.clone()}</a></dd>
            })}
        </dl>
        {open.then(|| view! {
            <div class="d-flex flex-wrap gap-2 mb-4">
                <a class="btn btn-outline-primary" href=calendar rel="external" download="appuntamento.ics" data-testid="calendar-link">
                    {tra(|a| a.add_to_calendar)}
                </a>
                {(!heading).then(|| view! {
                    <a class="btn btn-primary" href=manage.clone() data-testid="manage-link">{tra(|a| a.manage_link)}</a>
                })}
            </div>
        })}
        {(!heading).then(|| view! {
            <p class="small">{tra(|a| a.keep_link)}" "<a class="text-break" href=manage.clone()>{b.manage_url.clone()}</a></p>
        })}
    }
}
