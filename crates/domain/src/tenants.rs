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

/// The contacts an administrator saves, checked and normalised: blank fields become
/// "not set", PEC and e-mail lower-case, the phone in E.164, the partita IVA 11 digits.
/// Every bad field is reported, under `contacts.<field>`.
pub fn check_contacts(
    raw: &crate::api::TenantContacts,
) -> Result<crate::api::TenantContacts, DomainError> {
    use crate::content::optional_text;
    use crate::error::Errors;
    use crate::types::{Email, PhoneNumber};

    let mut errors = Errors::new();
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let mut text = |field: &'static str, v: &Option<String>, label: (&str, &str)| {
        errors
            .check(optional_text(field, v.as_deref(), label, 200, false))
            .flatten()
    };
    let parent_body = text(
        "contacts.parent_body",
        &raw.parent_body,
        ("Ente di appartenenza", "Parent body"),
    );
    let address = text("contacts.address", &raw.address, ("Indirizzo", "Address"));
    let mut email = |field: &'static str, v: &Option<String>| {
        blank(v).and_then(|v| {
            errors
                .check(Email::parse(&v).map_err(|e| e.at_field(field)))
                .map(|e| e.as_str().to_owned())
        })
    };
    let pec = email("contacts.pec", &raw.pec);
    let mail = email("contacts.email", &raw.email);
    let phone = blank(&raw.phone).and_then(|v| {
        errors
            .check(PhoneNumber::parse(&v).map_err(|e| e.at_field("contacts.phone")))
            .map(|p| p.as_str().to_owned())
    });
    let vat_number = blank(&raw.vat_number).and_then(|v| {
        let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
        let digits = compact.strip_prefix("IT").unwrap_or(&compact);
        if digits.len() == 11 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Some(digits.to_owned())
        } else {
            errors.push(crate::error::FieldError::new(
                "contacts.vat_number",
                "La partita IVA ha 11 cifre",
                "The VAT number has 11 digits",
            ));
            None
        }
    });
    errors.finish()?;
    Ok(crate::api::TenantContacts {
        parent_body,
        address,
        pec,
        email: mail,
        phone,
        vat_number,
    })
}

#[cfg(test)]
mod contacts_tests {
    use super::check_contacts;
    use crate::api::TenantContacts;

    #[test]
    fn contacts_are_normalised_and_blanks_cleared() {
        let c = check_contacts(&TenantContacts {
            parent_body: Some("  Regione Lazio ".into()),
            address: Some(" ".into()),
            pec: Some("Protocollo@PEC.Comune.Esempio.it".into()),
            email: None,
            phone: Some("06 1234567".into()),
            vat_number: Some("IT 00123450678".into()),
        })
        .unwrap();
        assert_eq!(c.parent_body.as_deref(), Some("Regione Lazio"));
        assert_eq!(c.address, None);
        assert_eq!(c.pec.as_deref(), Some("protocollo@pec.comune.esempio.it"));
        assert_eq!(c.phone.as_deref(), Some("+39061234567"));
        assert_eq!(c.vat_number.as_deref(), Some("00123450678"));
    }

    #[test]
    fn every_bad_contact_is_reported_under_its_field() {
        let err = check_contacts(&TenantContacts {
            pec: Some("not-an-address".into()),
            phone: Some("12".into()),
            vat_number: Some("123".into()),
            address: Some("x".repeat(201)),
            ..TenantContacts::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_ref())
            .collect();
        assert_eq!(
            fields,
            [
                "contacts.address",
                "contacts.pec",
                "contacts.phone",
                "contacts.vat_number"
            ]
        );
    }
}
