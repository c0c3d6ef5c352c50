//! The Riciclabolario: where each kind of waste goes. Anyone searches it; administrators
//! write it item by item or import a CSV (all or nothing, audited).

use chrono::Utc;
use domain::api::{SaveWasteItem, WasteImportReport, WasteItem};
use domain::error::{DomainError, FieldError, Lang};
use domain::waste::{CSV_COLUMNS, MAX_IMPORT_ROWS, WasteEntry, item_from_csv};

use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::models::WasteItemRow;
use crate::db::repo::audit::Audit;
use crate::db::repo::{new_id, public_content};
use crate::error::{ApiError, ApiResult};
use crate::services::answers;
use crate::state::AppState;
use crate::tenancy::TenantCtx;

/// Field errors reported for one import, at most: enough to fix a file, bounded output.
const MAX_IMPORT_ERRORS: usize = 100;

fn audit<'a>(user: &'a AuthUser, action: &'a str, entity_id: Option<&'a str>) -> Audit<'a> {
    Audit {
        tenant_id: user.tenant_id(),
        actor_id: Some(&user.user_id),
        action,
        entity: "waste_item",
        entity_id,
    }
}

fn pick(pair: (&'static str, &'static str), lang: Lang) -> String {
    match lang {
        Lang::It => pair.0,
        Lang::En => pair.1,
    }
    .to_owned()
}

pub fn item_dto(row: &WasteItemRow, lang: Lang) -> WasteItem {
    WasteItem {
        id: row.id.clone(),
        name: row.name.clone(),
        fraction: row.fraction,
        fraction_label: pick(row.fraction.label(), lang),
        bin: row
            .bin
            .clone()
            .or_else(|| row.fraction.usual_bin().map(|b| pick(b, lang))),
        notes: row.notes.clone(),
        take_to: row.take_to,
        take_to_label: row.take_to.map(|t| pick(t.label(), lang)),
        synonyms: serde_json::from_str(&row.synonyms).unwrap_or_default(),
        updated_at: row.updated_at.and_utc(),
    }
}

fn row_of(tenant_id: &str, id: String, entry: &WasteEntry) -> ApiResult<WasteItemRow> {
    Ok(WasteItemRow {
        id,
        tenant_id: tenant_id.to_owned(),
        name: entry.name.clone(),
        name_key: entry.key(),
        fraction: entry.fraction,
        bin: entry.bin.clone(),
        notes: entry.notes.clone(),
        take_to: entry.take_to,
        synonyms: serde_json::to_string(&entry.synonyms)
            .map_err(|e| ApiError::Internal(e.into()))?,
        updated_at: Utc::now().naive_utc(),
    })
}

fn name_taken() -> ApiError {
    ApiError::invalid(
        "name",
        "Esiste già un rifiuto con questo nome",
        "An item with this name already exists",
    )
}

/// `GET /public/riciclabolario`: every item A–Z, or with `q` the best matches first.
pub fn list(
    state: &AppState,
    tenant: &TenantCtx,
    q: Option<&str>,
    lang: Lang,
) -> ApiResult<Vec<WasteItem>> {
    match q.and_then(domain::answers::query_text) {
        None => {
            let rows = state
                .db
                .read(|c| public_content::waste_items(c, &tenant.id))?;
            Ok(rows.iter().map(|r| item_dto(r, lang)).collect())
        }
        Some(q) => answers::search_waste(state, tenant, q, lang),
    }
}

/// `POST /settings/riciclabolario`.
pub fn create(
    state: &AppState,
    user: &AuthUser,
    body: &SaveWasteItem,
    lang: Lang,
) -> ApiResult<WasteItem> {
    user.require_admin()?;
    let entry = WasteEntry::new(body)?;
    let row = row_of(user.tenant_id(), new_id(), &entry)?;
    state.db.write_tx(|c| {
        if public_content::find_waste_item_by_key(c, user.tenant_id(), &row.name_key)?.is_some() {
            return Err(name_taken());
        }
        public_content::insert_waste_item(c, &row)?;
        public_content::bump_generation(c, user.tenant_id())?;
        let dto = item_dto(&row, lang);
        audit(user, "waste_item.create", Some(&row.id)).record(
            c,
            None::<&WasteItem>,
            Some(&dto),
        )?;
        Ok(dto)
    })
}

/// `PUT /settings/riciclabolario/{id}`.
pub fn update(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    body: &SaveWasteItem,
    lang: Lang,
) -> ApiResult<WasteItem> {
    user.require_admin()?;
    let entry = WasteEntry::new(body)?;
    let row = row_of(user.tenant_id(), id.to_owned(), &entry)?;
    state.db.write_tx(|c| {
        let before =
            public_content::find_waste_item(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        if let Some(other) =
            public_content::find_waste_item_by_key(c, user.tenant_id(), &row.name_key)?
            && other.id != id
        {
            return Err(name_taken());
        }
        public_content::update_waste_item(c, &row)?;
        public_content::bump_generation(c, user.tenant_id())?;
        let dto = item_dto(&row, lang);
        audit(user, "waste_item.update", Some(id)).record(
            c,
            Some(&item_dto(&before, lang)),
            Some(&dto),
        )?;
        Ok(dto)
    })
}

/// `DELETE /settings/riciclabolario/{id}`.
pub fn delete(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<()> {
    user.require_admin()?;
    state.db.write_tx(|c| {
        let before =
            public_content::find_waste_item(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        public_content::delete_waste_item(c, user.tenant_id(), id)?;
        public_content::bump_generation(c, user.tenant_id())?;
        audit(user, "waste_item.delete", Some(id)).record(
            c,
            Some(&item_dto(&before, Lang::It)),
            None::<&WasteItem>,
        )?;
        Ok::<_, ApiError>(())
    })
}

/// The CSV column an item's field comes from, for the import's error paths.
fn csv_column(field: &str) -> String {
    let (head, rest) = field.split_once('[').map_or((field, ""), |(h, r)| (h, r));
    let column = match head {
        "name" => "nome",
        "fraction" => "frazione",
        "bin" => "contenitore",
        "take_to" => "dove_portarlo",
        "notes" => "note",
        "synonyms" => "sinonimi",
        other => other,
    };
    if rest.is_empty() {
        column.to_owned()
    } else {
        format!("{column}[{rest}")
    }
}

/// Checks a whole file: every row valid, no name twice. Row numbers count data rows
/// from 1 (the header is not a row).
fn parse_csv(data: &[u8]) -> Result<Vec<WasteEntry>, DomainError> {
    let text =
        std::str::from_utf8(data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data)).map_err(|_| {
            DomainError::invalid(
                "file",
                "Il file deve essere in UTF-8",
                "The file must be UTF-8",
            )
        })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|_| DomainError::invalid("file", "Intestazione illeggibile", "Unreadable header"))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if header != CSV_COLUMNS {
        return Err(DomainError::invalid(
            "header",
            format!("Intestazione attesa: {}", CSV_COLUMNS.join(",")),
            format!("Expected header: {}", CSV_COLUMNS.join(",")),
        ));
    }
    let mut errors: Vec<FieldError> = Vec::new();
    let mut entries: Vec<WasteEntry> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let n = i + 1;
        if n > MAX_IMPORT_ROWS {
            return Err(DomainError::invalid(
                "file",
                format!("Al massimo {MAX_IMPORT_ROWS} righe per file"),
                format!("At most {MAX_IMPORT_ROWS} rows per file"),
            ));
        }
        let Ok(record) = record else {
            errors.push(FieldError::new(
                format!("rows[{n}]"),
                "Riga illeggibile",
                "Unreadable row",
            ));
            continue;
        };
        let cells: Vec<&str> = record.iter().collect();
        let parsed = item_from_csv(&cells).and_then(|save| WasteEntry::new(&save));
        match parsed {
            Ok(entry) => {
                if entries.iter().any(|e| e.key() == entry.key()) {
                    errors.push(FieldError::new(
                        format!("rows[{n}].nome"),
                        "Nome ripetuto nel file",
                        "Name repeated in the file",
                    ));
                } else {
                    entries.push(entry);
                }
            }
            Err(DomainError::Validation(list)) => {
                errors.extend(list.into_iter().map(|e| FieldError {
                    field: format!("rows[{n}].{}", csv_column(&e.field)).into(),
                    message: e.message,
                }));
            }
            Err(other) => return Err(other),
        }
        if errors.len() >= MAX_IMPORT_ERRORS {
            break;
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        errors.truncate(MAX_IMPORT_ERRORS);
        Err(DomainError::Validation(errors))
    }
}

/// `POST /settings/riciclabolario/import`: creates the new names, rewrites the known
/// ones, in one transaction.
pub fn import(state: &AppState, user: &AuthUser, data: &[u8]) -> ApiResult<WasteImportReport> {
    user.require_admin()?;
    let entries = parse_csv(data)?;
    state.db.write_tx(|c| {
        let report = import_entries(c, user.tenant_id(), &entries)?;
        audit(user, "waste_item.import", None).record(
            c,
            None::<&WasteImportReport>,
            Some(&report),
        )?;
        Ok::<_, ApiError>(report)
    })
}

/// Writes checked entries (inside the caller's transaction); shared with the demo seed.
pub fn import_entries(
    c: &mut DbConn,
    tenant_id: &str,
    entries: &[WasteEntry],
) -> ApiResult<WasteImportReport> {
    let mut report = WasteImportReport {
        created: 0,
        updated: 0,
    };
    for entry in entries {
        if let Some(old) = public_content::find_waste_item_by_key(c, tenant_id, &entry.key())? {
            public_content::update_waste_item(c, &row_of(tenant_id, old.id, entry)?)?;
            report.updated += 1;
        } else {
            public_content::insert_waste_item(c, &row_of(tenant_id, new_id(), entry)?)?;
            report.created += 1;
        }
    }
    if !entries.is_empty() {
        public_content::bump_generation(c, tenant_id)?;
    }
    Ok(report)
}

/// The demo Comune's Riciclabolario (the CSV in the import's format).
pub fn demo_entries() -> Result<Vec<WasteEntry>, DomainError> {
    parse_csv(include_bytes!(
        "../../../domain/data/riciclabolario-demo.csv"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_file_imports() {
        let entries = demo_entries().expect("demo CSV");
        assert_eq!(entries.len(), 153);
    }

    #[test]
    fn bad_rows_are_named_by_row_and_column() {
        let csv = "nome,frazione,contenitore,dove_portarlo,note,sinonimi\n\
                   Bottiglia,plastica,,,,\n\
                   ,vetro,,,,\n\
                   Lattina,metallo liquido,,,,\n\
                   bottiglia,plastica,,,,\n";
        let Err(DomainError::Validation(errors)) = parse_csv(csv.as_bytes()) else {
            panic!("accepted a bad file");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["rows[2].nome", "rows[3].frazione", "rows[4].nome"]);
    }

    #[test]
    fn a_wrong_header_is_refused() {
        let Err(DomainError::Validation(errors)) = parse_csv(b"name,fraction\nx,carta\n") else {
            panic!("accepted a wrong header");
        };
        assert_eq!(errors[0].field, "header");
    }
}
