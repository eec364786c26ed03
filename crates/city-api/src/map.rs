//! The map's files, read and checked once at start: the ward offices (`--offices`, else the
//! bundled `assets/ward-offices.json`), official boundaries (`--boundaries`) and a `.pmtiles`
//! basemap (`--basemap`). A file that fails its check stops the server at start with the
//! reason; nothing half-checked is ever served.

use std::io::Read;
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use model::map::boundaries::{self, BoundaryError};
use model::map::{MapInfo, OfficeError, ServedFile, WardOffices};
use model::{Ward, WardCode};
use sha2::{Digest, Sha256};

/// The offices file shipped with the server (a city replaces it with `--offices`).
pub const BUNDLED_OFFICES: &str = include_str!("../../../assets/ward-offices.json");

/// A file held in memory with its ETag.
#[derive(Clone, Debug)]
pub struct Held {
    pub bytes: Bytes,
    pub etag: String,
}

/// A basemap served from disk (it may be hundreds of MB): its path, size and ETag.
#[derive(Clone, Debug)]
pub struct Basemap {
    pub path: PathBuf,
    pub bytes: u64,
    pub etag: String,
}

/// What the map routes serve.
#[derive(Clone, Debug)]
pub struct MapFiles {
    pub offices: Held,
    pub boundaries: Option<Held>,
    pub basemap: Option<Basemap>,
}

#[derive(Debug, thiserror::Error)]
pub enum MapFileError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("the ward offices file is refused ({code}): {0}", code = .0.code())]
    Offices(OfficeError),
    #[error("the boundaries file is refused ({code}): {0}", code = .0.code())]
    Boundaries(BoundaryError),
    #[error("{0} is not a PMTiles v3 file")]
    NotPmtiles(PathBuf),
}

/// `"<kind>-<the first 16 hex digits of the content's SHA-256>"`.
fn etag(kind: &str, digest: &[u8]) -> String {
    format!("\"{kind}-{}\"", hex::encode(&digest[..8]))
}

fn held(kind: &str, text: String) -> Held {
    let tag = etag(kind, &Sha256::digest(text.as_bytes()));
    Held {
        bytes: Bytes::from(text),
        etag: tag,
    }
}

fn read_text(path: &Path) -> Result<String, MapFileError> {
    std::fs::read_to_string(path).map_err(|e| MapFileError::Read(path.to_owned(), e))
}

impl MapFiles {
    /// The bundled offices, nothing else: what a server without map flags serves.
    pub fn bundled(wards: &[Ward]) -> Result<Self, MapFileError> {
        Self::load(wards, None, None, None)
    }

    /// Reads and checks each file against the city's `wards`.
    pub fn load(
        wards: &[Ward],
        offices: Option<&Path>,
        boundaries: Option<&Path>,
        basemap: Option<&Path>,
    ) -> Result<Self, MapFileError> {
        let known = |c: &WardCode| wards.iter().any(|w| &w.code == c);
        let offices_text = match offices {
            Some(p) => read_text(p)?,
            None => BUNDLED_OFFICES.to_owned(),
        };
        // Served as checked and re-written: what the app reads is exactly the type's shape.
        let offices =
            WardOffices::from_json(&offices_text, known).map_err(MapFileError::Offices)?;
        let offices = held(
            "offices",
            serde_json::to_string(&offices).unwrap_or(offices_text),
        );
        let boundaries = match boundaries {
            Some(p) => {
                let text = read_text(p)?;
                boundaries::check(&text, known).map_err(MapFileError::Boundaries)?;
                Some(held("boundaries", text))
            }
            None => None,
        };
        let basemap = basemap.map(read_basemap).transpose()?;
        Ok(Self {
            offices,
            boundaries,
            basemap,
        })
    }

    /// `GET /api/v1/map`'s answer.
    pub fn info(&self) -> MapInfo {
        MapInfo {
            boundaries: self.boundaries.as_ref().map(|b| ServedFile {
                bytes: b.bytes.len() as u64,
                etag: b.etag.clone(),
            }),
            basemap: self.basemap.as_ref().map(|b| ServedFile {
                bytes: b.bytes,
                etag: b.etag.clone(),
            }),
        }
    }
}

/// PMTiles v3 starts with `PMTiles` and the version byte 3.
fn read_basemap(path: &Path) -> Result<Basemap, MapFileError> {
    let read = |e| MapFileError::Read(path.to_owned(), e);
    let mut file = std::fs::File::open(path).map_err(read)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut head = Vec::with_capacity(8);
    let mut total: u64 = 0;
    loop {
        let n = file.read(&mut buf).map_err(read)?;
        if n == 0 {
            break;
        }
        if head.len() < 8 {
            let take = (8 - head.len()).min(n);
            head.extend_from_slice(&buf[..take]);
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    if head.len() < 8 || &head[..7] != b"PMTiles" || head[7] != 3 {
        return Err(MapFileError::NotPmtiles(path.to_owned()));
    }
    Ok(Basemap {
        path: path.to_owned(),
        bytes: total,
        etag: etag("basemap", &hasher.finalize()),
    })
}
