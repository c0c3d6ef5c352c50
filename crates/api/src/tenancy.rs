//! Which tenant (Comune or TARI operator) a request is for: from the Host name through the
//! `tenant_hosts` table, else the default tenant. Tenants are cached for a short time so
//! the hot path does not query them, and re-read after a settings change.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use actix_web::{FromRequest, HttpRequest, web};
use domain::api::FieldDef;
use domain::calendar::WorkingCalendar;
use domain::catalogue::{RequestKind, StandardDays};

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
    pub calendar: WorkingCalendar,
    pub standard_days: StandardDays,
    pub tqrif_scheme: u8,
    pub target_percent: u8,
    pub generic_citizen_id: Option<String>,
    /// Request types, offices and routing: read on every request, changed rarely.
    pub directory: Directory,
}

/// A request type as the desk uses it.
#[derive(Debug, Clone)]
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
    pub types: Vec<TypeEntry>,
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

const TTL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct TenantCache {
    by_host: RwLock<HashMap<String, (Arc<TenantCtx>, Instant)>>,
}

impl std::fmt::Debug for TenantCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TenantCache")
    }
}

impl TenantCache {
    fn get(&self, host: &str) -> Option<Arc<TenantCtx>> {
        let map = self.by_host.read().ok()?;
        map.get(host)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(t, _)| t.clone())
    }

    fn put(&self, host: String, tenant: Arc<TenantCtx>) {
        if let Ok(mut map) = self.by_host.write() {
            map.insert(host, (tenant, Instant::now()));
        }
    }

    /// Forgets everything cached: after a change to a tenant's settings, offices, routing
    /// or request types (other nodes see it within the cache lifetime).
    pub fn invalidate(&self) {
        if let Ok(mut map) = self.by_host.write() {
            map.clear();
        }
    }
}

/// Host name without port, lower-case.
fn host_of(req: &HttpRequest) -> String {
    let info = req.connection_info();
    let host = info.host();
    let without_port = if host.starts_with('[') {
        host.split(']')
            .next()
            .map_or(host, |h| h.trim_start_matches('['))
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    without_port.to_ascii_lowercase()
}

pub async fn resolve(state: &AppState, req: &HttpRequest) -> ApiResult<Arc<TenantCtx>> {
    let host = host_of(req);
    if let Some(t) = state.tenants.get(&host) {
        return Ok(t);
    }
    let db = state.db.clone();
    let lookup_host = host.clone();
    let tenant = blocking(move || db.read(|c| tenants::resolve_host(c, &lookup_host))).await?;
    let tenant = Arc::new(tenant.ok_or(ApiError::NotFound)?);
    state.tenants.put(host, tenant.clone());
    Ok(tenant)
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
