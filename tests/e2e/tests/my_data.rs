//! "Your data" in the real app under Xvfb (issue 13): file a named report, export my data (the
//! file exists and holds it, the city's part included), delete my data after the confirmation;
//! the city's database no longer holds the contact, the report stays. Screenshots in both
//! languages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use e2e::{App, AppEnv, CityApi, Display, Result};
use serde_json::json;

const EMAIL: &str = "e2e.markerc41d@example.vn";

fn city_count(db: &std::path::Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("city db");
    conn.query_row(sql, [], |r| r.get(0)).expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_then_delete_my_data() -> Result {
    let display = Display::start(1920, 1080)?;
    let tmp = tempfile::tempdir()?;
    let city_db = tmp.path().join("city.db");
    let api = CityApi::start(&city_db)?;
    let env = AppEnv {
        display: &display,
        data_home: tmp.path(),
        api_url: &api.url,
        session_bus: None,
    };
    let app = App::launch(&env).await?;
    app.wait_attr("#connection-state", "data-state", "online")
        .await?;

    // A named report.
    app.click("#nav-feedback").await?;
    app.click("#new-report").await?;
    app.find("#service-search").await?.send_keys("ngap").await?;
    app.click("#service-thoat-nuoc").await?;
    app.find("#form-details").await?;
    app.click("label[for='attr-kind-flood']").await?;
    app.type_into("#description", "Nước ngập sâu trước chợ sau cơn mưa")
        .await?;
    app.click("#step-next").await?;
    app.find("#form-place").await?;
    app.click("label[for='place-address']").await?;
    app.find("#place-ward option[value='26743']").await?;
    app.find("#place-ward")
        .await?
        .select_by_value("26743")
        .await?;
    app.type_into("#place-address-text", "12 Lê Lợi").await?;
    app.click("#step-next").await?;
    app.click("label[for='identity-contact']").await?;
    app.type_into("#contact-name", "Nguyễn Văn An").await?;
    app.type_into("#contact-phone", "0903123456").await?;
    app.type_into("#contact-email", EMAIL).await?;
    app.click("label[for='contact-consent']").await?;
    app.click("#step-next").await?;
    app.find("#form-review").await?;
    app.click("#send-report").await?;
    let start = Instant::now();
    while city_count(
        &city_db,
        "SELECT count(*) FROM requests WHERE contact IS NOT NULL",
    ) == 0
    {
        assert!(start.elapsed() < Duration::from_secs(60), "never sent");
        app.click("#sync-now").await.ok();
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }

    // Your data: what is held, then the export.
    app.click("#nav-settings").await?;
    app.wait_text("#my-data-held", |t| t.contains('1')).await?;
    app.show("#my-data-held").await?;
    app.look("my-data-vi-1-held").await?;
    app.click("#my-data-export").await?;
    let said = app
        .wait_text("#my-data-exported", |t| t.contains("citizen-app-my-data-"))
        .await?;
    app.show("#my-data-exported").await?;
    app.look("my-data-vi-2-exported").await?;
    // "Đã lưu tệp {file} vào thư mục {folder}." (its own paragraph), then the city's part.
    let first = app
        .wait_text("#my-data-exported > p:first-child", |t| {
            t.contains("citizen-app-my-data-")
        })
        .await?;
    let (head, rest) = first.split_once(" vào thư mục ").expect("folder named");
    let file = head.rsplit(' ').next().expect("file named");
    let folder = rest.trim().trim_end_matches('.');
    let path = PathBuf::from(folder).join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?} from {said:?}: {e}"));
    let doc: serde_json::Value = serde_json::from_slice(&bytes)?;
    std::fs::remove_file(&path).ok(); // not left in a real Downloads folder
    assert_eq!(doc["city"]["part"], "included", "{said}");
    assert_eq!(doc["city"]["holds"]["reports"][0]["email"], json!(EMAIL));
    assert!(
        said.contains("thành phố"),
        "says where the city's part is: {said}"
    );

    // Delete: the confirmation says what goes and what stays, then the outcome.
    app.click("#my-data-delete").await?;
    app.wait_text("#my-data-question", |t| !t.is_empty())
        .await?;
    app.show("#my-data-question").await?;
    app.look("my-data-vi-3-confirm").await?;
    app.click("#my-data-delete-confirm").await?;
    app.wait_text("#my-data-deleted", |t| t.contains("xác nhận"))
        .await?;
    app.show("#my-data-deleted").await?;
    app.look("my-data-vi-4-deleted").await?;
    assert_eq!(
        city_count(
            &city_db,
            "SELECT count(*) FROM requests WHERE contact IS NOT NULL"
        ),
        0
    );
    assert_eq!(
        city_count(
            &city_db,
            "SELECT count(*) FROM requests WHERE device_id IS NOT NULL"
        ),
        0
    );
    assert_eq!(city_count(&city_db, "SELECT count(*) FROM requests"), 1);

    // English.
    app.click("#lang-en").await?;
    app.wait_attr("html", "lang", "en").await?;
    app.click("#my-data-delete").await?;
    app.wait_text("#my-data-question", |t| t.contains("Delete"))
        .await?;
    app.show("#my-data-question").await?;
    app.look("my-data-en-3-confirm").await?;
    app.click("#my-data-delete-cancel").await?;
    app.click("#my-data-export").await?;
    app.wait_text("#my-data-exported", |t| t.contains("citizen-app-my-data-"))
        .await?;
    app.show("#my-data-exported").await?;
    app.look("my-data-en-2-exported").await?;
    let first = app
        .wait_text("#my-data-exported > p:first-child", |t| {
            t.contains("citizen-app-my-data-")
        })
        .await?;
    if let Some((head, rest)) = first.split_once(" in the folder ") {
        let file = head.rsplit(' ').next().unwrap_or_default();
        let folder = rest.trim().trim_end_matches('.');
        std::fs::remove_file(PathBuf::from(folder).join(file)).ok();
    }
    app.close().await?;
    Ok(())
}
