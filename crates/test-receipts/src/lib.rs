//! Synthetic photos of paper receipts (phiếu tiếp nhận và hẹn trả kết quả) with their QR code at
//! the top left, for tests and benchmarks of QR reading. Deterministic by seed.
//!
//! Two steps, as in life: [`render`] prints the receipt (an A4 page at 150 dpi: off-white paper,
//! text-like lines, a table, a red seal, the QR), then [`photograph`] takes a phone's picture of
//! it: the page lies on a table, seen at an angle (a pinhole camera, so the far edge shrinks),
//! turned, out of focus or shaken, in dim or uneven light with a shadow across it, with sensor
//! noise, saved as JPEG. [`Shot::varied`] draws one such shot from a seed; [`corpus`] is the
//! fixed set the tests and the benchmark share.

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage, Rgba, RgbaImage};
use imageproc::drawing::{draw_filled_circle_mut, draw_filled_rect_mut, draw_hollow_circle_mut};
use imageproc::geometric_transformations::{Border, Interpolation, Projection, warp_into};
use imageproc::rect::Rect;

pub use qrcode::{self, EcLevel};

/// What the tests put in the QR code. Provisional: the decoder returns raw text, so the real
/// payload format (defined in `model`) does not matter here.
pub const SAMPLE_PAYLOAD: &str = "HCMC-DOSSIER v=1;code=000.00.04.H29-240115-0001;check=K7M2QX";

/// Printing resolution of the page: A4 is 1240 × 1754 pixels.
pub const DPI: f32 = 150.0;
const PAGE_W: u32 = 1240;
const PAGE_H: u32 = 1754;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the payload does not fit in a QR code: {0:?}")]
    Qr(qrcode::types::QrError),
    #[error("the page cannot be placed in the frame (degenerate perspective)")]
    Geometry,
    #[error(transparent)]
    Image(#[from] image::ImageError),
}

/// A receipt as printed.
#[derive(Clone, Debug)]
pub struct Receipt {
    /// What the QR code holds; `None` prints the receipt without one (a seal in its place).
    pub payload: Option<String>,
    /// Side of the QR code on paper, quiet zone excluded, in millimetres.
    pub qr_mm: f32,
    pub ec: EcLevel,
    /// Quiet zone around the code, in modules (the standard asks for 4; printers skimp).
    pub quiet_modules: u32,
    /// Varies the text lines.
    pub seed: u64,
}

impl Receipt {
    /// A receipt carrying `payload` in a 25 mm code, error correction M.
    pub fn with_payload(payload: &str) -> Self {
        Self {
            payload: Some(payload.to_owned()),
            qr_mm: 25.0,
            ec: EcLevel::M,
            quiet_modules: 4,
            seed: 1,
        }
    }

    /// The same paper with no QR code on it.
    pub fn without_qr() -> Self {
        Self {
            payload: None,
            ..Self::with_payload("")
        }
    }
}

const PAPER: Rgb<u8> = Rgb([242, 240, 233]);
const INK: Rgb<u8> = Rgb([38, 38, 44]);
const SEAL: Rgb<u8> = Rgb([196, 42, 48]);

/// Prints the receipt: an upright A4 page.
pub fn render(receipt: &Receipt) -> Result<RgbImage, Error> {
    let mut rng = fastrand::Rng::with_seed(receipt.seed);
    let mut page = RgbImage::from_pixel(PAGE_W, PAGE_H, PAPER);
    // Paper is not flat white: a faint grain.
    for p in page.pixels_mut() {
        let d = rng.u8(..6);
        p.0 = p.0.map(|c| c.saturating_sub(d));
    }
    let mm = DPI / 25.4;
    let margin = (15.0 * mm) as i32;
    let qr_side = (receipt.qr_mm * mm) as i32;

    let top_left = (margin, margin);
    match &receipt.payload {
        Some(payload) => draw_qr(&mut page, payload, receipt, top_left, qr_side)?,
        None => {
            let r = qr_side / 2;
            for t in 0..4 {
                draw_hollow_circle_mut(&mut page, (top_left.0 + r, top_left.1 + r), r - t, INK);
            }
        }
    }

    // Header beside the code: the agency, the nation's motto, the title.
    let right = PAGE_W as i32 - margin;
    let text_left = margin + qr_side + (8.0 * mm) as i32;
    let line = (6.5 * mm) as i32;
    let mut y = margin;
    for _ in 0..3 {
        words(&mut page, &mut rng, text_left, right, y, line, true);
        y += line;
    }
    y = margin + qr_side + (10.0 * mm) as i32;
    // The title, centred and bold.
    let title_w = (110.0 * mm) as i32;
    let cx = PAGE_W as i32 / 2;
    bar(
        &mut page,
        cx - title_w / 2,
        y,
        title_w,
        (5.0 * mm) as i32,
        INK,
    );
    y += 2 * line;
    // Body: labelled lines, then a table of the papers received.
    for _ in 0..9 {
        words(&mut page, &mut rng, margin, right, y, line, false);
        y += line;
    }
    y += line / 2;
    let rows = 6;
    for r in 0..=rows {
        bar(&mut page, margin, y + r * line, right - margin, 2, INK);
    }
    for x in [
        margin,
        margin + (12.0 * mm) as i32,
        right - (40.0 * mm) as i32,
        right - 2,
    ] {
        bar(&mut page, x, y, 2, rows * line, INK);
    }
    for r in 0..rows {
        words(
            &mut page,
            &mut rng,
            margin + (15.0 * mm) as i32,
            right - (45.0 * mm) as i32,
            y + r * line + line / 5,
            line,
            false,
        );
    }
    y += rows * line + line;
    for _ in 0..5 {
        words(&mut page, &mut rng, margin, right, y, line, false);
        y += line;
    }
    // Signature block with the red seal over it, bottom right.
    let seal_c = (right - (35.0 * mm) as i32, y + (25.0 * mm) as i32);
    let seal_r = (18.0 * mm) as i32;
    for t in 0..5 {
        draw_hollow_circle_mut(&mut page, seal_c, seal_r - t, SEAL);
        draw_hollow_circle_mut(&mut page, seal_c, seal_r * 2 / 3 - t, SEAL);
    }
    draw_filled_circle_mut(&mut page, seal_c, seal_r / 5, SEAL);
    words(
        &mut page,
        &mut rng,
        seal_c.0 - (30.0 * mm) as i32,
        seal_c.0 + (30.0 * mm) as i32,
        seal_c.1 + seal_r + line,
        line,
        true,
    );
    Ok(page)
}

fn draw_qr(
    page: &mut RgbImage,
    payload: &str,
    receipt: &Receipt,
    (x0, y0): (i32, i32),
    side: i32,
) -> Result<(), Error> {
    let code =
        qrcode::QrCode::with_error_correction_level(payload, receipt.ec).map_err(Error::Qr)?;
    let n = code.width() as i32;
    let colors = code.to_colors();
    let quiet = receipt.quiet_modules as f32 * side as f32 / n as f32;
    // The quiet zone is paper (already there); modules are laid on exact fractional edges so
    // the code keeps its size whatever the module count.
    let module = side as f32 / n as f32;
    let at = |i: i32| (i as f32 * module).round() as i32;
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i as i32 % n, i as i32 / n);
            bar(
                page,
                x0 + quiet as i32 + at(mx),
                y0 + quiet as i32 + at(my),
                at(mx + 1) - at(mx),
                at(my + 1) - at(my),
                INK,
            );
        }
    }
    Ok(())
}

/// A run of "words": dark blocks of random widths, like a line of print seen from afar.
fn words(
    page: &mut RgbImage,
    rng: &mut fastrand::Rng,
    left: i32,
    right: i32,
    y: i32,
    line: i32,
    centred: bool,
) {
    let height = line * 11 / 20;
    let gap = line / 3;
    let end = if centred {
        right
    } else {
        right - rng.i32(0..(right - left) / 3)
    };
    let mut spans = Vec::new();
    let mut x = 0;
    while x < end - left {
        let w = rng.i32(line / 2..line * 3);
        spans.push((x, w.min(end - left - x)));
        x += w + gap;
    }
    let shift = if centred {
        (end - left - x + gap).max(0) / 2
    } else {
        0
    };
    for (x, w) in spans {
        bar(page, left + shift + x, y, w, height, INK);
    }
}

fn bar(page: &mut RgbImage, x: i32, y: i32, w: i32, h: i32, color: Rgb<u8>) {
    if w > 0 && h > 0 {
        draw_filled_rect_mut(page, Rect::at(x, y).of_size(w as u32, h as u32), color);
    }
}

/// How the phone took the picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Shot {
    /// The photo's size in pixels (a 12 MP phone: 3000 × 4000).
    pub width: u32,
    pub height: u32,
    /// How much of the frame's height the page fills when held square to the camera.
    pub fill: f32,
    /// Tilt of the page away from the camera about its horizontal and vertical axes, degrees.
    pub tilt_x: f32,
    pub tilt_y: f32,
    /// Turn of the page within the frame, degrees.
    pub turn: f32,
    /// Where the page's centre is, as a fraction of the frame from its centre.
    pub shift: (f32, f32),
    /// Out of focus: Gaussian sigma in pixels of a 1000-pixel-wide frame (scaled to `width`).
    pub blur: f32,
    /// Hand shake: length of a horizontal smear, same unit.
    pub shake: f32,
    /// Exposure: 1 is good light, 0.3 a dim office.
    pub light: f32,
    /// Uneven light: how much darker the far side of the frame is, 0..1.
    pub falloff: f32,
    /// A soft shadow (a hand, the phone) across part of the frame: how much light it takes, 0..1.
    pub shadow: f32,
    /// Sensor noise sigma in grey levels; it grows as the light falls.
    pub noise: f32,
    pub jpeg_quality: u8,
    pub seed: u64,
}

impl Shot {
    /// A clean picture: page square to the camera, in focus, good light.
    pub fn straight(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            fill: 0.85,
            tilt_x: 0.0,
            tilt_y: 0.0,
            turn: 0.0,
            shift: (0.0, 0.0),
            blur: 0.0,
            shake: 0.0,
            light: 1.0,
            falloff: 0.0,
            shadow: 0.0,
            noise: 1.0,
            jpeg_quality: 90,
            seed: 0,
        }
    }

    /// A picture as people take them, drawn from `seed`: tilted up to 35°, turned up to 25°,
    /// out of focus up to σ = 3 px and shaken up to a 6 px smear in a 3000 px wide frame (a
    /// third to a half of a module of a 25 mm code, and about one module: what autofocus and a
    /// hand give; worse pictures are for the citizen to take again), from good light down to a
    /// dim room, often uneven, about half of them with a shadow across.
    pub fn varied(seed: u64, width: u32, height: u32) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut range = |lo: f32, hi: f32| lo + (hi - lo) * rng.f32();
        Self {
            width,
            height,
            fill: range(0.6, 0.9),
            tilt_x: range(-35.0, 35.0),
            tilt_y: range(-25.0, 25.0),
            turn: range(-25.0, 25.0),
            shift: (range(-0.06, 0.06), range(-0.06, 0.06)),
            blur: range(0.0, 1.0),
            shake: range(0.0, 2.0),
            light: range(0.3, 1.0),
            falloff: range(0.0, 0.6),
            shadow: range(-0.4, 0.5).max(0.0),
            noise: range(2.0, 6.0),
            jpeg_quality: 50 + (range(0.0, 40.0) as u8),
            seed,
        }
    }
}

/// The shared set: `n` varied shots with seeds 1..=n. (Tuning the reader used seeds from 101
/// on, so the figures measured on this set were not fitted to it.)
pub fn corpus(n: u64, width: u32, height: u32) -> Vec<Shot> {
    (1..=n)
        .map(|seed| Shot::varied(seed, width, height))
        .collect()
}

/// Takes the picture of a printed page: JPEG bytes, as a phone hands them over.
pub fn photograph(page: &RgbImage, shot: &Shot) -> Result<Vec<u8>, Error> {
    let (w, h) = (shot.width, shot.height);
    let corners = framed_corners(page.width() as f32, page.height() as f32, shot);
    let (pw, ph) = (page.width() as f32, page.height() as f32);
    let projection =
        Projection::from_control_points([(0.0, 0.0), (pw, 0.0), (pw, ph), (0.0, ph)], corners)
            .ok_or(Error::Geometry)?;
    let rgba: RgbaImage = image::DynamicImage::ImageRgb8(page.clone()).into_rgba8();
    let mut seen = RgbaImage::new(w, h);
    warp_into(
        &rgba,
        projection,
        Interpolation::Bilinear,
        Border::Constant(Rgba([0, 0, 0, 0])),
        &mut seen,
    );

    // The table under the page, the light over both.
    let mut rng = fastrand::Rng::with_seed(shot.seed ^ 0x5eed);
    let angle = rng.f32() * std::f32::consts::TAU;
    let (dx, dy) = (angle.cos(), angle.sin());
    let shadow_angle = rng.f32() * std::f32::consts::TAU;
    let (sx, sy) = (shadow_angle.cos(), shadow_angle.sin());
    let shadow_at = (rng.f32() - 0.5) * 0.6;
    let diag = ((w * w + h * h) as f32).sqrt();
    let mut photo = RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = (
            (x as f32 - w as f32 / 2.0) / diag,
            (y as f32 - h as f32 / 2.0) / diag,
        );
        let table = [92.0 + 30.0 * u, 78.0 + 20.0 * v, 64.0];
        let px = seen.get_pixel(x, y).0;
        let a = px[3] as f32 / 255.0;
        let ramp = (u * dx + v * dy + 0.5).clamp(0.0, 1.0);
        let edge = ((u * sx + v * sy - shadow_at) * 25.0).clamp(0.0, 1.0);
        let gain = shot.light * (1.0 - shot.falloff * ramp) * (1.0 - shot.shadow * edge);
        // Dim indoor light is warm.
        let cast = [1.0, 0.96, 0.86 + 0.14 * shot.light];
        Rgb(std::array::from_fn(|c| {
            let lit = (px[c] as f32 * a + table[c] * (1.0 - a)) * gain * cast[c];
            lit.clamp(0.0, 255.0) as u8
        }))
    });

    let scale = w as f32 / 1000.0;
    if shot.blur * scale > 0.3 {
        photo = imageproc::filter::gaussian_blur_f32(&photo, shot.blur * scale);
    }
    let smear = (shot.shake * scale).round() as usize;
    if smear > 1 {
        let kernel = vec![1.0 / smear as f32; smear];
        photo = imageproc::filter::horizontal_filter(&photo, &kernel);
    }
    if shot.noise > 0.0 {
        let sigma = shot.noise * (2.0 - shot.light);
        imageproc::noise::gaussian_noise_mut(&mut photo, 0.0, sigma as f64, shot.seed);
    }
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, shot.jpeg_quality).encode_image(&photo)?;
    Ok(jpeg)
}

/// The page's corners in the photo, stepping back (less fill) until the whole page is in the
/// frame: people take the whole receipt, and the code must be in the picture.
fn framed_corners(pw: f32, ph: f32, shot: &Shot) -> [(f32, f32); 4] {
    let mut shot = shot.clone();
    let margin = 0.02 * shot.width.min(shot.height) as f32;
    loop {
        let corners = page_corners(pw, ph, &shot);
        let inside = corners.iter().all(|&(x, y)| {
            x >= margin
                && y >= margin
                && x <= shot.width as f32 - margin
                && y <= shot.height as f32 - margin
        });
        if inside || shot.fill < 0.2 {
            return corners;
        }
        shot.fill *= 0.95;
        shot.shift = (shot.shift.0 * 0.9, shot.shift.1 * 0.9);
    }
}

/// Where the page's corners land in the photo: a pinhole camera looking at the page tilted
/// about its axes, turned, and shifted. Corners in order top-left, top-right, bottom-right,
/// bottom-left.
fn page_corners(pw: f32, ph: f32, shot: &Shot) -> [(f32, f32); 4] {
    let (ax, ay, az) = (
        shot.tilt_x.to_radians(),
        shot.tilt_y.to_radians(),
        shot.turn.to_radians(),
    );
    // Camera distance 1.5 page heights: a phone held over a desk.
    let dist = 1.5 * ph;
    let focal = shot.fill * shot.height as f32 * dist / ph;
    let (cx, cy) = (
        shot.width as f32 * (0.5 + shot.shift.0),
        shot.height as f32 * (0.5 + shot.shift.1),
    );
    let project = |x: f32, y: f32| {
        // Rx (tilt about the horizontal axis), then Ry, then Rz (turn in the frame).
        let (y1, z1) = (y * ax.cos(), y * ax.sin());
        let (x2, z2) = (x * ay.cos() + z1 * ay.sin(), -x * ay.sin() + z1 * ay.cos());
        let (x3, y3) = (x2 * az.cos() - y1 * az.sin(), x2 * az.sin() + y1 * az.cos());
        let z = dist + z2;
        (cx + focal * x3 / z, cy + focal * y3 / z)
    };
    let (hw, hh) = (pw / 2.0, ph / 2.0);
    [
        project(-hw, -hh),
        project(hw, -hh),
        project(hw, hh),
        project(-hw, hh),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_photo() {
        let page = render(&Receipt::with_payload(SAMPLE_PAYLOAD)).expect("render");
        let shot = Shot::varied(3, 300, 400);
        let a = photograph(&page, &shot).expect("photo");
        let b = photograph(&page, &shot).expect("photo");
        assert_eq!(a, b);
        assert_ne!(
            a,
            photograph(&page, &Shot::varied(4, 300, 400)).expect("photo")
        );
    }

    #[test]
    fn the_corpus_varies_angle_blur_and_light() {
        let shots = corpus(20, 300, 400);
        let spread = |f: fn(&Shot) -> f32| {
            let v: Vec<f32> = shots.iter().map(f).collect();
            v.iter().cloned().fold(f32::MIN, f32::max) - v.iter().cloned().fold(f32::MAX, f32::min)
        };
        assert!(spread(|s| s.tilt_x) > 40.0);
        assert!(spread(|s| s.blur) > 0.6);
        assert!(spread(|s| s.light) > 0.5);
    }
}
