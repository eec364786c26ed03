//! Public open reports as map points: an RFC 7946 FeatureCollection of `Point`s whose
//! properties hold nothing personal, and whose coordinates are the coarse ones every public
//! route serves (`crate::public_place`). `GET /api/v1/map/reports.geojson` answers a page of
//! these; the app keeps the whole city's set and answers the map from it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::feedback::RequestStatus;
use crate::geo::Point;
use crate::ward::WardCode;
use crate::wire::wire_enum;

/// Features per page when the client names no limit.
pub const DEFAULT_PAGE: u32 = 500;
/// Most features one page holds.
pub const MAX_PAGE: u32 = 1_000;
/// Most open reports the app keeps for the map (a sanity bound on the city's answers: HCMC
/// receives ~15,000 reports a month, most closed within days).
pub const MAX_KEPT: usize = 100_000;

wire_enum! {
    /// GeoJSON's `"type": "FeatureCollection"`.
    pub enum CollectionType {
        FeatureCollection = "FeatureCollection",
    }
}

wire_enum! {
    /// GeoJSON's `"type": "Feature"`.
    pub enum FeatureType {
        Feature = "Feature",
    }
}

wire_enum! {
    /// GeoJSON's `"type": "Point"`.
    pub enum PointType {
        Point = "Point",
    }
}

/// A GeoJSON point: `[longitude, latitude]`, in that order (RFC 7946 §3.1.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointGeometry {
    #[serde(rename = "type")]
    pub kind: PointType,
    /// `[longitude, latitude]`, coarse (the centre of the report's ~220 m grid cell).
    pub coordinates: [f64; 2],
}

impl PointGeometry {
    pub fn new(p: Point) -> Self {
        Self {
            kind: PointType::Point,
            coordinates: [p.lon(), p.lat()],
        }
    }

    pub fn point(&self) -> Option<Point> {
        Point::new(self.coordinates[1], self.coordinates[0])
    }
}

/// What the public may know of an open report (no name, contact, device, description or
/// street address).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportProperties {
    /// The city's `service_request_id`.
    pub id: String,
    pub service_code: String,
    pub status: RequestStatus,
    /// The ward's official code (exact, as on every public route).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "^[0-9]{5}$"))]
    pub ward_code: Option<WardCode>,
    /// When it was filed (RFC 3339).
    pub requested_at: String,
    /// "Me too": how many other citizens follow it.
    pub supporters: u32,
}

/// One report as a GeoJSON Feature.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportFeature {
    #[serde(rename = "type")]
    pub kind: FeatureType,
    pub geometry: PointGeometry,
    pub properties: ReportProperties,
}

/// A page of `GET /api/v1/map/reports.geojson`: a FeatureCollection, in the city's id order,
/// and where the next page starts (`next_cursor`, a foreign member; absent on the last page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportPage {
    #[serde(rename = "type")]
    pub kind: CollectionType,
    pub features: Vec<ReportFeature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = "^[0-9]{1,19}$"))]
    pub next_cursor: Option<PageCursor>,
}

impl ReportPage {
    pub fn new(features: Vec<ReportFeature>, next_cursor: Option<PageCursor>) -> Self {
        Self {
            kind: CollectionType::FeatureCollection,
            features,
            next_cursor,
        }
    }

    /// Checks what serde cannot: the page's size and every point in range. `limit` is what
    /// was asked for.
    pub fn validate(&self, limit: u32) -> Result<(), PointsError> {
        if self.features.len() > limit.min(MAX_PAGE) as usize {
            return Err(PointsError::TooMany);
        }
        if self.features.iter().any(|f| f.geometry.point().is_none()) {
            return Err(PointsError::BadPoint);
        }
        Ok(())
    }
}

/// Where a page starts: after the report with this server id. Stable while reports are added
/// or closed (order by id), so paging misses none that stay open and shows none twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageCursor(u64);

impl PageCursor {
    pub const START: Self = Self(0);

    pub fn after(id: u64) -> Self {
        Self(id)
    }

    pub fn get(self) -> u64 {
        self.0
    }

    /// Digits only (no sign, no spaces), at most 19.
    pub fn parse(text: &str) -> Option<Self> {
        if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok().map(Self)
    }
}

impl fmt::Display for PageCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for PageCursor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PageCursor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("a cursor is digits"))
    }
}

/// A page's `limit`: 1 to [`MAX_PAGE`].
pub fn page_limit(asked: Option<&str>) -> Option<u32> {
    match asked {
        None => Some(DEFAULT_PAGE),
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n)),
    }
}

/// Why a page of report points is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PointsError {
    #[error("a page holds more features than asked for")]
    TooMany,
    #[error("a feature's point is not a WGS 84 position")]
    BadPoint,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature(id: &str, lat: f64, lon: f64) -> ReportFeature {
        ReportFeature {
            kind: FeatureType::Feature,
            geometry: PointGeometry::new(Point::new(lat, lon).expect("point")),
            properties: ReportProperties {
                id: id.into(),
                service_code: "giao-thong".into(),
                status: RequestStatus::Received,
                ward_code: WardCode::parse("26734").ok(),
                requested_at: "2026-12-07T10:00:00+07:00".into(),
                supporters: 2,
            },
        }
    }

    #[test]
    fn a_page_is_rfc_7946_geojson() {
        let page = ReportPage::new(
            vec![feature("12", 10.773, 106.699)],
            Some(PageCursor::after(12)),
        );
        let json = serde_json::to_value(&page).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "type": "FeatureCollection",
                "features": [{
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [106.699, 10.773]},
                    "properties": {
                        "id": "12", "service_code": "giao-thong", "status": "received",
                        "ward_code": "26734", "requested_at": "2026-12-07T10:00:00+07:00",
                        "supporters": 2
                    }
                }],
                "next_cursor": "12"
            })
        );
        let back: ReportPage = serde_json::from_value(json).expect("back");
        assert_eq!(back, page);
        assert_eq!(back.validate(1), Ok(()));
        assert_eq!(back.validate(0), Err(PointsError::TooMany));
    }

    #[test]
    fn bad_pages_and_cursors_are_refused() {
        let mut bad = serde_json::to_value(ReportPage::new(vec![feature("1", 10.7, 106.7)], None))
            .expect("json");
        bad["features"][0]["geometry"]["coordinates"] = serde_json::json!([106.7, 95.0]);
        let page: ReportPage = serde_json::from_value(bad.clone()).expect("shape");
        assert_eq!(page.validate(10), Err(PointsError::BadPoint));
        bad["type"] = "Feature".into();
        assert!(serde_json::from_value::<ReportPage>(bad).is_err());
        for c in ["", "-1", "+1", " 1", "1.0", "a", "12345678901234567890"] {
            assert_eq!(PageCursor::parse(c), None, "{c:?}");
        }
        assert_eq!(PageCursor::parse("42").map(PageCursor::get), Some(42));
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(page_limit(None), Some(DEFAULT_PAGE));
        assert_eq!(page_limit(Some("1")), Some(1));
        assert_eq!(page_limit(Some("1000")), Some(1000));
        for bad in ["0", "1001", "-1", "x", ""] {
            assert_eq!(page_limit(Some(bad)), None, "{bad}");
        }
    }
}
