//! Errors as the Open311 style the whole API uses: `[{"code": "...", "description": "..."}]`
//! with a fitting HTTP status. Internal failures are logged and answered with a bare 500.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;

/// One entry of an error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEntry {
    /// Stable machine code, e.g. `not_found`.
    pub code: &'static str,
    /// Human-readable explanation (English).
    pub description: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("{1}")]
    BadRequest(&'static str, String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::BadRequest(code, _) => (StatusCode::BAD_REQUEST, *code),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::Db(err) => {
                tracing::error!(%err, "internal error");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        (
            status,
            Json([ErrorEntry {
                code,
                description: self.to_string(),
            }]),
        )
            .into_response()
    }
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such resource".into())
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
