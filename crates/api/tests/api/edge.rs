//! The request edge: forwarded headers only from trusted proxies, bounded caches and
//! metrics, and sign-in throttling that neither locks owners out nor reveals accounts.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::*;

async fn login_from(app: &TestApp, ip: &str, username: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/auth/login"))
        .header("X-Forwarded-For", ip)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn second_tenant(app: &TestApp) {
    app.state
        .db
        .write_tx(|c| {
            let t = api::db::repo::tenants::create(c, "altrove", "Comune di Altrove")?;
            api::db::repo::tenants::add_host(c, &t.id, "altrove.test")?;
            Ok::<_, diesel::result::Error>(t.id)
        })
        .map(|id| app.state.tenant_changed(&id))
        .unwrap();
}

async fn tenant_name(app: &TestApp, headers: &[(&str, &str)]) -> String {
    let mut req = reqwest::Client::new().get(app.url("/public/tenant"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap().json::<Value>().await.unwrap()["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

db_test!(forwarded_headers_of_untrusted_clients_are_ignored, |c| {
    c.rate_limit_per_minute = 3;
});
async fn forwarded_headers_of_untrusted_clients_are_ignored(app: TestApp) {
    // A new X-Forwarded-For each time does not make a new rate-limit key…
    let mut statuses = Vec::new();
    for i in 0..4 {
        let res = login_from(
            &app,
            &format!("198.51.100.{i}"),
            "x@example.it",
            "sbagliata-1",
        )
        .await;
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429]);
    // …nor does X-Forwarded-Host pick a tenant.
    second_tenant(&app);
    assert_eq!(
        tenant_name(&app, &[("X-Forwarded-Host", "altrove.test")]).await,
        "Sportello"
    );
    assert_eq!(
        tenant_name(&app, &[("Host", "altrove.test")]).await,
        "Comune di Altrove"
    );
    // The audit log has the socket's address, not the claimed one.
    let ips: Vec<String> = {
        use api::db::schema::audit_log;
        use diesel::prelude::*;
        app.state
            .db
            .read(|c| {
                audit_log::table
                    .filter(audit_log::action.eq("auth.login_failed"))
                    .select(audit_log::ip)
                    .load::<Option<String>>(c)
            })
            .unwrap()
            .into_iter()
            .flatten()
            .collect()
    };
    assert_eq!(ips, ["127.0.0.1"; 3]);
}

db_test!(a_trusted_proxy_names_the_client, |c| {
    c.rate_limit_per_minute = 3;
    c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
});
async fn a_trusted_proxy_names_the_client(app: TestApp) {
    // Behind the load balancer each client has its own budget.
    for i in 0..4 {
        let res = login_from(
            &app,
            &format!("198.51.100.{i}"),
            "x@example.it",
            "sbagliata-1",
        )
        .await;
        assert_eq!(res.status(), 401, "client {i}");
    }
    for _ in 0..3 {
        login_from(&app, "203.0.113.1", "y@example.it", "sbagliata-1").await;
    }
    assert_eq!(
        login_from(&app, "203.0.113.1", "y@example.it", "sbagliata-1")
            .await
            .status(),
        429
    );
    second_tenant(&app);
    assert_eq!(
        tenant_name(&app, &[("X-Forwarded-Host", "altrove.test")]).await,
        "Comune di Altrove"
    );
    assert_eq!(
        tenant_name(&app, &[("Forwarded", "for=198.51.100.9;host=altrove.test")]).await,
        "Comune di Altrove"
    );
}

db_test!(made_up_host_names_do_not_grow_the_tenant_cache);
async fn made_up_host_names_do_not_grow_the_tenant_cache(app: TestApp) {
    let client = reqwest::Client::new();
    for i in 0..50 {
        let res = client
            .get(app.url("/public/tenant"))
            .header("Host", format!("h{i}.invalid"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    assert_eq!(app.state.tenants.len(), 1);
}

async fn metrics(
    app: &TestApp,
    token: Option<&str>,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(format!("{}/metrics", app.address));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(ip) = forwarded_for {
        req = req.header("X-Forwarded-For", ip);
    }
    req.send().await.unwrap()
}

db_test!(metrics_need_the_token_and_mask_unknown_paths, |c| {
    c.metrics_token = Some("prometheus-segreto".into());
});
async fn metrics_need_the_token_and_mask_unknown_paths(app: TestApp) {
    for i in 0..5 {
        app.get(&format!("/inventato-{i}"), None).await;
    }
    assert_eq!(metrics(&app, None, None).await.status(), 401);
    assert_eq!(metrics(&app, Some("sbagliato"), None).await.status(), 401);
    let res = metrics(&app, Some("prometheus-segreto"), None).await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    assert!(text.contains("sportello_http_requests_total"), "{text}");
    assert!(!text.contains("inventato"), "{text}");
    assert!(text.contains("UNMATCHED"), "{text}");
}

db_test!(without_a_token_metrics_are_for_loopback_only, |c| {
    c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
});
async fn without_a_token_metrics_are_for_loopback_only(app: TestApp) {
    assert_eq!(metrics(&app, None, None).await.status(), 200);
    // Through the (trusted) proxy, a remote client is not loopback.
    assert_eq!(metrics(&app, None, Some("203.0.113.5")).await.status(), 401);
}

db_test!(a_guesser_cannot_lock_out_the_owner, |c| {
    c.lockout_after = 5;
    c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
});
async fn a_guesser_cannot_lock_out_the_owner(app: TestApp) {
    app.staff("admin@comune.test", "admin", &[]);
    let attacker = "198.51.100.66";
    // A known and an unknown account behave alike: five 401, then 429 with the same wait.
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    let (mut known_time, mut unknown_time) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..5 {
        let started = Instant::now();
        known.push(
            login_from(&app, attacker, "admin@comune.test", "sbagliata-1")
                .await
                .status()
                .as_u16(),
        );
        known_time += started.elapsed();
        let started = Instant::now();
        unknown.push(
            login_from(&app, attacker, "nessuno@comune.test", "sbagliata-1")
                .await
                .status()
                .as_u16(),
        );
        unknown_time += started.elapsed();
    }
    // Both verify a password hash: neither answers in a fraction of the other's time.
    assert!(
        unknown_time * 3 > known_time && known_time * 3 > unknown_time,
        "{known_time:?} vs {unknown_time:?}"
    );
    assert_eq!(known, [401; 5]);
    assert_eq!(unknown, [401; 5]);
    let locked_known = login_from(&app, attacker, "admin@comune.test", PASSWORD).await;
    let locked_unknown = login_from(&app, attacker, "nessuno@comune.test", PASSWORD).await;
    assert_eq!(
        (
            locked_known.status().as_u16(),
            locked_unknown.status().as_u16()
        ),
        (429, 429)
    );
    let (wait_known, wait_unknown) = (retry_after(&locked_known), retry_after(&locked_unknown));
    // Fifteen minutes from each one's fifth failure (a few seconds apart).
    for wait in [wait_known, wait_unknown] {
        assert!((860..=900).contains(&wait), "{wait_known} {wait_unknown}");
    }

    // The attacker keeps trying; the owner, from their own address, signs in.
    for _ in 0..3 {
        assert_eq!(
            login_from(&app, attacker, "admin@comune.test", "sbagliata-1")
                .await
                .status(),
            429
        );
    }
    let res = login_from(&app, "192.0.2.10", "admin@comune.test", PASSWORD).await;
    assert_eq!(res.status(), 200);
    // The lockout is audited.
    let token = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let audit: Value = app
        .get("/audit-log?limit=200", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "auth.lockout" && e["ip"] == attacker),
        "{audit}"
    );
}
