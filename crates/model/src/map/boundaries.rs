//! Ward boundaries as GeoJSON: the bundled schematic cells or a city's official polygons,
//! checked before anything draws them — each feature a Polygon or MultiPolygon of real
//! positions with the `code` of a known unit, no unit twice.

use std::collections::HashSet;

use geojson::{GeoJson, GeometryValue};

use crate::ward::WardCode;
use crate::wire::wire_enum;

/// Most features a boundaries file may hold (the city has 168 units).
pub const MAX_FEATURES: usize = 5_000;
/// Largest boundaries file read (a city's detailed polygons, simplified, are a few MB).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

wire_enum! {
    /// What the wards are drawn with.
    pub enum BoundaryKind {
        /// Generated cells around each unit's centre: not official boundaries.
        Schematic = "schematic",
        /// Polygons the city serves or configures.
        Official = "official",
    }
}

impl BoundaryKind {
    /// The i18n key of the label shown on the map.
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Schematic => "map.boundaries.schematic",
            Self::Official => "map.boundaries.official",
        }
    }
}

/// Why a boundaries file is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BoundaryError {
    #[error("boundaries file is larger than the app reads")]
    TooLarge,
    #[error("boundaries are not a GeoJSON FeatureCollection")]
    NotGeoJson,
    #[error("boundaries file has no features or too many")]
    BadCount,
    #[error("a boundary feature has no ward code property or a malformed one")]
    NoCode,
    #[error("a boundary feature's code is not a unit of the city")]
    UnknownWard,
    #[error("two boundary features for one unit")]
    DuplicateWard,
    #[error("a boundary feature is not a polygon of real positions")]
    BadGeometry,
}

impl BoundaryError {
    /// A stable name for logs and tests.
    pub fn code(self) -> &'static str {
        match self {
            Self::TooLarge => "boundaries_too_large",
            Self::NotGeoJson => "boundaries_not_geojson",
            Self::BadCount => "boundaries_bad_count",
            Self::NoCode => "boundaries_no_code",
            Self::UnknownWard => "boundaries_unknown_ward",
            Self::DuplicateWard => "boundaries_duplicate_ward",
            Self::BadGeometry => "boundaries_bad_geometry",
        }
    }
}

/// What a checked file holds: the units it draws, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedBoundaries {
    pub codes: Vec<WardCode>,
}

fn ring_ok(ring: &[geojson::Position]) -> bool {
    ring.len() >= 4
        && ring.iter().all(|p| {
            let c = p.as_slice();
            (2..=3).contains(&c.len())
                && c.iter().all(|v| v.is_finite())
                && (-180.0..=180.0).contains(&c[0])
                && (-90.0..=90.0).contains(&c[1])
        })
        && ring.first() == ring.last()
}

fn polygon_ok(rings: &[Vec<geojson::Position>]) -> bool {
    !rings.is_empty() && rings.iter().all(|r| ring_ok(r))
}

/// Checks a boundaries file: a FeatureCollection whose every feature has a `code` property
/// naming a unit `known` accepts, once, and a Polygon or MultiPolygon geometry.
pub fn check(
    text: &str,
    known: impl Fn(&WardCode) -> bool,
) -> Result<CheckedBoundaries, BoundaryError> {
    if text.len() > MAX_BYTES {
        return Err(BoundaryError::TooLarge);
    }
    let collection = match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(c)) => c,
        _ => return Err(BoundaryError::NotGeoJson),
    };
    if collection.features.is_empty() || collection.features.len() > MAX_FEATURES {
        return Err(BoundaryError::BadCount);
    }
    let mut seen = HashSet::new();
    let mut codes = Vec::with_capacity(collection.features.len());
    for feature in &collection.features {
        let code = feature
            .properties
            .as_ref()
            .and_then(|p| p.get("code"))
            .and_then(|c| c.as_str())
            .and_then(|c| WardCode::parse(c).ok())
            .ok_or(BoundaryError::NoCode)?;
        if !known(&code) {
            return Err(BoundaryError::UnknownWard);
        }
        if !seen.insert(code.clone()) {
            return Err(BoundaryError::DuplicateWard);
        }
        let ok = match feature.geometry.as_ref().map(|g| &g.value) {
            Some(GeometryValue::Polygon { coordinates }) => polygon_ok(coordinates),
            Some(GeometryValue::MultiPolygon { coordinates }) => {
                !coordinates.is_empty() && coordinates.iter().all(|p| polygon_ok(p))
            }
            _ => false,
        };
        if !ok {
            return Err(BoundaryError::BadGeometry);
        }
        codes.push(code);
    }
    Ok(CheckedBoundaries { codes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: &str) -> serde_json::Value {
        serde_json::json!({
            "type": "Feature",
            "properties": {"code": code, "name": "Phường X"},
            "geometry": {"type": "Polygon", "coordinates": [[[106.6, 10.7], [106.7, 10.7], [106.7, 10.8], [106.6, 10.7]]]}
        })
    }

    fn collection(features: Vec<serde_json::Value>) -> String {
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
    }

    fn known(c: &WardCode) -> bool {
        c.as_str().starts_with("26")
    }

    #[test]
    fn a_good_file_names_its_units() {
        let mut multi = square("26737");
        multi["geometry"] = serde_json::json!({"type": "MultiPolygon", "coordinates": [[[[106.6, 10.7], [106.7, 10.7], [106.7, 10.8], [106.6, 10.7]]]]});
        let checked = check(&collection(vec![square("26734"), multi]), known).expect("valid");
        assert_eq!(checked.codes.len(), 2);
        assert_eq!(checked.codes[1].as_str(), "26737");
    }

    #[test]
    fn each_fault_has_its_reason() {
        let mut no_code = square("26734");
        no_code["properties"] = serde_json::json!({"name": "x"});
        let mut numeric_code = square("26734");
        numeric_code["properties"]["code"] = 26734.into();
        let mut point = square("26734");
        point["geometry"] = serde_json::json!({"type": "Point", "coordinates": [106.6, 10.7]});
        let mut open_ring = square("26734");
        open_ring["geometry"]["coordinates"] =
            serde_json::json!([[[106.6, 10.7], [106.7, 10.7], [106.7, 10.8], [106.6, 10.8]]]);
        let mut out_of_range = square("26734");
        out_of_range["geometry"]["coordinates"][0][1] = serde_json::json!([200.0, 10.7]);
        let mut null_geometry = square("26734");
        null_geometry["geometry"] = serde_json::Value::Null;
        for (text, why) in [
            ("{}".to_owned(), BoundaryError::NotGeoJson),
            ("not json".to_owned(), BoundaryError::NotGeoJson),
            (square("26734").to_string(), BoundaryError::NotGeoJson),
            (collection(vec![]), BoundaryError::BadCount),
            (collection(vec![no_code]), BoundaryError::NoCode),
            (collection(vec![numeric_code]), BoundaryError::NoCode),
            (
                collection(vec![square("10000")]),
                BoundaryError::UnknownWard,
            ),
            (
                collection(vec![square("26734"), square("26734")]),
                BoundaryError::DuplicateWard,
            ),
            (collection(vec![point]), BoundaryError::BadGeometry),
            (collection(vec![open_ring]), BoundaryError::BadGeometry),
            (collection(vec![out_of_range]), BoundaryError::BadGeometry),
            (collection(vec![null_geometry]), BoundaryError::BadGeometry),
        ] {
            assert_eq!(check(&text, known), Err(why), "{text}");
        }
    }
}
