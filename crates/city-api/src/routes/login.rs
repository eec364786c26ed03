//! `GET /api/v1/login`: where a citizen logs in, in a city that counts verified citizens.

use axum::Json;
use axum::extract::State;

use crate::error::{ApiError, ErrorEntry};
use crate::state::AppState;

/// Whether this city counts verified citizens, and where they log in (its OpenID Connect
/// provider, `--oidc-issuer`): the app shows "log in" only when this answers 200.
#[utoipa::path(
    get,
    path = "/api/v1/login", operation_id = "get_login_provider",
    tag = "devices",
    responses(
        (status = 200, body = model::trust::login::LoginProvider),
        (status = 404, body = [ErrorEntry], description = "This city counts devices: there is no login"),
    )
)]
pub async fn login_provider(
    State(state): State<AppState>,
) -> Result<Json<model::trust::login::LoginProvider>, ApiError> {
    state
        .citizens
        .as_ref()
        .map(|v| Json(v.provider()))
        .ok_or_else(|| ApiError::NotFound("this city counts devices: there is no login".into()))
}
