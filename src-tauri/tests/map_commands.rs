//! The map commands through Tauri's real IPC and ACL (mock runtime, no display, no city API):
//! on first start offline the map draws the bundled schematic cells, the card has the bundled
//! offices' facts with their sources, no reports or basemap yet, and refusals arrive as
//! `{code, messageKey}`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{invoke, start};
use serde_json::json;

#[test]
fn the_map_over_ipc_on_first_start_offline() {
    let (_home, _app, webview) = start();

    let wards = invoke(&webview, "map_wards", json!({})).expect("wards");
    assert_eq!(wards["kind"], "schematic");
    assert_eq!(wards["count"], 168);
    let geojson: serde_json::Value =
        serde_json::from_str(wards["geojson"].as_str().expect("text")).expect("geojson");
    assert_eq!(geojson["features"].as_array().map(Vec::len), Some(168));

    let reports = invoke(
        &webview,
        "map_reports",
        json!({"bbox": "106.6,10.7,106.8,10.9"}),
    )
    .expect("reports");
    assert_eq!(reports["count"], 0);
    assert_eq!(reports["pulledAt"], serde_json::Value::Null);
    let err = invoke(
        &webview,
        "map_reports",
        json!({"bbox": "106.8,10.7,106.6,10.9"}),
    )
    .expect_err("a reversed box");
    // Refused by the argument's type (`model::map::Bbox`) before the command runs.
    assert!(err.as_str().is_some_and(|e| e.contains("bbox")), "{err}");

    let card = invoke(&webview, "ward_card", json!({"code": "26809"})).expect("card");
    assert_eq!(card["ward"]["name"], "Phường Hiệp Bình");
    assert_eq!(
        card["office"]["address"],
        "2 đường số 5, phường Hiệp Bình, TP.HCM"
    );
    assert!(
        card["office"]["addressSource"]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );
    assert_eq!(card["office"]["hours"], serde_json::Value::Null);
    assert_eq!(card["openReports"], serde_json::Value::Null);
    let err = invoke(&webview, "ward_card", json!({"code": "12345"})).expect_err("unknown");
    assert_eq!(
        err,
        json!({"code": "unknown_ward", "messageKey": "error.unknown_ward"})
    );

    let sources = invoke(&webview, "map_sources", json!({})).expect("sources");
    assert_eq!(sources["boundaries"], "schematic");
    assert_eq!(sources["basemap"], serde_json::Value::Null);
    let offices = invoke(&webview, "map_offices", json!({})).expect("offices");
    assert_eq!(offices["count"], 0, "no source gives a position");
    let stats = invoke(&webview, "map_stats", json!({})).expect("stats");
    assert_eq!(stats["wards"], json!([]));

    let err = invoke(
        &webview,
        "map_basemap_range",
        json!({"offset": 0, "length": 16}),
    )
    .expect_err("no basemap yet");
    assert_eq!(
        err,
        json!({"code": "no_basemap", "messageKey": "error.no_basemap"})
    );
}
