//! Area personale: the Scrivania (latest requests, messages, payments due, appointments),
//! Messaggi and Appuntamenti. Pratiche is `my_requests`, Pagamenti the account app.

use domain::agenda::BookingStatus;
use domain::api::{MessageView, Page as ListPage, PublicBooking, RequestSummary};
use leptos::prelude::*;

use crate::api::{self, ApiResult};
use crate::app::{APPOINTMENTS_PATH, BOOKING_PATH, MESSAGES_PATH, PAYMENTS_PATH, REQUESTS_PATH};
use crate::browser;
use crate::components::{Crumb, Need, Page, RequireLogin, load};
use crate::format;
use crate::i18n::{personal_texts, tr, trpa, trpas, use_i18n};
use crate::pages::my_requests::RequestItem;
use crate::pages::preferences::PersonalAreaNav;

fn crumbs() -> Vec<Crumb> {
    vec![Crumb::new(|t| t.nav_personal_area, "/area-personale")]
}

/// The Scrivania: a little of each tab, with a link to it.
#[component]
pub fn Desk() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page title=trpas(|t| t.desk_title) crumbs=Vec::new()>
                <RequireLogin need=Need::Citizen>
                    <PersonalAreaNav />
                    <div class="row g-4">
                        <section class="col-lg-6" aria-labelledby="desk-requests">
                            <h2 id="desk-requests" class="h4">{trpa(|t| t.latest_requests)}</h2>
                            <LatestRequests />
                            <a href=REQUESTS_PATH>{trpa(|t| t.all_requests)}</a>
                        </section>
                        <section class="col-lg-6" aria-labelledby="desk-messages">
                            <h2 id="desk-messages" class="h4">{trpa(|t| t.latest_messages)}</h2>
                            <MessageFeed limit=3 />
                            <a href=MESSAGES_PATH>{trpa(|t| t.all_messages)}</a>
                        </section>
                        <section class="col-lg-6" aria-labelledby="desk-payments">
                            <h2 id="desk-payments" class="h4">{trpa(|t| t.payments_due)}</h2>
                            <PaymentsDue />
                        </section>
                        <section class="col-lg-6" aria-labelledby="desk-appointments">
                            <h2 id="desk-appointments" class="h4">{trpa(|t| t.upcoming_appointments)}</h2>
                            <BookingList upcoming=true />
                            <a href=APPOINTMENTS_PATH>{trpa(|t| t.appointments_title)}</a>
                        </section>
                    </div>
                </RequireLogin>
            </Page>
        </div>
    }
}

#[component]
fn LatestRequests() -> impl IntoView {
    let requests: LocalResource<ApiResult<ListPage<RequestSummary>>> =
        LocalResource::new(|| api::list_requests("?limit=3"));
    view! {
        {load(requests, move |page| {
            if page.items.is_empty() {
                return view! { <p>{tr(|t| t.my_requests_empty)}</p> }.into_any();
            }
            view! {
                <ul class="list-unstyled" data-testid="latest-requests">
                    {page.items.into_iter().map(|r| view! { <RequestItem r /> }).collect_view()}
                </ul>
            }
                .into_any()
        })}
    }
}

/// Unpaid notices, counted: the account app lists them.
#[component]
fn PaymentsDue() -> impl IntoView {
    let i18n = use_i18n();
    let notices = LocalResource::new(api::my_notices);
    view! {
        {load(notices, move |list| {
            let n = list
                .items
                .iter()
                .filter(|x| x.status == domain::pagopa::NoticeStatus::Unpaid)
                .count();
            view! {
                <p data-testid="payments-due">
                    {move || {
                        let t = personal_texts(i18n.lang());
                        if n == 0 { t.payments_none.to_owned() } else { (t.payments_count)(n) }
                    }}
                </p>
                <a href=PAYMENTS_PATH rel="external">{trpa(|t| t.go_payments)}</a>
            }
        })}
    }
}

/// Messaggi: the latest messages of the citizen's requests.
#[component]
pub fn Messages() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page title=trpas(|t| t.messages_title) crumbs=crumbs()>
                <RequireLogin need=Need::Citizen>
                    <PersonalAreaNav />
                    <p>{trpa(|t| t.messages_intro)}</p>
                    <MessageFeed limit=20 />
                </RequireLogin>
            </Page>
        </div>
    }
}

/// How many of the latest requests the feed reads the threads of (one call each).
const FEED_REQUESTS: u32 = 5;

/// The newest `limit` messages of the citizen's latest requests, newest first. There is no
/// cross-request message list in the API: the threads of the latest requests are read.
#[component]
fn MessageFeed(limit: usize) -> impl IntoView {
    let feed = LocalResource::new(move || async move {
        let page = api::list_requests(&format!("?limit={FEED_REQUESTS}")).await?;
        let mut all: Vec<(RequestSummary, MessageView)> = Vec::new();
        for r in page.items {
            for m in api::messages(&r.id).await? {
                all.push((r.clone(), m));
            }
        }
        all.sort_by_key(|(_, m)| std::cmp::Reverse(m.created_at));
        all.truncate(limit);
        Ok::<_, api::ApiError>(all)
    });
    view! {
        {load(feed, move |items| {
            if items.is_empty() {
                return view! { <p>{trpa(|t| t.messages_empty)}</p> }.into_any();
            }
            view! {
                <ul class="list-unstyled" data-testid="message-feed">
                    {items
                        .into_iter()
                        .map(|(r, m)| {
                            let href = format!("{REQUESTS_PATH}/{}", r.id);
                            let excerpt: String = m.body.chars().take(160).collect();
                            let cut = excerpt.len() < m.body.len();
                            view! {
                                <li class="border-bottom py-2">
                                    <p class="small mb-1">
                                        {format::datetime(m.created_at)}
                                        " · "
                                        {m.author.name.clone()}
                                        " · "
                                        {trpa(|t| t.message_on)}
                                        " "
                                        <a href=href>{r.subject.clone()}</a>
                                    </p>
                                    <p class="mb-0 pre-line">{excerpt}{cut.then_some("…")}</p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        })}
    }
}

/// Appuntamenti: the citizen's bookings, with the link to book one.
#[component]
pub fn Appointments() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page title=trpas(|t| t.appointments_title) crumbs=crumbs()>
                <RequireLogin need=Need::Citizen>
                    <PersonalAreaNav />
                    <p>
                        <a class="btn btn-primary" href=BOOKING_PATH rel="external">
                            {trpa(|t| t.book_appointment)}
                        </a>
                    </p>
                    <BookingList upcoming=false />
                </RequireLogin>
            </Page>
        </div>
    }
}

/// The citizen's bookings (newest first); `upcoming`: only those still to come, at most 3,
/// soonest first.
#[component]
fn BookingList(upcoming: bool) -> impl IntoView {
    let bookings = LocalResource::new(api::my_bookings);
    view! {
        {load(bookings, move |mut items| {
            if upcoming {
                let now = browser::now();
                items.retain(|b| {
                    b.end > now
                        && matches!(
                            b.status,
                            BookingStatus::Confirmed | BookingStatus::PendingConfirmation
                        )
                });
                items.sort_by_key(|b| b.start);
                items.truncate(3);
            }
            if items.is_empty() {
                return view! { <p>{trpa(|t| t.appointments_empty)}</p> }.into_any();
            }
            view! {
                <ul class="list-unstyled" data-testid="my-bookings">
                    {items.into_iter().map(|b| view! { <BookingItem b /> }).collect_view()}
                </ul>
            }
                .into_any()
        })}
    }
}

#[component]
fn BookingItem(b: PublicBooking) -> impl IntoView {
    let i18n = use_i18n();
    let status = b.status;
    let past = b.end <= browser::now();
    let state = move || {
        let t = personal_texts(i18n.lang());
        match status {
            BookingStatus::Confirmed | BookingStatus::CheckedIn if !past => t.booking_confirmed,
            BookingStatus::PendingConfirmation if !past => t.booking_pending,
            BookingStatus::Cancelled | BookingStatus::Expired => t.booking_cancelled,
            _ => t.booking_past,
        }
    };
    view! {
        <li class="card card-bg shadow-sm mb-3">
            <div class="card-body">
                <h3 class="h5 mb-1">{b.service_name.clone()}</h3>
                <p class="small mb-1">
                    {format::datetime(b.start)}
                    " · "
                    {b.desk_name.clone()}
                    " · "
                    <span class="fw-semibold">{state}</span>
                </p>
                <p class="small mb-1">
                    {trpa(|t| t.booking_reference)}
                    " "
                    <span class="font-monospace">{b.reference.clone()}</span>
                </p>
                <a href=b.manage_url.clone() rel="external">
                    {trpa(|t| t.manage_booking)}
                    <span class="visually-hidden">" " {b.reference.clone()}</span>
                </a>
            </div>
        </li>
    }
}
