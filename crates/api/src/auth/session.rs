//! The current state of each signed-in account (active, role, offices, session version),
//! cached in-process so that checking it on every authenticated request costs no query.
//! Entries are dropped at once when the account changes, here or (through the event bus)
//! in another process, and in any case trusted for [`TTL`] at most.

use domain::api::RegistrationStatus;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use domain::lifecycle::Role;

use crate::db::repo::users;
use crate::error::{ApiError, ApiResult, blocking};
use crate::state::AppState;

/// Upper bound on how stale an entry may be if an invalidation was missed.
const TTL: Duration = Duration::from_secs(60);

/// The event-bus topic on which changed accounts are announced (payload: the user id).
pub const TOPIC: &str = "session";

/// What an access token is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionState {
    pub tenant_id: String,
    pub role: Role,
    pub office_ids: Vec<String>,
    pub version: i32,
    /// Approved and active.
    pub can_sign_in: bool,
    /// Listed in `platform_admins`.
    pub platform_admin: bool,
}

#[derive(Default)]
pub struct SessionCache {
    map: RwLock<HashMap<String, (Arc<SessionState>, Instant)>>,
    /// Moves on at every invalidation: a load that started before one is not cached.
    generation: AtomicU64,
}

impl std::fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionCache")
    }
}

impl SessionCache {
    fn get(&self, user_id: &str) -> Option<Arc<SessionState>> {
        let map = self.map.read().ok()?;
        map.get(user_id)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(s, _)| s.clone())
    }

    fn put(&self, user_id: &str, state: Arc<SessionState>, generation: u64) {
        if let Ok(mut map) = self.map.write()
            && self.generation.load(Ordering::SeqCst) == generation
        {
            map.insert(user_id.to_owned(), (state, Instant::now()));
        }
    }

    pub fn invalidate(&self, user_id: &str) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut map) = self.map.write() {
            map.remove(user_id);
        }
    }

    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut map) = self.map.write() {
            map.clear();
        }
    }

    /// Drops expired entries (accounts not seen for a while).
    pub fn prune(&self) {
        if let Ok(mut map) = self.map.write() {
            map.retain(|_, (_, at)| at.elapsed() < TTL);
        }
    }

    pub fn len(&self) -> usize {
        self.map.read().map_or(0, |m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The account's current state, from the cache or the database.
pub async fn current(state: &AppState, user_id: &str) -> ApiResult<Option<Arc<SessionState>>> {
    if let Some(s) = state.sessions.get(user_id) {
        return Ok(Some(s));
    }
    let generation = state.sessions.generation.load(Ordering::SeqCst);
    let db = state.db.clone();
    let id = user_id.to_owned();
    let loaded = blocking(move || {
        db.read(|c| {
            let Some(row) = users::find_by_id(c, &id)? else {
                return Ok::<_, ApiError>(None);
            };
            let office_ids = users::office_ids(c, &id)?;
            let platform_admin = crate::db::repo::tenants::is_platform_admin(c, &id)?;
            Ok(Some(SessionState {
                platform_admin,
                can_sign_in: row.active && row.status == RegistrationStatus::Approved,
                role: row.role,
                tenant_id: row.tenant_id,
                office_ids,
                version: row.session_version,
            }))
        })
    })
    .await?;
    Ok(loaded.map(|s| {
        let s = Arc::new(s);
        state.sessions.put(user_id, s.clone(), generation);
        s
    }))
}
