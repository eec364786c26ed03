//! `cargo run -p ward-cells` writes `assets/ward-cells.geojson`, `assets/hcmc-outline.geojson`
//! and the test basemap `tests/fixtures/basemap-test.pmtiles`; `cargo run -p ward-cells --
//! --check` writes nothing and fails if a committed file differs from a fresh run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ward_cells::{Error, paths};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })
}

fn run(check: bool) -> Result<bool, Error> {
    let root = root();
    let generated = ward_cells::generate(
        &read(&root.join(paths::UNITS))?,
        &read(&root.join(paths::OUTLINE_SOURCE))?,
    )?;
    let discs = generated.cells.iter().filter(|c| c.disc_added).count();
    let basemap = ward_cells::basemap::pmtiles(&generated.outline)?;
    let outputs: [(&str, &[u8]); 3] = [
        (paths::CELLS, generated.cells_geojson.as_bytes()),
        (paths::OUTLINE, generated.outline_geojson.as_bytes()),
        (paths::BASEMAP, &basemap),
    ];
    let mut fresh = true;
    for (path, bytes) in outputs {
        let target = root.join(path);
        if check {
            let same = std::fs::read(&target).is_ok_and(|old| old == bytes);
            if !same {
                eprintln!("{path} is stale: run `cargo run -p ward-cells`");
                fresh = false;
            }
        } else {
            write(&target, bytes)?;
            println!("wrote {path} ({} bytes)", bytes.len());
        }
    }
    println!(
        "{} cells, {discs} with a disc around a centroid outside the outline",
        generated.cells.len()
    );
    Ok(fresh)
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    match run(check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("ward-cells: {e} ({})", e.code());
            ExitCode::FAILURE
        }
    }
}
