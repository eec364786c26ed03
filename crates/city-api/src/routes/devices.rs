//! `POST /api/v1/devices`: an app registers its device once and is told its id and secret
//! (`crate::trust`). Rate-limited per address before anything is read (`crate::limits`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::feedback::{DeviceId, only_known};
use model::trust::{REGISTER_PATH, Registration};
use serde::{Deserialize, Serialize};

use crate::db::requests::timestamp;
use crate::error::{ApiError, ErrorEntry};
use crate::idempotent::Post;
use crate::open311::{check_api_key, form_body};
use crate::state::AppState;

/// What the Idempotency-Key's stored answer holds: the id only. The secret is derived again
/// for each answer, so it is never written to the database.
#[derive(Serialize, Deserialize)]
struct Issued {
    device_id: String,
}

/// Registers a device: answers its id, issued by the city, and its secret, which the app keeps
/// (in the OS keyring where there is one) and signs counted writes with.
#[utoipa::path(
    post,
    path = "/api/v1/devices", operation_id = "register_device",
    tag = "devices",
    params(crate::idempotent::KeyHeader),
    security(("api_key" = [])),
    request_body(content_type = "application/x-www-form-urlencoded", content = ref("#/components/schemas/DeviceForm"),
        description = "`api_key` only"),
    responses(
        (status = 201, body = Registration, description = "The device's id and secret (shown once per Idempotency-Key; keep it)"),
        (status = 400, body = [ErrorEntry]),
        (status = 403, body = [ErrorEntry]),
        (status = 409, body = [ErrorEntry], description = "Same Idempotency-Key still in flight"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many registrations from this address: wait `Retry-After` seconds",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let form = form_body(&headers, &body)?;
    check_api_key(&state, &headers, &form)?;
    only_known(&form, &["api_key"])?;
    let id = crate::trust::new_device_id()?;
    // The key is kept hashed: a replay answers the secret again, so the raw key must not be
    // readable from the database.
    let stored = Post::new(REGISTER_PATH, &headers, &body)?
        .key_hashed()
        .commit(&state, StatusCode::CREATED, move |tx, now| {
            crate::db::devices::insert(tx, id.as_str(), &timestamp(now))?;
            Ok(Issued {
                device_id: id.as_str().to_owned(),
            })
        })
        .await?;
    let (mut parts, body) = stored.into_parts();
    let bytes = axum::body::to_bytes(body, 4096)
        .await
        .map_err(|_| ApiError::Internal)?;
    let issued: Issued = serde_json::from_slice(&bytes).map_err(|_| ApiError::Internal)?;
    let id = DeviceId::parse(&issued.device_id).ok_or(ApiError::Internal)?;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok((parts, Json(state.device_key.registration(&id))).into_response())
}
