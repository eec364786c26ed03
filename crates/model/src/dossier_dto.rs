//! What the dossier commands return to the UI (camelCase JSON): the citizen's tracked dossiers,
//! one dossier with the city's last answer, what adding one did, and what a receipt's photo held.

use serde::{Deserialize, Serialize};

use crate::dossier::qr::QrProblem;
use crate::dossier::{Dossier, DossierStatus, TrackedPair};
use crate::workdays::DeadlineStatus;

/// Where a tracked dossier stands with the city, as far as the app knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lookup {
    /// Not looked up yet (added offline, or the city could not be reached or asked the app to
    /// wait): the background sync looks it up by itself when the network returns.
    Waiting,
    /// The city knows no dossier with this code and check value (the same answer for both, so
    /// codes cannot be probed): the citizen looks at the receipt again. No longer sent.
    NotFound,
    /// The city answered; its last answer is kept on the device.
    Known,
}

impl Lookup {
    pub const ALL: [Self; 3] = [Self::Waiting, Self::NotFound, Self::Known];

    pub fn message_key(self) -> &'static str {
        match self {
            Self::Waiting => "dossier.lookup.waiting",
            Self::NotFound => "dossier.lookup.not_found",
            Self::Known => "dossier.lookup.known",
        }
    }
}

/// The legal deadline as the citizen reads it today, in Vietnam's working days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeadlineDto {
    /// Working days after today up to and including the deadline.
    DaysLeft {
        days: u32,
    },
    DueToday,
    /// Working days after the deadline up to and including today.
    Overdue {
        days: u32,
    },
    /// The city's part is done; `on_time` as the city says (`None`: it did not say).
    Finished {
        on_time: Option<bool>,
    },
    /// The days cannot be counted honestly: no deadline yet, or a year the holiday file does
    /// not list. Shown as "not available", never guessed.
    NotAvailable,
}

impl DeadlineDto {
    /// The key of its sentence; `{days}` stands for the number where there is one.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::DaysLeft { .. } => "dossier.deadline.days_left",
            Self::DueToday => "dossier.deadline.due_today",
            Self::Overdue { .. } => "dossier.deadline.overdue",
            Self::Finished {
                on_time: Some(true),
            } => "dossier.deadline.finished_on_time",
            Self::Finished {
                on_time: Some(false),
            } => "dossier.deadline.finished_late",
            Self::Finished { on_time: None } => "dossier.deadline.finished",
            Self::NotAvailable => "dossier.deadline.not_available",
        }
    }

    pub const KEYS: [&'static str; 7] = [
        "dossier.deadline.days_left",
        "dossier.deadline.due_today",
        "dossier.deadline.overdue",
        "dossier.deadline.finished_on_time",
        "dossier.deadline.finished_late",
        "dossier.deadline.finished",
        "dossier.deadline.not_available",
    ];
}

impl From<DeadlineStatus> for DeadlineDto {
    fn from(status: DeadlineStatus) -> Self {
        match status {
            DeadlineStatus::DaysLeft(days) => Self::DaysLeft { days },
            DeadlineStatus::DueToday => Self::DueToday,
            DeadlineStatus::Overdue(days) => Self::Overdue { days },
        }
    }
}

/// A line of "My dossiers".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DossierSummary {
    /// The device's id for it.
    pub id: i64,
    /// The code as printed, in its canonical form.
    pub code: String,
    pub lookup: Lookup,
    /// The procedure's name, once the city answered.
    pub procedure: Option<String>,
    pub status: Option<DossierStatus>,
    /// The appointment for the result (the city's `expected_at`), once known.
    pub expected_at: Option<String>,
    pub deadline: DeadlineDto,
    /// The city changed something the citizen has not opened yet.
    pub unseen: bool,
    /// When it was added on this device (ms since the epoch).
    pub added_ms: i64,
    /// The city API address it was added with, when it is not the one in use: its code and
    /// check value go only there, so it is not checked until that address is set again.
    pub other_address: Option<String>,
}

/// One tracked dossier with everything the app keeps about it (readable offline).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DossierDetail {
    pub summary: DossierSummary,
    /// The city's last answer: procedure, agency, ward, dates, timeline, papers asked for.
    pub dossier: Option<Dossier>,
    /// When the city last answered about it (RFC 3339); `None`: never.
    pub checked_at: Option<String>,
}

/// What "add" did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum AddDossierAnswer {
    /// Kept on the device; `lookup` says whether the city already answered (`Known`) or it
    /// waits for the network (`Waiting`).
    #[serde(rename_all = "camelCase")]
    Added { id: i64, lookup: Lookup },
    /// This code is already in the list (its check value is updated if it was `NotFound`).
    #[serde(rename_all = "camelCase")]
    AlreadyTracked { id: i64 },
    /// The city knows no dossier with this code and check value: nothing was kept, the citizen
    /// looks at the receipt again.
    NotFound,
}

/// What a photo of a receipt held.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum ReceiptReading {
    /// The receipt's code and check value, to show in the form before adding.
    Found { pair: TrackedPair },
    /// A QR code was read but it cannot be used as a receipt (another kind of code, or the
    /// check value is missing or damaged): [`QrProblem::message_key`] says what to tell the
    /// citizen, and [`QrProblem::code`] fills the form when the code was there, so only the
    /// check value is left to type.
    NotAReceipt { problem: QrProblem },
    /// No QR code could be read in the photo.
    NoQrCode,
}

/// What the shell tells the UI ([`crate::ipc::Event::DossiersNews`]) when tracked dossiers
/// changed: the badge's count (`unseen`: tracked dossiers with changes the citizen has not
/// opened yet). The same type as the reports' event, so the UI decodes both with one function:
/// a second decoder of the same JSON cost its start part bytes it has not got.
pub type DossierNewsEvent = crate::report_dto::NewsEvent;

/// A dossier the city changed since the citizen last looked: for the OS notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DossierNews {
    pub id: i64,
    pub code: String,
    pub status: DossierStatus,
    /// The appointment for the result, when the city gave one.
    pub expected_at: Option<String>,
    /// With "needs more papers": the last day to hand them in, when the agency set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub papers_due: Option<chrono::NaiveDate>,
}
