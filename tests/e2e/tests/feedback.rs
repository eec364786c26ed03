//! The feedback journey in the real app under Xvfb: a report with a photo filed while the city
//! API is down (saved and queued), the server comes up and it is sent by itself; city staff
//! resolve it with a photo of the work; the app shows the change and tells the citizen; the
//! citizen answers "not fixed" with a photo and the server shows it re-opened. Screenshots of
//! the screens at phone and kiosk sizes in both languages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::time::{Duration, Instant};

use e2e::{App, AppEnv, CityApi, Display, Notifications, Result, STAFF_KEY};
use serde_json::{Value, json};

/// A small camera-like JPEG.
fn jpeg(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(1200, 900, |x, y| {
        image::Rgb([
            (x / 5) as u8,
            (y / 4) as u8,
            seed.wrapping_add((x ^ y) as u8),
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

/// Chooses a photo in a file input as the platform's picker would (WebDriver types the file's
/// path into the input; the page then reads it like any picked file).
async fn pick_photo(app: &App, input: &str, dir: &std::path::Path, bytes: &[u8]) -> Result {
    let path = dir.join(format!("photo-{}.jpg", bytes.len()));
    std::fs::write(&path, bytes)?;
    app.find(input)
        .await?
        .send_keys(&path.to_string_lossy())
        .await?;
    Ok(())
}

async fn city_get(api: &CityApi, path: &str) -> Result<Value> {
    Ok(
        reqwest::get(format!("{}{path}", api.url.trim_end_matches('/')))
            .await?
            .json()
            .await?,
    )
}

async fn staff_move(api: &CityApi, id: &str, status: &str, note: &str) -> Result {
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/staff/requests/{id}/status",
            api.url.trim_end_matches('/')
        ))
        .header("X-Staff-Key", STAFF_KEY)
        .json(&json!({"status": status, "note": note}))
        .send()
        .await?;
    assert_eq!(res.status(), 200, "staff move to {status}");
    Ok(())
}

/// A neighbour's "me too" on the report, from their own registered device, signed.
async fn neighbour_me_too(api: &CityApi, id: &str) -> Result {
    use model::trust::signature::{DEVICE_HEADER, SIGNATURE_HEADER, SignedRequest, TIME_HEADER};
    use model::trust::{ContentDigest, DeviceCredential, REGISTER_PATH, Registration};
    let base = api.url.trim_end_matches('/');
    let http = reqwest::Client::new();
    let registration: Registration = http
        .post(format!("{base}{REGISTER_PATH}"))
        .header("Idempotency-Key", "neighbour-install")
        .form(&[("api_key", "citizen-app-demo")])
        .send()
        .await?
        .json()
        .await?;
    let device = DeviceCredential::from_registration(&registration).expect("credential");
    let path = format!("/open311/v2/requests/{id}/supporters.json");
    let body = "api_key=citizen-app-demo";
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let signature = device.sign(&SignedRequest {
        method: "POST",
        path_and_query: &path,
        time,
        idempotency_key: "neighbour-me-too",
        content: ContentDigest::of_body(body.as_bytes()),
    });
    let res = http
        .post(format!("{base}{path}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Idempotency-Key", "neighbour-me-too")
        .header(DEVICE_HEADER, device.id.as_str())
        .header(TIME_HEADER, time.to_string())
        .header(SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await?;
    assert_eq!(res.status(), 200, "me too");
    Ok(())
}

async fn staff_photo(api: &CityApi, id: &str) -> Result {
    let part = reqwest::multipart::Part::bytes(jpeg(200))
        .file_name("done.jpg")
        .mime_str("image/jpeg")?;
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/staff/requests/{id}/media",
            api.url.trim_end_matches('/')
        ))
        .header("X-Staff-Key", STAFF_KEY)
        .multipart(reqwest::multipart::Form::new().part("media", part))
        .send()
        .await?;
    assert_eq!(res.status(), 200, "staff photo");
    Ok(())
}

/// Polls the city until `check` holds for the one report there (bounded).
async fn city_until(api: &CityApi, what: &str, check: impl Fn(&Value) -> bool) -> Result<Value> {
    let start = Instant::now();
    let mut last = Value::Null;
    while start.elapsed() < Duration::from_secs(45) {
        if let Ok(list) = city_get(api, "/open311/v2/requests.json").await {
            if let Some(first) = list.get(0)
                && check(first)
            {
                return Ok(first.clone());
            }
            last = list;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Err(format!("city never showed {what}; last {last}").into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_offline_then_sent_resolved_and_not_fixed() -> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let mut api = CityApi::start(&tmp.path().join("city.db"))?;
    api.stop();
    let desktop = Notifications::start().await?;
    let env = AppEnv {
        display: &display,
        data_home: tmp.path(),
        api_url: &api.url,
        session_bus: Some(&desktop.bus_address),
    };
    let app = App::launch(&env).await?;
    app.client.set_window_rect(0, 0, 360, 640).await?;
    app.wait_attr("#connection-state", "data-state", "offline")
        .await?;

    // File it offline: category, details with a photo, place, anonymous, review, send.
    app.click("#nav-feedback").await?;
    app.click("#new-report").await?;
    let search = app.find("#service-search").await?;
    search.send_keys("ngap").await?;
    app.click("#service-thoat-nuoc").await?;
    app.find("#form-details").await?;
    app.click("label[for='attr-kind-flood']").await?;
    app.type_into("#description", "Nước ngập sâu trước chợ sau cơn mưa")
        .await?;
    pick_photo(&app, "#photo-input-report", tmp.path(), &jpeg(7)).await?;
    app.find(".thumbs img").await?;
    app.look("feedback-vi-2-details").await?;
    app.click("#step-next").await?;
    app.find("#form-place").await?;
    app.click("label[for='place-address']").await?;
    app.find("#place-ward option[value='26743']").await?;
    app.find("#place-ward")
        .await?
        .select_by_value("26743")
        .await?;
    app.type_into("#place-address-text", "12 Lê Lợi").await?;
    app.wait_attr("#place-address-text", "value", "12 Lê Lợi")
        .await
        .ok();
    app.look("feedback-vi-2-place").await?;
    app.click("#step-next").await?;
    app.click("label[for='identity-anonymous']").await?;
    app.look("feedback-vi-2-identity").await?;
    app.click("#step-next").await?;
    app.find("#form-review").await?;
    app.find("#nearby-offline").await?;
    app.look("feedback-vi-3-review-offline").await?;
    app.click("#send-report").await?;
    // The answer comes once it is on disk; it waits for the network, visibly.
    app.wait_attr("#report-delivery", "class", "chip delivery queued")
        .await?;
    app.find("#notice").await?;
    app.look("feedback-vi-4-queued").await?;

    // The city comes back: it goes out by itself (the app's own check notices the link).
    api.restart()?;
    app.click("#sync-now").await?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;
    let start = Instant::now();
    loop {
        if app
            .client
            .execute(
                "return document.querySelector('#report-delivery')?.className ?? '';",
                vec![],
            )
            .await?
            == json!("chip delivery sent")
        {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "never sent");
        app.click("#sync-now").await.ok();
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
    let on_city = city_until(&api, "the report", |r| {
        r["media_urls"].as_array().is_some_and(|m| m.len() == 1)
    })
    .await?;
    let id = on_city["service_request_id"]
        .as_str()
        .ok_or("no id")?
        .to_owned();
    assert_eq!(
        on_city["description"],
        "Nước ngập sâu trước chợ sau cơn mưa"
    );

    // A neighbour says "me too"; staff resolve it with a photo of the work: the app shows both
    // and says so.
    neighbour_me_too(&api, &id).await?;
    staff_move(&api, &id, "in_progress", "Đã cử đội thoát nước").await?;
    staff_move(&api, &id, "resolved", "Đã nạo vét cống").await?;
    staff_photo(&api, &id).await?;
    app.click("#nav-home").await?;
    let start = Instant::now();
    while app
        .client
        .find(fantoccini::Locator::Css("#news-badge"))
        .await
        .is_err()
    {
        assert!(start.elapsed() < Duration::from_secs(60), "no news badge");
        app.click("#nav-feedback").await?;
        app.click("#sync-now").await?;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        app.click("#nav-home").await?;
    }
    app.wait_text("#notice", |t| t.contains("cập nhật")).await?;
    // ... and the desktop shows it too, in Vietnamese, naming the field and its new state.
    desktop
        .wait_for(Duration::from_secs(20), |n| {
            n.title == "Phản ánh của bạn có cập nhật" && n.body.contains("Đã xử lý xong")
        })
        .await?;
    app.look("feedback-vi-5-news").await?;
    app.click("#nav-feedback").await?;
    app.click(".report-line").await?;
    app.wait_text("#report-status", |t| t.contains("Đã xử lý xong"))
        .await?;
    app.wait_text("#city-answer", |t| t.contains("Đã nạo vét cống"))
        .await?;
    app.find("#timeline li[data-status='resolved']").await?;
    app.find("#timeline img").await?;
    app.wait_text("#report-supporters", |t| t == "1 người")
        .await?;
    app.look("feedback-vi-6-resolved").await?;

    // "Not fixed", with a photo: saved, sent, re-opened on the server.
    app.type_into("#not-fixed-text", "Vẫn ngập sau mưa tối qua")
        .await?;
    pick_photo(&app, "#photo-input-reopen", tmp.path(), &jpeg(99)).await?;
    app.find(".not-fixed .thumbs img").await?;
    // Switching language while writing keeps the app alive and what was written (it once
    // trapped the wasm here: a re-entrant reactive lock).
    for lang in ["en", "vi"] {
        app.click(&format!("#lang-{lang}")).await?;
        app.wait_attr("html", "lang", lang).await?;
    }
    assert_eq!(
        app.find("#not-fixed-text")
            .await?
            .prop("value")
            .await?
            .as_deref(),
        Some("Vẫn ngập sau mưa tối qua")
    );
    app.find(".not-fixed .thumbs img").await?;
    app.look("feedback-vi-6-not-fixed").await?;
    app.click("#not-fixed-send").await?;
    // Saved at once, then sent by itself (the pending note may already be gone).
    app.wait_text("#notice", |t| t.contains("mở lại")).await?;
    app.click("#sync-now").await?;
    city_until(&api, "the report re-opened", |r| {
        r["detailed_status"] == "reopened"
    })
    .await?;
    let events = city_get(&api, &format!("/open311/v2/requests/{id}/events.json")).await?;
    assert!(
        events.as_array().is_some_and(|e| e
            .iter()
            .any(|e| e["status"] == "reopened" && e["actor"] == "citizen")),
        "{events}"
    );

    // The screens at phone and kiosk sizes, in both languages.
    for lang in ["vi", "en"] {
        app.click(&format!("#lang-{lang}")).await?;
        app.wait_attr("html", "lang", lang).await?;
        app.click("#nav-home").await?;
        app.click("#nav-feedback").await?;
        app.find("#my-reports-heading").await?;
        app.look(&format!("feedback-{lang}-1-hub")).await?;
        app.click(".report-line").await?;
        app.find("#timeline").await?;
        app.look(&format!("feedback-{lang}-7-report")).await?;
        app.click("#nav-home").await?;
        app.click("#nav-feedback").await?;
        app.click("#new-report").await?;
        app.find("#service-search").await?;
        app.look(&format!("feedback-{lang}-8-category")).await?;
    }
    app.close().await?;
    Ok(())
}
