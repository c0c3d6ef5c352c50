//! The platform's tenants (platform administrators).

use domain::api::{CreateTenant, CreatedTenant, PlatformTenant, UpdateTenant};
use gloo_net::http::Method;

use super::{ApiResult, Body, call, enc, get};

pub async fn platform_tenants() -> ApiResult<Vec<PlatformTenant>> {
    get("/platform/tenants").await
}

pub async fn create_tenant(body: &CreateTenant) -> ApiResult<CreatedTenant> {
    call(Method::POST, "/platform/tenants", Body::json(body)).await
}

pub async fn update_tenant(id: &str, body: &UpdateTenant) -> ApiResult<PlatformTenant> {
    call(
        Method::PATCH,
        &format!("/platform/tenants/{}", enc(id)),
        Body::json(body),
    )
    .await
}
