//! The device credential and the request signature.
//!
//! The app registers once (`POST /api/v1/devices`) and gets a [`Registration`]: an id the city
//! issued and a 256-bit secret. Every write that counts (a "me too", a ward rating, a survey
//! answer) and every named report then carries three headers:
//! `Citizen-Device: <id>`, `Citizen-Time: <unix seconds>` and
//! `Citizen-Signature: <base64url HMAC-SHA256(secret, canonical text)>`, where the canonical
//! text ([`canonical`]) binds the method, the path with its query, the time, the
//! Idempotency-Key and a digest of the content. The server refuses a time more than
//! [`MAX_SKEW_SECS`] from its own clock, so a captured request can be replayed only within
//! that window, and only under its own Idempotency-Key — which replays the first answer
//! instead of counting twice. A device whose clock is wrong corrects by the server's `Date`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::feedback::DeviceId;

pub const DEVICE_HEADER: &str = "citizen-device";
pub const TIME_HEADER: &str = "citizen-time";
pub const SIGNATURE_HEADER: &str = "citizen-signature";
/// How far the request's time may be from the server's, either way.
pub const MAX_SKEW_SECS: i64 = 300;
/// The first line of every canonical text: a new scheme gets a new tag, never a changed one.
pub const SCHEME: &str = "citizen-sig-v1";

const SECRET_LEN: usize = 32;

/// A device's 256-bit secret. Never printed: `Debug` shows no byte of it.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceSecret([u8; SECRET_LEN]);

impl DeviceSecret {
    pub fn from_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(bytes)
    }

    /// The secret as sent and stored: 43 characters of unpadded base64url.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 43 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    pub fn to_text(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length; this cannot fail.
        match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC accepts any key length"),
        }
    }
}

impl fmt::Debug for DeviceSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceSecret(…)")
    }
}

/// What `POST /api/v1/devices` answers (201): the id the city issued and the device's secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Registration {
    /// The device's id, issued by the city (8–128 of `[A-Za-z0-9_-]`).
    pub device_id: String,
    /// 256 random bits as 43 characters of unpadded base64url; shown once, kept by the device.
    pub secret: String,
}

/// A registered device: what the app keeps (in the OS keyring where there is one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceCredential {
    pub id: DeviceId,
    pub secret: DeviceSecret,
}

impl DeviceCredential {
    /// Reads the city's answer; `None` when it is not a credential.
    pub fn from_registration(r: &Registration) -> Option<Self> {
        Some(Self {
            id: DeviceId::parse(&r.device_id)?,
            secret: DeviceSecret::parse(&r.secret)?,
        })
    }

    /// The `Citizen-Signature` value for a request.
    pub fn sign(&self, request: &SignedRequest<'_>) -> String {
        let mut mac = self.secret.mac();
        mac.update(&canonical(request));
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

/// True when `signature` is `secret`'s signature of `request` (compared in constant time).
pub fn verify(secret: &DeviceSecret, request: &SignedRequest<'_>, signature: &str) -> bool {
    let Ok(given) = URL_SAFE_NO_PAD.decode(signature.as_bytes()) else {
        return false;
    };
    let mut mac = secret.mac();
    mac.update(&canonical(request));
    mac.verify_slice(&given).is_ok()
}

/// The SHA-256 of what a request carries. A form's body is hashed as sent; an upload (whose
/// multipart boundary the HTTP library picks) by its parts, so both sides can compute it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContentDigest([u8; 32]);

impl ContentDigest {
    /// A form, JSON or empty body: its bytes exactly as sent.
    pub fn of_body(body: &[u8]) -> Self {
        Self(Sha256::digest(body).into())
    }

    /// A multipart upload: each text field in the order sent, then the file's bytes. Lengths
    /// are written before each piece, so no two different uploads share a digest.
    pub fn of_upload(fields: &[(String, String)], file: &[u8]) -> Self {
        let mut h = Sha256::new();
        let mut piece = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        for (name, value) in fields {
            piece(name.as_bytes());
            piece(value.as_bytes());
        }
        piece(file);
        Self(h.finalize().into())
    }

    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What a signature covers.
#[derive(Clone, Copy, Debug)]
pub struct SignedRequest<'a> {
    /// Upper case, e.g. `POST`.
    pub method: &'a str,
    /// The path as sent, with `?query` when there is one (e.g. `/open311/v2/requests.json`).
    pub path_and_query: &'a str,
    /// Unix seconds, as in `Citizen-Time`.
    pub time: i64,
    /// The request's Idempotency-Key (empty for a request without one).
    pub idempotency_key: &'a str,
    pub content: ContentDigest,
}

/// The text that is signed: one field per line, in a fixed order, after [`SCHEME`].
pub fn canonical(r: &SignedRequest<'_>) -> Vec<u8> {
    format!(
        "{SCHEME}\n{}\n{}\n{}\n{}\n{}",
        r.method,
        r.path_and_query,
        r.time,
        r.idempotency_key,
        r.content.hex()
    )
    .into_bytes()
}

/// True when the request's time is close enough to the server's `now` (both Unix seconds).
pub fn fresh(time: i64, now: i64) -> bool {
    time.abs_diff(now) <= MAX_SKEW_SECS.unsigned_abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credential() -> DeviceCredential {
        DeviceCredential {
            id: DeviceId::parse("dev-0001-test").unwrap_or_else(|| unreachable!()),
            secret: DeviceSecret::from_bytes([7; 32]),
        }
    }

    fn request(body: &[u8]) -> SignedRequest<'_> {
        SignedRequest {
            method: "POST",
            path_and_query: "/open311/v2/requests/12/supporters.json",
            time: 1_800_000_000,
            idempotency_key: "k-1",
            content: ContentDigest::of_body(body),
        }
    }

    #[test]
    fn a_signature_verifies_and_any_change_breaks_it() {
        let c = credential();
        let r = request(b"api_key=x");
        let sig = c.sign(&r);
        assert_eq!(sig.len(), 43);
        assert!(verify(&c.secret, &r, &sig));
        let changed = [
            SignedRequest { method: "PUT", ..r },
            SignedRequest {
                path_and_query: "/open311/v2/requests/13/supporters.json",
                ..r
            },
            SignedRequest {
                time: r.time + 1,
                ..r
            },
            SignedRequest {
                idempotency_key: "k-2",
                ..r
            },
            request(b"api_key=y"),
        ];
        for other in changed {
            assert!(!verify(&c.secret, &other, &sig), "{other:?}");
        }
        let other_secret = DeviceSecret::from_bytes([8; 32]);
        assert!(!verify(&other_secret, &r, &sig));
        for junk in ["", "!!!", "AAAA", &"A".repeat(10_000)] {
            assert!(!verify(&c.secret, &r, junk));
        }
    }

    #[test]
    fn the_canonical_text_is_fixed() {
        let text = canonical(&request(b""));
        assert_eq!(
            String::from_utf8(text).ok(),
            Some(
                "citizen-sig-v1\nPOST\n/open311/v2/requests/12/supporters.json\n1800000000\nk-1\n\
                 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                    .to_owned()
            )
        );
    }

    #[test]
    fn upload_digests_tell_fields_from_file() {
        let f = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect()
        };
        let a = ContentDigest::of_upload(&f(&[("kind", "report")]), b"jpeg");
        let b = ContentDigest::of_upload(&f(&[("kind", "reportjpeg")]), b"");
        let c = ContentDigest::of_upload(&f(&[("kin", "dreport")]), b"jpeg");
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            a,
            ContentDigest::of_upload(&f(&[("kind", "report")]), b"jpeg")
        );
    }

    #[test]
    fn secrets_round_trip_and_never_print() {
        let s = DeviceSecret::from_bytes([200; 32]);
        assert_eq!(DeviceSecret::parse(&s.to_text()), Some(s.clone()));
        assert_eq!(format!("{s:?}"), "DeviceSecret(…)");
        assert!(!format!("{:?}", credential()).contains("7, 7"));
        for bad in [
            "",
            "short",
            &"A".repeat(44),
            &format!("{}=", "A".repeat(42)),
        ] {
            assert_eq!(DeviceSecret::parse(bad), None, "{bad}");
        }
        let r = Registration {
            device_id: "d".into(),
            secret: s.to_text(),
        };
        assert_eq!(
            DeviceCredential::from_registration(&r),
            None,
            "id too short"
        );
    }

    #[test]
    fn times_within_five_minutes_are_fresh() {
        assert!(fresh(1000, 1000 + 300));
        assert!(fresh(1000 + 300, 1000));
        assert!(!fresh(1000, 1301));
        assert!(!fresh(i64::MIN, i64::MAX));
    }
}
