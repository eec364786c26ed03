//! Rate limits on registration and on every POST, answered 429 + `Retry-After`
//! (`rate_limited`) before any work: per network address (the address rule of `throttle`: an
//! IPv4 address or an IPv6 /64, behind a trusted proxy its `--client-ip-header`) and per
//! verified device.
//!
//! Built on `governor` (GCRA buckets, as `throttle` is) rather than `tower_governor`: the
//! latter's key extractors know neither the /64 rule nor a proxy header that only the operator
//! may name, its refusals are not Open311's error shape, and it runs on the wall clock where
//! the tests move the server's (`state::Clock`).
//!
//! Many honest citizens share one carrier-grade NAT address, so the numbers differ per kind:
//! a device registers once per install (strict per address), posts per address are generous
//! and posts per device moderate. The defaults and how a city tunes them are in the README.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::Clock as _;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use model::feedback::DeviceId;

use crate::error::ApiError;
use crate::state::{AppState, Clock};
use crate::throttle::{Client, ServerClock};

/// A bucket: `burst` at once, then one more every `every`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub every: Duration,
}

impl Rate {
    fn quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(self.every.max(Duration::from_millis(1)))
            .unwrap_or(Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst)
    }
}

/// The limits a server runs with (`city-api --help`: `--register-*`, `--post-*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Device registrations per network address.
    pub register: Rate,
    /// POSTs of any kind per network address.
    pub post_per_address: Rate,
    /// Signed POSTs per verified device.
    pub post_per_device: Rate,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            register: Rate {
                burst: 20,
                every: Duration::from_secs(180),
            },
            post_per_address: Rate {
                burst: 600,
                every: Duration::from_millis(100),
            },
            post_per_device: Rate {
                burst: 30,
                every: Duration::from_secs(10),
            },
        }
    }
}

impl Limits {
    /// Limits no load test behind one address reaches: for benchmarks and the soak, which
    /// measure something else (never for a server people use).
    pub fn lifted() -> Self {
        let rate = Rate {
            burst: u32::MAX / 2,
            every: Duration::from_millis(1),
        };
        Self {
            register: rate,
            post_per_address: rate,
            post_per_device: rate,
        }
    }
}

/// Keys tracked per limiter before stale ones are dropped (a state is a few dozen bytes).
const MAX_KEYS: usize = 200_000;

struct Keyed<K: Hash + Eq + Clone> {
    limiter: RateLimiter<K, DashMapStateStore<K>, ServerClock, NoOpMiddleware<Duration>>,
    clock: ServerClock,
    last_prune: Mutex<Duration>,
}

impl<K: Hash + Eq + Clone> Keyed<K> {
    fn new(rate: Rate, clock: &Clock) -> Self {
        let clock = ServerClock(clock.clone());
        Self {
            limiter: RateLimiter::dashmap_with_clock(rate.quota(), clock.clone()),
            clock,
            last_prune: Mutex::default(),
        }
    }

    /// Takes a cell from `key`'s bucket, or says how long to wait. While the table is full of
    /// live buckets, every key is counted in `shared`'s, which is no looser than any one's.
    fn check(&self, key: &K, shared: &K) -> Result<(), ApiError> {
        let now = self.clock.now();
        let mut key = key;
        if self.limiter.len() >= MAX_KEYS {
            let mut last = self
                .last_prune
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            // Dropping full buckets walks the table: at most once a second.
            if now.saturating_sub(*last) >= Duration::from_secs(1) {
                *last = now;
                self.limiter.retain_recent();
                self.limiter.shrink_to_fit();
            }
            if self.limiter.len() >= MAX_KEYS {
                key = shared;
            }
        }
        self.limiter
            .check_key(key)
            .map_err(|not_until| ApiError::RateLimited(not_until.wait_time_from(now)))
    }
}

/// The limiters of one server.
pub struct Limiters {
    register: Keyed<Client>,
    address: Keyed<Client>,
    device: Keyed<DeviceId>,
    /// The bucket of every device while the device table is full.
    shared_device: DeviceId,
}

impl Limiters {
    pub fn new(limits: Limits, clock: &Clock) -> Self {
        Self {
            register: Keyed::new(limits.register, clock),
            address: Keyed::new(limits.post_per_address, clock),
            device: Keyed::new(limits.post_per_device, clock),
            shared_device: DeviceId::parse("shared-device-bucket")
                .unwrap_or_else(|| unreachable!("a well-formed device id")),
        }
    }

    /// A registration from `who`.
    pub fn register(&self, who: Client) -> Result<(), ApiError> {
        self.register.check(&who, &Client::SHARED)
    }

    /// Any POST from `who`.
    pub fn post(&self, who: Client) -> Result<(), ApiError> {
        self.address.check(&who, &Client::SHARED)
    }

    /// A signed POST from a device whose signature was just verified.
    pub fn device(&self, id: &DeviceId) -> Result<(), ApiError> {
        self.device.check(id, &self.shared_device)
    }
}

/// The layer in front of every route: a POST is counted against its address (a registration
/// also against the registrations of its address) before anything else is read.
pub async fn guard(
    State(state): State<AppState>,
    who: Client,
    req: Request,
    next: Next,
) -> Response {
    if req.method() == Method::POST {
        let counted = if req.uri().path() == model::trust::REGISTER_PATH {
            state.limits.register(who)
        } else {
            Ok(())
        }
        .and_then(|()| state.limits.post(who));
        if let Err(refused) = counted {
            return refused.into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

    use super::*;

    #[test]
    fn a_bucket_gives_its_burst_then_refills_on_the_servers_clock() {
        let clock = Clock::default();
        let limits = Limits {
            register: Rate {
                burst: 3,
                every: Duration::from_secs(60),
            },
            ..Limits::default()
        };
        let l = Limiters::new(limits, &clock);
        let me = Client::of("203.0.113.7".parse().unwrap());
        let other = Client::of("203.0.113.8".parse().unwrap());
        for _ in 0..3 {
            assert!(l.register(me).is_ok());
        }
        match l.register(me) {
            Err(ApiError::RateLimited(wait)) => {
                assert!(wait > Duration::ZERO && wait <= Duration::from_secs(60));
            }
            other => panic!("{other:?}"),
        }
        assert!(l.register(other).is_ok(), "another address is not affected");
        clock.advance(chrono::Duration::seconds(60));
        assert!(l.register(me).is_ok());
        assert!(l.register(me).is_err());
    }
}
