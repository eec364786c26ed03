//! `/api/v1/announcements`: what the city tells the citizens of a ward (and the whole city) now
//! — water cuts, flooding, vaccination days, office hours —, urgent ones first and flagged. The
//! app pulls it in the background with `If-None-Match`.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use model::announcement::AnnouncementList;

use crate::AppState;
use crate::db::announcements;
use crate::error::{ApiError, ErrorEntry};
use crate::routes::surveys::{json_answer, ward_param};

/// The announcements shown now to a citizen of `ward` (the whole city's and that ward's; without
/// `ward`, the whole city's only): not withdrawn, between their `valid_from` and `valid_until`;
/// urgent first, then the newest.
#[utoipa::path(
    get,
    path = "/api/v1/announcements", operation_id = "list_announcements",
    tag = "announcements",
    params(
        ("ward" = Option<String>, Query, pattern = "^([0-9]{5})?$", description = "The citizen's ward (five-digit official code)"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client has"),
        ("Accept-Encoding" = Option<String>, Header, description = "`gzip`: the body comes gzipped (`Content-Encoding: gzip`, its own ETag)"),
    ),
    responses(
        (status = 200, body = AnnouncementList, description = "The list; `ETag` header set", headers(("ETag" = String, description = "Names this representation: the gzipped body's ends in `-gz`"), ("Vary" = String, description = "`accept-encoding`"), ("Content-Encoding" = String, description = "`gzip` when the body is gzipped"))),
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
    let announcements = state
        .db
        .call(move |conn| announcements::shown(conn, now, ward.as_ref()))
        .await?;
    let list = AnnouncementList { announcements };
    json_answer(&headers, "announcements", &list)
}
