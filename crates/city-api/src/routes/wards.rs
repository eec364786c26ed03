//! `/api/v1/wards`: the administrative units, with ETag revalidation so that a phone on a weak
//! link pays a few bytes when nothing changed.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::{Ward, WardCatalog, WardCode};

use crate::AppState;
use crate::db;
use crate::error::{ApiError, ErrorEntry};

/// True when an `If-None-Match` value matches `etag` (lists, `*` and weak tags included).
fn matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(|t| t.trim())
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

/// The list of all units of the city, sorted by code.
#[utoipa::path(
    get,
    path = "/api/v1/wards",
    tag = "wards",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has")),
    responses(
        (status = 200, body = WardCatalog, description = "The list; `ETag` header set"),
        (status = 304, description = "The client's copy is current"),
    )
)]
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let (units, version) = state.db.call(db::wards).await?;
    let etag = format!("\"wards-{version}\"");
    let etag_value = HeaderValue::from_str(&etag).map_err(|_| ApiError::NotFound("etag".into()))?;
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| matches(v, &etag))
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), cache],
        )
            .into_response());
    }
    let catalog = WardCatalog {
        province_code: model::ward::HCMC_PROVINCE_CODE.into(),
        units,
    };
    Ok(([(header::ETAG, etag_value), cache], Json(catalog)).into_response())
}

/// One unit by its official code.
#[utoipa::path(
    get,
    path = "/api/v1/wards/{code}",
    tag = "wards",
    params(("code" = String, Path, description = "Five-digit official code, e.g. 26743")),
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
        .map_err(|_| ApiError::bad("invalid_ward_code", "a ward code is five digits"))
}

pub fn no_ward(code: &str) -> ApiError {
    ApiError::NotFound(format!("no ward has code {code}"))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn if_none_match_forms() {
        let etag = "\"wards-3\"";
        assert!(matches("\"wards-3\"", etag));
        assert!(matches("W/\"wards-3\"", etag));
        assert!(matches("\"x\", \"wards-3\"", etag));
        assert!(matches("*", etag));
        assert!(!matches("\"wards-2\"", etag));
        assert!(!matches("", etag));
        assert!(!matches("wards-3", etag));
    }
}
