//! Shared helpers for the engine's integration tests (real SQLite files in temp folders).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]
#![allow(dead_code)]

use std::path::Path;

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
