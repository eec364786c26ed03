//! The dossier commands, the question box and the procedures guide: one typed async function
//! each. A receipt's photo goes as the raw request body, as `add_photo` sends a photo.

use model::ErrorDto;
use model::ask::Answer;
use model::dossier_dto::{AddDossierAnswer, DossierDetail, DossierSummary, ReceiptReading};
use model::guide::Guide;
use model::ipc::Command;
use serde::Serialize;
use wasm_bindgen::JsValue;

use super::{NoArgs, call, call_body};

#[derive(Serialize)]
struct Add<'a> {
    code: &'a str,
    check: &'a str,
}

#[derive(Serialize)]
struct Id {
    id: i64,
}

#[derive(Serialize)]
struct Question<'a> {
    question: &'a str,
}

/// `code` and `check` as typed: the shell normalises and checks them again.
pub async fn add_dossier(code: &str, check: &str) -> Result<AddDossierAnswer, ErrorDto> {
    call(Command::AddDossier, &Add { code, check }).await
}

/// `bytes` is the photo's content as a JS `Uint8Array`.
pub async fn read_receipt_qr(bytes: JsValue) -> Result<ReceiptReading, ErrorDto> {
    call_body(Command::ReadReceiptQr, bytes, JsValue::UNDEFINED).await
}

pub async fn my_dossiers() -> Result<Vec<DossierSummary>, ErrorDto> {
    call(Command::MyDossiers, &NoArgs {}).await
}

/// Opening a dossier marks its news seen.
pub async fn dossier_detail(id: i64) -> Result<DossierDetail, ErrorDto> {
    call(Command::DossierDetail, &Id { id }).await
}

pub async fn remove_dossier(id: i64) -> Result<(), ErrorDto> {
    call(Command::RemoveDossier, &Id { id }).await
}

/// Tracked dossiers with news the citizen has not opened (the home tile's badge).
pub async fn dossiers_unseen() -> Result<usize, ErrorDto> {
    call(Command::DossiersUnseen, &NoArgs {}).await
}

pub async fn ask(question: &str) -> Result<Answer, ErrorDto> {
    call(Command::Ask, &Question { question }).await
}

pub async fn procedure_guide() -> Result<Guide, ErrorDto> {
    call(Command::ProcedureGuide, &NoArgs {}).await
}
