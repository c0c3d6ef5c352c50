//! Administration › Riciclabolario: the items citizens search (a table searched as one
//! types), a form to add or edit one, deletion, and the all-or-nothing CSV import.

use std::time::Duration;

use domain::Lang;
use domain::api::{SaveWasteItem, WasteItem};
use domain::error::{DomainError, Errors, FieldError};
use domain::waste::{TakeTo, WasteEntry, WasteFraction};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

use crate::api::{ApiResult, content_admin};
use crate::browser;
use crate::components::{
    ErrorAlert, FormState, Notice, Page, SelectInput, TextArea, TextInput, load,
};
use crate::i18n::content_admin::{ContentAdminTexts, content_admin_texts, trca, trcas};
use crate::i18n::use_i18n;
use crate::pages::console::content_form::{Summary, Targets, error_at};

pub const PATH: &str = "/console/riciclabolario";

fn pick(lang: Lang, (it, en): (&'static str, &'static str)) -> &'static str {
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

/// A message of these strings in both languages, for a field error found in the browser.
fn both(f: fn(&ContentAdminTexts) -> &'static str) -> (&'static str, &'static str) {
    (
        f(content_admin_texts(Lang::It)),
        f(content_admin_texts(Lang::En)),
    )
}

#[component]
pub fn WasteAdmin() -> impl IntoView {
    let i18n = use_i18n();
    // What is typed, and (a moment later) what is searched.
    let typed = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    Effect::new(move |_| {
        let text = typed.get();
        set_timeout(
            move || {
                if typed.get_untracked() == text {
                    q.set(text);
                }
            },
            Duration::from_millis(250),
        );
    });
    let items: LocalResource<ApiResult<Vec<WasteItem>>> = LocalResource::new(move || {
        let q = q.get();
        async move { content_admin::riciclabolario(&q).await }
    });
    // The item in the form: `None` adds a new one.
    let editing = RwSignal::new(None::<WasteItem>);
    let removal = FormState::new();
    let remove = move |item: WasteItem| {
        if !browser::confirm(&(i18n.ca().delete_confirm)(&item.name)) {
            return;
        }
        removal.start();
        spawn_local(async move {
            match content_admin::delete_waste_item(&item.id).await {
                Ok(()) => {
                    if editing.with_untracked(|e| e.as_ref().is_some_and(|e| e.id == item.id)) {
                        editing.set(None);
                    }
                    removal.succeed((i18n.ca().item_deleted)(&item.name));
                    items.refetch();
                }
                Err(e) => removal.fail(e),
            }
        });
    };
    let open = move |item: WasteItem| {
        editing.set(Some(item));
        request_animation_frame(|| browser::focus("wa-form-title"));
    };
    view! {
        <Page title=trcas(|t| t.waste_title) no_breadcrumbs=true>
            <p>{trca(|t| t.waste_intro)}</p>
            <p>
                <a href="/riciclabolario" rel="external">{trca(|t| t.public_page)}</a>
            </p>
            <form role="search" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                q.set(typed.get_untracked());
            }>
                <TextInput id="wa-search" kind="search" label=trcas(|t| t.search_label) value=typed help=trcas(|t| t.search_help) />
            </form>
            <Notice message=removal.done />
            <ErrorAlert error=removal.alert />
            {load(items, move |list| {
                let count = list.len();
                let rows = list
                    .into_iter()
                    .map(|item| {
                        let name = item.name.clone();
                        let fraction = item.fraction;
                        let take_to = item.take_to;
                        let (for_edit, for_delete) = (item.clone(), item.clone());
                        let (edit_name, delete_name) = (name.clone(), name.clone());
                        view! {
                            <tr>
                                <th scope="row">{name}</th>
                                <td>{move || pick(i18n.lang(), fraction.label())}</td>
                                <td>{item.bin.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                <td>{move || take_to.map_or("—", |t| pick(i18n.lang(), t.label()))}</td>
                                <td>
                                    <div class="d-flex flex-wrap gap-2">
                                        <button
                                            type="button"
                                            class="btn btn-sm btn-outline-primary"
                                            aria-label=move || (i18n.ca().edit_of)(&edit_name)
                                            aria-controls="wa-form"
                                            on:click=move |_| open(for_edit.clone())
                                        >
                                            {trca(|t| t.edit)}
                                        </button>
                                        <button
                                            type="button"
                                            class="btn btn-sm btn-outline-danger"
                                            aria-label=move || (i18n.ca().delete_of)(&delete_name)
                                            on:click=move |_| remove(for_delete.clone())
                                        >
                                            {trca(|t| t.delete)}
                                        </button>
                                    </div>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <p role="status" data-testid="waste-count">{move || (i18n.ca().found)(count)}</p>
                    {(count > 0).then(|| view! {
                        // Scrolls sideways on a phone: focusable, so keyboard users can scroll it too.
                        <div class="table-responsive mb-4" tabindex="0" role="region" aria-labelledby="wa-caption">
                            <table class="table table-sm align-middle" data-testid="waste-items">
                                <caption id="wa-caption">{trca(|t| t.waste_caption)}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{trca(|t| t.col_name)}</th>
                                        <th scope="col">{trca(|t| t.col_fraction)}</th>
                                        <th scope="col">{trca(|t| t.col_bin)}</th>
                                        <th scope="col">{trca(|t| t.col_take_to)}</th>
                                        <th scope="col">{trca(|t| t.actions)}</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    })}
                }
            })}
            <div id="wa-form">
                {move || {
                    let current = editing.get();
                    view! { <ItemForm current items editing /> }
                }}
            </div>
            <Import items />
        </Page>
    }
}

#[component]
fn ItemForm(
    current: Option<WasteItem>,
    items: LocalResource<ApiResult<Vec<WasteItem>>>,
    editing: RwSignal<Option<WasteItem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let id = current.as_ref().map(|c| c.id.clone());
    let editing_name = current.as_ref().map(|c| c.name.clone());
    let name = RwSignal::new(current.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let fraction = RwSignal::new(
        current
            .as_ref()
            .map(|c| c.fraction.code().to_owned())
            .unwrap_or_default(),
    );
    // The item's own bin only; the fraction's usual one is not written back.
    let own_bin = current.as_ref().and_then(|c| {
        let usual = c.fraction.usual_bin();
        c.bin
            .clone()
            .filter(|b| usual.is_none_or(|(it, en)| b != it && b != en))
    });
    let bin = RwSignal::new(own_bin.unwrap_or_default());
    let take_to = RwSignal::new(
        current
            .as_ref()
            .and_then(|c| c.take_to)
            .map(|t| t.code().to_owned())
            .unwrap_or_default(),
    );
    let notes = RwSignal::new(
        current
            .as_ref()
            .and_then(|c| c.notes.clone())
            .unwrap_or_default(),
    );
    let synonyms = RwSignal::new(
        current
            .as_ref()
            .map(|c| c.synonyms.join(", "))
            .unwrap_or_default(),
    );
    let mut t = vec![
        ("name".to_owned(), "wa-name".to_owned()),
        ("fraction".to_owned(), "wa-fraction".to_owned()),
        ("bin".to_owned(), "wa-bin".to_owned()),
        ("take_to".to_owned(), "wa-take-to".to_owned()),
        ("notes".to_owned(), "wa-notes".to_owned()),
        ("synonyms".to_owned(), "wa-synonyms".to_owned()),
    ];
    t.extend(
        (0..=domain::waste::MAX_SYNONYMS)
            .map(|i| (format!("synonyms[{i}]"), "wa-synonyms".to_owned())),
    );
    let targets: Targets = RwSignal::new(t);
    let adding = id.is_none();
    let id = StoredValue::new(id);

    let fraction_options = Signal::derive(move || {
        let lang = i18n.lang();
        let mut o = vec![(String::new(), i18n.t().choose.to_owned())];
        o.extend(
            WasteFraction::ALL
                .iter()
                .map(|f| (f.code().to_owned(), pick(lang, f.label()).to_owned())),
        );
        o
    });
    let take_to_options = Signal::derive(move || {
        let lang = i18n.lang();
        let mut o = vec![(String::new(), i18n.t().none.to_owned())];
        o.extend(
            TakeTo::ALL
                .iter()
                .map(|t| (t.code().to_owned(), pick(lang, t.label()).to_owned())),
        );
        o
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let some = |s: String| {
            let s = s.trim().to_owned();
            (!s.is_empty()).then_some(s)
        };
        let chosen = fraction.get_untracked().parse::<WasteFraction>().ok();
        let save = SaveWasteItem {
            name: name.get_untracked().trim().to_owned(),
            fraction: chosen.unwrap_or(WasteFraction::Residual),
            bin: some(bin.get_untracked()),
            notes: some(notes.get_untracked()),
            take_to: take_to.get_untracked().parse::<TakeTo>().ok(),
            synonyms: synonyms
                .get_untracked()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        let mut errors = Errors::new();
        if chosen.is_none() {
            let (it, en) = both(|t| t.fraction_required);
            errors.push(FieldError::new("fraction", it, en));
        }
        if let Err(DomainError::Validation(list)) = WasteEntry::new(&save) {
            for e in list {
                errors.push(e);
            }
        }
        if let Err(e) = errors.finish() {
            return form.invalid(&e);
        }
        form.start();
        spawn_local(async move {
            let result = match id.get_value() {
                Some(id) => content_admin::update_waste_item(&id, &save).await,
                None => content_admin::create_waste_item(&save).await,
            };
            match result {
                Ok(saved) => {
                    let t = i18n.ca();
                    if adding {
                        name.set(String::new());
                        fraction.set(String::new());
                        bin.set(String::new());
                        take_to.set(String::new());
                        notes.set(String::new());
                        synonyms.set(String::new());
                        form.succeed((t.item_created)(&saved.name));
                    } else {
                        form.succeed((t.item_updated_msg)(&saved.name));
                    }
                    items.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let heading = move || match &editing_name {
        Some(n) => (i18n.ca().edit_heading)(n),
        None => i18n.ca().add_heading.to_owned(),
    };
    view! {
        <section class="card card-bg mb-4" aria-labelledby="wa-form-title">
            <div class="card-body">
                <h2 class="h5 mb-3" id="wa-form-title" tabindex="-1">{heading}</h2>
                <form on:submit=submit novalidate>
                    <Notice message=form.done />
                    <Summary form targets id="wa-errors" />
                    <TextInput id="wa-name" label=trcas(|t| t.name) value=name required=true error=error_at(form, targets, "wa-name".to_owned()) />
                    <SelectInput id="wa-fraction" label=trcas(|t| t.fraction) value=fraction options=fraction_options required=true error=error_at(form, targets, "wa-fraction".to_owned()) />
                    <TextInput id="wa-bin" label=trcas(|t| t.bin) value=bin help=trcas(|t| t.bin_help) error=error_at(form, targets, "wa-bin".to_owned()) />
                    <SelectInput id="wa-take-to" label=trcas(|t| t.take_to) value=take_to options=take_to_options error=error_at(form, targets, "wa-take-to".to_owned()) />
                    <TextArea id="wa-notes" label=trcas(|t| t.notes) value=notes rows=3 error=error_at(form, targets, "wa-notes".to_owned()) />
                    <TextInput id="wa-synonyms" label=trcas(|t| t.synonyms) value=synonyms help=trcas(|t| t.synonyms_help) error=error_at(form, targets, "wa-synonyms".to_owned()) />
                    <div class="d-flex flex-wrap gap-2">
                        <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                            {move || if adding { i18n.ca().add } else { i18n.ca().save }}
                        </button>
                        {(!adding).then(|| view! {
                            <button type="button" class="btn btn-outline-primary" on:click=move |_| editing.set(None)>
                                {trca(|t| t.cancel)}
                            </button>
                        })}
                    </div>
                </form>
            </div>
        </section>
    }
}

/// "riga 3 · frazione": where a row error of the import is.
fn row_place(t: &ContentAdminTexts, field: &str) -> Option<String> {
    let rest = field.strip_prefix("rows[")?;
    let (n, rest) = rest.split_once(']')?;
    let row = (t.row)(n);
    Some(match rest.strip_prefix('.') {
        Some(column) if !column.is_empty() => format!("{row} · {column}"),
        _ => row,
    })
}

#[component]
fn Import(items: LocalResource<ApiResult<Vec<WasteItem>>>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let files: RwSignal<Vec<File>, LocalStorage> = RwSignal::new_local(Vec::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(file) = files.with_untracked(|f| f.first().cloned()) else {
            let (it, en) = both(|t| t.import_required);
            return form.invalid(&DomainError::invalid("file", it, en));
        };
        form.start();
        spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string());
            let Some(text) = text else {
                let (it, en) = both(|t| t.import_unreadable);
                return form.invalid(&DomainError::invalid("file", it, en));
            };
            match content_admin::import_waste_csv(&text).await {
                Ok(r) => {
                    form.succeed((i18n.ca().import_done)(r.created, r.updated));
                    items.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    // A bad file is reported next to the input; the bad rows in a list.
    let file_error = Signal::derive(move || {
        form.errors.with(|es| {
            es.iter()
                .find(|e| !e.field.starts_with("rows["))
                .map(|e| e.message.clone())
        })
    });
    let row_errors = move || {
        let t = i18n.ca();
        let list: Vec<(String, String)> = form.errors.with(|es| {
            es.iter()
                .filter_map(|e| row_place(t, &e.field).map(|p| (p, e.message.clone())))
                .collect()
        });
        (!list.is_empty()).then(|| {
            view! {
                <div class="alert alert-danger" role="alert" data-testid="import-errors">
                    <p class="h6 alert-heading">{t.import_refused}</p>
                    <ul class="mb-0">
                        {list
                            .into_iter()
                            .map(|(place, message)| view! { <li><strong>{place}</strong>": " {message}</li> })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    };
    let rows_reported = move || {
        form.errors
            .with(|es| es.iter().any(|e| e.field.starts_with("rows[")))
    };
    let general = Signal::derive(move || {
        form.alert
            .get()
            .filter(|_| !rows_reported() && file_error.with(Option::is_none))
    });
    view! {
        <section aria-labelledby="wa-import-title" class="mb-4">
            <h2 class="h5" id="wa-import-title">{trca(|t| t.import_heading)}</h2>
            <p class="small">{trca(|t| t.import_intro)}</p>
            <form on:submit=submit novalidate>
                <Notice message=form.done />
                <div aria-live="assertive">{row_errors}</div>
                <ErrorAlert error=general />
                <div class="form-group">
                    <label for="wa-file" class="active d-block position-static mb-2">
                        {move || format!("{} *", i18n.ca().import_file)}
                    </label>
                    <input
                        type="file"
                        class="form-control"
                        id="wa-file"
                        name="wa-file"
                        accept=".csv,text/csv"
                        aria-invalid=move || file_error.with(Option::is_some).then_some("true")
                        aria-describedby=move || {
                            if file_error.with(Option::is_some) { "wa-file-help wa-file-error" } else { "wa-file-help" }
                        }
                        on:change:target=move |ev| files.set(browser::files_of(&ev.target()))
                    />
                    <small id="wa-file-help" class="form-text">{trca(|t| t.import_help)}</small>
                    {move || file_error.get().map(|e| view! { <div class="invalid-feedback d-block" id="wa-file-error">{e}</div> })}
                </div>
                <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                    {trca(|t| t.import_submit)}
                </button>
            </form>
        </section>
    }
}
