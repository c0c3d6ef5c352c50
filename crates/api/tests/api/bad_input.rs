//! The catalogue of bad input: every one gets a 4xx problem document with a useful message,
//! and nothing is half-stored.

use serde_json::{Value, json};

use crate::helpers::*;

/// Row counts of the tables a bad request could touch.
fn counts(app: &TestApp) -> Vec<i64> {
    use api::db::schema::{attachments, messages, registrations, requests, users};
    use diesel::prelude::*;
    app.state
        .db
        .read(|c| {
            Ok::<_, api::error::ApiError>(vec![
                requests::table.count().get_result::<i64>(c)?,
                users::table.count().get_result::<i64>(c)?,
                registrations::table.count().get_result::<i64>(c)?,
                messages::table.count().get_result::<i64>(c)?,
                attachments::table.count().get_result::<i64>(c)?,
            ])
        })
        .unwrap()
}

async fn assert_problem(res: reqwest::Response, status: u16, what: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "{what}");
    assert_eq!(
        res.headers()["content-type"],
        "application/problem+json",
        "{what}"
    );
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["status"], status, "{what}");
    assert!(
        p["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{what}: {p}"
    );
    assert!(
        p["detail"].as_str().is_some_and(|d| !d.is_empty())
            || !p["errors"].as_array().unwrap().is_empty(),
        "{what}: {p}"
    );
    p
}

async fn register_with(app: &TestApp, file: Vec<u8>, name: &str) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .part(
            "data",
            reqwest::multipart::Part::text(citizen_data(CF_C, "laura@example.it").to_string()),
        )
        .part(
            "identity_document",
            reqwest::multipart::Part::bytes(file)
                .file_name(name.to_owned())
                .mime_str("application/pdf")
                .unwrap(),
        );
    app.client
        .post(app.url("/auth/register"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

db_test!(bad_uploads_are_refused);
async fn bad_uploads_are_refused(app: TestApp) {
    let before = counts(&app);
    // An executable renamed .pdf, a zip bomb's header, an empty file, 11 MB of PDF.
    let cases: Vec<(Vec<u8>, &str, u16, &str)> = vec![
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec(),
            "documento.pdf",
            422,
            "exe renamed pdf",
        ),
        (
            [b"PK\x03\x04".as_slice(), &[0u8; 64]].concat(),
            "bomba.zip.pdf",
            422,
            "zip",
        ),
        (Vec::new(), "vuoto.pdf", 422, "empty file"),
        (
            [b"%PDF-1.4\n".as_slice(), &vec![b'x'; 11 * 1024 * 1024]].concat(),
            "grande.pdf",
            413,
            "11 MB",
        ),
    ];
    for (bytes, name, status, what) in cases {
        let p = assert_problem(register_with(&app, bytes, name).await, status, what).await;
        if status == 422 {
            assert_eq!(p["errors"][0]["field"], "identity_document", "{what}");
        }
    }
    assert_eq!(counts(&app), before, "a refused upload left rows behind");
    // Nor files: the storage folder holds no registration documents.
    let dir = app.state.config.files_dir.clone();
    let stored = walk(&dir);
    assert!(stored.is_empty(), "files left behind: {stored:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return vec![];
    };
    rd.flatten()
        .flat_map(|e| {
            if e.path().is_dir() {
                walk(&e.path())
            } else {
                vec![e.path()]
            }
        })
        .collect()
}

db_test!(malformed_fields_and_bodies);
async fn malformed_fields_and_bodies(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let before = counts(&app);
    let ok = json!({"type": "tari_reclamo", "subject": "Oggetto", "description": "Descrizione", "fields": {"servizio": "raccolta"}});
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    let bad_bodies: Vec<(Value, &str)> = vec![
        (with("subject", json!("")), "subject"),
        (with("subject", json!("x".repeat(201))), "subject"),
        (with("subject", json!("riga\u{0}nulla")), "subject"),
        (with("description", json!("x".repeat(4001))), "description"),
        (with("type", json!("non_esiste")), "type"),
        (
            with("fields", json!({"servizio": "fantasia"})),
            "fields.servizio",
        ),
        (
            with("fields", json!({"campo_ignoto": 1})),
            "fields.campo_ignoto",
        ),
        (
            with("received_at", json!("2026-01-01T00:00:00Z")),
            "received_at",
        ),
        (with("channel", json!("pec")), "channel"),
    ];
    for (body, field) in bad_bodies {
        let p = assert_problem(
            app.post_json("/requests", Some(&anna), &body).await,
            422,
            field,
        )
        .await;
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{field} not reported: {p}");
        assert!(!p["errors"][0]["message"].as_str().unwrap().is_empty());
    }
    // Wrong JSON types and shapes.
    for body in [
        json!({"type": 5}),
        json!([1, 2]),
        json!("testo"),
        with("fields", json!([1])),
    ] {
        assert_problem(
            app.post_json("/requests", Some(&anna), &body).await,
            422,
            &body.to_string(),
        )
        .await;
    }
    // Broken JSON, wrong content type, 10 MB of JSON, deep nesting.
    let raw = |body: Vec<u8>, ct: &'static str| {
        app.client
            .post(app.url("/requests"))
            .bearer_auth(&anna)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    assert_problem(
        raw(b"{\"type\": ".to_vec(), "application/json")
            .await
            .unwrap(),
        422,
        "truncated json",
    )
    .await;
    assert_problem(
        raw(ok.to_string().into_bytes(), "text/plain")
            .await
            .unwrap(),
        415,
        "text/plain",
    )
    .await;
    let huge = format!(
        "{{\"type\":\"tari_reclamo\",\"subject\":\"x\",\"description\":\"{}\"}}",
        "a".repeat(10 * 1024 * 1024)
    );
    assert_problem(
        raw(huge.into_bytes(), "application/json").await.unwrap(),
        413,
        "10 MB json",
    )
    .await;
    let deep = format!(
        "{{\"type\":\"tari_reclamo\",\"subject\":\"x\",\"description\":\"y\",\"fields\":{{\"a\":{}{}}}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let res = raw(deep.into_bytes(), "application/json").await.unwrap();
    assert!(
        res.status().is_client_error(),
        "deep nesting: {}",
        res.status()
    );
    // Bad query strings and periods.
    assert_problem(
        app.get("/registry?from=ieri", Some(&op)).await,
        400,
        "bad date",
    )
    .await;
    assert_problem(
        app.get("/registry?from=2026-12-31&to=2026-01-01", Some(&op))
            .await,
        422,
        "reversed period",
    )
    .await;
    assert_problem(
        app.get("/requests?status=volata", Some(&op)).await,
        422,
        "unknown status",
    )
    .await;
    assert_problem(
        app.get("/requests?sort=caso", Some(&op)).await,
        422,
        "unknown sort",
    )
    .await;
    assert_eq!(counts(&app), before, "a refused request left rows behind");
}

db_test!(linking_a_sender_checks_citizen_and_request);
async fn linking_a_sender_checks_citizen_and_request(app: TestApp) {
    use api::db::schema::requests;
    use diesel::prelude::*;
    let op_id = app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (anna_id, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let (_, bruno) = app.citizen(CF_B, "bruno@example.it", &op).await;
    let body = json!({"type": "tari_reclamo", "subject": "Oggetto", "description": "Descrizione", "fields": {"servizio": "raccolta"}});
    let file = |token: String| {
        let app = &app;
        let body = body.clone();
        async move {
            app.post_json("/requests", Some(&token), &body)
                .await
                .json::<Value>()
                .await
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let unverified = file(anna.clone()).await;
    let hers = file(anna.clone()).await;
    let his = file(bruno.clone()).await;
    // As an unverified mail would have been filed (mail itself is in the mail tests).
    app.state
        .db
        .write_tx(|c| {
            diesel::update(requests::table.find(&unverified))
                .set(requests::sender_unverified.eq(true))
                .execute(c)
        })
        .unwrap();
    let before = counts(&app);
    let url = format!("/requests/{unverified}/sender");
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"citizen_id": "00000000-0000-7000-8000-000000000000"}),
            "citizen_id",
        ),
        (json!({"citizen_id": op_id}), "citizen_id"),
        (
            json!({"citizen_id": anna_id, "merge_into": his}),
            "merge_into",
        ),
        (
            json!({"citizen_id": anna_id, "merge_into": unverified}),
            "merge_into",
        ),
        (
            json!({"citizen_id": anna_id, "merge_into": "nessuna"}),
            "merge_into",
        ),
    ];
    for (body, field) in cases {
        let p = assert_problem(app.post_json(&url, Some(&op), &body).await, 422, field).await;
        assert_eq!(p["errors"][0]["field"], field, "{p}");
        assert!(!p["errors"][0]["message"].as_str().unwrap().is_empty());
    }
    for body in [json!({}), json!({"citizen_id": 5}), json!("testo")] {
        assert_problem(
            app.post_json(&url, Some(&op), &body).await,
            422,
            &body.to_string(),
        )
        .await;
    }
    assert_problem(
        app.post_json(
            &format!("/requests/{hers}/sender"),
            Some(&op),
            &json!({"citizen_id": anna_id}),
        )
        .await,
        409,
        "a verified request",
    )
    .await;
    assert_eq!(counts(&app), before, "a refused link left rows behind");
}

db_test!(mailbox_authentication_settings);
async fn mailbox_authentication_settings(app: TestApp) {
    app.staff("admin@comune.test", "admin", &[]);
    let admin = app.token("admin@comune.test").await;
    let ca = include_str!("../fixtures/pec/ca.pem");
    let pec = json!({"name": "PEC", "kind": "pec", "address": "protocollo@pec.comune.test",
        "inbound_enabled": false, "authserv_id": "mx.gestore.it", "pec_certificates": ca});
    let res = app.post_json("/mailboxes", Some(&admin), &pec).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["authserv_id"], "mx.gestore.it");
    assert_eq!(created["pec_certificates"], ca.trim());
    let url = format!("/mailboxes/{}", created["id"].as_str().unwrap());
    // Left out: kept (a client that does not know the settings keeps them); "": cleared.
    let mut plain = pec.clone();
    plain.as_object_mut().unwrap().remove("authserv_id");
    plain.as_object_mut().unwrap().remove("pec_certificates");
    let kept: Value = app
        .put_json(&url, Some(&admin), &plain)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kept["authserv_id"], "mx.gestore.it");
    assert!(kept["pec_certificates"].is_string());
    let mut cleared = plain.clone();
    cleared["authserv_id"] = json!("");
    let cleared: Value = app
        .put_json(&url, Some(&admin), &cleared)
        .await
        .json()
        .await
        .unwrap();
    assert!(cleared["authserv_id"].is_null());
    let with = |k: &str, v: Value| {
        let mut b = plain.clone();
        b[k] = v;
        b
    };
    let mut email = with("pec_certificates", json!(ca));
    email["kind"] = json!("email");
    for (body, field) in [
        (with("authserv_id", json!("mx gestore;it")), "authserv_id"),
        (with("authserv_id", json!("x".repeat(256))), "authserv_id"),
        (
            with("pec_certificates", json!("non un certificato")),
            "pec_certificates",
        ),
        (
            with(
                "pec_certificates",
                json!("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
            ),
            "pec_certificates",
        ),
        (email, "pec_certificates"),
    ] {
        let p = assert_problem(app.put_json(&url, Some(&admin), &body).await, 422, field).await;
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }
}

db_test!(bad_password_reset_input);
async fn bad_password_reset_input(app: TestApp) {
    app.staff("admin@comune.test", "admin", &[]);
    let admin = app.token("admin@comune.test").await;
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        (
            "/auth/password-reset",
            json!({"email": "non-una-mail"}),
            422,
            "email",
        ),
        ("/auth/password-reset", json!({"email": 5}), 422, "body"),
        ("/auth/password-reset", json!({}), 422, "email"),
        (
            "/auth/password-reset/confirm",
            json!({"token": "inventato", "password": "Nuova-Parola-2027"}),
            422,
            "token",
        ),
        (
            "/auth/password-reset/confirm",
            json!({"password": "Nuova-Parola-2027"}),
            422,
            "token",
        ),
    ];
    for (path, body, status, field) in cases {
        let p = assert_problem(app.post_json(path, None, &body).await, status, path).await;
        assert_eq!(p["errors"][0]["field"], field, "{path} {body}: {p}");
    }
    // English on request.
    let res = app
        .client
        .post(app.url("/auth/password-reset/confirm"))
        .header("Accept-Language", "en")
        .json(&json!({"token": "inventato", "password": "Nuova-Parola-2027"}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422, "english").await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired link"),
        "{p}"
    );
    // An account that does not exist; one without an e-mail address (the generic
    // contribuente) has nowhere to send the link.
    assert_problem(
        app.post_json(
            "/users/00000000-0000-7000-8000-000000000000/password-reset",
            Some(&admin),
            &json!({}),
        )
        .await,
        404,
        "unknown account",
    )
    .await;
    let generic = app
        .state
        .db
        .write_tx(|c| {
            let t = api::db::repo::tenants::default_tenant(c)?.unwrap();
            api::db::repo::admin_users::ensure_generic_citizen(c, &t.id)
        })
        .unwrap();
    assert_problem(
        app.post_json(
            &format!("/users/{generic}/password-reset"),
            Some(&admin),
            &json!({}),
        )
        .await,
        409,
        "no e-mail",
    )
    .await;
}

db_test!(markup_and_sql_are_just_text);
async fn markup_and_sql_are_just_text(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let nasty = [
        "<script>alert('x')</script>",
        "'; DROP TABLE requests; --",
        "\" OR 1=1 --",
        "Ünïcødé — مرحبا — 你好 — 👩‍👩‍👧 — e\u{301} — \u{200b}zero-width",
        "=HYPERLINK(\"http://evil\")",
    ];
    for text in nasty {
        let body = json!({"type": "tari_reclamo", "subject": text, "description": text, "fields": {"servizio": "raccolta", "codice_utenza": text}});
        let res = app.post_json("/requests", Some(&anna), &body).await;
        assert_eq!(res.status(), 201, "{text}");
        let created: Value = res.json().await.unwrap();
        assert_eq!(created["subject"], text);
        assert_eq!(created["description"], text);
        assert_eq!(created["fields"]["codice_utenza"], text);
        let id = created["id"].as_str().unwrap();
        let res = app
            .post_json(
                &format!("/requests/{id}/messages"),
                Some(&anna),
                &json!({"body": text}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let fetched: Value = app
            .get(&format!("/requests/{id}/messages"), Some(&anna))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(fetched["items"][0]["body"], text);
    }
    // The table is still there, and search treats input as text.
    let list: Value = app
        .get("/requests?q=%27%3B%20DROP", Some(&op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // The CSV defuses spreadsheet formulas.
    let csv = app
        .get("/registry/entries.csv", Some(&op))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{csv}"
    );
}

db_test!(rate_limits_on_login_and_registration, |c| c
    .rate_limit_per_minute =
    5);
async fn rate_limits_on_login_and_registration(app: TestApp) {
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(
            app.login("nessuno@example.it", "sbagliata-123")
                .await
                .status()
                .as_u16(),
        );
    }
    // Exactly the sixth attempt is refused, and every one after it.
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    let res = app.login("nessuno@example.it", "sbagliata-123").await;
    // Five a minute: the next attempt is allowed at most a fifth of a minute after the
    // first (what has passed since is taken off).
    let wait = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    assert!((1..=12).contains(&wait), "Retry-After {wait}");
    assert_problem(res, 429, "login throttled").await;
    // Registration has half the budget (3 a minute): the fourth is refused.
    let mut statuses = Vec::new();
    for i in 0..5 {
        let cf = [CF_A, CF_B, CF_C, CF_A, CF_B][i];
        statuses.push(
            app.register(&citizen_data(cf, &format!("r{i}@example.it")), PDF)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [202, 202, 202, 429, 429]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_on_the_app_and_the_api() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in ["/", "/console", "/api/v1/public/tenant"] {
        let res = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        let script_src = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
    }
    // Unknown API paths are problem documents, not the app.
    let res = app
        .client
        .get(format!("{}/api/v1/nope", app.address))
        .send()
        .await
        .unwrap();
    assert_problem(res, 404, "unknown api path").await;
}
