//! Notices of what happened that the citizen (or the office) should hear about. They are
//! written to the outbox in the same transaction as the change, so a crash can neither
//! lose them nor send them for a change that was rolled back.

use chrono::Utc;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::db::repo::new_id;
use crate::db::schema::outbox;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum Notice {
    RegistrationReceived {
        registration_id: String,
    },
    RegistrationApproved {
        registration_id: String,
    },
    RegistrationRejected {
        registration_id: String,
    },
    RequestFiled {
        request_id: String,
    },
    /// An operator's public reply.
    PublicReply {
        request_id: String,
        message_id: String,
    },
    /// A status change the citizen should know about (taken, waiting, resolved, rejected).
    StatusChanged {
        request_id: String,
        status: String,
    },
    /// A registration used the e-mail or tax code of this existing account.
    AccountExists {
        user_id: String,
    },
    /// A password-reset link. The token travels only in this notice and the mail made
    /// from it; the database keeps its hash (`password_resets`).
    PasswordReset {
        reset_id: String,
        token: String,
    },
    /// An appointment waiting for the e-mailed confirmation link.
    BookingPending {
        booking_id: String,
    },
    /// An appointment booked (or confirmed): details, calendar file and manage link.
    BookingConfirmed {
        booking_id: String,
        sequence: i32,
    },
    /// An appointment moved to another time.
    BookingRescheduled {
        booking_id: String,
        sequence: i32,
    },
    /// An appointment cancelled by its holder or by the office (with the reason).
    BookingCancelled {
        booking_id: String,
        sequence: i32,
        by_office: bool,
    },
    /// The day before: sent only if the booking still stands at that time.
    BookingReminder {
        booking_id: String,
        sequence: i32,
    },
    /// A pagoPA receipt was applied: the instalment is paid (`pagopa_receipts.id`).
    PaymentReceived {
        receipt_id: String,
    },
    /// The citizen asked for a chat's transcript by e-mail.
    ChatTranscript {
        chat_id: String,
    },
}

impl Notice {
    /// The booking a notice is about.
    pub fn booking_id(&self) -> Option<&str> {
        match self {
            Self::BookingPending { booking_id }
            | Self::BookingConfirmed { booking_id, .. }
            | Self::BookingRescheduled { booking_id, .. }
            | Self::BookingCancelled { booking_id, .. }
            | Self::BookingReminder { booking_id, .. } => Some(booking_id),
            _ => None,
        }
    }
}

pub fn enqueue(conn: &mut DbConn, tenant_id: &str, notice: &Notice) -> QueryResult<()> {
    enqueue_at(conn, tenant_id, notice, Utc::now())
}

/// Queues a notice to be expanded at `at` (a reminder) rather than at once.
pub fn enqueue_at(
    conn: &mut DbConn,
    tenant_id: &str,
    notice: &Notice,
    at: chrono::DateTime<Utc>,
) -> QueryResult<()> {
    let now = Utc::now().naive_utc();
    let at = at.naive_utc().max(now);
    let row = (
        outbox::id.eq(new_id()),
        outbox::tenant_id.eq(tenant_id),
        outbox::notice.eq(serde_json::to_string(notice).unwrap_or_default()),
        outbox::status.eq(domain::delivery::DeliveryStatus::Pending),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(at),
        outbox::created_at.eq(now),
    );
    crate::native!(conn, |c| diesel::insert_into(outbox::table)
        .values(row.clone())
        .execute(c))
    .map(|_| ())
}
