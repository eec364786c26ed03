//! Errors of the engine's operations, each with the stable code the UI translates.

use model::{ApiUrlError, ErrorCode};
use rusqlite::ErrorCode as SqliteCode;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The database could not be opened; the UI shows the error screen for this code.
    #[error("the local database is not available ({0})")]
    DbNotReady(ErrorCode),
    #[error("no ward has this code")]
    UnknownWard,
    #[error("invalid city API address: {0}")]
    ApiUrl(#[from] ApiUrlError),
    #[error("not an official city API address: the citizen must confirm it")]
    ApiUrlNotOfficial,
    #[error("local storage failed")]
    Storage(#[from] rusqlite::Error),
    #[error("the database is working; there is nothing to start fresh from")]
    NothingToRecover,
    #[error("the old database could not be moved aside")]
    MoveAside(#[source] std::io::Error),
    #[error("the HTTP client could not be set up")]
    NoHttpClient,
    #[error(transparent)]
    Photo(#[from] crate::photo::PhotoError),
    #[error(transparent)]
    Qr(#[from] crate::qr::QrError),
    #[error("a report takes at most {} photos", model::feedback::MAX_PHOTOS)]
    TooManyPhotos,
    #[error("the city API cannot be reached")]
    Offline,
    #[error("no such report on this device")]
    UnknownReport,
    #[error("not possible in the report's current state")]
    NotNow,
    #[error("the note is required")]
    NoteMissing,
    #[error("the note cannot be sent: {0}")]
    Note(#[source] model::feedback::FieldError),
    #[error("not a dossier code")]
    DossierCode,
    #[error("not a check value")]
    CheckValue,
    #[error("at most {} dossiers can be tracked", model::dossier::MAX_TRACKED)]
    TooManyDossiers,
    #[error("no such dossier on this device")]
    UnknownDossier,
    #[error("data shipped with the app is invalid")]
    BundledData,
    #[error("no random numbers from the operating system")]
    Random,
    /// The citizen's login failed (`crate::login`): `offline` when the provider cannot be
    /// reached, `login_timeout` when the browser did not come back in time, else
    /// `login_failed`.
    #[error(transparent)]
    Login(#[from] crate::login::LoginError),
    #[error("the city counts devices: there is no login")]
    NoLoginProvider,
    #[error("the export file could not be written")]
    Export(#[source] std::io::Error),
    #[error("no basemap on this device")]
    NoBasemap,
    #[error("a basemap read outside the file or too long")]
    BadRange,
    #[error("the basemap file could not be read")]
    MapFile(#[source] std::io::Error),
    #[error("no such survey on this device")]
    UnknownSurvey,
    #[error("the survey takes no answer (or no change) now")]
    SurveyClosed,
    #[error("a value could not be written as JSON")]
    Encode,
    #[error("this ward was already rated from this device this month")]
    AlreadyRatedThisMonth,
    #[error("a ward rating needs the five answers; the comment has a limit")]
    RatingInvalid,
}

/// What a command answers the UI: the stable code only (the UI shows its message). The detail
/// stays in the log.
impl From<CoreError> for model::ErrorDto {
    fn from(err: CoreError) -> Self {
        tracing::warn!(error = %err, source = ?std::error::Error::source(&err), "command failed");
        err.code().into()
    }
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::DbNotReady(code) => *code,
            Self::UnknownWard => ErrorCode::UnknownWard,
            Self::ApiUrl(err) => (*err).into(),
            Self::ApiUrlNotOfficial => ErrorCode::ApiUrlNotOfficial,
            Self::Storage(err) => match err.sqlite_error_code() {
                Some(SqliteCode::DiskFull) => ErrorCode::StorageFull,
                Some(SqliteCode::ReadOnly) => ErrorCode::DbReadOnly,
                Some(SqliteCode::DatabaseCorrupt | SqliteCode::NotADatabase) => {
                    ErrorCode::DbCorrupt
                }
                _ => ErrorCode::Internal,
            },
            Self::NothingToRecover => ErrorCode::Internal,
            Self::MoveAside(_) => ErrorCode::DbUnavailable,
            Self::NoHttpClient => ErrorCode::Internal,
            Self::Photo(err) => err.code(),
            Self::Qr(err) => err.code(),
            Self::TooManyPhotos => ErrorCode::TooManyPhotos,
            Self::Offline => ErrorCode::Offline,
            Self::UnknownReport => ErrorCode::UnknownReport,
            Self::NotNow => ErrorCode::NotNow,
            Self::NoteMissing => ErrorCode::NoteMissing,
            Self::Note(_) => ErrorCode::NoteInvalid,
            Self::DossierCode => ErrorCode::DossierCodeInvalid,
            Self::CheckValue => ErrorCode::CheckInvalid,
            Self::TooManyDossiers => ErrorCode::TooManyDossiers,
            Self::UnknownDossier => ErrorCode::UnknownDossier,
            Self::BundledData | Self::Random => ErrorCode::Internal,
            Self::Login(crate::login::LoginError::Unreachable) => ErrorCode::Offline,
            Self::Login(crate::login::LoginError::Timeout) => ErrorCode::LoginTimeout,
            Self::Login(_) => ErrorCode::LoginFailed,
            Self::NoLoginProvider => ErrorCode::LoginNotOffered,
            Self::Export(err) if err.kind() == std::io::ErrorKind::StorageFull => {
                ErrorCode::StorageFull
            }
            Self::Export(_) => ErrorCode::ExportFailed,
            Self::NoBasemap => ErrorCode::NoBasemap,
            Self::BadRange => ErrorCode::BadRange,
            Self::MapFile(_) => ErrorCode::Internal,
            Self::UnknownSurvey => ErrorCode::UnknownSurvey,
            Self::SurveyClosed => ErrorCode::SurveyClosed,
            Self::Encode => ErrorCode::Internal,
            Self::AlreadyRatedThisMonth => ErrorCode::AlreadyRatedThisMonth,
            Self::RatingInvalid => ErrorCode::RatingInvalid,
        }
    }
}
