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

/// Row counts of the agenda's tables.
fn agenda_counts(app: &TestApp) -> Vec<i64> {
    use api::db::schema::{
        bookings, desk_seats, desks, pickup_days, pickup_items, pickup_zones, pickups, requests,
    };
    use diesel::prelude::*;
    app.state
        .db
        .read(|c| {
            Ok::<_, api::error::ApiError>(vec![
                desks::table.count().get_result::<i64>(c)?,
                bookings::table.count().get_result::<i64>(c)?,
                desk_seats::table.count().get_result::<i64>(c)?,
                pickup_zones::table.count().get_result::<i64>(c)?,
                pickup_items::table.count().get_result::<i64>(c)?,
                pickups::table.count().get_result::<i64>(c)?,
                pickup_days::table
                    .filter(pickup_days::taken.gt(0))
                    .count()
                    .get_result::<i64>(c)?,
                requests::table.count().get_result::<i64>(c)?,
            ])
        })
        .unwrap()
}

async fn send_json(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path)).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

db_test!(agenda_and_pickup_bad_input);
async fn agenda_and_pickup_bad_input(app: TestApp) {
    use reqwest::Method;
    let a = crate::agenda::setup(&app).await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &a.op).await;
    let desk_id =
        crate::agenda::create_desk(&app, &a.admin, &crate::agenda::desk(&a.office, &json!({})))
            .await;
    let start =
        crate::agenda::slots(&app, &desk_id, &crate::agenda::day(2), None).await[4]["start"]
            .as_str()
            .unwrap()
            .to_owned();
    let (_, b) = crate::agenda::book(
        &app,
        None,
        &crate::agenda::booking(&desk_id, &start, "anna@example.it"),
    )
    .await;
    let code = b["code"].as_str().unwrap().to_owned();
    let (_, list) = crate::admin::call(
        &app,
        Method::GET,
        &format!("/bookings?from={}", crate::agenda::day(2)),
        Some(&a.admin),
        None,
    )
    .await;
    let booking_id = list[0]["id"].as_str().unwrap().to_owned();
    let zone = json!({"name": "Centro", "weekdays": [1, 2, 3, 4, 5, 6, 7], "daily_capacity": 10, "max_pieces_per_booking": 5, "kinds": ["ingombranti"]});
    let (_, z) = crate::admin::call(
        &app,
        Method::POST,
        "/pickup-zones",
        Some(&a.admin),
        Some(&zone),
    )
    .await;
    let zone_id = z["id"].as_str().unwrap().to_owned();
    let item = json!({"code": "sedia", "name": "Sedia", "kind": "ingombranti"});
    crate::admin::call(
        &app,
        Method::POST,
        "/pickup-items",
        Some(&a.admin),
        Some(&item),
    )
    .await;
    let before = agenda_counts(&app);

    let good_desk = crate::agenda::desk(&a.office, &json!({}));
    let with = |base: &Value, k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let good_booking = crate::agenda::booking(&desk_id, &start, "bruno@example.it");
    let good_zone = with(&zone, "postcodes", json!(["59100"]));
    let date = (domain::rome_date(chrono::Utc::now()) + chrono::Duration::days(3)).to_string();
    let good_pickup = json!({"zone_id": zone_id, "kind": "ingombranti", "date": date, "address": "Via Roma 1", "items": [{"code": "sedia", "qty": 1}], "phone": "333 1234567"});
    // (method, path, token, body, status, the field named)
    let cases: Vec<(Method, String, &str, Value, u16, &str)> = vec![
        (
            Method::POST,
            "/desks".into(),
            &a.admin,
            with(&good_desk, "name", json!(" ")),
            422,
            "name",
        ),
        (
            Method::POST,
            "/desks".into(),
            &a.admin,
            with(&good_desk, "office_id", json!("nessuno")),
            422,
            "office_id",
        ),
        (
            Method::POST,
            "/desks".into(),
            &a.admin,
            with(&good_desk, "mode", json!("telepatia")),
            422,
            "body",
        ),
        (
            Method::POST,
            "/desks".into(),
            &a.admin,
            with(&good_desk, "capacity", json!(-1)),
            422,
            "body",
        ),
        (
            Method::POST,
            "/desks".into(),
            &a.admin,
            with(&good_desk, "buffer_minutes", json!(7)),
            422,
            "buffer_minutes",
        ),
        (
            Method::POST,
            "/desks".into(),
            &a.admin,
            with(
                &good_desk,
                "weekly",
                json!([{"weekday": 9, "start": "09:00", "end": "10:00"}]),
            ),
            422,
            "weekly[0].weekday",
        ),
        (
            Method::POST,
            "/desks".into(),
            &a.admin,
            with(
                &good_desk,
                "weekly",
                json!([{"weekday": 1, "start": "9", "end": "10:00"}]),
            ),
            422,
            "weekly[0].start",
        ),
        (
            Method::POST,
            "/desks".into(),
            &a.admin,
            with(
                &good_desk,
                "services",
                json!([{"code": "A B", "name": "x", "duration_minutes": 0}]),
            ),
            422,
            "services[0].code",
        ),
        (
            Method::POST,
            "/desks".into(),
            &a.admin,
            with(
                &good_desk,
                "overrides",
                json!([{"date": "2026-02-30", "closed": true}]),
            ),
            422,
            "body",
        ),
        (
            Method::POST,
            "/desks".into(),
            &a.admin,
            with(
                &good_desk,
                "overrides",
                json!([{"date": "2026-12-24", "closed": false, "ranges": [{"start": "12:00", "end": "10:00"}]}]),
            ),
            422,
            "overrides[0].ranges[0].end",
        ),
        (
            Method::PATCH,
            format!("/desks/{desk_id}"),
            &a.admin,
            json!({"booking_window_days": 0}),
            422,
            "booking_window_days",
        ),
        (
            Method::PATCH,
            format!("/desks/{desk_id}"),
            &a.admin,
            json!({"name": "x".repeat(101)}),
            422,
            "name",
        ),
        (
            Method::POST,
            "/public/bookings".into(),
            "",
            with(&good_booking, "fiscal_code", json!("RSSMRA80A01H501X")),
            422,
            "fiscal_code",
        ),
        (
            Method::POST,
            "/public/bookings".into(),
            "",
            with(&good_booking, "email", json!("bruno@")),
            422,
            "email",
        ),
        (
            Method::POST,
            "/public/bookings".into(),
            "",
            with(&good_booking, "phone", json!("12")),
            422,
            "phone",
        ),
        (
            Method::POST,
            "/public/bookings".into(),
            "",
            with(&good_booking, "subject", json!("x".repeat(201))),
            422,
            "subject",
        ),
        (
            Method::POST,
            "/public/bookings".into(),
            "",
            with(&good_booking, "first_name", json!("riga\u{0}nulla")),
            422,
            "first_name",
        ),
        (
            Method::POST,
            "/public/bookings".into(),
            "",
            with(&good_booking, "start", json!("domani")),
            422,
            "body",
        ),
        (
            Method::POST,
            "/public/bookings".into(),
            "",
            with(&good_booking, "mode", json!("fax")),
            422,
            "body",
        ),
        (
            Method::POST,
            "/public/bookings".into(),
            "",
            json!({"desk_id": desk_id}),
            422,
            "service",
        ),
        (
            Method::POST,
            "/public/bookings".into(),
            "",
            with(&good_booking, "start", json!("2027-12-31T10:00:00Z")),
            422,
            "start",
        ),
        (
            Method::PATCH,
            format!("/public/bookings/{code}"),
            "",
            json!({"start": "ieri"}),
            422,
            "body",
        ),
        (
            Method::PATCH,
            format!("/public/bookings/{code}"),
            "",
            json!({"start": start}),
            422,
            "start",
        ),
        (
            Method::POST,
            format!("/public/bookings/{code}/confirm"),
            "",
            json!({}),
            422,
            "token",
        ),
        (
            Method::POST,
            format!("/bookings/{booking_id}/actions"),
            &a.op,
            json!({"action": "teletrasporto"}),
            422,
            "body",
        ),
        (
            Method::POST,
            format!("/bookings/{booking_id}/actions"),
            &a.op,
            json!({"action": "cancel", "note": "x".repeat(4001)}),
            422,
            "note",
        ),
        (
            Method::PATCH,
            format!("/bookings/{booking_id}"),
            &a.op,
            json!({"notes": "x".repeat(4001)}),
            422,
            "notes",
        ),
        (
            Method::PATCH,
            format!("/bookings/{booking_id}"),
            &a.op,
            json!({"citizen_id": "nessuno"}),
            422,
            "citizen_id",
        ),
        (
            Method::POST,
            "/pickup-zones".into(),
            &a.admin,
            with(&good_zone, "postcodes", json!(["5910A"])),
            422,
            "postcodes[0]",
        ),
        (
            Method::POST,
            "/pickup-zones".into(),
            &a.admin,
            with(&good_zone, "kinds", json!(["amianto"])),
            422,
            "body",
        ),
        (
            Method::POST,
            "/pickup-zones".into(),
            &a.admin,
            with(&good_zone, "overrides", json!([{"date": "2026-12-24"}])),
            422,
            "overrides[0].capacity",
        ),
        (
            Method::PATCH,
            format!("/pickup-zones/{zone_id}"),
            &a.admin,
            json!({"weekdays": [8]}),
            422,
            "weekdays[0]",
        ),
        (
            Method::POST,
            "/pickup-items".into(),
            &a.admin,
            json!({"code": "Sedia!", "name": "Sedia", "kind": "ingombranti", "pieces": 0}),
            422,
            "code",
        ),
        (
            Method::POST,
            "/pickups".into(),
            &anna,
            with(&good_pickup, "date", json!("31/12/2026")),
            422,
            "body",
        ),
        (
            Method::POST,
            "/pickups".into(),
            &anna,
            with(&good_pickup, "items", json!([{"code": "nave", "qty": 1}])),
            422,
            "items[0].code",
        ),
        (
            Method::POST,
            "/pickups".into(),
            &anna,
            with(&good_pickup, "items", json!([{"code": "sedia", "qty": 0}])),
            422,
            "items[0].qty",
        ),
        (
            Method::POST,
            "/pickups".into(),
            &anna,
            with(&good_pickup, "phone", json!("telefono")),
            422,
            "phone",
        ),
        (
            Method::POST,
            "/pickups".into(),
            &anna,
            with(&good_pickup, "address", json!("")),
            422,
            "address",
        ),
        (
            Method::POST,
            "/pickups".into(),
            &anna,
            with(&good_pickup, "zone_id", json!("nessuna")),
            422,
            "zone_id",
        ),
        (
            Method::POST,
            "/pickups".into(),
            &anna,
            with(&good_pickup, "date", json!("2020-01-01")),
            422,
            "date",
        ),
    ];
    for (method, path, token, body, status, field) in cases {
        let token = (!token.is_empty()).then_some(token);
        let what = format!("{method} {path} {body}");
        let p = assert_problem(
            send_json(&app, method, &path, token, &body).await,
            status,
            &what,
        )
        .await;
        let named: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(named.contains(&field), "{what}: {field} not in {p}");
    }
    // Bad query strings.
    for (path, status) in [
        (format!("/public/desks/{desk_id}/slots?from=ieri"), 400),
        (
            format!("/public/desks/{desk_id}/slots?from=2026-12-10&to=2026-12-01"),
            422,
        ),
        (
            format!("/public/desks/{desk_id}/slots?from=2026-01-01&to=2026-12-31"),
            422,
        ),
        (
            format!("/public/desks/{desk_id}/slots?service=nessuno"),
            422,
        ),
        ("/bookings?status=volata".to_owned(), 422),
        ("/bookings?from=2026-13-01".to_owned(), 400),
        (format!("/pickup-slots?zone_id={zone_id}&kind=nave"), 400),
        (
            format!(
                "/pickup-slots?zone_id={zone_id}&kind=ingombranti&from=2026-12-10&to=2026-01-01"
            ),
            422,
        ),
        ("/pickups/route-sheet?zone_id=nessuna".to_owned(), 422),
        ("/pickups/route-sheet".to_owned(), 400),
    ] {
        let res = app
            .client
            .get(app.url(&path))
            .bearer_auth(&a.op)
            .send()
            .await
            .unwrap();
        assert_problem(res, status, &path).await;
    }
    assert_eq!(
        agenda_counts(&app),
        before,
        "a refused request left rows behind"
    );
}

/// Rows of the taxpayer's account a bad request could leave behind.
fn account_counts(app: &TestApp) -> Vec<i64> {
    use api::db::schema::{acts, adjustments, contribuenti, imports, payments, utenze};
    use diesel::prelude::*;
    app.state
        .db
        .read(|c| {
            Ok::<_, api::error::ApiError>(vec![
                contribuenti::table.count().get_result::<i64>(c)?,
                utenze::table.count().get_result::<i64>(c)?,
                acts::table.count().get_result::<i64>(c)?,
                payments::table.count().get_result::<i64>(c)?,
                adjustments::table.count().get_result::<i64>(c)?,
                imports::table.count().get_result::<i64>(c)?,
            ])
        })
        .unwrap()
}

db_test!(taxpayer_account_bad_input, |c| c.import_max_mb = 1);
async fn taxpayer_account_bad_input(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let cid = crate::account::contribuente(&app, &op, CF_A, "Anna", "Bianchi").await;
    let act = crate::account::created(
        app.post_json(
            "/acts",
            Some(&op),
            &crate::account::act_body(
                &cid,
                "2025/1",
                chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
                &[(
                    chrono::NaiveDate::from_ymd_opt(2025, 5, 31).unwrap(),
                    10_000,
                )],
            ),
        )
        .await,
        "act",
    )
    .await;
    let act_id = act["id"].as_str().unwrap().to_owned();
    let before = account_counts(&app);

    let contribuente = json!({"fiscal_code": CF_B, "first_name": "Bruno", "last_name": "Verdi"});
    let utenza = json!({"contribuente_id": cid, "code": "U-9", "kind": "domestica",
        "address": {"street": "Via Roma 1", "city": "Pisa"}, "square_meters": 80, "occupants": 2, "start_date": "2020-01-01"});
    let new_act = crate::account::act_body(
        &cid,
        "2025/2",
        chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
        &[(
            chrono::NaiveDate::from_ymd_opt(2025, 5, 31).unwrap(),
            10_000,
        )],
    );
    let payment =
        json!({"act_id": act_id, "date": "2025-05-02", "amount": 1000, "channel": "desk"});
    let adjustment =
        json!({"kind": "sgravio", "date": "2025-05-02", "amount": 1000, "reason": "Errore"});
    let with = |base: &Value, path: &[&str], v: Value| {
        let mut b = base.clone();
        let mut cur = &mut b;
        for p in &path[..path.len() - 1] {
            cur = if let Ok(i) = p.parse::<usize>() {
                &mut cur[i]
            } else {
                &mut cur[*p]
            };
        }
        cur[path[path.len() - 1]] = v;
        b
    };
    let adjust = format!("/acts/{act_id}/adjustments");
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "/contribuenti",
            with(&contribuente, &["fiscal_code"], json!("VRDGPP85T10F205X")),
            "fiscal_code",
        ),
        (
            "/contribuenti",
            with(&contribuente, &["first_name"], json!("")),
            "first_name",
        ),
        (
            "/contribuenti",
            with(&contribuente, &["email"], json!("non-una-mail")),
            "email",
        ),
        (
            "/utenze",
            with(&utenza, &["square_meters"], json!(0)),
            "square_meters",
        ),
        (
            "/utenze",
            with(&utenza, &["square_meters"], json!(-80)),
            "square_meters",
        ),
        (
            "/utenze",
            with(&utenza, &["start_date"], json!("2026-02-31")),
            "start_date",
        ),
        (
            "/utenze",
            with(&utenza, &["end_date"], json!("2019-01-01")),
            "end_date",
        ),
        (
            "/utenze",
            with(&utenza, &["contribuente_id"], json!("nessuno")),
            "contribuente_id",
        ),
        (
            "/acts",
            with(&new_act, &["instalments", "0", "amount"], json!(-100)),
            "instalments[0].amount",
        ),
        (
            "/acts",
            with(
                &new_act,
                &["instalments", "0", "due_date"],
                json!("2026-02-31"),
            ),
            "instalments[0].due_date",
        ),
        (
            "/acts",
            with(
                &new_act,
                &["instalments", "0", "due_date"],
                json!("31/02/2026"),
            ),
            "instalments[0].due_date",
        ),
        (
            "/acts",
            with(
                &new_act,
                &["instalments", "0", "due_date"],
                json!("2025-03-01"),
            ),
            "instalments[0].due_date",
        ),
        ("/acts", with(&new_act, &["kind"], json!("multa")), "kind"),
        (
            "/acts",
            with(&new_act, &["contribuente_id"], json!("nessuno")),
            "contribuente_id",
        ),
        (
            "/acts",
            with(&new_act, &["instalments"], json!([])),
            "instalments",
        ),
        (
            "/payments",
            with(&payment, &["amount"], json!(-1000)),
            "amount",
        ),
        ("/payments", with(&payment, &["amount"], json!(0)), "amount"),
        (
            "/payments",
            with(&payment, &["date"], json!("2025-03-31")),
            "date",
        ),
        (
            "/payments",
            with(&payment, &["date"], json!("2026-02-31")),
            "date",
        ),
        (
            "/payments",
            with(&payment, &["date"], json!("2100-01-01")),
            "date",
        ),
        (
            "/payments",
            with(&payment, &["instalment"], json!(9)),
            "instalment",
        ),
        (
            "/payments",
            with(&payment, &["channel"], json!("contanti")),
            "channel",
        ),
        (
            "/payments",
            with(&payment, &["act_id"], json!("nessuno")),
            "act_id",
        ),
        (
            &adjust,
            with(&adjustment, &["amount"], json!(-1000)),
            "amount",
        ),
        (
            &adjust,
            with(&adjustment, &["amount"], Value::Null),
            "amount",
        ),
        (
            &adjust,
            with(&adjustment, &["amount"], json!(10_001)),
            "amount",
        ),
        (
            &adjust,
            with(&adjustment, &["date"], json!("2025-03-31")),
            "date",
        ),
        (
            &adjust,
            with(&adjustment, &["date"], json!("2026-02-31")),
            "date",
        ),
        (
            &adjust,
            with(&adjustment, &["reason"], json!(" ")),
            "reason",
        ),
    ];
    for (path, body, field) in cases {
        let what = format!("{path} {body}");
        let p = assert_problem(app.post_json(path, Some(&op), &body).await, 422, &what).await;
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{what}: {p}");
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    // The same problems in English.
    let res = app
        .client
        .post(app.url("/payments"))
        .bearer_auth(&op)
        .header("Accept-Language", "en")
        .json(&with(&payment, &["date"], json!("2025-03-31")))
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422, "english").await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot precede the act's issue date"),
        "{p}"
    );
    // Queries with impossible days or counts.
    for (path, token, field) in [
        (
            format!("/contribuenti/{cid}/statement?as_of=2026-02-31"),
            &op,
            "as_of",
        ),
        ("/me/statement?as_of=31/02/2026".to_owned(), &anna, "as_of"),
        (
            format!("/me/acts/{act_id}/plan?instalments=1"),
            &anna,
            "instalments",
        ),
        (format!("/me/acts/{act_id}/plan?isee=-1"), &anna, "isee"),
    ] {
        let p = assert_problem(app.get(&path, Some(token)).await, 422, &path).await;
        assert_eq!(p["errors"][0]["field"], field, "{path}: {p}");
    }
    // Uploads: no file, an empty one, an unknown kind, no data, too large.
    let form = |data: Option<Value>, file: Option<Vec<u8>>| {
        let mut f = reqwest::multipart::Form::new();
        if let Some(d) = data {
            f = f.part("data", reqwest::multipart::Part::text(d.to_string()));
        }
        if let Some(b) = file {
            f = f.part(
                "file",
                reqwest::multipart::Part::bytes(b).file_name("x.csv"),
            );
        }
        app.client
            .post(app.url("/imports"))
            .bearer_auth(&op)
            .multipart(f)
            .send()
    };
    let kind = json!({"kind": "contribuenti"});
    for (data, file, status, field) in [
        (Some(kind.clone()), None, 422, Some("file")),
        (Some(kind.clone()), Some(Vec::new()), 422, Some("file")),
        (
            Some(json!({"kind": "tributi"})),
            Some(b"x\n".to_vec()),
            422,
            Some("kind"),
        ),
        (None, Some(b"x\n".to_vec()), 422, Some("data")),
        (
            Some(kind.clone()),
            Some(vec![b'x'; 1024 * 1024 + 1]),
            413,
            None,
        ),
    ] {
        let p = assert_problem(form(data, file).await.unwrap(), status, "upload").await;
        if let Some(f) = field {
            assert_eq!(p["errors"][0]["field"], f, "{p}");
        }
    }
    assert_eq!(
        account_counts(&app),
        before,
        "a refused request left rows behind"
    );
}

fn pagopa_counts(app: &TestApp) -> Vec<i64> {
    use api::db::schema::{pagopa_settings, payment_notices};
    use diesel::prelude::*;
    app.state
        .db
        .read(|c| {
            Ok::<_, api::error::ApiError>(vec![
                pagopa_settings::table.count().get_result::<i64>(c)?,
                payment_notices::table.count().get_result::<i64>(c)?,
            ])
        })
        .unwrap()
}

db_test!(pagopa_bad_input);
async fn pagopa_bad_input(app: TestApp) {
    let admin = crate::pagopa::admin(&app).await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &admin).await;
    let (_, bruno) = app.citizen(CF_B, "bruno@example.it", &admin).await;
    // Settings: each bad field named under `pagopa.`, nothing stored.
    for (body, field) in [
        (
            json!({"segregation_code": "100"}),
            "pagopa.segregation_code",
        ),
        (
            json!({"creditor_fiscal_code": "15376371009"}),
            "pagopa.segregation_code",
        ),
        (
            json!({"creditor_fiscal_code": CF_A, "segregation_code": "01"}),
            "pagopa.creditor_fiscal_code",
        ),
        (json!({"iban": "IT60X054281110100000012345"}), "pagopa.iban"),
        (json!({"poste_account": "12-34"}), "pagopa.poste_account"),
        (json!({"cbill": "A1B2C3"}), "pagopa.cbill"),
        (json!({"gpd_url": "ftp://gpd.example.it"}), "pagopa.gpd_url"),
        (
            json!({"checkout_url": "https://169.254.169.254/"}),
            "pagopa.checkout_url",
        ),
        (
            json!({"gpd_subscription_key": "a\nb"}),
            "pagopa.gpd_subscription_key",
        ),
        (
            json!({"fdr_subscription_key": "a\nb"}),
            "pagopa.fdr_subscription_key",
        ),
        (
            json!({"reminder_days": [1, 2, 3, 4, 5, 6]}),
            "pagopa.reminder_days",
        ),
        (json!({"reminder_days": "7"}), "body"),
        (json!({"tefa_rate": "5,5"}), "pagopa.tefa_rate"),
        (
            json!({"tefa_iban": "IT36A0301503200000003517230"}),
            "pagopa.tefa_fiscal_code",
        ),
    ] {
        let before = pagopa_counts(&app);
        let what = body.to_string();
        let res = app
            .put_json("/settings", Some(&admin), &json!({ "pagopa": body }))
            .await;
        let status = res.status().as_u16();
        let p: Value = res.json().await.unwrap_or(Value::Null);
        assert!(matches!(status, 400 | 422), "{what}: {status} {p}");
        if status == 422 {
            assert_eq!(p["errors"][0]["field"], field, "{what}: {p}");
        }
        assert_eq!(pagopa_counts(&app), before, "{what}");
    }
    // Notice numbers: malformed ones are 422 `nav`; someone else's or unknown ones 404.
    crate::pagopa::configure(&app, &admin, json!({})).await;
    let cid = crate::account::contribuente(&app, &admin, CF_A, "Anna", "Bianchi").await;
    let today = domain::calendar::rome_date(chrono::Utc::now());
    let act = crate::account::created(
        app.post_json(
            "/acts",
            Some(&admin),
            &crate::account::act_body(
                &cid,
                "2026/1",
                today,
                &[(today + chrono::Duration::days(30), 10_000)],
            ),
        )
        .await,
        "act",
    )
    .await;
    let act_id = act["id"].as_str().unwrap();
    let notices: Value = app
        .get(&format!("/acts/{act_id}/notices"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let nav = notices["items"][0]["nav"].as_str().unwrap().to_owned();
    let unknown = domain::pagopa::NoticeNumber::generate(
        domain::pagopa::SegregationCode::new(1).unwrap(),
        999_999,
    )
    .unwrap();
    for (prefix, token) in [("/me/notices", &anna), ("/notices", &admin)] {
        for suffix in ["", ".pdf"] {
            for bad in [
                format!(
                    "{}{}",
                    &nav[..16],
                    if &nav[16..] == "00" { "01" } else { "00" }
                ),
                nav[..17].to_owned(),
                format!("{}x", &nav[..17]),
                format!("9{}", &nav[1..]),
            ] {
                let path = format!("{prefix}/{bad}{suffix}");
                let p = assert_problem(app.get(&path, Some(token)).await, 422, &path).await;
                assert_eq!(p["errors"][0]["field"], "nav", "{path}: {p}");
            }
            let path = format!("{prefix}/{}{suffix}", unknown.as_str());
            assert_problem(app.get(&path, Some(token)).await, 404, &path).await;
        }
    }
    for suffix in ["", ".pdf"] {
        let path = format!("/me/notices/{nav}{suffix}");
        assert_problem(app.get(&path, Some(&bruno)).await, 404, "someone else's").await;
    }
    // Checkout: a malformed number, someone else's; receipts that do not exist.
    let bad = format!("{}x", &nav[..17]);
    let res = app
        .post_json(
            &format!("/me/notices/{bad}/checkout"),
            Some(&anna),
            &json!({}),
        )
        .await;
    let p = assert_problem(res, 422, "checkout of a malformed number").await;
    assert_eq!(p["errors"][0]["field"], "nav", "{p}");
    let res = app
        .post_json(
            &format!("/me/notices/{nav}/checkout"),
            Some(&bruno),
            &json!({}),
        )
        .await;
    assert_problem(res, 404, "checkout of someone else's notice").await;
    assert_problem(
        app.get("/me/receipts/no-such-receipt.pdf", Some(&anna))
            .await,
        404,
        "unknown receipt",
    )
    .await;
    // A cancelled notice is not printed.
    let res = app
        .post_json(
            &format!("/acts/{act_id}/adjustments"),
            Some(&admin),
            &json!({"kind": "annullamento", "date": today, "reason": "Errore"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let path = format!("/notices/{nav}.pdf");
    assert_problem(app.get(&path, Some(&admin)).await, 409, "cancelled").await;
    assert_problem(
        app.get("/acts/no-such-act/notices", Some(&admin)).await,
        404,
        "unknown act",
    )
    .await;
}

fn flow_counts(app: &TestApp) -> Vec<i64> {
    use api::db::schema::{pagopa_flow_lines, pagopa_flows};
    use diesel::prelude::*;
    app.state
        .db
        .read(|c| {
            Ok::<_, api::error::ApiError>(vec![
                pagopa_flows::table.count().get_result::<i64>(c)?,
                pagopa_flow_lines::table.count().get_result::<i64>(c)?,
            ])
        })
        .unwrap()
}

db_test!(reconciliation_bad_input);
async fn reconciliation_bad_input(app: TestApp) {
    use crate::reconciliation::{Line, flow_xml, upload};
    let admin = crate::pagopa::admin(&app).await;
    crate::pagopa::configure(&app, &admin, json!({})).await;
    let cf = crate::pagopa::CREDITOR;
    let line = |index, amount, esito| Line {
        iuv: "01000000000000001",
        iur: "IUR-1",
        index,
        amount,
        esito,
    };
    // Files: not XML, not a flow, inconsistent, bad single payments; nothing stored.
    for (xml, field) in [
        ("<<<".to_owned(), "file"),
        ("<FlussoRiversamento>".to_owned(), "file"),
        ("<Rendiconto/>".to_owned(), "file"),
        (
            flow_xml("2026-11-30ABC-1", cf, &[line(1, "1.00", "0")], "2.00"),
            "importoTotalePagamenti",
        ),
        (
            flow_xml("2026-11-30ABC-1", cf, &[line(7, "1.00", "0")], "1.00"),
            "datiSingoliPagamenti[1].indiceDatiSingoloPagamento",
        ),
        (
            flow_xml("2026-11-30ABC-1", cf, &[line(1, "1.00", "4")], "1.00"),
            "datiSingoliPagamenti[1].codiceEsitoSingoloPagamento",
        ),
        (
            flow_xml("2026-11-30ABC-1", cf, &[line(1, "-1.00", "0")], "-1.00"),
            "importoTotalePagamenti",
        ),
        (
            flow_xml("2026-11-30ABC-1", cf, &[], "0.00"),
            "datiSingoliPagamenti",
        ),
    ] {
        let before = flow_counts(&app);
        let p = assert_problem(upload(&app, &admin, &xml).await, 422, field).await;
        assert_eq!(p["errors"][0]["field"], field, "{p}");
        assert_eq!(flow_counts(&app), before, "{field}");
    }
    // The form: no file part, an empty file, another media type, too large a file.
    let form = reqwest::multipart::Form::new().text("data", "{}");
    let res = app
        .client
        .post(app.url("/reconciliation/flows"))
        .bearer_auth(&admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422, "no file part").await;
    assert_eq!(p["errors"][0]["field"], "file");
    let p = assert_problem(upload(&app, &admin, "").await, 422, "empty file").await;
    assert_eq!(p["errors"][0]["field"], "file");
    let res = app
        .client
        .post(app.url("/reconciliation/flows"))
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "text/plain").await;
    let big = vec![b' '; api::services::pagopa::reconciliation::MAX_FLOW_BYTES + 1];
    let res = app
        .client
        .post(app.url("/reconciliation/flows"))
        .bearer_auth(&admin)
        .header("content-type", "application/xml")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_problem(res, 413, "too large").await;
    assert_eq!(flow_counts(&app), [0, 0]);

    // The bank line: unknown flow, bad amount, bad or foreign causale.
    let report = crate::account::created(
        upload(
            &app,
            &admin,
            &flow_xml("2026-11-30ABC-1", cf, &[line(1, "1.00", "0")], "1.00"),
        )
        .await,
        "flow",
    )
    .await;
    let id = report["flow"]["id"].as_str().unwrap();
    let res = app
        .post_json(
            "/reconciliation/flows/no-such-flow/bank",
            Some(&admin),
            &json!({"causale": "/PUR/LGPE-RIVERSAMENTO/URI/2026-11-30ABC-1", "amount": 100}),
        )
        .await;
    assert_problem(res, 404, "unknown flow").await;
    for (body, field) in [
        (
            json!({"causale": "/PUR/LGPE-RIVERSAMENTO/URI/2026-11-30ABC-1", "amount": -1}),
            "amount",
        ),
        (
            json!({"causale": "/PUR/LGPE-RIVERSAMENTO/URI/2026-11-30ABC-1", "amount": "1,00"}),
            "amount",
        ),
        (json!({"amount": 100}), "causale"),
        (json!({"causale": " ", "amount": 100}), "causale"),
        (
            json!({"causale": "Bonifico ordinario", "amount": 100}),
            "causale",
        ),
        (
            json!({"causale": "/PUR/LGPE-RIVERSAMENTO/URI/2026-11-30ABC-2", "amount": 100}),
            "causale",
        ),
        (
            json!({"causale": "/PUR/LGPE-RIVERSAMENTO/URI/2026-11-30ABC-1", "amount": 100, "date": "2026-02-30"}),
            "date",
        ),
    ] {
        let what = body.to_string();
        let res = app
            .post_json(
                &format!("/reconciliation/flows/{id}/bank"),
                Some(&admin),
                &body,
            )
            .await;
        let p = assert_problem(res, 422, &what).await;
        assert_eq!(p["errors"][0]["field"], field, "{what}: {p}");
    }
    let r: Value = app
        .get(&format!("/reconciliation/flows/{id}"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["flow"]["bank"], Value::Null);
    // Missing receipts as of a day that does not exist; the FdR address under the policy.
    let p = assert_problem(
        app.get("/reconciliation/missing?as_of=2026-13-01", Some(&admin))
            .await,
        422,
        "as_of",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "as_of");
    for url in ["ftp://fdr.example.it", "https://169.254.169.254/"] {
        let res = app
            .put_json(
                "/settings",
                Some(&admin),
                &json!({"pagopa": {"fdr_url": url}}),
            )
            .await;
        let p = assert_problem(res, 422, url).await;
        assert_eq!(p["errors"][0]["field"], "pagopa.fdr_url", "{p}");
    }
}

db_test!(draft_bad_input);
async fn draft_bad_input(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let many: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("f{i}"), json!("x"))).collect();
    for (body, field) in [
        (json!({"subject": "à".repeat(201)}), "subject"),
        (json!({"description": "x".repeat(4001)}), "description"),
        (json!({"fields": many}), "fields"),
        (json!({"fields": {"mq": {"nested": 1}}}), "fields.mq"),
        (json!({"fields": {"note": "x".repeat(4001)}}), "fields.note"),
        (json!({"fields": {"a b": "x"}}), "fields.a b"),
        (json!({"fields": {"n".repeat(65): "x"}}), "fields"),
        (json!({"subject": 3}), "body"),
        (json!({"subject": "ok", "extra": true}), "extra"),
    ] {
        let res = app
            .put_json("/me/drafts/tari_reclamo", Some(&anna), &body)
            .await;
        let p = assert_problem(res, 422, "draft").await;
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    let p = assert_problem(
        app.put_json(
            "/me/drafts/tari_reclamo",
            Some(&anna),
            &json!({"subject": "à".repeat(201)}),
        )
        .await,
        422,
        "draft subject",
    )
    .await;
    assert_eq!(
        p["errors"][0]["message"],
        "L'oggetto può avere al massimo 200 caratteri (ora 201)"
    );
    // Nothing was stored.
    let list: Value = app
        .get("/me/drafts", Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([]));
}

db_test!(reminder_preferences_bad_input);
async fn reminder_preferences_bad_input(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    for (body, field) in [
        (json!({"email": true, "sms": false}), "app_io"),
        (json!({"email": "no", "sms": false, "app_io": true}), "body"),
        (
            json!({"email": true, "sms": false, "app_io": true, "pec": false}),
            "pec",
        ),
    ] {
        let res = app
            .put_json("/me/reminder-preferences", Some(&anna), &body)
            .await;
        let p = assert_problem(res, 422, "reminder preferences").await;
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    // Nothing was stored: every channel is still on.
    let now: Value = app
        .get("/me/reminder-preferences", Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now, json!({"email": true, "sms": true, "app_io": true}));
    // A notice's reminders (staff): a malformed number names `nav`, an unknown one is 404,
    // and citizens may not look.
    let res = app
        .get("/notices/30100000000000012x/reminders", Some(&op))
        .await;
    let p = assert_problem(res, 422, "malformed numero avviso").await;
    assert_eq!(p["errors"][0]["field"], "nav", "{p}");
    let unknown = domain::pagopa::NoticeNumber::generate(
        domain::pagopa::SegregationCode::new(1).unwrap(),
        987_654,
    )
    .unwrap();
    let path = format!("/notices/{}/reminders", unknown.as_str());
    assert_problem(app.get(&path, Some(&op)).await, 404, "unknown notice").await;
    assert_problem(app.get(&path, Some(&anna)).await, 403, "a citizen").await;
}

db_test!(identity_provider_settings_bad_input);
async fn identity_provider_settings_bad_input(app: TestApp) {
    app.staff("admin.spid@comune.test", "admin", &[]);
    let admin = app.token("admin.spid@comune.test").await;
    let cases = [
        (
            json!({"private_key": "not a key"}),
            Some("spid.private_key"),
        ),
        (
            json!({"private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"}),
            Some("spid.private_key"),
        ),
        (
            json!({"issuer": "ftp://proxy.example"}),
            Some("spid.issuer"),
        ),
        (
            json!({"issuer": "http://proxy.example"}),
            Some("spid.issuer"),
        ),
        (json!({"client_id": "a\nb"}), Some("spid.client_id")),
        (
            json!({"client_id": "x".repeat(300)}),
            Some("spid.client_id"),
        ),
        (json!({"enabled": true}), Some("spid.private_key")),
        (json!({"level": "L9"}), None),
        (json!({"enabled": "sì"}), None),
    ];
    for (body, field) in cases {
        let res = app
            .put_json("/settings/identity-providers/spid", Some(&admin), &body)
            .await;
        let p = assert_problem(res, 422, &body.to_string()).await;
        if let Some(field) = field {
            let fields: Vec<&str> = p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|e| e["field"].as_str())
                .collect();
            assert!(fields.contains(&field), "{body}: {p}");
        }
    }
    let res = app
        .put_json(
            "/settings/identity-providers/eidas",
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_problem(res, 404, "unknown provider").await;
    // Nothing was stored.
    let list: Value = app
        .get("/settings/identity-providers", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["provider"], "spid");
    assert_eq!(list[0]["enabled"], false);
    assert_eq!(list[0]["private_key_set"], false);
    assert_eq!(list[0]["issuer"], Value::Null);
    assert_eq!(list[0]["client_id"], Value::Null);
}

db_test!(public_content_bad_input);
async fn public_content_bad_input(app: TestApp) {
    app.staff("admin.content@comune.test", "admin", &[]);
    let admin = app.token("admin.content@comune.test").await;
    let put = reqwest::Method::PUT;
    // Transparency items: an unknown item, a script link, a label missing, a document that
    // is not published, too many links.
    let res = send_json(
        &app,
        put.clone(),
        "/settings/transparency/items/nope",
        Some(&admin),
        &json!({}),
    )
    .await;
    assert_problem(res, 404, "unknown item").await;
    let many: Vec<Value> = (0..21)
        .map(|i| json!({"label": format!("L{i}"), "url": "/faq"}))
        .collect();
    for (body, field) in [
        (
            json!({"links": [{"label": "x", "url": "javascript:alert(1)"}]}),
            "links[0].url",
        ),
        (
            json!({"links": [{"label": "x", "url": "http://example.it"}]}),
            "links[0].url",
        ),
        (
            json!({"links": [{"label": " ", "url": "/faq"}]}),
            "links[0].label",
        ),
        (
            json!({"document_ids": ["no-such-document"]}),
            "document_ids[0]",
        ),
        (json!({"document_ids": ["a", "a"]}), "document_ids[1]"),
        (json!({"links": many}), "links"),
        (json!({"body": "x".repeat(20_001)}), "body"),
        (json!({"body": 5}), "body"),
    ] {
        let res = send_json(
            &app,
            put.clone(),
            "/settings/transparency/items/tariffe",
            Some(&admin),
            &body,
        )
        .await;
        let p = assert_problem(res, 422, "transparency item").await;
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    // Separate collection: a year out of range, a percentage out of range or too precise.
    for (year, body, field) in [
        (1980, json!({"percent": 50}), "year"),
        (2999, json!({"percent": 50}), "year"),
        (2024, json!({"percent": 100.5}), "percent"),
        (2024, json!({"percent": -1}), "percent"),
        (2024, json!({"percent": 60.25}), "percent"),
        (2024, json!({"percent": "60"}), "body"),
    ] {
        let res = send_json(
            &app,
            put.clone(),
            &format!("/settings/transparency/separate-collection/{year}"),
            Some(&admin),
            &body,
        )
        .await;
        let p = assert_problem(res, 422, "separate collection").await;
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    // Recomputing the current (open) year or a year before the product.
    let this_year = crate::authz::last_year() + 1;
    for year in [this_year, 1999] {
        let res = app
            .post_json(
                &format!("/settings/transparency/compliance/{year}"),
                Some(&admin),
                &json!({}),
            )
            .await;
        let p = assert_problem(res, 422, "recompute an open year").await;
        assert_eq!(p["errors"][0]["field"], "year", "{p}");
    }
    // Riciclabolario items: empty name, unknown fraction, too many synonyms, a name taken.
    let ok = json!({"name": "Bottiglia di plastica", "fraction": "plastica"});
    assert_eq!(
        app.post_json("/settings/riciclabolario", Some(&admin), &ok)
            .await
            .status(),
        201
    );
    let synonyms: Vec<String> = (0..11).map(|i| format!("s{i}")).collect();
    for (body, field) in [
        (json!({"name": "", "fraction": "carta"}), "name"),
        // A code outside the enum is refused by the body's parser, which names it.
        (json!({"name": "Giornale", "fraction": "cartone"}), "body"),
        (
            json!({"name": "Giornale", "fraction": "carta", "synonyms": synonyms}),
            "synonyms",
        ),
        (
            json!({"name": "Giornale", "fraction": "carta", "take_to": "cassonetto"}),
            "body",
        ),
        (
            json!({"name": " bottiglia DI plastica ", "fraction": "plastica"}),
            "name",
        ),
    ] {
        let res = app
            .post_json("/settings/riciclabolario", Some(&admin), &body)
            .await;
        let p = assert_problem(res, 422, "waste item").await;
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    // The CSV import is all or nothing: one bad row and nothing is stored.
    let before: Value = app
        .get("/public/riciclabolario", None)
        .await
        .json()
        .await
        .unwrap();
    let csv = "nome,frazione,contenitore,dove_portarlo,note,sinonimi\n\
               Giornale,carta,,,,quotidiano\n\
               Lattina,metallo liquido,,,,\n";
    let res = app
        .client
        .post(app.url("/settings/riciclabolario/import"))
        .bearer_auth(&admin)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422, "csv with a bad row").await;
    assert_eq!(p["errors"][0]["field"], "rows[2].frazione", "{p}");
    let after: Value = app
        .get("/public/riciclabolario", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before, after, "nothing imported");
    for (body, what) in [
        ("name,fraction\nx,carta\n".to_owned(), "wrong header"),
        (format!("{}\n", "x".repeat(3 * 1024 * 1024)), "too large"),
    ] {
        let res = app
            .client
            .post(app.url("/settings/riciclabolario/import"))
            .bearer_auth(&admin)
            .header("content-type", "text/csv")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = if what == "too large" { 413 } else { 422 };
        assert_problem(res, status, what).await;
    }
    // Deflections count only answers that exist and are public.
    for (body, field) in [
        (json!({"source": "faq", "id": "nope"}), "id"),
        (json!({"source": "reply", "id": "nope"}), "source"),
        (json!({"source": "bot", "id": "nope"}), "body"),
    ] {
        let res = app
            .post_json("/public/answers/deflections", None, &body)
            .await;
        let p = assert_problem(res, 422, "deflection").await;
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    // A published document's edit: each field's own message, and the document unchanged.
    let res = crate::public::upload(
        &app,
        &admin,
        &json!({"title": "Regolamento TARI", "category": "Regolamenti"}),
        b"%PDF-1.4\n%%EOF\n",
        "regolamento.pdf",
    )
    .await;
    assert_eq!(res.status(), 201);
    let doc: Value = res.json().await.unwrap();
    let path = format!("/documents/{}", doc["id"].as_str().unwrap());
    for (body, field) in [
        (json!({"title": "  "}), "title"),
        (json!({"title": "x".repeat(201)}), "title"),
        (
            json!({"title": "Ok", "description": "x".repeat(1001)}),
            "description",
        ),
        (
            json!({"title": "Ok", "category": "x".repeat(101)}),
            "category",
        ),
        (json!({"title": "Ok", "position": "primo"}), "body"),
        (json!({"description": "senza titolo"}), "title"),
    ] {
        let res = send_json(&app, put.clone(), &path, Some(&admin), &body).await;
        let p = assert_problem(res, 422, "document edit").await;
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    let res = app
        .client
        .put(app.url(&path))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422, "document edit: not JSON").await;
    assert_eq!(p["errors"][0]["field"], "body", "{p}");
    let list: Value = app
        .get("/public/documents", None)
        .await
        .json()
        .await
        .unwrap();
    let now = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == doc["id"])
        .unwrap();
    assert_eq!(now["title"], "Regolamento TARI", "unchanged: {now}");
    assert_eq!(now["category"], "Regolamenti", "unchanged: {now}");
    // "Valuta questo servizio": a page without the block, an unknown service, stars,
    // answers not offered for the stars given, details too long or on two lines; nothing
    // stored.
    let long = "x".repeat(201);
    for (body, fields) in [
        (json!({"page": "/faq", "stars": 4}), vec!["page"]),
        (
            json!({"page": "/servizi/non_esiste", "stars": 4}),
            vec!["page"],
        ),
        (
            json!({"page": "/servizi/tari_reclamo", "stars": 0}),
            vec!["stars"],
        ),
        (json!({"page": "/faq", "stars": 6}), vec!["page", "stars"]),
        (
            json!({"page": "/prenotazioni", "stars": 5, "aspects": ["technical_issues"]}),
            vec!["aspects"],
        ),
        (
            json!({"page": "/prenotazioni", "stars": 2, "aspects": ["lost", "lost"]}),
            vec!["aspects"],
        ),
        (
            json!({"page": "/prenotazioni", "stars": 3, "details": long}),
            vec!["details"],
        ),
        (
            json!({"page": "/prenotazioni", "stars": 3, "details": "riga\nseconda"}),
            vec!["details"],
        ),
        (
            json!({"page": "/prenotazioni", "stars": "tre"}),
            vec!["body"],
        ),
        (
            json!({"page": "/prenotazioni", "stars": 3, "aspects": ["bello"]}),
            vec!["body"],
        ),
    ] {
        let res = app.post_json("/public/ratings", None, &body).await;
        let p = assert_problem(res, 422, "page rating").await;
        let got: Vec<&str> = p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(got, fields, "{body}: {p}");
    }
    let report: Value = app
        .get("/reports/ratings", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["total"], 0, "nothing stored: {report}");
    let res = app
        .get(
            "/reports/ratings?from=2026-05-01&to=2026-01-01",
            Some(&admin),
        )
        .await;
    let p = assert_problem(res, 422, "ratings: reversed period").await;
    assert_eq!(p["errors"][0]["field"], "to", "{p}");
    // The site search cuts a pasted page to its first 300 characters, never fails on it.
    let pasted = "pagare ".repeat(2000);
    let res = app
        .get(
            &format!("/public/search?q={}", pasted.replace(' ', "%20")),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let found: Value = res.json().await.unwrap();
    assert!(
        found["query"].as_str().unwrap().chars().count() <= 300,
        "{found}"
    );
    // A question is required; the report's period is checked.
    assert_problem(app.get("/public/answers", None).await, 400, "no q").await;
    let res = app
        .get(
            "/reports/deflections?from=2026-05-01&to=2026-01-01",
            Some(&admin),
        )
        .await;
    let p = assert_problem(res, 422, "reversed period").await;
    assert_eq!(p["errors"][0]["field"], "to", "{p}");
}

db_test!(chat_and_video_bad_input);
async fn chat_and_video_bad_input(app: TestApp) {
    use api::db::schema::{chat_attachments, chat_messages, chats, video_settings};
    use diesel::prelude::*;
    let live_counts = |app: &TestApp| -> Vec<i64> {
        app.state
            .db
            .read(|c| {
                Ok::<_, api::error::ApiError>(vec![
                    chats::table.count().get_result::<i64>(c)?,
                    chat_messages::table.count().get_result::<i64>(c)?,
                    chat_attachments::table.count().get_result::<i64>(c)?,
                    video_settings::table.count().get_result::<i64>(c)?,
                ])
            })
            .unwrap()
    };
    let d = crate::live::setup(&app).await;
    let before = live_counts(&app);
    // Opening a chat: unknown topic, a first message too long, a wrong type.
    let cases = [
        (json!({"topic": "nessuno"}), Some("topic")),
        (
            json!({"topic": "tari_reclamo", "message": "a".repeat(2001)}),
            Some("body"),
        ),
        (json!({"topic": 7}), None),
        (json!({}), None),
    ];
    for (body, field) in cases {
        let res = app.post_json("/chats", Some(&d.citizen), &body).await;
        let p = assert_problem(res, 422, &body.to_string()).await;
        if let Some(field) = field {
            assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
        }
    }
    assert_eq!(live_counts(&app), before, "nothing stored");
    let chat: Value = app
        .post_json(
            "/chats",
            Some(&d.citizen),
            &json!({"topic": "tari_reclamo"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = chat["id"].as_str().unwrap();
    let before = live_counts(&app);
    // Messages: empty, too long, a file that is not what it says, an unknown action.
    for body in [
        json!({"body": "   "}),
        json!({"body": "x".repeat(2001)}),
        json!({"text": "ciao"}),
    ] {
        let res = app
            .post_json(&format!("/chats/{id}/messages"), Some(&d.citizen), &body)
            .await;
        assert_problem(res, 422, &body.to_string()).await;
    }
    let form = reqwest::multipart::Form::new()
        .text("data", json!({"body": "Il documento"}).to_string())
        .part(
            "files",
            reqwest::multipart::Part::bytes(b"MZ\x90\0not a pdf".to_vec())
                .file_name("a.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let res = app
        .client
        .post(app.url(&format!("/chats/{id}/messages")))
        .bearer_auth(&d.citizen)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_problem(res, 422, "a file that is not a PDF").await;
    for body in [
        json!({"action": "dance"}),
        json!({"action": "transfer"}),
        json!({"action": "convert", "type": "nessuno"}),
    ] {
        let res = app
            .post_json(&format!("/chats/{id}/actions"), Some(&d.op), &body)
            .await;
        let status = res.status().as_u16();
        // Converting a waiting chat is refused on its state before its type is looked at.
        let expected = if body["action"] == "convert" {
            409
        } else {
            422
        };
        assert_eq!(status, expected, "{body}");
        assert_problem(res, expected, &body.to_string()).await;
    }
    let res = app
        .post_json(
            &format!("/chats/{id}/read"),
            Some(&d.citizen),
            &json!({"message_id": "nessuno"}),
        )
        .await;
    assert_problem(res, 422, "unknown message").await;
    let res = app.get("/chats?status=dormant", Some(&d.citizen)).await;
    assert_problem(res, 400, "unknown status").await;
    assert_eq!(live_counts(&app), before, "nothing stored");

    // Video settings: each bad field named, nothing stored.
    let cases = [
        (json!({"stun_urls": ["http://stun.example"]}), "stun_urls"),
        (json!({"stun_urls": ["turn:example.org"]}), "stun_urls"),
        (json!({"turn_urls": ["stun:example.org"]}), "turn_urls"),
        (json!({"turn_urls": ["turn:example.org"]}), "turn_secret"),
        (
            json!({"turn_urls": ["turn:example.org"], "turn_secret": "short"}),
            "turn_secret",
        ),
        (json!({"relay_only": true}), "relay_only"),
    ];
    for (body, field) in cases {
        let res = app.put_json("/settings/video", Some(&d.admin), &body).await;
        let p = assert_problem(res, 422, &body.to_string()).await;
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    let res = app
        .put_json(
            "/settings/video",
            Some(&d.admin),
            &json!({"relay_only": "sì"}),
        )
        .await;
    assert_problem(res, 422, "relay_only not a boolean").await;
    // The video call: refusing the conditions, a code that is not one.
    let res = app
        .post_json(
            "/public/video/AAAAAAAAAAAAAAAAAAAAAAAAAAA/conditions",
            None,
            &json!({"accept": true}),
        )
        .await;
    assert_problem(res, 404, "unknown code").await;
    let res = app
        .post_json(
            "/public/video/x/conditions",
            None,
            &json!({"accept": "yes"}),
        )
        .await;
    assert_problem(res, 422, "accept not a boolean").await;
    assert_eq!(live_counts(&app), before, "nothing stored");
}

db_test!(platform_tenants_bad_input);
async fn platform_tenants_bad_input(app: TestApp) {
    use crate::admin::{call, fields};
    use reqwest::Method;
    let platform = crate::tenants::platform_token(&app).await;
    let tenant_rows = || {
        use api::db::schema::{offices, platform_admins, request_types, tenant_hosts, tenants};
        use diesel::prelude::*;
        app.state
            .db
            .read(|c| {
                Ok::<_, api::error::ApiError>(vec![
                    tenants::table.count().get_result::<i64>(c)?,
                    tenant_hosts::table.count().get_result::<i64>(c)?,
                    request_types::table.count().get_result::<i64>(c)?,
                    offices::table.count().get_result::<i64>(c)?,
                    platform_admins::table.count().get_result::<i64>(c)?,
                ])
            })
            .unwrap()
    };
    let before = (tenant_rows(), counts(&app));
    let ok = json!({"slug": "nuovo", "name": "Comune di Nuovo", "hosts": ["nuovo.test"]});
    let with = |key: &str, value: Value| {
        let mut b = ok.clone();
        b[key] = value;
        b
    };
    let cases: Vec<(Value, &[&str], &str)> = vec![
        (with("slug", json!("Nuovo")), &["slug"], "uppercase slug"),
        (with("slug", json!("n")), &["slug"], "one-letter slug"),
        (with("slug", json!("nuovo-")), &["slug"], "trailing hyphen"),
        (
            with("slug", json!("1nuovo")),
            &["slug"],
            "slug starting with a digit",
        ),
        (
            with("slug", json!("nuovo/../x")),
            &["slug"],
            "slug with a path",
        ),
        (with("name", json!("  ")), &["name"], "blank name"),
        (with("hosts", json!([])), &["hosts"], "no host"),
        (
            with("hosts", json!(["https://nuovo.test"])),
            &["hosts[0]"],
            "URL as host",
        ),
        (
            with("hosts", json!(["nuovo.test:8080"])),
            &["hosts[0]"],
            "host with port",
        ),
        (
            with("hosts", json!(["nuovo.test", "nuovo_2.test"])),
            &["hosts[1]"],
            "underscore",
        ),
        (
            with("hosts", json!(["nuovo.test", "NUOVO.test"])),
            &["hosts[1]"],
            "host twice",
        ),
        (
            with("hosts", json!(["127.0.0.1"])),
            &["hosts[0]"],
            "IP address",
        ),
        (
            with("logo_url", json!("javascript:alert(1)")),
            &["logo_url"],
            "script logo",
        ),
        (
            with("logo_url", json!("//evil.example/logo.png")),
            &["logo_url"],
            "protocol-relative logo",
        ),
        (
            with("fiscal_code", json!("123")),
            &["fiscal_code"],
            "bad fiscal code",
        ),
        (
            with("admin", json!({"email": "non-una-mail"})),
            &["admin.email"],
            "bad admin e-mail",
        ),
        (
            with(
                "admin",
                json!({"email": "a@nuovo.test", "password": "corta"}),
            ),
            &["admin.password"],
            "weak admin password",
        ),
        (
            json!({"slug": "X", "name": "", "hosts": ["-x.test"], "logo_url": "ftp://x"}),
            &["slug", "name", "logo_url", "hosts[0]"],
            "everything at once",
        ),
    ];
    for (body, expect, what) in cases {
        let (status, p) = call(
            &app,
            Method::POST,
            "/platform/tenants",
            Some(&platform),
            Some(&body),
        )
        .await;
        assert_eq!(status, 422, "{what}: {p}");
        assert_eq!(fields(&p), expect, "{what}: {p}");
    }
    // Malformed bodies.
    let res = app
        .client
        .post(app.url("/platform/tenants"))
        .bearer_auth(&platform)
        .header("content-type", "application/json")
        .body("{\"slug\": ")
        .send()
        .await
        .unwrap();
    assert_problem(res, 422, "truncated JSON").await;
    let res = app
        .client
        .post(app.url("/platform/tenants"))
        .bearer_auth(&platform)
        .json(&json!({"slug": "nuovo", "name": "N", "hosts": "nuovo.test"}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    assert!(
        status == 400 || status == 422,
        "hosts as a string: {status}"
    );
    assert_eq!((tenant_rows(), counts(&app)), before, "nothing stored");

    // Updates: the same rules, nothing changed.
    let (status, created) = call(
        &app,
        Method::POST,
        "/platform/tenants",
        Some(&platform),
        Some(&ok),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let path = format!(
        "/platform/tenants/{}",
        created["tenant"]["id"].as_str().unwrap()
    );
    let bad_updates: Vec<(Value, &[&str])> = vec![
        (json!({"hosts": ["bad host"]}), &["hosts[0]"]),
        (json!({"hosts": []}), &["hosts"]),
        (json!({"name": ""}), &["name"]),
        (
            json!({"logo_url": "data:image/png;base64,AAAA"}),
            &["logo_url"],
        ),
        (json!({"fiscal_code": "ABC"}), &["fiscal_code"]),
    ];
    for (body, expect) in bad_updates {
        let (status, p) = call(&app, Method::PATCH, &path, Some(&platform), Some(&body)).await;
        assert_eq!(status, 422, "{body}: {p}");
        assert_eq!(fields(&p), expect, "{body}: {p}");
    }
    let (_, after) = call(&app, Method::GET, &path, Some(&platform), None).await;
    assert_eq!(after, created["tenant"]);
}

db_test!(receipt_and_rating_bad_input);
async fn receipt_and_rating_bad_input(app: TestApp) {
    let tributi = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&tributi]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let body = json!({"type": "tari_reclamo", "subject": "Oggetto", "description": "Descrizione", "fields": {"servizio": "raccolta"}});
    let created: Value = app
        .post_json("/requests", Some(&anna), &body)
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    for action in [
        json!({"action": "take"}),
        json!({"action": "resolve", "note": "Risolto."}),
    ] {
        let res = app
            .post_json(&format!("/requests/{id}/transitions"), Some(&op), &action)
            .await;
        assert_eq!(res.status(), 200);
    }
    for path in [
        "/requests/no-such-request/receipt.pdf",
        "/requests/no-such-request/rating",
    ] {
        assert_problem(app.get(path, Some(&anna)).await, 404, path).await;
    }
    let path = format!("/requests/{id}/rating");
    let long = "x".repeat(201);
    let bad: Vec<(Value, &str)> = vec![
        (json!({"stars": 0}), "stars"),
        (json!({"stars": 6, "aspects": []}), "stars"),
        // A poor rating's answers after a good one, an answer twice, unknown answers.
        (json!({"stars": 5, "aspects": ["unclear"]}), "aspects"),
        (json!({"stars": 2, "aspects": ["lost", "lost"]}), "aspects"),
        (json!({"stars": 3, "details": long}), "details"),
        (json!({"stars": 3, "details": "riga\nnuova"}), "details"),
    ];
    for (body, field) in bad {
        let p = assert_problem(app.post_json(&path, Some(&anna), &body).await, 422, field).await;
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }
    for body in [
        json!({"stars": "cinque"}),
        json!({"stars": 300}),
        json!({"stars": 4, "aspects": ["bellissimo"]}),
        json!({}),
        json!("quattro"),
    ] {
        assert_problem(
            app.post_json(&path, Some(&anna), &body).await,
            422,
            &body.to_string(),
        )
        .await;
    }
    // Nothing was stored by the refused ratings: a good one still goes through, once.
    let res = app
        .post_json(&path, Some(&anna), &json!({"stars": 4}))
        .await;
    assert_eq!(res.status(), 201);
    assert_problem(
        app.post_json(&path, Some(&anna), &json!({"stars": 4}))
            .await,
        409,
        "second rating",
    )
    .await;
}

db_test!(tenant_contacts_bad_input);
async fn tenant_contacts_bad_input(app: TestApp) {
    use crate::admin::{admin_token, call, fields};
    use reqwest::Method;
    let admin = admin_token(&app).await;
    // Every bad contact is named at once, and nothing is stored.
    let bad = json!({"contacts": {
        "parent_body": "x".repeat(201),
        "pec": "protocollo-at-comune",
        "email": "@",
        "phone": "12",
        "vat_number": "1234567890",
    }});
    let (status, p) = call(&app, Method::PUT, "/settings", Some(&admin), Some(&bad)).await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(
        fields(&p),
        [
            "contacts.parent_body",
            "contacts.pec",
            "contacts.email",
            "contacts.phone",
            "contacts.vat_number"
        ],
        "{p}"
    );
    let (_, public) = call(&app, Method::GET, "/public/tenant", None, None).await;
    assert_eq!(public["contacts"], json!({}), "{public}");
    // A good set is normalised and public at once; blanks clear a field.
    let good = json!({"contacts": {
        "address": " Piazza Roma 1, 00100 Prova ",
        "pec": "Protocollo@PEC.Prova.it",
        "phone": "06 1234567",
        "vat_number": "IT00123450678",
        "email": "",
    }});
    let (status, saved) = call(&app, Method::PUT, "/settings", Some(&admin), Some(&good)).await;
    assert_eq!(status, 200, "{saved}");
    let expected = json!({
        "address": "Piazza Roma 1, 00100 Prova",
        "pec": "protocollo@pec.prova.it",
        "phone": "+39061234567",
        "vat_number": "00123450678",
    });
    assert_eq!(saved["contacts"], expected);
    let (_, public) = call(&app, Method::GET, "/public/tenant", None, None).await;
    assert_eq!(public["contacts"], expected, "{public}");
}
