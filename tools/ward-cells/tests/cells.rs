//! The committed cells and outline, checked against what the map promises: one cell per unit,
//! each holding its own centroid, together covering the city's outline, never overlapping, and
//! exactly what the generator writes (nobody edits them by hand).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::path::Path;

use geo::{
    Area, BooleanOps, BoundingRect, Contains, Intersects, MultiPolygon, Point, Rect, Validation,
};
use geojson::FeatureCollection;
use ward_cells::paths;

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn units() -> Vec<model::Ward> {
    model::WardCatalog::from_json(&read(paths::UNITS))
        .unwrap()
        .units
}

struct Feature {
    code: String,
    name: String,
    kind: String,
    shape: MultiPolygon<f64>,
}

fn shape(feature: &geojson::Feature) -> MultiPolygon<f64> {
    let value = &feature.geometry.as_ref().expect("a geometry").value;
    match geo::Geometry::<f64>::try_from(value).unwrap() {
        geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
        geo::Geometry::MultiPolygon(mp) => mp,
        other => panic!("not a polygon: {other:?}"),
    }
}

fn text_property(feature: &geojson::Feature, key: &str) -> String {
    feature
        .property(key)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("no text {key}"))
        .to_owned()
}

fn cells() -> Vec<Feature> {
    let collection: FeatureCollection = read(paths::CELLS).parse().unwrap();
    collection
        .features
        .iter()
        .map(|f| Feature {
            code: text_property(f, "code"),
            name: text_property(f, "name"),
            kind: text_property(f, "kind"),
            shape: shape(f),
        })
        .collect()
}

fn outline() -> MultiPolygon<f64> {
    let collection: FeatureCollection = read(paths::OUTLINE).parse().unwrap();
    assert_eq!(collection.features.len(), 1);
    shape(&collection.features[0])
}

/// Area in km², planar in the city's local scale (within 1 % from Côn Đảo to the north): the
/// geodesic area of the zero-width slivers a boolean operation may leave can come out as the
/// rest of the Earth.
fn km2(shape: &MultiPolygon<f64>) -> f64 {
    let km_per_deg: f64 = 111.32;
    shape.unsigned_area() * km_per_deg * km_per_deg * 10.8_f64.to_radians().cos()
}

fn rects_meet(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

#[test]
fn the_committed_files_are_what_the_generator_writes() {
    let generated =
        ward_cells::generate(&read(paths::UNITS), &read(paths::OUTLINE_SOURCE)).unwrap();
    assert!(
        generated.cells_geojson == read(paths::CELLS),
        "{} is stale or edited by hand: run `cargo run -p ward-cells`",
        paths::CELLS
    );
    assert!(
        generated.outline_geojson == read(paths::OUTLINE),
        "{} is stale or edited by hand: run `cargo run -p ward-cells`",
        paths::OUTLINE
    );
    // And a second run gives the same bytes.
    let again = ward_cells::generate(&read(paths::UNITS), &read(paths::OUTLINE_SOURCE)).unwrap();
    assert_eq!(again.cells_geojson, generated.cells_geojson);
}

#[test]
fn one_cell_per_unit_with_its_code_name_and_kind_and_the_schematic_label() {
    let text = read(paths::CELLS);
    let top: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(top["type"], "FeatureCollection");
    assert_eq!(top["schematic"], true);
    assert!(
        top["source"]
            .as_str()
            .is_some_and(|s| s.contains("not official"))
    );
    let units = units();
    let cells = cells();
    assert_eq!(cells.len(), 168);
    assert_eq!(units.len(), cells.len());
    for (unit, cell) in units.iter().zip(&cells) {
        assert_eq!(cell.code, unit.code.as_str());
        assert_eq!(cell.name, unit.name);
        assert_eq!(cell.kind, unit.kind.as_str());
    }
    // Small enough to bundle with the app.
    assert!(text.len() < 250_000, "{} bytes", text.len());
}

#[test]
fn every_centroid_is_inside_its_own_cell_and_every_cell_is_valid() {
    for (unit, cell) in units().iter().zip(cells()) {
        let centroid = Point::new(unit.lon, unit.lat);
        assert!(
            cell.shape.contains(&centroid),
            "{} {} misses its centroid",
            unit.code,
            unit.name
        );
        assert!(
            cell.shape.is_valid(),
            "{} {}: {:?}",
            unit.code,
            unit.name,
            cell.shape.validation_errors()
        );
    }
}

#[test]
fn no_two_cells_overlap() {
    let cells = cells();
    let rects: Vec<Rect<f64>> = cells
        .iter()
        .map(|c| c.shape.bounding_rect().unwrap())
        .collect();
    let mut worst = (0.0_f64, String::new());
    for i in 0..cells.len() {
        for j in i + 1..cells.len() {
            if !rects_meet(rects[i], rects[j]) {
                continue;
            }
            let overlap = cells[i].shape.intersection(&cells[j].shape);
            let m2 = km2(&overlap) * 1e6;
            if m2 > worst.0 {
                worst = (m2, format!("{} and {}", cells[i].name, cells[j].name));
            }
        }
    }
    // Rounding to 5 decimals (about a metre) may leave slivers of a few square metres.
    println!("largest overlap: {:.3} m² ({})", worst.0, worst.1);
    assert!(worst.0 < 10.0, "{} overlap by {:.1} m²", worst.1, worst.0);
}

#[test]
fn the_cells_cover_the_outline() {
    let outline = outline();
    let cells = cells();
    let union = geo::unary_union(cells.iter().map(|c| &c.shape));
    let (outline_km2, union_km2) = (km2(&outline), km2(&union));
    let uncovered = outline.difference(&union);
    let uncovered_km2 = km2(&uncovered);
    println!(
        "outline {outline_km2:.1} km², cells {union_km2:.1} km², outline not covered {uncovered_km2:.6} km²"
    );
    // The union is the outline plus the discs around centroids outside it (a few km²).
    assert!(((union_km2 - outline_km2) / outline_km2).abs() < 0.005);
    // Rounding to 5 decimals moves the points where two cells meet on the coast by up to a metre
    // off the outline's edge: slivers under a metre wide, 0.03 km² in all (of 6,300).
    assert!(uncovered_km2 < 0.1);

    // And no point of a grid (0.005°, about 550 m) inside the outline falls outside every cell.
    let rects: Vec<Rect<f64>> = cells
        .iter()
        .map(|c| c.shape.bounding_rect().unwrap())
        .collect();
    let bounds = outline.bounding_rect().unwrap();
    let step = 0.005;
    let (mut inside, mut orphans) = (0, Vec::new());
    let mut y = bounds.min().y;
    while y <= bounds.max().y {
        let mut x = bounds.min().x;
        while x <= bounds.max().x {
            let p = Point::new(x, y);
            if outline.contains(&p) {
                inside += 1;
                let covered = cells
                    .iter()
                    .zip(&rects)
                    .any(|(c, r)| r.intersects(&p) && c.shape.intersects(&p));
                if !covered {
                    orphans.push(p);
                }
            }
            x += step;
        }
        y += step;
    }
    println!("{inside} grid points inside the outline");
    assert!(inside > 20_000);
    assert!(orphans.is_empty(), "outside every cell: {orphans:?}");
}

#[test]
fn the_outline_holds_the_whole_city_even_con_dao() {
    let outline = outline();
    let km2 = km2(&outline);
    // Natural Earth's three former provinces: about 2,100 + 2,700 + 2,000 km² (officially
    // 6,772 km² together); the coarse source is within a few per cent.
    println!("outline {km2:.1} km², {} parts", outline.0.len());
    assert!((6_300.0..7_300.0).contains(&km2), "{km2}");
    // Côn Sơn island; the unit's centroid itself lies just off the coarse coast (a bay).
    let con_son = Point::new(106.62, 8.72);
    assert!(outline.contains(&con_son));
    assert!(outline.unsigned_area() > 0.0);
    let ben_thanh = Point::new(106.698, 10.7725);
    assert!(outline.contains(&ben_thanh));
    let hanoi = Point::new(105.85, 21.03);
    assert!(!outline.contains(&hanoi));
}
