use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always "ok" when the server answers.
    status: &'static str,
    version: &'static str,
}

/// Liveness: the server is up and answering.
#[utoipa::path(get, path = "/health", operation_id = "health", tag = "meta", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}
