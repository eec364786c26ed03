//! Verified citizens: an OpenID Connect ID token as `Authorization: Bearer` (issue 13).
//!
//! Off unless the city configures its identity provider (`--oidc-issuer`, `--oidc-audience`,
//! `--oidc-algorithms`; VNeID speaks OIDC). [`CitizenVerifier`] is what the rest of the server
//! sees: a token in, an (issuer, subject) out, or a [`TokenError`] with a stable `Reason`.
//! [`OidcVerifier`] is the real one: it reads the provider's discovery document, fetches its
//! JWKS and keeps it (at most [`MAX_KEYS`] keys, a document of at most [`MAX_DOCUMENT`] bytes,
//! refreshed after [`KEYS_TTL`] or on an unknown `kid`, at most once per [`MIN_REFRESH`]), and
//! checks each token as OpenID Connect Core 1.0 §3.1.3.7 asks of a relying party: the
//! signature with the provider's key under an algorithm the city allows (never `none`, never
//! HMAC: a public client has no secret), `iss` exactly the issuer, `aud` containing the
//! client id (and `azp` equal to it when there are several audiences), `exp`, `nbf` and `iat`
//! against the server's clock with [`LEEWAY_SECS`] of leeway. The `nonce` ties a token to the
//! login that asked for it: the app, which made the nonce, checks it; the server has no
//! session to compare it with.
//!
//! Signature and claim checks are `jsonwebtoken`'s (a kept crate; its RSA and ECDSA are
//! `ring`'s, which the TLS stack already builds): `openidconnect` would also bring the whole
//! authorization-code client, which the server does not need. Discovery and the key cache are
//! small and ours.
//!
//! Nothing from the token is stored: the server keys a citizen by a keyed hash of (issuer,
//! subject) (`trust::DeviceKey::citizen_key`), never the subject, a name or an id number.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use model::reason::Reason;
use model::trust::login::LoginProvider;
use serde::Deserialize;

use crate::error::ApiError;

/// Seconds of clock difference allowed on `exp`, `nbf` and `iat`.
pub const LEEWAY_SECS: i64 = 60;
/// The most keys kept from one JWKS.
pub const MAX_KEYS: usize = 20;
/// The largest discovery document or JWKS read (bytes).
pub const MAX_DOCUMENT: usize = 64 * 1024;
/// The longest token looked at (bytes).
pub const MAX_TOKEN: usize = 8 * 1024;
/// Keys older than this are fetched again.
pub const KEYS_TTL: Duration = Duration::from_secs(3600);
/// An unknown `kid` fetches the keys again at most this often (a stream of made-up `kid`s
/// does not become a stream of requests to the provider).
pub const MIN_REFRESH: Duration = Duration::from_secs(30);

/// A citizen the identity provider vouches for. Only the server's keyed hash of it is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCitizen {
    pub issuer: String,
    pub subject: String,
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is not a signed JWT")]
    Malformed,
    #[error("the token's algorithm is not one this city accepts")]
    Algorithm,
    #[error("the token is not signed by a key of the city's identity provider")]
    UnknownKey,
    #[error("the token's signature is wrong")]
    Signature,
    #[error("the token was issued by another provider")]
    Issuer,
    #[error("the token was issued to another client")]
    Audience,
    #[error("the token has expired: log in again")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token lacks a claim it needs (sub, iat, exp)")]
    MissingClaim,
    #[error("the city's identity provider cannot be reached: {0}")]
    Unavailable(String),
}

impl TokenError {
    pub fn reason(&self) -> Reason {
        match self {
            Self::Expired | Self::NotYetValid => Reason::TokenExpired,
            Self::Unavailable(_) => Reason::IdentityProviderUnavailable,
            _ => Reason::BadToken,
        }
    }
}

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Unavailable(_) => {
                tracing::warn!(%e, "identity provider unavailable");
                ApiError::Unavailable(e.reason(), e.to_string())
            }
            _ => ApiError::Unauthorized(e.reason(), e.to_string()),
        }
    }
}

pub type VerifyFuture<'a> =
    Pin<Box<dyn Future<Output = Result<VerifiedCitizen, TokenError>> + Send + 'a>>;

/// Checks an ID token. The server holds one when the city configures an identity provider.
pub trait CitizenVerifier: Send + Sync {
    /// `token`: the bearer token as sent; `now`: the server's clock.
    fn verify<'a>(&'a self, token: &'a str, now: DateTime<Utc>) -> VerifyFuture<'a>;

    /// Where the app logs in (`GET /api/v1/login`).
    fn provider(&self) -> LoginProvider;
}

/// The city's identity provider.
#[derive(Clone, Debug)]
pub struct OidcConfig {
    /// Exactly as the provider writes it in `iss` (and serves discovery under).
    pub issuer: String,
    /// The app's client id at the provider: what `aud` must hold.
    pub audience: String,
    /// Signature algorithms accepted (asymmetric only); RS256 by default.
    pub algorithms: Vec<Algorithm>,
}

/// Parses `--oidc-algorithms`: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA.
/// HMAC (HS*) and `none` are refused: they would let anyone who knows the client id sign.
pub fn parse_algorithm(text: &str) -> Result<Algorithm, String> {
    let alg: Algorithm = text
        .trim()
        .parse()
        .map_err(|_| format!("unknown algorithm {text:?}"))?;
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            Err("HMAC algorithms cannot verify a public client's tokens".to_owned())
        }
        a => Ok(a),
    }
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

#[derive(Deserialize)]
struct JwkSetRaw {
    keys: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: Audience,
    exp: i64,
    iat: i64,
    nbf: Option<i64>,
    azp: Option<String>,
}

/// Checks the times of a token (pure).
fn check_times(exp: i64, iat: i64, nbf: Option<i64>, now: i64) -> Result<(), TokenError> {
    if exp + LEEWAY_SECS <= now {
        return Err(TokenError::Expired);
    }
    if iat - LEEWAY_SECS > now || nbf.is_some_and(|nbf| nbf - LEEWAY_SECS > now) {
        return Err(TokenError::NotYetValid);
    }
    Ok(())
}

/// Checks `aud` and `azp` (pure): the client id is among the audiences, and when there are
/// several, `azp` names it (OIDC Core §3.1.3.7 items 3–5).
fn check_audience(aud: &Audience, azp: Option<&str>, client_id: &str) -> Result<(), TokenError> {
    let ok = match aud {
        Audience::One(a) => a == client_id && azp.is_none_or(|z| z == client_id),
        Audience::Many(all) => {
            all.iter().any(|a| a == client_id)
                && (all.len() == 1 || azp == Some(client_id))
                && azp.is_none_or(|z| z == client_id)
        }
    };
    ok.then_some(()).ok_or(TokenError::Audience)
}

/// The syntax of a compact JWS: three base64url parts (pure; before anything is decoded).
fn well_formed(token: &str) -> bool {
    token.len() <= MAX_TOKEN
        && token.split('.').count() == 3
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

struct Key {
    key: DecodingKey,
    alg: Option<Algorithm>,
}

#[derive(Default)]
struct Cache {
    jwks_uri: Option<String>,
    keys: HashMap<String, Key>,
    fetched: Option<Instant>,
}

/// The real verifier: discovery, a cached JWKS, `jsonwebtoken`'s checks.
pub struct OidcVerifier {
    config: OidcConfig,
    /// The provider's name as citizens know it, told to the app (`--oidc-name`).
    name: Option<String>,
    http: reqwest::Client,
    cache: Mutex<Cache>,
    min_refresh: Duration,
}

/// `https`, or `http` to this machine (a provider in a test or behind a local proxy).
fn allowed_url(url: &str) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return false;
    };
    match u.scheme() {
        "https" => true,
        "http" => u.host_str().is_some_and(|h| {
            h == "localhost"
                || h.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }),
        _ => false,
    }
}

impl OidcVerifier {
    pub fn new(config: OidcConfig) -> Result<Self, String> {
        if !allowed_url(&config.issuer) {
            return Err("the issuer must be an https URL (http only to this machine)".into());
        }
        if config.audience.trim().is_empty() {
            return Err("the audience (client id) is empty".into());
        }
        if config.algorithms.is_empty() {
            return Err("no signature algorithm allowed".into());
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            config,
            name: None,
            http,
            cache: Mutex::default(),
            min_refresh: MIN_REFRESH,
        })
    }

    /// The provider's name the app shows on its "log in" button (e.g. "VNeID").
    pub fn with_name(mut self, name: Option<String>) -> Self {
        self.name = name.filter(|n| !n.trim().is_empty());
        self
    }

    /// Fetches the keys again on an unknown `kid` at most every `every` (default
    /// [`MIN_REFRESH`]; tests rotate keys at once).
    pub fn with_min_refresh(mut self, every: Duration) -> Self {
        self.min_refresh = every;
        self
    }

    async fn get(&self, url: &str) -> Result<Vec<u8>, TokenError> {
        if !allowed_url(url) {
            return Err(TokenError::Unavailable(format!("{url} is not https")));
        }
        let unavailable = |e: reqwest::Error| TokenError::Unavailable(e.without_url().to_string());
        let mut resp = self.http.get(url).send().await.map_err(unavailable)?;
        if !resp.status().is_success() {
            return Err(TokenError::Unavailable(format!(
                "{url} answered {}",
                resp.status()
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(unavailable)? {
            if body.len() + chunk.len() > MAX_DOCUMENT {
                return Err(TokenError::Unavailable(format!("{url} is too large")));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// Discovery (once), then the JWKS.
    async fn refresh(&self) -> Result<(), TokenError> {
        let known = self.lock().jwks_uri.clone();
        let jwks_uri = match known {
            Some(u) => u,
            None => {
                let url = format!(
                    "{}/.well-known/openid-configuration",
                    self.config.issuer.trim_end_matches('/')
                );
                let doc: Discovery = serde_json::from_slice(&self.get(&url).await?)
                    .map_err(|e| TokenError::Unavailable(format!("discovery: {e}")))?;
                if doc.issuer != self.config.issuer {
                    return Err(TokenError::Unavailable(
                        "discovery names another issuer".into(),
                    ));
                }
                doc.jwks_uri
            }
        };
        let set: JwkSetRaw = serde_json::from_slice(&self.get(&jwks_uri).await?)
            .map_err(|e| TokenError::Unavailable(format!("jwks: {e}")))?;
        let mut keys = HashMap::new();
        for raw in set.keys.into_iter().take(MAX_KEYS) {
            // A key of a type this server does not know is skipped, not fatal.
            let Ok(jwk) = serde_json::from_value::<Jwk>(raw) else {
                continue;
            };
            if jwk
                .common
                .public_key_use
                .as_ref()
                .is_some_and(|u| *u != jsonwebtoken::jwk::PublicKeyUse::Signature)
            {
                continue;
            }
            let Ok(key) = DecodingKey::from_jwk(&jwk) else {
                continue;
            };
            let alg = jwk
                .common
                .key_algorithm
                .and_then(|a| a.to_string().parse::<Algorithm>().ok());
            keys.insert(jwk.common.key_id.unwrap_or_default(), Key { key, alg });
        }
        let mut cache = self.lock();
        cache.jwks_uri = Some(jwks_uri);
        cache.keys = keys;
        cache.fetched = Some(Instant::now());
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the keys should be fetched: never fetched, too old, or (for an unknown `kid`)
    /// not fetched within [`MIN_REFRESH`].
    fn should_fetch(&self, kid: &str) -> bool {
        let cache = self.lock();
        match cache.fetched {
            None => true,
            Some(t) if t.elapsed() > KEYS_TTL => true,
            Some(t) => !cache.keys.contains_key(kid) && t.elapsed() >= self.min_refresh,
        }
    }

    async fn check(&self, token: &str, now: DateTime<Utc>) -> Result<VerifiedCitizen, TokenError> {
        if !well_formed(token) {
            return Err(TokenError::Malformed);
        }
        // `none` and unknown names fail here: they are not an `Algorithm`.
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Algorithm)?;
        if !self.config.algorithms.contains(&header.alg) {
            return Err(TokenError::Algorithm);
        }
        let kid = header.kid.unwrap_or_default();
        if self.should_fetch(&kid) {
            self.refresh().await?;
        }
        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["iss", "aud", "sub", "exp"]);
        // Times are checked below against the server's clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let data = {
            let cache = self.lock();
            let key = cache.keys.get(&kid).ok_or(TokenError::UnknownKey)?;
            if key.alg.is_some_and(|a| a != header.alg) {
                return Err(TokenError::Algorithm);
            }
            jsonwebtoken::decode::<Claims>(token, &key.key, &validation)
        };
        use jsonwebtoken::errors::ErrorKind as K;
        let claims = data
            .map_err(|e| match e.kind() {
                K::InvalidIssuer => TokenError::Issuer,
                K::InvalidAudience => TokenError::Audience,
                K::InvalidAlgorithm | K::InvalidAlgorithmName | K::MissingAlgorithm => {
                    TokenError::Algorithm
                }
                K::InvalidSignature => TokenError::Signature,
                K::MissingRequiredClaim(_) | K::Json(_) => TokenError::MissingClaim,
                _ => TokenError::Malformed,
            })?
            .claims;
        if claims.iss != self.config.issuer {
            return Err(TokenError::Issuer);
        }
        check_audience(&claims.aud, claims.azp.as_deref(), &self.config.audience)?;
        check_times(claims.exp, claims.iat, claims.nbf, now.timestamp())?;
        if claims.sub.is_empty() || claims.sub.len() > 255 {
            return Err(TokenError::MissingClaim);
        }
        Ok(VerifiedCitizen {
            issuer: claims.iss,
            subject: claims.sub,
        })
    }
}

impl CitizenVerifier for OidcVerifier {
    fn verify<'a>(&'a self, token: &'a str, now: DateTime<Utc>) -> VerifyFuture<'a> {
        Box::pin(self.check(token, now))
    }

    fn provider(&self) -> LoginProvider {
        LoginProvider {
            issuer: self.config.issuer.clone(),
            client_id: self.config.audience.clone(),
            name: self.name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

    use super::*;

    #[test]
    fn times_have_a_minute_of_leeway() {
        let now = 1_000_000;
        assert_eq!(check_times(now + 300, now, None, now), Ok(()));
        assert_eq!(check_times(now - 30, now - 600, None, now), Ok(()));
        assert_eq!(
            check_times(now - 61, now - 600, None, now),
            Err(TokenError::Expired)
        );
        assert_eq!(
            check_times(now + 900, now + 120, None, now),
            Err(TokenError::NotYetValid)
        );
        assert_eq!(
            check_times(now + 900, now, Some(now + 120), now),
            Err(TokenError::NotYetValid)
        );
    }

    #[test]
    fn audiences_name_the_client_and_azp_decides_among_several() {
        let one = |a: &str| Audience::One(a.into());
        let many = |a: &[&str]| Audience::Many(a.iter().map(|s| (*s).to_owned()).collect());
        assert!(check_audience(&one("app"), None, "app").is_ok());
        assert!(check_audience(&one("other"), None, "app").is_err());
        assert!(check_audience(&many(&["app"]), None, "app").is_ok());
        assert!(check_audience(&many(&["app", "x"]), None, "app").is_err());
        assert!(check_audience(&many(&["app", "x"]), Some("app"), "app").is_ok());
        assert!(check_audience(&many(&["app", "x"]), Some("x"), "app").is_err());
        assert!(check_audience(&one("app"), Some("x"), "app").is_err());
    }

    #[test]
    fn only_compact_jws_is_looked_at() {
        assert!(well_formed("a.b.c"));
        assert!(!well_formed("a.b"));
        assert!(!well_formed("a.b.c.d"));
        assert!(!well_formed("a.b+/.c"));
        assert!(!well_formed(&"a".repeat(MAX_TOKEN + 1)));
    }

    #[test]
    fn hmac_and_none_are_not_algorithms_a_city_can_allow() {
        assert_eq!(parse_algorithm("RS256"), Ok(Algorithm::RS256));
        assert_eq!(parse_algorithm(" ES256 "), Ok(Algorithm::ES256));
        assert!(parse_algorithm("HS256").is_err());
        assert!(parse_algorithm("none").is_err());
    }

    #[test]
    fn issuers_are_https_or_this_machine() {
        assert!(allowed_url("https://sso.dancuquocgia.gov.vn"));
        assert!(allowed_url("http://127.0.0.1:4000"));
        assert!(allowed_url("http://localhost:4000/x"));
        assert!(!allowed_url("http://10.0.0.1"));
        assert!(!allowed_url("http://idp.example"));
        assert!(!allowed_url("ftp://127.0.0.1"));
    }
}
