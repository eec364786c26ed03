//! Thin commands: typed input from the UI → one engine call → typed output or an `ErrorDto`.

use std::sync::Arc;

use core_engine::Engine;
use model::dto::{AppStatus, ConnectionDto, SettingsDto, StartFreshOutcome, WardSearchResult};
use model::search::place::PlaceSearchResult;
use model::{ErrorDto, Language, Messages, TextSize, Ward};
use tauri::State;

use crate::monitor::Monitor;

type Engines<'a> = State<'a, Arc<Engine>>;
type CmdResult<T> = Result<T, ErrorDto>;

/// Most results the finder asks for at once: it shows a scrolling list, not thousands.
const MAX_SEARCH_LIMIT: u32 = 500;

#[tauri::command]
pub async fn app_status(engine: Engines<'_>) -> CmdResult<AppStatus> {
    Ok(engine.status())
}

/// The UI's texts in `language`: the wasm carries none, so a phone holds only the language in use.
#[tauri::command]
pub fn ui_messages(language: Language) -> Messages {
    i18n::messages(language)
}

#[tauri::command]
pub async fn search_wards(
    engine: Engines<'_>,
    query: String,
    limit: u32,
) -> CmdResult<WardSearchResult> {
    Ok(engine.search_wards(&query, limit.min(MAX_SEARCH_LIMIT) as usize)?)
}

/// Current units and former districts and wards, each with where it went (issue 14).
#[tauri::command]
pub async fn search_places(
    engine: Engines<'_>,
    query: String,
    limit: u32,
) -> CmdResult<PlaceSearchResult> {
    Ok(engine.search_places(&query, limit.min(MAX_SEARCH_LIMIT) as usize)?)
}

#[tauri::command]
pub async fn get_ward(engine: Engines<'_>, code: String) -> CmdResult<Ward> {
    Ok(engine.ward(&code)?)
}

#[tauri::command]
pub async fn set_my_ward(
    engine: Engines<'_>,
    syncer: State<'_, crate::syncer::Syncer>,
    code: String,
) -> CmdResult<SettingsDto> {
    let settings = engine.set_my_ward(&code)?;
    // The surveys and announcements are asked for the citizen's ward: ask again.
    syncer.wake_voice();
    Ok(settings)
}

#[tauri::command]
pub async fn set_language(engine: Engines<'_>, language: Language) -> CmdResult<SettingsDto> {
    Ok(engine.set_language(language)?)
}

#[tauri::command]
pub async fn set_text_size(engine: Engines<'_>, text_size: TextSize) -> CmdResult<SettingsDto> {
    Ok(engine.set_text_size(text_size)?)
}

/// Saves a new city API address, then checks it at once. One that is not the city's official
/// address needs `confirmed` (the citizen said yes to it by name).
#[tauri::command]
pub async fn set_api_base_url(
    engine: Engines<'_>,
    monitor: State<'_, Monitor>,
    syncer: State<'_, crate::syncer::Syncer>,
    url: String,
    confirmed: Option<bool>,
) -> CmdResult<SettingsDto> {
    let settings = engine.set_api_base_url(&url, confirmed.unwrap_or(false))?;
    monitor.wake();
    // The map shows only copies of the address in use: fetch the new address's now.
    syncer.wake_map();
    syncer.wake_voice();
    Ok(settings)
}

#[tauri::command]
pub async fn refresh_wards<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    monitor: State<'_, Monitor>,
) -> CmdResult<ConnectionDto> {
    Ok(monitor.check_now(&app).await)
}

#[tauri::command]
pub async fn start_fresh(
    engine: Engines<'_>,
    monitor: State<'_, Monitor>,
) -> CmdResult<StartFreshOutcome> {
    let outcome = engine.start_fresh()?;
    monitor.wake();
    Ok(outcome)
}
