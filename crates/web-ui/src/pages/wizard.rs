//! The new-request wizard, following the Designers Italia service flow:
//! privacy → type → data and attachments → summary (with the due date the server will
//! set, computed here with the same `domain` calendar) → confirmation with protocol.
//!
//! Each step has its own address (`/nuova-richiesta?tipo=CODE&passo=N`, a history entry
//! each), so the browser's Back and Forward move between steps; a step asked for before
//! the earlier ones are complete falls back to the first incomplete one. What the citizen
//! types is kept in this tab's `sessionStorage` (per tenant, user and type), so a reload
//! loses nothing but the chosen files, which the browser cannot keep; a draft saved on the
//! server ("Salva bozza") is resumed from the personal area, also on another device.

use std::collections::BTreeMap;

use domain::api::{
    CreateMessage, CreateRequest, Draft, FieldDef, FieldType, Me, RequestType, RequestView,
    SaveDraft,
};
use domain::deadline::due_date;
use domain::error::Errors;
use domain::rating::RatedPage;
use domain::types::{Description, Subject};
use domain::{DomainError, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};
use web_sys::File;

use crate::api::{self, AnswerHit, ApiError};
use crate::browser;
use crate::components::rating::PageRatingBlock;
use crate::components::{
    Checkbox, Crumb, ErrorAlert, FileInput, FormState, Loading, Need, Notice, Page, ProgressBar,
    RequireLogin, SelectInput, TextArea, TextInput, load,
};
use crate::format;
use crate::i18n::{Texts, kind_label, tr, trs, trwz, trwzs, use_i18n, wizard_texts};
use crate::session::{use_session, use_tenant};

const STEPS: usize = 5;
const PRIVACY: usize = 0;
const TYPE: usize = 1;
const DATA: usize = 2;
const SUMMARY: usize = 3;
const CONFIRMATION: usize = 4;
const PATH: &str = "/nuova-richiesta";

#[component]
pub fn Wizard() -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    let query = use_query_map();
    // The H1 names the service once one is chosen (the address carries it).
    let title = Signal::derive(move || {
        let code = query.with(|q| q.get("tipo")).unwrap_or_default();
        tenant
            .types()
            .into_iter()
            .find(|t| t.code == code)
            .map_or_else(|| i18n.t().wizard_title.to_owned(), |t| t.name)
    });
    view! {
        <div class="container my-4">
            <Page
                title
                crumbs=vec![Crumb::new(|t| t.nav_services, "/")]
            >
                <RequireLogin need=Need::Citizen>
                    <WizardSteps />
                </RequireLogin>
            </Page>
        </div>
    }
}

/// The address of a step (0-based here, 1-based in the address like "Passo N di 5").
fn step_url(type_code: &str, step: usize) -> String {
    if type_code.is_empty() {
        format!("{PATH}?passo={}", step + 1)
    } else {
        format!(
            "{PATH}?tipo={}&passo={}",
            String::from(js_sys::encode_uri_component(type_code)),
            step + 1
        )
    }
}

/// What the citizen typed for one type, as kept in `sessionStorage`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Typed {
    subject: String,
    description: String,
    fields: BTreeMap<String, serde_json::Value>,
}

/// The tab's memory of the wizard, one entry per tenant and user (the privacy consent)
/// and per type (the values): another account signing in on the tab sees nothing of it.
#[derive(Clone)]
struct Memory {
    base: String,
}

impl Memory {
    fn of(me: &Me) -> Self {
        Self {
            base: format!("sportello.wizard.{}.{}", me.tenant_id, me.id),
        }
    }

    fn privacy(&self) -> bool {
        browser::session_storage_get(&self.base).is_some()
    }

    fn set_privacy(&self, accepted: bool) {
        if accepted {
            browser::session_storage_set(&self.base, "1");
        } else {
            browser::session_storage_remove(&self.base);
        }
    }

    fn key(&self, type_code: &str) -> String {
        format!("{}.{type_code}", self.base)
    }

    fn typed(&self, type_code: &str) -> Option<Typed> {
        browser::session_storage_get(&self.key(type_code))
            .and_then(|s| serde_json::from_str(&s).ok())
    }

    fn keep(&self, type_code: &str, typed: &Typed) {
        if let Ok(s) = serde_json::to_string(typed) {
            browser::session_storage_set(&self.key(type_code), &s);
        }
    }

    fn forget(&self, type_code: &str) {
        browser::session_storage_remove(&self.key(type_code));
    }
}

/// The wizard's address for resuming a draft: the data step of its type.
pub fn draft_url(type_code: &str) -> String {
    step_url(type_code, DATA)
}

/// Opens a saved draft in the wizard, at the data step: its values go where a reload
/// would find them (the consent was given when the draft was saved from the data step).
pub fn resume_draft(me: &Me, draft: &Draft) {
    let memory = Memory::of(me);
    memory.set_privacy(true);
    memory.keep(
        &draft.type_code,
        &Typed {
            subject: draft.subject.clone(),
            description: draft.description.clone(),
            fields: draft.fields.clone(),
        },
    );
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

    /// The values of the type's fields as typed (blanks left out): what a draft keeps
    /// and what the domain's `validate_fields` checks and normalises.
    fn raw(self, defs: &[FieldDef]) -> BTreeMap<String, serde_json::Value> {
        let mut out = BTreeMap::new();
        for def in defs {
            if def.field_type == FieldType::Checkbox {
                if self.checked(&def.name).get_untracked() {
                    out.insert(def.name.clone(), serde_json::Value::Bool(true));
                }
                continue;
            }
            let v = self.text(&def.name).get_untracked();
            if !v.trim().is_empty() {
                out.insert(def.name.clone(), serde_json::Value::String(v));
            }
        }
        out
    }

    /// Puts back values kept in the tab or in a draft.
    fn fill(self, fields: &BTreeMap<String, serde_json::Value>) {
        for (name, value) in fields {
            match value {
                serde_json::Value::Bool(b) => self.checked(name).set(*b),
                serde_json::Value::String(s) => self.text(name).set(s.clone()),
                serde_json::Value::Number(n) => self.text(name).set(n.to_string()),
                _ => {}
            }
        }
    }

    /// The type's fields checked with the domain's rules (the server's), plus the one
    /// the form adds: a required checkbox must be ticked.
    fn check(self, defs: &[FieldDef], errors: &mut Errors) -> BTreeMap<String, serde_json::Value> {
        let fields = errors
            .check(domain::forms::validate_fields(defs, &self.raw(defs)))
            .unwrap_or_default();
        for def in defs {
            if def.field_type == FieldType::Checkbox
                && def.required
                && !self.checked(&def.name).get_untracked()
            {
                errors.push(domain::messages::must_tick(
                    format!("fields.{}", def.name),
                    &def.label,
                ));
            }
        }
        fields
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

/// The input of a reported field, for the error summary's links.
fn input_id(field: &str) -> Option<String> {
    match field {
        "privacy_accepted" | "type" | "subject" | "description" => Some(field.to_owned()),
        f => f
            .strip_prefix("fields.")
            .map(|name| format!("field-{name}")),
    }
}

#[component]
fn WizardSteps() -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    // Inside `RequireLogin`: a citizen is signed in.
    let me = session.me.get_untracked().unwrap_or_else(|| Me {
        id: String::new(),
        tenant_id: String::new(),
        role: domain::Role::Citizen,
        first_name: String::new(),
        last_name: String::new(),
        email: None,
        fiscal_code: None,
        phone: None,
        office_ids: Vec::new(),
        identities: Vec::new(),
        platform_admin: false,
    });
    let memory = StoredValue::new(Memory::of(&me));
    let step = RwSignal::new(PRIVACY);
    // False until the address's step is checked against what is complete (which needs
    // the request types).
    let settled = RwSignal::new(false);
    let privacy = RwSignal::new(memory.with_value(Memory::privacy));
    let type_code = RwSignal::new(query.with_untracked(|q| q.get("tipo")).unwrap_or_default());
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let values = FieldValues::new();
    let restore = move |code: &str| -> bool {
        let Some(typed) = memory.with_value(|m| m.typed(code)) else {
            return false;
        };
        subject.set(typed.subject);
        description.set(typed.description);
        values.fill(&typed.fields);
        true
    };
    if !restore(&type_code.get_untracked()) {
        // Filled in from the query: "La mia posizione" links here with the act and the
        // number of instalments of a simulated plan (`?tipo=…&oggetto=…&numero_avviso=…`).
        query.with_untracked(|q| {
            for (name, value) in q.latest_values() {
                match name.as_ref() {
                    "tipo" | "passo" => {}
                    "oggetto" => subject.set(value.to_owned()),
                    "descrizione" => description.set(value.to_owned()),
                    field => values.text(field).set(value.to_owned()),
                }
            }
        });
    }
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

    let build = move || -> Result<CreateRequest, DomainError> {
        let mut errors = Errors::new();
        let rt = selected.get_untracked();
        if rt.is_none() {
            errors.push(type_missing());
        }
        let subject = errors.check(Subject::parse(&subject.get_untracked()));
        let description = errors.check(Description::parse(&description.get_untracked()));
        let fields = values.check(rt.as_ref().map_or(&[][..], |t| &t.fields), &mut errors);
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

    // The rules of one step, the same on "Avanti" and on each input after an error.
    let check_step = move |s: usize| -> Result<(), DomainError> {
        match s {
            PRIVACY if !privacy.get_untracked() => Err(privacy_missing()),
            TYPE if selected.get_untracked().is_none() => Err(type_missing().into()),
            DATA => build().map(|_| ()),
            _ => Ok(()),
        }
    };

    // The furthest step the citizen may be on.
    let reachable = move || -> usize {
        if created.with_untracked(Option::is_some) {
            return CONFIRMATION;
        }
        (PRIVACY..SUMMARY)
            .find(|s| check_step(*s).is_err())
            .unwrap_or(SUMMARY)
    };

    let persist = move || {
        let code = type_code.get_untracked();
        memory.with_value(|m| {
            m.set_privacy(privacy.get_untracked());
            if code.is_empty() || created.with_untracked(Option::is_some) {
                return;
            }
            let defs = selected
                .get_untracked()
                .map(|t| t.fields)
                .unwrap_or_default();
            m.keep(
                &code,
                &Typed {
                    subject: subject.get_untracked(),
                    description: description.get_untracked(),
                    fields: values.raw(&defs),
                },
            );
        });
    };

    let navigate = StoredValue::new_local(navigate);
    // Set when errors are shown on the step being moved to (a refused submit): the move
    // keeps them, and the error summary keeps the focus.
    let keep_errors = StoredValue::new(false);
    let go = move |to: usize| {
        form.errors.set(Vec::new());
        form.alert.set(None);
        form.done.set(None);
        persist();
        navigate.with_value(|n| {
            n(
                &step_url(&type_code.get_untracked(), to),
                NavigateOptions::default(),
            );
        });
    };

    // The address decides the step: Back, Forward, a reload or a typed address.
    Effect::new(move |_| {
        let wanted = query
            .with(|q| q.get("passo"))
            .and_then(|p| p.parse::<usize>().ok())
            .map_or(PRIVACY, |n| n.saturating_sub(1).min(CONFIRMATION));
        let code = query.with(|q| q.get("tipo")).unwrap_or_default();
        // The type's checks need the catalogue.
        if tenant.request_types.get().is_none() {
            return;
        }
        untrack(|| {
            if !code.is_empty() && code != type_code.get() {
                type_code.set(code.clone());
                restore(&code);
            }
            let allowed = reachable();
            let to = if allowed == CONFIRMATION {
                CONFIRMATION
            } else {
                wanted.min(allowed)
            };
            if to != wanted {
                // A step not yet reachable: the first incomplete one, in its place.
                navigate.with_value(|n| {
                    n(
                        &step_url(&type_code.get(), to),
                        NavigateOptions {
                            replace: true,
                            ..NavigateOptions::default()
                        },
                    );
                });
            }
            let moved = step.get() != to;
            step.set(to);
            let keep = keep_errors.get_value();
            keep_errors.set_value(false);
            if moved && !keep {
                // Errors belong to the step they were found on.
                form.errors.set(Vec::new());
                form.alert.set(None);
                if settled.get() {
                    request_animation_frame(|| browser::focus("step-title"));
                }
            }
            settled.set(true);
        });
    });

    let next = move |_| {
        let current = step.get_untracked();
        match check_step(current) {
            Ok(()) => go(current + 1),
            Err(e) => form.invalid(&e),
        }
    };

    // After an error, every input checks again with the same rules and keeps the tab's copy.
    let on_input = move |_| {
        persist();
        form.recheck(check_step(step.get_untracked()));
    };

    let save_draft = move |_| {
        let Some(rt) = selected.get_untracked() else {
            return;
        };
        let body = SaveDraft {
            subject: subject.get_untracked(),
            description: description.get_untracked(),
            fields: values.raw(&rt.fields),
        };
        form.start();
        spawn_local(async move {
            match api::save_draft(&rt.code, &body).await {
                Ok(_) => form.succeed(wizard_texts(i18n.lang()).draft_saved),
                Err(e) => form.fail(e),
            }
        });
    };

    let submit = move |_| {
        if form.pending.get_untracked() {
            return;
        }
        let body = match build() {
            Ok(b) => b,
            Err(e) => {
                keep_errors.set_value(true);
                go(DATA);
                form.invalid(&e);
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
                    // Filed: the tab's copy goes (the server deleted the draft).
                    memory.with_value(|m| m.forget(&body.type_code));
                    created.set(Some(view));
                    go(CONFIRMATION);
                }
                // Field errors the browser did not catch belong to the data step.
                Err(ApiError::Problem(p)) if !p.errors.is_empty() => {
                    keep_errors.set_value(true);
                    go(DATA);
                    form.fail(ApiError::Problem(p));
                }
                Err(e) => form.fail(e),
            }
        });
    };

    let me = StoredValue::new(me);
    let step_view = move || {
        if !settled.get() {
            return view! { <Loading /> }.into_any();
        }
        match step.get() {
            PRIVACY => view! {
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
            TYPE => view! { <TypeChoice type_code error=form.error_for("type") /> }.into_any(),
            DATA => view! {
                <Applicant me=me.get_value() />
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
                    hint=trwzs(|w| w.files_after_reload)
                />
            }
            .into_any(),
            SUMMARY => view! {
                <Summary selected subject description values files me=me.get_value() />
            }
            .into_any(),
            _ => view! { <Confirmation created attachment_failed /> }.into_any(),
        }
    };

    view! {
        <Stepper step />
        <section aria-labelledby="step-title" class="mt-4" on:input=on_input on:change=on_input>
            <h2 id="step-title" tabindex="-1" class="h3">
                {move || i18n.t().wizard_steps[step.get().min(STEPS - 1)]}
            </h2>
            <ErrorAlert error=form.alert field_id=input_id live=form.errors />
            <Notice message=form.done />
            {step_view}
            <ProgressBar progress />
            {move || {
                let s = step.get();
                (settled.get() && s < CONFIRMATION)
                    .then(|| {
                        view! {
                            <div class="d-flex flex-wrap gap-2 mt-4">
                                {(s > PRIVACY)
                                    .then(|| {
                                        view! {
                                            <button type="button" class="btn btn-outline-primary" on:click=move |_| go(s - 1)>
                                                {tr(|t| t.back)}
                                            </button>
                                        }
                                    })}
                                {(s == DATA)
                                    .then(|| {
                                        view! {
                                            <button
                                                type="button"
                                                class="btn btn-outline-primary"
                                                disabled=move || form.pending.get()
                                                on:click=save_draft
                                            >
                                                {trwz(|w| w.save_draft)}
                                            </button>
                                        }
                                    })}
                                {if s == SUMMARY {
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

fn type_missing() -> FieldError {
    FieldError::new(
        "type",
        "Scegli il tipo di richiesta",
        "Choose the type of request",
    )
}

fn privacy_missing() -> DomainError {
    DomainError::Validation(vec![FieldError::new(
        "privacy_accepted",
        crate::i18n::texts(domain::Lang::It).privacy_consent_required,
        crate::i18n::texts(domain::Lang::En).privacy_consent_required,
    )])
}

/// "Dati del richiedente": who files, from the session (`GET /me`).
#[component]
fn Applicant(me: Me) -> impl IntoView {
    let name = format!("{} {}", me.first_name, me.last_name);
    let dash = || "—".to_owned();
    view! {
        <section class="mb-4" aria-labelledby="applicant-title" data-testid="applicant">
            <h3 id="applicant-title" class="h5">{trwz(|w| w.applicant_title)}</h3>
            <p class="small mb-2">{trwz(|w| w.applicant_hint)}</p>
            <dl class="row mb-0">
                <dt class="col-sm-4">{trwz(|w| w.applicant_name)}</dt>
                <dd class="col-sm-8">{name}</dd>
                <dt class="col-sm-4">{trwz(|w| w.applicant_fiscal_code)}</dt>
                <dd class="col-sm-8 font-monospace">{me.fiscal_code.unwrap_or_else(dash)}</dd>
                <dt class="col-sm-4">{trwz(|w| w.applicant_email)}</dt>
                <dd class="col-sm-8">{me.email.unwrap_or_else(dash)}</dd>
            </dl>
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
        // Focusable so that the error summary's link can lead here.
        <fieldset
            id="type"
            tabindex="-1"
            aria-describedby=move || error.with(Option::is_some).then_some("type-error")
        >
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
    me: Me,
) -> impl IntoView {
    let i18n = use_i18n();
    let tenant = use_tenant();
    // The clock starts now (Rome date, next working day if today is not one).
    let due = move || {
        selected
            .get()
            .and_then(|rt| due_date(browser::now(), rt.standard_days, &tenant.calendar()))
    };
    let file_names = move || {
        files.with(|f| {
            f.iter()
                .map(|f| format!("{} ({})", f.name(), format::size(f.size() as u64)))
                .collect::<Vec<_>>()
                .join(", ")
        })
    };
    view! {
        <Applicant me />
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
                <PageRatingBlock page=RatedPage::Filed />
            }
        })
    }
}
