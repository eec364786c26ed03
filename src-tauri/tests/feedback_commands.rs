//! The feedback commands through Tauri's real IPC and ACL (mock runtime, no display, no city
//! API): a draft saved and read back, a photo sent as a raw body, a report sent offline and
//! listed as queued, and refusals as `{code, messageKey}`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{invoke, request, start};
use serde_json::json;
use tauri::ipc::InvokeBody;

fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([x as u8, y as u8, 40]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

#[test]
fn the_feedback_journey_over_ipc() {
    let (_home, _app, webview) = start();

    let catalog = invoke(&webview, "list_services", json!({})).expect("services");
    assert_eq!(catalog["services"].as_array().map(Vec::len), Some(19));
    let found = invoke(&webview, "search_services", json!({"query": "o ga"})).expect("search");
    assert_eq!(found[0], "giao-thong");

    let draft = json!({
        "serviceCode": "giao-thong",
        "answers": {"kind": ["pothole"]},
        "description": "Ổ gà lớn giữa đường",
        "placeMode": "address",
        "wardCode": "26743",
        "address": "45 Lê Thánh Tôn",
        "identity": "anonymous"
    });
    invoke(&webview, "save_draft", json!({"draft": draft})).expect("save");
    let back = invoke(&webview, "get_draft", json!({})).expect("draft");
    assert_eq!(back["draft"]["address"], "45 Lê Thánh Tôn");
    assert!(back["savedMs"].as_i64().is_some());

    // A photo as the raw body; a file that is not one is refused with its code.
    let mut headers = tauri::http::HeaderMap::new();
    headers.insert("x-purpose", "report".parse().expect("header"));
    let photo = request(
        &webview,
        "add_photo",
        InvokeBody::Raw(jpeg()),
        headers.clone(),
    )
    .expect("photo");
    assert!(
        photo["thumb"]
            .as_str()
            .is_some_and(|t| t.starts_with("data:image/jpeg"))
    );
    let err = request(
        &webview,
        "add_photo",
        InvokeBody::Raw(b"MZ\x90\x00 not a photo".to_vec()),
        headers,
    )
    .expect_err("refused");
    assert_eq!(
        err,
        json!({"code": "not_an_image", "messageKey": "error.not_an_image"})
    );

    let sent = invoke(&webview, "submit_draft", json!({})).expect("submit");
    assert_eq!(sent["outcome"], "queued");
    let id = sent["reportId"].as_i64().expect("id");
    let mine = invoke(&webview, "my_reports", json!({})).expect("reports");
    assert_eq!(mine[0]["id"], id);
    // The syncer woke at once: its attempt may be on the wire (sending) or over (queued again).
    let state = &mine[0]["delivery"]["state"];
    assert!(state == "queued" || state == "sending", "{state}");
    assert_eq!(mine[0]["delivery"]["total"], 2);
    let detail = invoke(&webview, "report_detail", json!({"id": id})).expect("detail");
    assert_eq!(detail["photos"].as_array().map(Vec::len), Some(1));
    let err = invoke(
        &webview,
        "rate_report",
        json!({"id": id, "satisfaction": "satisfied", "comment": ""}),
    )
    .expect_err("not yet");
    assert_eq!(err["code"], "not_now");
    let err = invoke(&webview, "report_detail", json!({"id": 999})).expect_err("unknown");
    assert_eq!(err["code"], "unknown_report");

    // Offline: the ward list and "is this yours?" say so instead of failing.
    let list = invoke(&webview, "ward_reports", json!({"code": "26743"})).expect("list");
    assert_eq!(list["offline"], true);
    let empty = invoke(&webview, "submit_draft", json!({})).expect("submit empty");
    assert_eq!(empty["outcome"], "incomplete");
    assert_eq!(empty["problem"]["step"], "category");
}
