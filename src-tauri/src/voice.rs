//! Thin commands of the city's surveys and announcements (issue 15), from the engine's offline
//! copy (`core_engine::engine::voice`), refreshed by the background sync. Saving an answer
//! wakes the sync, which sends it.

use std::sync::Arc;

use core_engine::Engine;
use model::ErrorDto;
use model::voice_dto::{
    AnnouncementOpened, AnnouncementsDto, AnswerArgs, AnswerOutcome, SurveyDetailDto, SurveyListDto,
};
use tauri::State;

use crate::syncer::Syncer;

type Engines<'a> = State<'a, Arc<Engine>>;
type CmdResult<T> = Result<T, ErrorDto>;

#[tauri::command]
pub async fn voice_surveys(engine: Engines<'_>) -> CmdResult<SurveyListDto> {
    Ok(engine.voice_surveys()?)
}

#[tauri::command]
pub async fn voice_survey(engine: Engines<'_>, id: i64) -> CmdResult<SurveyDetailDto> {
    Ok(engine.voice_survey(id)?)
}

#[tauri::command]
pub async fn voice_save_answer_draft(engine: Engines<'_>, args: AnswerArgs) -> CmdResult<()> {
    Ok(engine.save_answer_draft(&args)?)
}

#[tauri::command]
pub async fn voice_answer_survey(
    engine: Engines<'_>,
    syncer: State<'_, Syncer>,
    args: AnswerArgs,
) -> CmdResult<AnswerOutcome> {
    let outcome = engine.answer_survey(&args)?;
    if matches!(outcome, AnswerOutcome::Saved { .. }) {
        syncer.wake_voice();
    }
    Ok(outcome)
}

#[tauri::command]
pub async fn voice_announcements(engine: Engines<'_>) -> CmdResult<AnnouncementsDto> {
    Ok(engine.voice_announcements()?)
}

#[tauri::command]
pub async fn voice_open_announcement(
    engine: Engines<'_>,
    id: i64,
) -> CmdResult<AnnouncementOpened> {
    Ok(engine.open_announcement(id)?)
}
