//! Contribuenti at the desk: search by codice fiscale, name or codice utenza; a
//! contribuente's file with the same estratto conto the citizen sees (and its PDF), the
//! utenze, payments and adjustments; forms to record an adjustment (sgravio, annullamento,
//! compensazione, rimborso, with the reason) and a payment at the desk.

use chrono::NaiveDate;
use domain::api::{
    Act, Address, Adjustment, ContribuenteDetail, CreateAdjustment, CreatePayment, Statement,
};
use domain::calendar::rome_date;
use domain::error::Errors;
use domain::tax::{AdjustmentKind, PaymentChannel};
use domain::types::Money;
use domain::{FieldError, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{self, ApiError, ApiResult};
use crate::browser;
use crate::components::{
    ErrorAlert, FormState, Loading, Notice, Page, SelectInput, TextArea, TextInput,
};
use crate::format::{self, euro};
use crate::i18n::{AccountTexts, account_texts, trac, tracs, use_i18n};
use crate::pages::account::statement::{
    PaymentsTable, StatementActs, StatementTotals, UtenzeTable, channel_label, kind_label,
};
use crate::pages::console::notices::{ActNotices, VerifyPayment};

pub const SEARCH_PATH: &str = "/console/contribuenti";

fn address_line(a: &Address) -> String {
    let mut s = a.street.clone();
    s.push_str(", ");
    if let Some(cap) = &a.postal_code {
        s.push_str(cap);
        s.push(' ');
    }
    s.push_str(&a.city);
    if let Some(p) = &a.province {
        s.push_str(" (");
        s.push_str(p);
        s.push(')');
    }
    s
}

#[component]
pub fn Taxpayers() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let q = RwSignal::new(query.with_untracked(|m| m.get("q")).unwrap_or_default());
    let wanted = Memo::new(move |_| query.with(|m| m.get("q")).unwrap_or_default());
    let results = LocalResource::new(move || {
        let q = wanted.get();
        async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                api::search_contribuenti(q.trim()).await.map(Some)
            }
        }
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let href = format!(
            "{SEARCH_PATH}{}",
            api::query(&[("q", q.get_untracked().trim())])
        );
        navigate(&href, leptos_router::NavigateOptions::default());
    };
    view! {
        <Page title=tracs(|t| t.taxpayers_title) no_breadcrumbs=true>
            <form on:submit=search class="row g-2 align-items-start mb-3" role="search">
                <div class="col-12 col-md-8">
                    <TextInput
                        id="taxpayer-q"
                        kind="search"
                        label=tracs(|t| t.search_label)
                        value=q
                        help=tracs(|t| t.search_help)
                    />
                </div>
                <div class="col-12 col-md-4">
                    <button type="submit" class="btn btn-primary">{trac(|t| t.search)}</button>
                </div>
            </form>
            {move || match results.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                Some(Ok(None)) => ().into_any(),
                Some(Ok(Some(page))) if page.items.is_empty() => {
                    view! { <p role="status">{trac(|t| t.search_empty)}</p> }.into_any()
                }
                Some(Ok(Some(page))) => {
                    let here = format!("{SEARCH_PATH}{}", api::query(&[("q", &wanted.get_untracked())]));
                    let rows = page
                        .items
                        .into_iter()
                        .map(|c| {
                            let href = format!(
                                "{SEARCH_PATH}/{}{}",
                                c.id,
                                api::query(&[("da", &here)])
                            );
                            view! {
                                <tr>
                                    <td class="font-monospace text-nowrap">{c.fiscal_code.clone()}</td>
                                    <td><a href=href>{c.display_name()}</a></td>
                                    <td>{c.residence.as_ref().map(address_line)}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=trac(|t| t.results_caption)>
                            <table class="table table-sm align-middle" data-testid="taxpayers">
                                <caption class="visually-hidden">{trac(|t| t.results_caption)}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{trac(|t| t.fiscal_code)}</th>
                                        <th scope="col">{trac(|t| t.name)}</th>
                                        <th scope="col">{trac(|t| t.residence)}</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                }
            }}
            <VerifyPayment staff=true />
        </Page>
    }
}

/// The file and the statement, read together and again after every write.
#[derive(Clone)]
struct TaxpayerData {
    detail: ContribuenteDetail,
    statement: Statement,
}

async fn load_file(id: String) -> ApiResult<TaxpayerData> {
    let (detail, statement) = futures::join!(
        api::contribuente(&id),
        api::contribuente_statement(&id, None)
    );
    Ok(TaxpayerData {
        detail: detail?,
        statement: statement?,
    })
}

#[component]
pub fn TaxpayerFile() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let version = RwSignal::new(0_u32);
    let data = LocalResource::new(move || {
        version.track();
        load_file(id.get())
    });
    let title = Signal::derive(move || match data.get() {
        Some(Ok(d)) => d.detail.contribuente.display_name(),
        _ => account_texts(use_i18n().lang()).file_title.to_owned(),
    });
    // Back to the search the operator came from.
    let back = query
        .with_untracked(|q| q.get("da"))
        .filter(|h| h.starts_with(SEARCH_PATH))
        .unwrap_or_else(|| SEARCH_PATH.to_owned());
    let changed = Callback::new(move |()| version.update(|v| *v += 1));
    // The forms' confirmations outlive the reload that follows each write (which builds
    // the file, forms included, anew).
    let done = Done {
        payment: RwSignal::new(None),
        adjustment: RwSignal::new(None),
    };
    view! {
        <Page title no_breadcrumbs=true>
            <p><a href=back>{trac(|t| t.back_to_search)}</a></p>
            {move || match data.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                Some(Ok(d)) => view! { <FileBody d changed done /> }.into_any(),
            }}
        </Page>
    }
}

#[derive(Clone, Copy)]
struct Done {
    payment: RwSignal<Option<String>>,
    adjustment: RwSignal<Option<String>>,
}

#[component]
fn FileBody(d: TaxpayerData, changed: Callback<()>, done: Done) -> impl IntoView {
    let c = d.detail.contribuente.clone();
    let contacts = [c.email.clone(), c.pec.clone(), c.phone.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let linked = c.citizen_id.is_some();
    let pdf_error = RwSignal::new(None::<ApiError>);
    let cid = StoredValue::new(c.id.clone());
    let download = move |_| {
        spawn_local(async move {
            let url = api::contribuente_statement_pdf_url(&cid.get_value(), None);
            pdf_error.set(api::download(&url, "estratto-conto.pdf").await.err());
        });
    };
    let acts = d.detail.acts.clone();
    view! {
        <dl class="row mb-4" data-testid="taxpayer">
            <dt class="col-sm-4">{trac(|t| t.fiscal_code)}</dt>
            <dd class="col-sm-8 font-monospace">{c.fiscal_code.clone()}</dd>
            <dt class="col-sm-4">{trac(|t| t.residence)}</dt>
            <dd class="col-sm-8">{c.residence.as_ref().map_or_else(|| "—".to_owned(), address_line)}</dd>
            <dt class="col-sm-4">{trac(|t| t.contacts)}</dt>
            <dd class="col-sm-8 text-break">{if contacts.is_empty() { "—".to_owned() } else { contacts }}</dd>
            <dt class="col-sm-4">{trac(|t| t.citizen_account)}</dt>
            <dd class="col-sm-8">
                {if linked { trac(|t| t.citizen_linked) } else { trac(|t| t.citizen_unlinked) }}
            </dd>
        </dl>
        <StatementTotals statement=d.statement.clone() />
        <p>
            <button type="button" class="btn btn-outline-primary" on:click=download>
                {trac(|t| t.download_pdf)}
            </button>
        </p>
        <ErrorAlert error=pdf_error />
        <StatementActs statement=d.statement.clone() />
        {(!acts.is_empty()).then(|| view! { <ActNotices acts=acts.clone() /> })}
        <section aria-labelledby="tp-utenze" class="mb-4">
            <h2 id="tp-utenze" class="h4">{trac(|t| t.utenze_title)}</h2>
            <UtenzeTable utenze=d.detail.utenze.clone() />
        </section>
        <section aria-labelledby="tp-payments" class="mb-4">
            <h2 id="tp-payments" class="h4">{trac(|t| t.payments_title)}</h2>
            <PaymentsTable payments=d.detail.payments.clone() statement=d.statement.clone() />
        </section>
        <section aria-labelledby="tp-adjustments" class="mb-4">
            <h2 id="tp-adjustments" class="h4">{trac(|t| t.adjustments_title)}</h2>
            <AdjustmentsTable adjustments=d.detail.adjustments.clone() acts=acts.clone() />
        </section>
        {(!acts.is_empty()).then(|| view! {
            <div class="row">
                <div class="col-12 col-xl-6">
                    <PaymentForm acts=acts.clone() changed done=done.payment />
                </div>
                <div class="col-12 col-xl-6">
                    <AdjustmentForm acts=acts.clone() changed done=done.adjustment />
                </div>
            </div>
        })}
    }
}

fn act_name(acts: &[Act], id: &str) -> String {
    acts.iter()
        .find(|a| a.id == id)
        .map_or_else(|| id.to_owned(), |a| format!("{} ({})", a.number, a.year))
}

fn adjustment_label(t: &AccountTexts, kind: AdjustmentKind) -> &'static str {
    t.adjust_kinds[AdjustmentKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0)]
}

#[component]
fn AdjustmentsTable(adjustments: Vec<Adjustment>, acts: Vec<Act>) -> impl IntoView {
    let i18n = use_i18n();
    if adjustments.is_empty() {
        return view! { <p>{trac(|t| t.adjustments_empty)}</p> }.into_any();
    }
    let rows = adjustments
        .into_iter()
        .map(|a| {
            let kind = a.kind;
            view! {
                <tr>
                    <td class="text-nowrap">{format::date(a.date)}</td>
                    <td>{act_name(&acts, &a.act_id)}</td>
                    <td>{move || adjustment_label(account_texts(i18n.lang()), kind)}</td>
                    <td class="text-end text-nowrap">{euro(a.amount)}</td>
                    <td>{a.instalment.map_or_else(|| "—".to_owned(), |n| n.to_string())}</td>
                    <td>{a.reason.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=trac(|t| t.adjustments_caption)>
            <table class="table table-sm align-middle" data-testid="adjustments">
                <caption class="visually-hidden">{trac(|t| t.adjustments_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trac(|t| t.date)}</th>
                        <th scope="col">{trac(|t| t.act)}</th>
                        <th scope="col">{trac(|t| t.kind)}</th>
                        <th scope="col" class="text-end">{trac(|t| t.col_amount)}</th>
                        <th scope="col">{trac(|t| t.col_n)}</th>
                        <th scope="col">{trac(|t| t.reason)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The acts as `<select>` options, after an empty "choose" entry.
fn act_options(acts: &[Act], lang: Lang) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), account_texts(lang).choose_act.to_owned())];
    options.extend(acts.iter().map(|a| {
        (
            a.id.clone(),
            format!("{} {} ({})", kind_label(lang, a.kind), a.number, a.year),
        )
    }));
    options
}

fn required(errors: &mut Errors, field: &'static str, value: &str) {
    if value.trim().is_empty() {
        let (it, en) = (account_texts(Lang::It), account_texts(Lang::En));
        errors.push(FieldError::new(field, it.field_required, en.field_required));
    }
}

/// Euros as typed ("1.234,56") into cents, the error under `field`.
fn amount(errors: &mut Errors, field: &'static str, value: &str) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let cents = Money::parse_euro(value)
        .ok()
        .map(Money::cents)
        .filter(|c| *c > 0);
    if cents.is_none() {
        let (it, en) = (account_texts(Lang::It), account_texts(Lang::En));
        errors.push(FieldError::new(field, it.amount_invalid, en.amount_invalid));
    }
    cents
}

fn instalment(errors: &mut Errors, value: &str) -> Option<u32> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let n = value.parse::<u32>().ok().filter(|n| *n > 0);
    if n.is_none() {
        let (it, en) = (account_texts(Lang::It), account_texts(Lang::En));
        errors.push(FieldError::new(
            "instalment",
            it.instalment_invalid,
            en.instalment_invalid,
        ));
    }
    n
}

fn date(errors: &mut Errors, value: &str) -> NaiveDate {
    value.trim().parse::<NaiveDate>().unwrap_or_else(|_| {
        let (it, en) = (account_texts(Lang::It), account_texts(Lang::En));
        errors.push(FieldError::new(
            "date",
            it.field_required,
            en.field_required,
        ));
        NaiveDate::default()
    })
}

fn today() -> String {
    rome_date(browser::now()).to_string()
}

#[component]
fn PaymentForm(
    acts: Vec<Act>,
    changed: Callback<()>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let act = RwSignal::new(if acts.len() == 1 {
        acts[0].id.clone()
    } else {
        String::new()
    });
    let day = RwSignal::new(today());
    let value = RwSignal::new(String::new());
    let channel = RwSignal::new(PaymentChannel::Desk.code().to_owned());
    let reference = RwSignal::new(String::new());
    let rata = RwSignal::new(String::new());
    let form = FormState::new();
    let key = StoredValue::new(api::new_idempotency_key());
    let options = Signal::derive({
        let acts = acts.clone();
        move || act_options(&acts, i18n.lang())
    });
    let channels = Signal::derive(move || {
        let t = account_texts(i18n.lang());
        PaymentChannel::ALL
            .iter()
            .map(|c| (c.code().to_owned(), channel_label(t, *c).to_owned()))
            .collect::<Vec<_>>()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        let mut errors = Errors::new();
        required(&mut errors, "act_id", &act.get_untracked());
        let date = date(&mut errors, &day.get_untracked());
        required(&mut errors, "amount", &value.get_untracked());
        let cents = amount(&mut errors, "amount", &value.get_untracked());
        let instalment = instalment(&mut errors, &rata.get_untracked());
        let channel = channel
            .get_untracked()
            .parse::<PaymentChannel>()
            .unwrap_or(PaymentChannel::Desk);
        if let Err(e) = errors.finish() {
            form.invalid(&e);
            return;
        }
        let body = CreatePayment {
            act_id: act.get_untracked(),
            date,
            amount: cents.unwrap_or_default(),
            channel,
            reference: reference.get_untracked().trim().to_owned(),
            instalment,
        };
        form.start();
        done.set(None);
        spawn_local(async move {
            match api::create_payment(&body, &key.get_value()).await {
                Ok(_) => {
                    key.set_value(api::new_idempotency_key());
                    value.set(String::new());
                    reference.set(String::new());
                    rata.set(String::new());
                    form.pending.set(false);
                    done.set(Some(account_texts(i18n.lang()).payment_done.to_owned()));
                    changed.run(());
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <section aria-labelledby="payment-title" class="card card-bg shadow-sm mb-4">
            <form class="card-body" on:submit=submit novalidate>
                <h2 id="payment-title" class="h5 mb-4">{trac(|t| t.payment_title)}</h2>
                <ErrorAlert error=form.alert />
                <SelectInput id="pay-act" label=tracs(|t| t.act) value=act options required=true error=form.error_for("act_id") />
                <TextInput id="pay-date" kind="date" label=tracs(|t| t.date) value=day required=true error=form.error_for("date") />
                <TextInput id="pay-amount" label=tracs(|t| t.amount) value required=true error=form.error_for("amount") />
                <SelectInput id="pay-channel" label=tracs(|t| t.channel) value=channel options=channels />
                <TextInput id="pay-reference" label=tracs(|t| t.reference) value=reference error=form.error_for("reference") />
                <TextInput
                    id="pay-instalment"
                    kind="number"
                    label=tracs(|t| t.instalment_opt)
                    value=rata
                    help=tracs(|t| t.instalment_help)
                    error=form.error_for("instalment")
                />
                <Notice message=done />
                <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                    {trac(|t| t.payment_submit)}
                </button>
            </form>
        </section>
    }
}

#[component]
fn AdjustmentForm(
    acts: Vec<Act>,
    changed: Callback<()>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let act = RwSignal::new(if acts.len() == 1 {
        acts[0].id.clone()
    } else {
        String::new()
    });
    let kind = RwSignal::new(AdjustmentKind::Sgravio.code().to_owned());
    let day = RwSignal::new(today());
    let value = RwSignal::new(String::new());
    let rata = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let form = FormState::new();
    let key = StoredValue::new(api::new_idempotency_key());
    let options = Signal::derive({
        let acts = acts.clone();
        move || act_options(&acts, i18n.lang())
    });
    let kinds = Signal::derive(move || {
        let t = account_texts(i18n.lang());
        AdjustmentKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), adjustment_label(t, *k).to_owned()))
            .collect::<Vec<_>>()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        let mut errors = Errors::new();
        required(&mut errors, "act_id", &act.get_untracked());
        let kind = kind
            .get_untracked()
            .parse::<AdjustmentKind>()
            .unwrap_or(AdjustmentKind::Sgravio);
        let date = date(&mut errors, &day.get_untracked());
        if kind != AdjustmentKind::Annullamento {
            required(&mut errors, "amount", &value.get_untracked());
        }
        let cents = amount(&mut errors, "amount", &value.get_untracked());
        let instalment = instalment(&mut errors, &rata.get_untracked());
        required(&mut errors, "reason", &reason.get_untracked());
        if let Err(e) = errors.finish() {
            form.invalid(&e);
            return;
        }
        let body = CreateAdjustment {
            kind,
            date,
            amount: cents.filter(|_| kind != AdjustmentKind::Annullamento),
            instalment,
            reason: reason.get_untracked().trim().to_owned(),
        };
        let act_id = act.get_untracked();
        form.start();
        done.set(None);
        spawn_local(async move {
            match api::create_adjustment(&act_id, &body, &key.get_value()).await {
                Ok(_) => {
                    key.set_value(api::new_idempotency_key());
                    value.set(String::new());
                    rata.set(String::new());
                    reason.set(String::new());
                    form.pending.set(false);
                    done.set(Some(account_texts(i18n.lang()).adjust_done.to_owned()));
                    changed.run(());
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <section aria-labelledby="adjust-title" class="card card-bg shadow-sm mb-4">
            <form class="card-body" on:submit=submit novalidate>
                <h2 id="adjust-title" class="h5 mb-4">{trac(|t| t.adjust_title)}</h2>
                <p class="small mb-4">{trac(|t| t.adjust_intro)}</p>
                <ErrorAlert error=form.alert />
                <SelectInput id="adj-act" label=tracs(|t| t.act) value=act options required=true error=form.error_for("act_id") />
                <SelectInput id="adj-kind" label=tracs(|t| t.adjust_kind) value=kind options=kinds required=true error=form.error_for("kind") />
                <TextInput id="adj-date" kind="date" label=tracs(|t| t.date) value=day required=true error=form.error_for("date") />
                <TextInput
                    id="adj-amount"
                    label=tracs(|t| t.amount)
                    value
                    help=tracs(|t| t.amount_help)
                    error=form.error_for("amount")
                />
                <TextInput
                    id="adj-instalment"
                    kind="number"
                    label=tracs(|t| t.instalment_opt)
                    value=rata
                    error=form.error_for("instalment")
                />
                <TextArea id="adj-reason" label=tracs(|t| t.reason) value=reason required=true rows=3 error=form.error_for("reason") />
                <Notice message=done />
                <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                    {trac(|t| t.adjust_submit)}
                </button>
            </form>
        </section>
    }
}

/// The plan a rateizzazione request carries, on the request's page: what the citizen was
/// proposed, whether resolving has granted it, and the way to the contribuente's file.
/// Nothing when the request carries no plan (no contribuente for the citizen).
#[component]
pub fn PlanCarried(request_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(move || {
        let id = request_id.clone();
        async move {
            let plan = match api::request_plan(&id).await {
                Ok(p) => p,
                Err(ApiError::Problem(p)) if p.status == 404 => return Ok(None),
                Err(e) => return Err(e),
            };
            let act = api::act(&plan.act_id).await?;
            Ok(Some((plan, act)))
        }
    });
    move || match data.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
        Some(Ok(None)) => ().into_any(),
        Some(Ok(Some((plan, act)))) => {
            let granted = plan.granted_at.map(format::datetime);
            let href = format!("{SEARCH_PATH}/{}", act.contribuente_id);
            let p = plan.proposal;
            let rows = p
                .instalments
                .iter()
                .map(|i| {
                    view! {
                        <tr>
                            <td>{i.n}</td>
                            <td class="text-nowrap">{format::date(i.due_date)}</td>
                            <td class="text-end text-nowrap">{euro(i.amount)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let title = format!(
                "{} {} ({})",
                kind_label(i18n.lang(), act.kind),
                act.number,
                act.year
            );
            let message = p.entitlement.message.clone();
            view! {
                <section aria-labelledby="carried-plan" class="mt-4" data-testid="carried-plan">
                    <h2 id="carried-plan" class="h4">{trac(|t| t.carried_title)}</h2>
                    <p class="mb-1"><strong>{title}</strong></p>
                    <p class="small mb-2">{message}</p>
                    <p class="small">
                        {move || {
                            let t = account_texts(i18n.lang());
                            granted
                                .as_deref()
                                .map_or_else(|| t.carried_proposed.to_owned(), |d| (t.carried_granted)(d))
                        }}
                    </p>
                    <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=trac(|t| t.plan_caption)>
                        <table class="table table-sm align-middle">
                            <caption class="visually-hidden">{trac(|t| t.plan_caption)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{trac(|t| t.col_n)}</th>
                                    <th scope="col">{trac(|t| t.col_due)}</th>
                                    <th scope="col" class="text-end">{trac(|t| t.col_amount)}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                            <tfoot>
                                <tr class="fw-semibold">
                                    <th scope="row" colspan="2">{trac(|t| t.plan_total)}</th>
                                    <td class="text-end text-nowrap">{euro(p.total)}</td>
                                </tr>
                            </tfoot>
                        </table>
                    </div>
                    <p><a href=href>{trac(|t| t.open_taxpayer)}</a></p>
                </section>
            }
            .into_any()
        }
    }
}
