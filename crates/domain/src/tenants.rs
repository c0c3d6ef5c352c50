//! The platform's tenants (Comuni, TARI operators): the rules for their slug and the host
//! names they answer on. Pure, so the console checks a form with the same rules.

use crate::error::DomainError;

/// Longest slug.
pub const MAX_SLUG: usize = 40;
/// Host names one tenant may have.
pub const MAX_HOSTS: usize = 20;

/// A slug: 2 to 40 lowercase letters, digits and hyphens, starting with a letter and not
/// ending with a hyphen (`comune-di-esempio`).
pub fn parse_slug(raw: &str) -> Result<String, DomainError> {
    let s = raw.trim();
    let bad = || {
        DomainError::invalid(
            "slug",
            "Identificativo non valido: da 2 a 40 lettere minuscole, cifre e trattini, \
             iniziando con una lettera",
            "Invalid identifier: 2 to 40 lowercase letters, digits and hyphens, starting with \
             a letter",
        )
    };
    let ok = (2..=MAX_SLUG).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok { Ok(s.to_owned()) } else { Err(bad()) }
}

/// A host name as a browser sends it without the port (`sportello.comune.esempio.it`),
/// lowercased: dot-separated labels of letters, digits and hyphens (1 to 63 each, no
/// leading or trailing hyphen), 253 characters at most, not an IP address. `field` names
/// the input in the error (`hosts[0]`).
pub fn parse_host(raw: &str, field: String) -> Result<String, DomainError> {
    let h = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let is_ip = h.parse::<std::net::Ipv4Addr>().is_ok()
        || h.chars().all(|c| c.is_ascii_digit() || c == '.');
    if h.is_empty() || h.len() > 253 || is_ip || !h.split('.').all(label_ok) {
        return Err(DomainError::invalid(
            field,
            "Nome host non valido: ad esempio sportello.comune.esempio.it (senza https:// né porta)",
            "Invalid host name: e.g. sportello.comune.esempio.it (no https:// nor port)",
        ));
    }
    Ok(h)
}

/// The host names of a form: each checked, duplicates refused, at least one and at most
/// [`MAX_HOSTS`].
pub fn parse_hosts(raw: &[String]) -> Result<Vec<String>, DomainError> {
    let mut errors = crate::error::Errors::new();
    if raw.is_empty() || raw.len() > MAX_HOSTS {
        return Err(DomainError::invalid(
            "hosts",
            format!("Indicare da 1 a {MAX_HOSTS} nomi host"),
            format!("Give 1 to {MAX_HOSTS} host names"),
        ));
    }
    let mut hosts: Vec<String> = Vec::with_capacity(raw.len());
    for (i, h) in raw.iter().enumerate() {
        if let Some(h) = errors.check(parse_host(h, format!("hosts[{i}]"))) {
            if hosts.contains(&h) {
                errors.push(crate::error::FieldError::new(
                    format!("hosts[{i}]"),
                    "Nome host ripetuto",
                    "Host name given twice",
                ));
            } else {
                hosts.push(h);
            }
        }
    }
    errors.finish()?;
    Ok(hosts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["ab", "comune-di-esempio", "roma2", "a1-b2"] {
            assert_eq!(parse_slug(ok).unwrap(), ok);
        }
        for bad in [
            "",
            "a",
            "Roma",
            "1roma",
            "roma-",
            "ro--ma",
            "ro ma",
            "roma_",
            "città",
            &"a".repeat(41),
        ] {
            let e = parse_slug(bad).unwrap_err();
            assert_eq!(e.field_errors()[0].field, "slug", "{bad}");
        }
    }

    #[test]
    fn hosts() {
        assert_eq!(
            parse_host(" Sportello.Comune.Esempio.IT. ", "h".into()).unwrap(),
            "sportello.comune.esempio.it"
        );
        assert_eq!(parse_host("localhost", "h".into()).unwrap(), "localhost");
        for bad in [
            "",
            "https://comune.it",
            "comune.it:8080",
            "comune..it",
            "-comune.it",
            "comune-.it",
            "comune_it.it",
            "10.0.0.1",
            "comune.it/path",
            &format!("{}.it", "a".repeat(64)),
        ] {
            let e = parse_host(bad, "hosts[3]".into()).unwrap_err();
            assert_eq!(e.field_errors()[0].field, "hosts[3]", "{bad}");
        }
    }

    #[test]
    fn host_lists() {
        let hosts = parse_hosts(&["a.it".into(), "B.it".into()]).unwrap();
        assert_eq!(hosts, ["a.it", "b.it"]);
        let e = parse_hosts(&["a.it".into(), "A.it".into()]).unwrap_err();
        assert_eq!(e.field_errors()[0].field, "hosts[1]");
        assert_eq!(
            parse_hosts(&[]).unwrap_err().field_errors()[0].field,
            "hosts"
        );
    }
}
