//! Per-ward statistics and citizens' ratings of their ward.

use model::ward_rating::{
    Answer, AnswerCounts, DossierStats, ELEMENTS, EarlierScaleStats, ElementAnswers, RatingStats,
    ReportStats, WardRating, WardStats,
};
use rusqlite::{Connection, Transaction, params};

use super::DbError;

/// Why a rating was not stored.
pub enum RateRefusal {
    AlreadyThisMonth,
}

/// Stores a rating unless this voter already rated this ward this month (on either scale: a
/// rating on the earlier 1–5 scale this month counts too).
pub fn insert_rating(
    tx: &Transaction<'_>,
    ward_code: &str,
    voter: &str,
    month: &str,
    rating: &WardRating,
    now: &str,
) -> Result<Result<(), RateRefusal>, DbError> {
    let earlier: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM ward_ratings_1to5
                         WHERE ward_code = ?1 AND device_id = ?2 AND month = ?3)",
        params![ward_code, voter, month],
        |r| r.get(0),
    )?;
    if earlier {
        return Ok(Err(RateRefusal::AlreadyThisMonth));
    }
    let [a, p, o, r, f] = rating.answers.map(|x| x.as_str());
    let added = tx.execute(
        "INSERT INTO ward_ratings (ward_code, device_id, month, access, procedures, officials,
             result, feedback, comment, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (ward_code, device_id, month) DO NOTHING",
        params![ward_code, voter, month, a, p, o, r, f, rating.comment, now],
    )?;
    Ok(if added == 1 {
        Ok(())
    } else {
        Err(RateRefusal::AlreadyThisMonth)
    })
}

/// The answers per element of the ratings `filter` selects (an SQL condition on
/// `ward_ratings` with parameters `args`).
pub fn answers(
    conn: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<RatingStats, DbError> {
    let mut sql = String::from("SELECT count(*)");
    for e in ELEMENTS {
        for a in Answer::ALL {
            sql.push_str(&format!(
                ", count(*) FILTER (WHERE {} = '{}')",
                e.as_str(),
                a.as_str()
            ));
        }
    }
    sql.push_str(&format!(" FROM ward_ratings WHERE {filter}"));
    Ok(conn.query_row(&sql, args, |r| {
        let n = count(r.get(0)?);
        let mut elements = Vec::new();
        if n > 0 {
            for (i, element) in ELEMENTS.into_iter().enumerate() {
                let at = 1 + 3 * i;
                elements.push(ElementAnswers {
                    element,
                    counts: AnswerCounts {
                        satisfied: count(r.get(at)?),
                        neutral: count(r.get(at + 1)?),
                        unsatisfied: count(r.get(at + 2)?),
                    },
                });
            }
        }
        Ok(RatingStats {
            count: n,
            elements,
            earlier_scale: None,
        })
    })?)
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
    let mut ratings = answers(conn, "ward_code = ?1", &[&ward_code])?;
    ratings.earlier_scale = conn.query_row(
        "SELECT count(*), avg(access), avg(procedures), avg(attitude), avg(result), avg(timeliness),
                avg((access + procedures + attitude + result + timeliness) / 5.0)
         FROM ward_ratings_1to5 WHERE ward_code = ?1",
        [ward_code],
        |r| {
            let n = count(r.get(0)?);
            let round = |v: Option<f64>| v.map_or(0.0, |x| (x * 100.0).round() / 100.0);
            Ok((n > 0).then(|| EarlierScaleStats {
                count: n,
                access: round(r.get(1).ok().flatten()),
                procedures: round(r.get(2).ok().flatten()),
                attitude: round(r.get(3).ok().flatten()),
                result: round(r.get(4).ok().flatten()),
                timeliness: round(r.get(5).ok().flatten()),
                overall: round(r.get(6).ok().flatten()),
            }))
        },
    )?;
    Ok(WardStats {
        ward_code: ward_code.to_owned(),
        reports,
        dossiers,
        ratings,
    })
}
