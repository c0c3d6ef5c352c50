//! Public content: the tenant card, downloadable documents and the FAQ. Anyone reads
//! them; administrators publish them (audited).

use chrono::Utc;
use domain::api::{Document, Faq, PublicTenant, SaveDocument, SaveFaq};
use domain::error::{DomainError, Errors};

use crate::auth::AuthUser;
use crate::db::models::{DocumentRow, FaqRow};
use crate::db::repo::audit::Audit;
use crate::db::repo::{content, new_id, public_content};
use crate::error::{ApiError, ApiResult, storage_error};
use crate::services::admin::{optional_text, text};
use crate::state::AppState;
use crate::tenancy::TenantCtx;
use crate::upload::{FileKind, UploadedFile};

/// What the public pages need, from the cached tenant.
pub fn public_tenant(tenant: &TenantCtx) -> PublicTenant {
    PublicTenant {
        id: tenant.id.clone(),
        name: tenant.name.clone(),
        logo_url: tenant.logo_url.clone(),
        patron_saint: tenant.calendar.patron_saint().map(|d| d.to_string()),
        closure_days: tenant.calendar.closures().to_vec(),
        fiscal_code: tenant.fiscal_code.clone(),
        contacts: tenant.contacts.clone(),
    }
}

fn audit<'a>(
    user: &'a AuthUser,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<&'a str>,
) -> Audit<'a> {
    Audit {
        tenant_id: user.tenant_id(),
        actor_id: Some(&user.user_id),
        action,
        entity,
        entity_id,
    }
}

// ---- documents -----------------------------------------------------------------------

pub fn document_dto(row: DocumentRow) -> Document {
    Document {
        url: format!("/api/v1/public/documents/{}/file", row.id),
        id: row.id,
        title: row.title,
        description: row.description,
        category: row.category,
        filename: row.filename,
        content_type: row.content_type,
        size: u64::try_from(row.size).unwrap_or(0),
        published_at: row.published_at.and_utc(),
    }
}

struct ValidDocument {
    title: String,
    description: Option<String>,
    category: Option<String>,
    position: Option<i32>,
}

/// The document's data, and its file when one comes (publishing; an edit keeps the file).
fn validate_document(
    data: &SaveDocument,
    file: Option<&UploadedFile>,
) -> Result<ValidDocument, DomainError> {
    let mut errors = Errors::new();
    let title = errors.check(text("title", &data.title, ("Titolo", "Title"), 200, false));
    let description = errors.check(optional_text(
        "description",
        data.description.as_deref(),
        ("Descrizione", "Description"),
        1000,
    ));
    let category = errors.check(optional_text(
        "category",
        data.category.as_deref(),
        ("Categoria", "Category"),
        100,
    ));
    if file.is_some_and(|f| f.kind != FileKind::Pdf) {
        errors.push(domain::error::FieldError::new(
            "file",
            "I documenti pubblici devono essere file PDF",
            "Public documents must be PDF files",
        ));
    }
    errors.finish()?;
    Ok(ValidDocument {
        title: title.unwrap_or_default(),
        description: description.flatten(),
        category: category.flatten(),
        position: data.position,
    })
}

/// Publishes a PDF: the file is stored first, then the row; a failed insert removes it.
pub fn create_document(
    state: &AppState,
    user: &AuthUser,
    data: &SaveDocument,
    file: &UploadedFile,
) -> ApiResult<Document> {
    user.require_admin()?;
    let valid = validate_document(data, Some(file))?;
    let id = new_id();
    let key = format!("{}/documents/{id}.pdf", user.tenant_id());
    state.files.put(&key, &file.bytes).map_err(storage_error)?;
    let row = DocumentRow {
        id: id.clone(),
        tenant_id: user.tenant_id().to_owned(),
        title: valid.title,
        description: valid.description,
        category: valid.category,
        filename: file.filename.clone(),
        content_type: FileKind::Pdf.content_type().to_owned(),
        size: i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
        storage_key: key.clone(),
        position: valid.position.unwrap_or(0),
        published_at: Utc::now().naive_utc(),
    };
    // Extracted before the transaction: parsing a large PDF must not hold the writer.
    let text = crate::pdf_text::extract(&file.bytes);
    let result = state.db.write_tx(|c| {
        content::insert_document(c, &row)?;
        content::set_document_text(c, user.tenant_id(), &id, text.as_deref())?;
        public_content::bump_generation(c, user.tenant_id())?;
        let doc = document_dto(row.clone());
        audit(user, "document.create", "document", Some(&id)).record(
            c,
            None::<&Document>,
            Some(&doc),
        )?;
        Ok::<_, ApiError>(doc)
    });
    if result.is_err() {
        let _ = state.files.delete(&key);
    }
    result
}

/// Changes a document's title, description, category and order (a missing order keeps
/// the current one). The file stays: a new version is published as a new document.
pub fn update_document(
    state: &AppState,
    user: &AuthUser,
    id: &str,
    data: &SaveDocument,
) -> ApiResult<Document> {
    user.require_admin()?;
    let valid = validate_document(data, None)?;
    state.db.write_tx(|c| {
        let before = content::find_document(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let row = DocumentRow {
            title: valid.title,
            description: valid.description,
            category: valid.category,
            position: valid.position.unwrap_or(before.position),
            ..before.clone()
        };
        content::update_document(c, &row)?;
        public_content::bump_generation(c, user.tenant_id())?;
        let after = document_dto(row);
        audit(user, "document.update", "document", Some(id)).record(
            c,
            Some(&document_dto(before)),
            Some(&after),
        )?;
        Ok::<_, ApiError>(after)
    })
}

pub fn delete_document(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<()> {
    user.require_admin()?;
    let key = state.db.write_tx(|c| {
        let row = content::find_document(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        content::delete_document(c, user.tenant_id(), id)?;
        public_content::bump_generation(c, user.tenant_id())?;
        let key = row.storage_key.clone();
        audit(user, "document.delete", "document", Some(id)).record(
            c,
            Some(&document_dto(row)),
            None::<&Document>,
        )?;
        Ok::<_, ApiError>(key)
    })?;
    // The row is gone for good: a file left behind by a failed delete is only garbage.
    if let Err(e) = state.files.delete(&key) {
        tracing::warn!(error = %e, key, "document file not removed");
    }
    Ok(())
}

pub fn list_documents(state: &AppState, tenant: &TenantCtx) -> ApiResult<Vec<Document>> {
    let rows = state.db.read(|c| content::documents(c, &tenant.id))?;
    Ok(rows.into_iter().map(document_dto).collect())
}

/// The PDF of a public document: `(bytes, content type, file name)`.
pub fn document_file(
    state: &AppState,
    tenant: &TenantCtx,
    id: &str,
) -> ApiResult<(Vec<u8>, String, String)> {
    let row = state
        .db
        .read(|c| content::find_document(c, &tenant.id, id))?
        .ok_or(ApiError::NotFound)?;
    let bytes = state.files.get(&row.storage_key).map_err(storage_error)?;
    Ok((bytes, row.content_type, row.filename))
}

// ---- FAQ ---------------------------------------------------------------------------------

pub fn faq_dto(row: FaqRow) -> Faq {
    Faq {
        id: row.id,
        question: row.question,
        answer: row.answer,
        category: row.category,
        position: row.position,
    }
}

fn validate_faq(body: &SaveFaq) -> Result<(String, String, Option<String>), DomainError> {
    let mut errors = Errors::new();
    let question = errors.check(text(
        "question",
        &body.question,
        ("Domanda", "Question"),
        300,
        false,
    ));
    let answer = errors.check(text(
        "answer",
        &body.answer,
        ("Risposta", "Answer"),
        4000,
        true,
    ));
    let category = errors.check(optional_text(
        "category",
        body.category.as_deref(),
        ("Categoria", "Category"),
        100,
    ));
    errors.finish()?;
    Ok((
        question.unwrap_or_default(),
        answer.unwrap_or_default(),
        category.flatten(),
    ))
}

/// FAQ in display order; with `q`, only those whose question or answer contains every
/// word of it, ignoring case.
pub fn list_faq(state: &AppState, tenant: &TenantCtx, q: Option<&str>) -> ApiResult<Vec<Faq>> {
    let rows = state.db.read(|c| content::faqs(c, &tenant.id))?;
    let words: Vec<String> = q
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    Ok(rows
        .into_iter()
        .filter(|f| {
            let haystack = format!("{}\n{}", f.question, f.answer).to_lowercase();
            words.iter().all(|w| haystack.contains(w.as_str()))
        })
        .map(faq_dto)
        .collect())
}

pub fn create_faq(state: &AppState, user: &AuthUser, body: &SaveFaq) -> ApiResult<Faq> {
    user.require_admin()?;
    let (question, answer, category) = validate_faq(body)?;
    let row = FaqRow {
        id: new_id(),
        tenant_id: user.tenant_id().to_owned(),
        question,
        answer,
        category,
        position: body.position,
        created_at: Utc::now().naive_utc(),
    };
    state.db.write_tx(|c| {
        content::insert_faq(c, &row)?;
        public_content::bump_generation(c, user.tenant_id())?;
        let faq = faq_dto(row.clone());
        audit(user, "faq.create", "faq", Some(&faq.id)).record(c, None::<&Faq>, Some(&faq))?;
        Ok::<_, ApiError>(faq)
    })
}

pub fn update_faq(state: &AppState, user: &AuthUser, id: &str, body: &SaveFaq) -> ApiResult<Faq> {
    user.require_admin()?;
    let (question, answer, category) = validate_faq(body)?;
    state.db.write_tx(|c| {
        let before = content::find_faq(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        let row = FaqRow {
            question,
            answer,
            category,
            position: body.position,
            ..before.clone()
        };
        content::update_faq(c, &row)?;
        public_content::bump_generation(c, user.tenant_id())?;
        let after = faq_dto(row);
        audit(user, "faq.update", "faq", Some(id)).record(
            c,
            Some(&faq_dto(before)),
            Some(&after),
        )?;
        Ok::<_, ApiError>(after)
    })
}

pub fn delete_faq(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<()> {
    user.require_admin()?;
    state.db.write_tx(|c| {
        let before = content::find_faq(c, user.tenant_id(), id)?.ok_or(ApiError::NotFound)?;
        content::delete_faq(c, user.tenant_id(), id)?;
        public_content::bump_generation(c, user.tenant_id())?;
        audit(user, "faq.delete", "faq", Some(id)).record(
            c,
            Some(&faq_dto(before)),
            None::<&Faq>,
        )?;
        Ok::<_, ApiError>(())
    })
}
