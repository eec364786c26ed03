//! A ward rating whose answer is lost in transit (issue 15): the city counts it and commits,
//! the app gets a TCP reset instead of the receipt. The app sends it again under the same
//! Idempotency-Key, kept with the rating on its disk, and the city replays its first answer:
//! one rating counted, and the app says the month it was counted for — not "already rated".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::time::Duration;

use core_engine::sync::Quiet;
use model::rating_dto::{RateWardArgs, RatingState};
use model::ward_rating::Answer;

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_rating_answer_counts_one_rating_and_says_counted() {
    let lost = common::LostAnswer::start("POST /api/v1/wards/26743/ratings ").await;
    let engine = &lost.engine;
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
    assert_eq!(lost.lost(), 1, "the first answer was lost");
    assert!(rounds >= 2, "so it was sent again");
    assert_eq!(
        state.state,
        RatingState::Counted,
        "the replayed receipt, not a 409"
    );
    assert!(state.counted_month.is_some());
    assert_eq!(lost.count("SELECT count(*) FROM ward_ratings"), 1);
}
