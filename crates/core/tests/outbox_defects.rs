//! Three outbox defects found by the review of issue 13, each against the real reference server
//! on 127.0.0.1:0: a photo the city refused no longer holds up its report's later items; "not
//! fixed" photos belong to the report they were added on (its story, after its re-open); photos
//! already queued with a report count against the city's limit of 5.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::time::Duration;

use common::count;
use core_engine::Engine;
use core_engine::store::{ItemState, OutboxKind, Photo};
use core_engine::sync::{Quiet, StoreAccess};
use model::ErrorCode;
use model::draft::{Draft, Identity};
use model::feedback::{MAX_PHOTOS, PhotoPurpose};
use model::report_dto::{Delivery, SubmitAnswer};

fn jpeg(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(48, 32, |x, y| image::Rgb([x as u8 * 5, y as u8 * 7, seed]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

fn photo(seed: u8) -> Photo {
    Photo {
        mime: "image/jpeg".into(),
        bytes: jpeg(seed),
    }
}

fn form(kind: &str) -> Vec<(String, String)> {
    [
        ("service_code", "thoat-nuoc"),
        ("attribute[kind]", kind),
        ("description", "Ngập trước chợ"),
        ("ward_code", "26743"),
        ("address_string", "12 Lê Lợi"),
        ("owner_key", "BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn draft() -> Draft {
    Draft {
        description: "Ngập sâu trước chợ".into(),
        ..common::flood_draft(Identity::Anonymous)
    }
}

async fn drain(engine: &Engine) {
    for _ in 0..30 {
        engine.wake_outbox().expect("wake");
        engine.sync(&Quiet).await.expect("sync");
        if engine.outbox_counts().expect("counts").queued == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the outbox did not drain");
}

/// (a) A photo the city refuses (here: not a picture at all) stays visible, needing attention,
/// and the photo queued after it still goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_photo_does_not_hold_up_what_comes_after_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let engine = common::engine_at(&dir.path().join("app"), &city.url);
    let broken = Photo {
        mime: "image/jpeg".into(),
        bytes: b"not a photo at all".to_vec(),
    };
    let report = engine
        .with_store(|s| {
            s.save_report(
                &form("flood"),
                &[broken, photo(2)],
                &common::origin(&city.url),
                1,
            )
        })
        .expect("saved");
    drain(&engine).await;

    let items = engine
        .with_store(|s| s.report_items(report))
        .expect("items");
    let states: Vec<(OutboxKind, ItemState)> = items.iter().map(|i| (i.kind, i.state)).collect();
    assert_eq!(
        states,
        [
            (OutboxKind::Report, ItemState::Sent),
            (OutboxKind::Photo, ItemState::NeedsAttention),
            (OutboxKind::Photo, ItemState::Sent),
        ]
    );
    assert_eq!(count(&city, "SELECT count(*) FROM media"), 1);
    let detail = engine.report_detail(report).expect("detail");
    assert!(
        matches!(
            detail.summary.delivery,
            Delivery::NeedsAttention {
                is_report: false,
                ..
            }
        ),
        "the refused photo is still shown: {:?}",
        detail.summary.delivery
    );
}

/// (b) "Not fixed" photos wait with the report they were added on: another report's "not
/// fixed" does not take them; they show in their report's story and go after its re-open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_fixed_photos_belong_to_their_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let engine = common::engine_at(&dir.path().join("app"), &city.url);
    let mut ids = Vec::new();
    for _ in 0..2 {
        engine.save_draft(draft()).expect("draft");
        let SubmitAnswer::Queued { report_id } = engine.submit_draft().expect("submit") else {
            panic!("refused locally");
        };
        ids.push(report_id);
    }
    drain(&engine).await;
    for id in &ids {
        let server_id = engine
            .report_detail(*id)
            .expect("detail")
            .summary
            .server_id
            .expect("sent");
        common::resolve(&city, &server_id, "Đã xử lý").await;
    }
    engine.sync(&Quiet).await.expect("pull");
    let (a, b) = (ids[0], ids[1]);

    // A photo for A's answer; B is answered first, without one.
    engine
        .add_photo(PhotoPurpose::Reopen, Some(a), &jpeg(5))
        .expect("photo for A");
    assert_eq!(
        engine
            .pending_photos(PhotoPurpose::Reopen, Some(a))
            .expect("A's")
            .len(),
        1
    );
    assert!(
        engine
            .pending_photos(PhotoPurpose::Reopen, Some(b))
            .expect("B's")
            .is_empty()
    );
    assert_eq!(
        engine
            .add_photo(PhotoPurpose::Reopen, None, &jpeg(6))
            .map_err(|e| e.code())
            .err(),
        Some(ErrorCode::UnknownReport),
        "a \"not fixed\" photo names its report"
    );
    engine.not_fixed(b, "Vẫn ngập").expect("B not fixed");
    let b_items = engine.with_store(|s| s.report_items(b)).expect("items");
    assert!(
        b_items.iter().all(|i| i.kind != OutboxKind::Photo),
        "A's photo did not go with B's answer"
    );
    assert!(engine.report_detail(b).expect("B").photos.is_empty());

    // A's answer takes it, after the re-open, and A's story shows it.
    engine
        .not_fixed(a, "Vẫn ngập sau mưa")
        .expect("A not fixed");
    let a_items = engine.with_store(|s| s.report_items(a)).expect("items");
    let kinds: Vec<OutboxKind> = a_items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [OutboxKind::Report, OutboxKind::Reopen, OutboxKind::Photo]
    );
    assert_eq!(engine.report_detail(a).expect("A").photos.len(), 1);
    drain(&engine).await;
    let a_server = engine.report_detail(a).expect("A").summary.server_id;
    assert_eq!(
        count(
            &city,
            &format!(
                "SELECT count(*) FROM media WHERE kind = 'reopen' AND request_id = {}",
                a_server.expect("id")
            )
        ),
        1
    );
    assert_eq!(
        count(&city, "SELECT count(*) FROM media WHERE kind = 'reopen'"),
        1
    );
}

/// (c) A refused report fixed in the form still has its photos queued: they count against the
/// city's 5, so the form cannot add a sixth the city would refuse.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_already_queued_count_against_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let engine = common::engine_at(&dir.path().join("app"), &city.url);
    let queued: Vec<Photo> = (0..4).map(photo).collect();
    // Filed with its owner key, as the form it is fixed in will be.
    let mut refused = form("volcano");
    refused.retain(|(k, _)| k != "device_id" && k != model::trust::owner::FIELD);
    refused.push((
        model::trust::owner::FIELD.into(),
        model::trust::OwnerKey::from_bytes([5; 32]).to_text(),
    ));
    let report = engine
        .with_store(|s| s.save_report(&refused, &queued, &common::origin(&city.url), 1))
        .expect("saved");
    engine.sync(&Quiet).await.expect("refused");
    let mut fixed = engine.fix_refused(report).expect("back in the form").draft;
    fixed.answers.insert("kind".into(), vec!["flood".into()]);
    engine.save_draft(fixed).expect("saved");
    engine
        .add_photo(PhotoPurpose::Report, None, &jpeg(9))
        .expect("the fifth");
    assert_eq!(
        engine
            .add_photo(PhotoPurpose::Report, None, &jpeg(10))
            .map_err(|e| e.code())
            .err(),
        Some(ErrorCode::TooManyPhotos),
        "4 queued + 1 added = {MAX_PHOTOS}"
    );
    let SubmitAnswer::Queued { report_id } = engine.submit_draft().expect("resend") else {
        panic!("refused locally");
    };
    assert_eq!(report_id, report);
    drain(&engine).await;
    assert_eq!(
        engine
            .report_detail(report)
            .expect("detail")
            .summary
            .delivery,
        Delivery::Sent
    );
    assert_eq!(
        count(&city, "SELECT count(*) FROM media"),
        MAX_PHOTOS as i64
    );
}
