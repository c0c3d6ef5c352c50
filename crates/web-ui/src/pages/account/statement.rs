//! The estratto conto as the citizen and the desk see it: totals, one table per act with
//! its instalments (amount, paid, residual, days late, default interest), a granted or
//! lapsed plan, the daily interest; and the utenze and payments tables beside it.

use domain::Lang;
use domain::api::{Notice, Payment, Statement, StatementAct, Utenza};
use domain::pagopa::NoticeStatus;
use domain::tax::{ActKind, ActStatus, PaymentChannel, PlanState, UtenzaKind};
use leptos::prelude::*;

use crate::format::{self, euro};
use crate::i18n::{AccountTexts, I18n, account_texts, trac, tracs, use_i18n};
use crate::i18n::{pay_texts, trp};
use crate::pages::account::payments::PayButton;
use crate::pages::account::plan::PlanSimulator;

fn texts(i18n: I18n) -> &'static AccountTexts {
    account_texts(i18n.lang())
}

fn index_of<T: PartialEq>(all: &[T], v: &T) -> usize {
    all.iter().position(|x| x == v).unwrap_or(0)
}

pub fn kind_label(lang: Lang, kind: ActKind) -> &'static str {
    match lang {
        Lang::It => kind.label_it(),
        Lang::En => kind.label_en(),
    }
}

pub fn status_label(t: &AccountTexts, status: ActStatus) -> &'static str {
    t.status_labels[index_of(ActStatus::ALL, &status)]
}

pub fn channel_label(t: &AccountTexts, channel: PaymentChannel) -> &'static str {
    t.channel_labels[index_of(PaymentChannel::ALL, &channel)]
}

/// "Avviso di pagamento ordinario n. 2026/000123 (2026) – TARI".
pub fn act_title(lang: Lang, kind: ActKind, number: &str, year: i32, tributo: &str) -> String {
    let t = account_texts(lang);
    format!(
        "{} {} ({year}) – {tributo}",
        kind_label(lang, kind),
        (t.act_number)(number)
    )
}

/// A scrollable table box: focusable and named, so keyboard users can scroll it at 360 px.
fn table_box(label: Signal<String>, table: impl IntoView) -> impl IntoView {
    view! {
        <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=label>
            {table}
        </div>
    }
}

/// The totals: what is still owed, the interest, the daily interest.
#[component]
pub fn StatementTotals(statement: Statement) -> impl IntoView {
    let i18n = use_i18n();
    let t = statement.totals;
    let row = move |label: fn(&AccountTexts) -> &'static str, value: String, strong: bool| {
        view! {
            <div class="col-6 col-md-4 mb-3">
                <dt class="small text-muted fw-normal">{trac(label)}</dt>
                <dd class="mb-0 text-nowrap" class:h4=strong class:h6=!strong>{value}</dd>
            </div>
        }
    };
    view! {
        <section aria-labelledby="statement-summary" class="mb-4">
            <h2 id="statement-summary" class="h4">
                {move || texts(i18n).summary_title} " – " {move || texts(i18n).as_of} " "
                {format::date(statement.as_of)}
            </h2>
            <dl class="row mb-0" data-testid="statement-totals">
                {row(|t| t.residual, euro(t.residual), true)}
                {row(|t| t.interest, euro(t.interest), true)}
                {row(|t| t.to_pay, euro(t.residual + t.interest), true)}
                {row(|t| t.total, euro(t.total), false)}
                {row(|t| t.paid, euro(t.paid), false)}
                {row(|t| t.daily_interest, euro(t.daily_interest), false)}
                {(t.credit > 0).then(|| row(|t| t.credit, euro(t.credit), false))}
                {(t.discharged > 0).then(|| row(|t| t.discharged, euro(t.discharged), false))}
            </dl>
        </section>
    }
}

/// Every act of the statement; `simulate` adds the plan simulator to the acts that may
/// still be spread (the citizen's page), and `notices` (the citizen's pagoPA notices) a
/// "Paga con pagoPA" button beside each instalment whose notice is still to pay.
#[component]
pub fn StatementActs(
    statement: Statement,
    #[prop(optional)] simulate: bool,
    #[prop(optional)] notices: Vec<Notice>,
) -> impl IntoView {
    view! {
        <section aria-labelledby="statement-acts" class="mb-4">
            <h2 id="statement-acts" class="h4">{trac(|t| t.acts_title)}</h2>
            {if statement.acts.is_empty() {
                view! { <p>{trac(|t| t.acts_empty)}</p> }.into_any()
            } else {
                statement
                    .acts
                    .into_iter()
                    .map(|act| {
                        let mine: Vec<Notice> =
                            notices.iter().filter(|n| n.act_id == act.id).cloned().collect();
                        view! { <ActCard act simulate notices=mine /> }
                    })
                    .collect_view()
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn ActCard(act: StatementAct, simulate: bool, notices: Vec<Notice>) -> impl IntoView {
    let i18n = use_i18n();
    let title = {
        let (kind, number, year, tributo) = (act.kind, act.number.clone(), act.year, act.tributo);
        move || act_title(i18n.lang(), kind, &number, year, tributo.label())
    };
    let status = act.status;
    let plan = act.plan;
    let plan_line = move || {
        let t = texts(i18n);
        plan.map(|p| match (p.state, p.lapsed_on) {
            (PlanState::Lapsed, Some(on)) => view! {
                <span class="badge bg-danger text-wrap">{(t.plan_lapsed)(&format::date(on))}</span>
            }
            .into_any(),
            _ => view! {
                <span class="badge bg-success text-wrap">
                    {(t.plan_granted)(&format::date(p.granted_on), p.instalments)}
                </span>
            }
            .into_any(),
        })
    };
    let number = act.number.clone();
    let caption = Signal::derive(move || (texts(i18n).instalments_caption)(&number));
    let may_simulate =
        simulate && act.residual > 0 && act.status == ActStatus::Active && act.plan.is_none();
    let (act_id, act_number) = (act.id.clone(), act.number.clone());
    // The pagoPA column, when the citizen has notices for this act.
    let pay_column = !notices.is_empty();
    let rows = act
        .instalments
        .iter()
        .map(|i| {
            let n = i.n;
            let pay = notices
                .iter()
                .find(|x| x.instalment == n && x.status == NoticeStatus::Unpaid)
                .map(|x| {
                    let detail = Signal::derive(move || (pay_texts(i18n.lang()).for_instalment)(n));
                    view! { <PayButton nav=x.nav.clone() detail small=true /> }
                });
            view! {
                <tr>
                    <td>{i.n}</td>
                    <td class="text-nowrap">{format::date(i.due_date)}</td>
                    <td class="text-end text-nowrap">{euro(i.amount)}</td>
                    <td class="text-end text-nowrap">{euro(i.paid)}</td>
                    <td class="text-end text-nowrap">{euro(i.residual)}</td>
                    <td class="text-end">{i.days_late}</td>
                    <td class="text-end text-nowrap">{euro(i.interest)}</td>
                    {pay_column.then(|| view! { <td>{pay}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <article class="card card-bg shadow-sm mb-4" data-testid="statement-act">
            <div class="card-body">
                <h3 class="h5 card-title">{title}</h3>
                <p class="mb-2 d-flex flex-wrap gap-2 align-items-center">
                    <span>{trac(|t| t.status)} ": " <strong>{move || status_label(texts(i18n), status)}</strong></span>
                    {plan_line}
                </p>
                {table_box(
                    caption,
                    view! {
                        <table class="table table-sm align-middle mb-2">
                            <caption class="visually-hidden">{caption}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{trac(|t| t.col_n)}</th>
                                    <th scope="col">{trac(|t| t.col_due)}</th>
                                    <th scope="col" class="text-end">{trac(|t| t.col_amount)}</th>
                                    <th scope="col" class="text-end">{trac(|t| t.col_paid)}</th>
                                    <th scope="col" class="text-end">{trac(|t| t.col_residual)}</th>
                                    <th scope="col" class="text-end">{trac(|t| t.col_days_late)}</th>
                                    <th scope="col" class="text-end">{trac(|t| t.col_interest)}</th>
                                    {pay_column.then(|| view! { <th scope="col">{trp(|t| t.col_pay)}</th> })}
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                            <tfoot>
                                <tr class="fw-semibold">
                                    <th scope="row" colspan="2">{trac(|t| t.total_row)}</th>
                                    <td class="text-end text-nowrap">{euro(act.total)}</td>
                                    <td class="text-end text-nowrap">{euro(act.paid)}</td>
                                    <td class="text-end text-nowrap" data-testid="act-residual">{euro(act.residual)}</td>
                                    <td></td>
                                    <td class="text-end text-nowrap" data-testid="act-interest">{euro(act.interest)}</td>
                                    {pay_column.then(|| view! { <td></td> })}
                                </tr>
                            </tfoot>
                        </table>
                    },
                )}
                <p class="small mb-0">
                    {trac(|t| t.daily_interest)} ": " <span class="text-nowrap">{euro(act.daily_interest)}</span>
                    {(act.credit > 0).then(|| view! {
                        " · " {trac(|t| t.credit)} ": " <span class="text-nowrap">{euro(act.credit)}</span>
                    })}
                    {(act.discharged > 0).then(|| view! {
                        " · " {trac(|t| t.discharged)} ": " <span class="text-nowrap">{euro(act.discharged)}</span>
                    })}
                </p>
                {may_simulate.then(|| view! { <PlanSimulator act_id act_number /> })}
            </div>
        </article>
    }
}

/// The utenze: code, kind, address, surface, occupants or category, period.
#[component]
pub fn UtenzeTable(utenze: Vec<Utenza>) -> impl IntoView {
    let i18n = use_i18n();
    if utenze.is_empty() {
        return view! { <p>{trac(|t| t.utenze_empty)}</p> }.into_any();
    }
    let rows = utenze
        .into_iter()
        .map(|u| {
            let kind = u.kind;
            let detail = move || {
                let t = texts(i18n);
                match (&u.occupants, &u.category) {
                    (Some(n), _) => (t.occupants)(*n),
                    (None, Some(c)) => (t.category)(c),
                    (None, None) => "—".to_owned(),
                }
            };
            let period = move || {
                let t = texts(i18n);
                let mut p = (t.since)(&format::date(u.start_date));
                if let Some(end) = u.end_date {
                    p.push(' ');
                    p.push_str(&(t.until)(&format::date(end)));
                }
                p
            };
            let address = format!(
                "{}, {}{}",
                u.address.street,
                u.address
                    .postal_code
                    .as_ref()
                    .map_or_else(String::new, |c| format!("{c} ")),
                u.address.city
            );
            view! {
                <tr>
                    <td class="text-nowrap font-monospace">{u.code.clone()}</td>
                    <td>
                        {move || {
                            texts(i18n).utenza_kinds[usize::from(kind == UtenzaKind::NonDomestica)]
                        }}
                    </td>
                    <td>{address}</td>
                    <td class="text-end text-nowrap">{format!("{} m²", u.square_meters)}</td>
                    <td>{detail}</td>
                    <td>{period}</td>
                </tr>
            }
        })
        .collect_view();
    table_box(
        tracs(|t| t.utenze_caption),
        view! {
            <table class="table table-sm align-middle" data-testid="utenze">
                <caption class="visually-hidden">{trac(|t| t.utenze_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trac(|t| t.utenza_code)}</th>
                        <th scope="col">{trac(|t| t.kind)}</th>
                        <th scope="col">{trac(|t| t.address)}</th>
                        <th scope="col" class="text-end">{trac(|t| t.surface)}</th>
                        <th scope="col">{trac(|t| t.occupants_category)}</th>
                        <th scope="col">{trac(|t| t.period)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        },
    )
    .into_any()
}

/// The payments, with the act each one was made on (by number, from the statement).
#[component]
pub fn PaymentsTable(payments: Vec<Payment>, statement: Statement) -> impl IntoView {
    let i18n = use_i18n();
    if payments.is_empty() {
        return view! { <p>{trac(|t| t.payments_empty)}</p> }.into_any();
    }
    let rows = payments
        .into_iter()
        .map(|p| {
            let act = statement
                .acts
                .iter()
                .find(|a| a.id == p.act_id)
                .map_or_else(|| p.act_id.clone(), |a| format!("{} ({})", a.number, a.year));
            let channel = p.channel;
            let instalment = p.instalment;
            view! {
                <tr>
                    <td class="text-nowrap">{format::date(p.date)}</td>
                    <td>{act}</td>
                    <td class="text-end text-nowrap">{euro(p.amount)}</td>
                    <td>{move || channel_label(texts(i18n), channel)}</td>
                    <td class="text-break">{p.reference.clone()}</td>
                    <td>
                        {move || instalment.map_or_else(|| texts(i18n).oldest_first.to_owned(), |n| n.to_string())}
                    </td>
                </tr>
            }
        })
        .collect_view();
    table_box(
        tracs(|t| t.payments_caption),
        view! {
            <table class="table table-sm align-middle" data-testid="payments">
                <caption class="visually-hidden">{trac(|t| t.payments_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trac(|t| t.date)}</th>
                        <th scope="col">{trac(|t| t.act)}</th>
                        <th scope="col" class="text-end">{trac(|t| t.col_amount)}</th>
                        <th scope="col">{trac(|t| t.channel)}</th>
                        <th scope="col">{trac(|t| t.reference)}</th>
                        <th scope="col">{trac(|t| t.col_n)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        },
    )
    .into_any()
}
