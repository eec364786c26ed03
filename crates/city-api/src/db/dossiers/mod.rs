//! Administrative dossiers: lookup by code + check value, what changed since a cursor (the
//! app's background sync), the back office's moves, and the demo set ([`seed`]).
//!
//! A state read from the database that this build does not know reads as
//! [`DossierStatus::Other`]: a city may import dossiers with states of its own.

pub mod deadline;
mod seed;

pub use seed::{DEMO_DOSSIERS, new_check_value, note, seed_dossiers, seed_many_dossiers, vietnam};

use chrono::{DateTime, Utc};
use model::dossier::{Dossier, DossierEvent, DossierStatus, SupplementRequest};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::DbError;
use super::requests::timestamp;

/// One step of a dossier's timeline, as written.
pub struct Step<'a> {
    pub code: &'a str,
    pub status: DossierStatus,
    pub note_vi: &'a str,
    pub note_en: &'a str,
    /// What was asked for, on a "needs more papers" step.
    pub supplement: Option<&'a SupplementRequest>,
    pub at: DateTime<Utc>,
}

/// The next number of the dossiers' change counter (not the reports': their cursors differ).
fn next_seq(tx: &Transaction<'_>) -> Result<i64, DbError> {
    Ok(tx.query_row(
        "UPDATE counters SET value = value + 1 WHERE name = 'dossier_seq' RETURNING value",
        [],
        |r| r.get(0),
    )?)
}

/// The highest change sequence handed out: the cursor of an answer that saw every change.
pub fn high_water(conn: &Connection) -> Result<i64, DbError> {
    Ok(conn.query_row(
        "SELECT value FROM counters WHERE name = 'dossier_seq'",
        [],
        |r| r.get(0),
    )?)
}

fn add_event(tx: &Transaction<'_>, step: &Step<'_>) -> Result<(), DbError> {
    let supplement = step.supplement.map(serde_json::to_string).transpose()?;
    tx.execute(
        "INSERT INTO dossier_events (dossier, at, status, note_vi, note_en, supplement)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            step.code,
            timestamp(step.at),
            step.status.as_str(),
            step.note_vi,
            step.note_en,
            supplement
        ],
    )?;
    Ok(())
}

/// A dossier's state and agency, for the back office (which holds the staff key, not the
/// check value); `None` for an unknown code.
pub fn state_of(conn: &Connection, code: &str) -> Result<Option<(DossierStatus, String)>, DbError> {
    Ok(conn
        .query_row(
            "SELECT status, agency FROM dossiers WHERE code = ?1",
            [code],
            |r| Ok((DossierStatus::from_wire(&r.get::<_, String>(0)?), r.get(1)?)),
        )
        .optional()?)
}

/// Records a move in the caller's transaction: the timeline step, the dossier's state, its
/// finish time (the first time it reaches a finished state), its deadline (moved when a wait
/// for the citizen ends) and a new change sequence, so the app's next sync sees it.
pub fn record_move(tx: &Transaction<'_>, step: &Step<'_>) -> Result<(), DbError> {
    let expected = moved_deadline(tx, step)?;
    add_event(tx, step)?;
    let finished = step.status.is_finished().then(|| timestamp(step.at));
    let seq = next_seq(tx)?;
    tx.execute(
        "UPDATE dossiers SET status = ?2, finished_at = coalesce(finished_at, ?3), change_seq = ?4,
             expected_at = coalesce(?5, expected_at)
         WHERE code = ?1",
        params![step.code, step.status.as_str(), finished, seq, expected],
    )?;
    Ok(())
}

/// The new deadline when `step` ends a wait for the citizen: moved by the working days waited
/// since the step that started it ([`deadline`]); `None` when it does not move.
fn moved_deadline(tx: &Transaction<'_>, step: &Step<'_>) -> Result<Option<String>, DbError> {
    let row: Option<(String, String, Option<String>)> = tx
        .query_row(
            "SELECT d.status, d.expected_at,
                    (SELECT at FROM dossier_events e WHERE e.dossier = d.code ORDER BY e.id DESC LIMIT 1)
             FROM dossiers d WHERE d.code = ?1",
            [step.code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((status, expected, Some(since))) = row else {
        return Ok(None);
    };
    if !DossierStatus::from_wire(&status).waits_for_citizen() {
        return Ok(None);
    }
    let parse = |t: &str| DateTime::parse_from_rfc3339(t).map(|t| t.with_timezone(&Utc));
    match (parse(&expected), parse(&since)) {
        (Ok(due), Ok(since)) => Ok(Some(timestamp(deadline::extend(due, since, step.at)))),
        _ => {
            // A city's own import in another time format: the deadline stays as stored.
            tracing::warn!(
                code = step.code,
                "deadline not moved: unreadable stored time"
            );
            Ok(None)
        }
    }
}

/// The stored row: its check value, change sequence and the dossier without its timeline.
struct Row {
    check: String,
    change_seq: i64,
    dossier: Dossier,
}

fn row(conn: &Connection, code: &str, english: bool) -> Result<Option<Row>, DbError> {
    Ok(conn
        .query_row(
            "SELECT d.check_value, d.change_seq, d.procedure_code, d.procedure_vi,
                    d.procedure_en, d.field, d.agency, d.ward_code, coalesce(w.name, ''),
                    d.status, d.submitted_at, d.expected_at, d.finished_at
             FROM dossiers d LEFT JOIN wards w ON w.code = d.ward_code WHERE d.code = ?1",
            [code],
            |r| {
                Ok(Row {
                    check: r.get(0)?,
                    change_seq: r.get(1)?,
                    dossier: Dossier {
                        code: code.to_owned(),
                        procedure_code: r.get(2)?,
                        procedure: if english { r.get(4)? } else { r.get(3)? },
                        field: r.get(5)?,
                        agency: r.get(6)?,
                        ward_code: r.get(7)?,
                        ward_name: r.get(8)?,
                        status: DossierStatus::from_wire(&r.get::<_, String>(9)?),
                        submitted_at: r.get(10)?,
                        expected_at: r.get(11)?,
                        finished_at: r.get(12)?,
                        on_time: None,
                        timeline: Vec::new(),
                        supplement: None,
                    },
                })
            },
        )
        .optional()?)
}

/// Whether `check` opens a dossier whose stored check value is `stored`. Compared in constant
/// time, and an unknown code does the same work, so timing tells codes apart no better than
/// the answers do.
fn opens(stored: Option<&str>, check: &str) -> bool {
    match stored {
        Some(stored) => constant_time_eq::constant_time_eq(stored.as_bytes(), check.as_bytes()),
        None => {
            let _ = constant_time_eq::constant_time_eq(check.as_bytes(), b"------");
            false
        }
    }
}

/// Adds what the row does not hold: on time or not, the timeline, and what a pending "needs
/// more papers" step asked for.
fn complete(conn: &Connection, d: &mut Dossier, english: bool) -> Result<(), DbError> {
    // RFC 3339 UTC strings of one format compare in time order.
    d.on_time = d
        .finished_at
        .as_ref()
        .map(|f| f.as_str() <= d.expected_at.as_str());
    let mut stmt = conn.prepare(
        "SELECT at, status, note_vi, note_en, supplement FROM dossier_events
         WHERE dossier = ?1 ORDER BY id",
    )?;
    let mut last_supplement = None;
    d.timeline = stmt
        .query_map([&d.code], |r| {
            Ok((
                DossierEvent {
                    at: r.get(0)?,
                    status: DossierStatus::from_wire(&r.get::<_, String>(1)?),
                    note: if english { r.get(3)? } else { r.get(2)? },
                },
                r.get::<_, Option<String>>(4)?,
            ))
        })?
        .map(|e| {
            e.map(|(event, supplement)| {
                if event.status == DossierStatus::SupplementRequested {
                    last_supplement = supplement;
                }
                event
            })
        })
        .collect::<Result<_, _>>()?;
    if d.status == DossierStatus::SupplementRequested {
        // Written by this server as the type; a city's own import may hold something else,
        // which must not make the dossier unreadable.
        d.supplement = last_supplement.and_then(|json| match serde_json::from_str(&json) {
            Ok(s) => Some(s),
            Err(err) => {
                tracing::warn!(code = %d.code, %err, "stored supplement request unreadable");
                None
            }
        });
    }
    Ok(())
}

/// A dossier, if `code` exists and `check` matches. Both failures look the same to the caller,
/// so the answer never confirms that a code exists.
pub fn lookup(
    conn: &Connection,
    code: &str,
    check: &str,
    english: bool,
) -> Result<Option<Dossier>, DbError> {
    let found = row(conn, code, english)?;
    if !opens(found.as_ref().map(|r| r.check.as_str()), check) {
        return Ok(None);
    }
    let Some(Row { mut dossier, .. }) = found else {
        return Ok(None);
    };
    complete(conn, &mut dossier, english)?;
    Ok(Some(dossier))
}

/// A dossier by its code alone, for the back office (which holds the staff key).
pub fn get(conn: &Connection, code: &str, english: bool) -> Result<Option<Dossier>, DbError> {
    let Some(Row { mut dossier, .. }) = row(conn, code, english)? else {
        return Ok(None);
    };
    complete(conn, &mut dossier, english)?;
    Ok(Some(dossier))
}

/// What one tracked (code, check) pair gets in a sync; `W` says which wrong pair it was.
#[derive(Debug)]
pub enum Tracked<W = ()> {
    /// No dossier has this code and check value (either may be wrong: the same answer).
    NotFound(W),
    Unchanged,
    Changed(Box<Dossier>),
}

/// The dossier of a tracked pair if it changed after `after`.
pub fn changed_since(
    conn: &Connection,
    code: &str,
    check: &str,
    after: i64,
    english: bool,
) -> Result<Tracked, DbError> {
    let found = row(conn, code, english)?;
    if !opens(found.as_ref().map(|r| r.check.as_str()), check) {
        return Ok(Tracked::NotFound(()));
    }
    match found {
        Some(r) if r.change_seq > after => {
            let mut dossier = r.dossier;
            complete(conn, &mut dossier, english)?;
            Ok(Tracked::Changed(Box::new(dossier)))
        }
        Some(_) => Ok(Tracked::Unchanged),
        None => Ok(Tracked::NotFound(())),
    }
}

/// A few codes with their check values, for the operator's log and the tests.
pub fn samples(conn: &Connection, n: usize) -> Result<Vec<(String, String)>, DbError> {
    let mut stmt =
        conn.prepare("SELECT code, check_value FROM dossiers ORDER BY rowid LIMIT ?1")?;
    Ok(stmt
        .query_map([n as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?)
}
