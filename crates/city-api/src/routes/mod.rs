//! HTTP routes, each documented for the OpenAPI document (one list: the router is built from
//! the same `routes!` that feed the document, so they cannot drift).

pub mod announcements;
pub mod devices;
pub mod dossier_sync;
pub mod dossiers;
mod encoding;
pub mod health;
pub mod login;
pub mod map;
pub mod my_data;
pub mod scoreboard;
pub mod services;
pub mod surveys;
pub mod ward_ratings;
pub mod wards;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::reason::Reason;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body: `application/json`, at most `max` bytes, the type's fields and no others.
pub(crate) fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
    max: usize,
) -> Result<T, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType(
            "send a JSON body (application/json)".into(),
        ));
    }
    if body.len() > max {
        return Err(ApiError::TooLarge(format!(
            "this body is at most {} KiB",
            max / 1024
        )));
    }
    let invalid =
        |e: serde_json::Error| ApiError::bad(Reason::InvalidJson, format!("invalid body: {e}"));
    let mut value: serde_json::Value = serde_json::from_slice(body).map_err(invalid)?;
    whole_numbers(&mut value);
    serde_json::from_value(value).map_err(invalid)
}

/// JSON Schema counts `54.0` as an integer, and so does every JSON client that keeps numbers
/// as doubles: such numbers are read as the integers they are before the body meets the
/// integer fields of its type.
fn whole_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
            let whole = n.as_f64().filter(|f| f.fract() == 0.0);
            if let Some(i) = whole
                .filter(|f| (i64::MIN as f64..=i64::MAX as f64).contains(f))
                .map(|f| f as i64)
            {
                *value = Value::from(i);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// True when an `If-None-Match` value matches `etag` (lists, `*` and weak tags included).
fn matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(|t| t.trim())
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

/// `body` with its ETag, or 304 when the client's copy has that tag: a phone on a weak link
/// pays a few bytes when nothing changed.
pub(crate) fn with_etag(
    headers: &HeaderMap,
    etag: &str,
    body: impl IntoResponse,
) -> Result<Response, ApiError> {
    let etag_value = HeaderValue::from_str(etag).map_err(|_| ApiError::NotFound("etag".into()))?;
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| matches(v, etag))
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), cache],
        )
            .into_response());
    }
    Ok(([(header::ETAG, etag_value), cache], body).into_response())
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
