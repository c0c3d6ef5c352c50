//! Value types that validate on construction: once built, they hold a good value.

mod codice_fiscale;
mod email;
mod money;
mod password;
mod phone;
mod text;

pub use codice_fiscale::CodiceFiscale;
pub use email::Email;
pub use money::Money;
pub use password::check_password_strength;
pub use phone::PhoneNumber;
pub use text::{Description, PersonName, Subject};

/// Implements `Serialize` as the inner string and `Deserialize` through `parse`.
macro_rules! string_newtype_serde {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                <$ty>::parse(&raw).map_err(serde::de::Error::custom)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}
pub(crate) use string_newtype_serde;
