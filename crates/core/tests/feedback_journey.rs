//! The whole feedback journey through the engine, over real SQLite files and the real reference
//! server on 127.0.0.1:0: a draft kept across restarts, a photo shrunk and queued offline, sent
//! when the city is back, handled by staff (with a photo of the work), told as news, "not
//! fixed", rated; "is this yours?" and "me too"; a ward's public list kept for offline; a
//! refusal fixed in the form and resent.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use city_api::local::LocalServer;
use common::STAFF_KEY;
use core_engine::Engine;
use core_engine::sync::Quiet;
use model::draft::{Draft, Identity, PlaceMode, Step};
use model::feedback::PhotoPurpose;
use model::feedback::{RequestStatus, Satisfaction};
use model::report_dto::{Delivery, Nearby, Origin, SubmitAnswer};

fn photo_bytes(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

fn flood_draft() -> Draft {
    Draft {
        service_code: Some("thoat-nuoc".into()),
        answers: BTreeMap::from([("kind".into(), vec!["flood".into()])]),
        description: "Ngập sâu 40 cm trước chợ sau cơn mưa".into(),
        place_mode: PlaceMode::Address,
        ward_code: Some("26743".into()),
        address: "12 Lê Lợi".into(),
        identity: Identity::Anonymous,
        ..Draft::default()
    }
}

async fn staff(city: &LocalServer, id: &str, status: &str, note: &str) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/staff/requests/{id}/status", city.url))
        .header("X-Staff-Key", STAFF_KEY)
        .json(&serde_json::json!({"status": status, "note": note}))
        .send()
        .await
        .expect("staff");
    assert_eq!(res.status(), 200, "{status}");
}

async fn staff_photo(city: &LocalServer, id: &str) {
    let part = reqwest::multipart::Part::bytes(photo_bytes(64, 48))
        .file_name("done.jpg")
        .mime_str("image/jpeg")
        .expect("mime");
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/staff/requests/{id}/media", city.url))
        .header("X-Staff-Key", STAFF_KEY)
        .multipart(reqwest::multipart::Form::new().part("media", part))
        .send()
        .await
        .expect("staff photo");
    assert_eq!(res.status(), 200);
}

fn count(city: &LocalServer, sql: &str) -> i64 {
    city.db
        .with(|c| c.query_row(sql, [], |r| r.get::<_, i64>(0)))
        .expect("count")
}

async fn sync_until_sent(engine: &Engine) -> core_engine::engine::SyncOutcome {
    let mut last = None;
    for _ in 0..20 {
        engine.wake_outbox().expect("wake");
        let out = engine.sync(&Quiet).await.expect("sync");
        let counts = engine.outbox_counts().expect("counts");
        let done = counts.queued == 0 && counts.sending == 0;
        last = Some(out);
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last.expect("synced")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_offline_follow_it_to_resolution_and_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("app");

    // Offline (the city's address answers nothing yet): categories from the bundled catalogue,
    // a draft kept across a restart.
    let port = common::free_port();
    let api = format!("http://127.0.0.1:{port}/");
    let engine = common::engine_at(&app, &api);
    assert_eq!(engine.services().expect("services").services.len(), 19);
    assert_eq!(
        engine.search_services("ngap").expect("search").first(),
        Some(&"thoat-nuoc".to_owned())
    );
    let half = Draft {
        description: "Ngập".into(),
        ..Draft::default()
    };
    engine.save_draft(half.clone()).expect("save");
    drop(engine);
    let engine = common::engine_at(&app, &api);
    assert_eq!(
        engine.draft().expect("draft").draft,
        half,
        "survives a restart"
    );

    // Incomplete drafts say what is missing and where.
    let SubmitAnswer::Incomplete { problem } = engine.submit_draft().expect("submit") else {
        panic!("an incomplete draft was queued");
    };
    assert_eq!(problem.step, Step::Category);

    // Contact details are not kept for an anonymous report.
    engine
        .save_draft(Draft {
            phone: "0903123456".into(),
            ..flood_draft()
        })
        .expect("save");
    assert_eq!(engine.draft().expect("draft").draft.phone, "");

    // A photo: shrunk, kept with the draft; a non-photo refused with its own code.
    let added = engine
        .add_photo(PhotoPurpose::Report, None, &photo_bytes(2400, 1800))
        .expect("photo");
    assert!(added.thumb.starts_with("data:image/jpeg;base64,"));
    assert!(added.bytes <= core_engine::photo::TARGET_BYTES);
    let err = engine
        .add_photo(PhotoPurpose::Report, None, b"<html>not a photo</html>")
        .expect_err("refused");
    assert_eq!(err.code(), model::ErrorCode::NotAnImage);

    // Send while offline: saved and queued at once.
    let SubmitAnswer::Queued { report_id } = engine.submit_draft().expect("submit") else {
        panic!("a complete draft was refused");
    };
    assert_eq!(engine.draft().expect("draft").draft, Draft::default());
    assert!(engine.draft().expect("draft").photos.is_empty());
    let mine = engine.my_reports().expect("reports");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].delivery, Delivery::Queued { done: 0, total: 2 });
    let offline_round = engine.sync(&Quiet).await.expect("sync offline");
    assert_eq!(offline_round.round.sent.delivered, 0);
    assert_eq!(engine.outbox_counts().expect("counts").queued, 2);

    // The city comes up: it goes out by itself, photo too, and is not news to its sender.
    let city = common::city_on(dir.path(), port).await;
    let outcome = sync_until_sent(&engine).await;
    assert!(outcome.news.is_empty(), "{:?}", outcome.news);
    assert_eq!(count(&city, "SELECT count(*) FROM requests"), 1);
    assert_eq!(
        count(&city, "SELECT count(*) FROM media WHERE kind = 'report'"),
        1
    );
    let mine = engine.my_reports().expect("reports");
    assert_eq!(mine[0].delivery, Delivery::Sent);
    assert_eq!(mine[0].status, Some(RequestStatus::Received));
    let server_id = mine[0].server_id.clone().expect("server id");

    // Staff resolve it with a photo of the work: news, timeline and photo kept on the device.
    staff(&city, &server_id, "in_progress", "Đã cử đội thoát nước").await;
    staff(&city, &server_id, "resolved", "Đã nạo vét cống").await;
    staff_photo(&city, &server_id).await;
    let outcome = engine.sync(&Quiet).await.expect("sync");
    assert_eq!(outcome.news.len(), 1);
    assert_eq!(outcome.news[0].status, Some(RequestStatus::Resolved));
    assert_eq!(engine.unseen_count().expect("unseen"), 1);
    let detail = engine.report_detail(report_id).expect("detail");
    assert_eq!(engine.unseen_count().expect("unseen"), 0, "looked at");
    assert_eq!(detail.photos.len(), 1);
    let statuses: Vec<RequestStatus> = detail.timeline.iter().map(|e| e.event.status).collect();
    assert_eq!(
        statuses,
        [
            RequestStatus::Received,
            RequestStatus::InProgress,
            RequestStatus::Resolved
        ]
    );
    let result_photos: usize = detail.timeline.iter().map(|e| e.photos.len()).sum();
    assert_eq!(result_photos, 1, "the city's photo is kept");
    assert!(detail.reopen_until.is_some());
    assert_eq!(detail.status_notes.as_deref(), Some("Đã nạo vét cống"));

    // "Not fixed", with a photo: queued, sent, re-opened on the server.
    assert_eq!(
        engine.not_fixed(report_id, "  ").expect_err("empty").code(),
        model::ErrorCode::NoteMissing
    );
    engine
        .add_photo(
            PhotoPurpose::Reopen,
            Some(report_id),
            &photo_bytes(800, 600),
        )
        .expect("photo");
    let after = engine
        .not_fixed(report_id, "Vẫn ngập sau mưa tối qua")
        .expect("not fixed");
    assert!(after.followup_pending && after.reopen_until.is_none());
    let outcome = sync_until_sent(&engine).await;
    assert!(
        outcome.news.is_empty(),
        "their own re-open is no news to them"
    );
    assert_eq!(engine.unseen_count().expect("unseen"), 0);
    assert_eq!(
        count(
            &city,
            "SELECT count(*) FROM requests WHERE status = 'reopened'"
        ),
        1
    );
    assert_eq!(
        count(&city, "SELECT count(*) FROM media WHERE kind = 'reopen'"),
        1
    );

    // Resolved again: rated once; a second rating is refused locally.
    staff(&city, &server_id, "resolved", "Đã thay nắp cống").await;
    engine.sync(&Quiet).await.expect("sync");
    engine
        .rate(report_id, Satisfaction::Satisfied, "Cảm ơn")
        .expect("rate");
    assert_eq!(
        engine
            .rate(report_id, Satisfaction::Neutral, "")
            .expect_err("twice")
            .code(),
        model::ErrorCode::NotNow
    );
    sync_until_sent(&engine).await;
    assert_eq!(count(&city, "SELECT count(*) FROM request_ratings"), 1);

    // Another report of the same kind in the same ward, by someone else.
    let other = reqwest::Client::new()
        .post(format!("{}/open311/v2/requests.json", city.url))
        .form(&[
            ("api_key", core_engine::engine::DEMO_API_KEY),
            ("service_code", "thoat-nuoc"),
            ("attribute[kind]", "flood"),
            ("description", "Nước ngập ngang bánh xe"),
            ("ward_code", "26743"),
        ])
        .send()
        .await
        .expect("other report");
    assert_eq!(other.status(), 200);
    let other: serde_json::Value = other.json().await.expect("json");
    let other_id = other[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_owned();

    // "Is this yours?" shows it; "me too" follows it instead of filing a duplicate.
    engine.save_draft(flood_draft()).expect("draft");
    let Nearby::Found { reports } = engine.nearby().await.expect("nearby") else {
        panic!("the city API is up");
    };
    let found = reports
        .iter()
        .find(|n| n.report.service_request_id == other_id)
        .expect("the other report is offered");
    assert!(!found.followed);
    let followed = engine.follow(&other_id).await.expect("follow");
    assert_eq!(engine.follow(&other_id).await.expect("again"), followed);
    // ... and the city counts it, once.
    sync_until_sent(&engine).await;
    assert_eq!(
        count(
            &city,
            &format!("SELECT count(*) FROM supporters WHERE request_id = {other_id}")
        ),
        1
    );
    let mine = engine.my_reports().expect("reports");
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().any(|r| r.origin == Origin::Followed));
    engine.discard_draft().expect("discard");

    // The ward's public list: fetched, then kept for offline.
    let list = engine.ward_reports("26743").await.expect("list");
    assert!(!list.offline && list.reports.len() >= 2);
    assert!(
        list.reports
            .iter()
            .all(|r| serde_json::to_string(r).is_ok_and(|j| !j.contains("device")))
    );
    engine
        .set_api_base_url(common::NOWHERE, false)
        .expect("url");
    let kept = engine.ward_reports("26743").await.expect("kept");
    assert!(kept.offline);
    assert_eq!(kept.reports, list.reports);
    assert!(matches!(
        engine.nearby().await.expect("nearby"),
        Nearby::NotAsked | Nearby::Offline
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_report_is_fixed_in_the_form_and_resent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let engine = common::engine_at(&dir.path().join("app"), &city.url);
    // A form the app would not build today (an older app, a changed catalogue): the city
    // refuses it and names the field.
    use core_engine::sync::StoreAccess;
    let bad = vec![
        ("service_code".to_owned(), "thoat-nuoc".to_owned()),
        ("attribute[kind]".to_owned(), "volcano".to_owned()),
        ("description".to_owned(), "Ngập".to_owned()),
        ("ward_code".to_owned(), "26743".to_owned()),
        ("address_string".to_owned(), "12 Lê Lợi".to_owned()),
    ];
    let id = engine
        .with_store(|s| s.save_report(&bad, &[], &common::origin(&city.url), 1))
        .expect("save");
    engine.sync(&Quiet).await.expect("sync");
    let mine = engine.my_reports().expect("reports");
    let Delivery::NeedsAttention {
        field, is_report, ..
    } = &mine[0].delivery
    else {
        panic!("not refused: {:?}", mine[0].delivery);
    };
    assert_eq!(field.as_deref(), Some("attribute[kind]"));
    assert!(is_report);

    // Back into the form, fixed, resent: one report on the server, nothing typed lost.
    let draft = engine.fix_refused(id).expect("fix").draft;
    assert_eq!(draft.description, "Ngập");
    let mut fixed = draft;
    fixed.answers.insert("kind".into(), vec!["flood".into()]);
    engine.save_draft(fixed).expect("save");
    let SubmitAnswer::Queued { report_id } = engine.submit_draft().expect("submit") else {
        panic!("refused locally");
    };
    assert_eq!(report_id, id, "the same report, not a new one");
    sync_until_sent(&engine).await;
    assert_eq!(count(&city, "SELECT count(*) FROM requests"), 1);
    assert_eq!(
        engine.my_reports().expect("reports")[0].delivery,
        Delivery::Sent
    );
}
