//! A registration whose answer is lost in transit (issue 13): the city registers the device and
//! commits, the app gets a TCP reset instead of the answer. The app asks again under the same
//! Idempotency-Key, kept on its disk before the first try, and the city replays its first
//! answer: one device on the server, not an orphan and a second one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::time::Duration;

use city_api::local::LocalServer;
use core_engine::engine::DEMO_API_KEY;
use core_engine::sync::Quiet;

mod common;

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
    let lost = common::LostAnswer::start("POST /api/v1/devices ").await;
    let (city, engine) = (&lost.city, &lost.engine);

    let report = someone_elses_report(city).await;
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
    assert_eq!(lost.lost(), 1, "the first registration's answer was lost");
    assert!(rounds >= 2, "so it was asked again");
    assert_eq!(
        lost.count("SELECT count(*) FROM devices"),
        1,
        "one device: the retry got the first answer again"
    );
    assert_eq!(
        lost.count(&format!(
            "SELECT count(*) FROM supporters WHERE request_id = {report}"
        )),
        1
    );
}
