//! Shared helpers for the engine's integration tests (real SQLite files in temp folders).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use city_api::Keys;
use city_api::local::LocalServer;
use core_engine::engine::DEMO_API_KEY;
use core_engine::sync::Quiet;
use core_engine::{Engine, EngineConfig};
use model::ApiBaseUrl;
use model::draft::{Draft, Identity, PlaceMode};

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

/// Each answer's path and `Content-Encoding`, as the proxy passed it on.
type Codings = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A proxy in front of the city that counts the requests going through it.
pub struct Counting {
    pub url: String,
    hits: Arc<Mutex<Vec<(String, String)>>>,
    codings: Codings,
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
            codings: Codings,
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
            let coding = answer
                .headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            s.codings
                .lock()
                .unwrap()
                .push((parts.uri.path().to_owned(), coding));
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
        let codings = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            // Passes the city's bytes on as they came (a gzipped body stays gzipped).
            http: reqwest::Client::builder()
                .no_gzip()
                .build()
                .expect("client"),
            hits: hits.clone(),
            codings: codings.clone(),
        };
        let app = axum::Router::new().fallback(forward).with_state(shared);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, hits, codings }
    }

    /// The `Content-Encoding` of each answer to a path starting with `path_start`, in order.
    pub fn codings(&self, path_start: &str) -> Vec<Option<String>> {
        self.codings
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p.starts_with(path_start))
            .map(|(_, c)| c.clone())
            .collect()
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

/// A number the city's database answers `sql` with.
pub fn count(city: &LocalServer, sql: &str) -> i64 {
    city.db
        .with(|c| c.query_row(sql, [], |r| r.get::<_, i64>(0)))
        .expect("count")
}

/// Syncs until nothing is left to send; nothing may be refused.
pub async fn sync_until_sent(engine: &Engine) {
    for _ in 0..20 {
        engine.wake_outbox().expect("wake");
        engine.sync(&Quiet).await.expect("sync");
        let counts = engine.outbox_counts().expect("counts");
        if counts.queued == 0 && counts.sending == 0 {
            assert_eq!(counts.needs_attention, 0, "nothing refused");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the outbox did not drain");
}

/// A report filed by someone else (straight to the city), to say "me too" to; its id.
pub async fn someone_elses_report(city: &LocalServer) -> String {
    let resp = reqwest::Client::new()
        .post(format!("{}/open311/v2/requests.json", city.url))
        .form(&[
            ("api_key", DEMO_API_KEY),
            ("service_code", "thoat-nuoc"),
            ("attribute[kind]", "flood"),
            ("description", "Nước ngập ngang bánh xe"),
            ("ward_code", "26743"),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    body[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// The city's staff resolve report `id` with `note`.
pub async fn resolve(city: &LocalServer, id: &str, note: &str) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/staff/requests/{id}/status", city.url))
        .header("X-Staff-Key", STAFF_KEY)
        .json(&serde_json::json!({"status": "resolved", "note": note}))
        .send()
        .await
        .expect("staff");
    assert_eq!(res.status(), 200);
}

/// A complete draft about a flood at 12 Lê Lợi, sent as `identity` (a named one with a phone
/// number and consent); tests change what they need with `..`.
pub fn flood_draft(identity: Identity) -> Draft {
    let named = identity == Identity::WithContact;
    Draft {
        service_code: Some("thoat-nuoc".into()),
        answers: BTreeMap::from([("kind".into(), vec!["flood".into()])]),
        description: "Ngập sâu 40 cm trước chợ sau cơn mưa".into(),
        place_mode: PlaceMode::Address,
        ward_code: Some("26743".into()),
        address: "12 Lê Lợi".into(),
        identity,
        phone: if named {
            "0903123456".into()
        } else {
            String::new()
        },
        consent: named,
        ..Draft::default()
    }
}
