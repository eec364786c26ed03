//! The city's surveys (issue 15): what the back office writes (a [`SurveySpec`]: title and
//! questions in Vietnamese and English, a window, an audience, whether answers may be changed
//! until it closes), the states a survey goes through ([`SurveyState`]), what the app caches and
//! shows ([`Survey`]), a citizen's answer checked against its survey ([`answer`]) and the counts
//! published when it closes ([`results`]). Pure: the city API and the app share it.

pub mod answer;
pub mod results;
mod spec;

pub use spec::{Audience, Bilingual, SpecProblem, rfc3339};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::WardCode;
use crate::wire::wire_enum;

/// Longest title (per language).
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest question (per language).
pub const MAX_PROMPT_CHARS: usize = 500;
/// Longest choice or scale label (per language).
pub const MAX_LABEL_CHARS: usize = 200;
/// Most questions in one survey.
pub const MAX_QUESTIONS: usize = 30;
/// Fewest and most choices of a choice question.
pub const MIN_CHOICES: usize = 2;
pub const MAX_CHOICES: usize = 12;
/// The largest length limit a short-text question may set.
pub const MAX_SHORT_TEXT: u16 = 1000;
/// The points of a scale question: 1 to 5.
pub const SCALE_POINTS: u8 = 5;

wire_enum! {
    /// Where a survey is in its life: written (draft), taking answers (open), no longer taking
    /// them (closed), its results public (published). Only the next state may follow.
    pub enum SurveyState {
        Draft = "draft",
        Open = "open",
        Closed = "closed",
        Published = "published",
    }
}

impl SurveyState {
    /// draft → open → closed → published, one step at a time; nothing goes back.
    pub fn can_move_to(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::Draft, Self::Open)
                | (Self::Open, Self::Closed)
                | (Self::Closed, Self::Published)
        )
    }

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Draft => "survey.state.draft",
            Self::Open => "survey.state.open",
            Self::Closed => "survey.state.closed",
            Self::Published => "survey.state.published",
        }
    }
}

/// What a question asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum QuestionKind {
    /// One of the choices.
    SingleChoice { choices: Vec<Bilingual> },
    /// Any of the choices, at least one when answered.
    MultipleChoice { choices: Vec<Bilingual> },
    /// 1 to 5; `low` says what 1 means, `high` what 5 means.
    Scale { low: Bilingual, high: Bilingual },
    /// A short text of at most `max_chars` characters (shown to the city's staff only).
    ShortText { max_chars: u16 },
}

impl QuestionKind {
    /// The i18n key of the hint shown with the question ("choose one", …).
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::SingleChoice { .. } => "survey.kind.single_choice",
            Self::MultipleChoice { .. } => "survey.kind.multiple_choice",
            Self::Scale { .. } => "survey.kind.scale",
            Self::ShortText { .. } => "survey.kind.short_text",
        }
    }

    /// Every kind's key (for the i18n test).
    pub const KEYS: [&'static str; 4] = [
        "survey.kind.single_choice",
        "survey.kind.multiple_choice",
        "survey.kind.scale",
        "survey.kind.short_text",
    ];
}

/// One question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub prompt: Bilingual,
    /// An answer without it is refused.
    pub required: bool,
    pub kind: QuestionKind,
}

/// A survey as the back office writes it (create, edit while a draft).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveySpec {
    pub title: Bilingual,
    /// In the order they are asked; an answer names them 1, 2, …
    pub questions: Vec<Question>,
    /// Answers are taken from this moment (RFC 3339; the app shows it in Ho Chi Minh City time)…
    #[serde(with = "rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opens_at: DateTime<Utc>,
    /// …until this one (excluded); after it the survey takes no answer even before staff close it.
    #[serde(with = "rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub closes_at: DateTime<Utc>,
    pub audience: Audience,
    /// Whether a citizen may change their answer (the new one replaces the old) until it closes.
    pub edits_allowed: bool,
}

impl SurveySpec {
    /// Checks every field; `known_ward` says which ward codes exist. The first problem found.
    pub fn check(&self, known_ward: impl Fn(&str) -> bool) -> Result<(), SpecProblem> {
        self.title.check("title", MAX_TITLE_CHARS)?;
        if self.questions.is_empty() {
            return Err(SpecProblem::too_few("questions", 1));
        }
        if self.questions.len() > MAX_QUESTIONS {
            return Err(SpecProblem::too_many("questions", MAX_QUESTIONS));
        }
        for (i, q) in self.questions.iter().enumerate() {
            let at = format!("questions[{i}]");
            q.prompt.check(&format!("{at}.prompt"), MAX_PROMPT_CHARS)?;
            match &q.kind {
                QuestionKind::SingleChoice { choices }
                | QuestionKind::MultipleChoice { choices } => {
                    let field = format!("{at}.kind.choices");
                    if choices.len() < MIN_CHOICES {
                        return Err(SpecProblem::too_few(&field, MIN_CHOICES));
                    }
                    if choices.len() > MAX_CHOICES {
                        return Err(SpecProblem::too_many(&field, MAX_CHOICES));
                    }
                    for (j, c) in choices.iter().enumerate() {
                        c.check(&format!("{field}[{j}]"), MAX_LABEL_CHARS)?;
                    }
                }
                QuestionKind::Scale { low, high } => {
                    low.check(&format!("{at}.kind.low"), MAX_LABEL_CHARS)?;
                    high.check(&format!("{at}.kind.high"), MAX_LABEL_CHARS)?;
                }
                QuestionKind::ShortText { max_chars } => {
                    if !(1..=MAX_SHORT_TEXT).contains(max_chars) {
                        return Err(SpecProblem::invalid(&format!("{at}.kind.max_chars")));
                    }
                }
            }
        }
        if self.closes_at <= self.opens_at {
            return Err(SpecProblem::window("closes_at"));
        }
        self.audience.check(known_ward)
    }
}

/// A survey as the city publishes it and the app caches it: its id, its state and what the back
/// office wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Survey {
    pub id: i64,
    pub state: SurveyState,
    pub title: Bilingual,
    pub questions: Vec<Question>,
    #[serde(with = "rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opens_at: DateTime<Utc>,
    #[serde(with = "rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub closes_at: DateTime<Utc>,
    pub audience: Audience,
    pub edits_allowed: bool,
}

impl Survey {
    pub fn new(id: i64, state: SurveyState, spec: SurveySpec) -> Self {
        Self {
            id,
            state,
            title: spec.title,
            questions: spec.questions,
            opens_at: spec.opens_at,
            closes_at: spec.closes_at,
            audience: spec.audience,
            edits_allowed: spec.edits_allowed,
        }
    }

    /// Open, and `now` inside its window.
    pub fn takes_answers_at(&self, now: DateTime<Utc>) -> bool {
        self.state == SurveyState::Open && self.opens_at <= now && now < self.closes_at
    }

    /// Whether a citizen of `ward` (none: they did not say) is asked.
    pub fn asks(&self, ward: Option<&WardCode>) -> bool {
        self.audience.includes(ward)
    }

    /// Whether an answer may be taken now from a citizen of `ward`: the first refusal's reason.
    pub fn answerable(
        &self,
        now: DateTime<Utc>,
        ward: Option<&WardCode>,
    ) -> Result<(), crate::reason::Reason> {
        use crate::reason::Reason;
        if !self.takes_answers_at(now) {
            return Err(Reason::SurveyNotOpen);
        }
        if !self.asks(ward) {
            return Err(Reason::OutsideAudience);
        }
        Ok(())
    }
}

/// `GET /api/v1/surveys`: the surveys open now for a ward (and the whole city).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyList {
    pub surveys: Vec<Survey>,
}

/// `POST /api/v1/surveys/{id}/answers`: the answer was counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerReceipt {
    pub survey_id: i64,
    /// This voter's earlier answer was replaced by this one (the survey allows changes).
    pub replaced: bool,
    /// When the city counted it (RFC 3339).
    #[serde(with = "rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub answered_at: DateTime<Utc>,
}

/// A state move asked by the back office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyMove {
    /// `open` (from draft, before it closes), `closed` (from open), `published` (from closed).
    pub state: SurveyState,
}

#[cfg(test)]
mod tests;
