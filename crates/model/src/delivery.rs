//! Why an item of the app's outbox is not with the city yet: waiting to be sent again
//! ([`RetryReason`], the engine's business) or waiting for the citizen ([`Refusal`], shown in the
//! UI). Both are stored in the app's database by their wire names.

use std::fmt;

use crate::reason::{self, Reason};
use crate::wire::wire_text;

/// Why an attempt will be made again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryReason {
    /// No answer: no network, reset, timeout, truncated body. Due at once when the link is back.
    Offline,
    /// An answer the app could not read (the city replays it under the same key).
    BadResponse,
    /// The device's own database failed while preparing the item.
    Local,
    /// The city answered with this status and a retry is right (408, 409 in flight, 425, 429,
    /// 5xx).
    Status(u16),
}

impl RetryReason {
    /// Parses what [`fmt::Display`] wrote.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "offline" => Some(Self::Offline),
            "bad_response" => Some(Self::BadResponse),
            "local" => Some(Self::Local),
            _ => text
                .strip_prefix("http_")
                .filter(|n| n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse().ok())
                .map(Self::Status),
        }
    }
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Offline => f.write_str("offline"),
            Self::BadResponse => f.write_str("bad_response"),
            Self::Local => f.write_str("local"),
            Self::Status(s) => write!(f, "http_{s}"),
        }
    }
}

/// Why an item waits for the citizen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The city refused it for this reason.
    City(Reason),
    /// The city refused it without a reason this app knows (another city's server, or a newer
    /// one): the HTTP status alone said "do not send again as it is".
    CityUnlisted,
    /// The stored item cannot be read back (a damaged row).
    DamagedItem,
    /// The photo the item sends is no longer on the device.
    PhotoMissing,
    /// A follow-up whose report has no usable city id.
    NoReportId,
}

impl Refusal {
    /// The wire name: the city's reason, or one of the app's own (disjoint from the city's).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::City(r) => r.as_str(),
            Self::CityUnlisted => "refused",
            Self::DamagedItem => "damaged_item",
            Self::PhotoMissing => "photo_missing",
            Self::NoReportId => "no_report_id",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Reason::parse(text).map(Self::City).or(match text {
            "refused" => Some(Self::CityUnlisted),
            "damaged_item" => Some(Self::DamagedItem),
            "photo_missing" => Some(Self::PhotoMissing),
            "no_report_id" => Some(Self::NoReportId),
            _ => None,
        })
    }

    /// The i18n key of what the citizen is told.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::City(r) => r.message_key(),
            _ => reason::OTHER_KEY,
        }
    }
}

wire_text!(Refusal);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_reasons_round_trip() {
        for r in [
            RetryReason::Offline,
            RetryReason::BadResponse,
            RetryReason::Local,
            RetryReason::Status(503),
            RetryReason::Status(409),
        ] {
            assert_eq!(RetryReason::parse(&r.to_string()), Some(r));
        }
        assert_eq!(RetryReason::Status(429).to_string(), "http_429");
        for bad in ["", "http_", "http_5000", "http_x03", "soon"] {
            assert_eq!(RetryReason::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn refusals_round_trip_and_the_apps_names_are_not_the_citys() {
        let mut all: Vec<Refusal> = Reason::ALL.iter().copied().map(Refusal::City).collect();
        let local = [
            Refusal::CityUnlisted,
            Refusal::DamagedItem,
            Refusal::PhotoMissing,
            Refusal::NoReportId,
        ];
        all.extend(local);
        for r in all {
            assert_eq!(Refusal::parse(r.as_str()), Some(r), "{r}");
            let json = serde_json::to_string(&r).expect("json");
            assert_eq!(serde_json::from_str::<Refusal>(&json).expect("back"), r);
        }
        for r in local {
            assert_eq!(Reason::parse(r.as_str()), None, "{r} is also a city reason");
        }
        assert_eq!(Refusal::parse("nonsense"), None);
        assert_eq!(Refusal::PhotoMissing.message_key(), "reason.other");
        assert_eq!(
            Refusal::City(Reason::TooLong).message_key(),
            "reason.too_long"
        );
    }
}
