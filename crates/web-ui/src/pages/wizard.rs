//! The new-request wizard, following the Designers Italia service flow:
//! privacy → type → data and attachments → summary (with the due date the server will
//! set, computed here with the same `domain` calendar) → confirmation with protocol.

use std::collections::BTreeMap;

use domain::api::{CreateMessage, CreateRequest, FieldDef, FieldType, RequestType, RequestView};
use domain::deadline::due_date;
use domain::error::Errors;
use domain::types::{Description, Subject};
use domain::{DomainError, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use web_sys::File;

use crate::api::{self, AnswerHit};
use crate::browser;
use crate::components::{
    Checkbox, Crumb, ErrorAlert, FileInput, FormState, Need, Page, ProgressBar, RequireLogin,
    SelectInput, TextArea, TextInput, load,
};
use crate::format;
use crate::i18n::{Texts, kind_label, tr, trs, use_i18n};
use crate::session::use_tenant;

const STEPS: usize = 5;

#[component]
pub fn Wizard() -> impl IntoView {
    view! {
        <div class="container my-4">
            <Page
                title=trs(|t| t.wizard_title)
                crumbs=vec![Crumb::new(|t| t.nav_services, "/")]
            >
                <RequireLogin need=Need::Citizen>
                    <WizardSteps />
                </RequireLogin>
            </Page>
        </div>
    }
}

/// The inputs of the chosen type's form, one signal per field. The signals belong to the
/// wizard, not to the step that first shows them: the data step is dropped when the
/// citizen moves on, and the summary and the submit still read its values.
#[derive(Clone, Copy)]
struct FieldValues {
    owner: StoredValue<Owner>,
    text: StoredValue<BTreeMap<String, RwSignal<String>>>,
    checked: StoredValue<BTreeMap<String, RwSignal<bool>>>,
}

impl FieldValues {
    fn new() -> Self {
        Self {
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            text: StoredValue::new(BTreeMap::new()),
            checked: StoredValue::new(BTreeMap::new()),
        }
    }

    fn text(self, name: &str) -> RwSignal<String> {
        if let Some(s) = self.text.with_value(|m| m.get(name).copied()) {
            return s;
        }
        let s = self
            .owner
            .with_value(|o| o.with(|| RwSignal::new(String::new())));
        self.text.update_value(|m| {
            m.insert(name.to_owned(), s);
        });
        s
    }

    fn checked(self, name: &str) -> RwSignal<bool> {
        if let Some(s) = self.checked.with_value(|m| m.get(name).copied()) {
            return s;
        }
        let s = self.owner.with_value(|o| o.with(|| RwSignal::new(false)));
        self.checked.update_value(|m| {
            m.insert(name.to_owned(), s);
        });
        s
    }

    /// The JSON values of the type's fields, checking required and numeric ones.
    fn collect(
        self,
        defs: &[FieldDef],
        errors: &mut Errors,
    ) -> BTreeMap<String, serde_json::Value> {
        let mut out = BTreeMap::new();
        for def in defs {
            let key = format!("fields.{}", def.name);
            if def.field_type == FieldType::Checkbox {
                let on = self.checked(&def.name).get_untracked();
                if def.required && !on {
                    errors.push(required(&key, &def.label));
                }
                out.insert(def.name.clone(), serde_json::Value::Bool(on));
                continue;
            }
            let raw = self.text(&def.name).get_untracked().trim().to_owned();
            if raw.is_empty() {
                if def.required {
                    errors.push(required(&key, &def.label));
                }
                continue;
            }
            let value = if def.field_type == FieldType::Number {
                let Ok(n) = raw.replace(',', ".").parse::<f64>() else {
                    errors.push(FieldError::new(
                        key,
                        format!("{}: inserire un numero", def.label),
                        format!("{}: enter a number", def.label),
                    ));
                    continue;
                };
                serde_json::json!(n)
            } else {
                serde_json::Value::String(raw)
            };
            out.insert(def.name.clone(), value);
        }
        out
    }

    /// How a field's value reads in the summary.
    fn display(self, def: &FieldDef, t: &Texts) -> String {
        match def.field_type {
            FieldType::Checkbox => if self.checked(&def.name).get() {
                t.yes
            } else {
                t.no
            }
            .to_owned(),
            FieldType::Select => {
                let v = self.text(&def.name).get();
                def.options
                    .iter()
                    .find(|o| o.value == v)
                    .map_or(v, |o| o.label.clone())
            }
            _ => self.text(&def.name).get(),
        }
    }
}

fn required(field: &str, label: &str) -> FieldError {
    FieldError::new(
        field.to_owned(),
        format!("{label}: campo obbligatorio"),
        format!("{label}: this field is required"),
    )
}

#[component]
fn WizardSteps() -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    let query = use_query_map();
    let step = RwSignal::new(0_usize);
    let privacy = RwSignal::new(false);
    let type_code = RwSignal::new(query.with_untracked(|q| q.get("tipo")).unwrap_or_default());
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let values = FieldValues::new();
    // Filled in from the query: "La mia posizione" links here with the act and the number
    // of instalments of a simulated plan (`?tipo=…&oggetto=…&numero_avviso=…`).
    query.with_untracked(|q| {
        for (name, value) in q.latest_values() {
            match name.as_ref() {
                "tipo" => {}
                "oggetto" => subject.set(value.to_owned()),
                "descrizione" => description.set(value.to_owned()),
                field => values.text(field).set(value.to_owned()),
            }
        }
    });
    let files: RwSignal<Vec<File>, LocalStorage> = RwSignal::new_local(Vec::new());
    let progress = RwSignal::new(None::<f64>);
    let form = FormState::new();
    let created = RwSignal::new(None::<RequestView>);
    let attachment_failed = RwSignal::new(false);
    let idempotency_key = StoredValue::new(api::new_idempotency_key());

    let selected = Memo::new(move |_| {
        let code = type_code.get();
        tenant.types().into_iter().find(|t| t.code == code)
    });

    let go = move |to: usize| {
        form.errors.set(Vec::new());
        form.alert.set(None);
        step.set(to);
        request_animation_frame(|| browser::focus("step-title"));
    };

    let build = move || -> Result<CreateRequest, DomainError> {
        let mut errors = Errors::new();
        let rt = selected.get_untracked();
        if rt.is_none() {
            errors.push(FieldError::new(
                "type",
                "Scegli il tipo di richiesta",
                "Choose the type of request",
            ));
        }
        let subject = errors.check(Subject::parse(&subject.get_untracked()));
        let description = errors.check(Description::parse(&description.get_untracked()));
        let fields = values.collect(rt.as_ref().map_or(&[][..], |t| &t.fields), &mut errors);
        errors.finish()?;
        Ok(CreateRequest {
            type_code: rt.map(|t| t.code).unwrap_or_default(),
            subject: subject.map(Subject::into_inner).unwrap_or_default(),
            description: description.map(Description::into_inner).unwrap_or_default(),
            fields,
            utenza_id: None,
            citizen_id: None,
            channel: None,
            received_at: None,
        })
    };

    let next = move |_| {
        let current = step.get_untracked();
        match current {
            0 if !privacy.get_untracked() => {
                form.invalid(&DomainError::Validation(vec![FieldError::new(
                    "privacy_accepted",
                    crate::i18n::texts(domain::Lang::It).privacy_consent_required,
                    crate::i18n::texts(domain::Lang::En).privacy_consent_required,
                )]));
            }
            1 if selected.get_untracked().is_none() => {
                form.invalid(&DomainError::invalid(
                    "type",
                    "Scegli il tipo di richiesta",
                    "Choose the type of request",
                ));
            }
            2 => match build() {
                Ok(_) => go(3),
                Err(e) => form.invalid(&e),
            },
            n => go(n + 1),
        }
    };

    let submit = move |_| {
        if form.pending.get_untracked() {
            return;
        }
        let body = match build() {
            Ok(b) => b,
            Err(e) => {
                form.invalid(&e);
                go(2);
                return;
            }
        };
        form.start();
        spawn_local(async move {
            let key = idempotency_key.get_value();
            match api::create_request(&body, &key).await {
                Ok(view) => {
                    // Files travel as the first message of the request's thread.
                    let chosen = files.get_untracked();
                    if !chosen.is_empty() {
                        progress.set(Some(0.0));
                        let message = CreateMessage {
                            body: i18n.t().attachments_message.to_owned(),
                            internal: false,
                        };
                        let up =
                            api::post_message_with_files(&view.id, &message, &chosen, move |p| {
                                progress.set(Some(p));
                            })
                            .await;
                        progress.set(None);
                        attachment_failed.set(up.is_err());
                    }
                    form.pending.set(false);
                    created.set(Some(view));
                    go(4);
                }
                Err(e) => form.fail(e),
            }
        });
    };

    let step_view = move || match step.get() {
        0 => view! {
            <p>{tr(|t| t.privacy_step_text)}</p>
            <p><a href="/privacy" target="_blank">{tr(|t| t.privacy_policy)}</a></p>
            <Checkbox
                id="privacy_accepted"
                label=trs(|t| t.privacy_step_accept)
                checked=privacy
                error=form.error_for("privacy_accepted")
            />
        }
        .into_any(),
        1 => view! { <TypeChoice type_code error=form.error_for("type") /> }.into_any(),
        2 => view! {
            <p class="small">{tr(|t| t.required_hint)}</p>
            <AnswerHints subject>
                <TextInput
                    id="subject"
                    label=trs(|t| t.subject)
                    value=subject
                    required=true
                    error=form.error_for("subject")
                />
            </AnswerHints>
            <TextArea
                id="description"
                label=trs(|t| t.description)
                value=description
                required=true
                error=form.error_for("description")
            />
            {move || {
                selected
                    .get()
                    .map(|rt| {
                        rt.fields
                            .into_iter()
                            .map(|def| field_input(def, values, form))
                            .collect_view()
                    })
            }}
            <FileInput
                id="attachments"
                label=trs(|t| t.attachments)
                files
                multiple=true
            />
        }
        .into_any(),
        3 => view! { <Summary selected subject description values files /> }.into_any(),
        _ => view! { <Confirmation created attachment_failed /> }.into_any(),
    };

    view! {
        <Stepper step />
        <section aria-labelledby="step-title" class="mt-4">
            <h2 id="step-title" tabindex="-1" class="h3">
                {move || i18n.t().wizard_steps[step.get().min(STEPS - 1)]}
            </h2>
            <ErrorAlert error=form.alert />
            {step_view}
            <ProgressBar progress />
            {move || {
                let s = step.get();
                (s < STEPS - 1)
                    .then(|| {
                        view! {
                            <div class="d-flex flex-wrap gap-2 mt-4">
                                {(s > 0)
                                    .then(|| {
                                        view! {
                                            <button type="button" class="btn btn-outline-primary" on:click=move |_| go(s - 1)>
                                                {tr(|t| t.back)}
                                            </button>
                                        }
                                    })}
                                {if s == STEPS - 2 {
                                    view! {
                                        <button
                                            type="button"
                                            class="btn btn-primary"
                                            disabled=move || form.pending.get()
                                            on:click=submit
                                        >
                                            {tr(|t| t.submit_request)}
                                        </button>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <button type="button" class="btn btn-primary" on:click=next>
                                            {tr(|t| t.next)}
                                        </button>
                                    }
                                        .into_any()
                                }}
                            </div>
                        }
                    })
            }}
        </section>
    }
}

/// Fewest characters of the subject before answers are looked up.
const ANSWER_MIN_CHARS: usize = 3;
/// Answers shown beside the subject.
const ANSWERS_SHOWN: usize = 3;

/// "Hai una domanda? Forse la risposta c'è già": answers already published for the
/// subject (FAQ, documents, Riciclabolario), looked up 300 ms after the last key. "Sì, ho
/// risolto" counts the answer as having spared a request; filing stays possible anyway.
#[component]
fn AnswerHints(subject: RwSignal<String>, children: Children) -> impl IntoView {
    let found = RwSignal::new(Vec::<AnswerHit>::new());
    let solved = RwSignal::new(false);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let asked = StoredValue::new(0_u32);
    // On the input events of the subject field (they bubble here), not on an effect.
    let lookup = move || {
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        asked.update_value(|n| *n += 1);
        let query = subject.get_untracked().trim().to_owned();
        if query.chars().count() < ANSWER_MIN_CHARS {
            found.set(Vec::new());
            return;
        }
        let h = set_timeout_with_handle(
            move || {
                let mine = asked.get_value();
                spawn_local(async move {
                    if let Ok(mut list) = api::answers(&query).await
                        && asked.get_value() == mine
                    {
                        list.truncate(ANSWERS_SHOWN);
                        found.set(list);
                    }
                });
            },
            std::time::Duration::from_millis(300),
        );
        timer.set_value(h.ok());
    };
    // A subject filled in from the address.
    lookup();
    let solve = move |source: String, id: String| {
        spawn_local(async move {
            let _ = api::record_deflection(&source, &id).await;
            solved.set(true);
            request_animation_frame(|| browser::focus("answers-solved"));
        });
    };
    view! {
        <div on:input=move |_| lookup()>{children()}</div>
        <div aria-live="polite">
            {move || {
                (!found.with(Vec::is_empty))
                    .then(|| {
                        view! {
                            <aside class="callout note mt-4 mb-4" aria-labelledby="answers-title" data-testid="answers">
                                <div class="callout-title">
                                    <h3 id="answers-title" class="h5 d-inline">{tr(|t| t.answers_title)}</h3>
                                </div>
                                {move || if solved.get() {
                                    view! {
                                        <div class="alert alert-success" role="status" id="answers-solved" tabindex="-1">
                                            <p class="mb-2">{tr(|t| t.answer_solved_done)}</p>
                                            <a href="/">{tr(|t| t.home)}</a>
                                        </div>
                                    }
                                        .into_any()
                                } else {
                                    found
                                        .get()
                                        .into_iter()
                                        .enumerate()
                                        .map(|(i, a)| answer_view(i, a, solve))
                                        .collect_view()
                                        .into_any()
                                }}
                                <p class="small mb-0">{tr(|t| t.answers_hint)}</p>
                            </aside>
                        }
                    })
            }}
        </div>
    }
}

fn answer_view(
    i: usize,
    a: AnswerHit,
    solve: impl Fn(String, String) + Copy + 'static,
) -> impl IntoView {
    let title_id = format!("answer-{i}");
    let mut text: String = a.text.chars().take(200).collect();
    if a.text.chars().count() > 200 {
        text.push('…');
    }
    let AnswerHit {
        source,
        id,
        title,
        url,
        ..
    } = a;
    view! {
        <div class="mb-3">
            <h4 class="h6 mb-1" id=title_id.clone()>{title}</h4>
            <p class="small mb-1">{text}</p>
            <div class="d-flex flex-wrap align-items-center gap-3">
                {url.map(|u| {
                    let rel = crate::app::rel_for(&u);
                    view! {
                        <a href=u rel=rel aria-describedby=title_id.clone()>{tr(|t| t.answer_read)}</a>
                    }
                })}
                <button
                    type="button"
                    class="btn btn-outline-primary btn-xs"
                    aria-describedby=title_id
                    on:click=move |_| solve(source.clone(), id.clone())
                >
                    {tr(|t| t.answer_solved)}
                </button>
            </div>
        </div>
    }
}

/// The step indicator; the current step is marked with `aria-current="step"`.
#[component]
fn Stepper(step: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="steppers">
            <div class="steppers-header">
                <ul>
                    {(0..STEPS)
                        .map(|i| {
                            view! {
                                <li
                                    class:confirmed=move || i < step.get()
                                    class:active=move || step.get() == i
                                    aria-current=move || (step.get() == i).then_some("step")
                                >
                                    <span class="steppers-number" aria-hidden="true">{i + 1}</span>
                                    {move || i18n.t().wizard_steps[i]}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <span class="steppers-index">
                    {move || (i18n.t().step_of)(step.get() + 1, STEPS)}
                </span>
            </div>
        </div>
    }
}

#[component]
fn TypeChoice(type_code: RwSignal<String>, error: Signal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    view! {
        <fieldset aria-describedby=move || error.with(Option::is_some).then_some("type-error")>
            <legend class="h5">{tr(|t| t.choose_type)}</legend>
            {load(tenant.request_types, move |types| {
                types
                    .into_iter()
                    .map(|rt| {
                        let id = format!("type-{}", rt.code);
                        let code = rt.code.clone();
                        let code2 = rt.code.clone();
                        let kind = rt.kind;
                        view! {
                            <div class="form-check">
                                <input
                                    type="radio"
                                    name="type"
                                    id=id.clone()
                                    value=rt.code.clone()
                                    prop:checked=move || type_code.get() == code
                                    on:change=move |_| type_code.set(code2.clone())
                                />
                                <label for=id>
                                    {rt.name}
                                    <span class="d-block small text-muted">
                                        {move || kind_label(i18n.lang(), kind)}
                                        {rt.standard_days.map(|n| format!(" · {}", (i18n.t().standard_days)(n)))}
                                    </span>
                                </label>
                            </div>
                        }
                    })
                    .collect_view()
            })}
            {move || {
                error
                    .get()
                    .map(|e| view! { <div class="invalid-feedback d-block" id="type-error">{e}</div> })
            }}
        </fieldset>
    }
}

fn field_input(def: FieldDef, values: FieldValues, form: FormState) -> AnyView {
    let id = format!("field-{}", def.name);
    let error = form.error_for(format!("fields.{}", def.name));
    let label = Signal::stored(def.label.clone());
    let help = def.help.clone().map(Signal::stored);
    let required = def.required;
    match def.field_type {
        FieldType::Checkbox => {
            view! { <Checkbox id label checked=values.checked(&def.name) error /> }.into_any()
        }
        FieldType::Textarea => {
            view! { <TextArea id label value=values.text(&def.name) required error rows=3 /> }
                .into_any()
        }
        FieldType::Select => {
            let t = use_i18n();
            let mut options = vec![(String::new(), t.t().choose.to_owned())];
            options.extend(
                def.options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.clone())),
            );
            view! {
                <SelectInput id label value=values.text(&def.name) options=Signal::stored(options) required error />
            }
            .into_any()
        }
        kind => {
            let kind = match kind {
                FieldType::Number => "number",
                FieldType::Date => "date",
                _ => "text",
            };
            match help {
                Some(help) => view! {
                    <TextInput id label value=values.text(&def.name) kind required error help />
                }
                .into_any(),
                None => view! {
                    <TextInput id label value=values.text(&def.name) kind required error />
                }
                .into_any(),
            }
        }
    }
}

#[component]
fn Summary(
    selected: Memo<Option<RequestType>>,
    subject: RwSignal<String>,
    description: RwSignal<String>,
    values: FieldValues,
    files: RwSignal<Vec<File>, LocalStorage>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    // The clock starts now (Rome date, next working day if today is not one).
    let due = move || {
        selected
            .get()
            .and_then(|rt| due_date(browser::now(), rt.standard_days, &tenant.calendar()))
    };
    let file_names =
        move || files.with(|f| f.iter().map(File::name).collect::<Vec<_>>().join(", "));
    view! {
        <div class="callout important">
            <div class="callout-title">{tr(|t| t.expected_due_date)}</div>
            <p class="mb-0 h4" data-testid="expected-due-date">
                {move || match due() {
                    Some(d) => format::date(d),
                    None => i18n.t().no_standard_due.to_owned(),
                }}
            </p>
        </div>
        <dl class="row mt-4">
            <dt class="col-sm-4">{tr(|t| t.type_label)}</dt>
            <dd class="col-sm-8">{move || selected.get().map(|t| t.name).unwrap_or_default()}</dd>
            <dt class="col-sm-4">{tr(|t| t.subject)}</dt>
            <dd class="col-sm-8">{move || subject.get()}</dd>
            <dt class="col-sm-4">{tr(|t| t.description)}</dt>
            <dd class="col-sm-8 pre-line">{move || description.get()}</dd>
            {move || {
                selected
                    .get()
                    .map(|rt| {
                        rt.fields
                            .into_iter()
                            .map(|def| {
                                let value = Some(values.display(&def, i18n.t()))
                                    .filter(|v| !v.is_empty())
                                    .unwrap_or_else(|| "—".to_owned());
                                view! {
                                    <dt class="col-sm-4">{def.label}</dt>
                                    <dd class="col-sm-8">{value}</dd>
                                }
                            })
                            .collect_view()
                    })
            }}
            <dt class="col-sm-4">{tr(|t| t.attachments)}</dt>
            <dd class="col-sm-8">{file_names}</dd>
        </dl>
        <p class="alert alert-info">{tr(|t| t.summary_declaration)}</p>
    }
}

#[component]
fn Confirmation(
    created: RwSignal<Option<RequestView>>,
    attachment_failed: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        created.get().map(|r| {
            let href = format!("/area-personale/pratiche/{}", r.id);
            view! {
                <div class="alert alert-success" role="status">
                    <p class="mb-0">{tr(|t| t.confirmation_text)}</p>
                </div>
                {move || {
                    attachment_failed
                        .get()
                        .then(|| view! { <div class="alert alert-warning" role="alert">{i18n.t().attachment_failed}</div> })
                }}
                <dl class="row">
                    <dt class="col-sm-4">{tr(|t| t.protocol_number)}</dt>
                    <dd class="col-sm-8 h4" data-testid="protocol-number">{r.protocol_number.clone()}</dd>
                    <dt class="col-sm-4">{tr(|t| t.received_at)}</dt>
                    <dd class="col-sm-8">{format::datetime(r.received_at)}</dd>
                    <dt class="col-sm-4">{tr(|t| t.due_date)}</dt>
                    <dd class="col-sm-8" data-testid="due-date">{format::opt_date(r.due_date)}</dd>
                </dl>
                <h3 class="h5">{tr(|t| t.what_next_title)}</h3>
                <p>{tr(|t| t.what_next_text)}</p>
                <a class="btn btn-primary" href=href>{tr(|t| t.go_to_request)}</a>
            }
        })
    }
}
