//! Per-client-IP rate limits for login, registration and public forms, and the login
//! guard that slows password guessing without letting anyone lock an account's owner out.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

pub struct IpLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl std::fmt::Debug for IpLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IpLimiter")
    }
}

impl IpLimiter {
    /// `per_minute` attempts, refilled evenly, with a burst of the same size.
    pub fn per_minute(per_minute: u32) -> Self {
        let n = NonZeroU32::new(per_minute.max(1)).expect("non-zero");
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(n)),
        }
    }

    pub fn check(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::TooManyRequests {
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }

    /// Drops idle keys so the map does not grow without bound.
    pub fn prune(&self) {
        self.limiter.retain_recent();
    }
}

/// How long failures of one client on one account are remembered, and how long that
/// client is then kept out of that account.
const CLIENT_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The account-wide backoff starts here and doubles with each further failure…
const ACCOUNT_BACKOFF: Duration = Duration::from_secs(30);
/// …up to this.
const ACCOUNT_BACKOFF_MAX: Duration = Duration::from_secs(15 * 60);
/// Keys kept at most (each a failed attempt on some username); past this, new keys are
/// not tracked until pruning frees room (the per-IP limit still applies).
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Strikes {
    count: u32,
    last: Instant,
    until: Option<Instant>,
}

impl Strikes {
    fn fresh(now: Instant) -> Self {
        Self {
            count: 0,
            last: now,
            until: None,
        }
    }

    fn blocked_for(&self, now: Instant) -> Option<Duration> {
        self.until
            .filter(|u| *u > now)
            .map(|u| u.duration_since(now))
    }

    fn stale(&self, now: Instant) -> bool {
        now.duration_since(self.last) >= CLIENT_WINDOW && self.blocked_for(now).is_none()
    }
}

/// Failed sign-ins, keyed by the username as typed (normalised, with the tenant), so a
/// known and an unknown account behave exactly alike:
/// - one client (account, IP) that fails `after` times is kept out of that account for
///   [`CLIENT_WINDOW`], the right password included;
/// - the account as a whole then backs off too, but only for clients that have failed on
///   it recently: a client without recent failures still gets its password checked, so
///   the owner signs in while someone else hammers the account.
#[derive(Debug)]
pub struct LoginGuard {
    after: u32,
    inner: Mutex<GuardMaps>,
}

#[derive(Debug, Default)]
struct GuardMaps {
    clients: HashMap<(String, IpAddr), Strikes>,
    accounts: HashMap<String, Strikes>,
}

/// What a failed attempt led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure {
    /// This failure locked the client out of the account.
    pub locked: bool,
}

fn too_many(wait: Duration) -> ApiError {
    ApiError::TooManyRequests {
        retry_after_secs: wait.as_secs().max(1),
    }
}

impl LoginGuard {
    pub fn new(after: u32) -> Self {
        Self {
            after: after.max(1),
            inner: Mutex::new(GuardMaps::default()),
        }
    }

    /// Before checking the password: refused while this client is kept out.
    pub fn check(&self, key: &str, ip: IpAddr) -> Result<(), ApiError> {
        let now = Instant::now();
        let Ok(maps) = self.inner.lock() else {
            return Ok(());
        };
        let client = maps
            .clients
            .get(&(key.to_owned(), ip))
            .filter(|s| !s.stale(now));
        if let Some(wait) = client.and_then(|c| c.blocked_for(now)) {
            return Err(too_many(wait));
        }
        let recent_failures = client.is_some_and(|c| c.count > 0);
        if recent_failures
            && let Some(wait) = maps.accounts.get(key).and_then(|a| a.blocked_for(now))
        {
            return Err(too_many(wait));
        }
        Ok(())
    }

    pub fn failed(&self, key: &str, ip: IpAddr) -> Failure {
        let now = Instant::now();
        let Ok(mut maps) = self.inner.lock() else {
            return Failure { locked: false };
        };
        if maps.clients.len() + maps.accounts.len() >= MAX_KEYS {
            maps.prune(now);
        }
        let room = maps.clients.len() + maps.accounts.len() < MAX_KEYS;
        let after = self.after;
        let mut locked = false;
        let client_key = (key.to_owned(), ip);
        if room || maps.clients.contains_key(&client_key) {
            let c = maps
                .clients
                .entry(client_key)
                .or_insert(Strikes::fresh(now));
            if c.stale(now) {
                *c = Strikes::fresh(now);
            }
            c.count += 1;
            c.last = now;
            if c.count >= after {
                c.until = Some(now + CLIENT_WINDOW);
                locked = true;
            }
        }
        if room || maps.accounts.contains_key(key) {
            let a = maps
                .accounts
                .entry(key.to_owned())
                .or_insert(Strikes::fresh(now));
            if a.stale(now) {
                *a = Strikes::fresh(now);
            }
            a.count += 1;
            a.last = now;
            if a.count >= after {
                let doublings = (a.count - after).min(10);
                let wait = (ACCOUNT_BACKOFF * 2u32.pow(doublings)).min(ACCOUNT_BACKOFF_MAX);
                a.until = Some(now + wait);
            }
        }
        Failure { locked }
    }

    /// The right password: this client's and the account's failures are forgotten.
    pub fn succeeded(&self, key: &str, ip: IpAddr) {
        if let Ok(mut maps) = self.inner.lock() {
            maps.clients.remove(&(key.to_owned(), ip));
            maps.accounts.remove(key);
        }
    }

    /// Forgets failures older than the window.
    pub fn prune(&self) {
        if let Ok(mut maps) = self.inner.lock() {
            maps.prune(Instant::now());
        }
    }

    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .map_or(0, |m| m.clients.len() + m.accounts.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl GuardMaps {
    fn prune(&mut self, now: Instant) {
        self.clients.retain(|_, s| !s.stale(now));
        self.accounts.retain(|_, s| !s.stale(now));
    }
}

/// A limiter keyed by a text, e.g. the e-mail address a public booking is for.
pub struct KeyLimiter {
    limiter: DefaultKeyedRateLimiter<String>,
}

impl std::fmt::Debug for KeyLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyLimiter")
    }
}

impl KeyLimiter {
    /// `per_hour` attempts per key, refilled evenly, with a burst of the same size.
    pub fn per_hour(per_hour: u32) -> Self {
        let n = NonZeroU32::new(per_hour.max(1)).expect("non-zero");
        Self {
            limiter: RateLimiter::keyed(Quota::per_hour(n)),
        }
    }

    pub fn check(&self, key: &str) -> Result<(), ApiError> {
        self.limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                ApiError::TooManyRequests {
                    retry_after_secs: wait.as_secs().max(1),
                }
            })
    }

    pub fn prune(&self) {
        self.limiter.retain_recent();
    }
}

/// The limiters of one server.
#[derive(Debug)]
pub struct Limits {
    pub login: IpLimiter,
    pub register: IpLimiter,
    pub public_forms: IpLimiter,
    /// Searches typed as you go (answers, Riciclabolario): one per pause in typing.
    pub public_search: IpLimiter,
    pub logins: LoginGuard,
    /// Public bookings per e-mail address (they send mail to it).
    pub booking_email: KeyLimiter,
}

impl Limits {
    pub fn new(per_minute: u32, lockout_after: u32, bookings_per_email_per_hour: u32) -> Self {
        Self {
            login: IpLimiter::per_minute(per_minute),
            // Registration carries a document upload: a tighter budget.
            register: IpLimiter::per_minute(per_minute.div_ceil(2)),
            public_forms: IpLimiter::per_minute(per_minute),
            public_search: IpLimiter::per_minute(per_minute.saturating_mul(10)),
            logins: LoginGuard::new(lockout_after),
            booking_email: KeyLimiter::per_hour(bookings_per_email_per_hour),
        }
    }

    /// Drops idle keys of every limiter; called periodically.
    pub fn prune(&self) {
        self.login.prune();
        self.register.prune();
        self.public_forms.prune();
        self.public_search.prune();
        self.logins.prune();
        self.booking_email.prune();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guessing_client_does_not_lock_out_the_owner() {
        let guard = LoginGuard::new(3);
        let (attacker, owner) = (
            IpAddr::from([198, 51, 100, 1]),
            IpAddr::from([192, 0, 2, 7]),
        );
        for _ in 0..3 {
            guard.check("t:op", attacker).unwrap();
            guard.failed("t:op", attacker);
        }
        assert!(guard.check("t:op", attacker).is_err());
        // The owner, with no failures of their own, still gets the password checked.
        assert!(guard.check("t:op", owner).is_ok());
        // Once they fail too, the account-wide backoff applies to them.
        assert!(!guard.failed("t:op", owner).locked);
        assert!(guard.check("t:op", owner).is_err());
        // Other accounts are not affected; pruning keeps live entries.
        assert!(guard.check("t:other", attacker).is_ok());
        guard.prune();
        assert_eq!(guard.len(), 3);
        guard.succeeded("t:op", owner);
        assert!(guard.check("t:op", owner).is_ok());
    }
}
