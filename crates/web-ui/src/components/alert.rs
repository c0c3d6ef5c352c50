//! Feedback: loading, errors (from `application/problem+json`) and confirmations, all in
//! live regions so screen readers hear async results.

use leptos::prelude::*;

use domain::api::FieldProblem;

use crate::api::{ApiError, ApiResult};
use crate::browser;
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
                // Not twice when the title already says it (errors found in the browser).
                (None, false) => {
                    (p.title != t.form_has_errors).then(|| t.form_has_errors.to_owned())
                }
                (None, true) => None,
            };
            (p.title.clone(), detail)
        }
    }
}

/// An error alert. The wrapper stays in the page so the live region is announced when
/// the error appears. With `fields` (the ids of the form's inputs, named like the fields
/// the server reports) it is an error summary: it takes focus when it appears and lists
/// each field error as a link to its input.
#[component]
pub fn ErrorAlert(
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(optional)] fields: &'static [&'static str],
) -> impl IntoView {
    let summary = !fields.is_empty();
    if summary {
        // Only when an error appears (not when the language switches).
        Effect::new(move |_| {
            if error.with(Option::is_some) {
                request_animation_frame(|| browser::focus(SUMMARY_ID));
            }
        });
    }
    view! {
        <div aria-live="assertive">
            {move || {
                error
                    .get()
                    .map(|e| {
                        let (title, detail) = error_text(&e);
                        let list = match &e {
                            ApiError::Problem(p) if summary && !p.errors.is_empty() => {
                                Some(field_links(&p.errors, fields))
                            }
                            _ => None,
                        };
                        view! {
                            <div
                                class="alert alert-danger mb-4"
                                role="alert"
                                id=summary.then_some(SUMMARY_ID)
                                tabindex=summary.then_some("-1")
                            >
                                <h2 class="h5 alert-heading">{title}</h2>
                                {detail.map(|d| view! { <p class="mb-0">{d}</p> })}
                                {list}
                            </div>
                        }
                    })
            }}
        </div>
    }
}

const SUMMARY_ID: &str = "error-summary";

/// The field errors of a summary: a link to each input of the form (focus moves there),
/// plain text for a field without one (a reset link's token).
fn field_links(errors: &[FieldProblem], fields: &'static [&'static str]) -> impl IntoView + use<> {
    let items = errors
        .iter()
        .map(|e| {
            let message = e.message.clone();
            match fields.iter().find(|f| **f == e.field) {
                Some(&id) => view! {
                    <li>
                        <a
                            href=format!("#{id}")
                            on:click=move |ev| {
                                ev.prevent_default();
                                browser::focus(id);
                            }
                        >
                            {message}
                        </a>
                    </li>
                }
                .into_any(),
                None => view! { <li>{message}</li> }.into_any(),
            }
        })
        .collect_view();
    view! { <ul class="mt-2 mb-0">{items}</ul> }
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
