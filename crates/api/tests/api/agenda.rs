//! The agenda: desks, public slots and bookings without an account, confirmation, the
//! calendar file, reschedule and cancel, the staff's agenda, limits, and the races.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::admin::{admin_token, call, fields};
use crate::helpers::*;

pub struct Agenda {
    pub admin: String,
    /// An operator of the desk's office.
    pub op: String,
    /// An operator of another office.
    pub other_op: String,
    pub office: String,
}

pub async fn setup(app: &TestApp) -> Agenda {
    let office = app.office("Ufficio Tributi");
    let other = app.office("Ufficio Tecnico");
    app.staff("op.agenda@comune.test", "operator", &[&office]);
    app.staff("op.altro@comune.test", "operator", &[&other]);
    Agenda {
        admin: admin_token(app).await,
        op: app.token("op.agenda@comune.test").await,
        other_op: app.token("op.altro@comune.test").await,
        office,
    }
}

/// A desk open every day around the clock (holidays too), so tests do not depend on the
/// day they run; `extra` overrides fields.
pub fn desk(office: &str, extra: &Value) -> Value {
    let mut d = json!({
        "name": "Sportello TARI",
        "office_id": office,
        "mode": "both",
        "address": "Piazza del Comune 1",
        "services": [{"code": "tari", "name": "Informazioni TARI", "duration_minutes": 30}],
        "capacity": 1,
        "buffer_minutes": 0,
        "booking_window_days": 30,
        "min_notice_minutes": 0,
        "cancel_until_minutes": 0,
        "confirm_by_email": false,
        "open_on_holidays": true,
        "max_open_bookings_per_person": 50,
        "weekly": (1..=7).map(|w| json!({"weekday": w, "start": "00:00", "end": "24:00"})).collect::<Vec<_>>(),
        "overrides": []
    });
    for (k, v) in extra.as_object().unwrap() {
        d[k] = v.clone();
    }
    d
}

pub async fn create_desk(app: &TestApp, admin: &str, body: &Value) -> String {
    let (status, d) = call(app, Method::POST, "/desks", Some(admin), Some(body)).await;
    assert_eq!(status, 201, "{d}");
    d["id"].as_str().unwrap().to_owned()
}

/// Tomorrow in Rome, as `YYYY-MM-DD`.
pub fn day(offset: i64) -> String {
    (domain::rome_date(Utc::now()) + Duration::days(offset)).to_string()
}

pub async fn slots(app: &TestApp, desk: &str, date: &str, token: Option<&str>) -> Vec<Value> {
    let (status, list) = call(
        app,
        Method::GET,
        &format!("/public/desks/{desk}/slots?from={date}&to={date}"),
        token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    list["items"].as_array().unwrap().clone()
}

pub fn booking(desk: &str, start: &str, email: &str) -> Value {
    json!({
        "desk_id": desk, "service": "tari", "start": start, "mode": "in_person",
        "first_name": "Anna", "last_name": "Bianchi", "email": email,
        "phone": "333 1234567", "subject": "Avviso di pagamento TARI 2026", "privacy_accepted": true
    })
}

pub async fn book(app: &TestApp, token: Option<&str>, body: &Value) -> (u16, Value) {
    call(app, Method::POST, "/public/bookings", token, Some(body)).await
}

async fn expand(app: &TestApp) -> usize {
    api::mail::outbound::expand_due(&app.state)
        .await
        .expect("expand")
}

/// E-mails queued so far, as (recipient, payload).
fn mails(app: &TestApp) -> Vec<(String, Value)> {
    use api::db::schema::deliveries;
    app.state
        .db
        .read(|c| {
            deliveries::table
                .filter(deliveries::channel.eq("email"))
                .order(deliveries::created_at.asc())
                .select((deliveries::recipient, deliveries::payload))
                .load::<(String, String)>(c)
        })
        .unwrap()
        .into_iter()
        .map(|(r, p)| (r, serde_json::from_str(&p).unwrap()))
        .collect()
}

fn seats_of_desk(app: &TestApp, desk: &str) -> Vec<(chrono::NaiveDateTime, i64)> {
    use api::db::schema::desk_seats;
    use diesel::dsl::count_star;
    let desk = desk.to_owned();
    app.state
        .db
        .read(move |c| {
            desk_seats::table
                .filter(desk_seats::desk_id.eq(&desk))
                .group_by(desk_seats::cell_start)
                .select((desk_seats::cell_start, count_star()))
                .load(c)
        })
        .unwrap()
}

db_test!(desks_administration_public_list_and_opening_check);
async fn desks_administration_public_list_and_opening_check(app: TestApp) {
    let a = setup(&app).await;
    // Prato's desk: Tuesday and Friday 16–18, plus weekday mornings, video too.
    let mut weekly: Vec<Value> = (1..=5)
        .map(|w| json!({"weekday": w, "start": "09:00", "end": "12:00"}))
        .collect();
    weekly.push(json!({"weekday": 2, "start": "16:00", "end": "18:00"}));
    weekly.push(json!({"weekday": 5, "start": "16:00", "end": "18:00"}));
    let closure = day(3);
    let body = desk(
        &a.office,
        &json!({
            "mode": "both", "weekly": weekly, "open_on_holidays": false,
            "overrides": [{"date": closure, "closed": true, "note": "Chiusura per formazione"}]
        }),
    );
    let id = create_desk(&app, &a.admin, &body).await;
    let (status, d) = call(
        &app,
        Method::GET,
        &format!("/desks/{id}"),
        Some(&a.op),
        None,
    )
    .await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["office"]["name"], "Ufficio Tributi");
    assert_eq!(d["weekly"].as_array().unwrap().len(), 7);
    // Operators of another office neither list nor read it.
    let (_, list) = call(&app, Method::GET, "/desks", Some(&a.other_op), None).await;
    assert_eq!(list, json!([]));
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/desks/{id}"),
        Some(&a.other_op),
        None,
    )
    .await;
    assert_eq!(status, 403);
    // A partial update; overlapping ranges are named.
    let (status, d) = call(
        &app,
        Method::PATCH,
        &format!("/desks/{id}"),
        Some(&a.admin),
        Some(&json!({"capacity": 3})),
    )
    .await;
    assert_eq!((status, d["capacity"].clone()), (200, json!(3)), "{d}");
    assert_eq!(d["weekly"].as_array().unwrap().len(), 7);
    let bad = json!({"weekly": [{"weekday": 2, "start": "09:00", "end": "12:00"}, {"weekday": 2, "start": "11:00", "end": "13:00"}]});
    let (status, p) = call(
        &app,
        Method::PATCH,
        &format!("/desks/{id}"),
        Some(&a.admin),
        Some(&bad),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&p), ["weekly[0]"], "{p}");

    // The public list shows the closure with its note.
    let (status, list) = call(&app, Method::GET, "/public/desks", None, None).await;
    assert_eq!(status, 200);
    let notices = list[0]["notices"].as_array().unwrap();
    assert!(
        notices.iter().any(|n| n["date"] == closure.as_str()
            && n["closed"] == true
            && n["note"] == "Chiusura per formazione"),
        "{list}"
    );
    assert_eq!(list[0]["services"][0]["code"], "tari");

    // 5 × 3 h of mornings and 2 × 2 h of afternoons: 19 hours, with afternoon openings.
    let (status, check) = call(&app, Method::GET, "/desks/opening-check", Some(&a.op), None).await;
    assert_eq!(status, 200);
    assert_eq!(check["weekly_hours"], 19.0);
    assert_eq!(check["population"], Value::Null);
    assert_eq!(check["ok"], false);
    let (status, _) = call(
        &app,
        Method::PUT,
        "/settings",
        Some(&a.admin),
        Some(&json!({"population": 25_000})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, check) = call(&app, Method::GET, "/desks/opening-check", Some(&a.op), None).await;
    assert_eq!(
        (
            check["required_hours"].clone(),
            check["meets_minimum"].clone(),
            check["ok"].clone()
        ),
        (json!(15), json!(true), json!(true)),
        "{check}"
    );
    let (_, _) = call(
        &app,
        Method::PUT,
        "/settings",
        Some(&a.admin),
        Some(&json!({"population": 70_000})),
    )
    .await;
    let (_, check) = call(&app, Method::GET, "/desks/opening-check", Some(&a.op), None).await;
    assert_eq!(
        (check["required_hours"].clone(), check["ok"].clone()),
        (json!(24), json!(false))
    );

    // A desk with future bookings is not deleted; without, it is.
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/desks/{id}"),
        Some(&a.admin),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/desks/{id}"),
        Some(&a.admin),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let id = create_desk(&app, &a.admin, &desk(&a.office, &json!({}))).await;
    let start = slots(&app, &id, &day(2), None).await[10]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        book(&app, None, &booking(&id, &start, "anna@example.it"))
            .await
            .0,
        201
    );
    let (status, p) = call(
        &app,
        Method::DELETE,
        &format!("/desks/{id}"),
        Some(&a.admin),
        None,
    )
    .await;
    assert_eq!(status, 409, "{p}");
    // The office of a desk cannot be deleted.
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/offices/{}", a.office),
        Some(&a.admin),
        None,
    )
    .await;
    assert_eq!(status, 409);
}

db_test!(slots_window_notice_and_closed_days);
async fn slots_window_notice_and_closed_days(app: TestApp) {
    let a = setup(&app).await;
    let closed = day(4);
    let id = create_desk(
        &app,
        &a.admin,
        &desk(
            &a.office,
            &json!({
                "booking_window_days": 5, "min_notice_minutes": 180, "capacity": 2,
                "overrides": [{"date": closed, "closed": true, "note": "Inventario"}]
            }),
        ),
    )
    .await;
    // A whole day: 48 half-hour slots (fewer on a DST change day), each with 2 seats.
    let tomorrow = slots(&app, &id, &day(2), None).await;
    assert!(tomorrow.len() >= 46, "{}", tomorrow.len());
    assert!(
        tomorrow
            .iter()
            .all(|s| s["remaining"] == 2 && s["modes"] == json!(["in_person", "video"]))
    );
    assert!(slots(&app, &id, &closed, None).await.is_empty());
    assert!(
        slots(&app, &id, &day(6), None).await.is_empty(),
        "past the window"
    );
    // Today: nothing within the next three hours for visitors; an operator sees them.
    let now = Utc::now();
    let today_public = slots(&app, &id, &day(0), None).await;
    for s in &today_public {
        let start: chrono::DateTime<Utc> = s["start"].as_str().unwrap().parse().unwrap();
        assert!(start >= now + Duration::minutes(179), "{s}");
    }
    let today_op = slots(&app, &id, &day(0), Some(&a.op)).await;
    assert!(today_op.len() >= today_public.len());

    // Booking outside the rules: 422 naming `start`.
    let start_of = |list: &[Value], i: usize| list[i]["start"].as_str().unwrap().to_owned();
    let in_window = start_of(&tomorrow, 20);
    let closed_start = format!("{closed}T10:00:00Z");
    let far = format!("{}T10:00:00Z", day(8));
    let off_grid = in_window
        .replace(":00:00Z", ":10:00Z")
        .replace(":30:00Z", ":40:00Z");
    for start in [
        closed_start,
        far,
        off_grid,
        "2020-01-01T10:00:00Z".to_owned(),
    ] {
        let (status, p) = book(&app, None, &booking(&id, &start, "anna@example.it")).await;
        assert_eq!(status, 422, "{start}: {p}");
        assert_eq!(fields(&p), ["start"], "{p}");
    }
    let (status, p) = book(
        &app,
        None,
        &booking(&id, &format!("{closed}T10:00:00Z"), "a@example.it"),
    )
    .await;
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Inventario"),
        "{status} {p}"
    );
    // Under the minimum notice: refused to visitors, accepted from an operator on the phone.
    if let Some(soon) = today_op.iter().find(|s| {
        let start: chrono::DateTime<Utc> = s["start"].as_str().unwrap().parse().unwrap();
        start < now + Duration::minutes(170)
    }) {
        let start = soon["start"].as_str().unwrap();
        let (status, p) = book(&app, None, &booking(&id, start, "anna@example.it")).await;
        assert_eq!(status, 422, "{p}");
        let (status, b) = book(&app, Some(&a.op), &booking(&id, start, "caller@example.it")).await;
        assert_eq!(status, 201, "{b}");
        assert_eq!(b["status"], "confirmed");
    }
    // Unknown desk, service and mode are named.
    let mut bad = booking(
        "00000000-0000-7000-8000-000000000000",
        &in_window,
        "anna@example.it",
    );
    assert_eq!(fields(&book(&app, None, &bad).await.1), ["desk_id"]);
    bad["desk_id"] = json!(id);
    bad["service"] = json!("nessuno");
    assert_eq!(fields(&book(&app, None, &bad).await.1), ["service"]);
    // A slot booked twice by capacity 2 is then full: 409 on the third.
    for (i, email) in ["b1@example.it", "b2@example.it"].iter().enumerate() {
        let (status, b) = book(&app, None, &booking(&id, &in_window, email)).await;
        assert_eq!(status, 201, "{i}: {b}");
    }
    let (status, p) = book(&app, None, &booking(&id, &in_window, "b3@example.it")).await;
    assert_eq!(status, 409, "{p}");
    let after = slots(&app, &id, &day(2), None).await;
    assert_eq!(after[20]["remaining"], 0);
    assert_eq!(after[21]["remaining"], 2);
}

/// The confirmation link's token, from the queued e-mail.
fn confirm_token(app: &TestApp, to: &str) -> String {
    let (_, p) = mails(app)
        .into_iter()
        .find(|(r, p)| r == to && p["subject"].as_str().unwrap().starts_with("Conferma"))
        .expect("confirmation mail");
    let text = p["text"].as_str().unwrap();
    let at = text.find("token=").expect("link with a token") + 6;
    text[at..].split_whitespace().next().unwrap().to_owned()
}

db_test!(anonymous_booking_confirm_calendar_reschedule_cancel);
async fn anonymous_booking_confirm_calendar_reschedule_cancel(app: TestApp) {
    let a = setup(&app).await;
    let id = create_desk(
        &app,
        &a.admin,
        &desk(
            &a.office,
            &json!({"confirm_by_email": true, "mode": "video"}),
        ),
    )
    .await;
    let list = slots(&app, &id, &day(2), None).await;
    let (first, second) = (
        list[18]["start"].as_str().unwrap(),
        list[22]["start"].as_str().unwrap(),
    );
    let mut body = booking(&id, first, "visitatore@example.it");
    body["mode"] = json!("in_person");
    let (status, p) = book(&app, None, &body).await;
    assert_eq!(
        (status, fields(&p)),
        (422, vec!["mode".to_owned()]),
        "a video-only desk"
    );
    body["mode"] = json!("video");
    let (status, b) = book(&app, None, &body).await;
    assert_eq!(status, 201, "{b}");
    assert_eq!(b["status"], "pending_confirmation");
    assert!(b["confirm_by"].is_string());
    let code = b["code"].as_str().unwrap().to_owned();
    // At least 128 bits: 27 base64url characters.
    assert!(code.len() >= 22, "{code}");
    assert!(b["reference"].as_str().unwrap().len() >= 8);
    assert!(
        b["manage_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/prenotazioni/{code}"))
    );
    assert!(
        b["join_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/videochiamata/{code}"))
    );
    // The pending booking holds its seat.
    assert_eq!(slots(&app, &id, &day(2), None).await[18]["remaining"], 0);

    // The e-mail carries the confirmation link; a wrong token does not confirm.
    expand(&app).await;
    let token = confirm_token(&app, "visitatore@example.it");
    let (status, p) = call(
        &app,
        Method::POST,
        &format!("/public/bookings/{code}/confirm"),
        None,
        Some(&json!({"token": "sbagliato"})),
    )
    .await;
    assert_eq!((status, fields(&p)), (422, vec!["token".to_owned()]));
    let (status, b) = call(
        &app,
        Method::POST,
        &format!("/public/bookings/{code}/confirm"),
        None,
        Some(&json!({"token": token})),
    )
    .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["status"], "confirmed");
    // Confirming twice is harmless.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/public/bookings/{code}/confirm"),
        None,
        Some(&json!({"token": token})),
    )
    .await;
    assert_eq!(status, 200);

    // The calendar file.
    let ics = app
        .client
        .get(app.url(&format!("/public/bookings/{code}/calendar.ics")))
        .send()
        .await
        .unwrap();
    assert_eq!(ics.status(), 200);
    assert!(
        ics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = ics.text().await.unwrap();
    let start: chrono::DateTime<Utc> = first.parse().unwrap();
    assert!(
        ics.contains(&format!("DTSTART:{}", start.format("%Y%m%dT%H%M%SZ"))),
        "{ics}"
    );
    assert!(ics.contains("SEQUENCE:0\r\n") && ics.contains("METHOD:PUBLISH\r\n"));
    let uid = ics
        .lines()
        .find(|l| l.starts_with("UID:"))
        .unwrap()
        .to_owned();

    // The confirmation mail has the .ics attached, readable from the file store.
    expand(&app).await;
    let (_, confirmed) = mails(&app)
        .into_iter()
        .find(|(_, p)| {
            p["subject"]
                .as_str()
                .unwrap()
                .starts_with("Appuntamento confermato")
        })
        .expect("confirmation");
    let attachment = &confirmed["attachments"][0];
    assert!(
        attachment["content_type"]
            .as_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let stored = app
        .state
        .files
        .get(attachment["storage_key"].as_str().unwrap())
        .unwrap();
    assert!(String::from_utf8(stored).unwrap().contains(&uid));
    assert!(
        confirmed["text"]
            .as_str()
            .unwrap()
            .contains(&format!("/prenotazioni/{code}"))
    );
    let payload: api::mail::smtp::EmailPayload = serde_json::from_value(confirmed.clone()).unwrap();
    let built =
        api::mail::smtp::build(&payload, "x@sportello.test", app.state.files.as_ref()).unwrap();
    let raw = String::from_utf8_lossy(&built.formatted()).into_owned();
    assert!(raw.contains("text/calendar"), "{raw}");

    // Reschedule: the new seat is taken, the old one freed, SEQUENCE bumped, same UID.
    let (status, b) = call(
        &app,
        Method::PATCH,
        &format!("/public/bookings/{code}"),
        None,
        Some(&json!({"start": second})),
    )
    .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["start"], second);
    let now = slots(&app, &id, &day(2), None).await;
    assert_eq!(
        (now[18]["remaining"].clone(), now[22]["remaining"].clone()),
        (json!(1), json!(0))
    );
    let ics = app
        .client
        .get(app.url(&format!("/public/bookings/{code}/calendar.ics")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(ics.contains("SEQUENCE:1\r\n") && ics.contains(&uid));
    let (status, p) = call(
        &app,
        Method::PATCH,
        &format!("/public/bookings/{code}"),
        None,
        Some(&json!({"start": "2020-01-01T10:00:00Z"})),
    )
    .await;
    assert_eq!((status, fields(&p)), (422, vec!["start".to_owned()]));

    // Cancel: METHOD:CANCEL, the seat is free, a second cancel is a conflict.
    let (status, b) = call(
        &app,
        Method::DELETE,
        &format!("/public/bookings/{code}"),
        None,
        None,
    )
    .await;
    assert_eq!(
        (status, b["status"].clone()),
        (200, json!("cancelled")),
        "{b}"
    );
    assert_eq!(slots(&app, &id, &day(2), None).await[22]["remaining"], 1);
    let ics = app
        .client
        .get(app.url(&format!("/public/bookings/{code}/calendar.ics")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        ics.contains("METHOD:CANCEL\r\n")
            && ics.contains("SEQUENCE:2\r\n")
            && ics.contains("STATUS:CANCELLED"),
        "{ics}"
    );
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/public/bookings/{code}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 409);
    expand(&app).await;
    let subjects: Vec<String> = mails(&app)
        .iter()
        .map(|(_, p)| p["subject"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("Appuntamento spostato")),
        "{subjects:?}"
    );
    let (_, cancelled) = mails(&app)
        .into_iter()
        .find(|(_, p)| {
            p["subject"]
                .as_str()
                .unwrap()
                .starts_with("Appuntamento annullato")
        })
        .expect("cancellation");
    assert!(
        cancelled["attachments"][0]["content_type"]
            .as_str()
            .unwrap()
            .contains("method=CANCEL")
    );
    // Unknown and malformed codes are not found.
    for bad in ["AAAAAAAAAAAAAAAAAAAAAAAAAAA", "../../etc/passwd", "x"] {
        let (status, _) = call(
            &app,
            Method::GET,
            &format!("/public/bookings/{bad}"),
            None,
            None,
        )
        .await;
        assert_eq!(status, 404, "{bad}");
    }
}

/// Makes a pending booking's hold run out, as 15 minutes would.
fn expire_holds(app: &TestApp) {
    use api::db::schema::{bookings, desk_seats};
    let past = (Utc::now() - Duration::minutes(1)).naive_utc();
    app.state
        .db
        .write_tx(|c| {
            diesel::update(bookings::table.filter(bookings::hold_until.is_not_null()))
                .set(bookings::hold_until.eq(past))
                .execute(c)?;
            diesel::update(desk_seats::table.filter(desk_seats::held_until.is_not_null()))
                .set(desk_seats::held_until.eq(past))
                .execute(c)
        })
        .unwrap();
}

db_test!(unconfirmed_bookings_expire_without_a_job);
async fn unconfirmed_bookings_expire_without_a_job(app: TestApp) {
    let a = setup(&app).await;
    let id = create_desk(
        &app,
        &a.admin,
        &desk(
            &a.office,
            &json!({"confirm_by_email": true, "buffer_minutes": 10}),
        ),
    )
    .await;
    let start = slots(&app, &id, &day(3), None).await[20]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, first) = book(&app, None, &booking(&id, &start, "lento@example.it")).await;
    assert_eq!(status, 201);
    let (status, _) = book(&app, None, &booking(&id, &start, "secondo@example.it")).await;
    assert_eq!(status, 409, "held for 15 minutes");
    expand(&app).await;
    let token = confirm_token(&app, "lento@example.it");

    expire_holds(&app);
    // Nothing ran in between: the hold is over by the clock alone.
    let code = first["code"].as_str().unwrap();
    let (_, b) = call(
        &app,
        Method::GET,
        &format!("/public/bookings/{code}"),
        None,
        None,
    )
    .await;
    assert_eq!(b["status"], "expired");
    assert_eq!(slots(&app, &id, &day(3), None).await[20]["remaining"], 1);
    let (status, second) = book(&app, None, &booking(&id, &start, "secondo@example.it")).await;
    assert_eq!(status, 201, "the expired seat is taken over: {second}");
    let (status, p) = call(
        &app,
        Method::POST,
        &format!("/public/bookings/{code}/confirm"),
        None,
        Some(&json!({"token": token})),
    )
    .await;
    assert_eq!(status, 409, "{p}");
    assert_eq!(slots(&app, &id, &day(3), None).await[20]["remaining"], 0);
    // The expired booking cannot be moved or cancelled either.
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/public/bookings/{code}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 409);
    // Its confirmation e-mail is not sent once the hold is over.
    let before = mails(&app).len();
    expire_holds(&app);
    assert_eq!(expand(&app).await, 0);
    assert_eq!(mails(&app).len(), before);
}

db_test!(cutoff_for_cancel_and_reschedule);
async fn cutoff_for_cancel_and_reschedule(app: TestApp) {
    let a = setup(&app).await;
    // Changes allowed until three days before.
    let id = create_desk(
        &app,
        &a.admin,
        &desk(&a.office, &json!({"cancel_until_minutes": 4320})),
    )
    .await;
    let list = slots(&app, &id, &day(1), None).await;
    let (status, b) = book(
        &app,
        None,
        &booking(&id, list[10]["start"].as_str().unwrap(), "anna@example.it"),
    )
    .await;
    assert_eq!(status, 201);
    let code = b["code"].as_str().unwrap();
    let (status, p) = call(
        &app,
        Method::DELETE,
        &format!("/public/bookings/{code}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 409, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("fino al"), "{p}");
    let (status, _) = call(
        &app,
        Method::PATCH,
        &format!("/public/bookings/{code}"),
        None,
        Some(&json!({"start": list[12]["start"]})),
    )
    .await;
    assert_eq!(status, 409);
    // The office may still cancel, with a reason for the citizen.
    let (_, staff) = call(
        &app,
        Method::GET,
        &format!("/bookings?from={}", day(1)),
        Some(&a.op),
        None,
    )
    .await;
    let bid = staff[0]["id"].as_str().unwrap();
    let (status, v) = call(
        &app,
        Method::POST,
        &format!("/bookings/{bid}/actions"),
        Some(&a.op),
        Some(&json!({"action": "cancel", "note": "Sportello chiuso per sciopero"})),
    )
    .await;
    assert_eq!(
        (status, v["status"].clone()),
        (200, json!("cancelled")),
        "{v}"
    );
    expand(&app).await;
    let (_, mail) = mails(&app)
        .into_iter()
        .find(|(_, p)| {
            p["subject"]
                .as_str()
                .unwrap()
                .starts_with("Appuntamento annullato")
        })
        .unwrap();
    assert!(
        mail["text"]
            .as_str()
            .unwrap()
            .contains("Motivo: Sportello chiuso per sciopero")
    );
}

db_test!(fifty_parallel_bookings_of_a_slot_with_two_seats);
async fn fifty_parallel_bookings_of_a_slot_with_two_seats(app: TestApp) {
    let a = setup(&app).await;
    let id = create_desk(
        &app,
        &a.admin,
        &desk(&a.office, &json!({"capacity": 2, "buffer_minutes": 15})),
    )
    .await;
    let start = slots(&app, &id, &day(2), None).await[30]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let attempts = (0..50).map(|i| {
        let body = booking(&id, &start, &format!("persona{i}@example.it"));
        let app = &app;
        async move { book(app, None, &body).await.0 }
    });
    let statuses = join_all(attempts).await;
    let created = statuses.iter().filter(|s| **s == 201).count();
    let full = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((created, full), (2, 48), "{statuses:?}");
    // Each of the slot's cells (30 minutes and the 15-minute buffer) holds exactly 2 seats.
    let cells = seats_of_desk(&app, &id);
    assert_eq!(cells.len(), 9, "{cells:?}");
    assert!(cells.iter().all(|(_, n)| *n == 2), "{cells:?}");
}

db_test!(parallel_reschedules_into_one_free_seat);
async fn parallel_reschedules_into_one_free_seat(app: TestApp) {
    let a = setup(&app).await;
    let mut body = desk(&a.office, &json!({}));
    body["services"][0]["duration_minutes"] = json!(15);
    let id = create_desk(&app, &a.admin, &body).await;
    let list = slots(&app, &id, &day(2), None).await;
    assert!(list.len() >= 92);
    let target = list[90]["start"].as_str().unwrap().to_owned();
    let mut codes = Vec::new();
    for (i, s) in list.iter().take(50).enumerate() {
        let (status, b) = book(
            &app,
            None,
            &booking(
                &id,
                s["start"].as_str().unwrap(),
                &format!("p{i}@example.it"),
            ),
        )
        .await;
        assert_eq!(status, 201, "{b}");
        codes.push((
            b["code"].as_str().unwrap().to_owned(),
            s["start"].as_str().unwrap().to_owned(),
        ));
    }
    let moves = codes.iter().map(|(code, _)| {
        let (app, target) = (&app, target.clone());
        async move {
            call(
                app,
                Method::PATCH,
                &format!("/public/bookings/{code}"),
                None,
                Some(&json!({"start": target})),
            )
            .await
            .0
        }
    });
    let statuses = join_all(moves).await;
    let moved = statuses.iter().filter(|s| **s == 200).count();
    let full = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((moved, full), (1, 49), "{statuses:?}");
    // The winner is at the target and its old seat is free; every loser kept its own.
    for ((code, original), status) in codes.iter().zip(&statuses) {
        let (_, b) = call(
            &app,
            Method::GET,
            &format!("/public/bookings/{code}"),
            None,
            None,
        )
        .await;
        let expected = if *status == 200 { &target } else { original };
        assert_eq!(b["start"].as_str().unwrap(), expected.as_str());
    }
    let after = slots(&app, &id, &day(2), None).await;
    let taken = after.iter().filter(|s| s["remaining"] == 0).count();
    assert_eq!(taken, 50);
    assert_eq!(after[90]["remaining"], 0);
    assert!(seats_of_desk(&app, &id).iter().all(|(_, n)| *n == 1));
}

db_test!(limits_per_person_and_idempotency);
async fn limits_per_person_and_idempotency(app: TestApp) {
    let a = setup(&app).await;
    let id = create_desk(
        &app,
        &a.admin,
        &desk(&a.office, &json!({"max_open_bookings_per_person": 2})),
    )
    .await;
    let list = slots(&app, &id, &day(2), None).await;
    let at = |i: usize| list[i]["start"].as_str().unwrap().to_owned();
    let mut with_cf = booking(&id, &at(1), "anna@example.it");
    with_cf["fiscal_code"] = json!(CF_A);
    assert_eq!(book(&app, None, &with_cf).await.0, 201);
    assert_eq!(
        book(&app, None, &booking(&id, &at(2), "ANNA@example.it"))
            .await
            .0,
        201
    );
    // A third by e-mail: refused.
    let (status, p) = book(&app, None, &booking(&id, &at(3), "anna@example.it")).await;
    assert_eq!(status, 409, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("massimo è 2"), "{p}");
    // By codice fiscale under other addresses: one more, then refused.
    let with = |email: &str| {
        let mut b = booking(&id, &at(3), email);
        b["fiscal_code"] = json!(CF_A);
        b
    };
    assert_eq!(book(&app, None, &with("altra@example.it")).await.0, 201);
    let mut third = with("terza@example.it");
    third["start"] = json!(at(5));
    assert_eq!(book(&app, None, &third).await.0, 409);
    // An operator booking for a caller is not limited.
    assert_eq!(
        book(&app, Some(&a.op), &booking(&id, &at(4), "anna@example.it"))
            .await
            .0,
        201
    );

    // Idempotency-Key: the same answer, one booking.
    let body = booking(&id, &at(6), "bruno@example.it");
    let send = |body: Value, key: &'static str| {
        let app = &app;
        async move {
            let res = app
                .client
                .post(app.url("/public/bookings"))
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let (s1, b1) = send(body.clone(), "prenota-1").await;
    let (s2, b2) = send(body.clone(), "prenota-1").await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(
        (b1["code"].clone(), b1["reference"].clone()),
        (b2["code"].clone(), b2["reference"].clone())
    );
    let (s3, p) = send(booking(&id, &at(7), "bruno@example.it"), "prenota-1").await;
    assert_eq!((s3, fields(&p)), (422, vec!["Idempotency-Key".to_owned()]));
    assert_eq!(slots(&app, &id, &day(2), None).await[7]["remaining"], 1);
    // Bad contact details are named.
    let mut bad = booking(&id, &at(8), "non-una-mail");
    bad["fiscal_code"] = json!("RSSMRA80A01H501X");
    bad["privacy_accepted"] = json!(false);
    let (status, p) = book(&app, None, &bad).await;
    assert_eq!(
        (status, fields(&p)),
        (
            422,
            vec![
                "email".to_owned(),
                "fiscal_code".to_owned(),
                "privacy_accepted".to_owned()
            ]
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_on_public_booking() {
    let app = spawn_with(Backend::Sqlite, |c| {
        c.bookings_per_email_per_hour = 3;
        c.rate_limit_per_minute = 8;
    })
    .await
    .unwrap();
    let a = setup(&app).await;
    let id = create_desk(&app, &a.admin, &desk(&a.office, &json!({}))).await;
    let list = slots(&app, &id, &day(2), None).await;
    let mut statuses = Vec::new();
    for slot in &list[..4] {
        statuses.push(
            book(
                &app,
                None,
                &booking(&id, slot["start"].as_str().unwrap(), "stessa@example.it"),
            )
            .await
            .0,
        );
    }
    assert_eq!(statuses, [201, 201, 201, 429], "per e-mail");
    let mut statuses = Vec::new();
    let started = std::time::Instant::now();
    for i in 0..16 {
        statuses.push(
            book(
                &app,
                None,
                &booking(
                    &id,
                    list[10 + i]["start"].as_str().unwrap(),
                    &format!("ip{i}@example.it"),
                ),
            )
            .await
            .0,
        );
    }
    // The client has spent its burst of 8 (with what refilled meanwhile at 8 a minute, and
    // the four bookings above): every other attempt is refused, none fails otherwise.
    let refilled = (started.elapsed().as_secs_f64() * 8.0 / 60.0).ceil() as usize;
    let booked = statuses.iter().filter(|s| **s == 201).count();
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 429),
        "per IP: {statuses:?}"
    );
    assert!(
        booked <= 8 - 4 + refilled,
        "per IP: {booked} booked beyond the limit: {statuses:?}"
    );
    assert!(statuses.contains(&429), "per IP: {statuses:?}");
}

db_test!(staff_agenda_citizen_bookings_and_reminders);
async fn staff_agenda_citizen_bookings_and_reminders(app: TestApp) {
    use api::db::schema::{bookings, outbox};
    let a = setup(&app).await;
    let id = create_desk(
        &app,
        &a.admin,
        &desk(&a.office, &json!({"confirm_by_email": true})),
    )
    .await;
    let list = slots(&app, &id, &day(2), None).await;
    // A signed-in citizen books with their own data: theirs, confirmed at once.
    let (citizen_id, anna) = app.citizen(CF_A, "anna@example.it", &a.op).await;
    let (status, b) = book(
        &app,
        Some(&anna),
        &booking(&id, list[20]["start"].as_str().unwrap(), "anna@example.it"),
    )
    .await;
    assert_eq!(
        (status, b["status"].clone()),
        (201, json!("confirmed")),
        "{b}"
    );
    let (status, mine) = call(&app, Method::GET, "/me/bookings", Some(&anna), None).await;
    assert_eq!(status, 200);
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["code"], b["code"]);

    // The reminder waits for the day before.
    let (status, v) = book(
        &app,
        None,
        &booking(
            &id,
            list[24]["start"].as_str().unwrap(),
            "visita@example.it",
        ),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let reminders: Vec<(String, chrono::NaiveDateTime)> = app
        .state
        .db
        .read(|c| {
            outbox::table
                .filter(outbox::notice.like("%booking_reminder%"))
                .select((outbox::notice, outbox::next_attempt_at))
                .load(c)
        })
        .unwrap();
    assert_eq!(reminders.len(), 1);
    let start: chrono::DateTime<Utc> = list[20]["start"].as_str().unwrap().parse().unwrap();
    assert_eq!(reminders[0].1, (start - Duration::hours(24)).naive_utc());
    // When it is due it is sent, by SMS too when a gateway is configured.
    let (status, _) = call(
        &app,
        Method::PUT,
        "/notification-channels",
        Some(&a.admin),
        Some(&json!({"sms_url": "https://sms.example.it/send"})),
    )
    .await;
    assert_eq!(status, 200);
    app.state
        .db
        .write_tx(|c| {
            diesel::update(outbox::table)
                .set(outbox::next_attempt_at.eq(Utc::now().naive_utc()))
                .execute(c)
        })
        .unwrap();
    expand(&app).await;
    assert!(mails(&app).iter().any(|(to, p)| to == "anna@example.it"
        && p["subject"].as_str().unwrap().starts_with("Promemoria")));
    let sms: i64 = app
        .state
        .db
        .read(|c| {
            use api::db::schema::deliveries;
            deliveries::table
                .filter(deliveries::channel.eq("sms"))
                .filter(deliveries::recipient.eq("+393331234567"))
                .count()
                .get_result(c)
        })
        .unwrap();
    assert_eq!(sms, 1);

    // The staff's day: the operator of the office sees it, another office does not.
    let (status, agenda) = call(
        &app,
        Method::GET,
        &format!("/bookings?desk_id={id}&from={}&to={}", day(2), day(2)),
        Some(&a.op),
        None,
    )
    .await;
    assert_eq!(status, 200, "{agenda}");
    assert_eq!(agenda.as_array().unwrap().len(), 2);
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/bookings?desk_id={id}"),
        Some(&a.other_op),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (_, none) = call(
        &app,
        Method::GET,
        &format!("/bookings?from={}", day(2)),
        Some(&a.other_op),
        None,
    )
    .await;
    assert_eq!(none, json!([]));
    let (_, pending) = call(
        &app,
        Method::GET,
        &format!("/bookings?from={}&status=pending_confirmation", day(2)),
        Some(&a.op),
        None,
    )
    .await;
    assert_eq!(pending.as_array().unwrap().len(), 1);
    let bid = agenda
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["email"] == "anna@example.it")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/bookings/{bid}"),
        Some(&a.other_op),
        None,
    )
    .await;
    assert_eq!(status, 403);
    // Not yet its day: no check-in.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/bookings/{bid}/actions"),
        Some(&a.op),
        Some(&json!({"action": "check_in"})),
    )
    .await;
    assert_eq!(status, 409);
    // On the day, at the desk.
    let now = Utc::now().naive_utc();
    app.state
        .db
        .write_tx(|c| {
            diesel::update(bookings::table.find(&bid))
                .set(bookings::starts_at.eq(now))
                .execute(c)
        })
        .unwrap();
    let (status, v) = call(
        &app,
        Method::POST,
        &format!("/bookings/{bid}/actions"),
        Some(&a.op),
        Some(&json!({"action": "check_in", "note": "Arrivata in anticipo"})),
    )
    .await;
    assert_eq!(
        (status, v["status"].clone()),
        (200, json!("checked_in")),
        "{v}"
    );
    assert!(v["checked_in_at"].is_string());
    let (status, v) = call(
        &app,
        Method::POST,
        &format!("/bookings/{bid}/actions"),
        Some(&a.op),
        Some(&json!({"action": "complete"})),
    )
    .await;
    assert_eq!((status, v["status"].clone()), (200, json!("completed")));
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/bookings/{bid}/actions"),
        Some(&a.op),
        Some(&json!({"action": "no_show"})),
    )
    .await;
    assert_eq!(status, 409);

    // The visit is linked to the citizen's request and shows in its thread.
    let (status, request) = call(&app, Method::POST, "/requests", Some(&anna), Some(&json!({"type": "tari_informazioni", "subject": "Scadenze", "description": "Quando scade la seconda rata?", "fields": {}}))).await;
    assert_eq!(status, 201, "{request}");
    let rid = request["id"].as_str().unwrap();
    let (status, v) = call(
        &app,
        Method::PATCH,
        &format!("/bookings/{bid}"),
        Some(&a.op),
        Some(
            &json!({"request_id": rid, "citizen_id": citizen_id, "notes": "Consegnato il modulo"}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["request_id"].as_str(), v["notes"].as_str()),
        (Some(rid), Some("Consegnato il modulo"))
    );
    let (_, thread) = call(
        &app,
        Method::GET,
        &format!("/requests/{rid}/messages"),
        Some(&anna),
        None,
    )
    .await;
    assert!(
        thread["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["body"].as_str().unwrap().starts_with("Appuntamento ")),
        "{thread}"
    );
    let (status, p) = call(
        &app,
        Method::PATCH,
        &format!("/bookings/{bid}"),
        Some(&a.op),
        Some(&json!({"request_id": "00000000-0000-7000-8000-000000000000"})),
    )
    .await;
    assert_eq!((status, fields(&p)), (422, vec!["request_id".to_owned()]));
}

db_test!(demo_seed_has_a_desk_and_a_pickup_zone);
async fn demo_seed_has_a_desk_and_a_pickup_zone(app: TestApp) {
    use api::db::schema::{desks, pickup_items, pickup_zones};
    let config = api::config::Config::for_paths(
        app.database_url.clone(),
        app.state.config.files_dir.clone(),
    );
    for _ in 0..2 {
        let config = config.clone();
        tokio::task::spawn_blocking(move || api::seed::demo(&config))
            .await
            .unwrap()
            .unwrap();
    }
    let counts: (i64, i64, i64) = app
        .state
        .db
        .read(|c| {
            Ok::<_, diesel::result::Error>((
                desks::table.count().get_result(c)?,
                pickup_zones::table.count().get_result(c)?,
                pickup_items::table.count().get_result(c)?,
            ))
        })
        .unwrap();
    assert_eq!(counts, (1, 1, 9), "seeding twice adds nothing");
    app.state.tenants.invalidate();
    let (_, list) = call(&app, Method::GET, "/public/desks", None, None).await;
    assert_eq!(list[0]["mode"], "both");
    assert_eq!(list[0]["services"].as_array().unwrap().len(), 3);
    let id = list[0]["id"].as_str().unwrap();
    let (status, s) = call(
        &app,
        Method::GET,
        &format!("/public/desks/{id}/slots?service=informazioni"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(!s["items"].as_array().unwrap().is_empty());
    let op = app
        .login(
            "operatore.tributi@comune.esempio.it",
            api::seed::DEMO_PASSWORD,
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let (_, check) = call(
        &app,
        Method::GET,
        "/desks/opening-check",
        op["access_token"].as_str(),
        None,
    )
    .await;
    // 5 × 3.5 hours of mornings and 2 × 2 of afternoons for 25,000 inhabitants (15 required).
    assert_eq!(
        (
            check["weekly_hours"].clone(),
            check["required_hours"].clone(),
            check["ok"].clone()
        ),
        (json!(21.5), json!(15), json!(true)),
        "{check}"
    );
    let citizen = app
        .login("RSSMRA80A01H501U", api::seed::DEMO_PASSWORD)
        .await
        .json::<Value>()
        .await
        .unwrap();
    let (_, zones) = call(
        &app,
        Method::GET,
        "/pickup-zones",
        citizen["access_token"].as_str(),
        None,
    )
    .await;
    let zone = zones[0]["id"].as_str().unwrap();
    let (status, days) = call(
        &app,
        Method::GET,
        &format!("/pickup-slots?zone_id={zone}&kind=raee"),
        citizen["access_token"].as_str(),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        days["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["remaining"] == 20)
    );
}

/// The booking's e-mails reach a real SMTP server with the calendar file attached.
async fn confirmation_mail_with_calendar_file(backend: Backend) {
    let Some(s) = crate::mail_servers::servers() else {
        return;
    };
    let Some(app) = spawn_with(backend, |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{}", s.smtp_port));
        c.mail_from = Some("prenotazioni@comune.test".into());
        c.public_url = Some("https://sportello.comune.test".into());
    })
    .await
    else {
        return;
    };
    let a = setup(&app).await;
    let id = create_desk(&app, &a.admin, &desk(&a.office, &json!({}))).await;
    let start = slots(&app, &id, &day(2), None).await[20]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let to = format!("visita{}@example.it", crate::mail_servers::tag());
    let (status, b) = book(&app, None, &booking(&id, &start, &to)).await;
    assert_eq!(status, 201, "{b}");
    let code = b["code"].as_str().unwrap();
    assert_eq!(
        b["manage_url"],
        format!("https://sportello.comune.test/prenotazioni/{code}")
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mail = loop {
        api::mail::worker::run_outbox_once(&app.state)
            .await
            .unwrap();
        if let Some(m) = crate::mail_servers::mails_to(&s, &to).into_iter().next() {
            break m;
        }
        assert!(std::time::Instant::now() < deadline, "no mail for {to}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let parsed = mail_parser::MessageParser::default()
        .parse(mail.as_bytes())
        .unwrap();
    assert!(
        parsed
            .subject()
            .unwrap()
            .starts_with("Appuntamento confermato")
    );
    let text = crate::mail_servers::text(&mail);
    assert!(
        text.contains(&format!(
            "https://sportello.comune.test/prenotazioni/{code}"
        )),
        "{text}"
    );
    let ics = parsed
        .attachments()
        .find(|a| {
            use mail_parser::MimeHeaders;
            a.content_type()
                .is_some_and(|ct| ct.ctype() == "text" && ct.subtype() == Some("calendar"))
        })
        .expect("a text/calendar attachment");
    let body = String::from_utf8_lossy(ics.contents()).into_owned();
    assert!(
        body.contains("BEGIN:VEVENT") && body.contains("SEQUENCE:0") && body.contains("ORGANIZER"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmation_mail_with_calendar_file_sqlite() {
    confirmation_mail_with_calendar_file(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmation_mail_with_calendar_file_postgres() {
    confirmation_mail_with_calendar_file(Backend::Postgres).await;
}
