//! The set-up of the "lost answer" tests: the reference city API, a proxy in front of it that
//! resets the connection instead of answering one request (after the city has committed it),
//! and the app's engine talking to the city through that proxy.

use std::net::SocketAddr;

use citizen_soak::proxy::{Fault, FaultProxy};
use city_api::Keys;
use city_api::local::LocalServer;
use core_engine::engine::DEMO_API_KEY;
use core_engine::{Engine, EngineConfig};
use model::ApiBaseUrl;

pub struct LostAnswer {
    pub city: LocalServer,
    pub proxy: FaultProxy,
    pub engine: Engine,
    _dir: tempfile::TempDir,
}

impl LostAnswer {
    /// `request` is the start of the request line whose answer is lost, e.g.
    /// `"POST /api/v1/devices "`.
    pub async fn start(request: &'static str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let keys = Keys {
            api_keys: vec![DEMO_API_KEY.into()],
            staff_key: None,
        };
        let city = LocalServer::start(&dir.path().join("city.db"), keys)
            .await
            .expect("city");
        let upstream: SocketAddr = city
            .url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("address");
        let proxy = FaultProxy::once(upstream, request, Fault::Reset)
            .await
            .expect("proxy");
        let engine = Engine::start(EngineConfig {
            data_dir: dir.path().join("app"),
            default_api_url: ApiBaseUrl::parse(&format!("http://{}/", proxy.addr)).expect("url"),
            api_key: DEMO_API_KEY.into(),
        });
        Self {
            city,
            proxy,
            engine,
            _dir: dir,
        }
    }

    /// One number from the city's database.
    pub fn count(&self, sql: &str) -> i64 {
        self.city
            .db
            .with(|c| c.query_row(sql, [], |r| r.get::<_, i64>(0)))
            .expect("count")
    }

    /// How many answers the proxy has lost so far.
    pub fn lost(&self) -> u64 {
        self.proxy
            .counters
            .reset
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}
