//! A citizen's answer to a survey, as the app sends it (a form, like every counted write) and
//! the city checks it against the survey: `answer[N]` for question N (1, 2, …) — the choice's
//! number, the scale's point or the text —, `answer[N][]` once per choice of a multiple-choice
//! question, and `ward_code`, the citizen's ward (needed when the survey asks some wards only).
//! An empty value reads as absent, as in Open311 forms.

use serde::{Deserialize, Serialize};

use super::{Question, QuestionKind, SCALE_POINTS};
use crate::WardCode;
use crate::reason::Reason;

/// The form field of the citizen's ward.
pub const WARD_FIELD: &str = "ward_code";
/// A form field the app may send besides the answers (Open311's client key).
pub const API_KEY_FIELD: &str = "api_key";

/// One question's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Response {
    /// The choice's number, from 1.
    Choice(u8),
    /// The choices' numbers, from 1, each once, in the order given.
    Choices(Vec<u8>),
    /// 1 to 5.
    Scale(u8),
    Text(String),
}

/// An answer checked against its survey: one slot per question (`None`: not answered).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ward: Option<WardCode>,
    pub responses: Vec<Option<Response>>,
}

/// Why an answer is refused; `field` names the form field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("{field} is required")]
    Missing { field: String },
    #[error("{field} is not one of the question's answers")]
    Invalid { field: String },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: String, max: usize },
    #[error("{field} was given twice")]
    Repeated { field: String },
    #[error("unknown field {field}")]
    Unknown { field: String },
}

impl AnswerError {
    pub fn reason(&self) -> Reason {
        match self {
            Self::Missing { .. } => Reason::Missing,
            Self::Invalid { .. } => Reason::Invalid,
            Self::TooLong { .. } => Reason::TooLong,
            Self::Repeated { .. } => Reason::Repeated,
            Self::Unknown { .. } => Reason::UnknownField,
        }
    }

    pub fn field(&self) -> &str {
        match self {
            Self::Missing { field }
            | Self::Invalid { field }
            | Self::TooLong { field, .. }
            | Self::Repeated { field }
            | Self::Unknown { field } => field,
        }
    }
}

/// The field of question `n` (from 1): `answer[n]`, or `answer[n][]` for several choices.
pub fn field_name(n: usize, multiple: bool) -> String {
    if multiple {
        format!("answer[{n}][]")
    } else {
        format!("answer[{n}]")
    }
}

/// `answer[N]` → (N, false); `answer[N][]` → (N, true).
fn parse_field(name: &str) -> Option<(usize, bool)> {
    let rest = name.strip_prefix("answer[")?;
    let (n, tail) = rest.split_once(']')?;
    let multiple = match tail {
        "" => false,
        "[]" => true,
        _ => return None,
    };
    let valid = !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit());
    let number: usize = valid.then(|| n.parse().ok()).flatten()?;
    // Written as the app writes it: no leading zero.
    (number >= 1 && number.to_string() == n).then_some((number, multiple))
}

fn number(value: &str, max: usize, field: &str) -> Result<u8, AnswerError> {
    value
        .parse::<u8>()
        .ok()
        .filter(|n| (1..=max).contains(&usize::from(*n)) && value == n.to_string())
        .ok_or_else(|| AnswerError::Invalid {
            field: field.to_owned(),
        })
}

/// Every problem of an answer: at least one, at most one per question, in the questions'
/// order (a problem of the form itself — an unknown or repeated field, a bad ward — alone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerErrors {
    pub first: AnswerError,
    pub more: Vec<AnswerError>,
}

impl AnswerErrors {
    fn one(e: AnswerError) -> Self {
        Self {
            first: e,
            more: Vec::new(),
        }
    }

    /// All of them, the first first.
    pub fn all(&self) -> impl Iterator<Item = &AnswerError> {
        std::iter::once(&self.first).chain(&self.more)
    }
}

impl From<AnswerError> for AnswerErrors {
    fn from(e: AnswerError) -> Self {
        Self::one(e)
    }
}

impl SurveyAnswer {
    /// Reads the form `pairs` against `questions`: every required question answered, choices
    /// that exist, a scale point 1–5, texts within their limit; nothing else but
    /// [`WARD_FIELD`] and [`API_KEY_FIELD`]. At least one question must be answered. The
    /// first problem (the city's answer names one field); [`Self::check`] for all of them.
    pub fn from_pairs(
        pairs: &[(String, String)],
        questions: &[Question],
    ) -> Result<Self, AnswerError> {
        Self::check(pairs, questions).map_err(|e| e.first)
    }

    /// [`Self::from_pairs`] with every question's problem, so the app shows each under its
    /// question at once.
    pub fn check(pairs: &[(String, String)], questions: &[Question]) -> Result<Self, AnswerErrors> {
        let mut ward = None;
        let mut given: Vec<Vec<&str>> = vec![Vec::new(); questions.len()];
        let mut seen_ward = false;
        for (name, value) in pairs {
            if name == API_KEY_FIELD {
                continue;
            }
            if name == WARD_FIELD {
                if std::mem::replace(&mut seen_ward, true) {
                    return Err(AnswerError::Repeated {
                        field: name.clone(),
                    }
                    .into());
                }
                let value = value.trim();
                if !value.is_empty() {
                    ward = Some(WardCode::parse(value).map_err(|_| AnswerError::Invalid {
                        field: name.clone(),
                    })?);
                }
                continue;
            }
            let unknown = || AnswerError::Unknown {
                field: name.clone(),
            };
            let (n, multiple) = parse_field(name).ok_or_else(unknown)?;
            let question = questions.get(n - 1).ok_or_else(unknown)?;
            let wants_many = matches!(question.kind, QuestionKind::MultipleChoice { .. });
            if multiple != wants_many {
                return Err(unknown().into());
            }
            if wants_many || given[n - 1].is_empty() {
                given[n - 1].push(value);
            } else {
                return Err(AnswerError::Repeated {
                    field: name.clone(),
                }
                .into());
            }
        }
        let mut responses = Vec::with_capacity(questions.len());
        let mut problems = Vec::new();
        for (i, (question, values)) in questions.iter().zip(given).enumerate() {
            let field = field_name(
                i + 1,
                matches!(question.kind, QuestionKind::MultipleChoice { .. }),
            );
            match read(&question.kind, &values, &field) {
                Ok(None) if question.required => problems.push(AnswerError::Missing { field }),
                Ok(response) => responses.push(response),
                Err(e) => problems.push(e),
            }
        }
        let mut problems = problems.into_iter();
        if let Some(first) = problems.next() {
            return Err(AnswerErrors {
                first,
                more: problems.collect(),
            });
        }
        if responses.iter().all(Option::is_none) {
            return Err(AnswerError::Missing {
                field: field_name(
                    1,
                    questions
                        .first()
                        .is_some_and(|q| matches!(q.kind, QuestionKind::MultipleChoice { .. })),
                ),
            }
            .into());
        }
        Ok(Self { ward, responses })
    }

    /// The form the app sends (the inverse of [`Self::from_pairs`]).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if let Some(w) = &self.ward {
            pairs.push((WARD_FIELD.to_owned(), w.as_str().to_owned()));
        }
        for (i, r) in self.responses.iter().enumerate() {
            let n = i + 1;
            match r {
                None => {}
                Some(Response::Choice(c) | Response::Scale(c)) => {
                    pairs.push((field_name(n, false), c.to_string()));
                }
                Some(Response::Choices(cs)) => {
                    for c in cs {
                        pairs.push((field_name(n, true), c.to_string()));
                    }
                }
                Some(Response::Text(t)) => pairs.push((field_name(n, false), t.clone())),
            }
        }
        pairs
    }
}

/// One question's values read by its kind; `None` when nothing was said.
fn read(
    kind: &QuestionKind,
    values: &[&str],
    field: &str,
) -> Result<Option<Response>, AnswerError> {
    let values: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    let Some(first) = values.first().copied() else {
        return Ok(None);
    };
    Ok(Some(match kind {
        QuestionKind::SingleChoice { choices } => {
            Response::Choice(number(first, choices.len(), field)?)
        }
        QuestionKind::Scale { .. } => {
            Response::Scale(number(first, usize::from(SCALE_POINTS), field)?)
        }
        QuestionKind::MultipleChoice { choices } => {
            let mut picked = Vec::with_capacity(values.len());
            for v in &values {
                let c = number(v, choices.len(), field)?;
                if picked.contains(&c) {
                    return Err(AnswerError::Repeated {
                        field: field.to_owned(),
                    });
                }
                picked.push(c);
            }
            Response::Choices(picked)
        }
        QuestionKind::ShortText { max_chars } => {
            let max = usize::from(*max_chars);
            if first.chars().count() > max {
                return Err(AnswerError::TooLong {
                    field: field.to_owned(),
                    max,
                });
            }
            if first
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                return Err(AnswerError::Invalid {
                    field: field.to_owned(),
                });
            }
            Response::Text(first.to_owned())
        }
    }))
}
