//! The city map (issue 14): the offline copy's pulls and the map commands' answers.
//!
//! `sync_map` asks the city API, with ETags, for which map files it serves, the ward offices,
//! every ward's statistics, the whole city's public open reports (every page) and, when
//! served, official boundaries and the basemap file. Each answer is checked before it replaces
//! the kept copy; a bad or missing answer leaves the copy as it was. Every copy is bound to the
//! address it came from, and the map shows only the copies of the address in use.
//!
//! The basemap is downloaded into the app's data folder (`map/`) as a `.part` file, resumed
//! with a `Range` request (`If-Range` its ETag) when a round is cut short, and recorded only
//! once whole, of the size the city announced and a PMTiles v3 file: never a half file used.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use model::map::boundaries::{self, BoundaryKind};
use model::map::dto::{
    BasemapDto, BasemapRangeArgs, MapOfficesDto, MapReportsDto, MapSourcesDto, MapStatsDto,
    MapWardsDto, WardCardDto,
};
use model::map::points::{self, ReportPage};
use model::map::{AllWardStats, Bbox, MapInfo, PageCursor, ServedFile, WardOffices};
use model::{ApiBaseUrl, WardCode};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_RANGE, IF_RANGE, RANGE};
use sha2::{Digest, Sha256};

use super::Engine;
use crate::bundled;
use crate::error::CoreError;
use crate::map as rules;
use crate::store::{BasemapRow, MapResource};
use crate::sync::transport;

const MAX_INFO_BODY: usize = 64 * 1024;
const MAX_OFFICES_BODY: usize = 4 * 1024 * 1024;
const MAX_STATS_BODY: usize = 4 * 1024 * 1024;
/// A page of at most 1,000 points is ~250 KB.
const MAX_PAGE_BODY: usize = 2 * 1024 * 1024;
/// Pages one pull reads at most (a sanity bound on a city that never ends its list).
const MAX_PAGES: usize = 200;
/// Largest basemap downloaded (a city's detailed PMTiles are a few hundred MB).
const MAX_BASEMAP_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// One basemap request may run this long; a longer download resumes in the next round.
const BASEMAP_REQUEST_TIME: Duration = Duration::from_secs(600);
/// The folder under the app's data folder that holds basemaps.
pub const MAP_DIR: &str = "map";

/// What one [`Engine::sync_map`] round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MapSync {
    /// A kept copy (or the basemap) changed: the map should ask again.
    pub changed: bool,
    /// The open reports' pages: fetched, or current (304) and taken from the kept set.
    pub report_pages: PageCounts,
    /// Resources the round could not refresh (offline, refused, a bad answer), by name.
    pub failed: Vec<&'static str>,
}

/// Pages of the open reports one round fetched or found current.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageCounts {
    pub fetched: u32,
    pub unchanged: u32,
}

/// What the kept reports set remembers of each page (in the copy's `etag` column, as JSON):
/// where it started, its ETag, which features of the set it gave, where the next one starts.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct PageTag {
    cursor: Option<PageCursor>,
    etag: String,
    from: usize,
    to: usize,
    next: Option<PageCursor>,
}

/// Why one pull did not refresh its copy.
#[derive(Debug, thiserror::Error)]
enum PullError {
    #[error(transparent)]
    Link(#[from] transport::LinkError),
    #[error("the city API answered {0}")]
    Status(u16),
    #[error("the answer is refused: {0}")]
    Refused(String),
    #[error("local storage failed: {0}")]
    Store(#[from] CoreError),
    #[error("basemap file: {0}")]
    File(#[from] std::io::Error),
    #[error("basemap download: {0}")]
    Http(#[from] reqwest::Error),
}

/// What the city said about a resource.
enum Pulled {
    Same,
    New,
    Gone,
}

fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn refused(what: impl std::fmt::Display) -> PullError {
    PullError::Refused(what.to_string())
}

/// The basemap's file stem for an address: addresses never share a file.
fn basemap_stem(base: &ApiBaseUrl) -> String {
    let digest = Sha256::digest(base.as_str().as_bytes());
    format!("basemap-{}", hex_prefix(&digest))
}

fn hex_prefix(digest: &[u8]) -> String {
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl Engine {
    fn map_dir(&self) -> PathBuf {
        self.config.data_dir.join(MAP_DIR)
    }

    fn known_wards(&self) -> Result<HashSet<WardCode>, CoreError> {
        self.with_ready(|r| Ok(r.wards.all().iter().map(|w| w.code.clone()).collect()))
    }

    /// One round of the map's pulls for the address in use (see the module's doc).
    pub async fn sync_map(&self) -> Result<MapSync, CoreError> {
        let http = self
            .client
            .as_ref()
            .ok_or(CoreError::NoHttpClient)?
            .http()
            .clone();
        let base = self.api_url();
        let known = self.known_wards()?;
        let mut out = MapSync::default();
        let note =
            |name: &'static str, result: Result<bool, PullError>, out: &mut MapSync| match result {
                Ok(changed) => out.changed |= changed,
                Err(err) => {
                    tracing::debug!(%err, resource = name, "map pull failed");
                    out.failed.push(name);
                }
            };
        // Which files the city serves decides the last two pulls; without an answer they wait.
        let info = self.pull_info(&http, &base).await;
        let info = match info {
            Ok((changed, info)) => {
                out.changed |= changed;
                Some(info)
            }
            Err(err) => {
                tracing::debug!(%err, "map info pull failed");
                out.failed.push("info");
                None
            }
        };
        let offices = self
            .pull_copy(
                &http,
                &base,
                MapResource::Offices,
                "api/v1/wards/offices",
                MAX_OFFICES_BODY,
                |text| {
                    WardOffices::from_json(text, |c| known.contains(c))
                        .map(|_| ())
                        .map_err(|e| refused(e.code()))
                },
            )
            .await;
        note("offices", offices, &mut out);
        let stats = self
            .pull_copy(
                &http,
                &base,
                MapResource::Stats,
                "api/v1/wards/stats",
                MAX_STATS_BODY,
                |text| {
                    let all: AllWardStats = serde_json::from_str(text).map_err(refused)?;
                    let ok = all
                        .wards
                        .iter()
                        .all(|s| WardCode::parse(&s.ward_code).is_ok_and(|c| known.contains(&c)));
                    ok.then_some(())
                        .ok_or_else(|| refused("stats of an unknown ward"))
                },
            )
            .await;
        note("stats", stats, &mut out);
        let reports = self
            .pull_reports(&http, &base)
            .await
            .map(|(changed, counts)| {
                out.report_pages = counts;
                changed
            });
        note("reports", reports, &mut out);
        if let Some(info) = info {
            let boundaries = match info.boundaries {
                Some(_) => {
                    self.pull_copy(
                        &http,
                        &base,
                        MapResource::Boundaries,
                        "api/v1/map/boundaries.geojson",
                        boundaries::MAX_BYTES,
                        |text| {
                            boundaries::check(text, |c| known.contains(c))
                                .map(|_| ())
                                .map_err(|e| refused(e.code()))
                        },
                    )
                    .await
                }
                None => self.forget_copy(&base, MapResource::Boundaries),
            };
            note("boundaries", boundaries, &mut out);
            let basemap = match &info.basemap {
                Some(served) => self.pull_basemap(&http, &base, served).await,
                None => self.forget_basemap(&base),
            };
            note("basemap", basemap, &mut out);
        }
        Ok(out)
    }

    async fn pull_info(
        &self,
        http: &reqwest::Client,
        base: &ApiBaseUrl,
    ) -> Result<(bool, MapInfo), PullError> {
        let answer =
            transport::get(http, &base.join("api/v1/map"), &[], None, MAX_INFO_BODY).await?;
        if answer.status != 200 {
            return Err(PullError::Status(answer.status));
        }
        let text = std::str::from_utf8(&answer.body).map_err(refused)?;
        let info: MapInfo = serde_json::from_str(text).map_err(refused)?;
        let now = now_text();
        let changed = self.with_ready(|r| {
            let before = r.store.map_copy(MapResource::Info, base.as_str())?;
            r.store
                .save_map_copy(MapResource::Info, base.as_str(), text, None, &now)?;
            Ok(before.is_none_or(|b| b.body != text))
        })?;
        Ok((changed, info))
    }

    /// A GET with our copy's ETag; a 200 is checked by `check` before it replaces the copy.
    async fn pull_copy(
        &self,
        http: &reqwest::Client,
        base: &ApiBaseUrl,
        resource: MapResource,
        path: &str,
        limit: usize,
        check: impl FnOnce(&str) -> Result<(), PullError>,
    ) -> Result<bool, PullError> {
        let kept = self.with_ready(|r| Ok(r.store.map_copy(resource, base.as_str())?))?;
        let etag = kept.as_ref().and_then(|k| k.etag.clone());
        let answer = transport::get(http, &base.join(path), &[], etag.as_deref(), limit).await?;
        let now = now_text();
        let pulled = match answer.status {
            304 if kept.is_some() => Pulled::Same,
            200 => Pulled::New,
            404 => Pulled::Gone,
            other => return Err(PullError::Status(other)),
        };
        match pulled {
            Pulled::Same => {
                self.with_ready(|r| {
                    Ok(r.store.mark_map_copy_fresh(resource, base.as_str(), &now)?)
                })?;
                Ok(false)
            }
            Pulled::Gone => self.forget_copy(base, resource),
            Pulled::New => {
                let text = std::str::from_utf8(&answer.body).map_err(refused)?;
                check(text)?;
                self.with_ready(|r| {
                    r.store.save_map_copy(
                        resource,
                        base.as_str(),
                        text,
                        answer.etag.as_deref(),
                        &now,
                    )?;
                    Ok(kept.is_none_or(|k| k.body != text))
                })
                .map_err(PullError::from)
            }
        }
    }

    fn forget_copy(&self, base: &ApiBaseUrl, resource: MapResource) -> Result<bool, PullError> {
        Ok(self.with_ready(|r| {
            let had = r.store.map_copy(resource, base.as_str())?.is_some();
            r.store.drop_map_copy(resource, base.as_str())?;
            Ok(had)
        })?)
    }

    /// Every page of the public open reports; the set replaces the kept one only when every
    /// page came and was checked. Each page is asked with the ETag it had last time at the same
    /// cursor: a page the city answers 304 for is taken from the kept set, so a round where
    /// nothing changed costs a few hundred bytes instead of the whole city's reports.
    async fn pull_reports(
        &self,
        http: &reqwest::Client,
        base: &ApiBaseUrl,
    ) -> Result<(bool, PageCounts), PullError> {
        let url = base.join("api/v1/map/reports.geojson");
        let kept =
            self.with_ready(|r| Ok(r.store.map_copy(MapResource::Reports, base.as_str())?))?;
        let (kept_set, kept_pages) = match &kept {
            Some(k) => (
                serde_json::from_str::<ReportPage>(&k.body).ok(),
                k.etag
                    .as_deref()
                    .and_then(|e| serde_json::from_str::<Vec<PageTag>>(e).ok())
                    .unwrap_or_default(),
            ),
            None => (None, Vec::new()),
        };
        let mut counts = PageCounts::default();
        let mut features = Vec::new();
        let mut pages: Vec<PageTag> = Vec::new();
        let mut cursor: Option<PageCursor> = None;
        for _ in 0..MAX_PAGES {
            let mut query = vec![("limit", points::MAX_PAGE.to_string())];
            if let Some(c) = cursor {
                query.push(("cursor", c.to_string()));
            }
            // The kept page at this cursor, when the kept set still holds its features.
            let same = kept_pages
                .iter()
                .find(|p| p.cursor == cursor)
                .zip(kept_set.as_ref())
                .and_then(|(p, set)| Some((p, set.features.get(p.from..p.to)?)));
            let etag = same.map(|(p, _)| p.etag.as_str());
            let answer = transport::get(http, &url, &query, etag, MAX_PAGE_BODY).await?;
            let from = features.len();
            let (next_cursor, tag) = match (answer.status, same) {
                (304, Some((p, kept_features))) => {
                    counts.unchanged += 1;
                    features.extend_from_slice(kept_features);
                    (p.next, Some(p.etag.clone()))
                }
                (200, _) => {
                    counts.fetched += 1;
                    let page: ReportPage = serde_json::from_slice(&answer.body).map_err(refused)?;
                    page.validate(points::MAX_PAGE).map_err(refused)?;
                    features.extend(page.features);
                    (page.next_cursor, answer.etag)
                }
                (other, _) => return Err(PullError::Status(other)),
            };
            if features.len() > points::MAX_KEPT {
                return Err(refused("more open reports than the app keeps"));
            }
            if let Some(etag) = tag {
                pages.push(PageTag {
                    cursor,
                    etag,
                    from,
                    to: features.len(),
                    next: next_cursor,
                });
            }
            match next_cursor {
                // A cursor that does not move forward would loop: the answer is refused.
                Some(next) if cursor.is_some_and(|c| next <= c) => {
                    return Err(refused("a page cursor that does not move forward"));
                }
                Some(next) => cursor = Some(next),
                None => {
                    let text =
                        serde_json::to_string(&ReportPage::new(features, None)).map_err(refused)?;
                    let tags = serde_json::to_string(&pages).map_err(refused)?;
                    let now = now_text();
                    let changed = self.with_ready(|r| {
                        r.store.save_map_copy(
                            MapResource::Reports,
                            base.as_str(),
                            &text,
                            Some(&tags),
                            &now,
                        )?;
                        Ok(kept.is_none_or(|k| k.body != text))
                    })?;
                    return Ok((changed, counts));
                }
            }
        }
        Err(refused("more pages than the app reads"))
    }

    fn forget_basemap(&self, base: &ApiBaseUrl) -> Result<bool, PullError> {
        let file = self.with_ready(|r| Ok(r.store.drop_basemap(base.as_str())?))?;
        if let Some(f) = &file {
            let _ = std::fs::remove_file(self.map_dir().join(f));
        }
        Ok(file.is_some())
    }

    /// Downloads the basemap the city serves unless the kept one has its ETag; resumes a
    /// `.part` of the same ETag. Recorded only once whole and checked.
    async fn pull_basemap(
        &self,
        http: &reqwest::Client,
        base: &ApiBaseUrl,
        served: &ServedFile,
    ) -> Result<bool, PullError> {
        if served.bytes == 0 || served.bytes > MAX_BASEMAP_BYTES {
            return Err(refused("a basemap of a size the app does not download"));
        }
        let dir = self.map_dir();
        let kept = self.with_ready(|r| Ok(r.store.basemap(base.as_str())?))?;
        if let Some(k) = &kept
            && k.etag == served.etag
            && dir.join(&k.file).is_file()
        {
            return Ok(false);
        }
        std::fs::create_dir_all(&dir)?;
        let stem = basemap_stem(base);
        let part = dir.join(format!("{stem}.part"));
        let part_tag = dir.join(format!("{stem}.part.etag"));
        let resumable = std::fs::read_to_string(&part_tag).is_ok_and(|t| t == served.etag);
        let have = if resumable {
            std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0)
        } else {
            let _ = std::fs::remove_file(&part);
            std::fs::write(&part_tag, &served.etag)?;
            0
        };
        if have < served.bytes {
            download(
                http,
                &base.join("api/v1/map/basemap.pmtiles"),
                &part,
                have,
                served,
            )
            .await?;
        }
        check_basemap(&part, served.bytes)?;
        let file = format!(
            "{stem}-{}.pmtiles",
            hex_prefix(&Sha256::digest(served.etag.as_bytes()))
        );
        std::fs::rename(&part, dir.join(&file))?;
        let _ = std::fs::remove_file(&part_tag);
        let row = BasemapRow {
            file: file.clone(),
            bytes: served.bytes,
            etag: served.etag.clone(),
            pulled_at: now_text(),
        };
        let replaced = self.with_ready(|r| Ok(r.store.save_basemap(base.as_str(), &row)?))?;
        if let Some(old) = replaced {
            let _ = std::fs::remove_file(dir.join(old));
        }
        Ok(true)
    }

    // ---- The commands' answers, from the copies of the address in use. ----

    fn copy(&self, resource: MapResource) -> Result<Option<crate::store::MapCopy>, CoreError> {
        let base = self.api_url();
        self.with_ready(|r| Ok(r.store.map_copy(resource, base.as_str())?))
    }

    /// The city's boundaries when it serves them (checked when kept), else the schematic cells.
    pub fn map_wards(&self) -> Result<MapWardsDto, CoreError> {
        let known = self.known_wards()?;
        if let Some(copy) = self.copy(MapResource::Boundaries)?
            && let Ok(checked) = boundaries::check(&copy.body, |c| known.contains(c))
        {
            return Ok(MapWardsDto {
                kind: BoundaryKind::Official,
                count: checked.codes.len(),
                geojson: copy.body,
            });
        }
        let checked = boundaries::check(bundled::WARD_CELLS, |c| known.contains(c))
            .map_err(|_| CoreError::BundledData)?;
        Ok(MapWardsDto {
            kind: BoundaryKind::Schematic,
            count: checked.codes.len(),
            geojson: bundled::WARD_CELLS.to_owned(),
        })
    }

    fn kept_reports(&self) -> Result<Option<(ReportPage, String)>, CoreError> {
        Ok(self
            .copy(MapResource::Reports)?
            .and_then(|c| Some((serde_json::from_str(&c.body).ok()?, c.pulled_at))))
    }

    /// The kept public open reports in `bbox` (all of them without one).
    pub fn map_reports(&self, bbox: Option<Bbox>) -> Result<MapReportsDto, CoreError> {
        let (page, pulled_at) = match self.kept_reports()? {
            Some((set, at)) => (rules::reports_in(&set, bbox), Some(at)),
            None => (ReportPage::new(Vec::new(), None), None),
        };
        Ok(MapReportsDto {
            count: page.features.len(),
            geojson: serde_json::to_string(&page).map_err(|_| CoreError::BundledData)?,
            pulled_at,
        })
    }

    /// The kept ward offices, else the ones shipped with the app.
    fn offices(&self) -> Result<WardOffices, CoreError> {
        let known = self.known_wards()?;
        if let Some(copy) = self.copy(MapResource::Offices)?
            && let Ok(file) = WardOffices::from_json(&copy.body, |c| known.contains(c))
        {
            return Ok(file);
        }
        WardOffices::from_json(bundled::WARD_OFFICES, |c| known.contains(c))
            .map_err(|_| CoreError::BundledData)
    }

    fn kept_stats(&self) -> Result<Option<(AllWardStats, String)>, CoreError> {
        Ok(self
            .copy(MapResource::Stats)?
            .and_then(|c| Some((serde_json::from_str(&c.body).ok()?, c.pulled_at))))
    }

    /// What the card shows about one ward, from the device's copies.
    pub fn ward_card(&self, code: &str) -> Result<WardCardDto, CoreError> {
        let ward = self.ward(code)?;
        let offices = self.offices()?;
        let open_reports = self
            .kept_reports()?
            .map(|(set, _)| rules::open_in_ward(&set, &ward.code));
        let (stats, stats_pulled_at) = match self.kept_stats()? {
            Some((all, at)) => (rules::stats_of(&all.wards, &ward).cloned(), Some(at)),
            None => (None, None),
        };
        Ok(WardCardDto {
            office: rules::office_card(&offices, &ward.code),
            ward,
            open_reports,
            stats,
            stats_pulled_at,
        })
    }

    /// The offices layer.
    pub fn map_offices(&self) -> Result<MapOfficesDto, CoreError> {
        let offices = self.offices()?;
        let (geojson, count) = rules::offices_geojson(&offices);
        Ok(MapOfficesDto {
            geojson,
            count,
            as_of: Some(offices.as_of),
        })
    }

    /// Every ward's statistics as last pulled.
    pub fn map_stats(&self) -> Result<MapStatsDto, CoreError> {
        Ok(match self.kept_stats()? {
            Some((all, at)) => MapStatsDto {
                wards: all.wards,
                pulled_at: Some(at),
            },
            None => MapStatsDto {
                wards: Vec::new(),
                pulled_at: None,
            },
        })
    }

    /// The basemap of the address in use, when its file is there.
    fn basemap_file(&self) -> Result<Option<(PathBuf, u64)>, CoreError> {
        let base = self.api_url();
        let row = self.with_ready(|r| Ok(r.store.basemap(base.as_str())?))?;
        Ok(row
            .map(|b| (self.map_dir().join(&b.file), b.bytes))
            .filter(|(path, _)| path.is_file()))
    }

    /// What the map is drawn from on this device.
    pub fn map_sources(&self) -> Result<MapSourcesDto, CoreError> {
        let boundaries = self.map_wards()?.kind;
        Ok(MapSourcesDto {
            boundaries,
            basemap: self.basemap_file()?.map(|(_, bytes)| BasemapDto { bytes }),
            offices_as_of: Some(self.offices()?.as_of),
            reports_pulled_at: self.copy(MapResource::Reports)?.map(|c| c.pulled_at),
            stats_pulled_at: self.copy(MapResource::Stats)?.map(|c| c.pulled_at),
        })
    }

    /// Bytes of the basemap for the UI's PMTiles reader.
    pub fn basemap_range(&self, args: BasemapRangeArgs) -> Result<Vec<u8>, CoreError> {
        let (path, size) = self.basemap_file()?.ok_or(CoreError::NoBasemap)?;
        let (offset, length) = args.span(size).ok_or(CoreError::BadRange)?;
        let mut file = std::fs::File::open(&path).map_err(|_| CoreError::NoBasemap)?;
        file.seek(SeekFrom::Start(offset))
            .map_err(CoreError::MapFile)?;
        let mut buf = vec![0u8; usize::try_from(length).map_err(|_| CoreError::BadRange)?];
        file.read_exact(&mut buf).map_err(CoreError::MapFile)?;
        Ok(buf)
    }
}

/// Fetches `url` into `part` from byte `have` (a `Range` with `If-Range`: a changed file comes
/// whole, and the part starts again).
async fn download(
    http: &reqwest::Client,
    url: &str,
    part: &Path,
    have: u64,
    served: &ServedFile,
) -> Result<(), PullError> {
    let mut request = http.get(url).timeout(BASEMAP_REQUEST_TIME);
    if have > 0 {
        request = request
            .header(RANGE, format!("bytes={have}-"))
            .header(IF_RANGE, served.etag.as_str());
    }
    let mut response = request.send().await?;
    let start = match response.status() {
        StatusCode::PARTIAL_CONTENT => {
            let from = response
                .headers()
                .get(CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("bytes "))
                .and_then(|v| v.split('-').next())
                .and_then(|v| v.parse::<u64>().ok());
            if from != Some(have) {
                return Err(refused("a range that is not the one asked for"));
            }
            have
        }
        StatusCode::OK => 0,
        other => return Err(PullError::Status(other.as_u16())),
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(part)?;
    file.set_len(start)?;
    file.seek(SeekFrom::Start(start))?;
    let mut written = start;
    while let Some(chunk) = response.chunk().await? {
        written += chunk.len() as u64;
        if written > served.bytes {
            return Err(refused("a basemap longer than announced"));
        }
        file.write_all(&chunk)?;
    }
    file.sync_all()?;
    Ok(())
}

/// Whole (the announced size) and a PMTiles v3 file.
fn check_basemap(part: &Path, bytes: u64) -> Result<(), PullError> {
    let mut file = std::fs::File::open(part)?;
    if file.metadata()?.len() != bytes {
        return Err(refused("the basemap is not whole yet"));
    }
    let mut head = [0u8; 8];
    file.read_exact(&mut head)?;
    if &head[..7] != b"PMTiles" || head[7] != 3 {
        return Err(refused("not a PMTiles v3 file"));
    }
    Ok(())
}
