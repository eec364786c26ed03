//! A sync round that finds no city API tells the connection monitor at once
//! (`Engine::link_trouble`), so the app stops saying "online" within the round, not at the next
//! scheduled check; a round the city answers says nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::time::Duration;

use core_engine::sync::Quiet;
use model::draft::Identity;
use model::report_dto::SubmitAnswer;

#[tokio::test]
async fn a_round_without_an_answer_wakes_the_connection_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = common::free_port();
    let engine = common::engine_at(
        &dir.path().join("app"),
        &format!("http://127.0.0.1:{port}/"),
    );
    engine
        .save_draft(common::flood_draft(Identity::Anonymous))
        .expect("save");
    let SubmitAnswer::Queued { .. } = engine.submit_draft().expect("submit") else {
        panic!("a complete draft was refused");
    };

    // Nothing listens on the address: the item stays queued and the monitor is told.
    let round = engine.sync(&Quiet).await.expect("sync");
    assert_eq!(round.round.sent.delivered, 0);
    assert_eq!(round.round.sent.unreachable, 1);
    tokio::time::timeout(Duration::from_secs(1), engine.link_trouble().notified())
        .await
        .expect("the connection check was woken");

    // The city is there: it answers, and nobody is woken.
    let _city = common::city_on(dir.path(), port).await;
    engine.wake_outbox().expect("wake");
    let round = engine.sync(&Quiet).await.expect("sync");
    assert_eq!(round.round.sent.delivered, 1);
    assert_eq!(round.round.sent.unreachable, 0);
    let woken =
        tokio::time::timeout(Duration::from_millis(300), engine.link_trouble().notified()).await;
    assert!(woken.is_err(), "an answered round does not wake the check");
}
