//! Thin commands of the city map (issue 14): ward shapes, open reports, a ward's card, offices,
//! every ward's statistics, what the map is drawn from, and the basemap's bytes — all from the
//! engine's offline copy (`core_engine::engine::map`), refreshed by the background sync.

use std::sync::Arc;

use core_engine::Engine;
use model::ErrorDto;
use model::map::Bbox;
use model::map::dto::{
    BasemapRangeArgs, MapOfficesDto, MapReportsDto, MapSourcesDto, MapStatsDto, MapWardsDto,
    WardCardDto,
};
use tauri::State;
use tauri::ipc::Response;

type Engines<'a> = State<'a, Arc<Engine>>;
type CmdResult<T> = Result<T, ErrorDto>;

#[tauri::command]
pub async fn map_wards(engine: Engines<'_>) -> CmdResult<MapWardsDto> {
    Ok(engine.map_wards()?)
}

#[tauri::command]
pub async fn map_reports(engine: Engines<'_>, bbox: Option<Bbox>) -> CmdResult<MapReportsDto> {
    Ok(engine.map_reports(bbox)?)
}

#[tauri::command]
pub async fn ward_card(engine: Engines<'_>, code: String) -> CmdResult<WardCardDto> {
    Ok(engine.ward_card(&code)?)
}

#[tauri::command]
pub async fn map_offices(engine: Engines<'_>) -> CmdResult<MapOfficesDto> {
    Ok(engine.map_offices()?)
}

#[tauri::command]
pub async fn map_stats(engine: Engines<'_>) -> CmdResult<MapStatsDto> {
    Ok(engine.map_stats()?)
}

#[tauri::command]
pub async fn map_sources(engine: Engines<'_>) -> CmdResult<MapSourcesDto> {
    Ok(engine.map_sources()?)
}

/// The bytes as a raw IPC body (an `ArrayBuffer` in the UI, no JSON array of numbers).
#[tauri::command]
pub async fn map_basemap_range(
    engine: Engines<'_>,
    offset: u64,
    length: u32,
) -> CmdResult<Response> {
    let engine = Arc::clone(&engine);
    let args = BasemapRangeArgs { offset, length };
    let bytes = tauri::async_runtime::spawn_blocking(move || engine.basemap_range(args))
        .await
        .map_err(|_| ErrorDto::from(model::ErrorCode::Internal))?;
    Ok(Response::new(bytes?))
}
