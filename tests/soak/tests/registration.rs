//! A registration whose answer is lost in transit (issue 13): the city registers the device and
//! commits, the app gets a TCP reset instead of the answer. The app asks again under the same
//! Idempotency-Key, kept on its disk before the first try, and the city replays its first
//! answer: one device on the server, not an orphan and a second one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::net::SocketAddr;
use std::time::Duration;

use citizen_soak::proxy::{Fault, FaultProxy};
use city_api::Keys;
use city_api::local::LocalServer;
use core_engine::engine::DEMO_API_KEY;
use core_engine::sync::Quiet;
use core_engine::{Engine, EngineConfig};
use model::ApiBaseUrl;

fn count(city: &LocalServer, sql: &str) -> i64 {
    city.db
        .with(|c| c.query_row(sql, [], |r| r.get::<_, i64>(0)))
        .expect("count")
}

/// A report filed by someone else (straight to the city), to say "me too" to.
async fn someone_elses_report(city: &LocalServer) -> String {
    let resp = reqwest::Client::new()
        .post(format!("{}/open311/v2/requests.json", city.url))
        .form(&[
            ("api_key", DEMO_API_KEY),
            ("service_code", "thoat-nuoc"),
            ("attribute[kind]", "flood"),
            ("description", "Nước ngập ngang bánh xe"),
            ("ward_code", "26743"),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    body[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_registration_answer_leaves_one_device_on_the_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = Keys {
        api_keys: vec![DEMO_API_KEY.into()],
        staff_key: None,
    };
    let city = LocalServer::start(&dir.path().join("city.db"), keys)
        .await
        .expect("city");
    let upstream: SocketAddr = city
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("address");
    let proxy = FaultProxy::once(upstream, "POST /api/v1/devices ", Fault::Reset)
        .await
        .expect("proxy");
    let engine = Engine::start(EngineConfig {
        data_dir: dir.path().join("app"),
        default_api_url: ApiBaseUrl::parse(&format!("http://{}/", proxy.addr)).expect("url"),
        api_key: DEMO_API_KEY.into(),
    });

    let report = someone_elses_report(&city).await;
    engine.follow(&report).await.expect("me too");
    let mut rounds = 0;
    loop {
        rounds += 1;
        engine.wake_outbox().expect("wake");
        engine.sync(&Quiet).await.expect("sync");
        let counts = engine.outbox_counts().expect("counts");
        if counts.queued == 0 && counts.sending == 0 {
            assert_eq!(counts.needs_attention, 0, "nothing refused");
            break;
        }
        assert!(rounds < 20, "the outbox did not drain");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        proxy
            .counters
            .reset
            .load(std::sync::atomic::Ordering::Relaxed),
        1,
        "the first registration's answer was lost"
    );
    assert!(rounds >= 2, "so it was asked again");
    assert_eq!(
        count(&city, "SELECT count(*) FROM devices"),
        1,
        "one device: the retry got the first answer again"
    );
    assert_eq!(
        count(
            &city,
            &format!("SELECT count(*) FROM supporters WHERE request_id = {report}")
        ),
        1
    );
}
