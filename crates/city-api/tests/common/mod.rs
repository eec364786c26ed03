//! A real server on 127.0.0.1:0 over a real SQLite file, seeded with the HCMC units and the
//! 1022 services, shared by the server's test files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]
#![allow(dead_code)]

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use city_api::local::LocalServer;
use city_api::{AppState, Db, Keys};
use model::trust::signature::SignedRequest;
use model::trust::{ContentDigest, DeviceCredential, Registration};

pub const API_KEY: &str = "test-app-key";
pub const STAFF_KEY: &str = "test-staff-secret";
pub const DEVICE: &str = "device-0001-aaaa-bbbb";
/// The owner key of the reports `file_report` files (`OwnerKey::from_bytes([5; 32])`).
pub const OWNER_KEY: &str = "BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU";

pub struct TestServer {
    pub url: String,
    pub db: Db,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    _server: LocalServer,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|s| s).await
    }

    /// [`Self::start`] with the state changed by `configure` (limits, a proxy header).
    pub async fn start_with(configure: impl FnOnce(AppState) -> AppState) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let keys = Keys {
            api_keys: vec![API_KEY.into()],
            staff_key: Some(STAFF_KEY.into()),
        };
        let server = LocalServer::start_with(&dir.path().join("city.db"), keys, configure)
            .await
            .expect("server");
        Self {
            url: server.url.clone(),
            db: server.db.clone(),
            state: server.state.clone(),
            dir,
            _server: server,
        }
    }

    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        client().get(format!("{}{path}", self.url))
    }

    /// The JSON body of `GET path` (whatever its status), read as `T`.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        self.get(path)
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json")
    }

    /// `n` demo dossiers' (code, check value) pairs, from the seeded set.
    pub fn dossier_samples(&self, n: usize) -> Vec<(String, String)> {
        self.db
            .with(|c| city_api::db::dossiers::samples(c, n))
            .expect("samples")
    }

    pub fn post(&self, path: &str) -> reqwest::RequestBuilder {
        client().post(format!("{}{path}", self.url))
    }

    /// Files a valid report; returns its id.
    pub async fn file_report(&self, key: Option<&str>) -> String {
        let mut req = self.post("/open311/v2/requests.json").form(&report_form());
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        let resp = req.send().await.expect("send");
        assert_eq!(resp.status(), reqwest::StatusCode::OK);
        let body: serde_json::Value = resp.json().await.expect("json");
        body[0]["service_request_id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// Registers a device (a fresh Idempotency-Key).
    pub async fn register(&self) -> DeviceCredential {
        let resp = self
            .post(model::trust::REGISTER_PATH)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .form(&[("api_key", API_KEY)])
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), StatusCode::CREATED);
        let r: Registration = resp.json().await.expect("registration");
        DeviceCredential::from_registration(&r).expect("credential")
    }

    /// A form POST signed by `device` at the server's time, under Idempotency-Key `key`.
    pub fn signed(
        &self,
        device: &DeviceCredential,
        path: &str,
        form: &[(&str, &str)],
        key: &str,
    ) -> reqwest::RequestBuilder {
        self.signed_at(device, path, form, key, self.state.clock.now().timestamp())
    }

    /// [`Self::signed`] at `time` (Unix seconds).
    pub fn signed_at(
        &self,
        device: &DeviceCredential,
        path: &str,
        form: &[(&str, &str)],
        key: &str,
        time: i64,
    ) -> reqwest::RequestBuilder {
        let body = serde_urlencoded::to_string(form).expect("form");
        let sig = device.sign(&SignedRequest {
            method: "POST",
            path_and_query: path,
            time,
            idempotency_key: key,
            content: ContentDigest::of_body(body.as_bytes()),
        });
        self.post(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Idempotency-Key", key)
            .header("Citizen-Device", device.id.as_str())
            .header("Citizen-Time", time.to_string())
            .header("Citizen-Signature", sig)
            .body(body)
    }

    pub async fn staff(&self, id: &str, status: &str) -> reqwest::Response {
        self.post(&format!("/api/v1/staff/requests/{id}/status"))
            .header("X-Staff-Key", STAFF_KEY)
            .json(&serde_json::json!({ "status": status, "note": "Đã xử lý" }))
            .send()
            .await
            .expect("send")
    }

    /// Every row of every table, to prove a request changed nothing.
    pub fn snapshot(&self) -> String {
        self.db
            .with(|conn| {
                let mut out = String::new();
                let tables: Vec<String> = conn
                    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for t in tables {
                    let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\""))?;
                    let n = stmt.column_count();
                    let mut rows = stmt.query([])?;
                    while let Some(row) = rows.next()? {
                        out.push_str(&t);
                        for i in 0..n {
                            let v: rusqlite::types::Value = row.get(i)?;
                            out.push_str(&format!("|{v:?}"));
                        }
                        out.push('\n');
                    }
                }
                Ok::<_, rusqlite::Error>(out)
            })
            .expect("snapshot")
    }
}

/// Limits no test of a single client reaches (for tests about something else).
pub fn generous_limits() -> city_api::limits::Limits {
    city_api::limits::Limits::lifted()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

pub fn report_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("api_key", API_KEY),
        ("service_code", "thoat-nuoc"),
        ("lat", "10.7713"),
        ("long", "106.694"),
        ("description", "Đường ngập sâu sau cơn mưa chiều"),
        ("attribute[kind]", "flood"),
        ("attribute[depth_cm]", "35"),
        ("owner_key", OWNER_KEY),
    ]
}

/// A real photo, encoded by the `image` crate.
pub fn photo(format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

/// An answer's status and JSON body.
pub async fn json(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    (status, resp.json().await.expect("json"))
}

/// Asserts that an answer is the Open311 error `want` (status, and the same `code` in the body)
/// with the stable `reason`.
#[track_caller]
pub fn assert_refused(status: StatusCode, body: &Value, want: StatusCode, reason: &str) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body[0]["code"], want.as_u16(), "{body}");
    assert_eq!(body[0]["reason"], reason, "{body}");
}

/// `GET path` from the real server, with `headers`, by a client that unpacks nothing itself
/// (`no_gzip`, whatever features the workspace turns on): the status, headers and raw bytes.
pub async fn raw_get(
    server: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let client = reqwest::Client::builder()
        .no_gzip()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let mut req = client.get(format!("{}{path}", server.url));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.expect("send");
    let (status, head) = (resp.status(), resp.headers().clone());
    (status, head, resp.bytes().await.expect("body").to_vec())
}

/// A read route's every representation: without `Accept-Encoding` the JSON as it is; with
/// gzip the same JSON gzipped, under its own ETag; `Vary: Accept-Encoding` on each; 304 for
/// each coding's own tag, and a full answer when the tag is the other coding's. Returns the
/// identity and gzip sizes in bytes.
pub async fn check_codings(server: &TestServer, path: &str) -> (usize, usize) {
    let (status, head, plain) = raw_get(server, path, &[]).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert_eq!(head.get("content-encoding"), None, "{path}");
    assert_eq!(head["vary"], "accept-encoding", "{path}");
    let plain_tag = head["etag"].to_str().expect("etag").to_owned();
    let json: Value = serde_json::from_slice(&plain).expect("JSON");

    let (status, head, packed) =
        raw_get(server, path, &[("accept-encoding", "gzip, deflate")]).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert_eq!(head["content-encoding"], "gzip", "{path}");
    assert_eq!(head["vary"], "accept-encoding", "{path}");
    let gz_tag = head["etag"].to_str().expect("etag").to_owned();
    assert_ne!(gz_tag, plain_tag, "{path}: each coding its own ETag");
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&packed[..]),
        &mut unpacked,
    )
    .expect("gzip");
    assert_eq!(
        serde_json::from_slice::<Value>(&unpacked).expect("JSON"),
        json,
        "{path}"
    );

    for (tag, coding) in [(&plain_tag, "identity"), (&gz_tag, "gzip")] {
        let (status, head, body) = raw_get(
            server,
            path,
            &[("accept-encoding", coding), ("if-none-match", tag)],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{path} {coding}");
        assert_eq!(&head["etag"], tag.as_str(), "{path} {coding}");
        assert_eq!(head["vary"], "accept-encoding", "{path} {coding}");
        assert!(body.is_empty());
    }
    // The identity copy's tag does not stand for the gzipped bytes, nor the other way round.
    let (status, head, _) = raw_get(
        server,
        path,
        &[("accept-encoding", "gzip"), ("if-none-match", &plain_tag)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert_eq!(head["content-encoding"], "gzip", "{path}");
    let (status, head, _) = raw_get(server, path, &[("if-none-match", &gz_tag)]).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert_eq!(head.get("content-encoding"), None, "{path}");
    (plain.len(), packed.len())
}
