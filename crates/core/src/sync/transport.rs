//! The HTTP side of sync: one attempt to deliver an outbox item, and the status pull of the
//! citizen's reports. Answers are read with a size bound and turned into data the worker
//! classifies; nothing here touches the store.

use std::time::{Duration, SystemTime};

use model::ApiBaseUrl;
use model::open311::{MediaPosted, Posted, ServiceRequest};
use model::reason::Reason;
use model::trust::signature::{DEVICE_HEADER, SIGNATURE_HEADER, SignedRequest, TIME_HEADER};
use model::trust::{ContentDigest, DeviceCredential};
use reqwest::header::{CONTENT_TYPE, DATE, ETAG, IF_NONE_MATCH, RETRY_AFTER};

use super::policy::parse_retry_after;

/// Largest answer read for a POST (the city's answers are a few hundred bytes).
const MAX_POST_ANSWER: usize = 64 * 1024;
/// Largest status-pull page (200 reports of a few KB each).
const MAX_PULL_ANSWER: usize = 4 * 1024 * 1024;

/// Where items go and the key the city gave this app.
#[derive(Clone, Debug)]
pub struct Target {
    pub base: ApiBaseUrl,
    pub api_key: String,
}

/// An HTTP answer, read whole (within bounds).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<Duration>,
    /// The `ETag` header, when short enough to be one.
    pub etag: Option<String>,
    /// The `Content-Type` header, lowercased, without parameters.
    pub content_type: Option<String>,
    /// The server's clock, from its `Date` header.
    pub date: Option<SystemTime>,
}

/// Why no answer came: the link, or an answer too large to be the city's.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("no answer from the city API")]
    Network(#[from] reqwest::Error),
    #[error("the answer was larger than {0} bytes")]
    TooLarge(usize),
    #[error("the form could not be encoded")]
    Encode,
}

/// The city's reason for a refusal, from its `[{"code","description","reason","field"}]` body.
/// A reason this app does not know reads as none: it is shown with the generic text.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Refusal {
    pub reason: Option<Reason>,
    pub field: Option<String>,
}

pub fn refusal(body: &[u8]) -> Refusal {
    #[derive(serde::Deserialize)]
    struct Entry {
        reason: Option<String>,
        field: Option<String>,
    }
    let clip = |s: String| s.chars().take(64).collect::<String>();
    match serde_json::from_slice::<Vec<Entry>>(body) {
        Ok(mut entries) if !entries.is_empty() => {
            let e = entries.swap_remove(0);
            Refusal {
                reason: e.reason.as_deref().and_then(Reason::parse),
                field: e.field.map(clip),
            }
        }
        _ => Refusal::default(),
    }
}

/// A report's id from `POST requests.json`'s `[Posted]`. The reference city files at once and
/// answers with the id; an answer with only a `token` (a city that files later) has no id to
/// follow yet and is not taken as a receipt.
pub fn posted(body: &[u8]) -> Option<String> {
    let mut all: Vec<Posted> = serde_json::from_slice(body).ok()?;
    let id = all.pop()?.service_request_id?;
    is_id(&id).then_some(id)
}

pub fn media_posted(body: &[u8]) -> Option<MediaPosted> {
    let m: MediaPosted = serde_json::from_slice(body).ok()?;
    is_id(&m.media_id).then_some(m)
}

/// Ids go into URL paths later: only short plain tokens are taken.
pub fn is_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub(crate) async fn read(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Answer, LinkError> {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.len() <= 256)
            .map(str::to_owned)
    };
    let etag = header(ETAG);
    let date = header(DATE).and_then(|d| httpdate::parse_http_date(&d).ok());
    let content_type = header(reqwest::header::CONTENT_TYPE).map(|t| {
        t.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(LinkError::TooLarge(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Err(LinkError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        body,
        retry_after,
        etag,
        content_type,
        date,
    })
}

/// A GET read whole within `limit`, conditional on `etag` when one is given.
pub async fn get(
    http: &reqwest::Client,
    url: &str,
    query: &[(&str, String)],
    etag: Option<&str>,
    limit: usize,
) -> Result<Answer, LinkError> {
    let mut request = http.get(url).query(query);
    if let Some(tag) = etag {
        request = request.header(IF_NONE_MATCH, tag);
    }
    read(request.send().await?, limit).await
}

/// A JSON POST that changes nothing on the city's side (so no Idempotency-Key), read whole
/// within `limit`.
pub async fn post_json<T: serde::Serialize + ?Sized>(
    http: &reqwest::Client,
    url: &str,
    query: &[(&str, String)],
    body: &T,
    limit: usize,
) -> Result<Answer, LinkError> {
    let response = http.post(url).query(query).json(body).send().await?;
    read(response, limit).await
}

/// How a request is signed: the device's credential and the time to sign with (Unix seconds,
/// this device's clock corrected by the city's), and the citizen's ID token when they logged
/// in (`crate::login`; sent as `Authorization: Bearer`).
#[derive(Clone, Copy)]
pub struct Signing<'a> {
    pub credential: &'a DeviceCredential,
    pub time: i64,
    pub bearer: Option<&'a str>,
}

impl std::fmt::Debug for Signing<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signing")
            .field("credential", &self.credential)
            .field("time", &self.time)
            .field("bearer", &self.bearer.map(|_| "…"))
            .finish()
    }
}

/// A form POST (report, re-open, rating, "me too") with the item's Idempotency-Key, signed
/// when `signing` is given. The form is serialised once: the bytes signed are the bytes sent.
pub async fn post_form(
    http: &reqwest::Client,
    target: &Target,
    path: &str,
    key: &str,
    fields: &[(String, String)],
    signing: Option<Signing<'_>>,
) -> Result<Answer, LinkError> {
    let mut form: Vec<(&str, &str)> = vec![("api_key", target.api_key.as_str())];
    form.extend(
        fields
            .iter()
            .filter(|(k, _)| k != "api_key")
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let body = serde_urlencoded::to_string(&form).map_err(|_| LinkError::Encode)?;
    let url = target.base.join(path);
    let mut request = http
        .post(&url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("Idempotency-Key", key);
    if let Some(s) = signing {
        let parsed = reqwest::Url::parse(&url).map_err(|_| LinkError::Encode)?;
        let path_and_query = match parsed.query() {
            Some(q) => format!("{}?{q}", parsed.path()),
            None => parsed.path().to_owned(),
        };
        let signature = s.credential.sign(&SignedRequest {
            method: "POST",
            path_and_query: &path_and_query,
            time: s.time,
            idempotency_key: key,
            content: ContentDigest::of_body(body.as_bytes()),
        });
        request = request
            .header(DEVICE_HEADER, s.credential.id.as_str())
            .header(TIME_HEADER, s.time.to_string())
            .header(SIGNATURE_HEADER, signature);
        if let Some(token) = s.bearer {
            request = request.bearer_auth(token);
        }
    }
    read(request.body(body).send().await?, MAX_POST_ANSWER).await
}

/// A signed request without a body (`GET`/`DELETE /api/v1/devices/me`) to `base`, under `key`.
pub async fn signed_empty(
    http: &reqwest::Client,
    base: &model::ApiBaseUrl,
    method: reqwest::Method,
    path: &str,
    key: &str,
    signing: Signing<'_>,
) -> Result<Answer, LinkError> {
    let url = base.join(path.trim_start_matches('/'));
    let parsed = reqwest::Url::parse(&url).map_err(|_| LinkError::Encode)?;
    let signature = signing.credential.sign(&SignedRequest {
        method: method.as_str(),
        path_and_query: parsed.path(),
        time: signing.time,
        idempotency_key: key,
        content: ContentDigest::of_body(&[]),
    });
    let response = http
        .request(method, parsed)
        .header("Idempotency-Key", key)
        .header(DEVICE_HEADER, signing.credential.id.as_str())
        .header(TIME_HEADER, signing.time.to_string())
        .header(SIGNATURE_HEADER, signature)
        .send()
        .await?;
    read(response, MAX_PULL_ANSWER).await
}

/// Registers this device with the city (`POST /api/v1/devices`) under `key`, the same for
/// every try of one registration (`Store::registration_key`).
pub async fn register(
    http: &reqwest::Client,
    target: &Target,
    key: &str,
) -> Result<Answer, LinkError> {
    let path = model::trust::REGISTER_PATH.trim_start_matches('/');
    let response = http
        .post(target.base.join(path))
        .header("Idempotency-Key", key)
        .form(&[("api_key", target.api_key.as_str())])
        .send()
        .await?;
    read(response, MAX_POST_ANSWER).await
}

/// A photo upload (multipart) with the item's Idempotency-Key.
pub async fn post_photo(
    http: &reqwest::Client,
    target: &Target,
    path: &str,
    key: &str,
    fields: &[(String, String)],
    mime: &str,
    bytes: Vec<u8>,
) -> Result<Answer, LinkError> {
    let mut form = reqwest::multipart::Form::new().text("api_key", target.api_key.clone());
    for (k, v) in fields.iter().filter(|(k, _)| k != "api_key") {
        form = form.text(k.clone(), v.clone());
    }
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name("photo")
        .mime_str(mime)?;
    let response = http
        .post(target.base.join(path))
        .header("Idempotency-Key", key)
        .multipart(form.part("media", part))
        .send()
        .await?;
    read(response, MAX_POST_ANSWER).await
}

/// `GET requests.json?service_request_id=…[&cursor=…]`: those of `ids` changed since `cursor`.
pub async fn pull_reports(
    http: &reqwest::Client,
    target: &Target,
    ids: &[&str],
    cursor: Option<i64>,
) -> Result<Result<Vec<ServiceRequest>, u16>, LinkError> {
    let mut query = vec![("service_request_id", ids.join(","))];
    if let Some(c) = cursor {
        query.push(("cursor", c.to_string()));
    }
    let response = http
        .get(target.base.join("open311/v2/requests.json"))
        .query(&query)
        .send()
        .await?;
    let answer = read(response, MAX_PULL_ANSWER).await?;
    if answer.status != 200 {
        return Ok(Err(answer.status));
    }
    Ok(serde_json::from_slice(&answer.body).map_err(|_| answer.status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_read_or_left_empty() {
        let body = br#"[{"code":400,"description":"x","reason":"too_long","field":"description"}]"#;
        assert_eq!(
            refusal(body),
            Refusal {
                reason: Some(Reason::TooLong),
                field: Some("description".into())
            }
        );
        for junk in [&b"<html>502</html>"[..], b"[]", b"{}", b"", b"\xff\xfe"] {
            assert_eq!(refusal(junk), Refusal::default());
        }
        let long = format!(r#"[{{"reason":"x","field":"{}"}}]"#, "x".repeat(10_000));
        assert_eq!(refusal(long.as_bytes()).reason, None);
        assert_eq!(refusal(long.as_bytes()).field.map(|r| r.len()), Some(64));
    }

    #[test]
    fn only_plausible_receipts_are_accepted() {
        let ok = br#"[{"service_request_id":"17","service_notice":null}]"#;
        assert_eq!(posted(ok), Some("17".into()));
        // Older answers also carried a token; the id is what counts.
        let both = br#"[{"service_request_id":"17","token":"t"}]"#;
        assert_eq!(posted(both), Some("17".into()));
        assert!(posted(br#"[{"token":"t"}]"#).is_none());
        assert!(posted(br#"[{"service_request_id":"","token":"t"}]"#).is_none());
        assert!(posted(b"[]").is_none());
        assert!(posted(br#"[{"service_request_id":"../staff","token":"t"}]"#).is_none());
        assert!(posted(br#"[{"service_req"#).is_none());
        assert!(
            media_posted(
                br#"{"media_id":"m1","media_url":"u","content_type":"image/jpeg","bytes":3}"#
            )
            .is_some()
        );
        assert!(media_posted(br#"{"media_id":""}"#).is_none());
    }
}
