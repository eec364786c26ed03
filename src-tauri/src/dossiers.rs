//! Thin commands of the dossiers journey: typed input from the UI → one engine call → typed
//! output or an `ErrorDto`. A dossier kept to be looked up later wakes the background sync.

use std::sync::Arc;

use core_engine::Engine;
use model::ask::Answer;
use model::dossier_dto::{AddDossierAnswer, DossierDetail, DossierSummary, Lookup, ReceiptReading};
use model::guide::Guide;
use model::{ErrorCode, ErrorDto};
use tauri::State;
use tauri::ipc::{InvokeBody, Request};

use crate::syncer::Syncer;

type Engines<'a> = State<'a, Arc<Engine>>;
type CmdResult<T> = Result<T, ErrorDto>;

#[tauri::command]
pub async fn add_dossier(
    engine: Engines<'_>,
    syncer: State<'_, Syncer>,
    code: String,
    check: String,
) -> CmdResult<AddDossierAnswer> {
    let answer = engine.add_dossier(&code, &check).await?;
    // Waiting (added offline, or re-typed after "not found"): look it up as soon as possible.
    if matches!(
        answer,
        AddDossierAnswer::Added {
            lookup: Lookup::Waiting,
            ..
        } | AddDossierAnswer::AlreadyTracked { .. }
    ) {
        syncer.wake_dossiers();
    }
    Ok(answer)
}

/// The photo comes as the raw request body, as `add_photo`'s does. Reading it runs off the
/// async threads (up to a second on a cheap phone).
#[tauri::command]
pub async fn read_receipt_qr(
    engine: Engines<'_>,
    request: Request<'_>,
) -> CmdResult<ReceiptReading> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(ErrorCode::NotAnImage.into());
    };
    let bytes = bytes.clone();
    let engine = Arc::clone(&engine);
    let read = tauri::async_runtime::spawn_blocking(move || engine.read_receipt_qr(&bytes))
        .await
        .map_err(|_| ErrorDto::from(ErrorCode::Internal))?;
    Ok(read?)
}

#[tauri::command]
pub async fn my_dossiers(engine: Engines<'_>) -> CmdResult<Vec<DossierSummary>> {
    Ok(engine.my_dossiers()?)
}

#[tauri::command]
pub async fn dossier_detail(engine: Engines<'_>, id: i64) -> CmdResult<DossierDetail> {
    Ok(engine.dossier_detail(id)?)
}

#[tauri::command]
pub async fn remove_dossier(engine: Engines<'_>, id: i64) -> CmdResult<()> {
    Ok(engine.remove_dossier(id)?)
}

#[tauri::command]
pub async fn dossiers_unseen(engine: Engines<'_>) -> CmdResult<usize> {
    Ok(engine.dossiers_unseen()?)
}

#[tauri::command]
pub async fn ask(engine: Engines<'_>, question: String) -> CmdResult<Answer> {
    Ok(engine.ask(&question)?)
}

#[tauri::command]
pub async fn procedure_guide(engine: Engines<'_>) -> CmdResult<Guide> {
    Ok(engine.procedure_guide()?)
}
