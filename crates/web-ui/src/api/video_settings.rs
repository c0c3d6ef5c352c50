//! The tenant's ICE servers for video calls (administrators).

use domain::api::{SaveVideoSettings, VideoSettings};
use gloo_net::http::Method;

use super::{ApiResult, Body, call, get};

pub async fn video_settings() -> ApiResult<VideoSettings> {
    get("/settings/video").await
}

pub async fn save_video_settings(body: &SaveVideoSettings) -> ApiResult<VideoSettings> {
    call(Method::PUT, "/settings/video", Body::json(body)).await
}
