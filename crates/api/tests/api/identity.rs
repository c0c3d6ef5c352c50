//! Signing in with SPID and CIE against a real OpenID provider on loopback
//! (`scripts/oidc/op.py`, on idpyoidc, started by `scripts/test.sh` as
//! `SPORTELLO_TEST_OIDC`). The test plays the browser: it follows every redirect itself,
//! so each step (the provider's login form, the answer on the redirect URI, the session
//! cookie) is asserted, and the provider's fault switch makes each check refuse once.

use std::sync::OnceLock;

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::{Value, json};

use crate::helpers::*;

/// The portal's public address the redirect URIs are registered under; the test sends
/// each redirect to the test server itself.
const PORTAL: &str = "https://portale.comune.test";

fn test_op() -> Option<String> {
    let url = std::env::var("SPORTELLO_TEST_OIDC")
        .ok()
        .filter(|s| !s.is_empty());
    if url.is_none() {
        assert!(
            std::env::var("CI").is_err(),
            "SPORTELLO_TEST_OIDC must be set in CI (scripts/test.sh starts the test OpenID provider)"
        );
        eprintln!("SPORTELLO_TEST_OIDC not set: SPID/CIE tests skipped");
    }
    url
}

/// One RSA key for every relying party of the run (openssl, as an administrator would).
fn rp_key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| {
        let out = std::process::Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
            ])
            .output()
            .expect("openssl");
        assert!(out.status.success(), "openssl genpkey failed");
        String::from_utf8(out.stdout).unwrap()
    })
}

fn config(c: &mut api::config::Config) {
    c.public_url = Some(PORTAL.into());
    c.allow_loopback_integrations = true;
}

/// A browser: its own cookie jar, no redirect followed.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Sets the provider up as an administrator would: the key first (to get the public JWKS
/// and the redirect URI), the registration at the provider, then the client id; enabled.
/// Returns the client id.
async fn configure(app: &TestApp, admin: &str, provider: &str, op: &str) -> String {
    let res = app
        .put_json(
            &format!("/settings/identity-providers/{provider}"),
            Some(admin),
            &json!({"issuer": op, "private_key": rp_key(), "level": "L2"}),
        )
        .await;
    let status = res.status();
    let settings: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{settings}");
    assert_eq!(settings["private_key_set"], true);
    assert!(
        settings.get("private_key").is_none(),
        "the key is never shown"
    );
    let redirect = settings["redirect_uri"].as_str().unwrap().to_owned();
    assert_eq!(
        redirect,
        format!("{PORTAL}/api/v1/auth/oidc/{provider}/callback")
    );
    let discovery: Value = reqwest::get(format!("{op}/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reg = reqwest::Client::new()
        .post(discovery["registration_endpoint"].as_str().unwrap())
        .json(&json!({
            "client_name": "Sportello (test)",
            "redirect_uris": [redirect],
            "post_logout_redirect_uris": [settings["post_logout_redirect_uri"]],
            "jwks": settings["public_jwks"],
            "token_endpoint_auth_method": "private_key_jwt",
            "response_types": ["code"],
            "grant_types": ["authorization_code"],
        }))
        .send()
        .await
        .unwrap();
    assert!(reg.status().is_success(), "registration: {}", reg.status());
    let client_id = reg.json::<Value>().await.unwrap()["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .put_json(
            &format!("/settings/identity-providers/{provider}"),
            Some(admin),
            &json!({"client_id": client_id, "enabled": true}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    client_id
}

/// The value of `attr="…"` in an HTML tag.
fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].replace("&amp;", "&"))
}

/// Logs in at the provider's form; returns the provider's redirect back to us.
async fn provider_login(b: &reqwest::Client, authorize: &str, user: &str) -> String {
    let page = b.get(authorize).send().await.unwrap();
    assert_eq!(page.status(), 200, "the provider shows its login form");
    let page_url = page.url().clone();
    let html = page.text().await.unwrap();
    let form = &html[html.find("<form").expect("a form")..];
    let form_tag = &form[..form.find('>').unwrap()];
    let action = attr(form_tag, "action").unwrap_or_else(|| page_url.to_string());
    let action = page_url.join(&action).unwrap();
    let mut fields: Vec<(String, String)> = Vec::new();
    for input in form.split("<input").skip(1) {
        let tag = &input[..input.find('>').unwrap_or(input.len())];
        if attr(tag, "type").as_deref() == Some("hidden")
            && let (Some(n), Some(v)) = (attr(tag, "name"), attr(tag, "value"))
        {
            fields.push((n, v));
        }
    }
    fields.push(("username".into(), user.into()));
    fields.push(("password".into(), "test".into()));
    let res = b.post(action).form(&fields).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FOUND,
        "the provider redirects back"
    );
    res.headers()[LOCATION].to_str().unwrap().to_owned()
}

/// The provider's redirect, sent to the test server instead of the public address.
fn to_app(app: &TestApp, location: &str) -> String {
    assert!(
        location.starts_with(PORTAL),
        "back to the redirect URI: {location}"
    );
    format!("{}{}", app.address, &location[PORTAL.len()..])
}

/// Where our callback sent the browser.
async fn callback(b: &reqwest::Client, url: &str) -> String {
    let res = b.get(url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    res.headers()[LOCATION].to_str().unwrap().to_owned()
}

/// The browser's access token through its refresh cookie, or the refresh's status.
async fn access_token(app: &TestApp, b: &reqwest::Client) -> Result<String, u16> {
    let res = b.post(app.url("/auth/refresh")).send().await.unwrap();
    if res.status() != 200 {
        return Err(res.status().as_u16());
    }
    Ok(res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned())
}

/// The browser's session: `/me` through the refresh cookie, or the refresh's status.
async fn session(app: &TestApp, b: &reqwest::Client) -> Result<Value, u16> {
    let token = access_token(app, b).await?;
    Ok(b.get(app.url("/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap())
}

/// A whole sign-in in a new browser: the browser and where it landed.
async fn sign_in(app: &TestApp, provider: &str, user: &str) -> (reqwest::Client, String) {
    let b = browser();
    let res = b
        .get(app.url(&format!("/auth/oidc/{provider}/start?return_to=/pratiche")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let authorize = res.headers()[LOCATION].to_str().unwrap().to_owned();
    let back = provider_login(&b, &authorize, user).await;
    let landed = callback(&b, &to_app(app, &back)).await;
    (b, landed)
}

async fn fault(op: &str, client_id: &str, fault: &str) {
    let res = reqwest::Client::new()
        .post(format!("{op}/_test/fault"))
        .json(&json!({"client_id": client_id, "fault": fault}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "fault switch: {}", res.status());
}

fn count_users(app: &TestApp, cf: &str) -> i64 {
    use api::db::schema::users;
    use diesel::prelude::*;
    let cf = cf.to_owned();
    app.state
        .db
        .read(|c| {
            users::table
                .filter(users::fiscal_code.eq(cf))
                .count()
                .get_result::<i64>(c)
        })
        .unwrap()
}

db_test!(
    spid_first_login_creates_a_verified_account_and_links_later_ones,
    super::config
);
async fn spid_first_login_creates_a_verified_account_and_links_later_ones(app: TestApp) {
    let Some(op) = test_op() else { return };
    app.staff("admin.spid@comune.test", "admin", &[]);
    let admin = app.token("admin.spid@comune.test").await;
    // Nothing enabled yet: no button, and starting leads back to the login page.
    let none: Value = app
        .get("/auth/oidc/providers", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none, json!([]));
    let (_, landed) = sign_in_refused_before_setup(&app).await;
    assert_eq!(landed, "/accedi?accesso=not_configured");

    configure(&app, &admin, "spid", &op).await;
    let listed: Value = app
        .get("/auth/oidc/providers", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["provider"], "spid");
    assert_eq!(listed[0]["start_url"], "/api/v1/auth/oidc/spid/start");

    let (b, landed) = sign_in(&app, "spid", "mario.rossi").await;
    assert_eq!(
        landed, "/pratiche#accesso-eseguito",
        "back where the citizen asked"
    );
    let me = session(&app, &b).await.expect("signed in");
    assert_eq!(me["fiscal_code"], "RSSMRA80A01H501U");
    assert_eq!(me["first_name"], "Mario");
    assert_eq!(me["last_name"], "Rossi");
    assert_eq!(me["email"], "mario.rossi@example.it");
    assert_eq!(me["phone"], "+393331234567");
    assert_eq!(me["role"], "citizen");
    assert_eq!(me["identities"][0]["provider"], "spid");
    assert_eq!(me["identities"][0]["level"], "L2");
    assert_eq!(count_users(&app, "RSSMRA80A01H501U"), 1);

    // He files a request; the desk sees how he was identified.
    let token = access_token(&app, &b).await.unwrap();
    let filed = app
        .post_json(
            "/requests",
            Some(&token),
            &json!({"type": "tari_reclamo", "subject": "Mancata raccolta",
                    "description": "Il bidone dell'umido non è stato svuotato.",
                    "fields": {"servizio": "raccolta"}}),
        )
        .await;
    assert_eq!(filed.status(), 201);
    let id = filed.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let seen: Value = app
        .get(&format!("/requests/{id}"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        seen["citizen"]["identities"][0]["provider"], "spid",
        "{seen}"
    );
    assert_eq!(seen["citizen"]["identities"][0]["level"], "L2");

    // A second sign-in reaches the same account.
    let (b2, _) = sign_in(&app, "spid", "mario.rossi").await;
    let again = session(&app, &b2).await.expect("signed in again");
    assert_eq!(again["id"], me["id"]);
    assert_eq!(count_users(&app, "RSSMRA80A01H501U"), 1);

    // Signing out also ends the provider's session.
    let out = b2.post(app.url("/auth/logout")).send().await.unwrap();
    assert_eq!(out.status(), 200);
    let out: Value = out.json().await.unwrap();
    let end = out["end_session_url"]
        .as_str()
        .expect("the provider's logout");
    assert!(end.starts_with(&op), "{end}");
    assert!(end.contains("id_token_hint="), "{end}");
    let res = b2.get(end).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(
        res.headers()[LOCATION].to_str().unwrap().split('?').next(),
        Some(format!("{PORTAL}/").as_str())
    );
    assert_eq!(session(&app, &b2).await.unwrap_err(), 401);
    // The first browser's session is another one: still there.
    assert!(session(&app, &b).await.is_ok());
}

/// Starts a sign-in with SPID not set up: where the browser is sent.
async fn sign_in_refused_before_setup(app: &TestApp) -> (reqwest::Client, String) {
    let b = browser();
    let res = b
        .get(app.url("/auth/oidc/spid/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let loc = res.headers()[LOCATION].to_str().unwrap().to_owned();
    (b, loc)
}

db_test!(
    spid_links_an_account_registered_with_a_document,
    super::config
);
async fn spid_links_an_account_registered_with_a_document(app: TestApp) {
    let Some(op) = test_op() else { return };
    app.staff("admin.spid@comune.test", "admin", &[]);
    let admin = app.token("admin.spid@comune.test").await;
    configure(&app, &admin, "cie", &op).await;
    // Laura registered with her identity card; nobody has checked it yet.
    let res = app
        .register(&citizen_data(CF_C, "laura@example.it"), PDF)
        .await;
    assert_eq!(res.status(), 202);
    let registration = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.login("laura@example.it", PASSWORD).await.status(), 403);

    let (b, landed) = sign_in(&app, "cie", "laura.bianchi").await;
    assert_eq!(landed, "/pratiche#accesso-eseguito");
    let me = session(&app, &b).await.expect("signed in");
    assert_eq!(me["fiscal_code"], CF_C);
    assert_eq!(
        me["email"], "laura@example.it",
        "the account keeps its own address"
    );
    assert_eq!(me["identities"][0]["provider"], "cie");
    assert_eq!(count_users(&app, CF_C), 1);
    // CIE identified her: the registration is approved and the password works too.
    let reg: Value = app
        .get(&format!("/registrations/{registration}"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reg["status"], "approved");
    assert_eq!(app.login("laura@example.it", PASSWORD).await.status(), 200);
}

db_test!(every_bad_answer_is_refused_without_a_session, super::config);
async fn every_bad_answer_is_refused_without_a_session(app: TestApp) {
    let Some(op) = test_op() else { return };
    app.staff("admin.spid@comune.test", "admin", &[]);
    let admin = app.token("admin.spid@comune.test").await;
    let client_id = configure(&app, &admin, "spid", &op).await;
    // One good sign-in first: its nonce is the one a replay would carry.
    let (_, landed) = sign_in(&app, "spid", "giulia.verdi").await;
    assert_eq!(landed, "/pratiche#accesso-eseguito");

    for f in [
        "wrong_audience",
        "wrong_issuer",
        "expired",
        "wrong_signature",
        "replayed_nonce",
        "userinfo_wrong_signature",
    ] {
        fault(&op, &client_id, f).await;
        let (b, landed) = sign_in(&app, "spid", "giulia.verdi").await;
        assert_eq!(landed, "/accedi?accesso=invalid", "{f}");
        assert_eq!(session(&app, &b).await.unwrap_err(), 401, "{f}: no session");
    }

    // The answer to a sign-in started in another browser, a forged state, and the same
    // answer twice are refused too.
    let b = browser();
    let res = b
        .get(app.url("/auth/oidc/spid/start"))
        .send()
        .await
        .unwrap();
    let authorize = res.headers()[LOCATION].to_str().unwrap().to_owned();
    let back = to_app(&app, &provider_login(&b, &authorize, "giulia.verdi").await);
    let other = browser();
    assert_eq!(callback(&other, &back).await, "/accedi?accesso=expired");
    assert_eq!(session(&app, &other).await.unwrap_err(), 401);
    // The state was used by that attempt: the right browser cannot use it after.
    assert_eq!(callback(&b, &back).await, "/accedi?accesso=expired");
    let forged = format!(
        "{}/api/v1/auth/oidc/spid/callback?code=x&state=forged",
        app.address
    );
    assert_eq!(callback(&b, &forged).await, "/accedi?accesso=expired");
    assert_eq!(session(&app, &b).await.unwrap_err(), 401);

    // Only one account was ever made for Giulia.
    assert_eq!(count_users(&app, "VRDGLI85M41F205R"), 1);
    let audit: i64 = {
        use api::db::schema::audit_log;
        use diesel::prelude::*;
        app.state
            .db
            .read(|c| {
                audit_log::table
                    .filter(audit_log::action.eq("auth.login_identity_provider"))
                    .count()
                    .get_result::<i64>(c)
            })
            .unwrap()
    };
    assert_eq!(audit, 1, "one sign-in succeeded, one audited");
}
