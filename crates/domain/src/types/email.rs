//! E-mail addresses, checked the pragmatic way a desk needs (RFC 5321 sizes, one `@`,
//! a dotted domain) and stored lower-case so that they identify an account.

use crate::error::DomainError;

use super::string_newtype_serde;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err(crate::messages::required(
                "email",
                &crate::messages::FieldName::noun("l'indirizzo e-mail", "the e-mail address"),
            )
            .into());
        }
        if is_valid(&value) {
            Ok(Self(value))
        } else {
            Err(DomainError::invalid(
                "email",
                "L'indirizzo e-mail non è valido (esempio: nome@dominio.it)",
                "The e-mail address is not valid (example: name@domain.com)",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

string_newtype_serde!(Email);

fn is_valid(value: &str) -> bool {
    if value.len() > 254 {
        return false;
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(
            Email::parse("  Mario.Rossi@Comune.Esempio.IT ")
                .unwrap()
                .as_str(),
            "mario.rossi@comune.esempio.it"
        );
        for ok in [
            "a@b.it",
            "nome+tag@pec.comune.it",
            "o'neil@example.com",
            "àlvaro@città.it",
        ] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "mario",
            "mario@",
            "@comune.it",
            "mario@comune",
            "a..b@x.it",
            "a@-x.it",
            "a b@x.it",
            "a@x.1",
            "<script>@x.it",
            "a@b@c.it",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.field_errors()[0].field, "email", "{bad}");
        }
        assert!(Email::parse(&format!("{}@x.it", "a".repeat(65))).is_err());
    }
}
