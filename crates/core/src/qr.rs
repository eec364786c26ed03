//! The QR code on a paper receipt, read from a photo of it: taken at an angle, out of focus,
//! in a dim room, 12 megapixels or a small scan.
//!
//! The photo is opened as [`crate::photo`] opens any picture from outside (format sniffed,
//! canvas and memory bounded, turned upright), made grey, then looked at a few fixed ways,
//! cheapest first, until one reads a code: shrunk to 1280 px (area averaging also smooths
//! sensor noise), the same sharpened (an unsharp mask gives blurred modules their edges back),
//! then as taken (up to 4000 px) for a small code far from the lens. Each look binarizes by local contrast
//! (rxing's `HybridBinarizer`), so shadows and uneven light need no pass of their own. The work
//! is bounded by the list, not by the photo: a 12 MP photo costs its decoding, one shrink and
//! three looks, at 1.2, 1.2 and 12 MP; a larger photo is shrunk to 4000 px first.
//!
//! A hostile or unlucky photo must never take the app down: the whole reading runs under
//! `catch_unwind` (the native release profile unwinds for this), and a panic inside the image
//! or QR decoders reads as [`QrError::Unreadable`].
//!
//! The texts come back as they are: what they mean (a dossier code, a check value, another
//! city's format) is for `model` to decide.

use std::borrow::Cow;

use image::imageops::{self, FilterType};
use image::{DynamicImage, GrayImage};
use model::ErrorCode;
use rxing::common::HybridBinarizer;
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHintValue, DecodeHints, Luma8Source};

use crate::photo::{self, PhotoError};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QrError {
    /// The file is no picture, too large, or damaged: the photo's own errors.
    #[error(transparent)]
    Photo(#[from] PhotoError),
    /// A picture, but no QR code could be read in it (none there, or too blurred, dark or small).
    #[error("no QR code could be read in the photo")]
    NotFound,
    /// A decoder gave up on the picture in a way it did not plan for (a panic, caught): for the
    /// citizen the same as no code read.
    #[error("the photo could not be read")]
    Unreadable,
}

impl QrError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Photo(err) => err.code(),
            Self::NotFound | Self::Unreadable => ErrorCode::QrNotFound,
        }
    }
}

/// One look at the picture: its long side scaled to `side` pixels, sharpened or not.
#[derive(Clone, Copy, Debug)]
struct Look {
    side: u32,
    sharpen: bool,
}

/// In order of cost. Chosen on synthetic receipt photos kept apart from the 20 the figures
/// are measured on: of 60 whole-receipt photos (seeds 101–160) the first look reads 50 and the
/// second 8 (the last 2 are too blurred for any); of 20 taken from farther with a smaller code
/// (20 mm, page filling 55 % of the frame) the three read 1 + 3 + 8. A third look shrunk to 2400 or 1920 px read fewer of
/// those, and shrinking cost more than reading the photo as taken.
const LOOKS: [Look; 3] = [
    Look {
        side: 1280,
        sharpen: false,
    },
    Look {
        side: 1280,
        sharpen: true,
    },
    Look {
        side: 4000,
        sharpen: false,
    },
];

/// Small pictures are enlarged up to this long side and no further: the first looks still get
/// a few pixels a module, and a 300 px scan is not blown up to 4000.
const MIN_SIDE: u32 = 1280;

/// Sigma of the unsharp mask, in pixels of the 1280 px look (about a third of a module of a
/// 25 mm code on a receipt that fills the frame; alone, 1.0 read 58 of the 60 tuning photos,
/// 1.6 read 57 and 2.5 read 55).
const SHARPEN_SIGMA: f32 = 1.0;

/// Every QR text in the photo, in the order found, each once. Never empty: no code is
/// [`QrError::NotFound`].
pub fn read_qr(image_bytes: &[u8]) -> Result<Vec<String>, QrError> {
    guarded(|| {
        let photo::Opened { img, .. } = photo::open(image_bytes)?;
        read_looks(&grey(img))
    })
}

/// [`read_qr`] on pixels already decoded (grey, upright or not: a QR code reads at any turn).
pub fn read_qr_in(grey: &GrayImage) -> Result<Vec<String>, QrError> {
    guarded(|| read_looks(grey))
}

/// Runs `read`, a panic inside it becoming [`QrError::Unreadable`]. Nothing it touched is
/// shared: the picture is dropped with the unwinding.
fn guarded(read: impl FnOnce() -> Result<Vec<String>, QrError>) -> Result<Vec<String>, QrError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        tracing::warn!("the QR reader panicked on a photo; read as unreadable");
        Err(QrError::Unreadable)
    })
}

fn read_looks(grey: &GrayImage) -> Result<Vec<String>, QrError> {
    let long = grey.width().max(grey.height());
    let mut tried: Vec<(u32, bool)> = Vec::with_capacity(LOOKS.len());
    let mut current: Option<(u32, Cow<'_, GrayImage>)> = None;
    for look in LOOKS {
        let side = look.side.min(long.max(MIN_SIDE));
        if tried.contains(&(side, look.sharpen)) {
            continue;
        }
        tried.push((side, look.sharpen));
        let img = match current.take() {
            Some((s, img)) if s == side => img,
            _ => scale(grey, side),
        };
        let texts = if look.sharpen {
            read_codes(&imageops::unsharpen(img.as_ref(), SHARPEN_SIGMA, 0))
        } else {
            read_codes(&img)
        };
        if !texts.is_empty() {
            tracing::debug!(side, sharpen = look.sharpen, "QR code read");
            return Ok(texts);
        }
        current = Some((side, img));
    }
    Err(QrError::NotFound)
}

/// The picture's grey levels (integer Rec. 601 weights), transparent pixels taken as white
/// paper: a QR code exported as PNG is often black on transparent. On a 12 MP photo (release
/// build, best of 15) image's `into_luma8` took 192 ms, three times the JPEG's decoding; this
/// takes 27.
fn grey(img: DynamicImage) -> GrayImage {
    let (w, h) = (img.width(), img.height());
    let luma = |p: &[u8]| {
        ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2])) >> 8) as u8
    };
    let raw: Vec<u8> = match img {
        DynamicImage::ImageLuma8(g) => return g,
        DynamicImage::ImageRgb8(rgb) => rgb.as_raw().chunks_exact(3).map(luma).collect(),
        DynamicImage::ImageRgba8(rgba) => rgba
            .as_raw()
            .chunks_exact(4)
            .map(|p| {
                let a = u32::from(p[3]);
                ((u32::from(luma(p)) * a + 255 * (255 - a)) / 255) as u8
            })
            .collect(),
        other => return other.into_luma8(),
    };
    GrayImage::from_raw(w, h, raw).unwrap_or_default()
}

/// The picture with its long side at `side` pixels: shrunk by area averaging (fast, and it
/// evens out noise), or enlarged smoothly when it is a small scan.
fn scale(grey: &GrayImage, side: u32) -> Cow<'_, GrayImage> {
    let (w, h) = grey.dimensions();
    let long = w.max(h);
    if long == side || long == 0 {
        return Cow::Borrowed(grey);
    }
    let fit = |n: u32| ((u64::from(n) * u64::from(side) / u64::from(long)) as u32).max(1);
    let (nw, nh) = (fit(w), fit(h));
    Cow::Owned(if long > side {
        imageops::thumbnail(grey, nw, nh)
    } else {
        imageops::resize(grey, nw, nh, FilterType::Triangle)
    })
}

/// All QR codes one look reads (rxing's port of zxing-cpp's reader, told to try hard and to
/// look for QR codes only), each text once.
fn read_codes(grey: &GrayImage) -> Vec<String> {
    let (w, h) = grey.dimensions();
    let Ok(source) = Luma8Source::new_with_slice(grey.as_raw(), w, h) else {
        return Vec::new();
    };
    let hints = DecodeHints::default()
        .with(DecodeHintValue::TryHarder(true))
        .with(DecodeHintValue::PossibleFormats(
            [BarcodeFormat::QR_CODE].into_iter().collect(),
        ));
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let found = QrReader
        .decode_multiple_with_hints(&mut bitmap, &hints)
        .unwrap_or_default();
    let mut texts: Vec<String> = Vec::with_capacity(found.len());
    for text in found.iter().map(|r| r.getText()) {
        if !texts.iter().any(|t| t == text) {
            texts.push(text.to_owned());
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_their_codes() {
        assert_eq!(QrError::NotFound.code(), ErrorCode::QrNotFound);
        assert_eq!(QrError::Unreadable.code(), ErrorCode::QrNotFound);
        assert_eq!(
            QrError::Photo(PhotoError::NotAnImage).code(),
            ErrorCode::NotAnImage
        );
    }

    #[test]
    fn scaling_keeps_the_shape_and_never_makes_an_empty_image() {
        let wide = GrayImage::new(4000, 3000);
        assert_eq!(scale(&wide, 1280).dimensions(), (1280, 960));
        let strip = GrayImage::new(12_000, 3);
        assert_eq!(scale(&strip, 1280).dimensions(), (1280, 1));
        let small = GrayImage::new(300, 200);
        assert_eq!(scale(&small, 1280).dimensions(), (1280, 853));
        let dot = GrayImage::new(1, 1);
        assert_eq!(scale(&dot, 1280).dimensions(), (1280, 1280));
    }

    #[test]
    fn grey_keeps_black_and_white_and_takes_transparency_as_paper() {
        let rgb = image::RgbImage::from_fn(3, 1, |x, _| image::Rgb([[0, 255, 200][x as usize]; 3]));
        assert_eq!(grey(DynamicImage::ImageRgb8(rgb)).as_raw(), &[0, 255, 200]);
        let rgba = image::RgbaImage::from_fn(3, 1, |x, _| {
            image::Rgba([[0, 0, 0, 255], [0, 0, 0, 0], [255, 255, 255, 0]][x as usize])
        });
        assert_eq!(
            grey(DynamicImage::ImageRgba8(rgba)).as_raw(),
            &[0, 255, 255]
        );
        let luma16 =
            image::ImageBuffer::<image::Luma<u16>, _>::from_pixel(2, 2, image::Luma([65535]));
        assert_eq!(grey(DynamicImage::ImageLuma16(luma16)).as_raw(), &[255; 4]);
    }

    #[test]
    fn a_panic_inside_the_reader_is_an_error_not_a_crash() {
        assert_eq!(
            guarded(|| panic!("index out of bounds in a decoder")),
            Err(QrError::Unreadable)
        );
        assert_eq!(guarded(|| Ok(vec!["x".into()])), Ok(vec!["x".to_owned()]));
    }

    /// A small xorshift generator: variety without a crate.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// Hundreds of hostile pictures straight into the decoder (each look at its own size, so a
    /// debug build stays quick): noise, stripes, finder-like squares, codes cut off at an edge.
    /// None may panic out of it.
    #[test]
    fn hostile_pixels_never_panic_out_of_the_decoder() {
        let mut s = 0x9e37_79b9_7f4a_7c15_u64;
        for i in 0..300u32 {
            let w = 1 + (next(&mut s) % 180) as u32;
            let h = 1 + (next(&mut s) % 180) as u32;
            let kind = i % 4;
            let seed = next(&mut s);
            let img = GrayImage::from_fn(w, h, |x, y| {
                let v = match kind {
                    0 => (seed.wrapping_mul(u64::from(x * 31 + y * 17 + 1)) >> 29) as u8,
                    1 => [0, 255][((x / (1 + (seed % 5) as u32)) % 2) as usize],
                    // Nested squares: what the finder looks for, in odd numbers.
                    2 => {
                        let d = x.abs_diff(w / 2).max(y.abs_diff(h / 2));
                        [0, 255][((d / (1 + (seed % 3) as u32)) % 2) as usize]
                    }
                    _ => [255, 0][usize::from((x ^ y ^ seed as u32) & 4 == 0)],
                };
                image::Luma([v])
            });
            // Reaching the next picture is the test: a panic that escaped would end it here.
            let _ = guarded(|| Ok(read_codes(&img)));
        }
    }

    #[test]
    fn a_blank_or_tiny_picture_has_no_code() {
        for (w, h) in [(1, 1), (2, 7), (64, 64), (1280, 3)] {
            let img = GrayImage::from_pixel(w, h, image::Luma([200]));
            assert_eq!(read_qr_in(&img), Err(QrError::NotFound), "{w}×{h}");
        }
    }
}
