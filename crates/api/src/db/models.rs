//! Row structs: what the tables hold, converted to domain and API types in `repo`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use domain::api::RegistrationStatus;
use domain::catalogue::{Channel, RequestKind};
use domain::deadline::LatenessCause;
use domain::delivery::{DeliveryChannel, DeliveryStatus, MailDirection, MailOutcome, PecReceipt};
use domain::lifecycle::{ActionKind, Role, Status};

// Every table of the schema has its row struct here. Inserts bind `None` as NULL
// (`treat_none_as_default_value = false`): the column list is then the same on every
// call, so diesel keeps the prepared statement instead of preparing it again each time.
#[allow(clippy::wildcard_imports)]
use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = tenants, treat_none_as_default_value = false)]
pub struct TenantRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub fiscal_code: Option<String>,
    pub logo_url: Option<String>,
    pub patron_saint: Option<String>,
    pub closure_days: String,
    pub standard_days: String,
    pub tqrif_scheme: i32,
    pub target_percent: i32,
    pub generic_citizen_id: Option<String>,
    pub is_default: bool,
    pub created_at: NaiveDateTime,
    pub population: Option<i32>,
    /// Off: the tenant's host names answer 404.
    pub active: bool,
    /// `domain::api::TenantContacts` as JSON.
    pub contacts: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = offices, treat_none_as_default_value = false)]
pub struct OfficeRow {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub email: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct UserRow {
    pub id: String,
    pub tenant_id: String,
    pub role: Role,
    pub email: Option<String>,
    pub fiscal_code: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub password_hash: Option<String>,
    pub status: RegistrationStatus,
    pub active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub session_version: i32,
}

impl UserRow {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = registrations, treat_none_as_default_value = false)]
pub struct RegistrationRow {
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub status: RegistrationStatus,
    pub document_key: String,
    pub document_filename: String,
    pub document_content_type: String,
    pub document_size: i64,
    pub privacy_accepted_at: NaiveDateTime,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens, treat_none_as_default_value = false)]
pub struct RefreshTokenRow {
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub token_hash: String,
    pub family_id: String,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// The absolute end of the sign-in this token was rotated from.
    pub session_expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = request_types, treat_none_as_default_value = false)]
pub struct RequestTypeRow {
    pub id: String,
    pub tenant_id: String,
    pub code: String,
    pub kind: RequestKind,
    pub name: String,
    pub description: String,
    pub fields: String,
    pub active: bool,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = requests, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct RequestRow {
    pub id: String,
    pub tenant_id: String,
    pub protocol_number: String,
    pub type_code: String,
    pub kind: RequestKind,
    pub channel: Channel,
    pub citizen_id: Option<String>,
    pub utenza_id: Option<String>,
    pub contact_email: Option<String>,
    pub subject: String,
    pub description: String,
    pub fields: String,
    pub status: Status,
    pub office_id: Option<String>,
    pub assignee_id: Option<String>,
    pub received_at: NaiveDateTime,
    pub standard_days: Option<i32>,
    pub due_date: Option<NaiveDate>,
    pub has_public_reply: bool,
    pub suspended_since: Option<NaiveDateTime>,
    pub suspended_working_days: i32,
    pub resolved_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub lateness_cause: Option<LatenessCause>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Filed from a mail whose sender could not be authenticated.
    pub sender_unverified: bool,
}

/// The columns of a request that a list row shows (`domain::api::RequestSummary`): no
/// description, form fields or clock details, so pages read and decode a fraction of each row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = requests)]
pub struct RequestSummaryRow {
    pub id: String,
    pub protocol_number: String,
    pub type_code: String,
    pub kind: RequestKind,
    pub citizen_id: Option<String>,
    pub subject: String,
    pub status: Status,
    pub office_id: Option<String>,
    pub assignee_id: Option<String>,
    pub received_at: NaiveDateTime,
    pub due_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = messages, treat_none_as_default_value = false)]
pub struct MessageRow {
    pub id: String,
    pub tenant_id: String,
    pub request_id: String,
    pub author_id: Option<String>,
    pub author_role: Role,
    pub author_name: String,
    pub body: String,
    pub internal: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments, treat_none_as_default_value = false)]
pub struct AttachmentRow {
    pub id: String,
    pub tenant_id: String,
    pub request_id: String,
    pub message_id: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub sha256: String,
    pub uploaded_by: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = transitions, treat_none_as_default_value = false)]
pub struct TransitionRow {
    pub id: String,
    pub tenant_id: String,
    pub request_id: String,
    pub action: ActionKind,
    pub from_status: Status,
    pub to_status: Status,
    pub actor_id: Option<String>,
    pub actor_role: Role,
    pub actor_name: String,
    pub note: Option<String>,
    pub events: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = request_ratings, treat_none_as_default_value = false)]
pub struct RatingRow {
    pub request_id: String,
    pub tenant_id: String,
    pub stars: i32,
    pub aspects: String,
    pub details: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys, treat_none_as_default_value = false)]
pub struct IdempotencyRow {
    pub tenant_id: String,
    pub user_id: String,
    pub key: String,
    pub request_hash: String,
    pub status_code: i32,
    pub response_body: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = documents, treat_none_as_default_value = false)]
pub struct DocumentRow {
    pub id: String,
    pub tenant_id: String,
    pub title: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub position: i32,
    pub published_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = faqs, treat_none_as_default_value = false)]
pub struct FaqRow {
    pub id: String,
    pub tenant_id: String,
    pub question: String,
    pub answer: String,
    pub category: Option<String>,
    pub position: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct AuditRow {
    pub id: String,
    pub tenant_id: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub created_at: NaiveDateTime,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = mailboxes, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct MailboxRow {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub imap_host: Option<String>,
    pub imap_port: i32,
    pub imap_security: String,
    pub imap_username: Option<String>,
    pub imap_password: Option<String>,
    pub imap_folder: String,
    pub smtp_host: Option<String>,
    pub smtp_port: i32,
    pub smtp_security: String,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    pub inbound_enabled: bool,
    pub outbound_default: bool,
    pub default_citizen_id: Option<String>,
    pub uid_validity: Option<i64>,
    pub last_uid: i64,
    pub poll_lease_until: Option<NaiveDateTime>,
    pub last_polled_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// RFC 8601 authserv-id of the provider's Authentication-Results headers.
    pub authserv_id: Option<String>,
    /// PEC: PEM certificates that sign authentic envelopes.
    pub pec_certificates: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_threads, treat_none_as_default_value = false)]
pub struct MailThreadRow {
    pub request_id: String,
    pub tenant_id: String,
    pub token: String,
    pub mailbox_id: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_messages, treat_none_as_default_value = false)]
pub struct MailMessageRow {
    pub id: String,
    pub tenant_id: String,
    pub request_id: Option<String>,
    pub thread_message_id: Option<String>,
    pub mailbox_id: Option<String>,
    pub delivery_id: Option<String>,
    pub direction: MailDirection,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub refs: Option<String>,
    pub from_addr: String,
    pub to_addrs: String,
    pub subject: String,
    pub headers: String,
    pub raw_key: Option<String>,
    pub size: i64,
    pub imap_uid: Option<i64>,
    pub outcome: MailOutcome,
    pub pec_type: Option<String>,
    pub pec_meta: Option<String>,
    pub pec_status: Option<PecReceipt>,
    pub created_at: NaiveDateTime,
    /// Incoming mail: when its acknowledgement was queued.
    pub acked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = deliveries, treat_none_as_default_value = false)]
pub struct DeliveryRow {
    pub id: String,
    pub tenant_id: String,
    pub outbox_id: Option<String>,
    pub request_id: Option<String>,
    pub channel: DeliveryChannel,
    pub recipient: String,
    pub payload: String,
    pub message_id: Option<String>,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub lease_token: Option<String>,
    pub last_error: Option<String>,
    pub provider_ref: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = notification_prefs, treat_none_as_default_value = false)]
pub struct NotificationPrefsRow {
    pub user_id: String,
    pub tenant_id: String,
    pub email: bool,
    pub sms: bool,
    pub app_io: bool,
    pub lang: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = channel_settings, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ChannelSettingsRow {
    pub tenant_id: String,
    pub sms_url: Option<String>,
    pub sms_token: Option<String>,
    pub sms_sender: Option<String>,
    pub io_url: Option<String>,
    pub io_api_key: Option<String>,
    pub public_url: Option<String>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxNoticeRow {
    pub id: String,
    pub tenant_id: String,
    pub notice: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = password_resets, treat_none_as_default_value = false)]
pub struct PasswordResetRow {
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = desks, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct DeskRow {
    pub id: String,
    pub tenant_id: String,
    pub office_id: String,
    pub name: String,
    pub mode: String,
    pub address: Option<String>,
    pub services: String,
    pub weekly: String,
    pub overrides: String,
    pub capacity: i32,
    pub buffer_minutes: i32,
    pub booking_window_days: i32,
    pub min_notice_minutes: i32,
    pub cancel_until_minutes: i32,
    pub confirm_by_email: bool,
    pub open_on_holidays: bool,
    pub max_open_bookings_per_person: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = bookings, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct BookingRow {
    pub id: String,
    pub tenant_id: String,
    pub desk_id: String,
    pub code_hash: String,
    pub reference: String,
    pub service_code: String,
    pub service_name: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub mode: String,
    pub status: String,
    pub hold_until: Option<NaiveDateTime>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub fiscal_code: Option<String>,
    pub subject: String,
    pub lang: String,
    pub citizen_id: Option<String>,
    pub request_id: Option<String>,
    pub notes: Option<String>,
    pub cancel_reason: Option<String>,
    pub sequence: i32,
    pub created_by: Option<String>,
    pub privacy_accepted_at: NaiveDateTime,
    pub checked_in_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

// ---- the taxpayer's account -------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = contribuenti, treat_none_as_default_value = false)]
pub struct ContribuenteRow {
    pub id: String,
    pub tenant_id: String,
    pub fiscal_code: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub denominazione: Option<String>,
    /// JSON `Address`.
    pub residence: Option<String>,
    pub mailing_address: Option<String>,
    pub email: Option<String>,
    pub pec: Option<String>,
    pub phone: Option<String>,
    pub citizen_id: Option<String>,
    pub search_name: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = pickup_zones, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct PickupZoneRow {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub postcodes: String,
    pub streets: String,
    pub weekdays: String,
    pub kinds: String,
    pub overrides: String,
    pub daily_capacity: i32,
    pub max_pieces_per_booking: i32,
    pub min_notice_days: i32,
    pub booking_window_days: i32,
    pub cancel_until_days: i32,
    pub deleted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = utenze, treat_none_as_default_value = false)]
pub struct UtenzaRow {
    pub id: String,
    pub tenant_id: String,
    pub contribuente_id: String,
    pub code: String,
    pub kind: String,
    /// JSON `Address`.
    pub address: String,
    /// JSON `Cadastral`.
    pub cadastral: Option<String>,
    pub square_meters: i32,
    pub occupants: Option<i32>,
    pub category: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = pickup_items, treat_none_as_default_value = false)]
pub struct PickupItemRow {
    pub id: String,
    pub tenant_id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub pieces: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = pickups, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct PickupRow {
    pub id: String,
    pub tenant_id: String,
    pub zone_id: String,
    pub request_id: String,
    pub citizen_id: String,
    pub kind: String,
    pub day: NaiveDate,
    pub address: String,
    pub items: String,
    pub pieces: i32,
    pub phone: String,
    pub notes: Option<String>,
    pub status: String,
    pub outcome_note: Option<String>,
    pub agreed_beyond_standard: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = acts, treat_none_as_default_value = false)]
pub struct ActRow {
    pub id: String,
    pub tenant_id: String,
    pub contribuente_id: String,
    pub utenza_id: Option<String>,
    pub kind: String,
    pub number: String,
    pub year: i32,
    pub tributo: String,
    pub issued_on: NaiveDate,
    pub notified_on: Option<NaiveDate>,
    pub amount_tributo: i64,
    pub amount_sanzioni: i64,
    pub amount_interessi: i64,
    pub amount_spese_notifica: i64,
    pub status: String,
    pub plan_granted_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = act_instalments, treat_none_as_default_value = false)]
pub struct InstalmentRow {
    pub act_id: String,
    pub n: i32,
    pub tenant_id: String,
    pub due_date: NaiveDate,
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = payments, treat_none_as_default_value = false)]
pub struct PaymentRow {
    pub id: String,
    pub tenant_id: String,
    pub act_id: String,
    pub paid_on: NaiveDate,
    pub amount: i64,
    pub channel: String,
    pub reference: String,
    pub instalment: Option<i32>,
    pub external_key: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = adjustments, treat_none_as_default_value = false)]
pub struct AdjustmentRow {
    pub id: String,
    pub tenant_id: String,
    pub act_id: String,
    pub kind: String,
    pub effective_on: NaiveDate,
    pub amount: i64,
    pub instalment: Option<i32>,
    pub reason: String,
    pub operator_id: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = tax_settings, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct TaxSettingsRow {
    pub tenant_id: String,
    /// JSON `InterestSettings`; `None`: the legal defaults.
    pub interest: Option<String>,
    /// JSON `InstalmentSettings`; `None`: the legal defaults.
    pub instalments: Option<String>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = plan_requests, treat_none_as_default_value = false)]
pub struct PlanRequestRow {
    pub request_id: String,
    pub tenant_id: String,
    pub act_id: String,
    pub status: String,
    /// JSON `PlanProposal`.
    pub proposal: String,
    pub created_at: NaiveDateTime,
    pub granted_at: Option<NaiveDateTime>,
    pub granted_by: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = imports, treat_none_as_default_value = false)]
pub struct ImportRow {
    pub id: String,
    pub tenant_id: String,
    pub kind: String,
    pub skip_invalid: bool,
    pub filename: String,
    pub storage_key: String,
    pub size: i64,
    pub status: String,
    pub total_rows: Option<i64>,
    pub processed_rows: i64,
    pub applied_rows: i64,
    pub created_count: i64,
    pub updated_count: i64,
    pub unchanged_count: i64,
    pub invalid_count: i64,
    pub error_it: Option<String>,
    pub error_en: Option<String>,
    pub attempts: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub lease_token: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = import_errors, treat_none_as_default_value = false)]
pub struct ImportErrorRow {
    pub import_id: String,
    pub seq: i64,
    pub line: i64,
    pub column_name: String,
    pub message_it: String,
    pub message_en: String,
}

/// The tenant's pagoPA settings; `gpd_subscription_key` is sealed (`secret_key.rs`).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = pagopa_settings, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct PagopaSettingsRow {
    pub tenant_id: String,
    pub creditor_fiscal_code: Option<String>,
    pub segregation_code: Option<i32>,
    pub iban: Option<String>,
    pub poste_account: Option<String>,
    pub cbill: Option<String>,
    pub gpd_url: Option<String>,
    pub gpd_subscription_key: Option<String>,
    pub checkout_url: Option<String>,
    /// JSON array of days.
    pub reminder_days: String,
    pub next_notice_base: i64,
    pub updated_at: NaiveDateTime,
    pub tefa_fiscal_code: Option<String>,
    pub tefa_iban: Option<String>,
    /// Basis points.
    pub tefa_rate: i32,
    pub fdr_url: Option<String>,
    /// Sealed like `gpd_subscription_key`.
    pub fdr_subscription_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = payment_notices, treat_none_as_default_value = false)]
pub struct NoticeRow {
    pub tenant_id: String,
    pub nav: String,
    pub iuv: String,
    pub act_id: String,
    pub instalment: i32,
    pub amount: i64,
    pub due_date: NaiveDate,
    pub creditor_fiscal_code: String,
    pub cancelled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = gpd_jobs, treat_none_as_default_value = false)]
pub struct GpdJobRow {
    pub act_id: String,
    pub tenant_id: String,
    pub generation: i64,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = gpd_positions, treat_none_as_default_value = false)]
pub struct GpdPositionRow {
    pub act_id: String,
    pub tenant_id: String,
    pub iupd: String,
    pub invalidated: bool,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = pagopa_receipts, treat_none_as_default_value = false)]
pub struct ReceiptRow {
    pub id: String,
    pub tenant_id: String,
    pub receipt_id: String,
    pub nav: String,
    pub act_id: String,
    pub instalment: i32,
    pub amount: i64,
    pub psp: Option<String>,
    pub paid_at: NaiveDateTime,
    pub payment_id: String,
    pub created_at: NaiveDateTime,
}

// Reconciliation of pagoPA payments.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = pagopa_flows, treat_none_as_default_value = false)]
pub struct FlowRow {
    pub id: String,
    pub tenant_id: String,
    pub flow_id: String,
    pub flow_at: NaiveDateTime,
    pub settlement_ref: String,
    pub settlement_date: NaiveDate,
    pub sender_id: String,
    pub sender_name: Option<String>,
    pub receiver_id: String,
    pub receiver_name: Option<String>,
    pub payment_count: i32,
    pub total_amount: i64,
    pub source: domain::pagopa::fdr::FlowSource,
    pub revision: Option<i32>,
    pub imported_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub bank_causale: Option<String>,
    pub bank_amount: Option<i64>,
    pub bank_date: Option<NaiveDate>,
    pub bank_outcome: Option<domain::pagopa::fdr::BankOutcome>,
    pub bank_recorded_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = pagopa_flow_lines, treat_none_as_default_value = false)]
pub struct FlowLineRow {
    pub flow_id: String,
    pub position: i32,
    pub tenant_id: String,
    pub iuv: String,
    pub iur: String,
    pub transfer_index: i32,
    pub amount: i64,
    pub result: domain::pagopa::fdr::PaymentResult,
    pub result_date: NaiveDate,
}

// ---- sign-in with SPID and CIE ---------------------------------------------------------

/// A tenant's settings for one provider; `private_key` is sealed (`secret_key.rs`).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = crate::db::schema::identity_providers, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct IdentityProviderRow {
    pub tenant_id: String,
    pub provider: domain::identity::IdentityProvider,
    pub enabled: bool,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub level: domain::identity::Assurance,
    pub private_key: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// A sign-in under way at a provider.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::oidc_logins, treat_none_as_default_value = false)]
pub struct OidcLoginRow {
    pub state_hash: String,
    pub tenant_id: String,
    pub provider: domain::identity::IdentityProvider,
    pub nonce: String,
    pub code_verifier: String,
    pub browser_hash: String,
    pub return_to: String,
    pub created_at: NaiveDateTime,
}

/// How a citizen was identified by a provider.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::user_identities, treat_none_as_default_value = false)]
pub struct UserIdentityRow {
    pub user_id: String,
    pub provider: domain::identity::IdentityProvider,
    pub tenant_id: String,
    pub subject: String,
    pub level: domain::identity::Assurance,
    pub first_at: NaiveDateTime,
    pub last_at: NaiveDateTime,
}

/// A session that began at a provider, with the ID token that ends it there.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::db::schema::oidc_sessions, treat_none_as_default_value = false)]
pub struct OidcSessionRow {
    pub family_id: String,
    pub tenant_id: String,
    pub provider: domain::identity::IdentityProvider,
    pub id_token: String,
    pub created_at: NaiveDateTime,
}

// ---- public content: transparency, Riciclabolario, answers -----------------------------

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = transparency_sections, treat_none_as_default_value = false)]
pub struct TransparencySectionRow {
    pub tenant_id: String,
    pub item: domain::transparency::TitrItem,
    pub body: Option<String>,
    /// JSON `[{label, url}]`.
    pub links: String,
    /// JSON `["document id"]`.
    pub document_ids: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = separate_collection, treat_none_as_default_value = false)]
pub struct SeparateCollectionRow {
    pub tenant_id: String,
    pub year: i32,
    pub per_mille: i32,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = compliance_snapshots, treat_none_as_default_value = false)]
pub struct ComplianceSnapshotRow {
    pub tenant_id: String,
    pub year: i32,
    pub computed_at: NaiveDateTime,
    /// JSON of the per-kind lines and the total.
    pub lines: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = waste_items, treat_none_as_default_value = false)]
pub struct WasteItemRow {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub name_key: String,
    pub fraction: domain::waste::WasteFraction,
    pub bin: Option<String>,
    pub notes: Option<String>,
    pub take_to: Option<domain::waste::TakeTo>,
    /// JSON array of names.
    pub synonyms: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = deflections, treat_none_as_default_value = false)]
pub struct DeflectionRow {
    pub id: String,
    pub tenant_id: String,
    pub source: domain::answers::AnswerSource,
    pub answer_id: String,
    pub title: String,
    pub at: NaiveDateTime,
}

/// "Valuta questo servizio" on a public page.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = page_ratings, treat_none_as_default_value = false)]
pub struct PageRatingRow {
    pub id: String,
    pub tenant_id: String,
    pub page: String,
    pub stars: i32,
    /// The follow-up answers' codes, comma-separated.
    pub aspects: String,
    pub details: Option<String>,
    pub created_at: NaiveDateTime,
}

// ---- live chat, the video desk, the real-time connection ---------------------------------

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = chats, treat_none_as_default_value = false)]
pub struct ChatRow {
    pub id: String,
    pub tenant_id: String,
    pub topic: String,
    pub topic_name: String,
    pub office_id: Option<String>,
    pub status: domain::chat::ChatStatus,
    pub citizen_id: Option<String>,
    pub citizen_name: String,
    pub assignee_id: Option<String>,
    pub booking_id: Option<String>,
    pub request_id: Option<String>,
    pub citizen_read: Option<String>,
    pub staff_read: Option<String>,
    pub started_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_messages, treat_none_as_default_value = false)]
pub struct ChatMessageRow {
    pub id: String,
    pub tenant_id: String,
    pub chat_id: String,
    pub author_id: Option<String>,
    pub author_name: Option<String>,
    pub author_role: Option<Role>,
    pub body: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_attachments, treat_none_as_default_value = false)]
pub struct ChatAttachmentRow {
    pub id: String,
    pub tenant_id: String,
    pub chat_id: String,
    pub message_id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub sha256: String,
    pub uploaded_by: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = video_calls, treat_none_as_default_value = false)]
pub struct VideoCallRow {
    pub booking_id: String,
    pub tenant_id: String,
    pub conditions_accepted_at: Option<NaiveDateTime>,
    pub waiting_since: Option<NaiveDateTime>,
    pub admitted_at: Option<NaiveDateTime>,
    pub admitted_by: Option<String>,
    pub ended_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = video_settings, treat_none_as_default_value = false)]
pub struct VideoSettingsRow {
    pub tenant_id: String,
    pub stun_urls: String,
    pub turn_urls: String,
    /// Sealed (secret_key.rs).
    pub turn_secret: Option<String>,
    pub relay_only: bool,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = realtime_tickets, treat_none_as_default_value = false)]
pub struct RealtimeTicketRow {
    pub ticket_hash: String,
    pub tenant_id: String,
    pub user_id: Option<String>,
    pub booking_id: Option<String>,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = realtime_events)]
pub struct RealtimeEventRow {
    pub id: i64,
    pub tenant_id: String,
    pub audience: String,
    pub kind: String,
    pub chat_id: Option<String>,
    pub booking_id: Option<String>,
    pub data: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = realtime_events, treat_none_as_default_value = false)]
pub struct NewRealtimeEvent {
    pub tenant_id: String,
    pub audience: String,
    pub kind: String,
    pub chat_id: Option<String>,
    pub booking_id: Option<String>,
    pub data: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = request_drafts, treat_none_as_default_value = false)]
pub struct DraftRow {
    pub tenant_id: String,
    pub user_id: String,
    pub type_code: String,
    pub subject: String,
    pub description: String,
    /// The form values, a JSON object.
    pub fields: String,
    pub updated_at: NaiveDateTime,
}
