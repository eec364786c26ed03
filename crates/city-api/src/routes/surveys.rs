//! `/api/v1/surveys`: the city's surveys as citizens see them — the open ones for a ward (ETag),
//! one survey, a counted answer (once per voter: a registered device or a verified citizen,
//! `trust::voter`), and the results once the city has published them (counts and shares, never
//! the free texts).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use model::WardCode;
use model::reason::Reason;
use model::survey::answer::{AnswerError, SurveyAnswer};
use model::survey::results::{SurveyResults, tally};
use model::survey::{AnswerReceipt, Survey, SurveyList, SurveyState};
use model::trust::ContentDigest;

use crate::AppState;
use crate::db::surveys::{self, AnswerRefusal};
use crate::error::{ApiError, ErrorEntry, JSON_UTF8};
use crate::idempotent::Post;
use crate::open311::{check_api_key, form_body, get, pairs};
use crate::routes::encoding;
use crate::routes::wards::ward_code;

/// A survey's id from its path segment; anything else is no survey.
pub(crate) fn survey_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(no_survey)
}

pub(crate) fn no_survey() -> ApiError {
    ApiError::NotFound("no survey has this id".into())
}

/// `ward` of a query: absent or empty reads as none; a ward the city does not have is 404.
pub(crate) async fn ward_param(
    state: &AppState,
    query: Option<String>,
) -> Result<Option<WardCode>, ApiError> {
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    let Some(text) = get(&query, "ward").map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let code = ward_code(text)?;
    if !state.wards.iter().any(|w| w.code == code) {
        return Err(ApiError::Unknown(
            Reason::UnknownWard,
            format!("no HCMC ward or commune has code {code}"),
        ));
    }
    Ok(Some(code))
}

/// `value` as JSON, tagged by its content, gzipped for a client that takes it, 304 when the
/// client's copy is current (`encoding`).
pub(crate) fn json_answer(
    headers: &HeaderMap,
    kind: &str,
    value: &impl serde::Serialize,
) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(value).map_err(crate::db::DbError::from)?;
    encoding::answer(headers, kind, JSON_UTF8, bytes)
}

/// A survey citizens may see: any but a draft.
async fn public_survey(state: &AppState, id: i64) -> Result<Survey, ApiError> {
    state
        .db
        .call(move |conn| surveys::get(conn, id))
        .await?
        .filter(|s| s.state != SurveyState::Draft)
        .ok_or_else(no_survey)
}

/// The surveys taking answers now from a citizen of `ward` (those for the whole city and those
/// for that ward; without `ward`, the whole city's only), the soonest to close first.
#[utoipa::path(
    get,
    path = "/api/v1/surveys", operation_id = "list_surveys",
    tag = "surveys",
    params(
        ("ward" = Option<String>, Query, pattern = "^([0-9]{5})?$", description = "The citizen's ward (five-digit official code)"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has"),
        ("Accept-Encoding" = Option<String>, Header, description = "`gzip`: the body comes gzipped (`Content-Encoding: gzip`, its own ETag)"),
    ),
    responses(
        (status = 200, body = SurveyList, description = "The list; `ETag` header set", headers(("ETag" = String, description = "Names this representation: the gzipped body's ends in `-gz`"), ("Vary" = String, description = "`accept-encoding`"), ("Content-Encoding" = String, description = "`gzip` when the body is gzipped"))),
        (status = 304, description = "The client's copy is current", headers(("ETag" = String, description = "The current representation's ETag"), ("Vary" = String, description = "`accept-encoding`"))),
        (status = 400, body = [ErrorEntry], description = "Not a five-digit code"),
        (status = 404, body = [ErrorEntry], description = "No unit has this code (`unknown_ward`)"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let ward = ward_param(&state, query).await?;
    let now = state.clock.now();
    let surveys = state
        .db
        .call(move |conn| surveys::open_for(conn, now, ward.as_ref()))
        .await?;
    let list = SurveyList { surveys };
    json_answer(&headers, "surveys", &list)
}

/// One survey (not a draft): its questions, window, audience and state.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}", operation_id = "get_survey",
    tag = "surveys",
    params(
        ("id" = i64, Path, minimum = 1, description = "The survey's id"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has"),
        ("Accept-Encoding" = Option<String>, Header, description = "`gzip`: the body comes gzipped (`Content-Encoding: gzip`, its own ETag)"),
    ),
    responses(
        (status = 200, body = Survey, headers(("ETag" = String, description = "Names this representation: the gzipped body's ends in `-gz`"), ("Vary" = String, description = "`accept-encoding`"), ("Content-Encoding" = String, description = "`gzip` when the body is gzipped"))),
        (status = 304, description = "The client's copy is current", headers(("ETag" = String, description = "The current representation's ETag"), ("Vary" = String, description = "`accept-encoding`"))),
        (status = 404, body = [ErrorEntry], description = "No survey has this id (drafts are not shown)"),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = survey_id(&id)?;
    let survey = public_survey(&state, id).await?;
    json_answer(&headers, "survey", &survey)
}

fn refused_answer(e: AnswerError) -> ApiError {
    ApiError::BadField(e.reason(), e.field().to_owned(), e.to_string())
}

/// A citizen answers a survey: once per voter (a registered device that signed the request, or
/// the logged-in citizen where the city counts citizens). A second answer replaces the first
/// only while the survey is open and when it allows changes; otherwise 409 `already_answered`.
/// Taken only inside the survey's window (409 `survey_not_open`) and from a citizen of a ward it
/// asks (409 `outside_audience`; `ward_code` is required for a survey of some wards).
#[utoipa::path(
    post,
    path = "/api/v1/surveys/{id}/answers", operation_id = "answer_survey",
    tag = "surveys",
    params(("id" = i64, Path, minimum = 1, description = "The survey's id"), crate::idempotent::KeyHeader, crate::openapi::SignatureHeaders),
    security(("api_key" = [], "device_signature" = []), ("api_key" = [], "citizen_token" = [])),
    request_body(content_type = "application/x-www-form-urlencoded", content = ref("#/components/schemas/SurveyAnswerForm"),
        description = "`answer[N]` for question N (1, 2, …): the choice's number (from 1), the scale's point (1-5) or the text; `answer[N][]` once per choice of a multiple-choice question; `ward_code`, the citizen's ward; `api_key`"),
    responses(
        (status = 201, body = AnswerReceipt),
        (status = 400, body = [ErrorEntry], description = "A required question unanswered, a choice that does not exist, a scale point not 1-5, a text too long, a field that is not this survey's (`field` names it), or an unknown ward"),
        crate::trust::VoterRefusal,
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry], description = "No survey has this id"),
        (status = 409, body = [ErrorEntry], description = "Not open now (`survey_not_open`), the citizen's ward not asked (`outside_audience`), already answered and no change allowed (`already_answered`), or the same Idempotency-Key still in flight"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address or device",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = survey_id(&id)?;
    let form = form_body(&headers, &body)?;
    check_api_key(&state, &headers, &form)?;
    let voter = crate::trust::voter(
        &state,
        &Method::POST,
        &uri,
        &headers,
        ContentDigest::of_body(&body),
    )
    .await?;
    let survey = public_survey(&state, id).await?;
    let answer = SurveyAnswer::from_pairs(&form, &survey.questions).map_err(refused_answer)?;
    if let Some(ward) = &answer.ward
        && !state.wards.iter().any(|w| &w.code == ward)
    {
        return Err(ApiError::BadField(
            Reason::UnknownWard,
            model::survey::answer::WARD_FIELD.into(),
            format!("no HCMC ward or commune has code {ward}"),
        ));
    }
    let path = format!("/api/v1/surveys/{id}/answers");
    // The voter is part of what the key's answer stands for.
    let content = [voter.key().as_bytes(), b"\0", &body].concat();
    Post::new(&path, &headers, &content)?
        .commit(&state, StatusCode::CREATED, move |tx, now| {
            // Read again inside the transaction: staff may have closed it meanwhile.
            let survey = surveys::get(tx, id)?
                .filter(|s| s.state != SurveyState::Draft)
                .ok_or_else(no_survey)?;
            survey
                .answerable(now, answer.ward.as_ref())
                .map_err(|reason| {
                    let text = match reason {
                        Reason::OutsideAudience => {
                            "this survey asks other wards: give your ward_code if it is one of them"
                        }
                        _ => "this survey is not taking answers now",
                    };
                    ApiError::Conflict(reason, text.into())
                })?;
            let replaced =
                surveys::store_answer(tx, id, voter.key(), &answer, survey.edits_allowed, now)?
                    .map_err(|AnswerRefusal::AlreadyAnswered| {
                        ApiError::Conflict(
                            Reason::AlreadyAnswered,
                            format!(
                                "this {} already answered, and this survey takes no changed answer",
                                voter.noun()
                            ),
                        )
                    })?;
            Ok(AnswerReceipt {
                survey_id: id,
                replaced,
                answered_at: now,
            })
        })
        .await
}

/// A survey's results, once the city has published them: how many answered, counts and shares
/// per choice, the scale's distribution and mean. What citizens wrote is not part of them.
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{id}/results", operation_id = "get_survey_results",
    tag = "surveys",
    params(
        ("id" = i64, Path, minimum = 1, description = "The survey's id"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has"),
        ("Accept-Encoding" = Option<String>, Header, description = "`gzip`: the body comes gzipped (`Content-Encoding: gzip`, its own ETag)"),
    ),
    responses(
        (status = 200, body = SurveyResults, headers(("ETag" = String, description = "Names this representation: the gzipped body's ends in `-gz`"), ("Vary" = String, description = "`accept-encoding`"), ("Content-Encoding" = String, description = "`gzip` when the body is gzipped"))),
        (status = 304, description = "The client's copy is current", headers(("ETag" = String, description = "The current representation's ETag"), ("Vary" = String, description = "`accept-encoding`"))),
        (status = 404, body = [ErrorEntry], description = "No survey has this id"),
        (status = 409, body = [ErrorEntry], description = "Not published yet (`results_not_published`)"),
    )
)]
pub async fn results(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = survey_id(&id)?;
    let survey = public_survey(&state, id).await?;
    if survey.state != SurveyState::Published {
        return Err(ApiError::Conflict(
            Reason::ResultsNotPublished,
            "the results are published once the city closes the survey and publishes them".into(),
        ));
    }
    let answers = state
        .db
        .call(move |conn| surveys::answers(conn, id))
        .await?;
    json_answer(
        &headers,
        "survey-results",
        &tally(id, &survey.questions, &answers),
    )
}
