//! Who is calling: JWT access tokens, password hashing, login throttling, and the
//! `AuthUser` extractor that every private endpoint takes.

pub mod jwt;
pub mod password;
pub mod session;
pub mod throttle;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use domain::lifecycle::{Actor, Role};

use crate::error::ApiError;
use crate::state::AppState;
use crate::tenancy::{self, TenantCtx};

/// The authenticated caller, bound to the tenant of the request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user_id: String,
    pub role: Role,
    pub office_ids: Vec<String>,
    pub tenant: Arc<TenantCtx>,
    /// Listed as a platform administrator (it also takes the admin role on the default
    /// tenant: see [`AuthUser::require_platform`]).
    pub platform_admin: bool,
}

impl AuthUser {
    pub fn actor(&self) -> Actor {
        Actor::new(self.user_id.clone(), self.role, self.office_ids.clone())
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// Operators, supervisors and administrators.
    pub fn require_staff(&self) -> Result<(), ApiError> {
        if self.role.is_staff() {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "Riservato agli operatori",
                "Reserved to operators",
            ))
        }
    }

    /// Supervisors and administrators.
    pub fn require_lead(&self) -> Result<(), ApiError> {
        if self.role.is_lead() {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "Riservato ai responsabili",
                "Reserved to supervisors",
            ))
        }
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "Riservato agli amministratori",
                "Reserved to administrators",
            ))
        }
    }

    /// Platform administrators: listed as such, administrators of the default tenant and
    /// signed in on it. A tenant's administrator is not one, whatever the tenant.
    pub fn require_platform(&self) -> Result<(), ApiError> {
        if self.is_platform_admin() {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "Riservato agli amministratori della piattaforma",
                "Reserved to platform administrators",
            ))
        }
    }

    pub fn is_platform_admin(&self) -> bool {
        self.platform_admin && self.role == Role::Admin && self.tenant.is_default
    }

    pub fn tenant_id(&self) -> &str {
        &self.tenant.id
    }
}

fn missing_token() -> ApiError {
    ApiError::unauthorized("Accesso richiesto", "Sign-in required")
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or(ApiError::Unavailable)?;
            let token = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .ok_or_else(missing_token)?;
            let claims = state.jwt.verify(token.trim())?;
            let tenant = tenancy::resolve(state, &req).await?;
            // A token is valid only for the tenant that issued it.
            if claims.tid != tenant.id {
                return Err(ApiError::unauthorized(
                    "Sessione non valida per questo ente",
                    "Session not valid for this organisation",
                ));
            }
            // Rights come from the account as it is now, not as it was at sign-in: a
            // deactivated account, a new password or a reset ends the session at once.
            let current = session::current(state, &claims.sub)
                .await?
                .filter(|s| s.can_sign_in && s.tenant_id == tenant.id && s.version == claims.ver)
                .ok_or_else(|| {
                    ApiError::unauthorized(
                        "Sessione terminata: accedi di nuovo",
                        "Session ended: sign in again",
                    )
                })?;
            Ok(AuthUser {
                user_id: claims.sub,
                role: current.role,
                office_ids: current.office_ids.clone(),
                platform_admin: current.platform_admin,
                tenant,
            })
        })
    }
}

/// Like [`AuthUser`] but for endpoints open to anonymous callers too.
#[derive(Debug, Clone)]
pub struct MaybeAuth(pub Option<AuthUser>);

impl FromRequest for MaybeAuth {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let has_token = req.headers().contains_key(header::AUTHORIZATION);
        let fut = AuthUser::from_request(req, payload);
        Box::pin(async move {
            if has_token {
                fut.await.map(|u| MaybeAuth(Some(u)))
            } else {
                Ok(MaybeAuth(None))
            }
        })
    }
}
