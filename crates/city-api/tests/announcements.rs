//! The city's announcements against the real server on 127.0.0.1:0 (issue 15): listed per
//! ward (the city's and that ward's), urgent first, in their time only, gone once withdrawn;
//! the list's ETag answers 304 while nothing changed and changes when something does.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{STAFF_KEY, TestServer, assert_refused, json};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A change to a good body.
type Change = Box<dyn Fn(&mut Value)>;

const WARD: &str = "26743";
const OTHER_WARD: &str = "26737";

fn at(s: &TestServer, hours: i64) -> String {
    (s.state.clock.now() + chrono::Duration::hours(hours))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn spec(
    s: &TestServer,
    title: &str,
    audience: Value,
    urgency: &str,
    from: i64,
    until: i64,
) -> Value {
    json!({
        "title": {"vi": title, "en": title},
        "body": {"vi": "Tạm ngưng cấp nước từ 8 giờ đến 16 giờ.", "en": "No water from 8:00 to 16:00."},
        "audience": audience,
        "urgency": urgency,
        "valid_from": at(s, from),
        "valid_until": at(s, until),
    })
}

async fn publish(s: &TestServer, spec: &Value) -> i64 {
    let (status, body) = json(
        s.post("/api/v1/staff/announcements")
            .header("X-Staff-Key", STAFF_KEY)
            .json(spec)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["withdrawn"], false);
    body["id"].as_i64().expect("id")
}

/// The ids listed for `query`, in order, and the ETag.
async fn listed(s: &TestServer, query: &str) -> (Vec<i64>, String, Value) {
    let resp = s
        .get(&format!("/api/v1/announcements{query}"))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let etag = resp.headers()["etag"].to_str().expect("etag").to_owned();
    let body: Value = resp.json().await.expect("json");
    let ids = body["announcements"]
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["id"].as_i64().expect("id"))
        .collect();
    (ids, etag, body)
}

async fn status_with(s: &TestServer, query: &str, etag: &str) -> StatusCode {
    s.get(&format!("/api/v1/announcements{query}"))
        .header("If-None-Match", etag)
        .send()
        .await
        .expect("send")
        .status()
}

#[tokio::test]
async fn each_ward_sees_the_citys_and_its_own_urgent_first_in_their_time() {
    let s = TestServer::start().await;
    let ward = json!({"kind": "wards", "wards": [WARD]});
    let city_normal = publish(
        &s,
        &spec(
            &s,
            "Ngày tiêm chủng",
            json!({"kind": "city"}),
            "normal",
            -1,
            48,
        ),
    )
    .await;
    let ward_urgent = publish(
        &s,
        &spec(&s, "Cúp nước khẩn", ward.clone(), "urgent", -1, 8),
    )
    .await;
    let ward_normal = publish(&s, &spec(&s, "Giờ làm việc", ward.clone(), "normal", 0, 24)).await;
    let later = publish(
        &s,
        &spec(&s, "Ngập sắp tới", json!({"kind": "city"}), "urgent", 2, 6),
    )
    .await;
    let _expired = publish(
        &s,
        &spec(&s, "Đã qua", json!({"kind": "city"}), "urgent", -10, -1),
    )
    .await;

    let (ids, _, body) = listed(&s, &format!("?ward={WARD}")).await;
    assert_eq!(
        ids,
        [ward_urgent, ward_normal, city_normal],
        "urgent first, then the newest"
    );
    assert_eq!(body["announcements"][0]["urgency"], "urgent");
    assert_eq!(body["announcements"][0]["title"]["vi"], "Cúp nước khẩn");
    let (ids, _, _) = listed(&s, &format!("?ward={OTHER_WARD}")).await;
    assert_eq!(ids, [city_normal]);
    let (ids, _, _) = listed(&s, "").await;
    assert_eq!(ids, [city_normal], "without a ward: the city's only");
    let (ids, _, _) = listed(&s, "?ward=").await;
    assert_eq!(ids, [city_normal], "an empty ward reads as none");

    // In three hours the coming flood warning is shown; in ten, the ward's water cut is over.
    s.state.clock.advance(chrono::Duration::hours(3));
    let (ids, _, _) = listed(&s, &format!("?ward={WARD}")).await;
    assert_eq!(ids, [later, ward_urgent, ward_normal, city_normal]);
    s.state.clock.advance(chrono::Duration::hours(7));
    let (ids, _, _) = listed(&s, &format!("?ward={WARD}")).await;
    assert_eq!(ids, [ward_normal, city_normal]);

    let (status, b) = json(
        s.get("/api/v1/announcements?ward=00000")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_refused(status, &b, StatusCode::NOT_FOUND, "unknown_ward");
    let (status, b) = json(
        s.get("/api/v1/announcements?ward=2674")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_refused(status, &b, StatusCode::BAD_REQUEST, "invalid_ward_code");
}

#[tokio::test]
async fn the_etag_holds_while_nothing_changes_and_moves_when_something_does() {
    let s = TestServer::start().await;
    let query = format!("?ward={WARD}");
    let first = publish(
        &s,
        &spec(&s, "Thông báo 1", json!({"kind": "city"}), "normal", -1, 24),
    )
    .await;
    let (ids, etag, _) = listed(&s, &query).await;
    assert_eq!(ids, [first]);
    assert_eq!(
        status_with(&s, &query, &etag).await,
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        status_with(&s, &query, &format!("W/{etag}")).await,
        StatusCode::NOT_MODIFIED
    );
    // Another ward's news does not change this ward's list.
    publish(
        &s,
        &spec(
            &s,
            "Phường khác",
            json!({"kind": "wards", "wards": [OTHER_WARD]}),
            "urgent",
            -1,
            24,
        ),
    )
    .await;
    assert_eq!(
        status_with(&s, &query, &etag).await,
        StatusCode::NOT_MODIFIED
    );
    // A new one for this ward does.
    let second = publish(
        &s,
        &spec(
            &s,
            "Thông báo 2",
            json!({"kind": "wards", "wards": [WARD]}),
            "urgent",
            -1,
            24,
        ),
    )
    .await;
    assert_eq!(status_with(&s, &query, &etag).await, StatusCode::OK);
    let (ids, etag2, _) = listed(&s, &query).await;
    assert_eq!(ids, [second, first]);
    assert_ne!(etag, etag2);
    // Withdrawn: gone from the list, and the tag moves again.
    let (status, body) = json(
        s.post(&format!("/api/v1/staff/announcements/{second}/withdraw"))
            .header("X-Staff-Key", STAFF_KEY)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["withdrawn"], true);
    assert_eq!(status_with(&s, &query, &etag2).await, StatusCode::OK);
    let (ids, etag3, _) = listed(&s, &query).await;
    assert_eq!(ids, [first]);
    assert_eq!(etag3, etag, "the same list, the same tag");
    // Withdrawing again answers the same; an unknown one is 404.
    let again = s
        .post(&format!("/api/v1/staff/announcements/{second}/withdraw"))
        .header("X-Staff-Key", STAFF_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    let (status, b) = json(
        s.post("/api/v1/staff/announcements/999/withdraw")
            .header("X-Staff-Key", STAFF_KEY)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_refused(status, &b, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn only_staff_publish_and_a_bad_announcement_names_its_field() {
    let s = TestServer::start().await;
    let good = spec(&s, "Thông báo", json!({"kind": "city"}), "normal", 0, 24);
    let (status, b) = json(
        s.post("/api/v1/staff/announcements")
            .json(&good)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_refused(status, &b, StatusCode::FORBIDDEN, "invalid_staff_key");
    let (status, b) = json(
        s.post("/api/v1/staff/announcements/1/withdraw")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_refused(status, &b, StatusCode::FORBIDDEN, "invalid_staff_key");
    let cases: Vec<(Change, &str, &str)> = vec![
        (
            Box::new(|v| v["valid_until"] = v["valid_from"].clone()),
            "invalid_window",
            "valid_until",
        ),
        (
            Box::new(|v| v["body"]["en"] = "".into()),
            "missing",
            "body.en",
        ),
        (
            Box::new(|v| v["title"]["vi"] = "á".repeat(201).into()),
            "too_long",
            "title.vi",
        ),
        (
            Box::new(|v| v["audience"] = json!({"kind": "wards", "wards": []})),
            "invalid",
            "audience.wards",
        ),
    ];
    for (change, reason, field) in cases {
        let mut v = good.clone();
        change(&mut v);
        let (status, b) = json(
            s.post("/api/v1/staff/announcements")
                .header("X-Staff-Key", STAFF_KEY)
                .json(&v)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_refused(status, &b, StatusCode::BAD_REQUEST, reason);
        assert_eq!(b[0]["field"], field, "{b}");
    }
    let mut v = good.clone();
    v["urgency"] = "critical".into();
    let (status, b) = json(
        s.post("/api/v1/staff/announcements")
            .header("X-Staff-Key", STAFF_KEY)
            .json(&v)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_refused(status, &b, StatusCode::BAD_REQUEST, "invalid_json");
    let (ids, _, _) = listed(&s, "").await;
    assert!(ids.is_empty(), "nothing bad was stored");
}

#[tokio::test]
async fn the_announcements_come_gzipped_to_a_client_that_takes_gzip() {
    let s = TestServer::start().await;
    publish(
        &s,
        &spec(&s, "Cúp nước", json!({"kind": "city"}), "urgent", -1, 5),
    )
    .await;
    common::check_codings(&s, &format!("/api/v1/announcements?ward={WARD}")).await;
}
