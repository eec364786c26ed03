//! Thin commands of the citizens' voice, issue 15 (`model::rating_dto`): rate a ward (saved,
//! then sent by the sync worker, which this wakes), whether a ward can be rated this month, and
//! the 766 scoreboards from the device's copy, refreshed from the city when asked.

use std::sync::Arc;

use core_engine::Engine;
use model::ErrorDto;
use model::rating_dto::{
    MyRatingDto, RateWardArgs, ScoreboardArgs, ScoreboardDto, WardRatingStatus, WardScoreArgs,
    WardScoreDto,
};
use model::scoreboard::PeriodKind;
use model::ward_rating::Answer;
use tauri::State;

use crate::syncer::Syncer;

type Engines<'a> = State<'a, Arc<Engine>>;
type CmdResult<T> = Result<T, ErrorDto>;

#[tauri::command]
pub async fn rate_ward(
    engine: Engines<'_>,
    syncer: State<'_, Syncer>,
    ward_code: String,
    answers: [Answer; 5],
    comment: Option<String>,
) -> CmdResult<MyRatingDto> {
    let saved = engine.rate_ward(&RateWardArgs {
        ward_code,
        answers,
        comment,
    })?;
    syncer.wake();
    Ok(saved)
}

#[tauri::command]
pub async fn ward_rating_status(
    engine: Engines<'_>,
    ward_code: String,
) -> CmdResult<WardRatingStatus> {
    Ok(engine.ward_rating_status(&ward_code)?)
}

#[tauri::command]
pub async fn scoreboard(
    engine: Engines<'_>,
    period: PeriodKind,
    refresh: bool,
) -> CmdResult<ScoreboardDto> {
    Ok(engine
        .scoreboard(ScoreboardArgs { period, refresh })
        .await?)
}

#[tauri::command]
pub async fn ward_scoreboard(
    engine: Engines<'_>,
    ward_code: String,
    refresh: bool,
) -> CmdResult<WardScoreDto> {
    Ok(engine
        .ward_scoreboard(&WardScoreArgs { ward_code, refresh })
        .await?)
}
