//! Area personale › Pratiche: the citizen's requests with their status in the citizen's
//! words.

use domain::api::{Page as ListPage, RequestSummary};
use leptos::prelude::*;

use crate::api::{self, ApiResult};
use crate::components::{CitizenStatusBadge, Crumb, Need, Page, RequireLogin, load};
use crate::format;
use crate::i18n::{tr, trs};
use crate::pages::preferences::PersonalAreaNav;

#[component]
pub fn MyRequests() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page
                title=trs(|t| t.my_requests_title)
                crumbs=vec![Crumb::new(|t| t.nav_personal_area, "/area-personale")]
            >
                <RequireLogin need=Need::Citizen>
                    <PersonalAreaNav />
                    <RequestList />
                    <crate::pages::my_drafts::MyDrafts />
                </RequireLogin>
            </Page>
        </div>
    }
}

#[component]
fn RequestList() -> impl IntoView {
    let requests: LocalResource<ApiResult<ListPage<RequestSummary>>> =
        LocalResource::new(|| api::list_requests(""));
    view! {
        <p>
            <a class="btn btn-primary" href="/nuova-richiesta">{tr(|t| t.new_request)}</a>
        </p>
        {load(requests, move |page| {
            if page.items.is_empty() {
                return view! { <p>{tr(|t| t.my_requests_empty)}</p> }.into_any();
            }
            view! {
                <ul class="list-unstyled" data-testid="my-requests">
                    {page.items.into_iter().map(|r| view! { <RequestItem r /> }).collect_view()}
                </ul>
            }
                .into_any()
        })}
    }
}

/// One request in a list: subject (its link), status, type, protocol number, due date.
#[component]
pub fn RequestItem(r: RequestSummary) -> impl IntoView {
    let href = format!("/area-personale/pratiche/{}", r.id);
    view! {
        <li class="card card-bg shadow-sm mb-3">
            <div class="card-body">
                <div class="d-flex flex-wrap justify-content-between gap-2">
                    <h2 class="h5 mb-1">
                        <a href=href>{r.subject.clone()}</a>
                    </h2>
                    <CitizenStatusBadge status=r.status />
                </div>
                <p class="small mb-0">
                    {r.type_name.clone()}
                    " · "
                    {tr(|t| t.protocol_number)}
                    " "
                    <span class="font-monospace">{r.protocol_number.clone()}</span>
                    " · "
                    {tr(|t| t.due_date)}
                    " "
                    {format::opt_date(r.due_date)}
                </p>
            </div>
        </li>
    }
}
