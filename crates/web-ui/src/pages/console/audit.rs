//! The audit log (supervisors and administrators): who did what and when, with the
//! client's address, newest first, fifty at a time.

use std::collections::HashMap;

use domain::api::{AuditEntry, User};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, ApiResult};
use crate::components::{ErrorAlert, Loading, Page};
use crate::format;
use crate::i18n::{trst, trsts};

#[component]
pub fn AuditLog() -> impl IntoView {
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<ApiError>);
    // Names for the actors' ids (an unknown id is shown as it is).
    let users: LocalResource<ApiResult<Vec<User>>> = LocalResource::new(api::users);
    let more = move |cursor: Option<String>| {
        loading.set(true);
        spawn_local(async move {
            match api::audit_log(cursor).await {
                Ok(page) => {
                    entries.update(|e| e.extend(page.items));
                    next.set(page.next_cursor);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    };
    more(None);
    let names = Memo::new(move |_| match users.get() {
        Some(Ok(list)) => list
            .into_iter()
            .map(|u| (u.id, format!("{} {}", u.first_name, u.last_name)))
            .collect::<HashMap<_, _>>(),
        _ => HashMap::new(),
    });
    let system = trst(|s| s.audit_system);
    let row = move |e: AuditEntry| {
        let actor_id = e.actor_id.clone();
        let actor = move || match &actor_id {
            None => system.get().to_owned(),
            Some(id) => names.with(|n| n.get(id).cloned().unwrap_or_else(|| id.clone())),
        };
        let entity = match &e.entity_id {
            Some(id) => format!("{} {id}", e.entity),
            None => e.entity.clone(),
        };
        let changes = (e.before.is_some() || e.after.is_some()).then(|| {
            let json = |v: &Option<serde_json::Value>| {
                v.as_ref().map_or_else(
                    || "—".to_owned(),
                    |v| serde_json::to_string_pretty(v).unwrap_or_default(),
                )
            };
            let (before, after) = (json(&e.before), json(&e.after));
            view! {
                <details>
                    <summary>{trst(|s| s.audit_details)}</summary>
                    <p class="small mb-1 mt-2">{trst(|s| s.audit_before)}</p>
                    <pre class="small" style:white-space="pre-wrap" style:overflow-wrap="anywhere">{before}</pre>
                    <p class="small mb-1">{trst(|s| s.audit_after)}</p>
                    <pre class="small" style:white-space="pre-wrap" style:overflow-wrap="anywhere">{after}</pre>
                </details>
            }
        });
        view! {
            <tr>
                <td>{format::datetime(e.created_at)}</td>
                <td>{actor}</td>
                <td><code>{e.action}</code></td>
                <td class="small">{entity}</td>
                <td data-testid="audit-ip">{e.ip.unwrap_or_else(|| "—".to_owned())}</td>
                <td>{changes}</td>
            </tr>
        }
    };
    view! {
        <Page title=trsts(|s| s.audit_title) no_breadcrumbs=true>
            <p>{trst(|s| s.audit_intro)}</p>
            <ErrorAlert error=error />
            {move || {
                (!loading.get() && error.with(Option::is_none) && entries.with(Vec::is_empty))
                    .then(|| view! { <p role="status">{trst(|s| s.audit_empty)}</p> })
            }}
            <div class="table-responsive">
                <table class="table table-sm align-middle" data-testid="audit-log">
                    <thead>
                        <tr>
                            <th scope="col">{trst(|s| s.audit_when)}</th>
                            <th scope="col">{trst(|s| s.audit_actor)}</th>
                            <th scope="col">{trst(|s| s.audit_action)}</th>
                            <th scope="col">{trst(|s| s.audit_entity)}</th>
                            <th scope="col">{trst(|s| s.audit_ip)}</th>
                            <th scope="col">{trst(|s| s.audit_details)}</th>
                        </tr>
                    </thead>
                    <tbody>{move || entries.get().into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
            {move || loading.get().then(|| view! { <Loading /> })}
            {move || {
                next.get()
                    .filter(|_| !loading.get())
                    .map(|cursor| {
                        view! {
                            <button type="button" class="btn btn-outline-primary" on:click=move |_| more(Some(cursor.clone()))>
                                {trst(|s| s.load_more)}
                            </button>
                        }
                    })
            }}
        </Page>
    }
}
