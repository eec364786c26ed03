//! The map's routes: ward offices, every ward's statistics, which map files this city serves,
//! public open reports as GeoJSON for a box (paged), official boundaries and the basemap (with
//! byte ranges).

use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::map::points::{
    self, FeatureType, PointGeometry, ReportFeature, ReportPage, ReportProperties,
};
use model::map::{AllWardStats, Bbox, MapInfo, PageCursor, WardOffices};
use model::reason::Reason;
use model::{WardCode, public_place};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::AppState;
use crate::db;
use crate::error::{ApiError, ErrorEntry};
use crate::open311::{get, language, pairs, param, public_request};

/// GeoJSON's media type (RFC 7946 §12).
const GEO_JSON: &str = "application/geo+json";

fn typed(content_type: &'static str, body: impl Into<Body>) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body.into(),
    )
        .into_response()
}

/// Every ward's office: address, opening hours and position where a public source gives them,
/// each fact naming its source; the city's common hours where a rule sets them. A city edits
/// this file (`--offices`).
#[utoipa::path(
    get,
    path = "/api/v1/wards/offices", operation_id = "list_ward_offices",
    tag = "map",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has")),
    responses(
        (status = 200, body = WardOffices, description = "The offices; `ETag` header set"),
        (status = 304, description = "The client's copy is current"),
    )
)]
pub async fn offices(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let held = &state.map.offices;
    super::with_etag(
        &headers,
        &held.etag,
        typed("application/json", held.bytes.clone()),
    )
}

/// Every ward's statistics in one answer (the map's choropleth), sorted by code: the same
/// numbers as `GET /api/v1/wards/{code}/stats`.
#[utoipa::path(
    get,
    path = "/api/v1/wards/stats", operation_id = "list_ward_stats",
    tag = "map",
    params(
        ("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has"),
        ("Accept-Encoding" = Option<String>, Header, description = "`gzip`: the body comes gzipped (`Content-Encoding: gzip`, its own ETag)"),
    ),
    responses(
        (status = 200, body = AllWardStats, description = "`ETag` header set", headers(("ETag" = String, description = "Names this representation: the gzipped body's ends in `-gz`"), ("Vary" = String, description = "`accept-encoding`"), ("Content-Encoding" = String, description = "`gzip` when the body is gzipped"))),
        (status = 304, description = "The client's copy is current", headers(("ETag" = String, description = "The current representation's ETag"), ("Vary" = String, description = "`accept-encoding`"))),
    )
)]
pub async fn all_stats(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let codes: Vec<WardCode> = state.wards.iter().map(|w| w.code.clone()).collect();
    let wards = state
        .db
        .call(move |conn| db::map::all_stats(conn, &codes))
        .await?;
    let body = serde_json::to_vec(&AllWardStats { wards }).map_err(internal)?;
    super::encoding::answer(&headers, "stats", "application/json", body)
}

/// Which map files this city serves: official ward boundaries and a basemap, each with its
/// size and ETag; absent when not configured.
#[utoipa::path(
    get,
    path = "/api/v1/map", operation_id = "map_info",
    tag = "map",
    responses((status = 200, body = MapInfo))
)]
pub async fn info(State(state): State<AppState>) -> Json<MapInfo> {
    Json(state.map.info())
}

/// Public open reports with a place in a box, as a GeoJSON FeatureCollection of points: no
/// personal data, each point the centre of its ~220 m public grid cell (as every public route
/// serves it); the box is matched against that public point. In the city's id order, a page at
/// a time: `next_cursor` (absent on the last page) is the `cursor` of the next. A page may hold
/// fewer than `limit` features and still have a next one.
#[utoipa::path(
    get,
    path = "/api/v1/map/reports.geojson", operation_id = "map_reports",
    tag = "map",
    params(
        ("bbox" = Option<String>, Query, pattern = r"^\s*(-?[0-9]{1,3}(\.[0-9]{1,12})?,-?[0-9]{1,2}(\.[0-9]{1,12})?,-?[0-9]{1,3}(\.[0-9]{1,12})?,-?[0-9]{1,2}(\.[0-9]{1,12})?)?\s*$",
            description = "`west,south,east,north` in degrees (WGS 84): longitudes −180…180, latitudes −90…90, west ≤ east and south ≤ north (else 400 `invalid_bbox`); default: all of Ho Chi Minh City"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "Reports read for this page (default 500)"),
        ("cursor" = Option<String>, Query, pattern = r"^\s*([0-9]{1,19})?\s*$", description = "`next_cursor` of the previous page"),
        ("locale" = Option<String>, Query, description = "Ignored here (no text is localised); accepted as on Open311 routes"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of the page the client has"),
        ("Accept-Encoding" = Option<String>, Header, description = "`gzip`: the page comes gzipped (about 21 times smaller)"),
    ),
    responses(
        (status = 200, body = ReportPage, content_type = "application/geo+json", description = "A page; `ETag` header set", headers(("ETag" = String, description = "Names this representation: the gzipped body's ends in `-gz`"), ("Vary" = String, description = "`accept-encoding`"), ("Content-Encoding" = String, description = "`gzip` when the body is gzipped"))),
        (status = 304, description = "The client's copy of this page is current", headers(("ETag" = String, description = "The current representation's ETag"), ("Vary" = String, description = "`accept-encoding`"))),
        (status = 400, body = [ErrorEntry], description = "A bad `bbox` (`invalid_bbox`), `limit` (`invalid_page_size`) or `cursor` (`invalid_cursor`)"),
    )
)]
pub async fn reports(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    // An empty (or blank) box or cursor is the argument left out, as on every route; `limit`
    // is an integer (a blank one is refused, as its schema says).
    let given = |name| param(&query, name);
    let bbox = match given("bbox") {
        None => Bbox::HCMC,
        Some(text) => Bbox::parse(text)
            .map_err(|e| ApiError::bad(Reason::InvalidBbox, format!("bbox: {e}")))?,
    };
    let limit = points::page_limit(get(&query, "limit").map(str::trim)).ok_or_else(|| {
        ApiError::bad(
            Reason::InvalidPageSize,
            format!("limit is 1 to {}", points::MAX_PAGE),
        )
    })?;
    let cursor = match given("cursor") {
        None => PageCursor::START,
        Some(text) => PageCursor::parse(text).ok_or_else(|| {
            ApiError::bad(Reason::InvalidCursor, "cursor is a next_cursor of a page")
        })?,
    };
    let lang = language(&headers, &query);
    // A public point is at most half a cell from the exact one: read a box one cell wider from
    // the index, keep what the public sees inside the box asked for.
    let area = bbox.grown(public_place::CELL_DEG);
    let rows = state
        .db
        .call(move |conn| db::map::open_in_box(conn, area, cursor, limit))
        .await?;
    let next_cursor = (rows.len() == limit as usize)
        .then(|| {
            rows.last()
                .and_then(|r| u64::try_from(r.id).ok())
                .map(PageCursor::after)
        })
        .flatten();
    let features = rows
        .iter()
        .filter_map(|row| {
            let public = public_request(&state, lang, row);
            let point = model::geo::Point::new(public.lat?, public.long?)?;
            bbox.contains(point).then(|| ReportFeature {
                kind: FeatureType::Feature,
                geometry: PointGeometry::new(point),
                properties: ReportProperties {
                    id: public.service_request_id,
                    service_code: public.service_code,
                    status: public.detailed_status,
                    ward_code: public
                        .address_id
                        .as_deref()
                        .and_then(|c| WardCode::parse(c).ok()),
                    requested_at: public.requested_datetime,
                    supporters: public.supporters,
                },
            })
        })
        .collect();
    let body = serde_json::to_vec(&ReportPage::new(features, next_cursor)).map_err(internal)?;
    // Gzipped for a client that takes it: ~21 times smaller (the whole city's 5,107 reports:
    // 1,193,200 B, 55,661 B gzipped).
    super::encoding::answer(&headers, "reports", GEO_JSON, body)
}

/// The city's official ward boundaries, as configured (`--boundaries`): a FeatureCollection,
/// each feature's `properties.code` a unit's five-digit code (checked at start).
#[utoipa::path(
    get,
    path = "/api/v1/map/boundaries.geojson", operation_id = "map_boundaries",
    tag = "map",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has")),
    responses(
        (status = 200, content_type = "application/geo+json", description = "The boundaries; `ETag` header set"),
        (status = 304, description = "The client's copy is current"),
        (status = 404, body = [ErrorEntry], description = "This city serves no boundaries"),
    )
)]
pub async fn boundaries(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let held = state
        .map
        .boundaries
        .as_ref()
        .ok_or_else(|| ApiError::NotFound("this city serves no ward boundaries".into()))?;
    super::with_etag(&headers, &held.etag, typed(GEO_JSON, held.bytes.clone()))
}

/// The basemap, a PMTiles v3 file (`--basemap`): whole, or the byte ranges asked for (`Range`,
/// answered 206), as a PMTiles reader asks.
#[utoipa::path(
    get,
    path = "/api/v1/map/basemap.pmtiles", operation_id = "map_basemap",
    tag = "map",
    params(
        ("Range" = Option<String>, Header, description = "`bytes=first-last` (RFC 9110)"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has"),
    ),
    responses(
        (status = 200, content_type = "application/vnd.pmtiles", description = "The whole file; `ETag` and `Accept-Ranges` set"),
        (status = 206, content_type = "application/vnd.pmtiles", description = "The range asked for"),
        (status = 304, description = "The client's copy is current"),
        (status = 404, body = [ErrorEntry], description = "This city serves no basemap"),
        (status = 416, description = "The range is outside the file"),
    )
)]
pub async fn basemap(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ApiError> {
    let file = state
        .map
        .basemap
        .as_ref()
        .ok_or_else(|| ApiError::NotFound("this city serves no basemap".into()))?;
    let etag = HeaderValue::from_str(&file.etag).map_err(internal)?;
    let current = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| super::matches(v, &file.etag));
    if current {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let served = ServeFile::new_with_mime(&file.path, &mime_pmtiles())
        .oneshot(request)
        .await
        .map_err(internal)?;
    let mut response = served.map(Body::new);
    if response.status().is_success() {
        response.headers_mut().insert(header::ETAG, etag);
    }
    Ok(response)
}

/// A failure of this server's own making: logged here, answered as a bare 500.
fn internal(err: impl std::fmt::Display) -> ApiError {
    tracing::error!("map route: {err}");
    ApiError::Internal
}

fn mime_pmtiles() -> mime::Mime {
    "application/vnd.pmtiles"
        .parse()
        .unwrap_or(mime::APPLICATION_OCTET_STREAM)
}
