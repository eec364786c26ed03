//! The local SQLite database: the citizen's source of truth on this device.
//!
//! Opening classifies every way a file can be unusable (damaged, from a newer app, read-only
//! folder) so the UI can say what happened; a bad file is moved aside, never deleted.

mod dossiers;
mod feedback;
mod migrations;
mod outbox;
mod settings;
mod wards;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode as SqliteCode, OpenFlags};

pub use dossiers::{Applied, DossierRow, DossierSync, Tracked};
pub use feedback::{ItemBrief, NewPendingPhoto, PhotoThumb, ReportRow};
pub use outbox::{
    Followed, ItemState, OutboxCounts, OutboxItem, OutboxKind, Photo, PhotoPayload, Receipt,
    ServerUpdate,
};
pub use settings::Setting;
pub use wards::WardSync;

/// The database file's name inside the app's data folder.
pub const DB_FILE: &str = "citizen.db";

/// Why the database could not be opened. Each maps to an `ErrorCode` the UI explains.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the database file is damaged")]
    Corrupt(#[source] rusqlite::Error),
    #[error("the database was written by a newer app (schema {found}, this app knows {known})")]
    TooNew { found: i64, known: i64 },
    #[error("the data folder is read-only")]
    ReadOnly(#[source] std::io::Error),
    #[error("the database cannot be opened")]
    Unavailable(#[source] std::io::Error),
    #[error("the database cannot be opened")]
    Sqlite(#[source] rusqlite::Error),
    #[error("the database schema could not be brought up to date")]
    Migration(#[source] rusqlite_migration::Error),
}

impl OpenError {
    pub fn code(&self) -> model::ErrorCode {
        use model::ErrorCode;
        match self {
            Self::Corrupt(_) => ErrorCode::DbCorrupt,
            Self::TooNew { .. } => ErrorCode::DbTooNew,
            Self::ReadOnly(_) => ErrorCode::DbReadOnly,
            Self::Unavailable(_) | Self::Sqlite(_) | Self::Migration(_) => ErrorCode::DbUnavailable,
        }
    }

    /// Whether moving the file aside and starting empty can help (not for a read-only folder).
    pub fn can_start_fresh(&self) -> bool {
        matches!(self, Self::Corrupt(_) | Self::TooNew { .. })
    }
}

fn classify(err: rusqlite::Error) -> OpenError {
    match err.sqlite_error_code() {
        Some(SqliteCode::NotADatabase | SqliteCode::DatabaseCorrupt) => OpenError::Corrupt(err),
        Some(SqliteCode::ReadOnly) => OpenError::ReadOnly(std::io::Error::other(err)),
        Some(SqliteCode::CannotOpen | SqliteCode::PermissionDenied) => {
            OpenError::Unavailable(std::io::Error::other(err))
        }
        _ => OpenError::Sqlite(err),
    }
}

fn classify_io(err: std::io::Error) -> OpenError {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => OpenError::ReadOnly(err),
        _ => OpenError::Unavailable(err),
    }
}

/// An open, migrated database. One per process; not shared between threads without a lock.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Outbox rows whose attempt is on the wire now: shown as sending, never written (a crash
    /// mid-attempt leaves nothing to undo; the row is still queued on disk).
    in_flight: std::collections::HashSet<i64>,
}

impl Store {
    /// Opens (creating if needed) `dir/citizen.db`, checks it and brings its schema up to date.
    pub fn open_in(dir: &Path) -> Result<Self, OpenError> {
        std::fs::create_dir_all(dir).map_err(classify_io)?;
        probe_writable(dir)?;
        Self::open(&dir.join(DB_FILE))
    }

    /// Opens the database at `path`. A file it cannot use is left exactly as it was.
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(classify)?;
        // Reading the header first: a foreign file fails here, before anything is written to it.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(classify)?;
        let known = migrations::latest_version();
        if version > known {
            return Err(OpenError::TooNew {
                found: version,
                known,
            });
        }
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .map_err(classify)?;
        if check != "ok" {
            return Err(OpenError::Corrupt(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(check),
            )));
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(classify)?;
        // FULL: a write the UI confirmed survives power loss, not only a crash.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(classify)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(classify)?;
        // Foreign keys are off while migrating (SQLite's way to rebuild a table others refer
        // to; a migration that does is checked before it commits), on for everything after.
        conn.pragma_update(None, "foreign_keys", false)
            .map_err(classify)?;
        migrations::all()
            .to_latest(&mut conn)
            .map_err(|err| match err {
                rusqlite_migration::Error::RusqliteError { err, .. } => classify(err),
                other => OpenError::Migration(other),
            })?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(classify)?;
        Ok(Self {
            conn,
            path: path.to_owned(),
            in_flight: std::collections::HashSet::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// SQLite opens a read-only folder's file "successfully" and fails on the first write; finding
/// out up front gives the citizen the right explanation.
fn probe_writable(dir: &Path) -> Result<(), OpenError> {
    let probe = dir.join(".write-probe");
    std::fs::write(&probe, b"ok").map_err(classify_io)?;
    std::fs::remove_file(&probe).map_err(classify_io)
}

/// Moves `path` (and its `-wal`/`-shm` companions) aside as `<name>.broken-<timestamp>` and
/// returns the new file name. Nothing is deleted.
pub fn move_aside(path: &Path, now: chrono::DateTime<chrono::Utc>) -> std::io::Result<String> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| std::io::Error::other("database path has no file name"))?;
    let stamp = now.format("%Y%m%d-%H%M%S");
    let mut kept = format!("{name}.broken-{stamp}");
    let mut n = 1;
    while path.with_file_name(&kept).exists() {
        n += 1;
        kept = format!("{name}.broken-{stamp}-{n}");
    }
    for suffix in ["-wal", "-shm"] {
        let companion = path.with_file_name(format!("{name}{suffix}"));
        if companion.exists() {
            std::fs::rename(&companion, path.with_file_name(format!("{kept}{suffix}")))?;
        }
    }
    std::fs::rename(path, path.with_file_name(&kept))?;
    Ok(kept)
}
