//! The citizen's rights over their data (Law 91/2025/QH15 on personal data: art. 14 deletion,
//! art. 15 provision of one's data): "export my data" writes one JSON file of everything the app
//! holds and what the city holds for this device; "delete my data" deletes it on the device and
//! asks the city to remove contact details and the device's links (public reports stay,
//! de-identified). What the commands answer, and what the city's routes answer.

use serde::{Deserialize, Serialize};

use crate::trust::Consent;
use crate::wire::wire_enum;

/// The city's route for what it holds about the signed device (`GET`) and for deleting it
/// (`DELETE`, with an Idempotency-Key).
pub const MY_DEVICE_PATH: &str = "/api/v1/devices/me";

/// The first field of an export file: a reader knows what it holds and which layout.
pub const EXPORT_FORMAT: &str = "citizen-app-my-data";
pub const EXPORT_VERSION: u32 = 1;

wire_enum! {
    /// The city's part of an export.
    pub enum CityPart {
        /// The city's answer for this device is in the file.
        Included = "included",
        /// This device never registered with the city: nothing the city holds is linked to it
        /// (anonymous reports never are).
        NothingLinked = "nothing_linked",
        /// The city could not be asked (no network, or it refused): the file says so.
        NotReached = "not_reached",
    }
}

impl CityPart {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Included => "my_data.city_included",
            Self::NothingLinked => "my_data.city_nothing_linked",
            Self::NotReached => "my_data.city_not_reached",
        }
    }
}

/// What "export my data" wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportDto {
    /// The file's name, in [`Self::folder`].
    pub file_name: String,
    /// The folder, as the citizen's file manager shows it.
    pub folder: String,
    pub bytes: u64,
    pub city: CityPart,
}

wire_enum! {
    /// Where the city's side of a deletion stands.
    pub enum CityDeletion {
        /// Nothing at the city is linked to this device: nothing to ask.
        NothingLinked = "nothing_linked",
        /// Asked for, not yet confirmed by the city (no network yet): the app asks again by itself.
        Waiting = "waiting",
        /// The city confirmed it.
        Done = "done",
    }
}

impl CityDeletion {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::NothingLinked => "my_data.city_deletion_nothing_linked",
            Self::Waiting => "my_data.city_deletion_waiting",
            Self::Done => "my_data.city_deletion_done",
        }
    }
}

/// What is on the device, shown before the citizen confirms a deletion.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyDataSummary {
    /// Reports filed from this device (sent or not) and reports followed with "me too".
    pub reports: u32,
    /// Of those, items the city has not received yet: a deletion drops them.
    pub unsent: u32,
    pub dossiers: u32,
    /// Photos kept on the device (the citizen's and the city's).
    pub photos: u32,
    pub has_draft: bool,
    /// The city knows this device (it registered to vote, or filed a named report).
    pub registered: bool,
    /// A deletion asked earlier that the city has not confirmed yet.
    pub city_deletion: Option<CityDeletion>,
}

/// What "delete my data" did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletionDto {
    /// Items that had not reached the city and never will.
    pub unsent_dropped: u32,
    pub city: CityDeletion,
}

/// A report the city holds linked to this device, with what it holds about the citizen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldReport {
    pub service_request_id: String,
    /// When it was filed (RFC 3339, UTC).
    pub requested_datetime: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The consent given with those details, when any were sent.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub consent: Option<Consent>,
}

/// `GET /api/v1/devices/me`: everything the city holds linked to the signed device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CityHolds {
    pub device_id: String,
    /// RFC 3339, UTC.
    pub registered_at: String,
    pub reports: Vec<HeldReport>,
    /// Reports this device said "me too" to.
    pub supported: Vec<String>,
    /// Wards this device rated, with the month (`YYYY-MM`, Vietnam time).
    pub ward_ratings: Vec<HeldRating>,
    /// Surveys this device answered (their ids; the answers are counted, not listed here).
    #[serde(default)]
    pub surveys_answered: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldRating {
    pub ward_code: String,
    pub month: String,
}

/// `DELETE /api/v1/devices/me`: what the city removed. Reports stay public without the
/// citizen's details; counts ("me too", ratings) stay, linked to nobody.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CityDeleted {
    pub reports_unlinked: u32,
    pub contacts_removed: u32,
    pub supports_unlinked: u32,
    pub ratings_unlinked: u32,
    /// Survey answers kept in the counts, linked to nobody.
    #[serde(default)]
    pub survey_answers_unlinked: u32,
}
