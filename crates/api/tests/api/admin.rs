//! Administration: settings, offices, users, routing rules, the audit log, tenant
//! isolation and the demo seed.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

pub const ADMIN: &str = "admin@comune.test";

/// Creates the default tenant's administrator and signs in.
pub async fn admin_token(app: &TestApp) -> String {
    app.staff(ADMIN, "admin", &[]);
    app.token(ADMIN).await
}

/// Any method, optional bearer token, JSON body and `Host` header (another tenant).
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
    host: Option<&str>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    if let Some(h) = host {
        req = req.header("Host", h);
    }
    req.send().await.unwrap()
}

/// Status and JSON body (`Null` when empty).
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let res = send(app, method, path, token, body, None).await;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The field names of a problem document's `errors`.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A second tenant served on `host`, with its own administrator; returns the admin token.
pub async fn other_tenant(app: &TestApp, host: &str) -> String {
    let state = app.state.clone();
    let host_owned = host.to_owned();
    // Off the test runtime: hashing takes a while in debug builds.
    tokio::task::spawn_blocking(move || {
        let hash = api::auth::password::hash(PASSWORD).unwrap();
        state
            .db
            .write_tx(|c| {
                let t = api::db::repo::tenants::create(c, "altro", "Comune Altro")?;
                api::db::repo::tenants::add_host(c, &t.id, &host_owned)?;
                api::seed::upsert_staff(
                    c,
                    &t.id,
                    "admin@altro.test",
                    &hash,
                    "admin",
                    "Altro",
                    "Admin",
                )
            })
            .unwrap();
        // Host mappings are cached whole: a new one is seen once the cache is told.
        state.tenant_changed("altro");
    })
    .await
    .unwrap();
    let res = send(
        app,
        Method::POST,
        "/auth/login",
        None,
        Some(&json!({"username": "admin@altro.test", "password": PASSWORD})),
        Some(host),
    )
    .await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

db_test!(settings_round_trip_and_validation);
async fn settings_round_trip_and_validation(app: TestApp) {
    app.staff("operatore@comune.test", "operator", &[]);
    let admin = admin_token(&app).await;
    let (status, settings) = call(&app, Method::GET, "/settings", Some(&admin), None).await;
    assert_eq!(status, 200);
    assert_eq!(settings["name"], "Sportello");
    assert_eq!(settings["tqrif_scheme"], 1);

    // A partial update changes only what it sends.
    let (status, updated) = call(
        &app,
        Method::PUT,
        "/settings",
        Some(&admin),
        Some(&json!({
            "name": "Comune di Prova",
            "fiscal_code": "00123450678",
            "patron_saint": "12-07",
            "closure_days": ["2026-12-24", "2026-08-14", "2026-12-24"],
            "standard_days": {"reclamo": 20, "disservizio": null},
            "tqrif_scheme": 2
        })),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["name"], "Comune di Prova");
    assert_eq!(updated["fiscal_code"], "00123450678");
    assert_eq!(updated["patron_saint"], "12-07");
    assert_eq!(updated["closure_days"], json!(["2026-08-14", "2026-12-24"]));
    assert_eq!(
        updated["standard_days"],
        json!({"reclamo": 20, "disservizio": null})
    );
    assert_eq!(updated["tqrif_scheme"], 2);
    assert_eq!(updated["target_percent"], 70);
    let (_, again) = call(&app, Method::GET, "/settings", Some(&admin), None).await;
    assert_eq!(again, updated);

    // The new calendar is public at once (the tenant cache is refreshed).
    let (_, public) = call(&app, Method::GET, "/public/tenant", None, None).await;
    assert_eq!(public["name"], "Comune di Prova");
    assert_eq!(public["patron_saint"], "12-07");
    assert_eq!(public["closure_days"], json!(["2026-08-14", "2026-12-24"]));

    // Every bad field is reported at once, and nothing is stored.
    let (status, problem) = call(
        &app,
        Method::PUT,
        "/settings",
        Some(&admin),
        Some(&json!({
            "name": "Altro nome",
            "fiscal_code": "RSSMRA80A01H501X",
            "patron_saint": "13-40",
            "standard_days": {"reclamo": 0},
            "tqrif_scheme": 7,
            "target_percent": 101,
            "logo_url": "javascript:alert(1)"
        })),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let f = fields(&problem);
    for expected in [
        "fiscal_code",
        "patron_saint",
        "standard_days.reclamo",
        "tqrif_scheme",
        "target_percent",
        "logo_url",
    ] {
        assert!(f.contains(&expected.to_owned()), "{expected} in {problem}");
    }
    let (_, unchanged) = call(&app, Method::GET, "/settings", Some(&admin), None).await;
    assert_eq!(unchanged, updated);

    // English on request.
    let res = app
        .client
        .put(app.url("/settings"))
        .bearer_auth(&admin)
        .header("Accept-Language", "en")
        .json(&json!({"patron_saint": "02-30"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("MM-DD"),
        "{problem}"
    );

    // Blank clears an optional setting.
    let (status, cleared) = call(
        &app,
        Method::PUT,
        "/settings",
        Some(&admin),
        Some(&json!({"patron_saint": "", "logo_url": "https://comune.test/logo.svg"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(cleared["patron_saint"], Value::Null);
    assert_eq!(cleared["logo_url"], "https://comune.test/logo.svg");

    // Staff read, only administrators write; anonymous callers do neither.
    let op = app.token("operatore@comune.test").await;
    assert_eq!(
        call(&app, Method::GET, "/settings", Some(&op), None)
            .await
            .0,
        200
    );
    let (status, problem) = call(
        &app,
        Method::PUT,
        "/settings",
        Some(&op),
        Some(&json!({"name": "Hack"})),
    )
    .await;
    assert_eq!(status, 403, "{problem}");
    assert_eq!(
        call(&app, Method::GET, "/settings", None, None).await.0,
        401
    );
}

db_test!(offices_crud);
async fn offices_crud(app: TestApp) {
    // Accounts first: hashing blocks the test runtime, idle keep-alive connections would drop.
    app.staff("operatore@comune.test", "operator", &[]);
    let admin = admin_token(&app).await;
    let (status, tributi) = call(
        &app,
        Method::POST,
        "/offices",
        Some(&admin),
        Some(&json!({"name": "Ufficio Tributi", "email": "Tributi@Comune.test"})),
    )
    .await;
    assert_eq!(status, 201, "{tributi}");
    assert_eq!(tributi["email"], "tributi@comune.test");
    let tributi_id = tributi["id"].as_str().unwrap().to_owned();

    // Same name again → 409; empty name or bad e-mail → 422.
    let (status, problem) = call(
        &app,
        Method::POST,
        "/offices",
        Some(&admin),
        Some(&json!({"name": " Ufficio Tributi "})),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    let (status, problem) = call(
        &app,
        Method::POST,
        "/offices",
        Some(&admin),
        Some(&json!({"name": "  ", "email": "x"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&problem), ["name", "email"]);

    let (_, tecnico) = call(
        &app,
        Method::POST,
        "/offices",
        Some(&admin),
        Some(&json!({"name": "Ufficio Tecnico"})),
    )
    .await;
    let tecnico_id = tecnico["id"].as_str().unwrap().to_owned();

    // Rename; renaming onto another office's name is a conflict.
    let (status, renamed) = call(
        &app,
        Method::PUT,
        &format!("/offices/{tecnico_id}"),
        Some(&admin),
        Some(&json!({"name": "Ufficio Tecnico e Ambiente"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(renamed["name"], "Ufficio Tecnico e Ambiente");
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("/offices/{tecnico_id}"),
        Some(&admin),
        Some(&json!({"name": "Ufficio Tributi"})),
    )
    .await;
    assert_eq!(status, 409);

    // Staff list them by name; operators cannot write.
    let op = app.token("operatore@comune.test").await;
    let (status, list) = call(&app, Method::GET, "/offices", Some(&op), None).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ufficio Tecnico e Ambiente", "Ufficio Tributi"]);
    let (status, _) = call(
        &app,
        Method::POST,
        "/offices",
        Some(&op),
        Some(&json!({"name": "Abusivo"})),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        call(
            &app,
            Method::DELETE,
            &format!("/offices/{tributi_id}"),
            Some(&op),
            None
        )
        .await
        .0,
        403
    );

    // An office that routing rules still point at cannot go.
    let (status, _) = call(
        &app,
        Method::PUT,
        "/routing-rules",
        Some(&admin),
        Some(&json!([{"kind": "reclamo", "office_id": tributi_id}])),
    )
    .await;
    assert_eq!(status, 200);
    let (status, problem) = call(
        &app,
        Method::DELETE,
        &format!("/offices/{tributi_id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        problem["detail"].as_str().unwrap().contains("smistamento"),
        "{problem}"
    );

    // A free office goes; then it is not found.
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/offices/{tecnico_id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/offices/{tecnico_id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("/offices/{tecnico_id}"),
        Some(&admin),
        Some(&json!({"name": "Fantasma"})),
    )
    .await;
    assert_eq!(status, 404);
}

db_test!(users_are_created_and_deactivated);
async fn users_are_created_and_deactivated(app: TestApp) {
    let admin = admin_token(&app).await;
    let admin_id = {
        let (_, me) = call(&app, Method::GET, "/me", Some(&admin), None).await;
        me["id"].as_str().unwrap().to_owned()
    };
    let office = app.office("Ufficio Tributi");

    // Validation: every field at once.
    let (status, problem) = call(
        &app,
        Method::POST,
        "/users",
        Some(&admin),
        Some(&json!({
            "email": "non-una-mail", "password": "corta", "first_name": "",
            "last_name": "Verdi", "role": "citizen"
        })),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let f = fields(&problem);
    for expected in ["email", "password", "first_name", "role"] {
        assert!(f.contains(&expected.to_owned()), "{expected} in {problem}");
    }
    // Offices must be the tenant's.
    let (status, problem) = call(
        &app,
        Method::POST,
        "/users",
        Some(&admin),
        Some(&json!({
            "email": "luca@comune.test", "password": PASSWORD, "first_name": "Luca",
            "last_name": "Verdi", "role": "operator", "office_ids": ["nope"]
        })),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&problem), ["office_ids"]);

    let (status, luca) = call(
        &app,
        Method::POST,
        "/users",
        Some(&admin),
        Some(&json!({
            "email": "Luca@Comune.test", "password": PASSWORD, "first_name": "Luca",
            "last_name": "Verdi", "role": "operator", "office_ids": [office, office]
        })),
    )
    .await;
    assert_eq!(status, 201, "{luca}");
    assert_eq!(luca["email"], "luca@comune.test");
    assert_eq!(luca["role"], "operator");
    assert_eq!(luca["office_ids"], json!([office]));
    assert_eq!(luca["active"], true);
    let luca_id = luca["id"].as_str().unwrap().to_owned();
    let (status, _) = call(
        &app,
        Method::POST,
        "/users",
        Some(&admin),
        Some(&json!({
            "email": "luca@comune.test", "password": PASSWORD, "first_name": "Luca",
            "last_name": "Bis", "role": "operator"
        })),
    )
    .await;
    assert_eq!(status, 409);

    // The new operator signs in (own client: own refresh cookie) and sees the office.
    let luca_client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = |client: reqwest::Client, pw: &'static str| {
        let url = app.url("/auth/login");
        async move {
            client
                .post(url)
                .json(&json!({"username": "luca@comune.test", "password": pw}))
                .send()
                .await
                .unwrap()
        }
    };
    let res = login(luca_client.clone(), PASSWORD).await;
    assert_eq!(res.status(), 200);
    let luca_token = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, me) = call(&app, Method::GET, "/me", Some(&luca_token), None).await;
    assert_eq!(me["office_ids"], json!([office]));
    let refresh = luca_client
        .post(app.url("/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), 200);

    // Operators cannot manage users, but can look them up.
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/users/{admin_id}"),
        Some(&luca_token),
        Some(&json!({"active": false})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, found) = call(
        &app,
        Method::GET,
        &format!("/users/{luca_id}"),
        Some(&luca_token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(found, luca);

    // List: filters by role and by words of the name.
    let (_, page) = call(
        &app,
        Method::GET,
        "/users?role=operator",
        Some(&admin),
        None,
    )
    .await;
    let emails: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["luca@comune.test"]);
    let (_, page) = call(&app, Method::GET, "/users?q=VERDI%20lu", Some(&admin), None).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let (_, page) = call(&app, Method::GET, "/users?limit=1", Some(&admin), None).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let (_, page2) = call(
        &app,
        Method::GET,
        &format!("/users?limit=1&cursor={cursor}"),
        Some(&admin),
        None,
    )
    .await;
    assert_ne!(page2["items"][0]["id"], page["items"][0]["id"]);

    // Administrators cannot lock themselves out.
    let (status, problem) = call(
        &app,
        Method::PATCH,
        &format!("/users/{admin_id}"),
        Some(&admin),
        Some(&json!({"active": false})),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/users/{admin_id}"),
        Some(&admin),
        Some(&json!({"role": "operator"})),
    )
    .await;
    assert_eq!(status, 409);

    // Promote, then deactivate: sign-in and refresh stop working.
    let (status, updated) = call(
        &app,
        Method::PATCH,
        &format!("/users/{luca_id}"),
        Some(&admin),
        Some(&json!({"role": "supervisor", "office_ids": []})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["role"], "supervisor");
    assert_eq!(updated["office_ids"], json!([]));
    let (status, updated) = call(
        &app,
        Method::PATCH,
        &format!("/users/{luca_id}"),
        Some(&admin),
        Some(&json!({"active": false})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(updated["active"], false);
    let res = login(luca_client.clone(), PASSWORD).await;
    assert_eq!(res.status(), 403);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("disattivato"),
        "{problem}"
    );
    let refresh = luca_client
        .post(app.url("/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), 401);

    // Reactivate with a new password (PUT works like PATCH): only the new one works.
    let (status, problem) = call(
        &app,
        Method::PUT,
        &format!("/users/{luca_id}"),
        Some(&admin),
        Some(&json!({"password": "luca@comune.test"})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("/users/{luca_id}"),
        Some(&admin),
        Some(&json!({"active": true, "password": "NuovaPassword2027"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(login(luca_client.clone(), PASSWORD).await.status(), 401);
    assert_eq!(
        login(luca_client.clone(), "NuovaPassword2027")
            .await
            .status(),
        200
    );

    // Unknown ids are 404.
    let (status, _) = call(
        &app,
        Method::PATCH,
        "/users/nope",
        Some(&admin),
        Some(&json!({"active": false})),
    )
    .await;
    assert_eq!(status, 404);
}

db_test!(routing_rules_replace_all);
async fn routing_rules_replace_all(app: TestApp) {
    app.staff("operatore@comune.test", "operator", &[]);
    let admin = admin_token(&app).await;
    let tributi = app.office("Ufficio Tributi");
    let raccolta = app.office("Gestore raccolta");
    let (status, rules) = call(&app, Method::GET, "/routing-rules", Some(&admin), None).await;
    assert_eq!(status, 200);
    assert_eq!(rules, json!([]));

    let wanted = json!([
        {"kind": "reclamo", "office_id": tributi},
        {"kind": "disservizio", "office_id": raccolta},
        {"kind": "rimborso", "office_id": tributi},
    ]);
    let (status, saved) = call(
        &app,
        Method::PUT,
        "/routing-rules",
        Some(&admin),
        Some(&wanted),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved.as_array().unwrap().len(), 3);
    let kinds: Vec<&str> = saved
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["disservizio", "reclamo", "rimborso"]);

    // Replace-all: what is left out goes.
    let (status, saved) = call(
        &app,
        Method::PUT,
        "/routing-rules",
        Some(&admin),
        Some(&json!([{"kind": "reclamo", "office_id": raccolta}])),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(saved, json!([{"kind": "reclamo", "office_id": raccolta}]));

    // Unknown office, repeated kind, unknown kind.
    let (status, problem) = call(
        &app,
        Method::PUT,
        "/routing-rules",
        Some(&admin),
        Some(&json!([{"kind": "reclamo", "office_id": "nope"}])),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&problem), ["[0].office_id"]);
    let (status, problem) = call(
        &app,
        Method::PUT,
        "/routing-rules",
        Some(&admin),
        Some(&json!([
            {"kind": "reclamo", "office_id": tributi},
            {"kind": "reclamo", "office_id": raccolta}
        ])),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&problem), ["[1].kind"]);
    let (status, _) = call(
        &app,
        Method::PUT,
        "/routing-rules",
        Some(&admin),
        Some(&json!([{"kind": "teletrasporto", "office_id": tributi}])),
    )
    .await;
    assert_eq!(status, 422);

    // Staff read, only administrators write.
    let op = app.token("operatore@comune.test").await;
    let (status, rules) = call(&app, Method::GET, "/routing-rules", Some(&op), None).await;
    assert_eq!(status, 200);
    assert_eq!(rules, json!([{"kind": "reclamo", "office_id": raccolta}]));
    let (status, _) = call(
        &app,
        Method::PUT,
        "/routing-rules",
        Some(&op),
        Some(&json!([])),
    )
    .await;
    assert_eq!(status, 403);
}

db_test!(every_admin_write_is_audited);
async fn every_admin_write_is_audited(app: TestApp) {
    app.staff("capo@comune.test", "supervisor", &[]);
    app.staff("operatore@comune.test", "operator", &[]);
    let admin = admin_token(&app).await;
    let (_, me) = call(&app, Method::GET, "/me", Some(&admin), None).await;
    let admin_id = me["id"].as_str().unwrap().to_owned();

    call(
        &app,
        Method::PUT,
        "/settings",
        Some(&admin),
        Some(&json!({"name": "Comune Auditato"})),
    )
    .await;
    let (_, office) = call(
        &app,
        Method::POST,
        "/offices",
        Some(&admin),
        Some(&json!({"name": "Ufficio Tributi"})),
    )
    .await;
    let office_id = office["id"].as_str().unwrap();
    call(
        &app,
        Method::PUT,
        &format!("/offices/{office_id}"),
        Some(&admin),
        Some(&json!({"name": "Tributi"})),
    )
    .await;
    let (_, user) = call(
        &app,
        Method::POST,
        "/users",
        Some(&admin),
        Some(&json!({
            "email": "sara@comune.test", "password": PASSWORD, "first_name": "Sara",
            "last_name": "Neri", "role": "operator"
        })),
    )
    .await;
    let user_id = user["id"].as_str().unwrap();
    call(
        &app,
        Method::PATCH,
        &format!("/users/{user_id}"),
        Some(&admin),
        Some(&json!({"password": "UnaNuovaPassword1"})),
    )
    .await;
    call(
        &app,
        Method::PUT,
        "/routing-rules",
        Some(&admin),
        Some(&json!([{"kind": "reclamo", "office_id": office_id}])),
    )
    .await;
    call(
        &app,
        Method::PUT,
        "/routing-rules",
        Some(&admin),
        Some(&json!([])),
    )
    .await;
    call(
        &app,
        Method::DELETE,
        &format!("/offices/{office_id}"),
        Some(&admin),
        None,
    )
    .await;
    let (_, faq) = call(
        &app,
        Method::POST,
        "/faq",
        Some(&admin),
        Some(&json!({"question": "Domanda?", "answer": "Risposta."})),
    )
    .await;
    let faq_id = faq["id"].as_str().unwrap();
    call(
        &app,
        Method::PUT,
        &format!("/faq/{faq_id}"),
        Some(&admin),
        Some(&json!({"question": "Domanda nuova?", "answer": "Risposta."})),
    )
    .await;
    call(
        &app,
        Method::DELETE,
        &format!("/faq/{faq_id}"),
        Some(&admin),
        None,
    )
    .await;
    // A refused write leaves no trace.
    call(
        &app,
        Method::PUT,
        "/settings",
        Some(&admin),
        Some(&json!({"tqrif_scheme": 9})),
    )
    .await;

    let (status, page) = call(&app, Method::GET, "/audit-log", Some(&admin), None).await;
    assert_eq!(status, 200);
    let items = page["items"].as_array().unwrap();
    // Sign-ins are audited too; this test is about the administrators' writes.
    let actions: Vec<&str> = items
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .filter(|a| !a.starts_with("auth."))
        .collect();
    assert_eq!(
        actions,
        [
            "faq.delete",
            "faq.update",
            "faq.create",
            "office.delete",
            "routing.update",
            "routing.update",
            "user.update",
            "user.create",
            "office.update",
            "office.create",
            "settings.update",
        ]
    );
    assert!(items.iter().all(|e| e["actor_id"] == admin_id.as_str()));
    let settings = &items[10];
    assert_eq!(settings["before"]["name"], "Sportello");
    assert_eq!(settings["after"]["name"], "Comune Auditato");
    let office_update = &items[8];
    assert_eq!(office_update["entity_id"], office_id);
    assert_eq!(office_update["before"]["name"], "Ufficio Tributi");
    assert_eq!(office_update["after"]["name"], "Tributi");
    let user_update = &items[6];
    assert_eq!(user_update["after"]["password_reset"], true);
    // Never a password or its hash.
    let dump = page.to_string();
    assert!(
        !dump.contains("argon2") && !dump.contains(PASSWORD),
        "{dump}"
    );

    // Paging.
    let (_, first) = call(&app, Method::GET, "/audit-log?limit=4", Some(&admin), None).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 4);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = call(
        &app,
        Method::GET,
        &format!("/audit-log?limit=4&cursor={cursor}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(second["items"][0]["action"], "routing.update");

    // Supervisors read it, operators do not.
    let sup = app.token("capo@comune.test").await;
    let op = app.token("operatore@comune.test").await;
    assert_eq!(
        call(&app, Method::GET, "/audit-log", Some(&sup), None)
            .await
            .0,
        200
    );
    assert_eq!(
        call(&app, Method::GET, "/audit-log", Some(&op), None)
            .await
            .0,
        403
    );
}

db_test!(another_tenant_sees_nothing);
async fn another_tenant_sees_nothing(app: TestApp) {
    const HOST: &str = "altro.test";
    let admin = admin_token(&app).await;
    let office = app.office("Ufficio Tributi");
    let (_, me) = call(&app, Method::GET, "/me", Some(&admin), None).await;
    let admin_id = me["id"].as_str().unwrap().to_owned();
    let (_, faq) = call(
        &app,
        Method::POST,
        "/faq",
        Some(&admin),
        Some(&json!({"question": "Chi paga la TARI?", "answer": "Chi occupa locali."})),
    )
    .await;
    let faq_id = faq["id"].as_str().unwrap().to_owned();
    let doc =
        crate::public::upload(&app, &admin, &json!({"title": "Regolamento"}), PDF, "r.pdf").await;
    assert_eq!(doc.status(), 201);
    let doc: Value = doc.json().await.unwrap();
    let doc_id = doc["id"].as_str().unwrap().to_owned();
    call(
        &app,
        Method::PUT,
        "/routing-rules",
        Some(&admin),
        Some(&json!([{"kind": "reclamo", "office_id": office}])),
    )
    .await;

    let other = other_tenant(&app, HOST).await;
    let get = |path: String| {
        let other = other.clone();
        let app = &app;
        async move {
            let res = send(app, Method::GET, &path, Some(&other), None, Some(HOST)).await;
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, offices) = get("/offices".into()).await;
    assert_eq!(status, 200);
    assert_eq!(offices, json!([]));
    let (_, users) = get("/users".into()).await;
    let emails: Vec<&str> = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(emails, ["admin@altro.test"]);
    assert_eq!(get(format!("/users/{admin_id}")).await.0, 404);
    assert_eq!(get("/routing-rules".into()).await.1, json!([]));
    // Its audit log has only its own administrator's sign-in.
    let (_, audit) = get("/audit-log".into()).await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["auth.login"], "{audit}");
    let (_, settings) = get("/settings".into()).await;
    assert_eq!(settings["name"], "Comune Altro");
    assert_eq!(get("/public/documents".into()).await.1, json!([]));
    assert_eq!(get("/public/faq".into()).await.1, json!([]));
    assert_eq!(get(format!("/public/documents/{doc_id}/file")).await.0, 404);
    assert_eq!(get("/public/tenant".into()).await.1["name"], "Comune Altro");

    // Writes on this tenant's ids are 404, and nothing changes.
    for (method, path, body) in [
        (
            Method::PUT,
            format!("/offices/{office}"),
            Some(json!({"name": "Preso"})),
        ),
        (Method::DELETE, format!("/offices/{office}"), None),
        (
            Method::PATCH,
            format!("/users/{admin_id}"),
            Some(json!({"active": false})),
        ),
        (
            Method::PUT,
            format!("/faq/{faq_id}"),
            Some(json!({"question": "Preso?", "answer": "Sì."})),
        ),
        (Method::DELETE, format!("/faq/{faq_id}"), None),
        (Method::DELETE, format!("/documents/{doc_id}"), None),
    ] {
        let res = send(
            &app,
            method.clone(),
            &path,
            Some(&other),
            body.as_ref(),
            Some(HOST),
        )
        .await;
        assert_eq!(res.status(), 404, "{method} {path}");
    }
    // Routing to another tenant's office is refused.
    let res = send(
        &app,
        Method::PUT,
        "/routing-rules",
        Some(&other),
        Some(&json!([{"kind": "reclamo", "office_id": office}])),
        Some(HOST),
    )
    .await;
    assert_eq!(res.status(), 422);
    let (_, offices) = call(&app, Method::GET, "/offices", Some(&admin), None).await;
    assert_eq!(offices[0]["name"], "Ufficio Tributi");
    let (_, faqs) = call(&app, Method::GET, "/public/faq", None, None).await;
    assert_eq!(faqs.as_array().unwrap().len(), 1);

    // A token is valid only on its own tenant.
    let res = send(
        &app,
        Method::GET,
        "/offices",
        Some(&admin),
        None,
        Some(HOST),
    )
    .await;
    assert_eq!(res.status(), 401);
}

db_test!(seed_demo_is_idempotent);
async fn seed_demo_is_idempotent(app: TestApp) {
    let config = api::config::Config::for_paths(
        app.database_url.clone(),
        app.state.config.files_dir.clone(),
    );
    let run = |config: api::config::Config| async move {
        tokio::task::spawn_blocking(move || api::seed::demo(&config))
            .await
            .unwrap()
            .unwrap()
    };
    let report = run(config.clone()).await;
    assert!(report.contains("admin@comune.esempio.it"), "{report}");
    assert!(report.contains(api::seed::DEMO_PASSWORD), "{report}");
    let counts = || {
        use api::db::schema::*;
        use diesel::prelude::*;
        app.state
            .db
            .read(|c| {
                Ok::<_, diesel::result::Error>((
                    tenants::table.count().get_result::<i64>(c)?,
                    offices::table.count().get_result::<i64>(c)?,
                    users::table.count().get_result::<i64>(c)?,
                    user_offices::table.count().get_result::<i64>(c)?,
                    routing_rules::table.count().get_result::<i64>(c)?,
                    request_types::table.count().get_result::<i64>(c)?,
                    documents::table.count().get_result::<i64>(c)?,
                    faqs::table.count().get_result::<i64>(c)?,
                ))
            })
            .unwrap()
    };
    let first = counts();
    // 3 offices, 5 staff + demo citizen + generic contribuente, all 12 kinds routed.
    assert_eq!(first.0, 1);
    assert_eq!(first.1, 3);
    assert_eq!(first.2, 7);
    assert_eq!(first.4, 12);
    assert!(first.5 >= 12);
    assert_eq!(first.6, 4);
    assert!(first.7 >= 8);
    run(config).await;
    assert_eq!(counts(), first);

    // The tenant is renamed and its generic contribuente cannot sign in.
    app.state.tenants.invalidate();
    let (_, tenant) = call(&app, Method::GET, "/public/tenant", None, None).await;
    assert_eq!(tenant["name"], "Comune di Esempio");
    assert!(tenant["patron_saint"].is_string());
    assert!(!tenant["closure_days"].as_array().unwrap().is_empty());
    let generic = app
        .state
        .db
        .read(api::db::repo::tenants::default_tenant)
        .unwrap()
        .unwrap()
        .generic_citizen_id
        .expect("generic contribuente");
    assert!(!generic.is_empty());

    // The printed credentials work; the documents download as PDFs.
    let admin = app
        .login("admin@comune.esempio.it", api::seed::DEMO_PASSWORD)
        .await;
    assert_eq!(admin.status(), 200);
    let citizen = app
        .login("RSSMRA80A01H501U", api::seed::DEMO_PASSWORD)
        .await;
    assert_eq!(citizen.status(), 200);
    let op = app
        .login(
            "operatore.tributi@comune.esempio.it",
            api::seed::DEMO_PASSWORD,
        )
        .await;
    let op: Value = op.json().await.unwrap();
    let (_, me) = call(&app, Method::GET, "/me", op["access_token"].as_str(), None).await;
    assert_eq!(me["office_ids"].as_array().unwrap().len(), 1);
    let (_, docs) = call(&app, Method::GET, "/public/documents", None, None).await;
    let titles: Vec<&str> = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Regolamento TARI"), "{titles:?}");
    let url = docs[0]["url"].as_str().unwrap();
    let res = app
        .client
        .get(format!("{}{url}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-1.4") && bytes.ends_with(b"%%EOF\n"));
    // The demo FAQ (crates/domain/data/faq-demo.csv), once however often it is seeded.
    let (_, faq) = call(&app, Method::GET, "/public/faq", None, None).await;
    assert_eq!(faq.as_array().unwrap().len(), 37);
    let (_, faq) = call(&app, Method::GET, "/public/faq?q=ingombranti", None, None).await;
    assert_eq!(faq.as_array().unwrap().len(), 3);
    // And the rest of the public content: the Riciclabolario and every transparency item.
    let (_, waste) = call(&app, Method::GET, "/public/riciclabolario", None, None).await;
    assert_eq!(waste.as_array().unwrap().len(), 153);
    let (_, page) = call(&app, Method::GET, "/public/transparency", None, None).await;
    let sections = page["sections"].as_array().unwrap();
    assert!(sections.iter().all(|s| s["body"].is_string()), "{page}");
    assert_eq!(page["separate_collection"].as_array().unwrap().len(), 3);
}
