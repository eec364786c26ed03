//! How well a ward serves its people: a citizen's rating (the five SIPAS-style criteria, 1–5
//! each, once per device per ward per month) and the ward's statistics.

use serde::{Deserialize, Serialize};

use crate::feedback::{FieldError, text};

/// Longest comment kept with a rating.
pub const MAX_COMMENT_CHARS: usize = 1000;

/// The criteria, in the order the survey asks them (form field names).
pub const CRITERIA: [&str; 5] = ["access", "procedures", "attitude", "result", "timeliness"];

/// One score, 1 (very poor) to 5 (very good).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Score(u8);

impl Score {
    pub fn new(n: u8) -> Option<Self> {
        (1..=5).contains(&n).then_some(Self(n))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Score {
    type Error = &'static str;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Self::new(n).ok_or("a score is 1 to 5")
    }
}

impl From<Score> for u8 {
    fn from(s: Score) -> Self {
        s.0
    }
}

/// A rating as submitted: every criterion scored, an optional comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WardRating {
    /// Scores in [`CRITERIA`] order.
    pub scores: [Score; 5],
    pub comment: Option<String>,
}

impl WardRating {
    /// Reads the criteria and `comment` from form pairs; other fields are the caller's.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, FieldError> {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let mut scores = [Score(1); 5];
        for (slot, field) in scores.iter_mut().zip(CRITERIA) {
            let raw = get(field).ok_or(FieldError::Missing { field })?;
            *slot = raw
                .trim()
                .parse::<u8>()
                .ok()
                .and_then(Score::new)
                .ok_or(FieldError::Invalid { field })?;
        }
        let comment = text(get("comment"), "comment", MAX_COMMENT_CHARS)?;
        Ok(Self { scores, comment })
    }

    /// The mean of the five scores.
    pub fn overall(&self) -> f64 {
        self.scores.iter().map(|s| f64::from(s.get())).sum::<f64>() / 5.0
    }
}

/// `POST /api/v1/wards/{code}/ratings` answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingReceipt {
    pub ward_code: String,
    /// The month it counts for (`YYYY-MM`, Vietnam time): the next rating of this ward from
    /// this device is possible the month after.
    pub month: String,
    pub overall: f64,
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

/// Averages on the 1–5 scale; absent while nobody has rated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingStats {
    pub count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overall: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedures: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeliness: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_full_rating_is_read_and_averaged() {
        let r = WardRating::from_pairs(&pairs(&[
            ("access", "5"),
            ("procedures", "4"),
            ("attitude", " 5 "),
            ("result", "3"),
            ("timeliness", "3"),
            ("comment", "  Cán bộ nhiệt tình  "),
        ]))
        .expect("valid");
        assert_eq!(r.overall(), 4.0);
        assert_eq!(r.comment.as_deref(), Some("Cán bộ nhiệt tình"));
    }

    #[test]
    fn each_criterion_is_required_and_bounded() {
        let full = [
            ("access", "5"),
            ("procedures", "4"),
            ("attitude", "5"),
            ("result", "3"),
            ("timeliness", "3"),
        ];
        for skip in CRITERIA {
            let v: Vec<_> = full.iter().copied().filter(|(k, _)| *k != skip).collect();
            assert_eq!(
                WardRating::from_pairs(&pairs(&v)),
                Err(FieldError::Missing { field: skip })
            );
        }
        for bad in ["0", "6", "-1", "4.5", "", "năm", "99999999999"] {
            let mut v = full.to_vec();
            v[2] = ("attitude", bad);
            assert_eq!(
                WardRating::from_pairs(&pairs(&v)),
                Err(FieldError::Invalid { field: "attitude" }),
                "{bad}"
            );
        }
        let long = "a".repeat(MAX_COMMENT_CHARS + 1);
        let mut v = full.to_vec();
        v.push(("comment", &long));
        assert!(WardRating::from_pairs(&pairs(&v)).is_err());
    }
}
