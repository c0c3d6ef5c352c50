//! The platform's tenants (`/console/enti`, platform administrators): the list, a form to
//! create a tenant with its host names, logo and first administrator, and the same form to
//! change name, logo, host names or switch a tenant off. Slug and host names are checked in
//! the browser with the server's rules (`domain::tenants`).

use domain::api::{CreateTenant, FirstAdmin, PlatformTenant, UpdateTenant};
use domain::error::Errors;
use domain::tenants::{parse_hosts, parse_slug};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiResult};
use crate::components::{Checkbox, ErrorAlert, FormState, Notice, Page, TextArea, TextInput, load};
use crate::i18n::{platform_texts, trpl, trpls, use_i18n};

/// The page's address.
pub const PATH: &str = "/console/enti";

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The first error about the host names (`hosts` or `hosts[i]`).
fn hosts_error(form: FormState) -> Signal<Option<String>> {
    Signal::derive(move || {
        form.errors.with(|es| {
            es.iter()
                .find(|e| e.field.starts_with("hosts"))
                .map(|e| e.message.clone())
        })
    })
}

#[component]
pub fn TenantsPage() -> impl IntoView {
    let tenants: LocalResource<ApiResult<Vec<PlatformTenant>>> =
        LocalResource::new(api::platform_tenants);
    let editing = RwSignal::new(None::<PlatformTenant>);
    view! {
        <Page title=trpls(|t| t.title) no_breadcrumbs=true>
            <p>{trpl(|t| t.intro)}</p>
            {load(tenants, move |list| view! { <TenantTable list editing /> })}
            {move || match editing.get() {
                Some(t) => view! { <EditTenant tenant=t editing tenants /> }.into_any(),
                None => view! { <CreateTenantForm tenants /> }.into_any(),
            }}
        </Page>
    }
}

#[component]
fn TenantTable(
    list: Vec<PlatformTenant>,
    editing: RwSignal<Option<PlatformTenant>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-responsive mb-4">
            <table class="table table-sm">
                <caption>{trpl(|t| t.list_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trpl(|t| t.col_name)}</th>
                        <th scope="col">{trpl(|t| t.col_slug)}</th>
                        <th scope="col">{trpl(|t| t.col_hosts)}</th>
                        <th scope="col">{trpl(|t| t.col_state)}</th>
                        <th scope="col">{trpl(|t| t.col_actions)}</th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|t| {
                            let (is_default, active) = (t.is_default, t.active);
                            let state = move || {
                                let tx = platform_texts(i18n.lang());
                                if is_default {
                                    tx.default_tenant
                                } else if active {
                                    tx.active
                                } else {
                                    tx.inactive
                                }
                            };
                            let row = t.clone();
                            view! {
                                <tr>
                                    <td>
                                        {t.logo_url.clone().map(|src| view! { <img src=src alt="" width="24" height="24" class="me-2" /> })}
                                        {t.name.clone()}
                                    </td>
                                    <td><code>{t.slug.clone()}</code></td>
                                    <td>{t.hosts.join(", ")}</td>
                                    <td>{state}</td>
                                    <td>
                                        <button
                                            type="button"
                                            class="btn btn-sm btn-outline-primary"
                                            on:click=move |_| editing.set(Some(row.clone()))
                                        >
                                            {trpl(|t| t.edit)}
                                            <span class="visually-hidden">{format!(" {}", t.name)}</span>
                                        </button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn CreateTenantForm(tenants: LocalResource<ApiResult<Vec<PlatformTenant>>>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let slug = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let fiscal_code = RwSignal::new(String::new());
    let logo_url = RwSignal::new(String::new());
    let hosts = RwSignal::new(String::new());
    let admin_email = RwSignal::new(String::new());
    let admin_password = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let host_list = lines(&hosts.get_untracked());
        // The server's rules, so mistakes show before sending.
        let mut errors = Errors::new();
        errors.check(parse_slug(&slug.get_untracked()));
        errors.check(parse_hosts(&host_list));
        if let Err(e) = errors.finish() {
            return form.invalid(&e);
        }
        let optional = |s: RwSignal<String>| {
            Some(s.get_untracked().trim().to_owned()).filter(|v| !v.is_empty())
        };
        let body = CreateTenant {
            slug: slug.get_untracked().trim().to_owned(),
            name: name.get_untracked().trim().to_owned(),
            fiscal_code: optional(fiscal_code),
            logo_url: optional(logo_url),
            hosts: host_list,
            admin: optional(admin_email).map(|email| FirstAdmin {
                email,
                password: Some(admin_password.get_untracked()).filter(|p| !p.is_empty()),
            }),
        };
        form.start();
        spawn_local(async move {
            match api::create_tenant(&body).await {
                Ok(created) => {
                    let invited = created.admin.as_ref().is_some_and(|a| a.invited);
                    for s in [
                        slug,
                        name,
                        fiscal_code,
                        logo_url,
                        hosts,
                        admin_email,
                        admin_password,
                    ] {
                        s.set(String::new());
                    }
                    form.succeed((platform_texts(i18n.lang()).created)(
                        &created.tenant.slug,
                        invited,
                    ));
                    tenants.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <form on:submit=submit novalidate>
            <h2 class="h5">{trpl(|t| t.create_heading)}</h2>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <TextInput id="t-slug" label=trpls(|t| t.slug) value=slug required=true help=trpls(|t| t.slug_help) error=form.error_for("slug") />
            <TextInput id="t-name" label=trpls(|t| t.name) value=name required=true error=form.error_for("name") />
            <TextInput id="t-fiscal-code" label=trpls(|t| t.fiscal_code) value=fiscal_code error=form.error_for("fiscal_code") />
            <TextInput id="t-logo" kind="url" label=trpls(|t| t.logo_url) value=logo_url help=trpls(|t| t.logo_help) error=form.error_for("logo_url") />
            <TextArea id="t-hosts" label=trpls(|t| t.hosts) value=hosts rows=2 help=trpls(|t| t.hosts_help) error=hosts_error(form) />
            <TextInput id="t-admin-email" kind="email" autocomplete="off" label=trpls(|t| t.admin_email) value=admin_email help=trpls(|t| t.admin_email_help) error=form.error_for("admin.email") />
            <TextInput id="t-admin-password" kind="password" autocomplete="new-password" label=trpls(|t| t.admin_password) value=admin_password help=trpls(|t| t.admin_password_help) error=form.error_for("admin.password") />
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{trpl(|t| t.create_submit)}</button>
        </form>
    }
}

#[component]
fn EditTenant(
    tenant: PlatformTenant,
    editing: RwSignal<Option<PlatformTenant>>,
    tenants: LocalResource<ApiResult<Vec<PlatformTenant>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let name = RwSignal::new(tenant.name.clone());
    let fiscal_code = RwSignal::new(tenant.fiscal_code.clone().unwrap_or_default());
    let logo_url = RwSignal::new(tenant.logo_url.clone().unwrap_or_default());
    let hosts = RwSignal::new(tenant.hosts.join("\n"));
    let active = RwSignal::new(tenant.active);
    let id = tenant.id.clone();
    let is_default = tenant.is_default;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let host_list = lines(&hosts.get_untracked());
        if !(is_default && host_list.is_empty())
            && let Err(e) = parse_hosts(&host_list)
        {
            return form.invalid(&e);
        }
        let body = UpdateTenant {
            name: Some(name.get_untracked().trim().to_owned()),
            fiscal_code: Some(fiscal_code.get_untracked().trim().to_owned()),
            logo_url: Some(logo_url.get_untracked().trim().to_owned()),
            hosts: Some(host_list),
            active: Some(active.get_untracked()),
        };
        let id = id.clone();
        form.start();
        spawn_local(async move {
            match api::update_tenant(&id, &body).await {
                Ok(_) => {
                    form.succeed(platform_texts(i18n.lang()).saved);
                    tenants.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let heading = {
        let n = tenant.name.clone();
        move || (platform_texts(i18n.lang()).edit_heading)(&n)
    };
    view! {
        <form on:submit=submit novalidate>
            <h2 class="h5">{heading}</h2>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <TextInput id="te-name" label=trpls(|t| t.name) value=name required=true error=form.error_for("name") />
            <TextInput id="te-fiscal-code" label=trpls(|t| t.fiscal_code) value=fiscal_code error=form.error_for("fiscal_code") />
            <TextInput id="te-logo" kind="url" label=trpls(|t| t.logo_url) value=logo_url help=trpls(|t| t.logo_help) error=form.error_for("logo_url") />
            <TextArea id="te-hosts" label=trpls(|t| t.hosts) value=hosts rows=2 help=trpls(|t| t.hosts_help) error=hosts_error(form) />
            <Show when=move || !is_default>
                <Checkbox id="te-active" label=trpls(|t| t.active_label) checked=active error=form.error_for("active") />
            </Show>
            <button type="submit" class="btn btn-primary me-2" disabled=move || form.pending.get()>{trpl(|t| t.save_submit)}</button>
            <button type="button" class="btn btn-outline-secondary" on:click=move |_| editing.set(None)>{trpl(|t| t.cancel)}</button>
        </form>
    }
}
