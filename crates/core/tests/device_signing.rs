//! The device's credential through the engine, over real SQLite files and the real reference
//! server on 127.0.0.1:0 (issue 13): nothing registers until something needs it; a "me too" is
//! signed and counted once; the credential survives a restart; a device the city deleted
//! registers again; a clock the city finds wrong is corrected by its `Date`; an anonymous report
//! links to no device, a named one to this device.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use city_api::local::LocalServer;
use common::{count, someone_elses_report, sync_until_sent};
use core_engine::Engine;
use core_engine::store::StoredCredential;
use core_engine::sync::StoreAccess;
use model::ApiBaseUrl;
use model::draft::Identity;
use model::report_dto::SubmitAnswer;

fn text(city: &LocalServer, sql: &str) -> Option<String> {
    city.db
        .with(|c| c.query_row(sql, [], |r| r.get::<_, Option<String>>(0)))
        .expect("text")
}

fn stored(engine: &Engine, city: &LocalServer) -> Option<StoredCredential> {
    let origin = ApiBaseUrl::parse(&city.url).expect("url");
    engine
        .with_store(|s| s.device_credential(origin.as_str()))
        .expect("read")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn me_too_is_signed_counted_once_and_the_device_survives_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let app = dir.path().join("app");
    let engine = common::engine_at(&app, &city.url);

    // An anonymous report: sent unsigned, and nothing registers for it.
    engine
        .save_draft(common::flood_draft(Identity::Anonymous))
        .expect("draft");
    let SubmitAnswer::Queued { .. } = engine.submit_draft().expect("submit") else {
        panic!("not queued");
    };
    sync_until_sent(&engine).await;
    assert_eq!(count(&city, "SELECT count(*) FROM devices"), 0);
    assert_eq!(stored(&engine, &city), None);
    assert_eq!(
        text(
            &city,
            "SELECT device_id FROM requests ORDER BY id DESC LIMIT 1"
        ),
        None,
        "an anonymous report links to no device"
    );
    let owner_hash = text(
        &city,
        "SELECT owner_key_hash FROM requests ORDER BY id DESC LIMIT 1",
    );
    assert_eq!(
        owner_hash.map(|h| h.len()),
        Some(64),
        "its owner key, hashed"
    );

    // "Me too": the device registers, signs, and is counted once.
    let other = someone_elses_report(&city).await;
    engine.follow(&other).await.expect("follow");
    sync_until_sent(&engine).await;
    let mine = stored(&engine, &city).expect("registered").credential;
    assert_eq!(count(&city, "SELECT count(*) FROM devices"), 1);
    assert_eq!(
        text(
            &city,
            &format!("SELECT device_id FROM supporters WHERE request_id = {other}")
        )
        .as_deref(),
        Some(mine.id.as_str()),
        "counted as the registered device"
    );
    assert!(!format!("{mine:?}").contains(&mine.secret.to_text()));

    // Restarted: the same device, no second registration.
    drop(engine);
    let engine = common::engine_at(&app, &city.url);
    assert_eq!(
        stored(&engine, &city).map(|c| c.credential),
        Some(mine.clone())
    );
    let third = someone_elses_report(&city).await;
    engine.follow(&third).await.expect("follow");
    sync_until_sent(&engine).await;
    assert_eq!(count(&city, "SELECT count(*) FROM devices"), 1);
    assert_eq!(
        count(
            &city,
            &format!("SELECT count(*) FROM supporters WHERE request_id = {third}")
        ),
        1
    );

    // A named report is signed: the city links it to this device.
    engine
        .save_draft(common::flood_draft(Identity::WithContact))
        .expect("draft");
    let SubmitAnswer::Queued { .. } = engine.submit_draft().expect("submit") else {
        panic!("not queued");
    };
    sync_until_sent(&engine).await;
    assert_eq!(
        text(
            &city,
            "SELECT device_id FROM requests ORDER BY id DESC LIMIT 1"
        )
        .as_deref(),
        Some(mine.id.as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_device_registers_again_and_a_wrong_clock_is_corrected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let city = common::city(dir.path()).await;
    let engine = common::engine_at(&dir.path().join("app"), &city.url);
    let first = someone_elses_report(&city).await;
    engine.follow(&first).await.expect("follow");
    sync_until_sent(&engine).await;
    let old = stored(&engine, &city).expect("registered").credential;

    // The city deletes the device ("delete my data", or its database was rebuilt).
    city.db
        .with(|c| c.execute("DELETE FROM devices", []))
        .expect("delete");
    let second = someone_elses_report(&city).await;
    engine.follow(&second).await.expect("follow");
    sync_until_sent(&engine).await;
    let new = stored(&engine, &city).expect("registered again").credential;
    assert_ne!(new.id, old.id);
    assert_eq!(
        text(
            &city,
            &format!("SELECT device_id FROM supporters WHERE request_id = {second}")
        )
        .as_deref(),
        Some(new.id.as_str())
    );

    // The city's clock is a day ahead of this device's: corrected by its Date, sent at once.
    city.state.clock.advance(chrono::Duration::days(1));
    let third = someone_elses_report(&city).await;
    engine.follow(&third).await.expect("follow");
    sync_until_sent(&engine).await;
    assert_eq!(
        count(
            &city,
            &format!("SELECT count(*) FROM supporters WHERE request_id = {third}")
        ),
        1
    );
    let offset = stored(&engine, &city).expect("kept").clock_offset_secs;
    assert!((offset - 86_400).abs() <= 5, "offset {offset}");
}
