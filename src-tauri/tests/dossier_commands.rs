//! The dossier commands through Tauri's real IPC and ACL (mock runtime, no display, no city
//! API): a dossier added offline is kept as waiting and listed, the receipt's photo goes as a
//! raw body, the question box and the guide answer from local data, and refusals arrive as
//! `{code, messageKey}`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{invoke, request, start};
use serde_json::json;
use tauri::ipc::InvokeBody;

const CODE: &str = "000.00.04.H29-240115-0001";

#[test]
fn the_dossier_journey_over_ipc() {
    let (_home, _app, webview) = start();

    // No city here: kept, waiting to be looked up.
    let added = invoke(
        &webview,
        "add_dossier",
        json!({"code": "000.00.04.h29-240115-0001 ", "check": "k7m 2qx"}),
    )
    .expect("add");
    assert_eq!(added["outcome"], "added");
    assert_eq!(added["lookup"], "waiting");
    let id = added["id"].as_i64().expect("id");
    let again = invoke(
        &webview,
        "add_dossier",
        json!({"code": CODE, "check": "K7M2QX"}),
    )
    .expect("again");
    assert_eq!(again, json!({"outcome": "alreadyTracked", "id": id}));

    let list = invoke(&webview, "my_dossiers", json!({})).expect("list");
    assert_eq!(list[0]["code"], CODE);
    assert_eq!(list[0]["deadline"], json!({"kind": "not_available"}));
    let detail = invoke(&webview, "dossier_detail", json!({"id": id})).expect("detail");
    assert_eq!(detail["summary"]["lookup"], "waiting");
    assert_eq!(detail["dossier"], serde_json::Value::Null);
    assert_eq!(
        invoke(&webview, "dossiers_unseen", json!({})).expect("unseen"),
        0
    );

    let err = invoke(
        &webview,
        "add_dossier",
        json!({"code": "hello", "check": "K7M2QX"}),
    )
    .expect_err("bad code");
    assert_eq!(
        err,
        json!({"code": "dossier_code_invalid", "messageKey": "error.dossier_code_invalid"})
    );
    let err = request(
        &webview,
        "read_receipt_qr",
        InvokeBody::Raw(b"%PDF-1.7 a scan".to_vec()),
        Default::default(),
    )
    .expect_err("not a photo");
    assert_eq!(err["code"], "not_an_image");
    let err = invoke(&webview, "read_receipt_qr", json!({})).expect_err("no body");
    assert_eq!(err["code"], "not_an_image");

    let answer = invoke(
        &webview,
        "ask",
        json!({"question": "tôi muốn xin giấy phép xây dựng nhà"}),
    )
    .expect("ask");
    assert_eq!(answer["kind"], "found");
    assert_eq!(answer["matches"][0]["id"], "cap-giay-phep-xay-dung-nha-o");
    let guide = invoke(&webview, "procedure_guide", json!({})).expect("guide");
    assert!(
        guide["procedures"]
            .as_array()
            .is_some_and(|p| p.len() >= 15)
    );

    invoke(&webview, "remove_dossier", json!({"id": id})).expect("remove");
    let err = invoke(&webview, "remove_dossier", json!({"id": id})).expect_err("gone");
    assert_eq!(err["code"], "unknown_dossier");
    assert_eq!(
        invoke(&webview, "my_dossiers", json!({})).expect("list"),
        json!([])
    );
}
