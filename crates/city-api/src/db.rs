//! The server's SQLite database: schema, seed and queries. Blocking; handlers call it through
//! [`Db::call`] on tokio's blocking pool.

use std::path::Path;
use std::sync::{Arc, Mutex};

use model::{Ward, WardCatalog, WardCode};
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};

const MIGRATIONS: &[M<'static>] = &[M::up(include_str!("migrations/0001_wards.sql"))];

const HCMC_UNITS: &str = include_str!("../../../assets/hcmc-units.json");

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
    #[error("database worker stopped")]
    Worker,
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
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn)?;
        Ok(Self(Arc::new(Mutex::new(conn))))
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let db = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut conn)
        })
        .await
        .map_err(|_| DbError::Worker)?
    }

    /// Synchronous access for start-up (seeding) and tests.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut conn = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut conn)
    }
}

/// Upserts the 168 HCMC units. Unchanged rows are not rewritten, so re-seeding keeps the ETag.
pub fn seed_hcmc(conn: &mut Connection) -> Result<usize, DbError> {
    let catalog = WardCatalog::from_json(HCMC_UNITS)?;
    upsert_wards(conn, &catalog.units)
}

pub fn upsert_wards(conn: &mut Connection, wards: &[Ward]) -> Result<usize, DbError> {
    let tx = conn.transaction()?;
    let mut changed = 0;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO wards (code, name, kind, lat, lon, area_km2) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (code) DO UPDATE SET
                 name = excluded.name, kind = excluded.kind, lat = excluded.lat,
                 lon = excluded.lon, area_km2 = excluded.area_km2
             WHERE (name, kind, lat, lon, area_km2)
                 IS NOT (excluded.name, excluded.kind, excluded.lat, excluded.lon, excluded.area_km2)",
        )?;
        for w in wards {
            changed += stmt.execute(params![
                w.code.as_str(),
                w.name,
                w.kind.as_str(),
                w.lat,
                w.lon,
                w.area_km2
            ])?;
        }
    }
    tx.commit()?;
    Ok(changed)
}

/// A row as a unit; a row that no longer validates is skipped (`None`), not served.
fn ward_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Ward>> {
    let code: String = row.get(0)?;
    let kind: String = row.get(2)?;
    let ward = Ward::from_parts(
        &code,
        row.get(1)?,
        &kind,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    );
    Ok(ward
        .inspect_err(|err| tracing::warn!(%code, %err, "skipping invalid ward row"))
        .ok())
}

/// All units sorted by code, with the list's version (for the ETag).
pub fn wards(conn: &mut Connection) -> Result<(Vec<Ward>, i64), DbError> {
    let tx = conn.transaction()?;
    let version: i64 = tx.query_row(
        "SELECT version FROM data_version WHERE resource = 'wards'",
        [],
        |r| r.get(0),
    )?;
    let wards = {
        let mut stmt =
            tx.prepare("SELECT code, name, kind, lat, lon, area_km2 FROM wards ORDER BY code")?;
        let rows = stmt.query_map([], ward_from_row)?;
        rows.filter_map(|r| r.transpose())
            .collect::<Result<Vec<_>, _>>()?
    };
    tx.commit()?;
    Ok((wards, version))
}

pub fn ward(conn: &mut Connection, code: &WardCode) -> Result<Option<Ward>, DbError> {
    Ok(conn
        .query_row(
            "SELECT code, name, kind, lat, lon, area_km2 FROM wards WHERE code = ?1",
            [code.as_str()],
            ward_from_row,
        )
        .optional()?
        .flatten())
}
