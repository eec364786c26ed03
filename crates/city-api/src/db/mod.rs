//! The server's SQLite database: schema, seed and queries, one module per resource. Blocking;
//! handlers call it through [`Db::call`] on tokio's blocking pool.

pub mod dossiers;
pub mod idempotency;
pub mod requests;
pub mod services;
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
