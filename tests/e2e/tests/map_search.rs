//! Former place names (issue 14) in the real app under Xvfb, against the real city API: on the
//! map, "Đa Kao" typed finds the former ward (abolished on 1-7-2025); choosing it says which
//! units it is now part of and moves the map there (the ward at the map's own centre changes to
//! one of them); "quận 1" frames the former district. The ward finder finds a current unit from
//! a former name. Vietnamese and English, at phone and kiosk sizes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::time::Duration;

use e2e::{App, AppEnv, CityApi, Display, Result};

/// The mainland's units (Côn Đảo is off the first view).
const MAINLAND_UNITS: u32 = 167;
/// Đa Kao was divided between these two (the default first).
const DA_KAO_NOW: [&str; 2] = ["Phường Sài Gòn", "Phường Tân Định"];

/// What the map says is at its centre (the ward drawn under `map.getCenter()`), with the
/// keyboard on the canvas.
async fn centre_said(app: &App) -> Result<String> {
    app.client
        .execute(
            "document.querySelector('#map-canvas canvas').blur();\
             document.querySelector('#map-canvas canvas').focus();",
            vec![],
        )
        .await?;
    app.wait_text("#map-centre", |t| !t.trim().is_empty()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn former_names_on_the_map_and_in_the_finder() -> Result {
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
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;

    // The map, and what is at its centre before the search.
    app.click("#nav-map").await?;
    app.wait_wards_drawn(MAINLAND_UNITS).await?;
    let before = centre_said(&app).await?;
    assert!(
        !DA_KAO_NOW.iter().any(|w| before.contains(w)),
        "the first view is not on Đa Kao already: {before}"
    );

    // "Đa Kao": the former ward, named with its district and what it is now.
    app.type_into("#map-search", "Đa Kao").await?;
    let hit = app
        .wait_text("#map-hits li:first-child button", |t| t.contains("Đa Kao"))
        .await?;
    assert!(hit.contains("(cũ, Quận 1)"), "{hit}");
    assert!(DA_KAO_NOW.iter().all(|w| hit.contains(w)), "{hit}");
    app.click("#map-hits li:first-child button").await?;
    let said = app
        .wait_text("#map-place-said", |t| t.contains("Đa Kao"))
        .await?;
    assert!(said.contains("nay được chia cho"), "{said}");
    assert!(DA_KAO_NOW.iter().all(|w| said.contains(w)), "{said}");
    // The default unit's card opens.
    app.wait_text("#ward-card-name", |t| t.contains("Sài Gòn"))
        .await?;
    tokio::time::sleep(Duration::from_millis(3000)).await; // the flight ends
    let after = centre_said(&app).await?;
    assert_ne!(after, before, "the map moved");
    assert!(
        DA_KAO_NOW.iter().any(|w| after.contains(w)),
        "the map's centre is in what Đa Kao became: {after}"
    );
    app.look("map-search-vi-1-da-kao").await?;
    app.click("#ward-card-close").await?;

    // A former district: framed by its four current units, said.
    app.type_into("#map-search", "quận 1").await?;
    app.wait_text("#map-hits li:first-child button", |t| {
        t.contains("Quận 1 (cũ)")
    })
    .await?;
    app.click("#map-hits li:first-child button").await?;
    let said = app
        .wait_text("#map-place-said", |t| t.contains("Quận 1"))
        .await?;
    assert!(said.contains("nay nằm trong"), "{said}");
    assert!(said.contains("Phường Cầu Ông Lãnh"), "{said}");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    app.look("map-search-vi-2-quan-1").await?;

    // English.
    app.click("#lang-en").await?;
    app.wait_attr("html", "lang", "en").await?;
    app.type_into("#map-search", "da kao").await?;
    let hit = app
        .wait_text("#map-hits li:first-child button", |t| t.contains("Đa Kao"))
        .await?;
    assert!(hit.contains("(former, Quận 1)"), "{hit}");
    assert!(hit.contains("now divided between"), "{hit}");
    app.look("map-search-en-1-hits").await?;

    // The ward finder: a current unit found from a former name, in English then Vietnamese.
    app.click("#nav-home").await?;
    app.click("#nav-wards").await?;
    app.type_into("#ward-search", "ben nghe").await?;
    let former = app
        .wait_text(".former-place", |t| t.contains("Bến Nghé"))
        .await?;
    assert!(former.contains("Now part of:"), "{former}");
    app.look("finder-en-ben-nghe").await?;
    app.click(".former-place .ward-result").await?;
    app.wait_text("#ward-detail-name", |t| t == "Phường Sài Gòn")
        .await?;
    app.click("#lang-vi").await?;
    app.wait_attr("html", "lang", "vi").await?;
    app.click("#nav-home").await?;
    app.click("#nav-wards").await?;
    app.type_into("#ward-search", "thu duc").await?;
    // The current unit first, then the former city and its twelve units.
    app.wait_text(".results > li:first-child", |t| {
        t.contains("Phường Thủ Đức")
    })
    .await?;
    let city = app
        .wait_text(".former-place", |t| t.contains("Thành phố Thủ Đức (cũ)"))
        .await?;
    assert!(city.contains("Nay nằm trong:"), "{city}");
    assert!(city.contains("Phường Linh Xuân"), "{city}");
    app.look("finder-vi-thu-duc").await?;
    app.close().await?;
    Ok(())
}
