//! The one way a read route answers a body a phone may already hold: with an ETag, 304 when
//! the client's copy is current, and gzipped when the client takes gzip — for the map's pages
//! and stats and every route of the citizens' voice (issue 15).
//!
//! The gzipped bytes are another representation of the same resource, so they carry another
//! strong ETag (the identity tag with `-gz`, as RFC 9110 §8.8.3 asks: a strong validator
//! differs between the representations of one resource), and every answer — 304 included —
//! says `Vary: Accept-Encoding`, so a cache between keeps the two apart. A 304 is decided
//! before anything is compressed.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// How the body goes: as it is, or gzipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coding {
    Identity,
    Gzip,
}

impl Coding {
    /// Gzip when the client takes it (`Accept-Encoding: gzip`, not refused by `q=0`).
    pub(crate) fn asked(headers: &HeaderMap) -> Self {
        let gzip = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|item| {
                let mut parts = item.split(';').map(str::trim);
                let coding = parts.next().unwrap_or("");
                let refused = parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                coding.eq_ignore_ascii_case("gzip") && !refused
            });
        if gzip { Coding::Gzip } else { Coding::Identity }
    }

    /// The ETag of this representation of the body tagged `tag` (`kind-hash`, no quotes).
    pub(crate) fn etag(self, tag: &str) -> String {
        match self {
            Coding::Identity => format!("\"{tag}\""),
            Coding::Gzip => format!("\"{tag}-gz\""),
        }
    }
}

/// `kind-` and the first 8 bytes of the body's SHA-256 in hex: the same bytes, the same tag.
pub(crate) fn tag_of(kind: &str, body: &[u8]) -> String {
    format!("{kind}-{}", hex::encode(&Sha256::digest(body)[..8]))
}

/// `body` gzipped (level 6: the scoreboard's 105 KB in about a millisecond).
pub(crate) fn gzip(body: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(body)?;
    encoder.finish()
}

/// `body` of `content_type`, tagged by its content, in the coding the client takes.
pub(crate) fn answer(
    headers: &HeaderMap,
    kind: &str,
    content_type: &'static str,
    body: Vec<u8>,
) -> Result<Response, ApiError> {
    let tag = tag_of(kind, &body);
    answer_tagged(headers, &tag, content_type, |coding| match coding {
        Coding::Identity => Ok(body),
        Coding::Gzip => gzip(&body).map_err(internal),
    })
}

/// The answer for a body whose tag is known (`tag`, e.g. from a cache that also keeps its
/// gzipped bytes): `bytes` is asked for the body in the chosen coding only when one is sent.
pub(crate) fn answer_tagged(
    headers: &HeaderMap,
    tag: &str,
    content_type: &'static str,
    bytes: impl FnOnce(Coding) -> Result<Vec<u8>, ApiError>,
) -> Result<Response, ApiError> {
    let coding = Coding::asked(headers);
    let etag = coding.etag(tag);
    let etag_value = HeaderValue::from_str(&etag).map_err(internal)?;
    let common = [
        (header::ETAG, etag_value),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::VARY, HeaderValue::from_static("accept-encoding")),
    ];
    let current = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| super::matches(v, &etag));
    if current {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let body = bytes(coding)?;
    let mut response = (
        common,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response();
    if coding == Coding::Gzip {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    Ok(response)
}

/// A failure of this server's own making: logged here, answered as a bare 500.
fn internal(err: impl std::fmt::Display) -> ApiError {
    tracing::error!("encoding an answer: {err}");
    ApiError::Internal
}

#[cfg(test)]
mod tests {
    use super::Coding;
    use axum::http::{HeaderMap, HeaderValue, header};

    fn asking(value: &'static str) -> Coding {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        Coding::asked(&h)
    }

    #[test]
    fn accept_encoding_forms() {
        assert_eq!(Coding::asked(&HeaderMap::new()), Coding::Identity);
        assert_eq!(asking("gzip"), Coding::Gzip);
        assert_eq!(asking("br, GZIP;q=0.5"), Coding::Gzip);
        assert_eq!(asking("gzip;q=0"), Coding::Identity);
        assert_eq!(asking("gzip; q=0.0, deflate"), Coding::Identity);
        assert_eq!(asking("identity"), Coding::Identity);
        assert_eq!(asking("x-gzip"), Coding::Identity);
    }

    #[test]
    fn each_coding_its_own_etag() {
        assert_eq!(Coding::Identity.etag("s-1"), "\"s-1\"");
        assert_eq!(Coding::Gzip.etag("s-1"), "\"s-1-gz\"");
    }
}
