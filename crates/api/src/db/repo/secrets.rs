//! Server secrets kept in the database, so every node and restart shares them, and the
//! sweep over every sealed column (sealing clear text left from before, rotating keys).

use base64::Engine;
use diesel::prelude::*;
use rand::RngCore;

use crate::db::schema::{
    app_secrets, channel_settings, identity_providers, mailboxes, pagopa_settings, video_settings,
};
use crate::db::{DbConn, DbError};
use crate::secret_key::{Column, SealError, SecretKey, sealed_with};

/// The row an identity provider's sealed key is bound to.
pub fn identity_key_row(tenant_id: &str, provider: domain::identity::IdentityProvider) -> String {
    format!("{tenant_id}/{provider}")
}

/// The named secret, generated (48 random bytes, base64) on first use; stored sealed.
pub fn get_or_create(conn: &mut DbConn, key: &SecretKey, name: &str) -> Result<String, DbError> {
    let read = |conn: &mut DbConn| -> Result<Option<String>, DbError> {
        let sealed: Option<String> = app_secrets::table
            .find(name)
            .select(app_secrets::value)
            .first(conn)
            .optional()?;
        sealed
            .map(|v| {
                key.open(&v, Column::AppSecret, name)
                    .map_err(|e| DbError::Secret(e.to_string()))
            })
            .transpose()
    };
    if let Some(v) = read(conn)? {
        return Ok(v);
    }
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let value = base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes);
    // Processes starting together on a new database race here: the first one's secret
    // stands, the others read it.
    let row = (
        app_secrets::name.eq(name),
        app_secrets::value.eq(key.seal(&value, Column::AppSecret, name)),
    );
    let inserted = crate::native!(conn, |c| diesel::insert_into(app_secrets::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 1 {
        return Ok(value);
    }
    read(conn)?.ok_or_else(|| DbError::Secret(format!("{name}: neither created nor found")))
}

/// What a sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resealed {
    /// Clear text sealed for the first time.
    pub sealed: usize,
    /// Sealed with the old key, now with the new one.
    pub rotated: usize,
    /// Already sealed with the new key: left alone.
    pub kept: usize,
    /// Unreadable (sealed with neither key) and dropped, when asked to.
    pub discarded: usize,
}

impl Resealed {
    pub fn total(&self) -> usize {
        self.sealed + self.rotated + self.kept + self.discarded
    }
}

/// One stored value: `None` to clear it.
fn reseal_value(
    value: &str,
    column: Column,
    row: &str,
    from: &SecretKey,
    to: &SecretKey,
    discard_unreadable: bool,
    done: &mut Resealed,
) -> Result<Option<String>, SealError> {
    match sealed_with(value) {
        Some(kid) if kid == to.id() => {
            // Proves it opens; a value altered or moved between rows is not kept silently.
            match to.open(value, column, row) {
                Ok(_) => {
                    done.kept += 1;
                    Ok(Some(value.to_owned()))
                }
                Err(_) if discard_unreadable => {
                    done.discarded += 1;
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        }
        Some(_) => match from.open(value, column, row) {
            Ok(plain) => {
                done.rotated += 1;
                Ok(Some(to.seal(&plain, column, row)))
            }
            Err(_) if discard_unreadable => {
                done.discarded += 1;
                Ok(None)
            }
            Err(e) => Err(e),
        },
        None => {
            done.sealed += 1;
            Ok(Some(to.seal(value, column, row)))
        }
    }
}

/// Seals every stored secret with `to`: clear text is sealed, values sealed with `from`
/// are re-sealed, values already sealed with `to` are kept (so it can run again). Run it
/// in one transaction: all columns change together or none does.
pub fn reseal_all(
    conn: &mut DbConn,
    from: &SecretKey,
    to: &SecretKey,
    discard_unreadable: bool,
) -> Result<Resealed, DbError> {
    let mut done = Resealed::default();
    let err = |e: SealError| DbError::Secret(e.to_string());
    let boxes: Vec<(String, Option<String>, Option<String>)> = mailboxes::table
        .select((
            mailboxes::id,
            mailboxes::imap_password,
            mailboxes::smtp_password,
        ))
        .load(conn)?;
    for (id, imap, smtp) in boxes {
        let mut reseal = |v: Option<String>, c| match v {
            Some(v) => reseal_value(&v, c, &id, from, to, discard_unreadable, &mut done),
            None => Ok(None),
        };
        let imap = reseal(imap, Column::ImapPassword).map_err(err)?;
        let smtp = reseal(smtp, Column::SmtpPassword).map_err(err)?;
        diesel::update(mailboxes::table.find(&id))
            .set((
                mailboxes::imap_password.eq(imap),
                mailboxes::smtp_password.eq(smtp),
            ))
            .execute(conn)?;
    }
    let channels: Vec<(String, Option<String>, Option<String>)> = channel_settings::table
        .select((
            channel_settings::tenant_id,
            channel_settings::sms_token,
            channel_settings::io_api_key,
        ))
        .load(conn)?;
    for (tenant, sms, io) in channels {
        let mut reseal = |v: Option<String>, c| match v {
            Some(v) => reseal_value(&v, c, &tenant, from, to, discard_unreadable, &mut done),
            None => Ok(None),
        };
        let sms = reseal(sms, Column::SmsToken).map_err(err)?;
        let io = reseal(io, Column::IoApiKey).map_err(err)?;
        diesel::update(channel_settings::table.find(&tenant))
            .set((
                channel_settings::sms_token.eq(sms),
                channel_settings::io_api_key.eq(io),
            ))
            .execute(conn)?;
    }
    let gpd: Vec<(String, Option<String>)> = pagopa_settings::table
        .select((
            pagopa_settings::tenant_id,
            pagopa_settings::gpd_subscription_key,
        ))
        .filter(pagopa_settings::gpd_subscription_key.is_not_null())
        .load(conn)?;
    for (tenant, value) in gpd {
        let Some(value) = value else { continue };
        let v = reseal_value(
            &value,
            Column::GpdSubscriptionKey,
            &tenant,
            from,
            to,
            discard_unreadable,
            &mut done,
        )
        .map_err(err)?;
        diesel::update(pagopa_settings::table.find(&tenant))
            .set(pagopa_settings::gpd_subscription_key.eq(v))
            .execute(conn)?;
    }
    let fdr: Vec<(String, Option<String>)> = pagopa_settings::table
        .select((
            pagopa_settings::tenant_id,
            pagopa_settings::fdr_subscription_key,
        ))
        .filter(pagopa_settings::fdr_subscription_key.is_not_null())
        .load(conn)?;
    for (tenant, value) in fdr {
        let Some(value) = value else { continue };
        let v = reseal_value(
            &value,
            Column::FdrSubscriptionKey,
            &tenant,
            from,
            to,
            discard_unreadable,
            &mut done,
        )
        .map_err(err)?;
        diesel::update(pagopa_settings::table.find(&tenant))
            .set(pagopa_settings::fdr_subscription_key.eq(v))
            .execute(conn)?;
    }
    let keys: Vec<(String, domain::identity::IdentityProvider, Option<String>)> =
        identity_providers::table
            .select((
                identity_providers::tenant_id,
                identity_providers::provider,
                identity_providers::private_key,
            ))
            .filter(identity_providers::private_key.is_not_null())
            .load(conn)?;
    for (tenant, provider, value) in keys {
        let Some(value) = value else { continue };
        let v = reseal_value(
            &value,
            Column::IdentityProviderKey,
            &identity_key_row(&tenant, provider),
            from,
            to,
            discard_unreadable,
            &mut done,
        )
        .map_err(err)?;
        diesel::update(identity_providers::table.find((&tenant, provider)))
            .set(identity_providers::private_key.eq(v))
            .execute(conn)?;
    }
    let turn: Vec<(String, Option<String>)> = video_settings::table
        .select((video_settings::tenant_id, video_settings::turn_secret))
        .filter(video_settings::turn_secret.is_not_null())
        .load(conn)?;
    for (tenant, value) in turn {
        let Some(value) = value else { continue };
        let v = reseal_value(
            &value,
            Column::TurnSecret,
            &tenant,
            from,
            to,
            discard_unreadable,
            &mut done,
        )
        .map_err(err)?;
        diesel::update(video_settings::table.find(&tenant))
            .set(video_settings::turn_secret.eq(v))
            .execute(conn)?;
    }
    let secrets: Vec<(String, String)> = app_secrets::table
        .select((app_secrets::name, app_secrets::value))
        .load(conn)?;
    for (name, value) in secrets {
        match reseal_value(
            &value,
            Column::AppSecret,
            &name,
            from,
            to,
            discard_unreadable,
            &mut done,
        )
        .map_err(err)?
        {
            // A lost generated secret is generated again (signed-in users sign in again).
            None => diesel::delete(app_secrets::table.find(&name)).execute(conn)?,
            Some(v) => diesel::update(app_secrets::table.find(&name))
                .set(app_secrets::value.eq(v))
                .execute(conn)?,
        };
    }
    Ok(done)
}

/// The ids of the keys the stored secrets are sealed with (clear text is not counted).
pub fn sealing_keys(conn: &mut DbConn) -> Result<Vec<String>, DbError> {
    let mut values: Vec<Option<String>> = Vec::new();
    let boxes: Vec<(Option<String>, Option<String>)> = mailboxes::table
        .select((mailboxes::imap_password, mailboxes::smtp_password))
        .load(conn)?;
    for (a, b) in boxes {
        values.extend([a, b]);
    }
    let channels: Vec<(Option<String>, Option<String>)> = channel_settings::table
        .select((channel_settings::sms_token, channel_settings::io_api_key))
        .load(conn)?;
    for (a, b) in channels {
        values.extend([a, b]);
    }
    let gpd: Vec<Option<String>> = pagopa_settings::table
        .select(pagopa_settings::gpd_subscription_key)
        .load(conn)?;
    values.extend(gpd);
    let fdr: Vec<Option<String>> = pagopa_settings::table
        .select(pagopa_settings::fdr_subscription_key)
        .load(conn)?;
    values.extend(fdr);
    let keys: Vec<Option<String>> = identity_providers::table
        .select(identity_providers::private_key)
        .load(conn)?;
    values.extend(keys);
    let turn: Vec<Option<String>> = video_settings::table
        .select(video_settings::turn_secret)
        .load(conn)?;
    values.extend(turn);
    let secrets: Vec<String> = app_secrets::table.select(app_secrets::value).load(conn)?;
    values.extend(secrets.into_iter().map(Some));
    let mut ids: Vec<String> = values
        .iter()
        .flatten()
        .filter_map(|v| sealed_with(v).map(str::to_owned))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}
