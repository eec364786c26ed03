//! The citizens' voice commands (`model::rating_dto`): rate a ward, whether it can be rated
//! this month, and the 766 scoreboards from the device's copy (refreshed when asked).

use model::ErrorDto;
use model::ipc::Command;
use model::rating_dto::{
    MyRatingDto, RateWardArgs, ScoreboardArgs, ScoreboardDto, WardCodeArgs, WardRatingStatus,
    WardScoreArgs, WardScoreDto,
};
use model::scoreboard::PeriodKind;

use super::call;

/// Saves the rating on the device (queued); the shell sends it.
pub async fn rate_ward(args: &RateWardArgs) -> Result<MyRatingDto, ErrorDto> {
    call(Command::RateWard, args).await
}

pub async fn ward_rating_status(code: &str) -> Result<WardRatingStatus, ErrorDto> {
    let args = WardCodeArgs {
        ward_code: code.to_owned(),
    };
    call(Command::WardRatingStatus, &args).await
}

/// The kept scoreboard of `period`; `refresh` asks the city first.
pub async fn scoreboard(period: PeriodKind, refresh: bool) -> Result<ScoreboardDto, ErrorDto> {
    call(Command::Scoreboard, &ScoreboardArgs { period, refresh }).await
}

/// A ward's kept history; `refresh` asks the city first.
pub async fn ward_scoreboard(code: &str, refresh: bool) -> Result<WardScoreDto, ErrorDto> {
    let args = WardScoreArgs {
        ward_code: code.to_owned(),
        refresh,
    };
    call(Command::WardScoreboard, &args).await
}
