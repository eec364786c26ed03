//! Stable error codes shared by the shell and the UI. The UI shows the translated message for
//! `messageKey`; it never parses error text.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::api_url::ApiUrlError;

/// Every failure the UI can be told about. The wire name (snake_case) never changes once shipped.
/// Read back by its wire name (`as_str`), not serde's derive: the derive's visitors were 8 KB of
/// the wasm the UI loads at start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The local database file is damaged.
    DbCorrupt,
    /// The local database was written by a newer version of the app.
    DbTooNew,
    /// The data folder cannot be written (read-only disk, permissions).
    DbReadOnly,
    /// The local database cannot be opened for another reason (disk full, missing folder…).
    DbUnavailable,
    /// The device's storage is full: nothing new could be saved (what was saved is kept).
    StorageFull,
    /// The city API address is empty.
    ApiUrlEmpty,
    /// The city API address is not a web address.
    ApiUrlMalformed,
    /// The city API address uses a scheme other than https.
    ApiUrlScheme,
    /// Plain http to a host other than this device.
    ApiUrlInsecure,
    /// The address carries a user, password, query or fragment.
    ApiUrlExtraParts,
    /// Not one of the city's official addresses: used only once the citizen confirms it
    /// (everything queued stays bound to the address it was filed with).
    ApiUrlNotOfficial,
    /// No ward has this code.
    UnknownWard,
    /// The city API cannot be reached; the app keeps working from local data.
    Offline,
    /// The city API answered with a server error.
    ServerError,
    /// The city API answered with data the app cannot accept.
    BadResponse,
    /// A bug or an unexpected local failure; details are in the log.
    Internal,
    /// A photo file is larger than the app accepts.
    PhotoTooLarge,
    /// The chosen file is not a JPEG, PNG or WebP picture.
    NotAnImage,
    /// The picture is damaged or too large to open.
    PhotoDamaged,
    /// A report already has as many photos as the city takes.
    TooManyPhotos,
    /// No report (or photo) with this id is on this device.
    UnknownReport,
    /// Not possible in the report's current state (e.g. rating twice, "not fixed" too late).
    NotNow,
    /// A required note is empty.
    NoteMissing,
    /// A note is too long or holds characters that cannot be sent.
    NoteInvalid,
    /// No QR code could be read in the photo of a receipt.
    QrNotFound,
    /// What was given as a dossier code is not a complete, well-formed one.
    DossierCodeInvalid,
    /// What was given as a check value is not 6 characters of the receipt's alphabet.
    CheckInvalid,
    /// The device already tracks the most dossiers one sync can carry (`MAX_TRACKED`).
    TooManyDossiers,
    /// No such tracked dossier on this device (removed meanwhile).
    UnknownDossier,
    /// "Export my data" could not write its file in the chosen folder.
    ExportFailed,
    /// The login with the city's identity provider did not succeed (refused, an answer the
    /// app cannot trust, no browser); nothing changed.
    LoginFailed,
    /// The login was not finished in the browser in time.
    LoginTimeout,
    /// The city in use counts devices: there is no login.
    LoginNotOffered,
    /// No basemap is on this device (the map draws without one).
    NoBasemap,
    /// A basemap read outside the file or longer than one read may be.
    BadRange,
    /// No such survey on this device (not pulled yet, or from another city address).
    UnknownSurvey,
    /// The survey takes no answer now (closed, not open yet), or it took the citizen's and
    /// takes no change.
    SurveyClosed,
    /// This device already rated this ward this month (on the device, or the city said so).
    AlreadyRatedThisMonth,
    /// A ward rating with an answer missing or a comment too long.
    RatingInvalid,
}

impl ErrorCode {
    pub const ALL: [Self; 39] = [
        Self::DbCorrupt,
        Self::DbTooNew,
        Self::DbReadOnly,
        Self::DbUnavailable,
        Self::StorageFull,
        Self::ApiUrlEmpty,
        Self::ApiUrlMalformed,
        Self::ApiUrlScheme,
        Self::ApiUrlInsecure,
        Self::ApiUrlExtraParts,
        Self::ApiUrlNotOfficial,
        Self::UnknownWard,
        Self::Offline,
        Self::ServerError,
        Self::BadResponse,
        Self::Internal,
        Self::PhotoTooLarge,
        Self::NotAnImage,
        Self::PhotoDamaged,
        Self::TooManyPhotos,
        Self::UnknownReport,
        Self::NotNow,
        Self::NoteMissing,
        Self::NoteInvalid,
        Self::QrNotFound,
        Self::DossierCodeInvalid,
        Self::CheckInvalid,
        Self::TooManyDossiers,
        Self::UnknownDossier,
        Self::ExportFailed,
        Self::LoginFailed,
        Self::LoginTimeout,
        Self::LoginNotOffered,
        Self::NoBasemap,
        Self::BadRange,
        Self::UnknownSurvey,
        Self::SurveyClosed,
        Self::AlreadyRatedThisMonth,
        Self::RatingInvalid,
    ];

    /// The wire name, e.g. `db_corrupt`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DbCorrupt => "db_corrupt",
            Self::DbTooNew => "db_too_new",
            Self::DbReadOnly => "db_read_only",
            Self::DbUnavailable => "db_unavailable",
            Self::StorageFull => "storage_full",
            Self::ApiUrlEmpty => "api_url_empty",
            Self::ApiUrlMalformed => "api_url_malformed",
            Self::ApiUrlScheme => "api_url_scheme",
            Self::ApiUrlInsecure => "api_url_insecure",
            Self::ApiUrlExtraParts => "api_url_extra_parts",
            Self::ApiUrlNotOfficial => "api_url_not_official",
            Self::UnknownWard => "unknown_ward",
            Self::Offline => "offline",
            Self::ServerError => "server_error",
            Self::BadResponse => "bad_response",
            Self::Internal => "internal",
            Self::PhotoTooLarge => "photo_too_large",
            Self::NotAnImage => "not_an_image",
            Self::PhotoDamaged => "photo_damaged",
            Self::TooManyPhotos => "too_many_photos",
            Self::UnknownReport => "unknown_report",
            Self::NotNow => "not_now",
            Self::NoteMissing => "note_missing",
            Self::NoteInvalid => "note_invalid",
            Self::QrNotFound => "qr_not_found",
            Self::DossierCodeInvalid => "dossier_code_invalid",
            Self::CheckInvalid => "check_invalid",
            Self::TooManyDossiers => "too_many_dossiers",
            Self::UnknownDossier => "unknown_dossier",
            Self::ExportFailed => "export_failed",
            Self::LoginFailed => "login_failed",
            Self::LoginTimeout => "login_timeout",
            Self::LoginNotOffered => "login_not_offered",
            Self::NoBasemap => "no_basemap",
            Self::BadRange => "bad_range",
            Self::UnknownSurvey => "unknown_survey",
            Self::SurveyClosed => "survey_closed",
            Self::AlreadyRatedThisMonth => "already_rated_this_month",
            Self::RatingInvalid => "rating_invalid",
        }
    }

    /// The i18n key of the message shown to the citizen.
    pub fn message_key(self) -> String {
        format!("error.{}", self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Self::ALL
            .into_iter()
            .find(|code| code.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom("unknown error code"))
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<ApiUrlError> for ErrorCode {
    fn from(err: ApiUrlError) -> Self {
        match err {
            ApiUrlError::Empty => Self::ApiUrlEmpty,
            ApiUrlError::Malformed => Self::ApiUrlMalformed,
            ApiUrlError::UnsupportedScheme => Self::ApiUrlScheme,
            ApiUrlError::Insecure => Self::ApiUrlInsecure,
            ApiUrlError::ExtraParts => Self::ApiUrlExtraParts,
        }
    }
}

/// What a failed command returns to the UI: `{"code":"db_corrupt","messageKey":"error.db_corrupt"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDto {
    pub code: ErrorCode,
    pub message_key: String,
}

impl From<ErrorCode> for ErrorDto {
    fn from(code: ErrorCode) -> Self {
        Self {
            code,
            message_key: code.message_key(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).expect("serialises");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!(seen.insert(code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).ok(), Some(code));
        }
        for bad in ["\"no_such_code\"", "\"DbCorrupt\"", "3", "null"] {
            assert!(serde_json::from_str::<ErrorCode>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dto_json_is_exact() {
        let json =
            serde_json::to_string(&ErrorDto::from(ErrorCode::DbCorrupt)).expect("serialises");
        assert_eq!(
            json,
            r#"{"code":"db_corrupt","messageKey":"error.db_corrupt"}"#
        );
    }
}
