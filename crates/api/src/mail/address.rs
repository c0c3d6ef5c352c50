//! E-mail addresses: normalising, reply tokens (`local+token@domain`), Message-IDs.

use rand::Rng;

/// Lower-case, trimmed, without angle brackets.
pub fn normalize(addr: &str) -> String {
    addr.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_lowercase()
}

/// A plausible address: one `@`, non-empty parts, no spaces or angle brackets.
pub fn is_valid(addr: &str) -> bool {
    let a = addr.trim();
    let Some((local, domain)) = a.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && a.len() <= 254
        && !a
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"()[]\\".contains(c))
}

/// Splits `local@domain`.
pub fn split(addr: &str) -> Option<(&str, &str)> {
    addr.rsplit_once('@')
}

/// 26 characters of `[a-z2-7]` (130 bits): the reply token of a request.
pub fn new_token() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut rng = rand::rngs::OsRng;
    (0..26)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The address without its `+tag`, normalised.
pub fn base(addr: &str) -> String {
    let a = normalize(addr);
    match split(&a) {
        Some((local, domain)) => {
            format!("{}@{domain}", local.split('+').next().unwrap_or(local))
        }
        None => a,
    }
}

/// `local+token@domain` for the mailbox `local@domain`.
pub fn reply_address(mailbox: &str, token: &str) -> Option<String> {
    let (local, domain) = split(mailbox)?;
    let base = local.split('+').next().unwrap_or(local);
    Some(format!("{base}+{token}@{domain}"))
}

/// The token of a `local+token@domain` address, if it has the shape of one.
pub fn token_of(addr: &str) -> Option<String> {
    let (local, _) = split(addr)?;
    let (_, token) = local.rsplit_once('+')?;
    let token = token.to_ascii_lowercase();
    (token.len() == 26
        && token
            .bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)))
    .then_some(token)
}

/// A Message-ID (without angle brackets) under the sender's domain.
pub fn message_id(id: &str, from: &str) -> String {
    let domain = split(from)
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
        .unwrap_or("sportello.invalid");
    format!("{id}@{domain}")
}

/// Message-IDs of a header value like `<a@b> <c@d>`, without brackets.
pub fn message_ids(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start + 1..].find('>') else {
            break;
        };
        let id = rest[start + 1..start + 1 + len].trim();
        if !id.is_empty() {
            out.push(id.to_owned());
        }
        rest = &rest[start + 1 + len + 1..];
    }
    if out.is_empty() {
        out.extend(
            value
                .split_whitespace()
                .filter(|s| s.contains('@'))
                .map(str::to_owned),
        );
    }
    out
}

/// Local parts of senders that must never get an automatic answer.
pub fn is_no_reply(addr: &str) -> bool {
    let local = split(addr).map_or(addr, |(l, _)| l).to_ascii_lowercase();
    let local = local.replace(['-', '_', '.'], "");
    local.starts_with("noreply")
        || local.starts_with("donotreply")
        || local.starts_with("mailerdaemon")
        || local == "postmaster"
        || local.starts_with("bounce")
        || local == "posta-certificata"
        || local == "postacertificata"
}

/// `[Prot. 2026/0000123]` (or `Prot. 2026/0000123`, `prot.2026/123`) in a subject.
pub fn protocol_in_subject(subject: &str) -> Option<String> {
    let lower = subject.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("prot") {
        let start = from + pos + 4;
        let rest = &subject[start..];
        let rest = rest
            .trim_start_matches(['.', ':', ' ', 'n', 'N', '°', 'o', '.'])
            .trim_start();
        let digits: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '/')
            .collect();
        if let Some((year, num)) = digits.split_once('/')
            && year.len() == 4
            && !num.is_empty()
            && num.len() <= 7
            && let (Ok(y), Ok(n)) = (year.parse::<u32>(), num.parse::<u32>())
        {
            return Some(format!("{y}/{n:07}"));
        }
        from = start;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_reply_addresses() {
        let t = new_token();
        assert_eq!(t.len(), 26);
        let a = reply_address("protocollo@comune.example.it", &t).unwrap();
        assert_eq!(token_of(&a).as_deref(), Some(t.as_str()));
        assert_eq!(token_of("protocollo@comune.example.it"), None);
        assert_eq!(token_of("anna+news@example.it"), None);
        assert_ne!(new_token(), t);
    }

    #[test]
    fn message_id_lists() {
        assert_eq!(
            message_ids("<a@b>  <c@d>\r\n <e@f>"),
            vec!["a@b", "c@d", "e@f"]
        );
        assert_eq!(message_ids("a@b"), vec!["a@b"]);
        assert!(message_ids("").is_empty());
    }

    #[test]
    fn protocols_in_subjects() {
        assert_eq!(
            protocol_in_subject("Re: [Prot. 2026/0000123] Richiesta ricevuta").as_deref(),
            Some("2026/0000123")
        );
        assert_eq!(
            protocol_in_subject("R: prot.2026/45 sollecito").as_deref(),
            Some("2026/0000045")
        );
        assert_eq!(protocol_in_subject("Protesta per la raccolta"), None);
        assert_eq!(protocol_in_subject("nessun numero"), None);
    }

    #[test]
    fn no_reply_senders() {
        assert!(is_no_reply("no-reply@x.it"));
        assert!(is_no_reply("MAILER-DAEMON@x.it"));
        assert!(is_no_reply("do_not_reply@x.it"));
        assert!(!is_no_reply("anna@x.it"));
        assert!(is_valid("anna@example.it"));
        assert!(!is_valid("anna example.it"));
        assert!(!is_valid("anna@localhost"));
    }
}
