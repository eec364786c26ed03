//! The city's surveys and announcements (`model::voice_dto`), from the device's copy; an answer
//! checked and saved, then sent by the background sync.

use model::ErrorDto;
use model::ipc::Command;
use model::survey::answer::Response;
use model::voice_dto::{
    AnnouncementOpened, AnnouncementsDto, AnswerArgs, AnswerOutcome, SurveyDetailDto, SurveyListDto,
};
use serde::Serialize;

use super::{NoArgs, call};

#[derive(Serialize)]
struct Id {
    id: i64,
}

#[derive(Serialize)]
struct Args {
    args: AnswerArgs,
}

/// The surveys open to the citizen, then those they answered.
pub async fn surveys() -> Result<SurveyListDto, ErrorDto> {
    call(Command::VoiceSurveys, &NoArgs {}).await
}

/// One survey with the citizen's answer and its results once published.
pub async fn survey(id: i64) -> Result<SurveyDetailDto, ErrorDto> {
    call(Command::VoiceSurvey, &Id { id }).await
}

/// Keeps what is being typed (nothing is sent).
pub async fn save_draft(id: i64, responses: Vec<Option<Response>>) -> Result<(), ErrorDto> {
    let args = Args {
        args: AnswerArgs { id, responses },
    };
    call(Command::VoiceSaveAnswerDraft, &args).await
}

/// Checks and saves the answer to be sent; every problem found instead.
pub async fn answer(id: i64, responses: Vec<Option<Response>>) -> Result<AnswerOutcome, ErrorDto> {
    let args = Args {
        args: AnswerArgs { id, responses },
    };
    call(Command::VoiceAnswerSurvey, &args).await
}

/// What the city tells the citizen now, urgent first.
pub async fn announcements() -> Result<AnnouncementsDto, ErrorDto> {
    call(Command::VoiceAnnouncements, &NoArgs {}).await
}

/// One announcement, now counted as opened, and the urgent ones still unopened.
pub async fn open_announcement(id: i64) -> Result<AnnouncementOpened, ErrorDto> {
    call(Command::VoiceOpenAnnouncement, &Id { id }).await
}
