//! The app's background sync of tracked dossiers: one request with every tracked (code, check)
//! pair and a cursor, answered with the dossiers that changed since that cursor
//! (`POST /api/v1/dossiers/changes`), never one request per dossier.

use serde::{Deserialize, Serialize};

use super::Dossier;

/// Most pairs one request may carry.
pub const MAX_TRACKED: usize = 500;

/// A dossier as the citizen tracks it: the code and the check value printed on the receipt.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TrackedPair {
    /// As printed, e.g. `000.00.04.H29-240115-0001` (spaces and letter case forgiven).
    pub code: String,
    /// The 6-character check value printed next to it.
    pub check: String,
}

/// What the app asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangesRequest {
    /// The `cursor` of the last complete answer; 0 for everything.
    pub cursor: i64,
    /// Every dossier the app tracks, at most 500 (`MAX_TRACKED`).
    pub dossiers: Vec<TrackedPair>,
}

/// What the city answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangesAnswer {
    /// The cursor to send next time. When `complete` is false it is the cursor that was sent.
    pub cursor: i64,
    /// False when the answer stopped early because too many pairs were wrong (see
    /// `Retry-After`): pairs after the last answered one were not looked at.
    pub complete: bool,
    /// The tracked dossiers that changed after the cursor, in the order asked.
    pub changed: Vec<Dossier>,
    /// Pairs that open no dossier: the code or the check value is wrong (the same answer for
    /// both, so codes cannot be probed). Listed in every answer they are sent in, whatever the
    /// cursor: the app asks the citizen to look at the receipt again and stops sending them.
    pub not_found: Vec<TrackedPair>,
}
