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

/// What OpenAPI 3.1 and client generators require of every operation: a description on
/// each response, a unique `operationId`, a tag and a summary.
#[test]
fn every_operation_is_described_and_named_once() {
    let spec = serde_json::to_value(api::startup::openapi_spec()).unwrap();
    let mut ids = std::collections::BTreeMap::new();
    let mut problems = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(responses) = op["responses"].as_object() else {
                continue;
            };
            let name = format!("{} {path}", method.to_uppercase());
            for (status, response) in responses {
                if response["description"].as_str().is_none_or(str::is_empty) {
                    problems.push(format!("{name}: response {status} has no description"));
                }
            }
            match op["operationId"].as_str() {
                Some(id) => {
                    if let Some(other) = ids.insert(id.to_owned(), name.clone()) {
                        problems.push(format!("{name}: operationId {id} also names {other}"));
                    }
                }
                None => problems.push(format!("{name}: no operationId")),
            }
            if op["summary"].as_str().is_none_or(str::is_empty) {
                problems.push(format!("{name}: no summary"));
            }
            if op["tags"].as_array().is_none_or(Vec::is_empty) {
                problems.push(format!("{name}: no tag"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The main request bodies carry an example a developer can send as it is.
    for (path, media) in [
        ("/api/v1/auth/login", "application/json"),
        ("/api/v1/auth/register", "multipart/form-data"),
        ("/api/v1/requests", "application/json"),
    ] {
        let example = &spec["paths"][path]["post"]["requestBody"]["content"][media]["example"];
        assert!(example.is_object(), "POST {path} has no example");
    }
}
