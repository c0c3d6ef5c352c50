//! Area personale › La mia posizione: the citizen's utenze, acts with what is still owed
//! and the default interest, payments, the estratto conto PDF and the plan simulator.
//! Its own app (`src/bin/account.rs`), so the portal's first load does not carry it.

pub mod payments;
pub mod plan;
pub mod reminders;
pub mod statement;

use chrono::NaiveDate;
use domain::api::{Notice, Payment, Statement, Utenza};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, ApiResult};
use crate::components::{Crumb, ErrorAlert, Loading, Need, Page, RequireLogin};
use crate::i18n::{trac, tracs};
use crate::pages::preferences::PersonalAreaNav;
use payments::AccountSections;
use statement::{PaymentsTable, StatementActs, StatementTotals, UtenzeTable};

#[component]
pub fn MyAccount() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page
                title=tracs(|t| t.title)
                crumbs=vec![Crumb::new(|t| t.nav_personal_area, "/area-personale")]
            >
                <RequireLogin need=Need::Citizen>
                    <PersonalAreaNav />
                    <AccountSections />
                    <p>{trac(|t| t.intro)}</p>
                    <Position />
                    <reminders::ReminderSettings />
                </RequireLogin>
            </Page>
        </div>
    }
}

/// The statement, utenze and payments, read together.
#[derive(Clone)]
struct Position {
    statement: Statement,
    utenze: Vec<Utenza>,
    payments: Vec<Payment>,
    /// The pagoPA notices, for "Paga con pagoPA" beside each instalment.
    notices: Vec<Notice>,
}

async fn load_position(as_of: Option<NaiveDate>) -> ApiResult<Option<Position>> {
    let statement = match api::my_statement(as_of).await {
        Ok(s) => s,
        // No contribuente has the citizen's codice fiscale.
        Err(ApiError::Problem(p)) if p.status == 404 => return Ok(None),
        Err(e) => return Err(e),
    };
    let (utenze, payments, notices) =
        futures::join!(api::my_utenze(), api::my_payments(), api::my_notices());
    Ok(Some(Position {
        statement,
        utenze: utenze?,
        payments: payments?,
        notices: notices?.items,
    }))
}

#[component]
fn Position() -> impl IntoView {
    let as_of = RwSignal::new(None::<NaiveDate>);
    let day = RwSignal::new(String::new());
    let position = LocalResource::new(move || load_position(as_of.get()));
    let downloading = RwSignal::new(false);
    let pdf_error = RwSignal::new(None::<ApiError>);
    let download = move |_| {
        if downloading.get_untracked() {
            return;
        }
        downloading.set(true);
        pdf_error.set(None);
        spawn_local(async move {
            let url = api::my_statement_pdf_url(as_of.get_untracked());
            if let Err(e) = api::download(&url, "estratto-conto.pdf").await {
                pdf_error.set(Some(e));
            }
            downloading.set(false);
        });
    };
    let print = move |_| {
        pdf_error.set(None);
        spawn_local(async move {
            let url = api::my_statement_pdf_url(as_of.get_untracked());
            match api::object_url(&url).await {
                // A new tab with the browser's PDF viewer, which prints.
                Ok(object) => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.open_with_url_and_target(&object, "_blank");
                    }
                }
                Err(e) => pdf_error.set(Some(e)),
            }
        });
    };
    let update = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        as_of.set(day.get_untracked().trim().parse::<NaiveDate>().ok());
    };
    move || match position.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
        Some(Ok(None)) => {
            view! { <div class="alert alert-info" role="status">{trac(|t| t.no_account)}</div> }
                .into_any()
        }
        Some(Ok(Some(p))) => {
            if day.get_untracked().is_empty() {
                day.set(p.statement.as_of.to_string());
            }
            view! {
                <form class="d-flex flex-wrap align-items-end gap-3 mb-4" on:submit=update>
                    <div class="form-group mb-0">
                        <label for="as-of" class="active">{trac(|t| t.as_of)}</label>
                        <input type="date" id="as-of" class="form-control" bind:value=day />
                    </div>
                    <button type="submit" class="btn btn-outline-primary">{trac(|t| t.update)}</button>
                </form>
                <StatementTotals statement=p.statement.clone() />
                <div class="d-flex flex-wrap gap-2 mb-2">
                    <button
                        type="button"
                        class="btn btn-primary"
                        disabled=move || downloading.get()
                        on:click=download
                    >
                        {trac(|t| t.download_pdf)}
                    </button>
                    <button type="button" class="btn btn-outline-primary" on:click=print>
                        {trac(|t| t.open_pdf)}
                    </button>
                </div>
                <p class="small">{trac(|t| t.pdf_help)}</p>
                <ErrorAlert error=pdf_error />
                <StatementActs statement=p.statement.clone() simulate=true notices=p.notices />
                <section aria-labelledby="my-utenze" class="mb-4">
                    <h2 id="my-utenze" class="h4">{trac(|t| t.utenze_title)}</h2>
                    <UtenzeTable utenze=p.utenze />
                </section>
                <section aria-labelledby="my-payments" class="mb-4">
                    <h2 id="my-payments" class="h4">{trac(|t| t.payments_title)}</h2>
                    <PaymentsTable payments=p.payments statement=p.statement />
                </section>
            }
            .into_any()
        }
    }
}
