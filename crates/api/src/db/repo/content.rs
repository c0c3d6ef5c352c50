//! Public content of a tenant: documents (PDF downloads) and FAQ.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::{DocumentRow, FaqRow};
use crate::db::schema::{documents, faqs};

pub fn insert_document(conn: &mut DbConn, row: &DocumentRow) -> QueryResult<()> {
    diesel::insert_into(documents::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Display order: position, then newest first.
pub fn documents(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<DocumentRow>> {
    documents::table
        .filter(documents::tenant_id.eq(tenant_id))
        .select(DocumentRow::as_select())
        .order((documents::position.asc(), documents::id.desc()))
        .load(conn)
}

pub fn find_document(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
) -> QueryResult<Option<DocumentRow>> {
    documents::table
        .filter(documents::tenant_id.eq(tenant_id))
        .filter(documents::id.eq(id))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_document_by_title(
    conn: &mut DbConn,
    tenant_id: &str,
    title: &str,
) -> QueryResult<Option<DocumentRow>> {
    documents::table
        .filter(documents::tenant_id.eq(tenant_id))
        .filter(documents::title.eq(title))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()
}

/// A document's title, description, category and order; the file stays.
pub fn update_document(conn: &mut DbConn, row: &DocumentRow) -> QueryResult<usize> {
    diesel::update(
        documents::table
            .filter(documents::tenant_id.eq(&row.tenant_id))
            .filter(documents::id.eq(&row.id)),
    )
    .set((
        documents::title.eq(&row.title),
        documents::description.eq(row.description.as_deref()),
        documents::category.eq(row.category.as_deref()),
        documents::position.eq(row.position),
    ))
    .execute(conn)
}

pub fn delete_document(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<usize> {
    diesel::delete(
        documents::table
            .filter(documents::tenant_id.eq(tenant_id))
            .filter(documents::id.eq(id)),
    )
    .execute(conn)
}

pub fn insert_faq(conn: &mut DbConn, row: &FaqRow) -> QueryResult<()> {
    diesel::insert_into(faqs::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// All FAQ of the tenant by position (a short list: searching happens in the service).
pub fn faqs(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<FaqRow>> {
    faqs::table
        .filter(faqs::tenant_id.eq(tenant_id))
        .select(FaqRow::as_select())
        .order((faqs::position.asc(), faqs::id.asc()))
        .load(conn)
}

pub fn find_faq(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<Option<FaqRow>> {
    faqs::table
        .filter(faqs::tenant_id.eq(tenant_id))
        .filter(faqs::id.eq(id))
        .select(FaqRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_faq_by_question(
    conn: &mut DbConn,
    tenant_id: &str,
    question: &str,
) -> QueryResult<Option<FaqRow>> {
    faqs::table
        .filter(faqs::tenant_id.eq(tenant_id))
        .filter(faqs::question.eq(question))
        .select(FaqRow::as_select())
        .first(conn)
        .optional()
}

pub fn update_faq(conn: &mut DbConn, row: &FaqRow) -> QueryResult<usize> {
    diesel::update(
        faqs::table
            .filter(faqs::tenant_id.eq(&row.tenant_id))
            .filter(faqs::id.eq(&row.id)),
    )
    .set((
        faqs::question.eq(&row.question),
        faqs::answer.eq(&row.answer),
        faqs::category.eq(row.category.as_deref()),
        faqs::position.eq(row.position),
    ))
    .execute(conn)
}

pub fn delete_faq(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<usize> {
    diesel::delete(
        faqs::table
            .filter(faqs::tenant_id.eq(tenant_id))
            .filter(faqs::id.eq(id)),
    )
    .execute(conn)
}

/// Stores the text extracted from a document's PDF (kept apart from [`DocumentRow`]: the
/// lists do not carry it).
pub fn set_document_text(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
    text: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(
        documents::table
            .filter(documents::tenant_id.eq(tenant_id))
            .filter(documents::id.eq(id)),
    )
    .set(documents::text.eq(text))
    .execute(conn)
}

/// `(id, text)` of the tenant's documents, for the answer index.
pub fn document_texts(
    conn: &mut DbConn,
    tenant_id: &str,
) -> QueryResult<Vec<(String, Option<String>)>> {
    documents::table
        .filter(documents::tenant_id.eq(tenant_id))
        .select((documents::id, documents::text))
        .load(conn)
}
