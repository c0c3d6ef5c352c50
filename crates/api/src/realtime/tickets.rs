//! Single-use tickets that open the WebSocket: the access token never travels in a URL
//! (where proxies and browser history keep it). A ticket is stored by its hash, lasts
//! [`TICKET_SECONDS`] and is deleted as it is redeemed, on whichever process.

use chrono::{Duration, Utc};
use domain::Role;
use domain::api::RealtimeTicket;
use domain::chat::TICKET_SECONDS;

use crate::db::DbConn;
use crate::db::models::RealtimeTicketRow;
use crate::db::repo::{live, users};
use crate::error::{ApiError, ApiResult};
use crate::services::identity::client::random_token;
use crate::state::AppState;
use crate::upload::hex_digest;

/// Where the WebSocket is.
pub const PATH: &str = "/api/v1/realtime";

/// Who a redeemed ticket connects.
#[derive(Debug, Clone)]
pub struct Party {
    pub tenant_id: String,
    pub kind: PartyKind,
}

#[derive(Debug, Clone)]
pub enum PartyKind {
    /// A signed-in account, with its rights when the ticket was redeemed.
    User {
        user_id: String,
        role: Role,
        office_ids: Vec<String>,
        session_version: i32,
    },
    /// The holder of a video appointment's link.
    Caller { booking_id: String },
}

/// Issues a ticket for a signed-in user or for a video appointment's caller.
pub fn issue(
    c: &mut DbConn,
    tenant_id: &str,
    user_id: Option<&str>,
    booking_id: Option<&str>,
) -> ApiResult<RealtimeTicket> {
    let ticket = random_token();
    let expires_at = Utc::now() + Duration::seconds(TICKET_SECONDS);
    live::insert_ticket(
        c,
        &RealtimeTicketRow {
            ticket_hash: hex_digest(ticket.as_bytes()),
            tenant_id: tenant_id.to_owned(),
            user_id: user_id.map(str::to_owned),
            booking_id: booking_id.map(str::to_owned),
            expires_at: expires_at.naive_utc(),
        },
    )?;
    Ok(RealtimeTicket {
        url: format!("{PATH}?ticket={ticket}"),
        ticket,
        expires_at,
    })
}

fn refused() -> ApiError {
    ApiError::unauthorized(
        "Biglietto di connessione non valido o scaduto",
        "Connection ticket invalid or expired",
    )
}

/// Takes the ticket (once) for the tenant the request came to.
pub fn redeem(state: &AppState, tenant_id: &str, ticket: &str) -> ApiResult<Party> {
    let now = Utc::now();
    let row = state
        .db
        .write_tx(|c| live::redeem_ticket(c, &hex_digest(ticket.as_bytes())))?
        .filter(|r| r.expires_at > now.naive_utc() && r.tenant_id == tenant_id)
        .ok_or_else(refused)?;
    let kind = match (row.user_id, row.booking_id) {
        (Some(user_id), None) => {
            let user = state
                .db
                .read(|c| {
                    let Some(u) = users::find_by_id(c, &user_id)? else {
                        return Ok::<_, ApiError>(None);
                    };
                    let offices = users::office_ids(c, &user_id)?;
                    Ok(Some((u, offices)))
                })?
                .filter(|(u, _)| {
                    u.active
                        && u.status == domain::api::RegistrationStatus::Approved
                        && u.tenant_id == tenant_id
                })
                .ok_or_else(refused)?;
            PartyKind::User {
                role: user.0.role,
                session_version: user.0.session_version,
                office_ids: user.1,
                user_id,
            }
        }
        (None, Some(booking_id)) => PartyKind::Caller { booking_id },
        _ => return Err(refused()),
    };
    Ok(Party {
        tenant_id: row.tenant_id,
        kind,
    })
}
