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
}

pub fn enqueue(conn: &mut DbConn, tenant_id: &str, notice: &Notice) -> QueryResult<()> {
    let now = Utc::now().naive_utc();
    let row = (
        outbox::id.eq(new_id()),
        outbox::tenant_id.eq(tenant_id),
        outbox::notice.eq(serde_json::to_string(notice).unwrap_or_default()),
        outbox::status.eq("pending"),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now),
        outbox::created_at.eq(now),
    );
    crate::native!(conn, |c| diesel::insert_into(outbox::table)
        .values(row.clone())
        .execute(c))
    .map(|_| ())
}
