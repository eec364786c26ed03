//! Registered devices, and the server's device key (kept in `meta` unless the operator gives
//! one: see `trust.rs`).

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::DbError;

/// Records a newly issued device id.
pub fn insert(tx: &Transaction<'_>, id: &str, at: &str) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO devices (id, registered_at) VALUES (?1, ?2)",
        params![id, at],
    )?;
    Ok(())
}

/// Whether the city knows this device (registered, not deleted).
pub fn exists(conn: &Connection, id: &str) -> Result<bool, DbError> {
    Ok(conn
        .query_row("SELECT 1 FROM devices WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// How many devices are registered.
pub fn count(conn: &Connection) -> Result<i64, DbError> {
    Ok(conn.query_row("SELECT count(*) FROM devices", [], |r| r.get(0))?)
}

const KEY_ROW: &str = "device_key";

/// The device key kept in the database, made from `fresh` on first use.
pub fn stored_key(conn: &Connection, fresh: &str) -> Result<String, DbError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
        params![KEY_ROW, fresh],
    )?;
    Ok(
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [KEY_ROW], |r| {
            r.get(0)
        })?,
    )
}
