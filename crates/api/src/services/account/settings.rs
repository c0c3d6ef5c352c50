//! The tenant's interest and instalment rules (`/settings` `interest` and `instalments`).

use chrono::NaiveDateTime;
use domain::api::{InstalmentSettings, InterestSettings, UpdateSettings};
use domain::error::{DomainError, Errors};
use domain::tax::AccountRules;

use super::stored_json;
use crate::db::DbConn;
use crate::db::models::TaxSettingsRow;
use crate::db::repo::taxpayer;
use crate::error::{ApiError, ApiResult};

/// The rules in force: the stored ones, or the legal defaults for what was never set.
pub fn rules(c: &mut DbConn, tenant_id: &str) -> ApiResult<AccountRules> {
    let row = taxpayer::tax_settings(c, tenant_id)?;
    let interest = stored_json::<InterestSettings>(
        row.as_ref().and_then(|r| r.interest.as_deref()),
        "interest settings",
    )?;
    let instalments = stored_json::<InstalmentSettings>(
        row.as_ref().and_then(|r| r.instalments.as_deref()),
        "instalment settings",
    )?;
    let bad = |e: DomainError| ApiError::Internal(anyhow::anyhow!("stored tax settings: {e}"));
    Ok(AccountRules {
        interest: interest
            .map(|s| s.to_rules())
            .transpose()
            .map_err(bad)?
            .unwrap_or_default(),
        instalments: instalments
            .map(|s| s.to_rules())
            .transpose()
            .map_err(bad)?
            .unwrap_or_default(),
    })
}

/// The rules after a partial `PUT /settings`; every bad field is reported.
pub fn apply(current: &AccountRules, body: &UpdateSettings) -> Result<AccountRules, DomainError> {
    let mut errors = Errors::new();
    let interest = match &body.interest {
        Some(u) => errors.check(u.apply(&current.interest)),
        None => Some(current.interest.clone()),
    };
    let instalments = match &body.instalments {
        Some(u) => errors.check(u.apply(&current.instalments)),
        None => Some(current.instalments.clone()),
    };
    errors.finish()?;
    Ok(AccountRules {
        interest: interest.unwrap_or_default(),
        instalments: instalments.unwrap_or_default(),
    })
}

pub fn save(
    c: &mut DbConn,
    tenant_id: &str,
    rules: &AccountRules,
    now: NaiveDateTime,
) -> ApiResult<()> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| ApiError::Internal(e.into()));
    taxpayer::save_tax_settings(
        c,
        &TaxSettingsRow {
            tenant_id: tenant_id.to_owned(),
            interest: Some(json(serde_json::to_string(&InterestSettings::from_rules(
                &rules.interest,
            )))?),
            instalments: Some(json(serde_json::to_string(
                &InstalmentSettings::from_rules(&rules.instalments),
            ))?),
            updated_at: now,
        },
    )?;
    Ok(())
}
