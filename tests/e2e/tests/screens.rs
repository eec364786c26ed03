//! Screenshots of every screen at phone (360×640) and kiosk (1920×1080) sizes, in Vietnamese
//! and English, for people to look at; each screen is also checked to fit without sideways
//! scrolling (a phone user cannot be asked to scroll a page left and right).

use e2e::{App, AppEnv, CityApi, Display, Result};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_at_phone_and_kiosk_size_in_both_languages() -> Result {
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
    for lang in ["vi", "en"] {
        app.find(&format!("#lang-{lang}")).await?.click().await?;
        app.wait_attr("html", "lang", lang).await?;
        app.click("#nav-home").await?;
        app.find("#nav-wards").await?;
        app.look(&format!("{lang}-1-home")).await?;

        app.click("#nav-wards").await?;
        let search = app.find("#ward-search").await?;
        search.clear().await?;
        search.send_keys("duong").await?;
        app.wait_text(".ward-result", |t| {
            t.contains("Dương") || t.contains("Đường")
        })
        .await?;
        app.look(&format!("{lang}-2-finder")).await?;

        app.click(".ward-result").await?;
        app.find("#ward-detail-name").await?;
        app.look(&format!("{lang}-3-ward")).await?;

        app.click("#nav-settings").await?;
        app.find("#api-url").await?;
        app.look(&format!("{lang}-4-settings")).await?;
    }
    // Larger text applies at once and is kept.
    app.click("#nav-settings").await?;
    app.click("#setting-size-larger").await?;
    app.wait_attr("html", "class", "text-larger").await?;
    app.look("en-5-settings-larger-text").await?;
    app.close().await?;
    let app = App::launch(&env).await?;
    app.wait_attr("html", "class", "text-larger").await?;
    app.close().await?;
    Ok(())
}
