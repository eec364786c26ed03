//! How the sync worker treats each answer: done, try again later (and when), or stop and ask
//! the citizen. Pure functions; the caller supplies the clock and the randomness.

use std::time::{Duration, SystemTime};

use model::delivery::Refusal;
use model::reason::Reason;

/// First retry delay cap and the largest; the delay cap doubles per attempt in between.
pub const BACKOFF_BASE: Duration = Duration::from_millis(500);
pub const BACKOFF_CAP: Duration = Duration::from_secs(300);
/// The most a server's `Retry-After` can push a retry back (a bad header must not park a
/// citizen's report for days).
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(3600);

/// "Full jitter" exponential backoff: uniformly random in [0, min(cap, base · 2^attempt)], so a
/// city's worth of phones coming back online do not retry in step. `rand01` is in [0, 1).
pub fn backoff(attempt: u32, rand01: f64) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(1_u32 << attempt.min(20))
        .min(BACKOFF_CAP);
    let r = if rand01.is_finite() {
        rand01.clamp(0.0, 1.0)
    } else {
        1.0
    };
    ceiling.mul_f64(r)
}

/// What an attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The city has it.
    Delivered,
    /// Try again; not before `not_before` if the server said so.
    Retry { not_before: Option<Duration> },
    /// The city refused it for a reason only the citizen can fix; keep it and show it.
    Refused {
        reason: Refusal,
        field: Option<String>,
    },
}

/// Classifies an HTTP answer. `reason`/`field` come from the error body when there is one; a
/// reason this app does not know is kept as "refused" (shown with the generic text).
pub fn classify(
    status: u16,
    reason: Option<Reason>,
    field: Option<&str>,
    retry_after: Option<Duration>,
) -> Outcome {
    let refused = || Outcome::Refused {
        reason: reason.map_or(Refusal::CityUnlisted, Refusal::City),
        field: field.map(str::to_owned),
    };
    match status {
        200..=299 => Outcome::Delivered,
        // A redirect is never followed (`client::http_client`): the city moved or something
        // between is rewriting answers. Not the citizen's to fix; tried again later, the
        // status kept as the reason (`http_307`).
        300..=399 => Outcome::Retry { not_before: None },
        // Timeouts, too early, rate limits and server trouble pass.
        408 | 425 | 429 | 500..=599 => Outcome::Retry {
            not_before: retry_after.map(|d| d.min(RETRY_AFTER_MAX)),
        },
        // Our own key still being processed (an earlier attempt we gave up on): wait.
        409 if reason == Some(Reason::RequestInFlight) => Outcome::Retry {
            not_before: retry_after.map(|d| d.min(RETRY_AFTER_MAX)),
        },
        _ => refused(),
    }
}

/// `Retry-After` as delay-seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_full_jitter_under_a_doubling_cap() {
        assert_eq!(backoff(0, 0.0), Duration::ZERO);
        assert_eq!(backoff(0, 1.0), BACKOFF_BASE);
        assert_eq!(backoff(3, 1.0), BACKOFF_BASE * 8);
        assert_eq!(backoff(40, 1.0), BACKOFF_CAP);
        assert!(backoff(5, 0.5) <= BACKOFF_BASE * 32);
        for bad in [f64::NAN, -1.0, 9.0] {
            assert!(backoff(2, bad) <= BACKOFF_BASE * 4);
        }
    }

    #[test]
    fn answers_are_classified() {
        assert_eq!(classify(200, None, None, None), Outcome::Delivered);
        for s in [408, 429, 500, 502, 503] {
            assert!(
                matches!(classify(s, None, None, None), Outcome::Retry { .. }),
                "{s}"
            );
        }
        assert_eq!(
            classify(503, None, None, Some(Duration::from_secs(7))),
            Outcome::Retry {
                not_before: Some(Duration::from_secs(7))
            }
        );
        assert_eq!(
            classify(429, None, None, Some(Duration::from_secs(999_999))),
            Outcome::Retry {
                not_before: Some(RETRY_AFTER_MAX)
            }
        );
        assert!(matches!(
            classify(409, Some(Reason::RequestInFlight), None, None),
            Outcome::Retry { .. }
        ));
        assert_eq!(
            classify(400, Some(Reason::TooLong), Some("description"), None),
            Outcome::Refused {
                reason: Refusal::City(Reason::TooLong),
                field: Some("description".into())
            }
        );
        assert!(matches!(
            classify(409, Some(Reason::AlreadyRated), None, None),
            Outcome::Refused { .. }
        ));
        assert!(matches!(
            classify(403, None, None, None),
            Outcome::Refused { .. }
        ));
        // A redirect is not followed and not the citizen's to fix: later.
        for s in [301, 302, 303, 307, 308] {
            assert_eq!(
                classify(s, None, None, None),
                Outcome::Retry { not_before: None },
                "{s}"
            );
        }
    }

    #[test]
    fn retry_after_in_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_retry_after(" 12 ", now),
            Some(Duration::from_secs(12))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }
}
