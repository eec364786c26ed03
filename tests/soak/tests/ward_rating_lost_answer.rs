//! A ward rating whose answer is lost in transit (issue 15): the city counts it and commits,
//! the app gets a TCP reset instead of the receipt. The app sends it again under the same
//! Idempotency-Key, kept with the rating on its disk, and the city replays its first answer:
//! one rating counted, and the app says the month it was counted for — not "already rated".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use citizen_soak::proxy::{Fault, FaultProxy};
use city_api::Keys;
use city_api::local::LocalServer;
use core_engine::engine::DEMO_API_KEY;
use core_engine::sync::Quiet;
use core_engine::{Engine, EngineConfig};
use model::ApiBaseUrl;
use model::rating_dto::{RateWardArgs, RatingState};
use model::ward_rating::Answer;

fn count(city: &LocalServer, sql: &str) -> i64 {
    city.db
        .with(|c| c.query_row(sql, [], |r| r.get::<_, i64>(0)))
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_rating_answer_counts_one_rating_and_says_counted() {
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
    let proxy = FaultProxy::once(upstream, "POST /api/v1/wards/26743/ratings ", Fault::Reset)
        .await
        .expect("proxy");
    let engine = Engine::start(EngineConfig {
        data_dir: dir.path().join("app"),
        default_api_url: ApiBaseUrl::parse(&format!("http://{}/", proxy.addr)).expect("url"),
        api_key: DEMO_API_KEY.into(),
    });
    engine
        .rate_ward(&RateWardArgs {
            ward_code: "26743".into(),
            answers: [Answer::Satisfied; 5],
            comment: None,
        })
        .expect("saved");
    let mut rounds = 0;
    let state = loop {
        rounds += 1;
        engine.wake_outbox().expect("wake");
        engine.sync(&Quiet).await.expect("sync");
        let current = engine
            .ward_rating_status("26743")
            .expect("status")
            .current
            .expect("kept");
        if current.state != RatingState::Queued {
            break current;
        }
        assert!(rounds < 20, "the rating was not sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        proxy.counters.reset.load(Ordering::Relaxed),
        1,
        "the first answer was lost"
    );
    assert!(rounds >= 2, "so it was sent again");
    assert_eq!(
        state.state,
        RatingState::Counted,
        "the replayed receipt, not a 409"
    );
    assert!(state.counted_month.is_some());
    assert_eq!(count(&city, "SELECT count(*) FROM ward_ratings"), 1);
}
