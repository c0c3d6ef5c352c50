//! The background workers: the outbox (notices → deliveries → SMTP, SMS, App IO) and the
//! IMAP poller. They run in the server process (`SPORTELLO_BACKGROUND_WORKERS`), any number
//! of nodes may run them (leases and conditional updates keep work exclusive), and they
//! stop between two units of work when the server shuts down.

use std::time::Duration as StdDuration;

use actix_web::web;
use chrono::{Duration, Utc};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::imap::{self, ImapServer};
use super::inbound::{self, Outcome};
use super::outbound;
use crate::db::models::MailboxRow;
use crate::db::repo::mail;
use crate::egress::Failure;
use crate::error::{ApiError, ApiResult, blocking};
use crate::state::AppState;

/// Running workers; dropping them does not stop them, [`Workers::stop`] does.
#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    handles: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts the outbox worker and the IMAP poller.
    pub fn spawn(state: web::Data<AppState>) -> Self {
        let (stop, rx) = watch::channel(false);
        let every = StdDuration::from_millis(state.config.worker_interval_ms.max(50));
        let outbox = tokio::spawn(run_loop(rx.clone(), every, {
            let state = state.clone();
            move || {
                let state = state.clone();
                async move {
                    if let Err(e) = run_outbox_once(&state).await {
                        tracing::error!(error = %e, "outbox worker");
                    }
                }
            }
        }));
        let poller = tokio::spawn(run_loop(rx.clone(), every, {
            let rx = rx.clone();
            move || {
                let state = state.clone();
                let rx = rx.clone();
                async move {
                    if let Err(e) = poll_all_once(&state, &rx).await {
                        tracing::error!(error = %e, "mail poller");
                    }
                }
            }
        }));
        Self {
            stop,
            handles: vec![outbox, poller],
        }
    }

    /// Asks the workers to stop and waits (up to 30 s) for their current work to finish.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for h in self.handles {
            let _ = tokio::time::timeout(StdDuration::from_secs(30), h).await;
        }
    }

    /// Stops at once, abandoning work in progress (what a crash does).
    pub fn abort(self) {
        for h in self.handles {
            h.abort();
        }
    }
}

async fn run_loop<F, Fut>(mut stop: watch::Receiver<bool>, every: StdDuration, work: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    loop {
        if *stop.borrow() {
            break;
        }
        work().await;
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
}

/// One pass of the outbox: expand due notices, then send due deliveries.
pub async fn run_outbox_once(state: &web::Data<AppState>) -> ApiResult<(usize, usize)> {
    let expanded = outbound::expand_due(state).await?;
    let mut sent = 0;
    loop {
        let n = outbound::send_due(state).await?;
        sent += n;
        if n == 0 {
            break;
        }
    }
    Ok((expanded, sent))
}

/// Polls every enabled mailbox once. Returns how many mails were processed.
pub async fn poll_all_once(
    state: &web::Data<AppState>,
    stop: &watch::Receiver<bool>,
) -> ApiResult<usize> {
    let st = state.clone();
    let boxes = blocking(move || st.db.read(mail::pollable_mailboxes)).await?;
    let mut total = 0;
    for b in boxes {
        if *stop.borrow() {
            break;
        }
        total += poll_mailbox(state, &b, stop).await?;
    }
    Ok(total)
}

/// Polls one mailbox: takes its lease, fetches the mails after the last UID and processes
/// them one by one, each in its own transaction with the new last UID.
pub async fn poll_mailbox(
    state: &web::Data<AppState>,
    mailbox: &MailboxRow,
    stop: &watch::Receiver<bool>,
) -> ApiResult<usize> {
    let server = match ImapServer::of_mailbox(mailbox, &state.secret_key) {
        Ok(Some(server)) => Some(server),
        Ok(None) => return Ok(0),
        Err(_) => None,
    };
    let st = state.clone();
    let id = mailbox.id.clone();
    let lease = i64::try_from(state.config.mail_poll_lease_seconds.max(1)).unwrap_or(300);
    let leased = blocking(move || {
        let now = Utc::now();
        st.db.write_tx(|c| {
            mail::lease_mailbox(
                c,
                &id,
                now.naive_utc(),
                (now + Duration::seconds(lease)).naive_utc(),
            )
        })
    })
    .await?;
    if !leased {
        return Ok(0);
    }
    let result = match &server {
        Some(server) => poll_leased(state, mailbox, server, stop).await,
        None => Err(Failure::Secret.into()),
    };
    // Administrators see the category of a failure (never the server's own words); the
    // log has the whole chain.
    let error = result.as_ref().err().map(|e| {
        tracing::warn!(mailbox = %mailbox.id, error = %format!("{e:#}"), "mail poll failed");
        e.downcast_ref::<Failure>().map_or_else(
            || "IMAP: processing failed (see the server log)".to_owned(),
            |f| format!("IMAP: {f}"),
        )
    });
    let st = state.clone();
    let id = mailbox.id.clone();
    blocking(move || {
        st.db
            .write_tx(|c| mail::release_mailbox(c, &id, Utc::now().naive_utc(), error.as_deref()))
    })
    .await?;
    Ok(result.unwrap_or(0))
}

async fn poll_leased(
    state: &web::Data<AppState>,
    mailbox: &MailboxRow,
    server: &ImapServer,
    stop: &watch::Receiver<bool>,
) -> anyhow::Result<usize> {
    let (mut session, validity) = imap::connect(server, &state.egress).await?;
    let validity = i64::from(validity);
    // Re-read the position: another node may have advanced it since the list was loaded.
    let st = state.clone();
    let id = mailbox.id.clone();
    let tenant_id = mailbox.tenant_id.clone();
    let mut current = blocking(move || st.db.read(|c| mail::find_mailbox(c, &tenant_id, &id)))
        .await?
        .ok_or_else(|| anyhow::anyhow!("mailbox deleted"))?;
    if current.uid_validity != Some(validity) {
        let st = state.clone();
        let id = current.id.clone();
        blocking(move || {
            st.db
                .write_tx(|c| mail::reset_uid_validity(c, &id, validity))
        })
        .await?;
        current.uid_validity = Some(validity);
        current.last_uid = 0;
    }
    let after = u32::try_from(current.last_uid).unwrap_or(u32::MAX);
    let batch = usize::try_from(state.config.mail_poll_batch.max(1)).unwrap_or(25);
    let uids = imap::new_uids(&mut session, after, batch)
        .await
        .map_err(|e| Failure::Protocol.because("IMAP", &e))?;
    let mut done = 0;
    for uid in uids {
        if *stop.borrow() {
            break;
        }
        let Some(fetched) = imap::fetch(&mut session, uid)
            .await
            .map_err(|e| Failure::Protocol.because("IMAP", &e))?
        else {
            continue;
        };
        let st = state.clone();
        let mb = current.clone();
        let outcome = blocking(move || inbound::process(&st, &mb, validity, &fetched)).await;
        match outcome {
            Ok(Outcome::AlreadyDone) => break,
            Ok(o) => {
                tracing::info!(mailbox = %current.id, uid, outcome = ?o, "mail processed");
                done += 1;
            }
            Err(ApiError::Internal(e)) => return Err(e),
            Err(e) => return Err(anyhow::anyhow!("{e}")),
        }
    }
    let _ = session.logout().await;
    Ok(done)
}
