//! `/api/v1/wards`: the administrative units, with ETag revalidation so that a phone on a weak
//! link pays a few bytes when nothing changed.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use model::reason::Reason;
use model::{Ward, WardCatalog, WardCode};

use crate::AppState;
use crate::db;
use crate::error::{ApiError, ErrorEntry};

/// The list of all units of the city, sorted by code.
#[utoipa::path(
    get,
    path = "/api/v1/wards", operation_id = "list_wards",
    tag = "wards",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has")),
    responses(
        (status = 200, body = WardCatalog, description = "The list; `ETag` header set"),
        (status = 304, description = "The client's copy is current"),
    )
)]
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let (units, version) = state.db.call(db::wards).await?;
    let catalog = WardCatalog {
        province_code: model::ward::HCMC_PROVINCE_CODE.into(),
        units,
    };
    super::with_etag(&headers, &format!("\"wards-{version}\""), Json(catalog))
}

/// One unit by its official code.
#[utoipa::path(
    get,
    path = "/api/v1/wards/{code}", operation_id = "get_ward",
    tag = "wards",
    params(("code" = String, Path, pattern = "^[0-9]{5}$", description = "Five-digit official code, e.g. 26743")),
    responses(
        (status = 200, body = Ward),
        (status = 400, body = [ErrorEntry], description = "Not a five-digit code"),
        (status = 404, body = [ErrorEntry], description = "No unit has this code"),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Ward>, ApiError> {
    let code = ward_code(&code)?;
    let shown = code.to_string();
    state
        .db
        .call(move |conn| db::ward(conn, &code))
        .await?
        .map(Json)
        .ok_or_else(|| no_ward(&shown))
}

/// A ward code from a path segment, or the one 400 every ward route gives.
pub fn ward_code(text: &str) -> Result<WardCode, ApiError> {
    WardCode::parse(text)
        .map_err(|_| ApiError::bad(Reason::InvalidWardCode, "a ward code is five digits"))
}

pub fn no_ward(code: &str) -> ApiError {
    ApiError::NotFound(format!("no ward has code {code}"))
}
