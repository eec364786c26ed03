//! The ward-rating and scoreboard commands through Tauri's real IPC and ACL (mock runtime, no
//! display, no city API): a rating is saved offline and known for the month, a second one is
//! refused kindly, bad arguments never reach the engine, and the scoreboards answer from the
//! (empty) copy saying the refresh failed — never a made-up figure.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{invoke, start};
use serde_json::{Value, json};

#[test]
fn rating_a_ward_and_the_scoreboards_over_ipc_offline() {
    let (_home, _app, webview) = start();
    let answers = json!([
        "satisfied",
        "neutral",
        "satisfied",
        "unsatisfied",
        "satisfied"
    ]);

    let status =
        invoke(&webview, "ward_rating_status", json!({"wardCode": "26743"})).expect("status");
    assert_eq!(status["canRate"], true);
    assert_eq!(status["current"], Value::Null);
    let month = status["month"].as_str().expect("month").to_owned();

    let saved = invoke(
        &webview,
        "rate_ward",
        json!({"wardCode": "26743", "answers": answers, "comment": "Nhanh"}),
    )
    .expect("saved");
    assert_eq!(saved["state"], "queued");
    assert_eq!(saved["givenMonth"], month.as_str());
    assert_eq!(saved["countedMonth"], Value::Null);
    assert_eq!(saved["answers"][3], json!(["result", "unsatisfied"]));
    assert_eq!(saved["comment"], "Nhanh");

    let status =
        invoke(&webview, "ward_rating_status", json!({"wardCode": "26743"})).expect("status");
    assert_eq!(status["canRate"], false);
    assert_eq!(status["current"]["state"], "queued");

    let again = invoke(
        &webview,
        "rate_ward",
        json!({"wardCode": "26743", "answers": answers}),
    )
    .expect_err("once a month");
    assert_eq!(
        again,
        json!({"code": "already_rated_this_month", "messageKey": "error.already_rated_this_month"})
    );
    let unknown = invoke(
        &webview,
        "rate_ward",
        json!({"wardCode": "12345", "answers": answers}),
    )
    .expect_err("unknown ward");
    assert_eq!(unknown["code"], "unknown_ward");
    // Four answers, or an answer that is not one of the three, are refused by the types.
    for bad in [
        json!(["satisfied", "neutral", "satisfied", "satisfied"]),
        json!(["satisfied", "neutral", "satisfied", "satisfied", "5"]),
    ] {
        let err = invoke(
            &webview,
            "rate_ward",
            json!({"wardCode": "26809", "answers": bad}),
        )
        .expect_err("bad answers");
        assert!(err.as_str().is_some_and(|e| e.contains("answers")), "{err}");
    }
    let long = invoke(
        &webview,
        "rate_ward",
        json!({"wardCode": "26809", "answers": answers, "comment": "a".repeat(1001)}),
    )
    .expect_err("too long");
    assert_eq!(long["code"], "rating_invalid");

    let board = invoke(
        &webview,
        "scoreboard",
        json!({"period": "month", "refresh": true}),
    )
    .expect("scoreboard");
    assert_eq!(board["board"], Value::Null);
    assert_eq!(board["updatedAt"], Value::Null);
    assert_eq!(board["refresh"], "failed");
    let err = invoke(
        &webview,
        "scoreboard",
        json!({"period": "year", "refresh": false}),
    )
    .expect_err("no such period");
    assert!(err.as_str().is_some_and(|e| e.contains("period")), "{err}");
    let ward = invoke(
        &webview,
        "ward_scoreboard",
        json!({"wardCode": "26743", "refresh": false}),
    )
    .expect("history");
    assert_eq!(ward["history"], Value::Null);
    assert_eq!(ward["refresh"], "not_asked");
    let err = invoke(
        &webview,
        "ward_scoreboard",
        json!({"wardCode": "1", "refresh": false}),
    )
    .expect_err("bad code");
    assert_eq!(err["code"], "unknown_ward");
}
