//! `GET` and `DELETE /api/v1/devices/me`: what the city holds linked to the signing device, and
//! its deletion ("export my data", "delete my data": Law 91/2025/QH15 arts. 14–15).
//!
//! Both are signed like every counted write (`crate::trust`), with an empty body. The
//! Idempotency-Key is part of what is signed on both, so a GET carries one too (a fresh one per
//! request: it makes each signature unique within the 5-minute window); a GET changes nothing,
//! so its answer is **not** stored under the key (that would keep a copy of the personal data
//! it shows in the idempotency table). A DELETE's answer is stored like a POST's: its replay
//! under the same key answers the first result again, even though the device is gone by then.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use model::reason::Reason;
use model::trust::ContentDigest;
use model::trust::my_data::{CityDeleted, CityHolds, MY_DEVICE_PATH};

use crate::db;
use crate::error::{ApiError, ErrorEntry};
use crate::idempotent::Post;
use crate::state::AppState;

fn unknown_device() -> ApiError {
    ApiError::Unauthorized(
        Reason::UnknownDevice,
        "this device is not registered here: nothing is linked to it".into(),
    )
}

fn unsigned() -> ApiError {
    ApiError::Unauthorized(
        Reason::Unsigned,
        "sign this request with the device it is about".into(),
    )
}

/// Both routes read no body: one sent is refused rather than ignored (it is not what was
/// signed as nothing).
async fn no_body(body: Body) -> Result<(), ApiError> {
    match axum::body::to_bytes(body, 0).await {
        Ok(bytes) if bytes.is_empty() => Ok(()),
        _ => Err(ApiError::bad(
            Reason::BadRequest,
            "this request has no body",
        )),
    }
}

/// The device that signed a request to `/api/v1/devices/me`, which carries no body.
async fn signing_device(
    state: &AppState,
    method: Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<model::feedback::DeviceId, ApiError> {
    no_body(body).await?;
    crate::trust::signed_by(state, &method, uri, headers, ContentDigest::of_body(&[]))?
        .ok_or_else(unsigned)
}

fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Everything the city holds linked to the signing device: its named reports with the contact
/// details and consent kept on them, the reports it followed ("me too") and the wards it rated.
/// Anonymous reports are linked to no device and are not listed.
#[utoipa::path(
    get,
    path = "/api/v1/devices/me", operation_id = "my_device_holds",
    tag = "devices",
    params(crate::idempotent::KeyHeader, crate::openapi::SignatureHeaders),
    security(("device_signature" = [])),
    responses(
        (status = 200, body = CityHolds, description = "What the city holds for this device (not stored under the Idempotency-Key: send a new key each time)"),
        (status = 400, body = [ErrorEntry], description = "A body (there is none), no Idempotency-Key (it is part of what is signed) or a malformed one"),
        (status = 401, body = [ErrorEntry], description = "Unsigned, a wrong signature, a time more than 5 minutes off (the `Date` header gives the server's) or an unknown (e.g. deleted) device"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this device",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn holds(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> Result<Response, ApiError> {
    let device = signing_device(&state, Method::GET, &uri, &headers, body).await?;
    let held = state
        .db
        .call(move |conn| db::my_data::holds(conn, device.as_str()))
        .await?
        .ok_or_else(unknown_device)?;
    Ok(no_store(Json(held).into_response()))
}

/// Deletes what the city holds linked to the signing device, in one transaction: contact
/// details and consent records are removed from its reports, which stay public without them
/// and without any link to the device; its "me too"s and ward ratings stay in the counts,
/// linked to nobody; the device is deleted (its signature is then `unknown_device`).
#[utoipa::path(
    delete,
    path = "/api/v1/devices/me", operation_id = "delete_my_device",
    tag = "devices",
    params(crate::idempotent::KeyHeader, crate::openapi::SignatureHeaders),
    security(("device_signature" = [])),
    responses(
        (status = 200, body = CityDeleted, description = "What was removed; the same key answers it again (`Idempotent-Replayed: true`)"),
        (status = 400, body = [ErrorEntry], description = "A body (there is none), no Idempotency-Key (it is part of what is signed) or a malformed one"),
        (status = 401, body = [ErrorEntry], description = "Unsigned, a wrong signature, a time more than 5 minutes off (the `Date` header gives the server's) or an unknown (e.g. already deleted) device"),
        (status = 409, body = [ErrorEntry], description = "Same Idempotency-Key still in flight"),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this device",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> Result<Response, ApiError> {
    let device = signing_device(&state, Method::DELETE, &uri, &headers, body).await?;
    // The device is what the key's answer stands for.
    let answer = Post::new(MY_DEVICE_PATH, &headers, device.as_str().as_bytes())?
        .commit(&state, StatusCode::OK, move |tx, _now| {
            db::my_data::forget(tx, device.as_str())?.ok_or_else(unknown_device)
        })
        .await?;
    // The old pages (contact details) leave the write-ahead log too; best effort: a failure
    // here leaves them only until SQLite's next automatic checkpoint.
    let checkpoint = state
        .db
        .call(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .map_err(db::DbError::from)
        })
        .await;
    if let Err(err) = checkpoint {
        tracing::warn!(%err, "checkpoint after a device's deletion");
    }
    Ok(no_store(answer))
}
