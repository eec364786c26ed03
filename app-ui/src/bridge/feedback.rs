//! The feedback commands: one typed async function each. Photos go as the raw request body (a
//! `Uint8Array` straight from the file, never copied through JSON).

use model::draft::{Draft, DraftProblem};
use model::feedback::{PhotoPurpose, Satisfaction};
use model::report_dto::{
    DraftDto, Nearby, PhotoDto, ReportDetail, ReportSummary, SubmitAnswer, WardReports,
};
use model::service::ServiceCatalog;
use model::{ErrorCode, ErrorDto};
use serde::Serialize;
use wasm_bindgen::JsValue;

use super::{NoArgs, call, tauri_invoke_with};

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
    call("list_services", &NoArgs {}).await
}

pub async fn search_services(query: &str) -> Result<Vec<String>, ErrorDto> {
    call("search_services", &Query { query }).await
}

pub async fn get_draft() -> Result<DraftDto, ErrorDto> {
    call("get_draft", &NoArgs {}).await
}

pub async fn save_draft(draft: &Draft) -> Result<i64, ErrorDto> {
    call("save_draft", &SaveDraft { draft }).await
}

pub async fn discard_draft() -> Result<DraftDto, ErrorDto> {
    call("discard_draft", &NoArgs {}).await
}

pub async fn check_draft() -> Result<Option<DraftProblem>, ErrorDto> {
    call("check_draft", &NoArgs {}).await
}

/// `bytes` is the file's content as a JS `Uint8Array`.
pub async fn add_photo(bytes: JsValue, purpose: PhotoPurpose) -> Result<PhotoDto, ErrorDto> {
    let options = js_sys::Object::new();
    let headers = js_sys::Object::new();
    let _ = js_sys::Reflect::set(
        &headers,
        &PhotoPurpose::HEADER.into(),
        &purpose.as_str().into(),
    );
    let _ = js_sys::Reflect::set(&options, &"headers".into(), &headers);
    match tauri_invoke_with("add_photo", bytes, options.into()).await {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|_| ErrorCode::Internal.into()),
        Err(err) => Err(serde_wasm_bindgen::from_value(err)
            .unwrap_or_else(|_| ErrorDto::from(ErrorCode::Internal))),
    }
}

pub async fn remove_photo(id: i64) -> Result<(), ErrorDto> {
    call("remove_photo", &Id { id }).await
}

pub async fn pending_photos(purpose: PhotoPurpose) -> Result<Vec<PhotoDto>, ErrorDto> {
    call("pending_photos", &Purpose { purpose }).await
}

pub async fn photo_place(id: i64) -> Result<Option<(f64, f64)>, ErrorDto> {
    call("photo_place", &Id { id }).await
}

pub async fn submit_draft() -> Result<SubmitAnswer, ErrorDto> {
    call("submit_draft", &NoArgs {}).await
}

pub async fn fix_refused(report_id: i64) -> Result<DraftDto, ErrorDto> {
    call("fix_refused", &ReportId { report_id }).await
}

pub async fn my_reports() -> Result<Vec<ReportSummary>, ErrorDto> {
    call("my_reports", &NoArgs {}).await
}

pub async fn unseen_count() -> Result<usize, ErrorDto> {
    call("unseen_count", &NoArgs {}).await
}

pub async fn report_detail(id: i64) -> Result<ReportDetail, ErrorDto> {
    call("report_detail", &Id { id }).await
}

pub async fn report_photo(id: i64, city: bool) -> Result<String, ErrorDto> {
    call("report_photo", &PhotoRef { id, city }).await
}

pub async fn rate_report(
    id: i64,
    satisfaction: Satisfaction,
    comment: &str,
) -> Result<ReportDetail, ErrorDto> {
    call(
        "rate_report",
        &Rate {
            id,
            satisfaction,
            comment,
        },
    )
    .await
}

pub async fn not_fixed(id: i64, description: &str) -> Result<ReportDetail, ErrorDto> {
    call("not_fixed", &NotFixed { id, description }).await
}

pub async fn nearby_reports() -> Result<Nearby, ErrorDto> {
    call("nearby_reports", &NoArgs {}).await
}

pub async fn follow_report(server_id: &str) -> Result<i64, ErrorDto> {
    call("follow_report", &ServerId { server_id }).await
}

pub async fn ward_reports(code: &str) -> Result<WardReports, ErrorDto> {
    call("ward_reports", &Code { code }).await
}

pub async fn sync_now() -> Result<(), ErrorDto> {
    call("sync_now", &NoArgs {}).await
}
