//! The rating block of the "Modello Comuni": 1 to 5 stars, then the follow-up question
//! for the stars given (what went well, or where it was hard), then optional details.
//! The same form rates a concluded request's answer (signed in) and a public page
//! ("Valuta questo servizio" on a service's scheda and on the confirmations, anonymous);
//! two blocks, so an app links only the sending it uses.
//! The `data-element` attributes are the ones the AgID validator looks for.

use domain::rating::{PageRating, RatedPage, Rating, RatingAspect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

use crate::api::{self, ApiResult};
use crate::components::{ErrorAlert, FormState, Notice, TextInput, load};
use crate::i18n::{RatingTexts, aspect_label, rating_texts, trrt, trrts, use_i18n};

/// "Valuta questo servizio" on a public page (`POST /public/ratings`): a service's scheda
/// or a confirmation. Anonymous, so it can always be answered again.
#[component]
pub fn PageRatingBlock(page: RatedPage) -> impl IntoView {
    let t: fn(&RatingTexts) -> &'static str = match page {
        RatedPage::Service(_) => |t| t.page_title,
        RatedPage::Filed | RatedPage::Booked | RatedPage::PickupBooked => |t| t.service_title,
    };
    let page = StoredValue::new(page.path());
    let send = move |r: Rating| async move {
        let body = PageRating {
            page: page.get_value(),
            stars: r.stars,
            aspects: r.aspects,
            details: r.details,
        };
        api::rate_page(&body).await
    };
    view! {
        <Frame title=trrt(t)>
            <RatingForm send on_sent=Callback::new(|()| ()) />
        </Frame>
    }
}

/// The rating of a concluded request's answer, once (`POST /requests/{id}/rating`): the
/// stars already given instead of the form.
#[component]
pub fn AnswerRatingBlock(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(id);
    let given = LocalResource::new(move || {
        let id = id.get_value();
        async move { api::rating(&id).await }
    });
    let send = move |r: Rating| async move { api::rate(&id.get_value(), &r).await.map(|_| ()) };
    view! {
        <Frame title=trrt(|t| t.answer_title)>
            {load(given, move |rating| {
                if let Some(r) = rating {
                    view! { <p>{move || (rating_texts(i18n.lang()).given)(r.stars)}</p> }.into_any()
                } else {
                    view! { <RatingForm send on_sent=Callback::new(move |()| given.refetch()) /> }
                        .into_any()
                }
            })}
        </Frame>
    }
}

/// The block's section and title, with the validator's attributes.
#[component]
fn Frame(title: Signal<&'static str>, children: Children) -> impl IntoView {
    view! {
        <section
            aria-labelledby="rating-title"
            class="mt-5 p-3 p-md-4 border rounded"
            data-testid="rating"
            data-element="feedback"
        >
            <h2 id="rating-title" class="h4" data-element="feedback-title">{title}</h2>
            {children()}
        </section>
    }
}

/// Stars, the follow-up for them and details; `send` stores the checked rating.
#[component]
fn RatingForm<F, Fut>(send: F, on_sent: Callback<()>) -> impl IntoView
where
    F: Fn(Rating) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = ApiResult<()>> + 'static,
{
    let i18n = use_i18n();
    let stars = RwSignal::new(0u8);
    let aspects = RwSignal::new(Vec::<RatingAspect>::new());
    let details = RwSignal::new(String::new());
    let sent = RwSignal::new(false);
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.pending.get_untracked() {
            return;
        }
        let rating = Rating {
            stars: stars.get_untracked(),
            aspects: aspects.get_untracked(),
            details: Some(details.get_untracked()),
        };
        let rating = match rating.validate() {
            Ok(r) => r,
            Err(e) => {
                form.invalid(&e);
                return;
            }
        };
        form.start();
        spawn_local(async move {
            let result = send(rating).await;
            match result {
                Ok(()) => {
                    form.succeed(rating_texts(i18n.lang()).thanks);
                    sent.set(true);
                    on_sent.run(());
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let star = move |n: u8| {
        let input_id = format!("rating-star-{n}");
        view! {
            <div class="form-check form-check-inline" data-element=format!("feedback-rate-{n}")>
                <input
                    class="form-check-input"
                    type="radio"
                    name="rating-stars"
                    id=input_id.clone()
                    value=n.to_string()
                    prop:checked=move || stars.get() == n
                    on:change=move |_| {
                        stars.set(n);
                        // The follow-up answers depend on the stars given.
                        aspects.update(|a| a.retain(|x| RatingAspect::offered(n).contains(x)));
                    }
                />
                <label class="form-check-label" for=input_id>
                    <span aria-hidden="true">{"★".repeat(usize::from(n))}</span>
                    " "
                    {move || (rating_texts(i18n.lang()).star)(n)}
                </label>
            </div>
        }
    };
    let follow_up = move || {
        let n = stars.get();
        (n > 0).then(|| {
            let question = move || {
                let t = rating_texts(i18n.lang());
                if n >= 4 { t.good } else { t.poor }
            };
            let group = if n >= 4 { "feedback-rating-positive" } else { "feedback-rating-negative" };
            view! {
                <fieldset class="mb-3" data-element=group>
                    <legend class="h6" data-element="feedback-rating-question">{question}</legend>
                    {RatingAspect::offered(n)
                        .into_iter()
                        .map(|a| {
                            let input_id = format!("rating-aspect-{}", a.code());
                            view! {
                                <div class="form-check" data-element="feedback-rating-answer">
                                    <input
                                        type="checkbox"
                                        id=input_id.clone()
                                        prop:checked=move || aspects.with(|v| v.contains(&a))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            aspects.update(|v| {
                                                v.retain(|x| *x != a);
                                                if on {
                                                    v.push(a);
                                                }
                                            });
                                        }
                                    />
                                    <label for=input_id>{move || aspect_label(i18n.lang(), a)}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <div data-element="feedback-input-text">
                    <TextInput
                        id="rating-details"
                        label=trrts(|t| t.details)
                        value=details
                        error=form.error_for("details")
                        help=trrts(|t| t.details_help)
                    />
                </div>
            }
        })
    };
    view! {
        <Notice message=form.done />
        <Show when=move || !sent.get()>
            <form on:submit=submit novalidate>
                <ErrorAlert error=form.alert />
                <fieldset class="mb-3">
                    <legend class="h6">{trrt(|t| t.legend)}</legend>
                    {(1..=5).map(star).collect_view()}
                    {move || form.error_for("stars").get().map(|e| view! { <div class="text-danger small">{e}</div> })}
                </fieldset>
                {follow_up}
                <button type="submit" class="btn btn-primary" disabled=move || form.pending.get() || stars.get() == 0>
                    {trrt(|t| t.send)}
                </button>
            </form>
        </Show>
    }
}
