//! The commands through Tauri's real IPC and ACL (mock runtime, no display): every declared
//! command is allowed and served, errors reach the UI as `{code, messageKey}`, and the
//! capability file allows exactly the commands build.rs declares.

use std::collections::BTreeSet;

mod common;

use common::{invoke, start};
use model::ipc::Command;
use serde_json::{Value, json};

#[test]
fn capability_allows_exactly_the_declared_commands() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/capabilities/default.json"
    ))
    .expect("capability file");
    let cap: Value = serde_json::from_str(&text).expect("capability JSON");
    let allowed: BTreeSet<String> = cap["permissions"]
        .as_array()
        .expect("permissions list")
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(str::to_owned)
        .collect();
    let declared: BTreeSet<String> = Command::ALL
        .iter()
        .map(|c| c.as_str().replace('_', "-"))
        .collect();
    assert_eq!(
        allowed, declared,
        "capabilities/default.json and model::ipc::Command disagree"
    );
    // Nothing broad: no plugin but events, no wildcard.
    for p in cap["permissions"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(Value::as_str)
    {
        assert!(
            p.starts_with("allow-") || p.starts_with("core:event:allow-"),
            "unexpected permission {p}"
        );
    }
}

#[test]
fn commands_over_ipc() {
    let (_home, app, webview) = start();

    // Every declared command is reachable through the ACL (it may fail on its input, but it is
    // not "not allowed" nor "not found").
    for cmd in Command::ALL {
        if let Err(err) = invoke(&webview, cmd.as_str(), json!({})) {
            let text = err.to_string();
            assert!(
                !text.contains("not allowed") && !text.contains("not found"),
                "{cmd}: {text}"
            );
        }
    }
    // Something not declared is refused.
    assert!(
        invoke(
            &webview,
            "plugin:fs|read_file",
            json!({"path": "/etc/passwd"})
        )
        .is_err()
    );

    let status = invoke(&webview, "app_status", json!({})).expect("status");
    assert_eq!(status["db"], "ready");
    assert_eq!(status["settings"]["language"], "vi");
    assert_eq!(status["settings"]["apiBaseUrl"], "http://127.0.0.1:9/");

    // The UI's texts come from here, one language at a time, as sorted [key, text] pairs.
    let table = |language: &str| -> Vec<(String, String)> {
        let value =
            invoke(&webview, "ui_messages", json!({ "language": language })).expect("ui_messages");
        serde_json::from_value(value).expect("pairs")
    };
    let (vi, en) = (table("vi"), table("en"));
    assert!(vi.len() > 200, "{} messages", vi.len());
    assert_eq!(
        vi.iter().map(|r| &r.0).collect::<Vec<_>>(),
        en.iter().map(|r| &r.0).collect::<Vec<_>>()
    );
    assert!(vi.windows(2).all(|w| w[0].0 < w[1].0), "sorted by key");
    let text = |rows: &[(String, String)], key: &str| {
        rows.iter().find(|r| r.0 == key).map(|r| r.1.clone())
    };
    assert_eq!(text(&vi, "nav.home").as_deref(), Some("Trang chủ"));
    assert_eq!(text(&en, "nav.home").as_deref(), Some("Home"));
    assert!(invoke(&webview, "ui_messages", json!({ "language": "fr" })).is_err());

    let found = invoke(
        &webview,
        "search_wards",
        json!({"query": "ben thanh", "limit": 3}),
    )
    .expect("search");
    assert_eq!(found["wards"][0]["name"], "Phường Bến Thành");
    let code = found["wards"][0]["code"].as_str().expect("code").to_owned();
    // A former ward, and the current units it went into (default first).
    let places = invoke(
        &webview,
        "search_places",
        json!({"query": "Đa Kao", "limit": 3}),
    )
    .expect("places");
    let da_kao = &places["places"][0]["formerWard"];
    assert_eq!(da_kao["name"], "Phường Đa Kao");
    assert_eq!(da_kao["district"], "Quận 1");
    assert_eq!(da_kao["now"][0]["name"], "Phường Sài Gòn");

    let settings = invoke(&webview, "set_my_ward", json!({"code": code})).expect("set my ward");
    assert_eq!(settings["myWard"], code.as_str());
    let ward = invoke(&webview, "get_ward", json!({"code": code})).expect("get ward");
    assert_eq!(ward["kind"], "phuong");

    let err = invoke(&webview, "set_my_ward", json!({"code": "99999"})).expect_err("unknown");
    assert_eq!(
        err,
        json!({"code": "unknown_ward", "messageKey": "error.unknown_ward"})
    );
    let err = invoke(
        &webview,
        "set_api_base_url",
        json!({"url": "http://city.example.vn"}),
    )
    .expect_err("insecure");
    assert_eq!(
        err,
        json!({"code": "api_url_insecure", "messageKey": "error.api_url_insecure"})
    );
    // Not the city's official address: asked about first, used once confirmed.
    let other = json!({"url": "https://other-city.example.vn"});
    let err = invoke(&webview, "set_api_base_url", other.clone()).expect_err("not official");
    assert_eq!(
        err,
        json!({"code": "api_url_not_official", "messageKey": "error.api_url_not_official"})
    );
    let settings = invoke(
        &webview,
        "set_api_base_url",
        json!({"url": "https://other-city.example.vn", "confirmed": true}),
    )
    .expect("confirmed");
    assert_eq!(settings["apiBaseUrl"], "https://other-city.example.vn/");
    invoke(
        &webview,
        "set_api_base_url",
        json!({"url": "http://127.0.0.1:9/"}),
    )
    .expect("this device, in a test build");
    let err = invoke(&webview, "set_language", json!({"language": "fr"})).expect_err("bad enum");
    assert!(
        err.is_string(),
        "serde rejects unknown languages before the command runs: {err}"
    );

    let settings = invoke(&webview, "set_language", json!({"language": "en"})).expect("language");
    assert_eq!(settings["language"], "en");
    let settings =
        invoke(&webview, "set_text_size", json!({"textSize": "larger"})).expect("text size");
    assert_eq!(settings["textSize"], "larger");
    let all = invoke(
        &webview,
        "search_wards",
        json!({"query": "", "limit": 100000}),
    )
    .expect("all");
    assert_eq!(all["total"], 168);
    assert_eq!(all["wards"].as_array().map(Vec::len), Some(168));

    // Nothing listens on port 9: the check says offline, it is not an error.
    let conn = invoke(&webview, "refresh_wards", json!({})).expect("refresh");
    assert_eq!(conn["state"], "offline");
    let err = invoke(&webview, "start_fresh", json!({})).expect_err("nothing to recover");
    assert_eq!(err["code"], "internal");

    // Durable: the same choices after the app is rebuilt on the same folder.
    drop(webview);
    drop(app);
    let (_app, webview) = common::open();
    let status = invoke(&webview, "app_status", json!({})).expect("status");
    assert_eq!(status["settings"]["language"], "en");
    assert_eq!(status["settings"]["myWard"], code.as_str());
}
