//! The platform's tenants: platform administrators create them with their host names, a
//! new tenant is usable at once on its host, and nobody else may manage tenants or see
//! another tenant's data.

use reqwest::Method;
use serde_json::{Value, json};

use crate::admin::{admin_token, call, fields, send};
use crate::helpers::*;

pub const PLATFORM: &str = "piattaforma@comune.test";

/// A platform administrator (an administrator of the default tenant, listed as such).
pub async fn platform_token(app: &TestApp) -> String {
    let id = app.staff(PLATFORM, "admin", &[]);
    app.state
        .db
        .write_tx(|c| api::db::repo::tenants::grant_platform_admin(c, &id))
        .unwrap();
    app.token(PLATFORM).await
}

/// Status and JSON body of a call on `host`.
async fn on_host(
    app: &TestApp,
    method: Method,
    path: &str,
    host: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let res = send(app, method, path, token, body, Some(host)).await;
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn login_on(app: &TestApp, host: &str, email: &str) -> String {
    let (status, body) = on_host(
        app,
        Method::POST,
        "/auth/login",
        host,
        None,
        Some(&json!({"username": email, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 200, "login {email} on {host}: {body}");
    body["access_token"].as_str().unwrap().to_owned()
}

fn new_tenant(slug: &str, host: &str) -> Value {
    json!({
        "slug": slug,
        "name": "Comune di Nuovo",
        "fiscal_code": "00123450678",
        "logo_url": "https://www.comune.nuovo.it/logo.svg",
        "hosts": [host],
        "admin": {"email": "segreteria@nuovo.test", "password": PASSWORD}
    })
}

fn tenant_count(app: &TestApp) -> (i64, i64, i64) {
    use api::db::schema::{request_types, tenant_hosts, tenants};
    use diesel::prelude::*;
    app.state
        .db
        .read(|c| {
            Ok::<_, api::error::ApiError>((
                tenants::table.count().get_result(c)?,
                tenant_hosts::table.count().get_result(c)?,
                request_types::table.count().get_result(c)?,
            ))
        })
        .unwrap()
}

db_test!(a_new_tenant_works_at_once_on_its_host);
async fn a_new_tenant_works_at_once_on_its_host(app: TestApp) {
    let platform = platform_token(&app).await;
    // The host is asked for before it exists: the default tenant answers, and the host
    // map is cached.
    let (_, before) = on_host(
        &app,
        Method::GET,
        "/public/tenant",
        "nuovo.test",
        None,
        None,
    )
    .await;
    assert_eq!(before["name"], "Sportello");

    let (status, created) = call(
        &app,
        Method::POST,
        "/platform/tenants",
        Some(&platform),
        Some(&new_tenant("nuovo", "Nuovo.Test")),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let t = &created["tenant"];
    assert_eq!(t["slug"], "nuovo");
    assert_eq!(t["hosts"], json!(["nuovo.test"]));
    assert_eq!(t["active"], true);
    assert_eq!(t["is_default"], false);
    assert_eq!(created["admin"]["email"], "segreteria@nuovo.test");
    assert_eq!(created["admin"]["invited"], false);
    let id = t["id"].as_str().unwrap().to_owned();

    // Its host answers with it at once, logo and all.
    let (status, card) = on_host(
        &app,
        Method::GET,
        "/public/tenant",
        "nuovo.test",
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(card["id"], id.as_str());
    assert_eq!(card["name"], "Comune di Nuovo");
    assert_eq!(card["logo_url"], "https://www.comune.nuovo.it/logo.svg");

    // Listed and readable by the platform administrator.
    let (status, list) = call(
        &app,
        Method::GET,
        "/platform/tenants",
        Some(&platform),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["default", "nuovo"]);
    let (status, one) = call(
        &app,
        Method::GET,
        &format!("/platform/tenants/{id}"),
        Some(&platform),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(one["fiscal_code"], "00123450678");

    // The standard catalogue: request types, offices, routing.
    let (_, types) = on_host(
        &app,
        Method::GET,
        "/request-types",
        "nuovo.test",
        None,
        None,
    )
    .await;
    assert!(
        types.as_array().unwrap().len() >= 10,
        "request types: {types}"
    );
    let admin = login_on(&app, "nuovo.test", "segreteria@nuovo.test").await;
    let (status, offices) = on_host(
        &app,
        Method::GET,
        "/offices",
        "nuovo.test",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let names: Vec<&str> = offices
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Gestore raccolta", "Ufficio Tecnico", "Ufficio Tributi"]
    );

    // A citizen registers on the new host, is approved by its administrator and files a
    // request, routed to the new tenant's Ufficio Tributi.
    let form = reqwest::multipart::Form::new()
        .part(
            "data",
            reqwest::multipart::Part::text(citizen_data(CF_A, "anna@example.it").to_string())
                .mime_str("application/json")
                .unwrap(),
        )
        .part(
            "identity_document",
            reqwest::multipart::Part::bytes(PDF.to_vec())
                .file_name("ci.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let res = app
        .client
        .post(app.url("/auth/register"))
        .header("Host", "nuovo.test")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let reg: Value = res.json().await.unwrap();
    let (status, _) = on_host(
        &app,
        Method::POST,
        &format!("/registrations/{}/approve", reg["id"].as_str().unwrap()),
        "nuovo.test",
        Some(&admin),
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 200);
    let citizen = login_on(&app, "nuovo.test", "anna@example.it").await;
    let (status, filed) = on_host(
        &app,
        Method::POST,
        "/requests",
        "nuovo.test",
        Some(&citizen),
        Some(&json!({"type": "tari_reclamo", "subject": "Raccolta", "description": "Non passano.", "fields": {"servizio": "raccolta"}})),
    )
    .await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!(filed["office"]["name"], "Ufficio Tributi");
    assert!(filed["protocol_number"].as_str().is_some());

    // The platform's audit log has the creation.
    let (_, log) = call(&app, Method::GET, "/audit-log", Some(&platform), None).await;
    let entry = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "tenant.create")
        .expect("tenant.create audited");
    assert_eq!(entry["entity_id"], id.as_str());
}

db_test!(only_platform_administrators_manage_tenants);
async fn only_platform_administrators_manage_tenants(app: TestApp) {
    let platform = platform_token(&app).await;
    let default_admin = admin_token(&app).await;
    let (status, created) = call(
        &app,
        Method::POST,
        "/platform/tenants",
        Some(&platform),
        Some(&new_tenant("nuovo", "nuovo.test")),
    )
    .await;
    assert_eq!(status, 201);
    let id = created["tenant"]["id"].as_str().unwrap().to_owned();
    let tenant_admin = login_on(&app, "nuovo.test", "segreteria@nuovo.test").await;

    // A request and a staff account of the default tenant.
    let op = app.staff("op@comune.test", "operator", &[]);
    let op_token = app.token("op@comune.test").await;
    let (_, citizen) = app.citizen(CF_B, "bruno@example.it", &op_token).await;
    let (status, req) = call(
        &app,
        Method::POST,
        "/requests",
        Some(&citizen),
        Some(&json!({"type": "tari_reclamo", "subject": "Raccolta", "description": "Non passano.", "fields": {"servizio": "raccolta"}})),
    )
    .await;
    assert_eq!(status, 201);
    let req_id = req["id"].as_str().unwrap();

    // Neither the new tenant's administrator nor the default tenant's (not a platform
    // administrator) may use the platform operations.
    let update = json!({"name": "Preso"});
    for (token, host) in [(&tenant_admin, Some("nuovo.test")), (&default_admin, None)] {
        for (method, path, body) in [
            (Method::GET, "/platform/tenants".to_owned(), None),
            (
                Method::POST,
                "/platform/tenants".to_owned(),
                Some(new_tenant("altro", "altro.test")),
            ),
            (Method::GET, format!("/platform/tenants/{id}"), None),
            (
                Method::PATCH,
                format!("/platform/tenants/{id}"),
                Some(update.clone()),
            ),
        ] {
            let res = send(
                &app,
                method.clone(),
                &path,
                Some(token),
                body.as_ref(),
                host,
            )
            .await;
            assert_eq!(res.status(), 403, "{method} {path} on {host:?}");
        }
    }
    assert_eq!(
        tenant_count(&app).0,
        2,
        "no tenant created by a tenant admin"
    );

    // The new tenant's administrator sees nothing of the default tenant: not its
    // requests, not its users, and its token is not valid there.
    let (status, _) = on_host(
        &app,
        Method::GET,
        &format!("/requests/{req_id}"),
        "nuovo.test",
        Some(&tenant_admin),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, list) = on_host(
        &app,
        Method::GET,
        "/requests",
        "nuovo.test",
        Some(&tenant_admin),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["items"], json!([]));
    let (status, users) = on_host(
        &app,
        Method::GET,
        "/users",
        "nuovo.test",
        Some(&tenant_admin),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let text = users.to_string();
    assert!(text.contains("segreteria@nuovo.test"), "{text}");
    assert!(
        !text.contains("op@comune.test") && !text.contains(&op),
        "{text}"
    );
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/requests/{req_id}"),
        Some(&tenant_admin),
        None,
    )
    .await;
    assert_eq!(status, 401, "a token of the new tenant on the default host");
    // Nor does /me make a tenant admin a platform administrator.
    let (_, me) = on_host(
        &app,
        Method::GET,
        "/me",
        "nuovo.test",
        Some(&tenant_admin),
        None,
    )
    .await;
    assert_eq!(me["platform_admin"], false);
    let (_, me) = call(&app, Method::GET, "/me", Some(&platform), None).await;
    assert_eq!(me["platform_admin"], true);
    let (_, me) = call(&app, Method::GET, "/me", Some(&default_admin), None).await;
    assert_eq!(me["platform_admin"], false);

    // A platform administrator's listing demoted to operator loses the platform rights.
    let platform_id = app.staff(PLATFORM, "operator", &[]);
    app.state.sessions.invalidate(&platform_id);
    let platform = app.token(PLATFORM).await;
    let (status, _) = call(
        &app,
        Method::GET,
        "/platform/tenants",
        Some(&platform),
        None,
    )
    .await;
    assert_eq!(status, 403);
}

db_test!(duplicates_are_conflicts_naming_the_field);
async fn duplicates_are_conflicts_naming_the_field(app: TestApp) {
    let platform = platform_token(&app).await;
    let (status, _) = call(
        &app,
        Method::POST,
        "/platform/tenants",
        Some(&platform),
        Some(&new_tenant("nuovo", "nuovo.test")),
    )
    .await;
    assert_eq!(status, 201);
    let before = tenant_count(&app);
    let cases = [
        (new_tenant("nuovo", "altro.test"), "slug"),
        (
            json!({"slug": "altro", "name": "Altro", "hosts": ["altro.test", "NUOVO.test"]}),
            "hosts[1]",
        ),
    ];
    for (body, field) in cases {
        let (status, p) = call(
            &app,
            Method::POST,
            "/platform/tenants",
            Some(&platform),
            Some(&body),
        )
        .await;
        assert_eq!(status, 409, "{p}");
        assert_eq!(fields(&p), [field], "{p}");
    }
    assert_eq!(tenant_count(&app), before, "nothing half-created");
    // The default tenant's admin account is not touched by a same-address first admin.
    assert_eq!(
        app.login("segreteria@nuovo.test", PASSWORD).await.status(),
        401
    );
}

db_test!(hosts_logo_and_switching_off);
async fn hosts_logo_and_switching_off(app: TestApp) {
    let platform = platform_token(&app).await;
    let (_, created) = call(
        &app,
        Method::POST,
        "/platform/tenants",
        Some(&platform),
        Some(
            &json!({"slug": "nuovo", "name": "Comune di Nuovo", "hosts": ["nuovo.test"],
                     "admin": {"email": "segreteria@nuovo.test"}}),
        ),
    )
    .await;
    // Without a password, the first administrator is invited to choose one.
    assert_eq!(created["admin"]["invited"], true, "{created}");
    let resets: i64 = {
        use api::db::schema::password_resets;
        use diesel::prelude::*;
        app.state
            .db
            .read(|c| password_resets::table.count().get_result(c))
            .unwrap()
    };
    assert_eq!(resets, 1);
    let id = created["tenant"]["id"].as_str().unwrap().to_owned();
    let path = format!("/platform/tenants/{id}");

    // New hosts replace the old: the old one falls back to the default tenant at once.
    let (status, t) = call(
        &app,
        Method::PATCH,
        &path,
        Some(&platform),
        Some(&json!({"hosts": ["servizi.nuovo.test", "nuovo2.test"], "logo_url": "/static/nuovo.png"})),
    )
    .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["hosts"], json!(["nuovo2.test", "servizi.nuovo.test"]));
    assert_eq!(t["name"], "Comune di Nuovo");
    let (_, card) = on_host(
        &app,
        Method::GET,
        "/public/tenant",
        "nuovo.test",
        None,
        None,
    )
    .await;
    assert_eq!(card["name"], "Sportello");
    let (_, card) = on_host(
        &app,
        Method::GET,
        "/public/tenant",
        "nuovo2.test",
        None,
        None,
    )
    .await;
    assert_eq!(card["name"], "Comune di Nuovo");
    assert_eq!(card["logo_url"], "/static/nuovo.png");

    // Switched off: its hosts answer 404; on again: back.
    let (status, _) = call(
        &app,
        Method::PATCH,
        &path,
        Some(&platform),
        Some(&json!({"active": false})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = on_host(
        &app,
        Method::GET,
        "/public/tenant",
        "nuovo2.test",
        None,
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &app,
        Method::PATCH,
        &path,
        Some(&platform),
        Some(&json!({"active": true})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = on_host(
        &app,
        Method::GET,
        "/public/tenant",
        "nuovo2.test",
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);

    // The default tenant stays on; another tenant's host cannot be taken.
    let (_, list) = call(
        &app,
        Method::GET,
        "/platform/tenants",
        Some(&platform),
        None,
    )
    .await;
    let default_id = list[0]["id"].as_str().unwrap().to_owned();
    let (status, p) = call(
        &app,
        Method::PATCH,
        &format!("/platform/tenants/{default_id}"),
        Some(&platform),
        Some(&json!({"active": false})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&p), ["active"]);
    let (status, p) = call(
        &app,
        Method::PATCH,
        &format!("/platform/tenants/{default_id}"),
        Some(&platform),
        Some(&json!({"hosts": ["nuovo2.test"]})),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(fields(&p), ["hosts[0]"]);
    let (status, _) = call(
        &app,
        Method::PATCH,
        "/platform/tenants/00000000-0000-7000-8000-000000000000",
        Some(&platform),
        Some(&json!({"name": "X"})),
    )
    .await;
    assert_eq!(status, 404);
}

/// Two nodes on one PostgreSQL: a tenant created through one answers on the other at once,
/// although the other had cached the host map a moment before.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_node_sees_a_new_host_at_once() {
    let Some(a) = spawn_app_opt(Backend::Postgres).await else {
        return;
    };
    let b = spawn_node(&a, |_| {}).await;
    let platform = platform_token(&a).await;
    let (_, card) = on_host(&b, Method::GET, "/public/tenant", "nuovo.test", None, None).await;
    assert_eq!(card["name"], "Sportello");
    let (status, _) = call(
        &a,
        Method::POST,
        "/platform/tenants",
        Some(&platform),
        Some(&new_tenant("nuovo", "nuovo.test")),
    )
    .await;
    assert_eq!(status, 201);
    // The event crosses in milliseconds; the cache would keep the old map for 30 s.
    let started = std::time::Instant::now();
    loop {
        let (_, card) = on_host(&b, Method::GET, "/public/tenant", "nuovo.test", None, None).await;
        if card["name"] == "Comune di Nuovo" {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "node B still answers {card}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
