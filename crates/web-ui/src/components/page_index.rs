//! The Modello Comuni's page index (`data-element="page-index"`): a collapsible list of a
//! page's sections beside it; a link moves focus, and so the view, to the section's
//! heading (`h-{id}`), since the router would take a bare fragment for a route.

use leptos::prelude::*;

use crate::browser;

/// One section: its id (the heading is `h-{id}`) and its title.
pub struct IndexEntry {
    pub id: String,
    pub title: Signal<String>,
}

#[component]
pub fn PageIndex(
    #[prop(into)] label: Signal<&'static str>,
    entries: Vec<IndexEntry>,
) -> impl IntoView {
    let open = RwSignal::new(true);
    view! {
        <div class="cmp-navscroll sticky-lg-top">
            <nav class="navbar it-navscroll-wrapper navbar-expand-lg" aria-label=label>
                <div class="navbar-custom w-100">
                    <div class="menu-wrapper">
                        <div class="link-list-wrapper">
                            <div class="accordion">
                                <div class="accordion-item">
                                    <span class="accordion-header">
                                        <button
                                            class="accordion-button pb-10 px-3"
                                            class:collapsed=move || !open.get()
                                            type="button"
                                            aria-expanded=move || open.get().to_string()
                                            aria-controls="page-index-list"
                                            on:click=move |_| open.update(|o| *o = !*o)
                                        >
                                            {label}
                                        </button>
                                    </span>
                                    <div
                                        id="page-index-list"
                                        class="accordion-collapse collapse"
                                        class:show=move || open.get()
                                    >
                                        <div class="accordion-body">
                                            <ul class="link-list" data-element="page-index">
                                                {entries
                                                    .into_iter()
                                                    .map(|e| {
                                                        let target = format!("h-{}", e.id);
                                                        view! {
                                                            <li class="nav-item">
                                                                <a
                                                                    class="nav-link"
                                                                    href=format!("#{}", e.id)
                                                                    on:click=move |ev| {
                                                                        ev.prevent_default();
                                                                        browser::focus(&target);
                                                                    }
                                                                >
                                                                    <span class="title-medium">{e.title}</span>
                                                                </a>
                                                            </li>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        </div>
                                    </div>
                                </div>
                            </div>
                        </div>
                    </div>
                </div>
            </nav>
        </div>
    }
}
