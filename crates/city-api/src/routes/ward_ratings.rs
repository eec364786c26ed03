//! `/api/v1/wards/{code}/stats` and `/api/v1/wards/{code}/ratings`: how well a ward serves its
//! people, in figures and in its citizens' words.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use model::WardCode;
use model::feedback::only_known;
use model::reason::Reason;
use model::trust::ContentDigest;
use model::ward_rating::{ELEMENTS, RatingReceipt, WardRating, WardStats};

use crate::AppState;
use crate::db::{dossiers, ward_stats};
use crate::error::{ApiError, ErrorEntry};
use crate::idempotent::Post;
use crate::open311::{check_api_key, form_body};
use crate::routes::wards::{no_ward, ward_code};

async fn known_ward(state: &AppState, code: &WardCode) -> Result<(), ApiError> {
    let c = code.clone();
    let found = state.db.call(move |conn| crate::db::ward(conn, &c)).await?;
    found.map(|_| ()).ok_or_else(|| no_ward(code.as_str()))
}

/// Reports received, resolved and resolved on time; dossiers received, finished and finished on
/// time; the citizens' answers per SIPAS element (and the averages of ratings given on the
/// earlier 1–5 scale, when there are any).
#[utoipa::path(
    get,
    path = "/api/v1/wards/{code}/stats", operation_id = "get_ward_stats",
    tag = "wards",
    params(("code" = String, Path, pattern = "^[0-9]{5}$", description = "Five-digit official code")),
    responses(
        (status = 200, body = WardStats),
        (status = 400, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry]),
    )
)]
pub async fn stats(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<WardStats>, ApiError> {
    let code = ward_code(&code)?;
    known_ward(&state, &code).await?;
    let stats = state
        .db
        .call(move |conn| ward_stats::stats(conn, code.as_str()))
        .await?;
    Ok(Json(stats))
}

/// A citizen rates their ward's service: the five SIPAS elements, each answered on the city's
/// survey scale (`satisfied` = hài lòng, `neutral` = bình thường, `unsatisfied` = không hài
/// lòng), and an optional comment (served to staff only, never with who gave it); once per
/// voter (a registered device that signs the request, or a verified citizen where the city
/// counts citizens) per ward per calendar month, Vietnam time. The answer says the month it
/// was counted for.
#[utoipa::path(
    post,
    path = "/api/v1/wards/{code}/ratings", operation_id = "rate_ward",
    tag = "wards",
    params(("code" = String, Path, pattern = "^[0-9]{5}$", description = "Five-digit official code"), crate::idempotent::KeyHeader, crate::openapi::SignatureHeaders),
    security(("api_key" = [], "device_signature" = []), ("api_key" = [], "citizen_token" = [])),
    request_body(content_type = "application/x-www-form-urlencoded", content = ref("#/components/schemas/WardRatingForm"),
        description = "`api_key`, `access`, `procedures`, `officials`, `result`, `feedback` (each `satisfied`, `neutral` or `unsatisfied`), optional `comment`; the rater is the signing device, or the logged-in citizen where the city counts citizens"),
    responses(
        (status = 201, body = RatingReceipt),
        (status = 400, body = [ErrorEntry], description = "An element is missing or not one of the three answers (`field` names it)"),
        crate::trust::VoterRefusal,
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry]),
        (status = 409, body = [ErrorEntry], description = "This device (or citizen) already rated this ward this month (`already_rated_this_month`)"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address or device",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn rate(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let code = ward_code(&code)?;
    let form = form_body(&headers, &body)?;
    check_api_key(&state, &headers, &form)?;
    let known: Vec<&str> = ELEMENTS
        .iter()
        .map(|e| e.as_str())
        .chain(["api_key", "comment"])
        .collect();
    only_known(&form, &known)?;
    let rating = WardRating::from_pairs(&form)?;
    let voter = crate::trust::voter(
        &state,
        &Method::POST,
        &uri,
        &headers,
        ContentDigest::of_body(&body),
    )
    .await?;
    known_ward(&state, &code).await?;
    let path = format!("/api/v1/wards/{code}/ratings");
    // The voter is part of what the key's answer stands for.
    let content = [voter.key().as_bytes(), b"\0", &body].concat();
    Post::new(&path, &headers, &content)?
        .commit(&state, StatusCode::CREATED, move |tx, now| {
            let month = now
                .with_timezone(&dossiers::vietnam())
                .format("%Y-%m")
                .to_string();
            let stamp = crate::db::requests::timestamp(now);
            ward_stats::insert_rating(tx, code.as_str(), voter.key(), &month, &rating, &stamp)?
                .map_err(|ward_stats::RateRefusal::AlreadyThisMonth| {
                    ApiError::Conflict(
                        Reason::AlreadyRatedThisMonth,
                        format!("this {} already rated this ward this month", voter.noun()),
                    )
                })?;
            Ok(RatingReceipt {
                ward_code: code.to_string(),
                month,
            })
        })
        .await
}
