//! The reference server over real sockets on 127.0.0.1:0 and real SQLite files.

use std::time::Duration;

use city_api::{AppState, Db, db};
use model::{UnitKind, WardCatalog};
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde_json::Value;

struct TestServer {
    url: String,
    db: Db,
    _dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    async fn start() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::open(&dir.path().join("city.db")).expect("open");
        db.with(db::seed_hcmc).expect("seed");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let state = AppState { db: db.clone() };
        tokio::spawn(city_api::serve(listener, state, async {
            let _ = stopped.await;
        }));
        Self {
            url,
            db,
            _dir: dir,
            stop: Some(stop),
        }
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        client().get(format!("{}{path}", self.url))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

#[tokio::test]
async fn health_answers() {
    let s = TestServer::start().await;
    let body: Value = s
        .get("/health")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn wards_are_the_168_hcmc_units() {
    let s = TestServer::start().await;
    let resp = s.get("/api/v1/wards").send().await.expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["cache-control"], "no-cache");
    let catalog: WardCatalog = resp.json().await.expect("catalogue");
    catalog.validate().expect("valid");
    let count = |k| catalog.units.iter().filter(|u| u.kind == k).count();
    assert_eq!(
        (
            catalog.units.len(),
            count(UnitKind::Phuong),
            count(UnitKind::Xa),
            count(UnitKind::DacKhu)
        ),
        (168, 113, 54, 1)
    );
    assert!(
        catalog
            .units
            .iter()
            .any(|u| u.name == "Phường Bến Thành" && u.code.as_str() == "26743")
    );
    assert!(
        catalog.units.windows(2).all(|w| w[0].code < w[1].code),
        "sorted by code"
    );
}

#[tokio::test]
async fn etag_revalidation_and_changes() {
    let s = TestServer::start().await;
    let first = s.get("/api/v1/wards").send().await.expect("send");
    let etag = first.headers()[ETAG].to_str().expect("etag").to_owned();
    for sent in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
        "*".into(),
    ] {
        let resp = s
            .get("/api/v1/wards")
            .header(IF_NONE_MATCH, &sent)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), StatusCode::NOT_MODIFIED, "{sent}");
        assert_eq!(resp.headers()[ETAG], etag.as_str());
        assert!(resp.bytes().await.expect("body").is_empty());
    }
    // Seeding the same data again changes nothing.
    assert_eq!(s.db.with(db::seed_hcmc).expect("reseed"), 0);
    let again = s
        .get("/api/v1/wards")
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // A real change gives a new ETag and a full answer.
    s.db.with(|c| {
        Ok(c.execute(
            "UPDATE wards SET name = 'Phường Bến Thành Mới' WHERE code = '26743'",
            [],
        )?)
    })
    .expect("update");
    let changed = s
        .get("/api/v1/wards")
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .expect("send");
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()[ETAG], etag.as_str());
}

#[tokio::test]
async fn one_ward_and_errors_are_json_arrays() {
    let s = TestServer::start().await;
    let ward: Value = s
        .get("/api/v1/wards/26743")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(ward["name"], "Phường Bến Thành");
    let cases = [
        ("/api/v1/wards/99999", StatusCode::NOT_FOUND, "not_found"),
        (
            "/api/v1/wards/2674",
            StatusCode::BAD_REQUEST,
            "invalid_ward_code",
        ),
        (
            "/api/v1/wards/..%2F..%2Fetc",
            StatusCode::BAD_REQUEST,
            "invalid_ward_code",
        ),
        (
            "/api/v1/wards/'%20OR%201=1",
            StatusCode::BAD_REQUEST,
            "invalid_ward_code",
        ),
        ("/nope", StatusCode::NOT_FOUND, "not_found"),
        (
            "/api/v1/wards/26743/extra",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (path, status, code) in cases {
        let resp = s.get(path).send().await.expect("send");
        assert_eq!(resp.status(), status, "{path}");
        let body: Value = resp.json().await.expect("json error");
        assert_eq!(body[0]["code"], code, "{path}");
        assert!(
            body[0]["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
    }
    let resp = client()
        .post(format!("{}/api/v1/wards", s.url))
        .body("{}")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body[0]["code"], "method_not_allowed");
}

#[tokio::test]
async fn openapi_documents_every_route() {
    let s = TestServer::start().await;
    let doc: Value = s
        .get("/openapi.json")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().expect("paths");
    let documented: Vec<&str> = paths.keys().map(String::as_str).collect();
    assert_eq!(
        documented,
        ["/api/v1/wards", "/api/v1/wards/{code}", "/health"]
    );
    // Every documented path is served (not the 404 fallback).
    for path in documented {
        let concrete = path.replace("{code}", "26743");
        let resp = s.get(&concrete).send().await.expect("send");
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
    }
    assert!(doc["components"]["schemas"]["Ward"].is_object());
}

#[test]
fn a_database_from_a_newer_server_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("city.db");
    drop(Db::open(&path).expect("create"));
    rusqlite::Connection::open(&path)
        .expect("open")
        .pragma_update(None, "user_version", 42)
        .expect("bump");
    let before = std::fs::read(&path).expect("read");
    let err = Db::open(&path).err().expect("refused");
    assert!(
        matches!(err, city_api::DbError::TooNew { found: 42, .. }),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).expect("read"), before);
}
