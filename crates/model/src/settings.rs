//! User preferences that change how the app looks and speaks.

use serde::{Deserialize, Serialize};

/// The UI language. Vietnamese first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Vi,
    En,
}

impl Language {
    pub const ALL: [Self; 2] = [Self::Vi, Self::En];

    /// BCP 47 tag, also the stored value and the i18n file name.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.tag() == tag)
    }

    /// The i18n key of the language's name (each is named in itself).
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Vi => "lang.vi",
            Self::En => "lang.en",
        }
    }
}

/// Text size for people who need larger letters; applied to the whole UI.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextSize {
    #[default]
    Normal,
    Large,
    Larger,
}

impl TextSize {
    pub const ALL: [Self; 3] = [Self::Normal, Self::Large, Self::Larger];

    /// Root font size in percent of the platform default.
    pub fn percent(self) -> u16 {
        match self {
            Self::Normal => 100,
            Self::Large => 125,
            Self::Larger => 150,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Large => "large",
            Self::Larger => "larger",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.tag() == tag)
    }

    /// The i18n key of the size's name.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Normal => "text.normal",
            Self::Large => "text.large",
            Self::Larger => "text.larger",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_match_serde() {
        for l in Language::ALL {
            assert_eq!(Language::from_tag(l.tag()), Some(l));
            assert_eq!(
                serde_json::to_string(&l).ok(),
                Some(format!("\"{}\"", l.tag()))
            );
        }
        for s in TextSize::ALL {
            assert_eq!(TextSize::from_tag(s.tag()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).ok(),
                Some(format!("\"{}\"", s.tag()))
            );
        }
        assert_eq!(Language::from_tag("fr"), None);
        assert_eq!(Language::default(), Language::Vi);
    }
}
