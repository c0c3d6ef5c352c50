//! Form inputs in Bootstrap Italia markup, each with its label, help and error message
//! tied to the input (`aria-describedby`, `aria-invalid`) so screen readers read them.

use domain::DomainError;
use domain::api::{FieldProblem, Problem};
use leptos::prelude::*;
use web_sys::File;

use crate::api::ApiError;
use crate::browser;
use crate::i18n::tr;
use crate::i18n::use_i18n;

/// The state of one form: field errors (from the domain's validation in the browser or
/// from the server's problem+json), the alert, the pending flag and a success message.
#[derive(Clone, Copy)]
pub struct FormState {
    pub errors: RwSignal<Vec<FieldProblem>>,
    pub alert: RwSignal<Option<ApiError>>,
    pub pending: RwSignal<bool>,
    pub done: RwSignal<Option<String>>,
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}

impl FormState {
    pub fn new() -> Self {
        Self {
            errors: RwSignal::new(Vec::new()),
            alert: RwSignal::new(None),
            pending: RwSignal::new(false),
            done: RwSignal::new(None),
        }
    }

    pub fn start(self) {
        self.errors.set(Vec::new());
        self.alert.set(None);
        self.done.set(None);
        self.pending.set(true);
    }

    pub fn fail(self, error: ApiError) {
        if let ApiError::Problem(p) = &error {
            self.errors.set(p.errors.clone());
        }
        self.alert.set(Some(error));
        self.pending.set(false);
    }

    pub fn succeed(self, message: impl Into<String>) {
        self.pending.set(false);
        self.done.set(Some(message.into()));
    }

    /// Shows validation failures found in the browser exactly like the server's.
    pub fn invalid(self, err: &DomainError) {
        let errors = Problem::field_problems(err, use_i18n().lang());
        self.fail(ApiError::Problem(Problem {
            problem_type: "about:blank".to_owned(),
            title: use_i18n().t().form_has_errors.to_owned(),
            status: 422,
            detail: None,
            errors,
        }));
    }

    pub fn error_for(self, field: impl Into<String>) -> Signal<Option<String>> {
        let errors = self.errors;
        let field = field.into();
        Signal::derive(move || {
            errors.with(|es| {
                es.iter()
                    .find(|e| e.field == field)
                    .map(|e| e.message.clone())
            })
        })
    }
}

/// The `aria-describedby` of an input: its help text and, when shown, its error.
fn described_by(
    id: &str,
    help: bool,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + use<> {
    let help_id = help.then(|| format!("{id}-help"));
    let error_id = format!("{id}-error");
    move || {
        let ids: Vec<&str> = help_id
            .iter()
            .map(String::as_str)
            .chain(error.with(Option::is_some).then_some(error_id.as_str()))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

fn error_message(id: &str, error: Signal<Option<String>>) -> impl IntoView + use<> {
    let error_id = format!("{id}-error");
    move || {
        error.get().map(|e| {
            view! { <div class="invalid-feedback d-block" id=error_id.clone()>{e}</div> }
        })
    }
}

fn label_text(label: Signal<String>, required: bool) -> impl IntoView {
    move || {
        if required {
            format!("{} *", label.get())
        } else {
            label.get()
        }
    }
}

#[component]
pub fn TextInput(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(into, optional)] help: Option<Signal<String>>,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    let has_help = help.is_some();
    view! {
        <div class="form-group">
            <label for=id.clone() class="active">{label_text(label, required)}</label>
            <input
                type=kind.unwrap_or("text")
                class="form-control"
                class:is-invalid=move || error.with(Option::is_some)
                id=id.clone()
                name=id.clone()
                required=required
                autocomplete=autocomplete
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by(&id, has_help, error)
                bind:value=value
            />
            {help.map(|h| view! { <small id=format!("{id}-help") class="form-text">{h}</small> })}
            {error_message(&id, error)}
        </div>
    }
}

#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    #[prop(optional)] rows: Option<u32>,
    #[prop(into, optional)] help: Option<Signal<String>>,
) -> impl IntoView {
    let has_help = help.is_some();
    view! {
        <div class="form-group">
            <label for=id.clone() class="active">{label_text(label, required)}</label>
            <textarea
                class="form-control"
                class:is-invalid=move || error.with(Option::is_some)
                id=id.clone()
                name=id.clone()
                rows=rows.unwrap_or(5)
                required=required
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by(&id, has_help, error)
                bind:value=value
            ></textarea>
            {help.map(|h| view! { <small id=format!("{id}-help") class="form-text">{h}</small> })}
            {error_message(&id, error)}
        </div>
    }
}

/// A `<select>`; `options` are `(value, label)` pairs, the first one usually empty.
#[component]
pub fn SelectInput(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    view! {
        <div class="select-wrapper mb-4">
            <label for=id.clone()>{label_text(label, required)}</label>
            <select
                id=id.clone()
                name=id.clone()
                required=required
                class:is-invalid=move || error.with(Option::is_some)
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by(&id, false, error)
                prop:value=move || value.get()
                on:change:target=move |ev| value.set(ev.target().value())
            >
                {move || {
                    let current = value.get();
                    options
                        .get()
                        .into_iter()
                        .map(|(v, l)| {
                            let selected = v == current;
                            view! {
                                <option value=v selected=selected>
                                    {l}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            {error_message(&id, error)}
        </div>
    }
}

#[component]
pub fn Checkbox(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    checked: RwSignal<bool>,
    #[prop(into, optional)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="form-check mb-3">
            <input
                id=id.clone()
                type="checkbox"
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by(&id, false, error)
                bind:checked=checked
            />
            <label for=id.clone()>{label}</label>
            {error_message(&id, error)}
        </div>
    }
}

/// A file picker; the chosen files are kept in `files` (browser objects, hence local).
#[component]
pub fn FileInput(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    files: RwSignal<Vec<File>, LocalStorage>,
    #[prop(optional)] multiple: bool,
    #[prop(optional)] required: bool,
    #[prop(into, optional)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="form-group">
            <label for=id.clone() class="active d-block position-static mb-2">{label_text(label, required)}</label>
            <input
                type="file"
                class="form-control"
                id=id.clone()
                name=id.clone()
                multiple=multiple
                accept="application/pdf,image/jpeg,image/png"
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by(&id, true, error)
                on:change:target=move |ev| files.set(browser::files_of(&ev.target()))
            />
            <small id=format!("{id}-help") class="form-text">{tr(|t| t.file_types_hint)}</small>
            {error_message(&id, error)}
        </div>
    }
}

/// Upload progress (0.0–1.0), shown while an upload runs.
#[component]
pub fn ProgressBar(progress: RwSignal<Option<f64>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        progress.get().map(|p| {
            let pct = (p * 100.0).round() as u32;
            view! {
                <div class="progress my-3">
                    <div
                        class="progress-bar"
                        role="progressbar"
                        style=format!("width: {pct}%")
                        aria-valuenow=pct
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-label=i18n.t().upload_progress
                    ></div>
                </div>
                <p class="small" aria-live="polite">{format!("{} {pct}%", i18n.t().uploading)}</p>
            }
        })
    }
}
