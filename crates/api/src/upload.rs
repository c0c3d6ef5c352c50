//! Reading multipart uploads with limits, and checking what a file really is.

use actix_multipart::Multipart;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use domain::error::Message;

/// Largest JSON body of the endpoints that also take a multipart form.
const JSON_LIMIT: usize = 256 * 1024;

/// A message with optional attachments, as the endpoints that carry one accept it: a JSON
/// body, or a multipart form with the JSON in a `data` part and files in `files` (or
/// `file`). `data_missing` is the error when a form has no `data` part.
pub async fn json_or_form<T: serde::de::DeserializeOwned>(
    req: &actix_web::HttpRequest,
    payload: actix_web::web::Payload,
    data_missing: (&'static str, &'static str),
) -> ApiResult<(T, Vec<UploadedFile>)> {
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (bytes, files, field) = if content_type.starts_with("multipart/form-data") {
        let form = read_form(
            Multipart::new(req.headers(), payload),
            Limits::ATTACHMENTS,
            &["files", "file"],
        )
        .await?;
        let data = form
            .data
            .ok_or_else(|| ApiError::invalid("data", data_missing.0, data_missing.1))?;
        (data, form.files, "data")
    } else if content_type.starts_with("application/json") {
        (read_json(payload).await?, Vec::new(), "body")
    } else {
        return Err(ApiError::UnsupportedMediaType(Message::new(
            "Inviare application/json o multipart/form-data",
            "Send application/json or multipart/form-data",
        )));
    };
    let body = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::invalid(
            field,
            format!("Dati non validi: {e}"),
            format!("Invalid data: {e}"),
        )
    })?;
    Ok((body, files))
}

async fn read_json(mut payload: actix_web::web::Payload) -> ApiResult<Vec<u8>> {
    let mut out = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request(
                format!("Richiesta interrotta: {e}"),
                format!("Request interrupted: {e}"),
            )
        })?;
        if out.len() + chunk.len() > JSON_LIMIT {
            return Err(ApiError::PayloadTooLarge(Message::new(
                "Il contenuto JSON supera i 256 KB",
                "The JSON body exceeds 256 KB",
            )));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// File types accepted from citizens and operators, recognised by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

impl FileKind {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }
}

/// One uploaded file, already checked.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    pub field: String,
    pub filename: String,
    pub kind: FileKind,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// The parts of a multipart form: the `data` JSON part and the files.
#[derive(Debug, Default)]
pub struct Form {
    pub data: Option<Vec<u8>>,
    pub files: Vec<UploadedFile>,
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: usize,
    pub max_files: usize,
    pub max_json_bytes: usize,
}

impl Limits {
    pub const DOCUMENT: Limits = Limits {
        max_file_bytes: 10 * 1024 * 1024,
        max_files: 1,
        max_json_bytes: 64 * 1024,
    };
    pub const ATTACHMENTS: Limits = Limits {
        max_file_bytes: 10 * 1024 * 1024,
        max_files: 5,
        max_json_bytes: 64 * 1024,
    };
}

fn too_large(limit: usize) -> ApiError {
    let mb = limit / (1024 * 1024);
    ApiError::PayloadTooLarge(Message::new(
        format!("Il file supera la dimensione massima di {mb} MB"),
        format!("The file exceeds the maximum size of {mb} MB"),
    ))
}

/// Reads a multipart body, refusing oversized parts as soon as they cross the limit and
/// files that are not PDF, JPEG or PNG (whatever their name or declared type says).
pub async fn read_form(
    mut payload: Multipart,
    limits: Limits,
    file_fields: &[&'static str],
) -> ApiResult<Form> {
    let mut form = Form::default();
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| {
            ApiError::bad_request(
                format!("Modulo non valido: {e}"),
                format!("Invalid form: {e}"),
            )
        })?;
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(sanitize_filename);
        let is_file = file_fields.contains(&name.as_str());
        let limit = if is_file {
            limits.max_file_bytes
        } else {
            limits.max_json_bytes
        };
        if is_file && form.files.len() >= limits.max_files {
            return Err(ApiError::bad_request(
                format!("Al massimo {} allegati", limits.max_files),
                format!("At most {} attachments", limits.max_files),
            ));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::bad_request(
                    format!("Caricamento interrotto: {e}"),
                    format!("Upload interrupted: {e}"),
                )
            })?;
            if bytes.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "data" {
            form.data = Some(bytes);
        } else if is_file {
            let field_name: &'static str = file_fields
                .iter()
                .find(|f| **f == name)
                .copied()
                .unwrap_or("file");
            if bytes.is_empty() {
                return Err(ApiError::invalid(
                    field_name,
                    "Il file è vuoto",
                    "The file is empty",
                ));
            }
            let kind = FileKind::sniff(&bytes).ok_or_else(|| {
                ApiError::invalid(
                    field_name,
                    "Formato non ammesso: caricare un file PDF, JPEG o PNG",
                    "Format not allowed: upload a PDF, JPEG or PNG file",
                )
            })?;
            let sha256 = hex_digest(&bytes);
            let filename = filename.unwrap_or_else(|| format!("documento.{}", kind.extension()));
            form.files.push(UploadedFile {
                field: name,
                filename,
                kind,
                bytes,
                sha256,
            });
        }
        // Unknown parts are read and ignored.
    }
    Ok(form)
}

pub fn hex_digest(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Keeps the last path segment, drops control and reserved characters, bounds the length.
pub fn sanitize_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    let bounded: String = trimmed.chars().take(120).collect();
    if bounded.is_empty() {
        "file".to_owned()
    } else {
        bounded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(
            FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(FileKind::Jpeg)
        );
        assert_eq!(
            FileKind::sniff(b"\x89PNG\r\n\x1a\nxxxx"),
            Some(FileKind::Png)
        );
        assert_eq!(FileKind::sniff(b"MZ\x90\x00"), None);
        assert_eq!(FileKind::sniff(b"PK\x03\x04"), None);
        assert_eq!(FileKind::sniff(b""), None);
    }

    #[test]
    fn filenames() {
        assert_eq!(
            sanitize_filename("C:\\Users\\me\\carta identità.pdf"),
            "carta identità.pdf"
        );
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename("..."), "file");
        assert_eq!(sanitize_filename("a<b>\u{0}.pdf"), "ab.pdf");
        assert_eq!(sanitize_filename(&"x".repeat(300)).len(), 120);
    }
}
