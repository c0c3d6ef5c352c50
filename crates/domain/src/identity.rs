//! Signing in with a national digital identity (SPID, CIE) through an OpenID Connect proxy
//! (iam-proxy-italia, Keycloak with spid-keycloak-provider): the providers, the levels of
//! assurance, what the provider's claims become on the account, and the settings' rules.
//! The protocol itself (PKCE, JWT checks) is the API crate's; what is decided here is
//! shared with the SPA.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::delivery::coded_enum;
use crate::error::{DomainError, Errors, FieldError};
use crate::types::{CodiceFiscale, Email, PersonName, PhoneNumber};

coded_enum! {
    /// A national digital identity a citizen can sign in with.
    IdentityProvider {
        Spid = "spid",
        Cie = "cie",
    }
}

impl IdentityProvider {
    pub fn label(self) -> &'static str {
        match self {
            Self::Spid => "SPID",
            Self::Cie => "CIE",
        }
    }
}

coded_enum! {
    /// Level of assurance of an identification (SPID levels 1–3; CIE signs in at the same
    /// levels, by the same `acr` values).
    Assurance {
        L1 = "L1",
        L2 = "L2",
        L3 = "L3",
    }
}

impl Assurance {
    /// The `acr` value asked for and returned by the provider.
    pub fn acr(self) -> &'static str {
        match self {
            Self::L1 => "https://www.spid.gov.it/SpidL1",
            Self::L2 => "https://www.spid.gov.it/SpidL2",
            Self::L3 => "https://www.spid.gov.it/SpidL3",
        }
    }

    /// This level is `other` or higher.
    pub fn at_least(self, other: Self) -> bool {
        let rank = |l: Self| Self::ALL.iter().position(|x| *x == l);
        rank(self) >= rank(other)
    }

    pub fn from_acr(acr: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|l| l.acr() == acr)
    }
}

/// The claim that carries the codice fiscale, as `TINIT-<codice fiscale>`.
pub const FISCAL_NUMBER_CLAIM: &str = "https://attributes.eid.gov.it/fiscal_number";

/// The claims Sportello reads, as the provider sent them (ID token and userinfo merged).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct IdentityClaims {
    #[serde(rename = "https://attributes.eid.gov.it/fiscal_number")]
    pub fiscal_number: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    pub phone_number: Option<String>,
}

/// A person as the identity provider vouches for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPerson {
    pub fiscal_code: CodiceFiscale,
    pub first_name: PersonName,
    pub last_name: PersonName,
    /// Only when the provider sent a usable one: a malformed optional claim does not stop
    /// the sign-in.
    pub email: Option<Email>,
    pub phone: Option<PhoneNumber>,
}

impl VerifiedPerson {
    /// The codice fiscale (`TINIT-` stripped) and the names are required; the address and
    /// the phone are taken when they are valid.
    pub fn from_claims(claims: &IdentityClaims) -> Result<Self, DomainError> {
        let mut errors = Errors::new();
        let fiscal_code = match claims.fiscal_number.as_deref().map(str::trim) {
            Some(raw) if !raw.is_empty() => {
                let bare = raw
                    .get(..6)
                    .filter(|p| p.eq_ignore_ascii_case("TINIT-"))
                    .map_or(raw, |_| &raw[6..]);
                errors.check(CodiceFiscale::parse(bare).map_err(|_| {
                    DomainError::invalid(
                        FISCAL_NUMBER_CLAIM,
                        "Il codice fiscale inviato dal gestore dell'identità non è valido",
                        "The identity provider sent an invalid fiscal code",
                    )
                }))
            }
            _ => {
                errors.push(FieldError::new(
                    FISCAL_NUMBER_CLAIM,
                    "Il gestore dell'identità non ha inviato il codice fiscale",
                    "The identity provider sent no fiscal code",
                ));
                None
            }
        };
        let name = |claim: &Option<String>, field: &'static str, errors: &mut Errors| {
            errors.check(
                PersonName::parse(claim.as_deref().unwrap_or_default()).map_err(|_| {
                    DomainError::invalid(
                        field,
                        format!("Il gestore dell'identità non ha inviato «{field}»"),
                        format!("The identity provider sent no valid {field}"),
                    )
                }),
            )
        };
        let first_name = name(&claims.given_name, "given_name", &mut errors);
        let last_name = name(&claims.family_name, "family_name", &mut errors);
        errors.finish()?;
        match (fiscal_code, first_name, last_name) {
            (Some(fiscal_code), Some(first_name), Some(last_name)) => Ok(Self {
                fiscal_code,
                first_name,
                last_name,
                email: claims.email.as_deref().and_then(|e| Email::parse(e).ok()),
                phone: claims
                    .phone_number
                    .as_deref()
                    .and_then(|p| PhoneNumber::parse(p).ok()),
            }),
            _ => Err(DomainError::invalid(
                "claims",
                "Dati d'identità incompleti",
                "Incomplete identity data",
            )),
        }
    }
}

/// Longest client id accepted (the proxies issue short ones).
pub const MAX_CLIENT_ID_CHARS: usize = 255;

/// A provider's settings as the rules see them (the key is checked by the API, which can
/// read it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    pub enabled: bool,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub level: Assurance,
    pub has_key: bool,
}

impl ProviderConfig {
    /// Checks what an administrator saves: an issuer is an `https://` URL (`http://` only
    /// for a loopback test provider, which the installation's egress policy decides), a
    /// client id is one printable line, and a provider is only enabled when complete.
    pub fn check(&self, field: &str) -> Result<(), DomainError> {
        let mut errors = Errors::new();
        if let Some(issuer) = &self.issuer
            && !(issuer.starts_with("https://") || issuer.starts_with("http://"))
        {
            errors.push(FieldError::new(
                format!("{field}.issuer"),
                "L'issuer deve essere un indirizzo https://",
                "The issuer must be an https:// URL",
            ));
        }
        if let Some(id) = &self.client_id
            && (id.chars().count() > MAX_CLIENT_ID_CHARS || id.chars().any(char::is_control))
        {
            errors.push(FieldError::new(
                format!("{field}.client_id"),
                format!(
                    "Client id non valido (una riga, al massimo {MAX_CLIENT_ID_CHARS} caratteri)"
                ),
                format!("Invalid client id (one line, at most {MAX_CLIENT_ID_CHARS} characters)"),
            ));
        }
        if self.enabled {
            for (missing, name_it, name_en) in [
                (self.issuer.is_none(), "issuer", "issuer"),
                (self.client_id.is_none(), "client_id", "client id"),
                (!self.has_key, "private_key", "private key"),
            ] {
                if missing {
                    errors.push(FieldError::new(
                        format!("{field}.{name_it}"),
                        format!("Obbligatorio per attivare l'accesso ({name_it})"),
                        format!("Required to enable sign-in ({name_en})"),
                    ));
                }
            }
        }
        errors.finish()
    }
}

/// The fragment on the address a sign-in at a provider lands on: it tells the app, which
/// cannot see the HttpOnly session cookie, to pick the new session up.
pub const SIGNED_IN_FRAGMENT: &str = "accesso-eseguito";

/// Where the browser goes after a sign-in at a provider.
pub fn landing(return_path: &str) -> String {
    format!("{return_path}#{SIGNED_IN_FRAGMENT}")
}

/// The path in the SPA a sign-in returns to: one of the app's own paths, never another site
/// (any fragment dropped).
pub fn safe_return_path(raw: Option<&str>) -> String {
    const DEFAULT: &str = "/area-personale";
    match raw.map(|r| r.split('#').next().unwrap_or_default().trim()) {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && p.len() <= 200
                && !p.chars().any(char::is_control) =>
        {
            p.to_owned()
        }
        _ => DEFAULT.to_owned(),
    }
}

/// Why a sign-in at a provider did not end in a session: a code for the login page, which
/// says it in the citizen's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInFailure {
    /// The citizen cancelled at the provider, or it refused.
    Denied,
    /// The answer does not belong to a sign-in started in this browser (or it expired).
    Expired,
    /// The provider's answer failed a check (signature, issuer, audience, nonce, time).
    Invalid,
    /// The provider could not be reached or answered out of protocol.
    Unavailable,
    /// The identity lacked the fiscal code or names.
    MissingData,
    /// The account exists but is disabled, or belongs to staff.
    AccountBlocked,
    /// The provider is not configured here.
    NotConfigured,
}

impl SignInFailure {
    pub const ALL: &'static [Self] = &[
        Self::Denied,
        Self::Expired,
        Self::Invalid,
        Self::Unavailable,
        Self::MissingData,
        Self::AccountBlocked,
        Self::NotConfigured,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Denied => "denied",
            Self::Expired => "expired",
            Self::Invalid => "invalid",
            Self::Unavailable => "unavailable",
            Self::MissingData => "missing_data",
            Self::AccountBlocked => "account_blocked",
            Self::NotConfigured => "not_configured",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.code() == code)
    }

    pub fn message_it(self) -> &'static str {
        match self {
            Self::Denied => "Accesso annullato presso il gestore dell'identità.",
            Self::Expired => {
                "La richiesta di accesso è scaduta o non è partita da questo browser: riprova."
            }
            Self::Invalid => {
                "La risposta del gestore dell'identità non ha superato i controlli di sicurezza: accesso non eseguito."
            }
            Self::Unavailable => {
                "Il gestore dell'identità non risponde: riprova fra qualche minuto."
            }
            Self::MissingData => {
                "Il gestore dell'identità non ha inviato codice fiscale, nome e cognome."
            }
            Self::AccountBlocked => {
                "L'account collegato a questo codice fiscale è disattivato: contatta l'ufficio."
            }
            Self::NotConfigured => "Questo accesso non è attivo per il Comune.",
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            Self::Denied => "Sign-in cancelled at the identity provider.",
            Self::Expired => {
                "The sign-in request expired or did not start in this browser: try again."
            }
            Self::Invalid => {
                "The identity provider's answer failed the security checks: not signed in."
            }
            Self::Unavailable => {
                "The identity provider does not answer: try again in a few minutes."
            }
            Self::MissingData => "The identity provider sent no fiscal code and names.",
            Self::AccountBlocked => {
                "The account with this fiscal code is disabled: contact the office."
            }
            Self::NotConfigured => "This sign-in is not enabled for the Comune.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(cf: &str) -> IdentityClaims {
        IdentityClaims {
            fiscal_number: Some(cf.into()),
            given_name: Some("Mario".into()),
            family_name: Some("Rossi".into()),
            email: Some("Mario.Rossi@Example.it".into()),
            phone_number: Some("+393331234567".into()),
        }
    }

    #[test]
    fn fiscal_number_loses_its_prefix() {
        for raw in [
            "TINIT-RSSMRA80A01H501U",
            "tinit-rssmra80a01h501u",
            "RSSMRA80A01H501U",
        ] {
            let p = VerifiedPerson::from_claims(&claims(raw)).unwrap();
            assert_eq!(p.fiscal_code.as_str(), "RSSMRA80A01H501U", "{raw}");
        }
    }

    #[test]
    fn optional_claims_are_dropped_when_malformed() {
        let mut c = claims("TINIT-RSSMRA80A01H501U");
        c.email = Some("not an address".into());
        c.phone_number = Some("12".into());
        let p = VerifiedPerson::from_claims(&c).unwrap();
        assert_eq!((p.email, p.phone), (None, None));
        let ok = VerifiedPerson::from_claims(&claims("TINIT-RSSMRA80A01H501U")).unwrap();
        assert_eq!(ok.email.unwrap().as_str(), "mario.rossi@example.it");
        assert_eq!(ok.phone.unwrap().as_str(), "+393331234567");
    }

    #[test]
    fn required_claims_are_reported() {
        let none = VerifiedPerson::from_claims(&IdentityClaims::default()).unwrap_err();
        let fields: Vec<_> = none
            .field_errors()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(fields, [FISCAL_NUMBER_CLAIM, "given_name", "family_name"]);
        let bad = VerifiedPerson::from_claims(&claims("TINIT-RSSMRA80A01H501X")).unwrap_err();
        assert_eq!(bad.field_errors()[0].field, FISCAL_NUMBER_CLAIM);
    }

    #[test]
    fn levels_round_trip_through_acr() {
        for l in Assurance::ALL {
            assert_eq!(Assurance::from_acr(l.acr()), Some(*l));
        }
        assert_eq!(Assurance::from_acr("urn:other"), None);
    }

    #[test]
    fn enabling_needs_issuer_client_and_key() {
        let cfg = ProviderConfig {
            enabled: true,
            issuer: None,
            client_id: Some("a\nb".into()),
            level: Assurance::L2,
            has_key: false,
        };
        let err = cfg.check("spid").unwrap_err();
        let fields: Vec<_> = err
            .field_errors()
            .iter()
            .map(|e| e.field.to_string())
            .collect();
        assert_eq!(
            fields,
            ["spid.client_id", "spid.issuer", "spid.private_key"]
        );
        let ok = ProviderConfig {
            issuer: Some("https://proxy.example".into()),
            client_id: Some("sportello".into()),
            has_key: true,
            ..cfg
        };
        assert!(ok.check("spid").is_ok());
    }

    #[test]
    fn return_paths_stay_in_the_app() {
        assert_eq!(safe_return_path(Some("/pratiche/1")), "/pratiche/1");
        assert_eq!(safe_return_path(Some("/pratiche/1#x")), "/pratiche/1");
        assert_eq!(landing("/pratiche/1"), "/pratiche/1#accesso-eseguito");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "pratiche",
        ] {
            assert_eq!(safe_return_path(Some(bad)), "/area-personale", "{bad}");
        }
        assert_eq!(safe_return_path(None), "/area-personale");
    }

    #[test]
    fn failure_codes_round_trip() {
        for f in SignInFailure::ALL {
            assert_eq!(SignInFailure::parse(f.code()), Some(*f));
            assert_eq!(serde_json::to_value(f).unwrap(), f.code());
        }
    }
}
