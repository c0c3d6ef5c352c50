//! Multipart uploads through `XMLHttpRequest`, the one browser API that reports upload
//! progress (`fetch` does not). Same auth rules as [`crate::api`]: bearer token, one
//! refresh-and-retry on 401.

use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

use crate::api::{self, ApiError, ApiResult};

/// Posts `form` to `path` (under `/api/v1`); `on_progress` gets 0.0–1.0.
pub async fn send<T: DeserializeOwned>(
    path: &str,
    form: &FormData,
    on_progress: impl Fn(f64) + 'static,
) -> ApiResult<T> {
    let body = send_text(path, form, std::rc::Rc::new(on_progress)).await?;
    let body = if body.trim().is_empty() {
        "null"
    } else {
        &body
    };
    serde_json::from_str(body).map_err(|e| ApiError::Decode(e.to_string()))
}

/// [`send`] up to the text of a successful answer; not generic, so compiled once.
async fn send_text(
    path: &str,
    form: &FormData,
    on_progress: std::rc::Rc<dyn Fn(f64)>,
) -> ApiResult<String> {
    let (status, status_text, body) = send_once(path, form, on_progress.clone()).await?;
    let (status, status_text, body) = if status == 401 && api::refresh().await {
        let retried = send_once(path, form, on_progress).await?;
        if retried.0 == 401 {
            api::session_lost();
        }
        retried
    } else {
        (status, status_text, body)
    };
    if (200..300).contains(&status) {
        Ok(body)
    } else {
        Err(api::problem_from(status, &status_text, &body))
    }
}

async fn send_once(
    path: &str,
    form: &FormData,
    on_progress: std::rc::Rc<dyn Fn(f64)>,
) -> ApiResult<(u16, String, String)> {
    let xhr = XmlHttpRequest::new().map_err(api::js_err)?;
    xhr.open_with_async("POST", &format!("{}{path}", api::BASE), true)
        .map_err(api::js_err)?;
    xhr.set_request_header("Accept", "application/json, application/problem+json")
        .map_err(api::js_err)?;
    xhr.set_request_header("Accept-Language", api::lang_tag())
        .map_err(api::js_err)?;
    if let Some(token) = api::token() {
        xhr.set_request_header("Authorization", &format!("Bearer {token}"))
            .map_err(api::js_err)?;
    }

    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            on_progress(ev.loaded() / ev.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }

    // Resolve on load, reject on network error or abort.
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
    });
    xhr.send_with_opt_form_data(Some(form))
        .map_err(api::js_err)?;
    let result = wasm_bindgen_futures::JsFuture::from(done).await;
    // The closure must live until the request is over.
    drop(progress);
    result.map_err(|_| ApiError::Network("upload failed".into()))?;

    let status = xhr.status().map_err(api::js_err)?;
    let status_text = xhr.status_text().unwrap_or_default();
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    Ok((status, status_text, body))
}
