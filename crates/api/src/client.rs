//! Who is on the other end of a request: the client's IP address and the host name it
//! asked for. `Forwarded`, `X-Forwarded-For` and `X-Forwarded-Host` are believed only when
//! the socket peer is one of `SPORTELLO_TRUSTED_PROXIES`; otherwise anyone could pick
//! their rate-limit key, their audit address or their tenant by sending a header (which
//! actix's `connection_info()` would believe).

use std::future::{Ready, ready};
use std::net::{IpAddr, Ipv4Addr};

use actix_web::http::header::{self, HeaderMap};
use actix_web::{FromRequest, HttpRequest, web};
use ipnet::IpNet;

use crate::state::AppState;

/// The client of one request, as far as this server can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: IpAddr,
    /// Host name without port, lower-case; empty when none was sent or it is malformed.
    pub host: String,
}

/// `10.0.0.0/8`, `fd00::/8`, or a single address (`127.0.0.1`, `::1`).
pub fn parse_cidr(raw: &str) -> Result<IpNet, String> {
    let raw = raw.trim();
    raw.parse::<IpNet>()
        .or_else(|_| raw.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("not an address or CIDR range: {raw}"))
}

impl ClientInfo {
    pub fn of(req: &HttpRequest, trusted: &[IpNet]) -> Self {
        let peer = req
            .peer_addr()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| canonical(a.ip()));
        let headers = req.headers();
        if !is_trusted(peer, trusted) {
            return Self {
                ip: peer,
                host: normalize_host(host_header(req).unwrap_or("")),
            };
        }
        let forwarded = forwarded_elements(headers);
        let chain: Vec<&str> = if forwarded.is_empty() {
            header_list(headers, "x-forwarded-for")
        } else {
            forwarded.iter().filter_map(|e| param(e, "for")).collect()
        };
        let host = forwarded
            .first()
            .and_then(|e| param(e, "host"))
            .or_else(|| header_list(headers, "x-forwarded-host").first().copied())
            .or_else(|| host_header(req))
            .unwrap_or("");
        Self {
            ip: client_of_chain(peer, &chain, trusted),
            host: normalize_host(host),
        }
    }
}

impl FromRequest for ClientInfo {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let trusted = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.config.trusted_proxies.as_slice())
            .unwrap_or_default();
        ready(Ok(Self::of(req, trusted)))
    }
}

/// IPv4 clients reached over an IPv6 socket count as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 @ IpAddr::V4(_) => v4,
    }
}

fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(&ip))
}

/// Walks the forwarding chain from the nearest hop back: the first address that is not a
/// trusted proxy is the client. A malformed hop ends the walk (nothing before it can be
/// believed); a chain of trusted proxies only gives its first address.
fn client_of_chain(peer: IpAddr, chain: &[&str], trusted: &[IpNet]) -> IpAddr {
    let mut client = peer;
    for hop in chain.iter().rev() {
        let Some(ip) = parse_node(hop) else { break };
        client = ip;
        if !is_trusted(ip, trusted) {
            break;
        }
    }
    client
}

/// `192.0.2.1`, `192.0.2.1:4711`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let s = raw.trim().trim_matches('"');
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok().map(canonical);
    }
    let (host, _port) = s.rsplit_once(':')?;
    host.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

/// Comma-separated values of every occurrence of a header, in order.
fn header_list<'a>(headers: &'a HeaderMap, name: &str) -> Vec<&'a str> {
    headers
        .get_all(name)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// RFC 7239 `Forwarded` elements (`for=…;host=…;proto=…`), nearest proxy last.
fn forwarded_elements(headers: &HeaderMap) -> Vec<&str> {
    header_list(headers, "forwarded")
}

fn param<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    element.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"'))
    })
}

fn host_header(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| {
            req.uri()
                .authority()
                .map(actix_web::http::uri::Authority::as_str)
        })
}

/// Lower-case, without port; only the characters of a DNS name or an address literal.
fn normalize_host(raw: &str) -> String {
    let raw = raw.trim();
    let without_port = if let Some(rest) = raw.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else if raw.matches(':').count() == 1 {
        raw.split(':').next().unwrap_or("")
    } else {
        raw
    };
    let ok = without_port.len() <= 253
        && without_port
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if ok {
        without_port.to_ascii_lowercase()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|s| parse_cidr(s).unwrap()).collect()
    }

    fn from(peer: &str) -> TestRequest {
        TestRequest::default()
            .peer_addr(peer.parse().unwrap())
            .insert_header(("Host", "comune.test:8080"))
    }

    #[test]
    fn headers_of_an_untrusted_peer_are_ignored() {
        let req = from("203.0.113.9:5000")
            .insert_header(("X-Forwarded-For", "198.51.100.1"))
            .insert_header(("X-Forwarded-Host", "altro.test"))
            .to_http_request();
        let c = ClientInfo::of(&req, &nets(&["10.0.0.0/8"]));
        assert_eq!(c.ip.to_string(), "203.0.113.9");
        assert_eq!(c.host, "comune.test");
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_host() {
        let trusted = nets(&["10.0.0.0/8", "127.0.0.1"]);
        // The client forged a first hop; the nearest untrusted address is the real one.
        let req = from("10.1.2.3:5000")
            .insert_header(("X-Forwarded-For", "1.2.3.4, 198.51.100.7, 10.9.9.9"))
            .insert_header(("X-Forwarded-Host", "Altro.Test:443"))
            .to_http_request();
        let c = ClientInfo::of(&req, &trusted);
        assert_eq!(c.ip.to_string(), "198.51.100.7");
        assert_eq!(c.host, "altro.test");
        let req = from("127.0.0.1:5000")
            .insert_header((
                "Forwarded",
                r#"for="[2001:db8::1]:4711";host=sportello.example;proto=https"#,
            ))
            .to_http_request();
        let c = ClientInfo::of(&req, &trusted);
        assert_eq!(c.ip.to_string(), "2001:db8::1");
        assert_eq!(c.host, "sportello.example");
        // Garbage in the chain: stop at the last believable hop.
        let req = from("10.1.2.3:5000")
            .insert_header(("X-Forwarded-For", "198.51.100.7, nonsense"))
            .to_http_request();
        assert_eq!(ClientInfo::of(&req, &trusted).ip.to_string(), "10.1.2.3");
    }

    #[test]
    fn hosts_are_normalised() {
        assert_eq!(normalize_host("Comune.Test:8080"), "comune.test");
        assert_eq!(normalize_host("[::1]:8080"), "::1");
        assert_eq!(normalize_host("evil/../x"), "");
        assert_eq!(normalize_host(&"a".repeat(300)), "");
        assert!(parse_cidr("nope").is_err());
        assert_eq!(
            parse_cidr(" 127.0.0.1 ").unwrap().to_string(),
            "127.0.0.1/32"
        );
    }
}
