//! Answers already given to an `Idempotency-Key`. Stored in the same transaction as the change
//! they describe, so after a crash either both exist or neither does.

use rusqlite::{OptionalExtension, Transaction, params};

use super::DbError;

/// What a key has seen before.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    /// Never: do the work.
    New,
    /// The same request: answer this again.
    Same { status: u16, body: Vec<u8> },
    /// A different request under the same key.
    Different,
}

pub fn lookup(tx: &Transaction<'_>, key: &str, fingerprint: &str) -> Result<Seen, DbError> {
    let row: Option<(String, i64, Vec<u8>)> = tx
        .query_row(
            "SELECT fingerprint, status, body FROM idempotency WHERE key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(match row {
        None => Seen::New,
        Some((fp, status, body)) if fp == fingerprint => Seen::Same {
            status: u16::try_from(status).unwrap_or(200),
            body,
        },
        Some(_) => Seen::Different,
    })
}

pub fn store(
    tx: &Transaction<'_>,
    key: &str,
    fingerprint: &str,
    status: u16,
    body: &[u8],
    at: &str,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO idempotency (key, fingerprint, status, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![key, fingerprint, status, body, at],
    )?;
    Ok(())
}
