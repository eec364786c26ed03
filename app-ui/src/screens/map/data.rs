//! What the map screen shows, read through the shell's map commands (`bridge::map`): the units'
//! shapes, the open reports, the offices, every ward's statistics and the basemap's bytes.
//! Nothing here is made up: what the device does not have stays `None` and is shown "not
//! available".

use model::map::ScoreKind;
use model::map::boundaries::BoundaryKind;
use model::map::points::ReportFeature;
use model::{ErrorDto, Ward};
use serde::Deserialize;

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

/// Open reports as the map draws them and the list reads them.
#[derive(Clone)]
pub struct Reports {
    pub geojson: String,
    pub items: Vec<ReportFeature>,
    /// When the set came from the city (RFC 3339); `None`: never pulled.
    pub pulled_at: Option<String>,
}

/// Ward offices with a known position.
#[derive(Clone)]
pub struct Offices {
    pub geojson: String,
    pub items: Vec<OfficeItem>,
}

#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfficeItem {
    pub ward_code: String,
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Deserialize)]
struct OfficeFeature {
    properties: OfficeItem,
}

#[derive(Deserialize)]
struct Collection<F> {
    features: Vec<F>,
}

/// A ward's scores, 0–1 where there is something to count.
#[derive(Clone)]
pub struct WardScores {
    pub code: String,
    pub on_time: Option<f64>,
    pub satisfied: Option<f64>,
}

impl WardScores {
    pub fn of(&self, kind: ScoreKind) -> Option<f64> {
        match kind {
            ScoreKind::ResolvedOnTime => self.on_time,
            ScoreKind::Satisfaction => self.satisfied,
        }
    }
}

/// The features of a FeatureCollection text (what the map draws, for the list view).
fn features<F: serde::de::DeserializeOwned>(geojson: &str) -> Vec<F> {
    js_sys::JSON::parse(geojson)
        .ok()
        .and_then(|v| serde_wasm_bindgen::from_value::<Collection<F>>(v).ok())
        .map(|c| c.features)
        .unwrap_or_default()
}

/// Everything the screen shows, read once when it opens. The units are needed; each layer
/// that cannot be read is absent (its problem logged), the others still show.
pub async fn load() -> Result<Loaded, ErrorDto> {
    let wards = bridge::search_wards("", 500).await?.wards;
    let shapes = bridge::map::map_wards().await.map(|w| Shapes {
        schematic: w.kind == BoundaryKind::Schematic,
        geojson: w.geojson,
    });
    let reports = bridge::map::map_reports(None).await.map(|r| Reports {
        items: features(&r.geojson),
        geojson: r.geojson,
        pulled_at: r.pulled_at,
    });
    let offices = bridge::map::map_offices().await.map(|o| Offices {
        items: features::<OfficeFeature>(&o.geojson)
            .into_iter()
            .map(|f| f.properties)
            .collect(),
        geojson: o.geojson,
    });
    let scores = bridge::map::map_stats().await.map(|s| {
        s.wards
            .iter()
            .map(|w| WardScores {
                code: w.ward_code.clone(),
                on_time: ScoreKind::ResolvedOnTime.score(w),
                satisfied: ScoreKind::Satisfaction.score(w),
            })
            .collect()
    });
    for err in [
        shapes.as_ref().err(),
        reports.as_ref().err(),
        offices.as_ref().err(),
        scores.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    {
        leptos::logging::warn!("map: a layer could not be read: {}", err.code);
    }
    Ok(Loaded {
        wards,
        shapes: shapes.ok(),
        reports: reports.ok(),
        offices: offices.ok(),
        scores: scores.ok(),
    })
}

/// The basemap's key when this device has one.
pub async fn basemap_key() -> Option<String> {
    let sources = bridge::map::map_sources().await.ok()?;
    // The key names the archive for pmtiles' cache; its size tells one file from the next.
    sources.basemap.map(|b| format!("basemap-{}", b.bytes))
}

/// `length` bytes of the basemap archive from `offset` (fewer at its end).
pub async fn basemap_range(offset: u64, length: u64) -> Option<js_sys::Uint8Array> {
    let length = u32::try_from(length).ok()?;
    let buffer = bridge::map::map_basemap_range(offset, length).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer))
}

/// All units by code, for names in lists.
pub fn ward_name(wards: &[Ward], code: &str) -> Option<String> {
    wards
        .iter()
        .find(|w| w.code.as_str() == code)
        .map(|w| w.name.clone())
}
