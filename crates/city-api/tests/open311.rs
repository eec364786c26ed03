//! Open311 GeoReport v2 and its extensions, over real sockets and a real SQLite file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{API_KEY, OWNER_KEY, TestServer, json, photo, report_form};
use image::ImageFormat;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

#[tokio::test]
async fn services_in_both_languages_with_their_questions() {
    let s = TestServer::start().await;
    let (st, vi) = json(
        s.get("/open311/v2/services.json")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let list = vi.as_array().expect("array");
    // The 18 fields of 1022 and the "I don't know" choice the centre sorts.
    assert_eq!(list.len(), 19);
    assert_eq!(list[0]["service_code"], "giao-thong");
    assert_eq!(list[0]["service_name"], "Giao thông");
    assert_eq!(list[0]["type"], "realtime");
    assert_eq!(list[0]["metadata"], true);
    let (_, en) = json(
        s.get("/open311/v2/services.json?jurisdiction_id=hochiminhcity.gov.vn")
            .header("Accept-Language", "en-GB,en;q=0.9")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(en[0]["service_name"], "Traffic and roads");
    let (st, def) = json(
        s.get("/open311/v2/services/thoat-nuoc.json?locale=en")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(def["service_code"], "thoat-nuoc");
    assert_eq!(def["attributes"][0]["code"], "kind");
    assert_eq!(def["attributes"][0]["datatype"], "singlevaluelist");
    assert_eq!(def["attributes"][0]["values"][0]["name"], "Flooding");
    let (st, err) = json(
        s.get("/open311/v2/services.json?jurisdiction_id=hanoi.gov.vn")
            .send()
            .await
            .expect("send"),
    )
    .await;
    // GeoReport v2, Errors: "404 - jurisdiction_id provided was not found".
    common::assert_refused(st, &err, StatusCode::NOT_FOUND, "unknown_jurisdiction");
    let (st, _) = json(
        s.get("/open311/v2/services/nope.json")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_stock_client_files_and_reads_a_report_without_personal_data_leaking() {
    let s = TestServer::start().await;
    let mut form = report_form();
    form.push(("email", "an.nguyen@example.vn"));
    form.push(("phone", "0909 123 456"));
    form.push(("first_name", "An"));
    // Without the citizen's consent, contact details are refused and nothing is stored.
    let before = s.snapshot();
    let (st, err) = json(
        s.post("/open311/v2/requests.json")
            .form(&form)
            .send()
            .await
            .expect("send"),
    )
    .await;
    common::assert_refused(st, &err, StatusCode::BAD_REQUEST, "consent_missing");
    assert_eq!(err[0]["field"], "consent_version");
    assert_eq!(s.snapshot(), before);
    form.push(("consent_version", "1"));
    form.push(("consent_at", "2026-12-07T08:00:00+07:00"));
    let (st, posted) = json(
        s.post("/open311/v2/requests.json")
            .form(&form)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{posted}");
    let id = posted[0]["service_request_id"].as_str().expect("string id");
    // Filed at once: the id, and no token ("should not be returned if" the id is).
    assert!(posted[0].get("token").is_none(), "{posted}");
    assert!(posted[0]["service_notice"].as_str().is_some());

    let (_, one) = json(
        s.get(&format!("/open311/v2/requests/{id}.json"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    let r = &one[0];
    assert_eq!(r["service_request_id"], id);
    assert_eq!(r["status"], "open");
    assert_eq!(r["detailed_status"], "received");
    assert_eq!(r["service_name"], "Thoát nước – ngập");
    assert_eq!(r["address_id"], "26743", "ward found from the point");
    assert!(
        r["requested_datetime"]
            .as_str()
            .is_some_and(|t| t.ends_with("+07:00"))
    );
    // Five of Vietnam's working days after it, where the calendar knows them; else omitted.
    let time = |v: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().expect("a time"))
            .expect("w3 time")
            .with_timezone(&chrono::Utc)
    };
    let due = city_api::calendar::after(
        city_api::calendar::bundled(),
        time(&r["requested_datetime"]),
        5,
    );
    match due {
        Some(due) => assert_eq!(time(&r["expected_datetime"]), due),
        None => assert!(r.get("expected_datetime").is_none(), "{r}"),
    }
    let text = one.to_string();
    for private in ["an.nguyen", "0909", "\"An\"", OWNER_KEY, "consent"] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
    // The consent is kept next to the contact details it allowed.
    let kept: (Option<i64>, Option<String>, String) =
        s.db.with(|c| {
            c.query_row(
                "SELECT consent_version, consent_at, contact FROM requests WHERE id = ?1",
                [id.parse::<i64>().expect("numeric id")],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
        })
        .expect("row");
    assert_eq!(kept.0, Some(1));
    assert_eq!(kept.1.as_deref(), Some("2026-12-07T01:00:00Z"));
    assert!(kept.2.contains("an.nguyen@example.vn"));
    assert!(
        r.get("status_notes").is_none(),
        "absent fields are omitted, not empty"
    );
    // Public: the ward's name stands for the address (the street address is the staff's).
    assert_eq!(r["address"], "Phường Bến Thành");

    let (_, list) = json(
        s.get("/open311/v2/requests.json?status=open&service_code=thoat-nuoc")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (_, none) = json(
        s.get("/open311/v2/requests.json?status=closed")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(none.as_array().map(Vec::len), Some(0));
    let (_, by_id) = json(
        s.get(&format!(
            "/open311/v2/requests.json?service_request_id={id},424242"
        ))
        .send()
        .await
        .expect("send"),
    )
    .await;
    assert_eq!(by_id.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn api_key_is_required_to_post() {
    let s = TestServer::start().await;
    let before = s.snapshot();
    for (key, reason) in [
        (None, "missing_api_key"),
        (Some("wrong"), "invalid_api_key"),
    ] {
        let mut form: Vec<(&str, &str)> = report_form()
            .into_iter()
            .filter(|(k, _)| *k != "api_key")
            .collect();
        if let Some(k) = key {
            form.push(("api_key", k));
        }
        let (st, err) = json(
            s.post("/open311/v2/requests.json")
                .form(&form)
                .send()
                .await
                .expect("send"),
        )
        .await;
        common::assert_refused(st, &err, StatusCode::FORBIDDEN, reason);
    }
    assert_eq!(s.snapshot(), before);
}

#[tokio::test]
async fn idempotency_key_replays_refuses_reuse_and_in_flight() {
    let s = TestServer::start().await;
    let first = s.file_report(Some("key-1")).await;
    let resp = s
        .post("/open311/v2/requests.json")
        .header("Idempotency-Key", "key-1")
        .form(&report_form())
        .send()
        .await
        .expect("send");
    assert_eq!(resp.headers()["idempotent-replayed"], "true");
    let (st, again) = json(resp).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(again[0]["service_request_id"], first.as_str());

    let mut other = report_form();
    other.retain(|(k, _)| *k != "description");
    other.push(("description", "Một phản ánh khác"));
    let (st, err) = json(
        s.post("/open311/v2/requests.json")
            .header("Idempotency-Key", "key-1")
            .form(&other)
            .send()
            .await
            .expect("send"),
    )
    .await;
    common::assert_refused(
        st,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );

    let guard = s.state.begin("key-2").expect("not in flight");
    let (st, err) = json(
        s.post("/open311/v2/requests.json")
            .header("Idempotency-Key", "key-2")
            .form(&report_form())
            .send()
            .await
            .expect("send"),
    )
    .await;
    common::assert_refused(st, &err, StatusCode::CONFLICT, "request_in_flight");
    drop(guard);
    let second = s.file_report(Some("key-2")).await;
    assert_ne!(first, second);
    let (_, all) = json(
        s.get("/open311/v2/requests.json")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(all.as_array().map(Vec::len), Some(2), "no duplicates");
}

#[tokio::test]
async fn incremental_sync_pages_by_cursor() {
    let s = TestServer::start().await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(s.file_report(None).await);
    }
    let mut cursor = "0".to_owned();
    let mut seen = Vec::new();
    for _ in 0..10 {
        let resp = s
            .get(&format!(
                "/open311/v2/requests.json?cursor={cursor}&page_size=2"
            ))
            .send()
            .await
            .expect("send");
        cursor = resp.headers()["x-next-cursor"]
            .to_str()
            .expect("cursor")
            .to_owned();
        let (_, page) = json(resp).await;
        let page = page.as_array().expect("array").clone();
        if page.is_empty() {
            break;
        }
        seen.extend(
            page.iter()
                .map(|r| r["service_request_id"].as_str().expect("id").to_owned()),
        );
    }
    assert_eq!(seen, ids);
    // A change moves the report past the cursor.
    assert_eq!(s.staff(&ids[1], "assigned").await.status(), StatusCode::OK);
    let (_, changed) = json(
        s.get(&format!("/open311/v2/requests.json?cursor={cursor}"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(changed[0]["service_request_id"], ids[1].as_str());
    assert_eq!(changed[0]["detailed_status"], "assigned");
}

#[tokio::test]
async fn staff_resolve_citizen_says_not_fixed_within_the_window_then_rates() {
    let s = TestServer::start().await;
    let id = s.file_report(None).await;
    assert_eq!(s.staff(&id, "closed").await.status(), StatusCode::CONFLICT);
    let forged = s
        .post(&format!("/api/v1/staff/requests/{id}/status"))
        .header("X-Staff-Key", "guess")
        .json(&serde_json::json!({ "status": "resolved" }))
        .send()
        .await
        .expect("send");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    for status in ["assigned", "in_progress", "resolved"] {
        assert_eq!(s.staff(&id, status).await.status(), StatusCode::OK);
    }
    let reopen = |owner: &'static str, key: &'static str| {
        s.post(&format!("/open311/v2/requests/{id}/reopen.json"))
            .header("Idempotency-Key", key)
            .form(&[
                ("api_key", API_KEY),
                ("owner_key", owner),
                ("description", "Vẫn còn ngập"),
            ])
            .send()
    };
    // Another key (well-formed, not this report's) is refused.
    let (st, err) = json(
        reopen("BgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgYGBgY", "r0")
            .await
            .expect("send"),
    )
    .await;
    common::assert_refused(st, &err, StatusCode::FORBIDDEN, "not_owner");
    let (st, r) = json(reopen(OWNER_KEY, "r1").await.expect("send")).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r[0]["detailed_status"], "reopened");
    assert_eq!(r[0]["status"], "open");
    let (st, _) = json(reopen(OWNER_KEY, "r1").await.expect("send")).await;
    assert_eq!(
        st,
        StatusCode::OK,
        "a replay answers again, changes nothing"
    );
    let (_, events) = json(
        s.get(&format!("/open311/v2/requests/{id}/events.json"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    let steps: Vec<&str> = events
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["status"].as_str().expect("status"))
        .collect();
    assert_eq!(
        steps,
        [
            "received",
            "assigned",
            "in_progress",
            "resolved",
            "reopened"
        ]
    );
    assert_eq!(events[4]["actor"], "citizen");
    assert_eq!(events[4]["note"], "Vẫn còn ngập");

    // Resolved again; 31 days later the window has passed.
    assert_eq!(s.staff(&id, "resolved").await.status(), StatusCode::OK);
    s.state.clock.advance(chrono::Duration::days(31));
    let (st, err) = json(reopen(OWNER_KEY, "r2").await.expect("send")).await;
    common::assert_refused(st, &err, StatusCode::CONFLICT, "reopen_window_passed");

    let rate = |key: &'static str| {
        s.post(&format!("/open311/v2/requests/{id}/rating.json"))
            .header("Idempotency-Key", key)
            .form(&[
                ("api_key", API_KEY),
                ("owner_key", OWNER_KEY),
                ("satisfaction", "satisfied"),
            ])
            .send()
    };
    let (st, r) = json(rate("g1").await.expect("send")).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r[0]["rating"], "satisfied");
    let (st, err) = json(rate("g2").await.expect("send")).await;
    common::assert_refused(st, &err, StatusCode::CONFLICT, "already_rated");
}

#[tokio::test]
async fn me_too_counts_each_verified_device_once_and_not_the_filer() {
    let s = TestServer::start().await;
    let filer = s.register().await;
    // A named report, signed: linked to its device, which cannot then "me too" it.
    let resp = s
        .signed(
            &filer,
            "/open311/v2/requests.json",
            &report_form(),
            "filed-1",
        )
        .send()
        .await
        .expect("send");
    let (st, posted) = json(resp).await;
    assert_eq!(st, StatusCode::OK, "{posted}");
    let id = posted[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let path = format!("/open311/v2/requests/{id}/supporters.json");
    let form = [("api_key", API_KEY)];
    let support = |device: &model::trust::DeviceCredential, key: &'static str| {
        s.signed(device, &path, &form, key).send()
    };
    let (st, err) = json(support(&filer, "m0").await.expect("send")).await;
    common::assert_refused(st, &err, StatusCode::CONFLICT, "own_report");
    // Unsigned, or naming a device in the form as before: refused, nothing counted.
    let (st, err) = json(s.post(&path).form(&form).send().await.expect("send")).await;
    common::assert_refused(st, &err, StatusCode::UNAUTHORIZED, "unsigned");
    let (st, err) = json(
        s.post(&path)
            .form(&[("api_key", API_KEY), ("device_id", "neighbour-device-01")])
            .send()
            .await
            .expect("send"),
    )
    .await;
    common::assert_refused(st, &err, StatusCode::BAD_REQUEST, "unknown_field");
    let (one, two) = (s.register().await, s.register().await);
    let (st, r) = json(support(&one, "m1").await.expect("send")).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r[0]["supporters"], 1);
    // The same device again (a new key, so not a replay) is still one supporter.
    let (st, r) = json(support(&one, "m2").await.expect("send")).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r[0]["supporters"], 1);
    let (_, r) = json(support(&two, "m3").await.expect("send")).await;
    assert_eq!(r[0]["supporters"], 2);
    // Everyone sees the count; nobody sees who.
    let (_, one_report) = json(
        s.get(&format!("/open311/v2/requests/{id}.json"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(one_report[0]["supporters"], 2);
    assert!(!one_report.to_string().contains(one.id.as_str()));
    // A closed report takes no more.
    for status in ["assigned", "in_progress", "resolved", "closed"] {
        assert_eq!(s.staff(&id, status).await.status(), StatusCode::OK);
    }
    let three = s.register().await;
    let (st, err) = json(support(&three, "m4").await.expect("send")).await;
    common::assert_refused(st, &err, StatusCode::CONFLICT, "closed");
}

fn upload(
    s: &TestServer,
    id: &str,
    bytes: Vec<u8>,
    name: &str,
    mime: &str,
) -> reqwest::RequestBuilder {
    let part = Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .expect("mime");
    let form = Form::new()
        .text("api_key", API_KEY)
        .text("owner_key", OWNER_KEY)
        .part("media", part);
    s.post(&format!("/open311/v2/requests/{id}/media.json"))
        .multipart(form)
}

/// The advertised limit is reachable: a photo of just under 2 MiB, which with the multipart
/// framing makes a body over axum's own 2 MiB default, is taken (it was a 413 before).
#[tokio::test]
async fn a_photo_of_almost_2_mib_is_taken() {
    let s = TestServer::start().await;
    let id = s.file_report(None).await;
    // A real JPEG, then bytes after its end marker up to the limit: decoders stop at the marker.
    let mut big = photo(ImageFormat::Jpeg);
    big.resize(model::feedback::MAX_PHOTO_BYTES - 16, 0);
    let (st, posted) = json(
        upload(&s, &id, big, "big.jpg", "image/jpeg")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{posted}");
    assert_eq!(posted["content_type"], "image/jpeg");
}

#[tokio::test]
async fn photos_are_checked_by_content_and_counted() {
    let s = TestServer::start().await;
    let id = s.file_report(None).await;
    let jpeg = photo(ImageFormat::Jpeg);
    let (st, posted) = json(
        upload(&s, &id, jpeg.clone(), "../../etc/passwd", "text/plain")
            .header("Idempotency-Key", "p1")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{posted}");
    assert_eq!(posted["content_type"], "image/jpeg");
    // A retry (new multipart boundary, same content) is a replay, not a second photo.
    let (st, again) = json(
        upload(&s, &id, jpeg.clone(), "x.jpg", "image/jpeg")
            .header("Idempotency-Key", "p1")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(again["media_id"], posted["media_id"]);
    let url = posted["media_url"].as_str().expect("url");
    let got = common::client().get(url).send().await.expect("send");
    assert_eq!(got.headers()["content-type"], "image/jpeg");
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert_eq!(got.bytes().await.expect("bytes").as_ref(), jpeg.as_slice());

    let (st, err) = json(
        upload(
            &s,
            &id,
            b"<script>alert(1)</script>".to_vec(),
            "photo.jpg",
            "image/jpeg",
        )
        .send()
        .await
        .expect("send"),
    )
    .await;
    common::assert_refused(st, &err, StatusCode::BAD_REQUEST, "not_an_image");
    let big = vec![0xFF_u8; model::feedback::MAX_PHOTO_BYTES + 10];
    let (st, err) = json(
        upload(&s, &id, big, "big.jpg", "image/jpeg")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(err[0]["code"], 413);

    for _ in 0..4 {
        let (st, _) = json(
            upload(&s, &id, photo(ImageFormat::Png), "p.png", "image/png")
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(st, StatusCode::OK);
    }
    let (st, err) = json(
        upload(&s, &id, photo(ImageFormat::Png), "p.png", "image/png")
            .send()
            .await
            .expect("send"),
    )
    .await;
    common::assert_refused(st, &err, StatusCode::CONFLICT, "too_many_photos");
    let (_, one) = json(
        s.get(&format!("/open311/v2/requests/{id}.json"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(one[0]["media_urls"].as_array().map(Vec::len), Some(5));
    assert_eq!(one[0]["media_url"], url);
}
