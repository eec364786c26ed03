//! What the server keeps, and for how long: one purge, run on a schedule by [`crate::retention`]
//! with the time passed in (tests move it). The policy in words is in the crate's README.
//!
//! - **Contact details** (and any `consent_*` record next to them on the report): removed a
//!   set time after the report was resolved, when the citizen can no longer say "not fixed"
//!   and the city no longer needs to call back. An open or re-opened report keeps them.
//! - **Idempotency-Key answers**: removed a set time after they were stored; a retry after
//!   that is a new request.
//! - **Photos**: every photo is stored with its report in one transaction and nothing deletes
//!   a report, so the photos "no report holds" are only those a city removed reports under
//!   (with foreign keys off, by its own tools): deleted. What else is spent is the metadata of
//!   photos stored before the server stripped it (migration 0008): the purge strips those, a
//!   batch per run; one that cannot be read is deleted rather than served with its metadata.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, params};

use super::DbError;
use super::requests::timestamp;

/// How long things are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Contact details after a report was resolved.
    pub contact_after_resolved: Duration,
    /// Stored answers to Idempotency-Keys.
    pub idempotency: Duration,
    /// Photos stripped per run (each is one UPDATE of up to 2 MiB).
    pub strip_batch: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            // The 30 days of "not fixed" (model::feedback::REOPEN_WINDOW_DAYS), then as long
            // again for the city to handle a late answer.
            contact_after_resolved: Duration::days(60),
            // The app retries a row under its key until it is answered; a phone can stay
            // offline for weeks between a lost answer and its retry.
            idempotency: Duration::days(30),
            strip_batch: 200,
        }
    }
}

/// What one purge did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// Reports whose contact details (and consent record) were removed.
    pub contacts: usize,
    pub idempotency_answers: usize,
    /// Photos of before migration 0008 stripped now.
    pub photos_stripped: usize,
    /// Photos deleted: no report holds them, or unreadable and never stripped.
    pub photos_deleted: usize,
}

/// The consent columns another part of the schema keeps next to the contact details (named
/// `consent_*` after `model::trust::consent`'s fields); read from the table, so the purge
/// removes them whatever migration added them.
pub(crate) fn consent_columns(conn: &Connection) -> Result<Vec<String>, DbError> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('requests')")?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(names
        .into_iter()
        .filter(|n| {
            n.starts_with("consent_") && n.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric())
        })
        .collect())
}

/// Runs the whole policy once as of `now`, in one transaction.
pub fn purge(
    conn: &mut Connection,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Purged, DbError> {
    let consent = consent_columns(conn)?;
    let tx = conn.transaction()?;
    let mut out = Purged::default();

    let mut set = String::from("contact = NULL");
    let mut held = String::from("contact IS NOT NULL");
    for c in &consent {
        set.push_str(&format!(", \"{c}\" = NULL"));
        held.push_str(&format!(" OR \"{c}\" IS NOT NULL"));
    }
    out.contacts = tx.execute(
        &format!(
            "UPDATE requests SET {set}
             WHERE ({held}) AND status IN ('resolved', 'closed')
               AND resolved_at IS NOT NULL AND resolved_at < ?1"
        ),
        [timestamp(now - policy.contact_after_resolved)],
    )?;

    out.idempotency_answers = tx.execute(
        "DELETE FROM idempotency WHERE created_at < ?1",
        [timestamp(now - policy.idempotency)],
    )?;

    out.photos_deleted = tx.execute(
        "DELETE FROM media WHERE NOT EXISTS (SELECT 1 FROM requests r WHERE r.id = media.request_id)",
        [],
    )?;

    let old: Vec<(String, String, Vec<u8>)> = {
        let mut stmt = tx.prepare(
            "SELECT id, content_type, bytes FROM media WHERE stripped = 0 ORDER BY created_at LIMIT ?1",
        )?;
        let batch = i64::try_from(policy.strip_batch).unwrap_or(i64::MAX);
        stmt.query_map([batch], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?
    };
    for (id, content_type, bytes) in old {
        match crate::photo_meta::strip(&bytes, &content_type) {
            Ok(clean) => {
                use sha2::Digest;
                let sha = hex::encode(sha2::Sha256::digest(&clean));
                tx.execute(
                    "UPDATE media SET bytes = ?2, sha256 = ?3, stripped = 1 WHERE id = ?1",
                    params![id, clean, sha],
                )?;
                out.photos_stripped += 1;
            }
            Err(err) => {
                tracing::warn!(%id, %err, "a photo stored before stripping cannot be read: deleted");
                out.photos_deleted += tx.execute("DELETE FROM media WHERE id = ?1", [&id])?;
            }
        }
    }
    tx.commit()?;
    Ok(out)
}
