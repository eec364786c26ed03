//! What the map commands take and answer (camelCase JSON over IPC). GeoJSON goes to the UI as
//! text (MapLibre parses it), always parsed and checked by the engine first.

use serde::{Deserialize, Serialize};

use super::bbox::Bbox;
use super::boundaries::BoundaryKind;
use super::office::{HoursFrom, LatLon, OfficeHours};
use crate::ward::Ward;
use crate::ward_rating::WardStats;

/// Most bytes one `map_basemap_range` call answers.
pub const MAX_RANGE_BYTES: u32 = 8 * 1024 * 1024;

/// `map_wards`: the ward shapes to draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapWardsDto {
    /// Schematic cells (label them "not official boundaries") or the city's boundaries.
    pub kind: BoundaryKind,
    /// A FeatureCollection, one feature per unit, `properties.code` its ward code (checked).
    pub geojson: String,
    /// How many units it draws.
    pub count: usize,
}

/// `map_reports` argument: the box to show; `None` for the whole kept set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapReportsArgs {
    #[serde(default)]
    pub bbox: Option<Bbox>,
}

/// `map_reports`: the last pulled public open reports in the box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapReportsDto {
    /// A FeatureCollection of `points::ReportFeature`s (coarse places, nothing personal).
    pub geojson: String,
    pub count: usize,
    /// When the set came from the city (RFC 3339); `None`: never pulled (empty set).
    pub pulled_at: Option<String>,
}

/// `ward_card` argument.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WardCardArgs {
    pub code: String,
}

/// A public text a fact was read in, as the card cites it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CitedSource {
    pub title: String,
    pub url: String,
    pub read_on: String,
}

/// Opening hours on the card, with whose they are and where they were read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HoursCard {
    pub spans: Vec<OfficeHours>,
    pub from: HoursFrom,
    pub source: CitedSource,
}

/// A ward's office on the card: each part absent where no source gives it ("not available").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfficeCard {
    pub address: Option<String>,
    pub address_source: Option<CitedSource>,
    pub hours: Option<HoursCard>,
    pub position: Option<LatLon>,
    pub position_source: Option<CitedSource>,
    /// When the offices data was last checked by the city (`YYYY-MM-DD`).
    pub as_of: String,
}

/// `ward_card`: what the card shows about one ward, from the device's copy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WardCardDto {
    pub ward: Ward,
    /// `None`: no offices data, or none for this ward.
    pub office: Option<OfficeCard>,
    /// Open reports with a place in this ward in the kept set; `None`: never pulled.
    pub open_reports: Option<u32>,
    /// The ward's statistics as last pulled; `None`: never pulled or the city has none.
    pub stats: Option<WardStats>,
    /// When the statistics came from the city (RFC 3339).
    pub stats_pulled_at: Option<String>,
}

/// `map_offices`: offices with a known position, for the offices layer (GeoJSON points whose
/// properties are `wardCode` and, where known, `address`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapOfficesDto {
    pub geojson: String,
    pub count: usize,
    /// When the offices data was last checked by the city; `None`: no data.
    pub as_of: Option<String>,
}

/// `map_stats`: every ward's statistics as last pulled, for the choropleth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapStatsDto {
    pub wards: Vec<WardStats>,
    /// When they came from the city (RFC 3339); `None`: never pulled (no wards).
    pub pulled_at: Option<String>,
}

/// The basemap on this device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BasemapDto {
    /// Its size: `map_basemap_range` reads within it.
    pub bytes: u64,
}

/// `map_sources`: what the map is drawn from on this device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapSourcesDto {
    pub boundaries: BoundaryKind,
    /// `None`: no basemap (the map draws without one).
    pub basemap: Option<BasemapDto>,
    pub offices_as_of: Option<String>,
    pub reports_pulled_at: Option<String>,
    pub stats_pulled_at: Option<String>,
}

/// `map_basemap_range` argument: bytes `offset..offset + length` of the basemap; answered as a
/// raw IPC body (an `ArrayBuffer`), shorter at the file's end. `length` is 1 to
/// [`MAX_RANGE_BYTES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BasemapRangeArgs {
    pub offset: u64,
    pub length: u32,
}

impl BasemapRangeArgs {
    /// The span to read in a file of `size` bytes, or `None` when the request is empty, too
    /// long or starts past the end.
    pub fn span(self, size: u64) -> Option<(u64, u64)> {
        if self.length == 0 || self.length > MAX_RANGE_BYTES || self.offset >= size {
            return None;
        }
        let end = self.offset.saturating_add(u64::from(self.length)).min(size);
        Some((self.offset, end - self.offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_clipped_to_the_file_and_bounded() {
        let r = |offset, length| BasemapRangeArgs { offset, length };
        assert_eq!(r(0, 10).span(100), Some((0, 10)));
        assert_eq!(r(95, 10).span(100), Some((95, 5)));
        assert_eq!(r(100, 1).span(100), None);
        assert_eq!(r(0, 0).span(100), None);
        assert_eq!(r(0, MAX_RANGE_BYTES + 1).span(u64::MAX), None);
        assert_eq!(r(u64::MAX - 1, 10).span(u64::MAX), Some((u64::MAX - 1, 1)));
    }

    #[test]
    fn args_read_camel_case_and_a_bbox_text() {
        let a: MapReportsArgs =
            serde_json::from_str(r#"{"bbox":"106.6,10.7,106.8,10.9"}"#).expect("args");
        assert!(a.bbox.is_some());
        let none: MapReportsArgs = serde_json::from_str("{}").expect("args");
        assert_eq!(none.bbox, None);
        assert!(serde_json::from_str::<MapReportsArgs>(r#"{"bbox":"1,2"}"#).is_err());
    }
}
