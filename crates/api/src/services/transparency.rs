//! Trasparenza rifiuti (ARERA TITR art. 3.1): the items administrators write, the desks
//! and hours from the agenda, the separate-collection figures, and the previous year's
//! compliance computed from the register and kept as a yearly snapshot.

use chrono::{Datelike, NaiveDate, SubsecRound, Utc};
use domain::api::{
    ComplianceLine, ComplianceSnapshot, Document, SaveSeparateCollection, SaveTransparencySection,
    SeparateCollectionYear, TransparencyDesk, TransparencyLink, TransparencyPage,
    TransparencySection,
};
use domain::calendar::rome_date;
use domain::error::{DomainError, FieldError, Lang};
use domain::transparency::{
    CHART_YEARS, SectionContent, SeparateCollection, TitrItem, compliance_lines, published_year,
};
use serde::{Deserialize, Serialize};

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::{ComplianceSnapshotRow, SeparateCollectionRow, TransparencySectionRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{agenda, content, public_content};
use crate::error::{ApiError, ApiResult};
use crate::services::content::document_dto;
use crate::services::registry::{self, Period};
use crate::state::AppState;
use crate::tenancy::TenantCtx;

/// What a snapshot row's `lines` holds.
#[derive(Serialize, Deserialize)]
struct StoredLines {
    kinds: Vec<ComplianceLine>,
    total: ComplianceLine,
}

fn audit<'a>(user: &'a AuthUser, action: &'a str, entity_id: Option<&'a str>) -> Audit<'a> {
    Audit {
        tenant_id: user.tenant_id(),
        actor_id: Some(&user.user_id),
        action,
        entity: "transparency",
        entity_id,
    }
}

fn section_dto(
    item: TitrItem,
    row: Option<&TransparencySectionRow>,
    documents: &[Document],
    lang: Lang,
) -> TransparencySection {
    let (it, en) = item.title();
    let links: Vec<TransparencyLink> = row
        .and_then(|r| serde_json::from_str(&r.links).ok())
        .unwrap_or_default();
    let ids: Vec<String> = row
        .and_then(|r| serde_json::from_str(&r.document_ids).ok())
        .unwrap_or_default();
    TransparencySection {
        item,
        letter: item.letter().to_string(),
        title: match lang {
            Lang::It => it,
            Lang::En => en,
        }
        .to_owned(),
        body: row.and_then(|r| r.body.clone()),
        links,
        // In the administrator's order; a document deleted since is left out.
        documents: ids
            .iter()
            .filter_map(|id| documents.iter().find(|d| &d.id == id).cloned())
            .collect(),
        updated_at: row.map(|r| r.updated_at.and_utc()),
    }
}

fn desk_dtos(conn: &mut DbConn, tenant: &TenantCtx) -> ApiResult<Vec<TransparencyDesk>> {
    Ok(agenda::list_desks(conn, &tenant.id)?
        .into_iter()
        .map(|d| TransparencyDesk {
            office: tenant
                .directory
                .office_name(&d.office_id)
                .unwrap_or_default()
                .to_owned(),
            weekly: serde_json::from_str(&d.weekly).unwrap_or_default(),
            name: d.name,
            address: d.address,
            mode: d.mode,
        })
        .collect())
}

fn year_dto(row: &SeparateCollectionRow) -> SeparateCollectionYear {
    SeparateCollectionYear {
        year: row.year,
        percent: f64::from(row.per_mille) / 10.0,
    }
}

fn snapshot_dto(row: &ComplianceSnapshotRow) -> ApiResult<ComplianceSnapshot> {
    let lines: StoredLines =
        serde_json::from_str(&row.lines).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(ComplianceSnapshot {
        year: row.year,
        computed_at: row.computed_at.and_utc(),
        kinds: lines.kinds,
        total: lines.total,
    })
}

/// Computes a year's compliance from the register (every request received in the year,
/// Europe/Rome dates), as of now.
fn compute(state: &AppState, tenant: &TenantCtx, year: i32) -> ApiResult<ComplianceSnapshotRow> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(ApiError::NotFound)?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(ApiError::NotFound)?;
    let period = Period { from, to };
    let report = registry::aggregate(
        state,
        &tenant.id,
        &tenant.calendar,
        period,
        rome_date(Utc::now()),
    )?;
    let (kinds, total) = compliance_lines(&report);
    Ok(ComplianceSnapshotRow {
        tenant_id: tenant.id.clone(),
        year,
        // Microseconds: what PostgreSQL keeps, so the answer equals what is read back.
        computed_at: Utc::now().naive_utc().trunc_subsecs(6),
        lines: serde_json::to_string(&StoredLines { kinds, total })
            .map_err(|e| ApiError::Internal(e.into()))?,
    })
}

/// The published snapshot of `year`, computed and stored on first read. Concurrent first
/// reads (or processes) may both compute; the first stored wins and both return it.
fn snapshot_of(state: &AppState, tenant: &TenantCtx, year: i32) -> ApiResult<ComplianceSnapshot> {
    if let Some(row) = state
        .db
        .read(|c| public_content::snapshot(c, &tenant.id, year))?
    {
        return snapshot_dto(&row);
    }
    let row = compute(state, tenant, year)?;
    let stored = state.db.write_tx(|c| {
        public_content::insert_snapshot_if_absent(c, &row)?;
        public_content::snapshot(c, &tenant.id, year)
    })?;
    snapshot_dto(stored.as_ref().unwrap_or(&row))
}

/// `GET /public/transparency`.
pub fn page(state: &AppState, tenant: &TenantCtx, lang: Lang) -> ApiResult<TransparencyPage> {
    let year = published_year(rome_date(Utc::now()));
    let compliance = snapshot_of(state, tenant, year)?;
    let (rows, documents, desks, years, snapshot_years) = state.db.read(|c| {
        let rows = public_content::sections(c, &tenant.id)?;
        let documents: Vec<Document> = content::documents(c, &tenant.id)?
            .into_iter()
            .map(document_dto)
            .collect();
        let desks = desk_dtos(c, tenant)?;
        let years = public_content::separate_collection(c, &tenant.id)?;
        let snapshot_years = public_content::snapshot_years(c, &tenant.id)?;
        Ok::<_, ApiError>((rows, documents, desks, years, snapshot_years))
    })?;
    let sections = TitrItem::ALL
        .iter()
        .map(|&item| {
            let row = rows.iter().find(|r| r.item == item);
            section_dto(item, row, &documents, lang)
        })
        .collect();
    let skip = years.len().saturating_sub(CHART_YEARS);
    Ok(TransparencyPage {
        tenant_name: tenant.name.clone(),
        sections,
        desks,
        separate_collection: years.iter().skip(skip).map(year_dto).collect(),
        compliance,
        compliance_years: snapshot_years,
    })
}

/// `GET /public/transparency/compliance/{year}`: a stored snapshot (the previous year's
/// is computed on first read; older ones exist only once published).
pub fn compliance(
    state: &AppState,
    tenant: &TenantCtx,
    year: i32,
) -> ApiResult<ComplianceSnapshot> {
    if year == published_year(rome_date(Utc::now())) {
        return snapshot_of(state, tenant, year);
    }
    let row = state
        .db
        .read(|c| public_content::snapshot(c, &tenant.id, year))?
        .ok_or(ApiError::NotFound)?;
    snapshot_dto(&row)
}

/// `POST /settings/transparency/compliance/{year}`: computes a closed year again (after
/// late corrections in the register) and replaces its snapshot.
pub fn recompute(state: &AppState, user: &AuthUser, year: i32) -> ApiResult<ComplianceSnapshot> {
    user.require_admin()?;
    let current = rome_date(Utc::now()).year();
    if !(2000..current).contains(&year) {
        return Err(ApiError::invalid(
            "year",
            format!("Anno non valido: da 2000 a {}", current - 1),
            format!("Invalid year: from 2000 to {}", current - 1),
        ));
    }
    let row = compute(state, &user.tenant, year)?;
    let dto = snapshot_dto(&row)?;
    let key = year.to_string();
    state.db.write_tx(|c| {
        let before = public_content::snapshot(c, user.tenant_id(), year)?
            .map(|r| snapshot_dto(&r))
            .transpose()?;
        public_content::replace_snapshot(c, &row)?;
        audit(user, "transparency.compliance", Some(&key)).record(
            c,
            before.as_ref(),
            Some(&dto),
        )?;
        Ok::<_, ApiError>(())
    })?;
    Ok(dto)
}

/// `PUT /settings/transparency/items/{item}`.
pub fn save_section(
    state: &AppState,
    user: &AuthUser,
    item: &str,
    body: &SaveTransparencySection,
    lang: Lang,
) -> ApiResult<TransparencySection> {
    user.require_admin()?;
    let item: TitrItem = item.parse().map_err(|_| ApiError::NotFound)?;
    let valid = SectionContent::new(body)?;
    let row = TransparencySectionRow {
        tenant_id: user.tenant_id().to_owned(),
        item,
        body: valid.body,
        links: serde_json::to_string(&valid.links).map_err(|e| ApiError::Internal(e.into()))?,
        document_ids: serde_json::to_string(&valid.document_ids)
            .map_err(|e| ApiError::Internal(e.into()))?,
        updated_at: Utc::now().naive_utc(),
    };
    state.db.write_tx(|c| {
        let documents: Vec<Document> = content::documents(c, user.tenant_id())?
            .into_iter()
            .map(document_dto)
            .collect();
        for (i, id) in valid.document_ids.iter().enumerate() {
            if !documents.iter().any(|d| &d.id == id) {
                return Err(ApiError::Domain(DomainError::Validation(vec![
                    FieldError::new(
                        format!("document_ids[{i}]"),
                        "Documento non pubblicato",
                        "No such published document",
                    ),
                ])));
            }
        }
        let before = public_content::find_section(c, user.tenant_id(), item)?
            .map(|r| section_dto(item, Some(&r), &documents, lang));
        public_content::put_section(c, &row)?;
        let after = section_dto(item, Some(&row), &documents, lang);
        audit(user, "transparency.section", Some(item.code())).record(
            c,
            before.as_ref(),
            Some(&after),
        )?;
        Ok(after)
    })
}

/// `PUT /settings/transparency/separate-collection/{year}`.
pub fn save_separate_collection(
    state: &AppState,
    user: &AuthUser,
    year: i32,
    body: &SaveSeparateCollection,
) -> ApiResult<SeparateCollectionYear> {
    user.require_admin()?;
    let current = rome_date(Utc::now()).year();
    let valid = SeparateCollection::new(year, body, current)?;
    let row = SeparateCollectionRow {
        tenant_id: user.tenant_id().to_owned(),
        year: valid.year,
        per_mille: i32::from(valid.per_mille),
        updated_at: Utc::now().naive_utc(),
    };
    let dto = year_dto(&row);
    let key = year.to_string();
    state.db.write_tx(|c| {
        let before = public_content::separate_collection(c, user.tenant_id())?
            .iter()
            .find(|r| r.year == year)
            .map(year_dto);
        public_content::put_separate_collection(c, &row)?;
        audit(user, "transparency.separate_collection", Some(&key)).record(
            c,
            before.as_ref(),
            Some(&dto),
        )?;
        Ok::<_, ApiError>(())
    })?;
    Ok(dto)
}

/// `DELETE /settings/transparency/separate-collection/{year}`.
pub fn delete_separate_collection(state: &AppState, user: &AuthUser, year: i32) -> ApiResult<()> {
    user.require_admin()?;
    let key = year.to_string();
    state.db.write_tx(|c| {
        let before = public_content::separate_collection(c, user.tenant_id())?
            .iter()
            .find(|r| r.year == year)
            .map(year_dto)
            .ok_or(ApiError::NotFound)?;
        public_content::delete_separate_collection(c, user.tenant_id(), year)?;
        audit(user, "transparency.separate_collection", Some(&key)).record(
            c,
            Some(&before),
            None::<&SeparateCollectionYear>,
        )?;
        Ok::<_, ApiError>(())
    })
}
