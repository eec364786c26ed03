//! Surveys and their answers. A survey's spec is kept as JSON (`model::survey::SurveySpec`) and
//! frozen once it opens; answers (`model::survey::answer::SurveyAnswer`) one per voter.

use chrono::{DateTime, Utc};
use model::WardCode;
use model::survey::answer::SurveyAnswer;
use model::survey::{Survey, SurveySpec, SurveyState};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::DbError;
use super::requests::timestamp;

fn read(id: i64, state: &str, spec: &str) -> Result<Survey, DbError> {
    let spec: SurveySpec = serde_json::from_str(spec)?;
    // The column's CHECK holds it to the four names.
    let state = SurveyState::parse(state).unwrap_or(SurveyState::Draft);
    Ok(Survey::new(id, state, spec))
}

/// Stores a new draft; its id.
pub fn insert(tx: &Transaction<'_>, spec: &SurveySpec, now: DateTime<Utc>) -> Result<i64, DbError> {
    let at = timestamp(now);
    tx.execute(
        "INSERT INTO surveys (state, spec, created_at, updated_at) VALUES ('draft', ?1, ?2, ?2)",
        params![serde_json::to_string(spec)?, at],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The survey with this id, in any state.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Survey>, DbError> {
    let row: Option<(String, String)> = conn
        .query_row("SELECT state, spec FROM surveys WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    row.map(|(state, spec)| read(id, &state, &spec)).transpose()
}

/// Replaces a survey's spec (the caller checked it is a draft).
pub fn replace(
    tx: &Transaction<'_>,
    id: i64,
    spec: &SurveySpec,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    tx.execute(
        "UPDATE surveys SET spec = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, serde_json::to_string(spec)?, timestamp(now)],
    )?;
    Ok(())
}

/// Moves a survey to `state` (the caller checked the move).
pub fn set_state(
    tx: &Transaction<'_>,
    id: i64,
    state: SurveyState,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    tx.execute(
        "UPDATE surveys SET state = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, state.as_str(), timestamp(now)],
    )?;
    Ok(())
}

/// The surveys taking answers at `now` from a citizen of `ward` (none: the city's only), the
/// soonest to close first.
pub fn open_for(
    conn: &Connection,
    now: DateTime<Utc>,
    ward: Option<&WardCode>,
) -> Result<Vec<Survey>, DbError> {
    let mut stmt = conn.prepare("SELECT id, state, spec FROM surveys WHERE state = 'open'")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, state, spec) = row?;
        let survey = read(id, &state, &spec)?;
        if survey.takes_answers_at(now) && survey.asks(ward) {
            out.push(survey);
        }
    }
    out.sort_by(|a, b| a.closes_at.cmp(&b.closes_at).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// Why an answer was not stored.
#[derive(Debug, PartialEq, Eq)]
pub enum AnswerRefusal {
    /// This voter answered already and the survey takes no changed answer.
    AlreadyAnswered,
}

/// Stores `voter`'s answer; replaces their earlier one only when `edits_allowed`. `Ok(true)`:
/// an earlier answer was replaced.
pub fn store_answer(
    tx: &Transaction<'_>,
    survey_id: i64,
    voter: &str,
    answer: &SurveyAnswer,
    edits_allowed: bool,
    now: DateTime<Utc>,
) -> Result<Result<bool, AnswerRefusal>, DbError> {
    let at = timestamp(now);
    let json = serde_json::to_string(answer)?;
    let ward = answer.ward.as_ref().map(WardCode::as_str);
    let added = tx.execute(
        "INSERT INTO survey_answers (survey_id, voter, ward_code, answer, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (survey_id, voter) DO NOTHING",
        params![survey_id, voter, ward, json, at],
    )?;
    if added == 1 {
        return Ok(Ok(false));
    }
    if !edits_allowed {
        return Ok(Err(AnswerRefusal::AlreadyAnswered));
    }
    tx.execute(
        "UPDATE survey_answers SET ward_code = ?3, answer = ?4, updated_at = ?5
         WHERE survey_id = ?1 AND voter = ?2",
        params![survey_id, voter, ward, json, at],
    )?;
    Ok(Ok(true))
}

/// Every answer to a survey, in the order first given.
pub fn answers(conn: &Connection, survey_id: i64) -> Result<Vec<SurveyAnswer>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT answer FROM survey_answers WHERE survey_id = ?1 ORDER BY created_at, rowid",
    )?;
    let rows = stmt.query_map([survey_id], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(serde_json::from_str(&row?)?);
    }
    Ok(out)
}
