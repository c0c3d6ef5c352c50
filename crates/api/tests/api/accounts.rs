use serde_json::{Value, json};

use crate::helpers::*;

db_test!(registration_is_checked_before_login);
async fn registration_is_checked_before_login(app: TestApp) {
    let operator = app.staff("operatore@comune.test", "operator", &[]);
    assert!(!operator.is_empty());
    let op_token = app.token("operatore@comune.test").await;

    let res = app
        .register(&citizen_data(CF_A, "anna@example.it"), PDF)
        .await;
    assert_eq!(res.status(), 202);
    let reg: Value = res.json().await.unwrap();
    assert_eq!(reg["status"], "pending");
    let id = reg["id"].as_str().unwrap();

    // Pending: a clear "in attesa di verifica" refusal, only with the right password.
    let res = app.login("anna@example.it", PASSWORD).await;
    assert_eq!(res.status(), 403);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("in attesa di verifica"),
        "{problem}"
    );
    assert_eq!(
        app.login("anna@example.it", "wrong-password-1")
            .await
            .status(),
        401
    );

    // The operator sees it, opens the document and approves.
    let list: Value = app
        .get("/registrations?status=pending", Some(&op_token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["fiscal_code"], CF_A);
    let doc = app
        .get(&format!("/registrations/{id}/document"), Some(&op_token))
        .await;
    assert_eq!(doc.status(), 200);
    assert_eq!(doc.headers()["content-type"], "application/pdf");
    assert_eq!(doc.bytes().await.unwrap().as_ref(), PDF);
    let res = app
        .post_json(
            &format!("/registrations/{id}/approve"),
            Some(&op_token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // Twice is a conflict.
    assert_eq!(
        app.post_json(
            &format!("/registrations/{id}/approve"),
            Some(&op_token),
            &json!({})
        )
        .await
        .status(),
        409
    );

    // Login by codice fiscale, lower-case, works; /me answers.
    let res = app.login(&CF_A.to_lowercase(), PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get_all("set-cookie").iter().any(|c| {
        let c = c.to_str().unwrap();
        c.starts_with("sportello_refresh=")
            && c.contains("HttpOnly")
            && c.contains("SameSite=Strict")
    }));
    let token: Value = res.json().await.unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 900);
    let me: Value = app
        .get("/me", token["access_token"].as_str())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "citizen");
    assert_eq!(me["email"], "anna@example.it");

    // A citizen cannot review registrations.
    let res = app
        .get("/registrations", token["access_token"].as_str())
        .await;
    assert_eq!(res.status(), 403);
}

db_test!(registration_input_is_validated);
async fn registration_input_is_validated(app: TestApp) {
    // Every bad field is reported at once, in Italian by default.
    let bad = json!({
        "fiscal_code": "RSSMRA80A01H501X", "first_name": "", "last_name": "Bianchi",
        "email": "non-una-mail", "phone": "12", "password": "corta", "privacy_accepted": false
    });
    let res = app.register(&bad, PDF).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem: Value = res.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "fiscal_code",
        "first_name",
        "email",
        "phone",
        "password",
        "privacy_accepted",
    ] {
        assert!(fields.contains(&f), "{f} missing in {problem}");
    }
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("codice fiscale")
    );

    // English on request.
    let form = reqwest::multipart::Form::new()
        .part("data", reqwest::multipart::Part::text(bad.to_string()))
        .part(
            "identity_document",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("d.pdf"),
        );
    let res = app
        .client
        .post(app.url("/auth/register"))
        .header("Accept-Language", "en")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["title"], "Invalid data");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("tax code")
    );

    // A renamed executable is refused by content, not by name.
    let res = app
        .register(
            &citizen_data(CF_A, "anna@example.it"),
            b"MZ\x90\x00\x03\x00\x00\x00",
        )
        .await;
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "identity_document");

    // Duplicates (same codice fiscale or same e-mail) get the answer a new registration
    // gets, so nobody learns who has an account; nothing is stored and the owner is told.
    let res = app
        .register(&citizen_data(CF_A, "anna@example.it"), PDF)
        .await;
    assert_eq!(res.status(), 202);
    let first: Value = res.json().await.unwrap();
    let rows = |app: &TestApp| {
        use api::db::schema::{registrations, users};
        use diesel::prelude::*;
        app.state
            .db
            .read(|c| {
                Ok::<_, api::error::ApiError>((
                    users::table.count().get_result::<i64>(c)?,
                    registrations::table.count().get_result::<i64>(c)?,
                ))
            })
            .unwrap()
    };
    let before = rows(&app);
    for (cf, email) in [(CF_A, "altra@example.it"), (CF_B, "ANNA@example.it")] {
        let res = app.register(&citizen_data(cf, email), PDF).await;
        assert_eq!(res.status(), 202);
        let again: Value = res.json().await.unwrap();
        assert_eq!(again["status"], first["status"]);
        assert_ne!(again["id"], first["id"]);
        assert_eq!(
            again.as_object().unwrap().keys().collect::<Vec<_>>(),
            first.as_object().unwrap().keys().collect::<Vec<_>>()
        );
    }
    assert_eq!(rows(&app), before);
    // The owner hears of both attempts, by e-mail in Italian.
    api::mail::outbound::expand_due(&app.state).await.unwrap();
    let subjects: Vec<String> = {
        use api::db::schema::deliveries;
        use diesel::prelude::*;
        app.state
            .db
            .read(|c| {
                deliveries::table
                    .filter(deliveries::recipient.eq("anna@example.it"))
                    .select(deliveries::payload)
                    .load::<String>(c)
            })
            .unwrap()
            .iter()
            .map(|p| {
                serde_json::from_str::<Value>(p).unwrap()["subject"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        subjects
            .iter()
            .filter(|s| s.starts_with("Tentativo di registrazione"))
            .count(),
        2,
        "{subjects:?}"
    );
    assert!(
        stored_documents(&app) == 1,
        "a duplicate's document was kept"
    );
}

fn stored_documents(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |rd| {
            rd.flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    walk(&app.state.config.files_dir)
}

db_test!(sessions_refresh_rotate_and_revoke);
async fn sessions_refresh_rotate_and_revoke(app: TestApp) {
    app.staff("admin@comune.test", "admin", &[]);
    let res = app.login("admin@comune.test", PASSWORD).await;
    assert_eq!(res.status(), 200);
    let first_cookie = cookie_value(&res);

    // Refresh with the cookie (the client's cookie store sends it): a new token and cookie.
    let res = app
        .client
        .post(app.url("/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_ne!(cookie_value(&res), first_cookie);
    let token: Value = res.json().await.unwrap();
    assert_eq!(
        app.get("/me", token["access_token"].as_str())
            .await
            .status(),
        200
    );

    // Replaying the first (rotated) cookie is refused and revokes the whole family.
    let plain = reqwest::Client::new();
    let replay = plain
        .post(app.url("/auth/refresh"))
        .header("Cookie", format!("sportello_refresh={first_cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
    assert_eq!(
        app.client
            .post(app.url("/auth/refresh"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // Logout clears the session (begun with a password: no provider to leave for).
    app.login("admin@comune.test", PASSWORD).await;
    let out = app
        .client
        .post(app.url("/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    assert_eq!(
        out.json::<Value>().await.unwrap(),
        json!({"end_session_url": null})
    );
    assert_eq!(
        app.client
            .post(app.url("/auth/refresh"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // No token, a garbage token: 401 problem documents.
    let res = app.get("/me", None).await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert_eq!(app.get("/me", Some("not.a.jwt")).await.status(), 401);
}

db_test!(failed_logins_lock_the_account, |c| c.lockout_after = 5);
async fn failed_logins_lock_the_account(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    for _ in 0..5 {
        assert_eq!(
            app.login("op@comune.test", "wrong-password-1")
                .await
                .status(),
            401
        );
    }
    // Locked for this client: even the right password waits.
    let res = app.login("op@comune.test", PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_problem_json(res).await;
}

fn cookie_value(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find_map(|c| {
            c.strip_prefix("sportello_refresh=")
                .map(|v| v.split(';').next().unwrap_or("").to_owned())
        })
        .expect("refresh cookie")
}

async fn assert_problem_json(res: reqwest::Response) {
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["status"], 429, "{p}");
}
