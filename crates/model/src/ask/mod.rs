//! The question box: one question ("tôi muốn xin giấy phép xây dựng nhà", "lam so do") answered
//! from local data only — a procedure of the guide, a dossier the citizen tracks, or one of the
//! city's feedback fields — ranked, each answer saying where it comes from. When nothing fits
//! well enough the answer says so ([`Answer::NothingFits`]) and the UI offers the 1022 feedback
//! form; nothing is ever made up.
//!
//! [`Answerer`] is the seam for something smarter: a city may put a language model behind it,
//! as long as what it returns goes through [`LocalAnswerer::ground`], which keeps only answers
//! that name a local item and gives them that item's own title and source.

mod candidate;
mod local;
mod stop_words;

use serde::{Deserialize, Serialize};

use crate::service::Localized;

pub use candidate::Candidate;
pub use local::{FIT, LocalAnswerer};
pub use stop_words::{STOP_WORDS, STOP_WORDS_MARKED};

/// Anything that answers a citizen's question with local items.
pub trait Answerer {
    /// The best answers to `question`, at most `limit` of them.
    fn answer(&self, question: &str, limit: usize) -> Answer;
}

/// What the question box shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "matches", rename_all = "snake_case")]
pub enum Answer {
    /// Local items that fit, best first.
    Found(Vec<Match>),
    /// Nothing fits well enough: say so and offer the 1022 feedback form.
    NothingFits,
    /// The question holds no word to search on (empty, or only "tôi muốn…").
    AskedNothing,
}

impl Answer {
    /// The i18n key of what the box says above the results (or instead of them).
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Found(_) => "ask.found",
            Self::NothingFits => "ask.nothing_fits",
            Self::AskedNothing => "ask.asked_nothing",
        }
    }

    /// Whether the UI offers the feedback form as the way forward.
    pub fn offers_feedback_form(&self) -> bool {
        matches!(self, Self::NothingFits)
    }

    pub fn matches(&self) -> &[Match] {
        match self {
            Self::Found(matches) => matches,
            Self::NothingFits | Self::AskedNothing => &[],
        }
    }

    /// The i18n keys handed out, for the i18n test.
    pub const KEYS: [&'static str; 3] = ["ask.found", "ask.nothing_fits", "ask.asked_nothing"];
}

/// What kind of local item an answer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// A procedure of the guide (`id` is its guide id).
    Procedure,
    /// A dossier the citizen tracks (`id` is its receipt code).
    Dossier,
    /// A feedback field of the 1022 system (`id` is its service code).
    FeedbackField,
}

impl AnswerKind {
    pub const ALL: [Self; 3] = [Self::Procedure, Self::Dossier, Self::FeedbackField];

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Procedure => "ask.kind.procedure",
            Self::Dossier => "ask.kind.dossier",
            Self::FeedbackField => "ask.kind.feedback_field",
        }
    }
}

/// Where an answer comes from, shown with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// The procedures guide: the public texts the procedure rests on, and the day the guide's
    /// facts were checked (`YYYY-MM-DD`).
    Guide {
        as_of: String,
        basis: Vec<Localized>,
    },
    /// The city's list of feedback fields.
    FeedbackCatalog { jurisdiction: String },
    /// A dossier on this device, as the city last reported it.
    TrackedDossier,
}

impl Origin {
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Guide { .. } => "ask.origin.guide",
            Self::FeedbackCatalog { .. } => "ask.origin.feedback_catalog",
            Self::TrackedDossier => "ask.origin.tracked_dossier",
        }
    }

    /// The i18n keys handed out, for the i18n test.
    pub const KEYS: [&'static str; 3] = [
        "ask.origin.guide",
        "ask.origin.feedback_catalog",
        "ask.origin.tracked_dossier",
    ];
}

/// One answer: which item, how well it fits (0–100), and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    pub kind: AnswerKind,
    pub id: String,
    pub title: Localized,
    pub score: u8,
    pub origin: Origin,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key lists the i18n test walks are the keys the variants hand out.
    #[test]
    fn key_lists_match_the_variants() {
        let answers = [
            Answer::Found(Vec::new()),
            Answer::NothingFits,
            Answer::AskedNothing,
        ];
        assert_eq!(answers.map(|a| a.message_key()), Answer::KEYS);
        let origins = [
            Origin::Guide {
                as_of: String::new(),
                basis: Vec::new(),
            },
            Origin::FeedbackCatalog {
                jurisdiction: String::new(),
            },
            Origin::TrackedDossier,
        ];
        assert_eq!(origins.map(|o| o.message_key()), Origin::KEYS);
        assert!(Answer::NothingFits.offers_feedback_form());
        assert!(!Answer::AskedNothing.offers_feedback_form());
    }

    /// What crosses to the UI: tagged by kind, answers with their source.
    #[test]
    fn answers_serialize_with_their_kind() {
        let json = serde_json::to_value(Answer::NothingFits).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "nothing_fits"}));
        let m = Match {
            kind: AnswerKind::FeedbackField,
            id: "thoat-nuoc".into(),
            title: Localized {
                vi: "Thoát nước – ngập".into(),
                en: "Drainage and flooding".into(),
            },
            score: 80,
            origin: Origin::FeedbackCatalog {
                jurisdiction: "hochiminhcity.gov.vn".into(),
            },
        };
        let json = serde_json::to_value(Answer::Found(vec![m.clone()])).unwrap();
        assert_eq!(json["kind"], "found");
        assert_eq!(json["matches"][0]["origin"]["kind"], "feedback_catalog");
        let back: Answer = serde_json::from_value(json).unwrap();
        assert_eq!(back, Answer::Found(vec![m]));
    }
}
