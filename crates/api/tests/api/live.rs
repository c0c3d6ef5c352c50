//! Live chat and the video desk over the real WebSocket: the queue and its cue, accept,
//! messages both ways with files, typing and read marks, transfer, conversion into a
//! request with the whole transcript and the chat's start as its receipt; two server
//! nodes on one PostgreSQL; the video call's conditions, window, admission and signalling
//! between the two admitted parties only; TURN credentials.

use std::time::Duration;

use base64::Engine as _;

use diesel::prelude::*;
use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::admin::{admin_token, call};
use crate::agenda::{book, booking, create_desk, day, desk, slots};
use crate::helpers::*;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One live connection.
pub struct Live {
    socket: Socket,
}

impl Live {
    /// Connects with a ticket URL (`/api/v1/realtime?ticket=…`) and reads the hello.
    pub async fn open(app: &TestApp, url: &str) -> Self {
        let ws = format!("{}{url}", app.address.replacen("http", "ws", 1));
        let (socket, _) = tokio_tungstenite::connect_async(ws).await.expect("connect");
        let mut live = Self { socket };
        live.next("hello").await;
        live
    }

    /// Signs in with a ticket from `POST /realtime/tickets`.
    pub async fn signed_in(app: &TestApp, token: &str) -> Self {
        let (status, t) = call(
            app,
            Method::POST,
            "/realtime/tickets",
            Some(token),
            Some(&json!({})),
        )
        .await;
        assert_eq!(status, 201, "{t}");
        Self::open(app, t["url"].as_str().unwrap()).await
    }

    pub async fn send(&mut self, frame: &Value) {
        self.socket
            .send(Message::Text(frame.to_string().into()))
            .await
            .unwrap();
    }

    /// The next event of `kind` (others are skipped), within 5 seconds.
    pub async fn next(&mut self, kind: &str) -> Value {
        self.next_where(kind, |_| true).await
    }

    pub async fn next_where(&mut self, kind: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let msg = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .unwrap_or_else(|_| panic!("no {kind} event within 5 s"))
                .expect("connection open")
                .expect("frame");
            if let Message::Text(t) = msg {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] == kind && ok(&v) {
                    return v;
                }
            }
        }
    }

    /// Nothing of `kind` arrives within `wait`.
    pub async fn none(&mut self, kind: &str, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(deadline, self.socket.next()).await {
            if let Message::Text(t) = msg {
                let v: Value = serde_json::from_str(&t).unwrap();
                assert_ne!(v["type"], kind, "unexpected {v}");
            }
        }
    }

    /// The close frame's code, once the server closes.
    pub async fn closed_with(&mut self) -> u16 {
        loop {
            match tokio::time::timeout(Duration::from_secs(5), self.socket.next()).await {
                Ok(Some(Ok(Message::Close(Some(f))))) => return u16::from(f.code),
                Ok(Some(Ok(Message::Close(None))) | None) => return 1005,
                Ok(Some(Ok(_))) => {}
                other => panic!("no close: {other:?}"),
            }
        }
    }
}

pub struct Desk {
    pub admin: String,
    pub op: String,
    pub op_id: String,
    pub other_op: String,
    pub office: String,
    pub other_office: String,
    pub citizen: String,
    pub citizen_id: String,
}

/// An office for reclami with an operator, another office with its operator, a citizen.
pub async fn setup(app: &TestApp) -> Desk {
    let admin = admin_token(app).await;
    let office = app.office("Ufficio Tributi");
    let other_office = app.office("Ufficio Ambiente");
    let op_id = app.staff("op.chat@comune.test", "operator", &[&office]);
    app.staff("op.altro@comune.test", "operator", &[&other_office]);
    let (status, _) = call(
        app,
        Method::PUT,
        "/routing-rules",
        Some(&admin),
        Some(&json!([{"kind": "reclamo", "office_id": office}])),
    )
    .await;
    assert_eq!(status, 200);
    let (citizen_id, citizen) = app
        .citizen("RSSMRA80A01H501U", "mario@example.org", &admin)
        .await;
    Desk {
        op: app.token("op.chat@comune.test").await,
        other_op: app.token("op.altro@comune.test").await,
        op_id,
        admin,
        office,
        other_office,
        citizen,
        citizen_id,
    }
}

async fn open_chat(app: &TestApp, d: &Desk, message: &str) -> Value {
    let (status, chat) = call(
        app,
        Method::POST,
        "/chats",
        Some(&d.citizen),
        Some(&json!({"topic": "tari_reclamo", "message": message})),
    )
    .await;
    assert_eq!(status, 201, "{chat}");
    chat
}

async fn say(app: &TestApp, token: &str, chat: &str, body: &str) -> Value {
    let (status, m) = call(
        app,
        Method::POST,
        &format!("/chats/{chat}/messages"),
        Some(token),
        Some(&json!({"body": body})),
    )
    .await;
    assert_eq!(status, 201, "{m}");
    m
}

async fn act(app: &TestApp, token: &str, chat: &str, body: &Value) -> (u16, Value) {
    call(
        app,
        Method::POST,
        &format!("/chats/{chat}/actions"),
        Some(token),
        Some(body),
    )
    .await
}

db_test!(a_chat_goes_from_the_queue_to_a_request_with_its_transcript);
async fn a_chat_goes_from_the_queue_to_a_request_with_its_transcript(app: TestApp) {
    let d = setup(&app).await;
    // Nobody online: the chat is not open (no desks: always within hours).
    let (_, av) = call(
        &app,
        Method::GET,
        "/chats/availability",
        Some(&d.citizen),
        None,
    )
    .await;
    assert_eq!(av["within_hours"], true);
    assert_eq!(av["open"], false, "{av}");
    let mut op = Live::signed_in(&app, &d.op).await;
    let (_, av) = call(
        &app,
        Method::GET,
        "/chats/availability",
        Some(&d.citizen),
        None,
    )
    .await;
    assert_eq!(av["open"], true, "{av}");
    let topic = av["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "tari_reclamo")
        .unwrap()
        .clone();
    assert_eq!(topic["office_id"], d.office.as_str());
    assert_eq!(topic["online"], true);

    let mut me = Live::signed_in(&app, &d.citizen).await;
    let chat = open_chat(&app, &d, "Buongiorno, l'avviso TARI è sbagliato").await;
    let id = chat["id"].as_str().unwrap().to_owned();
    assert_eq!(chat["status"], "waiting");
    assert_eq!(chat["queue_position"], 1);
    assert_eq!(chat["office_id"], d.office.as_str());
    // The office's operator hears the new chat at once (the console's cue).
    let created = op.next("chat.created").await;
    assert_eq!(created["chat_id"], id.as_str());
    // One open chat at a time.
    let (status, _) = call(
        &app,
        Method::POST,
        "/chats",
        Some(&d.citizen),
        Some(&json!({"topic": "tari_reclamo"})),
    )
    .await;
    assert_eq!(status, 409);
    // Not accepted yet: the operator cannot write; another office cannot even accept.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/chats/{id}/messages"),
        Some(&d.op),
        Some(&json!({"body": "x"})),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = act(&app, &d.other_op, &id, &json!({"action": "accept"})).await;
    assert_eq!(status, 403);

    let (status, v) = act(&app, &d.op, &id, &json!({"action": "accept"})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "active");
    let updated = me
        .next_where("chat.updated", |e| e["data"]["status"] == "active")
        .await;
    assert_eq!(updated["data"]["assignee"]["id"], d.op_id.as_str());
    // Accepting twice: the second is refused.
    let (status, _) = act(&app, &d.op, &id, &json!({"action": "accept"})).await;
    assert_eq!(status, 409);

    // Messages both ways, live.
    let m = say(
        &app,
        &d.op,
        &id,
        "Buongiorno, mi dica il numero dell'avviso",
    )
    .await;
    let heard = me
        .next_where("chat.message", |e| e["data"]["id"] == m["id"])
        .await;
    assert_eq!(heard["data"]["id"], m["id"]);
    assert_eq!(heard["data"]["author"]["role"], "operator");
    // Typing: the other side sees it, not stored.
    me.send(&json!({"type": "typing", "chat_id": id})).await;
    let t = op.next("chat.typing").await;
    assert_eq!(t["data"]["by"], "citizen");
    assert!(t["id"].is_null());
    // A file from the citizen (multipart, the request upload rules).
    let form = reqwest::multipart::Form::new()
        .text("data", json!({"body": "Ecco l'avviso"}).to_string())
        .part(
            "files",
            reqwest::multipart::Part::bytes(PDF.to_vec())
                .file_name("avviso.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let res = app
        .client
        .post(app.url(&format!("/chats/{id}/messages")))
        .bearer_auth(&d.citizen)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let with_file: Value = res.json().await.unwrap();
    let file_url = with_file["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let got = app
        .client
        .get(format!("{}{file_url}", app.address))
        .bearer_auth(&d.op)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().as_ref(), PDF);
    let got = app
        .client
        .get(format!("{}{file_url}", app.address))
        .bearer_auth(&d.other_op)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 403);
    // Read marks.
    let res = app
        .client
        .post(app.url(&format!("/chats/{id}/read")))
        .bearer_auth(&d.op)
        .json(&json!({"message_id": with_file["id"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let read = me.next("chat.read").await;
    assert_eq!(read["data"]["by"], "staff");
    say(&app, &d.citizen, &id, "Il numero è 2026/123").await;

    // Convert: a request received when the chat started, the transcript as its thread.
    let (status, v) = act(
        &app,
        &d.op,
        &id,
        &json!({"action": "convert", "type": "tari_reclamo"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "closed");
    let request_id = v["request_id"].as_str().unwrap().to_owned();
    assert!(v["protocol_number"].as_str().is_some_and(|p| !p.is_empty()));
    let (_, request) = call(
        &app,
        Method::GET,
        &format!("/requests/{request_id}"),
        Some(&d.op),
        None,
    )
    .await;
    assert_eq!(request["received_at"], chat["started_at"], "{request}");
    assert_eq!(request["citizen"]["id"], d.citizen_id.as_str());
    let (_, thread) = call(
        &app,
        Method::GET,
        &format!("/requests/{request_id}/messages"),
        Some(&d.citizen),
        None,
    )
    .await;
    let bodies: Vec<String> = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect();
    let order = [
        "l'avviso TARI è sbagliato",
        "ha accettato la chat",
        "numero dell'avviso",
        "Ecco l'avviso",
        "2026/123",
    ];
    let mut at = 0;
    for needle in order {
        let pos = bodies[at..]
            .iter()
            .position(|b| b.contains(needle))
            .unwrap_or_else(|| panic!("{needle} missing or out of order in {bodies:?}"));
        at += pos + 1;
    }
    let file_msg = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["body"].as_str().unwrap().contains("Ecco l'avviso"))
        .unwrap();
    assert_eq!(file_msg["attachments"][0]["filename"], "avviso.pdf");
    // A closed chat takes no more messages; the citizen can have the transcript by e-mail.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/chats/{id}/messages"),
        Some(&d.citizen),
        Some(&json!({"body": "x"})),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = act(
        &app,
        &d.citizen,
        &id,
        &json!({"action": "email_transcript"}),
    )
    .await;
    assert_eq!(status, 200);
    let notices: i64 = app
        .state
        .db
        .read(|c| {
            use api::db::schema::outbox;
            outbox::table
                .filter(outbox::notice.like("%chat_transcript%"))
                .count()
                .get_result(c)
        })
        .unwrap();
    assert_eq!(notices, 1);
    api::mail::outbound::expand_due(&app.state)
        .await
        .expect("expand");
    let mail: Vec<(String, String)> = app
        .state
        .db
        .read(|c| {
            use api::db::schema::deliveries;
            deliveries::table
                .filter(deliveries::channel.eq("email"))
                .select((deliveries::recipient, deliveries::payload))
                .load(c)
        })
        .unwrap();
    let transcript = mail
        .iter()
        .find(|(_, p)| p.contains("Trascrizione della chat"))
        .expect("transcript mail");
    assert_eq!(transcript.0, "mario@example.org");
    assert!(transcript.1.contains("2026/123"), "{}", transcript.1);
}

db_test!(chats_are_private_and_transfers_move_the_queue);
async fn chats_are_private_and_transfers_move_the_queue(app: TestApp) {
    let d = setup(&app).await;
    let chat = open_chat(&app, &d, "Domanda").await;
    let id = chat["id"].as_str().unwrap();
    // Another citizen: the chat does not exist for them.
    let (_, other) = app
        .citizen("VRDGLI85M41F205R", "giulia@example.org", &d.admin)
        .await;
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/chats/{id}"),
        Some(&other),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (_, mine) = call(&app, Method::GET, "/chats", Some(&other), None).await;
    assert_eq!(mine, json!([]));
    // Another office's operator does not see it in their queue.
    let (_, queue) = call(
        &app,
        Method::GET,
        "/chats?status=waiting",
        Some(&d.other_op),
        None,
    )
    .await;
    assert_eq!(queue, json!([]));
    let (_, queue) = call(
        &app,
        Method::GET,
        "/chats?status=waiting",
        Some(&d.op),
        None,
    )
    .await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
    // Transferred while waiting: now the other office's, and its operator hears of it.
    let mut other_op = Live::signed_in(&app, &d.other_op).await;
    let (status, v) = act(
        &app,
        &d.op,
        id,
        &json!({"action": "transfer", "office_id": d.other_office}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["office_id"], d.other_office.as_str());
    assert_eq!(v["status"], "waiting");
    other_op
        .next_where("chat.updated", |e| e["chat_id"] == id)
        .await;
    let (status, _) = act(&app, &d.op, id, &json!({"action": "accept"})).await;
    assert_eq!(status, 403);
    let (status, _) = act(&app, &d.other_op, id, &json!({"action": "accept"})).await;
    assert_eq!(status, 200);
    // Bad input.
    let (status, p) = act(
        &app,
        &d.other_op,
        id,
        &json!({"action": "transfer", "office_id": "nope"}),
    )
    .await;
    assert_eq!(
        (status, p["errors"][0]["field"].as_str()),
        (422, Some("office_id"))
    );
    let (status, _) = act(&app, &d.citizen, id, &json!({"action": "accept"})).await;
    assert_eq!(status, 409);
    let (status, p) = call(
        &app,
        Method::POST,
        "/chats",
        Some(&other),
        Some(&json!({"topic": "nessuno"})),
    )
    .await;
    assert_eq!(
        (status, p["errors"][0]["field"].as_str()),
        (422, Some("topic"))
    );
    let (status, _) = call(
        &app,
        Method::POST,
        "/chats",
        Some(&d.op),
        Some(&json!({"topic": "tari_reclamo"})),
    )
    .await;
    assert_eq!(status, 403);
    let long = "a".repeat(domain::chat::MAX_MESSAGE_CHARS + 1);
    let (status, p) = call(
        &app,
        Method::POST,
        &format!("/chats/{id}/messages"),
        Some(&d.citizen),
        Some(&json!({"body": long})),
    )
    .await;
    assert_eq!(
        (status, p["errors"][0]["field"].as_str()),
        (422, Some("body"))
    );
    // A document alone needs no text; no text and no document is refused.
    let form = reqwest::multipart::Form::new()
        .text("data", json!({"body": ""}).to_string())
        .part(
            "files",
            reqwest::multipart::Part::bytes(PDF.to_vec())
                .file_name("bolletta.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let res = app
        .client
        .post(app.url(&format!("/chats/{id}/messages")))
        .bearer_auth(&d.citizen)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let m: Value = res.json().await.unwrap();
    assert_eq!(
        (m["body"].as_str(), m["attachments"][0]["filename"].as_str()),
        (Some(""), Some("bolletta.pdf"))
    );
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/chats/{id}/messages"),
        Some(&d.citizen),
        Some(&json!({"body": ""})),
    )
    .await;
    assert_eq!(status, 422);
    // The citizen closes.
    let (status, v) = act(&app, &d.citizen, id, &json!({"action": "close"})).await;
    assert_eq!((status, v["status"].as_str()), (200, Some("closed")));
}

db_test!(tickets_are_single_use_and_frames_are_bounded);
async fn tickets_are_single_use_and_frames_are_bounded(app: TestApp) {
    let d = setup(&app).await;
    let (_, t) = call(
        &app,
        Method::POST,
        "/realtime/tickets",
        Some(&d.citizen),
        Some(&json!({})),
    )
    .await;
    let url = t["url"].as_str().unwrap().to_owned();
    let _first = Live::open(&app, &url).await;
    // The same ticket again: refused before the upgrade.
    let ws = format!("{}{url}", app.address.replacen("http", "ws", 1));
    assert!(tokio_tungstenite::connect_async(ws).await.is_err());
    let ws = format!(
        "{}/api/v1/realtime?ticket=forged",
        app.address.replacen("http", "ws", 1)
    );
    assert!(tokio_tungstenite::connect_async(ws).await.is_err());
    // Not a WebSocket handshake: 400; no ticket: 422-like query error.
    let res = app
        .client
        .get(app.url("/realtime?ticket=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    // An unreadable frame gets an error event; a flood is cut with 1008.
    let mut live = Live::signed_in(&app, &d.citizen).await;
    live.send(&json!({"type": "nonsense"})).await;
    live.next("error").await;
    live.send(&json!({"type": "typing", "chat_id": "not-mine"}))
        .await;
    let e = live.next("error").await;
    assert_eq!(e["data"]["status"], 404);
    for _ in 0..100 {
        if live
            .socket
            .send(Message::Text(json!({"type": "ping"}).to_string().into()))
            .await
            .is_err()
        {
            break;
        }
    }
    assert_eq!(live.closed_with().await, 1008);
    // A frame over 64 KiB closes the connection.
    let mut live = Live::signed_in(&app, &d.citizen).await;
    let big = json!({"type": "typing", "chat_id": "x".repeat(70_000)});
    let _ = live
        .socket
        .send(Message::Text(big.to_string().into()))
        .await;
    assert_eq!(live.closed_with().await, 1009);

    // A deactivated account's connection is closed at once.
    let mut live = Live::signed_in(&app, &d.citizen).await;
    let res = app
        .client
        .patch(app.url(&format!("/users/{}", d.citizen_id)))
        .bearer_auth(&d.admin)
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(live.closed_with().await, 1008);
}

/// A second node on the same PostgreSQL: a citizen connected to one and an operator to the
/// other talk as if on one server; the transcript is there after a node is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_on_one_postgresql_behave_as_one() {
    let Some(a) = spawn_app_opt(Backend::Postgres).await else {
        return;
    };
    let d = setup(&a).await;
    let b = spawn_node(&a, |_| {}).await;
    let mut op = Live::signed_in(&a, &d.op).await;
    let mut me = Live::signed_in(&b, &d.citizen).await;
    // The chat opened through node B reaches the operator on node A.
    let chat = open_chat(&b, &d, "Buongiorno").await;
    let id = chat["id"].as_str().unwrap().to_owned();
    op.next_where("chat.created", |e| e["chat_id"] == id.as_str())
        .await;
    let (status, _) = act(&a, &d.op, &id, &json!({"action": "accept"})).await;
    assert_eq!(status, 200);
    me.next_where("chat.updated", |e| e["data"]["status"] == "active")
        .await;
    for i in 0..20 {
        let m = say(&a, &d.op, &id, &format!("messaggio {i}")).await;
        me.next_where("chat.message", |e| e["data"]["id"] == m["id"])
            .await;
        let m = say(&b, &d.citizen, &id, &format!("risposta {i}")).await;
        op.next_where("chat.message", |e| e["data"]["id"] == m["id"])
            .await;
    }
    // Typing crosses nodes too (inline on the bus, not stored).
    me.send(&json!({"type": "typing", "chat_id": id})).await;
    op.next("chat.typing").await;
    // Resume after a drop: a new connection gets what was missed after its last id.
    drop(me);
    say(&a, &d.op, &id, "mentre eri via").await;
    let mut again = Live::signed_in(&b, &d.citizen).await;
    again.send(&json!({"type": "resume", "after": 0})).await;
    let missed = again
        .next_where("chat.message", |e| e["data"]["body"] == "mentre eri via")
        .await;
    assert!(missed["id"].as_i64().is_some());
    // Node A goes; a third node reads the whole transcript from the database.
    drop(op);
    let url = a.database_url.clone();
    let c = spawn_node(&b, |_| {}).await;
    drop(b);
    let (_, v) = call(&c, Method::GET, &format!("/chats/{id}"), Some(&d.op), None).await;
    assert_eq!(
        v["messages"].as_array().unwrap().len(),
        1 + 1 + 40 + 1,
        "{v}"
    );
    assert_eq!(url, c.database_url);
}

/// A video booking whose slot starts in five minutes.
async fn video_booking(app: &TestApp, d: &Desk) -> (String, String) {
    let desk_id = create_desk(app, &d.admin, &desk(&d.office, &json!({"mode": "video"}))).await;
    let start = slots(app, &desk_id, &day(2), None).await[0]["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut body = booking(&desk_id, &start, "anna@example.org");
    body["mode"] = json!("video");
    let (status, b) = book(app, None, &body).await;
    assert_eq!(status, 201, "{b}");
    let code = b["code"].as_str().unwrap().to_owned();
    assert!(
        b["join_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/videochiamata/{code}"))
    );
    let reference = b["reference"].as_str().unwrap().to_owned();
    let id: String = app
        .state
        .db
        .read(|c| {
            use api::db::schema::bookings;
            bookings::table
                .filter(bookings::reference.eq(&reference))
                .select(bookings::id)
                .first(c)
        })
        .unwrap();
    move_booking(app, &id, 5);
    (id, code)
}

/// Moves a booking to start `minutes` from now (30 minutes long).
fn move_booking(app: &TestApp, id: &str, minutes: i64) {
    use api::db::schema::bookings;
    let start = (chrono::Utc::now() + chrono::Duration::minutes(minutes)).naive_utc();
    let id = id.to_owned();
    app.state
        .db
        .write_tx(|c| {
            diesel::update(bookings::table.find(&id))
                .set((
                    bookings::starts_at.eq(start),
                    bookings::ends_at.eq(start + chrono::Duration::minutes(30)),
                ))
                .execute(c)
        })
        .unwrap();
}

db_test!(a_video_call_admits_only_after_the_conditions_and_relays_signals_between_its_parties);
async fn a_video_call_admits_only_after_the_conditions_and_relays_signals_between_its_parties(
    app: TestApp,
) {
    let d = setup(&app).await;
    let (booking_id, code) = video_booking(&app, &d).await;
    let (status, call_view) = call(
        &app,
        Method::GET,
        &format!("/public/video/{code}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{call_view}");
    assert_eq!(call_view["status"], "open");
    assert!(call_view["chat"].is_null());
    let (status, _) = call(
        &app,
        Method::GET,
        "/public/video/AAAAAAAAAAAAAAAAAAAAAAAAAAA",
        None,
        None,
    )
    .await;
    assert_eq!(status, 404);
    // No joining before accepting the conditions.
    let (status, p) = call(
        &app,
        Method::POST,
        &format!("/public/video/{code}/join"),
        None,
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 409, "{p}");
    let (status, p) = call(
        &app,
        Method::POST,
        &format!("/public/video/{code}/conditions"),
        None,
        Some(&json!({"accept": false})),
    )
    .await;
    assert_eq!(
        (status, p["errors"][0]["field"].as_str()),
        (422, Some("accept"))
    );
    let (status, v) = call(
        &app,
        Method::POST,
        &format!("/public/video/{code}/conditions"),
        None,
        Some(&json!({"accept": true})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["conditions_accepted_at"].is_string());
    assert!(v["chat"]["id"].is_string());

    // The operator's agenda hears the citizen waiting.
    let mut op = Live::signed_in(&app, &d.op).await;
    let (status, j) = call(
        &app,
        Method::POST,
        &format!("/public/video/{code}/join"),
        None,
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["call"]["status"], "waiting");
    let waiting = op.next("call.updated").await;
    assert_eq!(waiting["data"]["status"], "waiting");
    let mut caller = Live::open(&app, j["ticket"]["url"].as_str().unwrap()).await;
    // Signals before admission are refused.
    caller
        .send(&json!({"type": "signal", "booking_id": booking_id, "signal": {"sdp": "x"}}))
        .await;
    caller.next("error").await;
    // Another office's operator cannot see or admit the call.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/bookings/{booking_id}/call"),
        Some(&d.other_op),
        Some(&json!({"action": "admit"})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/bookings/{booking_id}/call/join"),
        Some(&d.op),
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, v) = call(
        &app,
        Method::POST,
        &format!("/bookings/{booking_id}/call"),
        Some(&d.op),
        Some(&json!({"action": "admit"})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "in_call");
    caller
        .next_where("call.updated", |e| e["data"]["status"] == "in_call")
        .await;
    // Offer from the operator, answer from the citizen: each reaches only the other.
    let mut other = Live::signed_in(&app, &d.other_op).await;
    op.send(&json!({"type": "signal", "booking_id": booking_id, "signal": {"sdp": {"type": "offer", "sdp": "v=0"}}})).await;
    let offer = caller.next("call.signal").await;
    assert_eq!(offer["data"]["from"], "staff");
    assert_eq!(offer["data"]["signal"]["sdp"]["type"], "offer");
    caller.send(&json!({"type": "signal", "booking_id": booking_id, "signal": {"sdp": {"type": "answer", "sdp": "v=0"}}})).await;
    let answer = op.next("call.signal").await;
    assert_eq!(answer["data"]["from"], "citizen");
    // A large SDP crosses too (stored when the bus cannot carry it).
    let big = "a=candidate:x\r\n".repeat(600);
    op.send(&json!({"type": "signal", "booking_id": booking_id, "signal": {"sdp": {"type": "offer", "sdp": big}}})).await;
    let got = caller.next("call.signal").await;
    assert_eq!(
        got["data"]["signal"]["sdp"]["sdp"].as_str().unwrap().len(),
        big.len()
    );
    // Someone who did not admit cannot signal into the call, nor hears it.
    other
        .send(&json!({"type": "signal", "booking_id": booking_id, "signal": {"sdp": "x"}}))
        .await;
    other.next("error").await;
    other.none("call.signal", Duration::from_millis(300)).await;

    // The chat beside the video, both ways, and a document the operator files.
    let form = reqwest::multipart::Form::new()
        .text("data", json!({"body": "Le mando il documento"}).to_string())
        .part(
            "files",
            reqwest::multipart::Part::bytes(PDF.to_vec())
                .file_name("documento.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let res = app
        .client
        .post(app.url(&format!("/public/video/{code}/messages")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let sent: Value = res.json().await.unwrap();
    op.next_where("chat.message", |e| e["data"]["id"] == sent["id"])
        .await;
    let chat_id = v["chat"]["id"].as_str().unwrap();
    say(&app, &d.op, chat_id, "Ricevuto, grazie").await;
    caller.next("chat.message").await;
    let (_, req) = call(&app, Method::POST, "/requests", Some(&d.citizen), Some(&json!({"type": "tari_reclamo", "subject": "Avviso", "description": "Avviso errato", "fields": {"servizio": "raccolta", "codice_utenza": "UT-00042"}}))).await;
    let request_id = req["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{req}"))
        .to_owned();
    let (status, v) = call(
        &app,
        Method::POST,
        &format!("/bookings/{booking_id}/call"),
        Some(&d.op),
        Some(&json!({"action": "link", "citizen_id": d.citizen_id, "request_id": request_id})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = call(
        &app,
        Method::POST,
        &format!("/bookings/{booking_id}/call"),
        Some(&d.op),
        Some(&json!({"action": "attach", "attachment_id": sent["attachments"][0]["id"]})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = call(
        &app,
        Method::POST,
        &format!("/bookings/{booking_id}/call"),
        Some(&d.op),
        Some(&json!({"action": "end"})),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "ended");
    assert!(v["duration_seconds"].as_i64().is_some());
    caller
        .next_where("call.updated", |e| e["data"]["status"] == "ended")
        .await;
    let (_, thread) = call(
        &app,
        Method::GET,
        &format!("/requests/{request_id}/messages"),
        Some(&d.op),
        None,
    )
    .await;
    let items = thread["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|m| m["body"].as_str().unwrap().starts_with("Videochiamata con")),
        "{thread}"
    );
    assert!(
        items
            .iter()
            .any(|m| m["attachments"][0]["filename"] == "documento.pdf"),
        "{thread}"
    );
    // After the end, no joining again.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/public/video/{code}/join"),
        None,
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 409);
}

db_test!(a_call_opens_ten_minutes_before_and_turn_credentials_follow_the_secret);
async fn a_call_opens_ten_minutes_before_and_turn_credentials_follow_the_secret(app: TestApp) {
    let d = setup(&app).await;
    let (booking_id, code) = video_booking(&app, &d).await;
    move_booking(&app, &booking_id, 60);
    let (_, v) = call(
        &app,
        Method::POST,
        &format!("/public/video/{code}/conditions"),
        None,
        Some(&json!({"accept": true})),
    )
    .await;
    assert_eq!(v["status"], "not_yet");
    let (status, p) = call(
        &app,
        Method::POST,
        &format!("/public/video/{code}/join"),
        None,
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 409, "{p}");
    move_booking(&app, &booking_id, 9);

    // Settings: bad input, then a TURN server with its secret and relay only.
    let put = |body: Value| {
        let app = &app;
        let admin = d.admin.clone();
        async move {
            call(
                app,
                Method::PUT,
                "/settings/video",
                Some(&admin),
                Some(&body),
            )
            .await
        }
    };
    let (status, p) = put(json!({"stun_urls": ["http://x"]})).await;
    assert_eq!(
        (status, p["errors"][0]["field"].as_str()),
        (422, Some("stun_urls"))
    );
    let (status, p) = put(json!({"turn_urls": ["turn:127.0.0.1:3478"]})).await;
    assert_eq!(
        (status, p["errors"][0]["field"].as_str()),
        (422, Some("turn_secret"))
    );
    let (status, p) = put(json!({"relay_only": true})).await;
    assert_eq!(
        (status, p["errors"][0]["field"].as_str()),
        (422, Some("relay_only"))
    );
    let (status, _) = call(
        &app,
        Method::PUT,
        "/settings/video",
        Some(&d.op),
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 403);
    let secret = "a-long-shared-turn-secret";
    let (status, v) = put(json!({"stun_urls": ["stun:127.0.0.1:3478"], "turn_urls": ["turn:127.0.0.1:3478"], "turn_secret": secret, "relay_only": true})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["turn_secret_set"], true);
    assert!(v.get("turn_secret").is_none());

    let (status, j) = call(
        &app,
        Method::POST,
        &format!("/public/video/{code}/join"),
        None,
        Some(&json!({})),
    )
    .await;
    assert_eq!(status, 200, "{j}");
    assert_eq!(j["ice_transport_policy"], "relay");
    let turn = j["ice_servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["urls"][0] == "turn:127.0.0.1:3478")
        .unwrap();
    let username = turn["username"].as_str().unwrap();
    let (expiry, party) = username.split_once(':').unwrap();
    assert_eq!(party, format!("caller-{booking_id}"));
    let expiry: i64 = expiry.parse().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(expiry > now && expiry <= now + domain::chat::TURN_CREDENTIAL_SECONDS + 5);
    // coturn's check: base64(HMAC-SHA1(secret, username)).
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD
        .encode(ring::hmac::sign(&key, username.as_bytes()).as_ref());
    assert_eq!(turn["credential"], expected.as_str());
    // The secret is sealed at rest.
    let stored: Option<String> = app
        .state
        .db
        .read(|c| {
            use api::db::schema::video_settings;
            video_settings::table
                .select(video_settings::turn_secret)
                .first(c)
        })
        .unwrap();
    assert!(!stored.unwrap().contains(secret));
}
