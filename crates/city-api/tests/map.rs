//! The map's routes (issue 14) against the real server: open reports as GeoJSON for a box
//! (filter, edges, paging, nothing personal, coarse places, the R*Tree), every ward's stats,
//! the offices, configured boundaries and basemap (ETag/304, byte ranges, 404 when absent).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::collections::HashSet;
use std::path::PathBuf;

use city_api::map::MapFiles;
use common::{TestServer, assert_refused, json, report_form};
use model::geo::Point;
use model::map::points::ReportPage;
use model::map::{Bbox, MapInfo};
use model::public_place::coarsen;
use reqwest::StatusCode;
use serde_json::Value;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// The test basemap map-shapes generates, and the schematic cells standing in for a city's
/// official boundaries (the same shape: one feature per unit, `properties.code`).
fn configured(s: city_api::AppState) -> city_api::AppState {
    let map = MapFiles::load(
        &s.wards,
        None,
        Some(&repo("assets/ward-cells.geojson")),
        Some(&repo("tests/fixtures/basemap-test.pmtiles")),
    )
    .expect("map files");
    s.with_map(map)
}

async fn file_at(server: &TestServer, lat: f64, lon: f64) -> String {
    let (lat, lon) = (lat.to_string(), lon.to_string());
    let form: Vec<(&str, &str)> = report_form()
        .into_iter()
        .map(|(k, v)| match k {
            "lat" => (k, lat.as_str()),
            "long" => (k, lon.as_str()),
            _ => (k, v),
        })
        .collect();
    let resp = server
        .post("/open311/v2/requests.json")
        .form(&form)
        .send()
        .await
        .expect("send");
    let (status, body) = json(resp).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body[0]["service_request_id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn page(server: &TestServer, query: &str) -> ReportPage {
    let resp = server
        .get(&format!("/api/v1/map/reports.geojson?{query}"))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK, "{query}");
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/geo+json"
    );
    resp.json().await.expect("geojson")
}

fn ids(p: &ReportPage) -> Vec<String> {
    p.features.iter().map(|f| f.properties.id.clone()).collect()
}

#[tokio::test]
async fn a_box_holds_the_reports_whose_public_point_is_inside_it() {
    let server = TestServer::start().await;
    // Bến Thành, Thủ Đức, Côn Đảo.
    let a = file_at(&server, 10.772_46, 106.698_07).await;
    let b = file_at(&server, 10.850_1, 106.771_3).await;
    let c = file_at(&server, 8.683, 106.605).await;
    let public_a = coarsen(Point::new(10.772_46, 106.698_07).unwrap());
    assert_eq!((public_a.lat(), public_a.lon()), (10.773, 106.699));

    let all = page(&server, "").await;
    assert_eq!(
        ids(&all),
        [a.clone(), b.clone(), c.clone()],
        "the whole city, in id order"
    );
    let centre = page(&server, "bbox=106.6,10.7,106.8,10.8").await;
    assert_eq!(ids(&centre), std::slice::from_ref(&a));
    // Edges belong to the box, on the public point: a box whose corner is that point holds it;
    // one a hair short of it does not, though the exact point (10.77246) is inside that one.
    assert_eq!(
        ids(&page(&server, "bbox=106.699,10.773,106.75,10.8").await),
        std::slice::from_ref(&a)
    );
    assert_eq!(
        ids(&page(&server, "bbox=106.6,10.7,106.699,10.773").await),
        std::slice::from_ref(&a)
    );
    assert!(ids(&page(&server, "bbox=106.6,10.7,106.698999,10.772999").await).is_empty());
    assert!(ids(&page(&server, "bbox=106.6,10.7,106.6989,10.78").await).is_empty());
    assert_eq!(ids(&page(&server, "bbox=106.5,8.5,106.7,8.8").await), [c]);
    assert!(ids(&page(&server, "bbox=105.0,20.0,106.0,21.5").await).is_empty());
    // A closed report leaves the map.
    let resp = server.staff(&b, "resolved").await;
    assert!(resp.status().is_success(), "{}", resp.status());
    assert_eq!(ids(&page(&server, "").await).len(), 2);

    for bad in [
        "bbox=106.8,10.7,106.6,10.9",
        "bbox=106.6,10.9,106.8,10.7",
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=NaN,1,2,3",
        "bbox=-181,1,2,3",
    ] {
        let resp = server
            .get(&format!("/api/v1/map/reports.geojson?{bad}"))
            .send()
            .await
            .unwrap();
        let (status, body) = json(resp).await;
        assert_refused(status, &body, StatusCode::BAD_REQUEST, "invalid_bbox");
    }
    for (bad, reason) in [
        ("limit=0", "invalid_page_size"),
        ("limit=1001", "invalid_page_size"),
        ("cursor=-1", "invalid_cursor"),
        ("cursor=x", "invalid_cursor"),
    ] {
        let resp = server
            .get(&format!("/api/v1/map/reports.geojson?{bad}"))
            .send()
            .await
            .unwrap();
        let (status, body) = json(resp).await;
        assert_refused(status, &body, StatusCode::BAD_REQUEST, reason);
    }
}

#[tokio::test]
async fn the_geojson_holds_nothing_personal_and_only_coarse_places() {
    let server = TestServer::start().await;
    let id = file_at(&server, 10.801_234, 106.654_321).await;
    let body: Value = server.get_json("/api/v1/map/reports.geojson").await;
    let text = body.to_string();
    assert_eq!(body["type"], "FeatureCollection");
    let f = &body["features"][0];
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["geometry"]["type"], "Point");
    let keys: HashSet<&str> = f["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        HashSet::from([
            "id",
            "service_code",
            "status",
            "ward_code",
            "requested_at",
            "supporters"
        ]),
    );
    assert_eq!(f["properties"]["id"], id.as_str());
    let public = coarsen(Point::new(10.801_234, 106.654_321).unwrap());
    assert_eq!(f["geometry"]["coordinates"][0].as_f64(), Some(public.lon()));
    assert_eq!(f["geometry"]["coordinates"][1].as_f64(), Some(public.lat()));
    for secret in [
        "10.801234",
        "106.654321",
        "ngập sâu",
        "owner",
        "device",
        "token",
        "address",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[tokio::test]
async fn pages_miss_no_report_and_show_none_twice_while_reports_come_and_go() {
    let server = TestServer::start().await;
    let wards = server.state.wards.clone();
    let filed = server
        .db
        .with(|c| city_api::db::map::seed_demo_reports(c, &wards, 3, chrono::Utc::now()))
        .unwrap();
    assert_eq!(filed, 168 * 3);
    let open: HashSet<String> = server
        .db
        .with(|c| {
            let mut s = c.prepare(
                "SELECT id FROM requests WHERE status NOT IN ('resolved', 'closed') AND lat IS NOT NULL",
            )?;
            s.query_map([], |r| r.get::<_, i64>(0))?
                .map(|r| r.map(|i| i.to_string()))
                .collect::<Result<HashSet<_>, _>>()
        })
        .unwrap();
    assert!(open.len() > 300, "{}", open.len());

    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    let mut added = None;
    loop {
        let q = if cursor.is_empty() {
            "limit=37".to_owned()
        } else {
            format!("limit=37&cursor={cursor}")
        };
        let p = page(&server, &q).await;
        assert!(p.features.len() <= 37);
        seen.extend(ids(&p));
        pages += 1;
        if pages == 3 {
            // A report filed meanwhile comes on a later page, after the ones already read.
            added = Some(file_at(&server, 10.7713, 106.694).await);
        }
        match p.next_cursor {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "a report on two pages");
    let mut want = open;
    want.insert(added.unwrap());
    assert_eq!(unique, want);
    assert!(pages > 10);
}

#[tokio::test]
async fn the_box_is_read_from_the_r_tree() {
    let server = TestServer::start().await;
    let plan: Vec<String> = server
        .db
        .with(|c| {
            let sql = format!(
                "EXPLAIN QUERY PLAN {}",
                city_api::db::map::open_in_box_sql()
            );
            let mut s = c.prepare(&sql)?;
            s.query_map(rusqlite::params![10.7, 10.8, 106.6, 106.8, 0, 10], |r| {
                r.get::<_, String>(3)
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .unwrap();
    let plan = plan.join(" | ");
    assert!(plan.contains("VIRTUAL TABLE INDEX"), "{plan}");
    assert!(!plan.contains("SCAN r"), "{plan}");
}

#[tokio::test]
async fn every_wards_stats_in_one_answer_equal_each_wards_own() {
    let server = TestServer::start().await;
    file_at(&server, 10.7713, 106.694).await;
    let resp = server.get("/api/v1/wards/stats").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    let all: Value = resp.json().await.unwrap();
    let wards = all["wards"].as_array().unwrap();
    assert_eq!(wards.len(), 168);
    let codes: Vec<&str> = wards
        .iter()
        .map(|w| w["ward_code"].as_str().unwrap())
        .collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    assert_eq!(codes, sorted);
    let with_report = wards
        .iter()
        .find(|w| w["reports"]["received"] == 1)
        .expect("the ward of the report");
    let code = with_report["ward_code"].as_str().unwrap();
    let own: Value = server
        .get_json(&format!("/api/v1/wards/{code}/stats"))
        .await;
    assert_eq!(&own, with_report);
    // Unchanged: 304; after a new report: a new tag.
    let again = server
        .get("/api/v1/wards/stats")
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    file_at(&server, 10.7713, 106.694).await;
    let changed = server
        .get("/api/v1/wards/stats")
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
}

async fn revalidates(server: &TestServer, path: &str) {
    let first = server.get(path).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK, "{path}");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    let again = server
        .get(path)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
    assert!(again.bytes().await.unwrap().is_empty());
    let other = server
        .get(path)
        .header("If-None-Match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK, "{path}");
}

#[tokio::test]
async fn configured_files_are_served_with_etags_and_ranges() {
    let server = TestServer::start_with(configured).await;
    let info: MapInfo = server.get_json("/api/v1/map").await;
    let basemap = std::fs::read(repo("tests/fixtures/basemap-test.pmtiles")).unwrap();
    let cells = std::fs::read(repo("assets/ward-cells.geojson")).unwrap();
    assert_eq!(
        info.basemap.as_ref().map(|b| b.bytes),
        Some(basemap.len() as u64)
    );
    assert_eq!(
        info.boundaries.as_ref().map(|b| b.bytes),
        Some(cells.len() as u64)
    );
    for path in [
        "/api/v1/map/boundaries.geojson",
        "/api/v1/map/basemap.pmtiles",
        "/api/v1/wards/offices",
        "/api/v1/map/reports.geojson",
    ] {
        revalidates(&server, path).await;
    }
    let b = server
        .get("/api/v1/map/boundaries.geojson")
        .send()
        .await
        .unwrap();
    assert_eq!(
        b.headers()["etag"].to_str().unwrap(),
        info.boundaries.unwrap().etag
    );
    assert_eq!(b.bytes().await.unwrap().as_ref(), cells.as_slice());

    // The whole file, then ranges as a PMTiles reader asks (the header, a directory, the end).
    let whole = server
        .get("/api/v1/map/basemap.pmtiles")
        .send()
        .await
        .unwrap();
    assert_eq!(
        whole.headers()["etag"].to_str().unwrap(),
        info.basemap.unwrap().etag
    );
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.bytes().await.unwrap().as_ref(), basemap.as_slice());
    let n = basemap.len();
    for (range, from, to) in [
        ("bytes=0-126".to_owned(), 0, 127),
        ("bytes=127-16383".to_owned(), 127, 16384.min(n)),
        (format!("bytes={}-", n - 10), n - 10, n),
        ("bytes=-5".to_owned(), n - 5, n),
    ] {
        let r = server
            .get("/api/v1/map/basemap.pmtiles")
            .header("Range", &range)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            r.headers()["content-range"].to_str().unwrap(),
            format!("bytes {from}-{}/{n}", to - 1)
        );
        assert_eq!(
            r.bytes().await.unwrap().as_ref(),
            &basemap[from..to],
            "{range}"
        );
    }
    let past = server
        .get("/api/v1/map/basemap.pmtiles")
        .header("Range", format!("bytes={}-{}", n + 10, n + 20))
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);
}

#[tokio::test]
async fn files_not_configured_are_404_and_absent_from_the_map_info() {
    let server = TestServer::start().await;
    let info: Value = server.get_json("/api/v1/map").await;
    assert_eq!(info, serde_json::json!({}));
    for path in [
        "/api/v1/map/boundaries.geojson",
        "/api/v1/map/basemap.pmtiles",
    ] {
        let (status, body) = json(server.get(path).send().await.unwrap()).await;
        assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    }
    // The offices are always there (the bundled file).
    let offices: model::map::WardOffices = server.get_json("/api/v1/wards/offices").await;
    offices
        .validate(|c| server.state.wards.iter().any(|w| &w.code == c))
        .expect("valid offices");
}

#[test]
fn bad_map_files_stop_the_server_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = city_api::Db::open(&dir.path().join("c.db")).unwrap();
    db.with(city_api::db::seed_hcmc).unwrap();
    let (wards, _) = db.with(city_api::db::wards).unwrap();
    let write = |name: &str, text: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let not_pmtiles = write("x.pmtiles", b"PMTiles\x02 an old version");
    let unknown_ward = write(
        "b.geojson",
        br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"00001"},"geometry":{"type":"Polygon","coordinates":[[[106,10],[106.1,10],[106.1,10.1],[106,10]]]}}]}"#,
    );
    let bad_offices = write(
        "o.json",
        br#"{"as_of":"2026-12-07","sources":[],"offices":[{"ward_code":"99999"}]}"#,
    );
    let err = |r: Result<MapFiles, city_api::map::MapFileError>| r.err().map(|e| e.to_string());
    assert!(
        err(MapFiles::load(&wards, None, None, Some(&not_pmtiles)))
            .unwrap()
            .contains("not a PMTiles v3")
    );
    assert!(
        err(MapFiles::load(&wards, None, Some(&unknown_ward), None))
            .unwrap()
            .contains("boundaries_unknown_ward")
    );
    assert!(
        err(MapFiles::load(&wards, Some(&bad_offices), None, None))
            .unwrap()
            .contains("offices_unknown_ward")
    );
    assert!(
        err(MapFiles::load(
            &wards,
            None,
            None,
            Some(&dir.path().join("none"))
        ))
        .unwrap()
        .contains("cannot read")
    );
}

/// The figure for the closing note: the whole city's open reports as GeoJSON, ~5,000 of them.
#[tokio::test]
async fn figure_geojson_bytes_of_the_whole_citys_open_reports() {
    let server = TestServer::start().await;
    let wards = server.state.wards.clone();
    server
        .db
        .with(|c| city_api::db::map::seed_demo_reports(c, &wards, 38, chrono::Utc::now()))
        .unwrap();
    let (mut bytes, mut count, mut pages) = (0usize, 0usize, 0usize);
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("limit=1000&cursor={c}"),
            None => "limit=1000".to_owned(),
        };
        let body = server
            .get(&format!("/api/v1/map/reports.geojson?{q}"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        bytes += body.len();
        pages += 1;
        let p: ReportPage = serde_json::from_slice(&body).unwrap();
        count += p.features.len();
        match p.next_cursor {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert!(count >= 5_000, "{count}");
    let per = bytes as f64 / count as f64;
    println!(
        "figure: {count} open reports of the whole city = {bytes} B of GeoJSON in {pages} pages ({per:.0} B per report)"
    );
    let _ = Bbox::HCMC;
}
