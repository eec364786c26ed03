//! What the city API sends on its Open311 GeoReport v2 routes, plus the extensions this API adds
//! (each marked). Ids and codes are strings, as the spec's schemas say; absent optional fields
//! are omitted, never empty strings. Both the server and the app use these types.

use serde::{Deserialize, Serialize};

use crate::feedback::{RequestStatus, Satisfaction};
use crate::wire::wire_enum;

/// One entry of `GET services.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceSummary {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    /// True when `GET services/{code}.json` has questions for it.
    pub metadata: bool,
    /// Always `realtime`: a report gets its id at once.
    #[serde(rename = "type")]
    pub kind: String,
    /// Comma-separated, as Open311 has it.
    pub keywords: String,
    pub group: String,
}

/// `GET services/{code}.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<AttributeOut>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttributeOut {
    /// Whether the citizen answers it (always true here).
    pub variable: bool,
    pub code: String,
    pub datatype: String,
    pub required: bool,
    pub datatype_description: Option<String>,
    pub order: u32,
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<AttributeValueOut>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttributeValueOut {
    pub key: String,
    pub name: String,
}

/// The answer to `POST requests.json` (an array of one). The spec: `token` "should not be
/// returned if `service_request_id` is returned", and the other way round; this server files a
/// report at once and answers with its id. `account_id` is the spec's optional account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Posted {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_notice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

/// `GET tokens/{token}.json` (an array of one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenAnswer {
    pub service_request_id: String,
    pub token: String,
}

/// A report as the public sees it: no name, phone, e-mail or device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceRequest {
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_notes: Option<String>,
    pub service_name: String,
    pub service_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub agency_responsible: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_notice: Option<String>,
    pub requested_datetime: String,
    pub updated_datetime: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_datetime: Option<String>,
    /// On public routes the ward's name, never the street address the citizen gave; the staff
    /// route (`GET /api/v1/staff/requests/{id}`) has that address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The ward's official code (exact on every route).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_id: Option<String>,
    /// On public routes coarse: the centre of the 0.002° × 0.002° grid cell (~220 m in HCMC)
    /// the report's point is in, the same on every read (`model::public_place`); exact only on
    /// the staff route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Coarse on public routes, like `lat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_url: Option<String>,
    /// Extension: the detailed state.
    pub detailed_status: RequestStatus,
    /// Extension: every photo of the report and of its handling.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_urls: Vec<String>,
    /// Extension: the change counter, for incremental sync.
    pub change_seq: i64,
    /// Extension: the citizen's rating of the resolution, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Satisfaction>,
    /// Extension: how many other citizens said "me too" (followed it instead of filing it again).
    #[serde(default)]
    pub supporters: u32,
}

wire_enum! {
    /// Who made a step of a report's timeline.
    pub enum Actor {
        Citizen = "citizen",
        Staff = "staff",
        System = "system",
    }
}

/// Extension: one step of a report's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestEvent {
    pub at: String,
    pub status: RequestStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub actor: Actor,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_urls: Vec<String>,
}

/// Extension: the answer to a photo upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaPosted {
    pub media_id: String,
    pub media_url: String,
    pub content_type: String,
    pub bytes: usize,
}
