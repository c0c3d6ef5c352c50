//! The rating block of the "Modello Comuni": 1 to 5 stars, then the follow-up question
//! for the stars given (what went well, or where it was hard), then optional details.
//! The same form rates a concluded request's answer (signed in) and a public page
//! ("Valuta questo servizio" on a service's scheda and on the confirmations, anonymous).
//! The `data-element` attributes are the ones the AgID validator looks for.

use domain::rating::{PageRating, RatedPage, Rating, RatingAspect};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::{ErrorAlert, FormState, Notice, TextInput, load};
use crate::i18n::{aspect_label, rating_texts, trrt, trrts, use_i18n};

/// What is rated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rated {
    /// A concluded request's answer, once (`POST /requests/{id}/rating`).
    Answer(String),
    /// A public page (`POST /public/ratings`): a service's scheda or a confirmation.
    Page(RatedPage),
}

impl Rated {
    fn title(&self, lang: domain::Lang) -> &'static str {
        let t = rating_texts(lang);
        match self {
            Self::Answer(_) => t.answer_title,
            Self::Page(RatedPage::Service(_)) => t.page_title,
            Self::Page(RatedPage::Filed | RatedPage::Booked | RatedPage::PickupBooked) => {
                t.service_title
            }
        }
    }
}

/// The block with its title. A request's answer shows the stars already given instead of
/// the form; a public page can always be rated again (it is anonymous).
#[component]
pub fn RatingBlock(rated: Rated) -> impl IntoView {
    let i18n = use_i18n();
    let title = {
        let rated = rated.clone();
        move || rated.title(i18n.lang())
    };
    let body = match rated.clone() {
        Rated::Answer(id) => {
            let id = StoredValue::new(id);
            let given = LocalResource::new(move || {
                let id = id.get_value();
                async move { api::rating(&id).await }
            });
            load(given, move |rating| {
                if let Some(r) = rating {
                    view! { <p>{move || (rating_texts(i18n.lang()).given)(r.stars)}</p> }.into_any()
                } else {
                    let on_sent = Callback::new(move |()| given.refetch());
                    view! { <RatingForm rated=Rated::Answer(id.get_value()) on_sent /> }.into_any()
                }
            })
            .into_any()
        }
        Rated::Page(_) => {
            view! { <RatingForm rated=rated.clone() on_sent=Callback::new(|()| ()) /> }.into_any()
        }
    };
    view! {
        <section
            aria-labelledby="rating-title"
            class="mt-5 p-3 p-md-4 bg-light rounded"
            data-testid="rating"
            data-element="feedback"
        >
            <h2 id="rating-title" class="h4" data-element="feedback-title">{title}</h2>
            {body}
        </section>
    }
}

#[component]
fn RatingForm(rated: Rated, on_sent: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let stars = RwSignal::new(0u8);
    let aspects = RwSignal::new(Vec::<RatingAspect>::new());
    let details = RwSignal::new(String::new());
    let sent = RwSignal::new(false);
    let form = FormState::new();
    let rated = StoredValue::new(rated);
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
        let rated = rated.get_value();
        spawn_local(async move {
            let result = match &rated {
                Rated::Answer(id) => api::rate(id, &rating).await.map(|_| ()),
                Rated::Page(page) => {
                    let body = PageRating {
                        page: page.path(),
                        stars: rating.stars,
                        aspects: rating.aspects,
                        details: rating.details,
                    };
                    api::rate_page(&body).await
                }
            };
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
