//! Mail, PEC, SMS and App IO against real servers: Dovecot (IMAP) and an aiosmtpd sink
//! (SMTP) started by `scripts/test.sh`, and a local HTTP recorder for SMS and App IO.

use std::collections::HashMap;
use std::time::Duration;

use api::db::schema::{deliveries, mail_messages, mailboxes, requests};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::mail_servers::*;

/// Like `db_test!`, with fast retries and leases, and the mail servers required.
macro_rules! mail_test {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let Some(s) = crate::mail_servers::servers() else {
                    return;
                };
                let app = super::spawn(crate::helpers::Backend::Sqlite)
                    .await
                    .expect("sqlite");
                super::$name(app, s).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(s) = crate::mail_servers::servers() else {
                    return;
                };
                if let Some(app) = super::spawn(crate::helpers::Backend::Postgres).await {
                    super::$name(app, s).await;
                }
            }
        }
    };
}

async fn spawn(backend: Backend) -> Option<TestApp> {
    spawn_with(backend, |c| {
        c.retry_base_seconds = 1;
        c.worker_interval_ms = 50;
        c.mail_poll_lease_seconds = 1;
        c.mail_poll_batch = 10;
        c.public_url = Some("https://sportello.comune.test".into());
        // The test servers listen on loopback, without TLS.
        c.allow_loopback_integrations = true;
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
                "outbound_default": true
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

async fn list_requests(app: &TestApp, token: &str, q: &str) -> Vec<Value> {
    let v: Value = app
        .get(&format!("/requests?limit=200&q={q}"), Some(token))
        .await
        .json()
        .await
        .unwrap();
    v["items"].as_array().unwrap().clone()
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
    let citizen_reply = raw(
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
    // The citizen sees it in the portal too.
    assert!(
        messages(&app, &anna, &id)
            .await
            .iter()
            .any(|m| m["body"].as_str().unwrap().contains("Ecco la foto"))
    );
    let count_before = request_count(&app);

    // A stranger replying with the same subject gets a new request, never this thread.
    let stranger = format!("estraneo.{}@example.org", e.tag);
    append(
        &s,
        &e.imap_user,
        &[(
            None,
            raw(
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
            raw(
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
            raw(
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
            (Some("10-Nov-2026 09:30:00 +0100"), html.into_bytes()),
            (
                None,
                raw(
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
                raw(
                    &robot,
                    &e.address,
                    "Risposta automatica: fuori sede",
                    "Auto-Submitted: auto-replied\r\n",
                    "Sono fuori sede fino al 30.",
                ),
            ),
            (
                None,
                raw(
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

mail_test!(pec_is_unwrapped_and_receipts_are_matched);
async fn pec_is_unwrapped_and_receipts_are_matched(app: TestApp, s: Servers) {
    let e = env(&app, &s, "pec", s.smtp_port).await;
    let mario = format!("mario.rossi.{}@pec.example.it", e.tag);
    let daticert = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<postacert tipo=\"posta-certificata\" errore=\"nessuno\">\
<intestazione><mittente>{mario}</mittente><destinatari tipo=\"certificato\">{}</destinatari>\
<risposte>{mario}</risposte><oggetto>Richiesta rimborso TARI</oggetto></intestazione>\
<dati><gestore-emittente>Gestore PEC di prova</gestore-emittente><data zona=\"+0100\"><giorno>23/11/2026</giorno><ora>10:15:02</ora></data>\
<identificativo>opec.{}@pec.provider.it</identificativo><msgid>&lt;orig.{}@pec.example.it&gt;</msgid></dati></postacert>",
        e.address, e.tag, e.tag
    );
    let envelope = format!(
        "From: \"Per conto di: {mario}\" <posta-certificata@pec.provider.it>\r\nTo: {}\r\n\
Subject: POSTA CERTIFICATA: Richiesta rimborso TARI\r\nMessage-ID: <opec.{}@pec.provider.it>\r\n\
X-Trasporto: posta-certificata\r\nX-Riferimento-Message-ID: <orig.{}@pec.example.it>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/signed; protocol=\"application/x-pkcs7-signature\"; micalg=sha-256; boundary=\"s1\"\r\n\r\n\
--s1\r\nContent-Type: multipart/mixed; boundary=\"m1\"\r\n\r\n\
--m1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMessaggio di posta certificata inviato da {mario}.\r\n\
--m1\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\nContent-Disposition: inline; filename=\"daticert.xml\"\r\n\r\n{daticert}\r\n\
--m1\r\nContent-Type: message/rfc822; name=\"postacert.eml\"\r\nContent-Disposition: attachment; filename=\"postacert.eml\"\r\n\r\n\
From: Mario Rossi <{mario}>\r\nTo: {}\r\nSubject: Richiesta rimborso TARI\r\nMessage-ID: <orig.{}@pec.example.it>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nChiedo il rimborso della TARI 2025 pagata due volte.\r\n\
--m1--\r\n--s1\r\nContent-Type: application/x-pkcs7-signature; name=\"smime.p7s\"\r\nContent-Disposition: attachment; filename=\"smime.p7s\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQE=\r\n--s1--\r\n",
        e.address, e.tag, e.tag, e.address, e.tag
    );
    append(&s, &e.imap_user, &[(None, envelope.into_bytes())]).await;
    assert_eq!(poll(&app).await, 1);
    let theirs = list_requests(&app, &e.op, &mario).await;
    assert_eq!(theirs.len(), 1, "one request, from the certified sender");
    let r = &theirs[0];
    assert_eq!(r["channel"], "pec");
    assert_eq!(r["subject"], "Richiesta rimborso TARI");
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
    assert_eq!(mails[0]["pec_meta"]["mittente"], mario.as_str());
    assert_eq!(
        mails[0]["pec_meta"]["gestore_emittente"],
        "Gestore PEC di prova"
    );
    assert_eq!(
        mails[0]["message_id"],
        format!("orig.{}@pec.example.it", e.tag)
    );

    // The acknowledgement goes out from the PEC mailbox…
    outbox(&app).await;
    let ack = eventually(10, "the PEC acknowledgement", || {
        mails_to(&s, &mario).into_iter().next()
    })
    .await;
    assert_eq!(addr_of(&header(&ack, "From").unwrap()), e.address);
    let ack_id = addr_of(&header(&ack, "Message-ID").unwrap());
    // …and its delivery receipt is matched to it, not turned into a request.
    let receipt = format!(
        "From: posta-certificata@pec.provider.it\r\nTo: {}\r\nSubject: CONSEGNA: {}\r\n\
Message-ID: <cons.{}@pec.provider.it>\r\nX-Ricevuta: avvenuta-consegna\r\nX-Riferimento-Message-ID: <{ack_id}>\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"r1\"\r\n\r\n\
--r1\r\nContent-Type: text/plain\r\n\r\nIl messaggio e' stato consegnato.\r\n\
--r1\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\nContent-Disposition: inline; filename=\"daticert.xml\"\r\n\r\n\
<postacert tipo=\"avvenuta-consegna\" errore=\"nessuno\"><dati><consegna>{mario}</consegna><msgid>&lt;{ack_id}&gt;</msgid></dati></postacert>\r\n--r1--\r\n",
        e.address,
        header(&ack, "Subject").unwrap(),
        e.tag
    );
    let before = request_count(&app);
    append(&s, &e.imap_user, &[(None, receipt.into_bytes())]).await;
    assert_eq!(poll(&app).await, 1);
    assert_eq!(request_count(&app), before, "a receipt is not a request");
    let mails: Vec<Value> = app
        .get(&format!("/requests/{id}/mails"), Some(&e.op))
        .await
        .json()
        .await
        .unwrap();
    let out = mails
        .iter()
        .find(|m| m["direction"] == "out")
        .expect("the acknowledgement");
    assert_eq!(out["pec_status"], "avvenuta-consegna");
    assert!(
        mails
            .iter()
            .any(|m| m["outcome"] == "receipt" && m["pec_type"] == "avvenuta-consegna")
    );
    let notes = messages(&app, &e.op, &id).await;
    assert!(notes.iter().any(
        |m| m["internal"] == true && m["body"].as_str().unwrap().contains("avvenuta-consegna")
    ));
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
