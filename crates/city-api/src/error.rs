//! Every error answer has Open311's shape, `[{"code": <HTTP status>, "description": "..."}]`, so
//! stock Open311 clients understand it, plus a stable `reason` (and the `field` concerned) so
//! the app can translate it. Internal failures are logged and answered with a bare 500 entry.

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use model::feedback::FieldError;
use model::reason::Reason;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;

/// One entry of an error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEntry {
    /// The HTTP status, as Open311 has it.
    pub code: u16,
    /// Human-readable explanation (English).
    pub description: String,
    /// Stable machine reason, e.g. `not_found`, `too_long`.
    pub reason: Reason,
    /// The request field concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    /// Something the request names does not exist here (`reason` says what): 404, as Open311
    /// answers an unknown `jurisdiction_id`.
    #[error("{1}")]
    Unknown(Reason, String),
    /// A malformed or unacceptable request: `(reason, description)`.
    #[error("{1}")]
    BadRequest(Reason, String),
    #[error("{0}")]
    Field(#[from] FieldError),
    /// A JSON body's field that cannot be taken: `(reason, field, description)`; the field is
    /// named as a path, e.g. `dossiers[3].check`.
    #[error("{2}")]
    BadField(Reason, String, String),
    #[error("{0}")]
    Forbidden(Reason, String),
    /// The request's device signature is missing, wrong or names an unknown device: 401.
    #[error("{1}")]
    Unauthorized(Reason, String),
    /// `Citizen-Time` is too far from the server's clock, whose time this answer's `Date` gives.
    #[error("Citizen-Time is more than 5 minutes from the server's clock (see the Date header)")]
    StaleTime(chrono::DateTime<chrono::Utc>),
    /// Too many requests from this network address or device (see `limits`).
    #[error("too many requests from this address or device: try again in {} s", retry_after_secs(.0))]
    RateLimited(std::time::Duration),
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request conflicts with the current state: `(reason, description)`.
    #[error("{1}")]
    Conflict(Reason, String),
    #[error("this Idempotency-Key was used for a different request")]
    KeyReused,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    TooLarge(String),
    /// Too many wrong check values from this client (see `throttle`).
    #[error("too many wrong check values from this address: try again in {} s", retry_after_secs(.0))]
    Throttled(std::time::Duration),
    #[error(transparent)]
    Db(#[from] DbError),
    /// A service this request needs (the city's identity provider) cannot be reached: 503.
    #[error("{1}")]
    Unavailable(Reason, String),
    /// A failure already logged where it happened: answered as a bare 500.
    #[error("internal error")]
    Internal,
}

impl ApiError {
    fn parts(&self) -> (StatusCode, Reason, Option<String>) {
        match self {
            Self::NotFound(_) => (StatusCode::NOT_FOUND, Reason::NotFound, None),
            Self::Unknown(reason, _) => (StatusCode::NOT_FOUND, *reason, None),
            Self::BadRequest(reason, _) => (StatusCode::BAD_REQUEST, *reason, None),
            // Open311: "404 - service_code or jurisdiction_id provided were not found".
            Self::Field(e @ FieldError::UnknownService { .. }) => {
                (StatusCode::NOT_FOUND, e.reason(), e.field())
            }
            Self::Field(e) => (StatusCode::BAD_REQUEST, e.reason(), e.field()),
            Self::BadField(reason, field, _) => {
                (StatusCode::BAD_REQUEST, *reason, Some(field.clone()))
            }
            Self::Forbidden(reason, _) => (StatusCode::FORBIDDEN, *reason, None),
            Self::Unauthorized(reason, _) => (StatusCode::UNAUTHORIZED, *reason, None),
            Self::StaleTime(_) => (StatusCode::UNAUTHORIZED, Reason::StaleTime, None),
            Self::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, Reason::RateLimited, None),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                Reason::MethodNotAllowed,
                None,
            ),
            Self::Conflict(reason, _) => (StatusCode::CONFLICT, *reason, None),
            Self::KeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Reason::IdempotencyKeyReused,
                None,
            ),
            Self::UnsupportedMediaType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Reason::UnsupportedMediaType,
                None,
            ),
            Self::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, Reason::TooLarge, None),
            Self::Throttled(_) => (StatusCode::TOO_MANY_REQUESTS, Reason::Throttled, None),
            Self::Unavailable(reason, _) => (StatusCode::SERVICE_UNAVAILABLE, *reason, None),
            Self::Db(_) | Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                Reason::InternalError,
                None,
            ),
        }
    }

    pub fn bad(reason: Reason, description: impl Into<String>) -> Self {
        Self::BadRequest(reason, description.into())
    }
}

pub fn entry_response(
    status: StatusCode,
    reason: Reason,
    description: String,
    field: Option<String>,
) -> Response {
    (
        status,
        Json([ErrorEntry {
            code: status.as_u16(),
            description,
            reason,
            field,
        }]),
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, reason, field) = self.parts();
        let description = if let Self::Db(err) = &self {
            tracing::error!(%err, "internal error");
            "internal error".to_owned()
        } else {
            self.to_string()
        };
        let mut res = entry_response(status, reason, description, field);
        match self {
            Self::Throttled(wait) | Self::RateLimited(wait) => {
                res.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(retry_after_secs(&wait)),
                );
            }
            Self::StaleTime(now) => {
                // The server's own clock (tests move it), not the one hyper would write.
                if let Ok(date) = HeaderValue::from_str(&crate::trust::http_date(now)) {
                    res.headers_mut().insert(header::DATE, date);
                }
            }
            _ => {}
        }
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Citizen-Signature"),
            );
        }
        res
    }
}

/// Whole seconds to wait, rounded up: a client that waits exactly that long is let in.
pub fn retry_after_secs(wait: &std::time::Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

impl From<crate::throttle::Throttled> for ApiError {
    fn from(t: crate::throttle::Throttled) -> Self {
        Self::Throttled(t.retry_after)
    }
}

/// Open311's JSON content type: "Content-Type: application/json; charset=utf-8".
pub const JSON_UTF8: &str = "application/json; charset=utf-8";

/// What no route serves. Open311 names the format by the resource's suffix, so the `.xml` twin
/// of an Open311 JSON resource (`templates`: the routes' paths) is refused as a format this
/// server does not serve, the same 400 the `{id}.xml` routes give, not as a missing resource.
pub fn fallback(path: &str, templates: &[String]) -> ApiError {
    let json = path
        .strip_suffix(".xml")
        .filter(|_| path.starts_with("/open311/"))
        .map(|stem| format!("{stem}.json"));
    if json.is_some_and(|json| templates.iter().any(|t| path_matches(t, &json))) {
        return crate::open311::xml_refused();
    }
    ApiError::NotFound("no such resource".into())
}

/// `path` fits the route template `template` (a `{name}` segment takes any non-empty segment).
fn path_matches(template: &str, path: &str) -> bool {
    let (mut t, mut p) = (template.split('/'), path.split('/'));
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(ts), Some(ps)) => {
                let any = ts.starts_with('{') && ts.ends_with('}');
                if !(ts == ps || any && !ps.is_empty()) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Every JSON answer, ours, axum's and the replayed ones, says its charset as Open311 asks.
pub async fn json_charset(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let plain_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"application/json"));
    if plain_json {
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    }
    res
}

/// Gives the answers made by layers and extractors (413 from the body limit, 408 from the
/// timeout, 400/415/422 from axum's own rejections) the same JSON shape as ours.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let reason = match status {
        StatusCode::PAYLOAD_TOO_LARGE => Reason::TooLarge,
        StatusCode::REQUEST_TIMEOUT => Reason::Timeout,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Reason::UnsupportedMediaType,
        StatusCode::METHOD_NOT_ALLOWED => Reason::MethodNotAllowed,
        StatusCode::NOT_FOUND => Reason::NotFound,
        s if s.is_server_error() => Reason::InternalError,
        _ => Reason::BadRequest,
    };
    let description = status
        .canonical_reason()
        .unwrap_or("request refused")
        .to_owned();
    let mut out = entry_response(status, reason, description, None);
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(v) = res.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out
}
