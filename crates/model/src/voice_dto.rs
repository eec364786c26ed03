//! What the surveys' and announcements' commands take and return (issue 15), from the app's
//! offline copy of the city address in use.

use serde::{Deserialize, Serialize};

use crate::announcement::Announcement;
use crate::survey::answer::{AnswerError, Response};
use crate::survey::results::SurveyResults;
use crate::survey::{Bilingual, Survey, SurveyState};

/// Where the citizen's answer to a survey is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "state",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum AnswerStatus {
    /// Nothing saved (a draft may be kept).
    NotYet,
    /// Saved on this device, will be sent (offline, or waiting for its next try).
    Saved,
    /// The city counted it at `at` (RFC 3339); a later change may be saved meanwhile.
    Counted { at: String },
    /// The city refused it: `message_key` says why.
    Refused { message_key: String },
}

impl AnswerStatus {
    /// The i18n key of the short status shown in the list.
    pub fn message_key(&self) -> &str {
        match self {
            Self::NotYet => "voice.answer.not_yet",
            Self::Saved => "voice.answer.saved",
            Self::Counted { .. } => "voice.answer.counted",
            Self::Refused { message_key } => message_key,
        }
    }
}

/// One survey in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SurveyBrief {
    pub id: i64,
    pub title: Bilingual,
    pub state: SurveyState,
    /// RFC 3339.
    pub closes_at: String,
    /// Answers are taken now (open, in its window).
    pub takes_answers: bool,
    pub answer: AnswerStatus,
    /// The results are on this device.
    pub has_results: bool,
}

/// `voice_surveys`: the surveys open to the citizen, then those they answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SurveyListDto {
    pub surveys: Vec<SurveyBrief>,
    /// When the open list was last checked with the city (RFC 3339); none: never.
    pub pulled_at: Option<String>,
    /// The citizen has not chosen their ward: only the whole city's surveys are listed.
    pub no_ward: bool,
}

/// `voice_survey`: one survey, the citizen's answer and the results when published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SurveyDetailDto {
    pub survey: Survey,
    pub takes_answers: bool,
    pub answer: AnswerStatus,
    /// What the form shows: the draft being typed, else the answer saved (one slot per
    /// question).
    pub responses: Vec<Option<Response>>,
    /// The citizen may answer (again) now: open, and not counted unless changes are allowed.
    pub can_answer: bool,
    pub results: Option<SurveyResults>,
}

/// An answer the app did not save: which question (from 1) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerProblem {
    /// 0 when it concerns no single question.
    pub question: usize,
    pub message_key: String,
}

impl AnswerProblem {
    /// The question a refusal of `model::survey::answer` names (`answer[N]` / `answer[N][]`).
    pub fn from_error(e: &AnswerError) -> Self {
        let question = e
            .field()
            .strip_prefix("answer[")
            .and_then(|rest| rest.split(']').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Self {
            question,
            message_key: e.reason().message_key().to_owned(),
        }
    }
}

/// `voice_answer_survey`: saved (to be sent), or every problem found (at least one; at most
/// one per question, in the questions' order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AnswerOutcome {
    Saved { detail: Box<SurveyDetailDto> },
    Problems { problems: Vec<AnswerProblem> },
}

/// `voice_answer_survey` / `voice_save_answer_draft`'s arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerArgs {
    pub id: i64,
    pub responses: Vec<Option<Response>>,
}

/// `voice_open_announcement`: the announcement (none when it is no longer shown), now counted
/// as opened, and the urgent ones still unopened (the home tile's badge).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnouncementOpened {
    pub announcement: Option<Announcement>,
    pub urgent_unread: usize,
}

/// `voice_announcements`: what the city tells the citizen now, urgent first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnouncementsDto {
    pub announcements: Vec<Announcement>,
    pub pulled_at: Option<String>,
    pub no_ward: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_its_question() {
        let p = AnswerProblem::from_error(&AnswerError::TooLong {
            field: "answer[3]".into(),
            max: 5,
        });
        assert_eq!(p.question, 3);
        assert_eq!(p.message_key, "reason.too_long");
        let p = AnswerProblem::from_error(&AnswerError::Missing {
            field: "answer[12][]".into(),
        });
        assert_eq!(p.question, 12);
        let p = AnswerProblem::from_error(&AnswerError::Invalid {
            field: "ward_code".into(),
        });
        assert_eq!(p.question, 0);
    }
}
