//! Sessions end when they should: deactivation, new rights, password resets, the absolute
//! lifetime of a sign-in, and the same across two server processes on one database.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::helpers::*;

async fn patch_user(app: &TestApp, token: &str, id: &str, body: &Value) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/users/{id}")))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

db_test!(account_changes_apply_to_the_next_request);
async fn account_changes_apply_to_the_next_request(app: TestApp) {
    app.staff("admin@comune.test", "admin", &[]);
    let op_id = app.staff("op@comune.test", "operator", &[]);
    let admin = app.token("admin@comune.test").await;
    let op = app.token("op@comune.test").await;
    assert_eq!(app.get("/audit-log", Some(&op)).await.status(), 403);

    // Promoted: the same token has the new rights at once.
    let res = patch_user(&app, &admin, &op_id, &json!({"role": "supervisor"})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get("/audit-log", Some(&op)).await.status(), 200);
    // And an office: the queue filters by it without signing in again.
    let office = app.office("Ufficio Tributi");
    let res = patch_user(&app, &admin, &op_id, &json!({"office_ids": [office]})).await;
    assert_eq!(res.status(), 200);
    let me: Value = app.get("/me", Some(&op)).await.json().await.unwrap();
    assert_eq!(me["office_ids"], json!([office]));

    // Deactivated: the very next request is refused, not 15 minutes later.
    let res = patch_user(&app, &admin, &op_id, &json!({"active": false})).await;
    assert_eq!(res.status(), 200);
    let res = app.get("/me", Some(&op)).await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    // Reactivated, the old token stays dead (its session version is gone).
    patch_user(&app, &admin, &op_id, &json!({"active": true})).await;
    assert_eq!(app.get("/me", Some(&op)).await.status(), 401);
    let op = app.token("op@comune.test").await;
    assert_eq!(app.get("/me", Some(&op)).await.status(), 200);

    // A password set by the administrator ends the sessions too.
    let res = patch_user(
        &app,
        &admin,
        &op_id,
        &json!({"password": "Nuova-Parola-2027"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get("/me", Some(&op)).await.status(), 401);
}

/// The refresh-token rows of an account moved `days` into the past, as if signed in then.
fn age_sessions(app: &TestApp, email: &str, days: i64) {
    use api::db::schema::{refresh_tokens, users};
    let shift = chrono::Duration::days(days);
    app.state
        .db
        .write_tx(|c| {
            let user_id: String = users::table
                .filter(users::email.eq(email))
                .select(users::id)
                .first(c)?;
            let rows: Vec<(
                String,
                chrono::NaiveDateTime,
                chrono::NaiveDateTime,
                chrono::NaiveDateTime,
            )> = refresh_tokens::table
                .filter(refresh_tokens::user_id.eq(&user_id))
                .select((
                    refresh_tokens::id,
                    refresh_tokens::created_at,
                    refresh_tokens::expires_at,
                    refresh_tokens::session_expires_at,
                ))
                .load(c)?;
            for (id, created, expires, session_end) in rows {
                diesel::update(refresh_tokens::table.find(id))
                    .set((
                        refresh_tokens::created_at.eq(created - shift),
                        refresh_tokens::expires_at.eq(expires - shift),
                        refresh_tokens::session_expires_at.eq(session_end - shift),
                    ))
                    .execute(c)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
}

async fn refresh(app: &TestApp) -> reqwest::Response {
    app.client
        .post(app.url("/auth/refresh"))
        .send()
        .await
        .unwrap()
}

db_test!(a_session_has_an_absolute_end, |c| {
    c.refresh_token_days = 7;
    c.refresh_absolute_days = 10;
});
async fn a_session_has_an_absolute_end(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    let res = app.login("op@comune.test", PASSWORD).await;
    assert_eq!(res.status(), 200);
    assert!(
        set_cookie(&res).contains("Max-Age=604800"),
        "{}",
        set_cookie(&res)
    );
    // Six days later, still sliding: refreshed.
    age_sessions(&app, "op@comune.test", 6);
    let res = refresh(&app).await;
    assert_eq!(res.status(), 200);
    // The cookie now lasts only until the sign-in's end (10 - 6 = 4 days), not 7 more.
    let max_age: i64 = set_cookie(&res)
        .split("Max-Age=")
        .nth(1)
        .and_then(|v| v.split(';').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (4 * 86_400 - 60..=4 * 86_400).contains(&max_age),
        "{max_age}"
    );
    // Five more days: within the sliding window of the last refresh, past the absolute end.
    age_sessions(&app, "op@comune.test", 5);
    assert_eq!(refresh(&app).await.status(), 401);
}

fn set_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("sportello_refresh="))
        .unwrap_or_default()
        .to_owned()
}

/// The notices of a kind in the outbox, as JSON.
fn notices(app: &TestApp, kind: &str) -> Vec<Value> {
    use api::db::schema::outbox;
    let rows: Vec<String> = app
        .state
        .db
        .read(|c| outbox::table.select(outbox::notice).load(c))
        .unwrap();
    rows.iter()
        .filter_map(|n| serde_json::from_str::<Value>(n).ok())
        .filter(|n| n["notice"] == kind)
        .collect()
}

/// Waits for the answer-first work of `POST /auth/password-reset` to be stored.
async fn wait_for_notices(app: &TestApp, kind: &str, n: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let found = notices(app, kind);
        if found.len() >= n || start.elapsed() > Duration::from_secs(5) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The e-mails queued for `to`: (subject, text).
fn mails_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    use api::db::schema::deliveries;
    let rows: Vec<String> = app
        .state
        .db
        .read(|c| {
            deliveries::table
                .filter(deliveries::recipient.eq(to))
                .select(deliveries::payload)
                .load(c)
        })
        .unwrap();
    rows.iter()
        .map(|p| {
            let v: Value = serde_json::from_str(p).unwrap();
            (
                v["subject"].as_str().unwrap_or_default().to_owned(),
                v["text"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

db_test!(password_reset_by_email, |c| {
    c.public_url = Some("https://sportello.comune.test".into());
});
async fn password_reset_by_email(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    assert_eq!(refresh(&app).await.status(), 200);

    // Known and unknown addresses get the same answer.
    let known = app
        .post_json(
            "/auth/password-reset",
            None,
            &json!({"email": "OP@comune.test"}),
        )
        .await;
    let unknown = app
        .post_json(
            "/auth/password-reset",
            None,
            &json!({"email": "nessuno@comune.test"}),
        )
        .await;
    assert_eq!(
        (known.status().as_u16(), unknown.status().as_u16()),
        (202, 202)
    );
    let (known, unknown) = (known.bytes().await.unwrap(), unknown.bytes().await.unwrap());
    assert_eq!(known, unknown);
    // Not an address at all: a field error.
    let res = app
        .post_json(
            "/auth/password-reset",
            None,
            &json!({"email": "non-una-mail"}),
        )
        .await;
    assert_eq!(res.status(), 422);

    // One notice, for the known account; the database keeps only the token's hash.
    let found = wait_for_notices(&app, "password_reset", 1).await;
    assert_eq!(found.len(), 1, "{found:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(notices(&app, "password_reset").len(), 1);
    let token = found[0]["token"].as_str().unwrap().to_owned();
    let stored: Vec<String> = app
        .state
        .db
        .read(|c| {
            api::db::schema::password_resets::table
                .select(api::db::schema::password_resets::token_hash)
                .load(c)
        })
        .unwrap();
    assert_eq!(stored, vec![api::upload::hex_digest(token.as_bytes())]);

    // The mail, in Italian, carries the link.
    api::mail::outbound::expand_due(&app.state).await.unwrap();
    let mails = mails_to(&app, "op@comune.test");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].0.contains("Reimpostazione della password"),
        "{mails:?}"
    );
    assert!(
        mails[0].1.contains(&format!(
            "https://sportello.comune.test/recupero-password?token={token}"
        )),
        "{mails:?}"
    );
    assert!(mails[0].1.contains("30 minuti"), "{mails:?}");

    // A weak password is refused field by field; the token still works after that.
    let res = app
        .post_json(
            "/auth/password-reset/confirm",
            None,
            &json!({"token": token, "password": "corta"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "password", "{p}");
    let res = app
        .post_json(
            "/auth/password-reset/confirm",
            None,
            &json!({"token": token, "password": "Nuova-Parola-2027"}),
        )
        .await;
    assert_eq!(res.status(), 204);

    // Every session ended: the access token, the refresh cookie; the new password works.
    assert_eq!(app.get("/me", Some(&op)).await.status(), 401);
    assert_eq!(refresh(&app).await.status(), 401);
    assert_eq!(app.login("op@comune.test", PASSWORD).await.status(), 401);
    assert_eq!(
        app.login("op@comune.test", "Nuova-Parola-2027")
            .await
            .status(),
        200
    );
    // Single use.
    let res = app
        .post_json(
            "/auth/password-reset/confirm",
            None,
            &json!({"token": token, "password": "Altra-Parola-2028"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "token", "{p}");

    // An expired link does not work either.
    app.post_json(
        "/auth/password-reset",
        None,
        &json!({"email": "op@comune.test"}),
    )
    .await;
    let found = wait_for_notices(&app, "password_reset", 2).await;
    let second = found[1]["token"].as_str().unwrap().to_owned();
    app.state
        .db
        .write_tx(|c| {
            use api::db::schema::password_resets as pr;
            diesel::update(pr::table)
                .set(
                    pr::expires_at
                        .eq(chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1)),
                )
                .execute(c)
        })
        .unwrap();
    let res = app
        .post_json(
            "/auth/password-reset/confirm",
            None,
            &json!({"token": second, "password": "Altra-Parola-2028"}),
        )
        .await;
    assert_eq!(res.status(), 422);
}

db_test!(administrators_send_reset_links);
async fn administrators_send_reset_links(app: TestApp) {
    app.staff("admin@comune.test", "admin", &[]);
    let op_id = app.staff("op@comune.test", "operator", &[]);
    let admin = app.token("admin@comune.test").await;
    let op = app.token("op@comune.test").await;
    let (citizen_id, _) = app.citizen(CF_A, "anna@example.it", &op).await;
    for id in [&op_id, &citizen_id] {
        let res = app
            .post_json(
                &format!("/users/{id}/password-reset"),
                Some(&admin),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
    }
    assert_eq!(notices(&app, "password_reset").len(), 2);
    // Nobody else may, and the current password keeps working until the link is used.
    let res = app
        .post_json(
            &format!("/users/{op_id}/password-reset"),
            Some(&op),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.get("/me", Some(&op)).await.status(), 200);
    let audit: Value = app
        .get("/audit-log", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "user.password_reset_requested"
                && e["entity_id"] == op_id.as_str()),
        "{audit}"
    );
}

db_test!(sign_ins_and_sensitive_reads_are_audited_with_the_address);
async fn sign_ins_and_sensitive_reads_are_audited_with_the_address(app: TestApp) {
    app.staff("admin@comune.test", "admin", &[]);
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    assert_eq!(
        app.login("op@comune.test", "sbagliata-123").await.status(),
        401
    );
    assert_eq!(
        app.login("nessuno@comune.test", "sbagliata-123")
            .await
            .status(),
        401
    );
    app.register(&citizen_data(CF_A, "anna@example.it"), PDF)
        .await;
    let regs: Value = app
        .get("/registrations", Some(&op))
        .await
        .json()
        .await
        .unwrap();
    let reg = regs["items"][0]["id"].as_str().unwrap();
    let res = app
        .get(&format!("/registrations/{reg}/document"), Some(&op))
        .await;
    assert_eq!(res.status(), 200);

    // A rotated refresh token presented again.
    let res = app.login("op@comune.test", PASSWORD).await;
    let first = set_cookie(&res);
    let first = first.split(';').next().unwrap().to_owned();
    assert_eq!(refresh(&app).await.status(), 200);
    let replay = reqwest::Client::new()
        .post(app.url("/auth/refresh"))
        .header("Cookie", first)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);

    let admin = app.token("admin@comune.test").await;
    let audit: Value = app
        .get("/audit-log?limit=200", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let items = audit["items"].as_array().unwrap();
    for action in [
        "auth.login",
        "auth.login_failed",
        "registration.document_view",
        "auth.refresh_reuse",
    ] {
        let entry = items
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("{action} not audited: {audit}"));
        assert_eq!(entry["ip"], "127.0.0.1", "{entry}");
    }
    // Failures of unknown accounts too, with the username tried.
    assert!(
        items.iter().any(|e| e["action"] == "auth.login_failed"
            && e["after"]["username"] == "nessuno@comune.test"
            && e["entity_id"].is_null()),
        "{audit}"
    );
}

/// Polls `GET /me` until it answers `status`, for at most two seconds (one node hears of
/// the other's change through PostgreSQL within milliseconds; caches keep entries 60 s).
async fn me_becomes(app: &TestApp, token: &str, status: u16) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        if app.get("/me", Some(token)).await.status() == status {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

/// Two server processes on one PostgreSQL database: a change made through one applies to
/// the other's next requests (cross-process invalidation through LISTEN/NOTIFY).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_postgres_share_invalidations() {
    let Some(a) = spawn_app_opt(Backend::Postgres).await else {
        return;
    };
    let b = spawn_node(&a, |_| {}).await;
    a.staff("admin@comune.test", "admin", &[]);
    let op_id = a.staff("op@comune.test", "operator", &[]);
    let admin = a.token("admin@comune.test").await;
    // Signed in on node B; B has the account cached.
    let op = b.token("op@comune.test").await;
    assert_eq!(b.get("/me", Some(&op)).await.status(), 200);
    assert_eq!(b.get("/audit-log", Some(&op)).await.status(), 403);
    let res = patch_user(&a, &admin, &op_id, &json!({"role": "supervisor"})).await;
    assert_eq!(res.status(), 200);
    let start = Instant::now();
    while b.get("/audit-log", Some(&op)).await.status() != 200 {
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "B kept the old role"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Deactivated on A: B refuses the token.
    let res = patch_user(&a, &admin, &op_id, &json!({"active": false})).await;
    assert_eq!(res.status(), 200);
    assert!(me_becomes(&b, &op, 401).await, "B still accepts the token");

    // Tenant settings changed on A: B's public page shows them.
    let name = |app: &TestApp| {
        let app_url = app.url("/public/tenant");
        async move {
            reqwest::get(app_url)
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(name(&b).await, "Sportello");
    let res = a
        .put_json(
            "/settings",
            Some(&admin),
            &json!({"name": "Comune di Prova"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let start = Instant::now();
    while name(&b).await != "Comune di Prova" {
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "B kept the old settings"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
