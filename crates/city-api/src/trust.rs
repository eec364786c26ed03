//! Devices that count: registration and the request signature (issue 13).
//!
//! An app registers once (`POST /api/v1/devices`) and gets an id and a 256-bit secret; every
//! write counted per device ("me too", ward ratings) and every named report then carries
//! `Citizen-Device`, `Citizen-Time` and `Citizen-Signature` (`model::trust::signature`), and
//! [`verify`] is the one place that checks them.
//!
//! **Where the secret lives.** The city does not store device secrets: a device's secret is
//! HMAC-SHA256(device key, id), the device key being 32 bytes from the OS RNG that the server
//! holds. Verifying needs the secret, so a stored secret would have to sit in the clear next
//! to every copy of the database (backups, a staff analyst's extract) and anyone holding one
//! could vote as every device. Derived, the database holds only ids; the key can be given to
//! the server apart from it (`--device-key`, or `CITY_DEVICE_KEY`), and without it is made on
//! first start and kept in the database's `meta` table (a demo server's convenience; a city
//! gives the key). Changing the key makes every signature wrong: devices register again. A
//! forged signature is refused without touching the database; only a valid one is looked up
//! (a deleted device answers `unknown_device`, and the app registers again). A registration's
//! Idempotency-Key is stored hashed (its replay answers the secret again), so the database
//! does not hold what would replay it either.
//!
//! **Replays.** A signed write must carry an Idempotency-Key, which is signed: a captured
//! request replayed within the 5-minute window gets the first answer again
//! (`crate::idempotent`) and counts nothing twice; under another key its signature fails.

use std::fmt;

use axum::http::{HeaderMap, Method, Uri};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use model::feedback::DeviceId;
use model::reason::Reason;
use model::trust::signature::{
    self, ContentDigest, DEVICE_HEADER, SIGNATURE_HEADER, SignedRequest, TIME_HEADER,
};
use model::trust::{DeviceSecret, Registration};
use sha2::Sha256;

use crate::db::{self, DbError};
use crate::error::ApiError;
use crate::idempotent;
use crate::oidc::VerifiedCitizen;
use crate::state::AppState;

/// What every derived secret's HMAC input starts with: a new derivation gets a new tag.
const DERIVATION: &[u8] = b"citizen-device-secret-v1\n";
/// What a verified citizen's key's HMAC input starts with.
const CITIZEN_DERIVATION: &[u8] = b"citizen-voter-v1\n";

/// The server's device key, from which each device's secret is derived. Never printed.
#[derive(Clone)]
pub struct DeviceKey([u8; 32]);

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeviceKey(…)")
    }
}

impl DeviceKey {
    /// 32 bytes from the OS RNG.
    pub fn random() -> Result<Self, DbError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| DbError::Random(e.to_string()))?;
        Ok(Self(bytes))
    }

    /// 64 hex digits.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The key kept in the database (made on first use).
    pub fn stored(conn: &rusqlite::Connection) -> Result<Self, DbError> {
        let text = db::devices::stored_key(conn, &Self::random()?.to_hex())?;
        Self::parse(&text)
            .ok_or_else(|| DbError::Random("the stored device key is malformed".into()))
    }

    /// The secret of device `id`.
    pub fn secret_for(&self, id: &DeviceId) -> DeviceSecret {
        // HMAC takes a key of any length: this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            unreachable!("HMAC accepts any key length")
        };
        mac.update(DERIVATION);
        mac.update(id.as_str().as_bytes());
        DeviceSecret::from_bytes(mac.finalize().into_bytes().into())
    }

    /// The key a verified citizen is counted by: `citizen-` and the hex HMAC-SHA256 of
    /// (issuer, subject) under the server's key. Keyed, so that a subject that is a national id
    /// number (12 digits) cannot be found again from the database by trying them all; one
    /// citizen has one key whichever device they use. A new server key gives new keys (as it
    /// gives devices new secrets): counts already made are kept, and each citizen may be
    /// counted once more after it.
    pub fn citizen_key(&self, citizen: &VerifiedCitizen) -> DeviceId {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            unreachable!("HMAC accepts any key length")
        };
        mac.update(CITIZEN_DERIVATION);
        mac.update(citizen.issuer.as_bytes());
        mac.update(b"\0");
        mac.update(citizen.subject.as_bytes());
        let text = format!("citizen-{}", hex::encode(mac.finalize().into_bytes()));
        // 72 characters of [a-z0-9-]: always a valid id.
        DeviceId::parse(&text).unwrap_or_else(|| unreachable!("citizen keys are ids"))
    }

    /// What a newly registered device is told.
    pub fn registration(&self, id: &DeviceId) -> Registration {
        Registration {
            device_id: id.as_str().to_owned(),
            secret: self.secret_for(id).to_text(),
        }
    }
}

/// A fresh device id: 122 random bits from the OS RNG (UUID v4).
pub fn new_device_id() -> Result<DeviceId, ApiError> {
    DeviceId::parse(&uuid::Uuid::new_v4().to_string()).ok_or(ApiError::Internal)
}

fn unauthorized(reason: Reason, text: &str) -> ApiError {
    ApiError::Unauthorized(reason, text.to_owned())
}

/// The three signature headers, each at most once.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ApiError> {
    let mut all = headers.get_all(name).iter();
    let Some(first) = all.next() else {
        return Ok(None);
    };
    if all.next().is_some() {
        return Err(unauthorized(
            Reason::BadSignature,
            "each Citizen-* header may be sent once",
        ));
    }
    first
        .to_str()
        .map(|v| Some(v.trim()))
        .map_err(|_| unauthorized(Reason::BadSignature, "a Citizen-* header is not ASCII"))
}

/// Checks a request's signature headers against its method, path and query, Idempotency-Key
/// and `content`. `Ok(None)`: the request carries none of them (unsigned). `Ok(Some(id))`: a
/// registered device signed exactly this request, now, and is within its rate limit. Otherwise
/// 401 (`bad_signature`, `stale_time` with the server's `Date`, `unknown_device`), 400 for a
/// signed request without an Idempotency-Key, or 429 (`rate_limited`).
///
/// This part does not read the database: whether the device is still registered is
/// [`verify`]'s (a device's deletion checks it inside its own transaction, after the replay of
/// its first answer).
pub fn signed_by(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    content: ContentDigest,
) -> Result<Option<DeviceId>, ApiError> {
    let found = [
        header(headers, DEVICE_HEADER)?,
        header(headers, TIME_HEADER)?,
        header(headers, SIGNATURE_HEADER)?,
    ];
    let [device, time, sig] = match found {
        [None, None, None] => return Ok(None),
        [Some(d), Some(t), Some(s)] => [d, t, s],
        _ => {
            return Err(unauthorized(
                Reason::BadSignature,
                "a signed request carries Citizen-Device, Citizen-Time and Citizen-Signature",
            ));
        }
    };
    let device = DeviceId::parse(device)
        .ok_or_else(|| unauthorized(Reason::BadSignature, "Citizen-Device is not a device id"))?;
    let time: i64 =
        (!time.is_empty() && time.len() <= 12 && time.bytes().all(|b| b.is_ascii_digit()))
            .then(|| time.parse().ok())
            .flatten()
            .ok_or_else(|| unauthorized(Reason::BadSignature, "Citizen-Time is Unix seconds"))?;
    let now = state.clock.now();
    if !signature::fresh(time, now.timestamp()) {
        return Err(ApiError::StaleTime(now));
    }
    let key = idempotent::key_of(headers)?.ok_or_else(|| {
        ApiError::bad(
            Reason::InvalidIdempotencyKey,
            "a signed request needs an Idempotency-Key (it is part of what is signed)",
        )
    })?;
    let path_and_query = uri
        .path_and_query()
        .map_or_else(|| uri.path(), |p| p.as_str());
    let request = SignedRequest {
        method: method.as_str(),
        path_and_query,
        time,
        idempotency_key: &key,
        content,
    };
    if !signature::verify(&state.device_key.secret_for(&device), &request, sig) {
        return Err(unauthorized(
            Reason::BadSignature,
            "the signature does not match this request",
        ));
    }
    state.limits.device(&device)?;
    Ok(Some(device))
}

/// [`signed_by`], then the device must be registered here (`unknown_device` if not).
pub async fn verify(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    content: ContentDigest,
) -> Result<Option<DeviceId>, ApiError> {
    let Some(device) = signed_by(state, method, uri, headers, content)? else {
        return Ok(None);
    };
    let id = device.clone();
    let known = state
        .db
        .call(move |conn| db::devices::exists(conn, id.as_str()))
        .await?;
    if !known {
        return Err(unauthorized(
            Reason::UnknownDevice,
            "this device is not registered here: register again",
        ));
    }
    Ok(Some(device))
}

/// [`verify`] for a write that counts per device: unsigned is refused (`unsigned`).
pub async fn require(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    content: ContentDigest,
) -> Result<DeviceId, ApiError> {
    verify(state, method, uri, headers, content)
        .await?
        .ok_or_else(|| {
            unauthorized(
                Reason::Unsigned,
                "this is counted once per device: sign it with a registered device",
            )
        })
}

/// Who is counted by a write counted once per person ("me too", a ward rating a month): a
/// registered device that signed the request, or a citizen the city's identity provider
/// vouches for. The once-per-voter rules key on [`Voter::key`] and do not care which.
///
/// **Which, when.** A city without an identity provider counts devices; a token is refused
/// (`no_identity_provider`). A city with one counts citizens only: a counted write needs a
/// token (`citizen_required`), and a device's signature, when sent too, is still checked (and
/// rate-limited) but does not count. So a citizen who also has a registered device counts
/// once, and two devices of one citizen count once; mixing both kinds of voter in one city
/// would let a device's count and its owner's count add up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Voter {
    Device(DeviceId),
    /// [`DeviceKey::citizen_key`]: a keyed hash, never the subject.
    Citizen(DeviceId),
}

impl Voter {
    /// What the once-per-voter rules store: a device id, or `citizen-` and 64 hex digits
    /// (registered device ids are UUIDs: the two never meet).
    pub fn key(&self) -> &str {
        match self {
            Self::Device(id) | Self::Citizen(id) => id.as_str(),
        }
    }

    /// The kind, for messages.
    pub fn noun(&self) -> &'static str {
        match self {
            Self::Device(_) => "device",
            Self::Citizen(_) => "citizen",
        }
    }
}

/// The bearer token, if the request has one. A malformed `Authorization` is refused
/// (`bad_token`) rather than ignored.
fn bearer(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    let mut all = headers.get_all(axum::http::header::AUTHORIZATION).iter();
    let Some(first) = all.next() else {
        return Ok(None);
    };
    let bad = |text: &str| unauthorized(Reason::BadToken, text);
    if all.next().is_some() {
        return Err(bad("Authorization may be sent once"));
    }
    let value = first
        .to_str()
        .map_err(|_| bad("Authorization is not ASCII"))?
        .trim();
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| bad("Authorization is `Bearer <ID token>`"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(bad("Authorization is `Bearer <ID token>`"));
    }
    Ok(Some(token.trim()))
}

/// The voter of a counted write (see [`Voter`]): the device signature is checked as by
/// [`verify`] whenever it is sent; the token by the city's [`crate::oidc::CitizenVerifier`].
pub async fn voter(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    content: ContentDigest,
) -> Result<Voter, ApiError> {
    let token = bearer(headers)?;
    let device = verify(state, method, uri, headers, content).await?;
    match (&state.citizens, token) {
        (None, Some(_)) => Err(unauthorized(
            Reason::NoIdentityProvider,
            "this city does not take logins: sign with a registered device",
        )),
        (None, None) => device.map(Voter::Device).ok_or_else(|| {
            unauthorized(
                Reason::Unsigned,
                "this is counted once per device: sign it with a registered device",
            )
        }),
        (Some(_), None) => Err(unauthorized(
            Reason::CitizenRequired,
            "this city counts each verified citizen once: log in",
        )),
        (Some(verifier), Some(token)) => {
            let citizen = verifier.verify(token, state.clock.now()).await?;
            let key = state.device_key.citizen_key(&citizen);
            state.limits.device(&key)?;
            Ok(Voter::Citizen(key))
        }
    }
}

/// An HTTP date (RFC 9110 IMF-fixdate) of the server's clock, for the `Date` header.
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// How a write counted once per voter refuses who sends it ([`voter`]), described once for the
/// OpenAPI document of every such route.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, reason = "only its OpenAPI description is used")]
pub enum VoterRefusal {
    #[response(
        status = 401,
        description = "Unsigned, a wrong signature, a time more than 5 minutes off (the `Date` header gives the server's) or an unknown device; in a city that counts verified citizens, no token (`citizen_required`) or a bad or expired one (`bad_token`, `token_expired`); in one that does not, any token (`no_identity_provider`)"
    )]
    NotAVoter(Vec<crate::error::ErrorEntry>),
    #[response(
        status = 503,
        description = "The city's identity provider cannot be reached to check the token (`identity_provider_unavailable`)"
    )]
    ProviderDown(Vec<crate::error::ErrorEntry>),
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

    use super::*;

    #[test]
    fn secrets_are_derived_per_device_and_per_key() {
        let k = DeviceKey::parse(&"ab".repeat(32)).expect("key");
        let a = DeviceId::parse("device-aaaa-0001").expect("id");
        let b = DeviceId::parse("device-aaaa-0002").expect("id");
        assert_eq!(k.secret_for(&a), k.secret_for(&a));
        assert_ne!(k.secret_for(&a), k.secret_for(&b));
        let other = DeviceKey::parse(&"cd".repeat(32)).expect("key");
        assert_ne!(k.secret_for(&a), other.secret_for(&a));
        assert_eq!(format!("{k:?}"), "DeviceKey(…)");
        assert!(DeviceKey::parse("ab").is_none());
        let c = |iss: &str, sub: &str| VerifiedCitizen {
            issuer: iss.into(),
            subject: sub.into(),
        };
        let key = k.citizen_key(&c("https://idp", "079123456789"));
        assert_eq!(key, k.citizen_key(&c("https://idp", "079123456789")));
        assert_ne!(key, k.citizen_key(&c("https://idp2", "079123456789")));
        assert_ne!(key, other.citizen_key(&c("https://idp", "079123456789")));
        assert!(key.as_str().starts_with("citizen-") && !key.as_str().contains("0791234"));
        assert_eq!(
            DeviceKey::parse(&k.to_hex()).map(|k| k.to_hex()),
            Some(k.to_hex())
        );
    }

    #[test]
    fn http_dates_are_imf_fixdate() {
        let t = DateTime::parse_from_rfc3339("2026-12-07T08:05:09Z")
            .expect("t")
            .to_utc();
        assert_eq!(http_date(t), "Mon, 07 Dec 2026 08:05:09 GMT");
    }
}
