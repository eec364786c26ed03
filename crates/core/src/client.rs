//! The city API over HTTP. Every answer is checked before anything is stored.
//!
//! Where the app connects: only to addresses that passed [`ApiBaseUrl`] (`https`, or plain
//! `http` to this device) and to URLs under the one in use (`sync::news` refuses a photo URL of
//! another origin). The client follows no redirect: a 307 or 308 makes a client send the same
//! form again to wherever the `Location` says, `http://` included, so a contact form or a
//! device id would go in clear text or to another host. A 3xx is an answer the app does not
//! accept (the outbox tries again later, `policy::classify`).

use std::time::Duration;

use model::ward::WardError;
use model::{ApiBaseUrl, ErrorCode, WardCatalog};
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};

/// Largest ward list accepted (the real one is ~30 KB).
const MAX_WARDS_BODY: usize = 2 * 1024 * 1024;

/// A slow 2G link must still get through; a dead one must not hang the app.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("the city API cannot be reached")]
    Unreachable(#[source] reqwest::Error),
    #[error("the city API answered {0}")]
    Status(StatusCode),
    #[error("the city API sent more than {MAX_WARDS_BODY} bytes")]
    TooLarge,
    #[error("the city API sent a ward list the app cannot accept")]
    BadBody(#[source] WardError),
}

impl FetchError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unreachable(_) => ErrorCode::Offline,
            Self::Status(status)
                if status.is_server_error() || *status == StatusCode::TOO_MANY_REQUESTS =>
            {
                ErrorCode::ServerError
            }
            Self::Status(_) | Self::TooLarge | Self::BadBody(_) => ErrorCode::BadResponse,
        }
    }
}

/// The result of a conditional ward pull.
#[derive(Debug)]
pub enum WardFetch {
    /// 304: our copy is current.
    NotModified,
    Updated {
        catalog: WardCatalog,
        etag: Option<String>,
    },
}

#[derive(Clone)]
pub struct CityClient {
    http: reqwest::Client,
}

/// The one HTTP client the app builds: bounded times, rustls, and no redirects followed.
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("citizen-app/", env!("CARGO_PKG_VERSION")))
        .build()
}

impl CityClient {
    pub fn new() -> Result<Self, reqwest::Error> {
        Ok(Self {
            http: http_client()?,
        })
    }

    /// The shared connection pool (the sync worker sends through it too).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// `GET api/v1/wards` with `If-None-Match`; validates the whole list before returning it.
    pub async fn fetch_wards(
        &self,
        base: &ApiBaseUrl,
        etag: Option<&str>,
    ) -> Result<WardFetch, FetchError> {
        let mut request = self.http.get(base.join("api/v1/wards"));
        if let Some(etag) = etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        let mut response = request.send().await.map_err(FetchError::Unreachable)?;
        match response.status() {
            StatusCode::NOT_MODIFIED => return Ok(WardFetch::NotModified),
            StatusCode::OK => {}
            other => return Err(FetchError::Status(other)),
        }
        let etag = response
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.len() <= 256)
            .map(str::to_owned);
        if response
            .content_length()
            .is_some_and(|len| len > MAX_WARDS_BODY as u64)
        {
            return Err(FetchError::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(FetchError::Unreachable)? {
            if body.len() + chunk.len() > MAX_WARDS_BODY {
                return Err(FetchError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        let text =
            std::str::from_utf8(&body).map_err(|_| FetchError::BadBody(WardError::BadJson))?;
        let catalog = WardCatalog::from_json(text).map_err(FetchError::BadBody)?;
        Ok(WardFetch::Updated { catalog, etag })
    }
}
