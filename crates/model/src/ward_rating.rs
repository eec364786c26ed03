//! How well a ward serves its people: a citizen's rating on the five SIPAS elements, each
//! answered on the city's own survey scale (hài lòng / bình thường / không hài lòng), once per
//! voter per ward per calendar month (Vietnam time); and the ward's statistics.
//!
//! Ratings stored before issue 15 were 1–5 scores on other wording (their fifth criterion was
//! "timeliness", not the handling of feedback). They are kept apart and shown as they were
//! ([`EarlierScaleStats`]), never turned into answers nobody gave.

use serde::{Deserialize, Serialize};

pub use crate::feedback::Satisfaction as Answer;
use crate::feedback::{FieldError, text};
use crate::wire::wire_enum;

/// Longest comment kept with a rating.
pub const MAX_COMMENT_CHARS: usize = 1000;

wire_enum! {
    /// The five elements of the SIPAS index (Ministry of Home Affairs; 2640/QĐ-BNV, kept by
    /// 1001/QĐ-BNV), in the order the survey asks them. The wire name is the form field's.
    pub enum Element {
        /// Access to the service (tiếp cận dịch vụ).
        Access = "access",
        /// The administrative procedure (thủ tục hành chính).
        Procedures = "procedures",
        /// The officials who handled it (công chức trực tiếp giải quyết công việc).
        Officials = "officials",
        /// The result of the service (kết quả dịch vụ).
        Result = "result",
        /// How comments, feedback and complaints were taken and handled (tiếp nhận, giải quyết
        /// góp ý, phản ánh, kiến nghị).
        Feedback = "feedback",
    }
}

impl Element {
    /// The i18n key of the element as the citizen reads it.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Access => "ward_rating.element.access",
            Self::Procedures => "ward_rating.element.procedures",
            Self::Officials => "ward_rating.element.officials",
            Self::Result => "ward_rating.element.result",
            Self::Feedback => "ward_rating.element.feedback",
        }
    }
}

/// The form fields of a rating: the five elements in survey order.
pub const ELEMENTS: [Element; 5] = [
    Element::Access,
    Element::Procedures,
    Element::Officials,
    Element::Result,
    Element::Feedback,
];

/// A rating as submitted: every element answered, an optional comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WardRating {
    /// Answers in [`ELEMENTS`] order.
    pub answers: [Answer; 5],
    pub comment: Option<String>,
}

impl WardRating {
    /// Reads the five elements and `comment` from form pairs; other fields are the caller's.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, FieldError> {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let mut answers = [Answer::Neutral; 5];
        for (slot, element) in answers.iter_mut().zip(ELEMENTS) {
            let field = element.as_str();
            let raw = get(field).ok_or(FieldError::Missing { field })?;
            *slot = Answer::parse(raw.trim()).ok_or(FieldError::Invalid { field })?;
        }
        let comment = text(get("comment"), "comment", MAX_COMMENT_CHARS)?;
        Ok(Self { answers, comment })
    }

    /// The form pairs of this rating (what the app sends), comment last when there is one.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = ELEMENTS
            .iter()
            .zip(self.answers)
            .map(|(e, a)| (e.as_str().to_owned(), a.as_str().to_owned()))
            .collect();
        if let Some(c) = &self.comment {
            out.push(("comment".into(), c.clone()));
        }
        out
    }

    /// The answer given for `element`.
    pub fn answer(&self, element: Element) -> Answer {
        let i = ELEMENTS.iter().position(|e| *e == element).unwrap_or(0);
        self.answers[i]
    }

    /// Whether any element was answered "không hài lòng": the rating is then a dislike in the
    /// 766 index's satisfaction criterion (see `index766::DISLIKE_RULE`).
    pub fn dislikes_anything(&self) -> bool {
        self.answers.contains(&Answer::Unsatisfied)
    }
}

/// `POST /api/v1/wards/{code}/ratings` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingReceipt {
    pub ward_code: String,
    /// The month it was counted for (`YYYY-MM`, Vietnam time): this voter's next rating of
    /// this ward is possible the month after.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{4}-[0-9]{2}$"))]
    pub month: String,
}

/// `GET /api/v1/staff/wards/{code}/comments`: the comments given with a month's ratings of a
/// ward, for the city's staff. Only the texts, in alphabetical order: no rater, no time, no
/// order of arrival that could be matched with who rated when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardComments {
    pub ward_code: String,
    /// `YYYY-MM`, Vietnam time.
    pub month: String,
    pub comments: Vec<String>,
}

/// `GET /api/v1/wards/{code}/stats`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WardStats {
    pub ward_code: String,
    pub reports: ReportStats,
    pub dossiers: DossierStats,
    pub ratings: RatingStats,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportStats {
    pub received: u64,
    /// Resolved or closed.
    pub resolved: u64,
    /// Resolved by the expected date.
    pub resolved_on_time: u64,
    /// Resolved reports that had an expected date, the ones `resolved_on_time` is counted
    /// among: a report filed where the city's calendar did not reach has none, and is neither
    /// on time nor late.
    #[serde(default)]
    pub resolved_with_due_date: u64,
    /// Of the resolutions the citizens rated, the share they were satisfied with (0–1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfied_share: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierStats {
    pub received: u64,
    pub finished: u64,
    pub finished_on_time: u64,
}

/// How many gave each answer to one element.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerCounts {
    pub satisfied: u64,
    pub neutral: u64,
    pub unsatisfied: u64,
}

impl AnswerCounts {
    pub fn total(&self) -> u64 {
        self.satisfied + self.neutral + self.unsatisfied
    }

    /// The share answering "hài lòng" (0–1); `None` while nobody answered.
    pub fn satisfied_share(&self) -> Option<f64> {
        let n = self.total();
        (n > 0).then(|| self.satisfied as f64 / n as f64)
    }
}

/// One element's answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElementAnswers {
    pub element: Element,
    #[serde(flatten)]
    pub counts: AnswerCounts,
}

/// The citizens' ratings of a ward: how many rated, and each element's answers (counts, no
/// average: the three answers are not numbers).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingStats {
    pub count: u64,
    /// In [`ELEMENTS`] order; empty while nobody has rated.
    #[serde(default)]
    pub elements: Vec<ElementAnswers>,
    /// Ratings given on the earlier 1–5 scale (before issue 15), kept as they were; absent
    /// when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earlier_scale: Option<EarlierScaleStats>,
}

/// Averages of the ratings given on the earlier 1–5 scale (criteria access, procedures,
/// attitude, result, timeliness).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EarlierScaleStats {
    pub count: u64,
    pub overall: f64,
    pub access: f64,
    pub procedures: f64,
    pub attitude: f64,
    pub result: f64,
    pub timeliness: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    const FULL: [(&str, &str); 5] = [
        ("access", "satisfied"),
        ("procedures", "neutral"),
        ("officials", " satisfied "),
        ("result", "unsatisfied"),
        ("feedback", "neutral"),
    ];

    #[test]
    fn a_full_rating_is_read_and_written_back() {
        let mut v = FULL.to_vec();
        v.push(("comment", "  Cán bộ nhiệt tình  "));
        let r = WardRating::from_pairs(&pairs(&v)).expect("valid");
        assert_eq!(r.answer(Element::Officials), Answer::Satisfied);
        assert_eq!(r.answer(Element::Result), Answer::Unsatisfied);
        assert!(r.dislikes_anything());
        assert_eq!(r.comment.as_deref(), Some("Cán bộ nhiệt tình"));
        assert_eq!(WardRating::from_pairs(&r.to_pairs()), Ok(r));
        let content = WardRating {
            answers: [
                Answer::Satisfied,
                Answer::Neutral,
                Answer::Satisfied,
                Answer::Neutral,
                Answer::Satisfied,
            ],
            comment: None,
        };
        assert!(!content.dislikes_anything());
    }

    #[test]
    fn each_element_is_required_and_one_of_three_answers() {
        for skip in ELEMENTS {
            let v: Vec<_> = FULL
                .iter()
                .copied()
                .filter(|(k, _)| *k != skip.as_str())
                .collect();
            assert_eq!(
                WardRating::from_pairs(&pairs(&v)),
                Err(FieldError::Missing {
                    field: skip.as_str()
                })
            );
        }
        // The earlier 1–5 scores and near misses are refused, never mapped.
        for bad in [
            "5",
            "1",
            "",
            "Satisfied",
            "hài lòng",
            "very_satisfied",
            "satisfied,neutral",
        ] {
            let mut v = FULL.to_vec();
            v[2] = ("officials", bad);
            assert_eq!(
                WardRating::from_pairs(&pairs(&v)),
                Err(FieldError::Invalid { field: "officials" }),
                "{bad}"
            );
        }
        let long = "a".repeat(MAX_COMMENT_CHARS + 1);
        let mut v = FULL.to_vec();
        v.push(("comment", &long));
        assert!(WardRating::from_pairs(&pairs(&v)).is_err());
    }

    #[test]
    fn elements_have_wire_names_and_keys() {
        for e in Element::ALL {
            assert_eq!(Element::parse(e.as_str()), Some(*e));
            assert!(e.message_key().ends_with(e.as_str()));
        }
        assert_eq!(Element::ALL, &ELEMENTS[..]);
    }
}
