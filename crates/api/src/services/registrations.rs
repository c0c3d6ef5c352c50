//! Citizen registration with an identity document, and its review by an operator.

use chrono::Utc;
use domain::api::{Page, RegisterData, Registration, RegistrationAccepted, RegistrationStatus};
use domain::error::Errors;
use domain::lifecycle::Role;
use domain::types::{CodiceFiscale, Email, PersonName, PhoneNumber, check_password_strength};

use crate::auth::AuthUser;
use crate::auth::password;
use crate::client::ClientInfo;
use crate::db::DbConn;
use crate::db::models::{RegistrationRow, UserRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{new_id, registrations, users};
use crate::error::{ApiError, ApiResult, storage_error};
use crate::services::notify::{self, Notice};
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::UploadedFile;

/// The registration data, checked field by field (all errors reported at once).
struct ValidRegistration {
    fiscal_code: CodiceFiscale,
    first_name: PersonName,
    last_name: PersonName,
    email: Email,
    phone: Option<PhoneNumber>,
}

fn validate(data: &RegisterData) -> ApiResult<ValidRegistration> {
    let mut errors = Errors::new();
    let fiscal_code = errors.check(CodiceFiscale::parse(&data.fiscal_code));
    let first_name = errors.check(PersonName::parse_first(&data.first_name));
    let last_name = errors.check(PersonName::parse_last(&data.last_name));
    let email = errors.check(Email::parse(&data.email));
    let phone = match data
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => errors.check(PhoneNumber::parse(p)).map(Some),
        None => Some(None),
    };
    errors.check(check_password_strength(
        &data.password,
        &[
            &data.email,
            &data.fiscal_code,
            &data.first_name,
            &data.last_name,
        ],
    ));
    if !data.privacy_accepted {
        errors.push(domain::error::FieldError::new(
            "privacy_accepted",
            "Per registrarti devi accettare l'informativa sulla privacy",
            "You must accept the privacy notice to register",
        ));
    }
    errors.finish()?;
    match (fiscal_code, first_name, last_name, email, phone) {
        (Some(fiscal_code), Some(first_name), Some(last_name), Some(email), Some(phone)) => {
            Ok(ValidRegistration {
                fiscal_code,
                first_name,
                last_name,
                email,
                phone,
            })
        }
        _ => Err(ApiError::Internal(anyhow::anyhow!(
            "validation reported no error but a field is missing"
        ))),
    }
}

fn duplicate() -> ApiError {
    ApiError::conflict(
        "Esiste già un account con questo codice fiscale o indirizzo e-mail",
        "An account with this tax code or e-mail address already exists",
    )
}

/// Stores the document, then the account (`pending`) and the registration in one
/// transaction. A rejected applicant may register again with the same identifiers.
pub fn register(
    state: &AppState,
    tenant: &TenantCtx,
    data: &RegisterData,
    document: &UploadedFile,
) -> ApiResult<RegistrationAccepted> {
    let valid = validate(data)?;
    let hash = password::hash(&data.password)?;
    let now = Utc::now().naive_utc();
    let registration_id = new_id();
    let key = format!(
        "{}/registrations/{}.{}",
        tenant.id,
        registration_id,
        document.kind.extension()
    );
    state
        .files
        .put(&key, &document.bytes)
        .map_err(storage_error)?;

    let result = state.db.write_tx(|c| {
        let existing = users::find_by_email(c, &tenant.id, valid.email.as_str())?;
        let by_cf = users::find_by_username(c, &tenant.id, valid.fiscal_code.as_str())?;
        let user_id = match (existing, by_cf) {
            (None, None) => {
                let user = UserRow {
                    id: new_id(),
                    tenant_id: tenant.id.clone(),
                    role: Role::Citizen,
                    email: Some(valid.email.as_str().to_owned()),
                    fiscal_code: Some(valid.fiscal_code.as_str().to_owned()),
                    first_name: valid.first_name.as_str().to_owned(),
                    last_name: valid.last_name.as_str().to_owned(),
                    phone: valid.phone.as_ref().map(|p| p.as_str().to_owned()),
                    password_hash: Some(hash.clone()),
                    status: RegistrationStatus::Pending,
                    active: true,
                    failed_logins: 0,
                    locked_until: None,
                    created_at: now,
                    updated_at: now,
                    session_version: 0,
                };
                users::insert(c, &user).map_err(|e| {
                    if crate::db::is_unique_violation(&e) {
                        duplicate()
                    } else {
                        e.into()
                    }
                })?;
                user.id
            }
            (a, b) => {
                let same = match (&a, &b) {
                    (Some(x), Some(y)) => x.id == y.id,
                    _ => true,
                };
                let reapplying = same
                    && a.as_ref().or(b.as_ref()).is_some_and(|u| {
                        u.status == RegistrationStatus::Rejected && u.role == Role::Citizen
                    });
                if !reapplying {
                    // Taken: the registrant gets the answer a new registration gets (who
                    // has an account is nobody else's business); the owners hear of it.
                    let mut owners: Vec<UserRow> = a.into_iter().chain(b).collect();
                    owners.dedup_by(|x, y| x.id == y.id);
                    for owner in owners {
                        notify::enqueue(
                            c,
                            &tenant.id,
                            &Notice::AccountExists { user_id: owner.id },
                        )?;
                    }
                    return Ok(false);
                }
                let user = a.or(b).ok_or_else(duplicate)?;
                reapply(c, &user, &valid, &hash, now)?;
                user.id
            }
        };
        registrations::insert(
            c,
            &RegistrationRow {
                id: registration_id.clone(),
                tenant_id: tenant.id.clone(),
                user_id,
                status: RegistrationStatus::Pending,
                document_key: key.clone(),
                document_filename: document.filename.clone(),
                document_content_type: document.kind.content_type().into(),
                document_size: i64::try_from(document.bytes.len()).unwrap_or(i64::MAX),
                privacy_accepted_at: now,
                reviewed_by: None,
                reviewed_at: None,
                rejection_reason: None,
                created_at: now,
            },
        )?;
        notify::enqueue(
            c,
            &tenant.id,
            &Notice::RegistrationReceived {
                registration_id: registration_id.clone(),
            },
        )?;
        Ok::<_, ApiError>(true)
    });
    match result {
        Ok(true) => {}
        Ok(false) => {
            // Nothing kept of a registration that was not stored.
            let _ = state.files.delete(&key);
            tracing::info!("registration with identifiers of an existing account: owner notified");
            return Ok(RegistrationAccepted {
                id: registration_id,
                status: RegistrationStatus::Pending,
            });
        }
        Err(e) => {
            // Nothing half-stored: the document goes if the account was not written.
            let _ = state.files.delete(&key);
            return Err(e);
        }
    }
    tracing::info!(registration_id = %registration_id, "registration received");
    Ok(RegistrationAccepted {
        id: registration_id,
        status: RegistrationStatus::Pending,
    })
}

fn reapply(
    c: &mut DbConn,
    user: &UserRow,
    valid: &ValidRegistration,
    hash: &str,
    now: chrono::NaiveDateTime,
) -> ApiResult<()> {
    use crate::db::schema::users::dsl as u;
    use diesel::prelude::*;
    diesel::update(u::users.find(&user.id))
        .set((
            u::email.eq(valid.email.as_str()),
            u::fiscal_code.eq(valid.fiscal_code.as_str()),
            u::first_name.eq(valid.first_name.as_str()),
            u::last_name.eq(valid.last_name.as_str()),
            u::phone.eq(valid.phone.as_ref().map(PhoneNumber::as_str)),
            u::password_hash.eq(hash),
            u::status.eq("pending"),
            u::updated_at.eq(now),
        ))
        .execute(c)?;
    Ok(())
}

pub fn to_dto(r: RegistrationRow, u: UserRow) -> Registration {
    Registration {
        document_url: format!("/api/v1/registrations/{}/document", r.id),
        id: r.id,
        fiscal_code: u.fiscal_code.unwrap_or_default(),
        first_name: u.first_name,
        last_name: u.last_name,
        email: u.email.unwrap_or_default(),
        phone: u.phone,
        status: r.status,
        created_at: r.created_at.and_utc(),
        reviewed_at: r.reviewed_at.map(|t| t.and_utc()),
        rejection_reason: r.rejection_reason,
        document_content_type: r.document_content_type,
    }
}

pub fn list(
    state: &AppState,
    user: &AuthUser,
    status: Option<RegistrationStatus>,
    cursor: Option<&str>,
    limit: i64,
) -> ApiResult<Page<Registration>> {
    user.require_staff()?;
    let rows = state.db.read(|c| {
        registrations::list(
            c,
            user.tenant_id(),
            status.map(RegistrationStatus::code),
            cursor,
            limit + 1,
        )
    })?;
    let mut items: Vec<Registration> = rows.into_iter().map(|(r, u)| to_dto(r, u)).collect();
    let next_cursor = (items.len() > usize::try_from(limit).unwrap_or(50)).then(|| {
        items.truncate(usize::try_from(limit).unwrap_or(50));
        items.last().map(|r| r.id.clone()).unwrap_or_default()
    });
    Ok(Page { items, next_cursor })
}

pub fn get(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<Registration> {
    user.require_staff()?;
    let (r, u) = state
        .db
        .read(|c| registrations::find(c, user.tenant_id(), id))?
        .ok_or(ApiError::NotFound)?;
    Ok(to_dto(r, u))
}

/// The identity document: bytes and content type. Every view is audited with the
/// viewer's address (it is personal data of the most sensitive kind the desk holds).
pub fn document(
    state: &AppState,
    user: &AuthUser,
    client: &ClientInfo,
    id: &str,
) -> ApiResult<(Vec<u8>, String, String)> {
    user.require_staff()?;
    let (r, _) = state
        .db
        .read(|c| registrations::find(c, user.tenant_id(), id))?
        .ok_or(ApiError::NotFound)?;
    state.db.write_tx(|c| {
        Audit {
            tenant_id: user.tenant_id(),
            actor_id: Some(&user.user_id),
            action: "registration.document_view",
            entity: "registration",
            entity_id: Some(id),
        }
        .record_from(c, Some(client.ip), None::<&()>, None::<&()>)
    })?;
    let bytes = state.files.get(&r.document_key).map_err(storage_error)?;
    Ok((bytes, r.document_content_type, r.document_filename))
}

fn already_reviewed() -> ApiError {
    ApiError::conflict(
        "La registrazione è già stata esaminata",
        "The registration has already been reviewed",
    )
}

/// Approves or rejects a pending registration; the account follows.
pub fn review(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    approve: bool,
    reason: Option<&str>,
) -> ApiResult<Registration> {
    user.require_staff()?;
    let reason = if approve {
        None
    } else {
        let r = reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| {
                ApiError::invalid(
                    "reason",
                    "Indicare il motivo del rifiuto",
                    "Give the reason for the rejection",
                )
            })?;
        if r.chars().count() > 1000 {
            return Err(ApiError::invalid(
                "reason",
                "Motivo troppo lungo (max 1000 caratteri)",
                "Reason too long (max 1000 characters)",
            ));
        }
        Some(r.to_owned())
    };
    let now = Utc::now().naive_utc();
    let status = if approve { "approved" } else { "rejected" };
    state.db.write_tx(|c| {
        let (before, account) =
            registrations::find(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        if before.status != RegistrationStatus::Pending {
            return Err(already_reviewed());
        }
        // Conditional on "pending": of two reviewers deciding at once, one wins.
        if !registrations::review(c, id, status, &user.user_id, now, reason.as_deref())? {
            return Err(already_reviewed());
        }
        users::set_status(c, &account.id, status)?;
        if approve {
            crate::services::account::contribuenti::link_citizen(
                c,
                user.tenant_id(),
                account.fiscal_code.as_deref(),
                &account.id,
            )?;
        }
        let notice = if approve {
            Notice::RegistrationApproved {
                registration_id: id.to_owned(),
            }
        } else {
            Notice::RegistrationRejected {
                registration_id: id.to_owned(),
            }
        };
        notify::enqueue(c, user.tenant_id(), &notice)?;
        let (after, account) =
            registrations::find(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let (before_dto, after_dto) = (to_dto(before, account.clone()), to_dto(after, account));
        Audit {
            tenant_id: user.tenant_id(),
            actor_id: Some(&user.user_id),
            action: if approve {
                "registration.approve"
            } else {
                "registration.reject"
            },
            entity: "registration",
            entity_id: Some(id),
        }
        .record(
            c,
            Some(&serde_json::json!({"status": before_dto.status})),
            Some(&serde_json::json!({"status": after_dto.status})),
        )?;
        Ok(after_dto)
    })
}
