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
