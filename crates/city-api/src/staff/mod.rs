//! The city's back office (extension): staff move a report through its states, so a demo or a
//! test can show a report being handled, and dossiers through theirs ([`dossiers`]). Needs the
//! staff key (`X-Staff-Key`), which is off unless the server was started with `--staff-key`.

pub mod announcements;
pub mod dossiers;
pub mod ratings;
pub mod surveys;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use model::Language;
use model::feedback::MAX_PHOTOS;
use model::feedback::{FieldError, MAX_NOTE_CHARS, RequestStatus};
use model::open311::{MediaPosted, ServiceRequest};
use model::reason::Reason;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::db::requests::{self as store, Actor, MediaKind};
use crate::error::{ApiError, ErrorEntry};
use crate::idempotent::Post;
use crate::open311::followup::{keep_photo, read_upload, sniff_image};
use crate::open311::requests::parse_id;
use crate::open311::{report, staff_request};
use crate::routes::json_body;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// The new state.
    pub status: RequestStatus,
    /// What was done, shown to the citizen.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// The unit now in charge (on assignment).
    #[schema(max_length = 200)]
    pub agency: Option<String>,
}

pub(crate) fn check_staff(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let key = headers.get("x-staff-key").and_then(|v| v.to_str().ok());
    match key {
        Some(k) if state.keys.is_staff_key(k) => Ok(()),
        _ => Err(ApiError::Forbidden(
            Reason::InvalidStaffKey,
            "a valid X-Staff-Key is required".into(),
        )),
    }
}

/// One report as the back office sees it: the exact point and the street address the citizen
/// gave (public routes serve a ~220 m grid cell and the ward only).
#[utoipa::path(
    get,
    path = "/api/v1/staff/requests/{id}", operation_id = "staff_get_request",
    tag = "staff",
    params(("id" = i64, Path, minimum = 1, description = "The report's service_request_id")),
    security(("staff_key" = [])),
    responses(
        (status = 200, body = [ServiceRequest], description = "The report with its exact `lat`, `long` and `address`"),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry]),
    )
)]
pub async fn get_request(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<[ServiceRequest; 1]>, ApiError> {
    check_staff(&state, &headers)?;
    let id = parse_id(&id)?;
    let row = state.db.call(move |conn| report(conn, id)).await?;
    Ok(Json([staff_request(&state, Language::Vi, &row)]))
}

/// Moves a report to a new state (received → assigned → in_progress → resolved → closed;
/// re-opened → assigned / in_progress / resolved).
#[utoipa::path(
    post,
    path = "/api/v1/staff/requests/{id}/status", operation_id = "staff_set_status",
    tag = "staff",
    params(("id" = i64, Path, minimum = 1, description = "The report's service_request_id"), crate::idempotent::KeyHeader),
    security(("staff_key" = [])),
    request_body = StatusChange,
    responses(
        (status = 200, body = [ServiceRequest]),
        (status = 400, body = [ErrorEntry]),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry]),
        (status = 409, body = [ErrorEntry], description = "Not a move allowed from the current state"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn set_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_staff(&state, &headers)?;
    let id = parse_id(&id)?;
    let change: StatusChange = json_body(&headers, &body, 16 * 1024)?;
    for (field, value, max) in [
        ("note", &change.note, MAX_NOTE_CHARS),
        ("agency", &change.agency, 200),
    ] {
        if value.as_deref().is_some_and(|v| v.chars().count() > max) {
            return Err(FieldError::TooLong { field, max }.into());
        }
    }
    let path = format!("/api/v1/staff/requests/{id}/status");
    let st = state.clone();
    Post::new(&path, &headers, &body)?
        .commit(&state, StatusCode::OK, move |tx, now| {
            let row = report(tx, id)?;
            if !row.status.staff_can_move_to(change.status) {
                return Err(ApiError::Conflict(
                    Reason::InvalidTransition,
                    format!(
                        "a report cannot go from {} to {}",
                        row.status.as_str(),
                        change.status.as_str()
                    ),
                ));
            }
            if let Some(agency) = change
                .agency
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
            {
                store::set_agency(tx, id, agency)?;
            }
            let note = change
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty());
            store::set_status(tx, id, change.status, note, Actor::Staff, now)?;
            let row = report(tx, id)?;
            Ok([staff_request(&st, Language::Vi, &row)])
        })
        .await
}

/// Attaches a photo of the work done to the report's latest staff step (multipart, one photo in
/// `media`; JPEG, PNG or WebP up to 2 MiB, checked by content). The citizen sees it in the
/// timeline.
#[utoipa::path(
    post,
    path = "/api/v1/staff/requests/{id}/media", operation_id = "staff_add_photo",
    tag = "staff",
    params(("id" = i64, Path, minimum = 1, description = "The report's service_request_id"), crate::idempotent::KeyHeader),
    security(("staff_key" = [])),
    request_body(content_type = "multipart/form-data", content = ref("#/components/schemas/StaffPhotoUpload")),
    responses(
        (status = 200, body = MediaPosted),
        (status = 400, body = [ErrorEntry]),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry]),
        (status = 409, body = [ErrorEntry], description = "No staff step yet, or 5 photos already"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn add_result_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_staff(&state, &headers)?;
    let id = parse_id(&id)?;
    let up = read_upload(&headers, body).await?;
    let content_type = sniff_image(&up.photo)?;
    let fingerprint = Sha256::digest(&up.photo);
    let path = format!("/api/v1/staff/requests/{id}/media");
    let st = state.clone();
    Post::new(&path, &headers, &fingerprint)?
        .commit(&state, StatusCode::OK, move |tx, now| {
            report(tx, id)?;
            let event = store::last_staff_event(tx, id)?;
            let Some(event) = event else {
                return Err(ApiError::Conflict(
                    Reason::NoStaffStep,
                    "record a status change before attaching its photos".into(),
                ));
            };
            if store::media_count(tx, id, MediaKind::Result)? >= MAX_PHOTOS {
                return Err(ApiError::Conflict(
                    Reason::TooManyPhotos,
                    format!("a report takes at most {MAX_PHOTOS} photos of the result"),
                ));
            }
            keep_photo(
                tx,
                &st,
                &store::NewMedia {
                    request_id: id,
                    event_id: Some(event),
                    kind: MediaKind::Result,
                    content_type,
                    bytes: &up.photo,
                },
                now,
            )
        })
        .await
}
