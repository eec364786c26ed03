//! Consent to send contact details: which text the citizen agreed to and when. Sent with the
//! contact details as `consent_version` and `consent_at` (RFC 3339), stored next to them on the
//! device and by the city; a report with contact details and no consent is refused.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The version of the consent text (`contact.consent_text` and `contact.consent` in
/// `i18n/*.json`). Change the text, bump this (`crates/i18n/tests/consent.rs` holds each
/// version to its texts). 3: no longer promises deletion "at any time", which nothing did yet.
pub const CONSENT_VERSION: u16 = 3;

/// The form fields that carry it.
pub const VERSION_FIELD: &str = "consent_version";
pub const AT_FIELD: &str = "consent_at";

/// What the citizen agreed to, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Consent {
    pub version: u16,
    pub at: DateTime<Utc>,
}

impl Consent {
    /// The form pairs sent with contact details.
    pub fn to_pairs(&self) -> [(String, String); 2] {
        [
            (VERSION_FIELD.to_owned(), self.version.to_string()),
            (
                AT_FIELD.to_owned(),
                self.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ),
        ]
    }

    /// Reads the two fields; `None` when either is missing or malformed, or the version is not
    /// one this app has ever shown (1 ..= [`CONSENT_VERSION`]).
    pub fn parse(version: Option<&str>, at: Option<&str>) -> Option<Self> {
        let version: u16 = version?.trim().parse().ok()?;
        if !(1..=CONSENT_VERSION).contains(&version) {
            return None;
        }
        let at = DateTime::parse_from_rfc3339(at?.trim()).ok()?.to_utc();
        Some(Self { version, at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_round_trips_and_bad_fields_are_none() {
        let at = DateTime::parse_from_rfc3339("2026-12-07T08:00:00Z")
            .map(|d| d.to_utc())
            .unwrap_or_default();
        let c = Consent {
            version: CONSENT_VERSION,
            at,
        };
        let [(_, v), (_, t)] = c.to_pairs();
        assert_eq!(Consent::parse(Some(&v), Some(&t)), Some(c));
        assert_eq!(Consent::parse(None, Some(&t)), None);
        assert_eq!(Consent::parse(Some(&v), None), None);
        assert_eq!(Consent::parse(Some("0"), Some(&t)), None);
        assert_eq!(Consent::parse(Some("99"), Some(&t)), None);
        assert_eq!(Consent::parse(Some(&v), Some("yesterday")), None);
    }
}
