//! pagoPA's calls: the citizen's notices, Checkout and receipts, and the staff's notices.

use domain::api::{CheckoutSession, Notice, NoticeList, ReceiptList};
use gloo_net::http::Method;

use super::{ApiResult, Body, call, enc, get};

/// A numero avviso in a path: digits only (as the domain parsed it).
fn nav_path(nav: &str) -> String {
    enc(&nav.replace([' ', '-'], ""))
}

pub async fn my_notices() -> ApiResult<NoticeList> {
    get("/me/notices").await
}

/// One of the caller's notices ("Verifica un pagamento"): 404 when not theirs.
pub async fn my_notice(nav: &str) -> ApiResult<Notice> {
    get(&format!("/me/notices/{}", nav_path(nav))).await
}

pub fn my_notice_pdf_url(nav: &str) -> String {
    format!("/me/notices/{}.pdf", nav_path(nav))
}

/// Opens a pagoPA Checkout session; the browser is then sent to its `redirect_url`.
pub async fn checkout(nav: &str) -> ApiResult<CheckoutSession> {
    call(
        Method::POST,
        &format!("/me/notices/{}/checkout", nav_path(nav)),
        Body::Json("{}".to_owned()),
    )
    .await
}

pub async fn my_receipts() -> ApiResult<ReceiptList> {
    get("/me/receipts").await
}

pub fn my_receipt_pdf_url(id: &str) -> String {
    format!("/me/receipts/{}.pdf", enc(id))
}

/// The notices of an act (staff).
pub async fn act_notices(act_id: &str) -> ApiResult<NoticeList> {
    get(&format!("/acts/{}/notices", enc(act_id))).await
}

/// Any notice of the tenant (staff).
pub async fn notice(nav: &str) -> ApiResult<Notice> {
    get(&format!("/notices/{}", nav_path(nav))).await
}

pub fn notice_pdf_url(nav: &str) -> String {
    format!("/notices/{}.pdf", nav_path(nav))
}
