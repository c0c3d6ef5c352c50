//! pagoPA at the desk: on a contribuente's file, the notices of each act (numero avviso,
//! instalment, amount, due date, state) with the printable notice; on Contribuenti,
//! "Verifica un pagamento" for any numero avviso of the tenant (the same form the citizen
//! has, looking among every notice of the Comune).

use domain::api::{Act, Notice};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, ApiResult};
use crate::components::{ErrorAlert, Loading};
use crate::format::{self, euro};
use crate::i18n::{pay_texts, trp, use_i18n};
use crate::pages::account::payments::{NoticeStatusBadge, printed};
use crate::pages::account::statement::kind_label;

pub use crate::pages::account::payments::VerifyPayment;

async fn load(acts: Vec<Act>) -> ApiResult<Vec<(Act, Vec<Notice>)>> {
    let lists = futures::future::join_all(acts.iter().map(|a| api::act_notices(&a.id))).await;
    acts.into_iter()
        .zip(lists)
        .map(|(a, l)| l.map(|l| (a, l.items)))
        .collect()
}

/// The notices of every act of the contribuente.
#[component]
pub fn ActNotices(acts: Vec<Act>) -> impl IntoView {
    let data = LocalResource::new(move || load(acts.clone()));
    view! {
        <section aria-labelledby="tp-notices" class="mb-4" data-testid="act-notices">
            <h2 id="tp-notices" class="h4">{trp(|t| t.staff_notices_title)}</h2>
            {move || match data.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                Some(Ok(all)) => all
                    .into_iter()
                    .map(|(act, notices)| view! { <ActNoticeTable act notices /> })
                    .collect_view()
                    .into_any(),
            }}
        </section>
    }
}

#[component]
fn ActNoticeTable(act: Act, notices: Vec<Notice>) -> impl IntoView {
    let i18n = use_i18n();
    let heading = {
        let (kind, number, year) = (act.kind, act.number.clone(), act.year);
        move || format!("{} {number} ({year})", kind_label(i18n.lang(), kind))
    };
    let caption = {
        let number = act.number.clone();
        Signal::derive(move || (pay_texts(i18n.lang()).staff_notices_caption)(&number))
    };
    if notices.is_empty() {
        return view! {
            <h3 class="h6">{heading}</h3>
            <p>{trp(|t| t.staff_notices_empty)}</p>
        }
        .into_any();
    }
    let rows = notices
        .into_iter()
        .map(|n| view! { <NoticeRow n /> })
        .collect_view();
    view! {
        <h3 class="h6">{heading}</h3>
        <div class="table-responsive position-relative" tabindex="0" role="region" aria-label=caption>
            <table class="table table-sm align-middle" data-testid="notices">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{trp(|t| t.nav)}</th>
                        <th scope="col">{trp(|t| t.instalment)}</th>
                        <th scope="col" class="text-end">{trp(|t| t.amount)}</th>
                        <th scope="col">{trp(|t| t.due)}</th>
                        <th scope="col">{trp(|t| t.status)}</th>
                        <th scope="col"><span class="visually-hidden">{trp(|t| t.notice_pdf)}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn NoticeRow(n: Notice) -> impl IntoView {
    let i18n = use_i18n();
    let shown = printed(&n.nav);
    let error = RwSignal::new(None::<ApiError>);
    let nav = StoredValue::new(n.nav.clone());
    let download = move |_| {
        spawn_local(async move {
            let nav = nav.get_value();
            error.set(
                api::download(&api::notice_pdf_url(&nav), &format!("avviso-{nav}.pdf"))
                    .await
                    .err(),
            );
        });
    };
    let printable = n.status != domain::pagopa::NoticeStatus::Cancelled;
    let detail = {
        let shown = shown.clone();
        move || (pay_texts(i18n.lang()).for_nav)(&shown)
    };
    view! {
        <tr data-testid="notice-row" data-nav=n.nav.clone()>
            <td class="font-monospace text-nowrap">{shown.clone()}</td>
            <td>{n.instalment}</td>
            <td class="text-end text-nowrap">{euro(n.amount)}</td>
            <td class="text-nowrap">{format::date(n.due_date)}</td>
            <td><NoticeStatusBadge status=n.status /></td>
            <td>
                {printable.then(|| view! {
                    <button type="button" class="btn btn-outline-primary btn-sm" on:click=download>
                        {trp(|t| t.notice_pdf)}
                        <span class="visually-hidden">{detail}</span>
                    </button>
                })}
                <ErrorAlert error=error />
            </td>
        </tr>
    }
}
