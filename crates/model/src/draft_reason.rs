//! Why a draft cannot be sent yet: a gap the form itself finds, or one of the city's own field
//! rules (the same ones the server applies). Each has the message the citizen is shown.

use crate::reason::Reason;
use crate::wire::{wire_enum, wire_text};

wire_enum! {
    /// What the form still lacks before the city's rules are even checked.
    pub enum Gap {
        NoCategory = "no_category",
        NoPlace = "no_place",
        NoPosition = "no_position",
        NoWard = "no_ward",
        NoAddress = "no_address",
        NoLandmark = "no_landmark",
        NoIdentity = "no_identity",
        NoConsent = "no_consent",
        NoContact = "no_contact",
    }
}

/// The key shown for a city rule that has no message of its own in the form.
pub const OTHER_KEY: &str = "draft.problem.other";

/// A draft problem's reason. On the wire, its name: the gap's or the city reason's (no name is
/// both: a test holds it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemReason {
    Form(Gap),
    City(Reason),
}

impl ProblemReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Form(gap) => gap.as_str(),
            Self::City(reason) => reason.as_str(),
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Gap::parse(text)
            .map(Self::Form)
            .or_else(|| Reason::parse(text).map(Self::City))
    }

    /// The i18n key of what the citizen is told, next to the step to fix.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Form(gap) => match gap {
                Gap::NoCategory => "draft.problem.no_category",
                Gap::NoPlace => "draft.problem.no_place",
                Gap::NoPosition => "draft.problem.no_position",
                Gap::NoWard => "draft.problem.no_ward",
                Gap::NoAddress => "draft.problem.no_address",
                Gap::NoLandmark => "draft.problem.no_landmark",
                Gap::NoIdentity => "draft.problem.no_identity",
                Gap::NoConsent => "draft.problem.no_consent",
                Gap::NoContact => "draft.problem.no_contact",
            },
            Self::City(reason) => match reason {
                Reason::Missing => "draft.problem.missing",
                Reason::TooLong => "draft.problem.too_long",
                Reason::Invalid => "draft.problem.invalid",
                Reason::BadAttribute => "draft.problem.bad_attribute",
                Reason::UnknownService => "draft.problem.unknown_service",
                Reason::UnknownWard => "draft.problem.unknown_ward",
                Reason::OutsideCity => "draft.problem.outside_city",
                _ => OTHER_KEY,
            },
        }
    }

    /// Every reason a draft can be refused for, for tests that walk them all.
    pub fn all() -> impl Iterator<Item = Self> {
        let gaps = Gap::ALL.iter().copied().map(Self::Form);
        gaps.chain(Reason::ALL.iter().copied().map(Self::City))
    }
}

wire_text!(ProblemReason);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for r in ProblemReason::all() {
            assert_eq!(ProblemReason::parse(r.as_str()), Some(r), "{r}");
            let json = serde_json::to_string(&r).expect("json");
            assert_eq!(serde_json::from_str::<ProblemReason>(&json).ok(), Some(r));
        }
        assert_eq!(ProblemReason::parse("no_such_thing"), None);
    }

    #[test]
    fn a_city_rule_without_its_own_message_shows_the_other_one() {
        let key = ProblemReason::City(Reason::Repeated).message_key();
        assert_eq!(key, OTHER_KEY);
        let key = ProblemReason::City(Reason::TooLong).message_key();
        assert_eq!(key, "draft.problem.too_long");
    }
}
