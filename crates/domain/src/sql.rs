//! The domain's enums as diesel `Text` values (feature `diesel`): written as their code,
//! read back through their parser, and an unknown stored value is an error — a corrupt
//! `closed` never reads as `received`.

/// Implements `FromSql<Text>`/`ToSql<Text>` for enums with `code(self) -> &'static str`
/// and a `from_code(&str) -> Option<Self>` (see [`Coded`]); the type also carries
/// `#[derive(AsExpression, FromSqlRow)] #[diesel(sql_type = Text)]`.
#[cfg(feature = "diesel")]
macro_rules! text_sql {
    ($($t:ty),* $(,)?) => {$(
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $t
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = String::from_sql(bytes)?;
                <$t as $crate::sql::Coded>::from_code(&s).ok_or_else(|| {
                    format!("unknown {} {s:?} in the database", stringify!($t)).into()
                })
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $t
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                <$t as $crate::sql::Coded>::code(*self).to_sql(out)
            }
        }
    )*};
}

/// An enum stored by its code.
pub trait Coded: Sized + Copy {
    fn code(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self>;
}

macro_rules! coded_by_from_str {
    ($($t:ty),* $(,)?) => {$(
        impl Coded for $t {
            fn code(self) -> &'static str {
                <$t>::code(self)
            }
            fn from_code(code: &str) -> Option<Self> {
                code.parse().ok()
            }
        }
    )*};
}

use crate::api::{MailSecurity, MailboxKind, RegistrationStatus};
use crate::catalogue::{Channel, RequestKind};
use crate::chat::ChatStatus;
use crate::deadline::LatenessCause;
use crate::delivery::{DeliveryChannel, DeliveryStatus, MailDirection, MailOutcome, PecReceipt};
use crate::lifecycle::{ActionKind, Role, Status};

coded_by_from_str!(
    ChatStatus,
    Status,
    Role,
    ActionKind,
    RequestKind,
    Channel,
    LatenessCause,
    DeliveryChannel,
    DeliveryStatus,
    MailDirection,
    MailOutcome,
    PecReceipt,
);

impl Coded for RegistrationStatus {
    fn code(self) -> &'static str {
        RegistrationStatus::code(self)
    }
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl Coded for MailSecurity {
    fn code(self) -> &'static str {
        MailSecurity::code(self)
    }
    fn from_code(code: &str) -> Option<Self> {
        Self::parse(code)
    }
}

impl Coded for MailboxKind {
    fn code(self) -> &'static str {
        MailboxKind::code(self)
    }
    fn from_code(code: &str) -> Option<Self> {
        [Self::Email, Self::Pec]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

#[cfg(feature = "diesel")]
text_sql!(
    ChatStatus,
    DeliveryChannel,
    DeliveryStatus,
    MailDirection,
    MailOutcome,
    PecReceipt,
    Status,
    Role,
    ActionKind,
    RequestKind,
    Channel,
    LatenessCause,
    RegistrationStatus,
    MailSecurity,
    MailboxKind,
);

// Reconciliation of pagoPA payments.
coded_by_from_str!(
    crate::pagopa::fdr::PaymentResult,
    crate::pagopa::fdr::LineOutcome,
    crate::pagopa::fdr::BankOutcome,
    crate::pagopa::fdr::FlowSource,
);

#[cfg(feature = "diesel")]
text_sql!(
    crate::pagopa::fdr::PaymentResult,
    crate::pagopa::fdr::LineOutcome,
    crate::pagopa::fdr::BankOutcome,
    crate::pagopa::fdr::FlowSource,
);
// ---- pagoPA payment messages ------------------------------------------------------------
use crate::pagopa::reminders::{ReminderKind, ReminderStatus, SkipReason};
coded_by_from_str!(ReminderKind, ReminderStatus, SkipReason);
#[cfg(feature = "diesel")]
text_sql!(ReminderKind, ReminderStatus, SkipReason);
// ---- sign-in with SPID and CIE ---------------------------------------------------------
use crate::identity::{Assurance, IdentityProvider};
coded_by_from_str!(IdentityProvider, Assurance);
#[cfg(feature = "diesel")]
text_sql!(IdentityProvider, Assurance);

// Public content: transparency, the Riciclabolario, answers.
coded_by_from_str!(
    crate::transparency::TitrItem,
    crate::waste::WasteFraction,
    crate::waste::TakeTo,
    crate::answers::AnswerSource,
);
#[cfg(feature = "diesel")]
text_sql!(
    crate::transparency::TitrItem,
    crate::waste::WasteFraction,
    crate::waste::TakeTo,
    crate::answers::AnswerSource,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(<Status as Coded>::from_code(Coded::code(s)), Some(s));
        }
        for r in [
            RegistrationStatus::Pending,
            RegistrationStatus::Approved,
            RegistrationStatus::Rejected,
        ] {
            assert_eq!(
                <RegistrationStatus as Coded>::from_code(Coded::code(r)),
                Some(r)
            );
        }
        assert_eq!(<Status as Coded>::from_code("chiusa"), None);
    }
}
