//! The schematic cells: each unit gets the part of the city nearer to its centroid than to any
//! other (a Voronoi cell), clipped to the city's outline.
//!
//! Distances are measured in a local equirectangular projection (longitude scaled by the cosine
//! of the city's latitude), so a cell matches "the nearest centroid" as `model::geo::unit_at`
//! measures it, to within a few metres across the city.
//!
//! A centroid outside the coarse outline (a coastal ward, an island the source leaves out, a
//! border drawn a few kilometres off) would get a cell that misses its own centroid, or no cell
//! at all. Such a unit also gets a disc around its centroid, cut to its own Voronoi cell so that
//! it overlaps no other unit, and the disc is added to the outline too (the city's outline then
//! holds every unit's centroid, and the cells still cover exactly the outline). See
//! [`disc_radius_km`] for its size.

use geo::{
    BooleanOps, Contains, Coord, Distance, Euclidean, LineString, MapCoords, MultiPolygon, Point,
    Polygon,
};
use model::{UnitKind, Ward, WardCode};
use voronoice::{BoundingBox, ClipBehavior, VoronoiBuilder};

use crate::Error;

/// The latitude whose scale the projection keeps (central HCMC).
const REFERENCE_LAT: f64 = 10.8;

/// Kilometres per degree of latitude (mean).
const KM_PER_DEG: f64 = 111.32;

/// The smallest disc added around a centroid outside the outline.
pub const MIN_DISC_RADIUS_KM: f64 = 1.0;

/// How far the disc reaches into the outline, so that the cell is one piece with the city.
pub const DISC_OVERLAP_KM: f64 = 1.0;

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
    /// The radius of the disc added when the centroid lay outside the outline.
    pub disc_km: Option<f64>,
}

/// The cells, and the outline they cover: the given one with the discs added.
#[derive(Clone, Debug)]
pub struct Cells {
    pub cells: Vec<Cell>,
    pub outline: MultiPolygon<f64>,
}

/// The radius of the disc around a centroid `distance_km` outside the outline: from the centroid
/// to [`DISC_OVERLAP_KM`] inside the outline, but at least [`MIN_DISC_RADIUS_KM`] and at most
/// the radius of a circle of the unit's official area (a unit far from the outline stays its own
/// size).
pub fn disc_radius_km(distance_km: f64, area_km2: f64) -> f64 {
    let own_size = (area_km2.max(0.0) / std::f64::consts::PI).sqrt();
    (distance_km + DISC_OVERLAP_KM)
        .min(own_size)
        .max(MIN_DISC_RADIUS_KM)
}

/// Distance in km from a point to the outline, in the projection.
fn distance_km(centroid: Point<f64>, outline: &MultiPolygon<f64>) -> f64 {
    let to_projected = |c: Coord<f64>| Coord {
        x: c.x * scale(),
        y: c.y,
    };
    let point = centroid.map_coords(to_projected);
    outline
        .0
        .iter()
        .map(|polygon| Euclidean.distance(&point, &polygon.map_coords(to_projected)))
        .fold(f64::INFINITY, f64::min)
        * KM_PER_DEG
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

/// Two units at one place have no Voronoi cells (and voronoice panics on them): refused.
fn refuse_same_centroid(units: &[Ward]) -> Result<(), Error> {
    let mut by_place: Vec<&Ward> = units.iter().collect();
    by_place.sort_by(|a, b| a.lat.total_cmp(&b.lat).then(a.lon.total_cmp(&b.lon)));
    match by_place
        .windows(2)
        .find(|w| w[0].lat == w[1].lat && w[0].lon == w[1].lon)
    {
        Some(pair) => {
            let (mut first, mut second) = (pair[0].code.to_string(), pair[1].code.to_string());
            if second < first {
                std::mem::swap(&mut first, &mut second);
            }
            Err(Error::SameCentroid { first, second })
        }
        None => Ok(()),
    }
}

/// The Voronoi cells of the units' centroids, in the order of `units`, unclipped but for a
/// bounding box well around the city.
fn voronoi_cells(units: &[Ward], outline: &MultiPolygon<f64>) -> Result<Vec<Polygon<f64>>, Error> {
    refuse_same_centroid(units)?;
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
/// centroid lies outside the outline; and the outline with those discs.
pub fn build(units: &[Ward], outline: &MultiPolygon<f64>) -> Result<Cells, Error> {
    let raw = voronoi_cells(units, outline)?;
    let mut discs: Vec<MultiPolygon<f64>> = Vec::new();
    let cells = units
        .iter()
        .zip(raw)
        .map(|(unit, voronoi)| {
            let centroid = Point::new(unit.lon, unit.lat);
            let clipped = voronoi.intersection(outline);
            let (shape, disc_km) = if clipped.contains(&centroid) {
                (clipped, None)
            } else {
                let radius = disc_radius_km(distance_km(centroid, outline), unit.area_km2);
                let own_disc = disc(centroid, radius).intersection(&voronoi);
                let shape = clipped.union(&own_disc);
                discs.push(own_disc);
                (shape, Some(radius))
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
                disc_km,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let outline = discs.iter().fold(outline.clone(), |o, d| o.union(d));
    // Each shape gets the vertices of the others that lie on its edges, so that rounding moves
    // shared points alike on both sides.
    let points = crate::weld::vertices(cells.iter().map(|c| &c.shape).chain([&outline]));
    let outline = crate::weld::weld(&outline, &points);
    let cells = cells
        .into_iter()
        .map(|c| Cell {
            shape: crate::weld::weld(&c.shape, &points),
            ..c
        })
        .collect();
    Ok(Cells { cells, outline })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disc_reaches_a_kilometre_into_the_outline_but_no_further_than_the_units_own_size() {
        // 4.9 km off, 123 km² (radius 6.3 km): reaches 1 km in.
        assert!((disc_radius_km(4.93, 123.49) - 5.93).abs() < 1e-9);
        // 3.85 km off, 56.5 km² (radius 4.24 km): its own size.
        assert!((disc_radius_km(3.85, 56.5) - (56.5 / std::f64::consts::PI).sqrt()).abs() < 1e-9);
        // Just off the coast: the smallest disc.
        assert_eq!(disc_radius_km(0.09, 75.8), 1.09);
        assert_eq!(disc_radius_km(0.0, 0.1), MIN_DISC_RADIUS_KM);
    }

    fn ward(code: &str, lon: f64, lat: f64) -> Ward {
        Ward::from_parts(code, format!("Phường {code}"), "phuong", lat, lon, 4.0).unwrap()
    }

    #[test]
    fn two_units_at_one_place_are_an_error_not_a_panic() {
        // voronoice panics on two equal sites: they are refused before it runs.
        let square = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (106.6, 10.7),
                (106.7, 10.7),
                (106.7, 10.8),
                (106.6, 10.8),
            ]),
            vec![],
        )]);
        let units = [
            ward("00001", 106.62, 10.72),
            ward("00002", 106.68, 10.78),
            ward("00003", 106.68, 10.78),
            ward("00004", 106.65, 10.71),
        ];
        let error = build(&units, &square).unwrap_err();
        assert_eq!(error.code(), "same_centroid");
        assert_eq!(
            error.to_string(),
            "units 00002 and 00003 have the same centroid"
        );
    }

    #[test]
    fn a_centroid_off_the_coast_gets_a_disc_that_overlaps_no_neighbour() {
        // A 0.1° square; the third centroid lies 0.03° (about 3 km) east of it, at sea.
        let square = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (106.6, 10.7),
                (106.7, 10.7),
                (106.7, 10.8),
                (106.6, 10.8),
            ]),
            vec![],
        )]);
        let units = [
            ward("00001", 106.62, 10.72),
            ward("00002", 106.68, 10.78),
            ward("00003", 106.73, 10.75),
        ];
        let built = build(&units, &square).unwrap();
        let at_sea = &built.cells[2];
        assert!(at_sea.shape.contains(&at_sea.centroid));
        // Its own size is 4 km² (radius 1.13 km), so the disc does not reach the square.
        assert!(
            at_sea
                .disc_km
                .is_some_and(|r| (r - (4.0 / std::f64::consts::PI).sqrt()).abs() < 1e-9)
        );
        assert!(built.cells[0].disc_km.is_none());
        for (i, a) in built.cells.iter().enumerate() {
            for b in &built.cells[i + 1..] {
                assert!(geo::Area::unsigned_area(&a.shape.intersection(&b.shape)) < 1e-12);
            }
            assert!(built.outline.contains(&a.centroid));
        }
    }
}
