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
