//! The city map in the real app under Xvfb, against the real city API (issue 14): open the map,
//! the 168 units are drawn (counted from the map's own features after `idle`), a ward found by
//! search and tapped opens its card, the open-reports layer draws the seeded report, a place for
//! a new report is chosen on the map and the report is sent with it, and the list view ("skip
//! the map"). Screenshots in Vietnamese and English at phone and kiosk sizes. Prints the first
//! render time (cold and warm) and the memory of the app's process tree on the map and after
//! leaving it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::time::{Duration, Instant};

use e2e::{App, AppEnv, CityApi, Display, Result, processes_in_group};
use serde_json::json;

/// The public report seeded on the server: a flood next to Bến Thành market.
const SEEDED: (f64, f64) = (10.7725, 106.6980);

async fn seed_report(api: &CityApi) -> Result<String> {
    let res = reqwest::Client::new()
        .post(format!(
            "{}/open311/v2/requests.json",
            api.url.trim_end_matches('/')
        ))
        .header("Idempotency-Key", "map-e2e-seeded-report")
        .form(&[
            ("api_key", "citizen-app-demo"),
            ("service_code", "thoat-nuoc"),
            ("attribute[kind]", "flood"),
            ("lat", &SEEDED.0.to_string()),
            ("long", &SEEDED.1.to_string()),
            ("description", "Nước ngập sâu trước cửa chợ Bến Thành"),
        ])
        .send()
        .await?;
    let status = res.status();
    let body: serde_json::Value = res.json().await?;
    assert!(status.is_success(), "seeded report: {status} {body}");
    Ok(body[0]["service_request_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

fn city_count(db: &std::path::Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("city db");
    conn.query_row(sql, [], |r| r.get(0)).expect("count")
}

/// Resident memory of the app's process tree (the app, WebKit's web and network processes,
/// the drivers), in MiB: the sum of VmRSS, and of Pss (shared pages split between processes).
fn memory_mib(app: &App) -> (f64, f64, Vec<String>) {
    let mut rss = 0u64;
    let mut pss = 0u64;
    let mut each = Vec::new();
    for (pid, name) in processes_in_group(app.process_group()) {
        let kib = |file: &str, key: &str| {
            std::fs::read_to_string(format!("/proc/{pid}/{file}"))
                .ok()
                .and_then(|s| {
                    s.lines()
                        .find(|l| l.starts_with(key))
                        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                })
                .unwrap_or(0)
        };
        let r = kib("status", "VmRSS:");
        let p = kib("smaps_rollup", "Pss:");
        rss += r;
        pss += p;
        each.push(format!("{name} {} MiB", r / 1024));
    }
    (rss as f64 / 1024.0, pss as f64 / 1024.0, each)
}

/// Units of the mainland: the first view frames them; Côn Đảo, the 168th, is one button away.
const MAINLAND_UNITS: u32 = 167;

/// Opens the map from home and waits until it has drawn the mainland's units; the time it took.
async fn open_map(app: &App) -> Result<Duration> {
    let start = Instant::now();
    app.click("#nav-map").await?;
    app.wait_wards_drawn(MAINLAND_UNITS).await?;
    Ok(start.elapsed())
}

/// What the CSP refuses shows up as an event: recorded from here on (the page is never
/// reloaded: the UI is one page).
async fn watch_csp(app: &App) -> Result {
    app.client
        .execute(
            "window.__cspRefused = [];\
             document.addEventListener('securitypolicyviolation', e =>\
               __cspRefused.push(e.violatedDirective + ' ' + e.blockedURI));",
            vec![],
        )
        .await?;
    Ok(())
}

async fn csp_refused(app: &App) -> Result<serde_json::Value> {
    Ok(app
        .client
        .execute("return window.__cspRefused;", vec![])
        .await?)
}

/// A tap at the centre of a map: the map scrolled whole into view first (WebDriver clicks the
/// centre of the part in view).
async fn tap_centre(app: &App, css: &str) -> Result {
    app.client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
            vec![json!(css)],
        )
        .await?;
    app.settle().await?;
    app.click(css).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_wards_card_reports_pick_and_list() -> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let city_db = tmp.path().join("city.db");
    let api = CityApi::start(&city_db)?;
    let seeded = seed_report(&api).await?;
    let env = AppEnv {
        display: &display,
        data_home: tmp.path(),
        api_url: &api.url,
        session_bus: None,
    };
    let app = App::launch(&env).await?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;
    watch_csp(&app).await?;
    let home = memory_mib(&app);

    // The map: every unit drawn, the schematic label, the seeded report on the reports layer.
    let cold = open_map(&app).await?;
    app.find("#map-schematic").await?;
    app.wait_attr("#map-canvas", "data-reports-drawn", "1")
        .await?;
    app.look("map-vi-1-wards").await?;
    let on_map = memory_mib(&app);

    // The first view frames the mainland; Côn Đảo is one button away, and back: all 168 units
    // drawn, counted from the map's own features.
    app.click("#map-islands").await?;
    app.wait_attr("#map-canvas", "data-wards-drawn", "168")
        .await?;
    tokio::time::sleep(Duration::from_millis(2500)).await; // the flight ends
    app.screenshot("map-vi-1b-con-dao").await?;
    app.click("#map-islands").await?;

    // Search, fly to, and a tap on the ward at the map's centre: its card.
    app.type_into("#map-search", "ben thanh").await?;
    app.wait_text("#map-hits li:first-child button", |t| {
        t.contains("Bến Thành")
    })
    .await?;
    app.click("#map-hits li:first-child button").await?;
    app.wait_text("#ward-card-name", |t| t.contains("Bến Thành"))
        .await?;
    app.click("#ward-card-close").await?;
    tokio::time::sleep(Duration::from_millis(2500)).await; // the flight ends
    tap_centre(&app, "#map-canvas").await?;
    app.wait_text("#ward-card-name", |t| t.contains("Bến Thành"))
        .await?;
    app.wait_text("#ward-card-code", |t| t == "26743").await?;
    app.look("map-vi-2-card").await?;

    // The keyboard on the canvas: the ward at its centre is said, Enter opens its card.
    app.click("#ward-card-close").await?;
    app.client
        .execute(
            "document.querySelector('#map-canvas canvas').focus();",
            vec![],
        )
        .await?;
    app.wait_text("#map-centre", |t| t.contains("Phường Bến Thành"))
        .await?;
    app.look("map-vi-2b-keyboard").await?;
    app.find("#map-canvas canvas")
        .await?
        .send_keys("\u{E007}")
        .await?;
    app.wait_text("#ward-card-name", |t| t.contains("Bến Thành"))
        .await?;
    app.wait_text("#ward-card-code", |t| t == "26743").await?;

    // Leave the map: it is freed.
    app.click("#nav-home").await?;
    app.find("#nav-map").await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let left = memory_mib(&app);
    // WebKit's allocators give pages back on their own schedule: measured again later.
    tokio::time::sleep(Duration::from_secs(30)).await;
    let left_later = memory_mib(&app);
    let warm = open_map(&app).await?;
    app.click("#nav-home").await?;
    app.find("#nav-map").await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let left_again = memory_mib(&app);

    // A new report whose place is chosen on the map.
    app.click("#nav-feedback").await?;
    app.click("#new-report").await?;
    app.find("#service-search").await?.send_keys("ngap").await?;
    app.click("#service-thoat-nuoc").await?;
    app.find("#form-details").await?;
    app.click("label[for='attr-kind-flood']").await?;
    app.type_into("#description", "Cống bị nghẹt, nước tràn lên vỉa hè")
        .await?;
    app.click("#step-next").await?;
    app.find("#form-place").await?;
    app.click("label[for='place-here']").await?;
    app.click("#place-on-map").await?;
    app.find("#pick-canvas").await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    tap_centre(&app, "#pick-canvas").await?;
    let ward = app
        .wait_text("#pick-ward", |t| t.starts_with("Phường, xã: "))
        .await?;
    app.look("map-vi-3-pick").await?;
    app.click("#pick-use").await?;
    app.find("#form-place").await?;
    let name = ward.trim_start_matches("Phường, xã: ").to_owned();
    app.wait_text("#place-ward", |t| t.contains(&name)).await?;
    app.click("#step-next").await?;
    app.click("label[for='identity-anonymous']").await?;
    app.click("#step-next").await?;
    app.find("#form-review").await?;
    app.click("#send-report").await?;
    let start = Instant::now();
    while city_count(
        &city_db,
        "SELECT count(*) FROM requests WHERE description LIKE 'Cống bị nghẹt%' AND lat IS NOT NULL",
    ) == 0
    {
        assert!(start.elapsed() < Duration::from_secs(60), "never sent");
        app.click("#sync-now").await.ok();
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }

    // The list view: the same content, for a keyboard and a screen reader.
    app.click("#nav-home").await?;
    app.click("#nav-map").await?;
    app.click("#map-skip").await?;
    app.find("#map-list").await?;
    app.wait_text("#map-list-wards", |t| t.contains("168"))
        .await?;
    app.find(&format!(".report-item[data-id='{seeded}']"))
        .await?;
    app.look("map-vi-4-list").await?;
    app.click(".ward-item[data-code='26743']").await?;
    app.wait_text("#ward-card-name", |t| t.contains("Bến Thành"))
        .await?;

    // English.
    app.click("#lang-en").await?;
    app.wait_attr("html", "lang", "en").await?;
    app.look("map-en-4-list-card").await?;
    app.click("#map-show-map").await?;
    app.wait_wards_drawn(MAINLAND_UNITS).await?;
    app.look("map-en-1-wards").await?;
    app.click("label[for='score-on-time']").await?;
    app.look("map-en-5-score").await?;

    println!(
        "map figures: first render of 168 units + reports cold {:.2} s, warm {:.2} s",
        cold.as_secs_f64(),
        warm.as_secs_f64()
    );
    for (what, (rss, pss, each)) in [
        ("home", home),
        ("on the map", on_map),
        ("3 s after leaving", left),
        ("33 s after leaving", left_later),
        ("after opening and leaving again", left_again),
    ] {
        println!(
            "memory {what}: RSS {rss:.0} MiB, PSS {pss:.0} MiB ({})",
            each.join(", ")
        );
    }
    assert_eq!(
        csp_refused(&app).await?,
        json!([]),
        "the CSP refused what the map needs"
    );
    app.close().await
}

/// `n` report points spread over the city's box, deterministic, with the states the layer draws.
fn points(n: usize) -> String {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let states = ["received", "assigned", "in_progress", "reopened"];
    let features: Vec<_> = (0..n)
        .map(|i| {
            let lat = 10.35 + 0.75 * next();
            let lon = 106.35 + 0.75 * next();
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"id": i.to_string(), "status": states[i % states.len()]},
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// The map part drawn straight through its module (`dist/map/map.js`, what the map screen's
/// bridge calls) in the real web view: the 168 schematic cells and 5,000 report points, timed
/// from the module's import to the first `idle`, cold (first time in a fresh app) and warm
/// (again in the same page). Prints the figures; asserts only that everything was drawn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_render_figures() -> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let api = CityApi::start(&tmp.path().join("city.db"))?;
    let env = AppEnv {
        display: &display,
        data_home: tmp.path(),
        api_url: &api.url,
        session_bus: None,
    };
    let app = App::launch(&env).await?;
    app.find("#nav-map").await?;
    watch_csp(&app).await?;
    let wards = std::fs::read_to_string(e2e::root().join("assets/ward-cells.geojson"))?;
    let reports = points(5_000);
    println!(
        "map figures: GeoJSON of the 168 cells {} B, of 5,000 report points {} B",
        wards.len(),
        reports.len()
    );
    // The whole city in view (Côn Đảo included), not the first view's mainland.
    for run in ["cold", "warm"] {
        let got = app
            .client
            .execute_async(
                "const [wards, reports, done] = arguments;\
                 const t0 = performance.now();\
                 import(new URL('./map/map.js', document.baseURI).href).then(m => {\
                   const t1 = performance.now();\
                   const div = document.createElement('div');\
                   div.style.cssText = 'position:fixed;left:0;top:0;width:1024px;height:720px;z-index:9';\
                   document.body.appendChild(div);\
                   let h;\
                   h = m.create(div, {center: [106.96, 10.1], zoom: 7}, e => {\
                     if (e.kind !== 'idle' || !h) return;\
                     const w = h.drawnCount('wards'), r = h.drawnCount('reports');\
                     if (w < 168 || r < 5000) return;\
                     const t2 = performance.now();\
                     window.__renderTest = () => { h.remove(); div.remove(); };\
                     done({importMs: t1 - t0, idleMs: t2 - t1, wards: w, reports: r});\
                   });\
                   h.setData('wards', wards);\
                   h.setData('reports', reports);\
                 }, e => done({error: String(e)}));",
                vec![json!(wards), json!(reports)],
            )
            .await?;
        assert_eq!(got["wards"], 168, "{run}: {got}");
        assert_eq!(got["reports"], 5000, "{run}: {got}");
        // The clusters with their counts, drawn from the device's fonts (no glyphs bundled).
        app.screenshot(&format!("map-render-5000-{run}")).await?;
        app.client.execute("window.__renderTest();", vec![]).await?;
        println!(
            "map figures: {run}: module import {:.0} ms, then first idle with 168 cells + 5,000 points {:.0} ms",
            got["importMs"].as_f64().unwrap_or_default(),
            got["idleMs"].as_f64().unwrap_or_default()
        );
    }

    // The basemap through the custom pmtiles Source (the bytes handed in as the shell hands
    // them): map-shapes' test archive, raster tiles over central HCMC, drawn without a refusal.
    let archive = std::fs::read(e2e::root().join("tests/fixtures/basemap-test.pmtiles"))?;
    let got = app
        .client
        .execute_async(
            "const [bytes, wards, done] = arguments;\
             const file = Uint8Array.from(bytes);\
             import(new URL('./map/map.js', document.baseURI).href).then(m => {\
               const div = document.createElement('div');\
               div.style.cssText = 'position:fixed;left:0;top:0;width:1024px;height:720px;z-index:9';\
               document.body.appendChild(div);\
               const errors = [];\
               let type, finished = false;\
               const h = m.create(div, {center: [106.70, 10.78], zoom: 11}, e => {\
                 if (e.kind === 'error') errors.push(e.message);\
                 if (e.kind === 'idle' && type !== undefined && !finished && h.map.getSource('basemap')) {\
                   finished = true;\
                   done({type, errors});\
                 }\
               });\
               h.setData('wards', wards);\
               h.send({op: 'set_basemap', key: 'test', get_bytes: r => Promise.resolve(file.slice(r[0], r[0] + r[1]))})\
                 .then(t => { type = t; h.map.triggerRepaint(); }, e => done({error: String(e)}));\
               window.__basemapTest = h;\
             });",
            vec![json!(archive), json!(wards)],
        )
        .await?;
    app.screenshot("map-basemap-test").await?;
    assert_eq!(got["type"], 2, "a PNG archive: {got}");
    assert_eq!(got["errors"], json!([]), "{got}");
    app.client
        .execute("window.__basemapTest.send({op: 'remove'});", vec![])
        .await?;
    assert_eq!(
        csp_refused(&app).await?,
        json!([]),
        "the CSP refused what the map needs"
    );
    app.close().await
}

/// A basemap the city serves (`--basemap`): the app pulls it into its copy, and the map screen
/// draws its tiles through the shell (`map_basemap_range`), counted from the map's own tile
/// manager once a flight brings central HCMC (the test archive's z10–12) into view.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_city_basemap() -> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let basemap = e2e::root().join("tests/fixtures/basemap-test.pmtiles");
    let basemap = basemap.to_str().ok_or("path")?;
    let api = CityApi::start_with(
        &tmp.path().join("city.db"),
        "127.0.0.1:0",
        &["--basemap", basemap],
    )?;
    let env = AppEnv {
        display: &display,
        data_home: tmp.path(),
        api_url: &api.url,
        session_bus: None,
    };
    let app = App::launch(&env).await?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;
    watch_csp(&app).await?;
    // The map's copy is pulled when the link comes up: open the map until it has the basemap.
    let start = Instant::now();
    loop {
        open_map(&app).await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        if app
            .client
            .execute("return !!document.querySelector('#layer-basemap');", vec![])
            .await?
            == json!(true)
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "the city's basemap never reached the map"
        );
        app.click("#nav-home").await?;
        app.find("#nav-map").await?;
    }
    app.type_into("#map-search", "ben thanh").await?;
    app.wait_text("#map-hits li:first-child button", |t| {
        t.contains("Bến Thành")
    })
    .await?;
    app.click("#map-hits li:first-child button").await?;
    let start = Instant::now();
    loop {
        let drawn = app
            .find("#map-canvas")
            .await?
            .attr("data-basemap-drawn")
            .await?
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0);
        if drawn > 0 {
            println!("map figures: the city's basemap: {drawn} tiles drawn");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no tile of the city's basemap was drawn"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    app.click("#ward-card-close").await?;
    app.look("map-vi-6-basemap").await?;
    // Switched off, none is drawn.
    app.click("label[for='layer-basemap']").await?;
    app.wait_attr("#map-canvas", "data-basemap-drawn", "0")
        .await?;
    assert_eq!(
        csp_refused(&app).await?,
        json!([]),
        "the CSP refused what the map needs"
    );
    app.close().await
}
