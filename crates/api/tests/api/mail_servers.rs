//! The real mail servers the mail tests talk to, started by `scripts/test.sh`: Dovecot
//! (IMAP, any user name, one Maildir per user) and an aiosmtpd sink writing what it receives
//! to a Maildir. Plus, written here: a TCP gate in front of the sink to simulate an SMTP
//! outage, and an HTTP recorder standing in for the SMS gateway and App IO.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// Where the servers listen (from `SPORTELLO_TEST_*`).
#[derive(Debug, Clone)]
pub struct Servers {
    pub imap_host: String,
    pub imap_port: u16,
    pub imap_password: String,
    pub smtp_port: u16,
    pub maildir: PathBuf,
}

fn host_port(v: &str) -> (String, u16) {
    let (h, p) = v.rsplit_once(':').expect("host:port");
    (h.to_owned(), p.parse().expect("port"))
}

/// The servers, or `None` (with a note) when run by hand without them. In CI their absence
/// is an error: the mail tests must run there.
pub fn servers() -> Option<Servers> {
    let imap = std::env::var("SPORTELLO_TEST_IMAP")
        .ok()
        .filter(|s| !s.is_empty());
    let smtp = std::env::var("SPORTELLO_TEST_SMTP")
        .ok()
        .filter(|s| !s.is_empty());
    let maildir = std::env::var("SPORTELLO_TEST_SMTP_MAILDIR")
        .ok()
        .filter(|s| !s.is_empty());
    if let (Some(imap), Some(smtp), Some(maildir)) = (imap, smtp, maildir) {
        let (imap_host, imap_port) = host_port(&imap);
        return Some(Servers {
            imap_host,
            imap_port,
            imap_password: std::env::var("SPORTELLO_TEST_IMAP_PASSWORD")
                .unwrap_or_else(|_| "sportello".into()),
            smtp_port: host_port(&smtp).1,
            maildir: PathBuf::from(maildir),
        });
    }
    assert!(
        std::env::var("CI").is_err(),
        "SPORTELLO_TEST_IMAP, SPORTELLO_TEST_SMTP and SPORTELLO_TEST_SMTP_MAILDIR must be set in CI (scripts/test.sh starts the servers)"
    );
    eprintln!("mail servers not configured (run scripts/test.sh): mail test skipped");
    None
}

/// A unique tag for names and addresses of one test run.
pub fn tag() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{}x{}x{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_micros()
    )
}

type Session = async_imap::Session<TcpStream>;

async fn imap_session(s: &Servers, user: &str) -> Session {
    let tcp = TcpStream::connect((s.imap_host.as_str(), s.imap_port))
        .await
        .expect("connect to Dovecot");
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.unwrap().expect("greeting");
    client
        .login(user, &s.imap_password)
        .await
        .map_err(|(e, _)| e)
        .expect("IMAP login")
}

/// Delivers mails into `user`'s INBOX by IMAP APPEND, with an arrival time if given
/// (IMAP date-time, e.g. `"10-Nov-2026 09:30:00 +0100"`).
pub async fn append(s: &Servers, user: &str, mails: &[(Option<&str>, Vec<u8>)]) {
    let mut session = imap_session(s, user).await;
    for (date, raw) in mails {
        let date = date.map(|d| format!("\"{d}\""));
        session
            .append("INBOX", None, date.as_deref(), raw)
            .await
            .expect("IMAP APPEND");
    }
    let _ = session.logout().await;
}

/// The mails the sink received, as text.
pub fn sink_mails(s: &Servers) -> Vec<String> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        if let Ok(rd) = std::fs::read_dir(s.maildir.join(sub)) {
            for e in rd.flatten() {
                if let Ok(bytes) = std::fs::read(e.path()) {
                    out.push(String::from_utf8_lossy(&bytes).into_owned());
                }
            }
        }
    }
    out
}

/// Mails the sink received for `rcpt` (the `X-RcptTo` the sink records).
pub fn mails_to(s: &Servers, rcpt: &str) -> Vec<String> {
    sink_mails(s)
        .into_iter()
        .filter(|m| {
            m.lines().any(|l| {
                l.starts_with("X-RcptTo:")
                    && l.to_ascii_lowercase().contains(&rcpt.to_ascii_lowercase())
            })
        })
        .collect()
}

/// The decoded text of a mail (quoted-printable and base64 undone), with the names of its
/// attachments.
pub fn text(mail: &str) -> String {
    let Some(m) = mail_parser::MessageParser::default().parse(mail.as_bytes()) else {
        return String::new();
    };
    let mut out = m
        .body_text(0)
        .map(std::borrow::Cow::into_owned)
        .unwrap_or_default();
    for a in m.attachments() {
        use mail_parser::MimeHeaders;
        out.push_str("\n[attachment] ");
        out.push_str(a.attachment_name().unwrap_or_default());
    }
    out
}

/// A header of a mail as the sink stored it (unfolded).
pub fn header(mail: &str, name: &str) -> Option<String> {
    let head = mail.split("\n\n").next().unwrap_or(mail);
    let mut value: Option<String> = None;
    for line in head.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(v) = &mut value {
            if line.starts_with([' ', '\t']) {
                v.push(' ');
                v.push_str(line.trim());
                continue;
            }
            break;
        }
        if let Some((n, v)) = line.split_once(':')
            && n.eq_ignore_ascii_case(name)
        {
            value = Some(v.trim().to_owned());
        }
    }
    value
}

/// Waits until `f` returns `Some`, polling; panics after `secs`.
pub async fn eventually<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A TCP gate in front of the SMTP sink: open, it forwards; closed, it drops every
/// connection at once (what a server that is down looks like to a client that retries).
pub struct Gate {
    pub port: u16,
    open: Arc<Mutex<bool>>,
}

impl Gate {
    pub async fn start(target_port: u16, open: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let flag = Arc::new(Mutex::new(open));
        let f = flag.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    break;
                };
                if !*f.lock().unwrap() {
                    let _ = inbound.shutdown().await;
                    continue;
                }
                tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(("127.0.0.1", target_port)).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Self { port, open: flag }
    }

    pub fn set_open(&self, open: bool) {
        *self.open.lock().unwrap() = open;
    }
}

/// One HTTP request the recorder received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: serde_json::Value,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A local HTTP server that records every request and answers 201 `{"id": …}`.
pub struct Recorder {
    pub base: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Recorder {
    /// Starts the recorder on the current runtime.
    pub fn start() -> Self {
        use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let store = requests.clone();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            let store = store.clone();
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let store = store.clone();
                async move {
                    let mut list = store.lock().unwrap();
                    list.push(Recorded {
                        path: req.path().to_owned(),
                        headers: req
                            .headers()
                            .iter()
                            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
                            .collect(),
                        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
                    });
                    HttpResponse::Created()
                        .json(serde_json::json!({"id": format!("msg-{}", list.len())}))
                }
            }))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self {
            base: format!("http://127.0.0.1:{port}"),
            requests,
        }
    }

    pub fn all(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}
