//! The dossiers journey in the real app under Xvfb, against the real city API: one dossier added
//! from a phone photo of its printed receipt, one typed (a typo first, told as typed), one added
//! while the city API is down (kept as "waiting", checked when it is back); a wrong check value
//! gets the one clear message; staff move a dossier to "needs papers" then "result ready" and the
//! app shows both (badge, papers, state); the app restarted offline still shows everything. The
//! question box and a procedure's page. Screenshots at phone and kiosk sizes in both languages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::path::Path;
use std::time::{Duration, Instant};

use e2e::{App, AppEnv, CityApi, Display, Notifications, Result, STAFF_KEY};
use serde_json::{Value, json};

/// Seeded dossiers the back office may still move, with their check values (random per
/// database: read from the city's own file, as a clerk's screen would show them).
fn handled_dossiers(city_db: &Path, n: usize) -> Result<Vec<(String, String)>> {
    let conn = rusqlite::Connection::open(city_db)?;
    let mut stmt = conn.prepare(
        "SELECT code, check_value FROM dossiers WHERE status IN ('received', 'processing')
         ORDER BY code LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([i64::try_from(n)?], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<Vec<(String, String)>, _>>()?;
    assert_eq!(rows.len(), n, "the seed has dossiers being handled");
    Ok(rows)
}

/// A phone photo (at an angle, dim, noisy, JPEG) of the printed receipt whose QR code holds
/// the city's payload for this dossier.
fn receipt_photo(code: &str, check: &str) -> Result<Vec<u8>> {
    let payload = format!("HSQR1/MA:{code}/KT:{check}/GT:PTN/HT:CITY-API");
    let page = test_receipts::render(&test_receipts::Receipt::with_payload(&payload))?;
    let mut shot = test_receipts::Shot::straight(1500, 2000);
    shot.tilt_x = 10.0;
    shot.turn = 4.0;
    shot.light = 0.7;
    shot.noise = 4.0;
    Ok(test_receipts::photograph(&page, &shot)?)
}

/// A field's current value (the UI sets the property, not the attribute).
async fn value_of(app: &App, css: &str) -> Result<String> {
    let v = app
        .client
        .execute(
            "return document.querySelector(arguments[0])?.value ?? null;",
            vec![json!(css)],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
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

/// Opens "My dossiers" from home.
async fn open_mine(app: &App) -> Result {
    app.click("#nav-home").await?;
    app.click("#nav-dossiers").await?;
    app.find("#my-dossiers-heading").await?;
    Ok(())
}

/// Asks the app to sync until the line of `code` in "My dossiers" shows `status` (bounded).
/// The badge alone says too little: another dossier's first answer also sets it.
async fn until_status(app: &App, code: &str, status: &str) -> Result {
    let start = Instant::now();
    loop {
        open_mine(app).await?;
        let shown = app
            .client
            .execute(
                "for (const b of document.querySelectorAll('.report-line')) \
                   if (b.textContent.includes(arguments[0])) return b.dataset.status || null; \
                 return null;",
                vec![json!(code)],
            )
            .await?;
        if shown.as_str() == Some(status) {
            return Ok(());
        }
        if start.elapsed() > Duration::from_secs(90) {
            return Err(format!("{code} never showed {status}; last {shown}").into());
        }
        app.click("#sync-now").await.ok();
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
}

/// The id the app gave the dossier with this code (from its line in "My dossiers").
async fn line_of(app: &App, code: &str) -> Result<String> {
    open_mine(app).await?;
    let id = app
        .client
        .execute(
            "for (const b of document.querySelectorAll('.report-line')) \
               if (b.textContent.includes(arguments[0])) return b.id; return null;",
            vec![json!(code)],
        )
        .await?;
    id.as_str()
        .map(|s| format!("#{s}"))
        .ok_or_else(|| format!("no line for {code}").into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dossiers_by_photo_typing_and_offline_followed_to_the_result() -> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let city_db = tmp.path().join("city.db");
    let mut api = CityApi::start(&city_db)?;
    let dossiers = handled_dossiers(&city_db, 3)?;
    let (photo, typed, offline) = (&dossiers[0], &dossiers[1], &dossiers[2]);
    let desktop = Notifications::start().await?;
    // The same port after a restart: the app keeps the address it started with.
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

    // Nothing yet: the empty list says what a dossier code is and where it is printed.
    open_mine(&app).await?;
    app.find("#no-dossiers").await?;
    app.look("dossiers-vi-1-empty").await?;

    // By a photo of the printed receipt: the two fields fill, then "follow".
    app.click("#add-dossier").await?;
    app.find("#receipt-photo").await?;
    app.look("dossiers-vi-2-add").await?;
    let file = tmp.path().join("receipt.jpg");
    std::fs::write(&file, receipt_photo(&photo.0, &photo.1)?)?;
    app.find("#receipt-photo")
        .await?
        .send_keys(&file.to_string_lossy())
        .await?;
    app.wait_attr("#qr-said", "class", "ok").await?;
    assert_eq!(value_of(&app, "#dossier-code").await?, photo.0);
    assert_eq!(value_of(&app, "#dossier-check").await?, photo.1);
    app.click("#add-dossier-submit").await?;
    app.wait_attr("#dossier-state", "data-lookup", "known")
        .await?;
    app.wait_text("#dossier-code-value", |t| t == photo.0)
        .await?;
    app.find("#dossier-timeline li").await?;
    app.look("dossiers-vi-3-detail").await?;

    // By typing: a typo is named where it is, as typed; spaces and lower case are forgiven.
    open_mine(&app).await?;
    app.click("#add-dossier").await?;
    let typo = format!("{}x", &typed.0[..2]);
    app.type_into("#dossier-code", &typo).await?;
    app.wait_text("#dossier-code-problem", |t| t.contains("Ký tự thứ 3"))
        .await?;
    app.wait_attr("#dossier-code", "aria-invalid", "true")
        .await?;
    app.look("dossiers-vi-4-typo").await?;
    app.type_into("#dossier-code", &typed.0.to_lowercase())
        .await?;
    app.find("#dossier-code-ok").await?;
    app.type_into("#dossier-check", &typed.1.to_lowercase())
        .await?;
    app.click("#add-dossier-submit").await?;
    app.wait_attr("#dossier-state", "data-lookup", "known")
        .await?;

    // A wrong check value: the one clear message; what was typed stays.
    open_mine(&app).await?;
    app.click("#add-dossier").await?;
    let wrong: String = offline.1.chars().rev().collect();
    let wrong = if wrong == offline.1 {
        "ZZZZZZ".to_owned()
    } else {
        wrong
    };
    app.type_into("#dossier-code", &offline.0).await?;
    app.type_into("#dossier-check", &wrong).await?;
    app.click("#add-dossier-submit").await?;
    app.wait_text("#add-problem", |t| t.contains("Không tìm thấy hồ sơ"))
        .await?;
    assert_eq!(value_of(&app, "#dossier-check").await?, wrong);
    app.look("dossiers-vi-5-not-found").await?;

    // The city API is down: kept as "waiting", checked by itself once it is back.
    api.stop();
    app.wait_attr("#connection-state", "data-state", "offline")
        .await?;
    app.type_into("#dossier-check", &offline.1).await?;
    app.click("#add-dossier-submit").await?;
    app.find(".report-line[data-lookup='waiting']").await?;
    app.wait_text("#notice", |t| t.contains("có mạng")).await?;
    app.look("dossiers-vi-6-waiting").await?;
    api.restart()?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;
    let start = Instant::now();
    while exists(&app, ".report-line[data-lookup='waiting']").await {
        assert!(start.elapsed() < Duration::from_secs(90), "never checked");
        app.click("#sync-now").await.ok();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        open_mine(&app).await?;
    }
    assert!(!exists(&app, ".report-line[data-lookup='not-found']").await);

    // Staff ask for papers: badge, then the papers, where and by when.
    let due = (std::time::SystemTime::now() + Duration::from_secs(7 * 86_400))
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let due = civil_date(due / 86_400);
    staff_move(
        &api,
        &photo.0,
        json!({
            "status": "supplement_requested",
            "note": "Thiếu bản sao giấy khai sinh",
            "supplement": {
                "papers": [
                    {"name": "Bản sao Giấy khai sinh", "form": "certified_copy", "copies": 2},
                    {"name": "Tờ khai", "form": "original"}
                ],
                "hand_in": {"way": "at_desk", "place": "Bộ phận một cửa UBND phường Bến Thành", "address": "45 Lê Thánh Tôn"},
                "due": due
            }
        }),
    )
    .await?;
    until_status(&app, &photo.0, "supplement_requested").await?;
    app.click("#nav-home").await?;
    app.find("#dossiers-badge").await?;
    app.look("dossiers-vi-7-badge").await?;
    let line = line_of(&app, &photo.0).await?;
    app.click(&line).await?;
    app.wait_attr("#dossier-state", "data-status", "supplement_requested")
        .await?;
    app.wait_text("#supplement-papers", |t| {
        t.contains("Bản sao Giấy khai sinh") && t.contains("Bản sao có chứng thực")
    })
    .await?;
    app.wait_text("#supplement-where", |t| t.contains("Bến Thành"))
        .await?;
    app.look("dossiers-vi-8-papers").await?;

    // ... then the result is ready: badge again, the state, and the OS notification.
    staff_move(
        &api,
        &photo.0,
        json!({"status": "ready", "note": "Đã có kết quả, mời nhận"}),
    )
    .await?;
    until_status(&app, &photo.0, "ready").await?;
    app.click("#nav-home").await?;
    app.find("#dossiers-badge").await?;
    let line = line_of(&app, &photo.0).await?;
    app.click(&line).await?;
    app.wait_attr("#dossier-state", "data-status", "ready")
        .await?;
    app.find("#dossier-timeline li[data-status='ready']")
        .await?;
    // Finished: the page asks how the ward served the citizen (after, never at the office).
    app.find("#rate-prompt-open").await?;
    desktop
        .wait_for(Duration::from_secs(30), |n| {
            n.body.contains(&photo.0) || n.title.contains("Hồ sơ") || n.body.contains("Hồ sơ")
        })
        .await?;
    app.look("dossiers-vi-9-ready").await?;

    // Restarted with no network: everything is still there.
    api.stop();
    app.close().await?;
    let app = App::launch(&env).await?;
    app.client.set_window_rect(0, 0, 360, 640).await?;
    app.wait_attr("#connection-state", "data-state", "offline")
        .await?;
    open_mine(&app).await?;
    for (code, _) in &dossiers {
        line_of(&app, code).await?;
    }
    assert!(!exists(&app, ".report-line[data-lookup='waiting']").await);
    let line = line_of(&app, &photo.0).await?;
    app.click(&line).await?;
    app.wait_attr("#dossier-state", "data-status", "ready")
        .await?;
    app.look("dossiers-vi-10-offline").await?;

    // The guide and the question box, and every screen in both languages.
    for lang in ["vi", "en"] {
        app.click(&format!("#lang-{lang}")).await?;
        app.wait_attr("html", "lang", lang).await?;
        open_mine(&app).await?;
        app.look(&format!("dossiers-{lang}-11-mine")).await?;
        let line = line_of(&app, &photo.0).await?;
        app.click(&line).await?;
        app.find("#dossier-timeline").await?;
        app.look(&format!("dossiers-{lang}-12-detail")).await?;
        open_mine(&app).await?;
        app.click("#add-dossier").await?;
        app.find("#dossier-code").await?;
        app.look(&format!("dossiers-{lang}-13-add")).await?;
        open_mine(&app).await?;
        app.click("#open-guide").await?;
        app.find("#procedure-list li").await?;
        app.type_into("#ask-input", "giay phep xay dung nha")
            .await?;
        app.wait_attr("#ask-head", "data-kind", "found").await?;
        app.look(&format!("dossiers-{lang}-14-ask")).await?;
        app.type_into("#ask-input", "qwzx vbnm").await?;
        app.wait_attr("#ask-head", "data-kind", "nothing-fits")
            .await?;
        app.find("#ask-feedback").await?;
        app.click("#procedure-cap-giay-phep-xay-dung-nha-o").await?;
        app.find("#procedure-facts").await?;
        app.find("#procedure-sources li").await?;
        app.look(&format!("dossiers-{lang}-15-procedure")).await?;
    }
    app.close().await?;
    Ok(())
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01 (UTC), without a date crate.
fn civil_date(days: u64) -> String {
    // Howard Hinnant's days-to-civil, for days after the epoch.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
