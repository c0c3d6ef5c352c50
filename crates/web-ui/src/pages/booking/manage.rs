//! "Gestisci prenotazione", from the booking's link (`/prenotazioni/{code}`): the booking,
//! its calendar file, moving it to another free time and cancelling it, until the desk's
//! cutoff. And the e-mailed confirmation link (`/prenotazioni/{code}/conferma?token=…`).

use chrono::{DateTime, NaiveDate, Utc};
use domain::api::{PublicBooking, PublicDesk, RescheduleBooking};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::flow::BookingCard;
use super::{Notices, SlotPicker, clock, day_label, when};
use crate::api::{self, ApiError, ApiResult};
use crate::browser;
use crate::components::{Crumb, ErrorAlert, FormState, Loading, Notice, Page};
use crate::i18n::{tra, tras, use_i18n};

fn crumbs() -> Vec<Crumb> {
    vec![Crumb::new(|t| t.nav_services, "/")]
}

fn code_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("code")).unwrap_or_default())
}

#[component]
pub fn ManageBooking() -> impl IntoView {
    let code = code_param();
    let booking = RwSignal::new(None::<ApiResult<PublicBooking>>);
    // Outside the booking's view, which is built anew with each change: the live region
    // stays, so the outcome is announced.
    let done = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let c = code.get();
        spawn_local(async move {
            booking.set(Some(api::public_booking(&c).await));
        });
    });
    view! {
        <div class="container my-4">
            <Page title=tras(|a| a.manage_title) crumbs=crumbs()>
                <Notice message=done />
                {move || match booking.get() {
                    None => view! { <Loading /> }.into_any(),
                    Some(Err(e)) => view! {
                        <ErrorAlert error=Signal::stored(Some(e)) />
                        <p><a href="/prenotazioni">{tra(|a| a.book_again)}</a></p>
                    }
                    .into_any(),
                    Some(Ok(b)) => view! { <Manage b booking done /> }.into_any(),
                }}
            </Page>
        </div>
    }
}

#[component]
fn Manage(
    b: PublicBooking,
    booking: RwSignal<Option<ApiResult<PublicBooking>>>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let moving = RwSignal::new(false);
    let cancelling = RwSignal::new(false);
    let day = RwSignal::new(None::<NaiveDate>);
    let start = RwSignal::new(None::<DateTime<Utc>>);
    let changeable = b.status.is_open() && browser::now() < b.changeable_until;
    let code = StoredValue::new(b.code.clone());
    let desk_id = b.desk_id.clone();
    let service = b.service.clone();
    let until = b.changeable_until;
    let desks: LocalResource<ApiResult<Vec<PublicDesk>>> = LocalResource::new(api::public_desks);
    let notices = {
        let id = desk_id.clone();
        move || match desks.get() {
            Some(Ok(list)) => list
                .into_iter()
                .find(|d| d.id == id)
                .map(|d| view! { <Notices notices=d.notices /> }),
            _ => None,
        }
    };

    let finish =
        move |result: ApiResult<PublicBooking>,
              message: fn(&crate::i18n::BookingTexts, &PublicBooking) -> String| {
            match result {
                Ok(updated) => {
                    form.pending.set(false);
                    done.set(Some(message(i18n.a(), &updated)));
                    booking.set(Some(Ok(updated)));
                }
                Err(e) => form.fail(e),
            }
        };
    let reschedule = move |_| {
        let Some(at) = start.get_untracked() else {
            return form.invalid(&domain::DomainError::invalid(
                "start",
                crate::i18n::booking_texts(domain::Lang::It).time_required,
                crate::i18n::booking_texts(domain::Lang::En).time_required,
            ));
        };
        form.start();
        done.set(None);
        spawn_local(async move {
            let r =
                api::reschedule_public_booking(&code.get_value(), &RescheduleBooking { start: at })
                    .await;
            if let Err(ApiError::Problem(p)) = &r
                && p.status == 409
            {
                // Taken meanwhile: the times are read again.
                start.set(None);
            }
            finish(r, |a, b| (a.moved_text)(&when(a, b.start, b.end)));
        });
    };
    let cancel = move |_| {
        form.start();
        done.set(None);
        spawn_local(async move {
            let r = api::cancel_public_booking(&code.get_value()).await;
            finish(r, |a, _| a.cancelled_text.to_owned());
        });
    };

    view! {
        <ErrorAlert error=form.alert fields=&["start"] />
        <BookingCard b=b.clone() heading=true />
        {notices}
        {if changeable {
            view! {
                <p class="small">{move || (i18n.a().changeable_until)(&format!("{}, {}", day_label(i18n.a(), domain::agenda::rome_local(until).date()), clock(until)))}</p>
                <section class="mt-4" aria-labelledby="move-title">
                    <h2 class="h4" id="move-title">{tra(|a| a.move_title)}</h2>
                    {move || if moving.get() {
                        view! {
                            <SlotPicker desk=desk_id.clone() service=service.clone() day start error=form.error_for("start") />
                            <div class="d-flex flex-wrap gap-2 mt-3">
                                <button type="button" class="btn btn-primary" disabled=move || form.pending.get() on:click=reschedule>
                                    {tra(|a| a.move_submit)}
                                </button>
                                <button type="button" class="btn btn-outline-primary" on:click=move |_| moving.set(false)>
                                    {tra(|a| a.keep_time)}
                                </button>
                            </div>
                        }
                        .into_any()
                    } else {
                        view! {
                            <button type="button" class="btn btn-outline-primary" on:click=move |_| moving.set(true)>
                                {tra(|a| a.move_open)}
                            </button>
                        }
                        .into_any()
                    }}
                </section>
                <section class="mt-4" aria-labelledby="cancel-title">
                    <h2 class="h4" id="cancel-title">{tra(|a| a.cancel_title)}</h2>
                    {move || if cancelling.get() {
                        view! {
                            <p role="alert">{tra(|a| a.cancel_question)}</p>
                            <div class="d-flex flex-wrap gap-2">
                                <button type="button" class="btn btn-danger" id="cancel-yes" disabled=move || form.pending.get() on:click=cancel>
                                    {tra(|a| a.cancel_yes)}
                                </button>
                                <button type="button" class="btn btn-outline-primary" on:click=move |_| cancelling.set(false)>
                                    {tra(|a| a.cancel_no)}
                                </button>
                            </div>
                        }
                        .into_any()
                    } else {
                        view! {
                            <button type="button" class="btn btn-outline-danger" on:click=move |_| {
                                cancelling.set(true);
                                request_animation_frame(|| browser::focus("cancel-yes"));
                            }>
                                {tra(|a| a.cancel_open)}
                            </button>
                        }
                        .into_any()
                    }}
                </section>
            }
            .into_any()
        } else {
            view! {
                <p class="alert alert-info">{tra(|a| a.not_changeable)}</p>
                <p><a href="/prenotazioni">{tra(|a| a.book_again)}</a></p>
            }
            .into_any()
        }}
    }
}

/// The e-mailed confirmation link: confirms on opening, then shows the booking.
#[component]
pub fn ConfirmBooking() -> impl IntoView {
    let code = code_param();
    let query = use_query_map();
    let result = RwSignal::new(None::<ApiResult<PublicBooking>>);
    Effect::new(move |_| {
        let c = code.get();
        let token = query.with_untracked(|q| q.get("token")).unwrap_or_default();
        spawn_local(async move {
            result.set(Some(api::confirm_public_booking(&c, &token).await));
        });
    });
    view! {
        <div class="container my-4">
            <Page title=tras(|a| a.confirm_title) crumbs=crumbs()>
                {move || match result.get() {
                    None => view! { <Loading /> }.into_any(),
                    Some(Err(e)) => view! {
                        <ErrorAlert error=Signal::stored(Some(e)) />
                        <p><a href=format!("/prenotazioni/{}", code.get())>{tra(|a| a.manage_link)}</a></p>
                        <p><a href="/prenotazioni">{tra(|a| a.book_again)}</a></p>
                    }
                    .into_any(),
                    Some(Ok(b)) => {
                        let href = format!("/prenotazioni/{}", b.code);
                        view! {
                            <div class="alert alert-success" role="status">{tra(|a| a.confirmed_text)}</div>
                            <BookingCard b heading=true />
                            <p><a class="btn btn-primary" href=href>{tra(|a| a.manage_link)}</a></p>
                        }
                        .into_any()
                    }
                }}
            </Page>
        </div>
    }
}
