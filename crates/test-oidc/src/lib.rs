//! A small OpenID Connect provider for tests (issue 13), started on 127.0.0.1:0:
//!
//! - `GET /.well-known/openid-configuration`: discovery;
//! - `GET /jwks`: the public keys (each fetch counted, see [`Provider::jwks_fetches`]);
//! - `GET /authorize`: approves at once and redirects to the client's loopback `redirect_uri`
//!   (RFC 8252 §7.3: `http://127.0.0.1:PORT/…` only) with a `code` and the `state`; the citizen
//!   logging in is `login_hint` (default [`DEFAULT_SUBJECT`]); PKCE S256 is required;
//! - `POST /token`: the code (once), its `redirect_uri` and `client_id`, and the PKCE verifier
//!   (RFC 7636 §4.6) for an ID token with the `nonce` of the request.
//!
//! ID tokens are RS256, signed with a 2048-bit key made at start; [`Provider::rotate`] adds a
//! new key (and publishes both). Test code: it panics on its own failures.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support: a panic is a failed test"
)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The subject of a login without `login_hint`.
pub const DEFAULT_SUBJECT: &str = "079123456789";

struct Key {
    kid: String,
    encoding: EncodingKey,
    n: String,
    e: String,
}

impl Key {
    fn new() -> Self {
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("rsa key");
        let der = private.to_pkcs1_der().expect("der");
        Self {
            kid: random(8),
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            n: B64.encode(private.n().to_bytes_be()),
            e: B64.encode(private.e().to_bytes_be()),
        }
    }
}

struct Grant {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    nonce: Option<String>,
    subject: String,
}

struct Inner {
    issuer: String,
    client_id: String,
    keys: Mutex<Vec<Arc<Key>>>,
    codes: Mutex<HashMap<String, Grant>>,
    jwks_fetches: AtomicUsize,
}

/// A running provider; stops when dropped.
pub struct Provider {
    /// `http://127.0.0.1:PORT`, exactly as its tokens' `iss`.
    pub issuer: String,
    /// The one client it knows.
    pub client_id: String,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn random(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("random");
    B64.encode(b)
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Provider {
    /// Starts on 127.0.0.1:0 with one key, for `client_id`.
    pub async fn start(client_id: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let issuer = format!("http://{}", listener.local_addr().expect("addr"));
        let inner = Arc::new(Inner {
            issuer: issuer.clone(),
            client_id: client_id.to_owned(),
            keys: Mutex::new(vec![Arc::new(Key::new())]),
            codes: Mutex::default(),
            jwks_fetches: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            issuer,
            client_id: client_id.to_owned(),
            inner,
            task,
        }
    }

    /// The claims of a fresh ID token for `subject` (valid 5 minutes from now).
    pub fn claims(&self, subject: &str) -> Value {
        let now = now();
        json!({
            "iss": self.issuer,
            "sub": subject,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "name": "Nguyễn Văn A",
        })
    }

    /// `claims` signed RS256 with the newest key.
    pub fn sign(&self, claims: &Value) -> String {
        let key = self
            .inner
            .keys
            .lock()
            .expect("keys")
            .last()
            .cloned()
            .expect("a key");
        sign_with(&key, claims)
    }

    /// A valid ID token for `subject`.
    pub fn id_token(&self, subject: &str) -> String {
        self.sign(&self.claims(subject))
    }

    /// Adds a new signing key (published next to the old ones); tokens are then signed with it.
    pub fn rotate(&self) {
        self.inner
            .keys
            .lock()
            .expect("keys")
            .push(Arc::new(Key::new()));
    }

    /// How many times the JWKS was fetched.
    pub fn jwks_fetches(&self) -> usize {
        self.inner.jwks_fetches.load(Ordering::SeqCst)
    }
}

fn sign_with(key: &Key, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, claims, &key.encoding).expect("sign")
}

async fn discovery(State(p): State<Arc<Inner>>) -> Response {
    axum::Json(json!({
        "issuer": p.issuer,
        "authorization_endpoint": format!("{}/authorize", p.issuer),
        "token_endpoint": format!("{}/token", p.issuer),
        "jwks_uri": format!("{}/jwks", p.issuer),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
    }))
    .into_response()
}

async fn jwks(State(p): State<Arc<Inner>>) -> Response {
    p.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    let keys: Vec<Value> = p
        .keys
        .lock()
        .expect("keys")
        .iter()
        .map(|k| json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": k.kid, "n": k.n, "e": k.e}))
        .collect();
    axum::Json(json!({ "keys": keys })).into_response()
}

fn refuse(error: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": error })),
    )
        .into_response()
}

/// RFC 8252 §7.3: the loopback IP literal, any port, `http`.
fn loopback(uri: &str) -> bool {
    uri.strip_prefix("http://127.0.0.1:").is_some_and(|rest| {
        rest.split('/')
            .next()
            .is_some_and(|p| p.parse::<u16>().is_ok())
    })
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    login_hint: Option<String>,
}

async fn authorize(State(p): State<Arc<Inner>>, Query(q): Query<AuthorizeQuery>) -> Response {
    if q.client_id != p.client_id || !loopback(&q.redirect_uri) {
        return refuse("invalid_request");
    }
    if q.response_type != "code" || !q.scope.split(' ').any(|s| s == "openid") {
        return refuse("unsupported_response_type");
    }
    let (Some(challenge), Some("S256")) = (q.code_challenge, q.code_challenge_method.as_deref())
    else {
        return refuse("invalid_request");
    };
    let code = random(24);
    p.codes.lock().expect("codes").insert(
        code.clone(),
        Grant {
            client_id: q.client_id,
            redirect_uri: q.redirect_uri.clone(),
            challenge,
            nonce: q.nonce,
            subject: q.login_hint.unwrap_or_else(|| DEFAULT_SUBJECT.to_owned()),
        },
    );
    let mut params = vec![("code", code)];
    if let Some(s) = q.state {
        params.push(("state", s));
    }
    let sep = if q.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    let location = format!(
        "{}{sep}{}",
        q.redirect_uri,
        serde_urlencoded::to_string(&params).expect("query")
    );
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    client_id: String,
    code_verifier: String,
}

async fn token(State(p): State<Arc<Inner>>, Form(f): Form<TokenForm>) -> Response {
    if f.grant_type != "authorization_code" {
        return refuse("unsupported_grant_type");
    }
    // A code is spent by its first use, right or wrong.
    let Some(grant) = p.codes.lock().expect("codes").remove(&f.code) else {
        return refuse("invalid_grant");
    };
    let computed = B64.encode(Sha256::digest(f.code_verifier.as_bytes()));
    if grant.client_id != f.client_id
        || grant.redirect_uri != f.redirect_uri
        || computed != grant.challenge
        || !(43..=128).contains(&f.code_verifier.len())
    {
        return refuse("invalid_grant");
    }
    let now = now();
    let mut claims = json!({
        "iss": p.issuer,
        "sub": grant.subject,
        "aud": p.client_id,
        "iat": now,
        "exp": now + 300,
    });
    if let Some(n) = grant.nonce {
        claims["nonce"] = json!(n);
    }
    let key = p.keys.lock().expect("keys").last().cloned().expect("a key");
    axum::Json(json!({
        "access_token": random(24),
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": sign_with(&key, &claims),
    }))
    .into_response()
}
