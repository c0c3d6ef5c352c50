//! Public content beyond documents and FAQ: the transparency section (TITR), the
//! Riciclabolario, the answer index's generation counter and the deflection count.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use domain::transparency::TitrItem;

use crate::db::DbConn;
use crate::db::models::{
    ComplianceSnapshotRow, DeflectionRow, PageRatingRow, SeparateCollectionRow,
    TransparencySectionRow, WasteItemRow,
};
use crate::db::schema::{
    compliance_snapshots, content_generations, deflections, page_ratings, separate_collection,
    transparency_sections, waste_items,
};

// ---- transparency ------------------------------------------------------------------------

pub fn sections(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<TransparencySectionRow>> {
    crate::native!(conn, |c| transparency_sections::table
        .filter(transparency_sections::tenant_id.eq(tenant_id))
        .select(TransparencySectionRow::as_select())
        .load(c))
}

pub fn find_section(
    conn: &mut DbConn,
    tenant_id: &str,
    item: TitrItem,
) -> QueryResult<Option<TransparencySectionRow>> {
    crate::native!(conn, |c| transparency_sections::table
        .filter(transparency_sections::tenant_id.eq(tenant_id))
        .filter(transparency_sections::item.eq(item))
        .select(TransparencySectionRow::as_select())
        .first(c)
        .optional())
}

/// Writes an item whole (inside the caller's transaction).
pub fn put_section(conn: &mut DbConn, row: &TransparencySectionRow) -> QueryResult<()> {
    crate::native!(conn, |c| {
        diesel::delete(
            transparency_sections::table
                .filter(transparency_sections::tenant_id.eq(&row.tenant_id))
                .filter(transparency_sections::item.eq(row.item)),
        )
        .execute(c)?;
        diesel::insert_into(transparency_sections::table)
            .values(row)
            .execute(c)
    })
    .map(|_| ())
}

/// Every year entered, oldest first.
pub fn separate_collection(
    conn: &mut DbConn,
    tenant_id: &str,
) -> QueryResult<Vec<SeparateCollectionRow>> {
    crate::native!(conn, |c| separate_collection::table
        .filter(separate_collection::tenant_id.eq(tenant_id))
        .select(SeparateCollectionRow::as_select())
        .order(separate_collection::year.asc())
        .load(c))
}

pub fn put_separate_collection(conn: &mut DbConn, row: &SeparateCollectionRow) -> QueryResult<()> {
    delete_separate_collection(conn, &row.tenant_id, row.year)?;
    crate::native!(conn, |c| diesel::insert_into(separate_collection::table)
        .values(row)
        .execute(c))
    .map(|_| ())
}

pub fn delete_separate_collection(
    conn: &mut DbConn,
    tenant_id: &str,
    year: i32,
) -> QueryResult<usize> {
    crate::native!(conn, |c| diesel::delete(
        separate_collection::table
            .filter(separate_collection::tenant_id.eq(tenant_id))
            .filter(separate_collection::year.eq(year)),
    )
    .execute(c))
}

pub fn snapshot(
    conn: &mut DbConn,
    tenant_id: &str,
    year: i32,
) -> QueryResult<Option<ComplianceSnapshotRow>> {
    crate::native!(conn, |c| compliance_snapshots::table
        .filter(compliance_snapshots::tenant_id.eq(tenant_id))
        .filter(compliance_snapshots::year.eq(year))
        .select(ComplianceSnapshotRow::as_select())
        .first(c)
        .optional())
}

/// Years with a snapshot, newest first.
pub fn snapshot_years(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<i32>> {
    crate::native!(conn, |c| compliance_snapshots::table
        .filter(compliance_snapshots::tenant_id.eq(tenant_id))
        .select(compliance_snapshots::year)
        .order(compliance_snapshots::year.desc())
        .load(c))
}

/// Stores the year's snapshot unless one is there; returns whether it stored it. Two
/// processes computing the same year at once: the first insert wins, the other keeps it.
pub fn insert_snapshot_if_absent(
    conn: &mut DbConn,
    row: &ComplianceSnapshotRow,
) -> QueryResult<bool> {
    crate::native!(conn, |c| diesel::insert_into(compliance_snapshots::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))
    .map(|n| n == 1)
}

/// Replaces the year's snapshot (an administrator's recomputation).
pub fn replace_snapshot(conn: &mut DbConn, row: &ComplianceSnapshotRow) -> QueryResult<()> {
    crate::native!(conn, |c| {
        diesel::delete(
            compliance_snapshots::table
                .filter(compliance_snapshots::tenant_id.eq(&row.tenant_id))
                .filter(compliance_snapshots::year.eq(row.year)),
        )
        .execute(c)?;
        diesel::insert_into(compliance_snapshots::table)
            .values(row)
            .execute(c)
    })
    .map(|_| ())
}

// ---- Riciclabolario ----------------------------------------------------------------------

/// Every item, A–Z.
pub fn waste_items(conn: &mut DbConn, tenant_id: &str) -> QueryResult<Vec<WasteItemRow>> {
    crate::native!(conn, |c| waste_items::table
        .filter(waste_items::tenant_id.eq(tenant_id))
        .select(WasteItemRow::as_select())
        .order(waste_items::name_key.asc())
        .load(c))
}

pub fn find_waste_item(
    conn: &mut DbConn,
    tenant_id: &str,
    id: &str,
) -> QueryResult<Option<WasteItemRow>> {
    crate::native!(conn, |c| waste_items::table
        .filter(waste_items::tenant_id.eq(tenant_id))
        .filter(waste_items::id.eq(id))
        .select(WasteItemRow::as_select())
        .first(c)
        .optional())
}

pub fn find_waste_item_by_key(
    conn: &mut DbConn,
    tenant_id: &str,
    name_key: &str,
) -> QueryResult<Option<WasteItemRow>> {
    crate::native!(conn, |c| waste_items::table
        .filter(waste_items::tenant_id.eq(tenant_id))
        .filter(waste_items::name_key.eq(name_key))
        .select(WasteItemRow::as_select())
        .first(c)
        .optional())
}

pub fn insert_waste_item(conn: &mut DbConn, row: &WasteItemRow) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(waste_items::table)
        .values(row)
        .execute(c))
    .map(|_| ())
}

pub fn update_waste_item(conn: &mut DbConn, row: &WasteItemRow) -> QueryResult<usize> {
    crate::native!(conn, |c| diesel::update(
        waste_items::table
            .filter(waste_items::tenant_id.eq(&row.tenant_id))
            .filter(waste_items::id.eq(&row.id)),
    )
    .set((
        waste_items::name.eq(&row.name),
        waste_items::name_key.eq(&row.name_key),
        waste_items::fraction.eq(row.fraction),
        waste_items::bin.eq(row.bin.as_deref()),
        waste_items::notes.eq(row.notes.as_deref()),
        waste_items::take_to.eq(row.take_to),
        waste_items::synonyms.eq(&row.synonyms),
        waste_items::updated_at.eq(row.updated_at),
    ))
    .execute(c))
}

pub fn delete_waste_item(conn: &mut DbConn, tenant_id: &str, id: &str) -> QueryResult<usize> {
    crate::native!(conn, |c| diesel::delete(
        waste_items::table
            .filter(waste_items::tenant_id.eq(tenant_id))
            .filter(waste_items::id.eq(id)),
    )
    .execute(c))
}

// ---- the answer index's generation -------------------------------------------------------

/// The tenant's content generation (0 before the first write).
pub fn generation(conn: &mut DbConn, tenant_id: &str) -> QueryResult<i64> {
    crate::native!(conn, |c| content_generations::table
        .filter(content_generations::tenant_id.eq(tenant_id))
        .select(content_generations::generation)
        .first(c)
        .optional())
    .map(Option::unwrap_or_default)
}

/// Bumps the generation, inside the transaction that changes searchable content, so no
/// process keeps answering from an index older than a committed write.
pub fn bump_generation(conn: &mut DbConn, tenant_id: &str) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(content_generations::table)
        .values((
            content_generations::tenant_id.eq(tenant_id),
            content_generations::generation.eq(1_i64),
        ))
        .on_conflict(content_generations::tenant_id)
        .do_update()
        .set(content_generations::generation.eq(content_generations::generation + 1_i64))
        .execute(c))
    .map(|_| ())
}

// ---- deflections -------------------------------------------------------------------------

pub fn insert_deflection(conn: &mut DbConn, row: &DeflectionRow) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(deflections::table)
        .values(row)
        .execute(c))
    .map(|_| ())
}

/// `(source, answer id, title, count)` of the deflections in `[from, to)`; an answer
/// whose title changed in the period has one line per title.
pub fn deflection_counts(
    conn: &mut DbConn,
    tenant_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(domain::answers::AnswerSource, String, String, i64)>> {
    crate::native!(conn, |c| deflections::table
        .filter(deflections::tenant_id.eq(tenant_id))
        .filter(deflections::at.ge(from))
        .filter(deflections::at.lt(to))
        .group_by((
            deflections::source,
            deflections::answer_id,
            deflections::title
        ))
        .select((
            deflections::source,
            deflections::answer_id,
            deflections::title,
            diesel::dsl::count_star(),
        ))
        .load(c))
}

pub fn insert_page_rating(conn: &mut DbConn, row: &PageRatingRow) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(page_ratings::table)
        .values(row)
        .execute(c))
    .map(|_| ())
}

/// `(page, stars, aspects, count)` of the pages' ratings in `[from, to)`.
pub fn page_rating_counts(
    conn: &mut DbConn,
    tenant_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(String, i32, String, i64)>> {
    crate::native!(conn, |c| page_ratings::table
        .filter(page_ratings::tenant_id.eq(tenant_id))
        .filter(page_ratings::created_at.ge(from))
        .filter(page_ratings::created_at.lt(to))
        .group_by((
            page_ratings::page,
            page_ratings::stars,
            page_ratings::aspects
        ))
        .select((
            page_ratings::page,
            page_ratings::stars,
            page_ratings::aspects,
            diesel::dsl::count_star(),
        ))
        .load(c))
}

/// The latest `limit` ratings in `[from, to)` with details, newest first.
pub fn page_rating_comments(
    conn: &mut DbConn,
    tenant_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<PageRatingRow>> {
    crate::native!(conn, |c| page_ratings::table
        .filter(page_ratings::tenant_id.eq(tenant_id))
        .filter(page_ratings::created_at.ge(from))
        .filter(page_ratings::created_at.lt(to))
        .filter(page_ratings::details.is_not_null())
        .order((page_ratings::created_at.desc(), page_ratings::id.desc()))
        .limit(limit)
        .select(PageRatingRow::as_select())
        .load(c))
}

// ---- earlier replies, for operators' suggestions -----------------------------------------

/// An operator's reply on a resolved or closed request.
pub struct EarlierReply {
    pub request_id: String,
    pub protocol_number: String,
    pub subject: String,
    pub body: String,
}

/// The latest public staff replies on resolved or closed requests, newest first; with
/// `office_ids`, only requests of those offices.
pub fn resolved_replies(
    conn: &mut DbConn,
    tenant_id: &str,
    office_ids: Option<&[String]>,
    limit: i64,
) -> QueryResult<Vec<EarlierReply>> {
    use crate::db::schema::{messages, requests};
    use domain::lifecycle::{Role, Status};
    let mut q = messages::table
        .inner_join(requests::table)
        .filter(messages::tenant_id.eq(tenant_id))
        .filter(requests::status.eq_any([Status::Resolved, Status::Closed]))
        .filter(messages::internal.eq(false))
        .filter(messages::author_role.eq_any([Role::Operator, Role::Supervisor, Role::Admin]))
        .into_boxed();
    if let Some(ids) = office_ids {
        q = q.filter(requests::office_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(String, String, String, String)> = q
        .select((
            requests::id,
            requests::protocol_number,
            requests::subject,
            messages::body,
        ))
        .order(messages::created_at.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(request_id, protocol_number, subject, body)| EarlierReply {
                request_id,
                protocol_number,
                subject,
                body,
            },
        )
        .collect())
}
