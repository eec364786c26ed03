//! The city API's base address, as typed in settings or given by the environment.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

/// Longest address accepted; a real one is far shorter.
const MAX_LEN: usize = 2_048;

/// The city's official API address(es), shipped in the app: the one list. Settings use any
/// other only after the citizen confirms it by name ([`needs_confirmation`]), so a link or a
/// person asking them to "just change the server" cannot quietly send their reports elsewhere.
/// A city puts its own here before a release (the reference server has no public address).
pub const OFFICIAL_API_URLS: &[&str] = &["https://api.hochiminhcity.gov.vn/"];

/// Whether the citizen must confirm `url` before it is used: it is not one of `trusted` (the
/// official list and the address the app was started with) and not this device where
/// `loopback_ok` (debug and test builds, which talk to the local reference server).
pub fn needs_confirmation(url: &ApiBaseUrl, trusted: &[ApiBaseUrl], loopback_ok: bool) -> bool {
    !(trusted.contains(url) || (loopback_ok && url.is_loopback()))
}

/// The official addresses, parsed (an entry that does not parse is left out: a test holds
/// every entry valid).
pub fn official() -> Vec<ApiBaseUrl> {
    OFFICIAL_API_URLS
        .iter()
        .filter_map(|u| ApiBaseUrl::parse(u).ok())
        .collect()
}

fn host_is_loopback(host: Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(ip).is_loopback(),
    }
}

/// A validated base URL: http(s), a host, no credentials, query or fragment, ending in `/` so
/// that relative paths join under it. Plain `http` is allowed only to this device (loopback),
/// because everything else a citizen sends must be encrypted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ApiBaseUrl(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApiUrlError {
    #[error("the address is empty")]
    Empty,
    #[error("the address is not a valid web address")]
    Malformed,
    #[error("the address must start with https://")]
    UnsupportedScheme,
    #[error("plain http is only allowed to this device; use https")]
    Insecure,
    #[error("the address must not contain a user name, password, query or fragment")]
    ExtraParts,
}

impl ApiBaseUrl {
    pub fn parse(text: &str) -> Result<Self, ApiUrlError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ApiUrlError::Empty);
        }
        if text.len() > MAX_LEN || text.chars().any(char::is_whitespace) {
            return Err(ApiUrlError::Malformed);
        }
        let mut url = Url::parse(text).map_err(|_| ApiUrlError::Malformed)?;
        let host = url.host().ok_or(ApiUrlError::Malformed)?;
        let loopback = host_is_loopback(host);
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => return Err(ApiUrlError::Insecure),
            _ => return Err(ApiUrlError::UnsupportedScheme),
        }
        if !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(ApiUrlError::ExtraParts);
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(Self(url.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An address on this device (`localhost`, 127.0.0.0/8, `::1`).
    pub fn is_loopback(&self) -> bool {
        Url::parse(&self.0)
            .ok()
            .and_then(|u| u.host().map(host_is_loopback))
            .unwrap_or(false)
    }

    /// `path` joined under the base: `join("api/v1/wards")`.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0, path.trim_start_matches('/'))
    }
}

impl TryFrom<String> for ApiBaseUrl {
    type Error = ApiUrlError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ApiBaseUrl> for String {
    fn from(url: ApiBaseUrl) -> Self {
        url.0
    }
}

impl fmt::Display for ApiBaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_loopback_http() {
        let cases = [
            (
                "https://api.hochiminhcity.gov.vn",
                "https://api.hochiminhcity.gov.vn/",
            ),
            (
                "https://example.org/city/v2",
                "https://example.org/city/v2/",
            ),
            ("  http://127.0.0.1:8722  ", "http://127.0.0.1:8722/"),
            ("http://localhost:9000/", "http://localhost:9000/"),
            ("http://[::1]:80/", "http://[::1]/"),
        ];
        for (input, want) in cases {
            assert_eq!(
                ApiBaseUrl::parse(input).map(String::from),
                Ok(want.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_bad_addresses_with_a_reason() {
        use ApiUrlError::*;
        let cases = [
            ("", Empty),
            ("   ", Empty),
            ("not a url", Malformed),
            ("api.city.vn", Malformed),
            ("https://", Malformed),
            ("ftp://api.city.vn", UnsupportedScheme),
            ("file:///etc/passwd", Malformed),
            ("javascript:alert(1)", Malformed),
            ("http://api.city.vn", Insecure),
            ("http://10.0.0.1:8080", Insecure),
            ("https://user:pw@api.city.vn", ExtraParts),
            ("https://api.city.vn/?key=1", ExtraParts),
            ("https://api.city.vn/#x", ExtraParts),
        ];
        for (input, want) in cases {
            assert_eq!(ApiBaseUrl::parse(input), Err(want), "{input}");
        }
        assert_eq!(
            ApiBaseUrl::parse(&format!("https://a.vn/{}", "a".repeat(3000))),
            Err(Malformed)
        );
    }

    #[test]
    fn other_addresses_than_the_official_ones_are_confirmed_first() {
        let official = official();
        assert_eq!(
            official.len(),
            OFFICIAL_API_URLS.len(),
            "every entry is valid"
        );
        let url = |s: &str| ApiBaseUrl::parse(s).expect("valid");
        assert!(!needs_confirmation(&official[0], &official, false));
        let other = url("https://api.example.vn/city");
        assert!(needs_confirmation(&other, &official, false));
        assert!(needs_confirmation(&other, &official, true));
        let local = url("http://127.0.0.1:8722");
        assert!(local.is_loopback() && url("http://localhost:1").is_loopback());
        assert!(!url("https://10.0.0.1").is_loopback());
        assert!(needs_confirmation(&local, &official, false), "release");
        assert!(!needs_confirmation(&local, &official, true), "debug");
        let started_with = [official[0].clone(), other.clone()];
        assert!(!needs_confirmation(&other, &started_with, false));
    }

    #[test]
    fn joins_paths() {
        let base = ApiBaseUrl::parse("http://127.0.0.1:1/x").expect("valid");
        assert_eq!(
            base.join("/api/v1/wards"),
            "http://127.0.0.1:1/x/api/v1/wards"
        );
        assert_eq!(base.join("health"), "http://127.0.0.1:1/x/health");
    }
}
