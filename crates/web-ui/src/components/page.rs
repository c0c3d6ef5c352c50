//! The frame of every page: breadcrumbs, the `<h1>` and the document title. After a
//! client-side navigation focus moves to the `<h1>`, so keyboard and screen-reader users
//! start reading the new page (not on first load, where the browser starts at the top).

use std::cell::Cell;

use leptos::prelude::*;

use crate::app::rel_for;
use crate::browser;
use crate::i18n::use_i18n;
use crate::i18n::{Texts, tr, trs};
use crate::session::use_tenant;

thread_local! {
    static FIRST_PAGE: Cell<bool> = const { Cell::new(true) };
}

/// One step of the breadcrumb trail.
#[derive(Clone)]
pub struct Crumb {
    pub label: Signal<String>,
    pub href: String,
}

impl Crumb {
    pub fn new(label: fn(&Texts) -> &'static str, href: impl Into<String>) -> Self {
        Self {
            label: trs(label),
            href: href.into(),
        }
    }
}

#[component]
pub fn Page(
    #[prop(into)] title: Signal<String>,
    #[prop(optional)] crumbs: Vec<Crumb>,
    /// The console has no breadcrumbs (its side menu is the navigation).
    #[prop(optional)]
    no_breadcrumbs: bool,
    /// The `data-element` of the `<h1>` (a service page's is `service-title`).
    #[prop(optional)]
    title_element: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    Effect::new(move |_| {
        let site = tenant
            .name()
            .unwrap_or_else(|| i18n.t().default_tenant_name.to_owned());
        browser::set_title(&format!("{} – {site}", title.get()));
    });
    if !FIRST_PAGE.with(|f| f.replace(false)) {
        request_animation_frame(|| browser::focus("page-title"));
    }
    let breadcrumbs = (!no_breadcrumbs).then(|| {
        view! {
            <nav class="breadcrumb-container" aria-label=tr(|t| t.breadcrumb_label)>
                <ol class="breadcrumb p-0" data-element="breadcrumb">
                    <li class="breadcrumb-item">
                        <a href="/" rel=rel_for("/")>{tr(|t| t.home)}</a>
                        <span class="separator">"/"</span>
                    </li>
                    {crumbs
                        .into_iter()
                        .map(|c| {
                            view! {
                                <li class="breadcrumb-item">
                                    <a href=c.href.clone() rel=rel_for(&c.href)>{c.label}</a>
                                    <span class="separator">"/"</span>
                                </li>
                            }
                        })
                        .collect_view()}
                    <li class="breadcrumb-item active" aria-current="page">
                        {title}
                    </li>
                </ol>
            </nav>
        }
    });
    view! {
        {breadcrumbs}
        <h1 id="page-title" tabindex="-1" class="mb-4" data-element=title_element>
            {title}
        </h1>
        {children()}
    }
}
