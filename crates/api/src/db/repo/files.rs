//! Which stored files the database names (for the sweep of orphaned files).

use std::collections::HashSet;

use diesel::dsl::exists;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    attachments, chat_attachments, deliveries, documents, imports, mail_messages, registrations,
};

/// The keys among `keys` that a row names: a request's or a chat's attachment (a chat's
/// attachment may share its file with a request's), a public document, a registration's
/// identity document, a stored mail, an import's file.
pub fn referenced(conn: &mut DbConn, keys: &[String]) -> QueryResult<HashSet<String>> {
    let mut found = HashSet::new();
    found.extend(
        attachments::table
            .filter(attachments::storage_key.eq_any(keys))
            .select(attachments::storage_key)
            .load::<String>(conn)?,
    );
    found.extend(
        chat_attachments::table
            .filter(chat_attachments::storage_key.eq_any(keys))
            .select(chat_attachments::storage_key)
            .load::<String>(conn)?,
    );
    found.extend(
        documents::table
            .filter(documents::storage_key.eq_any(keys))
            .select(documents::storage_key)
            .load::<String>(conn)?,
    );
    found.extend(
        registrations::table
            .filter(registrations::document_key.eq_any(keys))
            .select(registrations::document_key)
            .load::<String>(conn)?,
    );
    found.extend(
        mail_messages::table
            .filter(mail_messages::raw_key.eq_any(keys))
            .select(mail_messages::raw_key)
            .load::<Option<String>>(conn)?
            .into_iter()
            .flatten(),
    );
    found.extend(
        imports::table
            .filter(imports::storage_key.eq_any(keys))
            .select(imports::storage_key)
            .load::<String>(conn)?,
    );
    Ok(found)
}

/// Whether a delivery of `tenant_id` (queued, sent or failed) names `key` among the files
/// it attaches: a conversation exported as PDF, a calendar file, a pagoPA notice.
pub fn named_by_delivery(conn: &mut DbConn, tenant_id: &str, key: &str) -> QueryResult<bool> {
    // `_` in keys matches any character here: at worst a file is kept, never lost.
    diesel::select(exists(
        deliveries::table
            .filter(deliveries::tenant_id.eq(tenant_id))
            .filter(deliveries::payload.like(format!("%{key}%"))),
    ))
    .get_result(conn)
}
