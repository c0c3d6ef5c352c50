//! Server secrets kept in the database, so every node and restart shares them.

use base64::Engine;
use diesel::prelude::*;
use rand::RngCore;

use crate::db::DbConn;
use crate::db::schema::app_secrets;

/// The named secret, generated (48 random bytes, base64) on first use.
pub fn get_or_create(conn: &mut DbConn, name: &str) -> QueryResult<String> {
    let existing: Option<String> = app_secrets::table
        .find(name)
        .select(app_secrets::value)
        .first(conn)
        .optional()?;
    if let Some(v) = existing {
        return Ok(v);
    }
    let mut bytes = [0u8; 48];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let value = base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes);
    diesel::insert_into(app_secrets::table)
        .values((app_secrets::name.eq(name), app_secrets::value.eq(&value)))
        .execute(conn)?;
    Ok(value)
}
