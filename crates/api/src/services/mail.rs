//! Mail configuration: the tenant's mailboxes (with "test connection"), its SMS gateway and
//! App IO service, and each citizen's notification preferences. Administrators write, every
//! write is audited, and secrets are write-only.

use chrono::Utc;
use domain::api::{
    ConnectionCheck, ConnectionTest, MailSecurity, Mailbox, MailboxKind, NotificationChannels,
    NotificationPreferences, SaveMailboxSettings, SaveNotificationChannels,
};
use domain::egress::Refusal;
use domain::error::{DomainError, Errors, FieldError};
use domain::lifecycle::Role;
use serde::Serialize;

use crate::auth::AuthUser;
use crate::db::is_unique_violation;
use crate::db::models::{ChannelSettingsRow, MailboxRow, NotificationPrefsRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{mail, new_id, users};
use crate::egress::Egress;
use crate::error::{ApiError, ApiResult, blocking};
use crate::mail::address;
use crate::mail::imap::{self, ImapServer};
use crate::mail::smtp::{self, SmtpServer};
use crate::secret_key::{Column, SecretKey};
use crate::services::admin::{optional_text, text};
use crate::state::AppState;

fn audit<'a>(
    user: &'a AuthUser,
    action: &'a str,
    entity: &'a str,
    id: Option<&'a str>,
) -> Audit<'a> {
    Audit {
        tenant_id: user.tenant_id(),
        actor_id: Some(&user.user_id),
        action,
        entity,
        entity_id: id,
    }
}

// ---- mailboxes ---------------------------------------------------------------------------

pub fn mailbox_dto(m: &MailboxRow) -> Mailbox {
    Mailbox {
        id: m.id.clone(),
        name: m.name.clone(),
        kind: if m.kind == "pec" {
            MailboxKind::Pec
        } else {
            MailboxKind::Email
        },
        address: m.address.clone(),
        imap_host: m.imap_host.clone(),
        imap_port: u16::try_from(m.imap_port).unwrap_or(993),
        imap_security: MailSecurity::parse(&m.imap_security).unwrap_or(MailSecurity::Tls),
        imap_username: m.imap_username.clone(),
        imap_password_set: m.imap_password.as_deref().is_some_and(|p| !p.is_empty()),
        imap_folder: m.imap_folder.clone(),
        smtp_host: m.smtp_host.clone(),
        smtp_port: u16::try_from(m.smtp_port).unwrap_or(465),
        smtp_security: MailSecurity::parse(&m.smtp_security).unwrap_or(MailSecurity::Tls),
        smtp_username: m.smtp_username.clone(),
        smtp_password_set: m.smtp_password.as_deref().is_some_and(|p| !p.is_empty()),
        inbound_enabled: m.inbound_enabled,
        outbound_default: m.outbound_default,
        default_citizen_id: m.default_citizen_id.clone(),
        authserv_id: m.authserv_id.clone(),
        pec_certificates: m.pec_certificates.clone(),
        last_uid: u64::try_from(m.last_uid).unwrap_or(0),
        last_polled_at: m.last_polled_at.map(|t| t.and_utc()),
        last_error: m.last_error.clone(),
    }
}

/// What the audit log keeps of a mailbox: never its passwords.
#[derive(Serialize)]
struct Audited<'a> {
    name: &'a str,
    kind: &'a str,
    address: &'a str,
    imap_host: Option<&'a str>,
    smtp_host: Option<&'a str>,
    inbound_enabled: bool,
    outbound_default: bool,
    authserv_id: Option<&'a str>,
    /// SHA-256 of the PEC certificates: which ones were trusted, without the whole text.
    pec_certificates_sha256: Option<String>,
}

fn audited(m: &MailboxRow) -> Audited<'_> {
    Audited {
        name: &m.name,
        kind: &m.kind,
        address: &m.address,
        imap_host: m.imap_host.as_deref(),
        smtp_host: m.smtp_host.as_deref(),
        inbound_enabled: m.inbound_enabled,
        outbound_default: m.outbound_default,
        authserv_id: m.authserv_id.as_deref(),
        pec_certificates_sha256: m
            .pec_certificates
            .as_deref()
            .map(|p| crate::upload::hex_digest(p.as_bytes())),
    }
}

fn host(field: &'static str, value: Option<&str>, errors: &mut Errors) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    let ok = v.len() <= 253
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if ok {
        Some(v.to_ascii_lowercase())
    } else {
        errors.push(Refusal::Invalid.field_error(field, true));
        None
    }
}

/// The longest PEC certificates text accepted (a handful of certificates).
const MAX_CERTIFICATES_CHARS: usize = 64 * 1024;

/// The sender-authentication settings onto `row`: left out keeps, `""` clears.
fn apply_authentication(body: &SaveMailboxSettings, row: &mut MailboxRow, errors: &mut Errors) {
    if let Some(id) = &body.authserv_id {
        let id = id.trim();
        // An RFC 8601 authserv-id is a token (in practice a host name).
        let token = id.len() <= 255
            && id
                .chars()
                .all(|c| c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?=".contains(c));
        if token {
            row.authserv_id = (!id.is_empty()).then(|| id.to_owned());
        } else {
            errors.push(FieldError::new(
                "authserv_id",
                "authserv-id non valido: il nome che il gestore scrive negli Authentication-Results (es. mx.gestore.it)",
                "Invalid authserv-id: the name the provider writes in Authentication-Results (e.g. mx.provider.it)",
            ));
        }
    }
    if let Some(pem) = &body.pec_certificates {
        let pem = pem.trim();
        if pem.is_empty() {
            row.pec_certificates = None;
        } else if row.kind != MailboxKind::Pec.code() {
            errors.push(FieldError::new(
                "pec_certificates",
                "I certificati PEC si configurano solo su caselle PEC",
                "PEC certificates apply to PEC mailboxes only",
            ));
        } else if pem.len() > MAX_CERTIFICATES_CHARS {
            errors.push(FieldError::new(
                "pec_certificates",
                "Troppi certificati (al massimo 64 KB di testo PEM)",
                "Too many certificates (at most 64 KB of PEM text)",
            ));
        } else {
            match crate::mail::smime::certificates(pem) {
                Ok(_) => row.pec_certificates = Some(pem.to_owned()),
                Err(e) => errors.push(FieldError::new(
                    "pec_certificates",
                    format!("Certificati PEC non validi ({e}): incollare uno o più blocchi -----BEGIN CERTIFICATE-----"),
                    "Invalid PEC certificates: paste one or more -----BEGIN CERTIFICATE----- blocks",
                )),
            }
        }
    }
}

/// Validates the body onto `row` (passwords and authentication settings left out keep the
/// stored ones; new passwords are sealed for this row).
fn apply(
    settings: &SaveMailboxSettings,
    row: &mut MailboxRow,
    key: &SecretKey,
    egress: &Egress,
) -> ApiResult<()> {
    let body = &settings.mailbox;
    let mut errors = Errors::new();
    if let Some(name) = errors.check(text("name", &body.name, ("Nome", "Name"), 100, false)) {
        row.name = name;
    }
    let addr = address::normalize(&body.address);
    if address::is_valid(&addr) && !addr.contains('+') {
        row.address = addr;
    } else {
        errors.push(FieldError::new(
            "address",
            "Indirizzo e-mail non valido",
            "Invalid e-mail address",
        ));
    }
    row.kind = body.kind.code().to_owned();
    row.imap_host = host("imap_host", body.imap_host.as_deref(), &mut errors);
    row.smtp_host = host("smtp_host", body.smtp_host.as_deref(), &mut errors);
    let imap_security = body.imap_security.unwrap_or(MailSecurity::Tls);
    let smtp_security = body.smtp_security.unwrap_or(MailSecurity::Tls);
    for (host_field, security_field, h, sec) in [
        ("imap_host", "imap_security", &row.imap_host, imap_security),
        ("smtp_host", "smtp_security", &row.smtp_host, smtp_security),
    ] {
        if let Some(h) = h
            && let Err(refusal) = egress.check_mail_host(h, sec)
        {
            let field = if refusal == Refusal::Unencrypted {
                security_field
            } else {
                host_field
            };
            errors.push(refusal.field_error(field, true));
        }
    }
    row.imap_security = imap_security.code().to_owned();
    row.smtp_security = smtp_security.code().to_owned();
    row.imap_port = i32::from(body.imap_port.unwrap_or(match imap_security {
        MailSecurity::Tls => 993,
        _ => 143,
    }));
    row.smtp_port = i32::from(body.smtp_port.unwrap_or(match smtp_security {
        MailSecurity::Tls => 465,
        MailSecurity::Starttls => 587,
        MailSecurity::Plain => 25,
    }));
    if let Some(u) = errors.check(optional_text(
        "imap_username",
        body.imap_username.as_deref(),
        ("Utente IMAP", "IMAP user"),
        200,
    )) {
        row.imap_username = u;
    }
    if let Some(u) = errors.check(optional_text(
        "smtp_username",
        body.smtp_username.as_deref(),
        ("Utente SMTP", "SMTP user"),
        200,
    )) {
        row.smtp_username = u;
    }
    if let Some(p) = &body.imap_password {
        row.imap_password = (!p.is_empty()).then(|| key.seal(p, Column::ImapPassword, &row.id));
    }
    if let Some(p) = &body.smtp_password {
        row.smtp_password = (!p.is_empty()).then(|| key.seal(p, Column::SmtpPassword, &row.id));
    }
    match errors.check(optional_text(
        "imap_folder",
        body.imap_folder.as_deref(),
        ("Cartella", "Folder"),
        200,
    )) {
        Some(Some(f)) => row.imap_folder = f,
        Some(None) => row.imap_folder = "INBOX".into(),
        None => {}
    }
    row.inbound_enabled = body.inbound_enabled;
    row.outbound_default = body.outbound_default;
    row.default_citizen_id = body.default_citizen_id.clone().filter(|s| !s.is_empty());
    apply_authentication(settings, row, &mut errors);
    errors.finish()?;
    Ok(())
}

fn duplicate() -> ApiError {
    ApiError::conflict(
        "Esiste già una casella con questo indirizzo",
        "A mailbox with this address already exists",
    )
}

fn check_citizen(c: &mut crate::db::DbConn, user: &AuthUser, row: &MailboxRow) -> ApiResult<()> {
    if let Some(id) = &row.default_citizen_id
        && users::find(c, user.tenant_id(), id)?.is_none_or(|u| u.role != Role::Citizen)
    {
        return Err(ApiError::Domain(DomainError::invalid(
            "default_citizen_id",
            "Contribuente non trovato",
            "Taxpayer not found",
        )));
    }
    Ok(())
}

pub fn list_mailboxes(state: &AppState, user: &AuthUser) -> ApiResult<Vec<Mailbox>> {
    user.require_admin()?;
    let rows = state
        .db
        .read(|c| mail::list_mailboxes(c, user.tenant_id()))?;
    Ok(rows.iter().map(mailbox_dto).collect())
}

pub fn create_mailbox(
    state: &AppState,
    user: &AuthUser,
    body: &SaveMailboxSettings,
) -> ApiResult<Mailbox> {
    user.require_admin()?;
    let now = Utc::now().naive_utc();
    let mut row = MailboxRow {
        id: new_id(),
        tenant_id: user.tenant_id().to_owned(),
        name: String::new(),
        kind: String::new(),
        address: String::new(),
        imap_host: None,
        imap_port: 993,
        imap_security: "tls".into(),
        imap_username: None,
        imap_password: None,
        imap_folder: "INBOX".into(),
        smtp_host: None,
        smtp_port: 465,
        smtp_security: "tls".into(),
        smtp_username: None,
        smtp_password: None,
        inbound_enabled: true,
        outbound_default: false,
        default_citizen_id: None,
        uid_validity: None,
        last_uid: 0,
        poll_lease_until: None,
        last_polled_at: None,
        last_error: None,
        created_at: now,
        updated_at: now,
        authserv_id: None,
        pec_certificates: None,
    };
    apply(body, &mut row, &state.secret_key, &state.egress)?;
    state.db.write_tx(|c| {
        check_citizen(c, user, &row)?;
        mail::insert_mailbox(c, &row).map_err(|e| {
            if is_unique_violation(&e) {
                duplicate()
            } else {
                e.into()
            }
        })?;
        if row.outbound_default {
            mail::clear_outbound_default(c, user.tenant_id(), &row.id)?;
        }
        audit(user, "mailbox.create", "mailbox", Some(&row.id)).record(
            c,
            None::<&()>,
            Some(&audited(&row)),
        )?;
        Ok::<_, ApiError>(mailbox_dto(&row))
    })
}

pub fn update_mailbox(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &SaveMailboxSettings,
) -> ApiResult<Mailbox> {
    user.require_admin()?;
    state.db.write_tx(|c| {
        let before = mail::find_mailbox(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let mut row = before.clone();
        apply(body, &mut row, &state.secret_key, &state.egress)?;
        check_citizen(c, user, &row)?;
        // Another server or folder: start from its current first mail again.
        if row.imap_host != before.imap_host
            || row.imap_folder != before.imap_folder
            || row.imap_username != before.imap_username
        {
            row.uid_validity = None;
            row.last_uid = 0;
        }
        row.updated_at = Utc::now().naive_utc();
        mail::update_mailbox(c, &row).map_err(|e| {
            if is_unique_violation(&e) {
                duplicate()
            } else {
                e.into()
            }
        })?;
        if row.outbound_default {
            mail::clear_outbound_default(c, user.tenant_id(), &row.id)?;
        }
        audit(user, "mailbox.update", "mailbox", Some(&row.id)).record(
            c,
            Some(&audited(&before)),
            Some(&audited(&row)),
        )?;
        Ok::<_, ApiError>(mailbox_dto(&row))
    })
}

pub fn delete_mailbox(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<()> {
    user.require_admin()?;
    state.db.write_tx(|c| {
        let before = mail::find_mailbox(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        mail::delete_mailbox(c, user.tenant_id(), id)?;
        audit(user, "mailbox.delete", "mailbox", Some(id)).record(
            c,
            Some(&audited(&before)),
            None::<&()>,
        )?;
        Ok::<_, ApiError>(())
    })
}

/// "Test connection": logs in to the IMAP and SMTP servers of a saved mailbox.
pub async fn test_mailbox(
    state: actix_web::web::Data<AppState>,
    user: AuthUser,
    id: String,
) -> ApiResult<ConnectionTest> {
    user.require_admin()?;
    let st = state.clone();
    let tenant = user.tenant_id().to_owned();
    let row = blocking(move || st.db.read(|c| mail::find_mailbox(c, &tenant, &id)))
        .await?
        .ok_or(ApiError::NotFound)?;
    let key = &state.secret_key;
    let egress = &state.egress;
    let check = |r: Result<String, String>| match r {
        Ok(d) => ConnectionCheck {
            ok: true,
            detail: Some(d),
        },
        Err(d) => ConnectionCheck {
            ok: false,
            detail: Some(d),
        },
    };
    let imap = match ImapServer::of_mailbox(&row, key) {
        Ok(Some(server)) => Some(check(imap::test(&server, egress).await)),
        Ok(None) => None,
        Err(f) => Some(check(Err(format!("IMAP: {f}")))),
    };
    let smtp = match SmtpServer::of_mailbox(&row, key) {
        Ok(Some(server)) => {
            let helo = address::split(&row.address)
                .map_or("localhost", |(_, d)| d)
                .to_owned();
            Some(check(match smtp::transport(&server, &helo, egress).await {
                Ok(t) => smtp::test(&t).await,
                Err(f) => Err(format!("SMTP: {f}")),
            }))
        }
        Ok(None) => None,
        Err(f) => Some(check(Err(format!("SMTP: {f}")))),
    };
    Ok(ConnectionTest { imap, smtp })
}

// ---- SMS gateway and App IO -----------------------------------------------------------

fn channels_dto(row: Option<ChannelSettingsRow>) -> NotificationChannels {
    let row = row.unwrap_or_else(|| empty_channels(String::new()));
    NotificationChannels {
        sms_url: row.sms_url,
        sms_sender: row.sms_sender,
        sms_token_set: row.sms_token.is_some_and(|t| !t.is_empty()),
        io_url: row.io_url,
        io_api_key_set: row.io_api_key.is_some_and(|t| !t.is_empty()),
        public_url: row.public_url,
    }
}

fn empty_channels(tenant_id: String) -> ChannelSettingsRow {
    ChannelSettingsRow {
        tenant_id,
        sms_url: None,
        sms_token: None,
        sms_sender: None,
        io_url: None,
        io_api_key: None,
        public_url: None,
        updated_at: Utc::now().naive_utc(),
    }
}

/// `None`: leave as is; `Some(None)`: clear; `Some(Some(url))`: set.
#[allow(clippy::option_option)]
fn url(field: &'static str, value: Option<&str>, errors: &mut Errors) -> Option<Option<String>> {
    let v = value?.trim();
    if v.is_empty() {
        return Some(None);
    }
    let ok = (v.starts_with("https://") || v.starts_with("http://"))
        && v.len() <= 500
        && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Some(Some(v.trim_end_matches('/').to_owned()))
    } else {
        errors.push(Refusal::Invalid.field_error(field, false));
        None
    }
}

/// The URL of an integration Sportello calls: also the installation's egress policy.
#[allow(clippy::option_option)]
fn integration_url(
    field: &'static str,
    value: Option<&str>,
    egress: &Egress,
    errors: &mut Errors,
) -> Option<Option<String>> {
    let checked = url(field, value, errors)?;
    if let Some(u) = &checked
        && let Err(refusal) = egress.check_url(u)
    {
        errors.push(refusal.field_error(field, false));
        return None;
    }
    Some(checked)
}

pub fn get_channels(state: &AppState, user: &AuthUser) -> ApiResult<NotificationChannels> {
    user.require_admin()?;
    Ok(channels_dto(
        state
            .db
            .read(|c| mail::channel_settings(c, user.tenant_id()))?,
    ))
}

pub fn save_channels(
    state: &AppState,
    user: &AuthUser,
    body: &SaveNotificationChannels,
) -> ApiResult<NotificationChannels> {
    user.require_admin()?;
    let mut errors = Errors::new();
    let sms_url = integration_url(
        "sms_url",
        body.sms_url.as_deref(),
        &state.egress,
        &mut errors,
    );
    let io_url = integration_url("io_url", body.io_url.as_deref(), &state.egress, &mut errors);
    let public_url = url("public_url", body.public_url.as_deref(), &mut errors);
    let sender = match &body.sms_sender {
        Some(s) => errors.check(optional_text(
            "sms_sender",
            Some(s),
            ("Mittente SMS", "SMS sender"),
            20,
        )),
        None => None,
    };
    errors.finish()?;
    state.db.write_tx(|c| {
        let before = mail::channel_settings(c, user.tenant_id())?;
        let mut row = before
            .clone()
            .unwrap_or_else(|| empty_channels(user.tenant_id().to_owned()));
        if let Some(v) = sms_url {
            row.sms_url = v;
        }
        if let Some(v) = io_url {
            row.io_url = v;
        }
        if let Some(v) = public_url {
            row.public_url = v;
        }
        if let Some(v) = sender {
            row.sms_sender = v;
        }
        let key = &state.secret_key;
        if let Some(t) = &body.sms_token {
            row.sms_token = (!t.is_empty()).then(|| key.seal(t, Column::SmsToken, &row.tenant_id));
        }
        if let Some(k) = &body.io_api_key {
            row.io_api_key = (!k.is_empty()).then(|| key.seal(k, Column::IoApiKey, &row.tenant_id));
        }
        row.updated_at = Utc::now().naive_utc();
        mail::save_channel_settings(c, &row)?;
        let after = channels_dto(Some(row));
        audit(
            user,
            "notification_channels.update",
            "notification_channels",
            None,
        )
        .record(c, Some(&channels_dto(before)), Some(&after))?;
        Ok::<_, ApiError>(after)
    })
}

// ---- citizens' preferences -------------------------------------------------------------

pub fn get_preferences(state: &AppState, user: &AuthUser) -> ApiResult<NotificationPreferences> {
    let p = state
        .db
        .read(|c| crate::mail::outbound::prefs_of(c, Some(&user.user_id)))?;
    Ok(NotificationPreferences {
        email: p.email,
        sms: p.sms,
        app_io: p.app_io,
        lang: if p.lang == domain::error::Lang::En {
            "en"
        } else {
            "it"
        }
        .into(),
    })
}

pub fn save_preferences(
    state: &AppState,
    user: &AuthUser,
    body: &NotificationPreferences,
) -> ApiResult<NotificationPreferences> {
    if !matches!(body.lang.as_str(), "it" | "en") {
        return Err(ApiError::invalid(
            "lang",
            "Lingua non valida: it o en",
            "Invalid language: it or en",
        ));
    }
    state.db.write_tx(|c| {
        let u = users::find(c, user.tenant_id(), &user.user_id)?.ok_or(ApiError::NotFound)?;
        let mut errors = Errors::new();
        if body.sms && u.phone.as_deref().is_none_or(str::is_empty) {
            errors.push(FieldError::new(
                "sms",
                "Per ricevere SMS indicare un numero di telefono nel profilo",
                "Add a phone number to your profile to receive SMS",
            ));
        }
        if body.app_io && u.fiscal_code.as_deref().is_none_or(str::is_empty) {
            errors.push(FieldError::new(
                "app_io",
                "Per ricevere messaggi su IO serve il codice fiscale",
                "Messages on IO need your tax code",
            ));
        }
        if body.email && u.email.as_deref().is_none_or(str::is_empty) {
            errors.push(FieldError::new(
                "email",
                "Per ricevere e-mail indicare un indirizzo nel profilo",
                "Add an e-mail address to your profile",
            ));
        }
        errors.finish()?;
        mail::save_prefs(
            c,
            &NotificationPrefsRow {
                user_id: user.user_id.clone(),
                tenant_id: user.tenant_id().to_owned(),
                email: body.email,
                sms: body.sms,
                app_io: body.app_io,
                lang: body.lang.clone(),
                updated_at: Utc::now().naive_utc(),
            },
        )?;
        Ok::<_, ApiError>(body.clone())
    })
}
