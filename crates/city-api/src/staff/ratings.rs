//! The comments citizens gave with their ward ratings, for the city's staff: the texts only,
//! never with who gave them (no device, no citizen key, no time, no order of arrival).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use model::reason::Reason;
use model::ward_rating::WardComments;

use crate::AppState;
use crate::db::dossiers::vietnam;
use crate::error::{ApiError, ErrorEntry};
use crate::open311::{pairs, param as get};
use crate::routes::wards::{no_ward, ward_code};

/// A `YYYY-MM` month.
fn month(text: &str) -> Option<String> {
    let ok = text.len() == 7
        && text.as_bytes()[4] == b'-'
        && chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").is_ok();
    ok.then(|| text.to_owned())
}

/// The comments of a ward's ratings of one month (default: this month, Vietnam time), in
/// alphabetical order, without who gave them or when.
#[utoipa::path(
    get,
    path = "/api/v1/staff/wards/{code}/comments", operation_id = "staff_ward_comments",
    tag = "staff",
    params(
        ("code" = String, Path, pattern = "^[0-9]{5}$", description = "Five-digit official code"),
        ("month" = Option<String>, Query, pattern = r"^\s*([0-9]{4}-(0[1-9]|1[0-2]))?\s*$", description = "`YYYY-MM`, Vietnam time; default (or blank) this month"),
    ),
    security(("staff_key" = [])),
    responses(
        (status = 200, body = WardComments),
        (status = 400, body = [ErrorEntry], description = "A bad ward code (`invalid_ward_code`) or month (`invalid_date`)"),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry], description = "No ward has this code"),
    )
)]
pub async fn comments(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<WardComments>, ApiError> {
    super::check_staff(&state, &headers)?;
    let code = ward_code(&code)?;
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    let month = match get(&query, "month") {
        None => state
            .clock
            .now()
            .with_timezone(&vietnam())
            .format("%Y-%m")
            .to_string(),
        Some(text) => {
            month(text).ok_or_else(|| ApiError::bad(Reason::InvalidDate, "month is YYYY-MM"))?
        }
    };
    if !state.wards.iter().any(|w| w.code == code) {
        return Err(no_ward(code.as_str()));
    }
    let (ward, m) = (code.to_string(), month.clone());
    let comments = state
        .db
        .call(move |conn| {
            conn.prepare(
                "SELECT comment FROM ward_ratings
                 WHERE ward_code = ?1 AND month = ?2 AND comment IS NOT NULL
                 ORDER BY comment",
            )?
            .query_map([&ward, &m], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(crate::db::DbError::from)
        })
        .await?;
    Ok(Json(WardComments {
        ward_code: code.to_string(),
        month,
        comments,
    }))
}
