//! Extensions for following a report: its timeline, photos, the citizen's "not fixed" answer
//! (re-open), their rating of the resolution, and other citizens' "me too". Only the filer, who
//! holds the report's owner key (`model::trust::owner`; the city keeps its SHA-256), may add
//! photos to it, re-open it or rate it. "Me too" is counted per verified device: it must be
//! signed by a registered device (`crate::trust`).

use model::reason::Reason;
use std::convert::Infallible;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration};
use model::feedback::{
    FieldError, MAX_PHOTO_BYTES, MAX_PHOTOS, PhotoFields, REOPEN_WINDOW_DAYS, RatingForm,
    ReopenForm, RequestStatus, SupportForm, only_known,
};
use model::open311::{MediaPosted, RequestEvent, ServiceRequest};
use model::trust::{ContentDigest, OwnerKey};
use sha2::{Digest, Sha256};

use super::requests::parse_id;
use super::{
    check_api_key, form_body, language, media_url, pairs, public_request, report, strip_json,
};
use crate::db::requests::{self as store, Actor, MediaKind, NewMedia, RequestRow};
use crate::error::{ApiError, ErrorEntry};
use crate::idempotent::Post;
use crate::state::AppState;

/// The whole upload body may carry one photo plus the small fields around it.
pub const MAX_UPLOAD_BYTES: usize = MAX_PHOTO_BYTES + 64 * 1024;

/// The report's timeline, oldest first.
#[utoipa::path(
    get,
    path = "/open311/v2/requests/{id}/events.json", operation_id = "get_request_events",
    tag = "open311-extensions",
    params(("id" = i64, Path, minimum = 1, description = "The report's service_request_id"), ("jurisdiction_id" = Option<String>, Query, description = "This city's id, optional; another is 404")),
    responses(
        (status = 200, body = [RequestEvent]),
        (status = 404, body = [ErrorEntry]),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<RequestEvent>>, ApiError> {
    super::check_jurisdiction(&state, &pairs(query.unwrap_or_default().as_bytes())?)?;
    let id = parse_id(&id)?;
    let rows = state
        .db
        .call(move |conn| {
            report(conn, id)?;
            Ok::<_, ApiError>(store::events(conn, id)?)
        })
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|e| RequestEvent {
                at: super::local_time(&e.at),
                status: e.status,
                note: e.note,
                actor: e.actor,
                media_urls: e.media_ids.iter().map(|m| media_url(&state, m)).collect(),
            })
            .collect(),
    ))
}

/// Only the filer, who holds the report's owner key, may add photos to it, re-open it or rate
/// it. A report filed without a key has no owner here.
fn owner(row: &RequestRow, key: &OwnerKey) -> Result<(), ApiError> {
    let given = key.hash_hex();
    let kept = row.owner_key_hash.as_deref().unwrap_or("");
    if constant_time_eq::constant_time_eq(given.as_bytes(), kept.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            Reason::NotOwner,
            "only the citizen who filed this report (its owner key) may do this".into(),
        ))
    }
}

fn photo_too_large() -> ApiError {
    ApiError::TooLarge(format!(
        "a photo may be at most {} KiB",
        MAX_PHOTO_BYTES / 1024
    ))
}

/// Form fields as name/value pairs.
type Form = Vec<(String, String)>;

/// What every follow-up POST starts with: the report id, the form (api_key checked, no field
/// but `api_key` and the form's `names`), the language.
fn follow_up_form(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    query: Option<String>,
    body: &[u8],
    names: &[&str],
) -> Result<(i64, Form, model::Language), ApiError> {
    let id = parse_id(id)?;
    let query = pairs(query.unwrap_or_default().as_bytes())?;
    let form = form_body(headers, body)?;
    check_api_key(state, headers, &form)?;
    let known: Vec<&str> = names.iter().copied().chain(["api_key"]).collect();
    only_known(&form, &known)?;
    Ok((id, form, language(headers, &query)))
}

/// "Not fixed": re-opens a resolved report within 30 days of its resolution.
#[utoipa::path(
    post,
    path = "/open311/v2/requests/{id}/reopen.json", operation_id = "reopen_request",
    tag = "open311-extensions",
    params(("id" = i64, Path, minimum = 1, description = "The report's service_request_id"), crate::idempotent::KeyHeader),
    security(("api_key" = [])),
    request_body(content_type = "application/x-www-form-urlencoded", content = ref("#/components/schemas/ReopenForm"),
        description = "`api_key`, `owner_key` (the report's, given by its filer), `description` (what is still wrong)"),
    responses(
        (status = 200, body = [ServiceRequest]),
        (status = 400, body = [ErrorEntry]),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry]),
        (status = 409, body = [ErrorEntry], description = "Not resolved, or the 30-day window has passed"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn reopen(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (id, form, lang) = follow_up_form(&state, &headers, &id, query, &body, &ReopenForm::NAMES)?;
    let ReopenForm {
        owner_key,
        description,
    } = ReopenForm::from_pairs(&form)?;
    let path = format!("/open311/v2/requests/{id}/reopen.json");
    let st = state.clone();
    Post::new(&path, &headers, &body)?
        .commit(&state, StatusCode::OK, move |tx, now| {
            let row = report(tx, id)?;
            owner(&row, &owner_key)?;
            if row.status != RequestStatus::Resolved {
                return Err(ApiError::Conflict(
                    Reason::NotResolved,
                    "only a resolved report can be re-opened".into(),
                ));
            }
            let resolved = row
                .resolved_at
                .as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok());
            if resolved.is_none_or(|t| now - t.to_utc() > Duration::days(REOPEN_WINDOW_DAYS)) {
                return Err(ApiError::Conflict(
                    Reason::ReopenWindowPassed,
                    format!("a report can be re-opened within {REOPEN_WINDOW_DAYS} days of its resolution"),
                ));
            }
            store::set_status(
                tx,
                id,
                RequestStatus::Reopened,
                Some(&description),
                Actor::Citizen,
                now,
            )?;
            let row = report(tx, id)?;
            Ok([public_request(&st, lang, &row)])
        })
        .await
}

/// The citizen's rating of how the report was resolved (once).
#[utoipa::path(
    post,
    path = "/open311/v2/requests/{id}/rating.json", operation_id = "rate_request",
    tag = "open311-extensions",
    params(("id" = i64, Path, minimum = 1, description = "The report's service_request_id"), crate::idempotent::KeyHeader),
    security(("api_key" = [])),
    request_body(content_type = "application/x-www-form-urlencoded", content = ref("#/components/schemas/RatingForm"),
        description = "`api_key`, `owner_key` (the report's), `satisfaction` (satisfied | neutral | unsatisfied), optional `comment`"),
    responses(
        (status = 200, body = [ServiceRequest]),
        (status = 400, body = [ErrorEntry]),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry]),
        (status = 409, body = [ErrorEntry], description = "Not resolved yet, or already rated"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn rate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (id, form, lang) = follow_up_form(&state, &headers, &id, query, &body, &RatingForm::NAMES)?;
    let RatingForm {
        owner_key,
        satisfaction,
        comment,
    } = RatingForm::from_pairs(&form)?;
    let path = format!("/open311/v2/requests/{id}/rating.json");
    let st = state.clone();
    Post::new(&path, &headers, &body)?
        .commit(&state, StatusCode::OK, move |tx, now| {
            let row = report(tx, id)?;
            owner(&row, &owner_key)?;
            if !matches!(row.status, RequestStatus::Resolved | RequestStatus::Closed) {
                return Err(ApiError::Conflict(
                    Reason::NotResolved,
                    "a report can be rated once it is resolved".into(),
                ));
            }
            if !store::rate(tx, id, satisfaction, comment.as_deref(), now)? {
                return Err(ApiError::Conflict(
                    Reason::AlreadyRated,
                    "this report was already rated".into(),
                ));
            }
            let row = report(tx, id)?;
            Ok([public_request(&st, lang, &row)])
        })
        .await
}

/// "Me too": another citizen's device follows the report instead of filing it again, and the
/// city sees how many people it affects. Counted once per verified device (the request must be
/// signed by a registered device); the filer's own device (when its report was signed) and a
/// closed report are refused.
#[utoipa::path(
    post,
    path = "/open311/v2/requests/{id}/supporters.json", operation_id = "support_request",
    tag = "open311-extensions",
    params(("id" = i64, Path, minimum = 1, description = "The report's service_request_id"), crate::idempotent::KeyHeader, crate::openapi::SignatureHeaders),
    security(("api_key" = [], "device_signature" = []), ("api_key" = [], "citizen_token" = [])),
    request_body(content_type = "application/x-www-form-urlencoded", content = ref("#/components/schemas/SupportForm"),
        description = "`api_key` only: the supporter is the signing device, or the logged-in citizen where the city counts citizens"),
    responses(
        (status = 200, body = [ServiceRequest], description = "The report with its `supporters` count"),
        (status = 400, body = [ErrorEntry]),
        crate::trust::VoterRefusal,
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry]),
        (status = 409, body = [ErrorEntry], description = "The filer's own report, or closed"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address or device",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn support(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (id, _form, lang) =
        follow_up_form(&state, &headers, &id, query, &body, &SupportForm::NAMES)?;
    let voter = crate::trust::voter(
        &state,
        &Method::POST,
        &uri,
        &headers,
        ContentDigest::of_body(&body),
    )
    .await?;
    let path = format!("/open311/v2/requests/{id}/supporters.json");
    let st = state.clone();
    // The voter is part of what the key's answer stands for.
    let content = [voter.key().as_bytes(), b"\0", &body].concat();
    Post::new(&path, &headers, &content)?
        .commit(&state, StatusCode::OK, move |tx, now| {
            let row = report(tx, id)?;
            if row.device_id.as_deref() == Some(voter.key()) {
                return Err(ApiError::Conflict(
                    Reason::OwnReport,
                    "this device filed the report; it is already followed".into(),
                ));
            }
            if row.status == RequestStatus::Closed {
                return Err(ApiError::Conflict(
                    Reason::Closed,
                    "this report is closed; file a new one if the problem is back".into(),
                ));
            }
            store::support(tx, id, voter.key(), now)?;
            let row = report(tx, id)?;
            Ok([public_request(&st, lang, &row)])
        })
        .await
}

/// A photo checked by its content, never by its name or declared type.
pub fn sniff_image(bytes: &[u8]) -> Result<&'static str, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::bad(Reason::EmptyFile, "the photo is empty"));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(photo_too_large());
    }
    match infer::get(bytes).map(|t| t.mime_type()) {
        Some("image/jpeg") => Ok("image/jpeg"),
        Some("image/png") => Ok("image/png"),
        Some("image/webp") => Ok("image/webp"),
        _ => Err(ApiError::bad(
            Reason::NotAnImage,
            "the file is not a JPEG, PNG or WebP photo",
        )),
    }
}

/// The fields of a photo upload.
pub(crate) struct Upload {
    pub(crate) api_key: Option<String>,
    /// `kind` and `owner_key`, read as [`PhotoFields`] by the citizen's route.
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) photo: Vec<u8>,
}

pub(crate) async fn read_upload(headers: &HeaderMap, body: Bytes) -> Result<Upload, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|_| {
        ApiError::UnsupportedMediaType("send the photo as multipart/form-data".into())
    })?;
    if body.len() > MAX_UPLOAD_BYTES {
        return Err(photo_too_large());
    }
    let stream = futures_util::stream::once(async move { Ok::<_, Infallible>(body) });
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(MAX_UPLOAD_BYTES as u64)
            .for_field("media", MAX_PHOTO_BYTES as u64)
            .per_field(4096),
    );
    let mut mp = multer::Multipart::with_constraints(stream, boundary, constraints);
    let bad = |_| ApiError::bad(Reason::InvalidMultipart, "the multipart body is malformed");
    let mut up = Upload {
        api_key: None,
        fields: Vec::new(),
        photo: Vec::new(),
    };
    let mut fields = 0;
    let mut photos = 0;
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        fields += 1;
        if fields > 8 {
            return Err(ApiError::bad(Reason::InvalidMultipart, "too many fields"));
        }
        // The file name is ignored: nothing is ever stored under a client-given name.
        match field.name().unwrap_or("") {
            "media" => {
                photos += 1;
                up.photo = field
                    .bytes()
                    .await
                    .map_err(|e| match e {
                        multer::Error::FieldSizeExceeded { .. }
                        | multer::Error::StreamSizeExceeded { .. } => photo_too_large(),
                        _ => ApiError::bad(
                            Reason::InvalidMultipart,
                            "the multipart body is malformed",
                        ),
                    })?
                    .to_vec();
            }
            "api_key" => up.api_key = Some(field.text().await.map_err(bad)?),
            name if PhotoFields::NAMES.contains(&name) => {
                let name = name.to_owned();
                let text = field.text().await.map_err(bad)?;
                up.fields.push((name, text));
            }
            other => {
                return Err(model::feedback::FieldError::Unknown {
                    field: other.chars().take(64).collect(),
                }
                .into());
            }
        }
    }
    if photos != 1 {
        return Err(ApiError::bad(
            Reason::OnePhoto,
            "send exactly one photo, in the field `media`",
        ));
    }
    Ok(up)
}

/// Adds one photo to a report (at most 5 per report; JPEG, PNG or WebP up to 2 MiB, checked
/// by content). Multipart fields: `api_key`, `owner_key` (the report's), `media` (the file),
/// optional `kind` (`report`, or `reopen` for a photo with a "not fixed" answer).
#[utoipa::path(
    post,
    path = "/open311/v2/requests/{id}/media.json", operation_id = "post_request_media",
    tag = "open311-extensions",
    params(("id" = i64, Path, minimum = 1, description = "The report's service_request_id"), crate::idempotent::KeyHeader),
    security(("api_key" = [])),
    request_body(content_type = "multipart/form-data", content = ref("#/components/schemas/PhotoUpload")),
    responses(
        (status = 200, body = MediaPosted),
        (status = 400, body = [ErrorEntry], description = "Not an image, empty, malformed"),
        (status = 403, body = [ErrorEntry]),
        (status = 404, body = [ErrorEntry]),
        (status = 409, body = [ErrorEntry], description = "The report already has 5 photos"),
        (status = 413, body = [ErrorEntry]),
        (status = 415, body = [ErrorEntry]),
        (status = 422, body = [ErrorEntry], description = "Idempotency-Key reused for a different request"),
        (status = 429, body = [ErrorEntry], description = "Too many requests from this address",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let up = read_upload(&headers, body).await?;
    let key_pairs = up
        .api_key
        .iter()
        .map(|k| ("api_key".to_owned(), k.clone()))
        .collect::<Vec<_>>();
    check_api_key(&state, &headers, &key_pairs)?;
    let fields = PhotoFields::from_pairs(&up.fields)?;
    let owner_key = fields.owner_key.ok_or(FieldError::Missing {
        field: model::trust::owner::FIELD,
    })?;
    let kind = MediaKind::Citizen(fields.purpose);
    let content_type = sniff_image(&up.photo)?;
    // Multipart boundaries differ between retries: fingerprint the content, not the bytes.
    let mut h = Sha256::new();
    h.update(owner_key.hash_hex().as_bytes());
    h.update([0]);
    h.update(fields.purpose.as_str().as_bytes());
    h.update([0]);
    h.update(&up.photo);
    let fingerprint = h.finalize();
    let path = format!("/open311/v2/requests/{id}/media.json");
    let st = state.clone();
    Post::new(&path, &headers, &fingerprint)?
        .commit(&state, StatusCode::OK, move |tx, now| {
            let row = report(tx, id)?;
            owner(&row, &owner_key)?;
            if store::media_count(tx, id, kind)? >= MAX_PHOTOS {
                return Err(ApiError::Conflict(
                    Reason::TooManyPhotos,
                    format!("a report takes at most {MAX_PHOTOS} photos"),
                ));
            }
            keep_photo(
                tx,
                &st,
                &NewMedia {
                    request_id: id,
                    event_id: None,
                    kind,
                    content_type,
                    bytes: &up.photo,
                },
                now,
            )
        })
        .await
}

/// Stores a checked photo without its metadata (`photo_meta`), marks its report changed (so
/// apps pull it) and says where it is.
pub(crate) fn keep_photo(
    tx: &rusqlite::Transaction<'_>,
    state: &AppState,
    media: &NewMedia<'_>,
    now: DateTime<chrono::Utc>,
) -> Result<MediaPosted, ApiError> {
    let clean = crate::photo_meta::strip(media.bytes, media.content_type).map_err(|err| {
        ApiError::bad(
            Reason::NotAnImage,
            format!("the photo cannot be read further in: {err}"),
        )
    })?;
    let media = &NewMedia {
        bytes: &clean,
        ..*media
    };
    let media_id = store::add_media(tx, media, now)?;
    store::touch(tx, media.request_id, now)?;
    Ok(MediaPosted {
        media_url: media_url(state, &media_id),
        media_id,
        content_type: media.content_type.into(),
        bytes: media.bytes.len(),
    })
}

/// A stored photo.
#[utoipa::path(
    get,
    path = "/open311/v2/media/{id}", operation_id = "get_media",
    tag = "open311-extensions",
    params(("id" = String, Path, pattern = "^[0-9a-f]{32}$", description = "The media_id of an upload")),
    responses(
        (status = 200, content(("image/jpeg"), ("image/png"), ("image/webp")), description = "The photo as stored: without the metadata it was uploaded with (EXIF, XMP, IPTC, comments, text chunks, data after the image); only an EXIF orientation is kept"),
        (status = 404, body = [ErrorEntry]),
    )
)]
pub async fn media(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = strip_json(&id).unwrap_or(&id).to_owned();
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::NotFound("no such photo".into()));
    }
    let (content_type, bytes) = state
        .db
        .call(move |conn| crate::db::requests::media(conn, &id))
        .await?
        .ok_or_else(|| ApiError::NotFound("no such photo".into()))?;
    let ct = HeaderValue::from_str(&content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        bytes,
    )
        .into_response())
}
