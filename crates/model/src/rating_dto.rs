//! What the ward-rating and scoreboard commands take and return (issue 15, the app's side):
//! the citizen's own ratings as this device keeps them, and the scoreboards kept offline.

use serde::{Deserialize, Serialize};

use crate::delivery::Refusal;
use crate::scoreboard::{PeriodKind, Scoreboard, WardScoreboard};
use crate::ward_rating::{Answer, ELEMENTS, Element};
use crate::wire::wire_enum;

wire_enum! {
    /// Where one of the citizen's ward ratings is.
    pub enum RatingState {
        /// Saved on this device; it goes when the city can be reached.
        Queued = "queued",
        /// The city counted it, for `counted_month`.
        Counted = "counted",
        /// The city had already counted a rating of this ward by this device (or citizen) for
        /// `counted_month`: this one was not counted again.
        AlreadyCounted = "already_counted",
        /// The city refused it for another reason (`refusal` says which); kept on the device.
        NeedsAttention = "needs_attention",
    }
}

impl RatingState {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Queued => "rating_state.queued",
            Self::Counted => "rating_state.counted",
            Self::AlreadyCounted => "rating_state.already_counted",
            Self::NeedsAttention => "rating_state.needs_attention",
        }
    }
}

/// `rate_ward`'s arguments: the ward and the five answers in [`ELEMENTS`] order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateWardArgs {
    pub ward_code: String,
    pub answers: [Answer; 5],
    #[serde(default)]
    pub comment: Option<String>,
}

impl RateWardArgs {
    /// The form pairs the city's rating route reads (`WardRating::from_pairs` checks them).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = ELEMENTS
            .iter()
            .zip(self.answers)
            .map(|(e, a)| (e.as_str().to_owned(), a.as_str().to_owned()))
            .collect();
        if let Some(c) = self
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            out.push(("comment".into(), c.to_owned()));
        }
        out
    }
}

/// `ward_rating_status`'s arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WardCodeArgs {
    pub ward_code: String,
}

/// One of the citizen's ratings of a ward, as kept on this device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyRatingDto {
    pub ward_code: String,
    /// The month it was given in (`YYYY-MM`, Vietnam time, by this device's clock).
    pub given_month: String,
    pub state: RatingState,
    /// The month the city counted it for (`YYYY-MM`), once it answered.
    #[serde(default)]
    pub counted_month: Option<String>,
    /// Why the city refused it (`NeedsAttention` only).
    #[serde(default)]
    pub refusal: Option<Refusal>,
    /// What the citizen answered, element by element.
    pub answers: Vec<(Element, Answer)>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// `ward_rating_status`: whether the citizen can rate this ward now, and the rating of this
/// month if there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WardRatingStatus {
    pub ward_code: String,
    /// This month (`YYYY-MM`, Vietnam time).
    pub month: String,
    /// False when this device already rated the ward this month (queued, counted or found
    /// counted by the city).
    pub can_rate: bool,
    /// The rating that holds this month, if any.
    #[serde(default)]
    pub current: Option<MyRatingDto>,
}

/// `scoreboard`'s arguments: the period kind; `refresh` asks the city first (with the kept
/// copy's ETag), else only the copy on this device is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreboardArgs {
    pub period: PeriodKind,
    pub refresh: bool,
}

/// `ward_scoreboard`'s arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WardScoreArgs {
    pub ward_code: String,
    pub refresh: bool,
}

/// Whether a refresh reached the city.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refresh {
    /// Not asked (`refresh: false`).
    NotAsked,
    /// The city answered: the copy is what it serves now.
    Current,
    /// The city could not be reached or its answer was refused: the copy is the last good one.
    Failed,
}

/// `scoreboard`: the kept copy of a period kind's current scoreboard, from the address in use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreboardDto {
    /// Absent until a first copy came.
    #[serde(default)]
    pub board: Option<Scoreboard>,
    /// When the city last served or confirmed the copy (RFC 3339).
    #[serde(default)]
    pub updated_at: Option<String>,
    pub refresh: Refresh,
}

/// `ward_scoreboard`: the kept copy of a ward's history, from the address in use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WardScoreDto {
    #[serde(default)]
    pub history: Option<WardScoreboard>,
    #[serde(default)]
    pub updated_at: Option<String>,
    pub refresh: Refresh,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ward_rating::WardRating;

    #[test]
    fn the_args_make_the_citys_form() {
        let args = RateWardArgs {
            ward_code: "26734".into(),
            answers: [
                Answer::Satisfied,
                Answer::Neutral,
                Answer::Unsatisfied,
                Answer::Satisfied,
                Answer::Neutral,
            ],
            comment: Some("  ".into()),
        };
        let pairs = args.to_pairs();
        assert_eq!(pairs.len(), 5, "a blank comment is not sent");
        let read = WardRating::from_pairs(&pairs).expect("the city reads it");
        assert_eq!(read.answers, args.answers);
        let with = RateWardArgs {
            comment: Some(" Nhanh gọn ".into()),
            ..args
        };
        let read = WardRating::from_pairs(&with.to_pairs()).expect("read");
        assert_eq!(read.comment.as_deref(), Some("Nhanh gọn"));
    }

    #[test]
    fn states_have_wire_names_and_keys() {
        for s in RatingState::ALL {
            assert_eq!(RatingState::parse(s.as_str()), Some(*s));
            assert!(s.message_key().ends_with(s.as_str()));
        }
    }
}
