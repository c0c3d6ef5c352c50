//! Area personale › Bozze: the citizen's drafts of new requests, saved from the wizard
//! ("Salva bozza") on any device. "Riprendi" opens the wizard at the data step with the
//! draft's values; filing the request deletes the draft on the server.

use domain::api::Draft;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::browser;
use crate::components::{ErrorAlert, Notice, load};
use crate::format;
use crate::i18n::{trwz, use_i18n, wizard_texts};
use crate::pages::wizard::{draft_url, resume_draft};
use crate::session::{use_session, use_tenant};

/// The "Bozze" section, self-contained: it loads, lists and deletes the drafts.
#[component]
pub fn MyDrafts() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0_u32);
    let drafts = LocalResource::new(move || {
        reload.track();
        api::drafts()
    });
    let done = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let remove = move |type_code: String| {
        if !browser::confirm(wizard_texts(i18n.lang()).delete_confirm) {
            return;
        }
        done.set(None);
        error.set(None);
        spawn_local(async move {
            match api::delete_draft(&type_code).await {
                Ok(()) => {
                    done.set(Some(wizard_texts(i18n.lang()).draft_deleted.to_owned()));
                    reload.update(|n| *n += 1);
                    // The button is gone: the section's heading takes focus.
                    request_animation_frame(|| browser::focus("drafts-title"));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="mb-5" aria-labelledby="drafts-title" data-testid="drafts">
            <h2 id="drafts-title" class="h4" tabindex="-1">{trwz(|w| w.drafts_title)}</h2>
            <Notice message=done />
            <ErrorAlert error />
            {load(drafts, move |list| {
                if list.is_empty() {
                    return view! { <p>{trwz(|w| w.drafts_empty)}</p> }.into_any();
                }
                view! {
                    <ul class="list-unstyled">
                        {list
                            .into_iter()
                            .map(|d| view! { <DraftItem d remove /> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            })}
        </section>
    }
}

#[component]
fn DraftItem(d: Draft, remove: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    let session = use_session();
    let type_name = tenant
        .types()
        .into_iter()
        .find(|t| t.code == d.type_code)
        .map_or_else(|| d.type_code.clone(), |t| t.name);
    let title_id = format!("draft-{}", d.type_code);
    let subject = if d.subject.trim().is_empty() {
        None
    } else {
        Some(d.subject.clone())
    };
    let saved_at = format::datetime(d.updated_at);
    let href = draft_url(&d.type_code);
    let code = d.type_code.clone();
    let draft = StoredValue::new(d);
    view! {
        <li class="card card-bg shadow-sm mb-3">
            <div class="card-body">
                <h3 class="h5 mb-1" id=title_id.clone()>{type_name}</h3>
                <p class="mb-1">
                    {move || subject.clone().unwrap_or_else(|| wizard_texts(i18n.lang()).draft_no_subject.to_owned())}
                </p>
                <p class="small text-muted mb-2">
                    {move || (wizard_texts(i18n.lang()).draft_saved_at)(&saved_at)}
                </p>
                <div class="d-flex flex-wrap gap-2">
                    <a
                        class="btn btn-primary btn-sm"
                        href=href
                        aria-describedby=title_id.clone()
                        on:click=move |_| {
                            // The values go where the wizard looks for them, then the
                            // router follows the link.
                            session.me.with_untracked(|me| {
                                if let Some(me) = me {
                                    draft.with_value(|d| resume_draft(me, d));
                                }
                            });
                        }
                    >
                        {trwz(|w| w.resume)}
                    </a>
                    <button
                        type="button"
                        class="btn btn-outline-danger btn-sm"
                        aria-describedby=title_id
                        on:click=move |_| remove(code.clone())
                    >
                        {trwz(|w| w.delete)}
                    </button>
                </div>
            </div>
        </li>
    }
}
