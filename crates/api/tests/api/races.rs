//! Concurrent writers on one row: each decision is taken on the last committed state, and
//! no writer overwrites what another one changed. SQLite serialises writers by design; on
//! PostgreSQL these fail without row locks or conditional writes.

use serde_json::{Value, json};

use crate::helpers::*;

/// Rounds per test: a lost update needs the two writers to interleave, which one round
/// may not produce.
const ROUNDS: usize = 12;

fn reclamo() -> Value {
    json!({
        "type": "tari_reclamo",
        "subject": "Mancata raccolta",
        "description": "Da due settimane l'umido non viene raccolto.",
        "fields": {"servizio": "raccolta"}
    })
}

async fn file(app: &TestApp, token: &str) -> String {
    let res = app.post_json("/requests", Some(token), &reclamo()).await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn act(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    app.post_json(&format!("/requests/{id}/transitions"), Some(token), &body)
        .await
}

db_test!(two_operators_taking_one_request_one_wins);
async fn two_operators_taking_one_request_one_wins(app: TestApp) {
    let office = app.office("Ufficio Tributi");
    let olga_id = app.staff("olga@comune.test", "operator", &[&office]);
    let ugo_id = app.staff("ugo@comune.test", "operator", &[&office]);
    let olga = app.token("olga@comune.test").await;
    let ugo = app.token("ugo@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &olga).await;
    for _ in 0..ROUNDS {
        let id = file(&app, &anna).await;
        let (a, b) = tokio::join!(
            act(&app, &olga, &id, json!({"action": "take"})),
            act(&app, &ugo, &id, json!({"action": "take"})),
        );
        let mut codes = [a.status().as_u16(), b.status().as_u16()];
        codes.sort_unstable();
        assert_eq!(codes, [200, 409], "exactly one take succeeds");
        let view: Value = app
            .get(&format!("/requests/{id}"), Some(&olga))
            .await
            .json()
            .await
            .unwrap();
        let history: Value = app
            .get(&format!("/requests/{id}/transitions"), Some(&olga))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(history.as_array().unwrap().len(), 1);
        let winner = if a.status() == 200 { &olga_id } else { &ugo_id };
        assert_eq!(view["assignee"]["id"], winner.as_str());
        assert_eq!(view["status"], "in_progress");
    }
}

db_test!(a_reply_during_a_transition_keeps_the_reply_flag);
async fn a_reply_during_a_transition_keeps_the_reply_flag(app: TestApp) {
    let tributi = app.office("Ufficio Tributi");
    let tecnico = app.office("Ufficio Tecnico");
    app.staff("olga@comune.test", "operator", &[&tributi, &tecnico]);
    app.staff("sara@comune.test", "supervisor", &[&tributi]);
    let olga = app.token("olga@comune.test").await;
    let sara = app.token("sara@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &olga).await;
    for round in 0..ROUNDS {
        let id = file(&app, &anna).await;
        assert_eq!(
            act(&app, &olga, &id, json!({"action": "take"}))
                .await
                .status(),
            200
        );
        let office = if round % 2 == 0 { &tecnico } else { &tributi };
        let reply_path = format!("/requests/{id}/messages");
        let reply_body =
            json!({"body": "Abbiamo segnalato il problema al gestore.", "internal": false});
        let (reply, moved) = tokio::join!(
            app.post_json(&reply_path, Some(&olga), &reply_body),
            act(
                &app,
                &sara,
                &id,
                json!({"action": "assign", "office_id": office})
            ),
        );
        assert_eq!(reply.status(), 201);
        assert_eq!(moved.status(), 200);
        // The written reply counts: resolving without another note is accepted.
        assert_eq!(
            act(&app, &sara, &id, json!({"action": "take"}))
                .await
                .status(),
            200
        );
        let res = act(&app, &sara, &id, json!({"action": "resolve"})).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
}

db_test!(approve_and_reject_one_registration_one_wins);
async fn approve_and_reject_one_registration_one_wins(app: TestApp) {
    let office = app.office("Ufficio Tributi");
    app.staff("olga@comune.test", "operator", &[&office]);
    app.staff("ugo@comune.test", "operator", &[&office]);
    let olga = app.token("olga@comune.test").await;
    let ugo = app.token("ugo@comune.test").await;
    let codes = [CF_A, CF_B, CF_C];
    for (n, cf) in codes.iter().enumerate() {
        let res = app
            .register(&citizen_data(cf, &format!("c{n}@example.it")), PDF)
            .await;
        assert_eq!(res.status(), 202);
        let id = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (approve_path, reject_path) = (
            format!("/registrations/{id}/approve"),
            format!("/registrations/{id}/reject"),
        );
        let (empty, reason) = (json!({}), json!({"reason": "Documento illeggibile"}));
        let (approve, reject) = tokio::join!(
            app.post_json(&approve_path, Some(&olga), &empty),
            app.post_json(&reject_path, Some(&ugo), &reason),
        );
        let mut got = [approve.status().as_u16(), reject.status().as_u16()];
        got.sort_unstable();
        assert_eq!(got, [200, 409]);
        let reg: Value = app
            .get(&format!("/registrations/{id}"), Some(&olga))
            .await
            .json()
            .await
            .unwrap();
        let expected = if approve.status() == 200 {
            "approved"
        } else {
            "rejected"
        };
        assert_eq!(reg["status"], expected);
        // The account follows the registration that won.
        let login = app.login(&format!("c{n}@example.it"), PASSWORD).await;
        assert_eq!(login.status() == 200, expected == "approved");
    }
}
