//! `POST /api/v1/dossiers/changes`: the app's background sync asks about every tracked dossier
//! at once (a list of code + check pairs and a cursor) and gets only those that changed since
//! the cursor, plus the pairs that open no dossier.
//!
//! Why wrong pairs are listed rather than left out: left out, a wrong pair would look exactly
//! like an unchanged one, and the app would track it for ever without telling the citizen. The
//! list tells it once, in the answer to the first request that carries the pair, and the app
//! stops sending it. It is no oracle: an unknown code and a wrong check value get the same
//! entry, and every wrong pair costs the client one cell of the same throttle as the single
//! lookup (see `throttle`), so a list of guesses is no faster than guessing one at a time. When
//! the client's cells run out in the middle of a list, the answer stops there (`complete:
//! false`, the cursor sent, `Retry-After`): the pairs after it are not looked at, so nothing
//! is learnt about them, and an app with many stale pairs still learns them a few at a time.
//!
//! Why a POST: the list (up to 500 pairs) does not fit a URL. It changes nothing, so
//! `Idempotency-Key` is taken (and its form checked, as on every POST) but nothing is stored
//! under it: sending the same request again is safe by nature and must answer from the current
//! state, whereas a stored answer would hand a retry an old view of the dossiers.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use model::Language;
use model::dossier::{
    ChangesAnswer, ChangesRequest, DossierCode, MAX_TRACKED, TrackedPair, normalize_check,
};
use model::reason::Reason;

use super::json_body;
use crate::AppState;
use crate::db::dossiers::{self, Tracked};
use crate::error::{ApiError, ErrorEntry, retry_after_secs};
use crate::idempotent::Post;
use crate::open311::{language, pairs};
use crate::openapi::MAX_CURSOR;
use crate::throttle::{Client, Throttle};

/// Largest body: 500 pairs take ~30 KB.
const MAX_BODY: usize = 128 * 1024;

/// The body as read: [`ChangesRequest`] (which the document shows), with the cursor as any JSON
/// number, since JSON Schema counts `12.0` as an integer.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Asked {
    cursor: serde_json::Number,
    dossiers: Vec<TrackedPair>,
}

/// A cursor is a whole number from 0 to 2⁵³ − 1 (what a JSON client holds exactly).
fn read_cursor(n: &serde_json::Number) -> Result<i64, ApiError> {
    let whole = n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && (0.0..=MAX_CURSOR as f64).contains(f))
            .map(|f| f as i64)
    });
    whole
        .filter(|c| (0..=MAX_CURSOR).contains(c))
        .ok_or_else(|| {
            ApiError::BadField(
                Reason::InvalidCursor,
                "cursor".into(),
                "cursor is 0 or the cursor of an earlier answer".into(),
            )
        })
}

/// The pairs as the server reads them (upper case, no spaces), each once, in the order sent.
fn read_pairs(asked: &[TrackedPair]) -> Result<Vec<TrackedPair>, ApiError> {
    if asked.len() > MAX_TRACKED {
        return Err(ApiError::BadField(
            Reason::TooManyIds,
            "dossiers".into(),
            format!("at most {MAX_TRACKED} dossiers in one request"),
        ));
    }
    let mut out: Vec<TrackedPair> = Vec::with_capacity(asked.len());
    for (i, p) in asked.iter().enumerate() {
        let code = DossierCode::parse(&p.code).ok_or_else(|| {
            ApiError::BadField(
                Reason::InvalidDossierCode,
                format!("dossiers[{i}].code"),
                "a dossier code looks like 000.00.04.H29-240115-0001".into(),
            )
        })?;
        let check = normalize_check(&p.check).ok_or_else(|| {
            ApiError::BadField(
                Reason::InvalidCheck,
                format!("dossiers[{i}].check"),
                "check is the 6-character value printed on the receipt".into(),
            )
        })?;
        let pair = TrackedPair {
            code: code.as_str().to_owned(),
            check,
        };
        if !out.contains(&pair) {
            out.push(pair);
        }
    }
    Ok(out)
}

/// What one pair gets: refused while the client is throttled (also when an earlier wrong pair
/// of the same list spent its last cell), and charged when it is wrong.
fn ask(
    conn: &rusqlite::Connection,
    throttle: &Throttle,
    who: Client,
    pair: TrackedPair,
    after: i64,
    english: bool,
) -> Result<Tracked<TrackedPair>, ApiError> {
    throttle.admit(who)?;
    Ok(
        match dossiers::changed_since(conn, &pair.code, &pair.check, after, english)? {
            Tracked::NotFound(()) => {
                throttle.charge(who)?;
                Tracked::NotFound(pair)
            }
            Tracked::Changed(d) => Tracked::Changed(d),
            Tracked::Unchanged => Tracked::Unchanged,
        },
    )
}

/// The tracked dossiers that changed since `cursor`, and the pairs that open none.
#[utoipa::path(
    post,
    path = "/api/v1/dossiers/changes", operation_id = "dossier_changes",
    tag = "dossiers",
    params(
        ("locale" = Option<String>, Query, description = "`en` for English names and notes"),
        ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Taken as on every POST, but nothing is stored under it: this POST changes nothing, so sending it again is always safe and answers from the current state"),
    ),
    request_body = ChangesRequest,
    responses(
        (status = 200, body = ChangesAnswer, description = "The dossiers changed after the cursor (all of them for cursor 0, or for a cursor ahead of this server's, e.g. after a restore), and the pairs that open no dossier. `complete: false` when too many pairs were wrong: the pairs after the last answered one were not looked at; send again after `Retry-After`",
            headers(("Retry-After" = Option<u64>, description = "With `complete: false`: seconds before the rest can be asked"))),
        (status = 400, body = [ErrorEntry], description = "Not JSON of this shape, more than 500 pairs, or a malformed code or check value (`field` names it, e.g. `dossiers[3].check`)"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 429, body = [ErrorEntry], description = "Too many wrong check values from this client: nothing was looked up; send again after `Retry-After` seconds",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn changes(
    State(state): State<AppState>,
    who: Client,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    // Only the key's form is checked: see the module's documentation.
    Post::new("/api/v1/dossiers/changes", &headers, &body)?;
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    let english = language(&headers, &query) == Language::En;
    let asked: Asked = json_body(&headers, &body, MAX_BODY)?;
    let cursor = read_cursor(&asked.cursor)?;
    let tracked = read_pairs(&asked.dossiers)?;
    let throttle = state.throttle.clone();
    let (answer, wait) = state
        .db
        .call(move |conn| {
            throttle.admit(who)?;
            let high = dossiers::high_water(conn)?;
            // A cursor this server never handed out (a restored or replaced database): all.
            let after = if cursor > high { 0 } else { cursor };
            let mut answer = ChangesAnswer {
                cursor: high,
                complete: true,
                changed: Vec::new(),
                not_found: Vec::new(),
            };
            let mut wait = None;
            for pair in tracked {
                match ask(conn, &throttle, who, pair, after, english) {
                    Ok(Tracked::Changed(d)) => answer.changed.push(*d),
                    Ok(Tracked::Unchanged) => {}
                    Ok(Tracked::NotFound(wrong)) => answer.not_found.push(wrong),
                    Err(ApiError::Throttled(w)) => {
                        wait = Some(w);
                        answer.complete = false;
                        answer.cursor = cursor;
                        break;
                    }
                    Err(other) => return Err(other),
                }
            }
            Ok::<_, ApiError>((answer, wait))
        })
        .await?;
    let mut res = Json(answer).into_response();
    if let Some(wait) = wait {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(retry_after_secs(&wait)),
        );
    }
    Ok(res)
}
