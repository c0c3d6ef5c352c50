//! States of what the desk sends and receives: the channels a notice goes out on, where a
//! queued notice or delivery stands, what became of a mail, and the PEC receipts. Stored by
//! their codes (see [`crate::sql`]); an unknown stored code is an error, never a default.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// Declares a `Copy` enum stored and serialized by its code, with `ALL`, `code()`,
/// `Display` and `FromStr`.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(
            feature = "diesel",
            derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
            diesel(sql_type = diesel::sql_types::Text)
        )]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == s)
                    .ok_or_else(|| {
                        DomainError::invalid(
                            "code",
                            format!("Codice sconosciuto: {s}"),
                            format!(concat!("Unknown ", stringify!($name), " {:?}"), s),
                        )
                    })
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum! {
    /// A channel a notice reaches a person on.
    DeliveryChannel {
        Email = "email",
        Sms = "sms",
        AppIo = "app_io",
    }
}

coded_enum! {
    /// Where a queued notice (outbox) or one of its deliveries stands.
    DeliveryStatus {
        /// Waiting for a worker, or for its next attempt.
        Pending = "pending",
        Sent = "sent",
        /// Given up: permanent refusal or attempts exhausted.
        Failed = "failed",
    }
}

coded_enum! {
    /// Which way a mail went.
    MailDirection {
        In = "in",
        Out = "out",
    }
}

coded_enum! {
    /// What became of a mail: received ones file or join a request, are a PEC receipt, or
    /// are kept and ignored; sent ones are queued, sent or failed.
    MailOutcome {
        NewRequest = "new_request",
        Appended = "appended",
        Receipt = "receipt",
        Ignored = "ignored",
        Queued = "queued",
        Sent = "sent",
        Failed = "failed",
    }
}

impl MailOutcome {
    /// The outcome shown for an outgoing mail from its delivery's state.
    pub fn of_delivery(status: DeliveryStatus) -> Self {
        match status {
            DeliveryStatus::Pending => Self::Queued,
            DeliveryStatus::Sent => Self::Sent,
            DeliveryStatus::Failed => Self::Failed,
        }
    }
}

coded_enum! {
    /// The receipts a PEC provider issues (DPR 68/2005, DM 2/11/2005), by their `X-Ricevuta`
    /// and `daticert.xml` names.
    PecReceipt {
        Accettazione = "accettazione",
        NonAccettazione = "non-accettazione",
        PresaInCarico = "presa-in-carico",
        AvvenutaConsegna = "avvenuta-consegna",
        PreavvisoErroreConsegna = "preavviso-errore-consegna",
        ErroreConsegna = "errore-consegna",
        RilevazioneVirus = "rilevazione-virus",
    }
}

impl PecReceipt {
    /// The message did not (or will not) reach the recipient.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Self::NonAccettazione
                | Self::PreavvisoErroreConsegna
                | Self::ErroreConsegna
                | Self::RilevazioneVirus
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_errors() {
        for v in DeliveryStatus::ALL {
            assert_eq!(v.code().parse::<DeliveryStatus>().unwrap(), *v);
        }
        for v in MailOutcome::ALL {
            assert_eq!(v.code().parse::<MailOutcome>().unwrap(), *v);
        }
        for v in PecReceipt::ALL {
            assert_eq!(v.code().parse::<PecReceipt>().unwrap(), *v);
            assert_eq!(
                serde_json::to_value(v).unwrap(),
                serde_json::json!(v.code())
            );
        }
        assert!("inviato".parse::<DeliveryStatus>().is_err());
        assert!("".parse::<MailOutcome>().is_err());
        assert!("consegna".parse::<PecReceipt>().is_err());
        assert_eq!(
            serde_json::from_str::<DeliveryChannel>("\"app_io\"").unwrap(),
            DeliveryChannel::AppIo
        );
    }

    #[test]
    fn an_outgoing_mail_shows_its_delivery() {
        assert_eq!(
            MailOutcome::of_delivery(DeliveryStatus::Pending),
            MailOutcome::Queued
        );
        assert_eq!(
            MailOutcome::of_delivery(DeliveryStatus::Failed),
            MailOutcome::Failed
        );
        assert!(PecReceipt::ErroreConsegna.is_failure());
        assert!(!PecReceipt::AvvenutaConsegna.is_failure());
    }
}
