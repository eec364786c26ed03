//! Thin commands of the feedback journey: typed input from the UI → one engine call → typed
//! output or an `ErrorDto`. Actions that queue something wake the sync worker.

use std::sync::Arc;

use core_engine::Engine;
use model::draft::{Draft, DraftProblem};
use model::feedback::{PhotoPurpose, Satisfaction};
use model::report_dto::{
    DraftDto, Nearby, PhotoDto, ReportDetail, ReportSummary, SubmitAnswer, WardReports,
};
use model::service::ServiceCatalog;
use model::{ErrorCode, ErrorDto};
use tauri::State;
use tauri::ipc::{InvokeBody, Request};

use crate::syncer::Syncer;

type Engines<'a> = State<'a, Arc<Engine>>;
type CmdResult<T> = Result<T, ErrorDto>;

#[tauri::command]
pub async fn list_services(engine: Engines<'_>) -> CmdResult<ServiceCatalog> {
    Ok(engine.services()?)
}

#[tauri::command]
pub async fn search_services(engine: Engines<'_>, query: String) -> CmdResult<Vec<String>> {
    Ok(engine.search_services(&query)?)
}

#[tauri::command]
pub async fn get_draft(engine: Engines<'_>) -> CmdResult<DraftDto> {
    Ok(engine.draft()?)
}

/// Returns when the draft was saved (ms since the epoch).
#[tauri::command]
pub async fn save_draft(engine: Engines<'_>, draft: Draft) -> CmdResult<i64> {
    Ok(engine.save_draft(draft)?)
}

#[tauri::command]
pub async fn discard_draft(engine: Engines<'_>) -> CmdResult<DraftDto> {
    Ok(engine.discard_draft()?)
}

#[tauri::command]
pub async fn check_draft(engine: Engines<'_>) -> CmdResult<Option<DraftProblem>> {
    Ok(engine.check_draft()?)
}

/// The photo's bytes come as the raw request body (no JSON number arrays for megabytes); the
/// `x-purpose` header says whether it goes with the draft or with a "not fixed" answer, and
/// `x-report` which report's answer. The shrinking runs off the async threads.
#[tauri::command]
pub async fn add_photo(engine: Engines<'_>, request: Request<'_>) -> CmdResult<PhotoDto> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(ErrorCode::NotAnImage.into());
    };
    // Our own UI always names the purpose; anything else is a bug, not a report photo.
    let purpose = request
        .headers()
        .get(PhotoPurpose::HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(PhotoPurpose::parse)
        .ok_or(ErrorDto::from(ErrorCode::Internal))?;
    let report = request
        .headers()
        .get(PhotoPurpose::REPORT_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    let bytes = bytes.clone();
    let engine = Arc::clone(&engine);
    let added =
        tauri::async_runtime::spawn_blocking(move || engine.add_photo(purpose, report, &bytes))
            .await
            .map_err(|_| ErrorDto::from(ErrorCode::Internal))?;
    Ok(added?)
}

#[tauri::command]
pub async fn remove_photo(engine: Engines<'_>, id: i64) -> CmdResult<()> {
    Ok(engine.remove_photo(id)?)
}

#[tauri::command]
pub async fn pending_photos(
    engine: Engines<'_>,
    purpose: PhotoPurpose,
    report: Option<i64>,
) -> CmdResult<Vec<PhotoDto>> {
    Ok(engine.pending_photos(purpose, report)?)
}

/// Where a draft photo was taken, offered as the report's place when the citizen shares it.
#[tauri::command]
pub async fn photo_place(engine: Engines<'_>, id: i64) -> CmdResult<Option<(f64, f64)>> {
    Ok(engine.photo_place(id)?)
}

#[tauri::command]
pub async fn submit_draft(
    engine: Engines<'_>,
    syncer: State<'_, Syncer>,
) -> CmdResult<SubmitAnswer> {
    let answer = engine.submit_draft()?;
    if matches!(answer, SubmitAnswer::Queued { .. }) {
        syncer.wake();
    }
    Ok(answer)
}

#[tauri::command]
pub async fn fix_refused(engine: Engines<'_>, report_id: i64) -> CmdResult<DraftDto> {
    Ok(engine.fix_refused(report_id)?)
}

#[tauri::command]
pub async fn my_reports(engine: Engines<'_>) -> CmdResult<Vec<ReportSummary>> {
    Ok(engine.my_reports()?)
}

#[tauri::command]
pub async fn unseen_count(engine: Engines<'_>) -> CmdResult<usize> {
    Ok(engine.unseen_count()?)
}

#[tauri::command]
pub async fn report_detail(engine: Engines<'_>, id: i64) -> CmdResult<ReportDetail> {
    Ok(engine.report_detail(id)?)
}

/// A photo at full size as a `data:` URL (`city`: one the city attached).
#[tauri::command]
pub async fn report_photo(engine: Engines<'_>, id: i64, city: bool) -> CmdResult<String> {
    Ok(engine.photo(id, city)?)
}

#[tauri::command]
pub async fn rate_report(
    engine: Engines<'_>,
    syncer: State<'_, Syncer>,
    id: i64,
    satisfaction: Satisfaction,
    comment: String,
) -> CmdResult<ReportDetail> {
    let detail = engine.rate(id, satisfaction, &comment)?;
    syncer.wake();
    Ok(detail)
}

#[tauri::command]
pub async fn not_fixed(
    engine: Engines<'_>,
    syncer: State<'_, Syncer>,
    id: i64,
    description: String,
) -> CmdResult<ReportDetail> {
    let detail = engine.not_fixed(id, &description)?;
    syncer.wake();
    Ok(detail)
}

/// "Update now": sends what is queued (even if it was waiting for its next try) and asks the
/// city for news, in the background; progress comes as events.
#[tauri::command]
pub async fn sync_now(engine: Engines<'_>, syncer: State<'_, Syncer>) -> CmdResult<()> {
    engine.wake_outbox()?;
    syncer.wake();
    syncer.wake_dossiers();
    syncer.wake_voice();
    Ok(())
}

#[tauri::command]
pub async fn nearby_reports(engine: Engines<'_>) -> CmdResult<Nearby> {
    Ok(engine.nearby().await?)
}

#[tauri::command]
pub async fn follow_report(engine: Engines<'_>, server_id: String) -> CmdResult<i64> {
    Ok(engine.follow(&server_id).await?)
}

#[tauri::command]
pub async fn ward_reports(engine: Engines<'_>, code: String) -> CmdResult<WardReports> {
    Ok(engine.ward_reports(&code).await?)
}
