//! A tiny raster basemap for tests, drawn by code: PNG tiles at zoom 10–12 over central HCMC,
//! the city (from its outline) light, everything outside it (sea, rivers the outline leaves out,
//! the neighbouring provinces) grey, the outline's line dark, packed as a PMTiles v3 archive
//! (`tests/fixtures/basemap-test.pmtiles`). It lets the app's "a configured basemap is used"
//! path be tested without any map data we could not ship; it is not a map to use.
//!
//! Tiles are drawn without anti-aliasing in four colours and stored as indexed PNGs, so the
//! archive stays a few kilobytes and the same input gives the same bytes.

use std::io::Cursor;

use geo::MultiPolygon;
use pmtiles::{PmTilesWriter, TileCoord, TileType};
use tiny_skia::{Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

use crate::Error;

/// Web-mercator tile size in pixels.
pub const TILE_PX: u32 = 256;

/// The zoom levels written.
pub const ZOOMS: std::ops::RangeInclusive<u8> = 10..=12;

/// The area covered (west, south, east, north): central HCMC, Bến Thành in the middle.
pub const BOUNDS: (f64, f64, f64, f64) = (106.60, 10.70, 106.80, 10.85);

/// The four colours (RGB): outside the city, the city, its outline, the tile's frame.
const PALETTE: [[u8; 3]; 4] = [
    [0xd4, 0xd9, 0xde],
    [0xf2, 0xef, 0xe9],
    [0x5a, 0x6e, 0x7f],
    [0xb0, 0xb6, 0xbc],
];
const OUTSIDE: usize = 0;
const CITY: usize = 1;
const OUTLINE: usize = 2;
const FRAME: usize = 3;

/// The tile holding a point, at zoom `z` (the usual web-mercator "slippy map" numbering).
pub fn tile_of(lon: f64, lat: f64, z: u8) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let lat_rad = lat.to_radians();
    let y = ((1.0 - lat_rad.tan().asinh() / std::f64::consts::PI) / 2.0 * n).floor();
    // Both are within 0..n for the city's coordinates; clamp anything else.
    let clamp = |v: f64| v.clamp(0.0, n - 1.0) as u32;
    (clamp(x), clamp(y))
}

/// A point's pixel position within tile (z, x, y); may fall outside 0..256.
fn pixel(lon: f64, lat: f64, z: u8, x: u32, y: u32) -> (f32, f32) {
    let n = f64::from(1u32 << z);
    let world_x = (lon + 180.0) / 360.0 * n;
    let lat_rad = lat.to_radians();
    let world_y = (1.0 - lat_rad.tan().asinh() / std::f64::consts::PI) / 2.0 * n;
    let px = (world_x - f64::from(x)) * f64::from(TILE_PX);
    let py = (world_y - f64::from(y)) * f64::from(TILE_PX);
    (px as f32, py as f32)
}

/// Every tile (z, x, y) of [`ZOOMS`] that touches [`BOUNDS`], in order.
pub fn tiles() -> Vec<(u8, u32, u32)> {
    let (west, south, east, north) = BOUNDS;
    ZOOMS
        .flat_map(|z| {
            let (x0, y0) = tile_of(west, north, z);
            let (x1, y1) = tile_of(east, south, z);
            (y0..=y1).flat_map(move |y| (x0..=x1).map(move |x| (z, x, y)))
        })
        .collect()
}

fn colour(index: usize) -> tiny_skia::Color {
    let [r, g, b] = PALETTE[index];
    tiny_skia::Color::from_rgba8(r, g, b, 255)
}

fn paint(index: usize) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color(colour(index));
    paint.anti_alias = false;
    paint
}

/// Draws one tile: outside, the city, its outline, a frame along the tile's top and left edges.
fn draw(outline: &MultiPolygon<f64>, z: u8, x: u32, y: u32) -> Result<Pixmap, Error> {
    let mut pixmap = Pixmap::new(TILE_PX, TILE_PX).ok_or(Error::Draw)?;
    pixmap.fill(colour(OUTSIDE));
    let mut builder = PathBuilder::new();
    for polygon in &outline.0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for (i, c) in ring.0.iter().enumerate() {
                let (px, py) = pixel(c.x, c.y, z, x, y);
                if i == 0 {
                    builder.move_to(px, py);
                } else {
                    builder.line_to(px, py);
                }
            }
            builder.close();
        }
    }
    if let Some(path) = builder.finish() {
        let identity = Transform::identity();
        pixmap.fill_path(
            &path,
            &paint(CITY),
            tiny_skia::FillRule::EvenOdd,
            identity,
            None,
        );
        let stroke = Stroke {
            width: 1.5,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint(OUTLINE), &stroke, identity, None);
    }
    let edge = TILE_PX as f32;
    for rect in [
        Rect::from_xywh(0.0, 0.0, edge, 1.0),
        Rect::from_xywh(0.0, 0.0, 1.0, edge),
    ]
    .into_iter()
    .flatten()
    {
        pixmap.fill_rect(rect, &paint(FRAME), Transform::identity(), None);
    }
    Ok(pixmap)
}

/// The tile as an indexed PNG: each pixel mapped to the nearest palette colour.
fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, Error> {
    let indices: Vec<u8> = pixmap
        .pixels()
        .iter()
        .map(|p| {
            let rgb = [p.red(), p.green(), p.blue()];
            let distance = |c: &[u8; 3]| -> u32 {
                c.iter()
                    .zip(rgb)
                    .map(|(a, b)| u32::from(a.abs_diff(b)).pow(2))
                    .sum()
            };
            PALETTE
                .iter()
                .enumerate()
                .min_by_key(|(_, c)| distance(c))
                .map_or(0, |(i, _)| i as u8)
        })
        .collect();
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, TILE_PX, TILE_PX);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(PALETTE.concat());
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&indices)?;
    writer.finish()?;
    Ok(bytes)
}

/// The archive's metadata (TileJSON-like, as PMTiles readers expect).
fn metadata() -> String {
    serde_json::json!({
        "name": "basemap-test",
        "description": "A tiny basemap drawn by tools/ward-cells for tests: central Ho Chi Minh City (light) and what lies outside its outline (grey). Not a map to use.",
        "attribution": "Natural Earth (public domain)",
        "format": "png",
        "type": "baselayer",
    })
    .to_string()
}

/// The whole archive, in memory; deterministic.
pub fn pmtiles(outline: &MultiPolygon<f64>) -> Result<Vec<u8>, Error> {
    let (west, south, east, north) = BOUNDS;
    let zooms = ZOOMS;
    let mut cursor = Cursor::new(Vec::new());
    let mut writer = PmTilesWriter::new(TileType::Png)
        .min_zoom(*zooms.start())
        .max_zoom(*zooms.end())
        .bounds(west, south, east, north)
        .center((west + east) / 2.0, (south + north) / 2.0)
        .center_zoom(11)
        .metadata(metadata())
        .create(&mut cursor)?;
    for (z, x, y) in tiles() {
        let png = encode(&draw(outline, z, x, y)?)?;
        writer.add_tile(TileCoord::new(z, x, y)?, &png)?;
    }
    writer.finalize()?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ben_thanh_is_in_the_right_tile() {
        // 106.698 E, 10.7725 N at z12: x = 3261, y = 1925 (worked out by hand from the formula).
        assert_eq!(tile_of(106.698, 10.7725, 12), (3261, 1924));
        assert_eq!(tile_of(106.698, 10.7725, 10), (815, 481));
    }

    #[test]
    fn the_tiles_cover_the_bounds_at_every_zoom() {
        let tiles = tiles();
        for z in ZOOMS {
            assert!(tiles.iter().any(|t| t.0 == z));
        }
        assert!(tiles.len() < 40, "{}", tiles.len());
    }
}
