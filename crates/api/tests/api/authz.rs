//! The authorization matrix: every operation of the public API × every kind of caller, with
//! the status each must get. Adding an operation without a row here fails the test.
//!
//! Bodies are chosen so that a caller who passes the authorization check fails later on
//! validation (422/404/409) without changing the state other cells depend on.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    CitizenA,
    CitizenB,
    /// An operator of an office other than the request's.
    OtherOffice,
    Supervisor,
    Admin,
    /// An operator of another tenant.
    OtherTenant,
}

const WHO: [Who; 7] = [
    Who::Anonymous,
    Who::CitizenA,
    Who::CitizenB,
    Who::OtherOffice,
    Who::Supervisor,
    Who::Admin,
    Who::OtherTenant,
];

enum Body {
    None,
    Json(Value),
    /// A multipart form with a `data` JSON part and one file part.
    Form(Value, &'static str, &'static [u8]),
}

struct Op {
    method: &'static str,
    /// The path as the OpenAPI document names it.
    spec_path: &'static str,
    url: String,
    body: Body,
    /// Anonymous, citizen A, citizen B, other office, supervisor, admin, other tenant.
    expect: [u16; 7],
}

struct World {
    tokens: Vec<Option<String>>,
    request_a: String,
    attachment_a: String,
    registration: String,
    operator: String,
    office: String,
    document: String,
    faq: String,
    /// Citizen A's contribuente, one of its acts and a rateizzazione request carrying a plan.
    contribuente_a: String,
    act_a: String,
    /// The numero avviso of the first instalment of `act_a`.
    nav_a: String,
    plan_request: String,
    agenda: AgendaWorld,
    /// A chat of citizen A, waiting in the request's office.
    chat: String,
}

/// A desk of the request's office with a cancelled booking, and a pickup zone with a
/// withdrawn pickup of citizen A: rows whose operations then fail on their state.
struct AgendaWorld {
    desk: String,
    code: String,
    booking: String,
    zone: String,
    pickup: String,
}

async fn agenda_world(app: &TestApp, admin: &str, citizen_a: &str, office: &str) -> AgendaWorld {
    use crate::admin::call;
    use crate::agenda::{book, booking, create_desk, day, desk, slots};
    use reqwest::Method;
    let desk_id = create_desk(app, admin, &desk(office, &json!({}))).await;
    let start = slots(app, &desk_id, &day(2), None).await[10]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, b) = book(app, None, &booking(&desk_id, &start, "visita@example.it")).await;
    assert_eq!(status, 201, "{b}");
    let code = b["code"].as_str().unwrap().to_owned();
    let (status, _) = call(
        app,
        Method::DELETE,
        &format!("/public/bookings/{code}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (_, list) = call(
        app,
        Method::GET,
        &format!("/bookings?from={}", day(2)),
        Some(admin),
        None,
    )
    .await;
    let booking_id = list[0]["id"].as_str().unwrap().to_owned();
    let zone = json!({"name": "Centro", "weekdays": [1, 2, 3, 4, 5, 6, 7], "daily_capacity": 10, "max_pieces_per_booking": 5, "kinds": ["ingombranti"]});
    let (status, z) = call(app, Method::POST, "/pickup-zones", Some(admin), Some(&zone)).await;
    assert_eq!(status, 201, "{z}");
    let zone_id = z["id"].as_str().unwrap().to_owned();
    let item = json!({"code": "sedia", "name": "Sedia", "kind": "ingombranti"});
    assert_eq!(
        call(app, Method::POST, "/pickup-items", Some(admin), Some(&item))
            .await
            .0,
        201
    );
    let cal = domain::WorkingCalendar::national();
    let mut date = domain::rome_date(chrono::Utc::now()) + chrono::Duration::days(3);
    while cal.is_holiday(date) {
        date += chrono::Duration::days(1);
    }
    let body = json!({"zone_id": zone_id, "kind": "ingombranti", "date": date, "address": "Via Roma 1", "items": [{"code": "sedia", "qty": 1}], "phone": "333 1234567"});
    let (status, p) = call(app, Method::POST, "/pickups", Some(citizen_a), Some(&body)).await;
    assert_eq!(status, 201, "{p}");
    let pickup = p["pickup"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        call(
            app,
            Method::DELETE,
            &format!("/pickups/{pickup}"),
            Some(citizen_a),
            None
        )
        .await
        .0,
        200
    );
    AgendaWorld {
        desk: desk_id,
        code,
        booking: booking_id,
        zone: zone_id,
        pickup,
    }
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
const NONE_ID: &str = "00000000-0000-7000-8000-000000000000";

async fn world(app: &TestApp) -> World {
    let tributi = app.office("Ufficio Tributi");
    let tecnico = app.office("Ufficio Tecnico");
    let operator = app.staff("op.tributi@comune.test", "operator", &[&tributi]);
    app.staff("op.tecnico@comune.test", "operator", &[&tecnico]);
    app.staff("sup@comune.test", "supervisor", &[&tributi]);
    app.staff("admin@comune.test", "admin", &[]);
    let op = app.token("op.tributi@comune.test").await;
    let admin = app.token("admin@comune.test").await;
    let res = app
        .put_json(
            "/routing-rules",
            Some(&admin),
            &json!([{"kind": "reclamo", "office_id": tributi}]),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());

    let (_, a) = app.citizen(CF_A, "anna@example.it", &op).await;
    let (_, b) = app.citizen(CF_B, "bruno@example.it", &op).await;
    let regs: Value = app
        .get("/registrations", Some(&op))
        .await
        .json()
        .await
        .unwrap();
    let registration = regs["items"][0]["id"].as_str().unwrap().to_owned();

    let body = json!({"type": "tari_reclamo", "subject": "Raccolta", "description": "Non passano.", "fields": {"servizio": "raccolta"}});
    let request_a = app
        .post_json("/requests", Some(&a), &body)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let form = reqwest::multipart::Form::new()
        .part(
            "data",
            reqwest::multipart::Part::text(json!({"body": "In allegato la risposta"}).to_string()),
        )
        .part(
            "files",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("risposta.pdf"),
        );
    let msg: Value = app
        .client
        .post(app.url(&format!("/requests/{request_a}/messages")))
        .bearer_auth(&op)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let attachment_a = msg["attachments"][0]["id"].as_str().unwrap().to_owned();

    let form = reqwest::multipart::Form::new()
        .part(
            "data",
            reqwest::multipart::Part::text(json!({"title": "Regolamento TARI"}).to_string()),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("regolamento.pdf"),
        );
    let doc: Value = app
        .client
        .post(app.url("/documents"))
        .bearer_auth(&admin)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let faq: Value = app
        .post_json(
            "/faq",
            Some(&admin),
            &json!({"question": "Come pago?", "answer": "Con pagoPA."}),
        )
        .await
        .json()
        .await
        .unwrap();

    // Another tenant, reached by its host name, with an operator of its own.
    let state = app.state.clone();
    let hash = api::auth::password::hash(PASSWORD).unwrap();
    state
        .db
        .write_tx(|c| {
            let t = api::db::repo::tenants::create(c, "altrove", "Comune di Altrove")?;
            api::db::repo::tenants::add_host(c, &t.id, "altrove.test")?;
            let office = api::db::repo::offices::create(c, &t.id, "Tributi", None)?;
            let id = api::seed::upsert_staff(
                c,
                &t.id,
                "op@altrove.test",
                &hash,
                "operator",
                "Op",
                "Altrove",
            )?;
            api::db::repo::users::set_offices(c, &t.id, &id, &[office.id])?;
            Ok::<_, api::error::ApiError>(t.id)
        })
        .map(|id| state.tenant_changed(&id))
        .unwrap();
    let res = reqwest::Client::new()
        .post(app.url("/auth/login"))
        .header("Host", "altrove.test")
        .json(&json!({"username": "op@altrove.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let foreign = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let agenda = agenda_world(app, &admin, &a, &tributi).await;
    // The taxpayer's account of citizen A: an act of 600 € and a plan requested for it.
    let contribuente_a: Value = app
        .post_json(
            "/contribuenti",
            Some(&admin),
            &json!({"fiscal_code": CF_A, "first_name": "Anna", "last_name": "Bianchi"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let contribuente_a = contribuente_a["id"].as_str().unwrap().to_owned();
    // pagoPA set up first, so the act has its notices.
    crate::pagopa::configure(app, &admin, json!({})).await;
    let today = domain::calendar::rome_date(chrono::Utc::now());
    let act_a: Value = app
        .post_json(
            "/acts",
            Some(&admin),
            &crate::account::act_body(
                &contribuente_a,
                "A/2026/1",
                today - chrono::Duration::days(10),
                &[
                    (today + chrono::Duration::days(20), 30_000),
                    (today + chrono::Duration::days(50), 30_000),
                ],
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    let act_a = act_a["id"].as_str().unwrap().to_owned();
    let notices: Value = app
        .get(&format!("/acts/{act_a}/notices"), Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let nav_a = notices["items"][0]["nav"]
        .as_str()
        .expect("a notice per instalment")
        .to_owned();
    let plan: Value = app
        .post_json(
            "/requests",
            Some(&a),
            &json!({"type": "tari_rateizzazione", "subject": "Rate", "description": "Sei rate.",
                    "fields": {"numero_avviso": "A/2026/1", "numero_rate": 6, "motivo": "altro"}}),
        )
        .await
        .json()
        .await
        .unwrap();
    let plan_request = plan["id"].as_str().expect("rateizzazione filed").to_owned();
    let chat: Value = app
        .post_json("/chats", Some(&a), &json!({"topic": "tari_reclamo"}))
        .await
        .json()
        .await
        .unwrap();
    let chat = chat["id"].as_str().expect("chat opened").to_owned();

    let tokens = vec![
        None,
        Some(a),
        Some(b),
        Some(app.token("op.tecnico@comune.test").await),
        Some(app.token("sup@comune.test").await),
        Some(admin),
        Some(foreign),
    ];
    World {
        tokens,
        request_a,
        attachment_a,
        registration,
        operator,
        office: tributi,
        document: doc["id"].as_str().unwrap().to_owned(),
        faq: faq["id"].as_str().unwrap().to_owned(),
        contribuente_a,
        act_a,
        nav_a,
        plan_request,
        agenda,
        chat,
    }
}

fn ops(w: &World) -> Vec<Op> {
    let op = |method, spec_path, url: String, body, expect| Op {
        method,
        spec_path,
        url,
        body,
        expect,
    };
    let r = &w.request_a;
    let g = &w.agenda;
    let reclamo = json!({"type": "tari_reclamo", "subject": "Prova", "description": "Prova di accesso.", "fields": {"servizio": "raccolta"}});
    let mailbox = json!({"name": "Posta", "kind": "email", "address": "posta@comune.test", "inbound_enabled": false, "outbound_default": false});
    let bad_registration = json!({"fiscal_code": CF_C, "first_name": "X", "last_name": "Y", "email": "x@example.it", "password": PASSWORD, "privacy_accepted": false});
    vec![
        op(
            "GET",
            "/api/v1/audit-log",
            "/audit-log".into(),
            Body::None,
            [401, 403, 403, 403, 200, 200, 403],
        ),
        op(
            "POST",
            "/api/v1/auth/login",
            "/auth/login".into(),
            Body::Json(json!({"username": "nessuno@example.it", "password": "sbagliata-123"})),
            [401; 7],
        ),
        op(
            "POST",
            "/api/v1/auth/logout",
            "/auth/logout".into(),
            Body::None,
            [200; 7],
        ),
        // SPID and CIE: not enabled in this world, so every caller is sent back to the
        // login page; the signed-in flows are in identity.rs.
        op(
            "GET",
            "/api/v1/auth/oidc/providers",
            "/auth/oidc/providers".into(),
            Body::None,
            [200; 7],
        ),
        op(
            "GET",
            "/api/v1/auth/oidc/{provider}/start",
            "/auth/oidc/spid/start".into(),
            Body::None,
            [302; 7],
        ),
        op(
            "GET",
            "/api/v1/auth/oidc/{provider}/callback",
            "/auth/oidc/cie/callback?code=x&state=y".into(),
            Body::None,
            [302; 7],
        ),
        op(
            "GET",
            "/api/v1/settings/identity-providers",
            "/settings/identity-providers".into(),
            Body::None,
            [401, 403, 403, 403, 403, 200, 403],
        ),
        op(
            "PUT",
            "/api/v1/settings/identity-providers/{provider}",
            "/settings/identity-providers/spid".into(),
            Body::Json(json!({"enabled": true})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "POST",
            "/api/v1/auth/refresh",
            "/auth/refresh".into(),
            Body::None,
            [401; 7],
        ),
        op(
            "POST",
            "/api/v1/auth/password-reset",
            "/auth/password-reset".into(),
            Body::Json(json!({"email": "non-una-mail"})),
            [422; 7],
        ),
        op(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            "/auth/password-reset/confirm".into(),
            Body::Json(json!({"token": "inventato", "password": "Nuova-Parola-2027"})),
            [422; 7],
        ),
        op(
            "POST",
            "/api/v1/auth/register",
            "/auth/register".into(),
            Body::Form(bad_registration, "identity_document", PDF),
            [422; 7],
        ),
        op(
            "POST",
            "/api/v1/documents",
            "/documents".into(),
            Body::Form(json!({"title": "Immagine"}), "file", PNG),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "PUT",
            "/api/v1/documents/{id}",
            format!("/documents/{NONE_ID}"),
            Body::Json(json!({"title": ""})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "DELETE",
            "/api/v1/documents/{id}",
            format!("/documents/{NONE_ID}"),
            Body::None,
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "POST",
            "/api/v1/faq",
            "/faq".into(),
            Body::Json(json!({"question": "", "answer": ""})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "PUT",
            "/api/v1/faq/{id}",
            format!("/faq/{}", w.faq),
            Body::Json(json!({"question": "", "answer": ""})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "DELETE",
            "/api/v1/faq/{id}",
            format!("/faq/{NONE_ID}"),
            Body::None,
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "GET",
            "/api/v1/me",
            "/me".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/offices",
            "/offices".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "POST",
            "/api/v1/offices",
            "/offices".into(),
            Body::Json(json!({"name": ""})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "PUT",
            "/api/v1/offices/{id}",
            format!("/offices/{}", w.office),
            Body::Json(json!({"name": ""})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "DELETE",
            "/api/v1/offices/{id}",
            format!("/offices/{NONE_ID}"),
            Body::None,
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "GET",
            "/api/v1/public/documents",
            "/public/documents".into(),
            Body::None,
            [200; 7],
        ),
        op(
            "GET",
            "/api/v1/public/documents/{id}/file",
            format!("/public/documents/{}/file", w.document),
            Body::None,
            [200, 200, 200, 200, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/public/faq",
            "/public/faq".into(),
            Body::None,
            [200; 7],
        ),
        op(
            "GET",
            "/api/v1/public/tenant",
            "/public/tenant".into(),
            Body::None,
            [200; 7],
        ),
        op(
            "GET",
            "/api/v1/registrations",
            "/registrations".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/registrations/{id}",
            format!("/registrations/{}", w.registration),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        op(
            "POST",
            "/api/v1/registrations/{id}/approve",
            format!("/registrations/{}/approve", w.registration),
            Body::None,
            [401, 403, 403, 409, 409, 409, 404],
        ),
        op(
            "GET",
            "/api/v1/registrations/{id}/document",
            format!("/registrations/{}/document", w.registration),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        op(
            "POST",
            "/api/v1/registrations/{id}/reject",
            format!("/registrations/{}/reject", w.registration),
            Body::Json(json!({"reason": "Documento illeggibile"})),
            [401, 403, 403, 409, 409, 409, 404],
        ),
        op(
            "GET",
            "/api/v1/registry",
            "/registry".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/registry/entries.csv",
            "/registry/entries.csv".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/request-types",
            "/request-types".into(),
            Body::None,
            [200; 7],
        ),
        op(
            "GET",
            "/api/v1/requests",
            "/requests".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "POST",
            "/api/v1/requests",
            "/requests".into(),
            Body::Json(reclamo),
            [401, 201, 201, 201, 201, 201, 201],
        ),
        op(
            "GET",
            "/api/v1/requests/counts",
            "/requests/counts".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}",
            format!("/requests/{r}"),
            Body::None,
            [401, 200, 404, 200, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/receipt.pdf",
            format!("/requests/{r}/receipt.pdf"),
            Body::None,
            [401, 200, 404, 200, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/rating",
            format!("/requests/{r}/rating"),
            Body::None,
            [401, 200, 404, 200, 200, 200, 404],
        ),
        // The request is not concluded: its citizen gets the state conflict, staff 403.
        op(
            "POST",
            "/api/v1/requests/{id}/rating",
            format!("/requests/{r}/rating"),
            Body::Json(json!({"stars": 5, "aspects": ["clear"]})),
            [401, 409, 404, 403, 403, 403, 404],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/attachments/{attachment_id}",
            format!("/requests/{r}/attachments/{}", w.attachment_a),
            Body::None,
            [401, 200, 404, 200, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/messages",
            format!("/requests/{r}/messages"),
            Body::None,
            [401, 200, 404, 200, 200, 200, 404],
        ),
        op(
            "POST",
            "/api/v1/requests/{id}/messages",
            format!("/requests/{r}/messages"),
            Body::Json(json!({"body": ""})),
            [401, 422, 404, 403, 422, 422, 404],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/transitions",
            format!("/requests/{r}/transitions"),
            Body::None,
            [401, 200, 404, 200, 200, 200, 404],
        ),
        // Resolving a request nobody has taken: a state conflict for staff.
        op(
            "POST",
            "/api/v1/requests/{id}/transitions",
            format!("/requests/{r}/transitions"),
            Body::Json(json!({"action": "resolve", "note": "x"})),
            [401, 403, 404, 409, 409, 409, 404],
        ),
        // A request whose sender needs no checking: a state conflict for those in remit.
        op(
            "POST",
            "/api/v1/requests/{id}/sender",
            format!("/requests/{r}/sender"),
            Body::Json(json!({"citizen_id": NONE_ID})),
            [401, 403, 403, 403, 409, 409, 404],
        ),
        // Mail, PEC and notification channels.
        op(
            "GET",
            "/api/v1/mailboxes",
            "/mailboxes".into(),
            Body::None,
            [401, 403, 403, 403, 403, 200, 403],
        ),
        op(
            "POST",
            "/api/v1/mailboxes",
            "/mailboxes".into(),
            Body::Json(
                json!({"name": "", "kind": "email", "address": "x", "inbound_enabled": false, "outbound_default": false}),
            ),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "PUT",
            "/api/v1/mailboxes/{id}",
            format!("/mailboxes/{NONE_ID}"),
            Body::Json(mailbox.clone()),
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "DELETE",
            "/api/v1/mailboxes/{id}",
            format!("/mailboxes/{NONE_ID}"),
            Body::None,
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "POST",
            "/api/v1/mailboxes/{id}/test",
            format!("/mailboxes/{NONE_ID}/test"),
            Body::None,
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "GET",
            "/api/v1/notification-channels",
            "/notification-channels".into(),
            Body::None,
            [401, 403, 403, 403, 403, 200, 403],
        ),
        op(
            "PUT",
            "/api/v1/notification-channels",
            "/notification-channels".into(),
            Body::Json(json!({"sms_url": "non un indirizzo"})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "GET",
            "/api/v1/me/preferences",
            "/me/preferences".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "PUT",
            "/api/v1/me/preferences",
            "/me/preferences".into(),
            Body::Json(json!({"email": true, "sms": false, "app_io": false, "lang": "klingon"})),
            [401, 422, 422, 422, 422, 422, 422],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/deliveries",
            format!("/requests/{r}/deliveries"),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/export.pdf",
            format!("/requests/{r}/export.pdf"),
            Body::None,
            [401, 403, 403, 403, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/mails",
            format!("/requests/{r}/mails"),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/mails/{mail_id}/eml",
            format!("/requests/{r}/mails/{NONE_ID}/eml"),
            Body::None,
            [401, 403, 403, 404, 404, 404, 404],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/mails/{mail_id}/headers",
            format!("/requests/{r}/mails/{NONE_ID}/headers"),
            Body::None,
            [401, 403, 403, 404, 404, 404, 404],
        ),
        op(
            "POST",
            "/api/v1/requests/{id}/export/mail",
            format!("/requests/{r}/export/mail"),
            Body::Json(json!({"to": []})),
            [401, 403, 403, 403, 422, 422, 404],
        ),
        op(
            "POST",
            "/api/v1/requests/{id}/mail",
            format!("/requests/{r}/mail"),
            Body::Json(json!({"mode": "reply", "to": [], "body": ""})),
            [401, 403, 403, 403, 422, 422, 404],
        ),
        op(
            "GET",
            "/api/v1/routing-rules",
            "/routing-rules".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "PUT",
            "/api/v1/routing-rules",
            "/routing-rules".into(),
            Body::Json(json!([{"kind": "reclamo", "office_id": NONE_ID}])),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "GET",
            "/api/v1/settings",
            "/settings".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "PUT",
            "/api/v1/settings",
            "/settings".into(),
            Body::Json(json!({"tqrif_scheme": 9})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "GET",
            "/api/v1/users",
            "/users".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "POST",
            "/api/v1/users",
            "/users".into(),
            Body::Json(
                json!({"email": "n@comune.test", "password": "debole", "first_name": "N", "last_name": "N", "role": "operator"}),
            ),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "GET",
            "/api/v1/users/{id}",
            format!("/users/{}", w.operator),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        op(
            "PUT",
            "/api/v1/users/{id}",
            format!("/users/{}", w.operator),
            Body::Json(json!({"password": "debole"})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        // The taxpayer's account: the desk (every staff member), and each citizen's own.
        op(
            "POST",
            "/api/v1/contribuenti",
            "/contribuenti".into(),
            Body::Json(json!({"fiscal_code": "non valido"})),
            [401, 403, 403, 422, 422, 422, 422],
        ),
        op(
            "GET",
            "/api/v1/contribuenti",
            "/contribuenti?q=RSS".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/contribuenti/{id}",
            format!("/contribuenti/{}", w.contribuente_a),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/contribuenti/{id}/statement",
            format!("/contribuenti/{}/statement", w.contribuente_a),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/contribuenti/{id}/statement.pdf",
            format!("/contribuenti/{}/statement.pdf", w.contribuente_a),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        op(
            "POST",
            "/api/v1/utenze",
            "/utenze".into(),
            Body::Json(json!({"contribuente_id": w.contribuente_a, "code": ""})),
            [401, 403, 403, 422, 422, 422, 422],
        ),
        op(
            "POST",
            "/api/v1/acts",
            "/acts".into(),
            Body::Json(json!({"contribuente_id": w.contribuente_a})),
            [401, 403, 403, 422, 422, 422, 422],
        ),
        op(
            "GET",
            "/api/v1/acts/{id}",
            format!("/acts/{}", w.act_a),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        op(
            "POST",
            "/api/v1/acts/{id}/adjustments",
            format!("/acts/{}/adjustments", w.act_a),
            Body::Json(json!({"kind": "sgravio", "date": "2025-01-01", "reason": ""})),
            [401, 403, 403, 422, 422, 422, 404],
        ),
        op(
            "POST",
            "/api/v1/payments",
            "/payments".into(),
            Body::Json(
                json!({"act_id": w.act_a, "date": "2020-01-01", "amount": -5, "channel": "desk"}),
            ),
            [401, 403, 403, 422, 422, 422, 422],
        ),
        op(
            "GET",
            "/api/v1/me/utenze",
            "/me/utenze".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/me/acts",
            "/me/acts".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/me/payments",
            "/me/payments".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/me/statement",
            "/me/statement".into(),
            Body::None,
            [401, 200, 404, 404, 404, 404, 404],
        ),
        op(
            "GET",
            "/api/v1/me/statement.pdf",
            "/me/statement.pdf".into(),
            Body::None,
            [401, 200, 404, 404, 404, 404, 404],
        ),
        op(
            "GET",
            "/api/v1/me/acts/{id}/plan",
            format!("/me/acts/{}/plan", w.act_a),
            Body::None,
            [401, 200, 404, 404, 404, 404, 404],
        ),
        // pagoPA notices.
        op(
            "GET",
            "/api/v1/me/notices",
            "/me/notices".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/me/notices/{nav}",
            format!("/me/notices/{}", w.nav_a),
            Body::None,
            [401, 200, 404, 404, 404, 404, 404],
        ),
        op(
            "GET",
            "/api/v1/me/notices/{nav}.pdf",
            format!("/me/notices/{}.pdf", w.nav_a),
            Body::None,
            [401, 200, 404, 404, 404, 404, 404],
        ),
        op(
            "GET",
            "/api/v1/notices/{nav}.pdf",
            format!("/notices/{}.pdf", w.nav_a),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        // Without the portal's address online payment is not enabled: 409 past the checks.
        op(
            "POST",
            "/api/v1/me/notices/{nav}/checkout",
            format!("/me/notices/{}/checkout", w.nav_a),
            Body::Json(json!({})),
            [401, 409, 404, 404, 404, 404, 404],
        ),
        op(
            "GET",
            "/api/v1/me/receipts",
            "/me/receipts".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/me/receipts/{id}.pdf",
            format!("/me/receipts/{NONE_ID}.pdf"),
            Body::None,
            [401, 404, 404, 404, 404, 404, 404],
        ),
        op(
            "GET",
            "/api/v1/acts/{id}/notices",
            format!("/acts/{}/notices", w.act_a),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/notices/{nav}",
            format!("/notices/{}", w.nav_a),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/plan",
            format!("/requests/{}/plan", w.plan_request),
            Body::None,
            [401, 200, 404, 200, 200, 200, 404],
        ),
        op(
            "POST",
            "/api/v1/imports",
            "/imports".into(),
            Body::Form(json!({"kind": "tributi"}), "file", b"codice_fiscale\n"),
            [401, 403, 403, 422, 422, 422, 422],
        ),
        op(
            "GET",
            "/api/v1/imports",
            "/imports".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/imports/{id}",
            format!("/imports/{NONE_ID}"),
            Body::None,
            [401, 403, 403, 404, 404, 404, 404],
        ),
        op(
            "GET",
            "/api/v1/imports/{id}/errors.csv",
            format!("/imports/{NONE_ID}/errors.csv"),
            Body::None,
            [401, 403, 403, 404, 404, 404, 404],
        ),
        op(
            "POST",
            "/api/v1/users/{id}/password-reset",
            format!("/users/{NONE_ID}/password-reset"),
            Body::None,
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "PATCH",
            "/api/v1/users/{id}",
            format!("/users/{}", w.operator),
            Body::Json(json!({"password": "debole"})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        // The agenda: desks (admin writes, the desk's office reads), public booking.
        op(
            "GET",
            "/api/v1/desks",
            "/desks".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "POST",
            "/api/v1/desks",
            "/desks".into(),
            Body::Json(
                json!({"name": "", "office_id": NONE_ID, "mode": "in_person", "services": []}),
            ),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "GET",
            "/api/v1/desks/opening-check",
            "/desks/opening-check".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/desks/{id}",
            format!("/desks/{}", g.desk),
            Body::None,
            [401, 403, 403, 403, 200, 200, 404],
        ),
        op(
            "PATCH",
            "/api/v1/desks/{id}",
            format!("/desks/{}", g.desk),
            Body::Json(json!({"capacity": 0})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "DELETE",
            "/api/v1/desks/{id}",
            format!("/desks/{NONE_ID}"),
            Body::None,
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "GET",
            "/api/v1/public/desks",
            "/public/desks".into(),
            Body::None,
            [200; 7],
        ),
        op(
            "GET",
            "/api/v1/public/desks/{id}/slots",
            format!("/public/desks/{}/slots", g.desk),
            Body::None,
            [200, 200, 200, 200, 200, 200, 404],
        ),
        op(
            "POST",
            "/api/v1/public/bookings",
            "/public/bookings".into(),
            Body::Json(
                json!({"desk_id": g.desk, "service": "tari", "start": "2020-01-01T10:00:00Z", "mode": "in_person", "first_name": "A", "last_name": "B", "email": "a@example.it", "subject": "Prova", "privacy_accepted": false}),
            ),
            [422; 7],
        ),
        op(
            "GET",
            "/api/v1/public/bookings/{code}",
            format!("/public/bookings/{}", g.code),
            Body::None,
            [200, 200, 200, 200, 200, 200, 404],
        ),
        op(
            "DELETE",
            "/api/v1/public/bookings/{code}",
            format!("/public/bookings/{}", g.code),
            Body::None,
            [409, 409, 409, 409, 409, 409, 404],
        ),
        op(
            "PATCH",
            "/api/v1/public/bookings/{code}",
            format!("/public/bookings/{}", g.code),
            Body::Json(json!({"start": "2020-01-01T10:00:00Z"})),
            [409, 409, 409, 409, 409, 409, 404],
        ),
        op(
            "POST",
            "/api/v1/public/bookings/{code}/confirm",
            format!("/public/bookings/{}/confirm", g.code),
            Body::Json(json!({"token": "sbagliato"})),
            [422, 422, 422, 422, 422, 422, 404],
        ),
        op(
            "GET",
            "/api/v1/public/bookings/{code}/calendar.ics",
            format!("/public/bookings/{}/calendar.ics", g.code),
            Body::None,
            [200, 200, 200, 200, 200, 200, 404],
        ),
        op(
            "GET",
            "/api/v1/me/bookings",
            "/me/bookings".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/bookings",
            "/bookings".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/bookings/{id}",
            format!("/bookings/{}", g.booking),
            Body::None,
            [401, 403, 403, 403, 200, 200, 404],
        ),
        op(
            "PATCH",
            "/api/v1/bookings/{id}",
            format!("/bookings/{}", g.booking),
            Body::Json(json!({"request_id": NONE_ID})),
            [401, 403, 403, 403, 422, 422, 404],
        ),
        // Checking in a cancelled booking: a state conflict for the desk's staff.
        op(
            "POST",
            "/api/v1/bookings/{id}/actions",
            format!("/bookings/{}/actions", g.booking),
            Body::Json(json!({"action": "check_in"})),
            [401, 403, 403, 403, 409, 409, 404],
        ),
        // Pickups.
        op(
            "GET",
            "/api/v1/pickup-zones",
            "/pickup-zones".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "POST",
            "/api/v1/pickup-zones",
            "/pickup-zones".into(),
            Body::Json(
                json!({"name": "", "weekdays": [], "daily_capacity": 0, "max_pieces_per_booking": 0, "kinds": []}),
            ),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "PATCH",
            "/api/v1/pickup-zones/{id}",
            format!("/pickup-zones/{}", g.zone),
            Body::Json(json!({"daily_capacity": 0})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "DELETE",
            "/api/v1/pickup-zones/{id}",
            format!("/pickup-zones/{NONE_ID}"),
            Body::None,
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "GET",
            "/api/v1/pickup-items",
            "/pickup-items".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "POST",
            "/api/v1/pickup-items",
            "/pickup-items".into(),
            Body::Json(json!({"code": "", "name": "", "kind": "ingombranti"})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "GET",
            "/api/v1/pickup-slots",
            format!("/pickup-slots?zone_id={}&kind=ingombranti", g.zone),
            Body::None,
            [401, 200, 200, 200, 200, 200, 422],
        ),
        op(
            "GET",
            "/api/v1/pickups",
            "/pickups".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "POST",
            "/api/v1/pickups",
            "/pickups".into(),
            Body::Json(
                json!({"zone_id": g.zone, "kind": "ingombranti", "date": "2020-01-01", "address": "", "items": [], "phone": "x"}),
            ),
            [401, 422, 422, 403, 403, 403, 403],
        ),
        op(
            "GET",
            "/api/v1/pickups/route-sheet",
            format!("/pickups/route-sheet?zone_id={}", g.zone),
            Body::None,
            [401, 403, 403, 200, 200, 200, 422],
        ),
        op(
            "GET",
            "/api/v1/pickups/route-sheet.csv",
            format!("/pickups/route-sheet.csv?zone_id={}", g.zone),
            Body::None,
            [401, 403, 403, 200, 200, 200, 422],
        ),
        op(
            "GET",
            "/api/v1/pickups/route-sheet.pdf",
            format!("/pickups/route-sheet.pdf?zone_id={}", g.zone),
            Body::None,
            [401, 403, 403, 200, 200, 200, 422],
        ),
        op(
            "GET",
            "/api/v1/pickups/{id}",
            format!("/pickups/{}", g.pickup),
            Body::None,
            [401, 200, 404, 200, 200, 200, 404],
        ),
        // Withdrawing a pickup already withdrawn: a conflict for its citizen.
        op(
            "DELETE",
            "/api/v1/pickups/{id}",
            format!("/pickups/{}", g.pickup),
            Body::None,
            [401, 409, 404, 403, 403, 403, 404],
        ),
        op(
            "POST",
            "/api/v1/pickups/{id}/actions",
            format!("/pickups/{}/actions", g.pickup),
            Body::Json(json!({"action": "not_done"})),
            [401, 403, 403, 422, 422, 422, 422],
        ),
        // Reconciliation of pagoPA payments (staff): a file that is not a flow is a 422, an
        // unknown flow a 404, fetching without the FdR address a 409.
        op(
            "POST",
            "/api/v1/reconciliation/flows",
            "/reconciliation/flows".into(),
            Body::Form(json!({}), "file", b"<Altro/>"),
            [401, 403, 403, 422, 422, 422, 422],
        ),
        op(
            "GET",
            "/api/v1/reconciliation/flows",
            "/reconciliation/flows".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/reconciliation/flows/{id}",
            format!("/reconciliation/flows/{NONE_ID}"),
            Body::None,
            [401, 403, 403, 404, 404, 404, 404],
        ),
        op(
            "GET",
            "/api/v1/reconciliation/flows/{id}.csv",
            format!("/reconciliation/flows/{NONE_ID}.csv"),
            Body::None,
            [401, 403, 403, 404, 404, 404, 404],
        ),
        op(
            "POST",
            "/api/v1/reconciliation/flows/{id}/bank",
            format!("/reconciliation/flows/{NONE_ID}/bank"),
            Body::Json(
                json!({"causale": "/PUR/LGPE-RIVERSAMENTO/URI/2026-11-30BCITITMM-1", "amount": 100}),
            ),
            [401, 403, 403, 404, 404, 404, 404],
        ),
        op(
            "GET",
            "/api/v1/reconciliation/missing",
            "/reconciliation/missing".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "POST",
            "/api/v1/reconciliation/fetch",
            "/reconciliation/fetch".into(),
            Body::None,
            [401, 403, 403, 409, 409, 409, 409],
        ),
        // Drafts of new requests: each citizen's own; staff have none. The body is too
        // long and the type has no draft, so nothing is stored.
        op(
            "GET",
            "/api/v1/me/drafts",
            "/me/drafts".into(),
            Body::None,
            [401, 200, 200, 403, 403, 403, 403],
        ),
        op(
            "PUT",
            "/api/v1/me/drafts/{type_code}",
            "/me/drafts/tari_reclamo".into(),
            Body::Json(json!({"subject": "x".repeat(201)})),
            [401, 422, 422, 403, 403, 403, 403],
        ),
        op(
            "DELETE",
            "/api/v1/me/drafts/{type_code}",
            "/me/drafts/tari_reclamo".into(),
            Body::None,
            [401, 404, 404, 403, 403, 403, 403],
        ),
        // Payment reminders: each signed-in user's own opt-outs.
        op(
            "GET",
            "/api/v1/me/reminder-preferences",
            "/me/reminder-preferences".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "PUT",
            "/api/v1/me/reminder-preferences",
            "/me/reminder-preferences".into(),
            Body::Json(json!({"email": true, "sms": true, "app_io": true})),
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/notices/{nav}/reminders",
            format!("/notices/{}/reminders", w.nav_a),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        // Public content: transparency, the Riciclabolario, answers.
        op(
            "GET",
            "/api/v1/public/transparency",
            "/public/transparency".into(),
            Body::None,
            [200; 7],
        ),
        op(
            "GET",
            "/api/v1/public/transparency/compliance/{year}",
            format!("/public/transparency/compliance/{}", last_year()),
            Body::None,
            [200; 7],
        ),
        op(
            "PUT",
            "/api/v1/settings/transparency/items/{item}",
            "/settings/transparency/items/tariffe".into(),
            Body::Json(json!({"links": [{"label": "x", "url": "javascript:alert(1)"}]})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "PUT",
            "/api/v1/settings/transparency/separate-collection/{year}",
            format!("/settings/transparency/separate-collection/{}", last_year()),
            Body::Json(json!({"percent": 150})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "DELETE",
            "/api/v1/settings/transparency/separate-collection/{year}",
            "/settings/transparency/separate-collection/1991".into(),
            Body::None,
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "POST",
            "/api/v1/settings/transparency/compliance/{year}",
            "/settings/transparency/compliance/1999".into(),
            Body::None,
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "GET",
            "/api/v1/public/riciclabolario",
            "/public/riciclabolario?q=bottiglia".into(),
            Body::None,
            [200; 7],
        ),
        op(
            "POST",
            "/api/v1/settings/riciclabolario",
            "/settings/riciclabolario".into(),
            Body::Json(json!({"name": "", "fraction": "carta"})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "PUT",
            "/api/v1/settings/riciclabolario/{id}",
            format!("/settings/riciclabolario/{NONE_ID}"),
            Body::Json(json!({"name": "Giornali", "fraction": "carta"})),
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "DELETE",
            "/api/v1/settings/riciclabolario/{id}",
            format!("/settings/riciclabolario/{NONE_ID}"),
            Body::None,
            [401, 403, 403, 403, 403, 404, 403],
        ),
        op(
            "POST",
            "/api/v1/settings/riciclabolario/import",
            "/settings/riciclabolario/import".into(),
            Body::Json(json!("nome;frazione")),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        op(
            "GET",
            "/api/v1/public/answers",
            "/public/answers?q=come%20pago".into(),
            Body::None,
            [200; 7],
        ),
        op(
            "GET",
            "/api/v1/public/search",
            "/public/search?q=pagare".into(),
            Body::None,
            [200; 7],
        ),
        op(
            "POST",
            "/api/v1/public/ratings",
            "/public/ratings".into(),
            Body::Json(json!({"page": "/nuova-richiesta", "stars": 5, "aspects": ["clear"]})),
            [204; 7],
        ),
        op(
            "POST",
            "/api/v1/public/answers/deflections",
            "/public/answers/deflections".into(),
            Body::Json(json!({"source": "faq", "id": NONE_ID})),
            [422; 7],
        ),
        op(
            "GET",
            "/api/v1/requests/{id}/suggestions",
            format!("/requests/{r}/suggestions"),
            Body::None,
            [401, 403, 403, 200, 200, 200, 404],
        ),
        // Live chat: citizen A's chat waits in the request's office (Tributi).
        op(
            "GET",
            "/api/v1/chats/availability",
            "/chats/availability".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "POST",
            "/api/v1/chats",
            "/chats".into(),
            Body::Json(json!({"topic": "nessuno"})),
            [401, 422, 422, 403, 403, 403, 403],
        ),
        op(
            "GET",
            "/api/v1/chats",
            "/chats?status=waiting".into(),
            Body::None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/chats/{id}",
            format!("/chats/{}", w.chat),
            Body::None,
            [401, 200, 404, 403, 200, 200, 404],
        ),
        op(
            "POST",
            "/api/v1/chats/{id}/messages",
            format!("/chats/{}/messages", w.chat),
            Body::Json(json!({"body": " "})),
            [401, 422, 404, 403, 422, 422, 404],
        ),
        op(
            "GET",
            "/api/v1/chats/{id}/attachments/{attachment_id}",
            format!("/chats/{}/attachments/{NONE_ID}", w.chat),
            Body::None,
            [401, 404, 404, 403, 404, 404, 404],
        ),
        op(
            "POST",
            "/api/v1/chats/{id}/actions",
            format!("/chats/{}/actions", w.chat),
            Body::Json(json!({"action": "transfer", "office_id": "nessuno"})),
            [401, 409, 404, 403, 422, 422, 404],
        ),
        op(
            "POST",
            "/api/v1/chats/{id}/read",
            format!("/chats/{}/read", w.chat),
            Body::Json(json!({"message_id": NONE_ID})),
            [401, 422, 404, 403, 422, 422, 404],
        ),
        op(
            "POST",
            "/api/v1/realtime/tickets",
            "/realtime/tickets".into(),
            Body::Json(json!({})),
            [401, 201, 201, 201, 201, 201, 201],
        ),
        // Not a WebSocket handshake (the upgrade is in live.rs).
        op(
            "GET",
            "/api/v1/realtime",
            "/realtime?ticket=x".into(),
            Body::None,
            [400; 7],
        ),
        // The video desk: the agenda world's booking is in person (and cancelled).
        op(
            "GET",
            "/api/v1/public/video/{code}",
            format!("/public/video/{}", g.code),
            Body::None,
            [404; 7],
        ),
        op(
            "POST",
            "/api/v1/public/video/{code}/conditions",
            format!("/public/video/{}/conditions", g.code),
            Body::Json(json!({"accept": true})),
            [404; 7],
        ),
        op(
            "POST",
            "/api/v1/public/video/{code}/join",
            format!("/public/video/{}/join", g.code),
            Body::Json(json!({})),
            [404; 7],
        ),
        op(
            "POST",
            "/api/v1/public/video/{code}/messages",
            format!("/public/video/{}/messages", g.code),
            Body::Json(json!({"body": "Buongiorno"})),
            [404; 7],
        ),
        op(
            "GET",
            "/api/v1/public/video/{code}/attachments/{attachment_id}",
            format!("/public/video/{}/attachments/{NONE_ID}", g.code),
            Body::None,
            [404; 7],
        ),
        op(
            "GET",
            "/api/v1/bookings/{id}/call",
            format!("/bookings/{}/call", g.booking),
            Body::None,
            [401, 403, 403, 403, 409, 409, 404],
        ),
        op(
            "POST",
            "/api/v1/bookings/{id}/call/join",
            format!("/bookings/{}/call/join", g.booking),
            Body::Json(json!({})),
            [401, 403, 403, 403, 409, 409, 404],
        ),
        op(
            "POST",
            "/api/v1/bookings/{id}/call",
            format!("/bookings/{}/call", g.booking),
            Body::Json(json!({"action": "admit"})),
            [401, 403, 403, 403, 409, 409, 404],
        ),
        op(
            "GET",
            "/api/v1/settings/video",
            "/settings/video".into(),
            Body::None,
            [401, 403, 403, 403, 403, 200, 403],
        ),
        op(
            "PUT",
            "/api/v1/settings/video",
            "/settings/video".into(),
            Body::Json(json!({"stun_urls": ["http://x"]})),
            [401, 403, 403, 403, 403, 422, 403],
        ),
        // The platform's tenants: platform administrators only (none in this world; the
        // positive cases are in tenants.rs).
        op(
            "GET",
            "/api/v1/platform/tenants",
            "/platform/tenants".into(),
            Body::None,
            [401, 403, 403, 403, 403, 403, 403],
        ),
        op(
            "POST",
            "/api/v1/platform/tenants",
            "/platform/tenants".into(),
            Body::Json(json!({"slug": "preso", "name": "Preso", "hosts": ["preso.test"]})),
            [401, 403, 403, 403, 403, 403, 403],
        ),
        op(
            "GET",
            "/api/v1/platform/tenants/{id}",
            format!("/platform/tenants/{NONE_ID}"),
            Body::None,
            [401, 403, 403, 403, 403, 403, 403],
        ),
        op(
            "PATCH",
            "/api/v1/platform/tenants/{id}",
            format!("/platform/tenants/{NONE_ID}"),
            Body::Json(json!({"name": "Preso"})),
            [401, 403, 403, 403, 403, 403, 403],
        ),
        op(
            "GET",
            "/api/v1/reports/deflections",
            "/reports/deflections".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        op(
            "GET",
            "/api/v1/reports/ratings",
            "/reports/ratings".into(),
            Body::None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
    ]
}

/// The year the transparency section publishes the compliance of.
pub(crate) fn last_year() -> i32 {
    domain::transparency::published_year(domain::calendar::rome_date(chrono::Utc::now()))
}

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    op: &Op,
    who: Who,
    token: Option<&str>,
) -> u16 {
    let url = app.url(&op.url);
    let mut req = match op.method {
        "GET" => client.get(url),
        "POST" => client.post(url),
        "PUT" => client.put(url),
        "PATCH" => client.patch(url),
        "DELETE" => client.delete(url),
        m => panic!("method {m}"),
    };
    if who == Who::OtherTenant {
        req = req.header("Host", "altrove.test");
    }
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req = match &op.body {
        Body::None => req,
        Body::Json(v) => req.json(v),
        Body::Form(data, field, bytes) => req.multipart(
            reqwest::multipart::Form::new()
                .part("data", reqwest::multipart::Part::text(data.to_string()))
                .part(
                    *field,
                    reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("file.bin"),
                ),
        ),
    };
    req.send().await.unwrap().status().as_u16()
}

db_test!(every_operation_for_every_caller);
async fn every_operation_for_every_caller(app: TestApp) {
    let w = world(&app).await;
    let ops = ops(&w);

    // Every documented operation has a row.
    let spec = serde_json::to_value(api::startup::openapi_spec()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let covered: BTreeSet<(String, String)> = ops
        .iter()
        .map(|o| (o.method.to_owned(), o.spec_path.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "operations without a row in the authorization matrix: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&documented).collect();
    assert!(
        stale.is_empty(),
        "rows for operations that no longer exist: {stale:?}"
    );

    // A client without cookies: each caller is only its token. Redirects are answers too
    // (the SPID/CIE sign-in), so none is followed.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut wrong = Vec::new();
    for op in &ops {
        for (i, who) in WHO.iter().enumerate() {
            let got = send(&app, &client, op, *who, w.tokens[i].as_deref()).await;
            if got != op.expect[i] {
                wrong.push(format!(
                    "{} {} as {who:?}: expected {}, got {got}",
                    op.method, op.url, op.expect[i]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "authorization matrix mismatches:\n{}",
        wrong.join("\n")
    );
}
