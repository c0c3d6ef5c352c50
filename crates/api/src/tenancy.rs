//! Which tenant (Comune or TARI operator) a request is for: from the Host name through the
//! `tenant_hosts` table, else the default tenant. Tenants are cached for a short time so
//! the hot path does not query them, and re-read after a settings change. The host name
//! is the `Host` header, or `X-Forwarded-Host` from a trusted proxy ([`ClientInfo`]).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use actix_web::{FromRequest, HttpRequest, web};
use domain::api::FieldDef;
use domain::calendar::WorkingCalendar;
use domain::catalogue::{RequestKind, StandardDays};

use crate::client::ClientInfo;
use crate::db::repo::tenants;
use crate::error::{ApiError, ApiResult, blocking};
use crate::state::AppState;

/// Everything request handling needs to know about a tenant.
#[derive(Debug, Clone)]
pub struct TenantCtx {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub fiscal_code: Option<String>,
    pub logo_url: Option<String>,
    /// Address, PEC and the like, for the portal's footer.
    pub contacts: domain::api::TenantContacts,
    pub calendar: WorkingCalendar,
    pub standard_days: StandardDays,
    pub tqrif_scheme: u8,
    pub target_percent: u8,
    pub generic_citizen_id: Option<String>,
    /// Off: requests on the tenant's host names answer 404.
    pub active: bool,
    /// The tenant of unmapped host names, whose administrators may be platform
    /// administrators.
    pub is_default: bool,
    /// Request types, offices and routing: read on every request, changed rarely.
    pub directory: Directory,
}

/// A request type as the desk uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeEntry {
    pub code: String,
    pub kind: RequestKind,
    pub name: String,
    pub description: String,
    pub fields: Vec<FieldDef>,
    pub active: bool,
}

/// The tenant's request types (in display order), office names and routing rules.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Shared between tenants with the same catalogue ([`intern_types`]): most keep the
    /// standard one, so a thousand tenants hold it once.
    pub types: Arc<[TypeEntry]>,
    pub offices: HashMap<String, String>,
    pub routing: HashMap<RequestKind, String>,
}

impl Directory {
    pub fn request_type(&self, code: &str) -> Option<&TypeEntry> {
        self.types.iter().find(|t| t.code == code)
    }

    pub fn office_name(&self, id: &str) -> Option<&str> {
        self.offices.get(id).map(String::as_str)
    }

    pub fn office_for(&self, kind: RequestKind) -> Option<&String> {
        self.routing.get(&kind)
    }
}

/// Distinct catalogues held for sharing at most; past that, a tenant keeps its own copy.
const MAX_INTERNED: usize = 64;

/// The catalogue `types` as an `Arc` shared with every cached tenant whose catalogue is
/// equal (a catalogue is about 20 KB: per tenant, it was most of the tenant cache).
pub fn intern_types(types: Vec<TypeEntry>) -> Arc<[TypeEntry]> {
    static INTERNED: std::sync::Mutex<Vec<std::sync::Weak<[TypeEntry]>>> =
        std::sync::Mutex::new(Vec::new());
    let Ok(mut held) = INTERNED.lock() else {
        return types.into();
    };
    held.retain(|w| w.strong_count() > 0);
    if let Some(same) = held
        .iter()
        .filter_map(std::sync::Weak::upgrade)
        .find(|t| **t == *types)
    {
        return same;
    }
    let fresh: Arc<[TypeEntry]> = types.into();
    if held.len() < MAX_INTERNED {
        held.push(Arc::downgrade(&fresh));
    }
    fresh
}

const TTL: Duration = Duration::from_secs(30);

/// The event-bus topic on which a changed tenant is announced (payload: the tenant id).
pub const TOPIC: &str = "tenant";

/// Every host name that has a tenant of its own, and the default tenant. Small (one row
/// per configured host), so it is loaded whole: any other host, however many a client
/// makes up, maps to the default tenant without adding anything to the cache.
#[derive(Debug, Default)]
struct HostMap {
    hosts: HashMap<String, String>,
    default_id: Option<String>,
}

#[derive(Default)]
struct Cached {
    hosts: Option<(Arc<HostMap>, Instant)>,
    /// One entry per tenant, whatever the number of host names.
    by_id: HashMap<String, (Arc<TenantCtx>, Instant)>,
}

#[derive(Default)]
pub struct TenantCache {
    inner: RwLock<Cached>,
    /// Moves on at every invalidation: a load that started before one is not cached.
    generation: AtomicU64,
}

impl std::fmt::Debug for TenantCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TenantCache")
    }
}

impl TenantCache {
    fn hosts(&self) -> Option<Arc<HostMap>> {
        let c = self.inner.read().ok()?;
        c.hosts
            .as_ref()
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(h, _)| h.clone())
    }

    fn tenant(&self, id: &str) -> Option<Arc<TenantCtx>> {
        let c = self.inner.read().ok()?;
        c.by_id
            .get(id)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(t, _)| t.clone())
    }

    fn put_hosts(&self, hosts: Arc<HostMap>, generation: u64) {
        if let Ok(mut c) = self.inner.write()
            && self.generation.load(Ordering::SeqCst) == generation
        {
            c.hosts = Some((hosts, Instant::now()));
        }
    }

    fn put_tenant(&self, tenant: Arc<TenantCtx>, generation: u64) {
        if let Ok(mut c) = self.inner.write()
            && self.generation.load(Ordering::SeqCst) == generation
        {
            c.by_id.insert(tenant.id.clone(), (tenant, Instant::now()));
        }
    }

    /// Forgets everything cached: after a change to a tenant's settings, offices, routing
    /// or request types. Other processes hear of it through the event bus
    /// ([`AppState::tenant_changed`]).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut c) = self.inner.write() {
            *c = Cached::default();
        }
    }

    /// Tenants held (at most one per tenant).
    pub fn len(&self) -> usize {
        self.inner.read().map_or(0, |c| c.by_id.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub async fn resolve(state: &AppState, req: &HttpRequest) -> ApiResult<Arc<TenantCtx>> {
    let host = ClientInfo::of(req, &state.config.trusted_proxies).host;
    let cache = &state.tenants;
    let generation = cache.generation.load(Ordering::SeqCst);
    let hosts = if let Some(h) = cache.hosts() {
        h
    } else {
        let db = state.db.clone();
        let (hosts, default_id) = blocking(move || db.read(tenants::host_map)).await?;
        let map = Arc::new(HostMap {
            hosts: hosts.into_iter().collect(),
            default_id,
        });
        cache.put_hosts(map.clone(), generation);
        map
    };
    let id = hosts
        .hosts
        .get(&host)
        .or(hosts.default_id.as_ref())
        .ok_or(ApiError::NotFound)?
        .clone();
    let tenant = if let Some(t) = cache.tenant(&id) {
        t
    } else {
        let db = state.db.clone();
        let tenant = Arc::new(blocking(move || db.read(|c| tenants::ctx(c, &id))).await?);
        cache.put_tenant(tenant.clone(), generation);
        tenant
    };
    // A switched-off tenant is not there for anyone, signed in or not.
    if tenant.active {
        Ok(tenant)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Extractor: the tenant of this request.
#[derive(Debug, Clone)]
pub struct Tenant(pub Arc<TenantCtx>);

impl std::ops::Deref for Tenant {
    type Target = TenantCtx;
    fn deref(&self) -> &TenantCtx {
        &self.0
    }
}

impl FromRequest for Tenant {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or(ApiError::Unavailable)?;
            resolve(state, &req).await.map(Tenant)
        })
    }
}
