//! The schematic ward cells of Ho Chi Minh City and a tiny test basemap.
//!
//! No official ward polygons are reachable, so the map draws each unit's Voronoi cell (the part
//! of the city nearer to its centroid than to any other), clipped to the city's outline: see
//! `README.md` beside this crate for the sources, their licences and their accuracy.
//!
//! [`generate`] is pure (texts in, texts out); the binary reads and writes the files.

pub mod basemap;
pub mod cells;
pub mod error;
pub mod outline;
pub mod output;

pub use error::Error;

/// The repository's files this tool reads and writes, relative to the repository's root.
pub mod paths {
    pub const UNITS: &str = "assets/hcmc-units.json";
    pub const OUTLINE_SOURCE: &str = "tools/ward-cells/data/ne_10m_admin1_hcmc.geojson";
    pub const CELLS: &str = "assets/ward-cells.geojson";
    pub const OUTLINE: &str = "assets/hcmc-outline.geojson";
    pub const BASEMAP: &str = "tests/fixtures/basemap-test.pmtiles";
}

/// What one run produces.
#[derive(Debug)]
pub struct Generated {
    pub cells: Vec<cells::Cell>,
    pub outline: geo::MultiPolygon<f64>,
    /// The text of `assets/ward-cells.geojson`.
    pub cells_geojson: String,
    /// The text of `assets/hcmc-outline.geojson`.
    pub outline_geojson: String,
}

/// Builds the cells from the units' list (`assets/hcmc-units.json`) and the outline's source
/// GeoJSON; deterministic.
pub fn generate(units_json: &str, outline_source: &str) -> Result<Generated, Error> {
    let catalog = model::WardCatalog::from_json(units_json)?;
    let outline = outline::from_geojson(outline_source)?;
    let cells = cells::build(&catalog.units, &outline)?;
    let cells_geojson = output::cells_geojson(&cells)?;
    let outline_geojson = output::outline_geojson(&outline)?;
    Ok(Generated {
        cells,
        outline,
        cells_geojson,
        outline_geojson,
    })
}
