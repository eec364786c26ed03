//! The surveys' and announcements' commands through Tauri's real IPC and ACL (mock runtime, no
//! display) against the real reference city API: the background sync lists what staff opened,
//! an answer is checked (the problem names its question), saved and counted, and the
//! announcements are listed urgent first; refusals arrive as `{code, messageKey}`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use city_api::Keys;
use city_api::local::LocalServer;
use common::invoke;
use serde_json::{Value, json};

const STAFF_KEY: &str = "voice-staff";
static KEYS: AtomicU64 = AtomicU64::new(1);

async fn staff(url: &str, path: &str, body: Value) -> Value {
    let res = reqwest::Client::new()
        .post(format!("{url}/api/v1/staff/{path}"))
        .header("X-Staff-Key", STAFF_KEY)
        .header(
            "Idempotency-Key",
            format!("staff-{}", KEYS.fetch_add(1, Ordering::SeqCst)),
        )
        .json(&body)
        .send()
        .await
        .expect("staff");
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.expect("json")
}

/// Asks `cmd` until `done` says its answer is the awaited one (the sync runs in the background).
fn wait_for(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let start = Instant::now();
    loop {
        let answer = invoke(webview, cmd, args.clone()).expect(cmd);
        if done(&answer) {
            return answer;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{cmd}: {answer}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn surveys_and_announcements_over_ipc() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let now = chrono::Utc::now();
    let (city, id) = rt.block_on(async {
        let keys = Keys {
            api_keys: vec![core_engine::engine::DEMO_API_KEY.into()],
            staff_key: Some(STAFF_KEY.into()),
        };
        let city = LocalServer::start(&dir.path().join("city.db"), keys)
            .await
            .expect("city");
        let survey = staff(
            &city.url,
            "surveys",
            json!({
                "title": {"vi": "Nước sạch", "en": "Clean water"},
                "questions": [
                    {"prompt": {"vi": "Nước có đục không?", "en": "Is the water cloudy?"},
                     "required": true,
                     "kind": {"type": "single_choice", "choices": [{"vi": "Có", "en": "Yes"}, {"vi": "Không", "en": "No"}]}},
                    {"prompt": {"vi": "Góp ý", "en": "Comments"}, "required": false,
                     "kind": {"type": "short_text", "max_chars": 10}}
                ],
                "opens_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
                "closes_at": (now + chrono::Duration::days(1)).to_rfc3339(),
                "audience": {"kind": "city"},
                "edits_allowed": false,
            }),
        )
        .await;
        let id = survey["id"].as_i64().expect("id");
        staff(&city.url, &format!("surveys/{id}/state"), json!({"state": "open"})).await;
        staff(
            &city.url,
            "announcements",
            json!({
                "title": {"vi": "Cúp nước", "en": "Water cut"}, "body": {"vi": "Hôm nay", "en": "Today"},
                "audience": {"kind": "city"}, "urgency": "urgent",
                "valid_from": (now - chrono::Duration::hours(1)).to_rfc3339(),
                "valid_until": (now + chrono::Duration::hours(5)).to_rfc3339(),
            }),
        )
        .await;
        (city, id)
    });
    // SAFETY: set before any thread of this test binary reads the environment; one test here.
    unsafe {
        std::env::set_var("XDG_DATA_HOME", dir.path().join("app"));
        std::env::set_var("CITIZEN_API_URL", &city.url);
    }
    let (_app, webview) = common::open();

    let list = wait_for(&webview, "voice_surveys", json!({}), |l| {
        l["surveys"].as_array().is_some_and(|s| !s.is_empty())
    });
    assert_eq!(list["surveys"][0]["id"], id);
    assert_eq!(list["surveys"][0]["answer"], json!({"state": "not_yet"}));
    assert_eq!(list["noWard"], true);

    let err = invoke(&webview, "voice_survey", json!({"id": 999})).expect_err("unknown");
    assert_eq!(
        err,
        json!({"code": "unknown_survey", "messageKey": "error.unknown_survey"})
    );
    let draft = json!({"args": {"id": id, "responses": [null, {"type": "text", "value": "đục"}]}});
    invoke(&webview, "voice_save_answer_draft", draft).expect("draft kept");
    let detail = invoke(&webview, "voice_survey", json!({"id": id})).expect("detail");
    assert_eq!(
        detail["responses"][1],
        json!({"type": "text", "value": "đục"})
    );
    assert_eq!(detail["canAnswer"], true);

    let problem = invoke(
        &webview,
        "voice_answer_survey",
        json!({"args": {"id": id, "responses": [null, {"type": "text", "value": "quá dài quá dài"}]}}),
    )
    .expect("checked");
    // Every question's problem, in order.
    assert_eq!(problem["outcome"], "problems");
    assert_eq!(
        problem["problems"],
        json!([
            {"question": 1, "messageKey": "reason.missing"},
            {"question": 2, "messageKey": "reason.too_long"}
        ])
    );
    let problem = invoke(
        &webview,
        "voice_answer_survey",
        json!({"args": {"id": id, "responses": [{"type": "choice", "value": 2}, {"type": "text", "value": "quá dài quá dài"}]}}),
    )
    .expect("checked");
    assert_eq!(
        problem["problems"],
        json!([{"question": 2, "messageKey": "reason.too_long"}])
    );

    let saved = invoke(
        &webview,
        "voice_answer_survey",
        json!({"args": {"id": id, "responses": [{"type": "choice", "value": 1}, null]}}),
    )
    .expect("saved");
    assert_eq!(saved["outcome"], "saved");
    let counted = wait_for(&webview, "voice_survey", json!({"id": id}), |d| {
        d["answer"]["state"] == "counted"
    });
    assert!(counted["answer"]["at"].as_str().is_some());
    assert_eq!(counted["canAnswer"], false);
    let answers: i64 = city
        .db
        .with(|c| c.query_row("SELECT COUNT(*) FROM survey_answers", [], |r| r.get(0)))
        .expect("count");
    assert_eq!(answers, 1);
    let err = invoke(
        &webview,
        "voice_answer_survey",
        json!({"args": {"id": id, "responses": [{"type": "choice", "value": 2}, null]}}),
    )
    .expect_err("no change allowed");
    assert_eq!(err["code"], "survey_closed");

    let news = wait_for(&webview, "voice_announcements", json!({}), |a| {
        a["announcements"].as_array().is_some_and(|l| !l.is_empty())
    });
    assert_eq!(news["announcements"][0]["title"]["vi"], "Cúp nước");
    assert_eq!(news["announcements"][0]["urgency"], "urgent");
    // Unopened, it is counted on the home screen; opened, it is not.
    let status = invoke(&webview, "app_status", json!({})).expect("status");
    assert_eq!(status["news"]["urgent"], 1);
    let id = news["announcements"][0]["id"].clone();
    let opened = invoke(&webview, "voice_open_announcement", json!({"id": id})).expect("open");
    assert_eq!(opened["announcement"]["id"], id);
    assert_eq!(opened["urgentUnread"], 0);
    let status = invoke(&webview, "app_status", json!({})).expect("status");
    assert_eq!(status["news"]["urgent"], 0);
    drop(rt);
}
