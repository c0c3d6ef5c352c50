//! Serves the built SPA with fallback to `index.html` for client-side routes, and answers
//! unknown `/api/…` paths with a problem document instead of the app.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, Responder, web};

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
        let long_lived = file
            .extension()
            .is_some_and(|e| e == "wasm" || e == "js" || e == "css" || e == "woff2" || e == "svg");
        let mut res = NamedFile::open(&file)?
            .use_etag(true)
            .respond_to(&req)
            .map_into_boxed_body();
        if long_lived {
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("public, max-age=3600"),
            );
        }
        return Ok(res);
    }
    let index = root.join("index.html");
    if index.is_file() {
        let mut res = NamedFile::open(index)?
            .respond_to(&req)
            .map_into_boxed_body();
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_str(&CacheControl(vec![CacheDirective::NoCache]).to_string())
                .unwrap_or(header::HeaderValue::from_static("no-cache")),
        );
        return Ok(res);
    }
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
        "<!doctype html><html lang=\"it\"><meta charset=\"utf-8\"><title>Sportello</title>\
         <h1>Sportello</h1><p>L'interfaccia web non è stata compilata: eseguire <code>scripts/build-web.sh</code>. \
         L'API è disponibile su <a href=\"/api/docs/\">/api/docs</a>.</p></html>",
    ))
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
