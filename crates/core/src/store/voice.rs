//! The city's surveys and announcements on this device (migration 0014): the last checked lists
//! per city address with their ETags, every survey seen with its published results, the
//! citizen's answers with their own small outbox (a survey answer belongs to no report, so it
//! does not ride in `outbox`, whose rows are bound to reports), and which urgent announcements
//! were already notified.

use model::delivery::{Refusal, RetryReason};
use rusqlite::{OptionalExtension, params};

use super::Store;

/// The lists pulled for the voice screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoiceResource {
    /// `GET /api/v1/surveys?ward=`: the surveys open now.
    Surveys,
    /// `GET /api/v1/announcements?ward=`.
    Announcements,
}

impl VoiceResource {
    /// The `voice_copies.resource` value (its CHECK lists the same two).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Surveys => "surveys",
            Self::Announcements => "announcements",
        }
    }
}

/// A kept list: its checked body, the ward it was asked for ("" for none), ETag and time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoiceCopy {
    pub ward: String,
    pub body: String,
    pub etag: Option<String>,
    pub pulled_at: String,
}

/// A survey kept on this device, with its results once published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyRow {
    pub json: String,
    pub results_json: Option<String>,
}

/// Where the citizen's saved answer is on its way to the city.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerDelivery {
    Queued,
    Sent,
    NeedsAttention,
}

impl AnswerDelivery {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "queued" => Some(Self::Queued),
            "sent" => Some(Self::Sent),
            "needs_attention" => Some(Self::NeedsAttention),
            _ => None,
        }
    }
}

/// The citizen's answer to one survey as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerRow {
    pub survey_id: i64,
    /// What is being typed (not sent).
    pub draft: Option<String>,
    /// The answer saved to be sent (or sent).
    pub answer: Option<String>,
    pub delivery: Option<AnswerDelivery>,
    /// Why the city refused it (`Refusal`'s wire name), when it did.
    pub refusal: Option<Refusal>,
    /// When the city counted the last answer sent (RFC 3339).
    pub counted_at: Option<String>,
    /// How many answers the city counted (the first and each change).
    pub sends_counted: i64,
}

/// A saved answer due to be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueAnswer {
    pub survey_id: i64,
    pub answer: String,
    pub idempotency_key: String,
    pub attempts: u32,
}

const ANSWER_COLUMNS: &str =
    "survey_id, draft, answer, state, last_error, counted_at, sends_counted";

fn answer_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AnswerRow> {
    let state: Option<String> = r.get(3)?;
    let error: Option<String> = r.get(4)?;
    let delivery = state.as_deref().and_then(AnswerDelivery::parse);
    Ok(AnswerRow {
        survey_id: r.get(0)?,
        draft: r.get(1)?,
        answer: r.get(2)?,
        delivery,
        refusal: (delivery == Some(AnswerDelivery::NeedsAttention))
            .then(|| error.as_deref().and_then(Refusal::parse))
            .flatten(),
        counted_at: r.get(5)?,
        sends_counted: r.get(6)?,
    })
}

impl Store {
    pub fn voice_copy(
        &self,
        resource: VoiceResource,
        api_base: &str,
    ) -> rusqlite::Result<Option<VoiceCopy>> {
        self.conn
            .query_row(
                "SELECT ward, body, etag, pulled_at FROM voice_copies
                 WHERE resource = ?1 AND api_base = ?2",
                params![resource.as_str(), api_base],
                |r| {
                    Ok(VoiceCopy {
                        ward: r.get(0)?,
                        body: r.get(1)?,
                        etag: r.get(2)?,
                        pulled_at: r.get(3)?,
                    })
                },
            )
            .optional()
    }

    /// Keeps a checked list (replacing the one before).
    pub fn save_voice_copy(
        &self,
        resource: VoiceResource,
        api_base: &str,
        copy: &VoiceCopy,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO voice_copies (resource, api_base, ward, body, etag, pulled_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (resource, api_base) DO UPDATE
             SET ward = excluded.ward, body = excluded.body, etag = excluded.etag,
                 pulled_at = excluded.pulled_at",
            params![
                resource.as_str(),
                api_base,
                copy.ward,
                copy.body,
                copy.etag,
                copy.pulled_at
            ],
        )?;
        Ok(())
    }

    /// The city said our list is current (304): only its time moves.
    pub fn mark_voice_copy_fresh(
        &self,
        resource: VoiceResource,
        api_base: &str,
        now: &str,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE voice_copies SET pulled_at = ?3 WHERE resource = ?1 AND api_base = ?2",
            params![resource.as_str(), api_base, now],
        )?;
        Ok(())
    }

    /// Keeps a survey as the city last described it (its results are kept).
    pub fn save_survey(
        &self,
        api_base: &str,
        id: i64,
        json: &str,
        now: &str,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO surveys (api_base, id, json, pulled_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (api_base, id) DO UPDATE SET json = excluded.json,
                 pulled_at = excluded.pulled_at",
            params![api_base, id, json, now],
        )?;
        Ok(())
    }

    pub fn save_survey_results(&self, api_base: &str, id: i64, json: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE surveys SET results_json = ?3 WHERE api_base = ?1 AND id = ?2",
            params![api_base, id, json],
        )?;
        Ok(())
    }

    pub fn survey(&self, api_base: &str, id: i64) -> rusqlite::Result<Option<SurveyRow>> {
        self.conn
            .query_row(
                "SELECT json, results_json FROM surveys WHERE api_base = ?1 AND id = ?2",
                params![api_base, id],
                |r| {
                    Ok(SurveyRow {
                        json: r.get(0)?,
                        results_json: r.get(1)?,
                    })
                },
            )
            .optional()
    }

    /// Every survey kept for `api_base`, newest id first.
    pub fn surveys(&self, api_base: &str) -> rusqlite::Result<Vec<(i64, SurveyRow)>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, json, results_json FROM surveys WHERE api_base = ?1 ORDER BY id DESC",
        )?;
        stmt.query_map([api_base], |r| {
            Ok((
                r.get(0)?,
                SurveyRow {
                    json: r.get(1)?,
                    results_json: r.get(2)?,
                },
            ))
        })?
        .collect()
    }

    /// Surveys the citizen answered (counted) whose results are not kept yet: asked about
    /// until the city publishes them.
    pub fn surveys_awaiting_results(&self, api_base: &str) -> rusqlite::Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id FROM surveys s JOIN survey_answers a
                 ON a.api_base = s.api_base AND a.survey_id = s.id
             WHERE s.api_base = ?1 AND s.results_json IS NULL AND a.sends_counted > 0
             ORDER BY s.id",
        )?;
        stmt.query_map([api_base], |r| r.get(0))?.collect()
    }

    pub fn survey_answer(
        &self,
        api_base: &str,
        survey_id: i64,
    ) -> rusqlite::Result<Option<AnswerRow>> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {ANSWER_COLUMNS} FROM survey_answers
                     WHERE api_base = ?1 AND survey_id = ?2"
                ),
                params![api_base, survey_id],
                answer_row,
            )
            .optional()
    }

    pub fn survey_answers(&self, api_base: &str) -> rusqlite::Result<Vec<AnswerRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ANSWER_COLUMNS} FROM survey_answers WHERE api_base = ?1"
        ))?;
        stmt.query_map([api_base], answer_row)?.collect()
    }

    /// Keeps what the citizen is typing (nothing is sent).
    pub fn save_answer_draft(
        &self,
        api_base: &str,
        survey_id: i64,
        draft: &str,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO survey_answers (api_base, survey_id, draft) VALUES (?1, ?2, ?3)
             ON CONFLICT (api_base, survey_id) DO UPDATE SET draft = excluded.draft",
            params![api_base, survey_id, draft],
        )?;
        Ok(())
    }

    /// Saves a checked answer to be sent, under a new Idempotency-Key (a change is a new
    /// request), the draft cleared; committed before it returns.
    pub fn queue_survey_answer(
        &self,
        api_base: &str,
        survey_id: i64,
        answer: &str,
        now_ms: i64,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO survey_answers (api_base, survey_id, draft, answer, idempotency_key,
                 state, attempts, next_attempt_ms, last_error, last_field, saved_ms)
             VALUES (?1, ?2, NULL, ?3, ?4, 'queued', 0, ?5, NULL, NULL, ?5)
             ON CONFLICT (api_base, survey_id) DO UPDATE SET draft = NULL,
                 answer = excluded.answer, idempotency_key = excluded.idempotency_key,
                 state = 'queued', attempts = 0, next_attempt_ms = excluded.next_attempt_ms,
                 last_error = NULL, last_field = NULL, saved_ms = excluded.saved_ms",
            params![
                api_base,
                survey_id,
                answer,
                uuid::Uuid::new_v4().to_string(),
                now_ms
            ],
        )?;
        Ok(())
    }

    /// Saved answers of `api_base` due at `now_ms`, oldest first.
    pub fn due_survey_answers(
        &self,
        api_base: &str,
        now_ms: i64,
        limit: usize,
    ) -> rusqlite::Result<Vec<DueAnswer>> {
        let mut stmt = self.conn.prepare(
            "SELECT survey_id, answer, idempotency_key, attempts FROM survey_answers
             WHERE api_base = ?1 AND state = 'queued' AND next_attempt_ms <= ?2
                   AND answer IS NOT NULL AND idempotency_key IS NOT NULL
             ORDER BY saved_ms, survey_id LIMIT ?3",
        )?;
        stmt.query_map(
            params![api_base, now_ms, i64::try_from(limit).unwrap_or(i64::MAX)],
            |r| {
                Ok(DueAnswer {
                    survey_id: r.get(0)?,
                    answer: r.get(1)?,
                    idempotency_key: r.get(2)?,
                    attempts: u32::try_from(r.get::<_, i64>(3)?).unwrap_or(u32::MAX),
                })
            },
        )?
        .collect()
    }

    /// When the next saved answer of `api_base` is due, if one is queued.
    pub fn next_answer_due_ms(&self, api_base: &str) -> rusqlite::Result<Option<i64>> {
        self.conn.query_row(
            "SELECT MIN(next_attempt_ms) FROM survey_answers
             WHERE api_base = ?1 AND state = 'queued'",
            [api_base],
            |r| r.get(0),
        )
    }

    /// The city counted the answer sent under `key` (a later change, under another key, stays
    /// queued).
    pub fn record_answer_counted(
        &self,
        api_base: &str,
        survey_id: i64,
        key: &str,
        counted_at: &str,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE survey_answers SET state = 'sent', counted_at = ?4, last_error = NULL,
                 last_field = NULL, sends_counted = sends_counted + 1
             WHERE api_base = ?1 AND survey_id = ?2 AND idempotency_key = ?3",
            params![api_base, survey_id, key, counted_at],
        )?;
        Ok(())
    }

    pub fn record_answer_retry(
        &self,
        api_base: &str,
        survey_id: i64,
        key: &str,
        next_ms: i64,
        reason: RetryReason,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE survey_answers SET next_attempt_ms = ?4, last_error = ?5,
                 attempts = attempts + 1
             WHERE api_base = ?1 AND survey_id = ?2 AND idempotency_key = ?3",
            params![api_base, survey_id, key, next_ms, reason.to_string()],
        )?;
        Ok(())
    }

    pub fn record_answer_refused(
        &self,
        api_base: &str,
        survey_id: i64,
        key: &str,
        reason: Refusal,
        field: Option<&str>,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE survey_answers SET state = 'needs_attention', last_error = ?4,
                 last_field = ?5, attempts = attempts + 1
             WHERE api_base = ?1 AND survey_id = ?2 AND idempotency_key = ?3",
            params![api_base, survey_id, key, reason.as_str(), field],
        )?;
        Ok(())
    }

    /// The link is back: answers that waited only for a network are due now.
    pub fn wake_offline_answers(&self, now_ms: i64) -> rusqlite::Result<usize> {
        self.conn.execute(
            "UPDATE survey_answers SET next_attempt_ms = ?1
             WHERE state = 'queued' AND last_error = ?2 AND next_attempt_ms > ?1",
            params![now_ms, RetryReason::Offline.to_string()],
        )
    }

    /// Records that urgent announcement `id` is being notified; false when it already was
    /// (each one is notified at most once, even across restarts).
    pub fn mark_announcement_notified(
        &self,
        api_base: &str,
        id: i64,
        now: &str,
    ) -> rusqlite::Result<bool> {
        let inserted = self.conn.execute(
            "INSERT OR IGNORE INTO announcements_notified (api_base, id, notified_at)
             VALUES (?1, ?2, ?3)",
            params![api_base, id, now],
        )?;
        Ok(inserted == 1)
    }

    /// The citizen opened announcement `id` (the first time is kept).
    pub fn mark_announcement_read(
        &self,
        api_base: &str,
        id: i64,
        now: &str,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO announcements_read (api_base, id, read_at) VALUES (?1, ?2, ?3)",
            params![api_base, id, now],
        )?;
        Ok(())
    }

    /// Whether the citizen opened announcement `id`.
    pub fn announcement_read(&self, api_base: &str, id: i64) -> rusqlite::Result<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM announcements_read WHERE api_base = ?1 AND id = ?2",
                params![api_base, id],
                |_| Ok(()),
            )
            .optional()
            .map(|r| r.is_some())
    }
}
