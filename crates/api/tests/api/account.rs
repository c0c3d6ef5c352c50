//! The taxpayer's account through the API: contribuenti, acts, payments and adjustments,
//! the estratto conto (JSON equal to the domain's, PDF read back with pdftotext), plans
//! carried by rateizzazione requests, and imports from CSV.

use chrono::{Duration, NaiveDate, Utc};
use domain::api::{
    ContribuenteSummary, CreateAct, CreateAdjustment, CreatePayment, NewInstalment, Statement,
    StatementItem,
};
use domain::tax::{self, AccountRules, ActKind, AdjustmentKind, PaymentChannel, Tributo};
use serde_json::{Value, json};

use crate::helpers::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    domain::calendar::rome_date(Utc::now())
}

pub async fn operator(app: &TestApp) -> String {
    app.staff("op.tributi@comune.test", "operator", &[]);
    app.token("op.tributi@comune.test").await
}

pub async fn created(res: reqwest::Response, what: &str) -> Value {
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{what}: {body}");
    body
}

pub async fn contribuente(app: &TestApp, op: &str, cf: &str, first: &str, last: &str) -> String {
    let res = app
        .post_json(
            "/contribuenti",
            Some(op),
            &json!({"fiscal_code": cf, "first_name": first, "last_name": last}),
        )
        .await;
    created(res, "contribuente").await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub fn act_body(
    contribuente: &str,
    number: &str,
    issued: NaiveDate,
    instalments: &[(NaiveDate, i64)],
) -> Value {
    json!({
        "contribuente_id": contribuente, "kind": "avviso_ordinario", "number": number,
        "year": chrono::Datelike::year(&issued), "tributo": "tari", "issued_on": issued,
        "instalments": instalments.iter().map(|(d, a)| json!({"due_date": d, "amount": a})).collect::<Vec<_>>(),
    })
}

/// The audit actions recorded for an entity, oldest first.
fn audit_actions(app: &TestApp, entity_id: &str) -> Vec<String> {
    use api::db::schema::audit_log;
    use diesel::prelude::*;
    let id = entity_id.to_owned();
    let mut actions: Vec<(String, String)> = app
        .state
        .db
        .read(|c| {
            audit_log::table
                .filter(audit_log::entity_id.eq(id))
                .select((audit_log::id, audit_log::action))
                .load(c)
        })
        .unwrap();
    actions.sort();
    actions.into_iter().map(|(_, a)| a).collect()
}

db_test!(statement_through_the_api_is_the_domains);
async fn statement_through_the_api_is_the_domains(app: TestApp) {
    let op = operator(&app).await;
    let cid = contribuente(&app, &op, CF_A, "Anna", "Bianchi").await;
    let avviso = CreateAct {
        contribuente_id: cid.clone(),
        utenza_id: None,
        kind: ActKind::AvvisoOrdinario,
        number: "2025/1".into(),
        year: 2025,
        tributo: Tributo::Tari,
        issued_on: d(2025, 4, 1),
        notified_on: None,
        components: None,
        instalments: [
            (d(2025, 5, 31), 10_000),
            (d(2025, 9, 30), 10_000),
            (d(2025, 12, 31), 10_000),
        ]
        .iter()
        .map(|&(due_date, amount)| NewInstalment { due_date, amount })
        .collect(),
    };
    let ingiunzione = CreateAct {
        kind: ActKind::Ingiunzione,
        number: "ING/2025/7".into(),
        issued_on: d(2025, 8, 1),
        notified_on: Some(d(2025, 8, 5)),
        components: Some(tax::Components {
            tributo: domain::types::Money::from_cents(99_125),
            spese_notifica: domain::types::Money::from_cents(875),
            ..tax::Components::default()
        }),
        instalments: vec![NewInstalment {
            due_date: d(2025, 10, 15),
            amount: 100_000,
        }],
        ..avviso.clone()
    };
    let mut ids = Vec::new();
    for act in [&avviso, &ingiunzione] {
        let res = app
            .post_json("/acts", Some(&op), &serde_json::to_value(act).unwrap())
            .await;
        ids.push(created(res, "act").await["id"].as_str().unwrap().to_owned());
    }
    let payments = [
        CreatePayment {
            act_id: ids[0].clone(),
            date: d(2025, 6, 15),
            amount: 12_000,
            channel: PaymentChannel::Pagopa,
            reference: "RF01".into(),
            instalment: None,
        },
        CreatePayment {
            act_id: ids[0].clone(),
            date: d(2025, 10, 10),
            amount: 5_000,
            channel: PaymentChannel::Desk,
            reference: "sportello".into(),
            instalment: Some(2),
        },
        CreatePayment {
            act_id: ids[1].clone(),
            date: d(2025, 12, 1),
            amount: 30_000,
            channel: PaymentChannel::Bank,
            reference: "CRO 1".into(),
            instalment: None,
        },
    ];
    for p in &payments {
        let res = app
            .post_json("/payments", Some(&op), &serde_json::to_value(p).unwrap())
            .await;
        created(res, "payment").await;
    }
    let sgravio = CreateAdjustment {
        kind: AdjustmentKind::Sgravio,
        date: d(2025, 11, 1),
        amount: Some(2_000),
        instalment: Some(3),
        reason: "Superficie ricalcolata".into(),
    };
    let res = app
        .post_json(
            &format!("/acts/{}/adjustments", ids[0]),
            Some(&op),
            &serde_json::to_value(&sgravio).unwrap(),
        )
        .await;
    created(res, "adjustment").await;

    // The same inputs through the domain.
    let as_of = d(2026, 2, 15);
    let domain_acts: Vec<tax::Act> = [&avviso, &ingiunzione]
        .iter()
        .map(|a| a.to_domain().unwrap())
        .collect();
    let pay = |i: usize| -> Vec<tax::Payment> {
        payments
            .iter()
            .filter(|p| p.act_id == ids[i])
            .map(|p| p.to_domain(&domain_acts[i], today()).unwrap())
            .collect()
    };
    let (p0, p1) = (pay(0), pay(1));
    let adj = vec![
        sgravio
            .to_domain(
                tax::ActLedger {
                    act: &domain_acts[0],
                    payments: &p0,
                    adjustments: &[],
                },
                today(),
            )
            .unwrap()
            .0,
    ];
    let items = [
        StatementItem {
            id: &ids[0],
            ledger: tax::ActLedger {
                act: &domain_acts[0],
                payments: &p0,
                adjustments: &adj,
            },
        },
        StatementItem {
            id: &ids[1],
            ledger: tax::ActLedger {
                act: &domain_acts[1],
                payments: &p1,
                adjustments: &[],
            },
        },
    ];
    let who = ContribuenteSummary {
        id: cid.clone(),
        fiscal_code: CF_A.into(),
        name: "Anna Bianchi".into(),
    };
    let expected = Statement::compute(as_of, who, &items, &AccountRules::default()).unwrap();
    let res = app
        .get(
            &format!("/contribuenti/{cid}/statement?as_of=2026-02-15"),
            Some(&op),
        )
        .await;
    assert_eq!(res.status(), 200);
    let got: Value = res.json().await.unwrap();
    assert_eq!(got, serde_json::to_value(&expected).unwrap());
    // And the numbers are not all zero: interest ran on both acts, the ingiunzione's more.
    assert!(got["acts"][1]["interest"].as_i64().unwrap() > 0, "{got}");
    assert_eq!(got["acts"][0]["discharged"], 2_000);
    assert_eq!(got["totals"]["paid"], 47_000);

    // The file of the contribuente and the act as stored.
    let file: Value = app
        .get(&format!("/contribuenti/{cid}"), Some(&op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(file["acts"].as_array().unwrap().len(), 2);
    assert_eq!(file["payments"].as_array().unwrap().len(), 3);
    assert_eq!(file["adjustments"][0]["reason"], "Superficie ricalcolata");
    let act: Value = app
        .get(&format!("/acts/{}", ids[1]), Some(&op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(act["components"]["spese_notifica"], 875);
    // Search by codice fiscale prefix, name, either order.
    for q in ["RSSMRA", "bianchi anna", "Anna Bianchi"] {
        let page: Value = app
            .get(
                &format!("/contribuenti?q={}", q.replace(' ', "%20")),
                Some(&op),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 1, "{q}: {page}");
    }
    // Every write is audited.
    assert_eq!(audit_actions(&app, &cid), ["contribuente.create"]);
    assert_eq!(audit_actions(&app, &ids[0]), ["act.create", "act.adjust"]);
}

db_test!(payments_are_once_per_idempotency_key);
async fn payments_are_once_per_idempotency_key(app: TestApp) {
    let op = operator(&app).await;
    let cid = contribuente(&app, &op, CF_A, "Anna", "Bianchi").await;
    let act = created(
        app.post_json(
            "/acts",
            Some(&op),
            &act_body(&cid, "1", d(2025, 4, 1), &[(d(2025, 5, 31), 10_000)]),
        )
        .await,
        "act",
    )
    .await;
    let body =
        json!({"act_id": act["id"], "date": "2025-05-02", "amount": 2500, "channel": "desk"});
    let send = |body: Value| {
        app.client
            .post(app.url("/payments"))
            .bearer_auth(&op)
            .header("Idempotency-Key", "cassa-42")
            .json(&body)
            .send()
    };
    let send = |body: Value| async { send(body).await.unwrap() };
    let first = created(send(body.clone()).await, "first").await;
    let again = created(send(body.clone()).await, "again").await;
    assert_eq!(first, again);
    let other =
        send(json!({"act_id": act["id"], "date": "2025-05-02", "amount": 2600, "channel": "desk"}))
            .await;
    assert_eq!(other.status(), 422);
    let file: Value = app
        .get(&format!("/contribuenti/{cid}"), Some(&op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(file["payments"].as_array().unwrap().len(), 1);
}

db_test!(a_citizen_sees_only_the_acts_of_their_codice_fiscale);
async fn a_citizen_sees_only_the_acts_of_their_codice_fiscale(app: TestApp) {
    let op = operator(&app).await;
    // B is a citizen before the Comune registers the contribuente; A only after.
    let (_, b) = app.citizen(CF_B, "bruno@example.it", &op).await;
    let ca = contribuente(&app, &op, CF_A, "Anna", "Bianchi").await;
    let cb = contribuente(&app, &op, CF_B, "Bruno", "Verdi").await;
    let (_, a) = app.citizen(CF_A, "anna@example.it", &op).await;
    let (_, c) = app.citizen(CF_C, "carla@example.it", &op).await;
    let issued = today() - Duration::days(30);
    let due = today() + Duration::days(30);
    let act_a = created(
        app.post_json(
            "/acts",
            Some(&op),
            &act_body(&ca, "A/1", issued, &[(due, 60_000)]),
        )
        .await,
        "act a",
    )
    .await;
    let act_b = created(
        app.post_json(
            "/acts",
            Some(&op),
            &act_body(&cb, "B/1", issued, &[(due, 70_000)]),
        )
        .await,
        "act b",
    )
    .await;
    let utenza = json!({"contribuente_id": ca, "code": "U-1", "kind": "domestica",
        "address": {"street": "Via Roma 1", "city": "Pisa"}, "square_meters": 80, "occupants": 2, "start_date": "2020-01-01"});
    created(app.post_json("/utenze", Some(&op), &utenza).await, "utenza").await;

    let list = |token: String, path: &'static str| {
        let app = &app;
        async move {
            app.get(path, Some(&token))
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let acts_a = list(a.clone(), "/me/acts").await;
    assert_eq!(acts_a.as_array().unwrap().len(), 1, "{acts_a}");
    assert_eq!(acts_a[0]["id"], act_a["id"]);
    let acts_b = list(b.clone(), "/me/acts").await;
    assert_eq!(acts_b.as_array().unwrap().len(), 1, "{acts_b}");
    assert_eq!(acts_b[0]["id"], act_b["id"]);
    assert_eq!(list(a.clone(), "/me/utenze").await[0]["code"], "U-1");
    assert_eq!(list(b.clone(), "/me/utenze").await, json!([]));
    // Someone else's act is not there at all.
    let res = app
        .get(
            &format!("/me/acts/{}/plan", act_b["id"].as_str().unwrap()),
            Some(&a),
        )
        .await;
    assert_eq!(res.status(), 404);
    let st: Value = app
        .get("/me/statement", Some(&a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(st["contribuente"]["fiscal_code"], CF_A);
    assert_eq!(st["totals"]["residual"], 60_000);
    // Without a contribuente: empty lists, no statement.
    assert_eq!(list(c.clone(), "/me/acts").await, json!([]));
    assert_eq!(list(c.clone(), "/me/payments").await, json!([]));
    assert_eq!(app.get("/me/statement", Some(&c)).await.status(), 404);
    // Operators cannot read citizens' pages as if they were theirs, nor citizens the desk's.
    assert_eq!(
        app.get(&format!("/contribuenti/{ca}"), Some(&a))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.get(
            &format!("/acts/{}", act_b["id"].as_str().unwrap()),
            Some(&a)
        )
        .await
        .status(),
        403
    );
}

db_test!(a_plan_is_proposed_requested_and_granted);
async fn a_plan_is_proposed_requested_and_granted(app: TestApp) {
    let op = operator(&app).await;
    let cid = contribuente(&app, &op, CF_A, "Anna", "Bianchi").await;
    let (_, citizen) = app.citizen(CF_A, "anna@example.it", &op).await;
    let issued = today() - Duration::days(20);
    let act = created(
        app.post_json(
            "/acts",
            Some(&op),
            &act_body(
                &cid,
                "2026/555",
                issued,
                &[
                    (today() + Duration::days(10), 60_000),
                    (today() + Duration::days(40), 60_000),
                ],
            ),
        )
        .await,
        "act",
    )
    .await;
    let act_id = act["id"].as_str().unwrap();
    // 1.200 € allows 5 to 12 monthly instalments (L. 160/2019 c. 796).
    let res = app
        .get(
            &format!("/me/acts/{act_id}/plan?instalments=6"),
            Some(&citizen),
        )
        .await;
    assert_eq!(res.status(), 200);
    let proposal: Value = res.json().await.unwrap();
    assert_eq!(
        (
            proposal["min_instalments"].as_u64(),
            proposal["max_instalments"].as_u64()
        ),
        (Some(5), Some(12))
    );
    let plan: Vec<i64> = proposal["instalments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(plan.len(), 6);
    assert_eq!(plan.iter().sum::<i64>(), 120_000);
    let res = app
        .get(
            &format!("/me/acts/{act_id}/plan?instalments=30"),
            Some(&citizen),
        )
        .await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "instalments", "{p}");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("da 5 a 12"),
        "{p}"
    );

    // The request carries the plan; a number the bracket does not allow is refused.
    let request = |rate: u32| {
        json!({"type": "tari_rateizzazione", "subject": "Rateizzazione avviso 2026/555", "description": "Chiedo sei rate.",
               "fields": {"numero_avviso": "2026/555", "numero_rate": rate, "motivo": "altro"}})
    };
    let res = app
        .post_json("/requests", Some(&citizen), &request(40))
        .await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "fields.numero_rate", "{p}");
    let filed = created(
        app.post_json("/requests", Some(&citizen), &request(6))
            .await,
        "request",
    )
    .await;
    let rid = filed["id"].as_str().unwrap();
    let carried: Value = app
        .get(&format!("/requests/{rid}/plan"), Some(&citizen))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(carried["status"], "proposed");
    assert_eq!(carried["proposal"]["instalments"], proposal["instalments"]);
    assert_eq!(carried["act_id"], act_id);

    // The office grants it by resolving the request.
    let res = app
        .post_json(
            &format!("/requests/{rid}/transitions"),
            Some(&op),
            &json!({"action": "take"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app
        .post_json(
            &format!("/requests/{rid}/transitions"),
            Some(&op),
            &json!({"action": "resolve", "note": "Rateizzazione concessa in 6 rate mensili."}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let granted: Value = app
        .get(&format!("/acts/{act_id}"), Some(&op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(granted["status"], "rateizzato");
    assert_eq!(granted["plan_granted_on"], json!(today()));
    let due: Vec<Value> = granted["instalments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["due_date"].clone())
        .collect();
    let proposed: Vec<Value> = proposal["instalments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["due_date"].clone())
        .collect();
    assert_eq!(due, proposed, "the act's instalments are the plan's");
    let st: Value = app
        .get("/me/statement", Some(&citizen))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(st["acts"][0]["plan"]["state"], "granted", "{st}");
    assert_eq!(st["acts"][0]["plan"]["instalments"], 6);
    assert_eq!(st["acts"][0]["residual"], 120_000);
    let carried: Value = app
        .get(&format!("/requests/{rid}/plan"), Some(&op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(carried["status"], "granted");
    assert_eq!(
        audit_actions(&app, act_id),
        ["act.create", "act.plan_grant"]
    );
    // The PDF says so too.
    if let Some(text) = pdf_text(&app, "/me/statement.pdf", &citizen).await {
        assert!(text.contains("Rateizzazione concessa"), "{text}");
    }
}

/// The text of a PDF the API serves, through Debian's pdftotext (poppler-utils); `None`
/// when it is not installed, which only a run by hand outside CI tolerates.
pub async fn pdf_text(app: &TestApp, path: &str, token: &str) -> Option<String> {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), 200, "{path}");
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("estratto.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let out = match std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            // Under CI (scripts/test.sh installs poppler-utils) a missing tool fails the test.
            assert!(
                std::env::var("CI").is_err(),
                "pdftotext is required under CI: {e}"
            );
            eprintln!("pdftotext not installed (apt install poppler-utils): PDF text not checked");
            return None;
        }
    };
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

db_test!(the_statement_pdf_prints_what_is_owed_in_italian);
async fn the_statement_pdf_prints_what_is_owed_in_italian(app: TestApp) {
    let op = operator(&app).await;
    let cid = contribuente(&app, &op, CF_A, "Anna", "Bianchi").await;
    let (_, citizen) = app.citizen(CF_A, "anna@example.it", &op).await;
    let mut body = act_body(&cid, "ING/9", d(2025, 8, 1), &[(d(2025, 10, 15), 123_456)]);
    body["kind"] = json!("ingiunzione");
    created(app.post_json("/acts", Some(&op), &body).await, "act").await;
    let st: Value = app
        .get("/me/statement?as_of=2026-02-15", Some(&citizen))
        .await
        .json()
        .await
        .unwrap();
    let Some(text) = pdf_text(&app, "/me/statement.pdf?as_of=2026-02-15", &citizen).await else {
        return;
    };
    let eur = |cents: i64| domain::types::Money::from_cents(cents).to_string();
    for needle in [
        "Sportello".to_owned(),
        "Estratto conto del contribuente".into(),
        "Anna Bianchi".into(),
        CF_A.into(),
        "Situazione al 15/02/2026".into(),
        "Ingiunzione di pagamento n. ING/9".into(),
        "15/10/2025".into(),
        eur(123_456),
        eur(st["totals"]["interest"].as_i64().unwrap()),
        eur(st["totals"]["daily_interest"].as_i64().unwrap()),
        eur(123_456 + st["totals"]["interest"].as_i64().unwrap()),
        "pagina 1 di 1".into(),
        format!("prodotto il {}", today().format("%d/%m/%Y")),
    ] {
        assert!(text.contains(&needle), "{needle:?} missing from:\n{text}");
    }
    assert!(eur(123_456).contains("1.234,56 €"));
    // The desk prints the same statement.
    let desk = pdf_text(
        &app,
        &format!("/contribuenti/{cid}/statement.pdf?as_of=2026-02-15"),
        &op,
    )
    .await;
    assert!(desk.is_some_and(|t| t.contains(&eur(123_456))));
}

db_test!(interest_settings_change_the_statement);
async fn interest_settings_change_the_statement(app: TestApp) {
    app.staff("admin@comune.test", "admin", &[]);
    let admin = app.token("admin@comune.test").await;
    let op = operator(&app).await;
    let cid = contribuente(&app, &op, CF_A, "Anna", "Bianchi").await;
    created(
        app.post_json(
            "/acts",
            Some(&op),
            &act_body(&cid, "1", d(2025, 4, 1), &[(d(2025, 5, 31), 100_000)]),
        )
        .await,
        "act",
    )
    .await;
    let path = format!("/contribuenti/{cid}/statement?as_of=2026-02-15");
    let interest = async |app: &TestApp| -> i64 {
        let st: Value = app.get(&path, Some(&op)).await.json().await.unwrap();
        st["totals"]["interest"].as_i64().unwrap()
    };
    let before = interest(&app).await;
    let s: Value = app
        .get("/settings", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["interest"]["points_by_kind"]["ingiunzione"], "2");
    assert_eq!(s["instalments"]["min_amount"], 10_000);
    let res = app
        .put_json(
            "/settings",
            Some(&admin),
            &json!({"interest": {"points_by_kind": {"avviso_ordinario": "1"}}, "instalments": {"min_amount": 5000}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let s: Value = res.json().await.unwrap();
    assert_eq!(s["interest"]["points_by_kind"]["avviso_ordinario"], "1");
    assert_eq!(
        s["interest"]["points_by_kind"]["ingiunzione"], "2",
        "the others keep theirs"
    );
    assert_eq!(s["instalments"]["min_amount"], 5000);
    assert_eq!(s["name"], "Sportello", "the rest of the settings stays");
    let after = interest(&app).await;
    assert!(after > before, "{before} → {after}");
    // A later PUT of other settings leaves them as they are.
    let res = app
        .put_json("/settings", Some(&admin), &json!({"target_percent": 80}))
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["interest"]["points_by_kind"]["avviso_ordinario"],
        "1"
    );
    let res = app
        .put_json("/settings", Some(&admin), &json!({"interest": {"points_by_kind": {"ingiunzione": "4"}}, "instalments": {"min_amount": 20000}}))
        .await;
    assert_eq!(res.status(), 422);
    let p: Value = res.json().await.unwrap();
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "interest.points_by_kind.ingiunzione",
            "instalments.min_amount"
        ]
    );
}

db_test!(the_demo_citizen_has_a_taxpayer_account);
async fn the_demo_citizen_has_a_taxpayer_account(app: TestApp) {
    let config = api::config::Config::for_paths(
        app.database_url.clone(),
        app.state.config.files_dir.clone(),
    );
    let seed = |config: api::config::Config| async move {
        tokio::task::spawn_blocking(move || api::seed::demo(&config))
            .await
            .unwrap()
            .unwrap()
    };
    let report = seed(config.clone()).await;
    assert!(report.contains("taxpayer account"), "{report}");
    let res = app
        .login("RSSMRA80A01H501U", api::seed::DEMO_PASSWORD)
        .await;
    let token = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let st: Value = app
        .get("/me/statement", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = st["acts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ingiunzione", "avviso_ordinario"], "{st}");
    let avviso = &st["acts"][1];
    assert_eq!(avviso["paid"], 9_800);
    assert_eq!(avviso["instalments"][1]["days_late"], 30);
    assert!(
        avviso["instalments"][1]["interest"].as_i64().unwrap() > 0,
        "{avviso}"
    );
    assert_eq!(avviso["instalments"][2]["interest"], 0);
    let ingiunzione = &st["acts"][0];
    assert_eq!(ingiunzione["residual"], 30_775);
    assert!(ingiunzione["daily_interest"].as_i64().unwrap() > 0);
    let utenze: Value = app
        .get("/me/utenze", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(utenze.as_array().unwrap().len(), 2);
    let payments: Value = app
        .get("/me/payments", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(payments[0]["channel"], "pagopa");
    // Seeding again changes nothing.
    seed(config).await;
    let again: Value = app
        .get("/me/statement", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, st);
}
