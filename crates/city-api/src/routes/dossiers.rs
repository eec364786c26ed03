//! `/api/v1/dossiers/{code}`: where a citizen's administrative dossier is, for whoever holds the
//! receipt (code + check value).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use model::Language;
use model::dossier::{Dossier, DossierCode, normalize_check};
use model::reason::Reason;

use crate::AppState;
use crate::db::dossiers;
use crate::error::{ApiError, ErrorEntry};
use crate::open311::{get, language, pairs};

/// One answer for "no such code" and "wrong check value": a code's existence is not revealed.
fn not_found() -> ApiError {
    ApiError::NotFound("no dossier has this code and check value".into())
}

/// A dossier with its timeline, the agency and ward in charge and its legal deadline.
#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}", operation_id = "get_dossier",
    tag = "dossiers",
    params(
        ("code" = String, Path, pattern = "^[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Za-z][0-9]{2}-([0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])|[0-9]{2}(0[13-9]|1[0-2])(29|30)|[0-9]{2}(0[13578]|1[02])31|([02468][048]|[13579][26])0229)-(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})$", description = "As printed on the receipt, e.g. 000.00.04.H29-240115-0001: any agency of the national format (Circular 01/2018/TT-VPCP art. 19), a real date, that day's number from 0001"),
        ("check" = String, Query, pattern = "^[2-9A-HJKMNP-Za-hjkmnp-z]{6}$", description = "The 6-character check value printed next to the code"),
        ("locale" = Option<String>, Query, description = "`en` for English names and notes"),
    ),
    responses(
        (status = 200, body = Dossier),
        (status = 400, body = [ErrorEntry], description = "Not a dossier code, or no valid check value"),
        (status = 404, body = [ErrorEntry], description = "No dossier has this code and check value"),
    )
)]
pub async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Dossier>, ApiError> {
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    let code = DossierCode::parse(&code).ok_or_else(|| {
        ApiError::bad(
            Reason::InvalidDossierCode,
            "a dossier code looks like 000.00.04.H29-240115-0001",
        )
    })?;
    let check = get(&query, "check")
        .and_then(normalize_check)
        .ok_or_else(|| {
            ApiError::bad(
                Reason::InvalidCheck,
                "check is the 6-character value printed on the receipt",
            )
        })?;
    let english = language(&headers, &query) == Language::En;
    state
        .db
        .call(move |conn| dossiers::lookup(conn, code.as_str(), &check, english))
        .await?
        .map(Json)
        .ok_or_else(not_found)
}
