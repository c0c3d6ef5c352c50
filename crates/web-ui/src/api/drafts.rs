//! The citizen's drafts of new requests (`/me/drafts`).

use domain::api::{Draft, SaveDraft};
use gloo_net::http::Method;

use super::{ApiResult, Body, call, enc, get};

pub async fn drafts() -> ApiResult<Vec<Draft>> {
    get("/me/drafts").await
}

pub async fn save_draft(type_code: &str, body: &SaveDraft) -> ApiResult<Draft> {
    call(
        Method::PUT,
        &format!("/me/drafts/{}", enc(type_code)),
        Body::json(body),
    )
    .await
}

pub async fn delete_draft(type_code: &str) -> ApiResult<()> {
    call(
        Method::DELETE,
        &format!("/me/drafts/{}", enc(type_code)),
        Body::Empty,
    )
    .await
}
