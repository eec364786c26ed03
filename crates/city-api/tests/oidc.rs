//! Counting per verified citizen (issue 13): a city with an OpenID Connect provider counts
//! "me too" and ward ratings once per citizen (an ID token), whichever device sends it; bad
//! tokens are refused with stable reasons; a city without one refuses tokens and counts
//! devices as before. Against `test_oidc::Provider`, a real provider on 127.0.0.1:0.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use city_api::oidc::{OidcConfig, OidcVerifier};
use common::{API_KEY, TestServer, assert_refused, generous_limits, json};
use model::trust::DeviceCredential;
use reqwest::StatusCode;
use serde_json::{Value, json};
use test_oidc::Provider;

const CLIENT: &str = "citizen-app-hcmc";

fn verifier(p: &Provider, min_refresh: Duration) -> Arc<OidcVerifier> {
    Arc::new(
        OidcVerifier::new(OidcConfig {
            issuer: p.issuer.clone(),
            audience: CLIENT.into(),
            algorithms: vec![jsonwebtoken::Algorithm::RS256],
        })
        .expect("verifier")
        .with_min_refresh(min_refresh),
    )
}

async fn city_with(p: &Provider, min_refresh: Duration) -> TestServer {
    let v = verifier(p, min_refresh);
    TestServer::start_with(move |s| s.with_limits(generous_limits()).with_citizen_verifier(v)).await
}

/// A "me too" signed by `device` and, when given, carrying `token`.
async fn me_too(
    s: &TestServer,
    device: &DeviceCredential,
    report: &str,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let path = format!("/open311/v2/requests/{report}/supporters.json");
    let key = uuid::Uuid::new_v4().to_string();
    let mut req = s.signed(device, &path, &[("api_key", API_KEY)], &key);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    json(req.send().await.expect("send")).await
}

async fn rate(s: &TestServer, device: &DeviceCredential, token: &str) -> (StatusCode, Value) {
    let form = [
        ("api_key", API_KEY),
        ("access", "satisfied"),
        ("procedures", "satisfied"),
        ("officials", "satisfied"),
        ("result", "satisfied"),
        ("feedback", "neutral"),
    ];
    let key = uuid::Uuid::new_v4().to_string();
    let req = s
        .signed(device, "/api/v1/wards/26743/ratings", &form, &key)
        .bearer_auth(token);
    json(req.send().await.expect("send")).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citizen_counts_once_whichever_device_and_only_a_keyed_hash_is_kept() {
    let p = Provider::start(CLIENT).await;
    let s = city_with(&p, Duration::from_secs(30)).await;
    let report = s.file_report(None).await;
    let (phone, tablet) = (s.register().await, s.register().await);
    let lan = p.id_token("079123456789");
    let (st, body) = me_too(&s, &phone, &report, Some(&lan)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body[0]["supporters"], 1);
    // The same citizen from another device (and a fresh token): still one.
    let (st, body) = me_too(&s, &tablet, &report, Some(&p.id_token("079123456789"))).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body[0]["supporters"], 1);
    // Another citizen on the first device: two.
    let (st, body) = me_too(&s, &phone, &report, Some(&p.id_token("079987654321"))).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body[0]["supporters"], 2);
    // A device alone does not count in a city that counts citizens.
    let (st, body) = me_too(&s, &tablet, &report, None).await;
    assert_refused(st, &body, StatusCode::UNAUTHORIZED, "citizen_required");

    // A ward rating a month: once per citizen, whichever device.
    let (st, body) = rate(&s, &phone, &lan).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let (st, body) = rate(&s, &tablet, &p.id_token("079123456789")).await;
    assert_refused(st, &body, StatusCode::CONFLICT, "already_rated_this_month");
    assert!(
        body[0]["description"]
            .as_str()
            .expect("text")
            .contains("citizen")
    );

    // Nothing from the token is stored: neither the subject nor the name.
    let dump = s.snapshot();
    assert!(!dump.contains("079123456789") && !dump.contains("Nguyễn Văn A"));
    let keys: Vec<String> =
        s.db.with(|c| {
            let mut st = c.prepare("SELECT device_id FROM supporters ORDER BY device_id")?;
            let rows = st.query_map([], |r| r.get(0))?;
            rows.collect::<Result<Vec<String>, _>>()
        })
        .expect("rows");
    assert_eq!(keys.len(), 2);
    assert!(
        keys.iter()
            .all(|k| k.starts_with("citizen-") && k.len() == 72),
        "{keys:?}"
    );
    assert_eq!(p.jwks_fetches(), 1, "the keys are cached");
    // The app learns where to log in from the city.
    let provider: model::trust::login::LoginProvider =
        s.get_json(model::trust::login::LOGIN_PATH).await;
    assert_eq!(
        (provider.issuer, provider.client_id),
        (p.issuer.clone(), CLIENT.to_owned())
    );
}

/// A token with `claims` changed from a valid one's, signed by the provider.
fn signed_with(p: &Provider, change: impl FnOnce(&mut Value)) -> String {
    let mut claims = p.claims("079123456789");
    change(&mut claims);
    p.sign(&claims)
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_expired_foreign_and_unsigned_tokens_are_refused() {
    let p = Provider::start(CLIENT).await;
    let s = city_with(&p, Duration::from_secs(30)).await;
    let report = s.file_report(None).await;
    let device = s.register().await;
    let valid = p.id_token("079123456789");
    let parts: Vec<&str> = valid.split('.').collect();
    let payload = |v: &Value| B64.encode(v.to_string());
    let mut other = p.claims("079000000001");
    other["sub"] = json!("079000000001");
    let now = test_oidc::now();
    let another = Provider::start(CLIENT).await;
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "payload changed under the signature",
            format!("{}.{}.{}", parts[0], payload(&other), parts[2]),
            "bad_token",
        ),
        (
            "signed by another provider's key",
            another.id_token("079123456789"),
            "bad_token",
        ),
        (
            "expired an hour ago",
            signed_with(&p, |c| {
                c["exp"] = json!(now - 3600);
                c["iat"] = json!(now - 7200);
            }),
            "token_expired",
        ),
        (
            "issued in an hour",
            signed_with(&p, |c| c["iat"] = json!(now + 3600)),
            "token_expired",
        ),
        (
            "for another client",
            signed_with(&p, |c| c["aud"] = json!("another-app")),
            "bad_token",
        ),
        (
            "several audiences, azp another",
            signed_with(&p, |c| {
                c["aud"] = json!([CLIENT, "another-app"]);
                c["azp"] = json!("another-app");
            }),
            "bad_token",
        ),
        (
            "from another issuer",
            signed_with(&p, |c| c["iss"] = json!("https://evil.example")),
            "bad_token",
        ),
        (
            "without exp",
            signed_with(&p, |c| {
                c.as_object_mut().expect("object").remove("exp");
            }),
            "bad_token",
        ),
        (
            "alg none",
            format!(
                "{}.{}.",
                B64.encode(r#"{"alg":"none","typ":"JWT"}"#),
                parts[1]
            ),
            "bad_token",
        ),
        (
            "HS256 with the client id as secret",
            jsonwebtoken::encode(
                &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
                &p.claims("079123456789"),
                &jsonwebtoken::EncodingKey::from_secret(CLIENT.as_bytes()),
            )
            .expect("hs256"),
            "bad_token",
        ),
    ];
    for (what, token, reason) in &cases {
        let (st, body) = me_too(&s, &device, &report, Some(token)).await;
        assert_eq!(
            (st, body[0]["reason"].as_str()),
            (StatusCode::UNAUTHORIZED, Some(*reason)),
            "{what}: {body}"
        );
    }
    // Nothing was counted; the valid one still is.
    let (st, body) = me_too(&s, &device, &report, Some(&valid)).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body[0]["supporters"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn junk_authorization_headers_are_401_never_5xx() {
    let p = Provider::start(CLIENT).await;
    let s = city_with(&p, Duration::from_secs(30)).await;
    let report = s.file_report(None).await;
    let path = format!("/open311/v2/requests/{report}/supporters.json");
    let long = format!("Bearer {}", "a.".repeat(10_000));
    let junk = [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "bearer a.b.c",
        "Bearer a.b",
        "Bearer ....",
        "Bearer eyJhbGciOiJSUzI1NiJ9.e30.",
        "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6Im5vbmUifQ.e30.AAAA",
        "Bearer e30.e30.e30",
        "Bearer %%%.%%%.%%%",
        "Bearer a b c",
        long.as_str(),
    ];
    let mut fives = 0;
    for value in junk {
        let resp = s
            .post(&path)
            .header("Authorization", value)
            .form(&[("api_key", API_KEY)])
            .send()
            .await
            .expect("send");
        fives += usize::from(resp.status().is_server_error());
        let (st, body) = json(resp).await;
        assert_refused(st, &body, StatusCode::UNAUTHORIZED, "bad_token");
    }
    // Two Authorization headers, and one that is not ASCII.
    let resp = s
        .post(&path)
        .header("Authorization", format!("Bearer {}", p.id_token("x")))
        .header("Authorization", format!("Bearer {}", p.id_token("y")))
        .form(&[("api_key", API_KEY)])
        .send()
        .await
        .expect("send");
    let (st, body) = json(resp).await;
    assert_refused(st, &body, StatusCode::UNAUTHORIZED, "bad_token");
    let resp = s
        .post(&path)
        .header(
            "Authorization",
            reqwest::header::HeaderValue::from_bytes(b"Bearer \xff\xfe").expect("value"),
        )
        .form(&[("api_key", API_KEY)])
        .send()
        .await
        .expect("send");
    let (st, body) = json(resp).await;
    assert_refused(st, &body, StatusCode::UNAUTHORIZED, "bad_token");
    assert_eq!(fives, 0);
    // Made-up key ids do not make the server fetch the keys again and again.
    assert!(p.jwks_fetches() <= 1, "{}", p.jwks_fetches());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_key_is_fetched_when_a_token_names_it() {
    let p = Provider::start(CLIENT).await;
    let s = city_with(&p, Duration::ZERO).await;
    let report = s.file_report(None).await;
    let device = s.register().await;
    let (st, body) = me_too(&s, &device, &report, Some(&p.id_token("a-1"))).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    p.rotate();
    let (st, body) = me_too(&s, &device, &report, Some(&p.id_token("a-2"))).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body[0]["supporters"], 2);
    assert_eq!(p.jwks_fetches(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_an_issuer_tokens_are_refused_and_devices_count_as_before() {
    let p = Provider::start(CLIENT).await;
    let s = TestServer::start_with(|s| s.with_limits(generous_limits())).await;
    let report = s.file_report(None).await;
    let device = s.register().await;
    let (st, body) = me_too(&s, &device, &report, Some(&p.id_token("079123456789"))).await;
    assert_refused(st, &body, StatusCode::UNAUTHORIZED, "no_identity_provider");
    let (st, body) = me_too(&s, &device, &report, None).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body[0]["supporters"], 1);
    assert_eq!(p.jwks_fetches(), 0);
    let (st, body) = json(
        s.get(model::trust::login::LOGIN_PATH)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_refused(st, &body, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_that_cannot_be_reached_is_503_not_a_count() {
    let p = Provider::start(CLIENT).await;
    let token = p.id_token("079123456789");
    let v = verifier(&p, Duration::from_secs(30));
    drop(p);
    let s =
        TestServer::start_with(move |s| s.with_limits(generous_limits()).with_citizen_verifier(v))
            .await;
    let report = s.file_report(None).await;
    let device = s.register().await;
    let (st, body) = me_too(&s, &device, &report, Some(&token)).await;
    assert_refused(
        st,
        &body,
        StatusCode::SERVICE_UNAVAILABLE,
        "identity_provider_unavailable",
    );
}
