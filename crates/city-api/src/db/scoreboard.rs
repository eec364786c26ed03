//! What the 766 scoreboard reads from the database: per ward and period, counts made by SQL
//! aggregates (one pass over each table, grouped by ward), never rows read into Rust. The
//! formulas are `model::index766`'s.
//!
//! Times are compared as the stored RFC 3339 text (`YYYY-MM-DDTHH:MM:SSZ`, what
//! `requests::timestamp` writes), which sorts as time does.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use model::index766::{DossierCounts, RatingCounts, ReportCounts, WardCounts};
use rusqlite::{Connection, named_params};

use super::DbError;
use super::requests::timestamp;

/// A period as stored text: what happened from `start` (inclusive) to `end` (exclusive), and
/// the moment `at` (its end, or now while it runs) by which an open item is within its
/// deadline or overdue.
pub struct Window {
    start: String,
    end: String,
    at: String,
}

impl Window {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>, at: DateTime<Utc>) -> Self {
        Self {
            start: timestamp(start),
            end: timestamp(end),
            at: timestamp(at),
        }
    }
}

/// What changes when anything the scoreboard counts changes: the reports' and dossiers'
/// change counters (a resolution's rating and a re-opening move the reports' too) and the
/// last ward rating.
pub fn data_version(conn: &Connection) -> Result<[i64; 3], DbError> {
    Ok(conn.query_row(
        "SELECT (SELECT coalesce(max(value), 0) FROM counters WHERE name = 'change_seq'),
                (SELECT coalesce(max(value), 0) FROM counters WHERE name = 'dossier_seq'),
                (SELECT coalesce(max(id), 0) FROM ward_ratings)",
        [],
        |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?]),
    )?)
}

fn n(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Dossiers received or in process in the window (received before its end, not finished
/// before its start), each finished or open as of its end.
const DOSSIERS: &str = "
SELECT ward_code,
       count(*),
       count(*) FILTER (WHERE done AND finished_at <= expected_at),
       count(*) FILTER (WHERE done AND finished_at > expected_at),
       count(*) FILTER (WHERE NOT done AND expected_at >= :at),
       count(*) FILTER (WHERE NOT done AND expected_at < :at),
       count(*) FILTER (WHERE submitted_at >= :start),
       count(*) FILTER (WHERE submitted_at >= :start AND channel IS NOT NULL),
       count(*) FILTER (WHERE submitted_at >= :start AND channel = 'online'),
       count(*) FILTER (WHERE done AND finished_at >= :start),
       count(*) FILTER (WHERE done AND finished_at >= :start AND result_electronic IS NOT NULL),
       count(*) FILTER (WHERE done AND finished_at >= :start AND result_electronic = 1)
FROM (SELECT *, coalesce(finished_at < :end, 0) AS done FROM dossiers {all_d}
      WHERE submitted_at < :end AND (finished_at IS NULL OR finished_at >= :start)
        {ward})
GROUP BY ward_code";

/// Reports first received in the window; on time when resolved (first) by their answer date,
/// or still open within it at the window's end.
const REPORTS: &str = "
SELECT ward_code,
       count(*),
       count(*) FILTER (WHERE expected_at IS NOT NULL),
       count(*) FILTER (WHERE expected_at IS NOT NULL AND on_time),
       count(*) FILTER (WHERE expected_at IS NOT NULL AND (NOT on_time OR unsatisfied OR reopened))
FROM (SELECT r.ward_code, r.expected_at,
             CASE WHEN r.resolved_at IS NOT NULL AND r.resolved_at < :end
                  THEN r.resolved_at <= r.expected_at
                  ELSE coalesce(r.expected_at >= :at, 0) END AS on_time,
             coalesce(g.satisfaction = 'unsatisfied' AND g.at < :end, 0) AS unsatisfied,
             EXISTS (SELECT 1 FROM request_events e
                      WHERE e.request_id = r.id AND e.status = 'reopened' AND e.at < :end)
                 AS reopened
      FROM requests r {all_r} LEFT JOIN request_ratings g ON g.request_id = r.id
      WHERE r.requested_at >= :start AND r.requested_at < :end AND r.ward_code IS NOT NULL
        {ward_r})
GROUP BY ward_code";

/// The ward ratings given in the window; a dislike has any element "không hài lòng".
const RATINGS: &str = "
SELECT ward_code, count(*),
       count(*) FILTER (WHERE 'unsatisfied' IN (access, procedures, officials, result, feedback))
FROM ward_ratings {all_w}
WHERE created_at >= :start AND created_at < :end {ward}
GROUP BY ward_code";

/// Every ward's counts in `w` (only `ward`'s when given); a ward with nothing is absent.
pub fn counts(
    conn: &Connection,
    w: &Window,
    ward: Option<&str>,
) -> Result<BTreeMap<String, WardCounts>, DbError> {
    let mut out: BTreeMap<String, WardCounts> = BTreeMap::new();
    // One ward's reads go through its index. All wards' are one pass each, told so: left to
    // itself SQLite walks the ward index to group without sorting, one random row read per
    // dossier (3.5 times slower, measured); reports and ratings are read by their time.
    let (only, only_r, all) = match ward {
        Some(_) => (
            "AND ward_code = :ward",
            "AND r.ward_code = :ward",
            ["", "", ""],
        ),
        None => (
            "",
            "",
            [
                "NOT INDEXED",
                "INDEXED BY requests_requested",
                "INDEXED BY ward_ratings_created",
            ],
        ),
    };
    let sql = |q: &str| {
        q.replace("{ward}", only)
            .replace("{ward_r}", only_r)
            .replace("{all_d}", all[0])
            .replace("{all_r}", all[1])
            .replace("{all_w}", all[2])
    };
    let mut args =
        named_params! {":start": w.start, ":end": w.end, ":at": w.at, ":ward": ward}.to_vec();
    if ward.is_none() {
        args.pop();
    }
    let mut stmt = conn.prepare(&sql(DOSSIERS))?;
    let mut rows = stmt.query(args.as_slice())?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().dossiers = DossierCounts {
            handled: n(r.get(1)?),
            finished_on_time: n(r.get(2)?),
            finished_late: n(r.get(3)?),
            open_in_time: n(r.get(4)?),
            open_overdue: n(r.get(5)?),
            received: n(r.get(6)?),
            received_channel_known: n(r.get(7)?),
            received_online: n(r.get(8)?),
            finished: n(r.get(9)?),
            finished_result_known: n(r.get(10)?),
            finished_result_electronic: n(r.get(11)?),
        };
    }
    let mut stmt = conn.prepare(&sql(REPORTS))?;
    let mut rows = stmt.query(args.as_slice())?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().reports = ReportCounts {
            received: n(r.get(1)?),
            with_due_date: n(r.get(2)?),
            on_time: n(r.get(3)?),
            not_satisfied: n(r.get(4)?),
        };
    }
    let mut stmt = conn.prepare(&sql(RATINGS))?;
    let mut rows = stmt.query(
        args.iter()
            .copied()
            .filter(|(name, _)| *name != ":at")
            .collect::<Vec<_>>()
            .as_slice(),
    )?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().ratings = RatingCounts {
            count: n(r.get(1)?),
            disliking: n(r.get(2)?),
        };
    }
    Ok(out)
}
