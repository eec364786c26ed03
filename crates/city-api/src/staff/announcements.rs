//! The back office publishes an announcement (for the whole city or some wards, normal or
//! urgent, valid from one moment until another) and withdraws one.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use model::announcement::{Announcement, AnnouncementSpec};

use super::check_staff;
use super::surveys::refused_spec;
use crate::db::announcements;
use crate::error::{ApiError, ErrorEntry};
use crate::idempotent::Post;
use crate::routes::json_body;
use crate::state::AppState;

fn no_announcement() -> ApiError {
    ApiError::NotFound("no announcement has this id".into())
}

fn announcement_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(no_announcement)
}

/// Publishes an announcement: citizens' apps list it from `valid_from` until `valid_until`
/// (an urgent one also as a notification).
#[utoipa::path(
    post,
    path = "/api/v1/staff/announcements", operation_id = "staff_create_announcement",
    tag = "staff",
    params(crate::idempotent::KeyHeader),
    security(("staff_key" = [])),
    request_body = AnnouncementSpec,
    responses(
        (status = 201, body = Announcement),
        (status = 400, body = [ErrorEntry], description = "A text blank or too long, `valid_until` not after `valid_from` (`invalid_window`), an unknown or repeated ward (`field` names it)"),
        (status = 403, body = [ErrorEntry]),
        (status = 409, body = [ErrorEntry], description = "The same Idempotency-Key still in flight"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_staff(&state, &headers)?;
    let spec: AnnouncementSpec = json_body(&headers, &body, 64 * 1024)?;
    spec.check(|code| state.wards.iter().any(|w| w.code.as_str() == code))
        .map_err(refused_spec)?;
    Post::new("/api/v1/staff/announcements", &headers, &body)?
        .commit(&state, StatusCode::CREATED, move |tx, now| {
            let id = announcements::insert(tx, &spec, now)?;
            Ok(Announcement::new(id, spec))
        })
        .await
}

/// Withdraws an announcement: no longer listed (the apps drop it on their next pull).
/// Withdrawing it again answers the same.
#[utoipa::path(
    post,
    path = "/api/v1/staff/announcements/{id}/withdraw", operation_id = "staff_withdraw_announcement",
    tag = "staff",
    params(("id" = i64, Path, minimum = 1, description = "The announcement's id"), crate::idempotent::KeyHeader),
    security(("staff_key" = [])),
    responses(
        (status = 200, body = Announcement, description = "The announcement, `withdrawn`"),
        (status = 400, body = [ErrorEntry], description = "A malformed Idempotency-Key"),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry], description = "No announcement has this id"),
        (status = 409, body = [ErrorEntry], description = "The same Idempotency-Key still in flight"),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    check_staff(&state, &headers)?;
    let id = announcement_id(&id)?;
    let path = format!("/api/v1/staff/announcements/{id}/withdraw");
    Post::new(&path, &headers, b"")?
        .commit(&state, StatusCode::OK, move |tx, now| {
            announcements::get(tx, id)?.ok_or_else(no_announcement)?;
            announcements::withdraw(tx, id, now)?;
            announcements::get(tx, id)?.ok_or_else(no_announcement)
        })
        .await
}
