//! Reading mailboxes over IMAP (`async-imap` on tokio, TLS by rustls): implicit TLS,
//! STARTTLS, or plain text for servers on loopback. The folder is opened read-only
//! (`EXAMINE`) and bodies are fetched with `BODY.PEEK[]`, so the mailbox is left as it was.
//! Every connection goes through the egress policy ([`crate::egress`]), and failures are
//! reported as a [`Failure`] category, never with the server's own words.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::anyhow;
use chrono::{DateTime, Utc};
use domain::api::MailSecurity;
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::{self, pki_types::ServerName};

use crate::db::models::MailboxRow;
use crate::egress::{Egress, Failure};
use crate::secret_key::{Column, SecretKey};

/// Where and how to connect.
#[derive(Clone)]
pub struct ImapServer {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    pub username: String,
    pub password: String,
    pub folder: String,
}

impl std::fmt::Debug for ImapServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("folder", &self.folder)
            .finish_non_exhaustive()
    }
}

impl ImapServer {
    /// The mailbox's IMAP server, with its password opened; `None` without one.
    pub fn of_mailbox(m: &MailboxRow, key: &SecretKey) -> Result<Option<Self>, Failure> {
        let Some(host) = m.imap_host.clone() else {
            return Ok(None);
        };
        let password = key
            .open_opt(m.imap_password.as_deref(), Column::ImapPassword, &m.id)
            .map_err(|e| Failure::Secret.because("IMAP", &e))?;
        Ok(Some(Self {
            host,
            port: u16::try_from(m.imap_port).unwrap_or(993),
            security: MailSecurity::parse(&m.imap_security).unwrap_or(MailSecurity::Tls),
            username: m.imap_username.clone().unwrap_or_else(|| m.address.clone()),
            password: password.unwrap_or_default(),
            folder: m.imap_folder.clone(),
        }))
    }
}

/// A plain or TLS connection.
#[derive(Debug)]
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

pub type Session = async_imap::Session<Stream>;

const TIMEOUT: Duration = Duration::from_secs(30);

fn tls_connector() -> anyhow::Result<TlsConnector> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

async fn tls(host: &str, tcp: TcpStream) -> Result<Stream, Failure> {
    let name = ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
    )
    .map_err(|e| Failure::Tls.because("IMAP", &e))?;
    let connector = tls_connector().map_err(|e| Failure::Tls.because("IMAP", &e))?;
    let s = connector
        .connect(name, tcp)
        .await
        .map_err(|e| Failure::Tls.because("IMAP", &e))?;
    Ok(Stream::Tls(Box::new(s)))
}

async fn greeting(c: &mut async_imap::Client<Stream>) -> Result<(), Failure> {
    match c.read_response().await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(Failure::Protocol.because("IMAP", &"no greeting")),
        Err(e) => Err(Failure::Protocol.because("IMAP", &e)),
    }
}

/// Connects, logs in and opens the folder read-only. Returns the session and UIDVALIDITY.
pub async fn connect(server: &ImapServer, egress: &Egress) -> Result<(Session, u32), Failure> {
    tokio::time::timeout(TIMEOUT, connect_inner(server, egress))
        .await
        .map_err(|_| Failure::Timeout)?
}

async fn connect_inner(server: &ImapServer, egress: &Egress) -> Result<(Session, u32), Failure> {
    // Checked again at each use: the installation's policy may have changed since saving.
    egress
        .check_mail_host(&server.host, server.security)
        .map_err(Failure::Refused)?;
    let addrs = egress.resolve(&server.host, server.port).await?;
    let tcp = TcpStream::connect(&addrs[..])
        .await
        .map_err(|e| Failure::Connect.because("IMAP", &e))?;
    let client = match server.security {
        MailSecurity::Tls => {
            let mut c = async_imap::Client::new(tls(&server.host, tcp).await?);
            greeting(&mut c).await?;
            c
        }
        MailSecurity::Plain => {
            let mut c = async_imap::Client::new(Stream::Plain(tcp));
            greeting(&mut c).await?;
            c
        }
        MailSecurity::Starttls => {
            let mut c = async_imap::Client::new(Stream::Plain(tcp));
            greeting(&mut c).await?;
            c.run_command_and_check_ok("STARTTLS", None)
                .await
                .map_err(|e| Failure::Tls.because("IMAP", &e))?;
            let Stream::Plain(tcp) = c.into_inner() else {
                return Err(Failure::Protocol);
            };
            async_imap::Client::new(tls(&server.host, tcp).await?)
        }
    };
    let mut session = client
        .login(&server.username, &server.password)
        .await
        .map_err(|(e, _)| Failure::Login.because("IMAP", &e))?;
    let mailbox = session
        .examine(&server.folder)
        .await
        .map_err(|e| Failure::Folder.because("IMAP", &e))?;
    Ok((session, mailbox.uid_validity.unwrap_or(0)))
}

/// UIDs above `after`, ascending, at most `limit`.
pub async fn new_uids(session: &mut Session, after: u32, limit: usize) -> anyhow::Result<Vec<u32>> {
    let found = tokio::time::timeout(
        TIMEOUT,
        session.uid_search(format!("UID {}:*", after.saturating_add(1))),
    )
    .await
    .map_err(|_| anyhow!("IMAP search timed out"))??;
    // `n:*` also matches the highest UID when it is below n.
    let mut uids: Vec<u32> = found.into_iter().filter(|u| *u > after).collect();
    uids.sort_unstable();
    uids.truncate(limit);
    Ok(uids)
}

/// One mail as fetched.
#[derive(Debug)]
pub struct Fetched {
    pub uid: u32,
    pub arrived_at: Option<DateTime<Utc>>,
    pub raw: Vec<u8>,
}

/// Fetches one mail by UID (`None` if it was expunged meanwhile).
pub async fn fetch(session: &mut Session, uid: u32) -> anyhow::Result<Option<Fetched>> {
    let fut = async {
        let mut stream = session
            .uid_fetch(uid.to_string(), "(UID INTERNALDATE BODY.PEEK[])")
            .await?;
        let mut out = None;
        while let Some(item) = stream.next().await {
            let f = item?;
            if f.uid == Some(uid) {
                out = Some(Fetched {
                    uid,
                    arrived_at: f.internal_date().map(|d| d.with_timezone(&Utc)),
                    raw: f.body().unwrap_or_default().to_vec(),
                });
            }
        }
        Ok::<_, anyhow::Error>(out)
    };
    tokio::time::timeout(Duration::from_secs(120), fut)
        .await
        .map_err(|_| anyhow!("IMAP fetch timed out"))?
}

/// "Test connection": log in, open the folder, count the mails.
pub async fn test(server: &ImapServer, egress: &Egress) -> Result<String, String> {
    match connect(server, egress).await {
        Ok((mut s, validity)) => {
            let n = new_uids(&mut s, 0, usize::MAX).await.map(|u| u.len());
            let _ = s.logout().await;
            match n {
                Ok(n) => Ok(format!(
                    "IMAP OK: folder {} with {n} messages (UIDVALIDITY {validity})",
                    server.folder
                )),
                Err(e) => Err(format!("IMAP: {}", Failure::Protocol.because("IMAP", &e))),
            }
        }
        Err(f) => Err(format!("IMAP: {f}")),
    }
}
