//! What every handler shares.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::auth::session::{self, SessionCache};
use crate::auth::throttle::Limits;
use crate::config::Config;
use crate::db::Db;
use crate::egress::Egress;
use crate::events::Events;
use crate::secret_key::SecretKey;
use crate::storage::FileStore;
use crate::tenancy::{self, TenantCache};

pub struct AppState {
    pub db: Db,
    pub files: Arc<dyn FileStore>,
    pub jwt: JwtKeys,
    pub config: Arc<Config>,
    pub tenants: Arc<TenantCache>,
    /// Accounts' current rights and session versions, checked on every request.
    pub sessions: Arc<SessionCache>,
    /// Changes every process must hear of (cache invalidations).
    pub events: Events,
    pub limits: Limits,
    /// Seals and opens the stored secrets.
    pub secret_key: Arc<SecretKey>,
    /// The one way out to tenants' integrations (policy and HTTP client).
    pub egress: Egress,
    /// Derives the codes in booking links (the same on every node).
    pub booking_codes: crate::services::agenda::CodeKey,
    /// SPID and CIE providers' discovery documents and keys.
    pub oidc: Arc<crate::services::identity::client::ProviderCache>,
    /// Tenants' answer indexes (FAQ, documents, Riciclabolario), rebuilt on change.
    pub answers: Arc<crate::services::answers::AnswerCache>,
    /// This process's live connections (chat, video calls).
    pub realtime: Arc<crate::realtime::Hub>,
}

impl AppState {
    /// An account's role, offices, active flag or session version changed (after the
    /// commit): forget it here at once, and tell the other processes.
    pub fn session_changed(&self, user_id: &str) {
        self.sessions.invalidate(user_id);
        self.events.publish(session::TOPIC, user_id);
    }

    /// A tenant's settings or directory changed (after the commit).
    pub fn tenant_changed(&self, tenant_id: &str) {
        self.tenants.invalidate();
        self.events.publish(tenancy::TOPIC, tenant_id);
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.db)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
