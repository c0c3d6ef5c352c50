//! Who really sent an incoming mail, as far as the mailbox can tell.
//!
//! - Ordinary mail: the provider's `Authentication-Results` ([`authres`]) must carry the
//!   mailbox's authserv-id and show DMARC (or an aligned DKIM signature) passing for the
//!   `From` domain. A mailbox without an authserv-id verifies nobody.
//! - PEC (on PEC mailboxes only): the envelope is authentic when the provider's S/MIME
//!   signature verifies against the certificates configured on the mailbox ([`smime`]), or
//!   when the provider's authentication results pass for the envelope's domain. A certified
//!   message's sender is then the certified `mittente`; receipts are believed only then.

use chrono::{DateTime, Utc};
use mail_parser::{MessageParser, MimeHeaders};
use serde_json::Value;

use super::address;
use super::authres;
use super::parse::Inbound;
use super::pec::{self, PecKind};
use super::smime;
use crate::db::models::MailboxRow;

/// An authentic PEC envelope and the certification data it vouches for.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// `daticert.xml`: from the signed content when the signature verified.
    pub meta: Value,
    /// Whether the transport headers (`X-Ricevuta`, `X-Riferimento-Message-ID`) are
    /// authenticated too: by the provider's results, not by S/MIME (which signs the body).
    pub headers_authentic: bool,
}

impl Envelope {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.meta.get(key).and_then(Value::as_str)
    }
}

/// What the mailbox could establish about a mail; `Err` says why not, in Italian (it is
/// shown to operators).
#[derive(Debug, Clone)]
pub struct Trust {
    /// The sender (`Inbound::from`) is who they claim to be.
    pub sender: Result<(), String>,
    /// PEC only: the envelope is the provider's.
    pub envelope: Result<Envelope, String>,
}

fn domain(addr: &str) -> &str {
    addr.rsplit_once('@').map_or("", |(_, d)| d)
}

/// The provider's verdict on mail from `addr`'s domain.
fn provider_says(mailbox: &MailboxRow, m: &Inbound, addr: &str) -> Result<(), String> {
    let Some(id) = mailbox
        .authserv_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Err("sulla casella non è configurato l'authserv-id del gestore".into());
    };
    if !address::is_valid(addr) {
        return Err("mittente senza un indirizzo valido".into());
    }
    let results = authres::trusted(m.auth_results.iter().map(String::as_str), id);
    authres::authenticates(&results, domain(addr))
}

/// `daticert.xml` of a signed envelope's content.
fn signed_daticert(content: &[u8]) -> Value {
    MessageParser::default()
        .parse(content)
        .and_then(|msg| {
            msg.attachments()
                .find(|p| {
                    p.attachment_name()
                        .is_some_and(|n| n.eq_ignore_ascii_case("daticert.xml"))
                })
                .map(|p| pec::daticert(&String::from_utf8_lossy(p.contents())))
        })
        .unwrap_or_else(|| Value::Object(serde_json::Map::new()))
}

fn envelope(
    mailbox: &MailboxRow,
    raw: &[u8],
    m: &Inbound,
    envelope_from: &str,
    meta: &Value,
    at: DateTime<Utc>,
) -> Result<Envelope, String> {
    let signature = match mailbox
        .pec_certificates
        .as_deref()
        .filter(|p| !p.trim().is_empty())
    {
        Some(pem) => smime::certificates(pem)
            .and_then(|anchors| smime::verify_mail(raw, &anchors, at))
            .map_err(|e| format!("firma della busta: {e}")),
        None => Err("nessun certificato PEC configurato sulla casella".into()),
    };
    match signature {
        Ok(content) => Ok(Envelope {
            meta: signed_daticert(&content),
            headers_authentic: false,
        }),
        Err(why) => match provider_says(mailbox, m, envelope_from) {
            Ok(()) => Ok(Envelope {
                meta: meta.clone(),
                headers_authentic: true,
            }),
            Err(also) => Err(format!("{why}; {also}")),
        },
    }
}

/// Assesses a parsed mail of `mailbox` as received (`raw`) at `at`.
pub fn assess(mailbox: &MailboxRow, raw: &[u8], m: &Inbound, at: DateTime<Utc>) -> Trust {
    let Some(p) = &m.pec else {
        let sender = if m.from_count == 1 {
            provider_says(mailbox, m, &m.from)
        } else {
            Err("il campo From non indica un solo mittente".into())
        };
        return Trust {
            sender,
            envelope: Err("non è una busta PEC".into()),
        };
    };
    let env = envelope(mailbox, raw, m, &p.envelope_from, &p.meta, at);
    let sender = match (&p.kind, &env) {
        (PecKind::Certified, Ok(e)) => match e.get("mittente") {
            Some(certified) if address::normalize(certified) == m.from => Ok(()),
            Some(_) => Err("il mittente del messaggio non è quello certificato".into()),
            None => Err("la busta non indica il mittente certificato".into()),
        },
        (PecKind::Certified, Err(why)) => Err(format!("busta PEC non autentica ({why})")),
        (PecKind::Anomaly, _) => Err("busta di anomalia: il mittente non è certificato".into()),
        (PecKind::Receipt(_), _) => Err("ricevuta PEC".into()),
    };
    Trust {
        sender,
        envelope: env,
    }
}
