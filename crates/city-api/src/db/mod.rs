//! The server's SQLite database: schema, seed and queries, one module per resource. Blocking;
//! handlers call it through [`Db::call`] on tokio's blocking pool.

pub mod announcements;
pub mod devices;
pub mod dossiers;
pub mod idempotency;
pub mod map;
pub mod my_data;
pub mod requests;
pub mod retention;
pub mod scoreboard;
pub mod services;
pub mod surveys;
pub mod ward_stats;
pub mod wards;

pub use dossiers::seed_dossiers;
pub use services::seed_services;
pub use wards::{seed_hcmc, upsert_wards, ward, wards};

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../migrations/0001_wards.sql")),
    M::up(include_str!("../migrations/0002_open311.sql")),
    M::up(include_str!("../migrations/0003_dossiers_ratings.sql")),
    M::up(include_str!("../migrations/0004_supporters.sql")),
    M::up(include_str!("../migrations/0005_dossier_changes.sql")),
    M::up(include_str!("../migrations/0006_devices.sql")),
    M::up(include_str!("../migrations/0007_consent.sql")),
    M::up(include_str!("../migrations/0008_published.sql")),
    M::up(include_str!("../migrations/0009_map.sql")),
    M::up(include_str!("../migrations/0010_scoreboard.sql")),
    M::up(include_str!("../migrations/0011_surveys.sql")),
];

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "database file is from a newer city-api (schema {found}, this build knows {known}); not touched"
    )]
    TooNew { found: i64, known: i64 },
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("seed data is invalid: {0}")]
    Seed(#[from] model::ward::WardError),
    #[error("service list is invalid: {0}")]
    Services(#[from] model::service::ServiceError),
    #[error("stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
    #[error("database worker stopped")]
    Worker,
    /// A map file (offices, boundaries, basemap) failed its check at start.
    #[error("{0}")]
    Map(#[from] crate::map::MapFileError),
}

/// A shared connection. SQLite serialises writers anyway; one connection keeps it simple.
#[derive(Clone)]
pub struct Db(Arc<Mutex<Connection>>);

impl Db {
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let mut conn = Connection::open(path)?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if found > known {
            return Err(DbError::TooNew { found, known });
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // An acknowledged write survives a power cut, not only `kill -9`.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // What is deleted (contact details: "delete my data", the retention purge) is
        // overwritten in the file, not left in free space.
        conn.pragma_update(None, "secure_delete", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn)?;
        Ok(Self(Arc::new(Mutex::new(conn))))
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn call<T, E>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut conn)
        })
        .await
        .map_err(|_| E::from(DbError::Worker))?
    }

    /// Synchronous access for start-up (seeding) and tests.
    pub fn with<T, E>(&self, f: impl FnOnce(&mut Connection) -> Result<T, E>) -> Result<T, E> {
        let mut conn = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut conn)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

    use super::*;

    fn at_version(conn: &mut Connection, n: usize) {
        conn.pragma_update(None, "foreign_keys", true).expect("fk");
        Migrations::from_slice(&MIGRATIONS[..n])
            .to_latest(conn)
            .expect("migrate");
    }

    #[test]
    fn dossiers_of_a_version_4_database_survive_the_upgrade() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("city.db");
        {
            let mut conn = Connection::open(&path).expect("open");
            at_version(&mut conn, 4);
            conn.execute_batch(
                "INSERT INTO wards (code, name, kind, lat, lon, area_km2)
                     VALUES ('26734', 'Phường Bến Thành', 'phuong', 10.77, 106.69, 1.0);
                 INSERT INTO dossiers VALUES ('000.00.04.H29-240115-0001', 'K7M2QX', 'p', 'Thủ tục',
                     'Procedure', 'land', 'UBND', '26734', 'processing', '2024-01-15T02:00:00Z',
                     '2024-01-29T02:00:00Z', NULL);
                 INSERT INTO dossiers VALUES ('000.00.04.H29-240115-0002', 'K7M2QY', 'p', 'Thủ tục',
                     'Procedure', 'land', 'UBND', '26734', 'ready', '2024-01-15T02:00:00Z',
                     '2024-01-29T02:00:00Z', '2024-01-20T02:00:00Z');
                 INSERT INTO dossier_events (id, dossier, at, status, note_vi, note_en)
                     VALUES (7, '000.00.04.H29-240115-0001', '2024-01-15T02:00:00Z', 'received', 'a', 'b');",
            )
            .expect("v4 rows");
        }
        let db = Db::open(&path).expect("upgrade");
        db.with(|conn| {
            let seqs: Vec<i64> = conn
                .prepare("SELECT change_seq FROM dossiers ORDER BY code")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            assert_eq!(seqs, vec![1, 2]);
            assert_eq!(dossiers::high_water(conn).expect("counter"), 2);
            let event: (i64, Option<String>) =
                conn.query_row("SELECT id, supplement FROM dossier_events", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            assert_eq!(event, (7, None));
            // Every state may be stored now; the events still need their dossier.
            conn.execute(
                "UPDATE dossiers SET status = 'payment_requested' WHERE change_seq = 1",
                [],
            )?;
            let orphan = conn.execute(
                "INSERT INTO dossier_events (dossier, at, status, note_vi, note_en)
                 VALUES ('000.00.04.H29-240115-0099', 'x', 'received', '', '')",
                [],
            );
            assert!(orphan.is_err(), "the foreign key survived the rebuild");
            let lookup = dossiers::lookup(conn, "000.00.04.H29-240115-0001", "K7M2QX", false)
                .expect("lookup")
                .expect("found");
            assert_eq!(lookup.timeline.len(), 1);
            assert_eq!(
                lookup.status,
                model::dossier::DossierStatus::PaymentRequested
            );
            Ok::<_, rusqlite::Error>(())
        })
        .expect("checks");
    }

    #[test]
    fn ratings_of_the_earlier_scale_stay_readable_and_still_count_for_their_month() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("city.db");
        {
            let mut conn = Connection::open(&path).expect("open");
            at_version(&mut conn, 9);
            conn.execute_batch(
                "INSERT INTO wards (code, name, kind, lat, lon, area_km2)
                     VALUES ('26734', 'Phường Bến Thành', 'phuong', 10.77, 106.69, 1.0);
                 INSERT INTO ward_ratings (ward_code, device_id, month, access, procedures,
                     attitude, result, timeliness, comment, created_at)
                     VALUES ('26734', 'dev-1', '2026-11', 5, 4, 3, 2, 1, 'ok', '2026-11-03T01:00:00Z'),
                            ('26734', 'dev-2', '2026-11', 1, 2, 3, 4, 5, NULL, '2026-11-04T01:00:00Z');",
            )
            .expect("v9 rows");
        }
        let db = Db::open(&path).expect("upgrade");
        db.with(|conn| {
            let stats = ward_stats::stats(conn, "26734")?;
            assert_eq!(stats.ratings.count, 0, "no answer was invented");
            let earlier = stats.ratings.earlier_scale.expect("kept");
            assert_eq!(earlier.count, 2);
            assert_eq!(
                (earlier.access, earlier.timeliness, earlier.overall),
                (3.0, 3.0, 3.0)
            );
            let tx = conn.transaction()?;
            let rating = model::ward_rating::WardRating {
                answers: [model::ward_rating::Answer::Satisfied; 5],
                comment: None,
            };
            let again = ward_stats::insert_rating(&tx, "26734", "dev-1", "2026-11", &rating, "t")?;
            assert!(again.is_err(), "one rating a month, whichever the scale");
            let next = ward_stats::insert_rating(&tx, "26734", "dev-1", "2026-12", &rating, "t")?;
            assert!(next.is_ok());
            tx.commit()?;
            Ok::<_, DbError>(())
        })
        .expect("checks");
    }
}
