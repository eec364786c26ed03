//! The city's outline: the union of the former provinces' polygons (Natural Earth 1:10m admin-1,
//! see `data/README.md`), with the slivers a union of neighbouring polygons can leave removed.

use geo::{Area, BooleanOps, MultiPolygon, Polygon, SimplifyVwPreserve};
use geojson::GeoJson;

use crate::Error;

/// Holes smaller than this (deg², about 0.6 km²) are gaps between two provinces' borders, not
/// lakes: Natural Earth's admin-1 layer has no lakes this far south that matter at this scale.
const SLIVER_HOLE_DEG2: f64 = 5e-5;

/// Visvalingam–Whyatt tolerance (deg², about 0.01 km²): drops vertices that carry no shape at the
/// source's accuracy (about a kilometre) while keeping the rings valid.
const SIMPLIFY_DEG2: f64 = 1e-6;

/// Every polygon of every feature (Polygon or MultiPolygon) of a GeoJSON text, unioned into one
/// MultiPolygon, small holes removed, lightly simplified.
pub fn from_geojson(text: &str) -> Result<MultiPolygon<f64>, Error> {
    let geojson: GeoJson = text.parse()?;
    let collection = geo::GeometryCollection::<f64>::try_from(&geojson)?;
    let mut parts: Vec<Polygon<f64>> = Vec::new();
    for geometry in collection {
        match geometry {
            geo::Geometry::Polygon(p) => parts.push(p),
            geo::Geometry::MultiPolygon(mp) => parts.extend(mp),
            _ => {}
        }
    }
    if parts.is_empty() {
        return Err(Error::OutlineEmpty);
    }
    let union = geo::unary_union(&parts);
    let cleaned: Vec<Polygon<f64>> = union
        .into_iter()
        .map(|p| {
            let (exterior, holes) = p.into_inner();
            let holes = holes
                .into_iter()
                .filter(|h| Polygon::new(h.clone(), vec![]).unsigned_area() >= SLIVER_HOLE_DEG2)
                .collect();
            Polygon::new(exterior, holes)
        })
        .collect();
    let simplified = MultiPolygon(cleaned).simplify_vw_preserve(SIMPLIFY_DEG2);
    // A union once more: simplification never merges parts, but keep the result normalised.
    let outline = simplified.union(&MultiPolygon::<f64>(vec![]));
    if outline.0.is_empty() {
        return Err(Error::OutlineEmpty);
    }
    Ok(outline)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, size: f64) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}}}"#,
            x1 = x + size,
            y1 = y + size
        )
    }

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    #[test]
    fn neighbouring_provinces_become_one_polygon_and_an_island_stays_apart() {
        let text = collection(&[
            square(106.0, 10.0, 0.5),
            square(106.5, 10.0, 0.5),
            square(106.2, 8.5, 0.1),
        ]);
        let outline = from_geojson(&text).unwrap();
        assert_eq!(outline.0.len(), 2);
        assert!((outline.unsigned_area() - (0.5 + 0.01)).abs() < 1e-9);
    }

    #[test]
    fn a_sliver_between_two_borders_is_closed_but_a_real_hole_is_kept() {
        // Frames of four strips: around a 0.002° gap (a sliver) and around a 0.2° hole (a lake).
        let frame = |x: f64, y: f64, outer: f64, inner: f64| -> Vec<String> {
            let w = (outer - inner) / 2.0;
            let rect = |x0: f64, y0: f64, x1: f64, y1: f64| {
                format!(
                    r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}"#
                )
            };
            vec![
                rect(x, y, x + outer, y + w),
                rect(x, y + outer - w, x + outer, y + outer),
                rect(x, y + w, x + w, y + outer - w),
                rect(x + outer - w, y + w, x + outer, y + outer - w),
            ]
        };
        let mut features = frame(106.0, 10.0, 0.1, 0.002);
        features.extend(frame(107.0, 10.0, 1.0, 0.2));
        let outline = from_geojson(&collection(&features)).unwrap();
        assert_eq!(outline.0.len(), 2);
        let holes: Vec<usize> = outline.0.iter().map(|p| p.interiors().len()).collect();
        assert_eq!(holes.iter().sum::<usize>(), 1, "{holes:?}");
    }

    #[test]
    fn bad_outlines_are_refused_with_their_code() {
        let not_json = from_geojson("not json").unwrap_err();
        assert_eq!(not_json.code(), "outline_geojson");
        let no_polygon = collection(&[
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[106.7,10.8]}}"#.to_owned(),
        ]);
        assert_eq!(
            from_geojson(&no_polygon).unwrap_err().code(),
            "outline_empty"
        );
    }
}
