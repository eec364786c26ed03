//! The reference city API: a small axum server over SQLite that speaks the contract the app
//! uses (see DESIGN.md), for development, demos, tests, and as a starting point for a city.

pub mod calendar;
pub mod db;
pub mod error;
pub mod idempotent;
pub mod limits;
pub mod local;
pub mod map;
pub mod oidc;
pub mod open311;
pub mod openapi;
pub mod photo_meta;
pub mod receipt;
pub mod retention;
pub mod routes;
pub mod staff;
pub mod state;
pub mod throttle;
pub mod trust;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Uri;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use db::{Db, DbError};
use openapi::Security;
pub use state::{AppState, Keys};

/// Largest request body accepted: one photo upload. Form routes check their own, smaller limit.
pub const MAX_BODY: usize = open311::followup::MAX_UPLOAD_BYTES;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Citizen App reference city API",
        description = "Feedback as Open311 GeoReport v2 (JSON) with marked extensions, and the wards of Ho Chi Minh City. Every POST honours `Idempotency-Key`. Errors are `[{\"code\": <HTTP status>, \"description\", \"reason\", \"field\"}]`."
    ),
    components(schemas(error::ErrorEntry)),
    modifiers(&Security)
)]
struct ApiDoc;

/// The router and the OpenAPI document, built from one list of routes.
pub fn router_and_doc(state: AppState) -> (Router, utoipa::openapi::OpenApi) {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(routes::health::health))
        .routes(routes!(routes::devices::register))
        .routes(routes!(routes::login::login_provider))
        .routes(routes!(routes::my_data::holds, routes::my_data::delete))
        .routes(routes!(routes::wards::list))
        .routes(routes!(routes::map::offices))
        .routes(routes!(routes::map::all_stats))
        .routes(routes!(routes::map::info))
        .routes(routes!(routes::map::reports))
        .routes(routes!(routes::map::boundaries))
        .routes(routes!(routes::map::basemap))
        .routes(routes!(routes::wards::one))
        .routes(routes!(routes::ward_ratings::stats))
        .routes(routes!(routes::ward_ratings::rate))
        .routes(routes!(routes::scoreboard::board))
        .routes(routes!(routes::scoreboard::ward))
        .routes(routes!(routes::dossiers::one))
        .routes(routes!(routes::dossier_sync::changes))
        .routes(routes!(routes::dossiers::receipt))
        .routes(routes!(routes::services::catalog))
        .routes(routes!(open311::discovery::json))
        .routes(routes!(open311::discovery::xml))
        .routes(routes!(open311::services::list))
        .routes(routes!(open311::services::definition))
        .routes(routes!(open311::requests::post, open311::requests::list))
        .routes(routes!(open311::requests::one))
        .routes(routes!(open311::requests::token))
        .routes(routes!(open311::followup::events))
        .routes(routes!(open311::followup::reopen))
        .routes(routes!(open311::followup::rate))
        .routes(routes!(open311::followup::support))
        .routes(routes!(open311::followup::upload))
        .routes(routes!(open311::followup::media))
        .routes(routes!(staff::get_request))
        .routes(routes!(staff::set_status))
        .routes(routes!(staff::add_result_photo))
        .routes(routes!(staff::dossiers::move_dossier))
        .routes(routes!(staff::ratings::comments))
        .routes(routes!(routes::surveys::list))
        .routes(routes!(routes::surveys::one))
        .routes(routes!(routes::surveys::answer))
        .routes(routes!(routes::surveys::results))
        .routes(routes!(routes::announcements::list))
        .routes(routes!(staff::surveys::create))
        .routes(routes!(staff::surveys::edit))
        .routes(routes!(staff::surveys::move_survey))
        .routes(routes!(staff::surveys::results))
        .routes(routes!(staff::announcements::create))
        .routes(routes!(staff::announcements::withdraw))
        .split_for_parts();
    (router.with_state(state), doc)
}

/// The whole application: routes, `/openapi.json`, error fallbacks and limits.
pub fn app(state: AppState) -> Router {
    let (router, doc) = router_and_doc(state.clone());
    let templates: Arc<[String]> = doc.paths.paths.keys().cloned().collect();
    let doc = axum::Json(openapi::served(&doc, &state));
    let router = router
        .route("/openapi.json", get(move || async move { doc.clone() }))
        .fallback(move |uri: Uri| {
            let templates = templates.clone();
            async move { error::fallback(uri.path(), &templates) }
        })
        .method_not_allowed_fallback(error::method_not_allowed)
        // Every POST is counted against its address before anything is read.
        .layer(axum::middleware::from_fn_with_state(state, limits::guard));
    layered(router)
}

/// The layers every answer goes through: limits, a handler's panic answered as this one
/// request's 500 (the release profile unwinds; without the layer the connection just dropped),
/// every error in the Open311 JSON shape, the timeout and the trace.
pub fn layered(router: Router) -> Router {
    router
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        // axum's extractors stop at 2 MiB of their own unless told: a 2 MiB photo with its
        // multipart framing is over that, so the limit that counts is `MAX_BODY`, said once.
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // Inside `json_errors`: its plain-text 500 gets the JSON shape there.
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(error::json_errors))
        .layer(axum::middleware::from_fn(error::json_charset))
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
    // The peer's address keys the throttle of wrong check values and the rate limits.
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
