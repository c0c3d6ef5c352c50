//! The citizen's side of a request: the receipt of the filing as a PDF and the rating of
//! the answer.

use serde_json::{Value, json};

use crate::account::pdf_text;
use crate::helpers::*;

fn reclamo() -> Value {
    json!({
        "type": "tari_reclamo",
        "subject": "Mancata raccolta dell'umido",
        "description": "Da due settimane l'umido non viene raccolto in via Roma.",
        "fields": {"servizio": "raccolta", "codice_utenza": "UT-00042"}
    })
}

db_test!(the_receipt_holds_what_was_filed);
async fn the_receipt_holds_what_was_filed(app: TestApp) {
    let tributi = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&tributi]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let (_, bruno) = app.citizen(CF_B, "bruno@example.it", &op).await;
    let created: Value = app
        .post_json("/requests", Some(&anna), &reclamo())
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let protocol = created["protocol_number"].as_str().unwrap();
    let path = format!("/requests/{id}/receipt.pdf");

    let res = app.get(&path, Some(&anna)).await;
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains(&format!("ricevuta-{}.pdf", protocol.replace('/', "-"))),
        "{disposition}"
    );
    if let Some(text) = pdf_text(&app, &path, &anna).await {
        for expected in [
            "Ricevuta di presentazione",
            protocol,
            "Reclamo",
            "Mancata raccolta dell'umido",
            "Da due settimane l'umido non viene raccolto",
            // The form's fields by their labels, a select by its option's label.
            "Codice utenza",
            "UT-00042",
            "Raccolta e trasporto",
            "Termine di risposta",
            "Nessun allegato",
        ] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
    }
    // The staff read it as they read the request; another citizen does not find it.
    assert_eq!(app.get(&path, Some(&op)).await.status(), 200);
    assert_eq!(app.get(&path, Some(&bruno)).await.status(), 404);
    assert_eq!(app.get(&path, None).await.status(), 401);
}

db_test!(the_citizen_rates_a_concluded_request_once);
async fn the_citizen_rates_a_concluded_request_once(app: TestApp) {
    let tributi = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&tributi]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let created: Value = app
        .post_json("/requests", Some(&anna), &reclamo())
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let path = format!("/requests/{id}/rating");
    let good =
        json!({"stars": 4, "aspects": ["clear", "complete"], "details": " Risposta rapida "});

    // Not yet: the request is open.
    assert_eq!(app.post_json(&path, Some(&anna), &good).await.status(), 409);
    for action in [
        json!({"action": "take"}),
        json!({"action": "resolve", "note": "Raccolta ripristinata da lunedì."}),
    ] {
        let res = app
            .post_json(&format!("/requests/{id}/transitions"), Some(&op), &action)
            .await;
        assert_eq!(res.status(), 200);
    }
    let none: Value = app.get(&path, Some(&anna)).await.json().await.unwrap();
    assert_eq!(none, Value::Null);
    // Staff may read the rating but not give it.
    assert_eq!(app.post_json(&path, Some(&op), &good).await.status(), 403);

    let res = app.post_json(&path, Some(&anna), &good).await;
    assert_eq!(res.status(), 201);
    let stored: Value = res.json().await.unwrap();
    assert_eq!(
        stored,
        json!({"stars": 4, "aspects": ["clear", "complete"], "details": "Risposta rapida"})
    );
    let read: Value = app.get(&path, Some(&op)).await.json().await.unwrap();
    assert_eq!(read, stored);
    // Once per request: a second rating changes nothing.
    let again = json!({"stars": 1, "aspects": ["lost"]});
    assert_eq!(
        app.post_json(&path, Some(&anna), &again).await.status(),
        409
    );
    let read: Value = app.get(&path, Some(&anna)).await.json().await.unwrap();
    assert_eq!(read["stars"], 4);
}
