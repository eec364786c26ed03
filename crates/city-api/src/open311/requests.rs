//! `POST requests.json`, `GET requests.json`, `GET requests/{id}.json`, `GET tokens/{token}.json`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use model::feedback::NewRequest;
use model::geo;
use model::open311::{Posted, ServiceRequest, TokenAnswer};
use model::reason::Reason;
use model::workdays::WorkCalendar;

use super::{
    check_api_key, check_jurisdiction, form_body, language, list_param, no_report, notice, pairs,
    param, parse_time, public_request, report, strip_json,
};
use crate::calendar;
use crate::db::requests::{self as store, Filter};
use crate::error::{ApiError, ErrorEntry};
use crate::idempotent::Post;
use crate::state::AppState;

/// Most reports in one answer, and the default window, as the Open311 spec has them.
pub const MAX_PAGE: usize = 1000;
const DEFAULT_WINDOW_DAYS: i64 = 90;
const MAX_IDS: usize = 200;
/// Working days the city has to answer (Decision 1478/QĐ-UBND).
const ANSWER_WORKING_DAYS: u32 = 5;

/// When a report filed at `now` is to be answered: five of Vietnam's working days later
/// (holidays, Tết and make-up Saturdays as `calendar` lists them); `None` when the calendar
/// does not reach that far, and the report then carries no `expected_datetime`.
fn answer_due(calendar: Option<&WorkCalendar>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    crate::calendar::after(calendar, now, ANSWER_WORKING_DAYS)
}

/// File a report. The body is Open311's form: `api_key`, `service_code`, a location (`lat` +
/// `long`, `address_string` or `address_id`), `description`, optional contact fields and
/// `attribute[code]` answers; `ward_code` and `owner_key` (the report's own key, which later
/// follow-ups must show; only its SHA-256 is kept) are this API's extensions.
///
/// Open311's own `device_id` is accepted from stock clients but neither stored nor trusted: a
/// report is linked to a device only when a registered device signed it (the app signs named
/// reports, never anonymous ones), so nothing links an anonymous report to anything.
#[utoipa::path(
    post,
    path = "/open311/v2/requests.json", operation_id = "post_request",
    tag = "open311",
    request_body(content_type = "application/x-www-form-urlencoded", content = ref("#/components/schemas/NewRequestForm"),
        description = "Open311 form fields"),
    params(crate::idempotent::KeyHeader, crate::openapi::SignatureHeaders),
    security(("api_key" = []), ("api_key" = [], "device_signature" = [])),
    responses(
        (status = 200, body = [Posted]),
        (status = 400, body = [ErrorEntry], description = "A field is missing or invalid (`field` names it)"),
        (status = 401, body = [ErrorEntry], description = "Signed, but the signature is wrong, the time more than 5 minutes off (the `Date` header gives the server's) or the device unknown"),
        (status = 403, body = [ErrorEntry], description = "Missing or invalid api_key"),
        (status = 404, body = [ErrorEntry], description = "Unknown service_code or jurisdiction_id"),
        (status = 409, body = [ErrorEntry], description = "Same Idempotency-Key still in flight"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address or device",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    let form = form_body(&headers, &body)?;
    let all: Vec<(String, String)> = form.iter().chain(query.iter()).cloned().collect();
    check_api_key(&state, &headers, &all)?;
    check_jurisdiction(&state, &all)?;
    let lang = language(&headers, &query);
    let mut req = NewRequest::from_pairs(&form, &state.services, &state.wards)?;
    if req.place.ward.is_none()
        && let Some(p) = req.place.point
    {
        req.place.ward = geo::unit_at(&state.wards, p).map(|u| u.code.clone());
    }
    let agency = state
        .services
        .get(req.service_code.as_str())
        .map(|s| s.agency.vi.clone())
        .unwrap_or_default();
    let device = crate::trust::verify(
        &state,
        &Method::POST,
        &uri,
        &headers,
        model::trust::ContentDigest::of_body(&body),
    )
    .await?;
    let content = match &device {
        Some(d) => [d.as_str().as_bytes(), b"\0", &body].concat(),
        None => body.to_vec(),
    };
    let post = Post::new("/open311/v2/requests.json", &headers, &content)?;
    post.commit(&state, StatusCode::OK, move |tx, now| {
        // Vietnam's working days; where the calendar does not reach, no date at all (Open311:
        // `expected_datetime` "may not be returned") rather than a guess.
        let expected = answer_due(calendar::bundled(), now);
        let device = device.as_ref().map(|d| d.as_str());
        let id = store::insert(tx, &req, device, &agency, now, expected)?;
        // Filed at once, so the answer names the report and carries no token ("should not be
        // returned if service_request_id is returned").
        Ok([Posted {
            service_request_id: Some(id.to_string()),
            token: None,
            service_notice: Some(notice(lang).to_owned()),
            account_id: None,
        }])
    })
    .await
}

/// A number written in digits only: no sign, no blank inside (Rust's parse also takes `+5`,
/// and `-5` for signed types; the document's patterns allow neither).
fn digits<T: std::str::FromStr>(text: &str) -> Option<T> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn filter_from(query: &[(String, String)], now: DateTime<Utc>) -> Result<Filter, ApiError> {
    let mut f = Filter {
        limit: MAX_PAGE,
        ..Filter::default()
    };
    if let Some(c) = param(query, "cursor") {
        f.after_seq = Some(digits::<i64>(c).ok_or_else(|| {
            ApiError::bad(Reason::InvalidCursor, "cursor comes from X-Next-Cursor")
        })?);
    }
    let ids = list_param(query, "service_request_id");
    if !ids.is_empty() {
        for id in ids {
            let id = digits::<i64>(id).ok_or_else(|| {
                ApiError::bad(Reason::InvalidId, "service_request_id holds numeric ids")
            })?;
            f.ids.push(id);
        }
        if f.ids.len() > MAX_IDS {
            return Err(ApiError::bad(
                Reason::TooManyIds,
                format!("at most {MAX_IDS} ids at once"),
            ));
        }
    }
    f.service_codes = list_param(query, "service_code")
        .into_iter()
        .map(str::to_owned)
        .collect();
    let wanted = list_param(query, "status");
    if wanted.iter().any(|s| !matches!(*s, "open" | "closed")) {
        return Err(ApiError::bad(
            Reason::InvalidStatus,
            "status is open or closed",
        ));
    }
    let (open, closed) = (wanted.contains(&"open"), wanted.contains(&"closed"));
    f.open = (open != closed).then_some(open);
    let start = param(query, "start_date")
        .map(|t| parse_time(t, "start_date"))
        .transpose()?;
    let end = param(query, "end_date")
        .map(|t| parse_time(t, "end_date"))
        .transpose()?;
    if let Some(w) = param(query, "ward_code") {
        model::WardCode::parse(w)
            .map_err(|_| ApiError::bad(Reason::InvalidWardCode, "a ward code is five digits"))?;
        f.ward_code = Some(w.to_owned());
    }
    f.updated_after = param(query, "updated_after")
        .map(|t| parse_time(t, "updated_after").map(store::timestamp))
        .transpose()?;
    if let Some(n) = param(query, "page_size") {
        f.limit = digits::<usize>(n)
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| ApiError::bad(Reason::InvalidPageSize, "page_size is 1 to 1000"))?;
    }
    if !f.ids.is_empty() {
        // The spec: ids override every other argument (but this API's own `cursor`, so an app
        // can ask "which of my reports changed since"). The others are still read above: a
        // malformed one is refused, never silently ignored.
        return Ok(Filter {
            ids: f.ids,
            after_seq: f.after_seq,
            limit: MAX_PAGE,
            ..Filter::default()
        });
    }
    let incremental = f.after_seq.is_some() || f.updated_after.is_some();
    let window = Duration::days(DEFAULT_WINDOW_DAYS);
    // The spec: the range "may not span more than 90 days"; "when not specified, the range
    // defaults to most recent 90 days". A date given alone opens a 90-day window from it.
    let (start, end) = match (start, end) {
        (Some(s), Some(e)) if e < s || e - s > window => {
            return Err(ApiError::bad(
                Reason::InvalidWindow,
                "start_date..end_date must be in order and span at most 90 days",
            ));
        }
        (Some(s), Some(e)) => (Some(s), Some(e)),
        (Some(s), None) => (Some(s), Some(s + window)),
        (None, Some(e)) => (Some(e - window), Some(e)),
        (None, None) if incremental => (None, None),
        (None, None) => (Some(now - window), None),
    };
    f.start = start.map(store::timestamp);
    f.end = end.map(store::timestamp);
    Ok(f)
}

/// Reports, newest first; with `cursor` or `updated_after`, in change order for sync, with
/// `X-Next-Cursor` to pass back for the next page.
#[utoipa::path(
    get,
    path = "/open311/v2/requests.json", operation_id = "list_requests",
    tag = "open311",
    params(
        ("service_request_id" = Option<String>, Query, description = "Up to 200 ids, comma-separated; overrides the rest except `cursor`"),
        ("service_code" = Option<String>, Query, description = "Comma-separated"),
        ("status" = Option<String>, Query, description = "`open` or `closed` (comma-separated or repeated)"),
        ("start_date" = Option<String>, Query, description = "w3 date/time (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.s]]TZD`; a date alone is that day in HCMC, UTC+7); default 90 days ago. With end_date: not after it and at most 90 days before it (else 400 invalid_window)"),
        ("end_date" = Option<String>, Query, description = "w3 date/time; default start_date + 90 days"),
        ("jurisdiction_id" = Option<String>, Query, description = "This city's id, optional; another is 404"),
        ("locale" = Option<String>, Query, description = "`vi` (default) or `en`"),
        ("ward_code" = Option<String>, Query, description = "Extension: one ward's reports"),
        ("updated_after" = Option<String>, Query, description = "Extension: changed after this time (w3 date/time)"),
        ("cursor" = Option<String>, Query, description = "Extension: X-Next-Cursor of the previous page"),
        ("page_size" = Option<u16>, Query, minimum = 1, maximum = 1000, description = "Extension: 1-1000, default 1000"),
    ),
    responses(
        (status = 200, body = [ServiceRequest], headers(("X-Next-Cursor" = String, description = "Change counter of the last report returned"))),
        (status = 400, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry], description = "Unknown jurisdiction_id"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    check_jurisdiction(&state, &query)?;
    let lang = language(&headers, &query);
    let filter = filter_from(&query, state.clock.now())?;
    let after = filter.after_seq.unwrap_or(0);
    let rows = state
        .db
        .call(move |conn| store::list(conn, &filter))
        .await?;
    let next = rows.iter().map(|r| r.change_seq).max().unwrap_or(after);
    let out: Vec<ServiceRequest> = rows
        .iter()
        .map(|r| public_request(&state, lang, r))
        .collect();
    let mut res = Json(out).into_response();
    if let Ok(v) = HeaderValue::from_str(&next.to_string()) {
        res.headers_mut().insert("x-next-cursor", v);
    }
    Ok(res)
}

/// One report (`{id}` is `<service_request_id>.json`).
#[utoipa::path(
    get,
    path = "/open311/v2/requests/{id}", operation_id = "get_request",
    tag = "open311",
    params(
        ("id" = String, Path, pattern = "^[0-9]{1,18}\\.json$", description = "`<service_request_id>.json`"),
        ("jurisdiction_id" = Option<String>, Query, description = "This city's id, optional; another is 404"),
        ("locale" = Option<String>, Query, description = "`vi` (default) or `en`"),
    ),
    responses(
        (status = 200, body = [ServiceRequest]),
        (status = 400, body = [ErrorEntry], description = "Not `.json`"),
        (status = 404, body = [ErrorEntry]),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<[ServiceRequest; 1]>, ApiError> {
    let id = strip_json(&id)?;
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    check_jurisdiction(&state, &query)?;
    let lang = language(&headers, &query);
    let id = parse_id(id)?;
    let row = state.db.call(move |conn| report(conn, id)).await?;
    Ok(Json([public_request(&state, lang, &row)]))
}

pub fn parse_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(no_report)
}

/// The report id behind a token (`{token}` is `<token>.json`).
#[utoipa::path(
    get,
    path = "/open311/v2/tokens/{token}", operation_id = "get_token",
    tag = "open311",
    params(
        ("token" = String, Path, pattern = "^[A-Za-z0-9_-]{1,64}\\.json$", description = "`<token>.json`"),
        ("jurisdiction_id" = Option<String>, Query, description = "This city's id, optional; another is 404"),
    ),
    responses(
        (status = 200, body = [TokenAnswer]),
        (status = 400, body = [ErrorEntry], description = "Not `.json`"),
        (status = 404, body = [ErrorEntry]),
    )
)]
pub async fn token(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<[TokenAnswer; 1]>, ApiError> {
    let token = strip_json(&token)?.to_owned();
    check_jurisdiction(&state, &pairs(query.unwrap_or_default().as_bytes())?)?;
    if token.len() > 64 {
        return Err(ApiError::NotFound("no such token".into()));
    }
    let t = token.clone();
    let id = state
        .db
        .call(move |conn| store::id_for_token(conn, &t))
        .await?
        .ok_or_else(|| ApiError::NotFound("no such token".into()))?;
    Ok(Json([TokenAnswer {
        service_request_id: id.to_string(),
        token,
    }]))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn reports_are_answered_in_vietnams_working_days_or_not_dated() {
        let c = calendar::bundled().expect("bundled calendar");
        // Filed Tuesday 28/4/2026, 9:00 in HCMC: 30/4 and 1/5 are off, then a weekend.
        assert_eq!(
            answer_due(Some(c), utc("2026-04-28T09:00:00+07:00")),
            Some(utc("2026-05-07T09:00:00+07:00"))
        );
        // Filed Friday 13/2/2026, the last day before Tết (16–20/2).
        assert_eq!(
            answer_due(Some(c), utc("2026-02-13T16:00:00+07:00")),
            Some(utc("2026-02-27T16:00:00+07:00"))
        );
        // The day counts in HCMC: Sunday 22:00 UTC is Monday 5:00 there.
        assert_eq!(
            answer_due(Some(c), utc("2026-11-29T22:00:00Z")),
            Some(utc("2026-12-07T05:00:00+07:00"))
        );
        // Into 2027, which the calendar does not list: no date rather than a guess.
        assert_eq!(answer_due(Some(c), utc("2026-12-28T09:00:00+07:00")), None);
        assert_eq!(answer_due(None, utc("2026-11-27T09:00:00+07:00")), None);
    }
}
