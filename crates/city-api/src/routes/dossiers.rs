//! `/api/v1/dossiers/{code}`: where a citizen's administrative dossier is, for whoever holds the
//! receipt (code + check value).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use model::Language;
use model::dossier::{Dossier, DossierCode, normalize_check};
use model::reason::Reason;

use crate::AppState;
use crate::db::dossiers;
use crate::error::{ApiError, ErrorEntry};
use crate::open311::{get, language, pairs};
use crate::throttle::Client;

/// What a receipt prints that opens its dossier, described once for the OpenAPI document of the
/// lookup and of the receipt page (the handlers read the raw query themselves, so a malformed
/// one gets the Open311-shaped 400): the code in the path…
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReceiptCode {
    /// As printed on the receipt, e.g. 000.00.04.H29-240115-0001: any agency of the national format (Circular 01/2018/TT-VPCP art. 19), a real date, that day's number from 0001
    pub code: String,
}

/// …and the check value in the query.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code, reason = "only its OpenAPI description is used")]
pub struct ReceiptCheck {
    /// The 6-character check value printed next to the code
    check: String,
}

/// How the routes that open a dossier by code and check value refuse, described once.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code, reason = "only its OpenAPI description is used")]
pub enum LookupRefusal {
    #[response(
        status = 400,
        description = "Not a dossier code, or no valid check value"
    )]
    Malformed(Vec<ErrorEntry>),
    #[response(status = 404, description = "No dossier has this code and check value")]
    NotFound(Vec<ErrorEntry>),
    #[response(
        status = 429,
        description = "Too many wrong check values from this client: nothing was looked up; try again after `Retry-After` seconds",
        headers(("Retry-After" = u64, description = "Seconds to wait"))
    )]
    Throttled(Vec<ErrorEntry>),
}

/// One answer for "no such code" and "wrong check value": a code's existence is not revealed.
fn not_found() -> ApiError {
    ApiError::NotFound("no dossier has this code and check value".into())
}

/// The dossier `code` + `check` opens, for `who`: refused while `who` is throttled, and a
/// wrong pair is charged to it (see `throttle`). Decided under the database's lock, so the
/// client's concurrent guesses are counted one after another.
async fn open(
    state: &AppState,
    who: Client,
    code: DossierCode,
    check: String,
    english: bool,
) -> Result<Dossier, ApiError> {
    let throttle = state.throttle.clone();
    state
        .db
        .call(move |conn| {
            throttle.admit(who)?;
            match dossiers::lookup(conn, code.as_str(), &check, english)? {
                Some(d) => Ok(d),
                None => {
                    throttle.charge(who)?;
                    Err(not_found())
                }
            }
        })
        .await
}

/// The receipt's code from the path and the check value from the query.
fn code_and_check(
    code: &str,
    query: &[(String, String)],
) -> Result<(DossierCode, String), ApiError> {
    let code = DossierCode::parse(code).ok_or_else(|| {
        ApiError::bad(
            Reason::InvalidDossierCode,
            "a dossier code looks like 000.00.04.H29-240115-0001",
        )
    })?;
    let check = get(query, "check")
        .and_then(normalize_check)
        .ok_or_else(|| {
            ApiError::bad(
                Reason::InvalidCheck,
                "check is the 6-character value printed on the receipt",
            )
        })?;
    Ok((code, check))
}

/// A dossier with its timeline, the agency and ward in charge and its legal deadline.
#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}", operation_id = "get_dossier",
    tag = "dossiers",
    params(
        ReceiptCode,
        ReceiptCheck,
        ("locale" = Option<String>, Query, description = "`en` for English names and notes"),
    ),
    responses(
        (status = 200, body = Dossier),
        LookupRefusal,
    )
)]
pub async fn one(
    State(state): State<AppState>,
    who: Client,
    headers: HeaderMap,
    Path(ReceiptCode { code }): Path<ReceiptCode>,
    RawQuery(query): RawQuery,
) -> Result<Json<Dossier>, ApiError> {
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    let (code, check) = code_and_check(&code, &query)?;
    let english = language(&headers, &query) == Language::En;
    open(&state, who, code, check, english).await.map(Json)
}

/// The dossier's demo receipt (phiếu tiếp nhận và hẹn trả kết quả) as an SVG page, for whoever
/// holds its code and check value, like the lookup (the same 404, the same throttle): the QR
/// code at the top left holds the code and check value (`HSQR1/MA:…/KT:…`, see the README),
/// then the procedure, the agency and the appointment day.
#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}/receipt.svg", operation_id = "get_dossier_receipt",
    tag = "dossiers",
    params(ReceiptCode, ReceiptCheck),
    responses(
        (status = 200, content_type = "image/svg+xml", body = String, description = "The receipt: an SVG page with no script, the QR code at its top left"),
        LookupRefusal,
    )
)]
pub async fn receipt(
    State(state): State<AppState>,
    who: Client,
    Path(ReceiptCode { code }): Path<ReceiptCode>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    let (code, check) = code_and_check(&code, &query)?;
    let dossier = open(&state, who, code, check.clone(), false).await?;
    let page = crate::receipt::svg(&dossier, &check).map_err(|err| {
        tracing::error!(%err, "receipt");
        ApiError::Internal
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            // A page to look at and print, never a program: no script runs in it.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // It carries the check value: no shared cache keeps it.
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        page,
    )
        .into_response())
}
