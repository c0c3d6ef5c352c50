//! Administration › Trasparenza rifiuti: the items of TITR art. 3.1 (text, links,
//! published documents), the separate collection of each year, and the compliance with
//! the quality standards, computed again for a closed year.

use chrono::Datelike;
use domain::Lang;
use domain::api::{
    ComplianceLine, ComplianceSnapshot, Document, SaveSeparateCollection, SaveTransparencySection,
    SeparateCollectionYear, TransparencyLink, TransparencyPage, TransparencySection,
};
use domain::calendar::rome_date;
use domain::error::FieldError;
use domain::transparency::{SectionContent, SeparateCollection, TitrItem};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiResult, content_admin};
use crate::browser;
use crate::components::{
    ErrorAlert, FormState, Notice, Page, SelectInput, TextArea, TextInput, load,
};
use crate::format;
use crate::i18n::content_admin::{content_admin_texts, trca, trcas};
use crate::i18n::{kind_label, use_i18n};
use crate::pages::console::content_form::{Summary, Targets, error_at, parse_percent, percent};

pub const PATH: &str = "/console/trasparenza-rifiuti";

fn item_title(lang: Lang, item: TitrItem) -> &'static str {
    let (it, en) = item.title();
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

fn current_year() -> i32 {
    rome_date(browser::now()).year()
}

#[component]
pub fn TransparencyAdmin() -> impl IntoView {
    let page: LocalResource<ApiResult<TransparencyPage>> =
        LocalResource::new(content_admin::transparency);
    let docs: LocalResource<ApiResult<Vec<Document>>> =
        LocalResource::new(content_admin::documents);
    view! {
        <Page title=trcas(|t| t.transparency_title) no_breadcrumbs=true>
            <p>{trca(|t| t.transparency_intro)}</p>
            <p>
                <a href="/trasparenza" rel="external">{trca(|t| t.public_page)}</a>
            </p>
            {load(page, move |p| {
                let compliance = p.compliance.clone();
                let years = p.separate_collection.clone();
                load(docs, move |docs| {
                    view! {
                        <Items sections=p.sections.clone() docs />
                        <Collection initial=years.clone() />
                        <Compliance published=compliance.clone() />
                    }
                })
            })}
        </Page>
    }
}

// ---- items --------------------------------------------------------------------------

#[component]
fn Items(sections: Vec<TransparencySection>, docs: Vec<Document>) -> impl IntoView {
    let i18n = use_i18n();
    let sections = RwSignal::new(sections);
    let docs = StoredValue::new(docs);
    let editing = RwSignal::new(None::<TitrItem>);
    let rows = TitrItem::ALL
        .iter()
        .copied()
        .map(|item| {
            let code = item.code();
            let title_id = format!("ti-{code}-title");
            let editor_id = format!("ti-{code}-editor");
            let open = move || editing.get() == Some(item);
            let status = move || {
                let t = i18n.ca();
                sections.with(|all| {
                    let s = all.iter().find(|s| s.item == item);
                    let empty = s.is_none_or(|s| {
                        s.body.is_none() && s.links.is_empty() && s.documents.is_empty()
                    });
                    match s.and_then(|s| s.updated_at) {
                        _ if empty => t.item_empty.to_owned(),
                        Some(at) => (t.item_updated)(&format::datetime(at)),
                        None => String::new(),
                    }
                })
            };
            let toggle = move |_| {
                if open() {
                    editing.set(None);
                } else {
                    editing.set(Some(item));
                    request_animation_frame(move || browser::focus("ti-body"));
                }
            };
            view! {
                <li class="list-group-item" data-item=code>
                    <div class="d-flex flex-wrap justify-content-between align-items-start gap-2">
                        <div>
                            <h3 class="h6 mb-1" id=title_id>
                                {move || format!("{}) {}", item.letter(), item_title(i18n.lang(), item))}
                            </h3>
                            <p class="small text-muted mb-0">{status}</p>
                        </div>
                        <button
                            type="button"
                            class="btn btn-sm btn-outline-primary"
                            aria-expanded=move || open().to_string()
                            aria-controls=editor_id.clone()
                            on:click=toggle
                        >
                            {move || if open() { i18n.ca().close } else { i18n.ca().edit }}
                            <span class="visually-hidden">
                                {move || format!(" {}", item_title(i18n.lang(), item))}
                            </span>
                        </button>
                    </div>
                    {move || {
                        open()
                            .then(|| {
                                let section = sections
                                    .with_untracked(|all| all.iter().find(|s| s.item == item).cloned());
                                view! {
                                    <ItemEditor
                                        item
                                        section
                                        docs=docs.get_value()
                                        sections
                                        id=editor_id.clone()
                                    />
                                }
                            })
                    }}
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="ti-heading" class="mb-5">
            <h2 class="h4" id="ti-heading">{trca(|t| t.items_heading)}</h2>
            <ul class="list-group" data-testid="titr-items">{rows}</ul>
        </section>
    }
}

/// A link being edited; `key` keeps its inputs' ids when rows before it are removed.
#[derive(Clone, Copy)]
struct LinkRow {
    key: usize,
    label: RwSignal<String>,
    url: RwSignal<String>,
}

impl LinkRow {
    fn new(key: usize, label: &str, url: &str) -> Self {
        Self {
            key,
            label: RwSignal::new(label.to_owned()),
            url: RwSignal::new(url.to_owned()),
        }
    }
}

#[component]
fn ItemEditor(
    item: TitrItem,
    section: Option<TransparencySection>,
    docs: Vec<Document>,
    sections: RwSignal<Vec<TransparencySection>>,
    id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let targets: Targets = RwSignal::new(Vec::new());
    let body = RwSignal::new(
        section
            .as_ref()
            .and_then(|s| s.body.clone())
            .unwrap_or_default(),
    );
    let initial: Vec<LinkRow> = section
        .as_ref()
        .map(|s| {
            s.links
                .iter()
                .enumerate()
                .map(|(k, l)| LinkRow::new(k, &l.label, &l.url))
                .collect()
        })
        .unwrap_or_default();
    let next_key = StoredValue::new(initial.len());
    let links = RwSignal::new(initial);
    // The published documents, and any the item lists that is no longer among them.
    let listed: Vec<Document> = section.map(|s| s.documents).unwrap_or_default();
    let mut all = docs;
    for d in &listed {
        if !all.iter().any(|x| x.id == d.id) {
            all.push(d.clone());
        }
    }
    let chosen: Vec<(Document, RwSignal<bool>)> = all
        .into_iter()
        .map(|d| {
            let on = listed.iter().any(|x| x.id == d.id);
            (d, RwSignal::new(on))
        })
        .collect();
    let chosen = StoredValue::new(chosen);

    let add_link = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        links.update(|l| l.push(LinkRow::new(key, "", "")));
        request_animation_frame(move || browser::focus(&format!("ti-link-{key}-label")));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let rows = links.get_untracked();
        let ids: Vec<String> = chosen.with_value(|c| {
            c.iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(d, _)| d.id.clone())
                .collect()
        });
        let text = body.get_untracked().trim().to_owned();
        let save = SaveTransparencySection {
            body: (!text.is_empty()).then_some(text),
            links: rows
                .iter()
                .map(|r| TransparencyLink {
                    label: r.label.get_untracked().trim().to_owned(),
                    url: r.url.get_untracked().trim().to_owned(),
                })
                .collect(),
            document_ids: ids.clone(),
        };
        // Where each field the domain (or the server) may name is shown.
        let mut t = vec![
            ("body".to_owned(), "ti-body".to_owned()),
            ("links".to_owned(), "ti-add-link".to_owned()),
        ];
        for (i, r) in rows.iter().enumerate() {
            t.push((
                format!("links[{i}].label"),
                format!("ti-link-{}-label", r.key),
            ));
            t.push((format!("links[{i}].url"), format!("ti-link-{}-url", r.key)));
        }
        for (i, d) in ids.iter().enumerate() {
            t.push((format!("document_ids[{i}]"), format!("ti-doc-{d}")));
        }
        if let Some(first) = ids.first() {
            t.push(("document_ids".to_owned(), format!("ti-doc-{first}")));
        }
        targets.set(t);
        if let Err(e) = SectionContent::new(&save) {
            return form.invalid(&e);
        }
        form.start();
        spawn_local(async move {
            match content_admin::save_transparency_item(item, &save).await {
                Ok(saved) => {
                    sections.update(|all| {
                        all.retain(|s| s.item != item);
                        all.push(saved);
                    });
                    form.succeed((i18n.ca().item_saved)(item_title(i18n.lang(), item)));
                }
                Err(e) => form.fail(e),
            }
        });
    };

    let link_rows = move || {
        links
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let n = i + 1;
                let label_id = format!("ti-link-{}-label", r.key);
                let url_id = format!("ti-link-{}-url", r.key);
                let remove = move |_| {
                    links.update(|l| l.retain(|x| x.key != r.key));
                    request_animation_frame(|| browser::focus("ti-add-link"));
                };
                view! {
                    <fieldset class="border rounded p-3 mb-3" data-testid="link-row">
                        <legend class="h6 float-none w-auto px-1 mb-2">{move || (i18n.ca().link_legend)(n)}</legend>
                        <TextInput
                            id=label_id.clone()
                            label=trcas(|t| t.link_label)
                            value=r.label
                            required=true
                            error=error_at(form, targets, label_id)
                        />
                        <TextInput
                            id=url_id.clone()
                            kind="url"
                            label=trcas(|t| t.link_url)
                            value=r.url
                            required=true
                            help=trcas(|t| t.link_url_help)
                            error=error_at(form, targets, url_id)
                        />
                        <button type="button" class="btn btn-sm btn-outline-danger" on:click=remove>
                            {move || (i18n.ca().remove_link)(n)}
                        </button>
                    </fieldset>
                }
            })
            .collect_view()
    };
    let doc_boxes = chosen
        .get_value()
        .into_iter()
        .map(|(d, on)| {
            let box_id = format!("ti-doc-{}", d.id);
            let error = error_at(form, targets, box_id.clone());
            let error_id = format!("{box_id}-error");
            let described = error_id.clone();
            let label = match d.category {
                Some(c) if !c.is_empty() => format!("{} ({c})", d.title),
                _ => d.title,
            };
            view! {
                <div class="form-check mb-2">
                    <input
                        id=box_id.clone()
                        type="checkbox"
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        aria-describedby=move || error.with(Option::is_some).then(|| described.clone())
                        bind:checked=on
                    />
                    <label for=box_id.clone()>{label}</label>
                    {move || error.get().map(|e| view! { <div class="invalid-feedback d-block" id=error_id.clone()>{e}</div> })}
                </div>
            }
        })
        .collect_view();
    let no_docs = chosen.with_value(Vec::is_empty);
    let links_error = error_at(form, targets, "ti-add-link".to_owned());
    view! {
        <form id=id class="mt-3 pt-3 border-top" on:submit=submit novalidate>
            <Notice message=form.done />
            <Summary form targets id="ti-errors" />
            <TextArea
                id="ti-body"
                label=trcas(|t| t.body_label)
                value=body
                rows=8
                help=trcas(|t| t.body_help)
                error=error_at(form, targets, "ti-body".to_owned())
            />
            <fieldset class="mb-3">
                <legend class="h6">{trca(|t| t.links_legend)}</legend>
                {move || links.with(Vec::is_empty).then(|| view! { <p class="small">{trca(|t| t.links_none)}</p> })}
                {link_rows}
                <button type="button" id="ti-add-link" class="btn btn-sm btn-outline-primary" on:click=add_link>
                    {trca(|t| t.add_link)}
                </button>
                {move || links_error.get().map(|e| view! { <div class="invalid-feedback d-block">{e}</div> })}
            </fieldset>
            <fieldset class="mb-3">
                <legend class="h6">{trca(|t| t.documents_legend)}</legend>
                {no_docs.then(|| view! { <p class="small">{trca(|t| t.documents_none)}</p> })}
                {doc_boxes}
            </fieldset>
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                {trca(|t| t.save_item)}
            </button>
        </form>
    }
}

// ---- separate collection ------------------------------------------------------------

#[component]
fn Collection(initial: Vec<SeparateCollectionYear>) -> impl IntoView {
    let i18n = use_i18n();
    let years = RwSignal::new(initial);
    let form = FormState::new();
    let removal = FormState::new();
    let targets: Targets = RwSignal::new(vec![
        ("year".to_owned(), "sc-year".to_owned()),
        ("percent".to_owned(), "sc-percent".to_owned()),
    ]);
    let year = RwSignal::new((current_year() - 1).to_string());
    let pct = RwSignal::new(String::new());
    // After a change, the years as the public page lists them (the last three entered).
    let reload = move || {
        spawn_local(async move {
            if let Ok(p) = content_admin::transparency().await {
                years.set(p.separate_collection);
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let y = year.get_untracked().trim().parse::<i32>();
        let p = parse_percent(&pct.get_untracked());
        let mut errors = domain::error::Errors::new();
        if y.is_err() {
            errors.push(FieldError::new("year", "Anno non valido", "Invalid year"));
        }
        if p.is_none() {
            let t = |l| content_admin_texts(l).percent_invalid;
            errors.push(FieldError::new("percent", t(Lang::It), t(Lang::En)));
        }
        if let Err(e) = errors.finish() {
            return form.invalid(&e);
        }
        let (Ok(y), Some(p)) = (y, p) else { return };
        let body = SaveSeparateCollection { percent: p };
        if let Err(e) = SeparateCollection::new(y, &body, current_year()) {
            return form.invalid(&e);
        }
        form.start();
        removal.done.set(None);
        spawn_local(async move {
            match content_admin::save_separate_collection(y, &body).await {
                Ok(saved) => {
                    form.succeed((i18n.ca().year_saved)(saved.year));
                    pct.set(String::new());
                    reload();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let edit = move |y: SeparateCollectionYear| {
        year.set(y.year.to_string());
        pct.set(
            percent(i18n.lang(), y.percent)
                .trim_end_matches(['%', '\u{a0}'])
                .to_owned(),
        );
        request_animation_frame(|| browser::focus("sc-percent"));
    };
    let remove = move |y: i32| {
        if !browser::confirm(&(i18n.ca().remove_year_confirm)(y)) {
            return;
        }
        removal.start();
        form.done.set(None);
        spawn_local(async move {
            match content_admin::delete_separate_collection(y).await {
                Ok(()) => {
                    removal.succeed((i18n.ca().year_removed)(y));
                    reload();
                }
                Err(e) => removal.fail(e),
            }
        });
    };
    let table = move || {
        let list = years.get();
        if list.is_empty() {
            return view! { <p>{trca(|t| t.collection_empty)}</p> }.into_any();
        }
        let rows = list
            .into_iter()
            .map(|y| {
                let yr = y.year;
                view! {
                    <tr>
                        <th scope="row">{yr}</th>
                        <td>{move || percent(i18n.lang(), y.percent)}</td>
                        <td>
                            <div class="d-flex flex-wrap gap-2">
                                <button type="button" class="btn btn-sm btn-outline-primary" on:click=move |_| edit(y)>
                                    {move || (i18n.ca().edit_year)(yr)}
                                </button>
                                <button type="button" class="btn btn-sm btn-outline-danger" on:click=move |_| remove(yr)>
                                    {move || (i18n.ca().remove_year)(yr)}
                                </button>
                            </div>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="table table-sm align-middle" data-testid="collection-years">
                <caption>{trca(|t| t.collection_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trca(|t| t.year)}</th>
                        <th scope="col">{trca(|t| t.percent)}</th>
                        <th scope="col">{trca(|t| t.actions)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="sc-heading" class="mb-5">
            <h2 class="h4" id="sc-heading">{trca(|t| t.collection_heading)}</h2>
            <p>{trca(|t| t.collection_intro)}</p>
            <Notice message=removal.done />
            <ErrorAlert error=removal.alert />
            {table}
            <form on:submit=submit novalidate class="row g-2 align-items-start">
                <div class="col-12">
                    <Notice message=form.done />
                    <Summary form targets id="sc-errors" />
                </div>
                <div class="col-12 col-md-4">
                    <TextInput id="sc-year" kind="number" label=trcas(|t| t.year) value=year required=true error=form.error_for("year") />
                </div>
                <div class="col-12 col-md-8">
                    <TextInput
                        id="sc-percent"
                        label=trcas(|t| t.percent_label)
                        value=pct
                        required=true
                        help=trcas(|t| t.percent_help)
                        error=form.error_for("percent")
                    />
                </div>
                <div class="col-12">
                    <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                        {trca(|t| t.save_year)}
                    </button>
                </div>
            </form>
        </section>
    }
}

// ---- compliance ---------------------------------------------------------------------

#[component]
fn Compliance(published: ComplianceSnapshot) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(published);
    let form = FormState::new();
    let closed = current_year() - 1;
    let chosen = RwSignal::new(closed.to_string());
    let options: Vec<(String, String)> = (0..4)
        .map(|i| {
            let y = (closed - i).to_string();
            (y.clone(), y)
        })
        .collect();
    let year = move || chosen.get().parse::<i32>().unwrap_or(closed);
    let recompute = move |_| {
        let y = chosen.get_untracked().parse::<i32>().unwrap_or(closed);
        form.start();
        spawn_local(async move {
            match content_admin::recompute_compliance(y).await {
                Ok(s) => {
                    shown.set(s);
                    form.succeed((i18n.ca().recomputed)(y));
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <section aria-labelledby="cq-heading" class="mb-5">
            <h2 class="h4" id="cq-heading">{trca(|t| t.compliance_heading)}</h2>
            <p>{trca(|t| t.compliance_intro)}</p>
            {move || view! { <ComplianceTable s=shown.get() /> }}
            <div class="row g-2 align-items-end mt-3">
                <div class="col-12 col-md-6">
                    <SelectInput id="cq-year" label=trcas(|t| t.recompute_year) value=chosen options=Signal::stored(options) />
                </div>
                <div class="col-12 col-md-6 mb-4">
                    <button type="button" class="btn btn-outline-primary" disabled=move || form.pending.get() on:click=recompute>
                        {move || (i18n.ca().recompute)(year())}
                    </button>
                </div>
            </div>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
        </section>
    }
}

#[component]
fn ComplianceTable(s: ComplianceSnapshot) -> impl IntoView {
    let i18n = use_i18n();
    let year = s.year;
    let computed = format::datetime(s.computed_at);
    let cells = move |l: &ComplianceLine| {
        let days = l.standard_days;
        let pct = l.percent_within_standard;
        view! {
            <td>{move || days.map_or_else(|| "—".to_owned(), |d| (i18n.ca().working_days)(d))}</td>
            <td>{l.received}</td>
            <td>{l.resolved}</td>
            <td>{l.resolved_within_standard}</td>
            <td>{move || pct.map_or_else(|| "—".to_owned(), |p| percent(i18n.lang(), p))}</td>
        }
    };
    let empty = s.kinds.is_empty();
    let rows = s
        .kinds
        .iter()
        .map(|l| {
            let kind = l.kind;
            view! {
                <tr>
                    <th scope="row">{move || kind.map_or("—", |k| kind_label(i18n.lang(), k))}</th>
                    {cells(l)}
                </tr>
            }
        })
        .collect_view();
    let total = cells(&s.total);
    view! {
        <p class="small mb-2">{move || (i18n.ca().compliance_computed)(&computed)}</p>
        {empty.then(|| view! { <p>{trca(|t| t.compliance_empty)}</p> })}
        <div class="table-responsive" tabindex="0" role="region" aria-labelledby="cq-caption">
            <table class="table table-sm align-middle" data-testid="compliance-admin">
                <caption id="cq-caption">{move || (i18n.ca().compliance_caption)(year)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trca(|t| t.compliance_kind)}</th>
                        <th scope="col">{trca(|t| t.compliance_standard)}</th>
                        <th scope="col">{trca(|t| t.compliance_received)}</th>
                        <th scope="col">{trca(|t| t.compliance_resolved)}</th>
                        <th scope="col">{trca(|t| t.compliance_within)}</th>
                        <th scope="col">{trca(|t| t.compliance_percent)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr class="fw-bold">
                        <th scope="row">{trca(|t| t.compliance_total)}</th>
                        {total}
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}
