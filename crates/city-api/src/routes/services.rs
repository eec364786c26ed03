//! `/api/v1/services`: the whole feedback catalogue in both languages (names, icons, questions,
//! the "I don't know" choice), for apps that keep it offline. Open311's `services.json` gives
//! one language at a time and the questions one service per request; this is one conditional
//! GET instead of 38.

use std::hash::{Hash, Hasher};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use model::service::ServiceCatalog;

use crate::AppState;
use crate::error::ApiError;

/// The catalogue, with an ETag of its content.
#[utoipa::path(
    get,
    path = "/api/v1/services", operation_id = "get_service_catalog",
    tag = "services",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has")),
    responses(
        (status = 200, body = ServiceCatalog, description = "The catalogue; `ETag` header set"),
        (status = 304, description = "The client's copy is current"),
    )
)]
pub async fn catalog(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let body = serde_json::to_string(&*state.services)
        .map_err(|_| ApiError::NotFound("service catalogue".into()))?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    let etag = format!("\"services-{:016x}\"", hasher.finish());
    let json = [(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::error::JSON_UTF8),
    )];
    super::with_etag(&headers, &etag, (json, body))
}
