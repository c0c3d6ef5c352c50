//! The way out to tenants' integrations (SMS gateway, App IO, IMAP and SMTP servers, and
//! any later HTTP integration): [`domain::egress`]'s policy applied to the address as
//! typed, when it is saved and again before each use, and to every address it resolves to
//! when connecting (so a name that later resolves elsewhere, DNS rebinding, is caught).
//! One HTTP client for all of them: no redirects followed, no proxy (the proxy would
//! resolve the name, out of our sight), the policy in its DNS resolver.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use domain::api::MailSecurity;
use domain::egress::{EgressPolicy, Host, Refusal};

/// The policy and the HTTP client built with it.
#[derive(Clone)]
pub struct Egress {
    policy: EgressPolicy,
    client: reqwest::Client,
}

impl std::fmt::Debug for Egress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Egress")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// Why a connection to an integration failed, in our own words: what the remote server
/// answered is never repeated to tenant users (it would turn the integration settings
/// into a probe of whatever answers at that address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("{0}")]
    Refused(Refusal),
    #[error("the host name does not resolve")]
    Dns,
    #[error("could not connect")]
    Connect,
    #[error("timed out")]
    Timeout,
    #[error("TLS handshake failed (certificate or protocol)")]
    Tls,
    #[error("login refused (check user and password)")]
    Login,
    #[error("folder not found")]
    Folder,
    #[error("unexpected answer from the server")]
    Protocol,
    #[error("the stored password cannot be read with this installation's secret key")]
    Secret,
}

impl Failure {
    /// Logs what really happened (for the installation's operators) and returns the category.
    #[must_use]
    pub fn because(self, what: &str, detail: &dyn std::fmt::Display) -> Self {
        tracing::warn!(integration = what, failure = %self, detail = %detail, "integration failed");
        self
    }
}

impl Egress {
    pub fn new(policy: EgressPolicy) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("Sportello/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(Resolver { policy }))
            .build()?;
        Ok(Self { policy, client })
    }

    pub fn policy(&self) -> EgressPolicy {
        self.policy
    }

    /// The shared HTTP client. Check the URL with [`Egress::check_url`] first: the
    /// resolver sees host names only, not addresses written in the URL.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// An integration URL: `https://` (plain `http://` only to an allowed loopback host),
    /// no credentials in it, a host the policy permits.
    pub fn check_url(&self, raw: &str) -> Result<reqwest::Url, Refusal> {
        let url = reqwest::Url::parse(raw.trim()).map_err(|_| Refusal::Invalid)?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err(Refusal::Invalid),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refusal::Invalid);
        }
        let host = url.host().ok_or(Refusal::Invalid)?;
        self.policy.check_http(https, domain_host(&host))?;
        Ok(url)
    }

    /// A mail server: TLS or STARTTLS (none only to an allowed loopback host), a host the
    /// policy permits.
    pub fn check_mail_host(&self, host: &str, security: MailSecurity) -> Result<(), Refusal> {
        let parsed = parse_host(host).ok_or(Refusal::Invalid)?;
        self.policy
            .check_mail(security != MailSecurity::Plain, domain_host(&parsed))
    }

    /// Resolves a mail server's host; every address must pass the policy.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, Failure> {
        let name = host.trim().trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
            .await
            .map_err(|e| Failure::Dns.because(host, &e))?
            .collect();
        if addrs.is_empty() {
            return Err(Failure::Dns);
        }
        for a in &addrs {
            self.policy.check_ip(a.ip()).map_err(Failure::Refused)?;
        }
        Ok(addrs)
    }
}

/// A host as written by an administrator, normalised the way a URL parser does (so
/// `2130706433` or `0x7f.1` are read as the addresses they are).
fn parse_host(host: &str) -> Option<url::Host<String>> {
    let h = host.trim();
    let h = if h.contains(':') && !h.starts_with('[') {
        format!("[{h}]")
    } else {
        h.to_owned()
    };
    let url = reqwest::Url::parse(&format!("https://{h}/")).ok()?;
    (url.port().is_none() && url.path() == "/")
        .then(|| url.host().map(|h| h.to_owned()))
        .flatten()
}

fn domain_host<S: AsRef<str>>(host: &url::Host<S>) -> Host<'_> {
    match host {
        url::Host::Domain(d) => Host::Name(d.as_ref()),
        url::Host::Ipv4(ip) => Host::Ip(IpAddr::V4(*ip)),
        url::Host::Ipv6(ip) => Host::Ip(IpAddr::V6(*ip)),
    }
}

/// The HTTP client's resolver: the system's answers, refused when any address is.
struct Resolver {
    policy: EgressPolicy,
}

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            for a in &addrs {
                policy.check_ip(a.ip())?;
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The policy refusal behind an HTTP client error, if that is what it was.
pub fn refusal_in(err: &(dyn std::error::Error + 'static)) -> Option<Refusal> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<Refusal>() {
            return Some(*r);
        }
        cur = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> Egress {
        Egress::new(EgressPolicy::default()).unwrap()
    }

    #[test]
    fn urls() {
        let e = strict();
        assert!(e.check_url("https://sms.example.it/send").is_ok());
        assert_eq!(
            e.check_url("http://sms.example.it/send"),
            Err(Refusal::Unencrypted)
        );
        assert_eq!(
            e.check_url("https://user:pw@sms.example.it/"),
            Err(Refusal::Invalid)
        );
        assert_eq!(e.check_url("ftp://sms.example.it/"), Err(Refusal::Invalid));
        for loopback in [
            "https://127.0.0.1/",
            "https://localhost:8443/",
            "https://[::1]/",
            "https://2130706433/",
            "https://0x7f.1/",
            "https://[::ffff:127.0.0.1]/",
        ] {
            assert!(
                matches!(e.check_url(loopback), Err(Refusal::Address(_))),
                "{loopback}"
            );
        }
        assert!(e.check_url("https://10.0.0.1/").is_err());
        assert!(e.check_url("https://169.254.169.254/latest").is_err());
    }

    #[test]
    fn mail_hosts() {
        let e = strict();
        assert!(
            e.check_mail_host("imap.example.it", MailSecurity::Tls)
                .is_ok()
        );
        assert_eq!(
            e.check_mail_host("imap.example.it", MailSecurity::Plain),
            Err(Refusal::Unencrypted)
        );
        assert!(
            e.check_mail_host("192.168.1.10", MailSecurity::Tls)
                .is_err()
        );
        assert!(e.check_mail_host("::1", MailSecurity::Tls).is_err());
        assert!(e.check_mail_host("[::1]", MailSecurity::Tls).is_err());
        assert!(e.check_mail_host("2130706433", MailSecurity::Tls).is_err());
        let open = Egress::new(EgressPolicy {
            allow_loopback: true,
            allow_private: false,
        })
        .unwrap();
        assert!(
            open.check_mail_host("127.0.0.1", MailSecurity::Plain)
                .is_ok()
        );
    }

    /// The resolver is the check at connect time: a name (not caught by the URL check)
    /// that resolves to a refused address never gets a request.
    #[tokio::test]
    async fn the_resolver_refuses_names_that_resolve_to_refused_addresses() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = tokio::spawn(async move {
            tokio::time::timeout(Duration::from_secs(2), listener.accept())
                .await
                .is_ok()
        });
        let err = strict()
            .client()
            .get(format!("http://localhost:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            refusal_in(&err),
            Some(Refusal::Address(domain::egress::AddressClass::Loopback)),
            "{err:?}"
        );
        assert!(!accepted.await.unwrap(), "no connection was made");
        assert!(
            strict()
                .resolve("localhost", port)
                .await
                .is_err_and(|f| matches!(f, Failure::Refused(_)))
        );
    }
}
