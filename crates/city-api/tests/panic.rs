//! A handler that panics costs its own request a 500 in the Open311 JSON shape, and nothing else:
//! the release profile unwinds, and `city_api::layered` (the layers `app` puts on every route)
//! catches the panic instead of dropping the connection.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code"
)]

use axum::Router;
use axum::routing::get;

/// Stands for any handler bug.
async fn boom() -> &'static str {
    panic!("a handler bug")
}

#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_server_goes_on() {
    let router = Router::new()
        .route("/boom", get(boom))
        .route("/fine", get(|| async { "fine" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, city_api::layered(router)).await });
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client");

    let res = http
        .get(format!("{url}/boom"))
        .send()
        .await
        .expect("an answer, not a dropped connection");
    assert_eq!(res.status(), 500);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body[0]["code"], 500, "{body}");
    assert_eq!(body[0]["reason"], "internal_error", "{body}");
    assert!(
        !body.to_string().contains("a handler bug"),
        "no panic text leaks: {body}"
    );

    for _ in 0..3 {
        let res = http
            .get(format!("{url}/fine"))
            .send()
            .await
            .expect("still serving");
        assert_eq!(res.status(), 200);
        assert_eq!(res.text().await.expect("text"), "fine");
    }
}
