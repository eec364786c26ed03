//! Versioned schema. Never edit a migration that has shipped: append a new one.

use rusqlite_migration::{M, Migrations};

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_init.sql")),
    M::up(include_str!("migrations/0002_outbox.sql")),
    M::up(include_str!("migrations/0003_photos_and_pull.sql")),
    M::up(include_str!("migrations/0004_feedback_app.sql")),
];

pub fn all() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// The schema version this build writes (SQLite `user_version`).
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}
