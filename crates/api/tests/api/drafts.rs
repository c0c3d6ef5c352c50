//! Drafts of new requests: saved, listed and deleted by their citizen only, replaced per
//! type, and gone once the request of that type is filed.

use serde_json::{Value, json};

use crate::helpers::*;

async fn delete(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

db_test!(a_draft_is_kept_until_the_request_is_filed);
async fn a_draft_is_kept_until_the_request_is_filed(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let (_, bruno) = app.citizen(CF_B, "bruno@example.it", &op).await;

    // Incomplete is fine: an empty description and an unfinished field.
    let body =
        json!({"subject": "Bidone rotto", "description": "", "fields": {"servizio": "raccolta"}});
    let res = app
        .put_json("/me/drafts/tari_reclamo", Some(&anna), &body)
        .await;
    assert_eq!(res.status(), 200);
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["type_code"], "tari_reclamo");
    assert_eq!(saved["fields"]["servizio"], "raccolta");
    assert!(saved["updated_at"].is_string());

    // Saving again replaces it: still one draft of the type.
    let body =
        json!({"subject": "Bidone rotto da giorni", "fields": {"codice_utenza": "UT-00042"}});
    let res = app
        .put_json("/me/drafts/tari_reclamo", Some(&anna), &body)
        .await;
    assert_eq!(res.status(), 200);
    let list: Value = app
        .get("/me/drafts", Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["subject"], "Bidone rotto da giorni");
    assert_eq!(list[0]["description"], "");
    assert_eq!(list[0]["fields"], json!({"codice_utenza": "UT-00042"}));

    // Another citizen sees only their own, and cannot delete Anna's.
    let theirs: Value = app
        .get("/me/drafts", Some(&bruno))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs, json!([]));
    assert_eq!(
        delete(&app, "/me/drafts/tari_reclamo", &bruno)
            .await
            .status(),
        404
    );

    // Staff have none, and an unknown type has no draft.
    assert_eq!(app.get("/me/drafts", Some(&op)).await.status(), 403);
    let res = app
        .put_json("/me/drafts/non_esiste", Some(&anna), &json!({}))
        .await;
    assert_eq!(res.status(), 404);

    // Filing a request deletes the draft of its type only.
    let res = app
        .put_json(
            "/me/drafts/tari_rettifica",
            Some(&anna),
            &json!({"subject": "Metri quadri"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .post_json(
            "/requests",
            Some(&anna),
            &json!({
                "type": "tari_reclamo",
                "subject": "Mancata raccolta dell'umido",
                "description": "Da due settimane l'umido non viene raccolto.",
                "fields": {"servizio": "raccolta", "codice_utenza": "UT-00042"}
            }),
        )
        .await;
    assert_eq!(res.status(), 201);
    let list: Value = app
        .get("/me/drafts", Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    let types: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["type_code"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["tari_rettifica"]);

    // Deleting: 204, then 404.
    assert_eq!(
        delete(&app, "/me/drafts/tari_rettifica", &anna)
            .await
            .status(),
        204
    );
    assert_eq!(
        delete(&app, "/me/drafts/tari_rettifica", &anna)
            .await
            .status(),
        404
    );
    let list: Value = app
        .get("/me/drafts", Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([]));
}
