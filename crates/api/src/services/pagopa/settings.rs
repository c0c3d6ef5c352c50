//! `/settings` `pagopa`: stored in `pagopa_settings`, the GPD key sealed under the
//! installation's key (`secret_key.rs`, row-bound to the tenant), the URLs checked by the
//! installation's egress policy when saved (and again before each call).

use chrono::NaiveDateTime;
use domain::api::{PagopaSettings, UpdatePagopaSettings};
use domain::error::{DomainError, Errors};
use domain::pagopa::settings::{Iban, default_reminder_days};
use domain::pagopa::transfers::TefaRate;
use domain::pagopa::{CbillCode, PagopaConfig, PosteAccount, SegregationCode};
use domain::types::CodiceFiscale;

use crate::db::DbConn;
use crate::db::models::PagopaSettingsRow;
use crate::db::repo::pagopa;
use crate::egress::Egress;
use crate::error::{ApiError, ApiResult};
use crate::secret_key::{Column, SecretKey};

/// The stored settings (defaults when never saved) and their row.
#[derive(Debug, Clone, Default)]
pub struct Stored {
    pub config: PagopaConfig,
    pub row: Option<PagopaSettingsRow>,
}

impl Stored {
    pub fn dto(&self) -> PagopaSettings {
        let mut dto = PagopaSettings::from_config(
            &self.config,
            self.row
                .as_ref()
                .is_some_and(|r| r.gpd_subscription_key.is_some()),
        );
        dto.fdr_subscription_key_set = self
            .row
            .as_ref()
            .is_some_and(|r| r.fdr_subscription_key.is_some());
        dto
    }

    /// The FdR subscription key in clear text, if one is stored.
    pub fn fdr_key(&self, key: &SecretKey) -> ApiResult<Option<String>> {
        let Some(row) = &self.row else {
            return Ok(None);
        };
        row.fdr_subscription_key
            .as_deref()
            .map(|v| {
                key.open(v, Column::FdrSubscriptionKey, &row.tenant_id)
                    .map_err(|e| ApiError::Internal(anyhow::anyhow!("FdR key: {e}")))
            })
            .transpose()
    }

    /// Positions are published to GPD: its URL and key are set.
    pub fn publishes(&self) -> bool {
        self.config.gpd_url.is_some()
            && self
                .row
                .as_ref()
                .is_some_and(|r| r.gpd_subscription_key.is_some())
    }

    /// The GPD subscription key in clear text, if one is stored.
    pub fn gpd_key(&self, key: &SecretKey) -> ApiResult<Option<String>> {
        let Some(row) = &self.row else {
            return Ok(None);
        };
        row.gpd_subscription_key
            .as_deref()
            .map(|v| {
                key.open(v, Column::GpdSubscriptionKey, &row.tenant_id)
                    .map_err(|e| ApiError::Internal(anyhow::anyhow!("GPD key: {e}")))
            })
            .transpose()
    }
}

fn bad(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("stored pagoPA {what}: {e}"))
}

fn config_of(row: &PagopaSettingsRow) -> ApiResult<PagopaConfig> {
    fn opt<T>(
        v: Option<&str>,
        what: &str,
        parse: impl Fn(&str) -> Result<T, DomainError>,
    ) -> ApiResult<Option<T>> {
        v.map(|s| parse(s).map_err(|e| bad(what, e))).transpose()
    }
    Ok(PagopaConfig {
        creditor_fiscal_code: opt(
            row.creditor_fiscal_code.as_deref(),
            "creditor",
            CodiceFiscale::parse,
        )?,
        segregation_code: row
            .segregation_code
            .map(|c| {
                u8::try_from(c)
                    .map_err(|e| bad("segregation code", e))
                    .and_then(|c| SegregationCode::new(c).map_err(|e| bad("segregation code", e)))
            })
            .transpose()?,
        iban: opt(row.iban.as_deref(), "IBAN", Iban::parse)?,
        poste_account: opt(row.poste_account.as_deref(), "account", PosteAccount::parse)?,
        cbill: opt(row.cbill.as_deref(), "CBILL", CbillCode::parse)?,
        gpd_url: row.gpd_url.clone(),
        checkout_url: row.checkout_url.clone(),
        reminder_days: serde_json::from_str(&row.reminder_days)
            .map_err(|e| bad("reminder days", e))?,
        tefa_fiscal_code: opt(
            row.tefa_fiscal_code.as_deref(),
            "TEFA beneficiary",
            CodiceFiscale::parse,
        )?,
        tefa_iban: opt(row.tefa_iban.as_deref(), "TEFA IBAN", Iban::parse)?,
        tefa_rate: u16::try_from(row.tefa_rate)
            .map_err(|e| bad("TEFA rate", e))
            .and_then(|r| TefaRate::new(r).map_err(|e| bad("TEFA rate", e)))?,
        fdr_url: row.fdr_url.clone(),
    })
}

pub fn load(c: &mut DbConn, tenant_id: &str) -> ApiResult<Stored> {
    let row = pagopa::settings(c, tenant_id)?;
    Ok(Stored {
        config: row.as_ref().map(config_of).transpose()?.unwrap_or_default(),
        row,
    })
}

/// The settings after a partial update, every bad field reported (`pagopa.<field>`).
pub fn apply(
    stored: &Stored,
    body: &UpdatePagopaSettings,
    egress: &Egress,
    key: &SecretKey,
    tenant_id: &str,
    now: NaiveDateTime,
) -> Result<Stored, DomainError> {
    let config = stored.config.apply(body)?;
    let mut errors = Errors::new();
    for (field, changed, value) in [
        ("pagopa.gpd_url", body.gpd_url.is_some(), &config.gpd_url),
        (
            "pagopa.checkout_url",
            body.checkout_url.is_some(),
            &config.checkout_url,
        ),
        ("pagopa.fdr_url", body.fdr_url.is_some(), &config.fdr_url),
    ] {
        if changed
            && let Some(u) = value
            && let Err(refusal) = egress.check_url(u)
        {
            errors.push(refusal.field_error(field, false));
        }
    }
    if let Some(k) = &body.gpd_subscription_key
        && (k.len() > 200 || k.chars().any(char::is_control))
    {
        errors.push(domain::error::FieldError::new(
            "pagopa.gpd_subscription_key",
            "Chiave non valida (una riga, al massimo 200 caratteri)",
            "Invalid key (one line, at most 200 characters)",
        ));
    }
    if let Some(k) = &body.fdr_subscription_key
        && (k.len() > 200 || k.chars().any(char::is_control))
    {
        errors.push(domain::error::FieldError::new(
            "pagopa.fdr_subscription_key",
            "Chiave non valida (una riga, al massimo 200 caratteri)",
            "Invalid key (one line, at most 200 characters)",
        ));
    }
    errors.finish()?;
    let fdr_sealed = match &body.fdr_subscription_key {
        Some(k) if k.trim().is_empty() => None,
        Some(k) => Some(key.seal(k.trim(), Column::FdrSubscriptionKey, tenant_id)),
        None => stored
            .row
            .as_ref()
            .and_then(|r| r.fdr_subscription_key.clone()),
    };
    let sealed = match &body.gpd_subscription_key {
        Some(k) if k.trim().is_empty() => None,
        Some(k) => Some(key.seal(k.trim(), Column::GpdSubscriptionKey, tenant_id)),
        None => stored
            .row
            .as_ref()
            .and_then(|r| r.gpd_subscription_key.clone()),
    };
    let row = PagopaSettingsRow {
        tenant_id: tenant_id.to_owned(),
        creditor_fiscal_code: config
            .creditor_fiscal_code
            .as_ref()
            .map(|v| v.as_str().to_owned()),
        segregation_code: config.segregation_code.map(|s| i32::from(s.value())),
        iban: config.iban.as_ref().map(|v| v.as_str().to_owned()),
        poste_account: config.poste_account.as_ref().map(|v| v.as_str().to_owned()),
        cbill: config.cbill.as_ref().map(|v| v.as_str().to_owned()),
        gpd_url: config.gpd_url.clone(),
        gpd_subscription_key: sealed,
        checkout_url: config.checkout_url.clone(),
        reminder_days: serde_json::to_string(&config.reminder_days).unwrap_or_else(|_| {
            serde_json::to_string(&default_reminder_days()).unwrap_or_default()
        }),
        next_notice_base: stored.row.as_ref().map_or(1, |r| r.next_notice_base),
        updated_at: now,
        tefa_fiscal_code: config
            .tefa_fiscal_code
            .as_ref()
            .map(|v| v.as_str().to_owned()),
        tefa_iban: config.tefa_iban.as_ref().map(|v| v.as_str().to_owned()),
        tefa_rate: i32::from(config.tefa_rate.basis_points()),
        fdr_url: config.fdr_url.clone(),
        fdr_subscription_key: fdr_sealed,
    };
    Ok(Stored {
        config,
        row: Some(row),
    })
}

pub fn save(c: &mut DbConn, stored: &Stored) -> ApiResult<()> {
    if let Some(row) = &stored.row {
        pagopa::save_settings(c, row)?;
    }
    Ok(())
}
