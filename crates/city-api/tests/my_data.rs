//! "Export my data" and "delete my data" at the city (issue 13, Law 91/2025/QH15 arts. 14–15):
//! `GET` / `DELETE /api/v1/devices/me`, signed, against the real server and its SQLite file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{API_KEY, TestServer, assert_refused, json, report_form};
use model::trust::my_data::{CityDeleted, CityHolds, MY_DEVICE_PATH};
use model::trust::signature::SignedRequest;
use model::trust::{ContentDigest, DeviceCredential};
use reqwest::{Method, StatusCode};

const MARKER_EMAIL: &str = "an.marker-7f3a@example.vn";
const MARKER_PHONE: &str = "0909 777 313";
const NEIGHBOUR_EMAIL: &str = "binh.neighbour@example.vn";

/// `method MY_DEVICE_PATH` signed by `device` under `key`, empty body.
fn me(
    s: &TestServer,
    device: &DeviceCredential,
    method: Method,
    key: &str,
) -> reqwest::RequestBuilder {
    let time = s.state.clock.now().timestamp();
    let sig = device.sign(&SignedRequest {
        method: method.as_str(),
        path_and_query: MY_DEVICE_PATH,
        time,
        idempotency_key: key,
        content: ContentDigest::of_body(&[]),
    });
    common::client()
        .request(method, format!("{}{MY_DEVICE_PATH}", s.url))
        .header("Idempotency-Key", key)
        .header("Citizen-Device", device.id.as_str())
        .header("Citizen-Time", time.to_string())
        .header("Citizen-Signature", sig)
}

/// A named report signed by `device`; its id.
async fn named_report(s: &TestServer, device: &DeviceCredential, key: &str) -> String {
    let mut form = report_form();
    form.extend([
        ("first_name", "An"),
        ("last_name", "Nguyễn"),
        ("email", MARKER_EMAIL),
        ("phone", MARKER_PHONE),
        ("consent_version", "3"),
        ("consent_at", "2026-12-07T08:00:00Z"),
    ]);
    if key.ends_with("-neighbour") {
        form.retain(|(k, _)| !matches!(*k, "email" | "phone"));
        form.push(("email", NEIGHBOUR_EMAIL));
    }
    let (st, body) = json(
        s.signed(device, "/open311/v2/requests.json", &form, key)
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

async fn me_too(s: &TestServer, device: &DeviceCredential, id: &str, key: &str) {
    let (st, body) = json(
        s.signed(
            device,
            &format!("/open311/v2/requests/{id}/supporters.json"),
            &[("api_key", API_KEY)],
            key,
        )
        .send()
        .await
        .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
}

async fn rate(s: &TestServer, device: &DeviceCredential, key: &str) -> StatusCode {
    let form = [
        ("api_key", API_KEY),
        ("access", "satisfied"),
        ("procedures", "satisfied"),
        ("officials", "satisfied"),
        ("result", "satisfied"),
        ("feedback", "satisfied"),
    ];
    s.signed(device, "/api/v1/wards/26743/ratings", &form, key)
        .send()
        .await
        .expect("send")
        .status()
}

/// The database's file and write-ahead log hold `marker` somewhere.
fn files_hold(s: &TestServer, marker: &str) -> bool {
    std::fs::read_dir(s.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read(e.path()).ok())
        .any(|bytes| bytes.windows(marker.len()).any(|w| w == marker.as_bytes()))
}

#[tokio::test]
async fn a_device_reads_what_the_city_holds_for_it_and_nothing_of_others() {
    let s = TestServer::start().await;
    let device = s.register().await;
    let neighbour = s.register().await;
    let named = named_report(&s, &device, "named-1").await;
    let anonymous = s.file_report(Some("anon-1")).await;
    let theirs = named_report(&s, &neighbour, "named-2-neighbour").await;
    me_too(&s, &device, &theirs, "me-too-1").await;
    assert_eq!(rate(&s, &device, "rate-1").await, StatusCode::CREATED);

    let resp = me(&s, &device, Method::GET, "read-1")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let held: CityHolds = resp.json().await.expect("holds");
    assert_eq!(held.device_id, device.id.as_str());
    assert_eq!(
        held.reports.len(),
        1,
        "the anonymous report ({anonymous}) is linked to nobody"
    );
    let report = &held.reports[0];
    assert_eq!(report.service_request_id, named);
    assert_eq!(report.email.as_deref(), Some(MARKER_EMAIL));
    assert_eq!(report.phone.as_deref(), Some(MARKER_PHONE));
    assert_eq!(report.last_name.as_deref(), Some("Nguyễn"));
    assert_eq!(held.supported, vec![theirs]);
    assert_eq!(held.ward_ratings.len(), 1);
    assert_eq!(held.ward_ratings[0].ward_code, "26743");

    // A GET's answer is not stored under its key: it would keep a copy of the contact details.
    let stored: i64 =
        s.db.with(|c| {
            c.query_row(
                "SELECT count(*) FROM idempotency WHERE key = 'read-1'",
                [],
                |r| r.get(0),
            )
        })
        .expect("count");
    assert_eq!(stored, 0);
    // Unsigned, forged, or without a key: refused.
    let (st, body) = json(s.get(MY_DEVICE_PATH).send().await.expect("send")).await;
    assert_refused(st, &body, StatusCode::UNAUTHORIZED, "unsigned");
    let (st, body) = json(
        me(&s, &device, Method::GET, "read-2")
            .header("Citizen-Device", neighbour.id.as_str())
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_refused(st, &body, StatusCode::UNAUTHORIZED, "bad_signature");
}

#[tokio::test]
async fn a_deletion_removes_contacts_and_links_keeps_the_report_and_the_counts_and_replays() {
    let s = TestServer::start().await;
    let device = s.register().await;
    let neighbour = s.register().await;
    let named = named_report(&s, &device, "named-1").await;
    let theirs = named_report(&s, &neighbour, "named-2-neighbour").await;
    me_too(&s, &device, &theirs, "me-too-1").await;
    assert_eq!(rate(&s, &device, "rate-1").await, StatusCode::CREATED);
    assert!(files_hold(&s, MARKER_EMAIL), "the marker was written");

    let resp = me(&s, &device, Method::DELETE, "delete-1")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let done: CityDeleted = resp.json().await.expect("deleted");
    assert_eq!(
        done,
        CityDeleted {
            reports_unlinked: 1,
            contacts_removed: 1,
            supports_unlinked: 1,
            ratings_unlinked: 1,
            survey_answers_unlinked: 0,
        }
    );

    // The report stays public, without the citizen's details or any link to the device.
    let (st, public) = json(
        s.get(&format!("/open311/v2/requests/{named}.json"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{public}");
    let dump = s.snapshot();
    assert!(
        !dump.contains(MARKER_EMAIL),
        "no contact detail left: {dump}"
    );
    assert!(!dump.contains(MARKER_PHONE));
    assert!(
        !dump.contains(device.id.as_str()),
        "no row names the device any more"
    );
    assert!(
        !files_hold(&s, MARKER_EMAIL),
        "nor in the file's free space or its WAL"
    );
    // The neighbour's named report keeps its details: only the device's own were removed.
    assert!(dump.contains(NEIGHBOUR_EMAIL));
    // The counts stay: one "me too" on the neighbour's report, one rating of the ward.
    let (supporters, ratings): (i64, i64) =
        s.db.with(|c| {
            Ok::<_, rusqlite::Error>((
                c.query_row(
                    "SELECT count(*) FROM supporters WHERE request_id = ?1",
                    [theirs.parse::<i64>().expect("id")],
                    |r| r.get(0),
                )?,
                c.query_row("SELECT count(*) FROM ward_ratings", [], |r| r.get(0))?,
            ))
        })
        .expect("counts");
    assert_eq!((supporters, ratings), (1, 1));

    // The same request again: the first answer, though the device is gone.
    let again = me(&s, &device, Method::DELETE, "delete-1")
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<CityDeleted>().await.expect("deleted"), done);
    // Anything new it signs is refused: it must register again, as a new device.
    let (st, body) = json(
        me(&s, &device, Method::GET, "read-1")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_refused(st, &body, StatusCode::UNAUTHORIZED, "unknown_device");
    let (st, body) = json(
        me(&s, &device, Method::DELETE, "delete-2")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_refused(st, &body, StatusCode::UNAUTHORIZED, "unknown_device");
    assert_eq!(rate(&s, &device, "rate-2").await, StatusCode::UNAUTHORIZED);
}
