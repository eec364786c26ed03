//! When to check the city API next: often enough to notice it is back, rarely enough to spare a
//! cheap phone's battery and data. Pure: the caller supplies the randomness.

use std::time::Duration;

use model::dto::Connection;

/// How often to check while online.
pub const ONLINE_INTERVAL: Duration = Duration::from_secs(60);
/// First retry after going offline; doubles up to [`OFFLINE_MAX`].
pub const OFFLINE_FIRST: Duration = Duration::from_secs(5);
pub const OFFLINE_MAX: Duration = Duration::from_secs(60);

/// Delay before the next check. `failures` counts consecutive failed checks; `jitter` in [0, 1)
/// spreads retries ("equal jitter": half fixed, half random) so a city's worth of phones does
/// not return at the same second after an outage.
pub fn next_check_delay(state: Connection, failures: u32, jitter: f64) -> Duration {
    let base = match state {
        Connection::Online => ONLINE_INTERVAL,
        Connection::Unknown | Connection::Offline => {
            let doublings = failures.saturating_sub(1).min(16);
            OFFLINE_FIRST
                .saturating_mul(1 << doublings)
                .min(OFFLINE_MAX)
        }
    };
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    base / 2 + base.mul_f64(jitter / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_backs_off_and_caps() {
        let d = |failures| next_check_delay(Connection::Offline, failures, 0.999_999);
        assert!(d(1) <= OFFLINE_FIRST && d(1) > OFFLINE_FIRST / 2);
        assert!(d(2) > d(1));
        assert!(d(3) > d(2));
        assert!(d(30) <= OFFLINE_MAX);
        assert_eq!(
            next_check_delay(Connection::Offline, 0, 0.0),
            OFFLINE_FIRST / 2
        );
    }

    #[test]
    fn online_checks_once_a_minute_within_jitter() {
        for j in [0.0, 0.5, 0.99, -3.0, 7.0, f64::NAN] {
            let d = next_check_delay(Connection::Online, 0, j);
            assert!(
                d >= ONLINE_INTERVAL / 2 && d <= ONLINE_INTERVAL,
                "{j}: {d:?}"
            );
        }
    }
}
