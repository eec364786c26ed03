//! A photo as the citizen adds it: checked by content (JPEG, PNG or WebP, whatever the file is
//! called), turned upright, shrunk to travel over a weak link (≤ ~300 KB, long side ≤ 1600 px)
//! and re-encoded as JPEG, which drops every piece of metadata (EXIF with its GPS position,
//! camera serials, XMP). The position is read first and handed back, so the app can offer it as
//! the report's place when, and only when, the citizen chooses to share the place.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use model::ErrorCode;
use model::geo::Point;

use crate::store::Photo;

/// Largest file accepted from the camera or the file picker (a 12-megapixel JPEG is 3–8 MB).
pub const MAX_INPUT_BYTES: usize = 25 * 1024 * 1024;
/// What one photo may weigh once shrunk.
pub const TARGET_BYTES: usize = 300 * 1024;
/// Long side after shrinking: enough to see a pothole or a blocked drain.
pub const MAX_SIDE: u32 = 1600;
/// Long side of the preview shown on screen.
pub const THUMB_SIDE: u32 = 240;
/// Refuse to decode more than this (a tiny file can claim a gigantic canvas).
const MAX_SIDE_IN: u32 = 12_000;
const MAX_DECODE_BYTES: u64 = 400 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhotoError {
    #[error("the file is larger than {} MB", MAX_INPUT_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("the file is not a JPEG, PNG or WebP picture")]
    NotAnImage,
    #[error("the picture is damaged or too large to open")]
    Damaged,
}

impl PhotoError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::TooLarge => ErrorCode::PhotoTooLarge,
            Self::NotAnImage => ErrorCode::NotAnImage,
            Self::Damaged => ErrorCode::PhotoDamaged,
        }
    }
}

/// A photo ready to be queued, and what was learnt from it on the way.
#[derive(Debug)]
pub struct Prepared {
    pub photo: Photo,
    /// A small JPEG preview for lists and the form.
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Where the camera said it was taken; not in the photo any more.
    pub taken_at: Option<Point>,
}

/// Checks, straightens, shrinks and strips a photo. Pure: bytes in, bytes out.
pub fn prepare(bytes: &[u8]) -> Result<Prepared, PhotoError> {
    let Opened { mut img, taken_at } = open(bytes)?;
    if img.width().max(img.height()) > MAX_SIDE {
        img = img.resize(MAX_SIDE, MAX_SIDE, FilterType::Triangle);
    }
    let mut rgb = DynamicImage::ImageRgb8(img.into_rgb8());
    let thumb = encode(&rgb.thumbnail(THUMB_SIDE, THUMB_SIDE), 70)?;
    // Lower the quality first, then the size, until it fits.
    loop {
        for quality in [82, 72, 62, 52] {
            let jpeg = encode(&rgb, quality)?;
            if jpeg.len() <= TARGET_BYTES {
                return Ok(Prepared {
                    thumb,
                    width: rgb.width(),
                    height: rgb.height(),
                    photo: Photo {
                        mime: "image/jpeg".into(),
                        bytes: jpeg,
                    },
                    taken_at,
                });
            }
        }
        if rgb.width().max(rgb.height()) <= 320 {
            return Err(PhotoError::Damaged);
        }
        let side = rgb.width().max(rgb.height()) * 3 / 4;
        rgb = rgb.resize(side, side, FilterType::Triangle);
    }
}

fn encode(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .map_err(|_| PhotoError::Damaged)?;
    Ok(out)
}

/// A picture from outside, opened with care and turned upright, and where the camera said it was.
pub(crate) struct Opened {
    pub img: DynamicImage,
    pub taken_at: Option<Point>,
}

/// Opens untrusted bytes: the format sniffed from the content (JPEG, PNG or WebP only), the
/// canvas and the memory bounded before decoding, EXIF orientation applied.
pub(crate) fn open(bytes: &[u8]) -> Result<Opened, PhotoError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_IN);
    limits.max_image_height = Some(MAX_SIDE_IN);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::Damaged)?;
    let orientation = decoder.orientation().ok();
    let taken_at = decoder
        .exif_metadata()
        .ok()
        .flatten()
        .and_then(|exif| gps_point(&exif));
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::Damaged)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(Opened { img, taken_at })
}

/// The GPS position in an EXIF block, if it holds a plausible one.
fn gps_point(exif: &[u8]) -> Option<Point> {
    let exif = exif::Reader::new().read_raw(exif.to_vec()).ok()?;
    let degrees = |tag, ref_tag, negative: &[u8]| -> Option<f64> {
        let field = exif.get_field(tag, exif::In::PRIMARY)?;
        let exif::Value::Rational(parts) = &field.value else {
            return None;
        };
        let [d, m, s] = parts.get(..3)? else {
            return None;
        };
        let value = d.to_f64() + m.to_f64() / 60.0 + s.to_f64() / 3600.0;
        let sign = match exif.get_field(ref_tag, exif::In::PRIMARY).map(|f| &f.value) {
            Some(exif::Value::Ascii(v)) if v.first().is_some_and(|r| r.starts_with(negative)) => {
                -1.0
            }
            _ => 1.0,
        };
        Some(sign * value).filter(|v| v.is_finite())
    };
    let lat = degrees(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, b"S")?;
    let lon = degrees(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, b"W")?;
    Point::new(lat, lon)
}

#[cfg(test)]
mod tests {
    use super::*;
    use exif::experimental::Writer;
    use exif::{Field, In, Rational, Tag, Value};
    use image::ImageEncoder;

    /// A noisy picture (noise does not compress: the worst case for the size target).
    fn picture(w: u32, h: u32) -> image::RgbImage {
        let mut rng = fastrand::Rng::with_seed(7);
        image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([
                (x / 8) as u8 ^ rng.u8(..40),
                (y / 8) as u8 ^ rng.u8(..40),
                rng.u8(..),
            ])
        })
    }

    fn gps_exif(lat: (u32, u32, u32), lon: (u32, u32, u32), orientation: u16) -> Vec<u8> {
        let r = |(d, m, s): (u32, u32, u32)| {
            Value::Rational(vec![
                Rational::from((d, 1)),
                Rational::from((m, 1)),
                Rational::from((s, 1)),
            ])
        };
        let fields = [
            Field {
                tag: Tag::GPSLatitudeRef,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"N".to_vec()]),
            },
            Field {
                tag: Tag::GPSLatitude,
                ifd_num: In::PRIMARY,
                value: r(lat),
            },
            Field {
                tag: Tag::GPSLongitudeRef,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"E".to_vec()]),
            },
            Field {
                tag: Tag::GPSLongitude,
                ifd_num: In::PRIMARY,
                value: r(lon),
            },
            Field {
                tag: Tag::Orientation,
                ifd_num: In::PRIMARY,
                value: Value::Short(vec![orientation]),
            },
            Field {
                tag: Tag::BodySerialNumber,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"SERIAL-12345".to_vec()]),
            },
        ];
        let mut writer = Writer::new();
        for f in &fields {
            writer.push_field(f);
        }
        let mut buf = std::io::Cursor::new(Vec::new());
        writer.write(&mut buf, false).expect("exif");
        buf.into_inner()
    }

    fn camera_jpeg(img: &image::RgbImage, exif: Vec<u8>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = JpegEncoder::new_with_quality(&mut out, 92);
        enc.set_exif_metadata(exif).expect("exif");
        enc.write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode");
        out
    }

    #[test]
    fn a_12_megapixel_photo_is_shrunk_and_stripped_and_its_place_read() {
        let jpeg = camera_jpeg(
            &picture(4000, 3000),
            gps_exif((10, 46, 21), (106, 41, 53), 1),
        );
        assert!(jpeg.len() > 3 * 1024 * 1024, "{}", jpeg.len());
        assert!(jpeg.windows(12).any(|w| w == b"SERIAL-12345"));
        let p = prepare(&jpeg).expect("prepared");
        assert!(
            p.photo.bytes.len() <= TARGET_BYTES,
            "{}",
            p.photo.bytes.len()
        );
        assert!(p.width.max(p.height) <= MAX_SIDE);
        assert_eq!(p.photo.mime, "image/jpeg");
        // No metadata survives: no EXIF block, no serial, no GPS.
        assert!(!p.photo.bytes.windows(4).any(|w| w == b"Exif"));
        assert!(!p.photo.bytes.windows(12).any(|w| w == b"SERIAL-12345"));
        let reread = ImageReader::new(Cursor::new(&p.photo.bytes))
            .with_guessed_format()
            .expect("format")
            .into_decoder()
            .expect("decoder")
            .exif_metadata()
            .expect("read");
        assert_eq!(reread, None);
        let at = p.taken_at.expect("place read before stripping");
        assert!((at.lat() - 10.7725).abs() < 1e-3 && (at.lon() - 106.6980).abs() < 1e-3);
        assert!(p.thumb.len() < 40 * 1024 && image::guess_format(&p.thumb).is_ok());
    }

    #[test]
    fn a_sideways_photo_is_turned_upright() {
        // Orientation 6: the camera was turned; the stored pixels are landscape.
        let jpeg = camera_jpeg(&picture(400, 200), gps_exif((10, 0, 0), (106, 0, 0), 6));
        let p = prepare(&jpeg).expect("prepared");
        assert_eq!((p.width, p.height), (200, 400));
    }

    #[test]
    fn a_png_is_taken_and_sent_as_jpeg() {
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(picture(300, 200))
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .expect("png");
        let p = prepare(&png).expect("png");
        assert_eq!((p.width, p.height, p.taken_at), (300, 200, None));
        assert!(image::guess_format(&p.photo.bytes).ok() == Some(ImageFormat::Jpeg));
    }

    #[test]
    fn bad_files_get_their_own_error() {
        assert_eq!(
            prepare(b"%PDF-1.7 not a photo").err(),
            Some(PhotoError::NotAnImage)
        );
        assert_eq!(prepare(b"").err(), Some(PhotoError::NotAnImage));
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
        assert_eq!(prepare(gif).err(), Some(PhotoError::NotAnImage));
        // A JPEG start followed by junk. (A photo cut short after its header still opens:
        // the decoder greys out what is missing, which beats refusing a half-sent picture.)
        let mut junk = b"\xff\xd8\xff\xdb\x00\x43".to_vec();
        junk.extend(std::iter::repeat_n(0x17, 300));
        assert_eq!(prepare(&junk).err(), Some(PhotoError::Damaged));
        assert_eq!(
            prepare(&vec![0xff; MAX_INPUT_BYTES + 1]).err(),
            Some(PhotoError::TooLarge)
        );
        // A tiny PNG header claiming a 60000 × 60000 canvas is refused before decoding.
        let mut bomb = Vec::new();
        bomb.extend_from_slice(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR");
        bomb.extend_from_slice(&60_000u32.to_be_bytes());
        bomb.extend_from_slice(&60_000u32.to_be_bytes());
        bomb.extend_from_slice(b"\x08\x02\x00\x00\x00\x00\x00\x00\x00");
        assert_eq!(prepare(&bomb).err(), Some(PhotoError::Damaged));
    }
}
