//! The committed contract (`openapi/openapi.json`) must equal what the server generates.
//! Regenerate with `UPDATE_OPENAPI=1 cargo test -p api --test api openapi`.

use crate::helpers::*;

#[test]
fn committed_spec_matches_the_code() {
    let generated = api::startup::openapi_spec().to_pretty_json().unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test -p api --test api openapi` and commit it"
    );
}

#[tokio::test]
async fn served_spec_is_the_generated_one_and_docs_are_offline() {
    let app = spawn_app(Backend::Sqlite).await;
    let served: serde_json::Value = app.get("/openapi.json", None).await.json().await.unwrap();
    let generated: serde_json::Value = serde_json::to_value(api::startup::openapi_spec()).unwrap();
    assert_eq!(served, generated);
    assert!(served["paths"]["/api/v1/requests"]["post"].is_object());
    // The reference page and its assets come from this server, not a CDN.
    let page = app
        .client
        .get(format!("{}/api/docs/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(!html.contains("https://"), "docs page loads remote assets");
}

/// The contract names each coded enum's values by the codes the server writes on the wire.
#[test]
fn coded_enums_are_described_by_their_codes() {
    use domain::delivery::{
        DeliveryChannel, DeliveryStatus, MailDirection, MailOutcome, PecReceipt,
    };
    let spec = serde_json::to_value(api::startup::openapi_spec()).unwrap();
    let check = |name: &str, codes: Vec<&str>| {
        let values: Vec<&str> = spec["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not an enum in the spec"))
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(values, codes, "{name}");
    };
    check(
        "DeliveryChannel",
        DeliveryChannel::ALL.iter().map(|v| v.code()).collect(),
    );
    check(
        "DeliveryStatus",
        DeliveryStatus::ALL.iter().map(|v| v.code()).collect(),
    );
    check(
        "MailDirection",
        MailDirection::ALL.iter().map(|v| v.code()).collect(),
    );
    check(
        "MailOutcome",
        MailOutcome::ALL.iter().map(|v| v.code()).collect(),
    );
    check(
        "PecReceipt",
        PecReceipt::ALL.iter().map(|v| v.code()).collect(),
    );
}
