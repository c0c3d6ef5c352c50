//! Pieces shared by the public-content administration: an error summary for forms whose
//! inputs are rows of a list (a field like `links[0].url` names a row, not a fixed id),
//! and the Italian percentage.

use domain::Lang;
use leptos::prelude::*;

use crate::browser;
use crate::components::FormState;
use crate::components::alert::error_text;

/// Which input shows which field: `(field, input id)` pairs, set when the form is sent.
pub type Targets = RwSignal<Vec<(String, String)>>;

/// The error shown by input `id`: the first error of a field `targets` sends there.
pub fn error_at(form: FormState, targets: Targets, id: String) -> Signal<Option<String>> {
    Signal::derive(move || {
        targets.with(|t| {
            form.errors.with(|es| {
                es.iter()
                    .find(|e| t.iter().any(|(f, input)| *input == id && *f == e.field))
                    .map(|e| e.message.clone())
            })
        })
    })
}

/// The form's alert as an error summary: it takes focus when it appears and lists each
/// field error as a link to the input that shows it (focus moves there).
#[component]
pub fn Summary(form: FormState, targets: Targets, id: &'static str) -> impl IntoView {
    Effect::new(move |_| {
        if form.alert.with(Option::is_some) {
            request_animation_frame(move || browser::focus(id));
        }
    });
    view! {
        <div aria-live="assertive">
            {move || {
                form.alert
                    .get()
                    .map(|e| {
                        let (title, detail) = error_text(&e);
                        let items = form
                            .errors
                            .get()
                            .into_iter()
                            .map(|fe| {
                                let input = targets
                                    .with(|t| t.iter().find(|(f, _)| *f == fe.field).map(|(_, i)| i.clone()));
                                match input {
                                    Some(input) => {
                                        let href = format!("#{input}");
                                        view! {
                                            <li>
                                                <a
                                                    href=href
                                                    on:click=move |ev| {
                                                        ev.prevent_default();
                                                        browser::focus(&input);
                                                    }
                                                >
                                                    {fe.message}
                                                </a>
                                            </li>
                                        }
                                            .into_any()
                                    }
                                    None => view! { <li>{fe.message}</li> }.into_any(),
                                }
                            })
                            .collect::<Vec<_>>();
                        let list = (!items.is_empty()).then(|| view! { <ul class="mt-2 mb-0">{items}</ul> });
                        view! {
                            <div class="alert alert-danger mb-4" role="alert" id=id tabindex="-1">
                                <p class="h5 alert-heading">{title}</p>
                                {detail.map(|d| view! { <p class="mb-0">{d}</p> })}
                                {list}
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// A percentage with one decimal: "67,4 %" (a no-break space before the sign) in
/// Italian, "67.4%" in English; integer arithmetic on the tenths.
pub fn percent(lang: Lang, p: f64) -> String {
    #[allow(clippy::cast_possible_truncation)]
    let tenths = (p * 10.0).round() as i64;
    let (sign, tenths) = if tenths < 0 {
        ("-", -tenths)
    } else {
        ("", tenths)
    };
    match lang {
        Lang::It => format!("{sign}{},{}\u{a0}%", tenths / 10, tenths % 10),
        Lang::En => format!("{sign}{}.{}%", tenths / 10, tenths % 10),
    }
}

/// A percentage typed by hand, with a decimal comma or point ("67,4", "67.4 %").
pub fn parse_percent(s: &str) -> Option<f64> {
    let s = s.trim().trim_end_matches('%').trim().replace(',', ".");
    s.parse::<f64>().ok().filter(|p| p.is_finite())
}
