//! The city's surveys and announcements in the real app under Xvfb, against the real city API:
//! staff open a survey, the app lists it, the citizen answers it while the city API is down
//! ("saved, will be sent"), the network comes back and the city counts it once; staff close
//! and publish it and the app shows the results; staff post an urgent announcement and it
//! arrives once as an OS notification and in the list, the home screen's voice tile says
//! "1 thông báo khẩn" until it is opened. Every new screen looked at (axe-core,
//! sizes, screenshots) at phone and kiosk sizes in both languages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use e2e::{App, AppEnv, CityApi, Display, Notifications, Result, STAFF_KEY};
use serde_json::{Value, json};

static KEYS: AtomicU64 = AtomicU64::new(1);

async fn staff(api: &CityApi, path: &str, body: Value) -> Result<Value> {
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/staff/{path}",
            api.url.trim_end_matches('/')
        ))
        .header("X-Staff-Key", STAFF_KEY)
        .header(
            "Idempotency-Key",
            format!("e2e-voice-{}", KEYS.fetch_add(1, Ordering::SeqCst)),
        )
        .json(&body)
        .send()
        .await?;
    let status = res.status();
    let text = res.text().await?;
    assert!(status.is_success(), "staff {path}: {status} {text}");
    Ok(serde_json::from_str(&text)?)
}

fn answers_at_city(city_db: &Path, id: i64) -> Result<i64> {
    let conn = rusqlite::Connection::open(city_db)?;
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM survey_answers WHERE survey_id = ?1",
        [id],
        |r| r.get(0),
    )?)
}

/// RFC 3339 of now plus `from_now` seconds.
fn rfc3339(from_now: i64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let at = i64::try_from(secs).unwrap_or_default() + from_now;
    chrono_free(at)
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time, without a date crate.
fn chrono_free(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let rest = unix.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Opens the surveys list from home.
async fn open_surveys(app: &App) -> Result {
    app.click("#nav-home").await?;
    app.click("#nav-rate").await?;
    app.click("#open-surveys").await?;
    app.find("#surveys").await?;
    Ok(())
}

async fn open_announcements(app: &App) -> Result {
    app.click("#nav-home").await?;
    app.click("#nav-rate").await?;
    app.click("#open-announcements").await?;
    app.find("#announcements").await?;
    Ok(())
}

/// Asks the app to sync (the list's "check now") until `css` shows on the surveys or
/// announcements list (bounded).
async fn until_listed(app: &App, list: &str, css: &str) -> Result {
    let start = Instant::now();
    loop {
        if list == "surveys" {
            open_surveys(app).await?;
        } else {
            open_announcements(app).await?;
        }
        if app.client.find(fantoccini::Locator::Css(css)).await.is_ok() {
            return Ok(());
        }
        if start.elapsed() > Duration::from_secs(90) {
            return Err(format!("{css} never listed").into());
        }
        app.click("#sync-now").await.ok();
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_survey_answered_offline_is_counted_and_its_results_shown_and_urgent_news_notified()
-> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let city_db = tmp.path().join("city.db");
    let mut api = CityApi::start(&city_db)?;
    let desktop = Notifications::start().await?;
    let survey = staff(
        &api,
        "surveys",
        json!({
            "title": {"vi": "Nước sạch ở khu phố", "en": "Clean water in your street"},
            "questions": [
                {"prompt": {"vi": "Nước máy nhà bạn có đục không?", "en": "Is your tap water cloudy?"},
                 "required": true,
                 "kind": {"type": "single_choice", "choices": [
                    {"vi": "Thường xuyên", "en": "Often"}, {"vi": "Thỉnh thoảng", "en": "Sometimes"},
                    {"vi": "Không bao giờ", "en": "Never"}]}},
                {"prompt": {"vi": "Bạn dùng nước cho việc gì?", "en": "What do you use it for?"},
                 "required": false,
                 "kind": {"type": "multiple_choice", "choices": [
                    {"vi": "Nấu ăn", "en": "Cooking"}, {"vi": "Tắm giặt", "en": "Washing"}]}},
                {"prompt": {"vi": "Bạn hài lòng với nước máy không?", "en": "Are you satisfied with the tap water?"},
                 "required": true,
                 "kind": {"type": "scale", "low": {"vi": "Rất không hài lòng", "en": "Very unsatisfied"},
                          "high": {"vi": "Rất hài lòng", "en": "Very satisfied"}}},
                {"prompt": {"vi": "Góp ý thêm", "en": "Anything else"}, "required": false,
                 "kind": {"type": "short_text", "max_chars": 200}}
            ],
            "opens_at": rfc3339(-3600),
            "closes_at": rfc3339(3 * 86_400),
            "audience": {"kind": "city"},
            "edits_allowed": false,
        }),
    )
    .await?;
    let id = survey["id"].as_i64().expect("id");
    staff(
        &api,
        &format!("surveys/{id}/state"),
        json!({"state": "open"}),
    )
    .await?;
    let api_url = api.url.clone();
    let env = AppEnv {
        display: &display,
        data_home: tmp.path(),
        api_url: &api_url,
        session_bus: Some(&desktop.bus_address),
    };
    let app = App::launch(&env).await?;
    app.client.set_window_rect(0, 0, 360, 640).await?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;

    // The app lists the open survey, not answered yet.
    app.click("#nav-rate").await?;
    app.find("#open-surveys").await?;
    app.look("voice-vi-1-hub").await?;
    let line = format!("#survey-{id}");
    until_listed(&app, "surveys", &line).await?;
    app.wait_attr(&line, "data-answer", "not_yet").await?;
    app.look("voice-vi-2-surveys").await?;
    app.click(&line).await?;
    app.find("#q1").await?;
    app.look("voice-vi-3-survey").await?;

    // The city API goes down; the answer is checked, saved and waits.
    api.stop();
    app.wait_attr("#connection-state", "data-state", "offline")
        .await?;
    app.click("#send-answer").await?;
    app.wait_text("#q1-error", |t| !t.trim().is_empty()).await?;
    app.click("label[for='q1-2']").await?;
    app.click("label[for='q2-1']").await?;
    app.click("label[for='q2-2']").await?;
    app.click("label[for='q3-4']").await?;
    let text = app.find("#q4-text").await?;
    text.send_keys("Nước có mùi clo").await?;
    app.click("#send-answer").await?;
    app.wait_attr("#answer-state", "data-answer", "saved")
        .await?;
    assert_eq!(answers_at_city(&city_db, id)?, 0);
    app.show("#answer-state").await?;
    app.look("voice-vi-4-saved").await?;

    // The network is back: counted, once.
    api.restart()?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;
    app.wait_attr("#answer-state", "data-answer", "counted")
        .await?;
    assert_eq!(answers_at_city(&city_db, id)?, 1);
    app.find("#no-answer-now").await?;
    app.show("#answer-state").await?;
    app.look("voice-vi-5-counted").await?;

    // Staff close and publish: the app shows the results.
    staff(
        &api,
        &format!("surveys/{id}/state"),
        json!({"state": "closed"}),
    )
    .await?;
    staff(
        &api,
        &format!("surveys/{id}/state"),
        json!({"state": "published"}),
    )
    .await?;
    let start = Instant::now();
    loop {
        open_surveys(&app).await?;
        app.click("#sync-now").await?;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        app.click(&line).await?;
        app.find("#q1").await?;
        if app
            .client
            .find(fantoccini::Locator::Css("#survey-results"))
            .await
            .is_ok()
        {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(90), "no results");
    }
    app.wait_text("#respondents", |t| t.contains('1')).await?;
    let q4 = app.find("#result-4").await?.text().await?;
    assert!(!q4.contains("clo"), "free text is never shown: {q4}");
    app.show("#survey-results").await?;
    app.look("voice-vi-6-results").await?;

    // An urgent announcement: one OS notification, and in the list.
    let urgent = staff(
        &api,
        "announcements",
        json!({
            "title": {"vi": "Cúp nước khu vực trung tâm", "en": "Water cut in the centre"},
            "body": {"vi": "Từ 8 giờ đến 16 giờ hôm nay, xin trữ nước trước.",
                     "en": "From 8:00 to 16:00 today; please store water beforehand."},
            "audience": {"kind": "city"}, "urgency": "urgent",
            "valid_from": rfc3339(-600), "valid_until": rfc3339(8 * 3600),
        }),
    )
    .await?;
    staff(
        &api,
        "announcements",
        json!({
            "title": {"vi": "Ngày tiêm chủng mở rộng", "en": "Vaccination day"},
            "body": {"vi": "Thứ Bảy tại trạm y tế phường.", "en": "Saturday at the ward health station."},
            "audience": {"kind": "city"}, "urgency": "normal",
            "valid_from": rfc3339(-600), "valid_until": rfc3339(5 * 86_400),
        }),
    )
    .await?;
    let urgent_id = urgent["id"].as_i64().expect("id");
    let urgent_line = format!("#announcement-{urgent_id}");
    until_listed(&app, "announcements", &urgent_line).await?;
    app.wait_attr(&urgent_line, "data-urgency", "urgent")
        .await?;
    desktop
        .wait_for(Duration::from_secs(30), |n| {
            n.title.contains("Cúp nước khu vực trung tâm")
        })
        .await?;
    app.look("voice-vi-7-announcements").await?;
    // Another round: still one notification.
    app.click("#sync-now").await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let shown = desktop
        .shown()
        .iter()
        .filter(|n| n.title.contains("Cúp nước"))
        .count();
    assert_eq!(shown, 1, "notified once: {:?}", desktop.shown());
    assert!(
        !desktop
            .shown()
            .iter()
            .any(|n| n.title.contains("tiêm chủng")),
        "only urgent ones"
    );
    // The home screen's voice tile says in words that an urgent notice is unread…
    app.click("#nav-home").await?;
    app.wait_text("#urgent-badge", |t| t.contains("1 thông báo khẩn"))
        .await?;
    app.look("voice-vi-9-home-badge").await?;
    // …until it is opened.
    open_announcements(&app).await?;
    app.click(&urgent_line).await?;
    app.find("#announcement .announcement-body").await?;
    app.look("voice-vi-8-announcement").await?;
    app.click("#nav-home").await?;
    app.find("#nav-rate").await?;
    let start = Instant::now();
    while app
        .client
        .find(fantoccini::Locator::Css("#urgent-badge"))
        .await
        .is_ok()
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the badge stays after the announcement was opened"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Every new screen in English too.
    app.click("#nav-home").await?;
    app.click("#lang-en").await?;
    app.wait_attr("html", "lang", "en").await?;
    app.click("#nav-rate").await?;
    app.find("#open-surveys").await?;
    app.look("voice-en-1-hub").await?;
    open_surveys(&app).await?;
    app.find(&line).await?;
    app.look("voice-en-2-surveys").await?;
    app.click(&line).await?;
    app.find("#survey-results").await?;
    app.look("voice-en-3-survey-results").await?;
    open_announcements(&app).await?;
    app.find(&urgent_line).await?;
    app.look("voice-en-4-announcements").await?;
    app.click(&urgent_line).await?;
    app.find("#announcement .announcement-body").await?;
    app.look("voice-en-5-announcement").await?;
    app.close().await?;
    Ok(())
}
