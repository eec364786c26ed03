//! The map's offline copy against the real reference city API: the first pull, ETag
//! revalidation, answers with no network, a bad answer keeping the copy, copies bound to the
//! address they came from, and the basemap downloaded (resumed, never used half) and read in
//! ranges through the engine.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use std::path::{Path, PathBuf};

use city_api::Keys;
use city_api::local::LocalServer;
use city_api::map::MapFiles;
use common::{NOWHERE, STAFF_KEY, engine_at};
use core_engine::Engine;
use core_engine::engine::{MAP_DIR, MapSync};
use model::ErrorCode;
use model::map::BoundaryKind;
use model::map::dto::BasemapRangeArgs;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn basemap_bytes() -> Vec<u8> {
    std::fs::read(repo("tests/fixtures/basemap-test.pmtiles")).unwrap()
}

/// The real city serving boundaries (the schematic cells standing in for official ones) and
/// the test basemap, with 8 demo reports in every ward (~1,075 open: two pages).
async fn map_city(dir: &Path) -> LocalServer {
    let keys = Keys {
        api_keys: vec![core_engine::engine::DEMO_API_KEY.into()],
        staff_key: Some(STAFF_KEY.into()),
    };
    let server = LocalServer::start_with(&dir.join("city.db"), keys, |s| {
        let map = MapFiles::load(
            &s.wards,
            None,
            Some(&repo("assets/ward-cells.geojson")),
            Some(&repo("tests/fixtures/basemap-test.pmtiles")),
        )
        .expect("map files");
        s.with_map(map)
    })
    .await
    .expect("city");
    let wards = server.state.wards.clone();
    server
        .db
        .with(|c| city_api::db::map::seed_demo_reports(c, &wards, 8, chrono::Utc::now()))
        .unwrap();
    server
}

fn open_reports(server: &LocalServer) -> usize {
    server
        .db
        .with(|c| {
            c.query_row(
                "SELECT count(*) FROM requests WHERE status NOT IN ('resolved', 'closed')",
                [],
                |r| r.get::<_, i64>(0),
            )
        })
        .unwrap() as usize
}

async fn pulled(engine: &Engine) -> MapSync {
    engine.sync_map().await.expect("a map round")
}

#[tokio::test]
async fn the_first_pull_fills_the_copy_and_the_next_one_revalidates() {
    let dir = tempfile::tempdir().unwrap();
    let city = map_city(dir.path()).await;
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), &city.url);

    // Before any pull: the schematic cells, the bundled offices, no reports, no basemap.
    let before = engine.map_sources().unwrap();
    assert_eq!(before.boundaries, BoundaryKind::Schematic);
    assert_eq!(before.basemap, None);
    assert_eq!(before.reports_pulled_at, None);
    assert_eq!(engine.map_wards().unwrap().count, 168);
    assert_eq!(engine.map_reports(None).unwrap().count, 0);

    let first = pulled(&engine).await;
    assert!(first.changed && first.failed.is_empty(), "{first:?}");
    assert_eq!(
        (first.report_pages.fetched, first.report_pages.unchanged),
        (2, 0)
    );
    let sources = engine.map_sources().unwrap();
    assert_eq!(sources.boundaries, BoundaryKind::Official);
    let file = basemap_bytes();
    assert_eq!(sources.basemap.map(|b| b.bytes), Some(file.len() as u64));
    assert!(sources.reports_pulled_at.is_some() && sources.stats_pulled_at.is_some());
    let reports = engine.map_reports(None).unwrap();
    assert_eq!(reports.count, open_reports(&city));
    assert_eq!(engine.map_stats().unwrap().wards.len(), 168);

    // A ward's card: its open reports, its stats, its office with the source it was read in.
    let card = engine.ward_card("26809").unwrap();
    assert_eq!(card.ward.name, "Phường Hiệp Bình");
    assert!(card.open_reports.is_some_and(|n| n >= 1), "{card:?}");
    assert_eq!(card.stats.as_ref().map(|s| s.reports.received), Some(8));
    let office = card.office.expect("an office");
    assert_eq!(
        office.address.as_deref(),
        Some("2 đường số 5, phường Hiệp Bình, TP.HCM")
    );
    assert!(
        office
            .address_source
            .is_some_and(|s| s.url.starts_with("https://thanhnien.vn/"))
    );
    assert_eq!(office.hours, None, "no source gives its hours");
    assert_eq!(
        engine.ward_card("00000").unwrap_err().code(),
        ErrorCode::UnknownWard
    );

    // The basemap through the engine, in ranges as pmtiles reads it.
    let head = engine
        .basemap_range(BasemapRangeArgs {
            offset: 0,
            length: 127,
        })
        .unwrap();
    assert_eq!(head, file[..127]);
    let tail = engine
        .basemap_range(BasemapRangeArgs {
            offset: file.len() as u64 - 10,
            length: 4096,
        })
        .unwrap();
    assert_eq!(tail, file[file.len() - 10..]);
    for bad in [
        BasemapRangeArgs {
            offset: file.len() as u64,
            length: 1,
        },
        BasemapRangeArgs {
            offset: 0,
            length: 0,
        },
        BasemapRangeArgs {
            offset: 0,
            length: u32::MAX,
        },
    ] {
        assert_eq!(
            engine.basemap_range(bad).unwrap_err().code(),
            ErrorCode::BadRange
        );
    }

    // Nothing changed: every conditional answer is a 304 and nothing moves.
    let again = pulled(&engine).await;
    assert!(!again.changed && again.failed.is_empty(), "{again:?}");
    assert_eq!(
        (again.report_pages.fetched, again.report_pages.unchanged),
        (0, 2)
    );
    // The same set; `pulled_at` is the newer round's (it confirmed the set), so it may differ
    // by a second.
    let rebuilt = engine.map_reports(None).unwrap();
    assert_eq!(
        (&rebuilt.geojson, rebuilt.count),
        (&reports.geojson, reports.count),
        "the set rebuilt from kept pages"
    );
    let basemaps: Vec<_> = std::fs::read_dir(app.path().join(MAP_DIR))
        .unwrap()
        .collect();
    assert_eq!(basemaps.len(), 1, "one whole file, no part left");

    // A report filed meanwhile is in the next round's copy.
    let form = [
        ("api_key", core_engine::engine::DEMO_API_KEY),
        ("service_code", "giao-thong"),
        ("lat", "10.8431"),
        ("long", "106.722"),
        ("description", "Ổ gà trước nhà văn hóa"),
        ("attribute[kind]", "pothole"),
    ];
    let resp = reqwest::Client::new()
        .post(format!("{}/open311/v2/requests.json", city.url))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
    // It is on the last page: the first is still current (304), only the last is fetched.
    let third = pulled(&engine).await;
    assert!(third.changed);
    assert_eq!(
        (third.report_pages.fetched, third.report_pages.unchanged),
        (1, 1)
    );
    assert_eq!(engine.map_reports(None).unwrap().count, reports.count + 1);
}

#[tokio::test]
async fn with_no_network_every_map_answer_comes_from_the_copy() {
    let dir = tempfile::tempdir().unwrap();
    let city = map_city(dir.path()).await;
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), &city.url);
    pulled(&engine).await;
    let (wards, reports, card, stats) = (
        engine.map_wards().unwrap(),
        engine.map_reports(None).unwrap(),
        engine.ward_card("26809").unwrap(),
        engine.map_stats().unwrap(),
    );
    drop(city);
    let offline = pulled(&engine).await;
    assert!(!offline.changed);
    assert!(
        offline.failed.contains(&"info") && offline.failed.contains(&"reports"),
        "{offline:?}"
    );
    assert_eq!(engine.map_wards().unwrap(), wards);
    assert_eq!(engine.map_reports(None).unwrap(), reports);
    assert_eq!(engine.ward_card("26809").unwrap(), card);
    assert_eq!(engine.map_stats().unwrap(), stats);
    assert!(
        engine
            .basemap_range(BasemapRangeArgs {
                offset: 0,
                length: 8
            })
            .is_ok()
    );
}

/// A server on `port` that answers every request with `body` (200, JSON): not the city, a
/// broken one at its address.
async fn broken_city(port: u16, body: &'static str) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = sock.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(answer.as_bytes()).await;
            });
        }
    })
}

#[tokio::test]
async fn a_bad_answer_never_replaces_the_kept_copy() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let keys = Keys {
        api_keys: vec![core_engine::engine::DEMO_API_KEY.into()],
        staff_key: Some(STAFF_KEY.into()),
    };
    let city = LocalServer::start_on(&dir.path().join("city.db"), keys, port)
        .await
        .unwrap();
    let wards = city.state.wards.clone();
    city.db
        .with(|c| city_api::db::map::seed_demo_reports(c, &wards, 1, chrono::Utc::now()))
        .unwrap();
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), &city.url);
    pulled(&engine).await;
    let reports = engine.map_reports(None).unwrap();
    let stats = engine.map_stats().unwrap();
    let card = engine.ward_card("26809").unwrap();
    assert!(reports.count > 100);
    drop(city);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;

    // The same address now answers nonsense, then a page with a point off the globe.
    for body in [
        "<html>Wi-Fi login</html>",
        r#"{"type":"FeatureCollection","features":"x"}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[500,10]},"properties":{"id":"1","service_code":"x","status":"received","requested_at":"t","supporters":0}}]}"#,
        r#"{"wards":[{"ward_code":"99999"}]}"#,
    ] {
        let broken = broken_city(port, body).await;
        let round = pulled(&engine).await;
        broken.abort();
        let _ = broken.await;
        // (What `/api/v1/map` says is the city's to say: an object naming no files is an
        // answer, so `changed` may be set by it; the copies below are what must not move.)
        assert!(
            round.failed.contains(&"reports") && round.failed.contains(&"stats"),
            "{round:?}"
        );
        assert_eq!(engine.map_reports(None).unwrap(), reports);
        assert_eq!(engine.map_stats().unwrap(), stats);
        assert_eq!(engine.ward_card("26809").unwrap(), card);
    }
}

#[tokio::test]
async fn copies_are_shown_only_for_the_address_they_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let city = map_city(dir.path()).await;
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), &city.url);
    pulled(&engine).await;
    let kept = engine.map_reports(None).unwrap();
    assert!(kept.count > 0);

    engine.set_api_base_url(NOWHERE, true).unwrap();
    let elsewhere = engine.map_sources().unwrap();
    assert_eq!(elsewhere.boundaries, BoundaryKind::Schematic);
    assert_eq!(elsewhere.basemap, None);
    assert_eq!(elsewhere.reports_pulled_at, None);
    assert_eq!(engine.map_reports(None).unwrap().count, 0);
    assert_eq!(engine.ward_card("26809").unwrap().open_reports, None);
    assert_eq!(
        engine
            .basemap_range(BasemapRangeArgs {
                offset: 0,
                length: 8
            })
            .unwrap_err()
            .code(),
        ErrorCode::NoBasemap
    );

    engine.set_api_base_url(&city.url, true).unwrap();
    assert_eq!(engine.map_reports(None).unwrap(), kept);
    assert_eq!(
        engine.map_sources().unwrap().boundaries,
        BoundaryKind::Official
    );
}

#[tokio::test]
async fn the_basemap_download_resumes_and_a_stale_part_is_never_used() {
    let dir = tempfile::tempdir().unwrap();
    let city = map_city(dir.path()).await;
    let app = tempfile::tempdir().unwrap();
    let engine = engine_at(app.path(), &city.url);
    let info: model::map::MapInfo = reqwest::get(format!("{}/api/v1/map", city.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let served = info.basemap.unwrap();
    let file = basemap_bytes();
    let map_dir = app.path().join(MAP_DIR);
    std::fs::create_dir_all(&map_dir).unwrap();
    let base = model::ApiBaseUrl::parse(&city.url).unwrap();
    let stem = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(base.as_str().as_bytes());
        let hex: String = d.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("basemap-{hex}")
    };

    // A part cut short under the same ETag: its bytes are kept and only the rest is asked
    // for. (One kept byte is marked: it is still marked at the end, so it was not fetched.)
    let half = file.len() / 2;
    let mut part = file[..half].to_vec();
    part[100] ^= 0xff;
    std::fs::write(map_dir.join(format!("{stem}.part")), &part).unwrap();
    std::fs::write(map_dir.join(format!("{stem}.part.etag")), &served.etag).unwrap();
    assert!(pulled(&engine).await.changed);
    let got = engine
        .basemap_range(BasemapRangeArgs {
            offset: 0,
            length: file.len() as u32,
        })
        .unwrap();
    assert_eq!(got.len(), file.len());
    assert_eq!(
        got[100],
        file[100] ^ 0xff,
        "the kept half was resumed, not fetched again"
    );
    assert_eq!(got[half..], file[half..]);

    // A part of another ETag (an older basemap) is thrown away: the file comes whole.
    let app2 = tempfile::tempdir().unwrap();
    let engine2 = engine_at(app2.path(), &city.url);
    let map_dir2 = app2.path().join(MAP_DIR);
    std::fs::create_dir_all(&map_dir2).unwrap();
    std::fs::write(
        map_dir2.join(format!("{stem}.part")),
        b"PMTiles\x03 an older file",
    )
    .unwrap();
    std::fs::write(
        map_dir2.join(format!("{stem}.part.etag")),
        "\"basemap-old\"",
    )
    .unwrap();
    pulled(&engine2).await;
    let whole = engine2
        .basemap_range(BasemapRangeArgs {
            offset: 0,
            length: file.len() as u32,
        })
        .unwrap();
    assert_eq!(whole, file);
    let left: Vec<_> = std::fs::read_dir(&map_dir2)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].ends_with(".pmtiles"), "{left:?}");
}
