//! The back office moves a dossier through its states (`model::dossier::DossierStatus`'s life
//! cycle), with a note, and for "needs more papers" the list of papers, where and by when. The
//! timeline step, the dossier's state and its change sequence are written in one transaction
//! with the Idempotency-Key's answer, so the app's next sync sees the move exactly once.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use model::dossier::{Dossier, DossierCode, DossierStatus, SupplementRequest};
use model::feedback::{FieldError, MAX_NOTE_CHARS};
use model::reason::Reason;
use serde::Deserialize;
use utoipa::ToSchema;

use super::check_staff;
use crate::db::dossiers::{self, Step};
use crate::error::{ApiError, ErrorEntry};
use crate::idempotent::Post;
use crate::routes::json_body;
use crate::state::AppState;

/// A move of a dossier.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DossierMove {
    /// The new state; `other` is not one (name a known state).
    #[schema(value_type = String)]
    pub status: String,
    /// What was done, in Vietnamese, shown to the citizen; without it, the state's usual
    /// sentence.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// The same in English; without it, the Vietnamese note (or, with no note at all, the
    /// state's usual sentence in English).
    #[schema(max_length = 2000)]
    pub note_en: Option<String>,
    /// With `supplement_requested`, and only then: the papers, where to hand them in and the
    /// last day (not before today, Vietnam time).
    pub supplement: Option<SupplementRequest>,
}

fn text(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// The state asked for, checked against what it brings: a known state, notes within bounds,
/// a supplement request exactly with "needs more papers" and one the citizen can act on.
fn read_move(asked: &DossierMove, today: chrono::NaiveDate) -> Result<DossierStatus, ApiError> {
    let next = DossierStatus::parse(&asked.status)
        .filter(|s| *s != DossierStatus::Other)
        .ok_or_else(|| {
            ApiError::BadField(
                Reason::InvalidStatus,
                "status".into(),
                "status is one of the states a dossier can be in (not `other`)".into(),
            )
        })?;
    for (field, value) in [("note", &asked.note), ("note_en", &asked.note_en)] {
        if value
            .as_deref()
            .is_some_and(|v| v.chars().count() > MAX_NOTE_CHARS)
        {
            return Err(FieldError::TooLong {
                field,
                max: MAX_NOTE_CHARS,
            }
            .into());
        }
    }
    let bad = |why: String| ApiError::BadField(Reason::InvalidSupplement, "supplement".into(), why);
    match (next, &asked.supplement) {
        (DossierStatus::SupplementRequested, None) => Err(bad(
            "supplement_requested needs the supplement: papers, where, by when".into(),
        )),
        (DossierStatus::SupplementRequested, Some(s)) => {
            s.check(today).map_err(|p| bad(p.to_string()))?;
            Ok(next)
        }
        (_, Some(_)) => Err(bad(
            "a supplement goes only with supplement_requested".into()
        )),
        (_, None) => Ok(next),
    }
}

/// Moves a dossier to a new state (new → received / not accepted; while handled: processing,
/// needs papers, needs fees, paused, result ready, refused, withdrawn; result ready → returned;
/// a finished dossier stays finished).
#[utoipa::path(
    post,
    path = "/api/v1/staff/dossiers/{code}/status", operation_id = "staff_move_dossier",
    tag = "staff",
    params(
        ("code" = String, Path, description = "The dossier's code, as printed on its receipt"),
        crate::idempotent::KeyHeader,
    ),
    security(("staff_key" = [])),
    request_body = DossierMove,
    responses(
        (status = 200, body = Dossier, description = "The dossier after the move (Vietnamese names and notes)"),
        (status = 400, body = [ErrorEntry], description = "Not a dossier code, an unknown state, a note too long, or a supplement missing, misplaced or unusable (`field` names it)"),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry], description = "No dossier has this code"),
        (status = 409, body = [ErrorEntry], description = "Not a move allowed from the current state, or the same Idempotency-Key still in flight"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn move_dossier(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    check_staff(&state, &headers)?;
    let code = DossierCode::parse(&code).ok_or_else(|| {
        ApiError::bad(
            Reason::InvalidDossierCode,
            "a dossier code looks like 000.00.04.H29-240115-0001",
        )
    })?;
    let asked: DossierMove = json_body(&headers, &body, 64 * 1024)?;
    let today = state
        .clock
        .now()
        .with_timezone(&dossiers::vietnam())
        .date_naive();
    let next = read_move(&asked, today)?;
    let path = format!("/api/v1/staff/dossiers/{code}/status");
    Post::new(&path, &headers, &body)?
        .commit(&state, StatusCode::OK, move |tx, now| {
            let code = code.as_str();
            let no_dossier = || ApiError::NotFound("no dossier has this code".into());
            let (current, agency) = dossiers::state_of(tx, code)?.ok_or_else(no_dossier)?;
            if !current.can_move_to(next) {
                return Err(ApiError::Conflict(
                    Reason::InvalidTransition,
                    format!("a dossier cannot go from {current} to {next}"),
                ));
            }
            let (usual_vi, usual_en) = dossiers::note(next, &agency);
            let note_vi = text(&asked.note).unwrap_or(&usual_vi);
            let note_en = text(&asked.note_en)
                .or(text(&asked.note))
                .unwrap_or(&usual_en);
            dossiers::record_move(
                tx,
                &Step {
                    code,
                    status: next,
                    note_vi,
                    note_en,
                    supplement: asked.supplement.as_ref(),
                    at: now,
                },
            )?;
            dossiers::get(tx, code, false)?.ok_or_else(no_dossier)
        })
        .await
}
