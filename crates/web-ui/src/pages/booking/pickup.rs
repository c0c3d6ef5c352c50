//! "Prenota il ritiro ingombranti" for signed-in citizens: zone, kind of waste, a day with
//! room left, what is to be collected, address and phone. The booking files a TQRIF
//! "ritiro su chiamata" request: the page shows its protocol number and due date.

use std::collections::BTreeMap;

use domain::agenda::PickupKind;
use domain::api::{CreatePickup, PickupCreated, PickupDayList, PickupItem, PickupLine, PickupZone};
use domain::rating::RatedPage;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::day_label;
use crate::api::{self, ApiResult};
use crate::app::rel_for;
use crate::components::{
    Crumb, ErrorAlert, FormState, Loading, Need, Page, RequireLogin, SelectInput, TextArea,
    TextInput, load,
};
use crate::format;
use crate::i18n::{BookingTexts, tr, tra, tras, use_i18n};
use crate::pages::rate::RateLink;
use crate::session::use_session;

pub fn pickup_kind_label(a: &BookingTexts, k: PickupKind) -> &'static str {
    a.pickup_kinds[PickupKind::ALL
        .iter()
        .position(|x| *x == k)
        .unwrap_or_default()]
}

#[component]
pub fn BookPickup() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page title=tras(|a| a.pickup_title) crumbs=vec![Crumb::new(|t| t.nav_services, "/")]>
                <RequireLogin need=Need::Citizen>
                    <PickupForm />
                </RequireLogin>
            </Page>
        </div>
    }
}

#[component]
fn PickupForm() -> impl IntoView {
    let zones: LocalResource<ApiResult<Vec<PickupZone>>> = LocalResource::new(api::pickup_zones);
    let items: LocalResource<ApiResult<Vec<PickupItem>>> = LocalResource::new(api::pickup_items);
    let created = RwSignal::new(None::<PickupCreated>);
    view! {
        {move || match created.get() {
            Some(c) => view! { <PickupDone c /> }.into_any(),
            None => load(zones, move |zones| {
                load(items, move |items| view! { <Fields zones=zones.clone() items created /> })
            })
            .into_any(),
        }}
    }
}

#[component]
fn Fields(
    zones: Vec<PickupZone>,
    items: Vec<PickupItem>,
    created: RwSignal<Option<PickupCreated>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let form = FormState::new();
    let zones = StoredValue::new(zones);
    let items = StoredValue::new(items);
    let zone = RwSignal::new(zones.with_value(|z| {
        if z.len() == 1 {
            z[0].id.clone()
        } else {
            String::new()
        }
    }));
    let kind = RwSignal::new(PickupKind::Ingombranti.code().to_owned());
    let date = RwSignal::new(String::new());
    let qty = RwSignal::new(BTreeMap::<String, u32>::new());
    let address = RwSignal::new(String::new());
    let phone = RwSignal::new(
        session
            .me
            .with_untracked(|m| m.as_ref().and_then(|m| m.phone.clone()))
            .unwrap_or_default(),
    );
    let notes = RwSignal::new(String::new());
    let key = StoredValue::new(api::new_idempotency_key());

    let selected_zone = Memo::new(move |_| {
        let id = zone.get();
        zones.with_value(|z| z.iter().find(|x| x.id == id).cloned())
    });
    let days: LocalResource<Option<ApiResult<PickupDayList>>> = LocalResource::new(move || {
        let (z, k) = (zone.get(), kind.get());
        async move {
            if z.is_empty() {
                None
            } else {
                Some(api::pickup_slots(&z, &k).await)
            }
        }
    });
    let zone_options = Signal::derive(move || {
        let mut o = vec![(String::new(), i18n.t().choose.to_owned())];
        zones.with_value(|z| o.extend(z.iter().map(|z| (z.id.clone(), z.settings.name.clone()))));
        o
    });
    let kind_options = Signal::derive(move || {
        let a = i18n.a();
        selected_zone
            .get()
            .map_or_else(|| PickupKind::ALL.to_vec(), |z| z.settings.kinds)
            .into_iter()
            .map(|k| (k.code().to_owned(), pickup_kind_label(a, k).to_owned()))
            .collect::<Vec<_>>()
    });
    let day_options = Signal::derive(move || {
        let a = i18n.a();
        let mut o = vec![(String::new(), i18n.t().choose.to_owned())];
        if let Some(Some(Ok(list))) = days.get() {
            o.extend(list.items.into_iter().filter(|d| d.remaining > 0).map(|d| {
                (
                    d.date.to_string(),
                    format!(
                        "{} ({})",
                        day_label(a, d.date),
                        (a.pieces_free)(d.remaining)
                    ),
                )
            }));
        }
        o
    });
    // A kind the new zone does not collect, or a day of another zone, is dropped.
    Effect::new(move |_| {
        if let Some(z) = selected_zone.get()
            && !z
                .settings
                .kinds
                .iter()
                .any(|k| k.code() == kind.get_untracked())
            && let Some(k) = z.settings.kinds.first()
        {
            kind.set(k.code().to_owned());
        }
    });
    Effect::new(move |_| {
        zone.track();
        kind.track();
        date.set(String::new());
    });

    let pieces = move || {
        let q = qty.get();
        items.with_value(|is| {
            is.iter()
                .filter(|i| i.kind.code() == kind.get())
                .map(|i| q.get(&i.code).copied().unwrap_or(0) * i.pieces)
                .sum::<u32>()
        })
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        form.start();
        let Ok(k) = kind.get_untracked().parse::<PickupKind>() else {
            return form.invalid(&domain::DomainError::invalid(
                "kind",
                "Scegli il tipo di rifiuto",
                "Choose the kind of waste",
            ));
        };
        let Ok(day) = date.get_untracked().parse() else {
            return form.invalid(&domain::DomainError::invalid(
                "date",
                "Scegli il giorno del ritiro",
                "Choose the day of the pickup",
            ));
        };
        let lines: Vec<PickupLine> = qty
            .get_untracked()
            .into_iter()
            .filter(|(code, n)| {
                *n > 0 && items.with_value(|is| is.iter().any(|i| i.code == *code && i.kind == k))
            })
            .map(|(code, qty)| PickupLine { code, qty })
            .collect();
        let body = CreatePickup {
            zone_id: zone.get_untracked(),
            kind: k,
            date: day,
            address: address.get_untracked(),
            items: lines,
            phone: phone.get_untracked(),
            notes: Some(notes.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        spawn_local(async move {
            match api::create_pickup(&body, &key.get_value()).await {
                Ok(c) => {
                    form.pending.set(false);
                    created.set(Some(c));
                    request_animation_frame(|| crate::browser::focus("pickup-done"));
                }
                Err(e) => {
                    key.set_value(api::new_idempotency_key());
                    form.fail(e);
                }
            }
        });
    };

    view! {
        <p class="lead">{tra(|a| a.pickup_intro)}</p>
        <ErrorAlert error=form.alert fields=&["zone_id", "kind", "date", "items", "address", "phone", "notes"] />
        <form on:submit=submit novalidate>
            <p class="small">{tr(|t| t.required_hint)}</p>
            <SelectInput id="zone_id" label=tras(|a| a.pickup_zone) value=zone options=zone_options required=true error=form.error_for("zone_id") />
            {move || selected_zone.get().map(|z| {
                let streets = z.settings.streets.join(", ");
                let caps = z.settings.postcodes.join(", ");
                view! { <p class="small">{move || (i18n.a().pickup_zone_serves)(&caps, &streets)}</p> }
            })}
            <SelectInput id="kind" label=tras(|a| a.pickup_kind) value=kind options=kind_options required=true error=form.error_for("kind") />
            {move || match days.get() {
                Some(Some(Err(e))) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                None => view! { <Loading /> }.into_any(),
                _ => view! {
                    <SelectInput id="date" label=tras(|a| a.pickup_day) value=date options=day_options required=true error=form.error_for("date") />
                }
                .into_any(),
            }}
            <fieldset class="mb-4" id="items" tabindex="-1" aria-describedby="items-help">
                <legend class="h6">{tra(|a| a.pickup_items)}</legend>
                <p class="small" id="items-help">
                    {move || {
                        let max = selected_zone.get().map_or(0, |z| z.settings.max_pieces_per_booking);
                        (i18n.a().pickup_pieces_help)(pieces(), max)
                    }}
                </p>
                {move || {
                    let k = kind.get();
                    items.with_value(|is| {
                        is.iter()
                            .filter(|i| i.kind.code() == k)
                            .map(|i| {
                                let id = format!("item-{}", i.code);
                                let code = i.code.clone();
                                let code2 = i.code.clone();
                                let label = format!("{} ({})", i.name, (i18n.a().pieces_each)(i.pieces));
                                view! {
                                    <div class="form-group item-qty">
                                        <label for=id.clone() class="active">{label}</label>
                                        <input
                                            type="number"
                                            class="form-control"
                                            id=id
                                            min="0"
                                            max="20"
                                            inputmode="numeric"
                                            prop:value=move || qty.with(|q| q.get(&code).copied().unwrap_or(0).to_string())
                                            on:input:target=move |ev| {
                                                let n = ev.target().value().trim().parse::<u32>().unwrap_or(0);
                                                qty.update(|q| {
                                                    q.insert(code2.clone(), n);
                                                });
                                            }
                                        />
                                    </div>
                                }
                            })
                            .collect_view()
                    })
                }}
                {move || form.error_for("items").get().map(|e| view! { <div class="invalid-feedback d-block">{e}</div> })}
            </fieldset>
            <TextInput id="address" label=tras(|a| a.pickup_address) value=address required=true autocomplete="street-address" error=form.error_for("address") />
            <TextInput id="phone" kind="tel" label=tras(|a| a.pickup_phone) value=phone required=true autocomplete="tel" help=tras(|a| a.pickup_phone_help) error=form.error_for("phone") />
            <TextArea id="notes" label=tras(|a| a.pickup_notes) value=notes rows=3 error=form.error_for("notes") />
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{tra(|a| a.pickup_submit)}</button>
        </form>
    }
}

#[component]
fn PickupDone(c: PickupCreated) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/area-personale/pratiche/{}", c.request.id);
    let p = c.pickup;
    let kind = p.kind;
    let date = p.date;
    let agreed = p.agreed_beyond_standard;
    let lines = p
        .items
        .iter()
        .map(|l| format!("{} × {}", l.qty, l.name))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <div class="alert alert-success" role="status" id="pickup-done" tabindex="-1">{tra(|a| a.pickup_done)}</div>
        <dl class="row">
            <dt class="col-sm-4">{tr(|t| t.protocol_number)}</dt>
            <dd class="col-sm-8 h4" data-testid="protocol-number">{c.request.protocol_number.clone()}</dd>
            <dt class="col-sm-4">{tra(|a| a.pickup_day)}</dt>
            <dd class="col-sm-8" data-testid="pickup-date">{move || day_label(i18n.a(), date)}</dd>
            <dt class="col-sm-4">{tr(|t| t.due_date)}</dt>
            <dd class="col-sm-8" data-testid="due-date">{format::opt_date(c.request.due_date)}</dd>
            <dt class="col-sm-4">{tra(|a| a.pickup_kind)}</dt>
            <dd class="col-sm-8">{move || pickup_kind_label(i18n.a(), kind)}</dd>
            <dt class="col-sm-4">{tra(|a| a.pickup_items)}</dt>
            <dd class="col-sm-8">{lines}</dd>
            <dt class="col-sm-4">{tra(|a| a.pickup_address)}</dt>
            <dd class="col-sm-8">{p.address.clone()}</dd>
        </dl>
        {agreed.then(|| view! { <p class="alert alert-info">{tra(|a| a.pickup_agreed)}</p> })}
        <a class="btn btn-primary" href=href.clone() rel=rel_for(&href)>{tr(|t| t.go_to_request)}</a>
        <RateLink page=RatedPage::PickupBooked />
    }
}
