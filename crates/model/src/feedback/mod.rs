//! Feedback reports (Open311 "service requests"): their life cycle and the limits on what a
//! citizen may send (here), the forms both sides build and read (`new_request`, `followup`), why
//! a form is refused (`field`), and the device's id (`device`).

mod device;
mod field;
mod followup;
mod new_request;

pub use device::DeviceId;
pub use field::{FieldError, only_known, text};
pub use followup::{PhotoFields, PhotoPurpose, RatingForm, ReopenForm, SupportForm};
pub use new_request::{Contact, NewRequest, Place};

use serde::{Deserialize, Serialize};

pub const MAX_DESCRIPTION_CHARS: usize = 4_000;
pub const MAX_ADDRESS_CHARS: usize = 300;
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_NOTE_CHARS: usize = 2_000;
pub const MAX_PHOTOS: usize = 5;
/// Largest photo the city API takes; the app shrinks photos far below this.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;
/// Days after "resolved" during which the citizen may answer "not fixed".
pub const REOPEN_WINDOW_DAYS: i64 = 30;

/// The i18n key shown for a report the city does not have yet.
pub const NOT_YET_KEY: &str = "status.not_yet";

/// Where a report is in its life. Open311 only knows open/closed; this is the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Received,
    Assigned,
    InProgress,
    Resolved,
    Closed,
    /// The citizen said "not fixed" after it was resolved.
    Reopened,
}

impl RequestStatus {
    pub const ALL: [Self; 6] = [
        Self::Received,
        Self::Assigned,
        Self::InProgress,
        Self::Resolved,
        Self::Closed,
        Self::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Assigned => "assigned",
            Self::InProgress => "in_progress",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Reopened => "reopened",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The i18n key of its name; [`NOT_YET_KEY`] before the city has the report.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Received => "status.received",
            Self::Assigned => "status.assigned",
            Self::InProgress => "status.in_progress",
            Self::Resolved => "status.resolved",
            Self::Closed => "status.closed",
            Self::Reopened => "status.reopened",
        }
    }

    /// Open311's `status`.
    pub fn open311(self) -> &'static str {
        match self {
            Self::Resolved | Self::Closed => "closed",
            _ => "open",
        }
    }

    /// The moves city staff may make.
    pub fn staff_can_move_to(self, next: Self) -> bool {
        use RequestStatus::*;
        matches!(
            (self, next),
            (Received | Reopened, Assigned | InProgress | Resolved)
                | (Assigned, InProgress | Resolved)
                | (InProgress, Resolved)
                | (Resolved, Closed)
        )
    }
}

/// The three answers of the city's satisfaction surveys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    Neutral,
    Unsatisfied,
}

impl Satisfaction {
    pub const ALL: [Self; 3] = [Self::Satisfied, Self::Neutral, Self::Unsatisfied];

    /// The i18n key of the answer as the citizen reads it.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Satisfied => "rate.satisfied",
            Self::Neutral => "rate.neutral",
            Self::Unsatisfied => "rate.unsatisfied",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::Neutral => "neutral",
            Self::Unsatisfied => "unsatisfied",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_moves() {
        use RequestStatus::*;
        assert!(Received.staff_can_move_to(Assigned));
        assert!(Reopened.staff_can_move_to(InProgress));
        assert!(Resolved.staff_can_move_to(Closed));
        assert!(!Closed.staff_can_move_to(InProgress));
        assert!(
            !Resolved.staff_can_move_to(Reopened),
            "only the citizen reopens"
        );
        assert!(!InProgress.staff_can_move_to(Received));
        for s in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(Resolved.open311(), "closed");
        assert_eq!(Reopened.open311(), "open");
    }
}
