//! Administration of mail and notifications: the tenant's e-mail and PEC mailboxes (list,
//! add, edit, delete, "test connection") and its SMS gateway and App IO service.
//! Passwords, tokens and keys are write-only: the server only says whether one is stored.

use domain::api::{
    ConnectionCheck, ConnectionTest, MailSecurity, Mailbox, MailboxKind, NotificationChannels,
    SaveMailbox, SaveMailboxSettings, SaveNotificationChannels,
};
use domain::error::Errors;
use domain::{FieldError, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, ApiResult};
use crate::browser;
use crate::components::{
    Checkbox, ErrorAlert, FormState, Notice, Page, SelectInput, TextArea, TextInput, load,
};
use crate::format;
use crate::i18n::{I18n, MailTexts, mail_texts, tr, trm, trms, trsts, use_i18n};

const KINDS: [MailboxKind; 2] = [MailboxKind::Email, MailboxKind::Pec];
const SECURITIES: [MailSecurity; 3] = [
    MailSecurity::Tls,
    MailSecurity::Starttls,
    MailSecurity::Plain,
];

fn kind_label(m: &MailTexts, kind: MailboxKind) -> &'static str {
    m.kind_labels[KINDS.iter().position(|k| *k == kind).unwrap_or(0)]
}

fn security_label(m: &MailTexts, s: MailSecurity) -> &'static str {
    m.security_labels[SECURITIES.iter().position(|x| *x == s).unwrap_or(0)]
}

fn security_options(i18n: I18n) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        SECURITIES
            .into_iter()
            .map(|s| (s.code().to_owned(), security_label(i18n.m(), s).to_owned()))
            .collect()
    })
}

/// `host:port (security)`, or "not set up".
fn server_line(m: &MailTexts, host: Option<&str>, port: u16, security: MailSecurity) -> String {
    host.map_or_else(
        || m.not_configured.to_owned(),
        |h| format!("{h}:{port} ({})", security_label(m, security)),
    )
}

// ---- mailboxes ------------------------------------------------------------------------

/// The inputs of the mailbox form, as typed.
#[derive(Clone, Copy)]
struct MailboxFields {
    name: RwSignal<String>,
    kind: RwSignal<String>,
    address: RwSignal<String>,
    imap_host: RwSignal<String>,
    imap_port: RwSignal<String>,
    imap_security: RwSignal<String>,
    imap_username: RwSignal<String>,
    imap_password: RwSignal<String>,
    imap_folder: RwSignal<String>,
    smtp_host: RwSignal<String>,
    smtp_port: RwSignal<String>,
    smtp_security: RwSignal<String>,
    smtp_username: RwSignal<String>,
    smtp_password: RwSignal<String>,
    inbound: RwSignal<bool>,
    outbound: RwSignal<bool>,
    authserv_id: RwSignal<String>,
    pec_certificates: RwSignal<String>,
}

impl MailboxFields {
    fn new() -> Self {
        let s = || RwSignal::new(String::new());
        Self {
            name: s(),
            kind: RwSignal::new(MailboxKind::Email.code().to_owned()),
            address: s(),
            imap_host: s(),
            imap_port: s(),
            imap_security: RwSignal::new(MailSecurity::Tls.code().to_owned()),
            imap_username: s(),
            imap_password: s(),
            imap_folder: s(),
            smtp_host: s(),
            smtp_port: s(),
            smtp_security: RwSignal::new(MailSecurity::Tls.code().to_owned()),
            smtp_username: s(),
            smtp_password: s(),
            inbound: RwSignal::new(true),
            outbound: RwSignal::new(false),
            authserv_id: s(),
            pec_certificates: s(),
        }
    }

    /// Fills the form with a mailbox (passwords stay empty: "keep the stored one"), or
    /// empties it.
    fn fill(self, m: Option<&Mailbox>) {
        let text = |v: Option<&String>| v.cloned().unwrap_or_default();
        self.name.set(text(m.map(|m| &m.name)));
        self.kind
            .set(m.map_or(MailboxKind::Email, |m| m.kind).code().to_owned());
        self.address.set(text(m.map(|m| &m.address)));
        self.imap_host
            .set(text(m.and_then(|m| m.imap_host.as_ref())));
        self.imap_port
            .set(m.map(|m| m.imap_port.to_string()).unwrap_or_default());
        self.imap_security.set(
            m.map_or(MailSecurity::Tls, |m| m.imap_security)
                .code()
                .to_owned(),
        );
        self.imap_username
            .set(text(m.and_then(|m| m.imap_username.as_ref())));
        self.imap_password.set(String::new());
        self.imap_folder.set(text(m.map(|m| &m.imap_folder)));
        self.smtp_host
            .set(text(m.and_then(|m| m.smtp_host.as_ref())));
        self.smtp_port
            .set(m.map(|m| m.smtp_port.to_string()).unwrap_or_default());
        self.smtp_security.set(
            m.map_or(MailSecurity::Tls, |m| m.smtp_security)
                .code()
                .to_owned(),
        );
        self.smtp_username
            .set(text(m.and_then(|m| m.smtp_username.as_ref())));
        self.smtp_password.set(String::new());
        self.inbound.set(m.is_none_or(|m| m.inbound_enabled));
        self.outbound.set(m.is_some_and(|m| m.outbound_default));
        self.authserv_id
            .set(text(m.and_then(|m| m.authserv_id.as_ref())));
        self.pec_certificates
            .set(text(m.and_then(|m| m.pec_certificates.as_ref())));
    }

    /// The body of `POST /mailboxes` or `PUT /mailboxes/{id}`, or the field errors found
    /// before asking the server.
    fn body(
        self,
        default_citizen_id: Option<String>,
    ) -> Result<SaveMailboxSettings, domain::DomainError> {
        let mut errors = Errors::new();
        let opt = |s: RwSignal<String>| {
            Some(s.get_untracked().trim().to_owned()).filter(|v| !v.is_empty())
        };
        let mut port = |field: &'static str, s: RwSignal<String>| {
            let raw = s.get_untracked();
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            match raw.parse::<u16>() {
                Ok(p) if p > 0 => Some(p),
                _ => {
                    errors.push(FieldError::new(
                        field,
                        mail_texts(Lang::It).invalid_port,
                        mail_texts(Lang::En).invalid_port,
                    ));
                    None
                }
            }
        };
        let imap_port = port("imap_port", self.imap_port);
        let smtp_port = port("smtp_port", self.smtp_port);
        let security = |s: RwSignal<String>| MailSecurity::parse(&s.get_untracked());
        let body = SaveMailbox {
            name: self.name.get_untracked().trim().to_owned(),
            kind: if self.kind.get_untracked() == MailboxKind::Pec.code() {
                MailboxKind::Pec
            } else {
                MailboxKind::Email
            },
            address: self.address.get_untracked().trim().to_owned(),
            imap_host: opt(self.imap_host),
            imap_port,
            imap_security: security(self.imap_security),
            imap_username: opt(self.imap_username),
            // Empty: keep the stored password.
            imap_password: Some(self.imap_password.get_untracked()).filter(|p| !p.is_empty()),
            imap_folder: opt(self.imap_folder),
            smtp_host: opt(self.smtp_host),
            smtp_port,
            smtp_security: security(self.smtp_security),
            smtp_username: opt(self.smtp_username),
            smtp_password: Some(self.smtp_password.get_untracked()).filter(|p| !p.is_empty()),
            inbound_enabled: self.inbound.get_untracked(),
            outbound_default: self.outbound.get_untracked(),
            default_citizen_id,
        };
        // Sent as typed: an empty field clears the stored value.
        let pec = body.kind == MailboxKind::Pec;
        let body = SaveMailboxSettings {
            mailbox: body,
            authserv_id: Some(self.authserv_id.get_untracked().trim().to_owned()),
            pec_certificates: pec.then(|| self.pec_certificates.get_untracked().trim().to_owned()),
        };
        errors.finish().map(|()| body)
    }
}

#[component]
pub fn MailboxesPage() -> impl IntoView {
    let i18n = use_i18n();
    let list: LocalResource<ApiResult<Vec<Mailbox>>> = LocalResource::new(api::mailboxes);
    let form = FormState::new();
    let fields = MailboxFields::new();
    // The mailbox being edited (None: a new one).
    let editing = RwSignal::new(None::<Mailbox>);
    // Outcome of a deletion, outside the list the reload redraws.
    let notice = FormState::new();

    let reset = move || {
        editing.set(None);
        fields.fill(None);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let current = editing.get_untracked();
        let body = match fields.body(current.as_ref().and_then(|m| m.default_citizen_id.clone())) {
            Ok(b) => b,
            Err(e) => return form.invalid(&e),
        };
        form.start();
        spawn_local(async move {
            let r = match &current {
                Some(m) => api::update_mailbox(&m.id, &body).await,
                None => api::create_mailbox(&body).await,
            };
            match r {
                Ok(_) => {
                    reset();
                    form.succeed(i18n.t().saved);
                    list.refetch();
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let edit = move |m: Mailbox| {
        form.errors.set(Vec::new());
        form.alert.set(None);
        form.done.set(None);
        fields.fill(Some(&m));
        editing.set(Some(m));
        request_animation_frame(|| browser::focus("mailbox-form-title"));
    };
    let remove = move |m: Mailbox| {
        if !browser::confirm(i18n.m().delete_confirm) {
            return;
        }
        notice.start();
        spawn_local(async move {
            match api::delete_mailbox(&m.id).await {
                Ok(_) => {
                    if editing.with_untracked(|e| e.as_ref().is_some_and(|e| e.id == m.id)) {
                        reset();
                    }
                    notice.succeed(i18n.m().deleted);
                    list.refetch();
                    // The pressed button went with its card.
                    request_animation_frame(|| browser::focus("page-title"));
                }
                Err(e) => notice.fail(e),
            }
        });
    };

    let kind_options = Signal::derive(move || {
        KINDS
            .into_iter()
            .map(|k| (k.code().to_owned(), kind_label(i18n.m(), k).to_owned()))
            .collect::<Vec<_>>()
    });
    let stored = move |pick: fn(&Mailbox) -> bool| {
        move || {
            if editing.with(|e| e.as_ref().is_some_and(pick)) {
                i18n.m().password_kept.to_owned()
            } else {
                String::new()
            }
        }
    };
    let imap_kept = Signal::derive(stored(|m| m.imap_password_set));
    let smtp_kept = Signal::derive(stored(|m| m.smtp_password_set));

    view! {
        <Page title=trsts(|s| s.mailboxes_title) no_breadcrumbs=true>
            <p>{trm(|m| m.mailboxes_intro)}</p>
            <Notice message=notice.done />
            <ErrorAlert error=notice.alert />
            {load(list, move |items| {
                if items.is_empty() {
                    return view! { <p>{trm(|m| m.mailboxes_empty)}</p> }.into_any();
                }
                view! {
                    <ul class="list-unstyled mb-4" data-testid="mailboxes">
                        {items.into_iter().map(|m| view! { <MailboxItem m edit remove /> }).collect_view()}
                    </ul>
                }
                    .into_any()
            })}
            <form on:submit=submit novalidate class="p-3 border rounded" data-testid="mailbox-form">
                <h2 class="h4" id="mailbox-form-title" tabindex="-1">
                    {move || if editing.with(Option::is_some) { i18n.m().edit_title } else { i18n.m().add_title }}
                </h2>
                <Notice message=form.done />
                <ErrorAlert error=form.alert />
                <p class="small">{tr(|t| t.required_hint)}</p>
                <TextInput id="mb-name" label=trms(|m| m.name) value=fields.name required=true error=form.error_for("name") />
                <SelectInput id="mb-kind" label=trms(|m| m.kind) value=fields.kind options=kind_options required=true />
                <TextInput id="mb-address" kind="email" label=trms(|m| m.address) value=fields.address required=true error=form.error_for("address") autocomplete="off" />
                <fieldset class="mb-3">
                    <legend class="h5">{trm(|m| m.imap)}</legend>
                    <div class="row">
                        <div class="col-md-8"><TextInput id="mb-imap-host" label=trms(|m| m.host) value=fields.imap_host error=form.error_for("imap_host") /></div>
                        <div class="col-md-4"><TextInput id="mb-imap-port" kind="number" label=trms(|m| m.port) value=fields.imap_port help=trms(|m| m.port_help) error=form.error_for("imap_port") /></div>
                    </div>
                    <SelectInput id="mb-imap-security" label=trms(|m| m.security) value=fields.imap_security options=security_options(i18n) error=form.error_for("imap_security") />
                    <div class="row">
                        <div class="col-md-6"><TextInput id="mb-imap-user" label=trms(|m| m.username) value=fields.imap_username error=form.error_for("imap_username") autocomplete="off" /></div>
                        <div class="col-md-6"><TextInput id="mb-imap-password" kind="password" label=trms(|m| m.password) value=fields.imap_password help=imap_kept autocomplete="new-password" /></div>
                    </div>
                    <TextInput id="mb-imap-folder" label=trms(|m| m.folder) value=fields.imap_folder error=form.error_for("imap_folder") />
                    <Checkbox id="mb-inbound" label=trms(|m| m.inbound) checked=fields.inbound />
                </fieldset>
                <fieldset class="mb-3">
                    <legend class="h5">{trm(|m| m.smtp)}</legend>
                    <div class="row">
                        <div class="col-md-8"><TextInput id="mb-smtp-host" label=trms(|m| m.host) value=fields.smtp_host error=form.error_for("smtp_host") /></div>
                        <div class="col-md-4"><TextInput id="mb-smtp-port" kind="number" label=trms(|m| m.port) value=fields.smtp_port help=trms(|m| m.port_help) error=form.error_for("smtp_port") /></div>
                    </div>
                    <SelectInput id="mb-smtp-security" label=trms(|m| m.security) value=fields.smtp_security options=security_options(i18n) error=form.error_for("smtp_security") />
                    <div class="row">
                        <div class="col-md-6"><TextInput id="mb-smtp-user" label=trms(|m| m.username) value=fields.smtp_username error=form.error_for("smtp_username") autocomplete="off" /></div>
                        <div class="col-md-6"><TextInput id="mb-smtp-password" kind="password" label=trms(|m| m.password) value=fields.smtp_password help=smtp_kept autocomplete="new-password" /></div>
                    </div>
                    <Checkbox id="mb-outbound" label=trms(|m| m.outbound) checked=fields.outbound />
                </fieldset>
                <fieldset class="mb-3">
                    <legend class="h5">{trm(|m| m.sender_auth)}</legend>
                    <TextInput id="mb-authserv-id" label=trms(|m| m.authserv_id) value=fields.authserv_id help=trms(|m| m.authserv_id_help) error=form.error_for("authserv_id") autocomplete="off" />
                    {move || (fields.kind.get() == MailboxKind::Pec.code()).then(|| view! {
                        <TextArea id="mb-pec-certificates" label=trms(|m| m.pec_certificates) value=fields.pec_certificates help=trms(|m| m.pec_certificates_help) error=form.error_for("pec_certificates") rows=4 />
                    })}
                </fieldset>
                <div class="d-flex flex-wrap gap-2">
                    <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>
                        {move || if editing.with(Option::is_some) { i18n.m().save } else { i18n.m().add }}
                    </button>
                    {move || {
                        editing
                            .with(Option::is_some)
                            .then(|| {
                                view! {
                                    <button type="button" class="btn btn-outline-primary" on:click=move |_| reset()>
                                        {move || i18n.s().cancel}
                                    </button>
                                }
                            })
                    }}
                </div>
            </form>
        </Page>
    }
}

/// One mailbox: its settings at a glance, "test connection" with the outcome, edit, delete.
#[component]
fn MailboxItem(
    m: Mailbox,
    edit: impl Fn(Mailbox) + Copy + Send + Sync + 'static,
    remove: impl Fn(Mailbox) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let testing = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<ConnectionTest, ApiError>>);
    let id = StoredValue::new(m.id.clone());
    let mailbox = StoredValue::new(m.clone());
    // Not disabled while it runs (a disabled button drops the keyboard focus): a second
    // press is ignored instead.
    let test = move |_| {
        if testing.get_untracked() {
            return;
        }
        testing.set(true);
        outcome.set(None);
        spawn_local(async move {
            let r = api::test_mailbox(&id.get_value()).await;
            testing.set(false);
            outcome.set(Some(r));
        });
    };
    let kind = m.kind;
    let servers = move || {
        mailbox.with_value(|m| {
            let t = i18n.m();
            (
                format!(
                    "{}: {}",
                    t.imap,
                    server_line(t, m.imap_host.as_deref(), m.imap_port, m.imap_security)
                ),
                format!(
                    "{}: {}",
                    t.smtp,
                    server_line(t, m.smtp_host.as_deref(), m.smtp_port, m.smtp_security)
                ),
            )
        })
    };
    let name = m.name.clone();
    view! {
        <li class="card card-bg mb-3" data-testid="mailbox">
            <div class="card-body">
                <div class="d-flex flex-wrap align-items-center gap-2 mb-1">
                    <h2 class="h5 mb-0">{m.name.clone()}</h2>
                    <span class="badge bg-primary">{move || kind_label(i18n.m(), kind)}</span>
                    {m.outbound_default.then(|| view! { <span class="badge bg-success">{trm(|t| t.outbound)}</span> })}
                </div>
                <p class="mb-1 pre-line">{m.address.clone()}</p>
                <p class="small mb-1 pre-line">
                    {move || servers().0}
                    {(!m.inbound_enabled).then(|| view! { " (" {trm(|t| t.inbound_off)} ")" })}
                    <br />
                    {move || servers().1}
                </p>
                {m.last_polled_at.map(|at| view! {
                    <p class="small mb-1">{trm(|t| t.last_polled)} ": " <time datetime=at.to_rfc3339()>{format::datetime(at)}</time></p>
                })}
                {m.last_error.clone().map(|e| view! {
                    <p class="small mb-1 pre-line">{trm(|t| t.last_error)} ": " {e}</p>
                })}
                <div class="d-flex flex-wrap gap-2 mt-2">
                    <button type="button" class="btn btn-sm btn-primary" on:click=test aria-busy=move || testing.get().to_string()>
                        {move || if testing.get() { i18n.m().testing } else { i18n.m().test }}
                    </button>
                    <button type="button" class="btn btn-sm btn-outline-primary" on:click=move |_| edit(mailbox.get_value())>
                        {trm(|t| t.edit)}
                        <span class="visually-hidden">{format!(" {name}")}</span>
                    </button>
                    <button type="button" class="btn btn-sm btn-outline-danger" on:click=move |_| remove(mailbox.get_value())>
                        {move || i18n.s().delete}
                        <span class="visually-hidden">{format!(" {}", m.name)}</span>
                    </button>
                </div>
                <div aria-live="polite" data-testid="connection-test">
                    {move || outcome.get().map(|r| match r {
                        Ok(t) => view! { <TestOutcome t /> }.into_any(),
                        Err(e) => view! { <ErrorAlert error=Signal::stored(Some(e)) /> }.into_any(),
                    })}
                </div>
            </div>
        </li>
    }
}

/// The outcome of "test connection": one line per server, with what it said.
#[component]
fn TestOutcome(t: ConnectionTest) -> impl IntoView {
    let i18n = use_i18n();
    let ok = [&t.imap, &t.smtp].into_iter().flatten().all(|c| c.ok)
        && (t.imap.is_some() || t.smtp.is_some());
    let line = move |label: fn(&MailTexts) -> &'static str, check: Option<ConnectionCheck>| {
        let text = move || {
            let m = i18n.m();
            match &check {
                None => format!("{}: {}", label(m), m.not_configured),
                Some(c) => {
                    let verdict = if c.ok { m.check_ok } else { m.check_failed };
                    match &c.detail {
                        Some(d) => format!("{}: {verdict} — {d}", label(m)),
                        None => format!("{}: {verdict}", label(m)),
                    }
                }
            }
        };
        view! { <li class="pre-line">{text}</li> }
    };
    view! {
        <div class="alert mt-3 mb-0" class:alert-success=ok class:alert-danger=!ok role="status">
            <p class="mb-1"><strong>{move || if ok { i18n.m().test_ok } else { i18n.m().test_failed }}</strong></p>
            <ul class="mb-0 small">
                {line(|m| m.imap, t.imap.clone())}
                {line(|m| m.smtp, t.smtp.clone())}
            </ul>
        </div>
    }
}

// ---- notification channels ------------------------------------------------------------

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let channels: LocalResource<ApiResult<NotificationChannels>> =
        LocalResource::new(api::notification_channels);
    view! {
        <Page title=trsts(|s| s.channels_title) no_breadcrumbs=true>
            <p>{trm(|m| m.channels_intro)}</p>
            {load(channels, |c| view! { <ChannelsForm c /> })}
        </Page>
    }
}

#[component]
fn ChannelsForm(c: NotificationChannels) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let text = |v: &Option<String>| RwSignal::new(v.clone().unwrap_or_default());
    let sms_url = text(&c.sms_url);
    let sms_sender = text(&c.sms_sender);
    let io_url = text(&c.io_url);
    let public_url = text(&c.public_url);
    let sms_token = RwSignal::new(String::new());
    let io_key = RwSignal::new(String::new());
    let clear_token = RwSignal::new(false);
    let clear_key = RwSignal::new(false);
    // What the server says is stored, updated after each save.
    let token_set = RwSignal::new(c.sms_token_set);
    let key_set = RwSignal::new(c.io_api_key_set);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A secret: a new value, "" to remove the stored one, or None to keep it.
        let secret = |value: RwSignal<String>, clear: RwSignal<bool>| {
            let v = value.get_untracked();
            if !v.is_empty() {
                Some(v)
            } else if clear.get_untracked() {
                Some(String::new())
            } else {
                None
            }
        };
        let body = SaveNotificationChannels {
            sms_url: Some(sms_url.get_untracked().trim().to_owned()),
            sms_sender: Some(sms_sender.get_untracked().trim().to_owned()),
            sms_token: secret(sms_token, clear_token),
            io_url: Some(io_url.get_untracked().trim().to_owned()),
            io_api_key: secret(io_key, clear_key),
            public_url: Some(public_url.get_untracked().trim().to_owned()),
        };
        form.start();
        spawn_local(async move {
            match api::save_notification_channels(&body).await {
                Ok(saved) => {
                    sms_token.set(String::new());
                    io_key.set(String::new());
                    clear_token.set(false);
                    clear_key.set(false);
                    token_set.set(saved.sms_token_set);
                    key_set.set(saved.io_api_key_set);
                    form.succeed(i18n.t().saved);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let secret_help = move |set: RwSignal<bool>| {
        Signal::derive(move || {
            let m = i18n.m();
            if set.get() {
                m.secret_set
            } else {
                m.secret_unset
            }
            .to_owned()
        })
    };
    view! {
        <form on:submit=submit novalidate data-testid="channels-form">
            <Notice message=form.done />
            <ErrorAlert error=form.alert />
            <fieldset class="mb-3">
                <legend class="h5">{trm(|m| m.sms)}</legend>
                <TextInput id="ch-sms-url" kind="url" label=trms(|m| m.sms_url) value=sms_url error=form.error_for("sms_url") />
                <TextInput id="ch-sms-sender" label=trms(|m| m.sms_sender) value=sms_sender error=form.error_for("sms_sender") />
                <TextInput id="ch-sms-token" kind="password" label=trms(|m| m.sms_token) value=sms_token help=secret_help(token_set) error=form.error_for("sms_token") autocomplete="new-password" />
                {move || token_set.get().then(|| view! { <Checkbox id="ch-sms-token-clear" label=trms(|m| m.secret_clear_token) checked=clear_token /> })}
            </fieldset>
            <fieldset class="mb-3">
                <legend class="h5">{trm(|m| m.io)}</legend>
                <TextInput id="ch-io-url" kind="url" label=trms(|m| m.io_url) value=io_url help=trms(|m| m.io_url_help) error=form.error_for("io_url") />
                <TextInput id="ch-io-key" kind="password" label=trms(|m| m.io_key) value=io_key help=secret_help(key_set) error=form.error_for("io_api_key") autocomplete="new-password" />
                {move || key_set.get().then(|| view! { <Checkbox id="ch-io-key-clear" label=trms(|m| m.secret_clear_key) checked=clear_key /> })}
            </fieldset>
            <TextInput id="ch-public-url" kind="url" label=trms(|m| m.public_url) value=public_url help=trms(|m| m.public_url_help) error=form.error_for("public_url") />
            <button type="submit" class="btn btn-primary" disabled=move || form.pending.get()>{move || i18n.t().save}</button>
        </form>
    }
}
