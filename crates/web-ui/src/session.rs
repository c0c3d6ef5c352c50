//! Who is signed in, and the tenant data every page shares (name, logo, calendar,
//! request types). Provided once by the app shell through context.

use domain::api::{LoginRequest, Me, PublicTenant, RequestType};
use domain::{MonthDay, Role, WorkingCalendar};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiResult};
use crate::browser;

/// Set while this browser holds a refresh cookie (after a login, until logout or a failed
/// refresh). Without it the start-up refresh is skipped: a visitor who never signed in
/// gets no pointless 401 and sees the first page sooner. Not a secret: only a hint.
const SIGNED_IN_HINT: &str = "sportello.signed-in";

#[derive(Clone, Copy)]
pub struct Session {
    /// The signed-in user, once known.
    pub me: RwSignal<Option<Me>>,
    /// False until the start-up attempt to restore the session (refresh cookie) is over,
    /// so guarded pages do not bounce a signed-in user to the login page on reload.
    pub ready: RwSignal<bool>,
    /// Set when the server ended the session (expired, account deactivated, password
    /// reset): the sign-in page says so. Cleared by the next sign-in.
    pub ended: RwSignal<bool>,
}

impl Session {
    pub fn role(self) -> Option<Role> {
        self.me.with(|m| m.as_ref().map(|m| m.role))
    }

    pub fn is_staff(self) -> bool {
        self.role().is_some_and(Role::is_staff)
    }

    pub fn is_signed_in(self) -> bool {
        self.me.with(Option::is_some)
    }

    pub async fn login(self, username: String, password: String) -> ApiResult<Me> {
        api::login(&LoginRequest { username, password }).await?;
        browser::local_storage_set(SIGNED_IN_HINT, "1");
        let me = api::me().await?;
        self.ended.set(false);
        self.me.set(Some(me.clone()));
        Ok(me)
    }

    /// Signs out. Returns false when the browser is leaving for the identity provider
    /// (SPID, CIE), which ends its own session and sends it back to the portal.
    pub async fn logout(self) -> bool {
        if let Some(url) = api::logout().await {
            // The page is leaving: the user is not dropped here, or the guarded page would
            // send the browser to sign in before it reaches the provider.
            browser::local_storage_remove(SIGNED_IN_HINT);
            browser::load_page(&url, false);
            return false;
        }
        self.forget();
        true
    }

    /// Forgets the user in this tab without asking the server (whose session is over).
    pub fn forget(self) {
        api::set_token(None);
        browser::local_storage_remove(SIGNED_IN_HINT);
        self.me.set(None);
    }
}

/// Shares the session and tries to restore it from the refresh cookie.
pub fn provide_session() -> Session {
    let session = Session {
        me: RwSignal::new(None),
        ready: RwSignal::new(false),
        ended: RwSignal::new(false),
    };
    provide_context(session);
    // Guarded pages react to the user going: they send them to sign in, and back after.
    api::on_session_lost(move || {
        session.ended.set(true);
        session.forget();
    });
    // Back from SPID or CIE with a session cookie the app cannot see (HttpOnly).
    if browser::take_fragment(domain::identity::SIGNED_IN_FRAGMENT) {
        browser::local_storage_set(SIGNED_IN_HINT, "1");
    }
    if browser::local_storage_get(SIGNED_IN_HINT).is_none() {
        session.ready.set(true);
        return session;
    }
    spawn_local(async move {
        if api::refresh().await
            && let Ok(me) = api::me().await
        {
            session.me.set(Some(me));
        } else {
            // This browser was signed in, and the server no longer knows the session.
            session.ended.set(true);
            browser::local_storage_remove(SIGNED_IN_HINT);
        }
        session.ready.set(true);
    });
    session
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Tenant-wide data loaded once per visit.
#[derive(Clone, Copy)]
pub struct TenantData {
    pub tenant: LocalResource<ApiResult<PublicTenant>>,
    pub request_types: LocalResource<ApiResult<Vec<RequestType>>>,
}

impl TenantData {
    /// The tenant's working calendar (national holidays, patron saint, closures), or the
    /// national one until the tenant is loaded: the same rules the server uses.
    pub fn calendar(self) -> WorkingCalendar {
        match self.tenant.get() {
            Some(Ok(t)) => WorkingCalendar::new(
                t.patron_saint
                    .as_deref()
                    .and_then(|p| MonthDay::parse(p).ok()),
                t.closure_days,
            ),
            _ => WorkingCalendar::national(),
        }
    }

    pub fn name(self) -> Option<String> {
        match self.tenant.get() {
            Some(Ok(t)) => Some(t.name),
            _ => None,
        }
    }

    pub fn types(self) -> Vec<RequestType> {
        match self.request_types.get() {
            Some(Ok(types)) => types,
            _ => Vec::new(),
        }
    }
}

pub fn provide_tenant() -> TenantData {
    let data = TenantData {
        tenant: LocalResource::new(api::tenant),
        request_types: LocalResource::new(api::request_types),
    };
    provide_context(data);
    data
}

pub fn use_tenant() -> TenantData {
    expect_context::<TenantData>()
}
