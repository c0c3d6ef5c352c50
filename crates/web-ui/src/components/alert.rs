//! Feedback: loading, errors (from `application/problem+json`) and confirmations, all in
//! live regions so screen readers hear async results.

use leptos::prelude::*;

use crate::api::{ApiError, ApiResult};
use crate::i18n::tr;
use crate::i18n::use_i18n;

/// What a failed call means to the reader, in the current language.
pub fn error_text(error: &ApiError) -> (String, Option<String>) {
    let t = use_i18n().t();
    match error {
        ApiError::Network(_) => (t.network_error.to_owned(), None),
        ApiError::Decode(_) => (t.decode_error.to_owned(), None),
        ApiError::Problem(p) => {
            let detail = match (&p.detail, p.errors.is_empty()) {
                (Some(d), true) => Some(d.clone()),
                (Some(d), false) => Some(format!("{d} {}", t.form_has_errors)),
                (None, false) => Some(t.form_has_errors.to_owned()),
                (None, true) => None,
            };
            (p.title.clone(), detail)
        }
    }
}

/// An error alert. The wrapper stays in the page so the live region is announced when
/// the error appears.
#[component]
pub fn ErrorAlert(#[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    view! {
        <div aria-live="assertive">
            {move || {
                error
                    .get()
                    .map(|e| {
                        let (title, detail) = error_text(&e);
                        view! {
                            <div class="alert alert-danger" role="alert">
                                <h2 class="h5 alert-heading">{title}</h2>
                                {detail.map(|d| view! { <p class="mb-0">{d}</p> })}
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// A success message, announced politely.
#[component]
pub fn Notice(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div aria-live="polite">
            {move || {
                message
                    .get()
                    .map(|m| view! { <div class="alert alert-success" role="status">{m}</div> })
            }}
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="d-flex align-items-center gap-2 my-3" role="status">
            <div class="progress-spinner progress-spinner-active size-sm">
                <span class="visually-hidden">{tr(|t| t.loading)}</span>
            </div>
            <span aria-hidden="true">{tr(|t| t.loading)}</span>
        </div>
    }
}

/// Renders a resource: a spinner while it loads, an alert if it failed, else `ok`.
pub fn load<T, V>(
    resource: LocalResource<ApiResult<T>>,
    ok: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    move || match resource.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
        Some(Ok(value)) => ok(value).into_any(),
    }
}
