//! The instalment-plan simulator of an act: the citizen picks a number of monthly
//! instalments (and, when it applies, a bonus sociale or their ISEE), the server proposes
//! the plan from today (`GET /me/acts/{id}/plan`) or says why not (422), and a button files
//! the rateizzazione request with the act and the number of instalments filled in.

use domain::api::{FieldType, PlanProposal};
use domain::error::Errors;
use domain::tax::plan::EntitlementBasis;
use domain::types::Money;
use domain::{FieldError, RequestKind};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::app::rel_for;
use crate::components::{Checkbox, ErrorAlert, FormState, TextInput};
use crate::format::{self, euro};
use crate::i18n::{account_texts, trac, tracs, use_i18n};
use crate::session::use_tenant;

/// The request form's `motivo` option for each entitlement basis (catalogue type
/// `tari_rateizzazione`).
fn motivo(basis: EntitlementBasis) -> &'static str {
    match basis {
        EntitlementBasis::BonusSociale => "bonus_sociale",
        EntitlementBasis::Hardship => "disagio",
        EntitlementBasis::AboveAverage => "aumento_30",
        EntitlementBasis::Discretionary => "altro",
    }
}

#[component]
pub fn PlanSimulator(act_id: String, act_number: String) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let count = RwSignal::new(String::new());
    let bonus = RwSignal::new(false);
    let isee = RwSignal::new(String::new());
    let form = FormState::new();
    let proposal = RwSignal::new(None::<PlanProposal>);
    let panel_id = format!("plan-{act_id}");
    let count_id = format!("plan-count-{act_id}");
    let isee_id = format!("plan-isee-{act_id}");
    let bonus_id = format!("plan-bonus-{act_id}");
    let title_id = format!("plan-title-{act_id}");
    let id = StoredValue::new(act_id);

    let compute = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        let mut errors = Errors::new();
        let n = count.get_untracked().trim().to_owned();
        if !n.is_empty() && !n.parse::<u32>().is_ok_and(|n| n > 0) {
            errors.push(FieldError::new(
                "instalments",
                account_texts(domain::Lang::It).plan_count_invalid,
                account_texts(domain::Lang::En).plan_count_invalid,
            ));
        }
        let raw_isee = isee.get_untracked().trim().to_owned();
        let isee_cents = if raw_isee.is_empty() {
            String::new()
        } else {
            match Money::parse_euro(&raw_isee) {
                Ok(m) if m.cents() >= 0 => m.cents().to_string(),
                _ => {
                    errors.push(FieldError::new(
                        "isee",
                        account_texts(domain::Lang::It).plan_isee_invalid,
                        account_texts(domain::Lang::En).plan_isee_invalid,
                    ));
                    String::new()
                }
            }
        };
        if let Err(e) = errors.finish() {
            proposal.set(None);
            form.invalid(&e);
            return;
        }
        let bonus = if bonus.get_untracked() { "true" } else { "" };
        let query = api::query(&[
            ("instalments", &n),
            ("bonus_sociale", bonus),
            ("isee", &isee_cents),
        ]);
        form.start();
        spawn_local(async move {
            match api::my_plan(&id.get_value(), &query).await {
                Ok(p) => {
                    form.pending.set(false);
                    proposal.set(Some(p));
                }
                Err(e) => {
                    proposal.set(None);
                    form.fail(e);
                }
            }
        });
    };

    let number = StoredValue::new(act_number);
    let panel = {
        let panel_id = panel_id.clone();
        move || {
            open.get().then(|| {
                let title = move || (account_texts(i18n.lang()).plan_title)(&number.get_value());
                view! {
                    <section id=panel_id.clone() aria-labelledby=title_id.clone() class="border-top mt-3 pt-3">
                        <h4 id=title_id.clone() class="h6">{title}</h4>
                        <p class="small">{trac(|t| t.plan_intro)}</p>
                        <form on:submit=compute novalidate>
                            <div class="row">
                                <div class="col-12 col-md-4">
                                    <TextInput
                                        id=count_id.clone()
                                        label=tracs(|t| t.plan_count)
                                        value=count
                                        kind="number"
                                        help=tracs(|t| t.plan_count_help)
                                        error=form.error_for("instalments")
                                    />
                                </div>
                                <div class="col-12 col-md-4">
                                    <TextInput
                                        id=isee_id.clone()
                                        label=tracs(|t| t.plan_isee)
                                        value=isee
                                        help=tracs(|t| t.plan_isee_help)
                                        error=form.error_for("isee")
                                    />
                                </div>
                            </div>
                            <Checkbox id=bonus_id.clone() label=tracs(|t| t.plan_bonus) checked=bonus />
                            <button type="submit" class="btn btn-primary btn-sm" disabled=move || form.pending.get()>
                                {trac(|t| t.plan_compute)}
                            </button>
                        </form>
                        <div class="mt-3">
                            <ErrorAlert error=form.alert />
                        </div>
                        <div aria-live="polite">
                            {move || proposal.get().map(|p| view! { <Proposal p number=number.get_value() /> })}
                        </div>
                    </section>
                }
            })
        }
    };
    view! {
        <div class="mt-3">
            <button
                type="button"
                class="btn btn-outline-primary btn-sm"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls=panel_id
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {trac(|t| t.plan_open)}
            </button>
            {panel}
        </div>
    }
}

#[component]
fn Proposal(p: PlanProposal, number: String) -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    let entitled = p.entitlement.entitled;
    let (min, max) = (p.min_instalments, p.max_instalments);
    let n = u32::try_from(p.instalments.len()).unwrap_or(u32::MAX);
    let basis = p.entitlement.basis;
    // The request form of this tenant's rateizzazione type, filled in.
    let href = {
        let number = number.clone();
        move || {
            let t = account_texts(i18n.lang());
            let rt = tenant
                .types()
                .into_iter()
                .find(|rt| rt.kind == RequestKind::Rateizzazione);
            let code = rt
                .as_ref()
                .map_or_else(|| "tari_rateizzazione".to_owned(), |rt| rt.code.clone());
            // The reason only when the form offers it.
            let reason = rt
                .iter()
                .flat_map(|rt| &rt.fields)
                .find(|f| f.name == "motivo" && f.field_type == FieldType::Select)
                .filter(|f| f.options.iter().any(|o| o.value == motivo(basis)))
                .map_or("", |_| motivo(basis));
            let n = n.to_string();
            format!(
                "/nuova-richiesta{}",
                api::query(&[
                    ("tipo", &code),
                    ("numero_avviso", &number),
                    ("numero_rate", &n),
                    ("motivo", reason),
                    ("oggetto", &(t.plan_subject)(&number)),
                    (
                        "descrizione",
                        &(t.plan_description)(&number, n.parse().unwrap_or(0))
                    ),
                ])
            )
        }
    };
    let rows = p
        .instalments
        .iter()
        .map(|i| {
            view! {
                <tr>
                    <td>{i.n}</td>
                    <td class="text-nowrap">{format::date(i.due_date)}</td>
                    <td class="text-end text-nowrap">{euro(i.capital)}</td>
                    <td class="text-end text-nowrap">{euro(i.interest)}</td>
                    <td class="text-end text-nowrap">{euro(i.amount)}</td>
                </tr>
            }
        })
        .collect_view();
    let message = p.entitlement.message.clone();
    let help_id = format!("plan-request-help-{}", p.act_id);
    let help_ref = help_id.clone();
    view! {
        <div class="alert" class:alert-success=entitled class:alert-info=!entitled data-testid="plan-entitlement">
            <p class="mb-1 fw-semibold">
                {move || {
                    let t = account_texts(i18n.lang());
                    if entitled { t.plan_entitled } else { t.plan_discretion }
                }}
            </p>
            <p class="mb-0 small">{message}</p>
        </div>
        <p class="small">
            {move || (account_texts(i18n.lang()).plan_range)(min, max)} " "
            {trac(|t| t.plan_debt)} ": " <span class="text-nowrap">{euro(p.debt)}</span>
        </p>
        <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=trac(|t| t.plan_caption)>
            <table class="table table-sm align-middle" data-testid="plan">
                <caption class="visually-hidden">{trac(|t| t.plan_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trac(|t| t.col_n)}</th>
                        <th scope="col">{trac(|t| t.col_due)}</th>
                        <th scope="col" class="text-end">{trac(|t| t.plan_capital)}</th>
                        <th scope="col" class="text-end">{trac(|t| t.plan_interest)}</th>
                        <th scope="col" class="text-end">{trac(|t| t.col_amount)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr class="fw-semibold">
                        <th scope="row" colspan="4">{trac(|t| t.plan_total)}</th>
                        <td class="text-end text-nowrap">{euro(p.total)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
        {move || {
            let href = href();
            let rel = rel_for(&href);
            view! {
                <a class="btn btn-primary btn-sm" href=href rel=rel aria-describedby=help_ref.clone()>
                    {trac(|t| t.plan_request)}
                </a>
            }
        }}
        <p id=help_id class="small mt-2 mb-0">{trac(|t| t.plan_request_help)}</p>
    }
}
