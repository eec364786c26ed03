//! Open311 GeoReport v2 (JSON) under `/open311/v2/`, and this API's extensions to it (report
//! timeline, photos, "not fixed", rating of the resolution), each marked in the OpenAPI document.

pub mod discovery;
pub mod followup;
pub mod requests;
pub mod services;

use axum::http::{HeaderMap, header};
use chrono::{DateTime, FixedOffset, Utc};
use model::Language;
use model::open311::ServiceRequest;
use model::reason::Reason;

use crate::db::requests::{self as store, RequestRow};
use crate::error::ApiError;
use crate::state::AppState;

/// The largest form body any Open311 route reads; a report is far smaller.
pub const MAX_FORM_BYTES: usize = 64 * 1024;

/// Form or query pairs, refusing bodies that are not UTF-8 once decoded.
pub fn pairs(bytes: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).map_err(|_| {
        ApiError::bad(
            Reason::InvalidEncoding,
            "the form or query is not valid UTF-8 URL encoding",
        )
    })
}

/// The form body of a POST: right content type, bounded size.
pub fn form_body(headers: &HeaderMap, body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(ApiError::UnsupportedMediaType(
            "send the fields as application/x-www-form-urlencoded, as Open311 does".into(),
        ));
    }
    if body.len() > MAX_FORM_BYTES {
        return Err(ApiError::TooLarge(format!(
            "a form may be at most {MAX_FORM_BYTES} bytes"
        )));
    }
    pairs(body)
}

pub use model::form::field as get;

/// A query parameter as Open311 reads it: "the response should be the same whether a parameter
/// is passed and is empty or is not passed at all".
pub fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    get(pairs, name).map(str::trim).filter(|v| !v.is_empty())
}

/// A list parameter: Open311's filters "can be declared multiple times, comma delimited"; both
/// forms (and a mix) are read, empty items skipped.
pub fn list_param<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// The answer to an Open311 resource asked for as `.xml` (discovery.xml aside).
pub fn xml_refused() -> ApiError {
    ApiError::bad(
        Reason::UnsupportedFormat,
        "this server answers in JSON only: ask for .json",
    )
}

/// `file` of a `{id}.json` path segment; other formats are refused (this server speaks JSON).
pub fn strip_json(file: &str) -> Result<&str, ApiError> {
    match file.rsplit_once('.') {
        Some((stem, "json")) if !stem.is_empty() => Ok(stem),
        Some((_, "xml")) => Err(xml_refused()),
        _ => Err(ApiError::NotFound(
            "not found: Open311 resources end in .json".into(),
        )),
    }
}

/// Open311's optional `jurisdiction_id` must name this city when given.
pub fn check_jurisdiction(state: &AppState, pairs: &[(String, String)]) -> Result<(), ApiError> {
    match get(pairs, "jurisdiction_id") {
        // Open311: "404 - jurisdiction_id provided was not found".
        Some(j) if !j.trim().is_empty() && j.trim() != state.services.jurisdiction_id => {
            Err(ApiError::Unknown(
                Reason::UnknownJurisdiction,
                format!(
                    "this server serves jurisdiction_id {}",
                    state.services.jurisdiction_id
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The POST's `api_key` (form field, query or `X-Api-Key` header) must be one this server issued.
pub fn check_api_key(
    state: &AppState,
    headers: &HeaderMap,
    pairs: &[(String, String)],
) -> Result<(), ApiError> {
    let key =
        get(pairs, "api_key").or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()));
    match key {
        Some(k) if state.keys.is_api_key(k) => Ok(()),
        Some(_) => Err(ApiError::Forbidden(
            Reason::InvalidApiKey,
            "invalid api_key".into(),
        )),
        None => Err(ApiError::Forbidden(
            Reason::MissingApiKey,
            "api_key is required to post".into(),
        )),
    }
}

/// The language of names and notices: `locale` in the query, else `Accept-Language`, else vi.
pub fn language(headers: &HeaderMap, query: &[(String, String)]) -> Language {
    let wanted = get(query, "locale").map(str::to_owned).or_else(|| {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split([',', ';']).next().unwrap_or("").trim().to_owned())
    });
    match wanted {
        Some(w) if w.to_ascii_lowercase().starts_with("en") => Language::En,
        _ => Language::Vi,
    }
}

const HCMC_OFFSET_SECS: i32 = 7 * 3600;

/// A stored UTC timestamp shown in the city's time zone (UTC+7), as RFC 3339.
pub fn local_time(utc: &str) -> String {
    match (
        DateTime::parse_from_rfc3339(utc),
        FixedOffset::east_opt(HCMC_OFFSET_SECS),
    ) {
        (Ok(t), Some(offset)) => t
            .with_timezone(&offset)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        _ => utc.to_owned(),
    }
}

/// A time given by a client in any of the w3 note's forms (a date alone is that day in the
/// city), as UTC.
pub fn parse_time(text: &str, field: &'static str) -> Result<DateTime<Utc>, ApiError> {
    FixedOffset::east_opt(HCMC_OFFSET_SECS)
        .and_then(|city| model::w3c_time::parse(text, city))
        .map(|t| t.with_timezone(&Utc))
        .ok_or(ApiError::Field(model::feedback::FieldError::Invalid {
            field,
        }))
}

pub fn media_url(state: &AppState, id: &str) -> String {
    format!("{}/open311/v2/media/{id}", state.public_url)
}

pub fn no_report() -> ApiError {
    ApiError::NotFound("no report has this id".into())
}

/// The stored report `id`, or 404.
pub fn report(conn: &rusqlite::Connection, id: i64) -> Result<RequestRow, ApiError> {
    store::get(conn, id)?.ok_or_else(no_report)
}

/// A stored report as the public may see it: its place coarsened to a ~220 m grid cell
/// (`model::public_place`), and instead of the street address the name of its ward (the ward
/// code stays in `address_id`). Every answer that may reach someone other than city staff is
/// built here; only [`staff_request`] keeps the exact place.
pub fn public_request(state: &AppState, lang: Language, r: &RequestRow) -> ServiceRequest {
    let (lat, long) = model::public_place::coarsen_pair(r.lat, r.lon);
    let ward = r.ward_code.as_deref().and_then(|code| {
        state
            .wards
            .iter()
            .find(|w| w.code.as_str() == code)
            .map(|w| w.name.clone())
    });
    ServiceRequest {
        lat,
        long,
        address: ward,
        ..staff_request(state, lang, r)
    }
}

/// A stored report with its exact point and street address, for the city's staff only.
pub fn staff_request(state: &AppState, lang: Language, r: &RequestRow) -> ServiceRequest {
    let service = state.services.get(&r.service_code);
    let media_urls: Vec<String> = r.media_ids.iter().map(|id| media_url(state, id)).collect();
    ServiceRequest {
        service_request_id: r.id.to_string(),
        status: r.status.open311().to_owned(),
        status_notes: r.status_notes.clone(),
        service_name: service
            .map(|s| s.name.get(lang).to_owned())
            .unwrap_or_else(|| r.service_code.clone()),
        service_code: r.service_code.clone(),
        description: r.description.clone(),
        agency_responsible: r.agency.clone(),
        service_notice: Some(notice(lang).to_owned()),
        requested_datetime: local_time(&r.requested_at),
        // The spec: "for requests with status=closed, this will be the date the request was
        // closed" (a later rating or photo does not move it; `change_seq` tells apps of those).
        updated_datetime: local_time(match (r.status.open311(), &r.resolved_at) {
            ("closed", Some(resolved)) => resolved,
            _ => &r.updated_at,
        }),
        expected_datetime: r.expected_at.as_deref().map(local_time),
        address: r.address.clone(),
        address_id: r.ward_code.clone(),
        lat: r.lat,
        long: r.lon,
        media_url: r.media_url.clone().or_else(|| media_urls.first().cloned()),
        detailed_status: r.status,
        media_urls,
        change_seq: r.change_seq,
        rating: r.rating,
        supporters: r.supporters,
    }
}

/// What happens next, per Decision 1478/QĐ-UBND (2020).
pub fn notice(lang: Language) -> &'static str {
    match lang {
        Language::Vi => {
            "Phản ánh được chuyển đến đơn vị xử lý trong 5 phút và được trả lời trong 5 ngày làm việc."
        }
        Language::En => {
            "Your report is forwarded to the responsible unit within 5 minutes and answered within 5 working days."
        }
    }
}
