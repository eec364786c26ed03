//! The city map's commands (`model::map::dto`): ward shapes, open reports, a ward's card,
//! offices, every ward's statistics, what the map is drawn from, and the basemap's bytes.

// The map screen (lazy part, branch map-ui) calls these; until it is merged nothing does.
#![allow(dead_code)]

use model::ErrorDto;
use model::ipc::Command;
use model::map::Bbox;
use model::map::dto::{
    BasemapRangeArgs, MapOfficesDto, MapReportsArgs, MapReportsDto, MapSourcesDto, MapStatsDto,
    MapWardsDto, WardCardArgs, WardCardDto,
};
use wasm_bindgen::JsCast;

use super::{NoArgs, call, internal, tauri_invoke};

/// The ward shapes: the city's boundaries when it has them, else the schematic cells.
pub async fn map_wards() -> Result<MapWardsDto, ErrorDto> {
    call(Command::MapWards, &NoArgs {}).await
}

/// The last pulled public open reports in `bbox` (`None`: all of them).
pub async fn map_reports(bbox: Option<Bbox>) -> Result<MapReportsDto, ErrorDto> {
    call(Command::MapReports, &MapReportsArgs { bbox }).await
}

/// What the card shows about the ward with this code, from the device's copy.
pub async fn ward_card(code: &str) -> Result<WardCardDto, ErrorDto> {
    let args = WardCardArgs {
        code: code.to_owned(),
    };
    call(Command::WardCard, &args).await
}

/// Ward offices with a known position, as GeoJSON points.
pub async fn map_offices() -> Result<MapOfficesDto, ErrorDto> {
    call(Command::MapOffices, &NoArgs {}).await
}

/// Every ward's statistics as last pulled (the choropleth).
pub async fn map_stats() -> Result<MapStatsDto, ErrorDto> {
    call(Command::MapStats, &NoArgs {}).await
}

/// What the map is drawn from on this device.
pub async fn map_sources() -> Result<MapSourcesDto, ErrorDto> {
    call(Command::MapSources, &NoArgs {}).await
}

/// Bytes `offset..offset + length` of the basemap (fewer at its end), as the `ArrayBuffer` a
/// `pmtiles` source's `getBytes` returns. `no_basemap` when the device has none.
pub async fn map_basemap_range(offset: u64, length: u32) -> Result<js_sys::ArrayBuffer, ErrorDto> {
    let args = serde_wasm_bindgen::to_value(&BasemapRangeArgs { offset, length })
        .map_err(|_| internal())?;
    match tauri_invoke(Command::MapBasemapRange.as_str(), args).await {
        Ok(value) => value
            .dyn_into::<js_sys::ArrayBuffer>()
            .map_err(|_| internal()),
        Err(err) => Err(serde_wasm_bindgen::from_value(err).unwrap_or_else(|_| internal())),
    }
}
