//! A full disk, for real: the engine's folder is a small tmpfs filled to the last byte. Every
//! write then fails with the storage-full code (which the UI translates), and nothing already
//! saved is lost; once space is freed the same draft is sent.
//!
//! Mounting needs a private mount namespace: the test re-runs itself under `unshare` (root in
//! a user namespace of its own, so no real root is needed and nothing outside sees the mount).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use model::ErrorCode;
use model::draft::{Draft, Identity, PlaceMode};
use model::feedback::PhotoPurpose;
use model::report_dto::SubmitAnswer;

const INSIDE: &str = "CITIZEN_TEST_INSIDE_NAMESPACE";
const TEST: &str = "a_full_disk_refuses_writes_with_its_code_and_loses_nothing";

fn noisy_photo() -> Vec<u8> {
    // Noise does not compress: every write of it needs fresh pages.
    let mut seed = 0x2545_f491_u32;
    let img = image::RgbImage::from_fn(640, 480, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let [a, b, c, _] = seed.to_le_bytes();
        image::Rgb([a, b, c])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

fn draft(description: &str) -> Draft {
    Draft {
        service_code: Some("thoat-nuoc".into()),
        answers: BTreeMap::from([("kind".into(), vec!["flood".into()])]),
        description: description.into(),
        place_mode: PlaceMode::Address,
        ward_code: Some("26743".into()),
        address: "12 Lê Lợi".into(),
        identity: Identity::Anonymous,
        ..Draft::default()
    }
}

/// Writes zeros until the file system says it is full.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).expect("filler");
    let block = vec![0_u8; 64 * 1024];
    loop {
        match file.write(&block) {
            Ok(0) => break,
            Ok(_) => {}
            Err(err) if err.raw_os_error() == Some(28) => break, // ENOSPC
            Err(err) => panic!("filling the disk: {err}"),
        }
    }
    // The last partial block may have fit: write byte by byte until nothing fits.
    while file.write(&[0]).is_ok_and(|n| n == 1) {}
    let _ = file.sync_all();
}

fn code<T: std::fmt::Debug>(result: Result<T, core_engine::CoreError>) -> ErrorCode {
    result.expect_err("a write on a full disk").code()
}

#[test]
fn a_full_disk_refuses_writes_with_its_code_and_loses_nothing() {
    if std::env::var_os(INSIDE).is_none() {
        let exe = std::env::current_exe().expect("test binary");
        let status = Command::new("unshare")
            .args(["--map-root-user", "--mount", "--"])
            .arg(exe)
            .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
            .env(INSIDE, "1")
            .status()
            .expect("unshare (util-linux) must be installed");
        assert!(status.success(), "the test inside the namespace failed");
        return;
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
        .arg(dir.path())
        .status()
        .expect("mount");
    assert!(mounted.success(), "cannot mount a tmpfs in the namespace");
    let app = dir.path().join("app");

    // Saved while there is room: a draft with one photo.
    let engine = common::engine_at(&app, common::NOWHERE);
    let kept = draft("Ngập sâu 40 cm trước chợ");
    engine.save_draft(kept.clone()).expect("save with room");
    engine
        .add_photo(PhotoPurpose::Report, None, &noisy_photo())
        .expect("photo with room");
    // Closing checkpoints and removes the write-ahead log, so the next writes need new space.
    drop(engine);

    let engine = common::engine_at(&app, common::NOWHERE);
    assert_eq!(engine.draft().expect("draft").draft, kept);
    let filler = dir.path().join("filler");
    fill(&filler);

    assert_eq!(
        code(engine.save_draft(draft("a newer text that cannot be written"))),
        ErrorCode::StorageFull
    );
    assert_eq!(
        code(engine.add_photo(PhotoPurpose::Report, None, &noisy_photo())),
        ErrorCode::StorageFull
    );
    assert_eq!(code(engine.submit_draft()), ErrorCode::StorageFull);

    // Nothing saved before was lost or half-changed.
    let now = engine.draft().expect("draft readable on a full disk");
    assert_eq!(now.draft, kept);
    assert_eq!(now.photos.len(), 1);
    assert!(engine.my_reports().expect("reports").is_empty());
    assert_eq!(engine.outbox_counts().expect("counts").queued, 0);

    // Space is freed: the same draft goes to the outbox, and stays there after a restart.
    std::fs::remove_file(&filler).expect("free space");
    let SubmitAnswer::Queued { report_id } = engine.submit_draft().expect("submit") else {
        panic!("the kept draft was refused");
    };
    drop(engine);
    let engine = common::engine_at(&app, common::NOWHERE);
    let mine = engine.my_reports().expect("reports");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id, report_id);
    assert_eq!(engine.outbox_counts().expect("counts").queued, 2);
    drop(engine);

    let _ = Command::new("umount").arg(dir.path()).status();
}
