//! Reconciliation of pagoPA payments (staff): flows, their reports, the bank line, the
//! receipts no flow reports.

use domain::api::{
    FetchResult, MissingReceiptList, Page, ReconciliationFlow, ReconciliationReport, RecordBankLine,
};
use gloo_net::http::Method;

use super::{ApiResult, Body, call, enc, get, js_err};

pub async fn upload_flow(file: &web_sys::File) -> ApiResult<ReconciliationReport> {
    let form = web_sys::FormData::new().map_err(js_err)?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(js_err)?;
    crate::upload::send("/reconciliation/flows", &form, |_| {}).await
}

pub async fn flows() -> ApiResult<Page<ReconciliationFlow>> {
    get("/reconciliation/flows?limit=50").await
}

pub async fn flow_report(id: &str) -> ApiResult<ReconciliationReport> {
    get(&format!("/reconciliation/flows/{}", enc(id))).await
}

pub fn flow_csv_url(id: &str) -> String {
    format!("/reconciliation/flows/{}.csv", enc(id))
}

pub async fn record_bank_line(id: &str, body: &RecordBankLine) -> ApiResult<ReconciliationReport> {
    call(
        Method::POST,
        &format!("/reconciliation/flows/{}/bank", enc(id)),
        Body::json(body),
    )
    .await
}

pub async fn missing_receipts() -> ApiResult<MissingReceiptList> {
    get("/reconciliation/missing").await
}

pub async fn fetch_flows() -> ApiResult<FetchResult> {
    call(Method::POST, "/reconciliation/fetch", Body::Empty).await
}
