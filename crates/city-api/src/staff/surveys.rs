//! The back office runs a survey: writes it (a draft, edited until it opens), opens it, closes
//! it, publishes its results, and reads them with the free texts; and tells citizens things
//! ([`super::announcements`]). Needs the staff key.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use model::reason::Reason;
use model::survey::results::{StaffResults, tally, texts};
use model::survey::{SpecProblem, Survey, SurveyMove, SurveySpec, SurveyState};

use super::check_staff;
use crate::db::surveys;
use crate::error::{ApiError, ErrorEntry};
use crate::idempotent::Post;
use crate::routes::json_body;
use crate::routes::surveys::{no_survey, survey_id};
use crate::state::AppState;

/// Largest JSON body of a survey (30 questions of 12 choices in two languages fit).
const MAX_SPEC_BYTES: usize = 256 * 1024;

pub(crate) fn refused_spec(p: SpecProblem) -> ApiError {
    ApiError::BadField(p.reason(), p.field.clone(), p.to_string())
}

/// The body read and checked: every text, limit, the window and the audience's wards.
fn read_spec(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<SurveySpec, ApiError> {
    let spec: SurveySpec = json_body(headers, body, MAX_SPEC_BYTES)?;
    spec.check(|code| state.wards.iter().any(|w| w.code.as_str() == code))
        .map_err(refused_spec)?;
    Ok(spec)
}

/// Writes a new survey, as a draft (citizens do not see it until it opens).
#[utoipa::path(
    post,
    path = "/api/v1/staff/surveys", operation_id = "staff_create_survey",
    tag = "staff",
    params(crate::idempotent::KeyHeader),
    security(("staff_key" = [])),
    request_body = SurveySpec,
    responses(
        (status = 201, body = Survey, description = "The draft, with its id"),
        (status = 400, body = [ErrorEntry], description = "A text blank or too long, too few or too many questions or choices, a text limit not 1-1000, a window that ends before it starts (`invalid_window`), an unknown or repeated ward (`field` names it)"),
        (status = 403, body = [ErrorEntry]),
        (status = 409, body = [ErrorEntry], description = "The same Idempotency-Key still in flight"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_staff(&state, &headers)?;
    let spec = read_spec(&state, &headers, &body)?;
    Post::new("/api/v1/staff/surveys", &headers, &body)?
        .commit(&state, StatusCode::CREATED, move |tx, now| {
            let id = surveys::insert(tx, &spec, now)?;
            Ok(Survey::new(id, SurveyState::Draft, spec))
        })
        .await
}

/// Rewrites a draft survey (all of it). Once open, a survey no longer changes.
#[utoipa::path(
    put,
    path = "/api/v1/staff/surveys/{id}", operation_id = "staff_edit_survey",
    tag = "staff",
    params(("id" = i64, Path, minimum = 1, description = "The survey's id"), crate::idempotent::KeyHeader),
    security(("staff_key" = [])),
    request_body = SurveySpec,
    responses(
        (status = 200, body = Survey),
        (status = 400, body = [ErrorEntry], description = "As when creating one (`field` names what is wrong)"),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry], description = "No survey has this id"),
        (status = 409, body = [ErrorEntry], description = "Not a draft any more (`not_draft`), or the same Idempotency-Key still in flight"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
    )
)]
pub async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_staff(&state, &headers)?;
    let id = survey_id(&id)?;
    let spec = read_spec(&state, &headers, &body)?;
    let path = format!("/api/v1/staff/surveys/{id}");
    Post::new(&path, &headers, &body)?
        .commit(&state, StatusCode::OK, move |tx, now| {
            let current = surveys::get(tx, id)?.ok_or_else(no_survey)?;
            if current.state != SurveyState::Draft {
                return Err(ApiError::Conflict(
                    Reason::NotDraft,
                    format!("this survey is {}: only a draft is edited", current.state),
                ));
            }
            surveys::replace(tx, id, &spec, now)?;
            Ok(Survey::new(id, SurveyState::Draft, spec))
        })
        .await
}

/// Moves a survey on: `open` (a draft, before its window ends: citizens see it from its
/// `opens_at`), `closed` (it takes no more answers, also before its window ends), `published`
/// (a closed survey's results become public).
#[utoipa::path(
    post,
    path = "/api/v1/staff/surveys/{id}/state", operation_id = "staff_move_survey",
    tag = "staff",
    params(("id" = i64, Path, minimum = 1, description = "The survey's id"), crate::idempotent::KeyHeader),
    security(("staff_key" = [])),
    request_body = SurveyMove,
    responses(
        (status = 200, body = Survey, description = "The survey in its new state"),
        (status = 400, body = [ErrorEntry], description = "Not a state"),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry], description = "No survey has this id"),
        (status = 409, body = [ErrorEntry], description = "Not the next state (`invalid_transition`), opening a survey whose window has ended (`invalid_window`), or the same Idempotency-Key still in flight"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn move_survey(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_staff(&state, &headers)?;
    let id = survey_id(&id)?;
    let asked: SurveyMove = json_body(&headers, &body, 1024)?;
    let path = format!("/api/v1/staff/surveys/{id}/state");
    Post::new(&path, &headers, &body)?
        .commit(&state, StatusCode::OK, move |tx, now| {
            let mut survey = surveys::get(tx, id)?.ok_or_else(no_survey)?;
            let next = asked.state;
            if !survey.state.can_move_to(next) {
                return Err(ApiError::Conflict(
                    Reason::InvalidTransition,
                    format!("a survey cannot go from {} to {next}", survey.state),
                ));
            }
            if next == SurveyState::Open && survey.closes_at <= now {
                return Err(ApiError::Conflict(
                    Reason::InvalidWindow,
                    "its window has ended: set a later closes_at first".into(),
                ));
            }
            surveys::set_state(tx, id, next, now)?;
            survey.state = next;
            Ok(survey)
        })
        .await
}

/// A survey's results as the back office sees them, in any state: the public counts and every
/// free text written.
#[utoipa::path(
    get,
    path = "/api/v1/staff/surveys/{id}/results", operation_id = "staff_survey_results",
    tag = "staff",
    params(("id" = i64, Path, minimum = 1, description = "The survey's id")),
    security(("staff_key" = [])),
    responses(
        (status = 200, body = StaffResults),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry], description = "No survey has this id"),
    )
)]
pub async fn results(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<StaffResults>, ApiError> {
    check_staff(&state, &headers)?;
    let id = survey_id(&id)?;
    let (survey, answers) = state
        .db
        .call(move |conn| {
            let survey = surveys::get(conn, id)?;
            Ok::<_, ApiError>((survey, surveys::answers(conn, id)?))
        })
        .await?;
    let survey = survey.ok_or_else(no_survey)?;
    Ok(Json(StaffResults {
        results: tally(id, &survey.questions, &answers),
        texts: texts(&survey.questions, &answers),
    }))
}
