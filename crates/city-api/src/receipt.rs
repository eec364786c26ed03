//! The demo receipt (phiếu tiếp nhận và hẹn trả kết quả) of a dossier, as an SVG page: the QR
//! code at the top left (Circular 01/2023/TT-VPCP puts it there) holding
//! `model::dossier::qr`'s payload — the code and the check value, so one scan is enough to
//! look the dossier up —, then the code and check value in print, the procedure, the agency,
//! the day it was received and the appointment day for the result.
//!
//! The QR code is the `qrcode` crate's (error correction M: a crumpled or stained corner still
//! reads); this module only places it on the page.

use std::fmt::Write;

use chrono::DateTime;
use model::dossier::qr::{QrText, ReceiptQr};
use model::dossier::{CheckValue, Dossier, DossierCode};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::db::dossiers::vietnam;

/// The paper it imitates: A5 landscape, in CSS pixels.
const WIDTH: u32 = 794;
const HEIGHT: u32 = 560;
/// Where the QR code sits (top left) and its size, quiet zone included.
pub const QR_AT: u32 = 24;
pub const QR_SIZE: u32 = 176;
/// The issuing system named in the payload.
const SYSTEM: &str = "CITY-API";
/// This document, in the payload: phiếu tiếp nhận.
const DOCUMENT: &str = "PTN";

#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error("the stored dossier code {0} is not one a receipt can carry")]
    Code(String),
    #[error("the check value is not one a receipt can carry")]
    Check,
    #[error("the payload does not fit a QR code: {0}")]
    Qr(#[from] qrcode::types::QrError),
}

/// A stored RFC 3339 time as Vietnam's wall clock.
fn local(utc: &str) -> Option<chrono::NaiveDateTime> {
    DateTime::parse_from_rfc3339(utc)
        .ok()
        .map(|t| t.with_timezone(&vietnam()).naive_local())
}

/// What the receipt's QR code holds (see `model::dossier::qr` for the format and why).
pub fn payload(d: &Dossier, check: &str) -> Result<String, ReceiptError> {
    let code = DossierCode::parse(&d.code).ok_or_else(|| ReceiptError::Code(d.code.clone()))?;
    let check = CheckValue::parse(check).ok_or(ReceiptError::Check)?;
    Ok(ReceiptQr {
        code,
        check,
        // A procedure code outside the QR alphanumeric set is left out, not mangled.
        procedure: QrText::new(&d.procedure_code),
        document: QrText::new(DOCUMENT),
        system: QrText::new(SYSTEM),
        issued_at: local(&d.submitted_at),
    }
    .to_payload())
}

/// XML text: the five characters that could end it or open markup, escaped.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 text.
            c if c.is_control() && !matches!(c, '\t' | '\n') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `text` in lines of at most `width` characters, cut between words.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The QR code as an `<svg>` element placed at the top left of the page.
fn qr_element(payload: &str) -> Result<String, ReceiptError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(QR_SIZE, QR_SIZE)
        .max_dimensions(QR_SIZE, QR_SIZE)
        .quiet_zone(true)
        .build();
    // The renderer writes a whole document: drop its XML declaration and place its root.
    let root = image.find("<svg").map_or(image.as_str(), |i| &image[i..]);
    Ok(root.replacen(
        "<svg ",
        &format!(r#"<svg id="qr" x="{QR_AT}" y="{QR_AT}" "#),
        1,
    ))
}

/// The receipt of `d` as an SVG document (Vietnamese, as the paper is).
pub fn svg(d: &Dossier, check: &str) -> Result<String, ReceiptError> {
    let qr = qr_element(&payload(d, check)?)?;
    let received = local(&d.submitted_at).map_or_else(
        || d.submitted_at.clone(),
        |t| t.format("%H:%M, ngày %d/%m/%Y").to_string(),
    );
    let due = local(&d.expected_at).map_or_else(
        || d.expected_at.clone(),
        |t| t.format("%d/%m/%Y").to_string(),
    );
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="'Times New Roman', 'Noto Serif', serif" font-size="16">"#
    );
    out.push_str(&format!(
        r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>"##
    ));
    out.push_str(&qr);
    let right = |out: &mut String, y: u32, size: u32, weight: &str, text: &str| {
        let _ = write!(
            out,
            r#"<text x="500" y="{y}" text-anchor="middle" font-size="{size}" font-weight="{weight}">{}</text>"#,
            esc(text)
        );
    };
    right(
        &mut out,
        44,
        15,
        "bold",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    );
    right(&mut out, 66, 15, "bold", "Độc lập - Tự do - Hạnh phúc");
    for (i, line) in wrap(&d.agency, 44).iter().take(2).enumerate() {
        right(&mut out, 100 + 20 * i as u32, 15, "normal", line);
    }
    let _ = write!(
        out,
        r#"<text x="{}" y="240" text-anchor="middle" font-size="21" font-weight="bold">PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ</text>"#,
        WIDTH / 2
    );
    let mut y = 284;
    let mut row = |label: &str, value: &str, mono: bool| {
        let lines = wrap(value, 58);
        let font = if mono {
            r#" font-family="'DejaVu Sans Mono', monospace" font-weight="bold""#
        } else {
            ""
        };
        let _ = write!(out, r#"<text x="40" y="{y}">{}:</text>"#, esc(label));
        for (i, line) in lines.iter().take(2).enumerate() {
            let _ = write!(
                out,
                r#"<text x="250" y="{}"{font}>{}</text>"#,
                y + 22 * i as u32,
                esc(line)
            );
        }
        y += 22 * lines.len().clamp(1, 2) as u32 + 8;
    };
    row("Mã hồ sơ", &d.code, true);
    row("Mã kiểm tra", check, true);
    row("Thủ tục", &d.procedure, false);
    row("Phường/xã", &d.ward_name, false);
    row("Tiếp nhận lúc", &received, false);
    row("Ngày hẹn trả kết quả", &due, false);
    let _ = write!(
        out,
        r#"<text x="40" y="{}" font-size="13" font-style="italic">Tra cứu: quét mã QR bằng ứng dụng, hoặc nhập mã hồ sơ và mã kiểm tra. Giữ kín mã kiểm tra.</text>"#,
        HEIGHT - 44
    );
    let _ = write!(
        out,
        r##"<text x="40" y="{}" font-size="12" fill="#555">Phiếu minh họa của máy chủ tham chiếu (demo receipt of the reference city API).</text></svg>"##,
        HEIGHT - 22
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

    use model::dossier::DossierStatus;
    use model::dossier::qr::parse_payload;

    use super::*;

    fn dossier() -> Dossier {
        Dossier {
            code: "000.00.04.H29-240115-0001".into(),
            procedure_code: "ho-tich-khai-sinh".into(),
            procedure: "Đăng ký khai sinh <cho con> & \"mẹ\"".into(),
            field: "civil_status".into(),
            agency: "UBND phường Bến Thành".into(),
            ward_code: "26734".into(),
            ward_name: "Phường Bến Thành".into(),
            status: DossierStatus::Received,
            submitted_at: "2024-01-15T02:30:00Z".into(),
            expected_at: "2024-01-16T02:30:00Z".into(),
            finished_at: None,
            on_time: None,
            timeline: Vec::new(),
            supplement: None,
        }
    }

    #[test]
    fn the_payload_reads_back_as_the_code_and_check_value() {
        let text = payload(&dossier(), "K7M2QX").expect("payload");
        assert_eq!(
            text,
            "HSQR1/MA:000.00.04.H29-240115-0001/KT:K7M2QX/TT:HO-TICH-KHAI-SINH/GT:PTN/HT:CITY-API/TG:202401150930"
        );
        let read = parse_payload(&text).expect("our own receipt");
        assert_eq!(read.code.as_str(), "000.00.04.H29-240115-0001");
        assert_eq!(read.check.as_str(), "K7M2QX");
        assert!(payload(&dossier(), "K7M2Q0").is_err());
    }

    #[test]
    fn texts_are_escaped_and_the_qr_sits_at_the_top_left() {
        let page = svg(&dossier(), "K7M2QX").expect("svg");
        assert!(page.contains("Đăng ký khai sinh &lt;cho con&gt; &amp; &quot;mẹ&quot;"));
        assert!(!page.contains("<cho con>"));
        assert!(page.contains(r#"<svg id="qr" x="24" y="24" "#));
        assert!(!page.contains("<?xml"), "one document, not two");
        assert!(
            page.contains("16/01/2024"),
            "the appointment day, Vietnam time"
        );
        assert!(page.contains("09:30, ngày 15/01/2024"));
    }

    #[test]
    fn long_texts_wrap_between_words() {
        let lines = wrap(
            "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
            30,
        );
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= 30));
    }
}
