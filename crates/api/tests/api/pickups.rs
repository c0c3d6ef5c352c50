//! Bulky-waste pickups: zones and items, free days, a booking that files a TQRIF
//! request, the daily capacity under concurrency, withdrawal, the route sheet and the
//! crew's outcome.

use chrono::{Duration, NaiveDate, Utc};
use diesel::prelude::*;
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::admin::{admin_token, call, fields};
use crate::helpers::*;

struct World {
    admin: String,
    crew: String,
    anna: String,
    bruno: String,
    zone: String,
}

/// A zone collecting every day (holidays aside), 6 pieces a day, at most 4 per booking.
fn zone_body(extra: &Value) -> Value {
    let mut z = json!({
        "name": "Centro", "postcodes": ["59100"], "streets": ["Via Roma"],
        "weekdays": [1, 2, 3, 4, 5, 6, 7], "daily_capacity": 6, "max_pieces_per_booking": 4,
        "kinds": ["ingombranti", "raee"], "overrides": [],
        "min_notice_days": 1, "booking_window_days": 60, "cancel_until_days": 1
    });
    for (k, v) in extra.as_object().unwrap() {
        z[k] = v.clone();
    }
    z
}

async fn world(app: &TestApp, zone: &Value) -> World {
    let raccolta = app.office("Gestore raccolta");
    app.staff("squadra@gestore.test", "operator", &[&raccolta]);
    let admin = admin_token(app).await;
    let crew = app.token("squadra@gestore.test").await;
    let (status, _) = call(
        app,
        Method::PUT,
        "/routing-rules",
        Some(&admin),
        Some(&json!([{"kind": "ritiro_su_chiamata", "office_id": raccolta}])),
    )
    .await;
    assert_eq!(status, 200);
    let (_, anna) = app.citizen(CF_A, "anna@example.it", &crew).await;
    let (_, bruno) = app.citizen(CF_B, "bruno@example.it", &crew).await;
    let (status, z) = call(app, Method::POST, "/pickup-zones", Some(&admin), Some(zone)).await;
    assert_eq!(status, 201, "{z}");
    for item in [
        json!({"code": "divano", "name": "Divano", "kind": "ingombranti", "pieces": 2}),
        json!({"code": "sedia", "name": "Sedia", "kind": "ingombranti", "pieces": 1}),
        json!({"code": "frigorifero", "name": "Frigorifero", "kind": "raee", "pieces": 2}),
    ] {
        let (status, i) = call(
            app,
            Method::POST,
            "/pickup-items",
            Some(&admin),
            Some(&item),
        )
        .await;
        assert_eq!(status, 201, "{i}");
    }
    World {
        admin,
        crew,
        anna,
        bruno,
        zone: z["id"].as_str().unwrap().to_owned(),
    }
}

fn today() -> NaiveDate {
    domain::rome_date(Utc::now())
}

/// The first open (non-holiday) date at least `from_days` ahead.
fn open_day(from_days: i64) -> NaiveDate {
    let cal = domain::WorkingCalendar::national();
    let mut d = today() + Duration::days(from_days);
    while cal.is_holiday(d) {
        d += Duration::days(1);
    }
    d
}

fn pickup(zone: &str, date: NaiveDate, items: Value) -> Value {
    json!({"zone_id": zone, "kind": "ingombranti", "date": date, "address": "Via Roma 12, Prato", "items": items, "phone": "333 7654321", "notes": "Citofono Bianchi"})
}

db_test!(zones_items_and_free_days);
async fn zones_items_and_free_days(app: TestApp) {
    let closed = open_day(3);
    let w = world(
        &app,
        &zone_body(
            &json!({"overrides": [{"date": closed, "closed": true, "note": "Mezzo in officina"}]}),
        ),
    )
    .await;
    let (status, zones) = call(&app, Method::GET, "/pickup-zones", Some(&w.anna), None).await;
    assert_eq!(status, 200);
    assert_eq!(zones[0]["kinds"], json!(["ingombranti", "raee"]));
    let (_, items) = call(&app, Method::GET, "/pickup-items", Some(&w.anna), None).await;
    assert_eq!(items.as_array().unwrap().len(), 3);
    let q = format!(
        "/pickup-slots?zone_id={}&kind=ingombranti&from={}&to={}",
        w.zone,
        today(),
        today() + Duration::days(10)
    );
    let (status, days) = call(&app, Method::GET, &q, Some(&w.anna), None).await;
    assert_eq!(status, 200, "{days}");
    let dates: Vec<&str> = days["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    // Not today (a day's notice), not the closed day nor holidays.
    assert!(!dates.contains(&today().to_string().as_str()));
    assert!(!dates.contains(&closed.to_string().as_str()), "{dates:?}");
    let cal = domain::WorkingCalendar::national();
    assert!(dates.iter().all(|d| !cal.is_holiday(d.parse().unwrap())));
    assert!(
        days["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["remaining"] == 6)
    );
    // A kind the zone does not collect, a missing zone.
    let (status, p) = call(
        &app,
        Method::GET,
        &format!("/pickup-slots?zone_id={}&kind=sfalci", w.zone),
        Some(&w.anna),
        None,
    )
    .await;
    assert_eq!((status, fields(&p)), (422, vec!["kind".to_owned()]));
    let (status, _) = call(
        &app,
        Method::GET,
        "/pickup-slots?zone_id=x&kind=ingombranti",
        Some(&w.anna),
        None,
    )
    .await;
    assert_eq!(status, 422);
    // Duplicate item codes and bad zones.
    let (status, _) = call(
        &app,
        Method::POST,
        "/pickup-items",
        Some(&w.admin),
        Some(&json!({"code": "divano", "name": "Altro divano", "kind": "ingombranti"})),
    )
    .await;
    assert_eq!(status, 409);
    let (status, p) = call(
        &app,
        Method::PATCH,
        &format!("/pickup-zones/{}", w.zone),
        Some(&w.admin),
        Some(&json!({"weekdays": [0], "max_pieces_per_booking": 99})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(fields(&p), ["weekdays[0]", "max_pieces_per_booking"], "{p}");
    let (status, z) = call(
        &app,
        Method::PATCH,
        &format!("/pickup-zones/{}", w.zone),
        Some(&w.admin),
        Some(&json!({"daily_capacity": 8})),
    )
    .await;
    assert_eq!((status, z["daily_capacity"].clone()), (200, json!(8)));
}

db_test!(a_pickup_files_a_tqrif_request);
async fn a_pickup_files_a_tqrif_request(app: TestApp) {
    let w = world(&app, &zone_body(&json!({}))).await;
    let date = open_day(2);
    let body = pickup(
        &w.zone,
        date,
        json!([{"code": "divano", "qty": 1}, {"code": "sedia", "qty": 2}]),
    );
    let (status, created) = call(&app, Method::POST, "/pickups", Some(&w.anna), Some(&body)).await;
    assert_eq!(status, 201, "{created}");
    let p = &created["pickup"];
    assert_eq!(
        (
            p["pieces"].clone(),
            p["status"].clone(),
            p["agreed_beyond_standard"].clone()
        ),
        (json!(4), json!("booked"), json!(false))
    );
    let r = &created["request"];
    assert_eq!(r["kind"], "ritiro_su_chiamata");
    assert_eq!(r["standard_days"], 15);
    assert!(r["protocol_number"].as_str().unwrap().contains('/'));
    let due = domain::WorkingCalendar::national().add_working_days(today(), 15);
    assert_eq!(r["due_date"], due.to_string());
    assert_eq!(r["fields"]["indirizzo"], "Via Roma 12, Prato");
    assert_eq!(p["protocol_number"], r["protocol_number"]);
    // The citizen follows it as a request; the day has 2 pieces left.
    let rid = r["id"].as_str().unwrap();
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/requests/{rid}"),
        Some(&w.anna),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let q = format!(
        "/pickup-slots?zone_id={}&kind=ingombranti&from={date}&to={date}",
        w.zone
    );
    let (_, days) = call(&app, Method::GET, &q, Some(&w.anna), None).await;
    assert_eq!(days["items"][0]["remaining"], 2);
    // Too many pieces for the day now, or for one booking.
    let (status, e) = call(
        &app,
        Method::POST,
        "/pickups",
        Some(&w.bruno),
        Some(&pickup(
            &w.zone,
            date,
            json!([{"code": "divano", "qty": 1}, {"code": "sedia", "qty": 1}]),
        )),
    )
    .await;
    assert_eq!(status, 409, "{e}");
    let (status, e) = call(
        &app,
        Method::POST,
        "/pickups",
        Some(&w.bruno),
        Some(&pickup(
            &w.zone,
            date,
            json!([{"code": "divano", "qty": 3}]),
        )),
    )
    .await;
    assert_eq!((status, fields(&e)), (422, vec!["items".to_owned()]));
    // Staff do not book pickups; others do not see the citizen's pickup.
    let (status, _) = call(&app, Method::POST, "/pickups", Some(&w.crew), Some(&body)).await;
    assert_eq!(status, 403);
    let pid = p["id"].as_str().unwrap();
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/pickups/{pid}"),
        Some(&w.bruno),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (_, mine) = call(&app, Method::GET, "/pickups", Some(&w.anna), None).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);

    // A date past the due date: agreed at the citizen's request, said in the thread.
    let late = open_day(i64::from((due - today()).num_days() as i32) + 3);
    let (status, created) = call(
        &app,
        Method::POST,
        "/pickups",
        Some(&w.bruno),
        Some(&pickup(&w.zone, late, json!([{"code": "sedia", "qty": 1}]))),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["pickup"]["agreed_beyond_standard"], true);
    let rid = created["request"]["id"].as_str().unwrap();
    let (_, thread) = call(
        &app,
        Method::GET,
        &format!("/requests/{rid}/messages"),
        Some(&w.bruno),
        None,
    )
    .await;
    assert!(
        thread["items"][0]["body"]
            .as_str()
            .unwrap()
            .contains("su richiesta dell'utente"),
        "{thread}"
    );
}

db_test!(daily_capacity_holds_under_concurrency);
async fn daily_capacity_holds_under_concurrency(app: TestApp) {
    let w = world(&app, &zone_body(&json!({"daily_capacity": 4}))).await;
    let date = open_day(2);
    // Two citizens, four bookings of two pieces each at once: only two fit.
    let attempts = [&w.anna, &w.bruno, &w.anna, &w.bruno].into_iter().map(|t| {
        let (app, body) = (
            &app,
            pickup(&w.zone, date, json!([{"code": "divano", "qty": 1}])),
        );
        async move {
            call(app, Method::POST, "/pickups", Some(t), Some(&body))
                .await
                .0
        }
    });
    let mut statuses = join_all(attempts).await;
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 201, 409, 409]);
    let taken: i32 = app
        .state
        .db
        .read(|c| {
            use api::db::schema::pickup_days;
            pickup_days::table
                .filter(pickup_days::day.eq(date))
                .select(pickup_days::taken)
                .first(c)
        })
        .unwrap();
    assert_eq!(taken, 4);
}

db_test!(withdrawal_until_the_cutoff);
async fn withdrawal_until_the_cutoff(app: TestApp) {
    let w = world(&app, &zone_body(&json!({"cancel_until_days": 2}))).await;
    let near = today() + Duration::days(1);
    let far = open_day(5);
    let anna = w.anna.as_str();
    let book = |date: NaiveDate| {
        let (app, body) = (
            &app,
            pickup(&w.zone, date, json!([{"code": "divano", "qty": 1}])),
        );
        async move { call(app, Method::POST, "/pickups", Some(anna), Some(&body)).await }
    };
    let (status, a) = book(far).await;
    assert_eq!(status, 201, "{a}");
    let pid = a["pickup"]["id"].as_str().unwrap();
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/pickups/{pid}"),
        Some(&w.bruno),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, v) = call(
        &app,
        Method::DELETE,
        &format!("/pickups/{pid}"),
        Some(&w.anna),
        None,
    )
    .await;
    assert_eq!(
        (status, v["status"].clone()),
        (200, json!("cancelled")),
        "{v}"
    );
    let rid = a["request"]["id"].as_str().unwrap();
    let (_, r) = call(
        &app,
        Method::GET,
        &format!("/requests/{rid}"),
        Some(&w.anna),
        None,
    )
    .await;
    assert_eq!(r["status"], "withdrawn");
    let q = format!(
        "/pickup-slots?zone_id={}&kind=ingombranti&from={far}&to={far}",
        w.zone
    );
    let (_, days) = call(&app, Method::GET, &q, Some(&w.anna), None).await;
    assert_eq!(days["items"][0]["remaining"], 6, "pieces given back");
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/pickups/{pid}"),
        Some(&w.anna),
        None,
    )
    .await;
    assert_eq!(status, 409);
    // Tomorrow's pickup is within the two-day cutoff.
    if !domain::WorkingCalendar::national().is_holiday(near) {
        let (status, b) = book(near).await;
        assert_eq!(status, 201, "{b}");
        let (status, _) = call(
            &app,
            Method::DELETE,
            &format!("/pickups/{}", b["pickup"]["id"].as_str().unwrap()),
            Some(&w.anna),
            None,
        )
        .await;
        assert_eq!(status, 409);
    }
}

db_test!(route_sheet_and_the_crews_outcome);
async fn route_sheet_and_the_crews_outcome(app: TestApp) {
    use api::db::schema::requests;
    let w = world(&app, &zone_body(&json!({}))).await;
    let date = open_day(2);
    let mut ids = Vec::new();
    for (t, street) in [(&w.anna, "Via Verdi 3"), (&w.bruno, "Via Bellini 9")] {
        let mut body = pickup(&w.zone, date, json!([{"code": "sedia", "qty": 1}]));
        body["address"] = json!(street);
        let (status, c) = call(&app, Method::POST, "/pickups", Some(t), Some(&body)).await;
        assert_eq!(status, 201, "{c}");
        ids.push((
            c["pickup"]["id"].as_str().unwrap().to_owned(),
            c["request"]["id"].as_str().unwrap().to_owned(),
        ));
    }
    let q = format!("zone_id={}&date={date}", w.zone);
    let (status, sheet) = call(
        &app,
        Method::GET,
        &format!("/pickups/route-sheet?{q}"),
        Some(&w.crew),
        None,
    )
    .await;
    assert_eq!(status, 200, "{sheet}");
    assert_eq!(sheet["pieces"], 2);
    let streets: Vec<&str> = sheet["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        streets,
        ["Via Bellini 9", "Via Verdi 3"],
        "in address order"
    );
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/pickups/route-sheet?{q}"),
        Some(&w.anna),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let csv = app
        .client
        .get(app.url(&format!("/pickups/route-sheet.csv?{q}")))
        .bearer_auth(&w.crew)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("ordine;indirizzo;"), "{csv}");
    // The phone's leading + is kept as text, not read as a formula.
    assert!(
        csv.contains(
            "1;Via Bellini 9;ingombranti;1 × Sedia;1;\"'+393337654321\";Citofono Bianchi;"
        ),
        "{csv}"
    );
    let pdf = app
        .client
        .get(app.url(&format!("/pickups/route-sheet.pdf?{q}")))
        .bearer_auth(&w.crew)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));

    // Done: the request is answered with the crew's note as the reply.
    let (pid, rid) = &ids[0];
    let (status, v) = call(
        &app,
        Method::POST,
        &format!("/pickups/{pid}/actions"),
        Some(&w.crew),
        Some(&json!({"action": "done", "note": "Ritirata una sedia."})),
    )
    .await;
    assert_eq!((status, v["status"].clone()), (200, json!("done")), "{v}");
    let (_, r) = call(
        &app,
        Method::GET,
        &format!("/requests/{rid}"),
        Some(&w.anna),
        None,
    )
    .await;
    assert_eq!(r["status"], "resolved");
    assert_eq!(r["lateness_cause"], Value::Null);
    let (_, thread) = call(
        &app,
        Method::GET,
        &format!("/requests/{rid}/messages"),
        Some(&w.anna),
        None,
    )
    .await;
    assert!(
        thread["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["body"] == "Ritirata una sedia.")
    );
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/pickups/{pid}/actions"),
        Some(&w.crew),
        Some(&json!({"action": "not_done", "note": "x"})),
    )
    .await;
    assert_eq!(status, 409, "one outcome only");
    // Not done needs a reason; the request stays open for the office.
    let (pid, rid) = &ids[1];
    let (status, p) = call(
        &app,
        Method::POST,
        &format!("/pickups/{pid}/actions"),
        Some(&w.crew),
        Some(&json!({"action": "not_done"})),
    )
    .await;
    assert_eq!((status, fields(&p)), (422, vec!["note".to_owned()]));
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/pickups/{pid}/actions"),
        Some(&w.crew),
        Some(&json!({"action": "not_done", "note": "Nessuno in casa"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, r) = call(
        &app,
        Method::GET,
        &format!("/requests/{rid}"),
        Some(&w.bruno),
        None,
    )
    .await;
    assert_eq!(r["status"], "in_progress");

    // A date agreed past the standard: answered late, the register blames the user.
    let date = open_day(35);
    let (status, c) = call(
        &app,
        Method::POST,
        "/pickups",
        Some(&w.anna),
        Some(&pickup(&w.zone, date, json!([{"code": "sedia", "qty": 1}]))),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(c["pickup"]["agreed_beyond_standard"], true);
    let (pid, rid) = (
        c["pickup"]["id"].as_str().unwrap().to_owned(),
        c["request"]["id"].as_str().unwrap().to_owned(),
    );
    // The crew comes on the agreed day, past the standard (the receipt is moved back here).
    let received = (Utc::now() - Duration::days(40)).naive_utc();
    app.state
        .db
        .write_tx(|c| {
            diesel::update(requests::table.find(&rid))
                .set(requests::received_at.eq(received))
                .execute(c)
        })
        .unwrap();
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/pickups/{pid}/actions"),
        Some(&w.crew),
        Some(&json!({"action": "done"})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, r) = call(
        &app,
        Method::GET,
        &format!("/requests/{rid}"),
        Some(&w.anna),
        None,
    )
    .await;
    assert_eq!(
        (r["status"].clone(), r["lateness_cause"].clone()),
        (json!("resolved"), json!("utente_o_terzi")),
        "{r}"
    );
}
