//! `Idempotency-Key` on every POST: the first answer to a key is stored with the change it made,
//! in one transaction; the same key with the same request gets that answer again (marked
//! `Idempotent-Replayed: true`); with a different request, 422; while the first is still being
//! worked on, 409. Requests without a key work as plain Open311 (stock clients send none).

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use model::reason::Reason;
use rusqlite::{Transaction, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::idempotency::{self, Seen};
use crate::db::requests::timestamp;
use crate::error::ApiError;
use crate::state::AppState;

pub const HEADER: &str = "idempotency-key";

/// The `Idempotency-Key` header as the OpenAPI document states it, once for every POST whose
/// first answer is stored under it (`params(…, KeyHeader)` in a route's `utoipa::path`).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code, reason = "only its OpenAPI description is used")]
pub struct KeyHeader {
    /// The client's id for this action, new for each action: a replay of the same request gets the first answer; the same key with another request is 422
    #[param(rename = "Idempotency-Key", pattern = "^[!-~]{1,255}$")]
    key: Option<String>,
}
const MAX_KEY_LEN: usize = 255;

/// The request's Idempotency-Key, trimmed; a malformed one is refused.
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get(HEADER) else {
        return Ok(None);
    };
    let k = v.to_str().ok().map(str::trim).filter(|k| {
        !k.is_empty() && k.len() <= MAX_KEY_LEN && k.bytes().all(|b| b.is_ascii_graphic())
    });
    k.map(|k| Some(k.to_owned())).ok_or_else(|| {
        ApiError::bad(
            Reason::InvalidIdempotencyKey,
            "Idempotency-Key must be 1-255 visible ASCII characters",
        )
    })
}

/// A POST about to be processed: its key (if any) and what identifies its content.
pub struct Post {
    key: Option<String>,
    fingerprint: String,
}

impl Post {
    /// `content` identifies the request: the raw body for forms, a digest of the parts for
    /// uploads (whose multipart boundaries change between retries).
    pub fn new(path: &str, headers: &HeaderMap, content: &[u8]) -> Result<Self, ApiError> {
        let key = key_of(headers)?;
        let mut h = Sha256::new();
        h.update(path.as_bytes());
        h.update([0]);
        h.update(content);
        Ok(Self {
            key,
            fingerprint: hex::encode(h.finalize()),
        })
    }

    /// Stores and looks the key up by its SHA-256 only, for an answer that must not be
    /// replayable by whoever reads the database (a registration, whose replay carries the
    /// device's secret): the key's owner still gets the first answer again.
    pub fn key_hashed(mut self) -> Self {
        self.key = self
            .key
            .map(|k| format!("sha256:{}", hex::encode(Sha256::digest(k.as_bytes()))));
        self
    }

    /// Runs `work` in one immediate transaction and answers `status` with its JSON, or replays
    /// the stored answer. Failures (4xx) are not stored: fixing the request and resending under
    /// the same key works.
    pub async fn commit<T, F>(
        self,
        state: &AppState,
        status: StatusCode,
        work: F,
    ) -> Result<Response, ApiError>
    where
        T: Serialize,
        F: FnOnce(&Transaction<'_>, DateTime<Utc>) -> Result<T, ApiError> + Send + 'static,
    {
        let _guard = match &self.key {
            Some(k) => Some(state.begin(k).ok_or_else(|| {
                ApiError::Conflict(
                    Reason::RequestInFlight,
                    "a request with this Idempotency-Key is still being processed".into(),
                )
            })?),
            None => None,
        };
        let now = state.clock.now();
        let (status, body, replayed) = state
            .db
            .call(move |conn| {
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(crate::db::DbError::from)?;
                if let Some(key) = &self.key {
                    match idempotency::lookup(&tx, key, &self.fingerprint)? {
                        Seen::New => {}
                        Seen::Same { status, body } => return Ok((status, body, true)),
                        Seen::Different => return Err(ApiError::KeyReused),
                    }
                }
                let value = work(&tx, now)?;
                let body = serde_json::to_vec(&value).map_err(crate::db::DbError::from)?;
                if let Some(key) = &self.key {
                    idempotency::store(
                        &tx,
                        key,
                        &self.fingerprint,
                        status.as_u16(),
                        &body,
                        &timestamp(now),
                    )?;
                }
                tx.commit().map_err(crate::db::DbError::from)?;
                Ok((status.as_u16(), body, false))
            })
            .await?;
        let mut res = Response::new(Body::from(body));
        *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(crate::error::JSON_UTF8),
        );
        if replayed {
            res.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        Ok(res)
    }
}
