//! The citizen's ward ratings and the scoreboards kept offline (migration 0015).
//!
//! A rating is saved here with its Idempotency-Key in one statement before the UI says
//! "saved", and sent from here by the worker (`sync::worker`, outbox kind `WardRating`). Each
//! is bound to the city API address it was given for: sent only there, and only that city's
//! answer recorded. One per ward and month per address: the month it was given in, and the
//! month the city counted it for once it answered (they differ when it waited offline past a
//! month's end).

use model::delivery::{Refusal, RetryReason};
use model::rating_dto::RatingState;
use rusqlite::params;

use super::Store;
use super::copies::CopyTable;
use super::outbox::to_json;

/// A rating as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingRow {
    pub id: i64,
    pub ward_code: String,
    pub given_month: String,
    pub form: Vec<(String, String)>,
    pub idempotency_key: String,
    pub state: RatingState,
    pub counted_month: Option<String>,
    pub attempts: u32,
    /// A `RetryReason` while queued, the `Refusal` when it needs attention.
    pub last_error: Option<String>,
}

/// How an attempt to send a rating ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RatingEnd {
    Counted { month: String },
    AlreadyCounted { month: String },
    Retry { next_ms: i64, reason: RetryReason },
    Refused(Refusal),
}

/// Why a rating was not saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotSaved {
    /// This address already has this ward's rating of `month` (given or counted then).
    AlreadyThisMonth,
}

const COLUMNS: &str = "id, ward_code, given_month, form, idempotency_key, state, counted_month, \
    attempts, last_error";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<RatingRow>> {
    let form: String = r.get(3)?;
    let state: String = r.get(5)?;
    let (Ok(form), Some(state)) = (
        serde_json::from_str::<Vec<(String, String)>>(&form),
        RatingState::parse(&state),
    ) else {
        return Ok(None);
    };
    Ok(Some(RatingRow {
        id: r.get(0)?,
        ward_code: r.get(1)?,
        given_month: r.get(2)?,
        form,
        idempotency_key: r.get(4)?,
        state,
        counted_month: r.get(6)?,
        attempts: u32::try_from(r.get::<_, i64>(7)?).unwrap_or(u32::MAX),
        last_error: r.get(8)?,
    }))
}

/// A copy of a scoreboard the city served (see `copies.rs`).
pub type ScoreCopy = super::copies::CityCopy;

impl Store {
    /// Saves a rating of `ward_code` given in `month` for the city at `api_base`, queued to be
    /// sent now. Refused when this address already holds a rating of the ward given in that
    /// month or counted for it (one the city refused for another reason is replaced).
    pub fn save_ward_rating(
        &mut self,
        api_base: &str,
        ward_code: &str,
        month: &str,
        form: &[(String, String)],
        now_ms: i64,
    ) -> rusqlite::Result<Result<i64, NotSaved>> {
        let form = to_json(&form)?;
        let tx = self.conn.transaction()?;
        let held: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM ward_ratings WHERE api_base = ?1 AND ward_code = ?2
                 AND state != 'needs_attention' AND (given_month = ?3 OR counted_month = ?3))",
            params![api_base, ward_code, month],
            |r| r.get(0),
        )?;
        if held {
            return Ok(Err(NotSaved::AlreadyThisMonth));
        }
        tx.execute(
            "DELETE FROM ward_ratings WHERE api_base = ?1 AND ward_code = ?2 AND given_month = ?3",
            params![api_base, ward_code, month],
        )?;
        tx.execute(
            "INSERT INTO ward_ratings (api_base, ward_code, given_month, form, idempotency_key,
                 state, next_attempt_ms, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?6)",
            params![
                api_base,
                ward_code,
                month,
                form,
                uuid::Uuid::new_v4().to_string(),
                now_ms
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Ok(id))
    }

    /// This address's ratings of a ward, the latest first.
    pub fn ward_ratings(
        &self,
        api_base: &str,
        ward_code: &str,
    ) -> rusqlite::Result<Vec<RatingRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM ward_ratings WHERE api_base = ?1 AND ward_code = ?2
             ORDER BY given_month DESC, id DESC"
        ))?;
        let rows = stmt.query_map(params![api_base, ward_code], row)?;
        rows.filter_map(Result::transpose).collect()
    }

    /// Ratings due to be sent to `api_base`, oldest first.
    pub fn due_ward_ratings(
        &self,
        api_base: &str,
        now_ms: i64,
        limit: usize,
    ) -> rusqlite::Result<Vec<RatingRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM ward_ratings
             WHERE state = 'queued' AND api_base = ?1 AND next_attempt_ms <= ?2
             ORDER BY next_attempt_ms, id LIMIT ?3"
        ))?;
        let rows = stmt.query_map(
            params![api_base, now_ms, i64::try_from(limit).unwrap_or(i64::MAX)],
            row,
        )?;
        rows.filter_map(Result::transpose).collect()
    }

    /// When the next queued rating for `api_base` is due, if any.
    pub fn next_ward_rating_due(&self, api_base: &str) -> rusqlite::Result<Option<i64>> {
        self.conn.query_row(
            "SELECT min(next_attempt_ms) FROM ward_ratings WHERE state = 'queued' AND api_base = ?1",
            [api_base],
            |r| r.get(0),
        )
    }

    /// Records how an attempt ended, in one statement.
    pub fn record_ward_rating(
        &self,
        id: i64,
        end: &RatingEnd,
        now_ms: i64,
    ) -> rusqlite::Result<()> {
        match end {
            RatingEnd::Counted { month } | RatingEnd::AlreadyCounted { month } => {
                let state = if matches!(end, RatingEnd::Counted { .. }) {
                    RatingState::Counted
                } else {
                    RatingState::AlreadyCounted
                };
                self.conn.execute(
                    "UPDATE ward_ratings SET state = ?2, counted_month = ?3, sent_ms = ?4,
                         attempts = attempts + 1, last_error = NULL
                     WHERE id = ?1",
                    params![id, state.as_str(), month, now_ms],
                )?;
            }
            RatingEnd::Retry { next_ms, reason } => {
                self.conn.execute(
                    "UPDATE ward_ratings SET next_attempt_ms = ?2, last_error = ?3,
                         attempts = attempts + 1
                     WHERE id = ?1 AND state = 'queued'",
                    params![id, next_ms, reason.to_string()],
                )?;
            }
            RatingEnd::Refused(why) => {
                self.conn.execute(
                    "UPDATE ward_ratings SET state = 'needs_attention', last_error = ?2,
                         attempts = attempts + 1
                     WHERE id = ?1",
                    params![id, why.as_str()],
                )?;
            }
        }
        Ok(())
    }

    /// The link is back: ratings that waited only for a network are due now.
    pub(super) fn wake_offline_ratings(&self, now_ms: i64) -> rusqlite::Result<usize> {
        self.conn.execute(
            "UPDATE ward_ratings SET next_attempt_ms = ?1
             WHERE state = 'queued' AND last_error = ?2 AND next_attempt_ms > ?1",
            params![now_ms, RetryReason::Offline.to_string()],
        )
    }

    /// The kept scoreboard `resource` of `api_base`.
    pub fn score_copy(
        &self,
        resource: &str,
        api_base: &str,
    ) -> rusqlite::Result<Option<ScoreCopy>> {
        self.city_copy(CopyTable::Scoreboard, resource, api_base)
    }

    /// Keeps a checked scoreboard (replacing the one before).
    pub fn save_score_copy(
        &self,
        resource: &str,
        api_base: &str,
        body: &str,
        etag: Option<&str>,
        now: &str,
    ) -> rusqlite::Result<()> {
        self.save_city_copy(CopyTable::Scoreboard, resource, api_base, body, etag, now)
    }

    /// The city said the kept copy is current (304): only its time moves.
    pub fn mark_score_copy_fresh(
        &self,
        resource: &str,
        api_base: &str,
        now: &str,
    ) -> rusqlite::Result<()> {
        self.mark_city_copy_fresh(CopyTable::Scoreboard, resource, api_base, now)
    }
}
