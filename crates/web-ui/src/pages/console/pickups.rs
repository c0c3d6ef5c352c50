//! Pickups in the console: the crew's route sheet of a zone and day (list, CSV, PDF) with
//! each outcome (done answers the citizen's request; not done says why), and the
//! administration of zones and of the catalogue of what is collected.

use domain::agenda::{PickupAction, PickupKind, PickupStatus};
use domain::api::{
    PickupActionRequest, PickupItem, PickupView, PickupZone, RouteSheet, SavePickupItem,
    SavePickupZone,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::desks::Editing;
use crate::api::{self, ApiResult};
use crate::browser;
use crate::components::{
    ErrorAlert, FormState, Loading, Notice, Page, SelectInput, TextArea, TextInput, load,
};
use crate::i18n::{AgendaTexts, trag, trags, use_i18n};
use crate::pages::booking::{day_label, pickup_kind_label};

fn status_label(g: &AgendaTexts, s: PickupStatus) -> &'static str {
    g.pickup_status_labels[PickupStatus::ALL
        .iter()
        .position(|x| *x == s)
        .unwrap_or_default()]
}

// ---- the route sheet ----------------------------------------------------------------

#[component]
pub fn RouteSheetPage() -> impl IntoView {
    let zones: LocalResource<ApiResult<Vec<PickupZone>>> = LocalResource::new(api::pickup_zones);
    view! {
        <Page title=trags(|g| g.route_title) no_breadcrumbs=true>
            {load(zones, |zones| {
                if zones.is_empty() {
                    view! { <p role="status">{trag(|g| g.no_zones)}</p> }.into_any()
                } else {
                    view! { <Sheet zones /> }.into_any()
                }
            })}
        </Page>
    }
}

#[component]
fn Sheet(zones: Vec<PickupZone>) -> impl IntoView {
    let i18n = use_i18n();
    let zone = RwSignal::new(zones[0].id.clone());
    let date = RwSignal::new(domain::calendar::rome_date(browser::now()).to_string());
    let options = Signal::stored(
        zones
            .iter()
            .map(|z| (z.id.clone(), z.settings.name.clone()))
            .collect::<Vec<_>>(),
    );
    let sheet: LocalResource<ApiResult<RouteSheet>> = LocalResource::new(move || {
        let (z, d) = (zone.get(), date.get());
        async move { api::route_sheet(&z, &d).await }
    });
    let download = FormState::new();
    let file = move |ext: &'static str| {
        move |_| {
            let q = api::route_sheet_query(&zone.get_untracked(), &date.get_untracked());
            let name = format!("giro-ritiri-{}.{ext}", date.get_untracked());
            download.start();
            spawn_local(async move {
                match api::download(&format!("/pickups/route-sheet.{ext}{q}"), &name).await {
                    Ok(()) => download.pending.set(false),
                    Err(e) => download.fail(e),
                }
            });
        }
    };
    let done = RwSignal::new(None::<String>);
    view! {
        <div class="row g-3 align-items-end">
            <div class="col-12 col-md-6">
                <SelectInput id="route-zone" label=trags(|g| g.zone) value=zone options />
            </div>
            <div class="col-12 col-md-6">
                <div class="form-group mb-4">
                    <label for="route-date" class="active">{trag(|g| g.day)}</label>
                    <input type="date" id="route-date" class="form-control" bind:value=date />
                </div>
            </div>
        </div>
        <div class="d-flex flex-wrap gap-2 mb-3">
            <button type="button" class="btn btn-outline-primary btn-sm" disabled=move || download.pending.get() on:click=file("csv")>{trag(|g| g.download_csv)}</button>
            <button type="button" class="btn btn-outline-primary btn-sm" disabled=move || download.pending.get() on:click=file("pdf")>{trag(|g| g.download_pdf)}</button>
        </div>
        <ErrorAlert error=download.alert />
        <Notice message=done />
        {move || match sheet.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
            Some(Ok(s)) => {
                let total = s.pieces;
                let n = s.items.len();
                let d = s.date;
                view! {
                    <h2 class="h5">
                        {move || day_label(i18n.a(), d)}
                        " · "
                        {move || (i18n.g().route_summary)(n, total)}
                    </h2>
                    {if s.items.is_empty() {
                        view! { <p class="text-muted" role="status">{trag(|g| g.route_empty)}</p> }.into_any()
                    } else {
                        view! {
                            <ol class="list-unstyled">
                                {s.items.into_iter().map(|p| view! { <li><Stop p sheet done /></li> }).collect_view()}
                            </ol>
                        }
                        .into_any()
                    }}
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn Stop(
    p: PickupView,
    sheet: LocalResource<ApiResult<RouteSheet>>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let note = RwSignal::new(String::new());
    let id = StoredValue::new(p.id.clone());
    let status = p.status;
    let kind = p.kind;
    let heading = format!("stop-{}", p.id);
    let labelled = heading.clone();
    let act = move |action: PickupAction| {
        let text = note.get_untracked().trim().to_owned();
        if action == PickupAction::NotDone && text.is_empty() {
            return form.invalid(&domain::DomainError::invalid(
                "note",
                "Indica perché il ritiro non è stato fatto: sarà comunicato al cittadino",
                "Say why the pickup was not done: the citizen is told",
            ));
        }
        form.start();
        spawn_local(async move {
            let body = PickupActionRequest {
                action,
                note: Some(text).filter(|t| !t.is_empty()),
            };
            match api::pickup_action(&id.get_value(), &body).await {
                Ok(v) => {
                    done.set(Some((i18n.g().pickup_outcome)(
                        &v.address,
                        status_label(i18n.g(), v.status),
                    )));
                    sheet.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let lines = p
        .items
        .iter()
        .map(|l| format!("{} × {}", l.qty, l.name))
        .collect::<Vec<_>>()
        .join(", ");
    let note_id = format!("note-{}", p.id);
    view! {
        <article class="card card-bg shadow-sm mb-3" aria-labelledby=labelled data-testid="route-stop" data-protocol=p.protocol_number.clone()>
            <div class="card-body">
                <h3 class="h6 mb-1" id=heading>
                    {p.address.clone()}
                    " "
                    <span class="badge bg-light text-dark border" data-status=status.code()>{move || status_label(i18n.g(), status)}</span>
                </h3>
                <p class="small mb-2">
                    {move || pickup_kind_label(i18n.a(), kind)}": "{lines}" · "{move || (i18n.g().pieces)(p.pieces)}
                    <span class="d-block">
                        {p.citizen.clone().map(|c| c.name).unwrap_or_default()}" · "{p.phone.clone()}" · "{p.protocol_number.clone()}
                    </span>
                    {p.notes.clone().map(|n| view! { <span class="d-block">{n}</span> })}
                    {p.outcome_note.clone().map(|n| view! { <span class="d-block">{trag(|g| g.outcome_note)}": "{n}</span> })}
                </p>
                <ErrorAlert error=form.alert />
                {(status == PickupStatus::Booked).then(|| view! {
                    <TextArea id=note_id label=trags(|g| g.outcome_note) value=note rows=2 error=form.error_for("note") />
                    <div class="d-flex flex-wrap gap-2">
                        <button type="button" class="btn btn-sm btn-success" disabled=move || form.pending.get() on:click=move |_| act(PickupAction::Done)>{trag(|g| g.mark_done)}</button>
                        <button type="button" class="btn btn-sm btn-outline-danger" disabled=move || form.pending.get() on:click=move |_| act(PickupAction::NotDone)>{trag(|g| g.mark_not_done)}</button>
                    </div>
                })}
            </div>
        </article>
    }
}

// ---- zones and catalogue (administrators) -------------------------------------------

#[component]
pub fn PickupAdminPage() -> impl IntoView {
    let zones: LocalResource<ApiResult<Vec<PickupZone>>> = LocalResource::new(api::pickup_zones);
    let items: LocalResource<ApiResult<Vec<PickupItem>>> = LocalResource::new(api::pickup_items);
    let editing = RwSignal::new(None::<Editing<PickupZone>>);
    let done = RwSignal::new(None::<String>);
    view! {
        <Page title=trags(|g| g.zones_title) no_breadcrumbs=true>
            <Notice message=done />
            {load(zones, move |list| {
                let rows = list
                    .into_iter()
                    .map(|z| {
                        let zz = z.clone();
                        view! {
                            <tr>
                                <td>{z.settings.name.clone()}</td>
                                <td>{z.settings.weekdays.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")}</td>
                                <td>{z.settings.daily_capacity}</td>
                                <td>
                                    <button type="button" class="btn btn-sm btn-outline-primary" on:click=move |_| editing.set(Some(Editing::Existing(zz.clone())))>
                                        {trag(|g| g.edit)}<span class="visually-hidden">{format!(" {}", z.settings.name)}</span>
                                    </button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-responsive">
                        <table class="table">
                            <thead><tr>
                                <th scope="col">{trag(|g| g.zone)}</th>
                                <th scope="col">{trag(|g| g.weekdays)}</th>
                                <th scope="col">{trag(|g| g.daily_capacity)}</th>
                                <th scope="col"><span class="visually-hidden">{trag(|g| g.edit)}</span></th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })}
            <button type="button" class="btn btn-primary mb-4" on:click=move |_| editing.set(Some(Editing::New))>{trag(|g| g.add_zone)}</button>
            {move || editing.get().map(|z| view! { <ZoneForm zone=z.existing() zones editing done /> })}
            <h2 class="h4 mt-5">{trag(|g| g.items_title)}</h2>
            <Items items />
        </Page>
    }
}

fn csv(list: &[String]) -> String {
    list.join(", ")
}

fn split(s: &str, sep: char) -> Vec<String> {
    s.split(sep)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
fn ZoneForm(
    zone: Option<PickupZone>,
    zones: LocalResource<ApiResult<Vec<PickupZone>>>,
    editing: RwSignal<Option<Editing<PickupZone>>>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let id = zone.as_ref().map(|z| z.id.clone());
    let s = zone.map_or_else(
        || SavePickupZone {
            name: String::new(),
            postcodes: Vec::new(),
            streets: Vec::new(),
            weekdays: vec![2],
            daily_capacity: 20,
            max_pieces_per_booking: 6,
            kinds: vec![PickupKind::Ingombranti],
            overrides: Vec::new(),
            min_notice_days: 1,
            booking_window_days: 60,
            cancel_until_days: 1,
        },
        |z| z.settings,
    );
    let overrides = StoredValue::new(s.overrides.clone());
    let name = RwSignal::new(s.name.clone());
    let postcodes = RwSignal::new(csv(&s.postcodes));
    let streets = RwSignal::new(s.streets.join("\n"));
    let weekdays: Vec<RwSignal<bool>> = (1..=7)
        .map(|d| RwSignal::new(s.weekdays.contains(&d)))
        .collect();
    let kinds: Vec<RwSignal<bool>> = PickupKind::ALL
        .iter()
        .map(|k| RwSignal::new(s.kinds.contains(k)))
        .collect();
    let num = |n: u32| RwSignal::new(n.to_string());
    let capacity = num(s.daily_capacity);
    let max = num(s.max_pieces_per_booking);
    let notice = num(s.min_notice_days);
    let window = num(s.booking_window_days);
    let cancel = num(s.cancel_until_days);
    let (wd, ks) = (
        StoredValue::new(weekdays.clone()),
        StoredValue::new(kinds.clone()),
    );
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().unwrap_or(0);
        let body = SavePickupZone {
            name: name.get_untracked(),
            postcodes: split(&postcodes.get_untracked(), ','),
            streets: split(&streets.get_untracked(), '\n'),
            weekdays: wd.with_value(|w| {
                (1..=7u8)
                    .filter(|d| w[usize::from(*d) - 1].get_untracked())
                    .collect()
            }),
            daily_capacity: n(capacity),
            max_pieces_per_booking: n(max),
            kinds: ks.with_value(|k| {
                PickupKind::ALL
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| k[*i].get_untracked())
                    .map(|(_, k)| k)
                    .collect()
            }),
            overrides: overrides.get_value(),
            min_notice_days: n(notice),
            booking_window_days: n(window),
            cancel_until_days: n(cancel),
        };
        form.start();
        spawn_local(async move {
            let r = match id.get_value() {
                Some(id) => api::update_pickup_zone(&id, &body).await,
                None => api::create_pickup_zone(&body).await,
            };
            match r {
                Ok(_) => {
                    done.set(Some(i18n.s().action_done.to_owned()));
                    editing.set(None);
                    zones.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let remove = move |_| {
        let Some(zid) = id.get_value() else { return };
        if !browser::confirm(i18n.g().delete_confirm) {
            return;
        }
        form.start();
        spawn_local(async move {
            match api::delete_pickup_zone(&zid).await {
                Ok(()) => {
                    editing.set(None);
                    zones.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let is_new = id.with_value(Option::is_none);
    view! {
        <form on:submit=submit novalidate class="card card-bg shadow-sm p-3 mb-4">
            <h2 class="h5">{move || if is_new { i18n.g().add_zone } else { i18n.g().edit_zone }}</h2>
            <ErrorAlert error=form.alert fields=&["name", "postcodes", "streets", "weekdays", "daily_capacity", "max_pieces_per_booking", "kinds"] />
            <TextInput id="name" label=trags(|g| g.zone) value=name required=true error=form.error_for("name") />
            <TextInput id="postcodes" label=trags(|g| g.postcodes) value=postcodes help=trags(|g| g.postcodes_help) error=form.error_for("postcodes") />
            <TextArea id="streets" label=trags(|g| g.streets) value=streets rows=3 error=form.error_for("streets") />
            <fieldset class="mb-3" id="weekdays" tabindex="-1">
                <legend class="h6">{trag(|g| g.weekdays)}</legend>
                {weekdays.into_iter().enumerate().map(|(i, on)| {
                    let cid = format!("zone-wd-{i}");
                    view! {
                        <div class="form-check form-check-inline">
                            <input type="checkbox" id=cid.clone() bind:checked=on />
                            <label for=cid>{move || i18n.a().weekdays[i]}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset class="mb-3" id="kinds" tabindex="-1">
                <legend class="h6">{trag(|g| g.kinds)}</legend>
                {kinds.into_iter().enumerate().map(|(i, on)| {
                    let cid = format!("zone-kind-{i}");
                    view! {
                        <div class="form-check">
                            <input type="checkbox" id=cid.clone() bind:checked=on />
                            <label for=cid>{move || i18n.a().pickup_kinds[i]}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="row">
                <div class="col-12 col-md-6"><TextInput id="daily_capacity" kind="number" label=trags(|g| g.daily_capacity) value=capacity required=true error=form.error_for("daily_capacity") /></div>
                <div class="col-12 col-md-6"><TextInput id="max_pieces_per_booking" kind="number" label=trags(|g| g.max_pieces) value=max required=true error=form.error_for("max_pieces_per_booking") /></div>
                <div class="col-12 col-md-4"><TextInput id="min_notice_days" kind="number" label=trags(|g| g.min_notice_days) value=notice error=form.error_for("min_notice_days") /></div>
                <div class="col-12 col-md-4"><TextInput id="booking_window_days" kind="number" label=trags(|g| g.window_days) value=window error=form.error_for("booking_window_days") /></div>
                <div class="col-12 col-md-4"><TextInput id="cancel_until_days" kind="number" label=trags(|g| g.cancel_days) value=cancel error=form.error_for("cancel_until_days") /></div>
            </div>
            <div class="d-flex flex-wrap gap-2">
                <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{tr_save()}</button>
                <button type="button" class="btn btn-outline-primary" on:click=move |_| editing.set(None)>{trag(|g| g.close)}</button>
                {(!is_new).then(|| view! { <button type="button" class="btn btn-outline-danger" on:click=remove>{trag(|g| g.delete)}</button> })}
            </div>
        </form>
    }
}

fn tr_save() -> Signal<&'static str> {
    crate::i18n::tr(|t| t.save)
}

#[component]
fn Items(items: LocalResource<ApiResult<Vec<PickupItem>>>) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(PickupKind::Ingombranti.code().to_owned());
    let pieces = RwSignal::new("1".to_owned());
    let kind_options = Signal::derive(move || {
        PickupKind::ALL
            .into_iter()
            .map(|k| {
                (
                    k.code().to_owned(),
                    pickup_kind_label(i18n.a(), k).to_owned(),
                )
            })
            .collect::<Vec<_>>()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = SavePickupItem {
            code: code.get_untracked().trim().to_owned(),
            name: name.get_untracked(),
            kind: kind
                .get_untracked()
                .parse()
                .unwrap_or(PickupKind::Ingombranti),
            pieces: pieces.get_untracked().trim().parse().unwrap_or(0),
        };
        form.start();
        spawn_local(async move {
            match api::create_pickup_item(&body).await {
                Ok(_) => {
                    form.succeed(i18n.s().action_done);
                    code.set(String::new());
                    name.set(String::new());
                    items.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        {load(items, move |list| {
            let rows = list.into_iter().map(|i| {
                let k = i.kind;
                view! {
                    <tr>
                        <td class="font-monospace">{i.code}</td>
                        <td>{i.name}</td>
                        <td>{move || pickup_kind_label(i18n.a(), k)}</td>
                        <td>{i.pieces}</td>
                    </tr>
                }
            }).collect_view();
            view! {
                <div class="table-responsive">
                    <table class="table">
                        <thead><tr>
                            <th scope="col">{trag(|g| g.item_code)}</th>
                            <th scope="col">{trag(|g| g.item_name)}</th>
                            <th scope="col">{trag(|g| g.kinds)}</th>
                            <th scope="col">{trag(|g| g.item_pieces)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
        })}
        <form on:submit=submit novalidate>
            <h3 class="h5">{trag(|g| g.add_item)}</h3>
            <Notice message=form.done />
            <ErrorAlert error=form.alert fields=&["code", "pieces"] />
            <TextInput id="code" label=trags(|g| g.item_code) value=code required=true error=form.error_for("code") />
            <TextInput id="item-name" label=trags(|g| g.item_name) value=name required=true error=form.error_for("name") />
            <SelectInput id="item-kind" label=trags(|g| g.kinds) value=kind options=kind_options />
            <TextInput id="pieces" kind="number" label=trags(|g| g.item_pieces) value=pieces required=true error=form.error_for("pieces") />
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{trag(|g| g.add_item)}</button>
        </form>
    }
}
