//! What surveys and announcements share: a text in both languages, an audience, the problems a
//! back office's text can have, and RFC 3339 times read strictly.

use serde::{Deserialize, Serialize};

use crate::reason::Reason;
use crate::{Language, WardCode};

/// A text in Vietnamese and English (the app shows the citizen's language).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    pub vi: String,
    pub en: String,
}

impl Bilingual {
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Vi => &self.vi,
            Language::En => &self.en,
        }
    }

    /// Both texts say something, within `max` characters, without control characters (tab and
    /// line breaks allowed). `field` names this text in the problem.
    pub fn check(&self, field: &str, max: usize) -> Result<(), SpecProblem> {
        for (lang, text) in [("vi", &self.vi), ("en", &self.en)] {
            let at = format!("{field}.{lang}");
            if text.chars().count() > max {
                return Err(SpecProblem {
                    field: at,
                    kind: ProblemKind::TooLong { max },
                });
            }
            if text.trim().is_empty() {
                return Err(SpecProblem {
                    field: at,
                    kind: ProblemKind::Blank,
                });
            }
            if text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                return Err(SpecProblem::invalid(&at));
            }
        }
        Ok(())
    }

    /// The same texts, trimmed.
    pub fn trimmed(&self) -> Self {
        Self {
            vi: self.vi.trim().to_owned(),
            en: self.en.trim().to_owned(),
        }
    }
}

/// Who is asked or told: the whole city, or the citizens of some wards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Audience {
    /// (A struct variant, so that a field sent with it is refused like any unknown field.)
    City {},
    /// Official five-digit codes, each once.
    Wards { wards: Vec<String> },
}

impl Audience {
    /// Whether a citizen of `ward` (none: not said) is in it. The whole city includes everyone;
    /// a set of wards only their citizens.
    pub fn includes(&self, ward: Option<&WardCode>) -> bool {
        match self {
            Self::City {} => true,
            Self::Wards { wards } => ward.is_some_and(|w| wards.iter().any(|c| c == w.as_str())),
        }
    }

    pub fn message_key(&self) -> &'static str {
        match self {
            Self::City {} => "survey.audience.city",
            Self::Wards { .. } => "survey.audience.wards",
        }
    }

    pub const KEYS: [&'static str; 2] = ["survey.audience.city", "survey.audience.wards"];

    /// A set of wards names at least one, each a known code written exactly, once.
    pub fn check(&self, known_ward: impl Fn(&str) -> bool) -> Result<(), SpecProblem> {
        let Self::Wards { wards } = self else {
            return Ok(());
        };
        if wards.is_empty() {
            return Err(SpecProblem::too_few("audience.wards", 1));
        }
        for (i, code) in wards.iter().enumerate() {
            let field = format!("audience.wards[{i}]");
            let exact = WardCode::parse(code).is_ok_and(|c| c.as_str() == code);
            if !exact || !known_ward(code) {
                return Err(SpecProblem {
                    field,
                    kind: ProblemKind::UnknownWard,
                });
            }
            if wards[..i].contains(code) {
                return Err(SpecProblem {
                    field,
                    kind: ProblemKind::Repeated,
                });
            }
        }
        Ok(())
    }
}

/// What is wrong with a field of what the back office sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Empty or only blanks.
    Blank,
    TooLong {
        max: usize,
    },
    TooFew {
        min: usize,
    },
    TooMany {
        max: usize,
    },
    Invalid,
    Repeated,
    UnknownWard,
    /// The window ends before it starts.
    Window,
}

/// A field (as a path, e.g. `questions[2].kind.choices[0].vi`) and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {}", self.describe())]
pub struct SpecProblem {
    pub field: String,
    pub kind: ProblemKind,
}

impl SpecProblem {
    pub(crate) fn too_few(field: &str, min: usize) -> Self {
        Self {
            field: field.to_owned(),
            kind: ProblemKind::TooFew { min },
        }
    }

    pub(crate) fn too_many(field: &str, max: usize) -> Self {
        Self {
            field: field.to_owned(),
            kind: ProblemKind::TooMany { max },
        }
    }

    pub(crate) fn invalid(field: &str) -> Self {
        Self {
            field: field.to_owned(),
            kind: ProblemKind::Invalid,
        }
    }

    pub(crate) fn window(field: &str) -> Self {
        Self {
            field: field.to_owned(),
            kind: ProblemKind::Window,
        }
    }

    /// The stable reason of the city API's refusal.
    pub fn reason(&self) -> Reason {
        match self.kind {
            ProblemKind::Blank => Reason::Missing,
            ProblemKind::TooLong { .. } => Reason::TooLong,
            ProblemKind::TooFew { .. } | ProblemKind::TooMany { .. } | ProblemKind::Invalid => {
                Reason::Invalid
            }
            ProblemKind::Repeated => Reason::Repeated,
            ProblemKind::UnknownWard => Reason::UnknownWard,
            ProblemKind::Window => Reason::InvalidWindow,
        }
    }

    fn describe(&self) -> String {
        match &self.kind {
            ProblemKind::Blank => "must say something".into(),
            ProblemKind::TooLong { max } => format!("longer than {max} characters"),
            ProblemKind::TooFew { min } => format!("needs at least {min}"),
            ProblemKind::TooMany { max } => format!("takes at most {max}"),
            ProblemKind::Invalid => "not valid".into(),
            ProblemKind::Repeated => "given twice".into(),
            ProblemKind::UnknownWard => "no HCMC ward or commune has this code".into(),
            ProblemKind::Window => "the window must end after it starts".into(),
        }
    }
}

/// RFC 3339 times, read strictly (`DateTime::parse_from_rfc3339`, any offset) and written in UTC
/// with whole seconds.
pub mod rfc3339 {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.to_utc())
            .map_err(|_| serde::de::Error::custom("not an RFC 3339 date-time"))
    }
}
