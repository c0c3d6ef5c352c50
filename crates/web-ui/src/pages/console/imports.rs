//! Imports from the Comune's tax system: upload a CSV (kind, all-or-nothing or skip the
//! invalid rows), follow the background job's progress bar (`GET /imports/{id}`) until it
//! completes or fails, then read its report by line and column, or download it whole as
//! CSV; and the list of past imports with their reports.

use domain::api::{CreateImport, ImportStatus, ImportView};
use domain::tax::import::ImportKind;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::File;

use crate::api::{self, ApiError};
use crate::browser;
use crate::components::{Checkbox, ErrorAlert, FormState, Page, ProgressBar, SelectInput, load};
use crate::format;
use crate::i18n::{AccountTexts, account_texts, trac, tracs, use_i18n};

/// How often the page asks how far the job got.
const POLL_MS: i32 = 400;

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn kind_label(t: &AccountTexts, kind: ImportKind) -> &'static str {
    t.import_kinds[ImportKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)]
}

fn status_label(t: &AccountTexts, status: ImportStatus) -> &'static str {
    t.import_statuses[ImportStatus::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(0)]
}

/// Follows an import until it is over, showing each answer in `current`; stops when the
/// page is left or another import is followed.
fn follow(view: ImportView, current: RwSignal<Option<ImportView>>, finished: RwSignal<u32>) {
    let id = view.id.clone();
    let open = view.status.is_open();
    current.set(Some(view));
    if !open {
        return;
    }
    spawn_local(async move {
        loop {
            sleep(POLL_MS).await;
            // Left the page, or chose another import.
            match current.try_get_untracked() {
                Some(Some(v)) if v.id == id => {}
                _ => return,
            }
            let Ok(v) = api::import(&id).await else {
                continue;
            };
            let done = !v.status.is_open();
            if current.try_set(Some(v)).is_some() {
                return;
            }
            if done {
                finished.update(|n| *n += 1);
                return;
            }
        }
    });
}

#[component]
pub fn Imports() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(ImportKind::Contribuenti.code().to_owned());
    let files: RwSignal<Vec<File>, LocalStorage> = RwSignal::new_local(Vec::new());
    let skip = RwSignal::new(false);
    let upload = RwSignal::new(None::<f64>);
    let form = FormState::new();
    let current = RwSignal::new(None::<ImportView>);
    let finished = RwSignal::new(0_u32);
    let list = LocalResource::new(move || {
        finished.track();
        api::imports()
    });
    let kinds = Signal::derive(move || {
        let t = account_texts(i18n.lang());
        ImportKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), kind_label(t, *k).to_owned()))
            .collect::<Vec<_>>()
    });
    let file_error = form.error_for("file");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        let Some(file) = files.with_untracked(|f| f.first().cloned()) else {
            form.invalid(&domain::DomainError::invalid(
                "file",
                account_texts(domain::Lang::It).file_required,
                account_texts(domain::Lang::En).file_required,
            ));
            return;
        };
        let body = CreateImport {
            kind: kind
                .get_untracked()
                .parse()
                .unwrap_or(ImportKind::Contribuenti),
            skip_invalid: skip.get_untracked(),
        };
        form.start();
        upload.set(Some(0.0));
        spawn_local(async move {
            let res = api::create_import(&body, &file, move |p| upload.set(Some(p))).await;
            upload.set(None);
            match res {
                Ok(view) => {
                    form.pending.set(false);
                    follow(view, current, finished);
                    finished.update(|n| *n += 1);
                    request_animation_frame(|| browser::focus("import-status"));
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <Page title=tracs(|t| t.imports_title) no_breadcrumbs=true>
            <p>{trac(|t| t.imports_intro)}</p>
            <form on:submit=submit novalidate class="card card-bg shadow-sm mb-4">
                <div class="card-body">
                    <ErrorAlert error=form.alert />
                    <SelectInput id="import-kind" label=tracs(|t| t.import_kind) value=kind options=kinds required=true />
                    <div class="form-group">
                        <label for="import-file" class="active d-block position-static mb-2">
                            {move || format!("{} *", account_texts(i18n.lang()).import_file)}
                        </label>
                        <input
                            type="file"
                            class="form-control"
                            id="import-file"
                            name="import-file"
                            accept=".csv,text/csv"
                            aria-invalid=move || file_error.with(Option::is_some).then_some("true")
                            aria-describedby=move || {
                                if file_error.with(Option::is_some) {
                                    "import-file-help import-file-error"
                                } else {
                                    "import-file-help"
                                }
                            }
                            on:change:target=move |ev| files.set(browser::files_of(&ev.target()))
                        />
                        <small id="import-file-help" class="form-text">{trac(|t| t.import_file_help)}</small>
                        {move || file_error.get().map(|e| view! { <div class="invalid-feedback d-block" id="import-file-error">{e}</div> })}
                    </div>
                    <Checkbox id="import-skip" label=tracs(|t| t.skip_invalid) checked=skip />
                    <ProgressBar progress=upload />
                    <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                        {trac(|t| t.import_submit)}
                    </button>
                </div>
            </form>
            {move || current.get().map(|v| view! { <ImportReport v /> })}
            <section aria-labelledby="past-imports" class="mt-4">
                <h2 id="past-imports" class="h4">{trac(|t| t.past_imports)}</h2>
                {load(list, move |page| {
                    if page.items.is_empty() {
                        return view! { <p>{trac(|t| t.imports_empty)}</p> }.into_any();
                    }
                    view! { <PastImports items=page.items current finished /> }.into_any()
                })}
            </section>
        </Page>
    }
}

/// The followed import: a progress bar while it runs, then its report.
#[component]
fn ImportReport(v: ImportView) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || account_texts(i18n.lang());
    let pct = v.percent.min(100);
    let status = v.status;
    let rows = match v.total_rows {
        Some(total) => (t().rows_done)(v.processed_rows, total),
        None => String::new(),
    };
    let csv_error = RwSignal::new(None::<ApiError>);
    let id = StoredValue::new(v.id.clone());
    let filename = v.filename.clone();
    let download = move |_| {
        spawn_local(async move {
            let id = id.get_value();
            let name = format!("errori-importazione-{id}.csv");
            csv_error.set(
                api::download(&api::import_errors_url(&id), &name)
                    .await
                    .err(),
            );
        });
    };
    let failed = status == ImportStatus::Failed;
    let over = !status.is_open();
    let errors = v
        .errors
        .iter()
        .map(|e| {
            view! {
                <tr>
                    <td>{e.line}</td>
                    <td class="font-monospace">{e.column.clone()}</td>
                    <td>{e.message.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let has_errors = !v.errors.is_empty();
    view! {
        <section aria-labelledby="import-status" class="mb-4" data-testid="import-report">
            <h2 id="import-status" class="h4" tabindex="-1">
                {move || (t().report_title)(&filename)}
            </h2>
            <div class="progress my-2" data-testid="import-progress">
                <div
                    class="progress-bar"
                    class:bg-danger=failed
                    class:bg-success=status == ImportStatus::Completed
                    role="progressbar"
                    style=format!("width: {pct}%")
                    aria-valuenow=pct
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-label=trac(|t| t.import_progress)
                ></div>
            </div>
            <p role="status" data-testid="import-state">
                <strong>{move || status_label(t(), status)}</strong>
                {format!(" – {pct}%")}
                {(!rows.is_empty()).then(|| format!(" – {rows}"))}
            </p>
            {over.then(|| view! {
                <dl class="row mb-3" data-testid="import-counts">
                    <div class="col-6 col-md-3"><dt class="small text-muted fw-normal">{trac(|t| t.created)}</dt><dd class="h5">{v.created}</dd></div>
                    <div class="col-6 col-md-3"><dt class="small text-muted fw-normal">{trac(|t| t.updated)}</dt><dd class="h5">{v.updated}</dd></div>
                    <div class="col-6 col-md-3"><dt class="small text-muted fw-normal">{trac(|t| t.unchanged)}</dt><dd class="h5">{v.unchanged}</dd></div>
                    <div class="col-6 col-md-3"><dt class="small text-muted fw-normal">{trac(|t| t.invalid)}</dt><dd class="h5">{v.invalid}</dd></div>
                </dl>
            })}
            {failed.then(|| {
                let reason = v.error.clone();
                view! {
                    // The server's reason says what happened; without one, say it here.
                    <div class="alert alert-danger" role="alert">
                        {match reason {
                            Some(r) => view! { <p class="mb-0">{r}</p> }.into_any(),
                            None => view! { <p class="mb-0">{trac(|t| t.nothing_imported)}</p> }.into_any(),
                        }}
                    </div>
                }
            })}
            {has_errors.then(|| view! {
                <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=trac(|t| t.errors_caption)>
                    <table class="table table-sm align-middle" data-testid="import-errors">
                        <caption class="visually-hidden">{trac(|t| t.errors_caption)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{trac(|t| t.col_line)}</th>
                                <th scope="col">{trac(|t| t.col_column)}</th>
                                <th scope="col">{trac(|t| t.col_error)}</th>
                            </tr>
                        </thead>
                        <tbody>{errors}</tbody>
                    </table>
                </div>
            })}
            {v.errors_truncated.then(|| view! { <p class="small">{trac(|t| t.errors_truncated)}</p> })}
            {(over && v.invalid > 0).then(|| view! {
                <p>
                    <button type="button" class="btn btn-outline-primary" on:click=download>
                        {trac(|t| t.errors_csv)}
                    </button>
                </p>
                <ErrorAlert error=csv_error />
            })}
        </section>
    }
}

#[component]
fn PastImports(
    items: Vec<ImportView>,
    current: RwSignal<Option<ImportView>>,
    finished: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = items
        .into_iter()
        .map(|v| {
            let (kind, status) = (v.kind, v.status);
            let outcome = move || {
                let t = account_texts(i18n.lang());
                format!(
                    "{} {} · {} {} · {} {} · {} {}",
                    t.created,
                    v.created,
                    t.updated,
                    v.updated,
                    t.unchanged,
                    v.unchanged,
                    t.invalid,
                    v.invalid
                )
            };
            let name = v.filename.clone();
            let label = move || (account_texts(i18n.lang()).show_report)(&name);
            let when = format::datetime(v.created_at);
            let filename = v.filename.clone();
            let chosen = StoredValue::new(v);
            view! {
                <tr>
                    <td class="text-nowrap">{when}</td>
                    <td class="text-break">{filename}</td>
                    <td>{move || kind_label(account_texts(i18n.lang()), kind)}</td>
                    <td>{move || status_label(account_texts(i18n.lang()), status)}</td>
                    <td class="small">{outcome}</td>
                    <td>
                        <button
                            type="button"
                            class="btn btn-outline-primary btn-sm"
                            aria-label=label
                            on:click=move |_| {
                                follow(chosen.get_value(), current, finished);
                                request_animation_frame(|| browser::focus("import-status"));
                            }
                        >
                            {trac(|t| t.report_short)}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=trac(|t| t.imports_caption)>
            <table class="table table-sm align-middle" data-testid="imports">
                <caption class="visually-hidden">{trac(|t| t.imports_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trac(|t| t.uploaded_at)}</th>
                        <th scope="col">{trac(|t| t.file)}</th>
                        <th scope="col">{trac(|t| t.import_kind)}</th>
                        <th scope="col">{trac(|t| t.status)}</th>
                        <th scope="col">{trac(|t| t.outcome)}</th>
                        <th scope="col">{trac(|t| t.report_short)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
