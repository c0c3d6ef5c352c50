//! Form inputs in Bootstrap Italia markup, each with its label, help and error message
//! tied to the input (`aria-describedby`, `aria-invalid`) so screen readers read them.

use domain::DomainError;
use domain::api::{FieldProblem, Problem};
use leptos::prelude::*;
use web_sys::File;

use crate::api::ApiError;
use crate::browser;
use crate::components::Icon;
use crate::format;
use crate::i18n::{tr, trwz, use_i18n, wizard_texts};

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

    /// After an input while errors are shown: runs the same rules again (`check`, the
    /// domain's) and updates the fields already in error — a fixed field loses its
    /// message at once, a changed mistake gets its new one. Fields not yet reported stay
    /// quiet until the next submit. When none is left the alert goes too.
    pub fn recheck(self, check: Result<(), DomainError>) {
        if self.errors.with_untracked(Vec::is_empty) {
            return;
        }
        let fresh = match &check {
            Err(e) => Problem::field_problems(e, use_i18n().lang()),
            Ok(()) => Vec::new(),
        };
        let kept: Vec<FieldProblem> = self.errors.with_untracked(|shown| {
            fresh
                .into_iter()
                .filter(|p| shown.iter().any(|s| s.field == p.field))
                .collect()
        });
        if kept.is_empty() {
            self.errors.set(Vec::new());
            self.alert.set(None);
        } else if self.errors.with_untracked(|shown| *shown != kept) {
            self.errors.set(kept);
        }
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

/// A file picker in the look of Bootstrap Italia's upload component: a "Carica file"
/// button and the list of chosen files (name, size, a remove button each). The button is
/// the `<label>` of a real `<input type="file">`, visually hidden but focusable (its focus
/// ring shows on the label), so keyboards and screen readers use the browser's own
/// control. With `multiple` new choices are added to the list; the chosen files are kept
/// in `files` (browser objects, hence local). Additions and removals are announced.
#[component]
pub fn FileInput(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    files: RwSignal<Vec<File>, LocalStorage>,
    #[prop(optional)] multiple: bool,
    #[prop(optional)] required: bool,
    #[prop(into, optional)] error: Signal<Option<String>>,
    /// A note after the accepted formats (e.g. what a reload does to the chosen files).
    #[prop(into, optional)]
    hint: Option<Signal<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let announce = RwSignal::new(String::new());
    let title_id = format!("{id}-title");
    let button_id = format!("{id}-button");
    let input_id = StoredValue::new(id.clone());
    let on_change = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let chosen = browser::files_of(&input);
        if chosen.is_empty() {
            return;
        }
        let names = chosen.iter().map(File::name).collect::<Vec<_>>().join(", ");
        files.update(|list| {
            if !multiple {
                list.clear();
            }
            for f in chosen {
                // The same file chosen twice is listed once.
                if !list
                    .iter()
                    .any(|g| g.name() == f.name() && g.size() as u64 == f.size() as u64)
                {
                    list.push(f);
                }
            }
        });
        announce.set(format!(
            "{}: {names}",
            wizard_texts(i18n.lang()).files_chosen
        ));
        // Emptied so that a removed file can be chosen again.
        input.set_value("");
    };
    let remove = move |index: usize, name: String| {
        files.update(|list| {
            if index < list.len() {
                list.remove(index);
            }
        });
        announce.set((wizard_texts(i18n.lang()).file_removed)(&name));
        input_id.with_value(|i| browser::focus(i));
    };
    let list = move || {
        let items = files.with(|list| {
            list.iter()
                .map(|f| (f.name(), format::size(f.size() as u64)))
                .collect::<Vec<_>>()
        });
        if items.is_empty() {
            return view! { <p class="small text-muted mt-2 mb-0">{trwz(|w| w.no_files)}</p> }
                .into_any();
        }
        view! {
            <ul class="upload-file-list" aria-label=trwz(|w| w.files_chosen)>
                {items
                    .into_iter()
                    .enumerate()
                    .map(|(i, (name, size))| {
                        let label = (wizard_texts(i18n.lang()).remove_file)(&name);
                        let name2 = name.clone();
                        view! {
                            <li class="upload-file success">
                                <Icon name="it-file" class="icon-sm" />
                                <p>
                                    {name}
                                    " "
                                    <span class="upload-file-weight">{size}</span>
                                </p>
                                <button
                                    type="button"
                                    aria-label=label
                                    on:click=move |_| remove(i, name2.clone())
                                >
                                    <Icon name="it-close" />
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let help_id = format!("{id}-help");
    // Not a `.form-group`: its labels float over the input, and this label is the button.
    view! {
        <div class="mb-4">
            <p class="fw-semibold mb-2" id=title_id.clone()>{label_text(label, required)}</p>
            <input
                type="file"
                class="upload"
                id=id.clone()
                name=id.clone()
                multiple=multiple
                // Not `required`: the input is emptied after each choice (the list holds
                // the files), and the form's own check reports a missing file.
                aria-required=required.then_some("true")
                accept="application/pdf,image/jpeg,image/png"
                aria-labelledby=format!("{title_id} {button_id}")
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by(&id, true, error)
                on:change=on_change
            />
            <label for=id.clone() id=button_id>
                <Icon name="it-upload" class="icon-sm" />
                <span>{trwz(|w| w.choose_files)}</span>
            </label>
            <small id=help_id class="form-text d-block">
                {tr(|t| t.file_types_hint)}
                {hint.map(|h| view! { " " {h} })}
            </small>
            {error_message(&id, error)}
            {list}
            <p class="visually-hidden" aria-live="polite">{move || announce.get()}</p>
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
