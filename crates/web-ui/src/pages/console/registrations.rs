//! Registrations waiting for an operator: check the identity document inline, then
//! approve or reject with a reason.

use domain::api::Registration;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiResult};
use crate::components::{ErrorAlert, FormState, Notice, Page, TextArea, load};
use crate::format;
use crate::i18n::use_i18n;
use crate::i18n::{tr, trs};

#[component]
pub fn Registrations() -> impl IntoView {
    let pending: LocalResource<ApiResult<Vec<Registration>>> =
        LocalResource::new(|| api::registrations("pending"));
    let done = RwSignal::new(None::<String>);
    view! {
        <Page title=trs(|t| t.registrations_title) no_breadcrumbs=true>
            <Notice message=done />
            {load(pending, move |items| {
                if items.is_empty() {
                    return view! { <p role="status">{tr(|t| t.registrations_empty)}</p> }.into_any();
                }
                items
                    .into_iter()
                    .map(|reg| view! { <RegistrationCard reg pending done /> })
                    .collect_view()
                    .into_any()
            })}
        </Page>
    }
}

#[component]
fn RegistrationCard(
    reg: Registration,
    pending: LocalResource<ApiResult<Vec<Registration>>>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let reason = RwSignal::new(String::new());
    let rejecting = RwSignal::new(false);
    let document = RwSignal::new(None::<String>);
    let id = StoredValue::new(reg.id.clone());
    let doc_url = StoredValue::new(reg.document_url.clone());
    let is_pdf = reg.document_content_type == "application/pdf";
    let heading = format!("reg-{}", reg.id);
    let labelled_by = heading.clone();

    let show_document = move |_| {
        spawn_local(async move {
            match api::object_url(&doc_url.get_value()).await {
                Ok(url) => document.set(Some(url)),
                Err(e) => form.fail(e),
            }
        });
    };
    let approve = move |_| {
        form.start();
        spawn_local(async move {
            match api::approve_registration(&id.get_value()).await {
                Ok(_) => {
                    done.set(Some(i18n.t().approved_done.to_owned()));
                    pending.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let reject = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = reason.get_untracked().trim().to_owned();
        if text.is_empty() {
            return form.invalid(&domain::DomainError::invalid(
                "reason",
                "Indica il motivo del rifiuto",
                "Give the reason for the rejection",
            ));
        }
        form.start();
        spawn_local(async move {
            match api::reject_registration(&id.get_value(), &text).await {
                Ok(_) => {
                    done.set(Some(i18n.t().rejected_done.to_owned()));
                    pending.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let name = format!("{} {}", reg.first_name, reg.last_name);
    view! {
        <article class="card card-bg shadow-sm mb-4" aria-labelledby=labelled_by data-testid="registration">
            <div class="card-body">
                <h2 class="h5" id=heading>{name.clone()}</h2>
                <dl class="row small">
                    <dt class="col-sm-4">{tr(|t| t.fiscal_code)}</dt>
                    <dd class="col-sm-8 font-monospace">{reg.fiscal_code.clone()}</dd>
                    <dt class="col-sm-4">{tr(|t| t.email)}</dt>
                    <dd class="col-sm-8">{reg.email.clone()}</dd>
                    <dt class="col-sm-4">{tr(|t| t.phone)}</dt>
                    <dd class="col-sm-8">{reg.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt class="col-sm-4">{tr(|t| t.submitted_at)}</dt>
                    <dd class="col-sm-8">{format::datetime(reg.created_at)}</dd>
                </dl>
                <ErrorAlert error=form.alert />
                {move || match document.get() {
                    None => view! {
                        <button type="button" class="btn btn-outline-primary btn-sm mb-3" on:click=show_document>
                            {tr(|t| t.view_document)}
                        </button>
                    }
                        .into_any(),
                    Some(url) if is_pdf => view! {
                        <iframe class="identity-document mb-3" src=url title=i18n.t().view_document></iframe>
                    }
                        .into_any(),
                    Some(url) => view! {
                        <img class="identity-document mb-3" src=url alt=format!("{} – {}", i18n.t().view_document, name) />
                    }
                        .into_any(),
                }}
                <div class="d-flex flex-wrap gap-2">
                    <button type="button" class="btn btn-success" disabled=move || form.pending.get() on:click=approve>
                        {tr(|t| t.approve)}
                    </button>
                    <button type="button" class="btn btn-outline-danger" on:click=move |_| rejecting.set(true)>
                        {tr(|t| t.reject)}
                    </button>
                </div>
                {move || {
                    rejecting
                        .get()
                        .then(|| {
                            view! {
                                <form on:submit=reject class="mt-3" novalidate>
                                    <TextArea
                                        id=format!("reason-{}", id.get_value())
                                        label=trs(|t| t.reject_reason)
                                        value=reason
                                        required=true
                                        error=form.error_for("reason")
                                        rows=3
                                    />
                                    <button type="submit" class="btn btn-danger" disabled=move || form.pending.get()>
                                        {tr(|t| t.confirm)}
                                    </button>
                                </form>
                            }
                        })
                }}
            </div>
        </article>
    }
}
