//! Registrations waiting for an operator: check the identity document inline, then
//! approve or reject with a reason.

use domain::api::Registration;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiResult};
use crate::components::{ErrorAlert, FormState, Loading, Notice, Page, TextArea, load};
use crate::format;
use crate::i18n::use_i18n;
use crate::i18n::{tr, trst, trsts};

#[component]
pub fn Registrations() -> impl IntoView {
    let pending: LocalResource<ApiResult<Vec<Registration>>> =
        LocalResource::new(|| api::registrations("pending"));
    let done = RwSignal::new(None::<String>);
    view! {
        <Page title=trsts(|s| s.registrations_title) no_breadcrumbs=true>
            <Notice message=done />
            {load(pending, move |items| {
                if items.is_empty() {
                    return view! { <p role="status">{trst(|s| s.registrations_empty)}</p> }.into_any();
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
    let id = StoredValue::new(reg.id.clone());
    let heading = format!("reg-{}", reg.id);
    let labelled_by = heading.clone();
    let approve = move |_| {
        form.start();
        spawn_local(async move {
            match api::approve_registration(&id.get_value()).await {
                Ok(_) => {
                    done.set(Some(i18n.s().approved_done.to_owned()));
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
                    done.set(Some(i18n.s().rejected_done.to_owned()));
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
                    <dt class="col-sm-4">{trst(|s| s.submitted_at)}</dt>
                    <dd class="col-sm-8">{format::datetime(reg.created_at)}</dd>
                </dl>
                <ErrorAlert error=form.alert />
                <IdentityDocument
                    url=reg.document_url.clone()
                    pdf=reg.document_content_type == "application/pdf"
                    name=name.clone()
                />
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
                                        label=trsts(|s| s.reject_reason)
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

/// The identity document, shown inline as soon as the card appears: an image as `<img>`,
/// a PDF in the browser's viewer in an `<iframe>`. The file needs the bearer token, so it
/// is fetched and shown from an object URL. Where the page's Content-Security-Policy does
/// not allow `blob:` frames the browser blocks the PDF frame; the card then says so and
/// offers the same file in a new tab (a top-level page, which the policy allows).
#[component]
fn IdentityDocument(url: String, pdf: bool, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let object = RwSignal::new(None::<api::ApiResult<String>>);
    let blocked = RwSignal::new(false);
    spawn_local(async move {
        let result = api::object_url(&url).await;
        // The card may be gone by now (approved in another tab, page left).
        if object.try_set(Some(result.clone())).is_some()
            && let Ok(u) = result
        {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });
    on_cleanup(move || {
        if let Some(Some(Ok(u))) = object.try_get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });
    // Browsers report a refused blob: frame with `blockedURI` "blob" (the scheme only).
    let listener = window_event_listener_untyped("securitypolicyviolation", move |ev| {
        let field = |name: &str| {
            js_sys::Reflect::get(&ev, &name.into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        let (directive, uri) = (field("effectiveDirective"), field("blockedURI"));
        let ours = object.with_untracked(
            |o| matches!(o, Some(Ok(u)) if *u == uri || (uri == "blob" && u.starts_with("blob:"))),
        );
        if pdf && ours && directive == "frame-src" {
            blocked.set(true);
        }
    });
    on_cleanup(move || listener.remove());
    move || match object.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
        Some(Ok(src)) if !pdf => view! {
            <img
                class="identity-document mb-3"
                src=src
                alt=format!("{} – {}", i18n.s().view_document, name)
                data-testid="identity-document"
            />
        }
        .into_any(),
        Some(Ok(src)) => {
            let new_tab = view! {
                <a class="btn btn-outline-primary btn-sm mb-3" href=src.clone() target="_blank" rel="noopener" data-testid="identity-document-tab">
                    {trst(|s| s.document_open_new_tab)}
                </a>
            };
            if blocked.get() {
                view! {
                    <p class="mb-2" role="status">{trst(|s| s.document_blocked)}</p>
                    {new_tab}
                }
                .into_any()
            } else {
                view! {
                    <iframe
                        class="identity-document mb-2"
                        src=src
                        title=format!("{} – {}", i18n.s().view_document, name)
                        data-testid="identity-document"
                    ></iframe>
                    {new_tab}
                }
                .into_any()
            }
        }
    }
}
