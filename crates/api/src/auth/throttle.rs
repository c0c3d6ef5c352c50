//! Per-client-IP rate limits for login, registration and public forms.

use std::net::IpAddr;
use std::num::NonZeroU32;

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

    pub fn check(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let ip = ip.unwrap_or(IpAddr::from([0, 0, 0, 0]));
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
    /// Public bookings per e-mail address (they send mail to it).
    pub booking_email: KeyLimiter,
}

impl Limits {
    pub fn new(per_minute: u32) -> Self {
        Self::with_booking_email(per_minute, 10)
    }

    pub fn with_booking_email(per_minute: u32, bookings_per_email_per_hour: u32) -> Self {
        Self {
            login: IpLimiter::per_minute(per_minute),
            // Registration carries a document upload: a tighter budget.
            register: IpLimiter::per_minute(per_minute.div_ceil(2)),
            public_forms: IpLimiter::per_minute(per_minute),
            booking_email: KeyLimiter::per_hour(bookings_per_email_per_hour),
        }
    }
}
