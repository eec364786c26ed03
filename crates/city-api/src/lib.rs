//! The reference city API: a small axum server over SQLite that speaks the contract the app
//! uses (see DESIGN.md), for development, demos, tests, and as a starting point for a city.

pub mod db;
pub mod error;
pub mod routes;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use db::{Db, DbError};

/// Largest request body accepted (no route takes a body yet; uploads will set their own).
pub const MAX_BODY: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Citizen App reference city API",
        description = "Wards of Ho Chi Minh City; more to come (Open311 feedback, dossiers, ratings)."
    ),
    components(schemas(error::ErrorEntry))
)]
struct ApiDoc;

/// The router and the OpenAPI document, built from one list of routes.
pub fn router_and_doc(state: AppState) -> (Router, utoipa::openapi::OpenApi) {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(routes::health::health))
        .routes(routes!(routes::wards::list))
        .routes(routes!(routes::wards::one))
        .split_for_parts();
    (router.with_state(state), doc)
}

/// The whole application: routes, `/openapi.json`, error fallbacks and limits.
pub fn app(state: AppState) -> Router {
    let (router, doc) = router_and_doc(state);
    let doc = axum::Json(doc);
    router
        .route("/openapi.json", get(move || async move { doc.clone() }))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
