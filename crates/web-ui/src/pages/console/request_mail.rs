//! E-mail at the desk, on a request's page: the mails of the request (received and sent,
//! with PEC receipts, headers and the original `.eml`), a reply or forward by e-mail with
//! attachments, and the conversation as a PDF (downloaded or mailed).

use domain::FieldError;
use domain::api::{MailExport, MailMode, MailView, MessageView, SendMail};
use domain::delivery::MailDirection;
use domain::error::Errors;
use domain::types::{Description, Email};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::File;

use crate::api::{self, ApiError, ApiResult};
use crate::components::{
    Checkbox, ErrorAlert, FileInput, FormState, Notice, ProgressBar, SelectInput, TextArea,
    TextInput, load,
};
use crate::format;
use crate::i18n::{trm, trms, use_i18n};

type Res<T> = LocalResource<ApiResult<T>>;

/// `MailView::outcome` codes, in the order of `MailTexts::outcome_labels`.
const OUTCOMES: [&str; 7] = [
    "new_request",
    "appended",
    "receipt",
    "ignored",
    "sent",
    "queued",
    "failed",
];

/// PEC message and receipt types (`X-Ricevuta`), in the order of `MailTexts::pec_labels`.
const PEC_TYPES: [&str; 8] = [
    "posta-certificata",
    "accettazione",
    "non-accettazione",
    "presa-in-carico",
    "avvenuta-consegna",
    "errore-consegna",
    "preavviso-errore-consegna",
    "rilevazione-virus",
];

/// The label of a code, or the code itself when this version does not know it.
fn label_of<const N: usize>(codes: [&str; N], labels: [&'static str; N], code: &str) -> String {
    codes
        .iter()
        .position(|c| *c == code)
        .map_or_else(|| code.to_owned(), |i| labels[i].to_owned())
}

/// "in coda di invio" → "In coda di invio".
fn capitalized(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Addresses typed in one field, separated by commas, semicolons or spaces.
fn recipients(raw: &str, field: &'static str, errors: &mut Errors) -> Vec<String> {
    raw.split([',', ';', ' ', '\n'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .filter_map(|a| {
            if let Ok(e) = Email::parse(a) {
                return Some(e.as_str().to_owned());
            }
            errors.push(FieldError::new(
                field,
                format!("Indirizzo e-mail non valido: {a}"),
                format!("Invalid e-mail address: {a}"),
            ));
            None
        })
        .collect()
}

/// The e-mail part of the request's page: its mails, then the form to send one.
#[component]
pub fn MailSection(
    id: String,
    messages: Res<Vec<MessageView>>,
    mails: Res<Vec<MailView>>,
    /// Whether the caller may reply or forward by e-mail (their office's request).
    can_send: bool,
) -> impl IntoView {
    view! {
        <section aria-labelledby="mail-title" class="mt-4">
            <h2 id="mail-title" class="h4">{trm(|m| m.section_title)}</h2>
            <h3 class="h5">{trm(|m| m.list_title)}</h3>
            {load(mails, |items| view! { <MailList items /> })}
            {can_send.then(|| view! { <SendMailForm id messages mails /> })}
        </section>
    }
}

#[component]
fn MailList(items: Vec<MailView>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p>{trm(|m| m.empty)}</p> }.into_any();
    }
    let error = RwSignal::new(None::<ApiError>);
    view! {
        <ErrorAlert error />
        <ol class="list-unstyled" data-testid="mails">
            {items.into_iter().map(|mail| view! { <MailItem mail error /> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn MailItem(mail: MailView, error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let incoming = mail.direction == MailDirection::In;
    let outcome = mail.outcome;
    let pec_type = mail.pec_type.clone();
    let pec_status = mail.pec_status;
    let pec = move || {
        let m = i18n.m();
        let kind = pec_type
            .as_deref()
            .map(|p| label_of(PEC_TYPES, m.pec_labels, p));
        let status = pec_status.map(|p| {
            format!(
                "{}: {}",
                m.pec_last_receipt,
                label_of(PEC_TYPES, m.pec_labels, p.code())
            )
        });
        let parts: Vec<String> = kind.into_iter().chain(status).collect();
        (!parts.is_empty()).then(|| format!("{}: {}", m.pec, parts.join(" · ")))
    };
    let panel = format!("mail-headers-{}", mail.id);
    let shown = RwSignal::new(false);
    let headers = RwSignal::new(None::<ApiResult<String>>);
    let headers_url = StoredValue::new(mail.headers_url.clone());
    let toggle = move |_| {
        let open = !shown.get_untracked();
        shown.set(open);
        if open && headers.with_untracked(Option::is_none) {
            spawn_local(async move {
                headers.set(Some(api::text(&headers_url.get_value()).await));
            });
        }
    };
    let eml = mail.eml_url.clone().map(|url| {
        let filename = format!("{}.eml", mail.id);
        let click = move |_| {
            let (url, filename) = (url.clone(), filename.clone());
            spawn_local(async move {
                error.set(api::download(&url, &filename).await.err());
            });
        };
        view! {
            <button type="button" class="btn btn-sm btn-outline-primary" on:click=click>
                {trm(|m| m.eml)}
            </button>
        }
    });
    view! {
        <li class="card card-bg mb-3 border-start border-4" class:border-primary=!incoming data-testid="mail">
            <div class="card-body">
                <p class="small text-muted mb-1">
                    // One state per mail: a received one says what it became, a sent one
                    // only where its sending stands (queued, sent, failed).
                    <strong data-outcome=(!incoming).then(|| outcome.code())>
                        {move || if incoming {
                            i18n.m().received.to_owned()
                        } else {
                            capitalized(&label_of(OUTCOMES, i18n.m().outcome_labels, outcome.code()))
                        }}
                    </strong>
                    " · "
                    <time datetime=mail.created_at.to_rfc3339()>{format::datetime(mail.created_at)}</time>
                    {incoming.then(|| view! {
                        " · "
                        <span data-outcome=outcome.code()>{move || label_of(OUTCOMES, i18n.m().outcome_labels, outcome.code())}</span>
                    })}
                </p>
                <p class="mb-1 pre-line"><strong>{mail.subject.clone()}</strong></p>
                <p class="small mb-1 pre-line">
                    {trm(|m| m.from)} ": " {mail.from.clone()}
                    <br />
                    {trm(|m| m.to)} ": " {mail.to.clone()}
                </p>
                {move || pec().map(|p| view! { <p class="small mb-1">{p}</p> })}
                <div class="d-flex flex-wrap gap-2 mt-2">
                    <button
                        type="button"
                        class="btn btn-sm btn-outline-primary"
                        aria-expanded=move || shown.get().to_string()
                        aria-controls=panel.clone()
                        on:click=toggle
                    >
                        {trm(|m| m.headers)}
                    </button>
                    {eml}
                </div>
                <div id=panel aria-live="polite">
                    {move || {
                        shown
                            .get()
                            .then(|| match headers.get() {
                                None => view! { <crate::components::Loading /> }.into_any(),
                                Some(Err(e)) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                                Some(Ok(text)) => {
                                    view! {
                                        <pre class="pre-line small border rounded p-2 mt-2 mb-0" data-testid="mail-headers">
                                            {text}
                                        </pre>
                                    }
                                        .into_any()
                                }
                            })
                    }}
                </div>
            </div>
        </li>
    }
}

/// Reply to the citizen or forward the request by e-mail, with new files and the
/// request's own attachments.
#[component]
fn SendMailForm(
    id: String,
    messages: Res<Vec<MessageView>>,
    mails: Res<Vec<MailView>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let mode = RwSignal::new("reply".to_owned());
    let to = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let files: RwSignal<Vec<File>, LocalStorage> = RwSignal::new_local(Vec::new());
    let included = RwSignal::new(Vec::<String>::new());
    let progress = RwSignal::new(None::<f64>);
    // Bumped after a send so the file picker is rebuilt empty.
    let picker = RwSignal::new(0_u32);
    let id = StoredValue::new(id);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let forward = mode.get_untracked() == "forward";
        let mut errors = Errors::new();
        let text =
            errors.check(Description::parse(&body.get_untracked()).map_err(|e| e.at_field("body")));
        let to_list = recipients(&to.get_untracked(), "to", &mut errors);
        if forward && to_list.is_empty() && to.with_untracked(|t| t.trim().is_empty()) {
            errors.push(FieldError::new(
                "to",
                "Indica a chi inoltrare la pratica",
                "Give the recipients of the forward",
            ));
        }
        if let Err(e) = errors.finish() {
            return form.invalid(&e);
        }
        let Some(text) = text else { return };
        let mail = SendMail {
            mode: if forward {
                MailMode::Forward
            } else {
                MailMode::Reply
            },
            to: to_list,
            cc: Vec::new(),
            subject: Some(subject.get_untracked().trim().to_owned()).filter(|s| !s.is_empty()),
            body: text.into_inner(),
            attachment_ids: included.get_untracked(),
        };
        let chosen = files.get_untracked();
        form.start();
        if !chosen.is_empty() {
            progress.set(Some(0.0));
        }
        spawn_local(async move {
            let r = api::send_mail(&id.get_value(), &mail, &chosen, move |p| {
                progress.set(Some(p));
            })
            .await;
            progress.set(None);
            match r {
                Ok(_) => {
                    to.set(String::new());
                    subject.set(String::new());
                    body.set(String::new());
                    files.set(Vec::new());
                    included.set(Vec::new());
                    picker.update(|n| *n += 1);
                    form.succeed(i18n.m().queued);
                    mails.refetch();
                    messages.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };

    let mode_options = Signal::derive(move || {
        let m = i18n.m();
        vec![
            ("reply".to_owned(), m.mode_reply.to_owned()),
            ("forward".to_owned(), m.mode_forward.to_owned()),
        ]
    });
    // The request's own attachments, to include in the mail.
    let attachments = move || {
        let list: Vec<_> = match messages.get() {
            Some(Ok(items)) => items.into_iter().flat_map(|m| m.attachments).collect(),
            _ => Vec::new(),
        };
        (!list.is_empty()).then(|| {
            view! {
                <fieldset class="mb-3">
                    <legend class="h6">{trm(|m| m.request_attachments)}</legend>
                    {list
                        .into_iter()
                        .map(|a| {
                            let input_id = format!("mail-att-{}", a.id);
                            let att = a.id.clone();
                            let checked = move || included.with(|v| v.contains(&a.id));
                            view! {
                                <div class="form-check">
                                    <input
                                        id=input_id.clone()
                                        type="checkbox"
                                        prop:checked=checked
                                        on:change:target=move |ev| {
                                            let on = ev.target().checked();
                                            included.update(|v| {
                                                v.retain(|x| x != &att);
                                                if on {
                                                    v.push(att.clone());
                                                }
                                            });
                                        }
                                    />
                                    <label for=input_id>{format!("{} ({})", a.filename, format::size(a.size))}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
            }
        })
    };

    view! {
        <form on:submit=submit class="mt-3 p-3 border rounded" novalidate data-testid="send-mail">
            <h3 class="h5">{trm(|m| m.send_title)}</h3>
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <SelectInput id="mail-mode" label=trms(|m| m.mode) value=mode options=mode_options />
            <TextInput
                id="mail-to"
                kind="text"
                label=trms(|m| m.recipients)
                value=to
                help=trms(|m| m.recipients_help)
                error=form.error_for("to")
                autocomplete="off"
            />
            <TextInput
                id="mail-subject"
                label=trms(|m| m.subject)
                value=subject
                help=trms(|m| m.subject_help)
                error=form.error_for("subject")
            />
            <TextArea id="mail-body" label=trms(|m| m.body) value=body required=true error=form.error_for("body") rows=5 />
            {attachments}
            {move || {
                picker.track();
                view! { <FileInput id="mail-files" label=trms(|m| m.files) files multiple=true error=form.error_for("files") /> }
            }}
            <ProgressBar progress />
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{trm(|m| m.send)}</button>
        </form>
    }
}

/// The conversation as a PDF: downloaded, or mailed to any address.
#[component]
pub fn ExportPanel(id: String, protocol: String) -> impl IntoView {
    let i18n = use_i18n();
    let internal = RwSignal::new(false);
    let download = FormState::new();
    let form = FormState::new();
    let to = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let id = StoredValue::new(id);
    let filename = StoredValue::new(format!(
        "pratica-{}.pdf",
        protocol.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    ));

    let export = move |_| {
        if download.pending.get_untracked() {
            return;
        }
        download.start();
        spawn_local(async move {
            let url = api::export_pdf_url(&id.get_value(), internal.get_untracked());
            match api::download(&url, &filename.get_value()).await {
                Ok(()) => download.succeed(i18n.m().export_started),
                Err(e) => download.fail(e),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = Errors::new();
        let list = recipients(&to.get_untracked(), "to", &mut errors);
        if list.is_empty() && to.with_untracked(|t| t.trim().is_empty()) {
            errors.push(FieldError::new(
                "to",
                "Indica almeno un destinatario",
                "Give at least one recipient",
            ));
        }
        if let Err(e) = errors.finish() {
            return form.invalid(&e);
        }
        let body = MailExport {
            to: list,
            note: Some(note.get_untracked().trim().to_owned()).filter(|n| !n.is_empty()),
        };
        form.start();
        spawn_local(async move {
            match api::export_mail(&id.get_value(), &body).await {
                Ok(_) => {
                    to.set(String::new());
                    note.set(String::new());
                    form.succeed(i18n.m().export_queued);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <section aria-labelledby="export-title" class="card card-bg p-3 mt-4">
            <h2 id="export-title" class="h4">{trm(|m| m.export_title)}</h2>
            <Notice message=download.done />
            <ErrorAlert error=download.alert />
            <Checkbox id="export-internal" label=trms(|m| m.export_internal) checked=internal />
            <p>
                <button type="button" class="btn btn-outline-primary" on:click=export aria-busy=move || download.pending.get().to_string()>
                    {trm(|m| m.export_pdf)}
                </button>
            </p>
            <form on:submit=submit novalidate>
                <h3 class="h5">{trm(|m| m.export_mail_title)}</h3>
                <p class="small">{trm(|m| m.export_mail_help)}</p>
                <Notice message=form.done />
                <ErrorAlert error=form.alert />
                <TextInput
                    id="export-to"
                    label=trms(|m| m.recipients)
                    value=to
                    required=true
                    error=form.error_for("to")
                    autocomplete="off"
                />
                <TextArea id="export-note" label=trms(|m| m.export_note) value=note error=form.error_for("note") rows=3 />
                <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{trm(|m| m.export_send)}</button>
            </form>
        </section>
    }
}
