//! Wrong check values are throttled per client, so the 31⁶ check values of a dossier code cannot
//! be walked: each wrong value takes a cell from the client's bucket (30 at most, one back every
//! 4 s: ~21,600 wrong values a day, ~56 years on average to hit one code's value), and a client
//! whose bucket is empty is refused with 429 and `Retry-After` *before* anything is looked up:
//! if a right value still answered 200 while wrong ones got 429, the refusal itself would say
//! which guess was right. Right values cost nothing, so the app's sync of many dossiers, and
//! many citizens behind one address (carrier NAT, a ward office's kiosks), are not slowed down.
//!
//! The counting is `governor`'s (GCRA, one state per client in a concurrent map, stale states
//! dropped by `retain_recent`). It cannot look at a bucket without taking from it, so the one
//! thing kept here is the moment until which a client is refused: set when its bucket runs dry,
//! checked on arrival. Callers run the whole "admit, look up, charge" under the database's lock,
//! so concurrent guesses of one client are decided one after another.
//!
//! A client is an IPv4 address or an IPv6 /64 (one host commonly owns a whole /64, and counting
//! addresses would let it start afresh with each). Memory is bounded: past [`MAX_CLIENTS`]
//! tracked clients, stale ones are dropped, and if that is not enough, newcomers share one
//! bucket, which is no looser than any single client's.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::Clock as GovernorClock;
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

use crate::state::{AppState, Clock};

/// Wrong values a client may send in a row.
pub const BURST: u32 = 30;
/// One more wrong value allowed every this long.
pub const REFILL: Duration = Duration::from_secs(4);
/// Clients tracked at once before stale ones are dropped (a state is a few dozen bytes).
pub const MAX_CLIENTS: usize = 100_000;

/// Who is counted: an IPv4 address or an IPv6 /64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Client(IpAddr);

impl Client {
    /// Requests whose address is unknown (no connection info), and newcomers while the table is
    /// full, share this one.
    pub const SHARED: Self = Self(IpAddr::V6(Ipv6Addr::UNSPECIFIED));

    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let s = v6.segments();
                    Self(IpAddr::V6(Ipv6Addr::new(
                        s[0], s[1], s[2], s[3], 0, 0, 0, 0,
                    )))
                }
            },
        }
    }
}

/// The client of a request: the peer address, or, behind a proxy the operator named with
/// `--client-ip-header`, the last address that header holds (the one the proxy added; any
/// earlier ones came from the client and prove nothing).
impl FromRequestParts<AppState> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let forwarded = state.client_ip_header.as_ref().and_then(|name| {
            parts
                .headers
                .get_all(name)
                .iter()
                .next_back()
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|ip| ip.trim().parse::<IpAddr>().ok())
        });
        let peer = || {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip())
        };
        Ok(forwarded.or_else(peer).map_or(Self::SHARED, Self::of))
    }
}

/// A refusal: the client may try again after `retry_after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    pub retry_after: Duration,
}

/// The server's clock as governor's, so tests that move the clock also refill buckets.
#[derive(Clone)]
pub(crate) struct ServerClock(pub(crate) Clock);

impl GovernorClock for ServerClock {
    /// Time since the Unix epoch.
    type Instant = Duration;

    fn now(&self) -> Duration {
        let ms = self.0.now().timestamp_millis();
        Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    }
}

type Limiter =
    RateLimiter<Client, DashMapStateStore<Client>, ServerClock, StateInformationMiddleware>;

pub struct Throttle {
    limiter: Limiter,
    clock: ServerClock,
    quota: Quota,
    /// Clients refused until the given moment, because their bucket ran dry.
    blocked: Mutex<HashMap<Client, Duration>>,
    last_prune: Mutex<Duration>,
}

impl Throttle {
    pub fn new(clock: Clock) -> Self {
        const BURST_NZ: NonZeroU32 = match NonZeroU32::new(BURST) {
            Some(n) => n,
            None => panic!("BURST is not zero"),
        };
        let quota = Quota::with_period(REFILL)
            .unwrap_or(Quota::per_second(NonZeroU32::MIN))
            .allow_burst(BURST_NZ);
        let clock = ServerClock(clock);
        Self {
            limiter: RateLimiter::dashmap_with_clock(quota, clock.clone())
                .with_middleware::<StateInformationMiddleware>(),
            clock,
            quota,
            blocked: Mutex::default(),
            last_prune: Mutex::default(),
        }
    }

    /// The key `who` is counted under: itself, unless the table is full of live clients.
    fn key(&self, who: Client, now: Duration) -> Client {
        if self.limiter.len() < MAX_CLIENTS {
            return who;
        }
        let mut last = self
            .last_prune
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Dropping stale states walks the whole table: at most once a second.
        if now.saturating_sub(*last) >= Duration::from_secs(1) {
            *last = now;
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
            self.blocked
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|_, until| *until > now);
        }
        if self.limiter.len() < MAX_CLIENTS {
            who
        } else {
            Client::SHARED
        }
    }

    /// Whether `who` may ask now; refused while its bucket is dry, whatever it asks.
    pub fn admit(&self, who: Client) -> Result<(), Throttled> {
        let now = self.clock.now();
        let who = self.key(who, now);
        let blocked = self.blocked.lock().unwrap_or_else(PoisonError::into_inner);
        match blocked.get(&who) {
            Some(until) if *until > now => Err(Throttled {
                retry_after: *until - now,
            }),
            _ => Ok(()),
        }
    }

    /// Charges `who` one wrong value. When that empties its bucket, `who` is refused until the
    /// next cell is back; when the bucket was already empty, this value is refused too.
    pub fn charge(&self, who: Client) -> Result<(), Throttled> {
        let now = self.clock.now();
        let who = self.key(who, now);
        let until = match self.limiter.check_key(&who) {
            Ok(state) if state.remaining_burst_capacity() > 0 => return Ok(()),
            // The last cell: this value is answered, the next one waits.
            Ok(_) => {
                self.block(who, now + self.quota.replenish_interval());
                return Ok(());
            }
            Err(not_until) => now + not_until.wait_time_from(now),
        };
        self.block(who, until);
        Err(Throttled {
            retry_after: until.saturating_sub(now),
        })
    }

    fn block(&self, who: Client, until: Duration) {
        self.blocked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(who, until);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

    use super::*;

    fn client(ip: &str) -> Client {
        Client::of(ip.parse().expect("ip"))
    }

    #[test]
    fn an_ipv6_host_is_its_64_and_a_mapped_ipv4_is_the_ipv4() {
        assert_eq!(client("2001:db8:1:2:aaaa::1"), client("2001:db8:1:2::ffff"));
        assert_ne!(client("2001:db8:1:2::1"), client("2001:db8:1:3::1"));
        assert_eq!(client("::ffff:203.0.113.7"), client("203.0.113.7"));
        assert_ne!(client("203.0.113.7"), client("203.0.113.8"));
    }

    #[test]
    fn a_client_gets_its_burst_of_wrong_values_then_waits_for_a_refill() {
        let clock = Clock::default();
        let t = Throttle::new(clock.clone());
        let (me, other) = (client("203.0.113.7"), client("198.51.100.1"));
        for i in 0..BURST {
            assert_eq!(t.admit(me), Ok(()), "value {i}");
            assert_eq!(t.charge(me), Ok(()), "value {i}");
        }
        // Dry: refused before anything is looked up, with how long to wait.
        let refused = t.admit(me).expect_err("dry");
        assert!(refused.retry_after > Duration::ZERO && refused.retry_after <= REFILL);
        assert_eq!(t.admit(other), Ok(()), "another client is not affected");
        clock.advance(chrono::Duration::seconds(REFILL.as_secs() as i64));
        assert_eq!(t.admit(me), Ok(()));
        assert_eq!(t.charge(me), Ok(()), "one cell came back");
        assert!(t.admit(me).is_err(), "and it is spent");
        // A charge while dry (e.g. a second pair of the same request) is refused too.
        assert!(t.charge(me).is_err());
        clock.advance(chrono::Duration::seconds(
            (REFILL.as_secs() * u64::from(BURST)) as i64,
        ));
        for _ in 0..BURST {
            assert_eq!(t.charge(me), Ok(()), "a full bucket again");
        }
    }
}
