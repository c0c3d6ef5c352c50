//! What every handler shares.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::auth::throttle::Limits;
use crate::config::Config;
use crate::db::Db;
use crate::egress::Egress;
use crate::secret_key::SecretKey;
use crate::storage::FileStore;
use crate::tenancy::TenantCache;

pub struct AppState {
    pub db: Db,
    pub files: Arc<dyn FileStore>,
    pub jwt: JwtKeys,
    pub config: Arc<Config>,
    pub tenants: TenantCache,
    pub limits: Limits,
    /// Seals and opens the stored secrets.
    pub secret_key: Arc<SecretKey>,
    /// The one way out to tenants' integrations (policy and HTTP client).
    pub egress: Egress,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.db)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
