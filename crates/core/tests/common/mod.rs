//! Shared helpers for the engine's integration tests (real SQLite files in temp folders).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]
#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use city_api::Keys;
use city_api::local::LocalServer;
use core_engine::engine::DEMO_API_KEY;
use core_engine::{Engine, EngineConfig};
use model::ApiBaseUrl;

/// A loopback address where nothing listens (port 9 "discard" is never served here).
pub const NOWHERE: &str = "http://127.0.0.1:9/";

/// The key city staff use on the test city (moves a report along its life).
pub const STAFF_KEY: &str = "test-staff-secret";

/// The real reference city API on 127.0.0.1:0, its database in `dir`, taking the app's key.
pub async fn city(dir: &Path) -> LocalServer {
    let keys = Keys {
        api_keys: vec![DEMO_API_KEY.into()],
        staff_key: Some(STAFF_KEY.into()),
    };
    LocalServer::start(&dir.join("city.db"), keys)
        .await
        .expect("the test city starts")
}

/// A loopback port nothing listens on now, for a city started there later with [`city_on`]
/// (work queued for that address while "offline" is then sent to it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The test city on loopback `port`.
pub async fn city_on(dir: &Path, port: u16) -> LocalServer {
    let keys = Keys {
        api_keys: vec![DEMO_API_KEY.into()],
        staff_key: Some(STAFF_KEY.into()),
    };
    LocalServer::start_on(&dir.join("city.db"), keys, port)
        .await
        .expect("the test city starts")
}

/// A city API address as the app keeps it.
pub fn origin(url: &str) -> ApiBaseUrl {
    ApiBaseUrl::parse(url).expect("test URL is valid")
}

pub fn engine_at(dir: &Path, api: &str) -> Engine {
    Engine::start(EngineConfig {
        data_dir: dir.to_owned(),
        default_api_url: ApiBaseUrl::parse(api).expect("test URL is valid"),
        api_key: DEMO_API_KEY.into(),
    })
}

pub fn db_file(dir: &Path) -> std::path::PathBuf {
    dir.join(core_engine::store::DB_FILE)
}

/// A proxy in front of the city that counts the requests going through it.
pub struct Counting {
    pub url: String,
    hits: Arc<Mutex<Vec<(String, String)>>>,
}

impl Counting {
    pub async fn start(upstream: &str) -> Self {
        Self::start_on(upstream, 0).await
    }

    /// On loopback `port` (0: any free one), e.g. where an engine was pointed while offline.
    pub async fn start_on(upstream: &str, port: u16) -> Self {
        use axum::extract::{Request, State};
        use axum::response::Response;

        #[derive(Clone)]
        struct Shared {
            upstream: String,
            http: reqwest::Client,
            hits: Arc<Mutex<Vec<(String, String)>>>,
        }
        async fn forward(State(s): State<Shared>, req: Request) -> Response {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 16 << 20).await.expect("body");
            s.hits
                .lock()
                .unwrap()
                .push((parts.method.to_string(), parts.uri.path().to_owned()));
            let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let mut asked = s
                .http
                .request(parts.method.clone(), format!("{}{target}", s.upstream))
                .body(body.to_vec());
            for (k, v) in &parts.headers {
                if k != "host" && k != "content-length" {
                    asked = asked.header(k, v);
                }
            }
            let answer = asked.send().await.expect("upstream");
            let mut out = Response::builder().status(answer.status());
            for (k, v) in answer.headers() {
                if k != "content-length" && k != "transfer-encoding" {
                    out = out.header(k, v);
                }
            }
            let bytes = answer.bytes().await.expect("upstream body");
            out.body(axum::body::Body::from(bytes)).expect("response")
        }

        let hits = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            hits: hits.clone(),
        };
        let app = axum::Router::new().fallback(forward).with_state(shared);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, hits }
    }

    pub fn count(&self, method: &str, path_start: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, p)| m == method && p.starts_with(path_start))
            .count()
    }
}
