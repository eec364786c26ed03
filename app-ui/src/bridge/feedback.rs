//! The feedback commands: one typed async function each. Photos go as the raw request body (a
//! `Uint8Array` straight from the file, never copied through JSON).

use model::ErrorDto;
use model::draft::{Draft, DraftProblem};
use model::feedback::{PhotoPurpose, Satisfaction};
use model::report_dto::{
    DraftDto, Nearby, PhotoDto, ReportDetail, ReportSummary, SubmitAnswer, WardReports,
};
use model::service::ServiceCatalog;
use serde::Serialize;
use wasm_bindgen::JsValue;

use super::{NoArgs, call, call_body};
use model::ipc::Command;

#[derive(Serialize)]
struct Query<'a> {
    query: &'a str,
}

#[derive(Serialize)]
struct SaveDraft<'a> {
    draft: &'a Draft,
}

#[derive(Serialize)]
struct Id {
    id: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportId {
    report_id: i64,
}

#[derive(Serialize)]
struct Purpose {
    purpose: PhotoPurpose,
    report: Option<i64>,
}

#[derive(Serialize)]
struct PhotoRef {
    id: i64,
    city: bool,
}

#[derive(Serialize)]
struct Rate<'a> {
    id: i64,
    satisfaction: Satisfaction,
    comment: &'a str,
}

#[derive(Serialize)]
struct NotFixed<'a> {
    id: i64,
    description: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServerId<'a> {
    server_id: &'a str,
}

#[derive(Serialize)]
struct Code<'a> {
    code: &'a str,
}

pub async fn list_services() -> Result<ServiceCatalog, ErrorDto> {
    call(Command::ListServices, &NoArgs {}).await
}

pub async fn search_services(query: &str) -> Result<Vec<String>, ErrorDto> {
    call(Command::SearchServices, &Query { query }).await
}

pub async fn get_draft() -> Result<DraftDto, ErrorDto> {
    call(Command::GetDraft, &NoArgs {}).await
}

pub async fn save_draft(draft: &Draft) -> Result<i64, ErrorDto> {
    call(Command::SaveDraft, &SaveDraft { draft }).await
}

pub async fn discard_draft() -> Result<DraftDto, ErrorDto> {
    call(Command::DiscardDraft, &NoArgs {}).await
}

pub async fn check_draft() -> Result<Option<DraftProblem>, ErrorDto> {
    call(Command::CheckDraft, &NoArgs {}).await
}

/// `bytes` is the file's content as a JS `Uint8Array`; `report` the report whose "not fixed"
/// answer the photo is for.
pub async fn add_photo(
    bytes: JsValue,
    purpose: PhotoPurpose,
    report: Option<i64>,
) -> Result<PhotoDto, ErrorDto> {
    let options = js_sys::Object::new();
    let headers = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &headers,
        &PhotoPurpose::HEADER.into(),
        &purpose.as_str().into(),
    );
    if let Some(id) = report {
        let _ = js_sys::Reflect::set(
            &headers,
            &PhotoPurpose::REPORT_HEADER.into(),
            &id.to_string().into(),
        );
    }
    let _ = js_sys::Reflect::set(&options, &"headers".into(), &headers);
    call_body(Command::AddPhoto, bytes, options.into()).await
}

pub async fn remove_photo(id: i64) -> Result<(), ErrorDto> {
    call(Command::RemovePhoto, &Id { id }).await
}

pub async fn pending_photos(
    purpose: PhotoPurpose,
    report: Option<i64>,
) -> Result<Vec<PhotoDto>, ErrorDto> {
    call(Command::PendingPhotos, &Purpose { purpose, report }).await
}

pub async fn photo_place(id: i64) -> Result<Option<(f64, f64)>, ErrorDto> {
    call(Command::PhotoPlace, &Id { id }).await
}

pub async fn submit_draft() -> Result<SubmitAnswer, ErrorDto> {
    call(Command::SubmitDraft, &NoArgs {}).await
}

pub async fn fix_refused(report_id: i64) -> Result<DraftDto, ErrorDto> {
    call(Command::FixRefused, &ReportId { report_id }).await
}

pub async fn my_reports() -> Result<Vec<ReportSummary>, ErrorDto> {
    call(Command::MyReports, &NoArgs {}).await
}

pub async fn unseen_count() -> Result<usize, ErrorDto> {
    call(Command::UnseenCount, &NoArgs {}).await
}

pub async fn report_detail(id: i64) -> Result<ReportDetail, ErrorDto> {
    call(Command::ReportDetail, &Id { id }).await
}

pub async fn report_photo(id: i64, city: bool) -> Result<String, ErrorDto> {
    call(Command::ReportPhoto, &PhotoRef { id, city }).await
}

pub async fn rate_report(
    id: i64,
    satisfaction: Satisfaction,
    comment: &str,
) -> Result<ReportDetail, ErrorDto> {
    call(
        Command::RateReport,
        &Rate {
            id,
            satisfaction,
            comment,
        },
    )
    .await
}

pub async fn not_fixed(id: i64, description: &str) -> Result<ReportDetail, ErrorDto> {
    call(Command::NotFixed, &NotFixed { id, description }).await
}

pub async fn nearby_reports() -> Result<Nearby, ErrorDto> {
    call(Command::NearbyReports, &NoArgs {}).await
}

pub async fn follow_report(server_id: &str) -> Result<i64, ErrorDto> {
    call(Command::FollowReport, &ServerId { server_id }).await
}

pub async fn ward_reports(code: &str) -> Result<WardReports, ErrorDto> {
    call(Command::WardReports, &Code { code }).await
}

pub async fn sync_now() -> Result<(), ErrorDto> {
    call(Command::SyncNow, &NoArgs {}).await
}
