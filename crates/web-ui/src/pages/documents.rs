//! Public documents (regulations, tariffs, forms), grouped by category.

use std::collections::BTreeMap;

use domain::api::Document;
use leptos::prelude::*;

use crate::api;
use crate::components::{Icon, Page, load};
use crate::format;
use crate::i18n::use_i18n;
use crate::i18n::{tr, trs};

#[component]
pub fn Documents() -> impl IntoView {
    let documents = LocalResource::new(api::documents);
    view! {
        <div class="container my-4">
            <Page title=trs(|t| t.documents_title)>
                <p>{tr(|t| t.documents_intro)}</p>
                {load(documents, move |docs| {
                    if docs.is_empty() {
                        return view! { <p>{tr(|t| t.documents_empty)}</p> }.into_any();
                    }
                    let mut groups: BTreeMap<String, Vec<Document>> = BTreeMap::new();
                    for d in docs {
                        groups.entry(d.category.clone().unwrap_or_default()).or_default().push(d);
                    }
                    groups
                        .into_iter()
                        .map(|(category, docs)| {
                            view! {
                                <section class="mb-4">
                                    {(!category.is_empty()).then(|| view! { <h2 class="h4">{category}</h2> })}
                                    <ul class="list-unstyled">
                                        {docs.into_iter().map(|d| view! { <DocumentItem d /> }).collect_view()}
                                    </ul>
                                </section>
                            }
                        })
                        .collect_view()
                        .into_any()
                })}
            </Page>
        </div>
    }
}

#[component]
fn DocumentItem(d: Document) -> impl IntoView {
    let i18n = use_i18n();
    let kind = d
        .filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_uppercase())
        .unwrap_or_default();
    view! {
        <li class="mb-3">
            <a href=d.url.clone() download=d.filename.clone() class="d-inline-flex align-items-start gap-2">
                <Icon name="it-download" class="icon-primary" />
                <span>
                    {d.title.clone()}
                    <span class="visually-hidden">{move || format!(" – {}", i18n.t().download)}</span>
                </span>
            </a>
            <span class="small text-muted ms-2">{format!("{kind}, {}", format::size(d.size))}</span>
            {d.description.clone().map(|text| view! { <p class="small mb-0">{text}</p> })}
        </li>
    }
}
