//! The platform's tenants, managed by platform administrators: through
//! `/api/v1/platform/tenants` and `sportello tenant …`, the same functions.
//!
//! A new tenant is usable at once: it gets the standard catalogue (request types, offices,
//! routing, the generic contribuente: [`crate::seed::standard_catalogue`]) and, if asked,
//! its first administrator, in the transaction that creates it.

use chrono::{DateTime, Utc};
use domain::api::{
    CreateTenant, CreatedAdmin, CreatedTenant, PlatformTenant, RegistrationStatus, UpdateTenant,
};
use domain::error::{DomainError, Errors, FieldError};
use domain::lifecycle::Role;
use domain::tenants::{parse_hosts, parse_slug};
use domain::types::{CodiceFiscale, Email, check_password_strength};

use crate::auth::{AuthUser, password};
use crate::db::models::{TenantRow, UserRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{new_id, tenants, users};
use crate::db::{Db, DbConn, is_unique_violation};
use crate::error::{ApiError, ApiResult};
use crate::services::admin::check_logo_url;
use crate::state::AppState;

/// Who acts, for the audit log: a platform administrator, or the command line (no actor)
/// on the default tenant.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub tenant_id: &'a str,
    pub actor_id: Option<&'a str>,
}

impl<'a> By<'a> {
    pub fn user(user: &'a AuthUser) -> Self {
        Self {
            tenant_id: user.tenant_id(),
            actor_id: Some(&user.user_id),
        }
    }

    fn audit(self, action: &'a str, entity_id: &'a str) -> Audit<'a> {
        Audit {
            tenant_id: self.tenant_id,
            actor_id: self.actor_id,
            action,
            entity: "tenant",
            entity_id: Some(entity_id),
        }
    }
}

fn dto(row: TenantRow, hosts: Vec<String>) -> PlatformTenant {
    PlatformTenant {
        id: row.id,
        slug: row.slug,
        name: row.name,
        fiscal_code: row.fiscal_code,
        logo_url: row.logo_url,
        hosts,
        active: row.active,
        is_default: row.is_default,
        created_at: DateTime::<Utc>::from_naive_utc_and_offset(row.created_at, Utc),
    }
}

fn duplicate_slug() -> ApiError {
    ApiError::Duplicate(FieldError::new(
        "slug",
        "Esiste già un ente con questo identificativo",
        "A tenant with this identifier already exists",
    ))
}

fn duplicate_host(i: usize) -> ApiError {
    ApiError::Duplicate(FieldError::new(
        format!("hosts[{i}]"),
        "Questo nome host è già di un altro ente",
        "This host name already belongs to another tenant",
    ))
}

/// Every tenant with its host names, by slug.
pub fn list(db: &Db) -> ApiResult<Vec<PlatformTenant>> {
    db.read(|c| {
        let rows = tenants::list(c)?;
        let mut hosts: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::new();
        for (tenant, host) in tenants::all_hosts(c)? {
            hosts.entry(tenant).or_default().push(host);
        }
        Ok::<_, ApiError>(
            rows.into_iter()
                .map(|r| {
                    let h = hosts.remove(&r.id).unwrap_or_default();
                    dto(r, h)
                })
                .collect(),
        )
    })
}

pub fn get(db: &Db, id: &str) -> ApiResult<PlatformTenant> {
    db.read(|c| read_one(c, id))
}

fn read_one(c: &mut DbConn, id: &str) -> ApiResult<PlatformTenant> {
    let row = tenants::find(c, id)?;
    let hosts = tenants::hosts_of(c, id)?;
    Ok(dto(row, hosts))
}

/// A blank optional text is "none".
fn blank(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

struct ValidNew {
    slug: String,
    name: String,
    fiscal_code: Option<String>,
    logo_url: Option<String>,
    hosts: Vec<String>,
    admin: Option<(Email, Option<String>)>,
}

fn validate_new(body: &CreateTenant) -> Result<ValidNew, DomainError> {
    let mut errors = Errors::new();
    let slug = errors.check(parse_slug(&body.slug));
    let name = errors.check(crate::services::admin::text(
        "name",
        &body.name,
        ("Nome dell'ente", "Name"),
        200,
        false,
    ));
    let fiscal_code = match blank(body.fiscal_code.as_ref()) {
        Some(cf) => errors
            .check(CodiceFiscale::parse(cf).map_err(|e| e.at_field("fiscal_code")))
            .map(|v| Some(v.as_str().to_owned())),
        None => Some(None),
    };
    let logo_url = match blank(body.logo_url.as_ref()) {
        Some(url) => errors.check(check_logo_url(url)).map(Some),
        None => Some(None),
    };
    let hosts = errors.check(parse_hosts(&body.hosts));
    let admin = match &body.admin {
        None => Some(None),
        Some(a) => {
            let email = errors.check(Email::parse(&a.email).map_err(|e| e.at_field("admin.email")));
            let password = match (&a.password, &email) {
                (Some(pw), Some(email)) => errors
                    .check(
                        check_password_strength(pw, &[email.as_str()])
                            .map_err(|e| e.at_field("admin.password")),
                    )
                    .map(|()| Some(pw.clone())),
                (Some(_), None) => None,
                (None, _) => Some(None),
            };
            email.zip(password).map(Some)
        }
    };
    errors.finish()?;
    // Every check passed, so every value is there.
    match (slug, name, fiscal_code, logo_url, hosts, admin) {
        (Some(slug), Some(name), Some(fiscal_code), Some(logo_url), Some(hosts), Some(admin)) => {
            Ok(ValidNew {
                slug,
                name,
                fiscal_code,
                logo_url,
                hosts,
                admin,
            })
        }
        _ => Err(DomainError::invalid("", "Dati non validi", "Invalid data")),
    }
}

/// Hosts of `hosts` that belong to a tenant other than `tenant_id`: the first one is a 409.
fn check_hosts_free(c: &mut DbConn, tenant_id: Option<&str>, hosts: &[String]) -> ApiResult<()> {
    for (i, host) in hosts.iter().enumerate() {
        if tenants::host_owner(c, host)?.is_some_and(|owner| Some(owner.as_str()) != tenant_id) {
            return Err(duplicate_host(i));
        }
    }
    Ok(())
}

/// Creates a tenant with its host names, the standard catalogue and (optionally) its first
/// administrator, all or nothing. The caller announces the new host names to the caches
/// ([`AppState::tenant_changed`]).
pub fn create(db: &Db, by: By<'_>, body: &CreateTenant) -> ApiResult<CreatedTenant> {
    let valid = validate_new(body)?;
    // Hashing is slow: before the transaction.
    let hash = match &valid.admin {
        Some((_, Some(pw))) => Some(password::hash(pw)?),
        _ => None,
    };
    db.write_tx(|c| {
        if tenants::find_by_slug(c, &valid.slug)?.is_some() {
            return Err(duplicate_slug());
        }
        check_hosts_free(c, None, &valid.hosts)?;
        let mut row = tenants::create(c, &valid.slug, &valid.name).map_err(|e| {
            if is_unique_violation(&e) {
                duplicate_slug()
            } else {
                e.into()
            }
        })?;
        row.fiscal_code.clone_from(&valid.fiscal_code);
        row.logo_url.clone_from(&valid.logo_url);
        tenants::update(c, &row)?;
        for (i, host) in valid.hosts.iter().enumerate() {
            tenants::add_host(c, &row.id, host).map_err(|e| {
                if is_unique_violation(&e) {
                    duplicate_host(i)
                } else {
                    e.into()
                }
            })?;
        }
        crate::seed::standard_catalogue(c, &row.id, None)?;
        // The generic contribuente is on the row now.
        let row = tenants::find(c, &row.id)?;
        let admin = match &valid.admin {
            Some((email, _)) => Some(first_admin(c, &row.id, email, hash.clone())?),
            None => None,
        };
        let created = CreatedTenant {
            tenant: dto(row, valid.hosts.clone()),
            admin,
        };
        by.audit("tenant.create", &created.tenant.id).record(
            c,
            None::<&CreatedTenant>,
            Some(&created),
        )?;
        Ok(created)
    })
}

/// The tenant's first administrator: with the password given, or without one and an
/// e-mail with a link to choose it (the password-reset link).
fn first_admin(
    c: &mut DbConn,
    tenant_id: &str,
    email: &Email,
    hash: Option<String>,
) -> ApiResult<CreatedAdmin> {
    let now = Utc::now().naive_utc();
    let invited = hash.is_none();
    let row = UserRow {
        id: new_id(),
        tenant_id: tenant_id.to_owned(),
        role: Role::Admin,
        email: Some(email.as_str().to_owned()),
        fiscal_code: None,
        first_name: "Amministratore".into(),
        last_name: String::new(),
        phone: None,
        password_hash: hash,
        status: RegistrationStatus::Approved,
        active: true,
        failed_logins: 0,
        locked_until: None,
        created_at: now,
        updated_at: now,
        session_version: 0,
    };
    users::insert(c, &row)?;
    if invited {
        crate::services::accounts::queue_reset(c, tenant_id, &row)?;
    }
    Ok(CreatedAdmin {
        id: row.id,
        email: email.as_str().to_owned(),
        invited,
    })
}

/// Changes name, fiscal code, logo, host names or the active flag. The default tenant
/// cannot be switched off (the platform administrators sign in on it) and may have no host
/// name of its own; any other tenant keeps at least one.
pub fn update(db: &Db, by: By<'_>, id: &str, body: &UpdateTenant) -> ApiResult<PlatformTenant> {
    let mut errors = Errors::new();
    let name = body.name.as_ref().and_then(|n| {
        errors.check(crate::services::admin::text(
            "name",
            n,
            ("Nome dell'ente", "Name"),
            200,
            false,
        ))
    });
    let fiscal_code = body.fiscal_code.as_ref().map(|cf| {
        if cf.trim().is_empty() {
            None
        } else {
            errors
                .check(CodiceFiscale::parse(cf).map_err(|e| e.at_field("fiscal_code")))
                .map(|v| v.as_str().to_owned())
        }
    });
    let logo_url = body.logo_url.as_ref().map(|url| {
        if url.trim().is_empty() {
            None
        } else {
            errors.check(check_logo_url(url))
        }
    });
    let hosts = match &body.hosts {
        Some(h) if h.is_empty() => Some(Vec::new()),
        Some(h) => errors.check(parse_hosts(h)),
        None => None,
    };
    errors.finish()?;
    db.write_tx(|c| {
        let before = read_one(c, id)?;
        let mut row = tenants::find(c, id)?;
        if let Some(name) = name {
            row.name = name;
        }
        if let Some(cf) = fiscal_code {
            row.fiscal_code = cf;
        }
        if let Some(logo) = logo_url {
            row.logo_url = logo;
        }
        if let Some(active) = body.active {
            if row.is_default && !active {
                return Err(ApiError::Domain(DomainError::invalid(
                    "active",
                    "L'ente predefinito non si può disattivare",
                    "The default tenant cannot be switched off",
                )));
            }
            row.active = active;
        }
        if let Some(hosts) = &hosts {
            if hosts.is_empty() && !row.is_default {
                return Err(ApiError::Domain(DomainError::invalid(
                    "hosts",
                    "Indicare almeno un nome host",
                    "Give at least one host name",
                )));
            }
            check_hosts_free(c, Some(id), hosts)?;
            tenants::set_hosts(c, id, hosts)?;
        }
        tenants::update(c, &row)?;
        let after = read_one(c, id)?;
        by.audit("tenant.update", id)
            .record(c, Some(&before), Some(&after))?;
        Ok(after)
    })
}

// ---- the API: platform administrators only, caches told at once -------------------------

pub fn list_tenants(state: &AppState, user: &AuthUser) -> ApiResult<Vec<PlatformTenant>> {
    user.require_platform()?;
    list(&state.db)
}

pub fn get_tenant(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<PlatformTenant> {
    user.require_platform()?;
    get(&state.db, id)
}

pub fn create_tenant(
    state: &AppState,
    user: &AuthUser,
    body: &CreateTenant,
) -> ApiResult<CreatedTenant> {
    user.require_platform()?;
    let created = create(&state.db, By::user(user), body)?;
    state.tenant_changed(&created.tenant.id);
    Ok(created)
}

pub fn update_tenant(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &UpdateTenant,
) -> ApiResult<PlatformTenant> {
    user.require_platform()?;
    let updated = update(&state.db, By::user(user), id, body)?;
    state.tenant_changed(id);
    Ok(updated)
}
