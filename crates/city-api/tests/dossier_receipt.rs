//! The demo receipt: an SVG page whose QR code, read back by a QR reader, is the model's payload
//! (code + check value); guarded like the lookup. On a real server over a real SQLite file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

mod common;

use common::{TestServer, assert_refused, json};
use model::dossier::Dossier;
use model::dossier::qr::parse_payload;
use reqwest::StatusCode;

/// The value of `name="…"` in `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let start = tag.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
    let len = tag[start..].find('"').expect("closing quote");
    &tag[start..start + len]
}

/// Reads the QR code of a receipt page back: the `<svg id="qr">` element's path (rectangles
/// `M{x} {y}h{w}v{h}H{x}V{y}`) drawn into a bitmap, then a QR reader.
fn read_qr(page: &str) -> (u32, u32, String) {
    let start = page.find(r#"<svg id="qr""#).expect("a QR element");
    let element = &page[start..];
    let tag = &element[..element.find('>').expect("tag")];
    let (x, y) = (
        attr(tag, "x").parse().expect("x"),
        attr(tag, "y").parse().expect("y"),
    );
    let size: usize = attr(tag, "width").parse().expect("width");
    let path_at = element.find("<path").expect("modules");
    let d = attr(&element[path_at..], "d");
    let mut dark = vec![false; size * size];
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().expect("number"))
            .collect();
        let (left, top, w, h) = (nums[0], nums[1], nums[2], nums[3]);
        for row in top..top + h {
            for col in left..left + w {
                dark[row * size + col] = true;
            }
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(size, size, |col, row| {
        if dark[row * size + col] { 0 } else { 255 }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    let (_, text) = grids[0].decode().expect("decodes");
    (x, y, text)
}

#[tokio::test]
async fn the_receipt_carries_a_qr_code_that_reads_back_as_code_and_check_value() {
    let s = TestServer::start().await;
    let (code, check) = s.dossier_samples(1).remove(0);
    let resp = s
        .get(&format!(
            "/api/v1/dossiers/{code}/receipt.svg?check={check}"
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let h = resp.headers().clone();
    assert_eq!(h["content-type"], "image/svg+xml");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-security-policy"]
            .to_str()
            .expect("csp")
            .starts_with("default-src 'none'")
    );
    assert!(
        h["cache-control"]
            .to_str()
            .expect("cc")
            .contains("no-store")
    );
    let page = resp.text().await.expect("svg");
    assert!(page.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(!page.to_lowercase().contains("<script"));

    let (x, y, text) = read_qr(&page);
    assert!(x < 100 && y < 100, "at the top left ({x}, {y})");
    let read = parse_payload(&text).expect("our receipt's payload");
    assert_eq!(read.code.as_str(), code);
    assert_eq!(read.check.as_str(), check);

    // What the paper says in words: the code, the check value, the procedure, the appointment.
    let d: Dossier = s
        .get_json(&format!("/api/v1/dossiers/{code}?check={check}"))
        .await;
    let due = chrono::DateTime::parse_from_rfc3339(&d.expected_at)
        .expect("time")
        .with_timezone(&city_api::db::dossiers::vietnam())
        .format("%d/%m/%Y")
        .to_string();
    for words in [
        code.as_str(),
        check.as_str(),
        d.procedure.as_str(),
        due.as_str(),
    ] {
        assert!(page.contains(words), "{words}");
    }
    assert_eq!(
        read.procedure.map(|p| p.as_str().to_owned()),
        Some(d.procedure_code.to_uppercase())
    );
}

#[tokio::test]
async fn a_receipt_is_guarded_like_the_lookup() {
    let s = TestServer::start().await;
    let (code, check) = s.dossier_samples(1).remove(0);
    let wrong = if check == "222222" {
        "333333"
    } else {
        "222222"
    };
    let (status, body) = json(
        s.get(&format!(
            "/api/v1/dossiers/{code}/receipt.svg?check={wrong}"
        ))
        .send()
        .await
        .expect("send"),
    )
    .await;
    assert_refused(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = json(
        s.get(&format!("/api/v1/dossiers/{code}/receipt.svg"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_refused(status, &body, StatusCode::BAD_REQUEST, "invalid_check");
    // Wrong values here spend the same cells as lookups.
    for _ in 0..city_api::throttle::BURST {
        s.get(&format!("/api/v1/dossiers/{code}?check={wrong}"))
            .send()
            .await
            .expect("send");
    }
    let (status, body) = json(
        s.get(&format!(
            "/api/v1/dossiers/{code}/receipt.svg?check={check}"
        ))
        .send()
        .await
        .expect("send"),
    )
    .await;
    assert_refused(status, &body, StatusCode::TOO_MANY_REQUESTS, "throttled");
}
