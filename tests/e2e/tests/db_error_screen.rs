//! A damaged database on disk: the real app shows the error screen, the citizen starts fresh,
//! and the old file is still there, byte for byte, under the name the app reports.

use e2e::{App, AppEnv, CityApi, Display, Result};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_database_shows_error_screen_and_keeps_the_file() -> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let api = CityApi::start(&tmp.path().join("city.db"))?;
    let app_dir = tmp.path().join("data/vn.hcmc.citizen");
    std::fs::create_dir_all(&app_dir)?;
    let garbage = b"this is not an SQLite database, it is a damaged file ".repeat(100);
    std::fs::write(app_dir.join("citizen.db"), &garbage)?;

    let env = AppEnv {
        display: &display,
        data_home: tmp.path(),
        api_url: &api.url,
        session_bus: None,
    };
    let app = App::launch(&env).await?;
    app.wait_text("#db-error", |t| t.contains("bị hỏng"))
        .await?;
    app.look("db-error-vi").await?;
    app.click("#start-fresh").await?;
    let notice = app
        .wait_text("#notice p", |t| t.contains("citizen.db.broken-"))
        .await?;
    app.find("#nav-wards").await?;
    app.look("db-error-started-fresh-vi").await?;
    app.close().await?;

    let kept = notice
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    assert_eq!(
        std::fs::read(app_dir.join(&kept))?,
        garbage,
        "old file kept as {kept}"
    );
    Ok(())
}
