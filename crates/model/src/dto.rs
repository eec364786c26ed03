//! Data the shell's commands return to the UI (camelCase JSON).

use serde::{Deserialize, Serialize};

use crate::error::ErrorDto;
use crate::settings::{Language, TextSize};
use crate::ward::Ward;

/// Whether the local database could be opened, and if not, what the citizen can do.
///
/// Externally tagged (`"ready"`, `{"failed": {…}}`), not `tag = "state"`: an internally tagged
/// enum is read through serde's buffering `Content` deserializer, which this one type kept in
/// the UI's start part (it comes in `app_status`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DbStatus {
    Ready,
    /// The app cannot use its data. `canStartFresh`: the file can be moved aside (kept, never
    /// deleted) and a new, empty database started.
    #[serde(rename_all = "camelCase")]
    Failed {
        error: ErrorDto,
        can_start_fresh: bool,
    },
}

/// Reachability of the city API as last observed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Connection {
    /// Not checked yet.
    #[default]
    Unknown,
    Online,
    /// Unreachable or failing: the app works from its local data.
    Offline,
}

impl Connection {
    pub const ALL: [Self; 3] = [Self::Unknown, Self::Online, Self::Offline];

    /// The UI's tag for it (`data-state`, CSS).
    pub fn tag(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Online => "online",
            Self::Offline => "offline",
        }
    }

    /// The i18n key of what the citizen is told.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Unknown => "conn.unknown",
            Self::Online => "conn.online",
            Self::Offline => "conn.offline",
        }
    }
}

/// Everything the UI needs to draw its first screen, in one call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub db: DbStatus,
    pub settings: SettingsDto,
    pub connection: ConnectionDto,
    /// The home badges at start, in the answer the UI waits for anyway (a call of its own
    /// for each cost the UI's start part bytes).
    pub news: NewsCounts,
}

/// What the city changed that the citizen has not opened yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsCounts {
    /// Reports with news.
    pub reports: usize,
    /// Tracked dossiers with news.
    pub dossiers: usize,
    /// Urgent announcements shown now to the citizen that they have not opened.
    pub urgent: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsDto {
    pub language: Language,
    pub text_size: TextSize,
    /// The city API address in use.
    pub api_base_url: String,
    pub my_ward: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionDto {
    pub state: Connection,
    /// When the ward list last came from the city API (RFC 3339), if ever.
    pub wards_refreshed_at: Option<String>,
}

/// Result of a ward search: the wards to show, best first, and how many matched in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WardSearchResult {
    pub wards: Vec<Ward>,
    pub total: usize,
}

/// After moving a broken database aside: the name it is kept under (a file name, not a path).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartFreshOutcome {
    pub kept_as: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn db_status_json_shape() {
        let failed = DbStatus::Failed {
            error: ErrorCode::DbCorrupt.into(),
            can_start_fresh: true,
        };
        let json = serde_json::to_value(&failed).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({"failed": {
                "error": {"code": "db_corrupt", "messageKey": "error.db_corrupt"},
                "canStartFresh": true
            }})
        );
        assert_eq!(
            serde_json::to_value(DbStatus::Ready).ok(),
            Some(serde_json::json!("ready"))
        );
    }
}
