//! Per-ward statistics and citizens' ratings of their ward.

use model::ward_rating::{DossierStats, RatingStats, ReportStats, WardRating, WardStats};
use rusqlite::{Connection, Transaction, params};

use super::DbError;

/// Why a rating was not stored.
pub enum RateRefusal {
    AlreadyThisMonth,
}

/// Stores a rating unless this device already rated this ward this month.
pub fn insert_rating(
    tx: &Transaction<'_>,
    ward_code: &str,
    device_id: &str,
    month: &str,
    rating: &WardRating,
    now: &str,
) -> Result<Result<(), RateRefusal>, DbError> {
    let [a, p, s, r, t] = rating.scores.map(u8::from);
    let added = tx.execute(
        "INSERT INTO ward_ratings (ward_code, device_id, month, access, procedures, attitude,
             result, timeliness, comment, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (ward_code, device_id, month) DO NOTHING",
        params![
            ward_code,
            device_id,
            month,
            a,
            p,
            s,
            r,
            t,
            rating.comment,
            now
        ],
    )?;
    Ok(if added == 1 {
        Ok(())
    } else {
        Err(RateRefusal::AlreadyThisMonth)
    })
}

fn count(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub fn stats(conn: &Connection, ward_code: &str) -> Result<WardStats, DbError> {
    let reports = conn.query_row(
        "SELECT count(*),
                count(*) FILTER (WHERE status IN ('resolved', 'closed')),
                count(*) FILTER (WHERE status IN ('resolved', 'closed')
                                   AND resolved_at IS NOT NULL AND resolved_at <= expected_at),
                (SELECT count(*) FROM request_ratings g JOIN requests q ON q.id = g.request_id
                  WHERE q.ward_code = ?1),
                (SELECT count(*) FROM request_ratings g JOIN requests q ON q.id = g.request_id
                  WHERE q.ward_code = ?1 AND g.satisfaction = 'satisfied'),
                count(*) FILTER (WHERE status IN ('resolved', 'closed') AND expected_at IS NOT NULL)
         FROM requests WHERE ward_code = ?1",
        [ward_code],
        |r| {
            let rated: i64 = r.get(3)?;
            let satisfied: i64 = r.get(4)?;
            Ok(ReportStats {
                received: count(r.get(0)?),
                resolved: count(r.get(1)?),
                resolved_on_time: count(r.get(2)?),
                resolved_with_due_date: count(r.get(5)?),
                satisfied_share: (rated > 0).then(|| satisfied as f64 / rated as f64),
            })
        },
    )?;
    let dossiers = conn.query_row(
        "SELECT count(*),
                count(*) FILTER (WHERE finished_at IS NOT NULL),
                count(*) FILTER (WHERE finished_at IS NOT NULL AND finished_at <= expected_at)
         FROM dossiers WHERE ward_code = ?1",
        [ward_code],
        |r| {
            Ok(DossierStats {
                received: count(r.get(0)?),
                finished: count(r.get(1)?),
                finished_on_time: count(r.get(2)?),
            })
        },
    )?;
    let ratings = conn.query_row(
        "SELECT count(*), avg(access), avg(procedures), avg(attitude), avg(result), avg(timeliness),
                avg((access + procedures + attitude + result + timeliness) / 5.0)
         FROM ward_ratings WHERE ward_code = ?1",
        [ward_code],
        |r| {
            let round = |v: Option<f64>| v.map(|x| (x * 100.0).round() / 100.0);
            Ok(RatingStats {
                count: count(r.get(0)?),
                access: round(r.get(1)?),
                procedures: round(r.get(2)?),
                attitude: round(r.get(3)?),
                result: round(r.get(4)?),
                timeliness: round(r.get(5)?),
                overall: round(r.get(6)?),
            })
        },
    )?;
    Ok(WardStats {
        ward_code: ward_code.to_owned(),
        reports,
        dossiers,
        ratings,
    })
}
