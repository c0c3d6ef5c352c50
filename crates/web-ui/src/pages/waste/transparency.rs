//! "Trasparenza rifiuti": one page with an index (the model's `page-index`), a section per
//! item of TITR art. 3.1 in its order, the desks with their weekly hours (item b), the
//! separate collection of the last three years as a chart with its data table (item h)
//! and the "Standard generali di qualità e grado di rispetto" of a year (item v).
//! `/trasparenza/{item}` is the same page, at that item.

use domain::api::{
    ComplianceLine, ComplianceSnapshot, Document, SeparateCollectionYear, TransparencyDesk,
    TransparencyPage, TransparencySection,
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::percent;
use crate::api::{self, ApiError};
use crate::app::{BOOKING_PATH, rel_for};
use crate::browser;
use crate::components::{
    ErrorAlert, Icon, IndexEntry, Loading, Page, PageIndex, SelectInput, load,
};
use crate::format;
use crate::i18n::{WasteTexts, kind_label, trw, trws, use_i18n};

/// What the index lists: an item's text, or one of the two items that are data.
#[derive(Clone)]
enum Entry {
    Section(TransparencySection),
    /// h) the separate-collection percentage.
    Collection,
    /// v) the quality standards and their degree of compliance.
    Compliance,
}

impl Entry {
    fn letter(&self) -> String {
        match self {
            Self::Section(s) => s.letter.clone(),
            Self::Collection => "h".to_owned(),
            Self::Compliance => "v".to_owned(),
        }
    }

    fn id(&self) -> String {
        match self {
            Self::Section(s) => s.item.code().to_owned(),
            Self::Collection => "raccolta-differenziata".to_owned(),
            Self::Compliance => "standard-qualita".to_owned(),
        }
    }

    fn title(&self, t: &WasteTexts) -> String {
        match self {
            Self::Section(s) => s.title.clone(),
            Self::Collection => t.collection_title.to_owned(),
            Self::Compliance => t.compliance_title.to_owned(),
        }
    }
}

/// The items in the order of art. 3.1: h after g, v last.
fn entries(sections: Vec<TransparencySection>) -> Vec<Entry> {
    let mut out: Vec<Entry> = sections.into_iter().map(Entry::Section).collect();
    let at = out
        .iter()
        .position(|e| e.letter().as_str() > "h")
        .unwrap_or(out.len());
    out.insert(at, Entry::Collection);
    let at = out
        .iter()
        .position(|e| e.letter().as_str() > "v")
        .unwrap_or(out.len());
    out.insert(at, Entry::Compliance);
    out
}

#[component]
pub fn Transparency() -> impl IntoView {
    let i18n = use_i18n();
    // Titles and labels come in the caller's language: read again on a switch.
    let page = LocalResource::new(move || {
        i18n.lang();
        api::transparency()
    });
    let params = use_params_map();
    view! {
        <div class="container my-4">
            <Page title=trws(|t| t.transparency_title)>
                {load(page, move |p| {
                    // `/trasparenza/{item}`: to that item once the page is there.
                    if let Some(item) = params.with_untracked(|m| m.get("item")) {
                        request_animation_frame(move || browser::focus(&format!("h-{item}")));
                    }
                    view! { <TransparencyBody p /> }
                })}
            </Page>
        </div>
    }
}

#[component]
fn TransparencyBody(p: TransparencyPage) -> impl IntoView {
    let i18n = use_i18n();
    let TransparencyPage {
        tenant_name,
        sections,
        desks,
        separate_collection,
        compliance,
        compliance_years,
    } = p;
    let entries = entries(sections);
    let index = entries.clone();
    let desks = StoredValue::new(desks);
    let collection = StoredValue::new(separate_collection);
    let compliance = StoredValue::new((compliance, compliance_years));
    view! {
        <p class="lead">{move || (i18n.w().transparency_intro)(&tenant_name)}</p>
        <div class="row mt-4">
            <div class="col-12 col-lg-3 mb-4">
                <PageIndex
                    label=trw(|t| t.page_index)
                    entries=index
                        .into_iter()
                        .map(|e| {
                            let prefix = format!("{}) ", e.letter());
                            IndexEntry {
                                id: e.id(),
                                title: Signal::derive(move || format!("{prefix}{}", e.title(i18n.w()))),
                            }
                        })
                        .collect()
                />
            </div>
            <div class="col-12 col-lg-8 offset-lg-1">
                {entries
                    .into_iter()
                    .map(|e| {
                        let id = e.id();
                        let heading = format!("h-{id}");
                        let labelled_by = heading.clone();
                        let letter = e.letter();
                        let title_entry = e.clone();
                        let content = match e {
                            Entry::Section(s) => {
                                let contacts = s.item == domain::transparency::TitrItem::Contacts;
                                view! {
                                    <SectionBody s />
                                    {contacts.then(|| view! { <Desks desks=desks.get_value() /> })}
                                }
                                    .into_any()
                            }
                            Entry::Collection => {
                                view! { <Collection years=collection.get_value() /> }.into_any()
                            }
                            Entry::Compliance => {
                                let (snapshot, years) = compliance.get_value();
                                view! { <Compliance snapshot years /> }.into_any()
                            }
                        };
                        view! {
                            <section id=id class="it-page-section mb-5" aria-labelledby=labelled_by>
                                <h2 class="h3" id=heading tabindex="-1">
                                    <span class="text-primary me-2">{format!("{letter})")}</span>
                                    {move || title_entry.title(i18n.w())}
                                </h2>
                                {content}
                            </section>
                        }
                    })
                    .collect_view()}
            </div>
        </div>
    }
}

/// Paragraphs of an administrator's text: a blank line starts a new one.
fn paragraphs(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in body.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

#[component]
fn SectionBody(s: TransparencySection) -> impl IntoView {
    let i18n = use_i18n();
    let paras = s.body.as_deref().map(paragraphs).unwrap_or_default();
    let empty = paras.is_empty() && s.links.is_empty() && s.documents.is_empty();
    let updated = s.updated_at;
    view! {
        {paras.into_iter().map(|p| view! { <p class="pre-line">{p}</p> }).collect_view()}
        {empty.then(|| view! { <p class="text-muted">{trw(|t| t.updating)}</p> })}
        {(!s.links.is_empty())
            .then(|| {
                view! {
                    <h3 class="h5 mt-3">{trw(|t| t.links)}</h3>
                    <ul class="mb-3">
                        {s
                            .links
                            .into_iter()
                            .map(|l| {
                                let rel = rel_for(&l.url);
                                view! {
                                    <li>
                                        <a href=l.url rel=rel>{l.label}</a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        {(!s.documents.is_empty())
            .then(|| {
                view! {
                    <h3 class="h5 mt-3">{trw(|t| t.documents)}</h3>
                    <ul class="list-unstyled mb-3">
                        {s.documents.into_iter().map(|d| view! { <DocumentLink d /> }).collect_view()}
                    </ul>
                }
            })}
        {updated
            .map(|at| {
                view! {
                    <p class="small text-muted">
                        {move || (i18n.w().updated_at)(&format::date((at + domain::calendar::rome_offset(at)).date_naive()))}
                    </p>
                }
            })}
    }
}

#[component]
fn DocumentLink(d: Document) -> impl IntoView {
    let i18n = use_i18n();
    let kind = d
        .filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_uppercase())
        .unwrap_or_default();
    view! {
        <li class="mb-2">
            <a href=d.url.clone() download=d.filename.clone() class="d-inline-flex align-items-start gap-2">
                <Icon name="it-download" class="icon-primary" />
                <span>
                    {d.title.clone()}
                    <span class="visually-hidden">{move || format!(" – {}", i18n.w().download)}</span>
                </span>
            </a>
            <span class="small text-muted ms-2">{format!("{kind}, {}", format::size(d.size))}</span>
        </li>
    }
}

/// The desks and their weekly hours (from the agenda).
#[component]
fn Desks(desks: Vec<TransparencyDesk>) -> impl IntoView {
    let i18n = use_i18n();
    if desks.is_empty() {
        return view! { <p>{trw(|t| t.no_desks)}</p> }.into_any();
    }
    view! {
        <h3 class="h4 mt-4">{trw(|t| t.desks_title)}</h3>
        <div class="row g-3">
            {desks
                .into_iter()
                .map(|d| {
                    let mode = match d.mode.as_str() {
                        "video" => 1,
                        "both" => 2,
                        _ => 0,
                    };
                    let name = d.name.clone();
                    let weekly = d.weekly;
                    view! {
                        <div class="col-12 col-md-6">
                            <article class="card card-bg shadow-sm h-100">
                                <div class="card-body">
                                    <h4 class="card-title h5">{d.name}</h4>
                                    <p class="mb-1">{d.office}</p>
                                    {d.address.map(|a| view! { <p class="mb-1">{a}</p> })}
                                    <p class="small text-muted">{move || i18n.w().desk_modes[mode]}</p>
                                    <table class="table table-sm">
                                        <caption class="visually-hidden">{move || (i18n.w().hours_caption)(&name)}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{trw(|t| t.day)}</th>
                                                <th scope="col">{trw(|t| t.hours)}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {(1..=7_u8)
                                                .map(|day| {
                                                    let ranges: Vec<String> = weekly
                                                        .iter()
                                                        .filter(|r| r.weekday == day)
                                                        .map(|r| format!("{}–{}", r.start, r.end))
                                                        .collect();
                                                    let ranges = ranges.join(", ");
                                                    let i = usize::from(day - 1);
                                                    view! {
                                                        <tr>
                                                            <th scope="row" class="fw-normal">{move || i18n.w().weekdays[i]}</th>
                                                            <td>
                                                                {
                                                                    let ranges = ranges.clone();
                                                                    move || {
                                                                        if ranges.is_empty() {
                                                                            i18n.w().closed.to_owned()
                                                                        } else {
                                                                            ranges.clone()
                                                                        }
                                                                    }
                                                                }
                                                            </td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            </article>
                        </div>
                    }
                })
                .collect_view()}
        </div>
        <p class="mt-3">
            <a class="btn btn-outline-primary" href=BOOKING_PATH rel=rel_for(BOOKING_PATH)>
                {trw(|t| t.book)}
            </a>
        </p>
    }
    .into_any()
}

/// Height of a bar's row in the chart (SVG units).
const ROW: f64 = 44.0;

/// h) The last three years as a bar chart (an SVG image whose name reads the figures)
/// and the same figures as a table.
#[component]
fn Collection(years: Vec<SeparateCollectionYear>) -> impl IntoView {
    let i18n = use_i18n();
    if years.is_empty() {
        return view! { <p class="text-muted">{trw(|t| t.collection_empty)}</p> }.into_any();
    }
    let years = StoredValue::new(years);
    let description = move || {
        let lang = i18n.lang();
        let list = years.with_value(|ys| {
            ys.iter()
                .map(|y| format!("{} {}", y.year, percent(lang, y.percent)))
                .collect::<Vec<_>>()
                .join("; ")
        });
        (i18n.w().collection_chart)(&list)
    };
    let height = years.with_value(Vec::len) as f64 * ROW;
    let bars = move || {
        let lang = i18n.lang();
        years.with_value(|ys| {
            ys.iter()
                .enumerate()
                .map(|(i, y)| {
                    let top = i as f64 * ROW;
                    let width = y.percent.clamp(0.0, 100.0) * 2.2;
                    view! {
                        <text x="0" y=top + 27.0 font-size="15" fill="#1a1a1a">{y.year.to_string()}</text>
                        <rect x="48" y=top + 8.0 width=width height="28" fill="#0066cc" rx="2"></rect>
                        <text x=54.0 + width y=top + 27.0 font-size="15" fill="#1a1a1a">{percent(lang, y.percent)}</text>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <p>{trw(|t| t.collection_intro)}</p>
        <figure class="mb-4" data-testid="collection-chart">
            <svg
                role="img"
                aria-label=description
                viewBox=format!("0 0 340 {height}")
                width="100%"
                style="max-width: 34rem"
                xmlns="http://www.w3.org/2000/svg"
            >
                {bars}
            </svg>
        </figure>
        <div class="table-responsive">
            <table class="table" data-testid="collection-table">
                <caption>{trw(|t| t.collection_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trw(|t| t.year)}</th>
                        <th scope="col" class="text-end">{trw(|t| t.collection_percent)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let lang = i18n.lang();
                        years
                            .with_value(|ys| {
                                ys.iter()
                                    .map(|y| {
                                        view! {
                                            <tr>
                                                <th scope="row">{y.year.to_string()}</th>
                                                <td class="text-end">{percent(lang, y.percent)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()
                            })
                    }}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// v) The standards and their degree of compliance for a year; the select loads another
/// year's snapshot.
#[component]
fn Compliance(snapshot: ComplianceSnapshot, years: Vec<i32>) -> impl IntoView {
    let initial = snapshot.year;
    let mut years = years;
    if !years.contains(&initial) {
        years.push(initial);
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    let options: Vec<(String, String)> = years
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let chosen = RwSignal::new(initial.to_string());
    let first = StoredValue::new(snapshot);
    let shown = LocalResource::new(move || {
        let year = chosen.get().parse::<i32>().unwrap_or(initial);
        async move {
            if year == initial {
                return Ok(Some(first.get_value()));
            }
            match api::compliance(year).await {
                Ok(s) => Ok(Some(s)),
                Err(ApiError::Problem(p)) if p.status == 404 => Ok(None),
                Err(e) => Err(e),
            }
        }
    });
    view! {
        <p>{trw(|t| t.compliance_intro)}</p>
        {(options.len() > 1)
            .then(|| {
                view! {
                    <SelectInput
                        id="compliance-year"
                        label=trws(|t| t.compliance_year)
                        value=chosen
                        options=Signal::stored(options)
                    />
                }
            })}
        <div aria-live="polite">
            {move || match shown.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                Some(Ok(None)) => view! { <p>{trw(|t| t.compliance_none)}</p> }.into_any(),
                Some(Ok(Some(s))) => view! { <ComplianceTable s /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn ComplianceTable(s: ComplianceSnapshot) -> impl IntoView {
    let i18n = use_i18n();
    let year = s.year;
    let computed = s.computed_at;
    view! {
        <div
            class="table-responsive position-relative"
            tabindex="0"
            role="region"
            aria-label=move || (i18n.w().compliance_caption)(year)
        >
            <table class="table" data-testid="compliance-table">
                <caption>{move || (i18n.w().compliance_caption)(year)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trw(|t| t.col_kind)}</th>
                        <th scope="col">{trw(|t| t.col_standard)}</th>
                        <th scope="col" class="text-end">{trw(|t| t.col_received)}</th>
                        <th scope="col" class="text-end">{trw(|t| t.col_resolved)}</th>
                        <th scope="col" class="text-end">{trw(|t| t.col_within)}</th>
                        <th scope="col" class="text-end">{trw(|t| t.col_percent)}</th>
                    </tr>
                </thead>
                <tbody>
                    {s.kinds.is_empty().then(|| view! {
                        <tr>
                            <td colspan="6">{trw(|t| t.compliance_no_requests)}</td>
                        </tr>
                    })}
                    {s.kinds.into_iter().map(|l| view! { <ComplianceRow l /> }).collect_view()}
                </tbody>
                <tfoot>
                    <ComplianceRow l=s.total />
                </tfoot>
            </table>
        </div>
        <p class="small text-muted">
            {move || (i18n.w().computed_at)(&format::datetime(computed))}
        </p>
    }
}

#[component]
fn ComplianceRow(l: ComplianceLine) -> impl IntoView {
    let i18n = use_i18n();
    let total = l.kind.is_none();
    let kind = l.kind;
    let days = l.standard_days;
    let pct = l.percent_within_standard;
    view! {
        <tr class:fw-semibold=total>
            <th scope="row" class:fw-normal=!total>
                {move || match kind {
                    Some(k) => kind_label(i18n.lang(), k).to_owned(),
                    None => i18n.w().total.to_owned(),
                }}
            </th>
            <td>
                {move || days.map_or_else(|| "—".to_owned(), |n| (i18n.w().working_days)(n))}
            </td>
            <td class="text-end">{l.received.to_string()}</td>
            <td class="text-end">{l.resolved.to_string()}</td>
            <td class="text-end">{l.resolved_within_standard.to_string()}</td>
            <td class="text-end">
                {move || pct.map_or_else(|| "—".to_owned(), |p| percent(i18n.lang(), p))}
            </td>
        </tr>
    }
}
