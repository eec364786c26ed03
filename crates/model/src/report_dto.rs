//! What the feedback commands return to the UI (camelCase JSON): the draft on screen, the
//! citizen's reports with their delivery and city state, a report's timeline, nearby reports.

use serde::{Deserialize, Serialize};

use crate::delivery::Refusal;
use crate::draft::{Draft, DraftProblem};
use crate::feedback::{RequestStatus, Satisfaction};
use crate::open311::{RequestEvent, ServiceRequest};

/// A photo as the UI shows it: a small preview (a `data:` URL; the CSP allows no other kind).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhotoDto {
    pub id: i64,
    pub thumb: String,
    pub bytes: usize,
    /// The camera recorded where it was taken (the place was removed from the photo itself).
    pub has_place: bool,
}

/// The report being written, with its photos.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftDto {
    pub draft: Draft,
    pub photos: Vec<PhotoDto>,
    /// When it was last saved (ms since the epoch); `None`: nothing saved yet.
    pub saved_ms: Option<i64>,
}

impl DraftDto {
    /// Something was written and kept: the hub offers "continue" instead of "new".
    pub fn is_started(&self) -> bool {
        self.saved_ms.is_some() && self.draft != Draft::default()
    }
}

/// How far a report (and its photos and follow-ups) is on its way to the city.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Delivery {
    /// Waiting for a network; `done` of `total` parts are already with the city.
    #[serde(rename_all = "camelCase")]
    Queued { done: u32, total: u32 },
    #[serde(rename_all = "camelCase")]
    Sending { done: u32, total: u32 },
    /// Everything is with the city.
    Sent,
    /// Filed with another city API address than the one in use: it waits (its contact details
    /// and device id go to no other city) and goes when `address` is set again.
    #[serde(rename_all = "camelCase")]
    OtherAddress {
        done: u32,
        total: u32,
        address: String,
    },
    /// The city refused a part for good: the citizen must fix it. `reason` says why (the UI
    /// shows its `message_key`), `field` the form field concerned.
    #[serde(rename_all = "camelCase")]
    NeedsAttention {
        outbox_id: i64,
        reason: Refusal,
        field: Option<String>,
        /// Whether the refused part is the report itself (fixable in the form).
        is_report: bool,
    },
}

/// Whose report it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Mine,
    /// Someone else's, followed with "me too".
    Followed,
}

/// A line of "My reports".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportSummary {
    pub id: i64,
    pub origin: Origin,
    pub service_code: String,
    pub description: String,
    pub created_ms: i64,
    /// The city's number for it, once it has it.
    pub server_id: Option<String>,
    /// The city's state, once it has it.
    pub status: Option<RequestStatus>,
    pub delivery: Delivery,
    /// The city changed something the citizen has not looked at yet.
    pub unseen: bool,
}

/// One step of a report's story as the citizen reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    pub event: RequestEvent,
    /// The city's photos of this step, kept on the device (ids for `report_photo`).
    pub photos: Vec<PhotoDto>,
}

/// A report with everything the app knows about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportDetail {
    pub summary: ReportSummary,
    pub address: Option<String>,
    pub ward_code: Option<String>,
    pub agency: Option<String>,
    pub status_notes: Option<String>,
    pub expected: Option<String>,
    /// The photos the citizen sent.
    pub photos: Vec<PhotoDto>,
    /// The city's timeline, oldest first (empty until the city has the report).
    pub timeline: Vec<TimelineEntry>,
    pub rating: Option<Satisfaction>,
    /// Other citizens who said "me too", as of the city's last answer.
    pub supporters: u32,
    /// A rating or "not fixed" is already waiting to be sent.
    pub followup_pending: bool,
    /// "Not fixed" can be answered until then (RFC 3339), when the report is resolved.
    pub reopen_until: Option<String>,
}

impl ReportDetail {
    /// Whether the citizen may rate the resolution now: their own report, resolved or closed,
    /// not rated, nothing else waiting to be sent about it.
    pub fn can_rate(&self) -> bool {
        self.summary.origin == Origin::Mine
            && matches!(
                self.summary.status,
                Some(RequestStatus::Resolved | RequestStatus::Closed)
            )
            && self.rating.is_none()
            && !self.followup_pending
    }
}

/// A report of the same kind nearby: "is this yours?"
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NearbyReport {
    pub report: ServiceRequest,
    /// From the place the citizen gave, when both have a position.
    pub distance_m: Option<u32>,
    /// Already followed or filed on this device.
    pub followed: bool,
}

/// Reports of the same kind nearby, or why there are none to show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Nearby {
    Found {
        reports: Vec<NearbyReport>,
    },
    /// The city API cannot be reached: the check is skipped, sending still works.
    Offline,
    /// Not enough is chosen yet (a category and a ward or position).
    NotAsked,
}

/// A ward's public list of reports (no personal data), fetched or kept from the last time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WardReports {
    pub ward_code: String,
    pub reports: Vec<ServiceRequest>,
    /// When the list came from the city (RFC 3339); `None`: never fetched.
    pub fetched_at: Option<String>,
    /// This answer is the kept copy: the city API could not be reached just now.
    pub offline: bool,
}

/// After "send": saved and queued (it goes out by itself), or what is still missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum SubmitAnswer {
    #[serde(rename_all = "camelCase")]
    Queued { report_id: i64 },
    #[serde(rename_all = "camelCase")]
    Incomplete { problem: DraftProblem },
}

/// What the shell tells the UI ([`crate::ipc::Event::ReportsNews`]) when reports have news: the
/// badge's count. What changed goes to the OS notification from the shell; the UI asks for the
/// reports themselves (sending the list too cost the UI's start 1.8 KB gzip to decode it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewsEvent {
    /// Reports with news the citizen has not opened yet.
    pub unseen: usize,
}

/// A report the city changed since the citizen last looked: for the badge and the notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct News {
    pub report_id: i64,
    pub service_code: String,
    pub status: Option<RequestStatus>,
}
