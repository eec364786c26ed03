//! What can go wrong while generating; each variant has a stable `code()`.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the unit list is not valid: {0}")]
    Units(#[from] model::ward::WardError),
    #[error("the outline is not GeoJSON polygons: {0}")]
    OutlineGeoJson(#[from] geojson::Error),
    #[error("the outline holds no polygon")]
    OutlineEmpty,
    #[error(
        "the Voronoi diagram of the centroids could not be built (fewer than 3 distinct sites?)"
    )]
    Voronoi,
    #[error("a unit's cell is empty: {code}")]
    EmptyCell { code: String },
    #[error("cannot encode GeoJSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot draw a basemap tile")]
    Draw,
    #[error("cannot encode a PNG tile: {0}")]
    Png(#[from] png::EncodingError),
    #[error("cannot write the PMTiles archive: {0}")]
    Pmtiles(#[from] pmtiles::PmtError),
}

impl Error {
    /// A stable name of the failure, for scripts and tests (the message may change).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Read { .. } => "read",
            Self::Write { .. } => "write",
            Self::Units(_) => "units",
            Self::OutlineGeoJson(_) => "outline_geojson",
            Self::OutlineEmpty => "outline_empty",
            Self::Voronoi => "voronoi",
            Self::EmptyCell { .. } => "empty_cell",
            Self::Json(_) => "json",
            Self::Draw => "draw",
            Self::Png(_) => "png",
            Self::Pmtiles(_) => "pmtiles",
        }
    }
}
