//! The map's offline copy (migration 0012): the last checked answer of each map resource per
//! city address, with its ETag, and the basemap file downloaded from each address.

use rusqlite::{OptionalExtension, params};

use super::Store;
use super::copies::CopyTable;

/// What is kept for the map, one copy per city address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapResource {
    /// `GET /api/v1/map`: which files the city serves.
    Info,
    /// `GET /api/v1/wards/offices`.
    Offices,
    /// `GET /api/v1/wards/stats`.
    Stats,
    /// The whole city's public open reports (every page of `/api/v1/map/reports.geojson`).
    Reports,
    /// `GET /api/v1/map/boundaries.geojson`.
    Boundaries,
}

impl MapResource {
    /// The `map_copies.resource` value (its CHECK lists the same five).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Offices => "offices",
            Self::Stats => "stats",
            Self::Reports => "reports",
            Self::Boundaries => "boundaries",
        }
    }
}

/// A kept answer of the map's (see `copies.rs`).
pub type MapCopy = super::copies::CityCopy;

/// A basemap file kept for an address: its name in the map folder, size and ETag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasemapRow {
    pub file: String,
    pub bytes: u64,
    pub etag: String,
    pub pulled_at: String,
}

impl Store {
    /// The copy of `resource` that came from `api_base`, if any.
    pub fn map_copy(
        &self,
        resource: MapResource,
        api_base: &str,
    ) -> rusqlite::Result<Option<MapCopy>> {
        self.city_copy(CopyTable::Map, resource.as_str(), api_base)
    }

    /// Keeps a checked answer of `resource` from `api_base` (replacing the one before).
    pub fn save_map_copy(
        &self,
        resource: MapResource,
        api_base: &str,
        body: &str,
        etag: Option<&str>,
        now: &str,
    ) -> rusqlite::Result<()> {
        self.save_city_copy(CopyTable::Map, resource.as_str(), api_base, body, etag, now)
    }

    /// The city said our copy is current (304): only its time moves.
    pub fn mark_map_copy_fresh(
        &self,
        resource: MapResource,
        api_base: &str,
        now: &str,
    ) -> rusqlite::Result<()> {
        self.mark_city_copy_fresh(CopyTable::Map, resource.as_str(), api_base, now)
    }

    /// The city no longer serves `resource` (404): the copy goes (e.g. boundaries withdrawn).
    pub fn drop_map_copy(&self, resource: MapResource, api_base: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "DELETE FROM map_copies WHERE resource = ?1 AND api_base = ?2",
            params![resource.as_str(), api_base],
        )?;
        Ok(())
    }

    pub fn basemap(&self, api_base: &str) -> rusqlite::Result<Option<BasemapRow>> {
        self.conn
            .query_row(
                "SELECT file, bytes, etag, pulled_at FROM map_basemaps WHERE api_base = ?1",
                [api_base],
                |r| {
                    Ok(BasemapRow {
                        file: r.get(0)?,
                        bytes: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                        etag: r.get(2)?,
                        pulled_at: r.get(3)?,
                    })
                },
            )
            .optional()
    }

    /// Records a basemap file, whole and checked, as `api_base`'s; returns the file it replaced.
    pub fn save_basemap(
        &self,
        api_base: &str,
        row: &BasemapRow,
    ) -> rusqlite::Result<Option<String>> {
        let before = self.basemap(api_base)?.map(|b| b.file);
        self.conn.execute(
            "INSERT INTO map_basemaps (api_base, file, bytes, etag, pulled_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (api_base) DO UPDATE SET file = excluded.file, bytes = excluded.bytes,
                 etag = excluded.etag, pulled_at = excluded.pulled_at",
            params![
                api_base,
                row.file,
                i64::try_from(row.bytes).unwrap_or(i64::MAX),
                row.etag,
                row.pulled_at
            ],
        )?;
        Ok(before.filter(|f| f != &row.file))
    }

    /// Forgets `api_base`'s basemap (the city no longer serves one); returns its file.
    pub fn drop_basemap(&self, api_base: &str) -> rusqlite::Result<Option<String>> {
        let before = self.basemap(api_base)?.map(|b| b.file);
        self.conn
            .execute("DELETE FROM map_basemaps WHERE api_base = ?1", [api_base])?;
        Ok(before)
    }
}
