//! The local SQLite database: the citizen's source of truth on this device.
//!
//! Opening classifies every way a file can be unusable (damaged, from a newer app, read-only
//! folder) so the UI can say what happened; a bad file is moved aside, never deleted.

mod citizen;
mod copies;
mod device;
mod dossiers;
mod feedback;
mod map;
mod migrations;
mod my_data;
mod outbox;
mod ratings;
mod settings;
mod voice;
mod wards;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode as SqliteCode, OpenFlags};

pub use device::StoredCredential;
pub use dossiers::{Applied, DossierRow, DossierSync, Tracked};
pub use feedback::{ItemBrief, NewPendingPhoto, PhotoThumb, ReportRow};
pub use map::{BasemapRow, MapCopy, MapResource};
pub use my_data::{CITY_DELETION, Held, Holds, PERSONAL_SETTINGS, PendingDeletion, TABLES};
pub use outbox::{
    Followed, ItemState, OutboxCounts, OutboxItem, OutboxKind, Photo, PhotoPayload, Receipt,
    ServerUpdate,
};
pub use ratings::{NotSaved, RatingEnd, RatingRow, ScoreCopy};
pub use settings::Setting;
pub use voice::{AnswerDelivery, AnswerRow, DueAnswer, SurveyRow, VoiceCopy, VoiceResource};
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
        // A start-fresh cut short may have left the old WAL behind: never let SQLite read it
        // into the new database.
        let adopted = adopt_stray_companions(path).map_err(classify_io)?;
        if !adopted.is_empty() {
            tracing::warn!(?adopted, "moved a stray WAL of a database moved aside");
        }
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
    move_aside_with(path, now, |from, to| std::fs::rename(from, to))
}

/// The companions SQLite keeps next to a database in WAL mode.
const COMPANIONS: [&str; 2] = ["-wal", "-shm"];

/// [`move_aside`] with the rename given, so a test can make one fail.
///
/// The order matters because the renames are separate steps and the app can die between
/// them. The main file goes **first**:
/// - Companions first (the old order) could leave the old database in place without its WAL:
///   SQLite then opens it as it was at the last checkpoint — the citizen's latest reports
///   silently gone from it, and from the copy kept aside too, whose WAL now lies next to
///   nothing.
/// - Main file first leaves, at worst, a `-wal` with no database. The next open would create
///   a new database next to it, and SQLite takes that file as the new database's WAL: it resets
///   it (seen here: the copy aside then loses its latest writes for good) or, if its frames
///   happen to fit, replays old pages into the new file. So [`adopt_stray_companions`] runs
///   before every open and moves such a stray WAL (and SHM) next to the copy it belongs to,
///   finishing the move.
pub fn move_aside_with(
    path: &Path,
    now: chrono::DateTime<chrono::Utc>,
    mut rename: impl FnMut(&Path, &Path) -> std::io::Result<()>,
) -> std::io::Result<String> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| std::io::Error::other("database path has no file name"))?;
    let stamp = now.format("%Y%m%d-%H%M%S");
    let mut kept = format!("{name}.broken-{stamp}");
    let mut n = 1;
    while path.with_file_name(&kept).exists()
        || COMPANIONS
            .iter()
            .any(|s| path.with_file_name(format!("{kept}{s}")).exists())
    {
        n += 1;
        kept = format!("{name}.broken-{stamp}-{n}");
    }
    rename(path, &path.with_file_name(&kept))?;
    for suffix in COMPANIONS {
        let companion = path.with_file_name(format!("{name}{suffix}"));
        if companion.exists() {
            rename(&companion, &path.with_file_name(format!("{kept}{suffix}")))?;
        }
    }
    Ok(kept)
}

/// Finishes a [`move_aside`] the app died in the middle of: when `path` is gone but its
/// `-wal`/`-shm` are still there, they belong to the newest copy moved aside (the main file
/// moves first) and go next to it, before SQLite could replay them into a new database. With
/// no such copy they are still moved aside, never deleted. Returns what was moved.
pub fn adopt_stray_companions(path: &Path) -> std::io::Result<Vec<String>> {
    let mut moved = Vec::new();
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Ok(moved);
    };
    if path.exists() {
        return Ok(moved);
    }
    let strays: Vec<&str> = COMPANIONS
        .into_iter()
        .filter(|s| path.with_file_name(format!("{name}{s}")).exists())
        .collect();
    if strays.is_empty() {
        return Ok(moved);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let prefix = format!("{name}.broken-");
    // Copies moved aside: `<name>.broken-<YYYYmmdd-HHMMSS>[-n]`; the newest is the one the
    // interrupted move made (same second: the highest n).
    let newest = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.starts_with(&prefix) && !COMPANIONS.iter().any(|s| f.ends_with(s)))
        .filter_map(|f| {
            let rest = &f[prefix.len()..];
            let (stamp, n) = match rest.get(15..) {
                Some("") => (rest, 1),
                Some(tail) => (
                    rest.get(..15)?,
                    tail.strip_prefix('-')?.parse::<u32>().ok()?,
                ),
                None => return None,
            };
            Some(((stamp.to_owned(), n), f))
        })
        .max()
        .map(|(_, f)| f);
    let home = match newest {
        Some(kept)
            if strays
                .iter()
                .all(|s| !dir.join(format!("{kept}{s}")).exists()) =>
        {
            kept
        }
        _ => {
            let mut n = 1;
            loop {
                let candidate = format!("{name}.stray-{n}");
                if COMPANIONS
                    .iter()
                    .all(|s| !dir.join(format!("{candidate}{s}")).exists())
                {
                    break candidate;
                }
                n += 1;
            }
        }
    };
    for s in strays {
        let to = format!("{home}{s}");
        std::fs::rename(path.with_file_name(format!("{name}{s}")), dir.join(&to))?;
        moved.push(to);
    }
    Ok(moved)
}
