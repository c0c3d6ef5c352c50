//! Administration of a tenant: settings, offices, staff accounts, routing rules and the
//! audit log. Staff may read what they need at the desk; only administrators write, and
//! every write is audited in its own transaction.

use domain::api::RegistrationStatus;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use domain::api::{
    AuditEntry, CreateUser, Office, Page, RoutingRule, SaveOffice, Settings, UpdateSettings,
    UpdateUser, User,
};
use domain::calendar::MonthDay;
use domain::catalogue::{RequestKind, StandardDays};
use domain::error::{DomainError, Errors, FieldError};
use domain::lifecycle::Role;
use domain::types::{CodiceFiscale, Email, PersonName, check_password_strength};
use serde::Serialize;

use crate::auth::{AuthUser, password};
use crate::db::models::{AuditRow, OfficeRow, TenantRow, UserRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{admin_users, audit, catalogue, new_id, offices, settings, tenants};
use crate::db::repo::{tokens, users};
use crate::db::{DbConn, is_unique_violation};
use crate::error::{ApiError, ApiResult};
use crate::services::account::settings as tax_settings;
use crate::services::pagopa::settings as pagopa_settings;
use crate::state::AppState;

/// At most this many extra closure days per tenant.
const MAX_CLOSURE_DAYS: usize = 366;

// ---- shared validation -------------------------------------------------------------

/// Trimmed text of 1..=`max` characters, or a field error (the rule is the domain's).
pub(crate) fn text(
    field: &'static str,
    value: &str,
    label: (&str, &str),
    max: usize,
    multiline: bool,
) -> Result<String, DomainError> {
    domain::content::required_text(field, value, label, max, multiline)
}

/// Like [`text`] on one line, but blank means "none".
pub(crate) fn optional_text(
    field: &'static str,
    value: Option<&str>,
    label: (&str, &str),
    max: usize,
) -> Result<Option<String>, DomainError> {
    domain::content::optional_text(field, value, label, max, false)
}

/// Maps a unique-constraint violation to a 409 with the given message.
fn unique_or(e: diesel::result::Error, it: &'static str, en: &'static str) -> ApiError {
    if is_unique_violation(&e) {
        ApiError::conflict(it, en)
    } else {
        e.into()
    }
}

fn audit<'a>(
    user: &'a AuthUser,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<&'a str>,
) -> Audit<'a> {
    Audit {
        tenant_id: user.tenant_id(),
        actor_id: Some(&user.user_id),
        action,
        entity,
        entity_id,
    }
}

// ---- settings ------------------------------------------------------------------------

pub fn settings_dto(
    row: &TenantRow,
    rules: &domain::tax::AccountRules,
    pagopa: &pagopa_settings::Stored,
) -> Settings {
    Settings {
        name: row.name.clone(),
        fiscal_code: row.fiscal_code.clone(),
        logo_url: row.logo_url.clone(),
        patron_saint: row.patron_saint.clone(),
        closure_days: serde_json::from_str(&row.closure_days).unwrap_or_default(),
        standard_days: serde_json::from_str(&row.standard_days).unwrap_or_default(),
        tqrif_scheme: u8::try_from(row.tqrif_scheme).unwrap_or(1),
        target_percent: u8::try_from(row.target_percent).unwrap_or(70),
        population: row.population.and_then(|p| u32::try_from(p).ok()),
        interest: domain::api::InterestSettings::from_rules(&rules.interest),
        instalments: domain::api::InstalmentSettings::from_rules(&rules.instalments),
        pagopa: pagopa.dto(),
        contacts: serde_json::from_str(&row.contacts).unwrap_or_default(),
    }
}

pub fn get_settings(state: &AppState, user: &AuthUser) -> ApiResult<Settings> {
    user.require_staff()?;
    let (row, rules, pagopa) = state.db.read(|c| {
        let row = tenants::find(c, user.tenant_id())?;
        Ok::<_, ApiError>((
            row,
            tax_settings::rules(c, user.tenant_id())?,
            pagopa_settings::load(c, user.tenant_id())?,
        ))
    })?;
    Ok(settings_dto(&row, &rules, &pagopa))
}

/// A logo is an absolute http(s) URL or a path on this server.
pub(crate) fn check_logo_url(raw: &str) -> Result<String, DomainError> {
    let url = raw.trim();
    let bad = || {
        DomainError::invalid(
            "logo_url",
            "Indirizzo del logo non valido: usare un URL https:// o un percorso che inizia con /",
            "Invalid logo address: use an https:// URL or a path starting with /",
        )
    };
    let scheme_ok = url.starts_with("https://")
        || url.starts_with("http://")
        || (url.starts_with('/') && !url.starts_with("//"));
    if !scheme_ok || url.len() > 500 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    Ok(url.to_owned())
}

/// Applies a partial update to the tenant row, reporting every bad field at once. Blank
/// strings clear the optional settings (fiscal code, logo, patron saint).
fn apply_settings(row: &mut TenantRow, body: &UpdateSettings) -> Result<(), DomainError> {
    let mut errors = Errors::new();
    if let Some(name) = &body.name
        && let Some(v) = errors.check(text("name", name, ("Nome dell'ente", "Name"), 200, false))
    {
        row.name = v;
    }
    if let Some(cf) = &body.fiscal_code {
        if cf.trim().is_empty() {
            row.fiscal_code = None;
        } else if let Some(v) = errors.check(CodiceFiscale::parse(cf)) {
            row.fiscal_code = Some(v.as_str().to_owned());
        }
    }
    if let Some(logo) = &body.logo_url {
        if logo.trim().is_empty() {
            row.logo_url = None;
        } else if let Some(v) = errors.check(check_logo_url(logo)) {
            row.logo_url = Some(v);
        }
    }
    if let Some(day) = &body.patron_saint {
        if day.trim().is_empty() {
            row.patron_saint = None;
        } else if let Some(v) = errors.check(MonthDay::parse(day)) {
            row.patron_saint = Some(v.to_string());
        }
    }
    if let Some(days) = &body.closure_days {
        let unique: BTreeSet<NaiveDate> = days.iter().copied().collect();
        if unique.len() > MAX_CLOSURE_DAYS {
            errors.push(FieldError::new(
                "closure_days",
                format!("Al massimo {MAX_CLOSURE_DAYS} giorni di chiusura"),
                format!("At most {MAX_CLOSURE_DAYS} closure days"),
            ));
        } else {
            let sorted: Vec<NaiveDate> = unique.into_iter().collect();
            row.closure_days = serde_json::to_string(&sorted).unwrap_or_else(|_| "[]".into());
        }
    }
    if let Some(days) = &body.standard_days
        && let Some(v) = errors.check(StandardDays::with_overrides(days.clone()))
    {
        row.standard_days = serde_json::to_string(v.overrides()).unwrap_or_else(|_| "{}".into());
    }
    if let Some(scheme) = body.tqrif_scheme {
        if (1..=4).contains(&scheme) {
            row.tqrif_scheme = i32::from(scheme);
        } else {
            errors.push(FieldError::new(
                "tqrif_scheme",
                "Lo schema regolatorio TQRIF va da 1 a 4",
                "The TQRIF regulatory scheme goes from 1 to 4",
            ));
        }
    }
    if let Some(target) = body.target_percent {
        if target <= 100 {
            row.target_percent = i32::from(target);
        } else {
            errors.push(FieldError::new(
                "target_percent",
                "L'obiettivo è una percentuale tra 0 e 100",
                "The target is a percentage between 0 and 100",
            ));
        }
    }
    if let Some(contacts) = &body.contacts
        && let Some(v) = errors.check(domain::tenants::check_contacts(contacts))
    {
        row.contacts = serde_json::to_string(&v).unwrap_or_else(|_| "{}".into());
    }
    if let Some(population) = body.population {
        if (1..=5_000_000).contains(&population) {
            row.population = i32::try_from(population).ok();
        } else {
            errors.push(FieldError::new(
                "population",
                "Popolazione: da 1 a 5.000.000 abitanti",
                "Population: 1 to 5,000,000 inhabitants",
            ));
        }
    }
    errors.finish()
}

pub fn update_settings(
    state: &AppState,
    user: &AuthUser,
    body: &UpdateSettings,
) -> ApiResult<Settings> {
    user.require_admin()?;
    let after = state.db.write_tx(|c| {
        let before = tenants::find(c, user.tenant_id())?;
        let before_rules = tax_settings::rules(c, user.tenant_id())?;
        let before_pagopa = pagopa_settings::load(c, user.tenant_id())?;
        let now = Utc::now().naive_utc();
        let mut row = before.clone();
        let mut errors = Errors::new();
        errors.check(apply_settings(&mut row, body));
        let rules = errors.check(tax_settings::apply(&before_rules, body));
        let pagopa = match &body.pagopa {
            Some(u) => errors.check(pagopa_settings::apply(
                &before_pagopa,
                u,
                &state.egress,
                &state.secret_key,
                user.tenant_id(),
                now,
            )),
            None => Some(before_pagopa.clone()),
        };
        errors.finish()?;
        let rules = rules.unwrap_or_default();
        let pagopa = pagopa.unwrap_or_default();
        settings::save(c, &row)?;
        if body.interest.is_some() || body.instalments.is_some() {
            tax_settings::save(c, user.tenant_id(), &rules, now)?;
        }
        if body.pagopa.is_some() {
            pagopa_settings::save(c, &pagopa)?;
            // Acts stored before pagoPA was set up get their notices now.
            if before_pagopa.config.issuer().is_none() && pagopa.config.issuer().is_some() {
                crate::services::pagopa::notices::sync_tenant(c, user.tenant_id(), now)?;
            }
            // Other reminder days: the open notices get reminders on the new ones.
            if before_pagopa.config.reminder_days != pagopa.config.reminder_days {
                crate::services::pagopa::reminders::plan_tenant(c, user.tenant_id(), now)?;
            }
        }
        let (before, after) = (
            settings_dto(&before, &before_rules, &before_pagopa),
            settings_dto(&row, &rules, &pagopa),
        );
        audit(user, "settings.update", "tenant", Some(user.tenant_id())).record(
            c,
            Some(&before),
            Some(&after),
        )?;
        Ok::<_, ApiError>(after)
    })?;
    // Deadlines and the public page must see the new calendar at once, on every node.
    state.tenant_changed(user.tenant_id());
    Ok(after)
}

// ---- offices ---------------------------------------------------------------------------

/// Offices and routing rules are cached with the tenant: drop the cache after a change.
fn directory_changed<T>(state: &AppState, user: &AuthUser, result: ApiResult<T>) -> ApiResult<T> {
    if result.is_ok() {
        state.tenant_changed(user.tenant_id());
    }
    result
}

pub fn office_dto(row: OfficeRow) -> Office {
    Office {
        id: row.id,
        name: row.name,
        email: row.email,
    }
}

fn validate_office(body: &SaveOffice) -> Result<(String, Option<String>), DomainError> {
    let mut errors = Errors::new();
    let name = errors.check(text(
        "name",
        &body.name,
        ("Nome dell'ufficio", "Office name"),
        100,
        false,
    ));
    let email = match body
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(e) => errors
            .check(Email::parse(e))
            .map(|e| Some(e.as_str().to_owned())),
        None => Some(None),
    };
    errors.finish()?;
    Ok((name.unwrap_or_default(), email.flatten()))
}

fn duplicate_office() -> ApiError {
    ApiError::conflict(
        "Esiste già un ufficio con questo nome",
        "An office with this name already exists",
    )
}

pub fn list_offices(state: &AppState, user: &AuthUser) -> ApiResult<Vec<Office>> {
    user.require_staff()?;
    let rows = state.db.read(|c| offices::list(c, user.tenant_id()))?;
    Ok(rows.into_iter().map(office_dto).collect())
}

pub fn create_office(state: &AppState, user: &AuthUser, body: &SaveOffice) -> ApiResult<Office> {
    user.require_admin()?;
    let (name, email) = validate_office(body)?;
    let result = state.db.write_tx(|c| {
        if offices::find_by_name(c, user.tenant_id(), &name)?.is_some() {
            return Err(duplicate_office());
        }
        let row = offices::create(c, user.tenant_id(), &name, email.as_deref()).map_err(|e| {
            unique_or(
                e,
                "Esiste già un ufficio con questo nome",
                "An office with this name already exists",
            )
        })?;
        let office = office_dto(row);
        audit(user, "office.create", "office", Some(&office.id)).record(
            c,
            None::<&Office>,
            Some(&office),
        )?;
        Ok::<_, ApiError>(office)
    });
    directory_changed(state, user, result)
}

pub fn update_office(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &SaveOffice,
) -> ApiResult<Office> {
    user.require_admin()?;
    let (name, email) = validate_office(body)?;
    let result = state.db.write_tx(|c| {
        let before = offices::find(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        if offices::find_by_name(c, user.tenant_id(), &name)?.is_some_and(|o| o.id != id) {
            return Err(duplicate_office());
        }
        offices::update(c, user.tenant_id(), id, &name, email.as_deref()).map_err(|e| {
            unique_or(
                e,
                "Esiste già un ufficio con questo nome",
                "An office with this name already exists",
            )
        })?;
        let before = office_dto(before);
        let after = Office {
            id: id.to_owned(),
            name,
            email,
        };
        audit(user, "office.update", "office", Some(id)).record(c, Some(&before), Some(&after))?;
        Ok::<_, ApiError>(after)
    });
    directory_changed(state, user, result)
}

pub fn delete_office(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<()> {
    user.require_admin()?;
    let result = state.db.write_tx(|c| {
        let before = offices::find(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let (requests, rules) = offices::usage(c, user.tenant_id(), id)?;
        if requests > 0 {
            return Err(ApiError::conflict(
                format!(
                    "L'ufficio ha ancora {requests} pratiche: riassegnarle a un altro ufficio prima di eliminarlo"
                ),
                format!(
                    "The office still has {requests} requests: reassign them to another office before deleting it"
                ),
            ));
        }
        if rules > 0 {
            return Err(ApiError::conflict(
                format!(
                    "L'ufficio riceve ancora {rules} tipi di pratica dalle regole di smistamento: modificarle prima di eliminarlo"
                ),
                format!(
                    "The office still receives {rules} request kinds through the routing rules: change them before deleting it"
                ),
            ));
        }
        let desks = crate::db::repo::agenda::desks_of_office(c, user.tenant_id(), id)?;
        if desks > 0 {
            return Err(ApiError::conflict(
                format!("L'ufficio gestisce ancora {desks} sportelli: assegnarli a un altro ufficio prima di eliminarlo"),
                format!("The office still runs {desks} desks: give them to another office before deleting it"),
            ));
        }
        // Memberships (`user_offices`) go with the office.
        let members = users::members_of(c, id)?;
        offices::delete(c, user.tenant_id(), id)?;
        audit(user, "office.delete", "office", Some(id)).record(
            c,
            Some(&office_dto(before)),
            None::<&Office>,
        )?;
        Ok(members)
    });
    // Its members' rights change with it.
    for member in result.iter().flatten() {
        state.session_changed(member);
    }
    directory_changed(state, user, result.map(|_| ()))
}

// ---- users -------------------------------------------------------------------------------

pub fn user_dto(row: UserRow, office_ids: Vec<String>) -> User {
    User {
        role: row.role,
        id: row.id,
        first_name: row.first_name,
        last_name: row.last_name,
        email: row.email,
        fiscal_code: row.fiscal_code,
        office_ids,
        active: row.active,
    }
}

/// The user plus whether the change reset the password (never the hash itself).
#[derive(Serialize)]
struct UserAudit<'a> {
    #[serde(flatten)]
    user: &'a User,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    password_reset: bool,
}

fn staff_role(role: Role) -> Result<Role, DomainError> {
    if role.is_staff() {
        Ok(role)
    } else {
        Err(DomainError::invalid(
            "role",
            "Ruolo non ammesso: scegliere operator, supervisor o admin",
            "Role not allowed: choose operator, supervisor or admin",
        ))
    }
}

/// Office ids, deduplicated, all offices of the tenant.
fn check_offices(c: &mut DbConn, tenant_id: &str, ids: &[String]) -> ApiResult<Vec<String>> {
    let wanted: Vec<String> = ids
        .iter()
        .map(|s| s.trim().to_owned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let found: BTreeSet<String> = offices::existing_ids(c, tenant_id, &wanted)?
        .into_iter()
        .collect();
    if let Some(missing) = wanted.iter().find(|id| !found.contains(*id)) {
        return Err(ApiError::invalid(
            "office_ids",
            format!("Ufficio sconosciuto: {missing}"),
            format!("Unknown office: {missing}"),
        ));
    }
    Ok(wanted)
}

fn load_user(c: &mut DbConn, tenant_id: &str, id: &str) -> ApiResult<User> {
    let row = users::find(c, tenant_id, id)?.ok_or(ApiError::NotFound)?;
    let offices = users::office_ids(c, id)?;
    Ok(user_dto(row, offices))
}

pub fn list_users(
    state: &AppState,
    user: &AuthUser,
    role: Option<Role>,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> ApiResult<Page<User>> {
    user.require_staff()?;
    let filter = admin_users::Filter {
        role: role.map(|r| r.code().to_owned()),
        search: q.map(str::to_owned),
    };
    let (rows, memberships) = state.db.read(|c| {
        let rows = admin_users::list(c, user.tenant_id(), &filter, cursor, limit + 1)?;
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let memberships = admin_users::offices_of(c, &ids)?;
        Ok::<_, ApiError>((rows, memberships))
    })?;
    let mut by_user: HashMap<String, Vec<String>> = HashMap::new();
    for (u, o) in memberships {
        by_user.entry(u).or_default().push(o);
    }
    let limit = usize::try_from(limit).unwrap_or(50);
    let mut items: Vec<User> = rows
        .into_iter()
        .map(|r| {
            let offices = by_user.remove(&r.id).unwrap_or_default();
            user_dto(r, offices)
        })
        .collect();
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        items.last().map(|u| u.id.clone()).unwrap_or_default()
    });
    Ok(Page { items, next_cursor })
}

pub fn get_user(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<User> {
    user.require_staff()?;
    state.db.read(|c| load_user(c, user.tenant_id(), id))
}

struct ValidNewUser {
    email: Email,
    first_name: PersonName,
    last_name: PersonName,
    role: Role,
}

fn validate_new_user(body: &CreateUser) -> Result<ValidNewUser, DomainError> {
    let mut errors = Errors::new();
    let email = errors.check(Email::parse(&body.email));
    let first_name = errors.check(PersonName::parse_first(&body.first_name));
    let last_name = errors.check(PersonName::parse_last(&body.last_name));
    let role = errors.check(staff_role(body.role));
    errors.check(check_password_strength(
        &body.password,
        &[&body.email, &body.first_name, &body.last_name],
    ));
    errors.finish()?;
    match (email, first_name, last_name, role) {
        (Some(email), Some(first_name), Some(last_name), Some(role)) => Ok(ValidNewUser {
            email,
            first_name,
            last_name,
            role,
        }),
        _ => Err(DomainError::invalid("", "Dati non validi", "Invalid data")),
    }
}

fn duplicate_user() -> ApiError {
    ApiError::conflict(
        "Esiste già un account con questo indirizzo e-mail",
        "An account with this e-mail address already exists",
    )
}

/// Creates a staff account (operator, supervisor or administrator), approved at once.
pub fn create_user(state: &AppState, user: &AuthUser, body: &CreateUser) -> ApiResult<User> {
    user.require_admin()?;
    let valid = validate_new_user(body)?;
    let hash = password::hash(&body.password)?;
    let now = Utc::now().naive_utc();
    state.db.write_tx(|c| {
        let office_ids = check_offices(c, user.tenant_id(), &body.office_ids)?;
        if users::find_by_email(c, user.tenant_id(), valid.email.as_str())?.is_some() {
            return Err(duplicate_user());
        }
        let row = UserRow {
            id: new_id(),
            tenant_id: user.tenant_id().to_owned(),
            role: valid.role,
            email: Some(valid.email.as_str().to_owned()),
            fiscal_code: None,
            first_name: valid.first_name.as_str().to_owned(),
            last_name: valid.last_name.as_str().to_owned(),
            phone: None,
            password_hash: Some(hash),
            status: RegistrationStatus::Approved,
            active: true,
            failed_logins: 0,
            locked_until: None,
            created_at: now,
            updated_at: now,
            session_version: 0,
        };
        users::insert(c, &row).map_err(|e| {
            unique_or(
                e,
                "Esiste già un account con questo indirizzo e-mail",
                "An account with this e-mail address already exists",
            )
        })?;
        users::set_offices(c, user.tenant_id(), &row.id, &office_ids)?;
        let created = user_dto(row, office_ids);
        audit(user, "user.create", "user", Some(&created.id)).record(
            c,
            None::<&User>,
            Some(&UserAudit {
                user: &created,
                password_reset: false,
            }),
        )?;
        Ok(created)
    })
}

/// Changes role, offices, active flag or password. Deactivating or resetting the password
/// ends the account's sessions. Administrators cannot lock themselves out.
pub fn update_user(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &UpdateUser,
) -> ApiResult<User> {
    user.require_admin()?;
    let is_self = id == user.user_id;
    if is_self && body.active == Some(false) {
        return Err(ApiError::conflict(
            "Non puoi disattivare il tuo stesso account",
            "You cannot deactivate your own account",
        ));
    }
    if is_self && body.role.is_some_and(|r| r != Role::Admin) {
        return Err(ApiError::conflict(
            "Non puoi togliere a te stesso il ruolo di amministratore",
            "You cannot remove the administrator role from yourself",
        ));
    }
    let current = state.db.read(|c| load_user(c, user.tenant_id(), id))?;
    let mut errors = Errors::new();
    let role = body.role.and_then(|r| errors.check(staff_role(r)));
    if !current.role.is_staff() && (body.role.is_some() || body.office_ids.is_some()) {
        errors.push(FieldError::new(
            if body.role.is_some() {
                "role"
            } else {
                "office_ids"
            },
            "Ruolo e uffici si assegnano solo agli account del personale",
            "Roles and offices are assigned to staff accounts only",
        ));
    }
    if let Some(pw) = body.password.as_deref() {
        let identifiers: Vec<&str> = [current.email.as_deref(), current.fiscal_code.as_deref()]
            .into_iter()
            .flatten()
            .chain([current.first_name.as_str(), current.last_name.as_str()])
            .collect();
        errors.check(check_password_strength(pw, &identifiers));
    }
    errors.finish()?;
    let new_hash = body.password.as_deref().map(password::hash).transpose()?;
    let now = Utc::now().naive_utc();
    let updated = state.db.write_tx(|c| {
        let before = load_user(c, user.tenant_id(), id)?;
        if let Some(r) = role {
            admin_users::set_role(c, id, r.code(), now)?;
        }
        if let Some(ids) = &body.office_ids {
            let ids = check_offices(c, user.tenant_id(), ids)?;
            users::set_offices(c, user.tenant_id(), id, &ids)?;
        }
        if let Some(active) = body.active {
            admin_users::set_active(c, id, active, now)?;
        }
        if let Some(hash) = &new_hash {
            admin_users::set_password(c, id, hash, now)?;
        }
        // Deactivation and a new password also move the session version on
        // (`admin_users`): access tokens issued before are refused.
        if body.active == Some(false) || new_hash.is_some() {
            tokens::revoke_user(c, id, now)?;
        }
        let after = load_user(c, user.tenant_id(), id)?;
        audit(user, "user.update", "user", Some(id)).record(
            c,
            Some(&UserAudit {
                user: &before,
                password_reset: false,
            }),
            Some(&UserAudit {
                user: &after,
                password_reset: new_hash.is_some(),
            }),
        )?;
        Ok::<_, ApiError>(after)
    })?;
    // The next request with any of the account's tokens sees the change, on every node.
    state.session_changed(id);
    Ok(updated)
}

// ---- routing rules ---------------------------------------------------------------------

fn rules_dto(rows: Vec<(String, String)>) -> Vec<RoutingRule> {
    rows.into_iter()
        .filter_map(|(kind, office_id)| {
            kind.parse::<RequestKind>()
                .ok()
                .map(|kind| RoutingRule { kind, office_id })
        })
        .collect()
}

pub fn routing_rules(state: &AppState, user: &AuthUser) -> ApiResult<Vec<RoutingRule>> {
    user.require_staff()?;
    let rows = state.db.read(|c| catalogue::rules(c, user.tenant_id()))?;
    Ok(rules_dto(rows))
}

/// Replaces all the rules: kinds left out have no office (requests stay unassigned).
pub fn set_routing_rules(
    state: &AppState,
    user: &AuthUser,
    rules: &[RoutingRule],
) -> ApiResult<Vec<RoutingRule>> {
    user.require_admin()?;
    let mut errors = Errors::new();
    let mut seen = BTreeMap::new();
    for (i, rule) in rules.iter().enumerate() {
        if seen.insert(rule.kind, i).is_some() {
            errors.push(FieldError::new(
                format!("[{i}].kind"),
                format!("Tipo di pratica ripetuto: {}", rule.kind.label_it()),
                format!("Request kind repeated: {}", rule.kind.label_en()),
            ));
        }
    }
    errors.finish()?;
    let result = state.db.write_tx(|c| {
        let before = rules_dto(catalogue::rules(c, user.tenant_id())?);
        let ids: Vec<String> = rules.iter().map(|r| r.office_id.clone()).collect();
        let known: BTreeSet<String> = offices::existing_ids(c, user.tenant_id(), &ids)?
            .into_iter()
            .collect();
        let mut errors = Errors::new();
        for (i, rule) in rules.iter().enumerate() {
            if !known.contains(&rule.office_id) {
                errors.push(FieldError::new(
                    format!("[{i}].office_id"),
                    format!("Ufficio sconosciuto: {}", rule.office_id),
                    format!("Unknown office: {}", rule.office_id),
                ));
            }
        }
        errors.finish()?;
        let pairs: Vec<(RequestKind, String)> = rules
            .iter()
            .map(|r| (r.kind, r.office_id.clone()))
            .collect();
        catalogue::set_rules(c, user.tenant_id(), &pairs)?;
        let after = rules_dto(catalogue::rules(c, user.tenant_id())?);
        audit(user, "routing.update", "routing_rules", None).record(
            c,
            Some(&before),
            Some(&after),
        )?;
        Ok::<_, ApiError>(after)
    });
    directory_changed(state, user, result)
}

// ---- audit log -------------------------------------------------------------------------

/// Records that `user` read something sensitive (a file, a mail's source), with the
/// client's address.
pub fn audit_access(
    state: &AppState,
    user: &AuthUser,
    client: &crate::client::ClientInfo,
    action: &str,
    entity: &str,
    entity_id: &str,
) -> ApiResult<()> {
    state.db.write_tx(|c| {
        audit(user, action, entity, Some(entity_id)).record_from(
            c,
            Some(client.ip),
            None::<&()>,
            None::<&()>,
        )
    })
}

fn audit_dto(row: AuditRow) -> AuditEntry {
    // States are objects; an older entry holding a bare value reads as {"value": …}.
    let json = |s: Option<String>| {
        s.and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
            .map(|v| match v {
                serde_json::Value::Object(_) => v,
                other => serde_json::json!({ "value": other }),
            })
    };
    AuditEntry {
        id: row.id,
        actor_id: row.actor_id,
        action: row.action,
        entity: row.entity,
        entity_id: row.entity_id,
        before: json(row.before_state),
        after: json(row.after_state),
        created_at: row.created_at.and_utc(),
        ip: row.ip,
    }
}

/// Newest first; supervisors and administrators.
pub fn audit_log(
    state: &AppState,
    user: &AuthUser,
    cursor: Option<&str>,
    limit: i64,
) -> ApiResult<Page<AuditEntry>> {
    user.require_lead()?;
    let rows = state
        .db
        .read(|c| audit::list(c, user.tenant_id(), limit + 1, cursor))?;
    let limit = usize::try_from(limit).unwrap_or(50);
    let mut items: Vec<AuditEntry> = rows.into_iter().map(audit_dto).collect();
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        items.last().map(|e| e.id.clone()).unwrap_or_default()
    });
    Ok(Page { items, next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> TenantRow {
        TenantRow {
            id: "t1".into(),
            slug: "default".into(),
            name: "Sportello".into(),
            fiscal_code: Some("00123450678".into()),
            logo_url: None,
            patron_saint: Some("12-07".into()),
            closure_days: "[]".into(),
            standard_days: "{}".into(),
            tqrif_scheme: 1,
            target_percent: 70,
            generic_citizen_id: None,
            is_default: true,
            created_at: chrono::NaiveDateTime::default(),
            population: None,
            active: true,
            contacts: "{}".into(),
        }
    }

    #[test]
    fn partial_update_touches_only_what_is_sent() {
        let mut row = tenant();
        let body = UpdateSettings {
            patron_saint: Some(" 06-24 ".into()),
            fiscal_code: Some(String::new()),
            closure_days: Some(vec![
                NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
                NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
                NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            ]),
            standard_days: Some(BTreeMap::from([(RequestKind::Reclamo, Some(20))])),
            ..UpdateSettings::default()
        };
        apply_settings(&mut row, &body).unwrap();
        let s = settings_dto(
            &row,
            &domain::tax::AccountRules::default(),
            &pagopa_settings::Stored::default(),
        );
        assert_eq!(s.name, "Sportello");
        assert_eq!(s.fiscal_code, None);
        assert_eq!(s.patron_saint.as_deref(), Some("06-24"));
        assert_eq!(row.closure_days, r#"["2026-12-24","2026-12-31"]"#);
        assert_eq!(s.standard_days.get(&RequestKind::Reclamo), Some(&Some(20)));
        assert_eq!(s.tqrif_scheme, 1);
    }

    #[test]
    fn every_bad_setting_is_reported() {
        let mut row = tenant();
        let body = UpdateSettings {
            name: Some(" ".into()),
            fiscal_code: Some("123".into()),
            logo_url: Some("//evil.example/logo.png".into()),
            patron_saint: Some("2-30".into()),
            standard_days: Some(BTreeMap::from([(RequestKind::Rimborso, Some(0))])),
            tqrif_scheme: Some(0),
            target_percent: Some(150),
            population: Some(0),
            ..UpdateSettings::default()
        };
        let err = apply_settings(&mut row, &body).unwrap_err();
        let fields: Vec<String> = err
            .field_errors()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "fiscal_code",
                "logo_url",
                "patron_saint",
                "standard_days.rimborso",
                "tqrif_scheme",
                "target_percent",
                "population"
            ]
        );
    }

    #[test]
    fn logo_urls() {
        assert!(check_logo_url("https://comune.example/logo.svg").is_ok());
        assert!(check_logo_url("/static/logo.png").is_ok());
        for bad in [
            "javascript:alert(1)",
            "//evil/x.png",
            "data:image/png;base64,xx",
            "/a b",
        ] {
            assert!(check_logo_url(bad).is_err(), "{bad}");
        }
    }
}
