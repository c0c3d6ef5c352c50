//! Mail, PEC, SMS and App IO against real servers: Dovecot (IMAP) and an aiosmtpd sink
//! (SMTP) started by `scripts/test.sh`, and a local HTTP recorder for SMS and App IO.

use std::collections::HashMap;
use std::time::Duration;

use api::db::schema::{deliveries, mail_messages, mailboxes, requests};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::mail_servers::*;

/// Like `db_test!`, with fast retries and leases, and the mail servers required; a second
/// argument tweaks the configuration further.
macro_rules! mail_test {
    ($name:ident) => {
        mail_test!($name, |_: &mut api::config::Config| {});
    };
    ($name:ident, $tweak:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let Some(s) = crate::mail_servers::servers() else {
                    return;
                };
                let app = super::spawn(crate::helpers::Backend::Sqlite, $tweak)
                    .await
                    .expect("sqlite");
                super::$name(app, s).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(s) = crate::mail_servers::servers() else {
                    return;
                };
                if let Some(app) = super::spawn(crate::helpers::Backend::Postgres, $tweak).await {
                    super::$name(app, s).await;
                }
            }
        }
    };
}

async fn spawn(backend: Backend, tweak: impl FnOnce(&mut api::config::Config)) -> Option<TestApp> {
    spawn_with(backend, |c| {
        c.retry_base_seconds = 1;
        c.worker_interval_ms = 50;
        c.mail_poll_lease_seconds = 1;
        c.mail_poll_batch = 10;
        c.public_url = Some("https://sportello.comune.test".into());
        // The test servers listen on loopback, without TLS.
        c.allow_loopback_integrations = true;
        tweak(c);
    })
    .await
}

/// A tenant with an operator, an administrator and one mailbox on the test servers.
struct Env {
    op: String,
    admin: String,
    imap_user: String,
    mailbox_id: String,
    address: String,
    tag: String,
}

/// The authserv-id the test provider stamps on its `Authentication-Results` headers.
pub(crate) const AUTHSERV_ID: &str = "mx.comune.test";
/// The test PEC provider's CA, configured on PEC mailboxes.
const PEC_CA: &str = include_str!("../fixtures/pec/ca.pem");

async fn env(app: &TestApp, s: &Servers, kind: &str, smtp_port: u16) -> Env {
    app.staff("op@comune.test", "operator", &[]);
    app.staff("admin@comune.test", "admin", &[]);
    let op = app.token("op@comune.test").await;
    let admin = app.token("admin@comune.test").await;
    let tag = tag();
    let imap_user = format!("comune{tag}");
    let address = if kind == "pec" {
        "protocollo@pec.comune.test".to_owned()
    } else {
        "protocollo@comune.test".to_owned()
    };
    let res = app
        .post_json(
            "/mailboxes",
            Some(&admin),
            &json!({
                "name": "Protocollo", "kind": kind, "address": address,
                "imap_host": "127.0.0.1", "imap_port": s.imap_port, "imap_security": "plain",
                "imap_username": imap_user, "imap_password": s.imap_password,
                "smtp_host": "127.0.0.1", "smtp_port": smtp_port, "smtp_security": "plain",
                "outbound_default": true, "authserv_id": AUTHSERV_ID,
                "pec_certificates": (kind == "pec").then_some(PEC_CA)
            }),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let mailbox_id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Env {
        op,
        admin,
        imap_user,
        mailbox_id,
        address,
        tag,
    }
}

async fn outbox(app: &TestApp) -> (usize, usize) {
    api::mail::worker::run_outbox_once(&app.state)
        .await
        .expect("outbox pass")
}

async fn poll(app: &TestApp) -> usize {
    let (_tx, rx) = tokio::sync::watch::channel(false);
    api::mail::worker::poll_all_once(&app.state, &rx)
        .await
        .expect("poll pass")
}

fn raw(from: &str, to: &str, subject: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{}@mail.example.it>\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n{extra}\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        tag()
    )
    .into_bytes()
}

/// The provider's verdict on top of a mail: DMARC passed for the `From` domain.
fn authenticated(mail: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8(mail).unwrap();
    let from = text
        .lines()
        .find_map(|l| l.strip_prefix("From: "))
        .map(addr_of)
        .unwrap();
    let domain = from.rsplit_once('@').unwrap().1.to_owned();
    format!(
        "Authentication-Results: {AUTHSERV_ID};\r\n spf=pass smtp.mailfrom={domain};\r\n \
         dkim=pass header.d={domain}; dmarc=pass header.from={domain}\r\n{text}"
    )
    .into_bytes()
}

/// A mail whose sender the provider authenticated.
pub(crate) fn raw_ok(from: &str, to: &str, subject: &str, extra: &str, body: &str) -> Vec<u8> {
    authenticated(raw(from, to, subject, extra, body))
}

fn request_count(app: &TestApp) -> i64 {
    app.state
        .db
        .read(|c| requests::table.count().get_result::<i64>(c))
        .unwrap()
}

async fn messages(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let v: Value = app
        .get(&format!("/requests/{id}/messages"), Some(token))
        .await
        .json()
        .await
        .unwrap();
    v["items"].as_array().unwrap().clone()
}

/// The requests the queue finds for `q`, each read in full (lists give summaries: no
/// channel, contacts or the unverified-sender mark).
async fn list_requests(app: &TestApp, token: &str, q: &str) -> Vec<Value> {
    let v: Value = app
        .get(&format!("/requests?limit=200&q={q}"), Some(token))
        .await
        .json()
        .await
        .unwrap();
    let mut full = Vec::new();
    for item in v["items"].as_array().unwrap() {
        let id = item["id"].as_str().unwrap();
        let r: Value = app
            .get(&format!("/requests/{id}"), Some(token))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(r["protocol_number"], item["protocol_number"]);
        full.push(r);
    }
    full
}

/// The address inside `Name <addr>` or a bare address.
fn addr_of(v: &str) -> String {
    match (v.find('<'), v.rfind('>')) {
        (Some(a), Some(b)) if a < b => v[a + 1..b].to_owned(),
        _ => v.trim().to_owned(),
    }
}

fn reclamo() -> Value {
    json!({
        "type": "tari_reclamo",
        "subject": "Mancata raccolta dell'umido",
        "description": "Da due settimane l'umido non viene raccolto in via Roma.",
        "fields": {"servizio": "raccolta"}
    })
}

mail_test!(confirmation_reply_and_threading);
async fn confirmation_reply_and_threading(app: TestApp, s: Servers) {
    let e = env(&app, &s, "email", s.smtp_port).await;
    let anna_mail = format!("anna.{}@example.it", e.tag);
    let (_, anna) = app.citizen(CF_A, &anna_mail, &e.op).await;

    // Filing: the confirmation arrives with the protocol number and the due date.
    let res = app.post_json("/requests", Some(&anna), &reclamo()).await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let protocol = created["protocol_number"].as_str().unwrap().to_owned();
    let due = chrono::NaiveDate::parse_from_str(created["due_date"].as_str().unwrap(), "%Y-%m-%d")
        .unwrap();
    outbox(&app).await;
    let confirmation = eventually(10, "the confirmation", || {
        mails_to(&s, &anna_mail)
            .into_iter()
            .find(|m| header(m, "Subject").is_some_and(|s| s.contains("Richiesta ricevuta")))
    })
    .await;
    let subject = header(&confirmation, "Subject").unwrap();
    assert!(
        subject.contains(&format!("[Prot. {protocol}]")),
        "{subject}"
    );
    assert!(
        text(&confirmation).contains(&format!("Termine di risposta: {}", due.format("%d/%m/%Y"))),
        "{confirmation}"
    );
    assert_eq!(
        header(&confirmation, "Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    let reply_to = addr_of(&header(&confirmation, "Reply-To").expect("Reply-To"));
    assert!(
        reply_to.starts_with("protocollo+") && reply_to.ends_with("@comune.test"),
        "{reply_to}"
    );
    assert!(header(&confirmation, "Message-ID").is_some());

    // The operator asks for information, then replies by e-mail with an attachment.
    for body in [
        json!({"action": "take"}),
        json!({"action": "request_info", "note": "Ci invii una foto del cassonetto."}),
    ] {
        let res = app
            .post_json(&format!("/requests/{id}/transitions"), Some(&e.op), &body)
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
    let form = reqwest::multipart::Form::new()
        .part(
            "data",
            reqwest::multipart::Part::text(
                json!({"mode": "reply", "body": "Gentile signora, in allegato il calendario della raccolta."}).to_string(),
            )
            .mime_str("application/json")
            .unwrap(),
        )
        .part("files", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("calendario.pdf"));
    let res = app
        .client
        .post(app.url(&format!("/requests/{id}/mail")))
        .bearer_auth(&e.op)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
    let queued: Value = res.json().await.unwrap();
    let op_message_id = queued["mail_message_id"].as_str().unwrap().to_owned();
    outbox(&app).await;
    let reply = eventually(10, "the operator's reply", || {
        mails_to(&s, &anna_mail)
            .into_iter()
            .find(|m| m.contains(&format!("<{op_message_id}>")))
    })
    .await;
    assert!(
        text(&reply).contains("calendario della raccolta"),
        "{reply}"
    );
    assert!(text(&reply).contains("[attachment] calendario.pdf"));
    assert!(
        header(&reply, "Subject")
            .unwrap()
            .contains(&format!("[Prot. {protocol}]"))
    );
    assert!(
        header(&reply, "Auto-Submitted").is_none(),
        "a person's reply is not automatic"
    );
    assert!(
        header(&reply, "References")
            .is_some_and(|r| r.contains(&addr_of(&header(&confirmation, "Message-ID").unwrap())))
    );
    // The citizen was notified that information is needed, too.
    assert!(
        mails_to(&s, &anna_mail)
            .iter()
            .any(|m| text(m).contains("Ci invii una foto del cassonetto."))
    );

    // The citizen answers to the Reply-To address: the mail lands in the right thread and
    // resumes the request.
    let citizen_reply = raw_ok(
        &format!("Anna Bianchi <{anna_mail}>"),
        &reply_to,
        &format!("Re: {subject}"),
        &format!("In-Reply-To: <{op_message_id}>\r\nReferences: <{op_message_id}>\r\n"),
        "Ecco la foto richiesta del cassonetto.",
    );
    append(&s, &e.imap_user, &[(None, citizen_reply.clone())]).await;
    assert_eq!(poll(&app).await, 1);
    let msgs = messages(&app, &e.op, &id).await;
    let answer = msgs
        .iter()
        .find(|m| {
            m["body"]
                .as_str()
                .unwrap()
                .contains("Ecco la foto richiesta")
        })
        .expect("the citizen's mail is in the thread");
    assert_eq!(answer["author"]["role"], "citizen");
    assert_eq!(answer["internal"], false);
    let view: Value = app
        .get(&format!("/requests/{id}"), Some(&e.op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        view["status"], "in_progress",
        "the reply resumed the request"
    );
    // The citizen sees it in the portal too, and hears that the office resumed it (as when
    // answering from the portal): a second "taken in charge" after the one of `take`.
    assert!(
        messages(&app, &anna, &id)
            .await
            .iter()
            .any(|m| m["body"].as_str().unwrap().contains("Ecco la foto"))
    );
    outbox(&app).await;
    eventually(10, "the notice of the resumed request", || {
        (mails_to(&s, &anna_mail)
            .iter()
            .filter(|m| header(m, "Subject").is_some_and(|s| s.contains("presa in carico")))
            .count()
            >= 2)
            .then_some(())
    })
    .await;
    let transitions: Value = app
        .get(&format!("/requests/{id}/transitions"), Some(&e.op))
        .await
        .json()
        .await
        .unwrap();
    let resumed = transitions
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["action"] == "resume")
        .expect("the resume is in the history");
    assert_eq!(resumed["actor"]["role"], "system");
    let count_before = request_count(&app);

    // A stranger replying with the same subject gets a new request, never this thread.
    let stranger = format!("estraneo.{}@example.org", e.tag);
    append(
        &s,
        &e.imap_user,
        &[(
            None,
            raw_ok(
                &stranger,
                &e.address,
                &format!("Re: {subject}"),
                "",
                "Anche da me non passano.",
            ),
        )],
    )
    .await;
    // …even with the reply token and the Message-ID of the operator's reply.
    append(
        &s,
        &e.imap_user,
        &[(
            None,
            raw_ok(
                &stranger,
                &reply_to,
                &format!("Re: {subject}"),
                &format!("In-Reply-To: <{op_message_id}>\r\n"),
                "Scrivo nel filo di un altro.",
            ),
        )],
    )
    .await;
    assert_eq!(poll(&app).await, 2);
    assert_eq!(request_count(&app), count_before + 2);
    let msgs_after = messages(&app, &e.op, &id).await;
    assert_eq!(
        msgs_after.len(),
        msgs.len(),
        "nothing was added to Anna's request"
    );
    // Staff answering from their own mail client: an internal note, not a new request.
    append(
        &s,
        &e.imap_user,
        &[(
            None,
            raw_ok(
                "Operatore <op@comune.test>",
                &e.address,
                &format!("Re: {subject}"),
                &format!("In-Reply-To: <{op_message_id}>\r\n"),
                "Copia inviata dal mio client di posta.",
            ),
        )],
    )
    .await;
    assert_eq!(poll(&app).await, 1);
    assert_eq!(request_count(&app), count_before + 2);
    let notes = messages(&app, &e.op, &id).await;
    assert!(notes.iter().any(|m| {
        m["internal"] == true
            && m["body"]
                .as_str()
                .unwrap()
                .contains("Copia inviata dal mio client")
    }));
    assert!(
        !messages(&app, &anna, &id)
            .await
            .iter()
            .any(|m| m["body"].as_str().unwrap().contains("Copia inviata"))
    );
    let theirs = list_requests(&app, &e.op, &stranger).await;
    assert_eq!(theirs.len(), 2);
    for r in &theirs {
        assert_eq!(r["channel"], "email");
        assert_eq!(r["kind"], "altro");
        assert_eq!(r["citizen"]["name"], "Contribuente generico");
        assert_ne!(r["protocol_number"], protocol.as_str());
        assert_eq!(
            r["sender_unverified"], false,
            "the provider vouched for them"
        );
    }

    // The thread's mails: headers and the original .eml downloadable.
    let mails: Vec<Value> = app
        .get(&format!("/requests/{id}/mails"), Some(&e.op))
        .await
        .json()
        .await
        .unwrap();
    let inbound = mails
        .iter()
        .find(|m| m["direction"] == "in")
        .expect("inbound mail");
    assert_eq!(inbound["outcome"], "appended");
    let eml = app
        .client
        .get(format!(
            "{}{}",
            app.address,
            inbound["eml_url"].as_str().unwrap()
        ))
        .bearer_auth(&e.op)
        .send()
        .await
        .unwrap();
    assert_eq!(eml.status(), 200);
    assert_eq!(eml.headers()["content-type"], "message/rfc822");
    assert_eq!(
        eml.bytes().await.unwrap().as_ref(),
        citizen_reply.as_slice()
    );
    let headers = app
        .client
        .get(format!(
            "{}{}",
            app.address,
            inbound["headers_url"].as_str().unwrap()
        ))
        .bearer_auth(&e.op)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(headers.contains("In-Reply-To:"), "{headers}");
    assert!(
        mails
            .iter()
            .filter(|m| m["direction"] == "out" && m["outcome"] == "sent")
            .count()
            >= 2
    );
    // Citizens do not get the mail view.
    assert_eq!(
        app.get(&format!("/requests/{id}/mails"), Some(&anna))
            .await
            .status(),
        403
    );

    // The conversation as a PDF, downloaded and mailed.
    let pdf = app
        .get(&format!("/requests/{id}/export.pdf"), Some(&e.op))
        .await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&bytes).contains(&format!("Pratica prot. {protocol}")));
    let office = format!("ufficio.{}@comune.test", e.tag);
    let res = app
        .post_json(
            &format!("/requests/{id}/export/mail"),
            Some(&e.op),
            &json!({"to": [office]}),
        )
        .await;
    assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
    outbox(&app).await;
    let exported = eventually(10, "the PDF by mail", || {
        mails_to(&s, &office).into_iter().next()
    })
    .await;
    assert!(exported.contains("application/pdf"), "{exported}");
    assert!(text(&exported).contains(&format!(
        "[attachment] pratica-{}.pdf",
        protocol.replace('/', "-")
    )));
}

mail_test!(unknown_sender_and_known_citizen);
async fn unknown_sender_and_known_citizen(app: TestApp, s: Servers) {
    let e = env(&app, &s, "email", s.smtp_port).await;
    let bea_mail = format!("bea.{}@example.it", e.tag);
    let (bea_id, _) = app.citizen(CF_B, &bea_mail, &e.op).await;
    let unknown = format!("sconosciuto.{}@example.net", e.tag);
    let html = format!(
        "From: Mario Verdi <{unknown}>\r\nTo: {}\r\nSubject: Cassonetto rotto\r\nMessage-ID: <u1.{}@example.net>\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><style>p{{color:red}}</style></head><body><p>Il cassonetto &egrave; <b>rotto</b>.</p><script>alert(1)</script></body></html>\r\n\
--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../foto cassonetto.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b1--\r\n",
        e.address,
        e.tag,
        base64_encode(PDF)
    );
    append(
        &s,
        &e.imap_user,
        &[
            (
                Some("10-Nov-2026 09:30:00 +0100"),
                authenticated(html.into_bytes()),
            ),
            (
                None,
                raw_ok(
                    &format!("Bea <{bea_mail}>"),
                    &e.address,
                    "Variazione indirizzo",
                    "",
                    "Ho cambiato casa.",
                ),
            ),
        ],
    )
    .await;
    assert_eq!(poll(&app).await, 2);

    let theirs = list_requests(&app, &e.op, &unknown).await;
    assert_eq!(theirs.len(), 1);
    let r = &theirs[0];
    assert_eq!(r["channel"], "email");
    assert_eq!(r["kind"], "altro");
    assert_eq!(r["type"], "comunicazione");
    assert_eq!(r["status"], "received");
    assert_eq!(
        r["received_at"], "2026-11-10T08:30:00Z",
        "received_at is the arrival time"
    );
    assert_eq!(r["citizen"]["name"], "Contribuente generico");
    assert_eq!(
        r["citizen"]["email"],
        unknown.as_str(),
        "the sender address is kept"
    );
    assert!(r["protocol_number"].as_str().unwrap().contains('/'));
    let description = r["description"].as_str().unwrap();
    assert!(
        description.contains("Il cassonetto è rotto."),
        "{description}"
    );
    assert!(
        !description.contains("alert")
            && !description.contains('<')
            && !description.contains("color")
    );
    let id = r["id"].as_str().unwrap();
    let msgs = messages(&app, &e.op, id).await;
    let files = msgs[0]["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["filename"], "foto cassonetto.pdf");
    assert_eq!(files[0]["content_type"], "application/pdf");
    let got = app
        .client
        .get(format!(
            "{}{}",
            app.address,
            files[0]["url"].as_str().unwrap()
        ))
        .bearer_auth(&e.op)
        .send()
        .await
        .unwrap();
    assert_eq!(got.bytes().await.unwrap().as_ref(), PDF);

    // The known citizen's mail is attached to her account.
    let hers = list_requests(&app, &e.op, "Variazione").await;
    assert_eq!(hers.len(), 1);
    assert_eq!(hers[0]["citizen"]["id"], bea_id.as_str());

    // Both senders get an acknowledgement with the protocol number.
    outbox(&app).await;
    let ack = eventually(10, "the acknowledgement", || {
        mails_to(&s, &unknown).into_iter().next()
    })
    .await;
    assert!(header(&ack, "Subject").unwrap().contains(&format!(
        "[Prot. {}]",
        r["protocol_number"].as_str().unwrap()
    )));
    assert!(
        header(&ack, "In-Reply-To")
            .is_some_and(|v| v.contains(&format!("u1.{}@example.net", e.tag)))
    );
    eventually(10, "Bea's acknowledgement", || {
        mails_to(&s, &bea_mail)
            .into_iter()
            .find(|m| text(m).contains("Variazione indirizzo"))
    })
    .await;
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

mail_test!(automatic_mail_gets_no_acknowledgement);
async fn automatic_mail_gets_no_acknowledgement(app: TestApp, s: Servers) {
    let e = env(&app, &s, "email", s.smtp_port).await;
    let robot = format!("ufficio.{}@altroente.it", e.tag);
    let noreply = format!("noreply.{}@servizi.it", e.tag);
    append(
        &s,
        &e.imap_user,
        &[
            (
                None,
                raw_ok(
                    &robot,
                    &e.address,
                    "Risposta automatica: fuori sede",
                    "Auto-Submitted: auto-replied\r\n",
                    "Sono fuori sede fino al 30.",
                ),
            ),
            (
                None,
                raw_ok(
                    &noreply,
                    &e.address,
                    "Notifica",
                    "",
                    "Messaggio generato automaticamente.",
                ),
            ),
        ],
    )
    .await;
    assert_eq!(poll(&app).await, 2);
    // Recorded as requests (nothing is lost)…
    assert_eq!(list_requests(&app, &e.op, &robot).await.len(), 1);
    assert_eq!(list_requests(&app, &e.op, &noreply).await.len(), 1);
    // …but never answered: no mail loop.
    outbox(&app).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(mails_to(&s, &robot).is_empty());
    assert!(mails_to(&s, &noreply).is_empty());
    let queued: i64 = app
        .state
        .db
        .read(|c| deliveries::table.count().get_result(c))
        .unwrap();
    assert_eq!(queued, 0);
    let _ = e.mailbox_id;
    let _ = e.admin;
}

/// Signed PEC envelopes made by `tests/fixtures/pec/make.sh`.
const PEC_CERTIFIED: &[u8] = include_bytes!("../fixtures/pec/certified.eml");
const PEC_RECEIPT: &[u8] = include_bytes!("../fixtures/pec/receipt.eml");
const PEC_RECEIPT_ROGUE: &[u8] = include_bytes!("../fixtures/pec/receipt-rogue.eml");
/// The Message-ID the fixture receipts certify.
const PEC_RECEIPT_OF: &str = "ack.fixture@pec.comune.test";

fn pec_status(app: &TestApp, message_id: &str) -> Option<String> {
    app.state
        .db
        .read(|c| {
            mail_messages::table
                .filter(mail_messages::message_id.eq(message_id))
                .filter(mail_messages::direction.eq("out"))
                .select(mail_messages::pec_status)
                .first::<Option<String>>(c)
        })
        .unwrap()
}

mail_test!(pec_is_unwrapped_and_receipts_are_matched);
async fn pec_is_unwrapped_and_receipts_are_matched(app: TestApp, s: Servers) {
    let e = env(&app, &s, "pec", s.smtp_port).await;
    let mario = "mario.rossi@pec.example.it";
    append(&s, &e.imap_user, &[(None, PEC_CERTIFIED.to_vec())]).await;
    assert_eq!(poll(&app).await, 1);
    let theirs = list_requests(&app, &e.op, mario).await;
    assert_eq!(theirs.len(), 1, "one request, from the certified sender");
    let r = &theirs[0];
    assert_eq!(r["channel"], "pec");
    assert_eq!(r["subject"], "Richiesta rimborso TARI");
    assert_eq!(
        r["sender_unverified"], false,
        "the provider signed the envelope"
    );
    assert!(
        r["description"]
            .as_str()
            .unwrap()
            .contains("Chiedo il rimborso della TARI 2025")
    );
    let id = r["id"].as_str().unwrap().to_owned();
    let msgs = messages(&app, &e.op, &id).await;
    assert!(
        msgs[0]["attachments"].as_array().unwrap().is_empty(),
        "envelope parts are not attachments"
    );
    let mails: Vec<Value> = app
        .get(&format!("/requests/{id}/mails"), Some(&e.op))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mails[0]["pec_type"], "posta-certificata");
    assert_eq!(mails[0]["pec_meta"]["mittente"], mario);
    assert_eq!(
        mails[0]["pec_meta"]["gestore_emittente"],
        "Gestore PEC di prova"
    );
    assert_eq!(mails[0]["message_id"], "orig.fixture@pec.example.it");

    // The acknowledgement goes out from the PEC mailbox… (the sink is shared: this run's
    // is the one recorded here)
    outbox(&app).await;
    let ack_id = eventually(10, "the acknowledgement's record", || {
        app.state
            .db
            .read(|c| {
                mail_messages::table
                    .filter(mail_messages::request_id.eq(&id))
                    .filter(mail_messages::direction.eq("out"))
                    .select(mail_messages::message_id)
                    .first::<String>(c)
                    .optional()
            })
            .unwrap()
    })
    .await;
    let ack = eventually(10, "the PEC acknowledgement", || {
        mails_to(&s, mario)
            .into_iter()
            .find(|m| header(m, "Message-ID").is_some_and(|h| addr_of(&h) == ack_id))
    })
    .await;
    assert_eq!(addr_of(&header(&ack, "From").unwrap()), e.address);
    // (The fixture receipts were signed for a fixed Message-ID: the acknowledgement gets it.)
    app.state
        .db
        .write_tx(|c| {
            diesel::update(mail_messages::table.filter(mail_messages::message_id.eq(&ack_id)))
                .set(mail_messages::message_id.eq(PEC_RECEIPT_OF))
                .execute(c)
        })
        .unwrap();
    let before = request_count(&app);

    // Receipts the provider did not sign change nothing: signed by another CA, altered after
    // signing, unsigned, or signed for another mail with forged transport headers.
    let receipt = String::from_utf8_lossy(PEC_RECEIPT).into_owned();
    let tampered = receipt.replace(
        "Il messaggio e' stato consegnato",
        "Il messaggio e' stato respinto",
    );
    let unsigned = format!(
        "From: posta-certificata@pec.provider.it\r\nTo: {}\r\nSubject: CONSEGNA: falsa\r\n\
Message-ID: <cons.falsa.{}@pec.provider.it>\r\nX-Ricevuta: avvenuta-consegna\r\nX-Riferimento-Message-ID: <{PEC_RECEIPT_OF}>\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"r1\"\r\n\r\n\
--r1\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\nContent-Disposition: inline; filename=\"daticert.xml\"\r\n\r\n\
<postacert tipo=\"avvenuta-consegna\" errore=\"nessuno\"><dati><consegna>{mario}</consegna><msgid>&lt;{PEC_RECEIPT_OF}&gt;</msgid></dati></postacert>\r\n--r1--\r\n",
        e.address, e.tag
    );
    append(
        &s,
        &e.imap_user,
        &[
            (None, PEC_RECEIPT_ROGUE.to_vec()),
            (None, tampered.into_bytes()),
            (None, unsigned.into_bytes()),
        ],
    )
    .await;
    assert_eq!(poll(&app).await, 3);
    assert_eq!(
        pec_status(&app, PEC_RECEIPT_OF),
        None,
        "no forged receipt counted"
    );
    assert_eq!(request_count(&app), before, "a receipt is never a request");

    // The provider's receipt is matched to it, not turned into a request.
    append(&s, &e.imap_user, &[(None, PEC_RECEIPT.to_vec())]).await;
    assert_eq!(poll(&app).await, 1);
    assert_eq!(request_count(&app), before, "a receipt is not a request");
    assert_eq!(
        pec_status(&app, PEC_RECEIPT_OF).as_deref(),
        Some("avvenuta-consegna")
    );
    let mails: Vec<Value> = app
        .get(&format!("/requests/{id}/mails"), Some(&e.op))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        mails
            .iter()
            .any(|m| m["outcome"] == "receipt" && m["pec_type"] == "avvenuta-consegna")
    );
    let notes = messages(&app, &e.op, &id).await;
    let receipt_notes: Vec<&Value> = notes
        .iter()
        .filter(|m| {
            m["internal"] == true && m["body"].as_str().unwrap().contains("avvenuta-consegna")
        })
        .collect();
    assert_eq!(
        receipt_notes.len(),
        1,
        "only the authentic receipt is noted"
    );

    // A certified message whose envelope is not the provider's is not a verified sender.
    let forged = String::from_utf8_lossy(PEC_CERTIFIED)
        .replace(
            "orig.fixture@pec.example.it",
            "altro.fixture@pec.example.it",
        )
        .replace("Chiedo il rimborso", "Chiedo due volte il rimborso");
    append(&s, &e.imap_user, &[(None, forged.into_bytes())]).await;
    assert_eq!(poll(&app).await, 1);
    let theirs = list_requests(&app, &e.op, mario).await;
    let forged = theirs
        .iter()
        .find(|r| r["description"].as_str().unwrap().contains("due volte"))
        .expect("the forged envelope is filed");
    assert_eq!(forged["sender_unverified"], true);
    assert_eq!(forged["citizen"]["name"], "Contribuente generico");
}

mail_test!(hundred_mails_exactly_once_across_a_crash);
async fn hundred_mails_exactly_once_across_a_crash(app: TestApp, s: Servers) {
    let e = env(&app, &s, "email", s.smtp_port).await;
    let mails: Vec<(Option<&str>, Vec<u8>)> = (0..100)
        .map(|i| {
            (
                None,
                raw(
                    &format!("mittente{i}.{}@example.net", e.tag),
                    &e.address,
                    &format!("Segnalazione numero {i}"),
                    "",
                    &format!("Testo della segnalazione {i}."),
                ),
            )
        })
        .collect();
    append(&s, &e.imap_user, &mails).await;

    // The workers run until about a third is done, then die without warning.
    let workers = api::mail::Workers::spawn(app.state.clone());
    eventually(60, "a third of the mails", || {
        (request_count(&app) >= 30).then_some(())
    })
    .await;
    workers.abort();
    let at_crash = request_count(&app);
    assert!(
        at_crash < 100,
        "the crash came too late to prove anything ({at_crash})"
    );

    // A new process picks up where the last committed mail left off.
    let workers = api::mail::Workers::spawn(app.state.clone());
    eventually(90, "all 100 mails", || {
        (request_count(&app) >= 100).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    workers.stop().await;
    poll(&app).await;

    assert_eq!(request_count(&app), 100, "exactly one request per mail");
    let (rows, distinct, last_uid): (i64, i64, i64) = app
        .state
        .db
        .read(|c| {
            let rows = mail_messages::table
                .filter(mail_messages::direction.eq("in"))
                .count()
                .get_result::<i64>(c)?;
            let mut ids = mail_messages::table
                .filter(mail_messages::direction.eq("in"))
                .select(mail_messages::message_id)
                .load::<String>(c)?;
            ids.sort();
            ids.dedup();
            let distinct = i64::try_from(ids.len()).unwrap_or(0);
            let last = mailboxes::table
                .find(&e.mailbox_id)
                .select(mailboxes::last_uid)
                .first::<i64>(c)?;
            Ok::<_, diesel::result::Error>((rows, distinct, last))
        })
        .unwrap();
    assert_eq!((rows, distinct, last_uid), (100, 100, 100));
    // Protocol numbers are gapless: 1…100.
    let mut numbers: Vec<String> = app
        .state
        .db
        .read(|c| {
            requests::table
                .select(requests::protocol_number)
                .load::<String>(c)
        })
        .unwrap();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 100);
    assert!(numbers.last().unwrap().ends_with("/0000100"));
}

mail_test!(smtp_outage_delays_mail_and_sends_each_once);
async fn smtp_outage_delays_mail_and_sends_each_once(app: TestApp, s: Servers) {
    let gate = Gate::start(s.smtp_port, false).await;
    let e = env(&app, &s, "email", gate.port).await;
    let anna_mail = format!("anna.{}@example.it", e.tag);
    let (_, anna) = app.citizen(CF_A, &anna_mail, &e.op).await;
    for _ in 0..3 {
        let res = app.post_json("/requests", Some(&anna), &reclamo()).await;
        assert_eq!(res.status(), 201);
    }
    // SMTP is down: attempts fail, nothing is lost, nothing arrives.
    for _ in 0..3 {
        outbox(&app).await;
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    let pending: Vec<(String, i32, Option<String>)> = app
        .state
        .db
        .read(|c| {
            deliveries::table
                .filter(deliveries::status.eq("pending"))
                .select((deliveries::id, deliveries::attempts, deliveries::last_error))
                .load(c)
        })
        .unwrap();
    assert_eq!(
        pending.len(),
        5,
        "2 registration mails and 3 confirmations wait"
    );
    assert!(pending.iter().all(|(_, a, err)| *a >= 1 && err.is_some()));
    assert!(mails_to(&s, &anna_mail).is_empty());

    // SMTP is back: everything is delivered, each mail once.
    gate.set_open(true);
    let start = std::time::Instant::now();
    loop {
        outbox(&app).await;
        let left: i64 = app
            .state
            .db
            .read(|c| {
                deliveries::table
                    .filter(deliveries::status.ne("sent"))
                    .count()
                    .get_result(c)
            })
            .unwrap();
        if left == 0 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "{left} deliveries still not sent"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    for _ in 0..2 {
        outbox(&app).await;
    }
    let ids: Vec<String> = app
        .state
        .db
        .read(|c| {
            deliveries::table
                .select(deliveries::message_id.assume_not_null())
                .load(c)
        })
        .unwrap();
    assert_eq!(ids.len(), 5);
    let received = mails_to(&s, &anna_mail);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in &received {
        *seen
            .entry(addr_of(&header(m, "Message-ID").unwrap()))
            .or_default() += 1;
    }
    for id in &ids {
        assert_eq!(seen.get(id), Some(&1), "{id} delivered exactly once");
    }
    assert_eq!(received.len(), 5);
}

mail_test!(sms_and_app_io_by_preference);
async fn sms_and_app_io_by_preference(app: TestApp, s: Servers) {
    let e = env(&app, &s, "email", s.smtp_port).await;
    let recorder = Recorder::start();
    let res = app
        .put_json(
            "/notification-channels",
            Some(&e.admin),
            &json!({
                "sms_url": format!("{}/sms/send", recorder.base), "sms_token": "sms-secret",
                "sms_sender": "Comune", "io_url": format!("{}/api/v1", recorder.base),
                "io_api_key": "io-secret"
            }),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let channels: Value = res.json().await.unwrap();
    assert_eq!(channels["sms_token_set"], true);
    assert!(
        channels.get("sms_token").is_none(),
        "secrets are never returned"
    );

    let anna_mail = format!("anna.{}@example.it", e.tag);
    let (_, anna) = app.citizen(CF_A, &anna_mail, &e.op).await;
    let prefs: Value = app
        .get("/me/preferences", Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        prefs,
        json!({"email": true, "sms": false, "app_io": false, "lang": "it"})
    );
    let res = app
        .put_json(
            "/me/preferences",
            Some(&anna),
            &json!({"email": true, "sms": true, "app_io": true, "lang": "en"}),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = app.post_json("/requests", Some(&anna), &reclamo()).await;
    let created: Value = res.json().await.unwrap();
    let protocol = created["protocol_number"].as_str().unwrap().to_owned();
    outbox(&app).await;

    let got = eventually(10, "SMS and IO calls", || {
        let all = recorder.all();
        (all.len() >= 2).then_some(all)
    })
    .await;
    let sms = got.iter().find(|r| r.path == "/sms/send").expect("SMS");
    assert_eq!(sms.header("authorization"), Some("Bearer sms-secret"));
    assert_eq!(sms.body["to"], "+393331234567");
    assert_eq!(sms.body["from"], "Comune");
    assert!(sms.body["text"].as_str().unwrap().contains(&protocol));
    let io = got
        .iter()
        .find(|r| r.path == "/api/v1/messages")
        .expect("App IO");
    assert_eq!(io.header("ocp-apim-subscription-key"), Some("io-secret"));
    assert_eq!(io.body["fiscal_code"], CF_A);
    let subject = io.body["content"]["subject"].as_str().unwrap();
    let markdown = io.body["content"]["markdown"].as_str().unwrap();
    assert!((10..=120).contains(&subject.chars().count()), "{subject}");
    assert!((80..=10_000).contains(&markdown.chars().count()));
    // The e-mail is in English, as chosen.
    let mail = eventually(10, "the e-mail", || {
        mails_to(&s, &anna_mail)
            .into_iter()
            .find(|m| text(m).contains("has received your request"))
    })
    .await;
    assert!(text(&mail).contains("Reply due by"));
    let id = created["id"].as_str().unwrap();
    let d: Vec<Value> = app
        .get(&format!("/requests/{id}/deliveries"), Some(&e.op))
        .await
        .json()
        .await
        .unwrap();
    let mut channels: Vec<&str> = d.iter().map(|x| x["channel"].as_str().unwrap()).collect();
    channels.sort_unstable();
    assert_eq!(channels, ["app_io", "email", "sms"]);
    assert!(d.iter().all(|x| x["status"] == "sent"));
    // SMS needs a phone number; an unknown language is refused.
    let res = app
        .put_json(
            "/me/preferences",
            Some(&anna),
            &json!({"email": true, "sms": false, "app_io": false, "lang": "fr"}),
        )
        .await;
    assert_eq!(res.status(), 422);
}

mail_test!(mailbox_administration_and_test_connection);
async fn mailbox_administration_and_test_connection(app: TestApp, s: Servers) {
    let e = env(&app, &s, "email", s.smtp_port).await;
    let list: Vec<Value> = app
        .get("/mailboxes", Some(&e.admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["imap_password_set"], true);
    assert!(list[0].get("imap_password").is_none());
    let res = app
        .post_json(
            &format!("/mailboxes/{}/test", e.mailbox_id),
            Some(&e.admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let t: Value = res.json().await.unwrap();
    assert_eq!(t["imap"]["ok"], true, "{t}");
    assert_eq!(t["smtp"]["ok"], true, "{t}");

    // A wrong password fails the test (in our words, not the server's).
    let mut body = json!({
        "name": "Protocollo", "kind": "email", "address": e.address,
        "imap_host": "127.0.0.1", "imap_port": s.imap_port, "imap_security": "plain",
        "imap_username": e.imap_user, "imap_password": "sbagliata",
        "smtp_host": "127.0.0.1", "smtp_port": s.smtp_port, "smtp_security": "plain"
    });
    let res = app
        .put_json(
            &format!("/mailboxes/{}", e.mailbox_id),
            Some(&e.admin),
            &body,
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let t: Value = app
        .post_json(
            &format!("/mailboxes/{}/test", e.mailbox_id),
            Some(&e.admin),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["imap"]["ok"], false, "{t}");

    // Unencrypted only on loopback; staff that are not administrators may not configure.
    body["imap_host"] = json!("imap.example.it");
    let res = app
        .put_json(
            &format!("/mailboxes/{}", e.mailbox_id),
            Some(&e.admin),
            &body,
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.get("/mailboxes", Some(&e.op)).await.status(), 403);
    let res = app
        .post_json(
            "/mailboxes",
            Some(&e.admin),
            &json!({"name": "Doppia", "kind": "email", "address": e.address}),
        )
        .await;
    assert_eq!(res.status(), 409);
    let res = app
        .client
        .delete(app.url(&format!("/mailboxes/{}", e.mailbox_id)))
        .bearer_auth(&e.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
}

async fn get_request(app: &TestApp, token: &str, id: &str) -> Value {
    app.get(&format!("/requests/{id}"), Some(token))
        .await
        .json()
        .await
        .unwrap()
}

/// Files a reclamo as the citizen and has the operator ask for information: the request
/// waits for the citizen. Returns its id and protocol number.
async fn waiting_request(app: &TestApp, citizen: &str, op: &str) -> (String, String) {
    let created: Value = app
        .post_json("/requests", Some(citizen), &reclamo())
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    for body in [
        json!({"action": "take"}),
        json!({"action": "request_info", "note": "Ci invii una foto del cassonetto."}),
    ] {
        let res = app
            .post_json(&format!("/requests/{id}/transitions"), Some(op), &body)
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
    (id, created["protocol_number"].as_str().unwrap().to_owned())
}

mail_test!(forged_senders_never_thread_file_or_get_answers);
async fn forged_senders_never_thread_file_or_get_answers(app: TestApp, s: Servers) {
    let e = env(&app, &s, "email", s.smtp_port).await;
    let anna_mail = format!("anna.{}@example.it", e.tag);
    let (anna_id, anna) = app.citizen(CF_A, &anna_mail, &e.op).await;
    let (id, protocol) = waiting_request(&app, &anna, &e.op).await;
    outbox(&app).await;
    let confirmation = eventually(10, "the confirmation", || {
        mails_to(&s, &anna_mail)
            .into_iter()
            .find(|m| header(m, "Subject").is_some_and(|s| s.contains("Richiesta ricevuta")))
    })
    .await;
    let reply_to = addr_of(&header(&confirmation, "Reply-To").unwrap());
    let confirmation_id = addr_of(&header(&confirmation, "Message-ID").unwrap());
    let thread_before = messages(&app, &e.op, &id).await.len();
    let mails_to_anna = mails_to(&s, &anna_mail).len();
    let mails_to_staff = mails_to(&s, "op@comune.test").len();
    let count_before = request_count(&app);
    // Each subject names the mail ("Falso N"): the queue's search finds it.
    let subject = |i: u32| format!("Re: [Prot. {protocol}] Falso {i}");
    let stranger = format!("sconosciuto.{}@example.net", e.tag);
    let domain = anna_mail.rsplit_once('@').unwrap().1.to_owned();
    let mut forged = vec![
        // The citizen's address with the protocol number, and nothing vouching for it.
        raw(&anna_mail, &e.address, &subject(1), "", "La foto."),
        // …with a verdict of someone else on top.
        raw(
            &anna_mail,
            &reply_to,
            &subject(2),
            &format!("In-Reply-To: <{confirmation_id}>\r\n"),
            "La foto.",
        ),
        // …with the provider's id, but below the provider's own verdict (a failure).
        format!(
            "Authentication-Results: {AUTHSERV_ID}; dmarc=fail header.from={domain}\r\n\
             Authentication-Results: {AUTHSERV_ID}; dmarc=pass header.from={domain}\r\n{}",
            String::from_utf8(raw(&anna_mail, &e.address, &subject(3), "", "La foto.")).unwrap()
        )
        .into_bytes(),
        // A stranger without a protocol number.
        raw(&stranger, &e.address, "Falso 4", "", "Una segnalazione."),
        // Staff answering in the thread: no internal note from a forged address.
        raw(
            "Operatore <op@comune.test>",
            &reply_to,
            &subject(5),
            &format!("In-Reply-To: <{confirmation_id}>\r\n"),
            "Nota interna.",
        ),
        // PEC transport headers on an ordinary mailbox are just headers.
        raw(
            &stranger,
            &e.address,
            "POSTA CERTIFICATA: Falso 6",
            &format!(
                "X-Trasporto: posta-certificata\r\nX-Riferimento-Message-ID: <{confirmation_id}>\r\n"
            ),
            "Busta PEC.",
        ),
        raw(
            &stranger,
            &e.address,
            "CONSEGNA: Falso 7",
            &format!(
                "X-Ricevuta: avvenuta-consegna\r\nX-Riferimento-Message-ID: <{confirmation_id}>\r\n"
            ),
            "Ricevuta.",
        ),
    ];
    // Mail 2: a verdict with another authserv-id on top.
    let second = String::from_utf8(forged[1].clone()).unwrap();
    forged[1] = format!(
        "Authentication-Results: mx.altrove.example; dmarc=pass header.from={domain}\r\n\
         Authentication-Results: {AUTHSERV_ID}; dmarc=pass header.from={domain}\r\n{second}"
    )
    .into_bytes();
    let n = forged.len();
    let batch: Vec<(Option<&str>, Vec<u8>)> = forged.into_iter().map(|m| (None, m)).collect();
    append(&s, &e.imap_user, &batch).await;
    assert_eq!(poll(&app).await, n);

    // Every mail is a new request; the citizen's request is untouched and still waits.
    assert_eq!(
        request_count(&app),
        count_before + i64::try_from(n).unwrap()
    );
    assert_eq!(messages(&app, &e.op, &id).await.len(), thread_before);
    assert_eq!(
        get_request(&app, &e.op, &id).await["status"],
        "waiting_citizen"
    );
    // Nothing lands in the citizen's account.
    let own: Value = app
        .get("/requests", Some(&anna))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["items"].as_array().unwrap().len(), 1);
    for i in 1..=n {
        let found = list_requests(&app, &e.op, &format!("Falso%20{i}")).await;
        assert_eq!(found.len(), 1, "mail {i}");
        let r = &found[0];
        assert_eq!(r["sender_unverified"], true, "mail {i}");
        assert_eq!(r["citizen"]["name"], "Contribuente generico", "mail {i}");
        assert_ne!(r["citizen"]["id"], anna_id.as_str());
        assert_eq!(r["channel"], "email", "mail {i}");
        let thread = messages(&app, &e.op, r["id"].as_str().unwrap()).await;
        assert!(
            thread.iter().any(|m| m["internal"] == true
                && m["body"]
                    .as_str()
                    .unwrap()
                    .starts_with("Mittente non verificato")),
            "mail {i}: the desk is told why"
        );
        let author = &thread.iter().find(|m| m["internal"] == false).unwrap()["author"];
        assert!(author["id"].is_null(), "mail {i}: nobody's message");
    }
    // The PEC-looking mail was not unwrapped; the receipt changed no delivery status.
    let pec_like = &list_requests(&app, &e.op, "Falso%206").await[0];
    assert_eq!(pec_like["subject"], "POSTA CERTIFICATA: Falso 6");
    let mails: Vec<Value> = app
        .get(
            &format!("/requests/{}/mails", pec_like["id"].as_str().unwrap()),
            Some(&e.op),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(mails.iter().all(|m| m["pec_type"].is_null()));
    let statuses: Vec<Option<String>> = app
        .state
        .db
        .read(|c| {
            mail_messages::table
                .filter(mail_messages::direction.eq("out"))
                .select(mail_messages::pec_status)
                .load(c)
        })
        .unwrap();
    assert!(!statuses.is_empty() && statuses.iter().all(Option::is_none));
    assert!(
        !list_requests(&app, &e.op, "Falso%207").await.is_empty(),
        "the forged receipt is a request like any mail"
    );

    // No acknowledgement to anyone.
    outbox(&app).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    outbox(&app).await;
    assert_eq!(mails_to(&s, &anna_mail).len(), mails_to_anna);
    assert!(mails_to(&s, &stranger).is_empty());
    assert_eq!(mails_to(&s, "op@comune.test").len(), mails_to_staff);

    // The same citizen's mail with the provider's verdict threads and resumes the request.
    append(
        &s,
        &e.imap_user,
        &[(
            None,
            raw_ok(
                &anna_mail,
                &e.address,
                &subject(8),
                "",
                "Ecco la vera foto.",
            ),
        )],
    )
    .await;
    assert_eq!(poll(&app).await, 1);
    assert_eq!(messages(&app, &e.op, &id).await.len(), thread_before + 1);
    assert_eq!(get_request(&app, &e.op, &id).await["status"], "in_progress");
}

mail_test!(acknowledgements_are_capped_per_mailbox, |c| c
    .mail_acks_per_hour =
    2);
async fn acknowledgements_are_capped_per_mailbox(app: TestApp, s: Servers) {
    let e = env(&app, &s, "email", s.smtp_port).await;
    let senders: Vec<String> = (0..4)
        .map(|i| format!("mittente{i}.{}@example.net", e.tag))
        .collect();
    let batch: Vec<(Option<&str>, Vec<u8>)> = senders
        .iter()
        .map(|m| {
            (
                None,
                raw_ok(m, &e.address, "Segnalazione", "", "Un cassonetto rotto."),
            )
        })
        .collect();
    append(&s, &e.imap_user, &batch).await;
    assert_eq!(poll(&app).await, 4);
    assert_eq!(request_count(&app), 4, "every mail is filed");
    outbox(&app).await;
    eventually(10, "two acknowledgements", || {
        (senders
            .iter()
            .filter(|m| !mails_to(&s, m).is_empty())
            .count()
            >= 2)
            .then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    outbox(&app).await;
    let answered: Vec<bool> = senders
        .iter()
        .map(|m| !mails_to(&s, m).is_empty())
        .collect();
    assert_eq!(
        answered,
        [true, true, false, false],
        "two an hour from this mailbox"
    );
}

mail_test!(operators_link_unverified_requests);
async fn operators_link_unverified_requests(app: TestApp, s: Servers) {
    let e = env(&app, &s, "email", s.smtp_port).await;
    // Mail requests go to the Ufficio Tributi; the Ufficio Tecnico's operator is not theirs.
    let tributi = app.office("Ufficio Tributi");
    let tecnico = app.office("Ufficio Tecnico");
    let tributi_id = app.staff("op.tributi@comune.test", "operator", &[&tributi]);
    app.staff("op.tecnico@comune.test", "operator", &[&tecnico]);
    let res = app
        .put_json(
            "/routing-rules",
            Some(&e.admin),
            &json!([{"kind": "altro", "office_id": tributi}, {"kind": "reclamo", "office_id": tributi}]),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let tributi_op = app.token("op.tributi@comune.test").await;
    let tecnico_op = app.token("op.tecnico@comune.test").await;
    let anna_mail = format!("anna.{}@example.it", e.tag);
    let (anna_id, anna) = app.citizen(CF_A, &anna_mail, &e.op).await;
    let (bruno_id, bruno) = app
        .citizen(CF_B, &format!("bruno.{}@example.it", e.tag), &e.op)
        .await;
    let (waiting, protocol) = waiting_request(&app, &anna, &tributi_op).await;
    let bruno_request: Value = app
        .post_json("/requests", Some(&bruno), &reclamo())
        .await
        .json()
        .await
        .unwrap();
    append(
        &s,
        &e.imap_user,
        &[
            (
                None,
                raw(&anna_mail, &e.address, "Falso A", "", "Da collegare."),
            ),
            (
                None,
                raw(
                    &anna_mail,
                    &e.address,
                    &format!("Re: [Prot. {protocol}] Falso B"),
                    "",
                    "Ecco la foto del cassonetto.",
                ),
            ),
        ],
    )
    .await;
    assert_eq!(poll(&app).await, 2);
    let first = list_requests(&app, &e.op, "Falso%20A").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = list_requests(&app, &e.op, "Falso%20B").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    outbox(&app).await;
    let acks_before = mails_to(&s, &anna_mail).len();

    // Who may: the office's operators, supervisors and administrators.
    let post = |id: String, token: String, body: Value| {
        let app = &app;
        async move {
            app.post_json(&format!("/requests/{id}/sender"), Some(&token), &body)
                .await
        }
    };
    let to_anna = json!({"citizen_id": anna_id});
    assert_eq!(
        post(first.clone(), anna.clone(), to_anna.clone())
            .await
            .status(),
        403
    );
    assert_eq!(
        post(first.clone(), tecnico_op.clone(), to_anna.clone())
            .await
            .status(),
        403
    );
    // Bad input: 422 naming the field, 404 and 409 for the request itself.
    for (body, field) in [
        (json!({"citizen_id": "nessuno"}), "citizen_id"),
        (json!({"citizen_id": tributi_id}), "citizen_id"),
        (
            json!({"citizen_id": anna_id, "merge_into": bruno_request["id"]}),
            "merge_into",
        ),
        (
            json!({"citizen_id": anna_id, "merge_into": first}),
            "merge_into",
        ),
        (
            json!({"citizen_id": bruno_id, "merge_into": waiting}),
            "merge_into",
        ),
    ] {
        let res = post(first.clone(), tributi_op.clone(), body).await;
        assert_eq!(res.status(), 422);
        let p: Value = res.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }
    assert_eq!(
        post("nessuna".into(), tributi_op.clone(), to_anna.clone())
            .await
            .status(),
        404
    );
    assert_eq!(
        post(waiting.clone(), tributi_op.clone(), to_anna.clone())
            .await
            .status(),
        409
    );
    assert_eq!(
        get_request(&app, &e.op, &first).await["sender_unverified"],
        true,
        "nothing changed"
    );
    // The web app offers the link exactly to those the server lets link.
    assert_eq!(
        get_request(&app, &tributi_op, &first).await["allowed"]["link_sender"],
        true
    );
    assert_eq!(
        get_request(&app, &tecnico_op, &first).await["allowed"]["link_sender"],
        false,
        "another office reads it, may not link it"
    );
    assert_eq!(
        get_request(&app, &tributi_op, &waiting).await["allowed"]["link_sender"],
        false,
        "a verified request has nothing to link"
    );

    // Assigned to Anna: hers now, verified, and she gets the acknowledgement she did not.
    let res = post(first.clone(), tributi_op.clone(), to_anna.clone()).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let linked: Value = res.json().await.unwrap();
    assert_eq!(linked["sender_unverified"], false);
    assert_eq!(linked["allowed"]["link_sender"], false);
    assert_eq!(linked["citizen"]["id"], anna_id.as_str());
    assert_eq!(get_request(&app, &anna, &first).await["id"], first.as_str());
    outbox(&app).await;
    eventually(10, "the acknowledgement after linking", || {
        (mails_to(&s, &anna_mail).len() > acks_before).then_some(())
    })
    .await;
    // Once linked, there is nothing left to check.
    assert_eq!(
        post(first.clone(), tributi_op.clone(), to_anna.clone())
            .await
            .status(),
        409
    );

    // Merged into her waiting request: the mail is a message there and resumes it.
    let res = post(
        second.clone(),
        e.admin.clone(),
        json!({"citizen_id": anna_id, "merge_into": waiting}),
    )
    .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let merged: Value = res.json().await.unwrap();
    assert_eq!(merged["id"], waiting.as_str());
    assert_eq!(merged["status"], "in_progress");
    assert!(messages(&app, &anna, &waiting).await.iter().any(|m| {
        m["body"]
            .as_str()
            .unwrap()
            .contains("Ecco la foto del cassonetto")
    }));
    let old = get_request(&app, &e.op, &second).await;
    assert_eq!(old["status"], "rejected");
    assert_eq!(old["sender_unverified"], false);
    let mails: Vec<Value> = app
        .get(&format!("/requests/{waiting}/mails"), Some(&e.op))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        mails.iter().any(|m| m["direction"] == "in"),
        "the mail moved along"
    );
    // Both are in the audit log.
    let audit: Value = app
        .get("/audit-log?limit=100", Some(&e.admin))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"request.link_sender") && actions.contains(&"request.merge"),
        "{actions:?}"
    );
}
