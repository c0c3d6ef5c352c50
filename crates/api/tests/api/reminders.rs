//! Payment messages about notices against real servers: the SMTP sink started by
//! `scripts/test.sh` for e-mail, a local HTTP recorder for the SMS gateway and App IO.
//! The clock is passed to the reminder pass; deliveries go out through the outbox worker.
//! Plus a real `sportello` killed with SIGKILL while it sends reminders.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use api::db::repo::reminders::ReminderRow;
use api::services::pagopa::reminders::{self, Pass};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use domain::pagopa::NoticeNumber;
use domain::pagopa::reminders::{ReminderKind, ReminderStatus, SkipReason};
use serde_json::{Value, json};

use crate::account::{act_body, contribuente, created};
use crate::helpers::*;
use crate::mail_servers::{Recorder, Servers, eventually, header, mails_to, tag, text};
use crate::pagopa::{CREDITOR, admin, configure};

macro_rules! reminder_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let Some(s) = crate::mail_servers::servers() else {
                    return;
                };
                let app = super::spawn(crate::helpers::Backend::Sqlite, &s)
                    .await
                    .expect("sqlite");
                super::$name(app, s).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(s) = crate::mail_servers::servers() else {
                    return;
                };
                if let Some(app) = super::spawn(crate::helpers::Backend::Postgres, &s).await {
                    super::$name(app, s).await;
                }
            }
        }
    };
}

fn tweak(c: &mut api::config::Config, s: &Servers) {
    c.retry_base_seconds = 1;
    c.public_url = Some("https://portale.comune.test".into());
    c.smtp_url = Some(format!("smtp://127.0.0.1:{}", s.smtp_port));
    c.mail_from = Some("tributi@comune.test".into());
    // The recorder listens on loopback, without TLS.
    c.allow_loopback_integrations = true;
}

async fn spawn(backend: Backend, s: &Servers) -> Option<TestApp> {
    let s = s.clone();
    spawn_with(backend, move |c| tweak(c, &s)).await
}

fn today() -> NaiveDate {
    domain::calendar::rome_date(Utc::now())
}

/// `hh:mm` in Rome on `date`.
fn rome(date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    domain::agenda::rome_to_utc(date.and_hms_opt(h, m, 0).unwrap()).unwrap()
}

async fn run(app: &TestApp, now: DateTime<Utc>) -> Pass {
    reminders::run_once(&app.state, now)
        .await
        .expect("reminder pass")
}

async fn outbox(app: &TestApp) {
    api::mail::worker::run_outbox_once(&app.state)
        .await
        .expect("outbox pass");
}

fn rows(app: &TestApp, nav: &str) -> Vec<ReminderRow> {
    use api::db::schema::payment_reminders as r;
    let nav = nav.to_owned();
    app.state
        .db
        .read(|c| {
            r::table
                .filter(r::nav.eq(nav))
                .select(ReminderRow::as_select())
                .load(c)
        })
        .unwrap()
}

fn row<'a>(
    all: &'a [ReminderRow],
    kind: ReminderKind,
    days: i32,
    channel: &str,
) -> &'a ReminderRow {
    all.iter()
        .find(|r| r.kind == kind && r.days == days && r.channel.code() == channel)
        .unwrap_or_else(|| panic!("no {kind} {days} {channel} in {all:?}"))
}

/// A tenant with pagoPA, an SMS gateway and App IO on the recorder, and a citizen who
/// chose every channel and owns a contribuente.
struct Env {
    admin: String,
    citizen: String,
    mail: String,
    cid: String,
    recorder: Recorder,
}

async fn env(app: &TestApp) -> Env {
    let admin = admin(app).await;
    configure(app, &admin, json!({})).await;
    let recorder = Recorder::start();
    let res = app
        .put_json(
            "/notification-channels",
            Some(&admin),
            &json!({
                "sms_url": format!("{}/sms/send", recorder.base), "sms_token": "sms-secret",
                "sms_sender": "Comune", "io_url": format!("{}/api/v1", recorder.base),
                "io_api_key": "io-secret"
            }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let cid = contribuente(app, &admin, CF_A, "Anna", "Bianchi").await;
    let mail = format!("anna.{}@example.it", tag());
    let (_, citizen) = app.citizen(CF_A, &mail, &admin).await;
    let res = app
        .put_json(
            "/me/preferences",
            Some(&citizen),
            &json!({"email": true, "sms": true, "app_io": true, "lang": "it"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    Env {
        admin,
        citizen,
        mail,
        cid,
        recorder,
    }
}

/// A one-instalment act due on `due`; returns its notice number.
async fn act(app: &TestApp, e: &Env, number: &str, due: NaiveDate, cents: i64) -> String {
    let id = created(
        app.post_json(
            "/acts",
            Some(&e.admin),
            &act_body(&e.cid, number, today() - Duration::days(5), &[(due, cents)]),
        )
        .await,
        "act",
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let list: Value = app
        .get(&format!("/acts/{id}/notices"), Some(&e.admin))
        .await
        .json()
        .await
        .unwrap();
    list["items"][0]["nav"].as_str().unwrap().to_owned()
}

fn calls(e: &Env, path: &str) -> Vec<Value> {
    e.recorder
        .all()
        .into_iter()
        .filter(|r| r.path == path)
        .map(|r| r.body)
        .collect()
}

/// The reminders the citizen received by e-mail (not the mails about the registration).
fn reminder_mails(s: &Servers, e: &Env) -> Vec<String> {
    mails_to(s, &e.mail)
        .into_iter()
        .filter(|m| {
            header(m, "Subject")
                .is_some_and(|h| h.contains("rata in scadenza") || h.contains("rata scaduta"))
        })
        .collect()
}

/// The PDF attachments of a mail.
fn pdfs(mail: &str) -> Vec<(String, Vec<u8>)> {
    use mail_parser::MimeHeaders;
    let m = mail_parser::MessageParser::default()
        .parse(mail.as_bytes())
        .unwrap();
    m.attachments()
        .map(|a| {
            (
                a.attachment_name().unwrap_or_default().to_owned(),
                a.contents().to_vec(),
            )
        })
        .collect()
}

reminder_test!(reminders_go_once_per_channel_at_their_times);
async fn reminders_go_once_per_channel_at_their_times(app: TestApp, s: Servers) {
    let e = env(&app).await;
    let due = today() + Duration::days(30);
    let nav = act(&app, &e, "R/1", due, 12_000).await;
    let planned = rows(&app, &nav);
    // The App IO notice, and 7 and 1 days before and the day after on each channel.
    assert_eq!(planned.len(), 10, "{planned:?}");
    assert!(planned.iter().all(|r| r.status == ReminderStatus::Planned));

    // Issued: the App IO message with payment_data goes at once.
    let p = run(&app, Utc::now()).await;
    assert_eq!((p.queued, p.skipped, p.postponed), (1, 0, 0), "{p:?}");
    outbox(&app).await;
    let io = calls(&e, "/api/v1/messages");
    assert_eq!(io.len(), 1, "{io:?}");
    let content = &io[0]["content"];
    assert_eq!(io[0]["fiscal_code"], CF_A);
    assert_eq!(content["payment_data"]["notice_number"], nav.as_str());
    assert_eq!(content["payment_data"]["amount"], 12_000);
    assert_eq!(content["payment_data"]["payee"]["fiscal_code"], CREDITOR);
    assert_eq!(content["payment_data"]["invalid_after_due_date"], false);
    assert_eq!(content["due_date"], format!("{due}T00:00:00.000Z"));
    let subject = content["subject"].as_str().unwrap();
    let markdown = content["markdown"].as_str().unwrap();
    assert!((10..=120).contains(&subject.chars().count()), "{subject}");
    assert!(
        (80..=10_000).contains(&markdown.chars().count()),
        "{markdown}"
    );
    let number = regex_like_notice(content["payment_data"]["notice_number"].as_str().unwrap());
    assert!(number, "notice_number must match ^[0123]\\d{{17}}$");

    // Seven days before, at 10:00: on two nodes at once, then again: once per channel.
    let node = {
        let s = s.clone();
        // Nodes of one installation share the file store.
        let files = app.state.config.files_dir.clone();
        spawn_node(&app, move |c| {
            tweak(c, &s);
            c.files_dir = files;
        })
        .await
    };
    let at7 = rome(due - Duration::days(7), 10, 0);
    // PostgreSQL: both nodes at once. SQLite is one node's database (one writer): the
    // second state takes its turn.
    let (a, b) = if app.database_url.starts_with("postgres") {
        tokio::join!(run(&app, at7), run(&node, at7))
    } else {
        let a = run(&app, at7).await;
        (a, run(&node, at7).await)
    };
    let again = run(&app, at7).await;
    assert_eq!(a.queued + b.queued, 3, "{a:?} {b:?}");
    assert_eq!(again, Pass::default());
    outbox(&app).await;
    outbox(&node).await;
    let mail = eventually(10, "the 7-day reminder", || {
        reminder_mails(&s, &e).into_iter().next()
    })
    .await;
    let printed = domain::calendar::italian_date(due);
    assert!(
        header(&mail, "Subject")
            .unwrap()
            .contains("rata in scadenza il"),
        "{mail}"
    );
    let body = text(&mail);
    assert!(
        body.contains("scade tra 7 giorni") && body.contains(&printed),
        "{body}"
    );
    let attached = pdfs(&mail);
    assert_eq!(attached.len(), 1, "the notice PDF is attached");
    assert_eq!(attached[0].0, format!("avviso-pagopa-{nav}.pdf"));
    assert!(attached[0].1.starts_with(b"%PDF"), "a PDF");
    let sms = calls(&e, "/sms/send");
    assert_eq!(sms.len(), 1);
    let printed_nav = NoticeNumber::parse(&nav).unwrap().printed();
    let sms_text = sms[0]["text"].as_str().unwrap();
    assert!(
        sms_text.contains(&printed_nav)
            && sms_text.contains("120,00 EUR")
            && sms_text.contains(&printed),
        "{sms_text}"
    );
    assert!(sms_text.chars().count() <= 160);
    assert_eq!(calls(&e, "/api/v1/messages").len(), 2);

    // One day before at 22:00 in Rome: e-mail and App IO go, the SMS waits for 08:00.
    let at1 = rome(due - Duration::days(1), 22, 0);
    let p = run(&app, at1).await;
    assert_eq!((p.queued, p.postponed), (2, 1), "{p:?}");
    let held = rows(&app, &nav);
    let sms_row = row(&held, ReminderKind::Before, 1, "sms");
    assert_eq!(sms_row.status, ReminderStatus::Planned);
    assert_eq!(sms_row.send_at, rome(due, 8, 0).naive_utc());
    assert_eq!(run(&app, rome(due, 7, 59)).await, Pass::default());
    outbox(&app).await;
    assert_eq!(calls(&e, "/sms/send").len(), 1, "no SMS in the night");
    let p = run(&app, rome(due, 8, 0)).await;
    assert_eq!(p.queued, 1);
    outbox(&app).await;
    assert_eq!(calls(&e, "/sms/send").len(), 2);

    // The day after the due date, unpaid: once more on each channel, and only once.
    let after = rome(due + Duration::days(1), 10, 0);
    assert_eq!(run(&app, after).await.queued, 3);
    assert_eq!(run(&node, after).await, Pass::default());
    assert_eq!(run(&app, after + Duration::days(3)).await, Pass::default());
    outbox(&app).await;
    let mails = eventually(10, "three reminders", || {
        let m = reminder_mails(&s, &e);
        (m.len() >= 3).then_some(m)
    })
    .await;
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    assert_eq!(reminder_mails(&s, &e).len(), 3, "one e-mail per reminder");
    assert!(
        mails
            .iter()
            .any(|m| text(m).contains(&format!("è scaduta il {printed}")))
    );
    assert_eq!(calls(&e, "/sms/send").len(), 3);
    assert_eq!(calls(&e, "/api/v1/messages").len(), 4);
    let done = rows(&app, &nav);
    assert!(
        done.iter().all(|r| r.status == ReminderStatus::Queued),
        "{done:?}"
    );
    let ids: BTreeSet<&str> = done
        .iter()
        .filter_map(|r| r.delivery_id.as_deref())
        .collect();
    assert_eq!(ids.len(), 10, "one delivery per message");
}

/// `^[0123]\d{17}$`, App IO's rule for notice numbers.
fn regex_like_notice(s: &str) -> bool {
    s.len() == 18 && s.bytes().all(|b| b.is_ascii_digit()) && matches!(s.as_bytes()[0], b'0'..=b'3')
}

fn tenant_of(app: &TestApp, nav: &str) -> (String, String) {
    use api::db::schema::payment_notices as n;
    let nav = nav.to_owned();
    app.state
        .db
        .read(|c| {
            n::table
                .filter(n::nav.eq(nav))
                .select((n::tenant_id, n::iuv))
                .first(c)
        })
        .unwrap()
}

fn receipt_notices(app: &TestApp) -> usize {
    use api::db::schema::outbox;
    app.state
        .db
        .read(|c| {
            outbox::table
                .filter(outbox::notice.like("%payment_received%"))
                .count()
                .get_result::<i64>(c)
        })
        .unwrap() as usize
}

reminder_test!(paid_and_opted_out_are_skipped_and_a_receipt_says_pagato_once);
async fn paid_and_opted_out_are_skipped_and_a_receipt_says_pagato_once(app: TestApp, s: Servers) {
    let e = env(&app).await;
    let due = today() + Duration::days(20);
    let paid = act(&app, &e, "R/2", due, 10_000).await;
    let open = act(&app, &e, "R/3", due, 12_000).await;

    // No SMS reminders, please.
    let res = app.get("/me/reminder-preferences", Some(&e.citizen)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"email": true, "sms": true, "app_io": true})
    );
    let res = app
        .put_json(
            "/me/reminder-preferences",
            Some(&e.citizen),
            &json!({"email": true, "sms": false, "app_io": true}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app.get("/me/reminder-preferences", Some(&e.citizen)).await;
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"email": true, "sms": false, "app_io": true})
    );

    // The first is paid through pagoPA: the receipt is applied once, the citizen told once.
    let (tenant, iuv) = tenant_of(&app, &paid);
    let st = app.state.clone();
    let apply = move || {
        api::services::pagopa::gpd::apply_receipt(
            &st,
            &tenant,
            &iuv,
            "RCPT-0001",
            Some("Banca Test"),
            Utc::now().naive_utc(),
            10_000,
        )
        .unwrap()
    };
    assert!(apply());
    assert!(!apply(), "the same receipt again changes nothing");
    assert_eq!(receipt_notices(&app), 1);
    outbox(&app).await;
    outbox(&app).await;
    let mail = eventually(10, "the pagato e-mail", || {
        mails_to(&s, &e.mail)
            .into_iter()
            .find(|m| header(m, "Subject").is_some_and(|h| h.contains("pagata")))
    })
    .await;
    let body = text(&mail);
    assert!(body.contains("risulta pagata"), "{body}");
    assert!(
        body.contains("https://portale.comune.test/area-personale/posizione"),
        "{body}"
    );
    tokio::time::sleep(StdDuration::from_millis(300)).await;
    assert_eq!(
        mails_to(&s, &e.mail)
            .iter()
            .filter(|m| header(m, "Subject").is_some_and(|h| h.contains("pagata")))
            .count(),
        1
    );

    // Seven days before: nothing for the paid one; the other by e-mail and App IO only
    // (its App IO notice went too: it was issued unpaid).
    let p = run(&app, rome(due - Duration::days(7), 10, 0)).await;
    assert_eq!((p.queued, p.skipped, p.postponed), (3, 5, 0), "{p:?}");
    let r = rows(&app, &paid);
    for ch in ["email", "sms", "app_io"] {
        let x = row(&r, ReminderKind::Before, 7, ch);
        assert_eq!(
            (x.status, x.skip_reason),
            (ReminderStatus::Skipped, Some(SkipReason::Paid)),
            "{ch}"
        );
    }
    assert_eq!(
        row(&r, ReminderKind::Issued, 0, "app_io").skip_reason,
        Some(SkipReason::Paid)
    );
    let r = rows(&app, &open);
    assert_eq!(
        row(&r, ReminderKind::Before, 7, "email").status,
        ReminderStatus::Queued
    );
    assert_eq!(
        row(&r, ReminderKind::Before, 7, "app_io").status,
        ReminderStatus::Queued
    );
    let sms = row(&r, ReminderKind::Before, 7, "sms");
    assert_eq!(
        (sms.status, sms.skip_reason),
        (ReminderStatus::Skipped, Some(SkipReason::OptedOut))
    );
    outbox(&app).await;
    let io = calls(&e, "/api/v1/messages");
    let about = |nav: &str| {
        io.iter()
            .filter(|b| b["content"]["payment_data"]["notice_number"] == nav)
            .count()
    };
    assert_eq!(about(&open), 2, "issued and 7 days before: {io:?}");
    assert_eq!(about(&paid), 0, "nothing asks to pay the paid one");
    let sms = calls(&e, "/sms/send");
    assert!(
        sms.iter()
            .all(|b| !b["text"].as_str().unwrap().contains("scadenza")),
        "{sms:?}"
    );
    assert_eq!(
        reminder_mails(&s, &e).len(),
        1,
        "one e-mail reminder, for the open one"
    );
    // The office sees what became of each message.
    let seen: Value = app
        .get(&format!("/notices/{paid}/reminders"), Some(&e.admin))
        .await
        .json()
        .await
        .unwrap();
    let items = seen["items"].as_array().unwrap();
    assert_eq!(items.len(), 10, "{seen}");
    let seven_sms = items
        .iter()
        .find(|i| i["kind"] == "before" && i["days"] == 7 && i["channel"] == "sms")
        .unwrap();
    assert_eq!(seven_sms["status"], "skipped");
    assert_eq!(seven_sms["skip_reason"], "paid");
}

// ---- a real process killed while it sends ----------------------------------------------

struct Server {
    child: Option<Child>,
    port: u16,
    env: Vec<(String, String)>,
}

impl Server {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sportello"));
        c.args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        c
    }

    fn start(&mut self, workers: bool) {
        let child = self
            .command(&["serve", "--bind", &format!("127.0.0.1:{}", self.port)])
            .env("SPORTELLO_BACKGROUND_WORKERS", workers.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sportello");
        self.child = Some(child);
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix.
            let _ = c.wait();
        }
    }

    async fn wait_ready(&self, client: &reqwest::Client) {
        for _ in 0..300 {
            if let Ok(r) = client
                .get(format!("http://127.0.0.1:{}/health/ready", self.port))
                .send()
                .await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        panic!("server did not come back");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

const ACTS: usize = 24;
const KILLS: usize = 4;

async fn kill_while_sending(database_url: String, s: Servers) {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Server {
        child: None,
        port,
        env: vec![
            ("DATABASE_URL".into(), database_url),
            (
                "SPORTELLO_FILES_DIR".into(),
                dir.path().join("files").display().to_string(),
            ),
            (
                "SPORTELLO_WEB_DIR".into(),
                dir.path().join("web").display().to_string(),
            ),
            ("SPORTELLO_RATE_LIMIT_PER_MINUTE".into(), "1000000".into()),
            ("SPORTELLO_LOG".into(), "error".into()),
            ("SPORTELLO_WORKERS".into(), "2".into()),
            ("SPORTELLO_WORKER_INTERVAL_MS".into(), "50".into()),
            ("SPORTELLO_RETRY_BASE_SECONDS".into(), "1".into()),
            // What a killed node held is retried soon (with the same Message-ID).
            ("SPORTELLO_DELIVERY_LEASE_SECONDS".into(), "2".into()),
            (
                "SPORTELLO_SMTP_URL".into(),
                format!("smtp://127.0.0.1:{}", s.smtp_port),
            ),
            ("SPORTELLO_MAIL_FROM".into(), "tributi@comune.test".into()),
            (
                "SPORTELLO_SECRET_KEY".into(),
                api::secret_key::SecretKey::generate().to_text(),
            ),
        ],
    };
    assert!(
        server
            .command(&["seed-demo"])
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success()
    );
    // Set up without the workers: the reminders are planned, nothing is sent yet.
    server.start(false);
    let client = reqwest::Client::builder()
        .timeout(StdDuration::from_secs(20))
        .build()
        .unwrap();
    server.wait_ready(&client).await;
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let login = |user: &'static str| {
        let (client, base) = (client.clone(), base.clone());
        async move {
            let res = client
                .post(format!("{base}/auth/login"))
                .json(&json!({"username": user, "password": api::seed::DEMO_PASSWORD}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()["access_token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let admin = login("admin@comune.esempio.it").await;
    let res = client
        .put(format!("{base}/settings"))
        .bearer_auth(&admin)
        .json(&crate::pagopa::settings_body(
            json!({"gpd_url": "", "gpd_subscription_key": "", "checkout_url": ""}),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    // Mario Rossi, the demo citizen, is a contribuente of the demo Comune.
    let found: Value = client
        .get(format!("{base}/contribuenti?q=RSSMRA80A01H501U"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cid = if let Some(id) = found["items"][0]["id"].as_str() {
        id.to_owned()
    } else {
        let res = client
            .post(format!("{base}/contribuenti"))
            .bearer_auth(&admin)
            .json(&json!({"fiscal_code": "RSSMRA80A01H501U", "first_name": "Mario", "last_name": "Rossi"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // Each act's instalment is due in 2–6 days: its 7-day reminder is due now, the 1-day
    // one not yet, whatever the hour.
    let run_tag = tag();
    for k in 0..ACTS {
        let due = today() + Duration::days(2 + (k % 5) as i64);
        let res = client
            .post(format!("{base}/acts"))
            .bearer_auth(&admin)
            .json(&act_body(
                &cid,
                &format!("K{run_tag}-{k}"),
                today() - Duration::days(5),
                &[(due, 1_000 + k as i64)],
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    }
    server.kill();

    // Now send, killing the process a few times on the way.
    let mine = |s: &Servers| -> Vec<(usize, String)> {
        mails_to(s, "mario.rossi@example.it")
            .into_iter()
            .filter_map(|m| {
                let subject = header(&m, "Subject")?;
                let k = subject
                    .split(&format!("K{run_tag}-"))
                    .nth(1)?
                    .split(':')
                    .next()?
                    .trim()
                    .parse()
                    .ok()?;
                Some((k, header(&m, "Message-ID")?))
            })
            .collect()
    };
    let mut rng = u64::from(port) * 2_654_435_761;
    let mut killed_mid_way = 0;
    for _ in 0..KILLS {
        server.start(true);
        server.wait_ready(&client).await;
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        tokio::time::sleep(StdDuration::from_millis(150 + rng % 500)).await;
        let before = mine(&s).len();
        server.kill();
        if before < ACTS {
            killed_mid_way += 1;
        }
    }
    server.start(true);
    server.wait_ready(&client).await;
    let got = eventually(90, "every reminder", || {
        let m = mine(&s);
        let acts: BTreeSet<usize> = m.iter().map(|(k, _)| *k).collect();
        (acts.len() == ACTS).then_some(m)
    })
    .await;
    // Past the lease of anything a killed process held, nothing more arrives.
    tokio::time::sleep(StdDuration::from_secs(4)).await;
    let got_after = mine(&s);
    server.kill();
    let mut ids: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for (k, id) in &got_after {
        ids.entry(*k).or_default().insert(id.clone());
    }
    assert_eq!(ids.len(), ACTS);
    for (k, set) in &ids {
        assert_eq!(set.len(), 1, "act {k}: reminder sent as {set:?}");
    }
    let copies = got_after.len();
    eprintln!(
        "kill -9 reminders: {ACTS} reminders, {copies} mails at the sink ({} before the last wait), \
         {killed_mid_way} of {KILLS} kills while sending",
        got.len()
    );
    assert!(
        killed_mid_way >= 1,
        "no kill landed while reminders were being sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_sending_reminders_sqlite() {
    let Some(s) = crate::mail_servers::servers() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    kill_while_sending(
        format!("sqlite://{}", dir.path().join("remind.db").display()),
        s,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_sending_reminders_postgres() {
    let Some(s) = crate::mail_servers::servers() else {
        return;
    };
    let Some(db) = PgDatabase::create() else {
        return;
    };
    kill_while_sending(db.url.clone(), s).await;
}

db_test!(new_reminder_days_are_planned_and_dropped_ones_skipped);
async fn new_reminder_days_are_planned_and_dropped_ones_skipped(app: TestApp) {
    let admin = admin(&app).await;
    configure(&app, &admin, json!({})).await;
    let cid = contribuente(&app, &admin, CF_A, "Anna", "Bianchi").await;
    app.citizen(CF_A, "anna.giorni@example.it", &admin).await;
    let e = Env {
        admin: admin.clone(),
        citizen: String::new(),
        mail: String::new(),
        cid,
        recorder: Recorder::start(),
    };
    let due = today() + Duration::days(30);
    let nav = act(&app, &e, "G/1", due, 5_000).await;
    // The tenant now reminds 3 days before instead of 7 and 1.
    configure(&app, &admin, json!({"reminder_days": [3]})).await;
    let r = rows(&app, &nav);
    assert!(
        r.iter()
            .any(|x| x.kind == ReminderKind::Before && x.days == 3),
        "planned for the open notice: {r:?}"
    );
    // Seven days before: the old reminder is no longer the tenant's.
    run(&app, rome(due - Duration::days(7), 10, 0)).await;
    let r = rows(&app, &nav);
    let seven = row(&r, ReminderKind::Before, 7, "email");
    assert_eq!(
        (seven.status, seven.skip_reason),
        (ReminderStatus::Skipped, Some(SkipReason::Dropped))
    );
    // Three days before: the e-mail is queued (SMS and App IO were not chosen).
    run(&app, rome(due - Duration::days(3), 10, 0)).await;
    let r = rows(&app, &nav);
    assert_eq!(
        row(&r, ReminderKind::Before, 3, "email").status,
        ReminderStatus::Queued
    );
    let sms = row(&r, ReminderKind::Before, 3, "sms");
    assert_eq!(sms.skip_reason, Some(SkipReason::OptedOut));
    // The one-day reminder is dropped too; the day after still goes.
    run(&app, rome(due + Duration::days(1), 10, 0)).await;
    let r = rows(&app, &nav);
    assert_eq!(
        row(&r, ReminderKind::Before, 1, "email").skip_reason,
        Some(SkipReason::Dropped)
    );
    assert_eq!(
        row(&r, ReminderKind::After, 1, "email").status,
        ReminderStatus::Queued
    );
}
