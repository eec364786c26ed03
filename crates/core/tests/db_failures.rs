//! Every way the local database can be unusable gives a clear status, and the citizen's file is
//! kept: moved aside on request, never deleted or overwritten.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

use common::{NOWHERE, db_file, engine_at};
use model::dto::DbStatus;
use model::{ErrorCode, Language};

fn failed_code(status: &DbStatus) -> Option<(ErrorCode, bool)> {
    match status {
        DbStatus::Failed {
            error,
            can_start_fresh,
        } => Some((error.code, *can_start_fresh)),
        DbStatus::Ready => None,
    }
}

/// Starts fresh and checks the old bytes are kept, unchanged, under the returned name.
fn start_fresh_keeps(dir: &Path, original: &[u8]) {
    let engine = engine_at(dir, NOWHERE);
    let outcome = engine.start_fresh().expect("start fresh");
    assert!(
        outcome.kept_as.starts_with("citizen.db.broken-"),
        "{}",
        outcome.kept_as
    );
    assert!(!outcome.kept_as.contains('/'), "a file name, not a path");
    assert_eq!(
        std::fs::read(dir.join(&outcome.kept_as)).expect("kept file"),
        original
    );
    assert_eq!(engine.status().db, DbStatus::Ready);
    assert_eq!(
        engine.search_wards("ben thanh", 5).expect("search").wards[0].name,
        "Phường Bến Thành"
    );
    // A second start-fresh has nothing to do.
    assert_eq!(
        engine.start_fresh().map_err(|e| e.code()).err(),
        Some(ErrorCode::Internal)
    );
}

#[test]
fn a_file_that_is_not_a_database_is_reported_and_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = b"PK\x03\x04 this is a zip someone renamed, not SQLite ".repeat(200);
    std::fs::write(db_file(dir.path()), &garbage).expect("write");
    let engine = engine_at(dir.path(), NOWHERE);
    assert_eq!(
        failed_code(&engine.status().db),
        Some((ErrorCode::DbCorrupt, true))
    );
    assert_eq!(
        engine.search_wards("x", 1).map_err(|e| e.code()).err(),
        Some(ErrorCode::DbCorrupt)
    );
    drop(engine);
    assert_eq!(
        std::fs::read(db_file(dir.path())).expect("still there"),
        garbage
    );
    start_fresh_keeps(dir.path(), &garbage);
}

#[test]
fn damaged_pages_inside_a_real_database_are_reported_and_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let engine = engine_at(dir.path(), NOWHERE);
        engine.set_language(Language::En).expect("save");
    }
    // Checkpointed on close: the data is in the main file. Scribble over its later pages.
    let path = db_file(dir.path());
    let mut bytes = std::fs::read(&path).expect("read");
    assert!(bytes.len() > 8192, "database has several pages");
    for b in &mut bytes[4096..] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).expect("write");
    let engine = engine_at(dir.path(), NOWHERE);
    assert_eq!(
        failed_code(&engine.status().db),
        Some((ErrorCode::DbCorrupt, true))
    );
    drop(engine);
    start_fresh_keeps(dir.path(), &bytes);
}

#[test]
fn a_database_from_a_newer_app_is_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    drop(engine_at(dir.path(), NOWHERE));
    let path = db_file(dir.path());
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.pragma_update(None, "user_version", 99)
            .expect("set version");
    }
    let before = std::fs::read(&path).expect("read");
    let engine = engine_at(dir.path(), NOWHERE);
    assert_eq!(
        failed_code(&engine.status().db),
        Some((ErrorCode::DbTooNew, true))
    );
    drop(engine);
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "not migrated, not rewritten"
    );
    start_fresh_keeps(dir.path(), &before);
}

/// A folder the app cannot write. Root ignores permission bits, so as root the folder is a
/// tmpfs remounted read-only (unmounted on drop); otherwise it is chmod 555.
struct ReadOnlyDir {
    dir: tempfile::TempDir,
    mounted: bool,
}

impl ReadOnlyDir {
    fn with_file(name: &str, bytes: &[u8]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let is_root = std::fs::metadata(dir.path()).expect("stat").uid() == 0;
        let run = |args: &[&str]| {
            let ok = Command::new("mount")
                .args(args)
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "as root this test needs `mount` (tmpfs) to make a read-only folder: mount {args:?}"
            );
        };
        let p = dir.path().to_str().expect("utf-8 temp path");
        if is_root {
            run(&["-t", "tmpfs", "-o", "size=4m", "tmpfs", p]);
        }
        std::fs::write(dir.path().join(name), bytes).expect("write user file");
        if is_root {
            run(&["-o", "remount,ro", p]);
        } else {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555))
                .expect("chmod");
        }
        Self {
            dir,
            mounted: is_root,
        }
    }
}

impl Drop for ReadOnlyDir {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount").arg(self.dir.path()).status();
        } else {
            use std::os::unix::fs::PermissionsExt;
            let _ =
                std::fs::set_permissions(self.dir.path(), std::fs::Permissions::from_mode(0o755));
        }
    }
}

#[test]
fn a_read_only_data_folder_is_reported_and_the_file_kept() {
    // A real database made elsewhere, then placed in a folder that cannot be written.
    let source = tempfile::tempdir().expect("tempdir");
    {
        let engine = engine_at(source.path(), NOWHERE);
        engine.set_language(Language::En).expect("save");
    }
    let bytes = std::fs::read(db_file(source.path())).expect("read");
    let ro = ReadOnlyDir::with_file(core_engine::store::DB_FILE, &bytes);
    let engine = engine_at(ro.dir.path(), NOWHERE);
    assert_eq!(
        failed_code(&engine.status().db),
        Some((ErrorCode::DbReadOnly, false))
    );
    assert_eq!(
        engine.start_fresh().map_err(|e| e.code()).err(),
        Some(ErrorCode::Internal)
    );
    drop(engine);
    assert_eq!(std::fs::read(db_file(ro.dir.path())).expect("kept"), bytes);
}

#[test]
fn moving_aside_takes_the_wal_companions_along() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db_file(dir.path());
    std::fs::write(
        &path,
        b"not a database at all, but long enough to be read as one ....",
    )
    .expect("write");
    std::fs::write(dir.path().join("citizen.db-wal"), b"wal").expect("write");
    std::fs::write(dir.path().join("citizen.db-shm"), b"shm").expect("write");
    let now = chrono::Utc::now();
    let kept = core_engine::store::move_aside(&path, now).expect("move");
    let kept2 = {
        std::fs::write(&path, b"second").expect("write");
        core_engine::store::move_aside(&path, now).expect("move again")
    };
    assert_ne!(kept, kept2, "same second, distinct names");
    assert_eq!(
        std::fs::read(dir.path().join(format!("{kept}-wal"))).expect("wal"),
        b"wal"
    );
    assert_eq!(
        std::fs::read(dir.path().join(format!("{kept}-shm"))).expect("shm"),
        b"shm"
    );
    assert!(!path.exists());
    assert!(!dir.path().join("citizen.db-wal").exists());
}

/// A database whose latest writes are only in its WAL (as after a crash), copied into `dir`
/// with its `-wal` and `-shm`: `rows` rows in table `t`, none of them in the main file.
fn database_with_its_rows_in_the_wal(dir: &Path, rows: i64) {
    let src = tempfile::tempdir().expect("tempdir");
    let file = src.path().join("src.db");
    let conn = rusqlite::Connection::open(&file).expect("open");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    conn.pragma_update(None, "wal_autocheckpoint", 0)
        .expect("no checkpoint");
    conn.execute_batch("CREATE TABLE t (x INTEGER)")
        .expect("table");
    for x in 0..rows {
        conn.execute("INSERT INTO t (x) VALUES (?1)", [x])
            .expect("row");
    }
    // Copied while the connection is open, so nothing was checkpointed into the main file.
    let path = db_file(dir);
    for suffix in ["", "-wal", "-shm"] {
        std::fs::copy(
            src.path().join(format!("src.db{suffix}")),
            path.with_file_name(format!("citizen.db{suffix}")),
        )
        .expect("copy");
    }
    drop(conn);
}

fn rows_in(file: &Path) -> rusqlite::Result<i64> {
    let conn =
        rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
}

/// "Start fresh" moves three files one rename at a time, and the app can die between two. Cut
/// short after its first rename, the copy kept aside still has the citizen's latest writes
/// (its WAL is with it once the next start finishes the move), the file left at the usual
/// place is not the old database without its WAL, and the new database never reads the old
/// WAL. (The old order — companions first — fails: the old database stays in place without its
/// WAL, and the copy aside has no database.)
#[test]
fn a_start_fresh_cut_short_keeps_the_wal_with_its_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db_file(dir.path());
    database_with_its_rows_in_the_wal(dir.path(), 3);
    assert_eq!(rows_in(&path).expect("whole database"), 3);
    database_with_its_rows_in_the_wal(dir.path(), 3);

    let mut renames = 0;
    let cut_short = core_engine::store::move_aside_with(&path, chrono::Utc::now(), |from, to| {
        renames += 1;
        if renames == 2 {
            return Err(std::io::Error::other("the app died here"));
        }
        std::fs::rename(from, to)
    });
    assert!(cut_short.is_err());
    assert!(
        !path.exists(),
        "the old database is still in place, without its WAL"
    );
    let kept: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| {
            f.starts_with("citizen.db.broken-") && !f.ends_with("-wal") && !f.ends_with("-shm")
        })
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let kept = dir.path().join(&kept[0]);

    // The next start finishes the move before anything opens the new database.
    let store = core_engine::store::Store::open(&path).expect("a new database");
    drop(store);
    assert!(
        rows_in(&path).is_err(),
        "the old WAL was replayed into the new database"
    );
    assert_eq!(
        rows_in(&kept).expect("the copy aside"),
        3,
        "the latest writes are kept"
    );

    // A stray WAL with no copy to go to is moved aside too, never deleted or read.
    let other = tempfile::tempdir().expect("tempdir");
    std::fs::write(other.path().join("citizen.db-wal"), b"wal").expect("write");
    let moved = core_engine::store::adopt_stray_companions(&db_file(other.path())).expect("adopt");
    assert_eq!(moved, ["citizen.db.stray-1-wal"]);
    assert_eq!(
        std::fs::read(other.path().join(&moved[0])).expect("kept"),
        b"wal"
    );
}

#[tokio::test]
async fn a_broken_database_does_not_make_the_city_api_look_offline() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        db_file(dir.path()),
        b"garbage garbage garbage garbage garbage garbage garbage",
    )
    .expect("write");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    let catalog = core_engine::bundled::hcmc_catalog().expect("bundled");
    let body = serde_json::to_string(&catalog).expect("json");
    let app = axum::Router::new().route(
        "/api/v1/wards",
        axum::routing::get(move || async move { body }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let engine = engine_at(dir.path(), &url);
    let outcome = engine.check_city_api().await;
    assert_eq!(outcome.connection.state, model::dto::Connection::Online);
    assert!(
        !outcome.wards_changed,
        "nothing stored while the database is unusable"
    );
}
