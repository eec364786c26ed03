//! The city's announcements, kept as JSON (`model::announcement::AnnouncementSpec`); a withdrawn
//! one keeps its row with the time it was withdrawn.

use chrono::{DateTime, Utc};
use model::WardCode;
use model::announcement::{Announcement, AnnouncementSpec, order};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::DbError;
use super::requests::timestamp;

fn read(id: i64, spec: &str, withdrawn: bool) -> Result<Announcement, DbError> {
    let mut a = Announcement::new(id, serde_json::from_str(spec)?);
    a.withdrawn = withdrawn;
    Ok(a)
}

pub fn insert(
    tx: &Transaction<'_>,
    spec: &AnnouncementSpec,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO announcements (spec, valid_until, created_at) VALUES (?1, ?2, ?3)",
        params![
            serde_json::to_string(spec)?,
            timestamp(spec.valid_until),
            timestamp(now)
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<Announcement>, DbError> {
    let row: Option<(String, bool)> = conn
        .query_row(
            "SELECT spec, withdrawn_at IS NOT NULL FROM announcements WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(spec, w)| read(id, &spec, w)).transpose()
}

/// Withdraws it (a second withdrawal keeps the first time).
pub fn withdraw(tx: &Transaction<'_>, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    tx.execute(
        "UPDATE announcements SET withdrawn_at = coalesce(withdrawn_at, ?2) WHERE id = ?1",
        params![id, timestamp(now)],
    )?;
    Ok(())
}

/// What a citizen of `ward` (none: the city's only) is shown at `now`, urgent first.
pub fn shown(
    conn: &Connection,
    now: DateTime<Utc>,
    ward: Option<&WardCode>,
) -> Result<Vec<Announcement>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, spec FROM announcements WHERE withdrawn_at IS NULL AND valid_until > ?1",
    )?;
    let rows = stmt.query_map([timestamp(now)], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, spec) = row?;
        let a = read(id, &spec, false)?;
        if a.shown(now, ward) {
            out.push(a);
        }
    }
    order(&mut out);
    Ok(out)
}
