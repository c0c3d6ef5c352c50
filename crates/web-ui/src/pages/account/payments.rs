//! Area personale › La mia posizione › Pagamenti e avvisi (`/area-personale/avvisi`): the
//! citizen's pagoPA notices (amount, due date, state, the numero avviso in groups of four)
//! with their PDF and "Paga con pagoPA", the receipts with their PDF, and "Verifica un
//! pagamento". A notice's own page (`/area-personale/avvisi/{nav}`) is where pagoPA
//! Checkout sends the citizen back (`?esito=ok|annullato|errore`): it says how it went and,
//! after a payment, waits for pagoPA's receipt. In the account app, like La mia posizione.

use domain::Lang;
use domain::api::{Notice, Receipt, StatementAct};
use domain::pagopa::{NoticeNumber, NoticeStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{self, ApiError, ApiResult};
use crate::app::{ACCOUNT_PATH, PAYMENTS_PATH, rel_for};
use crate::components::{
    Crumb, ErrorAlert, FormState, Loading, Need, Page, RequireLogin, TextInput,
};
use crate::format::{self, euro};
use crate::i18n::{
    PayTexts, account_texts, notice_status_label, pay_texts, tr, trp, trps, use_i18n,
};
use crate::pages::account::statement::act_title;
use crate::pages::preferences::PersonalAreaNav;

/// How often the notice page asks whether pagoPA's receipt arrived, and for how long.
const POLL_MS: i32 = 2000;
const POLL_TIMES: u32 = 90;

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn texts(lang: Lang) -> &'static PayTexts {
    pay_texts(lang)
}

/// The numero avviso as printed on the notice (groups of four digits).
pub fn printed(nav: &str) -> String {
    NoticeNumber::parse(nav).map_or_else(|_| nav.to_owned(), |n| n.printed())
}

pub fn notice_path(nav: &str) -> String {
    format!("{PAYMENTS_PATH}/{}", nav.replace([' ', '-'], ""))
}

fn status_class(status: NoticeStatus) -> &'static str {
    match status {
        NoticeStatus::Unpaid => "bg-warning text-dark",
        NoticeStatus::Paid => "bg-success",
        NoticeStatus::Expired => "bg-danger",
        NoticeStatus::Cancelled => "bg-dark",
    }
}

/// A notice's state as a badge, in words (the colour is never the only cue).
#[component]
pub fn NoticeStatusBadge(status: NoticeStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("badge {}", status_class(status)) data-status=status.code()>
            {move || notice_status_label(i18n.lang(), status)}
        </span>
    }
}

/// "Paga con pagoPA": opens a Checkout session and sends the browser there. `detail` is
/// read by screen readers only, after the visible label ("… la rata 2"), so each button
/// of a list has its own name.
#[component]
pub fn PayButton(
    nav: String,
    #[prop(into, optional)] detail: Option<Signal<String>>,
    #[prop(optional)] small: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let nav = StoredValue::new(nav);
    let click = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::checkout(&nav.get_value()).await {
                Ok(session) => crate::browser::load_page(&session.redirect_url, false),
                Err(e) => {
                    error.set(Some(e));
                    pending.set(false);
                }
            }
        });
    };
    view! {
        <div class="d-inline-block">
            <button
                type="button"
                class="btn btn-primary"
                class:btn-sm=small
                disabled=move || pending.get()
                on:click=click
            >
                {move || {
                    let t = texts(i18n.lang());
                    if pending.get() { t.opening } else { t.pay }
                }}
                {detail.map(|d| view! { <span class="visually-hidden">{d}</span> })}
            </button>
            <ErrorAlert error=error />
        </div>
    }
}

/// A protected PDF downloaded through the API client (the token lives in memory only).
#[component]
fn PdfButton(
    url: String,
    filename: String,
    label: fn(&PayTexts) -> &'static str,
    #[prop(into, optional)] detail: Option<Signal<String>>,
) -> impl IntoView {
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let (url, filename) = (StoredValue::new(url), StoredValue::new(filename));
    let click = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            error.set(
                api::download(&url.get_value(), &filename.get_value())
                    .await
                    .err(),
            );
            busy.set(false);
        });
    };
    view! {
        <div class="d-inline-block">
            <button type="button" class="btn btn-outline-primary" disabled=move || busy.get() on:click=click>
                {trp(label)}
                {detail.map(|d| view! { <span class="visually-hidden">{d}</span> })}
            </button>
            <ErrorAlert error=error />
        </div>
    }
}

/// The two pages of La mia posizione, side by side under the personal area's menu.
#[component]
pub fn AccountSections() -> impl IntoView {
    let here = leptos_router::hooks::use_location();
    let link = move |href: &'static str, label: Signal<&'static str>| {
        let current = move || {
            let p = here.pathname.get();
            p == href || (href == PAYMENTS_PATH && p.starts_with(PAYMENTS_PATH))
        };
        view! {
            <li class="list-inline-item me-3">
                <a
                    href=href
                    rel=rel_for(href)
                    class:fw-semibold=current
                    aria-current=move || current().then_some("page")
                >
                    {label}
                </a>
            </li>
        }
    };
    view! {
        <nav aria-label=trp(|t| t.sections) class="mb-4">
            <ul class="list-inline mb-0 border-bottom pb-2">
                {link(ACCOUNT_PATH, tr(|t| t.nav_my_account))}
                {link(PAYMENTS_PATH, trp(|t| t.link))}
            </ul>
        </nav>
    }
}

fn crumbs() -> Vec<Crumb> {
    vec![
        Crumb::new(|t| t.nav_personal_area, "/area-personale"),
        Crumb::new(|t| t.nav_my_account, ACCOUNT_PATH),
    ]
}

/// The title of a notice: "Rata 2 – Avviso di pagamento ordinario n. 2026/000123 (2026) – TARI".
fn notice_title(lang: Lang, notice: &Notice, acts: &[StatementAct]) -> String {
    let act = acts.iter().find(|a| a.id == notice.act_id).map_or_else(
        || notice.act_id.clone(),
        |a| act_title(lang, a.kind, &a.number, a.year, a.tributo.label()),
    );
    (texts(lang).notice_of)(notice.instalment, &act)
}

/// Notices, receipts and the acts (for their titles), read together. `None`: no
/// contribuente has the citizen's codice fiscale.
#[derive(Clone)]
struct PayData {
    notices: Vec<Notice>,
    receipts: Vec<Receipt>,
    acts: Vec<StatementAct>,
}

async fn load_acts() -> ApiResult<Option<Vec<StatementAct>>> {
    match api::my_statement(None).await {
        Ok(s) => Ok(Some(s.acts)),
        Err(ApiError::Problem(p)) if p.status == 404 => Ok(None),
        Err(e) => Err(e),
    }
}

async fn load_payments() -> ApiResult<Option<PayData>> {
    let (acts, notices, receipts) =
        futures::join!(load_acts(), api::my_notices(), api::my_receipts());
    let Some(acts) = acts? else {
        return Ok(None);
    };
    Ok(Some(PayData {
        notices: notices?.items,
        receipts: receipts?.items,
        acts,
    }))
}

#[component]
pub fn Payments() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page title=trps(|t| t.title) crumbs=crumbs()>
                <RequireLogin need=Need::Citizen>
                    <PersonalAreaNav />
                    <AccountSections />
                    <p>{trp(|t| t.intro)}</p>
                    <PaymentsBody />
                    <VerifyPayment staff=false />
                </RequireLogin>
            </Page>
        </div>
    }
}

#[component]
fn PaymentsBody() -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(load_payments);
    move || match data.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
        Some(Ok(None)) => view! {
            <div class="alert alert-info" role="status">
                {move || account_texts(i18n.lang()).no_account}
            </div>
        }
        .into_any(),
        Some(Ok(Some(d))) => {
            let acts = StoredValue::new(d.acts);
            let notices = if d.notices.is_empty() {
                view! { <p>{trp(|t| t.notices_empty)}</p> }.into_any()
            } else {
                d.notices
                    .into_iter()
                    .map(|n| view! { <NoticeCard notice=n acts /> })
                    .collect_view()
                    .into_any()
            };
            view! {
                <section aria-labelledby="my-notices" class="mb-4">
                    <h2 id="my-notices" class="h4">{trp(|t| t.notices_title)}</h2>
                    {notices}
                    <p class="small">{trp(|t| t.where_to_pay)}</p>
                </section>
                <section aria-labelledby="my-receipts" class="mb-4">
                    <h2 id="my-receipts" class="h4">{trp(|t| t.receipts_title)}</h2>
                    <ReceiptsTable receipts=d.receipts />
                </section>
            }
            .into_any()
        }
    }
}

/// What a notice says: the numero avviso, amount, due date and state.
#[component]
fn NoticeFacts(notice: Notice) -> impl IntoView {
    let item = |label: fn(&PayTexts) -> &'static str, value: AnyView| {
        view! {
            <div class="col-12 col-sm-6 col-lg-3 mb-2">
                <dt class="small text-muted fw-normal">{trp(label)}</dt>
                <dd class="mb-0">{value}</dd>
            </div>
        }
    };
    view! {
        <dl class="row mb-2">
            {item(|t| t.nav, view! { <span class="font-monospace text-nowrap" data-testid="nav">{printed(&notice.nav)}</span> }.into_any())}
            {item(|t| t.amount, view! { <span class="text-nowrap fw-semibold">{euro(notice.amount)}</span> }.into_any())}
            {item(|t| t.due, view! { <span class="text-nowrap">{format::date(notice.due_date)}</span> }.into_any())}
            {item(|t| t.status, view! { <NoticeStatusBadge status=notice.status /> }.into_any())}
        </dl>
    }
}

#[component]
fn NoticeCard(notice: Notice, acts: StoredValue<Vec<StatementAct>>) -> impl IntoView {
    let i18n = use_i18n();
    let title = {
        let n = notice.clone();
        move || acts.with_value(|a| notice_title(i18n.lang(), &n, a))
    };
    let nav = notice.nav.clone();
    let shown = printed(&nav);
    let detail = {
        let shown = shown.clone();
        Signal::derive(move || (texts(i18n.lang()).for_nav)(&shown))
    };
    let payable = notice.status == NoticeStatus::Unpaid;
    let printable = notice.status != NoticeStatus::Cancelled;
    let href = notice_path(&nav);
    view! {
        <article class="card card-bg shadow-sm mb-3" data-testid="notice" data-nav=nav.clone()>
            <div class="card-body">
                <h3 class="h5 card-title">{title}</h3>
                <NoticeFacts notice=notice.clone() />
                <div class="d-flex flex-wrap gap-2 align-items-start">
                    {payable.then(|| view! { <PayButton nav=nav.clone() detail /> })}
                    {printable.then(|| view! {
                        <PdfButton
                            url=api::my_notice_pdf_url(&nav)
                            filename=format!("avviso-{nav}.pdf")
                            label=|t| t.download_notice
                            detail
                        />
                    })}
                    <a href=href class="btn btn-link">
                        {trp(|t| t.details)}
                        <span class="visually-hidden">{format!(" {shown}")}</span>
                    </a>
                </div>
            </div>
        </article>
    }
}

#[component]
fn ReceiptsTable(receipts: Vec<Receipt>) -> impl IntoView {
    let i18n = use_i18n();
    if receipts.is_empty() {
        return view! { <p>{trp(|t| t.receipts_empty)}</p> }.into_any();
    }
    let rows = receipts
        .into_iter()
        .map(|r| {
            let shown = printed(&r.nav);
            let detail = {
                let shown = shown.clone();
                Signal::derive(move || (texts(i18n.lang()).for_nav)(&shown))
            };
            view! {
                <tr data-testid="receipt">
                    <td class="text-nowrap">{format::datetime(r.paid_at)}</td>
                    <td class="font-monospace text-nowrap">{shown}</td>
                    <td class="text-end text-nowrap">{euro(r.amount)}</td>
                    <td>{r.psp.clone().unwrap_or_else(|| "—".to_owned())}</td>
                    <td class="text-break small">{r.receipt_id.clone()}</td>
                    <td>
                        <PdfButton
                            url=api::my_receipt_pdf_url(&r.id)
                            filename=format!("ricevuta-{}.pdf", r.nav)
                            label=|t| t.download_receipt
                            detail
                        />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=trp(|t| t.receipts_caption)>
            <table class="table table-sm align-middle" data-testid="receipts">
                <caption class="visually-hidden">{trp(|t| t.receipts_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trp(|t| t.paid_at)}</th>
                        <th scope="col">{trp(|t| t.nav)}</th>
                        <th scope="col" class="text-end">{trp(|t| t.amount)}</th>
                        <th scope="col">{trp(|t| t.psp)}</th>
                        <th scope="col">{trp(|t| t.receipt_id)}</th>
                        <th scope="col"><span class="visually-hidden">{trp(|t| t.download_receipt)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// "Verifica un pagamento": a numero avviso checked in the browser by the domain's parser
/// (its message under the field), then looked up — among the citizen's own notices, or
/// (`staff`) among every notice of the tenant, with a link to the contribuente's file.
#[component]
pub fn VerifyPayment(staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let value = RwSignal::new(String::new());
    let form = FormState::new();
    let found = RwSignal::new(None::<Notice>);
    let missing = RwSignal::new(false);
    let owner = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        found.set(None);
        missing.set(false);
        owner.set(None);
        let nav = match NoticeNumber::parse(&value.get_untracked()) {
            Ok(n) => n,
            Err(e) => {
                form.invalid(&e);
                return;
            }
        };
        form.start();
        spawn_local(async move {
            let answer = if staff {
                api::notice(nav.as_str()).await
            } else {
                api::my_notice(nav.as_str()).await
            };
            match answer {
                Ok(n) => {
                    if staff && let Ok(act) = api::act(&n.act_id).await {
                        owner.set(Some(act.contribuente_id));
                    }
                    found.set(Some(n));
                    form.pending.set(false);
                }
                Err(ApiError::Problem(p)) if p.status == 404 => {
                    missing.set(true);
                    form.pending.set(false);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let result = move || {
        if missing.get() {
            let t = texts(i18n.lang());
            let text = if staff {
                t.staff_not_found
            } else {
                t.verify_not_found
            };
            return Some(
                view! { <div class="alert alert-warning" data-testid="verify-result">{text}</div> }
                    .into_any(),
            );
        }
        found.get().map(|n| {
            let heading = (texts(i18n.lang()).verify_result)(&printed(&n.nav));
            let link = if staff {
                owner.get().map(|c| {
                    view! {
                        <a href=format!("/console/contribuenti/{c}")>
                            {move || account_texts(i18n.lang()).open_taxpayer}
                        </a>
                    }
                    .into_any()
                })
            } else {
                Some(view! { <a href=notice_path(&n.nav)>{trp(|t| t.details)}</a> }.into_any())
            };
            view! {
                <div class="card card-bg shadow-sm mt-3" data-testid="verify-result">
                    <div class="card-body">
                        <h3 class="h6 card-title">{heading}</h3>
                        <NoticeFacts notice=n.clone() />
                        <p class="mb-0">{link}</p>
                    </div>
                </div>
            }
            .into_any()
        })
    };
    view! {
        <section aria-labelledby="verify-title" class="mb-4">
            <h2 id="verify-title" class="h4">{trp(|t| t.verify_title)}</h2>
            <p>{move || if staff { texts(i18n.lang()).staff_verify_intro } else { texts(i18n.lang()).verify_intro }}</p>
            <form on:submit=submit novalidate class="row g-2 align-items-start">
                <div class="col-12 col-md-8">
                    <ErrorAlert error=form.alert />
                    <TextInput
                        id="verify-nav"
                        label=trps(|t| t.nav)
                        value
                        required=true
                        help=trps(|t| t.verify_help)
                        error=form.error_for("nav")
                        autocomplete="off"
                    />
                </div>
                <div class="col-12 col-md-4">
                    <button type="submit" class="btn btn-primary mt-md-4" disabled=move || form.pending.get()>
                        {trp(|t| t.verify_submit)}
                    </button>
                </div>
            </form>
            <div aria-live="polite">{result}</div>
        </section>
    }
}

/// What Checkout said on the way back (`?esito=`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Paid,
    Cancelled,
    Failed,
}

impl Outcome {
    fn of(query: Option<String>) -> Option<Self> {
        match query.as_deref()? {
            "ok" => Some(Self::Paid),
            "annullato" => Some(Self::Cancelled),
            "errore" => Some(Self::Failed),
            _ => None,
        }
    }
}

#[derive(Clone)]
struct NoticeData {
    notice: Notice,
    receipt: Option<Receipt>,
    acts: Vec<StatementAct>,
}

async fn load_notice(nav: &str) -> ApiResult<NoticeData> {
    let (notice, receipts, acts) =
        futures::join!(api::my_notice(nav), api::my_receipts(), load_acts());
    let notice = notice?;
    let receipt = receipts?.items.into_iter().find(|r| r.nav == notice.nav);
    Ok(NoticeData {
        notice,
        receipt,
        acts: acts?.unwrap_or_default(),
    })
}

/// A notice's page, where pagoPA Checkout brings the citizen back.
#[component]
pub fn NoticePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let nav = params.with_untracked(|p| p.get("nav")).unwrap_or_default();
    let outcome = Outcome::of(query.with_untracked(|q| q.get("esito")));
    let title = Signal::derive({
        let shown = printed(&nav);
        let i18n = use_i18n();
        move || format!("{} {shown}", texts(i18n.lang()).notice_title)
    });
    view! {
        <div class="container my-4">
            <Page title crumbs={
                let mut c = crumbs();
                c.push(Crumb { label: trps(|t| t.title), href: PAYMENTS_PATH.to_owned() });
                c
            }>
                <RequireLogin need=Need::Citizen>
                    <AccountSections />
                    <NoticeBody nav=nav.clone() outcome />
                    <p><a href=PAYMENTS_PATH>{trp(|t| t.back)}</a></p>
                </RequireLogin>
            </Page>
        </div>
    }
}

#[component]
fn NoticeBody(nav: String, outcome: Option<Outcome>) -> impl IntoView {
    let i18n = use_i18n();
    let data = RwSignal::new(None::<ApiResult<NoticeData>>);
    let waiting = RwSignal::new(false);
    let nav = StoredValue::new(nav);
    // After a payment the receipt arrives from pagoPA a little later: ask again until the
    // notice is paid and its receipt is here (or the page is left).
    spawn_local(async move {
        for i in 0..=POLL_TIMES {
            if i > 0 {
                sleep(POLL_MS).await;
            }
            let answer = load_notice(&nav.get_value()).await;
            let settled = match &answer {
                Ok(d) => d.notice.status != NoticeStatus::Unpaid || d.receipt.is_some(),
                Err(_) => true,
            };
            let more = outcome == Some(Outcome::Paid) && !settled && i < POLL_TIMES;
            if data.try_set(Some(answer)).is_some() || waiting.try_set(more).is_some() || !more {
                return;
            }
        }
    });
    let alert = move |paid_now: bool| {
        let t = texts(i18n.lang());
        let (class, title, text) = match outcome? {
            Outcome::Paid => ("alert-success", t.outcome_ok_title, t.outcome_ok_text),
            Outcome::Cancelled => (
                "alert-warning",
                t.outcome_cancel_title,
                t.outcome_cancel_text,
            ),
            Outcome::Failed => ("alert-danger", t.outcome_error_title, t.outcome_error_text),
        };
        Some(view! {
            <div class=format!("alert {class} mb-4") role="status" data-testid="outcome">
                <h2 class="h5 alert-heading">{title}</h2>
                <p class="mb-0">{text}</p>
                {(outcome == Some(Outcome::Paid) && paid_now).then(|| view! {
                    <p class="mb-0 mt-2 fw-semibold">{move || texts(i18n.lang()).confirmed}</p>
                })}
            </div>
        })
    };
    move || match data.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
        Some(Ok(d)) => {
            let n = d.notice.clone();
            let title = notice_title(i18n.lang(), &n, &d.acts);
            let payable = n.status == NoticeStatus::Unpaid;
            let printable = n.status != NoticeStatus::Cancelled;
            let paid = n.status == NoticeStatus::Paid;
            let nav = n.nav.clone();
            view! {
                <div aria-live="polite">{alert(paid)}</div>
                {move || waiting.get().then(|| view! {
                    <div class="d-flex align-items-center gap-2 mb-3" role="status">
                        <div class="progress-spinner progress-spinner-active size-sm"></div>
                        <span>{move || texts(i18n.lang()).waiting}</span>
                    </div>
                })}
                <article class="card card-bg shadow-sm mb-4" data-testid="notice" data-nav=nav.clone()>
                    <div class="card-body">
                        <h2 class="h5 card-title">{title}</h2>
                        <NoticeFacts notice=n.clone() />
                        <div class="d-flex flex-wrap gap-2 align-items-start">
                            {payable.then(|| view! { <PayButton nav=nav.clone() /> })}
                            {printable.then(|| view! {
                                <PdfButton
                                    url=api::my_notice_pdf_url(&nav)
                                    filename=format!("avviso-{nav}.pdf")
                                    label=|t| t.download_notice
                                />
                            })}
                        </div>
                        {payable.then(|| view! { <p class="small mt-2 mb-0">{trp(|t| t.pay_help)}</p> })}
                    </div>
                </article>
                {d.receipt.map(|r| view! {
                    <section aria-labelledby="notice-receipt" class="mb-4" data-testid="notice-receipt">
                        <h2 id="notice-receipt" class="h4">{trp(|t| t.receipts_title)}</h2>
                        <p role="status">{trp(|t| t.receipt_ready)}</p>
                        <dl class="row mb-2">
                            <div class="col-12 col-sm-6 col-lg-4 mb-2">
                                <dt class="small text-muted fw-normal">{trp(|t| t.paid_at)}</dt>
                                <dd class="mb-0">{format::datetime(r.paid_at)}</dd>
                            </div>
                            <div class="col-12 col-sm-6 col-lg-4 mb-2">
                                <dt class="small text-muted fw-normal">{trp(|t| t.psp)}</dt>
                                <dd class="mb-0">{r.psp.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                            </div>
                            <div class="col-12 col-lg-4 mb-2">
                                <dt class="small text-muted fw-normal">{trp(|t| t.receipt_id)}</dt>
                                <dd class="mb-0 text-break">{r.receipt_id.clone()}</dd>
                            </div>
                        </dl>
                        <PdfButton
                            url=api::my_receipt_pdf_url(&r.id)
                            filename=format!("ricevuta-{}.pdf", r.nav)
                            label=|t| t.download_receipt
                        />
                    </section>
                })}
            }
            .into_any()
        }
    }
}
