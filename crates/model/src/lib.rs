//! The Citizen App's pure domain: types that make bad states unrepresentable, their validation,
//! the DTOs that cross the UI ↔ shell boundary, stable error codes and Vietnamese text folding.
//!
//! Nothing here does I/O, so it compiles to wasm for the UI and is tested without a database.

pub mod announcement;
pub mod api_url;
pub mod ask;
pub mod delivery;
pub mod dossier;
pub mod dossier_dto;
pub mod draft;
pub mod draft_reason;
pub mod draft_save;
pub mod dto;
pub mod error;
pub mod feedback;
pub mod fold;
pub mod form;
pub mod former;
pub mod geo;
pub mod guide;
pub mod index766;
pub mod ipc;
pub mod map;
pub mod messages;
pub mod open311;
pub mod part;
pub mod public_place;
pub mod rating_dto;
pub mod reason;
pub mod report_dto;
pub mod scoreboard;
pub mod search;
pub mod service;
pub mod settings;
pub mod survey;
pub mod trust;
pub mod voice_dto;
pub mod w3c_time;
pub mod ward;
pub mod ward_rating;
mod wire;
pub mod workdays;

pub use api_url::{ApiBaseUrl, ApiUrlError};
pub use error::{ErrorCode, ErrorDto};
pub use fold::fold;
pub use messages::Messages;
pub use settings::{Language, TextSize};
pub use ward::{UnitKind, Ward, WardCatalog, WardCode};
