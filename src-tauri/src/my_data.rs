//! Thin commands of the citizen's rights over their data (Law 91/2025/QH15 arts. 14–15): what
//! is held, "export my data" into the Downloads folder, "delete my data".
//!
//! Where the export goes: Tauri's Downloads folder; without one (some Linux setups, and the
//! mobile platforms, where Tauri resolves none or one the citizen cannot browse), the app's
//! documents folder. Mobile needs more before release: Android 10+ writes to the public
//! Downloads only through MediaStore (or lets the citizen pick a place with the storage access
//! framework), and iOS shows the app's Documents in the Files app only with
//! `UIFileSharingEnabled` and `LSSupportsOpeningDocumentsInPlace` in Info.plist.

use std::path::PathBuf;
use std::sync::Arc;

use core_engine::Engine;
use model::trust::my_data::{CityDeletion, DeletionDto, ExportDto, MyDataSummary};
use model::{ErrorCode, ErrorDto};
use tauri::{AppHandle, Manager, Runtime, State};

use crate::syncer::Syncer;

type Engines<'a> = State<'a, Arc<Engine>>;
type CmdResult<T> = Result<T, ErrorDto>;

#[tauri::command]
pub fn my_data_summary(engine: Engines<'_>) -> CmdResult<MyDataSummary> {
    Ok(engine.my_data_summary()?)
}

/// The folder an export is written to (see the module's doc).
fn export_folder<R: Runtime>(app: &AppHandle<R>) -> Option<PathBuf> {
    let paths = app.path();
    paths
        .download_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| paths.document_dir().ok().filter(|d| d.is_dir()))
        .or_else(|| paths.app_data_dir().ok().map(|d| d.join("exports")))
}

#[tauri::command]
pub async fn export_my_data<R: Runtime>(
    app: AppHandle<R>,
    engine: Engines<'_>,
) -> CmdResult<ExportDto> {
    let folder = export_folder(&app).ok_or(ErrorDto::from(ErrorCode::ExportFailed))?;
    Ok(engine.export_my_data(&folder).await?)
}

/// The device's data goes at once; when the city could not confirm its part, the background
/// sync asks again (woken now, so a link that just came back is used).
#[tauri::command]
pub async fn delete_my_data(
    engine: Engines<'_>,
    syncer: State<'_, Syncer>,
) -> CmdResult<DeletionDto> {
    let done = engine.delete_my_data().await?;
    if done.city == CityDeletion::Waiting {
        syncer.wake();
    }
    Ok(done)
}
