//! Rating a ward in the real app under Xvfb, against the real city API (issue 15): a seeded
//! dossier is finished by the back office, its page asks how the ward served the citizen, the
//! rating is saved while the city is down ("saved, will be sent") and counted for the month
//! once it is back; the ward's line on the scoreboard moves (its ratings, and the satisfaction
//! group with the dislike); rating again the same month is refused kindly. Every new screen is
//! looked at (axe, control sizes, no sideways scroll) at phone and kiosk sizes in both languages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::path::Path;
use std::time::{Duration, Instant};

use e2e::{App, AppEnv, CityApi, Display, Result, STAFF_KEY};
use serde_json::{Value, json};

/// A seeded dossier being handled, with its check value and ward (read from the city's own
/// file, as a clerk's screen would show them).
fn handled_dossier(city_db: &Path) -> Result<(String, String, String)> {
    let conn = rusqlite::Connection::open(city_db)?;
    Ok(conn.query_row(
        "SELECT code, check_value, ward_code FROM dossiers WHERE status IN ('received', 'processing')
         ORDER BY code LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

async fn exists(app: &App, css: &str) -> bool {
    app.client.find(fantoccini::Locator::Css(css)).await.is_ok()
}

async fn staff_move(api: &CityApi, code: &str, body: Value) -> Result {
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/staff/dossiers/{code}/status",
            api.url.trim_end_matches('/')
        ))
        .header("X-Staff-Key", STAFF_KEY)
        .json(&body)
        .send()
        .await?;
    let status = res.status();
    assert_eq!(status, 200, "staff move {body}: {}", res.text().await?);
    Ok(())
}

/// The scoreboard (month, sorted by satisfaction) from home; the ward's satisfaction figure and
/// how many ratings it has, once its line shows `ratings` (the kept copy is drawn first, then
/// the city's answer).
async fn ward_line(app: &App, ward: &str, ratings: &str) -> Result<(String, String)> {
    app.click("#nav-home").await?;
    app.click("#nav-rate").await?;
    app.click("#open-scoreboard").await?;
    let row = format!("#score-{ward}");
    app.wait_attr(&row, "data-ratings", ratings).await?;
    let got = app
        .client
        .execute(
            "const r = document.querySelector(arguments[0]); \
             return [r.querySelector('td').textContent, r.dataset.ratings];",
            vec![json!(row)],
        )
        .await?;
    Ok((
        got[0].as_str().unwrap_or_default().to_owned(),
        got[1].as_str().unwrap_or_default().to_owned(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_dossier_asks_to_rate_the_ward_and_the_scoreboard_moves() -> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let city_db = tmp.path().join("city.db");
    let mut api = CityApi::start(&city_db)?;
    let (code, check, ward) = handled_dossier(&city_db)?;
    let api_url = api.url.clone();
    let env = AppEnv {
        display: &display,
        data_home: tmp.path(),
        api_url: &api_url,
        session_bus: None,
    };
    let app = App::launch(&env).await?;
    app.client.set_window_rect(0, 0, 360, 640).await?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;

    // The scoreboard before: the ward's line, nobody has rated it this month.
    let (before, ratings) = ward_line(&app, &ward, "0").await?;
    assert_eq!(ratings, "0");
    app.find("#score-city").await?;
    app.look("voice-rate-vi-1-scoreboard").await?;

    // The citizen follows the dossier; the back office finishes it.
    app.click("#nav-home").await?;
    app.click("#nav-dossiers").await?;
    app.click("#add-dossier").await?;
    app.type_into("#dossier-code", &code).await?;
    app.type_into("#dossier-check", &check).await?;
    app.click("#add-dossier-submit").await?;
    app.wait_attr("#dossier-state", "data-lookup", "known")
        .await?;
    assert!(
        !exists(&app, "#rate-prompt").await,
        "not asked while it is handled"
    );
    staff_move(
        &api,
        &code,
        json!({"status": "ready", "note": "Đã có kết quả, mời nhận"}),
    )
    .await?;
    let start = Instant::now();
    loop {
        app.click("#nav-home").await?;
        app.click("#nav-dossiers").await?;
        app.click(".report-list .report-line").await?;
        app.find("#dossier-state").await?;
        if exists(&app, "#dossier-state[data-status='ready']").await {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(90), "never finished");
        app.click("#nav-home").await?;
        app.click("#nav-dossiers").await?;
        app.click("#sync-now").await.ok();
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    // Finished: the page asks, after the office, saying the ward never learns who.
    app.wait_text("#rate-prompt", |t| t.contains("không biết ai"))
        .await?;
    app.look("voice-rate-vi-2-dossier-asks").await?;
    app.click("#rate-prompt-open").await?;
    app.find("#rate-form").await?;
    app.look("voice-rate-vi-3-form").await?;

    // Sent with an answer missing: nothing saved, the reason said.
    app.click("#rate-access-satisfied").await?;
    app.click("#rate-send").await?;
    app.wait_text("#rate-problem", |t| t.contains("cả năm"))
        .await?;

    // The city is down: saved on the device, "will be sent".
    api.stop();
    app.wait_attr("#connection-state", "data-state", "offline")
        .await?;
    for (element, answer) in [
        ("procedures", "neutral"),
        ("officials", "satisfied"),
        ("result", "satisfied"),
        ("feedback", "unsatisfied"),
    ] {
        app.click(&format!("#rate-{element}-{answer}")).await?;
    }
    app.type_into("#rate-comment", "Cán bộ hướng dẫn tận tình")
        .await?;
    app.click("#rate-send").await?;
    app.wait_attr("#rate-outcome", "data-state", "queued")
        .await?;
    app.wait_text("#rate-outcome", |t| t.contains("khi có mạng"))
        .await?;
    app.look("voice-rate-vi-4-saved").await?;

    // Back: counted for this month.
    api.restart()?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;
    app.wait_attr("#rate-outcome", "data-state", "counted")
        .await?;
    let counted = app
        .wait_text("#rate-outcome", |t| t.contains("tháng"))
        .await?;
    app.look("voice-rate-vi-5-counted").await?;

    // The ward's line moved: one rating, and its satisfaction group with the dislike.
    let (after, ratings) = ward_line(&app, &ward, "1").await?;
    assert_eq!(ratings, "1");
    assert_ne!(after, before, "the satisfaction figure moved");

    // Rating again this month is refused kindly: the page says when it was counted.
    app.click(&format!("#score-{ward} button")).await?;
    app.find("#ward-history").await?;
    app.find("#ward-answers").await?;
    app.look("voice-rate-vi-6-ward").await?;
    app.click("#ward-score-rate").await?;
    app.wait_attr("#rate-outcome", "data-state", "counted")
        .await?;
    assert!(!exists(&app, "#rate-form").await);
    app.find("#rate-done").await?;
    let again = app.find("#rate-outcome").await?.text().await?;
    assert_eq!(again, counted);

    // Every new screen in both languages.
    for lang in ["vi", "en"] {
        app.click(&format!("#lang-{lang}")).await?;
        app.wait_attr("html", "lang", lang).await?;
        app.click("#nav-home").await?;
        app.click("#nav-rate").await?;
        app.find("#voice-rate").await?;
        app.look(&format!("voice-rate-{lang}-7-hub")).await?;
        app.type_into("#rate-ward-search", "Sài Gòn").await?;
        app.click("#rate-ward-results button").await?;
        app.find("#rate-form").await?;
        app.look(&format!("voice-rate-{lang}-8-form")).await?;
        app.click("#nav-home").await?;
        app.click("#nav-rate").await?;
        app.click("#open-scoreboard").await?;
        app.find(&format!("#score-{ward}")).await?;
        app.click("#period-quarter").await?;
        app.find("#score-table").await?;
        app.look(&format!("voice-rate-{lang}-9-scoreboard")).await?;
        app.click(&format!("#score-{ward} button")).await?;
        app.find("#ward-history").await?;
        app.look(&format!("voice-rate-{lang}-10-ward")).await?;
    }
    app.close().await?;
    Ok(())
}
