//! The app follows no redirect. A city API address that answers 307/308 (a moved server, or
//! something in between rewriting answers) would make a following client send the same form,
//! contact details and device id included, to the `Location` — `http://` or another host. Here
//! a real local server answers every request with a redirect to a second real local server,
//! which counts what reaches it: nothing may, and the report stays queued for later.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::http::{StatusCode, Uri, header};
use axum::response::IntoResponse;
use common::engine_at;
use core_engine::store::ItemState;
use core_engine::sync::{Quiet, StoreAccess};

async fn listen(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// Where the redirects point: counts every request that reaches it.
async fn elsewhere(hits: Arc<AtomicUsize>) -> String {
    listen(Router::new().fallback(move || {
        hits.fetch_add(1, Ordering::SeqCst);
        async { (StatusCode::OK, "[]") }
    }))
    .await
}

/// Answers everything with `status` to the same path and query on `to`.
async fn redirector(status: StatusCode, to: String) -> String {
    listen(Router::new().fallback(move |uri: Uri| {
        let to = to.clone();
        async move {
            let path = uri
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .trim_start_matches('/')
                .to_owned();
            (status, [(header::LOCATION, format!("{to}{path}"))]).into_response()
        }
    }))
    .await
}

fn form() -> Vec<(String, String)> {
    [
        ("service_code", "thoat-nuoc"),
        ("lat", "10.7713"),
        ("long", "106.694"),
        ("description", "Ngập sau mưa"),
        ("attribute[kind]", "flood"),
        ("attribute[depth_cm]", "35"),
        ("device_id", "device-redirect-0001"),
        ("email", "an@example.vn"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_never_followed_and_the_report_waits() {
    for status in [
        StatusCode::TEMPORARY_REDIRECT,
        StatusCode::PERMANENT_REDIRECT,
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let hits = Arc::new(AtomicUsize::new(0));
        let target = elsewhere(hits.clone()).await;
        let api = redirector(status, target).await;
        let engine = engine_at(dir.path(), &api);
        let report = engine
            .with_store(|s| s.save_report(&form(), &[], &common::origin(&api), 1))
            .expect("saved");

        let round = engine.sync(&Quiet).await.expect("round");
        assert_eq!(round.round.sent.delivered, 0, "{status}");
        assert_eq!(
            round.round.sent.refused, 0,
            "{status}: not the citizen's to fix"
        );
        assert_eq!(round.round.sent.retried, 1, "{status}");
        let checked = engine.check_city_api().await;
        assert_eq!(checked.failures, 1, "{status}: a redirect is no ward list");
        assert_eq!(
            hits.load(Ordering::SeqCst),
            0,
            "{status}: nothing reached the redirect's target"
        );

        let items = engine
            .with_store(|s| s.report_items(report))
            .expect("items");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].state, ItemState::Queued, "{status}");
        assert_eq!(
            items[0].last_error.as_deref(),
            Some(format!("http_{}", status.as_u16()).as_str()),
            "the reason is kept"
        );
    }
}
