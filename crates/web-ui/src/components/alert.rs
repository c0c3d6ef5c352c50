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
            let detail = if p.errors.is_empty() {
                p.detail.clone()
            } else {
                // With field errors the server's `detail` is their messages again, joined
                // with the field names ("subject: Inserisci l'oggetto; …"): shown beside
                // the list of the same messages it read everything twice. One sentence,
                // then each message once (under its field and in the summary's list); none
                // when the title is that sentence already (errors found in the browser).
                (p.title != t.form_has_errors).then(|| t.form_has_errors.to_owned())
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
    /// For forms whose fields are not known in advance (a request type's own): the id of
    /// the input of a reported field, if it has one. Makes the alert a summary.
    #[prop(optional)]
    field_id: Option<fn(&str) -> Option<String>>,
    /// The form's current field errors: the summary's list follows them, so a field fixed
    /// leaves the list at once without the summary taking focus again.
    #[prop(optional)]
    live: Option<RwSignal<Vec<FieldProblem>>>,
) -> impl IntoView {
    let summary = !fields.is_empty() || field_id.is_some();
    let id_of = move |field: &str| -> Option<String> {
        match field_id {
            Some(f) => f(field),
            None => fields
                .iter()
                .find(|f| **f == field)
                .map(|f| (*f).to_owned()),
        }
    };
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
                                let reported = p.errors.clone();
                                Some(move || {
                                    let errors = live.map_or_else(|| reported.clone(), |l| l.get());
                                    field_links(&errors, id_of)
                                })
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
fn field_links(errors: &[FieldProblem], id_of: impl Fn(&str) -> Option<String>) -> AnyView {
    let items = errors
        .iter()
        .map(|e| {
            let message = e.message.clone();
            match id_of(&e.field) {
                Some(id) => view! {
                    <li>
                        <a
                            href=format!("#{id}")
                            on:click=move |ev| {
                                ev.prevent_default();
                                browser::focus(&id);
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
    view! { <ul class="mt-2 mb-0">{items}</ul> }.into_any()
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
