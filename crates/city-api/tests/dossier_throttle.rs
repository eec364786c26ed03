//! Wrong check values are throttled per client (429 + Retry-After), right ones cost nothing, and
//! a throttled client learns nothing, right or wrong; on a real server over a real SQLite file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode as AxumStatus};
use city_api::throttle::{BURST, REFILL};
use common::{TestServer, assert_refused, json};
use reqwest::StatusCode;
use tower::ServiceExt;

/// The `n`th check value that is not `right`.
fn wrong(right: &str, n: u32) -> String {
    let alphabet = model::dossier::CHECK_ALPHABET;
    let mut v: String = (0..6)
        .map(|i| char::from(alphabet[((n as usize) * 7 + i * 3) % alphabet.len()]))
        .collect();
    if v == right {
        v = "222222".into();
    }
    v
}

async fn lookup(s: &TestServer, code: &str, check: &str) -> reqwest::Response {
    s.get(&format!("/api/v1/dossiers/{code}?check={check}"))
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn wrong_check_values_are_throttled_and_a_throttled_client_learns_nothing() {
    let s = TestServer::start().await;
    let (code, right) = s.dossier_samples(1).remove(0);
    for n in 0..BURST {
        let resp = lookup(&s, &code, &wrong(&right, n)).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "wrong value {n}");
    }
    let resp = lookup(&s, &code, &wrong(&right, BURST)).await;
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=REFILL.as_secs()).contains(&retry), "{retry}");
    let (status, body) = json(resp).await;
    assert_refused(status, &body, StatusCode::TOO_MANY_REQUESTS, "throttled");
    // The right value is refused the same way: a 200 here would tell a guess right.
    let (status, body) = json(lookup(&s, &code, &right).await).await;
    assert_refused(status, &body, StatusCode::TOO_MANY_REQUESTS, "throttled");

    // One cell back after the wait: right values answer and cost nothing...
    s.state
        .clock
        .advance(chrono::Duration::seconds(REFILL.as_secs() as i64));
    for _ in 0..3 {
        assert_eq!(lookup(&s, &code, &right).await.status(), StatusCode::OK);
    }
    // ...one wrong value is answered, and spends it.
    let resp = lookup(&s, &code, &wrong(&right, 99)).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = lookup(&s, &code, &right).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn right_check_values_are_never_throttled() {
    let s = TestServer::start().await;
    let (code, right) = s.dossier_samples(1).remove(0);
    for i in 0..(BURST * 3) {
        let resp = lookup(&s, &code, &right).await;
        assert_eq!(resp.status(), StatusCode::OK, "lookup {i}");
    }
    // A malformed value cannot be right and is refused before the throttle: it costs nothing.
    for _ in 0..BURST {
        let resp = lookup(&s, &code, "K7M2Q0").await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        lookup(&s, &code, &wrong(&right, 1)).await.status(),
        StatusCode::NOT_FOUND
    );
}

/// One lookup through the router, as a proxy in front would pass it on.
async fn via_proxy(app: &axum::Router, path: &str, forwarded_for: &str) -> AxumStatus {
    let req = Request::get(path)
        .header("x-forwarded-for", forwarded_for)
        .body(Body::empty())
        .expect("request");
    app.clone().oneshot(req).await.expect("answer").status()
}

#[tokio::test]
async fn behind_a_proxy_clients_are_told_apart_by_the_address_it_adds() {
    let s = TestServer::start().await;
    let (code, right) = s.dossier_samples(1).remove(0);
    let path = |check: &str| format!("/api/v1/dossiers/{code}?check={check}");
    let proxied = city_api::app(
        s.state
            .clone()
            .with_client_ip_header(Some("x-forwarded-for".parse().expect("name"))),
    );
    for n in 0..=BURST {
        // The client may put anything before the proxy's own entry: only the last one counts.
        let spoofed = format!("10.0.0.{n}, 203.0.113.7");
        via_proxy(&proxied, &path(&wrong(&right, n)), &spoofed).await;
    }
    let status = via_proxy(&proxied, &path(&right), "203.0.113.7").await;
    assert_eq!(status, AxumStatus::TOO_MANY_REQUESTS);
    let status = via_proxy(&proxied, &path(&right), "203.0.113.8").await;
    assert_eq!(status, AxumStatus::OK, "another client behind the proxy");
    let status = via_proxy(&proxied, &path(&right), "2001:db8:1:2::9").await;
    assert_eq!(status, AxumStatus::OK);

    // Without the option the header is ignored: a client cannot pick its own address.
    let direct = city_api::app(s.state.clone());
    for n in 0..=BURST {
        via_proxy(
            &direct,
            &path(&wrong(&right, n)),
            &format!("198.51.100.{n}"),
        )
        .await;
    }
    let status = via_proxy(&direct, &path(&right), "198.51.100.200").await;
    assert_eq!(status, AxumStatus::TOO_MANY_REQUESTS);
}
