//! Reading a receipt's QR code from photos as citizens take them (synthetic: `test-receipts`
//! prints the receipt and photographs it at an angle, blurred, in dim or uneven light), and
//! from files that are no such photo: a clear error, never a panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::io::Cursor;

use core_engine::photo::PhotoError;
use core_engine::qr::{QrError, read_qr, read_qr_in};
use image::{GrayImage, ImageFormat, Luma, RgbImage};
use model::ErrorCode;
use test_receipts::{Receipt, SAMPLE_PAYLOAD, Shot, photograph, render};

/// A 3 MP phone photo: big enough to be real, small enough for a debug build.
const W: u32 = 1500;
const H: u32 = 2000;

fn png(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .expect("png");
    out
}

fn receipt() -> RgbImage {
    render(&Receipt::with_payload(SAMPLE_PAYLOAD)).expect("render")
}

fn reads(photo: &[u8]) -> Vec<String> {
    read_qr(photo).unwrap_or_else(|e| panic!("not read: {e:?}"))
}

#[test]
fn a_clean_scan_reads() {
    assert_eq!(reads(&png(&receipt())), [SAMPLE_PAYLOAD]);
}

#[test]
fn photos_at_an_angle_blurred_and_in_poor_light_read() {
    let page = receipt();
    let straight = Shot::straight(W, H);
    let cases = [
        (
            "tilted 35° away and turned 20°",
            Shot {
                tilt_x: 35.0,
                tilt_y: -15.0,
                turn: 20.0,
                ..straight.clone()
            },
        ),
        (
            "dim room, warm light, noisy, low JPEG quality",
            Shot {
                light: 0.3,
                noise: 6.0,
                jpeg_quality: 55,
                tilt_x: 15.0,
                ..straight.clone()
            },
        ),
        (
            "out of focus and shaken",
            Shot {
                blur: 0.8,
                shake: 1.5,
                tilt_y: 20.0,
                ..straight.clone()
            },
        ),
        (
            "a shadow across the page, light falling off to one side",
            Shot {
                shadow: 0.5,
                falloff: 0.6,
                light: 0.7,
                turn: -25.0,
                seed: 4,
                ..straight.clone()
            },
        ),
        (
            "held far away: the page fills half the frame",
            Shot {
                fill: 0.5,
                tilt_x: -20.0,
                ..straight.clone()
            },
        ),
    ];
    for (what, shot) in cases {
        let jpeg = photograph(&page, &shot).expect("photo");
        assert_eq!(
            read_qr(&jpeg),
            Ok(vec![SAMPLE_PAYLOAD.to_owned()]),
            "{what}"
        );
    }
}

#[test]
fn a_receipt_without_a_code_gets_the_clear_error() {
    let page = render(&Receipt::without_qr()).expect("render");
    let jpeg = photograph(&page, &Shot::straight(W, H)).expect("photo");
    let err = read_qr(&jpeg).expect_err("no code on this receipt");
    assert_eq!(err, QrError::NotFound);
    assert_eq!(err.code(), ErrorCode::QrNotFound);
    assert_eq!(err.code().message_key(), "error.qr_not_found");
}

#[test]
fn every_code_in_the_picture_comes_back_once() {
    // Two receipts side by side, one printed twice: two texts, each once.
    let other = "HCMC-DOSSIER v=1;code=000.00.04.H29-240116-0042;check=P3WZ8R";
    let a = receipt();
    let b = render(&Receipt::with_payload(other)).expect("render");
    let mut table = RgbImage::from_pixel(a.width() * 3, a.height(), image::Rgb([90, 80, 70]));
    image::imageops::replace(&mut table, &a, 0, 0);
    image::imageops::replace(&mut table, &b, i64::from(a.width()), 0);
    image::imageops::replace(&mut table, &a, 2 * i64::from(a.width()), 0);
    let mut texts = reads(&png(&table));
    texts.sort();
    let mut want = vec![SAMPLE_PAYLOAD.to_owned(), other.to_owned()];
    want.sort();
    assert_eq!(texts, want);
}

#[test]
fn vietnamese_text_in_a_code_comes_back_as_written() {
    let text = "Hồ sơ 000.00.04.H29-240115-0001 — Phường Bến Thành";
    let page = render(&Receipt::with_payload(text)).expect("render");
    let jpeg = photograph(&page, &Shot::straight(W, H)).expect("photo");
    assert_eq!(reads(&jpeg), [text]);
}

/// The bare code, `px` pixels a module, with its quiet zone.
fn bare_code(px: u32) -> Vec<Vec<bool>> {
    let code = test_receipts::qrcode::QrCode::new(SAMPLE_PAYLOAD).expect("encode");
    let n = code.width() as i64;
    let colors = code.to_colors();
    let side = (n + 8) * i64::from(px);
    (0..side)
        .map(|y| {
            (0..side)
                .map(|x| {
                    let (mx, my) = (x / i64::from(px) - 4, y / i64::from(px) - 4);
                    (0..n).contains(&mx)
                        && (0..n).contains(&my)
                        && colors[(my * n + mx) as usize] == test_receipts::qrcode::Color::Dark
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_small_screenshot_of_a_code_reads() {
    let dark = bare_code(2);
    let side = dark.len() as u32;
    let img = GrayImage::from_fn(side, side, |x, y| {
        Luma([if dark[y as usize][x as usize] { 0 } else { 255 }])
    });
    assert_eq!(read_qr_in(&img), Ok(vec![SAMPLE_PAYLOAD.to_owned()]));
}

#[test]
fn a_code_exported_black_on_transparent_reads() {
    // Transparent pixels are often stored black: read as paper, not as ink.
    let dark = bare_code(4);
    let side = dark.len() as u32;
    let img = image::RgbaImage::from_fn(side, side, |x, y| {
        image::Rgba([0, 0, 0, if dark[y as usize][x as usize] { 255 } else { 0 }])
    });
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .expect("png");
    assert_eq!(read_qr(&bytes), Ok(vec![SAMPLE_PAYLOAD.to_owned()]));
}

#[test]
fn files_that_are_no_photo_get_an_error_never_a_panic() {
    let photo_err = |bytes: &[u8]| match read_qr(bytes) {
        Err(QrError::Photo(e)) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(photo_err(b""), PhotoError::NotAnImage);
    assert_eq!(photo_err(b"%PDF-1.7 a scan"), PhotoError::NotAnImage);
    assert_eq!(photo_err(b"GIF89a\x01\x00\x01\x00"), PhotoError::NotAnImage);
    assert_eq!(
        photo_err(&vec![0xff; core_engine::photo::MAX_INPUT_BYTES + 1]),
        PhotoError::TooLarge
    );
    // A PNG header claiming 60000 × 60000: refused before any pixel is allocated.
    let mut bomb = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bomb.extend_from_slice(&60_000u32.to_be_bytes());
    bomb.extend_from_slice(&60_000u32.to_be_bytes());
    bomb.extend_from_slice(b"\x08\x02\x00\x00\x00\x00\x00\x00\x00");
    assert_eq!(photo_err(&bomb), PhotoError::Damaged);
    assert_eq!(
        QrError::Photo(PhotoError::Damaged).code(),
        ErrorCode::PhotoDamaged
    );

    // Random bytes, bare or behind each format's signature.
    let mut rng = fastrand::Rng::with_seed(12);
    for signature in [
        &b""[..],
        b"\xff\xd8\xff",
        b"\x89PNG\r\n\x1a\n",
        b"RIFF\0\0\0\0WEBPVP8 ",
    ] {
        for len in [0, 1, 100, 5_000] {
            let mut bytes = signature.to_vec();
            bytes.extend(std::iter::repeat_with(|| rng.u8(..)).take(len));
            assert!(
                read_qr(&bytes).is_err(),
                "{signature:?} + {len} random bytes"
            );
        }
    }
}

#[test]
fn a_photo_cut_short_or_corrupted_never_panics() {
    let jpeg = photograph(&receipt(), &Shot::straight(600, 800)).expect("photo");
    let page_png = png(&receipt());
    let mut rng = fastrand::Rng::with_seed(3);
    for bytes in [&jpeg, &page_png] {
        // Cut anywhere: the decoder may grey out what is missing and still find the code, or
        // refuse the file; either is an answer.
        for cut in (0..bytes.len()).step_by(bytes.len() / 7 + 1) {
            let _ = read_qr(&bytes[..cut]);
        }
        // A few bytes flipped in the middle of the data.
        for _ in 0..4 {
            let mut bad = bytes.clone();
            for _ in 0..16 {
                let i = rng.usize(bad.len() / 4..bad.len());
                bad[i] = rng.u8(..);
            }
            let _ = read_qr(&bad);
        }
    }
}

#[test]
fn noise_and_patterns_that_fool_a_finder_are_not_read_as_codes() {
    let mut rng = fastrand::Rng::with_seed(5);
    let noise = GrayImage::from_fn(900, 700, |_, _| Luma([rng.u8(..)]));
    assert_eq!(read_qr_in(&noise), Err(QrError::NotFound));
    // A wall of finder-pattern look-alikes (dark square, light ring, dark ring): many
    // candidates for the detector to group, none a code.
    let finder = |x: u32, y: u32| {
        let (cx, cy) = ((x % 28) as i32 - 14, (y % 28) as i32 - 14);
        let ring = cx.abs().max(cy.abs());
        ring < 2 || (ring > 3 && ring < 6) || ring == 13
    };
    let wall = GrayImage::from_fn(1400, 1000, |x, y| {
        Luma([if finder(x, y) { 20 } else { 230 }])
    });
    assert_eq!(read_qr_in(&wall), Err(QrError::NotFound));
    // Blank and one-line pictures.
    for (w, h) in [(1, 1), (3000, 1), (1, 3000), (40, 40)] {
        let img = image::DynamicImage::ImageLuma8(GrayImage::from_pixel(w, h, Luma([128])));
        let mut bytes = Vec::new();
        img.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .expect("png");
        assert_eq!(read_qr(&bytes), Err(QrError::NotFound), "{w}×{h}");
    }
}

/// Hundreds of hostile files through the whole reader (the QR decoding runs under
/// `catch_unwind` too): random bytes behind every signature, a small code's PNG cut at every
/// length step and with bytes flipped. Each gets an answer; the test reaching its end is the
/// proof that no panic escaped.
#[test]
fn hundreds_of_hostile_files_each_get_an_answer() {
    let small = png(&RgbImage::from_fn(120, 120, |x, y| {
        image::Rgb([[0, 255][((x / 8 + y / 8) % 2) as usize]; 3])
    }));
    let mut rng = fastrand::Rng::with_seed(77);
    let mut answered = 0;
    for i in 0..150 {
        let signature: &[u8] = [
            &b"\xff\xd8\xff\xe0"[..],
            b"\x89PNG\r\n\x1a\n",
            b"RIFF\0\0\0\0WEBPVP8 ",
        ][i % 3];
        let mut bytes = signature.to_vec();
        let len = rng.usize(0..3_000);
        bytes.extend(std::iter::repeat_with(|| rng.u8(..)).take(len));
        let _ = read_qr(&bytes);
        answered += 1;
    }
    for cut in (0..small.len()).step_by(small.len() / 100 + 1) {
        let _ = read_qr(&small[..cut]);
        answered += 1;
    }
    for _ in 0..100 {
        let mut bad = small.clone();
        let i = rng.usize(8..bad.len());
        bad[i] = rng.u8(..);
        let _ = read_qr(&bad);
        answered += 1;
    }
    assert!(answered >= 300, "{answered}");
}
