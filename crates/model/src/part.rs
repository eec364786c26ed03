//! The parts of the app the home screen offers (feedback, dossiers, map, rating).

/// One tile of the home screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Feedback,
    Dossiers,
    Map,
    Rate,
}

impl Part {
    pub const ALL: [Self; 4] = [Self::Feedback, Self::Dossiers, Self::Map, Self::Rate];

    /// The id stem of its tile and page (`nav-<stem>`).
    pub fn stem(self) -> &'static str {
        match self {
            Self::Feedback => "feedback",
            Self::Dossiers => "dossiers",
            Self::Map => "map",
            Self::Rate => "rate",
        }
    }

    /// The i18n key of its name.
    pub fn title_key(self) -> &'static str {
        match self {
            Self::Feedback => "home.feedback",
            Self::Dossiers => "home.dossiers",
            Self::Map => "home.map",
            Self::Rate => "home.rate",
        }
    }

    /// The i18n key of the line under its name.
    pub fn hint_key(self) -> &'static str {
        match self {
            Self::Feedback => "home.feedback_hint",
            Self::Dossiers => "home.dossiers_hint",
            Self::Map => "home.map_hint",
            Self::Rate => "home.rate_hint",
        }
    }
}
