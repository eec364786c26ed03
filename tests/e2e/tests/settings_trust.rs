//! Settings' trust parts in the real app under Xvfb (issue 13):
//! - another city API address than the official ones is used only after the citizen confirms
//!   it: the confirmation names the typed address; "keep" leaves the address as it was;
//!   confirming uses it;
//! - where the city counts verified citizens (its identity provider is the local test one,
//!   which approves at once), "Log in with VNeID" logs in and the state says so; "log out".
//!   The debug build follows the provider's redirect itself (`CITIZEN_TEST_BROWSER=follow`)
//!   instead of opening a browser. With a city that counts devices there is no login section.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use e2e::{App, AppEnv, CityApi, Display, Result};

/// An https address that is not the city's: the app asks before using it.
const OTHER: &str = "https://api.other-city.example/";
const CLIENT: &str = "citizen-app-hcmc";

async fn field_value(app: &App, css: &str) -> Result<String> {
    Ok(app
        .find(css)
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

/// Saves an address the app takes without asking (this device's, in a debug build).
async fn set_address(app: &App, url: &str) -> Result {
    let input = app.find("#api-url").await?;
    input.clear().await?;
    input.send_keys(url).await?;
    app.click("#api-url-save").await?;
    app.wait_text(".api-url .ok", |t| !t.is_empty()).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_address_is_confirmed_first_and_only_a_citizen_counting_city_offers_a_login()
-> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let provider = test_oidc::Provider::start(CLIENT).await;
    let api = CityApi::start_with(
        &tmp.path().join("city.db"),
        "127.0.0.1:0",
        &[
            "--oidc-issuer",
            &provider.issuer,
            "--oidc-audience",
            CLIENT,
            "--oidc-name",
            "VNeID",
        ],
    )?;
    // SAFETY: set before the app is launched (it inherits it); no other thread reads it.
    unsafe { std::env::set_var("CITIZEN_TEST_BROWSER", "follow") };
    let devices = CityApi::start(&tmp.path().join("devices.db"))?;
    let env = AppEnv {
        display: &display,
        data_home: tmp.path(),
        api_url: &api.url,
        session_bus: None,
    };
    let app = App::launch(&env).await?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;
    app.click("#nav-settings").await?;
    let before = field_value(&app, "#api-url").await?;
    assert_eq!(before.trim_end_matches('/'), api.url.trim_end_matches('/'));

    // Another address: the confirmation names it; "keep" changes nothing.
    let input = app.find("#api-url").await?;
    input.clear().await?;
    input.send_keys(OTHER).await?;
    app.click("#api-url-save").await?;
    let asked = app
        .wait_text("#confirm-address-text", |t| t.contains(OTHER))
        .await?;
    assert!(asked.contains(OTHER), "{asked}");
    app.show("#confirm-address-text").await?;
    app.look("settings-vi-1-confirm-address").await?;
    app.click("#confirm-address-no").await?;
    assert_eq!(field_value(&app, "#api-url").await?, before);
    app.click("#nav-home").await?;
    app.click("#nav-settings").await?;
    assert_eq!(
        field_value(&app, "#api-url").await?,
        before,
        "the stored address is unchanged"
    );
    app.look("settings-vi-2-kept").await?;

    // Confirmed: used.
    let input = app.find("#api-url").await?;
    input.clear().await?;
    input.send_keys(OTHER).await?;
    app.click("#api-url-save").await?;
    app.wait_text("#confirm-address-text", |t| t.contains(OTHER))
        .await?;
    app.click("#confirm-address-yes").await?;
    app.wait_text(".api-url .ok", |t| !t.is_empty()).await?;
    app.click("#nav-home").await?;
    app.click("#nav-settings").await?;
    assert_eq!(field_value(&app, "#api-url").await?, OTHER, "in use");
    app.show("#api-url").await?;
    app.look("settings-vi-3-other-address").await?;

    // A city that counts devices (this device's server: no question in a debug build):
    // Settings shows no login at all.
    set_address(&app, &devices.url).await?;
    app.click("#nav-home").await?;
    app.click("#nav-settings").await?;
    // Your data loads from the device; by then the login answer (a 404) has long come.
    app.find("#my-data-held").await?;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(
        app.client
            .find(fantoccini::Locator::Css("#log-in, #login-heading"))
            .await
            .is_err(),
        "no login section where the city counts devices"
    );

    // Back to the city counting citizens.
    set_address(&app, &api.url).await?;

    // The city counts verified citizens: log in, then out. The section loads when Settings
    // opens, so open it again for the city now in use.
    app.click("#nav-home").await?;
    app.click("#nav-settings").await?;
    let button = app.wait_text("#log-in", |t| t.contains("VNeID")).await?;
    assert_eq!(button, "Đăng nhập bằng VNeID");
    app.show("#log-in").await?;
    app.look("settings-vi-4-login").await?;
    app.click("#log-in").await?;
    app.wait_text("#login-state", |t| t.contains("VNeID"))
        .await?;
    app.show("#login-state").await?;
    app.look("settings-vi-5-logged-in").await?;
    app.click("#lang-en").await?;
    app.wait_attr("html", "lang", "en").await?;
    app.wait_text("#login-state", |t| t.contains("logged in"))
        .await?;
    app.show("#login-state").await?;
    app.look("settings-en-5-logged-in").await?;
    app.click("#log-out").await?;
    app.wait_text("#log-in", |t| t == "Log in with VNeID")
        .await?;
    app.show("#log-in").await?;
    app.look("settings-en-4-login").await?;
    app.close().await?;
    drop(provider);
    Ok(())
}
