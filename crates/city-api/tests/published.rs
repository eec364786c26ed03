//! What the city publishes and what it keeps (issue 13): public answers carry a coarse place and
//! no street address, the staff route the exact one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{API_KEY, STAFF_KEY, TestServer, json, report_form};
use reqwest::StatusCode;
use serde_json::Value;

/// The report's exact point and the street address the citizen typed.
const LAT: f64 = 10.7713;
const LONG: f64 = 106.694;
const STREET: &str = "12 Lê Lợi, trước cửa nhà số 12";

async fn file_with_address(s: &TestServer) -> String {
    let mut form = report_form();
    form.push(("address_string", STREET));
    let (st, body) = json(
        s.post("/open311/v2/requests.json")
            .form(&form)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Every report in a public answer: coarse point (not the exact one, within ~160 m of it), the
/// ward's name instead of the street address, the ward code kept.
#[track_caller]
fn assert_public(what: &str, reports: &Value) {
    let reports = reports.as_array().expect("a list");
    assert!(!reports.is_empty(), "{what}: no report");
    for r in reports {
        let text = r.to_string();
        assert!(!text.contains("Lê Lợi"), "{what}: street address in {text}");
        let (lat, long) = (
            r["lat"].as_f64().expect("lat"),
            r["long"].as_f64().expect("long"),
        );
        assert!(
            (lat, long) != (LAT, LONG),
            "{what}: the exact point is public: {text}"
        );
        // ~111 km per degree of latitude, ~109 km per degree of longitude in HCMC.
        let off_m = ((lat - LAT) * 111_000.0).hypot((long - LONG) * 109_000.0);
        assert!(off_m < 160.0, "{what}: {off_m} m off");
        assert_eq!((lat, long), (10.771, 106.695), "{what}: the cell's centre");
        assert_eq!(r["address_id"], "26743", "{what}: {text}");
        assert_eq!(r["address"], "Phường Bến Thành", "{what}: {text}");
    }
}

#[tokio::test]
async fn public_answers_never_carry_the_exact_point_and_the_staff_one_does() {
    let s = TestServer::start().await;
    let id = file_with_address(&s).await;
    // Every route that serves a report to anyone.
    for path in [
        "/open311/v2/requests.json".to_owned(),
        format!("/open311/v2/requests/{id}.json"),
        format!("/open311/v2/requests.json?service_request_id={id}&cursor=0"),
        "/open311/v2/requests.json?ward_code=26743".to_owned(),
        "/open311/v2/requests.json?cursor=0".to_owned(),
        format!("/open311/v2/requests.json?updated_after=2020-01-01&service_request_id={id}"),
    ] {
        let (st, body) = json(s.get(&path).send().await.expect("send")).await;
        assert_eq!(st, StatusCode::OK, "{path}: {body}");
        assert_public(&path, &body);
    }
    // "Me too" answers the supporter, another citizen, with the report.
    let (st, body) = json(
        s.post(&format!("/open311/v2/requests/{id}/supporters.json"))
            .form(&[("api_key", API_KEY), ("device_id", "another-device-0002")])
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_public("me too", &body);

    // The back office sees the exact place: in its read and in a move's answer.
    let (st, body) = json(
        s.get(&format!("/api/v1/staff/requests/{id}"))
            .header("X-Staff-Key", STAFF_KEY)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(
        (body[0]["lat"].as_f64(), body[0]["long"].as_f64()),
        (Some(LAT), Some(LONG))
    );
    assert_eq!(body[0]["address"], STREET);
    let (st, body) = json(s.staff(&id, "assigned").await).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body[0]["lat"].as_f64(), Some(LAT));
    assert_eq!(body[0]["address"], STREET);
    // Without the key, nothing.
    for key in [None, Some("guess")] {
        let mut req = s.get(&format!("/api/v1/staff/requests/{id}"));
        if let Some(k) = key {
            req = req.header("X-Staff-Key", k);
        }
        let (st, body) = json(req.send().await.expect("send")).await;
        common::assert_refused(st, &body, StatusCode::FORBIDDEN, "invalid_staff_key");
    }
}
