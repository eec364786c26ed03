//! The schematic cells: each unit gets the part of the city nearer to its centroid than to any
//! other (a Voronoi cell), clipped to the city's outline.
//!
//! Distances are measured in a local equirectangular projection (longitude scaled by the cosine
//! of the city's latitude), so a cell matches "the nearest centroid" as `model::geo::unit_at`
//! measures it, to within a few metres across the city.
//!
//! A centroid outside the coarse outline (a coastal ward, a small island) would get a cell that
//! misses its own centroid, or no cell at all; such a unit also gets a disc of
//! [`DISC_RADIUS_KM`] around its centroid, cut to its own Voronoi cell so that it overlaps no
//! other unit.

use geo::{BooleanOps, Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use model::{UnitKind, Ward, WardCode};
use voronoice::{BoundingBox, ClipBehavior, VoronoiBuilder};

use crate::Error;

/// The latitude whose scale the projection keeps (central HCMC).
const REFERENCE_LAT: f64 = 10.8;

/// Kilometres per degree of latitude (mean).
const KM_PER_DEG: f64 = 111.32;

/// The radius of the disc added around a centroid that lies outside the outline.
pub const DISC_RADIUS_KM: f64 = 1.0;

/// Vertices of that disc.
const DISC_VERTICES: usize = 24;

/// Margin (degrees) around the sites and the outline for the Voronoi bounding box.
const BOX_MARGIN_DEG: f64 = 1.0;

/// One unit's schematic cell.
#[derive(Clone, Debug)]
pub struct Cell {
    pub code: WardCode,
    pub name: String,
    pub kind: UnitKind,
    /// The unit's centroid (x = longitude, y = latitude).
    pub centroid: Point<f64>,
    /// The cell, in longitude/latitude.
    pub shape: MultiPolygon<f64>,
    /// Whether the centroid lay outside the outline and a disc was added.
    pub disc_added: bool,
}

fn scale() -> f64 {
    REFERENCE_LAT.to_radians().cos()
}

fn project(lon: f64, lat: f64) -> voronoice::Point {
    voronoice::Point {
        x: lon * scale(),
        y: lat,
    }
}

fn unproject(p: &voronoice::Point) -> Coord<f64> {
    Coord {
        x: p.x / scale(),
        y: p.y,
    }
}

/// A disc of `radius_km` around `centre`, round in the projection (so an ellipse in degrees).
pub fn disc(centre: Point<f64>, radius_km: f64) -> Polygon<f64> {
    let r = radius_km / KM_PER_DEG;
    let ring: Vec<Coord<f64>> = (0..DISC_VERTICES)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / DISC_VERTICES as f64;
            Coord {
                x: centre.x() + r * a.cos() / scale(),
                y: centre.y() + r * a.sin(),
            }
        })
        .collect();
    Polygon::new(LineString::new(ring), vec![])
}

/// The Voronoi cells of the units' centroids, in the order of `units`, unclipped but for a
/// bounding box well around the city.
fn voronoi_cells(units: &[Ward], outline: &MultiPolygon<f64>) -> Result<Vec<Polygon<f64>>, Error> {
    let sites: Vec<voronoice::Point> = units.iter().map(|u| project(u.lon, u.lat)).collect();
    let mut xs: Vec<f64> = sites.iter().map(|p| p.x).collect();
    let mut ys: Vec<f64> = sites.iter().map(|p| p.y).collect();
    for c in outline.0.iter().flat_map(|p| p.exterior().coords()) {
        let p = project(c.x, c.y);
        xs.push(p.x);
        ys.push(p.y);
    }
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (x0, x1, y0, y1) = (min(&xs), max(&xs), min(&ys), max(&ys));
    let bbox = BoundingBox::new(
        voronoice::Point {
            x: (x0 + x1) / 2.0,
            y: (y0 + y1) / 2.0,
        },
        x1 - x0 + 2.0 * BOX_MARGIN_DEG,
        y1 - y0 + 2.0 * BOX_MARGIN_DEG,
    );
    let voronoi = VoronoiBuilder::default()
        .set_sites(sites)
        .set_bounding_box(bbox)
        .set_clip_behavior(ClipBehavior::Clip)
        .build()
        .ok_or(Error::Voronoi)?;
    let cells: Vec<Polygon<f64>> = voronoi
        .iter_cells()
        .map(|cell| {
            let ring: Vec<Coord<f64>> = cell.iter_vertices().map(unproject).collect();
            Polygon::new(LineString::new(ring), vec![])
        })
        .collect();
    if cells.len() != units.len() {
        return Err(Error::Voronoi);
    }
    Ok(cells)
}

/// Builds every unit's cell: its Voronoi cell clipped to `outline`, plus a disc when its
/// centroid lies outside the outline.
pub fn build(units: &[Ward], outline: &MultiPolygon<f64>) -> Result<Vec<Cell>, Error> {
    let raw = voronoi_cells(units, outline)?;
    units
        .iter()
        .zip(raw)
        .map(|(unit, voronoi)| {
            let centroid = Point::new(unit.lon, unit.lat);
            let clipped = voronoi.intersection(outline);
            let inside = clipped.contains(&centroid);
            let shape = if inside {
                clipped
            } else {
                let own_disc = disc(centroid, DISC_RADIUS_KM).intersection(&voronoi);
                clipped.union(&own_disc)
            };
            if shape.0.is_empty() {
                return Err(Error::EmptyCell {
                    code: unit.code.to_string(),
                });
            }
            Ok(Cell {
                code: unit.code.clone(),
                name: unit.name.clone(),
                kind: unit.kind,
                centroid,
                shape,
                disc_added: !inside,
            })
        })
        .collect()
}
