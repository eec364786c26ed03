//! Administrative dossiers (hồ sơ thủ tục hành chính): the code printed on the receipt, the check
//! value that goes with it, their states, and what the city API answers about one.

mod check;
mod code;
pub mod qr;
mod status;
pub mod supplement;
pub mod sync;
pub mod typing;

pub use check::{CHECK_ALPHABET, CHECK_LEN, CheckValue, normalize_check};
pub use code::{AgencyCode, CODE_PATTERN, DossierCode, HcmcOrigin};
pub use status::DossierStatus;
pub use supplement::{HandIn, PaperForm, RequestedPaper, SupplementProblem, SupplementRequest};
pub use sync::{ChangesAnswer, ChangesRequest, MAX_TRACKED, TrackedPair};
pub use typing::{CodeMistake, CodePart, MistakeReason, TypedCode, check_as_typed};

use serde::{Deserialize, Serialize};

/// `GET /api/v1/dossiers/{code}?check=…`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dossier {
    pub code: String,
    pub procedure_code: String,
    /// The procedure's name in the asked language.
    pub procedure: String,
    /// Land, construction, business, civil status, residence, justice…
    pub field: String,
    /// The agency in charge.
    pub agency: String,
    pub ward_code: String,
    pub ward_name: String,
    pub status: DossierStatus,
    pub submitted_at: String,
    /// The legal deadline (working days after submission).
    pub expected_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// Finished by the deadline; `None` while still open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_time: Option<bool>,
    pub timeline: Vec<DossierEvent>,
    /// What the agency asked for, while the state is [`DossierStatus::SupplementRequested`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplement: Option<SupplementRequest>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierEvent {
    pub at: String,
    pub status: DossierStatus,
    pub note: String,
}
