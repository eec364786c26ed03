//! The foundation's journey on the real app: find "Phường Bến Thành" by typing "ben thanh", make
//! it my ward, restart the app and still have it; switch to English; see the app go offline when
//! the city API stops and back online when it returns.

use e2e::{App, AppEnv, CityApi, Display, Result};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn find_ward_set_my_ward_restart_switch_language() -> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let mut api = CityApi::start(&tmp.path().join("city.db"))?;
    let api_url = api.url.clone();
    let env = AppEnv {
        display: &display,
        data_home: tmp.path(),
        api_url: &api_url,
        session_bus: None,
    };

    let app = App::launch(&env).await?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;
    app.look("01-home-vi").await?;
    app.click("#nav-wards").await?;
    let search = app.find("#ward-search").await?;
    search.send_keys("ben thanh").await?;
    app.wait_text(".ward-result", |t| t.contains("Bến Thành"))
        .await?;
    app.look("02-finder-ben-thanh").await?;
    let first = app.find(".ward-result").await?;
    assert!(
        first.text().await?.contains("Phường Bến Thành"),
        "best match first"
    );
    first.click().await?;
    app.wait_text("#ward-detail-name", |t| t == "Phường Bến Thành")
        .await?;
    app.click("#set-my-ward").await?;
    app.click("#nav-home").await?;
    app.wait_text("#my-ward-name", |t| t.contains("Bến Thành"))
        .await?;
    app.close().await?;

    // Restart: still my ward, still Vietnamese.
    let app = App::launch(&env).await?;
    app.wait_text("#my-ward-name", |t| t.contains("Bến Thành"))
        .await?;
    let lang = app
        .client
        .find(Locator::Css("html"))
        .await?
        .attr("lang")
        .await?;
    assert_eq!(lang.as_deref(), Some("vi"));

    // English, persisted.
    app.click("#lang-en").await?;
    app.wait_attr("html", "lang", "en").await?;
    app.look("03-home-en").await?;

    // The city API goes away: the app says so and keeps working from its data.
    api.stop();
    app.click("#nav-settings").await?;
    app.click("#refresh-now").await?;
    app.wait_attr("#connection-state", "data-state", "offline")
        .await?;
    app.look("04-settings-offline-en").await?;
    app.click("#nav-home").await?;
    app.click("#nav-wards").await?;
    app.find("#ward-search")
        .await?
        .send_keys("BẾN THÀNH")
        .await?;
    app.wait_text(".ward-result", |t| t.contains("Bến Thành"))
        .await?;
    // And back.
    api.restart()?;
    app.click("#nav-settings").await?;
    app.click("#refresh-now").await?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;
    app.close().await?;

    let app = App::launch(&env).await?;
    app.wait_attr("html", "lang", "en").await?;
    app.wait_text("#my-ward-name", |t| t.contains("Bến Thành"))
        .await?;
    app.close().await?;
    Ok(())
}
