//! The test basemap `tests/fixtures/basemap-test.pmtiles`, read back as the app's map would: a
//! PMTiles v3 archive of PNG tiles at zoom 10–12 over central HCMC, each tile a 256 px PNG,
//! exactly what the generator writes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test, with the value shown"
)]

use std::path::{Path, PathBuf};

use pmtiles::{AsyncPmTilesReader, TileCoord, TileType};
use ward_cells::{basemap, paths};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read_text(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// The tile's pixels (palette indices) and its palette.
fn decode(png_bytes: &[u8]) -> (png::OutputInfo, Vec<u8>, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let palette = reader
        .info()
        .palette
        .as_ref()
        .expect("an indexed PNG")
        .to_vec();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    (info, pixels, palette)
}

#[tokio::test]
async fn the_committed_archive_reads_back_with_its_header_and_every_tile() {
    let path = root().join(paths::BASEMAP);
    let size = std::fs::metadata(&path).unwrap().len();
    println!("{} bytes", size);
    assert!(size < 200_000);

    let reader = AsyncPmTilesReader::new_with_path(&path).await.unwrap();
    let header = reader.get_header();
    assert_eq!(header.spec_version(), 3);
    assert_eq!(header.tile_type, TileType::Png);
    assert_eq!((header.min_zoom, header.max_zoom), (10, 12));
    let (west, south, east, north) = basemap::BOUNDS;
    assert!(
        (header.min_longitude - west).abs() < 1e-6 && (header.max_latitude - north).abs() < 1e-6
    );
    assert!(
        (header.max_longitude - east).abs() < 1e-6 && (header.min_latitude - south).abs() < 1e-6
    );
    let tiles = basemap::tiles();
    assert_eq!(
        header.n_addressed_tiles().map(u64::from),
        Some(tiles.len() as u64)
    );
    let metadata: serde_json::Value =
        serde_json::from_str(&reader.get_metadata().await.unwrap()).unwrap();
    assert_eq!(metadata["format"], "png");

    for &(z, x, y) in &tiles {
        let bytes = reader
            .get_tile(TileCoord::new(z, x, y).unwrap())
            .await
            .unwrap();
        let bytes = bytes.unwrap_or_else(|| panic!("tile {z}/{x}/{y} is missing"));
        let (info, _, _) = decode(&bytes);
        assert_eq!((info.width, info.height), (256, 256), "{z}/{x}/{y}");
    }
    // A tile outside the area is absent, not an error.
    assert!(
        reader
            .get_tile(TileCoord::new(12, 0, 0).unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn ben_thanh_is_in_the_city_and_the_rivers_of_can_gio_outside() {
    let reader = AsyncPmTilesReader::new_with_path(root().join(paths::BASEMAP))
        .await
        .unwrap();
    let land_share = |pixels: &[u8], palette: &[u8]| {
        // The city is the palette's second colour (index 1).
        assert_eq!(&palette[3..6], &[0xf2, 0xef, 0xe9]);
        pixels.iter().filter(|&&i| i == 1).count() as f64 / pixels.len() as f64
    };
    let (x, y) = basemap::tile_of(106.698, 10.7725, 12);
    let tile = reader
        .get_tile(TileCoord::new(12, x, y).unwrap())
        .await
        .unwrap()
        .unwrap();
    let (_, pixels, palette) = decode(&tile);
    assert!(land_share(&pixels, &palette) > 0.95);
    // At zoom 10 the tile south of the centre holds Cần Giờ, its rivers and Đồng Nai (outside).
    let (x, y) = basemap::tile_of(106.79, 10.71, 10);
    let tile = reader
        .get_tile(TileCoord::new(10, x, y).unwrap())
        .await
        .unwrap()
        .unwrap();
    let (_, pixels, palette) = decode(&tile);
    let share = land_share(&pixels, &palette);
    assert!((0.2..0.98).contains(&share), "{share}");
}

#[test]
fn the_committed_archive_is_what_the_generator_writes() {
    let generated =
        ward_cells::generate(&read_text(paths::UNITS), &read_text(paths::OUTLINE_SOURCE)).unwrap();
    let fresh = basemap::pmtiles(&generated.outline).unwrap();
    let committed = std::fs::read(root().join(paths::BASEMAP)).unwrap();
    assert!(
        fresh == committed,
        "{} is stale: run `cargo run -p ward-cells`",
        paths::BASEMAP
    );
}
