//! Administration: tenant settings, offices, users, routing rules, documents and FAQ.
//! Each page is a list plus a small form; the server enforces the admin role.

use std::collections::BTreeMap;

use domain::api::{
    CreateUser, Document, Faq, Office, RoutingRule, SaveFaq, SaveOffice, Settings, TenantContacts,
    UpdateSettings, UpdateUser, User,
};
use domain::{DomainError, MonthDay, RequestKind, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::File;

use crate::api::{self, ApiResult};
use crate::components::{
    Checkbox, ErrorAlert, FileInput, FormState, Notice, Page, ProgressBar, SelectInput, TextArea,
    TextInput, load,
};
use crate::format;
use crate::i18n::content_admin::trca;
use crate::i18n::{StaffTexts, kind_label, tr, trfts, trst, trsts, trsv, trsvs, use_i18n};
use crate::pages::console::settings_days::{self, ClosureDays, PatronSaint};

use crate::i18n::trs as label;

// ---- settings -----------------------------------------------------------------------

#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings: LocalResource<ApiResult<Settings>> = LocalResource::new(api::settings);
    view! {
        <Page title=trsts(|s| s.settings_title) no_breadcrumbs=true>
            {load(settings, |s| view! { <SettingsForm s /> })}
        </Page>
    }
}

#[component]
fn SettingsForm(s: Settings) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let name = RwSignal::new(s.name.clone());
    let patron = s
        .patron_saint
        .as_deref()
        .and_then(|p| MonthDay::parse(p).ok());
    let patron_day = RwSignal::new(patron.map(|p| p.day().to_string()).unwrap_or_default());
    let patron_month = RwSignal::new(patron.map(|p| p.month().to_string()).unwrap_or_default());
    let closures = RwSignal::new(
        s.closure_days
            .iter()
            .zip(1..)
            .map(|(d, key)| (key, RwSignal::new(d.to_string())))
            .collect::<Vec<_>>(),
    );
    let scheme = RwSignal::new(s.tqrif_scheme.to_string());
    let target = RwSignal::new(s.target_percent.to_string());
    let logo = RwSignal::new(s.logo_url.clone().unwrap_or_default());
    let fiscal = RwSignal::new(s.fiscal_code.clone().unwrap_or_default());
    // The portal's header and footer details, one input each; blank clears.
    let contact = |v: &Option<String>| RwSignal::new(v.clone().unwrap_or_default());
    let parent_body = contact(&s.contacts.parent_body);
    let address = contact(&s.contacts.address);
    let pec = contact(&s.contacts.pec);
    let email = contact(&s.contacts.email);
    let phone = contact(&s.contacts.phone);
    let vat = contact(&s.contacts.vat_number);
    // One input per TQRIF kind; empty means "no standard".
    let days: Vec<(RequestKind, RwSignal<String>)> = RequestKind::ALL
        .into_iter()
        .map(|k| {
            let current = s
                .standard_days
                .get(&k)
                .copied()
                .unwrap_or_else(|| k.default_standard_days());
            (
                k,
                RwSignal::new(current.map(|d| d.to_string()).unwrap_or_default()),
            )
        })
        .collect();
    let days = StoredValue::new(days);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = domain::error::Errors::new();
        let patron =
            settings_days::patron_saint(&patron_day.get_untracked(), &patron_month.get_untracked())
                .map_err(|e| errors.push(e))
                .ok()
                .flatten();
        let closure_days = closures
            .with_untracked(|rows| settings_days::closure_days(rows))
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let standard_days: BTreeMap<RequestKind, Option<u32>> = days.with_value(|d| {
            d.iter()
                .map(|(k, v)| (*k, v.get_untracked().trim().parse().ok()))
                .collect()
        });
        // The server's rules, checked here first.
        let contacts = errors.check(domain::tenants::check_contacts(&TenantContacts {
            parent_body: Some(parent_body.get_untracked()),
            address: Some(address.get_untracked()),
            pec: Some(pec.get_untracked()),
            email: Some(email.get_untracked()),
            phone: Some(phone.get_untracked()),
            vat_number: Some(vat.get_untracked()),
        }));
        if let Err(e) = errors.finish() {
            return form.invalid(&e);
        }
        let body = UpdateSettings {
            name: Some(name.get_untracked()),
            fiscal_code: Some(fiscal.get_untracked().trim().to_owned()),
            logo_url: Some(logo.get_untracked()).filter(|l| !l.is_empty()),
            patron_saint: Some(patron.map(|p| p.to_string()).unwrap_or_default()),
            closure_days: Some(closure_days),
            standard_days: Some(standard_days),
            tqrif_scheme: scheme.get_untracked().parse().ok(),
            target_percent: target.get_untracked().parse().ok(),
            population: None,
            interest: None,
            instalments: None,
            pagopa: None,
            contacts,
        };
        form.start();
        spawn_local(async move {
            match api::update_settings(&body).await {
                Ok(_) => form.succeed(i18n.t().saved),
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <form on:submit=submit novalidate>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <TextInput id="s-name" label=trsts(|s| s.tenant_name) value=name required=true error=form.error_for("name") />
            <TextInput id="s-logo" kind="url" label=label(|t| t.logo_url) value=logo error=form.error_for("logo_url") />
            <PatronSaint day=patron_day month=patron_month error=form.error_for("patron_saint") />
            <ClosureDays rows=closures error=form.error_for("closure_days") />
            <div class="row">
                <div class="col-md-6">
                    <TextInput id="s-scheme" kind="number" label=trsts(|s| s.tqrif_scheme) value=scheme error=form.error_for("tqrif_scheme") />
                </div>
                <div class="col-md-6">
                    <TextInput id="s-target" kind="number" label=trsts(|s| s.target_percent) value=target error=form.error_for("target_percent") />
                </div>
            </div>
            <fieldset class="mb-3">
                <legend class="h5">{trsv(|t| t.settings_contacts)}</legend>
                <p class="small">{trsv(|t| t.settings_contacts_help)}</p>
                <div class="row">
                    <div class="col-md-6">
                        <TextInput id="s-fiscal" label=trfts(|t| t.fiscal_code) value=fiscal error=form.error_for("fiscal_code") />
                    </div>
                    <div class="col-md-6">
                        <TextInput id="s-vat" label=trfts(|t| t.vat_number) value=vat error=form.error_for("contacts.vat_number") />
                    </div>
                    <div class="col-md-6">
                        <TextInput id="s-parent" label=trsvs(|t| t.parent_body) value=parent_body help=trsvs(|t| t.parent_body_help) error=form.error_for("contacts.parent_body") />
                    </div>
                    <div class="col-md-6">
                        <TextInput id="s-address" label=trfts(|t| t.address) value=address error=form.error_for("contacts.address") />
                    </div>
                    <div class="col-md-6">
                        <TextInput id="s-pec" kind="email" label=trfts(|t| t.pec) value=pec error=form.error_for("contacts.pec") />
                    </div>
                    <div class="col-md-6">
                        <TextInput id="s-email" kind="email" label=trfts(|t| t.email) value=email error=form.error_for("contacts.email") />
                    </div>
                    <div class="col-md-6">
                        <TextInput id="s-phone" kind="tel" label=trfts(|t| t.phone) value=phone error=form.error_for("contacts.phone") />
                    </div>
                </div>
            </fieldset>
            <fieldset class="mb-3">
                <legend class="h5">{trst(|s| s.standard_days_legend)}</legend>
                <div class="row">
                    {days.get_value().into_iter().map(|(k, v)| {
                        let id = format!("s-days-{}", k.code());
                        view! {
                            <div class="col-md-6">
                                <TextInput id kind="number" label=Signal::derive(move || kind_label(i18n.lang(), k).to_owned()) value=v />
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{tr(|t| t.save)}</button>
        </form>
    }
}

// ---- offices ------------------------------------------------------------------------

#[component]
pub fn OfficesPage() -> impl IntoView {
    let i18n = use_i18n();
    let offices: LocalResource<ApiResult<Vec<Office>>> = LocalResource::new(api::offices);
    let form = FormState::new();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    // The office being edited (id, name as saved): the form below edits it instead of
    // adding one.
    let editing = RwSignal::new(None::<(String, String)>);
    let clear = move || {
        editing.set(None);
        name.set(String::new());
        email.set(String::new());
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = SaveOffice {
            name: name.get_untracked().trim().to_owned(),
            email: Some(email.get_untracked().trim().to_owned()).filter(|e| !e.is_empty()),
        };
        form.start();
        let target = editing.get_untracked().map(|(id, _)| id);
        spawn_local(async move {
            let saved = match &target {
                Some(id) => api::update_office(id, &body).await,
                None => api::create_office(&body).await,
            };
            match saved {
                Ok(_) => {
                    clear();
                    form.succeed(i18n.t().saved);
                    offices.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let edit = move |o: Office| {
        form.alert.set(None);
        name.set(o.name.clone());
        email.set(o.email.clone().unwrap_or_default());
        editing.set(Some((o.id, o.name)));
        request_animation_frame(|| crate::browser::focus("office-form-title"));
    };
    let remove = move |id: String| {
        spawn_local(async move {
            match api::delete_office(&id).await {
                Ok(_) => offices.refetch(),
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <Page title=trsts(|s| s.offices_title) no_breadcrumbs=true>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            {load(offices, move |list| {
                view! {
                    <ul class="list-group mb-4">
                        {list.into_iter().map(|o| {
                            let id = o.id.clone();
                            let office = o.clone();
                            let edit_label = (i18n.ca().edit_of)(&o.name);
                            view! {
                                <li class="list-group-item d-flex justify-content-between align-items-center gap-2">
                                    <span>{o.name}<span class="d-block small text-muted">{o.email}</span></span>
                                    <span class="d-flex gap-2">
                                        <button type="button" class="btn btn-sm btn-outline-primary" aria-label=edit_label on:click=move |_| edit(office.clone())>
                                            {trca(|t| t.edit)}
                                        </button>
                                        <button type="button" class="btn btn-sm btn-outline-danger" on:click=move |_| remove(id.clone())>
                                            {trst(|s| s.delete)}
                                        </button>
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
            <form on:submit=submit novalidate>
                <h2 class="h5" id="office-form-title" tabindex="-1">
                    {move || match editing.get() {
                        Some((_, n)) => (i18n.ca().edit_heading)(&n),
                        None => i18n.s().add.to_owned(),
                    }}
                </h2>
                <TextInput id="o-name" label=trsts(|s| s.office_name) value=name required=true error=form.error_for("name") />
                <TextInput id="o-email" kind="email" label=label(|t| t.email) value=email error=form.error_for("email") />
                <div class="d-flex gap-2">
                    <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                        {move || if editing.with(Option::is_some) { i18n.t().save } else { i18n.s().add }}
                    </button>
                    {move || editing.with(Option::is_some).then(|| view! {
                        <button type="button" class="btn btn-outline-primary" on:click=move |_| clear()>{trst(|s| s.cancel)}</button>
                    })}
                </div>
            </form>
        </Page>
    }
}

// ---- users --------------------------------------------------------------------------

const STAFF_ROLES: [Role; 4] = [Role::Citizen, Role::Operator, Role::Supervisor, Role::Admin];

fn role_label(t: &StaffTexts, role: Role) -> &'static str {
    STAFF_ROLES
        .iter()
        .position(|r| *r == role)
        .map_or("—", |i| t.role_labels[i])
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let users: LocalResource<ApiResult<Vec<User>>> = LocalResource::new(api::users);
    let offices: LocalResource<ApiResult<Vec<Office>>> = LocalResource::new(api::offices);
    let form = FormState::new();
    let email = RwSignal::new(String::new());
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator.code().to_owned());
    let office = RwSignal::new(String::new());
    // The account being edited, in the form under the table.
    let editing = RwSignal::new(None::<User>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(role) = role.get_untracked().parse::<Role>() else {
            return;
        };
        let body = CreateUser {
            email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            first_name: first.get_untracked().trim().to_owned(),
            last_name: last.get_untracked().trim().to_owned(),
            role,
            office_ids: Some(office.get_untracked())
                .filter(|o| !o.is_empty())
                .into_iter()
                .collect(),
        };
        form.start();
        spawn_local(async move {
            match api::create_user(&body).await {
                Ok(_) => {
                    password.set(String::new());
                    form.succeed(i18n.t().saved);
                    users.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let office_list = Memo::new(move |_| match offices.get() {
        Some(Ok(list)) => list,
        _ => Vec::new(),
    });
    let office_options = Signal::derive(move || {
        let mut o = vec![(String::new(), i18n.t().none.to_owned())];
        o.extend(office_list.get().into_iter().map(|of| (of.id, of.name)));
        o
    });
    let open = move |u: User| {
        editing.set(Some(u));
        request_animation_frame(|| crate::browser::focus("user-edit-title"));
    };
    view! {
        <Page title=trsts(|s| s.users_title) no_breadcrumbs=true>
            {load(users, move |list| {
                view! {
                    <div class="table-responsive mb-4">
                        <table class="table table-sm align-middle" data-testid="users">
                            <thead>
                                <tr>
                                    <th scope="col">{tr(|t| t.first_name)}</th>
                                    <th scope="col">{tr(|t| t.email)}</th>
                                    <th scope="col">{tr(|t| t.role)}</th>
                                    <th scope="col">{trst(|s| s.offices)}</th>
                                    <th scope="col">{trst(|s| s.state)}</th>
                                    <th scope="col">{trst(|s| s.edit)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|u| {
                                    let role = u.role;
                                    let active = u.active;
                                    let name = format!("{} {}", u.first_name, u.last_name);
                                    let ids = u.office_ids.clone();
                                    let office_names = move || {
                                        office_list.with(|all| {
                                            all.iter()
                                                .filter(|o| ids.contains(&o.id))
                                                .map(|o| o.name.as_str())
                                                .collect::<Vec<_>>()
                                                .join(", ")
                                        })
                                    };
                                    let user = u.clone();
                                    let id = u.id.clone();
                                    let expanded = move || editing.with(|e| e.as_ref().is_some_and(|e| e.id == id));
                                    view! {
                                        <tr>
                                            <td>{name.clone()}</td>
                                            <td>{u.email.clone().unwrap_or_default()}</td>
                                            <td>{move || role_label(i18n.s(), role)}</td>
                                            <td>{office_names}</td>
                                            <td>{move || if active { i18n.s().state_active } else { i18n.s().state_inactive }}</td>
                                            <td>
                                                <button
                                                    type="button"
                                                    class="btn btn-sm btn-outline-primary"
                                                    aria-expanded=move || expanded().to_string()
                                                    aria-controls="user-edit"
                                                    // The name too: a visually hidden span would
                                                    // escape the table's scroll box at 360 px.
                                                    aria-label=move || format!("{} {name}", i18n.s().edit)
                                                    on:click=move |_| open(user.clone())
                                                >
                                                    {trst(|s| s.edit)}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            })}
            <div id="user-edit">
                {move || editing.get().map(|user| view! { <UserEditor user offices=office_list.get_untracked() users editing /> })}
            </div>
            <form on:submit=submit novalidate>
                <h2 class="h5">{trst(|s| s.add)}</h2>
                <Notice message=form.done />
                <ErrorAlert error=form.alert />
                <div class="row">
                    <div class="col-md-6"><TextInput id="u-first" label=label(|t| t.first_name) value=first required=true error=form.error_for("first_name") /></div>
                    <div class="col-md-6"><TextInput id="u-last" label=label(|t| t.last_name) value=last required=true error=form.error_for("last_name") /></div>
                </div>
                <TextInput id="u-email" kind="email" label=label(|t| t.email) value=email required=true error=form.error_for("email") />
                <TextInput id="u-password" kind="password" label=label(|t| t.password) value=password required=true autocomplete="new-password" help=label(|t| t.password_help) error=form.error_for("password") />
                <SelectInput id="u-role" label=label(|t| t.role) value=role options=role_options() required=true />
                <SelectInput id="u-office" label=trsts(|s| s.office) value=office options=office_options />
                <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{trst(|s| s.add)}</button>
            </form>
        </Page>
    }
}

/// The staff roles an administrator can give, for a `<select>`.
fn role_options() -> Signal<Vec<(String, String)>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        STAFF_ROLES[1..]
            .iter()
            .map(|r| (r.code().to_owned(), role_label(i18n.s(), *r).to_owned()))
            .collect::<Vec<_>>()
    })
}

/// One account's role, offices and active flag (role and offices for staff only), and
/// the password-reset link.
#[component]
fn UserEditor(
    user: User,
    offices: Vec<Office>,
    users: LocalResource<ApiResult<Vec<User>>>,
    editing: RwSignal<Option<User>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let reset = FormState::new();
    let staff = user.role.is_staff();
    let role = RwSignal::new(user.role.code().to_owned());
    let active = RwSignal::new(user.active);
    let chosen: Vec<(Office, RwSignal<bool>)> = offices
        .into_iter()
        .map(|o| {
            let on = user.office_ids.contains(&o.id);
            (o, RwSignal::new(on))
        })
        .collect();
    let chosen = StoredValue::new(chosen);
    let id = StoredValue::new(user.id.clone());
    let email = user.email.clone();
    let name = format!("{} {}", user.first_name, user.last_name);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = UpdateUser {
            role: if staff {
                role.get_untracked().parse().ok()
            } else {
                None
            },
            office_ids: staff.then(|| {
                chosen.with_value(|c| {
                    c.iter()
                        .filter(|(_, on)| on.get_untracked())
                        .map(|(o, _)| o.id.clone())
                        .collect()
                })
            }),
            active: Some(active.get_untracked()),
            password: None,
        };
        form.start();
        spawn_local(async move {
            match api::update_user(&id.get_value(), &body).await {
                Ok(_) => {
                    form.succeed(i18n.s().user_saved);
                    users.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let send_reset = move |_| {
        reset.start();
        let to = email.clone().unwrap_or_default();
        spawn_local(async move {
            match api::send_password_reset(&id.get_value()).await {
                Ok(()) => reset.succeed((i18n.s().reset_link_sent)(&to)),
                Err(e) => reset.fail(e),
            }
        });
    };
    let heading = move || (i18n.s().edit_title)(&name);
    let office_error = form.error_for("office_ids");
    view! {
        <section class="card card-bg mb-4" aria-labelledby="user-edit-title">
            <div class="card-body">
                <h2 class="h5 mb-4" id="user-edit-title" tabindex="-1">{heading}</h2>
                <form on:submit=submit novalidate>
                    <Notice message=form.done />
                    <ErrorAlert error=form.alert />
                    {if staff {
                        view! {
                            <SelectInput id="e-role" label=label(|t| t.role) value=role options=role_options() required=true error=form.error_for("role") />
                            <fieldset class="mb-3">
                                <legend class="h6">{trst(|s| s.offices)}</legend>
                                {chosen.get_value().into_iter().map(|(o, on)| {
                                    view! { <Checkbox id=format!("e-office-{}", o.id) label=Signal::stored(o.name) checked=on /> }
                                }).collect_view()}
                                {move || office_error.get().map(|e| view! { <div class="invalid-feedback d-block">{e}</div> })}
                            </fieldset>
                        }
                            .into_any()
                    } else {
                        view! { <p class="small">{trst(|s| s.staff_only_hint)}</p> }.into_any()
                    }}
                    <Checkbox id="e-active" label=trsts(|s| s.account_active) checked=active error=form.error_for("active") />
                    <p class="small">{trst(|s| s.account_active_help)}</p>
                    <div class="d-flex flex-wrap gap-2">
                        <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{tr(|t| t.save)}</button>
                        <button type="button" class="btn btn-outline-primary" on:click=move |_| editing.set(None)>
                            {trst(|s| s.close_edit)}
                        </button>
                    </div>
                </form>
                <h3 class="h6 mt-4">{trst(|s| s.reset_title)}</h3>
                <p class="small">{trst(|s| s.reset_help)}</p>
                <Notice message=reset.done />
                <ErrorAlert error=reset.alert />
                <button type="button" class="btn btn-outline-primary" disabled=move || reset.pending.get() on:click=send_reset>
                    {trst(|s| s.send_reset_link)}
                </button>
            </div>
        </section>
    }
}

// ---- routing rules ------------------------------------------------------------------

#[component]
pub fn RoutingPage() -> impl IntoView {
    let rules: LocalResource<ApiResult<Vec<RoutingRule>>> = LocalResource::new(api::routing_rules);
    let offices: LocalResource<ApiResult<Vec<Office>>> = LocalResource::new(api::offices);
    view! {
        <Page title=trsts(|s| s.routing_title) no_breadcrumbs=true>
            <p>{trst(|s| s.routing_intro)}</p>
            {load(rules, move |rules| {
                load(offices, move |offices| view! { <RoutingForm rules=rules.clone() offices /> })
            })}
        </Page>
    }
}

#[component]
fn RoutingForm(rules: Vec<RoutingRule>, offices: Vec<Office>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let choices: Vec<(RequestKind, RwSignal<String>)> = RequestKind::ALL
        .into_iter()
        .map(|k| {
            let current = rules
                .iter()
                .find(|r| r.kind == k)
                .map(|r| r.office_id.clone());
            (k, RwSignal::new(current.unwrap_or_default()))
        })
        .collect();
    let choices = StoredValue::new(choices);
    let mut opts = vec![(String::new(), "—".to_owned())];
    opts.extend(offices.into_iter().map(|o| (o.id, o.name)));
    let options = Signal::stored(opts);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body: Vec<RoutingRule> = choices.with_value(|c| {
            c.iter()
                .filter_map(|(k, v)| {
                    let office_id = v.get_untracked();
                    (!office_id.is_empty()).then_some(RoutingRule {
                        kind: *k,
                        office_id,
                    })
                })
                .collect()
        });
        form.start();
        spawn_local(async move {
            match api::save_routing_rules(&body).await {
                Ok(_) => form.succeed(i18n.t().saved),
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <form on:submit=submit novalidate>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <div class="row">
                {choices.get_value().into_iter().map(|(k, v)| {
                    let id = format!("r-{}", k.code());
                    view! {
                        <div class="col-md-6">
                            <SelectInput id label=Signal::derive(move || kind_label(i18n.lang(), k).to_owned()) value=v options />
                        </div>
                    }
                }).collect_view()}
            </div>
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{tr(|t| t.save)}</button>
        </form>
    }
}

// ---- documents ----------------------------------------------------------------------

#[component]
pub fn DocumentsAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let docs: LocalResource<ApiResult<Vec<Document>>> = LocalResource::new(api::documents);
    let form = FormState::new();
    let doc_title = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let files: RwSignal<Vec<File>, LocalStorage> = RwSignal::new_local(Vec::new());
    let progress = RwSignal::new(None::<f64>);
    // The document being edited: its title and category change, its file stays.
    let editing = RwSignal::new(None::<Document>);
    let clear = move || {
        editing.set(None);
        doc_title.set(String::new());
        category.set(String::new());
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(doc) = editing.get_untracked() {
            let body = domain::api::SaveDocument {
                title: doc_title.get_untracked().trim().to_owned(),
                description: doc.description.clone(),
                category: Some(category.get_untracked().trim().to_owned())
                    .filter(|c| !c.is_empty()),
                position: None,
            };
            form.start();
            spawn_local(async move {
                match api::update_document(&doc.id, &body).await {
                    Ok(_) => {
                        clear();
                        form.succeed(i18n.t().saved);
                        docs.refetch();
                    }
                    Err(e) => form.fail(e),
                }
            });
            return;
        }
        let Some(file) = files.with_untracked(|f| f.first().cloned()) else {
            return form.invalid(&DomainError::invalid(
                "file",
                "Scegli un file",
                "Choose a file",
            ));
        };
        form.start();
        progress.set(Some(0.0));
        let (t, c) = (doc_title.get_untracked(), category.get_untracked());
        spawn_local(async move {
            let r = api::create_document(t.trim(), c.trim(), &file, move |p| progress.set(Some(p)))
                .await;
            progress.set(None);
            match r {
                Ok(_) => {
                    clear();
                    form.succeed(i18n.t().saved);
                    docs.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let remove = move |id: String| {
        spawn_local(async move {
            match api::delete_document(&id).await {
                Ok(_) => docs.refetch(),
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <Page title=trsts(|s| s.documents_admin_title) no_breadcrumbs=true>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            {load(docs, move |list| {
                view! {
                    <ul class="list-group mb-4">
                        {list.into_iter().map(|d| {
                            let id = d.id.clone();
                            let doc = d.clone();
                            let edit_label = (i18n.ca().edit_of)(&d.title);
                            let edit = move |_| {
                                form.alert.set(None);
                                doc_title.set(doc.title.clone());
                                category.set(doc.category.clone().unwrap_or_default());
                                editing.set(Some(doc.clone()));
                                request_animation_frame(|| crate::browser::focus("document-form-title"));
                            };
                            view! {
                                <li class="list-group-item d-flex justify-content-between align-items-center">
                                    <span>
                                        {d.title}
                                        <span class="d-block small text-muted">
                                            {format!("{} · {} · {}", d.category.unwrap_or_default(), d.filename, format::size(d.size))}
                                        </span>
                                    </span>
                                    <span class="d-flex gap-2">
                                        <button type="button" class="btn btn-sm btn-outline-primary" aria-label=edit_label on:click=edit>
                                            {trca(|t| t.edit)}
                                        </button>
                                        <button type="button" class="btn btn-sm btn-outline-danger" on:click=move |_| remove(id.clone())>
                                            {trst(|s| s.delete)}
                                        </button>
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
            <form on:submit=submit novalidate>
                <h2 class="h5" id="document-form-title" tabindex="-1">
                    {move || match editing.get() {
                        Some(d) => (i18n.ca().edit_heading)(&d.title),
                        None => i18n.s().add.to_owned(),
                    }}
                </h2>
                <TextInput id="d-title" label=trsts(|s| s.document_title) value=doc_title required=true error=form.error_for("title") />
                <TextInput id="d-category" label=trsts(|s| s.document_category) value=category error=form.error_for("category") />
                {move || match editing.get() {
                    // The file stays: a new version is published as a new document.
                    Some(d) => view! { <p class="small">{format!("{} · {}", d.filename, format::size(d.size))}</p> }.into_any(),
                    None => view! {
                        <FileInput id="d-file" label=trsts(|s| s.document_file) files required=true error=form.error_for("file") />
                        <ProgressBar progress />
                    }
                        .into_any(),
                }}
                <div class="d-flex gap-2">
                    <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                        {move || if editing.with(Option::is_some) { i18n.t().save } else { i18n.s().add }}
                    </button>
                    {move || editing.with(Option::is_some).then(|| view! {
                        <button type="button" class="btn btn-outline-primary" on:click=move |_| clear()>{trst(|s| s.cancel)}</button>
                    })}
                </div>
            </form>
        </Page>
    }
}

// ---- FAQ ----------------------------------------------------------------------------

#[component]
pub fn FaqAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let faqs: LocalResource<ApiResult<Vec<Faq>>> = LocalResource::new(api::faq);
    let form = FormState::new();
    let question = RwSignal::new(String::new());
    let answer = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let position = RwSignal::new(String::new());
    // The FAQ being edited (id, question as saved), as for offices.
    let editing = RwSignal::new(None::<(String, String)>);
    let clear = move || {
        editing.set(None);
        question.set(String::new());
        answer.set(String::new());
        category.set(String::new());
        position.set(String::new());
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = SaveFaq {
            question: question.get_untracked().trim().to_owned(),
            answer: answer.get_untracked().trim().to_owned(),
            category: Some(category.get_untracked().trim().to_owned()).filter(|c| !c.is_empty()),
            position: position.get_untracked().trim().parse().unwrap_or(0),
        };
        form.start();
        let target = editing.get_untracked().map(|(id, _)| id);
        spawn_local(async move {
            let saved = match &target {
                Some(id) => api::update_faq(id, &body).await,
                None => api::create_faq(&body).await,
            };
            match saved {
                Ok(_) => {
                    clear();
                    form.succeed(i18n.t().saved);
                    faqs.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let edit = move |f: Faq| {
        form.alert.set(None);
        question.set(f.question.clone());
        answer.set(f.answer.clone());
        category.set(f.category.clone().unwrap_or_default());
        position.set(f.position.to_string());
        editing.set(Some((f.id, f.question)));
        request_animation_frame(|| crate::browser::focus("faq-form-title"));
    };
    let remove = move |id: String| {
        spawn_local(async move {
            match api::delete_faq(&id).await {
                Ok(_) => faqs.refetch(),
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <Page title=trsts(|s| s.faq_admin_title) no_breadcrumbs=true>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            {load(faqs, move |mut list| {
                list.sort_by_key(|f| f.position);
                view! {
                    <ul class="list-group mb-4">
                        {list.into_iter().map(|f| {
                            let id = f.id.clone();
                            let faq = f.clone();
                            let edit_label = (i18n.ca().edit_of)(&f.question);
                            view! {
                                <li class="list-group-item d-flex justify-content-between align-items-start gap-2">
                                    <span><strong>{f.question}</strong><span class="d-block small pre-line">{f.answer}</span></span>
                                    <span class="d-flex gap-2">
                                        <button type="button" class="btn btn-sm btn-outline-primary" aria-label=edit_label on:click=move |_| edit(faq.clone())>
                                            {trca(|t| t.edit)}
                                        </button>
                                        <button type="button" class="btn btn-sm btn-outline-danger" on:click=move |_| remove(id.clone())>
                                            {trst(|s| s.delete)}
                                        </button>
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
            <form on:submit=submit novalidate>
                <h2 class="h5" id="faq-form-title" tabindex="-1">
                    {move || match editing.get() {
                        Some((_, q)) => (i18n.ca().edit_heading)(&q),
                        None => i18n.s().add.to_owned(),
                    }}
                </h2>
                <TextInput id="q-question" label=trsts(|s| s.faq_question) value=question required=true error=form.error_for("question") />
                <TextArea id="q-answer" label=trsts(|s| s.faq_answer) value=answer required=true error=form.error_for("answer") rows=4 />
                <TextInput id="q-category" label=trsts(|s| s.document_category) value=category />
                <TextInput id="q-position" kind="number" label=trsts(|s| s.faq_position) value=position />
                <div class="d-flex gap-2">
                    <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                        {move || if editing.with(Option::is_some) { i18n.t().save } else { i18n.s().add }}
                    </button>
                    {move || editing.with(Option::is_some).then(|| view! {
                        <button type="button" class="btn btn-outline-primary" on:click=move |_| clear()>{trst(|s| s.cancel)}</button>
                    })}
                </div>
            </form>
        </Page>
    }
}
