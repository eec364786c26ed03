//! The citizen's login with the city's identity provider (Settings).

use model::ErrorDto;
use model::ipc::Command;
use model::trust::login::LoginState;

use super::{NoArgs, call};

/// Whether the city offers a login, and whether the citizen is logged in.
pub async fn login_state() -> Result<LoginState, ErrorDto> {
    call(Command::LoginState, &NoArgs {}).await
}

/// The shell opens the system browser on the provider's page and waits for it to come back.
pub async fn log_in() -> Result<LoginState, ErrorDto> {
    call(Command::LogIn, &NoArgs {}).await
}

pub async fn log_out() -> Result<(), ErrorDto> {
    call(Command::LogOut, &NoArgs {}).await
}
