//! "Your data": what is held, "export my data", "delete my data".

use model::ErrorDto;
use model::ipc::Command;
use model::trust::my_data::{DeletionDto, ExportDto, MyDataSummary};

use super::{NoArgs, call};

pub async fn my_data_summary() -> Result<MyDataSummary, ErrorDto> {
    call(Command::MyDataSummary, &NoArgs {}).await
}

/// Writes the file in the Downloads folder (the shell chooses it).
pub async fn export_my_data() -> Result<ExportDto, ErrorDto> {
    call(Command::ExportMyData, &NoArgs {}).await
}

pub async fn delete_my_data() -> Result<DeletionDto, ErrorDto> {
    call(Command::DeleteMyData, &NoArgs {}).await
}
