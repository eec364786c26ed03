//! Whatever the city API answers — a bigger list, 304, garbage, a 500, a huge body, a hang —
//! the engine keeps the citizen's data intact and reports a plain state. A small axum server on
//! 127.0.0.1:0 plays the city (the reference server's own behaviour is tested in crates/city-api).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::{NOWHERE, engine_at};
use model::dto::Connection;

/// What the fake city answers to `GET /api/v1/wards`.
#[derive(Clone)]
enum Answer {
    Catalog { body: String, etag: &'static str },
    Status(StatusCode),
    Body(&'static str),
    Huge,
}

async fn serve(answer: Arc<Mutex<Answer>>) -> String {
    let app = Router::new().route(
        "/api/v1/wards",
        get(move |headers: HeaderMap| {
            let answer = answer.lock().expect("lock").clone();
            async move {
                match answer {
                    Answer::Catalog { body, etag } => {
                        if headers
                            .get(header::IF_NONE_MATCH)
                            .is_some_and(|v| v == etag)
                        {
                            return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)])
                                .into_response();
                        }
                        (
                            [
                                (header::ETAG, etag),
                                (header::CONTENT_TYPE, "application/json"),
                            ],
                            body,
                        )
                            .into_response()
                    }
                    Answer::Status(code) => code.into_response(),
                    Answer::Body(text) => {
                        ([(header::CONTENT_TYPE, "application/json")], text).into_response()
                    }
                    Answer::Huge => {
                        Response::new(axum::body::Body::from(vec![b' '; 3 * 1024 * 1024]))
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn catalog_with_extra_ward() -> String {
    let mut catalog = core_engine::bundled::hcmc_catalog().expect("bundled");
    let mut extra = catalog.units[0].clone();
    extra.code = model::WardCode::parse("99999").expect("code");
    extra.name = "Phường Thử Nghiệm".into();
    catalog.units.push(extra);
    serde_json::to_string(&catalog).expect("json")
}

#[tokio::test]
async fn newer_list_replaces_ours_then_304_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let answer = Arc::new(Mutex::new(Answer::Catalog {
        body: catalog_with_extra_ward(),
        etag: "\"v2\"",
    }));
    let url = serve(answer.clone()).await;
    let engine = engine_at(dir.path(), &url);
    assert_eq!(
        engine.search_wards("", 1000).expect("all").total,
        168,
        "bundled list first"
    );

    let first = engine.check_city_api().await;
    assert_eq!(first.connection.state, Connection::Online);
    assert!(first.wards_changed);
    assert!(first.connection.wards_refreshed_at.is_some());
    assert_eq!(
        engine.search_wards("thu nghiem", 5).expect("search").wards[0].name,
        "Phường Thử Nghiệm"
    );

    let second = engine.check_city_api().await;
    assert_eq!(second.connection.state, Connection::Online);
    assert!(!second.wards_changed, "304: nothing changed");
    assert_eq!(engine.search_wards("", 1000).expect("all").total, 169);

    // Another server: our ETag means nothing there, so the whole list is asked for again.
    engine
        .set_api_base_url(&url, false)
        .expect("same address, set explicitly");
    assert!(
        engine.check_city_api().await.wards_changed,
        "full answer after forgetting the ETag"
    );
    assert!(!engine.check_city_api().await.wards_changed);

    // The ETag is kept across restarts, so the next start's check is a cheap 304 too.
    drop(engine);
    let engine = engine_at(dir.path(), &url);
    assert_eq!(
        engine.search_wards("", 1000).expect("all").total,
        169,
        "stored, not re-bundled"
    );
    assert!(!engine.check_city_api().await.wards_changed);
}

#[tokio::test]
async fn bad_answers_keep_our_list_and_say_offline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let answer = Arc::new(Mutex::new(Answer::Status(
        StatusCode::INTERNAL_SERVER_ERROR,
    )));
    let url = serve(answer.clone()).await;
    let engine = engine_at(dir.path(), &url);
    let bad = [
        Answer::Status(StatusCode::INTERNAL_SERVER_ERROR),
        Answer::Status(StatusCode::TOO_MANY_REQUESTS),
        Answer::Status(StatusCode::NOT_FOUND),
        Answer::Body("not json"),
        Answer::Body("{\"province_code\":\"79\",\"units\":[]}"),
        Answer::Body(
            "{\"province_code\":\"01\",\"units\":[{\"code\":\"00001\",\"name\":\"Phường A\",\"kind\":\"phuong\",\"lat\":21.0,\"lon\":105.8,\"area_km2\":1.0}]}",
        ),
        Answer::Body(
            "{\"province_code\":\"79\",\"units\":[{\"code\":\"1\",\"name\":\"\",\"kind\":\"x\"}]}",
        ),
        Answer::Huge,
    ];
    for (n, a) in bad.into_iter().enumerate() {
        *answer.lock().expect("lock") = a;
        let outcome = engine.check_city_api().await;
        assert_eq!(outcome.connection.state, Connection::Offline, "answer #{n}");
        assert!(!outcome.wards_changed);
        assert_eq!(
            outcome.failures,
            n as u32 + 1,
            "consecutive failures count up"
        );
        assert_eq!(
            engine.search_wards("", 1000).expect("all").total,
            168,
            "answer #{n} lost nothing"
        );
    }
    *answer.lock().expect("lock") = Answer::Catalog {
        body: catalog_with_extra_ward(),
        etag: "\"v3\"",
    };
    let ok = engine.check_city_api().await;
    assert_eq!((ok.connection.state, ok.failures), (Connection::Online, 0));
}

#[tokio::test]
async fn nothing_listening_is_offline_not_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = engine_at(dir.path(), NOWHERE);
    let outcome = engine.check_city_api().await;
    assert_eq!(outcome.connection.state, Connection::Offline);
    assert_eq!(outcome.connection.wards_refreshed_at, None);
    assert_eq!(
        engine
            .search_wards("ben thanh", 1)
            .expect("works offline")
            .wards[0]
            .name,
        "Phường Bến Thành"
    );
}
