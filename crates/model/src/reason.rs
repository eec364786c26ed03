//! Why the city API refused a request: the stable `reason` of its error answers
//! (`[{"code", "description", "reason", "field"}]`). The server writes it, the app's sync engine
//! reads it to decide what to do, and the UI shows the citizen a message for it.

use crate::wire::wire_enum;

wire_enum! {
    /// A refusal's stable reason. Add a variant here, then use it where the server refuses.
    pub enum Reason {
        // A form field (the answer's `field` names it).
        Missing = "missing",
        TooLong = "too_long",
        Invalid = "invalid",
        Repeated = "repeated",
        UnknownField = "unknown_field",
        UnknownService = "unknown_service",
        UnknownWard = "unknown_ward",
        OutsideCity = "outside_city",
        NoLocation = "no_location",
        HalfPoint = "half_point",
        BadAttribute = "bad_attribute",
        // The request as a whole.
        BadRequest = "bad_request",
        InvalidEncoding = "invalid_encoding",
        InvalidJson = "invalid_json",
        InvalidMultipart = "invalid_multipart",
        UnsupportedFormat = "unsupported_format",
        UnsupportedMediaType = "unsupported_media_type",
        TooLarge = "too_large",
        Timeout = "timeout",
        MethodNotAllowed = "method_not_allowed",
        NotFound = "not_found",
        UnknownJurisdiction = "unknown_jurisdiction",
        InvalidId = "invalid_id",
        TooManyIds = "too_many_ids",
        InvalidCursor = "invalid_cursor",
        InvalidPageSize = "invalid_page_size",
        InvalidStatus = "invalid_status",
        InvalidWindow = "invalid_window",
        InvalidWardCode = "invalid_ward_code",
        /// A map route's `bbox` is not `west,south,east,north` in range and in order.
        InvalidBbox = "invalid_bbox",
        /// The scoreboard's `period` is not `week`, `month` or `quarter`.
        InvalidPeriod = "invalid_period",
        /// A date is not `YYYY-MM-DD`, or is outside what may be asked (2000-01-01 to today).
        InvalidDate = "invalid_date",
        InvalidDossierCode = "invalid_dossier_code",
        InvalidCheck = "invalid_check",
        /// Too many wrong check values from this client: wait `Retry-After` seconds.
        Throttled = "throttled",
        // Keys.
        MissingApiKey = "missing_api_key",
        InvalidApiKey = "invalid_api_key",
        InvalidStaffKey = "invalid_staff_key",
        InvalidIdempotencyKey = "invalid_idempotency_key",
        // The device signature (`model::trust::signature`).
        /// This write is counted per device: it needs a registered device's signature.
        Unsigned = "unsigned",
        /// The signature does not match the request (or the headers are malformed).
        BadSignature = "bad_signature",
        /// `Citizen-Time` is more than 5 minutes from the server's clock (its `Date` says which).
        StaleTime = "stale_time",
        /// The city does not know this device (never registered, or its data was deleted):
        /// register again.
        UnknownDevice = "unknown_device",
        /// Too many requests from this network address or device: wait `Retry-After` seconds.
        RateLimited = "rate_limited",
        // A verified citizen (an OIDC ID token as `Authorization: Bearer`; issue 13).
        /// The token is malformed, forged, for another client or issuer, or signed with an
        /// algorithm the city does not accept.
        BadToken = "bad_token",
        /// The token has expired (or is not valid yet): log in again.
        TokenExpired = "token_expired",
        /// This city counts each verified citizen once: this write needs a login.
        CitizenRequired = "citizen_required",
        /// This city has no identity provider: a token is refused (sign with the device).
        NoIdentityProvider = "no_identity_provider",
        /// The city's identity provider could not be reached to check the token: try later.
        IdentityProviderUnavailable = "identity_provider_unavailable",
        /// Contact details without `consent_version` and `consent_at`.
        ConsentMissing = "consent_missing",
        IdempotencyKeyReused = "idempotency_key_reused",
        /// The same Idempotency-Key is still being processed: wait and send again.
        RequestInFlight = "request_in_flight",
        // Photos.
        EmptyFile = "empty_file",
        NotAnImage = "not_an_image",
        OnePhoto = "one_photo",
        TooManyPhotos = "too_many_photos",
        // The report's state.
        NotOwner = "not_owner",
        NotResolved = "not_resolved",
        ReopenWindowPassed = "reopen_window_passed",
        AlreadyRated = "already_rated",
        AlreadyRatedThisMonth = "already_rated_this_month",
        /// "Me too" on the device's own report.
        OwnReport = "own_report",
        /// "Me too" on a closed report.
        Closed = "closed",
        InvalidTransition = "invalid_transition",
        /// A back-office "needs more papers" step without its list, or a list the citizen could
        /// not act on (`model::dossier::SupplementProblem`).
        InvalidSupplement = "invalid_supplement",
        NoStaffStep = "no_staff_step",
        // Surveys (`model::survey`).
        /// The survey takes no answer now: not open, or outside its window.
        SurveyNotOpen = "survey_not_open",
        /// This voter already answered this survey, and it does not take changed answers (or
        /// no longer: it closed).
        AlreadyAnswered = "already_answered",
        /// The survey asks other wards (or the citizen's ward was not given).
        OutsideAudience = "outside_audience",
        /// The results are published once the city closes the survey and publishes them.
        ResultsNotPublished = "results_not_published",
        /// A survey is edited only while it is a draft.
        NotDraft = "not_draft",
        /// The server failed; nothing was stored.
        InternalError = "internal_error",
    }
}

impl Reason {
    /// The i18n key of what the citizen is told when the city refused one of their items for
    /// this reason: the reasons a citizen's own action can meet have their own message; the rest
    /// (malformed requests, staff routes) share `reason.other`.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::TooLong => "reason.too_long",
            Self::Invalid => "reason.invalid",
            Self::Missing => "reason.missing",
            Self::BadAttribute => "reason.bad_attribute",
            Self::UnknownService => "reason.unknown_service",
            Self::UnknownWard => "reason.unknown_ward",
            Self::OutsideCity => "reason.outside_city",
            Self::NotAnImage => "reason.not_an_image",
            Self::TooManyPhotos => "reason.too_many_photos",
            Self::TooLarge => "reason.too_large",
            Self::NotResolved => "reason.not_resolved",
            Self::ReopenWindowPassed => "reason.reopen_window_passed",
            Self::AlreadyRated => "reason.already_rated",
            Self::NotOwner => "reason.not_owner",
            Self::InvalidApiKey => "reason.invalid_api_key",
            Self::Throttled => "reason.throttled",
            Self::CitizenRequired => "reason.citizen_required",
            Self::TokenExpired => "reason.token_expired",
            Self::SurveyNotOpen => "reason.survey_not_open",
            Self::AlreadyAnswered => "reason.already_answered",
            Self::OutsideAudience => "reason.outside_audience",
            Self::ResultsNotPublished => "reason.results_not_published",
            _ => OTHER_KEY,
        }
    }
}

/// The message for a refusal without a reason of its own.
pub const OTHER_KEY: &str = "reason.other";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_unique_and_snake_case() {
        let mut names: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Reason::ALL.len());
    }

    #[test]
    fn message_keys_name_the_reason_or_other() {
        assert_eq!(Reason::TooLong.message_key(), "reason.too_long");
        assert_eq!(Reason::InvalidCursor.message_key(), OTHER_KEY);
        for r in Reason::ALL {
            let key = r.message_key();
            assert!(key == OTHER_KEY || key == format!("reason.{r}"), "{r}");
        }
    }
}
