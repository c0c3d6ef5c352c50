//! Which servers Sportello may call on a tenant's behalf. A tenant administrator types the
//! SMS gateway and App IO addresses and the IMAP/SMTP hosts of mailboxes; without a policy
//! those fields would let them make the server talk to its own loopback services, the
//! operator's private network or a cloud metadata endpoint. One policy decides, for the
//! address as typed (at save time) and for every address it resolves to (at connect time).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::FieldError;

/// What kind of network an address belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    /// Reachable on the Internet.
    Public,
    /// This machine: 127.0.0.0/8, ::1, and 0.0.0.0/8 or :: (which reach it too).
    Loopback,
    /// Private, shared (CGNAT) and link-local networks: 10/8, 172.16/12, 192.168/16,
    /// 100.64/10, 169.254/16, fc00::/7, fec0::/10, fe80::/10.
    Private,
    /// Cloud instance metadata services: never a legitimate integration.
    Metadata,
    /// Multicast, broadcast, documentation, benchmarking and reserved ranges.
    Reserved,
}

/// The installation's choices (tenants cannot change them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EgressPolicy {
    /// Loopback servers (and unencrypted connections to them): tests, a local relay.
    pub allow_loopback: bool,
    /// Private networks: an on-premises mail server or gateway.
    pub allow_private: bool,
}

/// Why an address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a usable address (no host, a scheme other than http(s), credentials in it).
    Invalid,
    /// Plain `http://`, or a mail server without TLS/STARTTLS, on a non-loopback host.
    Unencrypted,
    /// The host is, or resolves to, an address of this class, which is not allowed.
    Address(AddressClass),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Invalid => "not a valid server address",
            Self::Unencrypted => "unencrypted connections are not allowed",
            Self::Address(AddressClass::Loopback) => "loopback addresses are not allowed",
            Self::Address(AddressClass::Private) => "private network addresses are not allowed",
            Self::Address(AddressClass::Metadata) => "metadata service addresses are not allowed",
            Self::Address(_) => "reserved addresses are not allowed",
        })
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    /// The field error an API answer carries.
    pub fn field_error(self, field: &'static str, mail: bool) -> FieldError {
        let (it, en) = match self {
            Self::Invalid if mail => ("Nome del server non valido", "Invalid server name"),
            Self::Invalid => (
                "Indirizzo non valido: usare https://host/percorso, senza credenziali",
                "Invalid address: use https://host/path, without credentials",
            ),
            Self::Unencrypted if mail => (
                "Connessione senza cifratura non ammessa: usare tls o starttls",
                "Unencrypted connections are not allowed: use tls or starttls",
            ),
            Self::Unencrypted => (
                "Indirizzo non cifrato: usare https://",
                "Unencrypted address: use https://",
            ),
            Self::Address(AddressClass::Loopback) => (
                "Server locale (loopback) non ammesso da questa installazione",
                "Local (loopback) servers are not allowed by this installation",
            ),
            Self::Address(AddressClass::Private) => (
                "Indirizzo di rete privata non ammesso da questa installazione",
                "Private network addresses are not allowed by this installation",
            ),
            Self::Address(AddressClass::Metadata) => (
                "Indirizzo di un servizio di metadati: non ammesso",
                "A metadata service address: not allowed",
            ),
            Self::Address(_) => (
                "Indirizzo riservato: non ammesso",
                "A reserved address: not allowed",
            ),
        };
        FieldError::new(field, it, en)
    }
}

/// A host as typed: a name or an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host<'a> {
    Name(&'a str),
    Ip(IpAddr),
}

/// The class of an address. IPv6 forms that carry an IPv4 address (mapped, compatible,
/// NAT64, 6to4) are judged by that address.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    let [a, b, c, d] = ip.octets();
    match (a, b, c, d) {
        (169, 254, 169, 254) | (100, 100, 100, 200) | (192, 0, 0, 192) => AddressClass::Metadata,
        (127 | 0, ..) => AddressClass::Loopback,
        (10, ..) | (192, 168, ..) | (169, 254, ..) => AddressClass::Private,
        (172, b, ..) if (16..32).contains(&b) => AddressClass::Private,
        (100, b, ..) if (64..128).contains(&b) => AddressClass::Private,
        (192, 0, 0 | 2, _) | (198, 51, 100, _) | (203, 0, 113, _) => AddressClass::Reserved,
        (198, 18 | 19, ..) => AddressClass::Reserved,
        (224.., ..) => AddressClass::Reserved,
        _ => AddressClass::Public,
    }
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let s = ip.segments();
    if ip.is_loopback() || ip.is_unspecified() {
        return AddressClass::Loopback;
    }
    // IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address.
    let embedded = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..6] == [0; 6] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return classify_v4(embedded());
    }
    if s[0] == 0x2002 {
        // 6to4: the IPv4 address is in the second and third segments.
        let v4 = Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8);
        return classify_v4(v4);
    }
    if s == [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254] {
        return AddressClass::Metadata;
    }
    match s[0] {
        x if x & 0xfe00 == 0xfc00 => AddressClass::Private, // unique local
        x if x & 0xffc0 == 0xfe80 || x & 0xffc0 == 0xfec0 => AddressClass::Private, // link/site local
        x if x & 0xff00 == 0xff00 => AddressClass::Reserved,                        // multicast
        0x2001 if s[1] == 0x0db8 => AddressClass::Reserved,                         // documentation
        _ => AddressClass::Public,
    }
}

/// The class of a host as typed. Names are public until resolved, except `localhost` (and
/// `*.localhost`, RFC 6761) and the metadata service names of the big clouds.
pub fn classify_host(host: Host<'_>) -> AddressClass {
    match host {
        Host::Ip(ip) => classify(ip),
        Host::Name(name) => {
            let n = name.trim_end_matches('.').to_ascii_lowercase();
            if n == "localhost" || n.ends_with(".localhost") {
                AddressClass::Loopback
            } else if n == "metadata.google.internal" || n == "metadata" {
                AddressClass::Metadata
            } else {
                AddressClass::Public
            }
        }
    }
}

impl EgressPolicy {
    /// Whether addresses of this class may be called.
    pub fn permits(self, class: AddressClass) -> bool {
        match class {
            AddressClass::Public => true,
            AddressClass::Loopback => self.allow_loopback,
            AddressClass::Private => self.allow_private,
            AddressClass::Metadata | AddressClass::Reserved => false,
        }
    }

    /// Connect time: every address a host resolved to must pass.
    pub fn check_ip(self, ip: IpAddr) -> Result<(), Refusal> {
        let class = classify(ip);
        if self.permits(class) {
            Ok(())
        } else {
            Err(Refusal::Address(class))
        }
    }

    /// An HTTP(S) integration: HTTPS, or plain HTTP to an allowed loopback host.
    pub fn check_http(self, https: bool, host: Host<'_>) -> Result<(), Refusal> {
        self.check_transport(https, host)
    }

    /// A mail server: TLS or STARTTLS, or none to an allowed loopback host.
    pub fn check_mail(self, encrypted: bool, host: Host<'_>) -> Result<(), Refusal> {
        self.check_transport(encrypted, host)
    }

    fn check_transport(self, encrypted: bool, host: Host<'_>) -> Result<(), Refusal> {
        let class = classify_host(host);
        if !self.permits(class) {
            return Err(Refusal::Address(class));
        }
        if !encrypted && class != AddressClass::Loopback {
            return Err(Refusal::Unencrypted);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> AddressClass {
        classify(s.parse().unwrap())
    }

    #[test]
    fn address_classes() {
        for (ip, want) in [
            ("8.8.8.8", AddressClass::Public),
            ("2a00:1450::1", AddressClass::Public),
            ("127.0.0.1", AddressClass::Loopback),
            ("127.8.9.1", AddressClass::Loopback),
            ("0.0.0.0", AddressClass::Loopback),
            ("::1", AddressClass::Loopback),
            ("::", AddressClass::Loopback),
            ("::ffff:127.0.0.1", AddressClass::Loopback),
            ("10.1.2.3", AddressClass::Private),
            ("172.16.0.1", AddressClass::Private),
            ("172.31.255.255", AddressClass::Private),
            ("172.32.0.1", AddressClass::Public),
            ("192.168.1.1", AddressClass::Private),
            ("100.64.0.1", AddressClass::Private),
            ("100.128.0.1", AddressClass::Public),
            ("169.254.1.1", AddressClass::Private),
            ("fd12::1", AddressClass::Private),
            ("fe80::1", AddressClass::Private),
            ("::ffff:10.0.0.1", AddressClass::Private),
            ("64:ff9b::a00:1", AddressClass::Private),
            ("2002:c0a8:101::1", AddressClass::Private),
            ("169.254.169.254", AddressClass::Metadata),
            ("fd00:ec2::254", AddressClass::Metadata),
            ("::ffff:169.254.169.254", AddressClass::Metadata),
            ("224.0.0.1", AddressClass::Reserved),
            ("255.255.255.255", AddressClass::Reserved),
            ("192.0.2.1", AddressClass::Reserved),
            ("ff02::1", AddressClass::Reserved),
        ] {
            assert_eq!(class(ip), want, "{ip}");
        }
    }

    #[test]
    fn policy() {
        let strict = EgressPolicy::default();
        let open = EgressPolicy {
            allow_loopback: true,
            allow_private: true,
        };
        let name = Host::Name("sms.example.it");
        let lo = Host::Name("localhost");
        let private = Host::Ip("10.0.0.5".parse().unwrap());
        assert_eq!(strict.check_http(true, name), Ok(()));
        assert_eq!(strict.check_http(false, name), Err(Refusal::Unencrypted));
        assert_eq!(
            strict.check_http(true, lo),
            Err(Refusal::Address(AddressClass::Loopback))
        );
        assert_eq!(open.check_http(false, lo), Ok(()));
        assert_eq!(
            strict.check_mail(true, private),
            Err(Refusal::Address(AddressClass::Private))
        );
        assert_eq!(open.check_mail(true, private), Ok(()));
        // Encryption is waived for loopback only, even where private networks are allowed.
        assert_eq!(open.check_mail(false, private), Err(Refusal::Unencrypted));
        // Metadata services stay out whatever the installation allows.
        let metadata = Host::Ip("169.254.169.254".parse().unwrap());
        assert!(open.check_http(true, metadata).is_err());
        assert!(open.check_ip("169.254.169.254".parse().unwrap()).is_err());
        assert!(
            open.check_http(true, Host::Name("metadata.google.internal."))
                .is_err()
        );
    }
}
