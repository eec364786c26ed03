//! The reference server over real sockets on 127.0.0.1:0 and real SQLite files.

use city_api::{Db, db};
use model::{UnitKind, WardCatalog};
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};
use serde_json::Value;

mod common;
use common::{TestServer, client};

#[tokio::test]
async fn health_answers() {
    let s = TestServer::start().await;
    let body: Value = s.get_json("/health").await;
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
async fn the_whole_service_catalogue_in_both_languages_with_an_etag() {
    let s = TestServer::start().await;
    let resp = s.get("/api/v1/services").send().await.expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let etag = resp.headers()[ETAG].to_str().expect("etag").to_owned();
    let text = resp.text().await.expect("body");
    let catalog = model::service::ServiceCatalog::from_json(&text).expect("valid catalogue");
    assert_eq!(catalog.services.len(), 19);
    assert!(catalog.triage().is_some());
    assert!(catalog.services.iter().all(|x| !x.name.en.is_empty()));
    let again = s
        .get("/api/v1/services")
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
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
        c.execute(
            "UPDATE wards SET name = 'Phường Bến Thành Mới' WHERE code = '26743'",
            [],
        )
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
    let ward: Value = s.get_json("/api/v1/wards/26743").await;
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
        assert_eq!(body[0]["reason"], code, "{path}");
        assert_eq!(body[0]["code"], status.as_u16(), "{path}");
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
    assert_eq!(body[0]["reason"], "method_not_allowed");
}

#[tokio::test]
async fn openapi_documents_every_route() {
    let s = TestServer::start().await;
    let doc: Value = s.get_json("/openapi.json").await;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().expect("paths");
    let mut documented: Vec<String> = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().expect("item").keys() {
            documented.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    documented.sort();
    // The routes this server has; a route added without documentation fails here.
    let served = [
        "DELETE /api/v1/devices/me",
        "GET /api/v1/announcements",
        "GET /api/v1/devices/me",
        "GET /api/v1/dossiers/{code}",
        "GET /api/v1/dossiers/{code}/receipt.svg",
        "GET /api/v1/login",
        "GET /api/v1/map",
        "GET /api/v1/map/basemap.pmtiles",
        "GET /api/v1/map/boundaries.geojson",
        "GET /api/v1/map/reports.geojson",
        "GET /api/v1/scoreboard",
        "GET /api/v1/services",
        "GET /api/v1/staff/requests/{id}",
        "GET /api/v1/staff/surveys/{id}/results",
        "GET /api/v1/staff/wards/{code}/comments",
        "GET /api/v1/surveys",
        "GET /api/v1/surveys/{id}",
        "GET /api/v1/surveys/{id}/results",
        "GET /api/v1/wards",
        "GET /api/v1/wards/offices",
        "GET /api/v1/wards/stats",
        "GET /api/v1/wards/{code}",
        "GET /api/v1/wards/{code}/scoreboard",
        "GET /api/v1/wards/{code}/stats",
        "GET /health",
        "GET /open311/discovery.json",
        "GET /open311/discovery.xml",
        "GET /open311/v2/media/{id}",
        "GET /open311/v2/requests.json",
        "GET /open311/v2/requests/{id}",
        "GET /open311/v2/requests/{id}/events.json",
        "GET /open311/v2/services.json",
        "GET /open311/v2/services/{code}",
        "GET /open311/v2/tokens/{token}",
        "POST /api/v1/devices",
        "POST /api/v1/dossiers/changes",
        "POST /api/v1/staff/announcements",
        "POST /api/v1/staff/announcements/{id}/withdraw",
        "POST /api/v1/staff/dossiers/{code}/status",
        "POST /api/v1/staff/requests/{id}/media",
        "POST /api/v1/staff/requests/{id}/status",
        "POST /api/v1/staff/surveys",
        "POST /api/v1/staff/surveys/{id}/state",
        "POST /api/v1/surveys/{id}/answers",
        "POST /api/v1/wards/{code}/ratings",
        "POST /open311/v2/requests.json",
        "POST /open311/v2/requests/{id}/media.json",
        "POST /open311/v2/requests/{id}/rating.json",
        "POST /open311/v2/requests/{id}/reopen.json",
        "POST /open311/v2/requests/{id}/supporters.json",
        "PUT /api/v1/staff/surveys/{id}",
    ];
    assert_eq!(documented, served);
    // Every documented route is routed (never the 404 fallback with reason `not_found` for the
    // route itself): probe each with harmless values.
    for route in served {
        let (method, path) = route.split_once(' ').expect("route");
        let concrete = path
            .replace("{code}", "26743")
            .replace("{id}", "999999")
            .replace("{token}", "nope.json");
        let resp = client()
            .request(
                method.parse().expect("method"),
                format!("{}{concrete}", s.url),
            )
            .send()
            .await
            .expect("send");
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        let fallback = body[0]["description"] == "no such resource";
        assert!(!fallback, "{route} is not routed ({status})");
        assert!(!status.is_server_error(), "{route}: {status}");
    }
    assert!(doc["components"]["schemas"]["Ward"].is_object());
    assert!(doc["components"]["schemas"]["ServiceRequest"].is_object());
}

/// OpenAPI: "The operationId MUST be unique among all operations described in the API" (a
/// client generator names its methods by it), and every link leads to one of them.
#[tokio::test]
async fn openapi_operation_ids_are_unique_and_links_lead_to_them() {
    let s = TestServer::start().await;
    let doc: Value = s.get_json("/openapi.json").await;
    let ops: Vec<&Value> = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("item").values())
        .collect();
    let mut ids: Vec<&str> = ops
        .iter()
        .map(|op| {
            op["operationId"]
                .as_str()
                .expect("every operation has an id")
        })
        .collect();
    ids.sort_unstable();
    let count = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), count, "duplicate operationId in {ids:?}");
    let mut links = 0;
    for op in &ops {
        for answer in op["responses"].as_object().expect("responses").values() {
            for link in answer["links"]
                .as_object()
                .into_iter()
                .flat_map(|l| l.values())
            {
                let to = link["operationId"].as_str().expect("link target");
                assert!(ids.contains(&to), "link to unknown operation {to}");
                links += 1;
            }
        }
    }
    assert!(
        links > 0,
        "the document links a filed report to what follows"
    );
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
