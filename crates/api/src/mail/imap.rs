//! Reading mailboxes over IMAP (`async-imap` on tokio, TLS by rustls): implicit TLS,
//! STARTTLS, or plain text for servers on loopback. The folder is opened read-only
//! (`EXAMINE`) and bodies are fetched with `BODY.PEEK[]`, so the mailbox is left as it was.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use chrono::{DateTime, Utc};
use domain::api::MailSecurity;
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::{self, pki_types::ServerName};

use crate::db::models::MailboxRow;

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
    pub fn of_mailbox(m: &MailboxRow) -> Option<Self> {
        Some(Self {
            host: m.imap_host.clone()?,
            port: u16::try_from(m.imap_port).unwrap_or(993),
            security: MailSecurity::parse(&m.imap_security).unwrap_or(MailSecurity::Tls),
            username: m.imap_username.clone().unwrap_or_else(|| m.address.clone()),
            password: m.imap_password.clone().unwrap_or_default(),
            folder: m.imap_folder.clone(),
        })
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

async fn tls(host: &str, tcp: TcpStream) -> anyhow::Result<Stream> {
    let name = ServerName::try_from(host.to_owned()).map_err(|e| anyhow!("{host}: {e}"))?;
    let s = tls_connector()?.connect(name, tcp).await?;
    Ok(Stream::Tls(Box::new(s)))
}

/// Connects, logs in and opens the folder read-only. Returns the session and UIDVALIDITY.
pub async fn connect(server: &ImapServer) -> anyhow::Result<(Session, u32)> {
    tokio::time::timeout(TIMEOUT, connect_inner(server))
        .await
        .map_err(|_| anyhow!("IMAP {}:{}: timed out", server.host, server.port))?
}

async fn connect_inner(server: &ImapServer) -> anyhow::Result<(Session, u32)> {
    let tcp = TcpStream::connect((server.host.as_str(), server.port))
        .await
        .with_context(|| format!("IMAP {}:{}", server.host, server.port))?;
    let client = match server.security {
        MailSecurity::Tls => {
            let mut c = async_imap::Client::new(tls(&server.host, tcp).await?);
            c.read_response()
                .await?
                .ok_or_else(|| anyhow!("IMAP: no greeting"))?;
            c
        }
        MailSecurity::Plain => {
            let mut c = async_imap::Client::new(Stream::Plain(tcp));
            c.read_response()
                .await?
                .ok_or_else(|| anyhow!("IMAP: no greeting"))?;
            c
        }
        MailSecurity::Starttls => {
            let mut c = async_imap::Client::new(Stream::Plain(tcp));
            c.read_response()
                .await?
                .ok_or_else(|| anyhow!("IMAP: no greeting"))?;
            c.run_command_and_check_ok("STARTTLS", None).await?;
            let Stream::Plain(tcp) = c.into_inner() else {
                return Err(anyhow!("IMAP: unexpected stream"));
            };
            async_imap::Client::new(tls(&server.host, tcp).await?)
        }
    };
    let mut session = client
        .login(&server.username, &server.password)
        .await
        .map_err(|(e, _)| anyhow!("IMAP login: {e}"))?;
    let mailbox = session
        .examine(&server.folder)
        .await
        .with_context(|| format!("IMAP folder {}", server.folder))?;
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
pub async fn test(server: &ImapServer) -> Result<String, String> {
    match connect(server).await {
        Ok((mut s, validity)) => {
            let n = new_uids(&mut s, 0, usize::MAX).await.map(|u| u.len());
            let _ = s.logout().await;
            match n {
                Ok(n) => Ok(format!(
                    "IMAP OK: folder {} with {n} messages (UIDVALIDITY {validity})",
                    server.folder
                )),
                Err(e) => Err(format!("IMAP: {e}")),
            }
        }
        Err(e) => Err(format!("{e:#}")),
    }
}
