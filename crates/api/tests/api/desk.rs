use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::*;

fn reclamo() -> Value {
    json!({
        "type": "tari_reclamo",
        "subject": "Mancata raccolta dell'umido",
        "description": "Da due settimane l'umido non viene raccolto in via Roma.",
        "fields": {"servizio": "raccolta", "codice_utenza": "UT-00042"}
    })
}

db_test!(citizen_files_and_operator_resolves);
async fn citizen_files_and_operator_resolves(app: TestApp) {
    let tributi = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&tributi]);
    let op = app.token("op@comune.test").await;
    let (citizen_id, anna) = app.citizen(CF_A, "anna@example.it", &op).await;

    // The catalogue carries kinds and standards.
    let types: Value = app.get("/request-types", None).await.json().await.unwrap();
    let reclamo_type = types
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "tari_reclamo")
        .unwrap();
    assert_eq!(reclamo_type["kind"], "reclamo");
    assert_eq!(reclamo_type["standard_days"], 30);

    // File a reclamo.
    let res = app.post_json("/requests", Some(&anna), &reclamo()).await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(created["protocol_number"], format!("{year}/0000001"));
    assert_eq!(created["status"], "received");
    assert_eq!(created["channel"], "portal");
    assert_eq!(created["kind"], "reclamo");
    assert_eq!(created["citizen"]["id"], citizen_id.as_str());
    assert!(created["due_date"].is_string());

    // The operator takes it, replies with an internal note and a public reply, resolves.
    let res = app
        .post_json(
            &format!("/requests/{id}/transitions"),
            Some(&op),
            &json!({"action": "take"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let taken: Value = res.json().await.unwrap();
    assert_eq!(taken["status"], "in_progress");
    assert_eq!(taken["office"]["id"], tributi.as_str());
    let res = app
        .post_json(
            &format!("/requests/{id}/messages"),
            Some(&op),
            &json!({"body": "Verificare con il gestore", "internal": true}),
        )
        .await;
    assert_eq!(res.status(), 201);
    // Resolving without any public reply is refused.
    let res = app
        .post_json(
            &format!("/requests/{id}/transitions"),
            Some(&op),
            &json!({"action": "resolve"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_json(
            &format!("/requests/{id}/transitions"),
            Some(&op),
            &json!({"action": "resolve", "note": "La raccolta è stata ripristinata da lunedì. Ci scusiamo per il disagio."}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    // The citizen sees the reply (not the internal note) and the status.
    let mine: Value = app
        .get("/requests", Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["status"], "resolved");
    let thread: Value = app
        .get(&format!("/requests/{id}/messages"), Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    let bodies: Vec<&str> = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        ["La raccolta è stata ripristinata da lunedì. Ci scusiamo per il disagio."]
    );
    let staff_thread: Value = app
        .get(&format!("/requests/{id}/messages"), Some(&op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(staff_thread["items"].as_array().unwrap().len(), 2);
    let history: Value = app
        .get(&format!("/requests/{id}/transitions"), Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    let steps: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["action"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["take", "resolve"]);

    // The register counts it within standard; the CSV lists its protocol number.
    let reg: Value = app.get("/registry", Some(&op)).await.json().await.unwrap();
    let row = reg["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == "reclamo")
        .unwrap();
    assert_eq!(row["received"], 1);
    assert_eq!(row["resolved"], 1);
    assert_eq!(row["resolved_within_standard"], 1);
    assert_eq!(row["percent_within_standard"], 100.0);
    let csv = app.get("/registry/entries.csv", Some(&op)).await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[1].starts_with(&format!("{year}/0000001;reclamo;portal;{CF_A};UT-00042;")),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(";resolved;"));
    assert!(lines[1].contains(";si;"));
    // Citizens cannot read the register.
    assert_eq!(app.get("/registry", Some(&anna)).await.status(), 403);
}

db_test!(citizens_and_tenants_are_isolated);
async fn citizens_and_tenants_are_isolated(app: TestApp) {
    let office = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&office]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let (_, bruno) = app.citizen(CF_B, "bruno@example.it", &op).await;
    let id = app
        .post_json("/requests", Some(&anna), &reclamo())
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post_json(
        &format!("/requests/{id}/messages"),
        Some(&op),
        &json!({"body": "nota interna", "internal": true}),
    )
    .await;

    // Citizen B: 404 on A's request, messages, history, transitions; empty list.
    for path in [
        format!("/requests/{id}"),
        format!("/requests/{id}/messages"),
        format!("/requests/{id}/transitions"),
    ] {
        assert_eq!(app.get(&path, Some(&bruno)).await.status(), 404, "{path}");
    }
    assert_eq!(
        app.post_json(
            &format!("/requests/{id}/transitions"),
            Some(&bruno),
            &json!({"action": "withdraw"})
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        app.post_json(
            &format!("/requests/{id}/messages"),
            Some(&bruno),
            &json!({"body": "ciao"})
        )
        .await
        .status(),
        404
    );
    let list: Value = app
        .get("/requests", Some(&bruno))
        .await
        .json()
        .await
        .unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());

    // Citizen A: cannot take or resolve their own request, nor write internal notes.
    let res = app
        .post_json(
            &format!("/requests/{id}/transitions"),
            Some(&anna),
            &json!({"action": "take"}),
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        app.post_json(
            &format!("/requests/{id}/messages"),
            Some(&anna),
            &json!({"body": "x", "internal": true})
        )
        .await
        .status(),
        403
    );
    let thread: Value = app
        .get(&format!("/requests/{id}/messages"), Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        thread["items"].as_array().unwrap().is_empty(),
        "internal note leaked: {thread}"
    );

    // Anonymous: 401 on private endpoints.
    for path in ["/requests", "/me", "/registry", "/registrations"] {
        assert_eq!(app.get(path, None).await.status(), 401, "{path}");
    }

    // Another tenant's operator sees nothing of this one.
    let state = app.state.clone();
    let other = state
        .db
        .write_tx(|c| {
            let t = api::db::repo::tenants::create(c, "altro", "Comune di Altrove")?;
            api::db::repo::tenants::add_host(c, &t.id, "altrove.test")?;
            Ok::<_, api::error::ApiError>(t)
        })
        .unwrap();
    state.tenant_changed(&other.id);
    let hash = api::auth::password::hash(PASSWORD).unwrap();
    state
        .db
        .write_tx(|c| {
            api::seed::upsert_staff(
                c,
                &other.id,
                "op@altrove.test",
                &hash,
                "admin",
                "Op",
                "Altrove",
            )
        })
        .unwrap();
    let res = app
        .client
        .post(app.url("/auth/login"))
        .header("Host", "altrove.test")
        .json(&json!({"username": "op@altrove.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let other_token = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .client
        .get(app.url(&format!("/requests/{id}")))
        .header("Host", "altrove.test")
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = app
        .client
        .get(app.url("/requests"))
        .header("Host", "altrove.test")
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap();
    assert!(
        res.json::<Value>().await.unwrap()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Its token is refused by this tenant.
    assert_eq!(app.get("/requests", Some(&other_token)).await.status(), 401);
}

db_test!(operators_register_phone_requests);
async fn operators_register_phone_requests(app: TestApp) {
    let office = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&office]);
    let op = app.token("op@comune.test").await;
    let (citizen_id, anna) = app.citizen(CF_A, "anna@example.it", &op).await;

    // Received last Friday by phone, for a known citizen: the deadline runs from then.
    let received = "2026-11-20T10:00:00Z";
    let mut body = reclamo();
    body["channel"] = json!("phone");
    body["citizen_id"] = json!(citizen_id);
    body["received_at"] = json!(received);
    let res = app.post_json("/requests", Some(&op), &body).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["channel"], "phone");
    assert_eq!(created["received_at"], received);
    // Friday 20 Nov 2026 + 30 working days, skipping 8, 25, 26 Dec, 1 and 6 Jan = 7 Jan 2027.
    assert_eq!(created["due_date"], "2027-01-07");

    // Received on Saturday 7 March 2026 by post: the receipt day is day 0 although it is not
    // a working day, day 1 is Monday 9, Easter Monday is skipped → Monday 20 April.
    let mut body = reclamo();
    body["channel"] = json!("post");
    body["citizen_id"] = json!(citizen_id);
    body["received_at"] = json!("2026-03-07T09:00:00Z");
    let created: Value = app
        .post_json("/requests", Some(&op), &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(created["due_date"], "2026-04-20");

    // Without a citizen: the generic contribuente.
    let mut body = reclamo();
    body["channel"] = json!("desk");
    let created: Value = app
        .post_json("/requests", Some(&op), &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(created["citizen"]["name"], "Contribuente generico");

    // A future receipt date, a citizen channel, a citizen-set date: refused.
    let mut body = reclamo();
    body["channel"] = json!("phone");
    body["received_at"] = json!("2099-01-01T00:00:00Z");
    let res = app.post_json("/requests", Some(&op), &body).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Value>().await.unwrap()["errors"][0]["field"],
        "received_at"
    );
    let mut body = reclamo();
    body["channel"] = json!("portal");
    assert_eq!(
        app.post_json("/requests", Some(&op), &body).await.status(),
        422
    );
    let mut body = reclamo();
    body["received_at"] = json!(received);
    assert_eq!(
        app.post_json("/requests", Some(&anna), &body)
            .await
            .status(),
        422
    );

    // Reclassify to rettifica: 60 working days from the original receipt.
    let list: Value = app
        .get("/requests?q=0000001", Some(&op))
        .await
        .json()
        .await
        .unwrap();
    let id = list["items"][0]["id"].as_str().unwrap();
    let res = app
        .post_json(
            &format!("/requests/{id}/transitions"),
            Some(&op),
            &json!({"action": "reclassify", "type": "tari_rettifica"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["kind"], "rettifica_importi");
    assert_eq!(updated["type"], "tari_rettifica");
    assert_eq!(updated["standard_days"], 60);
    assert_eq!(updated["due_date"], "2027-02-18");

    // Illegal transition: close an open request → 409 naming why.
    let res = app
        .post_json(
            &format!("/requests/{id}/transitions"),
            Some(&op),
            &json!({"action": "reopen"}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .post_json(
            &format!("/requests/{id}/transitions"),
            Some(&op),
            &json!({"action": "request_info"}),
        )
        .await;
    assert_eq!(res.status(), 409);
    assert!(
        res.json::<Value>().await.unwrap()["detail"]
            .as_str()
            .unwrap()
            .contains("Da assegnare")
    );
}

db_test!(idempotency_key_files_once);
async fn idempotency_key_files_once(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let send = |key: &'static str, body: Value| {
        let req = app
            .client
            .post(app.url("/requests"))
            .bearer_auth(&anna)
            .header("Idempotency-Key", key)
            .json(&body);
        async move { req.send().await.unwrap() }
    };
    let first = send("chiave-1", reclamo()).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send("chiave-1", reclamo()).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    // Same key, different body: refused.
    let mut other = reclamo();
    other["subject"] = json!("Altro oggetto");
    assert_eq!(send("chiave-1", other).await.status(), 422);
    let list: Value = app
        .get("/requests", Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

db_test!(parallel_submissions_get_gapless_protocols);
async fn parallel_submissions_get_gapless_protocols(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let client = app.client.clone();
        let url = app.url("/requests");
        let token = anna.clone();
        let mut body = reclamo();
        body["subject"] = json!(format!("Segnalazione {i}"));
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201);
            res.json::<Value>().await.unwrap()["protocol_number"]
                .as_str()
                .unwrap()
                .to_owned()
        }));
    }
    let mut numbers = BTreeSet::new();
    for t in tasks {
        numbers.insert(t.await.unwrap());
    }
    assert_eq!(numbers.len(), 200);
    let year = chrono::Utc::now().format("%Y").to_string();
    let expected: BTreeSet<String> = (1..=200).map(|n| format!("{year}/{n:07}")).collect();
    assert_eq!(numbers, expected);
}

db_test!(waiting_for_the_citizen_suspends_the_clock);
async fn waiting_for_the_citizen_suspends_the_clock(app: TestApp) {
    let office = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&office]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let id = app
        .post_json("/requests", Some(&anna), &reclamo())
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/requests/{id}/transitions");
    assert_eq!(
        app.post_json(&path, Some(&op), &json!({"action": "take"}))
            .await
            .status(),
        200
    );
    // Asking for information needs the question.
    assert_eq!(
        app.post_json(&path, Some(&op), &json!({"action": "request_info"}))
            .await
            .status(),
        422
    );
    let res = app
        .post_json(
            &path,
            Some(&op),
            &json!({"action": "request_info", "note": "Inviare copia dell'avviso"}),
        )
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["status"],
        "waiting_citizen"
    );
    // The citizen answers with an attachment: the request resumes.
    let form = reqwest::multipart::Form::new()
        .part(
            "data",
            reqwest::multipart::Part::text(json!({"body": "Ecco l'avviso"}).to_string()),
        )
        .part(
            "files",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("avviso.pdf"),
        );
    let res = app
        .client
        .post(app.url(&format!("/requests/{id}/messages")))
        .bearer_auth(&anna)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let msg: Value = res.json().await.unwrap();
    let url = msg["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("/api/v1")
        .to_owned();
    let view: Value = app
        .get(&format!("/requests/{id}"), Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "in_progress");
    // Operator downloads it; another citizen cannot.
    let file = app.get(&url, Some(&op)).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);
    let (_, bruno) = app.citizen(CF_B, "bruno@example.it", &op).await;
    assert_eq!(app.get(&url, Some(&bruno)).await.status(), 404);
    // Withdraw by the citizen ends it; replying afterwards is refused.
    let res = app
        .post_json(
            &format!("/requests/{id}/transitions"),
            Some(&anna),
            &json!({"action": "withdraw"}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "withdrawn");
    assert_eq!(
        app.post_json(
            &format!("/requests/{id}/messages"),
            Some(&anna),
            &json!({"body": "ancora"})
        )
        .await
        .status(),
        409
    );
}

db_test!(urgent_queue_pages_through_deadlines_then_the_rest);
async fn urgent_queue_pages_through_deadlines_then_the_rest(app: TestApp) {
    let office = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&office]);
    let op = app.token("op@comune.test").await;
    // Three kinds with different standards, and two without one (altro).
    let mut filed = Vec::new();
    for (ty, fields) in [
        ("tari_rettifica", json!({"anno": 2025})),
        (
            "segnalazione_disservizio",
            json!({"categoria": "altro", "indirizzo": "Via Roma 1"}),
        ),
        ("comunicazione", json!({})),
        ("tari_reclamo", json!({"servizio": "raccolta"})),
        ("comunicazione", json!({})),
    ] {
        let body = json!({"type": ty, "subject": format!("Prova {ty}"), "description": "Prova.", "fields": fields, "channel": "desk"});
        let res = app.post_json("/requests", Some(&op), &body).await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        filed.push(res.json::<Value>().await.unwrap());
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/requests?sort=urgent&limit=2".to_owned();
        if let Some(c) = &cursor {
            path.push_str("&cursor=");
            path.push_str(&c.replace('|', "%7C"));
        }
        let page: Value = app.get(&path, Some(&op)).await.json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            seen.push((
                item["due_date"].as_str().map(str::to_owned),
                item["id"].as_str().unwrap().to_owned(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
    // Deadlines first, earliest first (disservizio 5 days, reclamo 30, rettifica 60)…
    let dates: Vec<&str> = seen.iter().filter_map(|(d, _)| d.as_deref()).collect();
    assert_eq!(dates.len(), 3);
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert!(seen[..3].iter().all(|(d, _)| d.is_some()));
    // …then the requests without one.
    assert!(seen[3..].iter().all(|(d, _)| d.is_none()));
    let ids: std::collections::BTreeSet<_> = seen.iter().map(|(_, id)| id.clone()).collect();
    assert_eq!(ids.len(), 5);
}

db_test!(overdue_lists_late_open_requests_most_late_first);
async fn overdue_lists_late_open_requests_most_late_first(app: TestApp) {
    let office = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&office]);
    let op = app.token("op@comune.test").await;
    let file = async |received: Option<&str>| -> String {
        let mut body = reclamo();
        body["channel"] = json!("phone");
        if let Some(r) = received {
            body["received_at"] = json!(r);
        }
        let res = app.post_json("/requests", Some(&op), &body).await;
        assert_eq!(res.status(), 201);
        res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // A reclamo has 30 working days: these two are long past them, the third is new.
    let march = file(Some("2026-03-02T09:00:00Z")).await;
    let june = file(Some("2026-06-01T09:00:00Z")).await;
    let fresh = file(None).await;
    // A late one that was answered is not overdue any more.
    let answered = file(Some("2026-02-02T09:00:00Z")).await;
    for action in [
        json!({"action": "take"}),
        json!({"action": "resolve", "note": "Fatto."}),
    ] {
        let path = format!("/requests/{answered}/transitions");
        assert_eq!(app.post_json(&path, Some(&op), &action).await.status(), 200);
    }

    let ids = async |path: &str| -> Vec<String> {
        let page: Value = app.get(path, Some(&op)).await.json().await.unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let overdue = ids("/requests?overdue=true").await;
    assert_eq!(overdue, [march.clone(), june.clone()], "most overdue first");
    assert!(!overdue.contains(&fresh));
    // Asked for newest first: by filing order.
    assert_eq!(
        ids("/requests?overdue=true&sort=newest").await,
        [june, march],
        "the one filed last first"
    );
}

db_test!(stored_due_dates_are_recomputed_from_receipt_day_zero);
async fn stored_due_dates_are_recomputed_from_receipt_day_zero(app: TestApp) {
    use diesel::RunQueryDsl;
    let office = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&office]);
    let op = app.token("op@comune.test").await;
    let file = |received: &'static str| {
        let mut body = reclamo();
        body["channel"] = json!("post");
        body["received_at"] = json!(received);
        body
    };
    let mut ids = Vec::new();
    for received in ["2026-03-07T09:00:00Z", "2026-03-09T09:00:00Z"] {
        let created: Value = app
            .post_json("/requests", Some(&op), &file(received))
            .await
            .json()
            .await
            .unwrap();
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    // As stored before the fix: the Saturday receipt counted from Monday (one day later).
    let url = app.database_url.clone();
    let (saturday, monday) = (ids[0].clone(), ids[1].clone());
    app.state
        .db
        .write_tx(|c| {
            diesel::sql_query(format!(
                "UPDATE requests SET due_date = '2026-04-21' WHERE id = '{saturday}'"
            ))
            .execute(c)?;
            diesel::sql_query("INSERT INTO data_fixes (name) VALUES ('tqrif_receipt_day_zero')")
                .execute(c)
        })
        .unwrap();
    // The next start applies the queued fix once.
    let db = tokio::task::spawn_blocking(move || api::db::Db::connect(&url, 2, false))
        .await
        .unwrap()
        .unwrap();
    for (id, due) in [(&ids[0], "2026-04-20"), (&monday, "2026-04-21")] {
        let view: Value = app
            .get(&format!("/requests/{id}"), Some(&op))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(view["due_date"], due, "{id}");
    }
    let left: i64 = db
        .read(|c| {
            #[derive(diesel::QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            diesel::sql_query("SELECT COUNT(*) AS n FROM data_fixes")
                .get_result::<N>(c)
                .map(|r| r.n)
        })
        .unwrap();
    assert_eq!(left, 0);
}

db_test!(a_corrupt_stored_state_is_an_error_not_a_default);
async fn a_corrupt_stored_state_is_an_error_not_a_default(app: TestApp) {
    use diesel::RunQueryDsl;
    let office = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&office]);
    let op = app.token("op@comune.test").await;
    let created: Value = app
        .post_json("/requests", Some(&op), &reclamo())
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let stored = id.clone();
    app.state
        .db
        .write_tx(|c| {
            diesel::sql_query(format!(
                "UPDATE requests SET status = 'chiusa' WHERE id = '{stored}'"
            ))
            .execute(c)
        })
        .unwrap();
    // Read as "received" it would be answered and transitioned as if new: it is refused.
    let res = app.get(&format!("/requests/{id}"), Some(&op)).await;
    assert_eq!(res.status(), 500);
    let problem: Value = res.json().await.unwrap();
    assert_ne!(problem["status"], "received");
    let res = app
        .post_json(
            &format!("/requests/{id}/transitions"),
            Some(&op),
            &json!({"action": "take"}),
        )
        .await;
    assert_eq!(res.status(), 500);
}

db_test!(lists_give_summaries_and_the_full_request_stays_by_id);
async fn lists_give_summaries_and_the_full_request_stays_by_id(app: TestApp) {
    let tributi = app.office("Ufficio Tributi");
    app.staff("op@comune.test", "operator", &[&tributi]);
    let op = app.token("op@comune.test").await;
    let (citizen_id, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let created: Value = app
        .post_json("/requests", Some(&anna), &reclamo())
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let res = app
        .post_json(
            &format!("/requests/{id}/transitions"),
            Some(&op),
            &json!({"action": "take"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let full: Value = app
        .get(&format!("/requests/{id}"), Some(&op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(full["description"], reclamo()["description"]);
    assert_eq!(full["fields"]["codice_utenza"], "UT-00042");

    let summary_keys: BTreeSet<&str> = [
        "id",
        "protocol_number",
        "type",
        "type_name",
        "kind",
        "status",
        "subject",
        "citizen",
        "office",
        "assignee",
        "received_at",
        "due_date",
        "deadline_status",
        "working_days_left",
    ]
    .into();
    for (who, token, path) in [
        ("citizen", &anna, "/requests"),
        ("queue", &op, "/requests?status=in_progress&sort=urgent"),
    ] {
        let page: Value = app.get(path, Some(token)).await.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{who}: {page}");
        let item = items[0].as_object().unwrap();
        let keys: BTreeSet<&str> = item.keys().map(String::as_str).collect();
        assert_eq!(keys, summary_keys, "{who}");
        // Same values, same encodings as the full request.
        for k in summary_keys.iter().filter(|k| !["citizen"].contains(k)) {
            assert_eq!(item[*k], full[*k], "{who}: {k}");
        }
        assert_eq!(
            item["citizen"],
            json!({"id": citizen_id, "name": full["citizen"]["name"]}),
            "{who}"
        );
        assert_eq!(item["assignee"]["name"], full["assignee"]["name"], "{who}");
        assert!(
            item["assignee"]["name"]
                .as_str()
                .is_some_and(|n| !n.trim().is_empty())
        );
        assert_eq!(item["office"]["id"], tributi.as_str(), "{who}");
        assert_eq!(item["deadline_status"], "on_time", "{who}");
    }
}

// Filings committed together (SQLite's writer, PostgreSQL's filing groups): repeated
// idempotency keys and refused bodies among 120 parallel calls leave one request per key,
// no number used by a refused call, and no gap.
db_test!(parallel_filings_with_repeated_keys_and_refusals_stay_gapless);
async fn parallel_filings_with_repeated_keys_and_refusals_stay_gapless(app: TestApp) {
    app.staff("op@comune.test", "operator", &[]);
    let op = app.token("op@comune.test").await;
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &op).await;
    let mut tasks = Vec::new();
    for i in 0..120_u32 {
        let client = app.client.clone();
        let url = app.url("/requests");
        let token = anna.clone();
        // 40 keys sent twice each, 20 calls without a key, 20 with an unknown type.
        let (key, mut body) = match i % 6 {
            0..=3 => (Some(format!("k-{}", i / 6 * 2 + i % 2)), reclamo()),
            4 => (None, reclamo()),
            _ => (
                None,
                json!({"type": "non_esiste", "subject": "x", "description": "y"}),
            ),
        };
        if let Some(k) = &key {
            body["subject"] = json!(format!("Segnalazione {k}"));
        }
        tasks.push(tokio::spawn(async move {
            let mut req = client.post(url).bearer_auth(token).json(&body);
            if let Some(k) = &key {
                req = req.header("Idempotency-Key", k);
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            (
                key,
                status,
                body["protocol_number"].as_str().map(str::to_owned),
            )
        }));
    }
    let mut by_key = std::collections::BTreeMap::<String, BTreeSet<String>>::new();
    let mut numbers = BTreeSet::new();
    let mut refused = 0;
    for t in tasks {
        let (key, status, number) = t.await.unwrap();
        if status == 422 {
            refused += 1;
            assert!(number.is_none());
            continue;
        }
        assert_eq!(status, 201);
        let number = number.unwrap();
        numbers.insert(number.clone());
        if let Some(k) = key {
            by_key.entry(k).or_default().insert(number);
        }
    }
    assert_eq!(refused, 20);
    assert_eq!(by_key.len(), 40);
    assert!(by_key.values().all(|n| n.len() == 1), "{by_key:?}");
    let year = chrono::Utc::now().format("%Y").to_string();
    let expected: BTreeSet<String> = (1..=60).map(|n| format!("{year}/{n:07}")).collect();
    assert_eq!(numbers, expected);
    let page: Value = app
        .get("/requests?limit=100", Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 60);
}
