//! Serves the built SPA with fallback to `index.html` for client-side routes, and answers
//! unknown `/api/…` paths with a problem document instead of the app.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, Responder, web};

use crate::error::ApiError;
use crate::state::AppState;

pub async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let path = req.path();
    if path.starts_with("/api/") || path == "/api" {
        return Err(ApiError::NotFound.into());
    }
    if !matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    ) {
        return Ok(HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, HEAD"))
            .finish());
    }
    let root = &state.config.web_dir;
    if let Some(file) = safe_join(root, path).filter(|p| p.is_file()) {
        // `?v=<content hash>` (written by scripts/build-web.sh) names one version forever.
        let cache = if req.query_string().split('&').any(|kv| kv.starts_with("v=")) {
            IMMUTABLE
        } else if file.extension().is_some_and(|e| e == "woff2") {
            "public, max-age=3600"
        } else {
            NO_CACHE
        };
        return file_response(&req, &file, cache);
    }
    let index = root.join("index.html");
    if index.is_file() {
        return file_response(&req, &index, NO_CACHE);
    }
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
        "<!doctype html><html lang=\"it\"><meta charset=\"utf-8\"><title>Sportello</title>\
         <h1>Sportello</h1><p>L'interfaccia web non è stata compilata: eseguire <code>scripts/build-web.sh</code>. \
         L'API è disponibile su <a href=\"/api/docs/\">/api/docs</a>.</p></html>",
    ))
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

/// Answers with `file`, or with the brotli or gzip sibling (`file.br`, `file.gz`, made by
/// `scripts/build-web.sh`) that the request's `Accept-Encoding` prefers, labelled with its
/// `Content-Encoding` (so the `Compress` middleware leaves it alone) and the type of `file`.
/// Conditional requests, ranges and HEAD work on whichever representation is chosen.
fn file_response(
    req: &HttpRequest,
    file: &Path,
    cache: &'static str,
) -> actix_web::Result<HttpResponse> {
    let sibling = |ext: &str| {
        let mut name = file.as_os_str().to_owned();
        name.push(ext);
        Some(PathBuf::from(name)).filter(|p| p.is_file())
    };
    let (br, gz) = (sibling(".br"), sibling(".gz"));
    let available: Vec<Encoding> = [
        br.as_ref().map(|_| Encoding::brotli()),
        gz.as_ref().map(|_| Encoding::gzip()),
        Some(Encoding::identity()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let chosen = req
        .get_header::<AcceptEncoding>()
        .and_then(|accept| accept.negotiate(available.iter()));
    let named = match (chosen, br, gz) {
        (Some(e), Some(br), _) if e == Encoding::brotli() => {
            NamedFile::open(br)?.set_content_encoding(ContentEncoding::Brotli)
        }
        (Some(e), _, Some(gz)) if e == Encoding::gzip() => {
            NamedFile::open(gz)?.set_content_encoding(ContentEncoding::Gzip)
        }
        _ => NamedFile::open(file)?,
    };
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    let mut res = named
        .set_content_type(actix_files::file_extension_to_mime(ext))
        .disable_content_disposition()
        .use_etag(true)
        .respond_to(req)
        .map_into_boxed_body();
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if available.len() > 1 {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    Ok(res)
}

/// Joins a URL path under `root`, refusing anything that would leave it.
fn safe_join(root: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = Path::new(url_path.trim_start_matches('/'));
    if rel.as_os_str().is_empty() {
        return None;
    }
    rel.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| root.join(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_safely() {
        let root = Path::new("/srv/dist");
        assert_eq!(
            safe_join(root, "/app.js"),
            Some(PathBuf::from("/srv/dist/app.js"))
        );
        assert_eq!(safe_join(root, "/../etc/passwd"), None);
        assert_eq!(safe_join(root, "/"), None);
        assert_eq!(safe_join(root, "/fonts/../../x"), None);
    }
}
