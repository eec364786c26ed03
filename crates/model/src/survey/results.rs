//! A survey's results: counts and shares per choice, the scale's distribution and mean, how many
//! answered each question. Free text is never part of [`SurveyResults`] (what the public sees);
//! the back office gets it apart, in [`StaffResults`].

use serde::{Deserialize, Serialize};

use super::answer::{Response, SurveyAnswer};
use super::{Question, QuestionKind, SCALE_POINTS};

/// How many chose one choice, and their share of those who answered the question (absent while
/// nobody did: not a made-up 0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChoiceCount {
    pub count: u64,
    /// 0–1. For a multiple-choice question the shares may add up to more than 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
}

/// One question's results, in the survey's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionResult {
    /// `choices` in the question's order.
    SingleChoice {
        answered: u64,
        choices: Vec<ChoiceCount>,
    },
    MultipleChoice {
        answered: u64,
        choices: Vec<ChoiceCount>,
    },
    /// `counts[0]` chose 1, … `counts[4]` chose 5; the mean is absent while nobody answered.
    Scale {
        answered: u64,
        counts: Vec<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mean: Option<f64>,
    },
    /// How many wrote something; what they wrote is for the city's staff only.
    ShortText { answered: u64 },
}

/// `GET /api/v1/surveys/{id}/results`, once published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyResults {
    pub survey_id: i64,
    /// Voters counted (one answer each: a replaced answer counts once).
    pub respondents: u64,
    pub questions: Vec<QuestionResult>,
}

/// What the citizens wrote to one short-text question (1, 2, …), in the order answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionTexts {
    pub question: usize,
    pub texts: Vec<String>,
}

/// The back office's view: the public results and the free texts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffResults {
    pub results: SurveyResults,
    pub texts: Vec<QuestionTexts>,
}

fn share(count: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| count as f64 / of as f64)
}

fn choices(counts: Vec<u64>, answered: u64) -> Vec<ChoiceCount> {
    counts
        .into_iter()
        .map(|count| ChoiceCount {
            count,
            share: share(count, answered),
        })
        .collect()
}

/// Counts `answers` (one per voter) against `questions`. A response that does not fit its
/// question (a stored answer from another version of the survey) is not counted.
pub fn tally(survey_id: i64, questions: &[Question], answers: &[SurveyAnswer]) -> SurveyResults {
    let results = questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let responses = answers.iter().filter_map(|a| a.responses.get(i)?.as_ref());
            match &q.kind {
                QuestionKind::SingleChoice { choices: c }
                | QuestionKind::MultipleChoice { choices: c } => {
                    let mut counts = vec![0u64; c.len()];
                    let mut answered = 0;
                    for r in responses {
                        let picked: &[u8] = match r {
                            Response::Choice(x) => std::slice::from_ref(x),
                            Response::Choices(xs) => xs,
                            _ => continue,
                        };
                        let fits = picked
                            .iter()
                            .all(|x| usize::from(*x).wrapping_sub(1) < c.len());
                        if picked.is_empty() || !fits {
                            continue;
                        }
                        answered += 1;
                        for x in picked {
                            counts[usize::from(*x) - 1] += 1;
                        }
                    }
                    let choices = choices(counts, answered);
                    if matches!(q.kind, QuestionKind::SingleChoice { .. }) {
                        QuestionResult::SingleChoice { answered, choices }
                    } else {
                        QuestionResult::MultipleChoice { answered, choices }
                    }
                }
                QuestionKind::Scale { .. } => {
                    let mut counts = vec![0u64; usize::from(SCALE_POINTS)];
                    let mut sum = 0u64;
                    for r in responses {
                        if let Response::Scale(p) = r
                            && (1..=SCALE_POINTS).contains(p)
                        {
                            counts[usize::from(*p) - 1] += 1;
                            sum += u64::from(*p);
                        }
                    }
                    let answered: u64 = counts.iter().sum();
                    QuestionResult::Scale {
                        answered,
                        counts,
                        mean: share(sum, answered),
                    }
                }
                QuestionKind::ShortText { .. } => QuestionResult::ShortText {
                    answered: responses.filter(|r| matches!(r, Response::Text(_))).count() as u64,
                },
            }
        })
        .collect();
    SurveyResults {
        survey_id,
        respondents: answers.len() as u64,
        questions: results,
    }
}

/// The free texts of every short-text question, for the back office.
pub fn texts(questions: &[Question], answers: &[SurveyAnswer]) -> Vec<QuestionTexts> {
    questions
        .iter()
        .enumerate()
        .filter(|(_, q)| matches!(q.kind, QuestionKind::ShortText { .. }))
        .map(|(i, _)| QuestionTexts {
            question: i + 1,
            texts: answers
                .iter()
                .filter_map(|a| match a.responses.get(i)? {
                    Some(Response::Text(t)) => Some(t.clone()),
                    _ => None,
                })
                .collect(),
        })
        .collect()
}
