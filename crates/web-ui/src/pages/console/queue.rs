//! The desk's queue: filters kept in the URL (shareable, back button works), counters per
//! status, overdue and due-soon rows highlighted with the working days left, cursor
//! pagination and `j`/`k` to move between rows.

use domain::api::{Page as ListPage, QueueCounts, RequestSummary};
use domain::{DeadlineStatus, Status};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, ApiResult};
use crate::browser;
use crate::components::{DeadlineBadge, Page, SelectInput, StatusBadge, TextInput, load};
use crate::format;
use crate::i18n::{status_label, tr, trst, trsts, use_i18n};
use crate::session::{use_session, use_tenant};

const FILTERS: [&str; 6] = ["status", "type", "office_id", "assignee", "overdue", "q"];

#[component]
pub fn Queue() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
    let session = use_session();
    let tenant = use_tenant();

    let filter = |name: &'static str| {
        RwSignal::new(query.with_untracked(|q| q.get(name)).unwrap_or_default())
    };
    let signals = FILTERS.map(filter);
    let [status, kind, office, assignee, overdue, q] = signals;
    let overdue_on = RwSignal::new(overdue.get_untracked() == "true");

    let list_query = move || {
        query.with(|m| {
            let pairs: Vec<(&str, String)> = FILTERS
                .iter()
                .chain(&["cursor"])
                .map(|k| (*k, m.get(k).unwrap_or_default()))
                .collect();
            let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            api::query(&refs)
        })
    };
    let requests: LocalResource<ApiResult<ListPage<RequestSummary>>> =
        LocalResource::new(move || {
            let qs = list_query();
            async move { api::list_requests(&qs).await }
        });
    let counts: LocalResource<ApiResult<QueueCounts>> = LocalResource::new(move || {
        let qs = query.with(|m| {
            let pairs: Vec<(&str, String)> = FILTERS
                .iter()
                .filter(|k| **k != "status")
                .map(|k| (*k, m.get(k).unwrap_or_default()))
                .collect();
            let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            api::query(&refs)
        });
        async move { api::queue_counts(&qs).await }
    });
    let offices = LocalResource::new(api::offices);

    let apply = {
        let navigate = navigate.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            overdue.set(if overdue_on.get_untracked() {
                "true".into()
            } else {
                String::new()
            });
            let values: Vec<(&str, String)> = FILTERS
                .iter()
                .zip(signals.iter())
                .map(|(k, s)| (*k, s.get_untracked()))
                .collect();
            let refs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
            navigate(
                &format!("/console{}", api::query(&refs)),
                NavigateOptions::default(),
            );
        }
    };

    // j / k move the selection; Enter follows the focused link natively.
    let selected = RwSignal::new(None::<usize>);
    let rows = RwSignal::new(0_usize);
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || browser::typing_in_field(&ev) {
            return;
        }
        let n = rows.get_untracked();
        if n == 0 {
            return;
        }
        let next = match (ev.key().as_str(), selected.get_untracked()) {
            ("j" | "k", None) => 0,
            ("j", Some(i)) => (i + 1).min(n - 1),
            ("k", Some(i)) => i.saturating_sub(1),
            _ => return,
        };
        selected.set(Some(next));
        browser::focus(&format!("queue-row-{next}"));
    });
    on_cleanup(move || handle.remove());

    let status_options = Signal::derive(move || {
        let lang = i18n.lang();
        let mut o = vec![(String::new(), i18n.t().all.to_owned())];
        o.extend(
            Status::ALL
                .iter()
                .map(|s| (s.code().to_owned(), status_label(lang, *s).to_owned())),
        );
        o
    });
    let type_options = Signal::derive(move || {
        let mut o = vec![(String::new(), i18n.t().all.to_owned())];
        o.extend(tenant.types().into_iter().map(|t| (t.code, t.name)));
        o
    });
    let office_options = Signal::derive(move || {
        let mut o = vec![(String::new(), i18n.t().all.to_owned())];
        if let Some(Ok(list)) = offices.get() {
            o.extend(list.into_iter().map(|of| (of.id, of.name)));
        }
        o
    });
    let assignee_options = Signal::derive(move || {
        let me = session
            .me
            .with(|m| m.as_ref().map(|m| m.id.clone()))
            .unwrap_or_default();
        vec![
            (String::new(), i18n.t().all.to_owned()),
            (me, i18n.s().assignee_me.to_owned()),
            ("none".to_owned(), i18n.s().assignee_none.to_owned()),
        ]
    });

    view! {
        <Page title=trsts(|s| s.queue_title) no_breadcrumbs=true>
            <Counters counts />
            <form on:submit=apply class="row g-2 align-items-end mb-3 queue-filters" role="search">
                <div class="col-12 col-md-6 col-xl-4">
                    <SelectInput id="f-status" label=trsts(|s| s.filter_status) value=status options=status_options />
                </div>
                <div class="col-12 col-md-6 col-xl-4">
                    <SelectInput id="f-type" label=trsts(|s| s.filter_type) value=kind options=type_options />
                </div>
                <div class="col-12 col-md-6 col-xl-4">
                    <SelectInput id="f-office" label=trsts(|s| s.filter_office) value=office options=office_options />
                </div>
                <div class="col-12 col-md-6 col-xl-4">
                    <SelectInput id="f-assignee" label=trsts(|s| s.filter_assignee) value=assignee options=assignee_options />
                </div>
                <div class="col-12 col-md-6 col-xl-4">
                    <TextInput id="f-q" kind="search" label=trsts(|s| s.filter_query) value=q />
                </div>
                <div class="col-12 col-md-6 col-xl-4">
                    <div class="form-check">
                        <input id="f-overdue" type="checkbox" bind:checked=overdue_on />
                        <label for="f-overdue">{trst(|s| s.filter_overdue)}</label>
                    </div>
                </div>
                <div class="col-12 d-flex gap-2">
                    <button type="submit" class="btn btn-primary">{trst(|s| s.filter_apply)}</button>
                    <a class="btn btn-outline-primary" href="/console">{trst(|s| s.filter_reset)}</a>
                </div>
            </form>
            <p class="small text-muted">{trst(|s| s.shortcuts_hint)}</p>
            {load(requests, move |page| {
                rows.set(page.items.len());
                selected.set(None);
                view! { <QueueTable page selected /> }
            })}
        </Page>
    }
}

#[component]
fn Counters(counts: LocalResource<ApiResult<QueueCounts>>) -> impl IntoView {
    let i18n = use_i18n();
    // Counters are a help, not the page: if they cannot be loaded the queue still works.
    move || {
        let Some(Ok(c)) = counts.get() else {
            return None;
        };
        let lang = i18n.lang();
        let per_status = Status::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| {
                let n = c.by_status.get(s.code()).copied().unwrap_or(0);
                view! {
                    <li class="list-inline-item me-3">
                        <span class="fw-semibold">{n}</span>
                        " "
                        {status_label(lang, *s)}
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <ul class="list-inline mb-4" aria-live="polite" data-testid="queue-counters">
                {per_status}
                <li class="list-inline-item me-3">
                    <span class="badge bg-danger">{c.overdue}</span>
                    " "
                    {i18n.t().overdue}
                </li>
                <li class="list-inline-item">
                    <span class="badge bg-warning text-dark">{c.due_soon}</span>
                    " "
                    {i18n.t().due_soon}
                </li>
            </ul>
        })
    }
}

#[component]
fn QueueTable(page: ListPage<RequestSummary>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    if page.items.is_empty() {
        return view! { <p role="status">{trst(|s| s.queue_empty)}</p> }.into_any();
    }
    let count = page.items.len();
    let next = page.next_cursor.map(|cursor| {
        let mut pairs: Vec<(String, String)> = query.with_untracked(|m| {
            FILTERS
                .iter()
                .map(|k| ((*k).to_owned(), m.get(k).unwrap_or_default()))
                .collect()
        });
        pairs.push(("cursor".to_owned(), cursor));
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        format!("/console{}", api::query(&refs))
    });
    let rows = page
        .items
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let row_class = match r.deadline_status {
                Some(DeadlineStatus::Overdue) => "table-danger",
                Some(DeadlineStatus::DueSoon) => "table-warning",
                _ => "",
            };
            let href = format!("/console/pratiche/{}", r.id);
            let citizen = r.citizen.as_ref().map(|c| c.name.clone()).unwrap_or_default();
            let assignee = r.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_default();
            view! {
                <tr class=row_class class:table-active=move || selected.get() == Some(i)>
                    <td>
                        <a class="font-monospace" id=format!("queue-row-{i}") href=href on:focus=move |_| selected.set(Some(i))>
                            {r.protocol_number.clone()}
                        </a>
                        // On a phone the subject goes under the number: status and due date
                        // fit beside it without scrolling sideways.
                        <span class="d-block small d-md-none text-break">{r.subject.clone()}</span>
                    </td>
                    <td class="d-none d-md-table-cell">
                        {r.subject.clone()}
                        <span class="d-block small text-muted">{citizen}</span>
                    </td>
                    <td class="d-none d-lg-table-cell">{r.type_name.clone()}</td>
                    <td><StatusBadge status=r.status /></td>
                    <td>
                        {format::opt_date(r.due_date)}
                        <span class="d-block"><DeadlineBadge status=r.deadline_status left=r.working_days_left /></span>
                    </td>
                    <td class="d-none d-lg-table-cell">{assignee}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="small" role="status">{move || (i18n.s().queue_count)(count)}</p>
        <div class="table-responsive">
            <table class="table table-hover align-middle queue-table" data-testid="queue">
                <thead>
                    <tr>
                        <th scope="col">{tr(|t| t.protocol_number)}</th>
                        <th scope="col" class="d-none d-md-table-cell">{tr(|t| t.subject)}</th>
                        <th scope="col" class="d-none d-lg-table-cell">{trst(|s| s.filter_type)}</th>
                        <th scope="col">{tr(|t| t.status)}</th>
                        <th scope="col">{tr(|t| t.deadline)}</th>
                        <th scope="col" class="d-none d-lg-table-cell">{trst(|s| s.assignee)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {next.map(|href| view! { <a class="btn btn-outline-primary" href=href>{trst(|s| s.load_more)}</a> })}
    }
    .into_any()
}
