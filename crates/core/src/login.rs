//! Logging in as a verified citizen (issue 13), for a city that counts "me too" and ward
//! ratings once per citizen (its identity provider, e.g. VNeID, speaks OpenID Connect).
//! Never needed to report: anonymous and named reports go without it.
//!
//! [`CitizenLogin`] is what the app calls; [`OidcLogin`] does the authorization code flow of
//! a native app: PKCE S256 (RFC 7636), the answer caught on a loopback address
//! `http://127.0.0.1:PORT/callback` opened for this login only (RFC 8252 §7.3), `state`
//! checked against the one sent, the ID token's `iss`, `aud`, `exp` and `nonce` checked (OIDC
//! Core §3.1.3.7; it comes straight from the provider's token endpoint over TLS, and the city
//! checks its signature on every use). The token is kept in the app's database
//! (`store::citizen`) and never logged: [`CitizenToken`]'s `Debug` leaves it out.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long the login waits for the browser to come back.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(300);
/// Seconds of clock difference allowed on `exp`.
const LEEWAY_SECS: i64 = 60;

pub type LoginFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, LoginError>> + Send + 'a>>;

/// An ID token from the city's identity provider.
#[derive(Clone, PartialEq, Eq)]
pub struct CitizenToken {
    pub issuer: String,
    /// The compact JWT: sent as `Authorization: Bearer`, never logged.
    pub id_token: String,
    /// Unix seconds.
    pub expires_at: i64,
}

impl std::fmt::Debug for CitizenToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CitizenToken")
            .field("issuer", &self.issuer)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LoginError {
    #[error("the identity provider cannot be reached")]
    Unreachable,
    #[error("the identity provider's address must be https")]
    NotHttps,
    #[error("the identity provider's answer is not what OpenID Connect says")]
    BadAnswer,
    #[error("the browser could not be opened")]
    Browser,
    #[error("the login was not finished in time")]
    Timeout,
    #[error("the login came back with another state: it is not the one this app started")]
    StateMismatch,
    #[error("the identity provider refused the login ({0})")]
    Refused(String),
    #[error("the ID token is not for this app or this login")]
    BadToken,
    #[error("the ID token has expired")]
    Expired,
}

/// Opens a URL in the system browser (the shell does; tests follow the redirect themselves).
pub trait Browser: Send + Sync {
    fn open<'a>(&'a self, url: &'a str) -> LoginFuture<'a, ()>;
}

/// A "browser" that approves at once without showing anything: it asks for the authorization
/// URL and follows the provider's redirect back to the app's loopback address itself. For
/// tests against a provider that approves without a page (`test-oidc`), and the debug builds'
/// end-to-end tests (the shell uses it only under `cfg(debug_assertions)`, when asked to).
pub struct FollowRedirect {
    http: reqwest::Client,
}

impl FollowRedirect {
    pub fn new() -> Result<Self, LoginError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|_| LoginError::Browser)?;
        Ok(Self { http })
    }

    async fn follow(&self, url: &str) -> Result<(), LoginError> {
        let resp = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|_| LoginError::Unreachable)?;
        let back = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .filter(|_| resp.status().is_redirection())
            .ok_or(LoginError::BadAnswer)?
            .to_owned();
        // Only back to this machine: the loopback address the login listens on.
        if !reqwest::Url::parse(&back)
            .is_ok_and(|u| u.scheme() == "http" && u.host_str() == Some("127.0.0.1"))
        {
            return Err(LoginError::BadAnswer);
        }
        self.http
            .get(back)
            .send()
            .await
            .map_err(|_| LoginError::Browser)?;
        Ok(())
    }
}

impl Browser for FollowRedirect {
    fn open<'a>(&'a self, url: &'a str) -> LoginFuture<'a, ()> {
        Box::pin(self.follow(url))
    }
}

/// A login as a verified citizen.
pub trait CitizenLogin: Send + Sync {
    fn login<'a>(&'a self, browser: &'a dyn Browser) -> LoginFuture<'a, CitizenToken>;
}

/// The city's OpenID Connect provider and this app's client id there.
pub struct OidcLogin {
    pub issuer: String,
    pub client_id: String,
    http: reqwest::Client,
    timeout: Duration,
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    id_token: String,
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
    aud: Audience,
    exp: i64,
    nonce: Option<String>,
}

fn random_text(bytes: usize) -> Result<String, LoginError> {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).map_err(|_| LoginError::BadAnswer)?;
    Ok(B64.encode(b))
}

/// The PKCE S256 challenge of `verifier` (RFC 7636 §4.2).
pub fn pkce_challenge(verifier: &str) -> String {
    use sha2::Digest;
    B64.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// `https`, or `http` to this machine.
fn allowed(url: &str) -> bool {
    reqwest::Url::parse(url).is_ok_and(|u| match u.scheme() {
        "https" => true,
        "http" => u.host_str().is_some_and(|h| {
            h == "localhost"
                || h.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }),
        _ => false,
    })
}

/// Checks an ID token's claims for this login (pure): issuer, audience, nonce, expiry.
pub fn check_id_token(
    id_token: &str,
    issuer: &str,
    client_id: &str,
    nonce: &str,
    now: i64,
) -> Result<CitizenToken, LoginError> {
    let mut parts = id_token.split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(LoginError::BadToken);
    };
    let claims: Claims = B64
        .decode(payload)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(LoginError::BadToken)?;
    let aud_ok = match &claims.aud {
        Audience::One(a) => a == client_id,
        Audience::Many(all) => all.iter().any(|a| a == client_id),
    };
    if claims.iss != issuer || !aud_ok || claims.nonce.as_deref() != Some(nonce) {
        return Err(LoginError::BadToken);
    }
    if claims.exp + LEEWAY_SECS <= now {
        return Err(LoginError::Expired);
    }
    Ok(CitizenToken {
        issuer: claims.iss,
        id_token: id_token.to_owned(),
        expires_at: claims.exp,
    })
}

/// The query of the one request the browser makes to the loopback address (its first line
/// only is read: `GET /callback?… HTTP/1.1`); the browser is told it may close the window.
async fn catch_redirect(listener: tokio::net::TcpListener) -> Result<String, LoginError> {
    loop {
        let (mut conn, _) = listener.accept().await.map_err(|_| LoginError::Browser)?;
        let mut buf = vec![0u8; 8192];
        let mut len = 0;
        while len < buf.len() && !buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
            match conn.read(&mut buf[len..]).await {
                Ok(0) | Err(_) => break,
                Ok(n) => len += n,
            }
        }
        let head = String::from_utf8_lossy(&buf[..len]).into_owned();
        let target = head
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("GET "))
            .and_then(|l| l.split(' ').next())
            .unwrap_or_default()
            .to_owned();
        let Some(query) = target.strip_prefix("/callback?") else {
            // A favicon or a stray request: not the login's answer.
            let _ = conn
                .write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .await;
            continue;
        };
        let page = "<!doctype html><meta charset=utf-8><p>Đã đăng nhập. Bạn có thể đóng cửa sổ này và quay lại ứng dụng.</p><p>Logged in. You can close this window and go back to the app.</p>";
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
            page.len()
        );
        let _ = conn.write_all(answer.as_bytes()).await;
        return Ok(query.to_owned());
    }
}

impl OidcLogin {
    /// `http` should not follow redirects (the app's client does not).
    pub fn new(issuer: &str, client_id: &str, http: reqwest::Client) -> Result<Self, LoginError> {
        if !allowed(issuer) {
            return Err(LoginError::NotHttps);
        }
        Ok(Self {
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            http,
            timeout: LOGIN_TIMEOUT,
        })
    }

    /// Waits at most `timeout` for the browser to come back.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn discover(&self) -> Result<Discovery, LoginError> {
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.issuer.trim_end_matches('/')
        );
        let doc: Discovery = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|_| LoginError::Unreachable)?
            .error_for_status()
            .map_err(|_| LoginError::Unreachable)?
            .json()
            .await
            .map_err(|_| LoginError::BadAnswer)?;
        if doc.issuer != self.issuer {
            return Err(LoginError::BadAnswer);
        }
        if !allowed(&doc.authorization_endpoint) || !allowed(&doc.token_endpoint) {
            return Err(LoginError::NotHttps);
        }
        Ok(doc)
    }

    async fn run(&self, browser: &dyn Browser) -> Result<CitizenToken, LoginError> {
        let doc = self.discover().await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|_| LoginError::Browser)?;
        let port = listener
            .local_addr()
            .map_err(|_| LoginError::Browser)?
            .port();
        let redirect_uri = format!("http://127.0.0.1:{port}/callback");
        let (state, nonce, verifier) = (random_text(16)?, random_text(16)?, random_text(32)?);
        let query = serde_urlencoded::to_string([
            ("response_type", "code"),
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", redirect_uri.as_str()),
            ("scope", "openid"),
            ("state", state.as_str()),
            ("nonce", nonce.as_str()),
            ("code_challenge", pkce_challenge(&verifier).as_str()),
            ("code_challenge_method", "S256"),
        ])
        .map_err(|_| LoginError::BadAnswer)?;
        let sep = if doc.authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        let url = format!("{}{sep}{query}", doc.authorization_endpoint);
        let caught = tokio::spawn(catch_redirect(listener));
        browser.open(&url).await?;
        let back = tokio::time::timeout(self.timeout, caught)
            .await
            .map_err(|_| LoginError::Timeout)?
            .map_err(|_| LoginError::Browser)??;
        let params: HashMap<String, String> =
            serde_urlencoded::from_str(&back).map_err(|_| LoginError::BadAnswer)?;
        let same_state = params.get("state").is_some_and(|s| {
            s.len() == state.len()
                && s.bytes()
                    .zip(state.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        });
        if !same_state {
            return Err(LoginError::StateMismatch);
        }
        if let Some(error) = params.get("error") {
            return Err(LoginError::Refused(error.chars().take(64).collect()));
        }
        let code = params.get("code").ok_or(LoginError::BadAnswer)?;
        let answer = self
            .http
            .post(&doc.token_endpoint)
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", redirect_uri.as_str()),
                ("client_id", self.client_id.as_str()),
                ("code_verifier", verifier.as_str()),
            ])
            .send()
            .await
            .map_err(|_| LoginError::Unreachable)?;
        if !answer.status().is_success() {
            return Err(LoginError::Refused(format!("token {}", answer.status())));
        }
        let token: TokenAnswer = answer.json().await.map_err(|_| LoginError::BadAnswer)?;
        check_id_token(
            &token.id_token,
            &self.issuer,
            &self.client_id,
            &nonce,
            chrono::Utc::now().timestamp(),
        )
    }
}

impl CitizenLogin for OidcLogin {
    fn login<'a>(&'a self, browser: &'a dyn Browser) -> LoginFuture<'a, CitizenToken> {
        Box::pin(self.run(browser))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(claims: &serde_json::Value) -> String {
        format!(
            "{}.{}.sig",
            B64.encode(r#"{"alg":"RS256"}"#),
            B64.encode(claims.to_string())
        )
    }

    #[test]
    fn an_id_token_must_be_for_this_app_this_login_and_not_expired() {
        let ok = serde_json::json!({"iss": "https://idp", "aud": "app", "exp": 1000, "nonce": "n1", "sub": "s"});
        let t = check_id_token(&token(&ok), "https://idp", "app", "n1", 900).expect("ok");
        assert_eq!(t.expires_at, 1000);
        assert!(!format!("{t:?}").contains(&t.id_token));
        let check = |claims: serde_json::Value| {
            check_id_token(&token(&claims), "https://idp", "app", "n1", 900)
        };
        let mut c = ok.clone();
        c["nonce"] = "n2".into();
        assert_eq!(check(c), Err(LoginError::BadToken));
        let mut c = ok.clone();
        c.as_object_mut().expect("obj").remove("nonce");
        assert_eq!(check(c), Err(LoginError::BadToken));
        let mut c = ok.clone();
        c["aud"] = serde_json::json!(["other", "app"]);
        assert!(check(c).is_ok());
        let mut c = ok.clone();
        c["aud"] = "other".into();
        assert_eq!(check(c), Err(LoginError::BadToken));
        let mut c = ok.clone();
        c["iss"] = "https://evil".into();
        assert_eq!(check(c), Err(LoginError::BadToken));
        let mut c = ok.clone();
        c["exp"] = 800.into();
        assert_eq!(check(c), Err(LoginError::Expired));
        assert_eq!(
            check_id_token("junk", "https://idp", "app", "n1", 0),
            Err(LoginError::BadToken)
        );
    }

    #[test]
    fn pkce_s256_is_unpadded_base64url_of_sha256() {
        // Computed apart (Python: urlsafe_b64encode(sha256(v).digest()).rstrip(b"=")).
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW-gXFjOEjXk"),
            "DkchDHzlRYpgzM6Z_OOwcoaTkYAemU2bM4Vsi_FURGE"
        );
    }

    #[test]
    fn the_provider_is_https_or_this_machine() {
        assert!(OidcLogin::new("https://sso.vneid.gov.vn", "app", reqwest::Client::new()).is_ok());
        assert!(OidcLogin::new("http://127.0.0.1:9", "app", reqwest::Client::new()).is_ok());
        assert_eq!(
            OidcLogin::new("http://idp.example", "app", reqwest::Client::new()).err(),
            Some(LoginError::NotHttps)
        );
    }
}
