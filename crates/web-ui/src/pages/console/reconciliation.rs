//! Reconciliation of pagoPA payments (rendicontazione): upload a Flusso di Rendicontazione
//! (or read the published ones from pagoPA), list the flows with their outcomes, open a
//! report (counts, every single payment with its outcome badge, the CSV), record the bank
//! statement line of the transfer, and see the receipts no flow reports after three
//! working days.

use chrono::NaiveDate;
use domain::api::{ReconciliationFlow, ReconciliationReport, RecordBankLine};
use domain::error::DomainError;
use domain::pagopa::fdr::{BankOutcome, LineOutcome};
use domain::types::Money;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::File;

use crate::api::{self, ApiError};
use crate::browser;
use crate::components::{ErrorAlert, FormState, Notice, Page, TextInput, load};
use crate::format;
use crate::i18n::{ReconTexts, bank_label, outcome_label, recon_texts, trrc, trrcs, use_i18n};

pub const PATH: &str = "/console/rendicontazione";

fn badge_class(o: LineOutcome) -> &'static str {
    match o {
        LineOutcome::Matched => "badge bg-success",
        LineOutcome::AmountMismatch | LineOutcome::UnknownTransfer => "badge bg-danger",
        LineOutcome::UnknownIuv => "badge bg-warning text-dark",
        LineOutcome::NoReceipt => "badge bg-secondary",
        LineOutcome::Revoked => "badge bg-light text-dark border",
    }
}

fn bank_class(o: BankOutcome) -> &'static str {
    match o {
        BankOutcome::Matched => "badge bg-success",
        BankOutcome::AmountMismatch => "badge bg-danger",
    }
}

fn texts() -> impl Fn() -> &'static ReconTexts + Copy {
    let i18n = use_i18n();
    move || recon_texts(i18n.lang())
}

/// A refused file: the problem's title and each element that is wrong with its message.
#[component]
fn UploadProblem(error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let t = texts();
    move || {
        error.get().map(|e| match e {
            ApiError::Problem(p) if !p.errors.is_empty() => {
                let items = p
                    .errors
                    .iter()
                    .map(|f| {
                        view! {
                            <li>
                                <span class="font-monospace">{f.field.clone()}</span>
                                {format!(": {}", f.message)}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="alert alert-danger" role="alert" data-testid="recon-upload-error">
                        <h2 class="h5 alert-heading">{move || t().upload_failed}</h2>
                        <ul class="mb-0">{items}</ul>
                    </div>
                }
                .into_any()
            }
            other => view! { <ErrorAlert error=Signal::stored(Some(other)) /> }.into_any(),
        })
    }
}

#[component]
pub fn ReconciliationPage() -> impl IntoView {
    let t = texts();
    let files: RwSignal<Vec<File>, LocalStorage> = RwSignal::new_local(Vec::new());
    let pending = RwSignal::new(false);
    let upload_error = RwSignal::new(None::<ApiError>);
    let file_error = RwSignal::new(None::<String>);
    let fetch_done = RwSignal::new(None::<String>);
    let fetch_error = RwSignal::new(None::<ApiError>);
    let changed = RwSignal::new(0_u32);
    let current = RwSignal::new(None::<ReconciliationReport>);
    let list = LocalResource::new(move || {
        changed.track();
        api::flows()
    });
    let missing = LocalResource::new(move || {
        changed.track();
        api::missing_receipts()
    });
    let show = move |r: ReconciliationReport| {
        current.set(Some(r));
        request_animation_frame(|| browser::focus("recon-report"));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        upload_error.set(None);
        let Some(file) = files.with_untracked(|f| f.first().cloned()) else {
            file_error.set(Some(t().file_required.to_owned()));
            browser::focus("recon-file");
            return;
        };
        file_error.set(None);
        pending.set(true);
        spawn_local(async move {
            let res = api::upload_flow(&file).await;
            pending.set(false);
            match res {
                Ok(r) => {
                    changed.update(|n| *n += 1);
                    show(r);
                }
                Err(e) => upload_error.set(Some(e)),
            }
        });
    };
    let fetch = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        fetch_done.set(None);
        fetch_error.set(None);
        spawn_local(async move {
            let res = api::fetch_flows().await;
            pending.set(false);
            match res {
                Ok(r) => {
                    fetch_done.set(Some((t().fetch_done)(
                        r.imported.len(),
                        r.already_stored,
                        r.failed.len(),
                    )));
                    changed.update(|n| *n += 1);
                }
                Err(e) => fetch_error.set(Some(e)),
            }
        });
    };
    view! {
        <Page title=trrcs(|t| t.title) no_breadcrumbs=true>
            <p>{trrc(|t| t.intro)}</p>
            <form on:submit=submit novalidate class="card card-bg shadow-sm mb-4">
                <div class="card-body">
                    <h2 class="h5">{trrc(|t| t.upload_heading)}</h2>
                    <UploadProblem error=upload_error />
                    <div class="form-group">
                        <label for="recon-file" class="active d-block position-static mb-2">
                            {move || format!("{} *", t().file_label)}
                        </label>
                        <input
                            type="file"
                            class="form-control"
                            id="recon-file"
                            name="recon-file"
                            accept=".xml,application/xml,text/xml"
                            aria-invalid=move || file_error.with(Option::is_some).then_some("true")
                            aria-describedby=move || {
                                if file_error.with(Option::is_some) {
                                    "recon-file-help recon-file-error"
                                } else {
                                    "recon-file-help"
                                }
                            }
                            on:change:target=move |ev| files.set(browser::files_of(&ev.target()))
                        />
                        <small id="recon-file-help" class="form-text">{trrc(|t| t.file_help)}</small>
                        {move || file_error.get().map(|e| view! { <div class="invalid-feedback d-block" id="recon-file-error">{e}</div> })}
                    </div>
                    <div class="d-flex flex-wrap gap-2">
                        <button type="submit" class="btn btn-primary" disabled=move || pending.get()>
                            {trrc(|t| t.upload_submit)}
                        </button>
                        <button type="button" class="btn btn-outline-primary" disabled=move || pending.get() on:click=fetch>
                            {trrc(|t| t.fetch_submit)}
                        </button>
                    </div>
                    <Notice message=fetch_done />
                    <ErrorAlert error=fetch_error />
                </div>
            </form>
            {move || current.get().map(|r| view! { <FlowReport report=r current changed /> })}
            <section aria-labelledby="recon-flows" class="mt-4">
                <h2 id="recon-flows" class="h4">{trrc(|t| t.flows_heading)}</h2>
                {load(list, move |page| {
                    if page.items.is_empty() {
                        return view! { <p>{trrc(|t| t.flows_empty)}</p> }.into_any();
                    }
                    view! { <FlowList items=page.items current /> }.into_any()
                })}
            </section>
            <section aria-labelledby="recon-missing" class="mt-4">
                <h2 id="recon-missing" class="h4">{trrc(|t| t.missing_heading)}</h2>
                <p>{trrc(|t| t.missing_intro)}</p>
                {load(missing, move |m| {
                    if m.items.is_empty() {
                        return view! { <p data-testid="recon-missing-empty">{trrc(|t| t.missing_empty)}</p> }.into_any();
                    }
                    let rows = m
                        .items
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <td class="font-monospace text-break">{r.receipt_id}</td>
                                    <td class="font-monospace">{r.nav}</td>
                                    <td class="text-nowrap">{format::euro(r.amount)}</td>
                                    <td class="text-nowrap">{format::date(r.paid_on)}</td>
                                    <td class="text-nowrap">{format::date(r.report_due_by)}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=trrc(|t| t.missing_caption)>
                            <table class="table table-sm align-middle" data-testid="recon-missing">
                                <caption class="visually-hidden">{trrc(|t| t.missing_caption)}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{trrc(|t| t.col_receipt)}</th>
                                        <th scope="col">{trrc(|t| t.col_notice)}</th>
                                        <th scope="col">{trrc(|t| t.col_amount)}</th>
                                        <th scope="col">{trrc(|t| t.col_paid_on)}</th>
                                        <th scope="col">{trrc(|t| t.col_due_by)}</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                })}
            </section>
        </Page>
    }
}

/// The flows, newest first, each with its matched lines, its issues and the bank check.
#[component]
fn FlowList(
    items: Vec<ReconciliationFlow>,
    current: RwSignal<Option<ReconciliationReport>>,
) -> impl IntoView {
    let t = texts();
    let rows = items
        .into_iter()
        .map(|f| {
            let id = StoredValue::new(f.id.clone());
            let flow_id = f.flow_id.clone();
            let label = move || (t().open_label)(&flow_id);
            let counts = f.counts;
            let bank = f.bank.as_ref().map(|b| b.outcome);
            let open = move |_| {
                spawn_local(async move {
                    if let Ok(r) = api::flow_report(&id.get_value()).await {
                        current.set(Some(r));
                        request_animation_frame(|| browser::focus("recon-report"));
                    }
                });
            };
            view! {
                <tr>
                    <td class="font-monospace text-break">{f.flow_id.clone()}</td>
                    <td class="text-nowrap">{format::date(f.settlement_date)}</td>
                    <td class="text-break">{f.sender_name.clone().unwrap_or_else(|| f.sender_id.clone())}</td>
                    <td>{f.payment_count}</td>
                    <td class="text-nowrap">{format::euro(f.total_amount)}</td>
                    <td>
                        <span class="badge bg-success">{move || format!("{} {}", counts.matched, outcome_label(t(), LineOutcome::Matched))}</span>
                        {(counts.issues() > 0).then(|| view! {
                            " "
                            <span class="badge bg-danger">{move || format!("{} {}", counts.issues(), t().not_checked)}</span>
                        })}
                    </td>
                    <td>
                        {move || match bank {
                            Some(o) => view! { <span class=bank_class(o)>{bank_label(t(), o)}</span> }.into_any(),
                            None => view! { <span class="badge bg-light text-dark border">{t().not_checked}</span> }.into_any(),
                        }}
                    </td>
                    <td>
                        <button type="button" class="btn btn-outline-primary btn-sm" aria-label=label on:click=open>
                            {trrc(|t| t.open)}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=trrc(|t| t.flows_caption)>
            <table class="table table-sm align-middle" data-testid="recon-flows">
                <caption class="visually-hidden">{trrc(|t| t.flows_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trrc(|t| t.col_flow)}</th>
                        <th scope="col">{trrc(|t| t.col_date)}</th>
                        <th scope="col">{trrc(|t| t.col_psp)}</th>
                        <th scope="col">{trrc(|t| t.col_payments)}</th>
                        <th scope="col">{trrc(|t| t.col_total)}</th>
                        <th scope="col">{trrc(|t| t.col_outcome)}</th>
                        <th scope="col">{trrc(|t| t.col_bank)}</th>
                        <th scope="col">{trrc(|t| t.open)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One flow's report: counts, the bank line with its form, the CSV and every line.
#[component]
fn FlowReport(
    report: ReconciliationReport,
    current: RwSignal<Option<ReconciliationReport>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let t = texts();
    let f = report.flow.clone();
    let id = StoredValue::new(f.id.clone());
    let flow_id = f.flow_id.clone();
    let csv_error = RwSignal::new(None::<ApiError>);
    let download = move |_| {
        spawn_local(async move {
            let id = id.get_value();
            let name = format!("rendicontazione-{id}.csv");
            csv_error.set(api::download(&api::flow_csv_url(&id), &name).await.err());
        });
    };
    let counts = f.counts;
    let count_items = LineOutcome::ALL
        .iter()
        .map(|o| {
            let o = *o;
            let n = match o {
                LineOutcome::Matched => counts.matched,
                LineOutcome::AmountMismatch => counts.amount_mismatch,
                LineOutcome::UnknownIuv => counts.unknown_iuv,
                LineOutcome::NoReceipt => counts.no_receipt,
                LineOutcome::UnknownTransfer => counts.unknown_transfer,
                LineOutcome::Revoked => counts.revoked,
            };
            view! {
                <div class="col-6 col-md-4">
                    <dt class="small text-muted fw-normal">{move || outcome_label(t(), o)}</dt>
                    <dd class="h5" data-testid=format!("recon-count-{}", o.code())>{n}</dd>
                </div>
            }
        })
        .collect_view();
    let lines = report
        .lines
        .iter()
        .map(|l| {
            let o = l.outcome;
            view! {
                <tr>
                    <td>{l.position}</td>
                    <td class="font-monospace">{l.iuv.clone()}</td>
                    <td class="font-monospace text-break">{l.iur.clone()}</td>
                    <td>{l.transfer_index}</td>
                    <td class="text-nowrap">{format::euro(l.amount)}</td>
                    <td class="text-nowrap">{l.expected_amount.map_or_else(|| "—".to_owned(), format::euro)}</td>
                    <td><span class=badge_class(o)>{move || outcome_label(t(), o)}</span></td>
                    <td class="font-monospace">{l.nav.clone().unwrap_or_else(|| "—".to_owned())}</td>
                </tr>
            }
        })
        .collect_view();
    let bank = f.bank.clone();
    let heading = move || (t().report_heading)(&flow_id);
    view! {
        <section aria-labelledby="recon-report" class="mb-4" data-testid="recon-report">
            <h2 id="recon-report" class="h4" tabindex="-1">{heading}</h2>
            <p class="mb-2">
                {move || format!("{}: {} · {}", t().settlement, f.settlement_ref, format::date(f.settlement_date))}
                <br />
                {move || format!("{}: {}", t().total, format::euro(f.total_amount))}
            </p>
            <dl class="row mb-3" data-testid="recon-counts">{count_items}</dl>
            <p>
                <button type="button" class="btn btn-outline-primary" on:click=download>
                    {trrc(|t| t.csv)}
                </button>
            </p>
            <ErrorAlert error=csv_error />
            <h3 class="h5">{trrc(|t| t.bank_heading)}</h3>
            <div data-testid="recon-bank">
                {match bank {
                    Some(b) => {
                        let o = b.outcome;
                        let diff = b.difference;
                        view! {
                            <p>
                                <span class=bank_class(o)>{move || bank_label(t(), o)}</span>
                                " "
                                <span class="font-monospace text-break">{b.causale.clone()}</span>
                                {format!(" · {}", format::euro(b.amount))}
                                {(diff != 0).then(|| view! { <br /> {move || (t().bank_difference)(&format::euro(diff))} })}
                            </p>
                        }
                        .into_any()
                    }
                    None => view! { <p>{trrc(|t| t.bank_none)}</p> }.into_any(),
                }}
            </div>
            <BankForm id=id current changed />
            <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=trrc(|t| t.lines_caption)>
                <table class="table table-sm align-middle" data-testid="recon-lines">
                    <caption class="visually-hidden">{trrc(|t| t.lines_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{trrc(|t| t.col_position)}</th>
                            <th scope="col">{trrc(|t| t.col_iuv)}</th>
                            <th scope="col">{trrc(|t| t.col_iur)}</th>
                            <th scope="col">{trrc(|t| t.col_transfer)}</th>
                            <th scope="col">{trrc(|t| t.col_amount)}</th>
                            <th scope="col">{trrc(|t| t.col_expected)}</th>
                            <th scope="col">{trrc(|t| t.col_outcome)}</th>
                            <th scope="col">{trrc(|t| t.col_notice)}</th>
                        </tr>
                    </thead>
                    <tbody>{lines}</tbody>
                </table>
            </div>
        </section>
    }
}

/// The bank statement line of the flow's transfer: causale, amount in euro, date.
#[component]
fn BankForm(
    id: StoredValue<String>,
    current: RwSignal<Option<ReconciliationReport>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let t = texts();
    let causale = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        let Ok(cents) = Money::parse_euro(&amount.get_untracked()) else {
            form.invalid(&DomainError::invalid(
                "amount",
                "Importo non valido (esempio: 1.234,56)",
                "Invalid amount (example: 1234.56)",
            ));
            return;
        };
        let body = RecordBankLine {
            causale: causale.get_untracked(),
            amount: cents.cents(),
            date: NaiveDate::parse_from_str(&date.get_untracked(), "%Y-%m-%d").ok(),
        };
        form.start();
        spawn_local(async move {
            match api::record_bank_line(&id.get_value(), &body).await {
                Ok(r) => {
                    form.pending.set(false);
                    current.set(Some(r));
                    changed.update(|n| *n += 1);
                    request_animation_frame(|| browser::focus("recon-report"));
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <form on:submit=submit novalidate class="mb-4" data-testid="recon-bank-form">
            <ErrorAlert error=form.alert fields=&["recon-causale", "recon-amount", "recon-bank-date"] />
            <TextInput id="recon-causale" label=trrcs(|t| t.causale) value=causale required=true
                help=trrcs(|t| t.causale_help) error=form.error_for("causale") />
            <div class="row">
                <div class="col-12 col-md-6">
                    <TextInput id="recon-amount" label=trrcs(|t| t.bank_amount) value=amount required=true
                        help=trrcs(|t| t.bank_amount_help) error=form.error_for("amount") />
                </div>
                <div class="col-12 col-md-6">
                    <TextInput id="recon-bank-date" label=trrcs(|t| t.bank_date) value=date kind="date"
                        error=form.error_for("date") />
                </div>
            </div>
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                {move || t().bank_submit}
            </button>
        </form>
    }
}
