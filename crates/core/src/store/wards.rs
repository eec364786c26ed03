//! The local copy of the ward catalogue and the ETag it came with.

use model::{Ward, WardCatalog};
use rusqlite::{OptionalExtension, params};

use super::Store;

const WARDS_RESOURCE: &str = "wards";

/// What the store knows about the last ward pull.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WardSync {
    pub etag: Option<String>,
    /// RFC 3339; `None` until the city API has answered once.
    pub refreshed_at: Option<String>,
}

impl Store {
    /// All wards, in no particular order. Rows that no longer validate are skipped and logged.
    pub fn wards(&self) -> rusqlite::Result<Vec<Ward>> {
        let mut stmt = self
            .conn
            .prepare("SELECT code, name, kind, lat, lon, area_km2 FROM wards")?;
        let rows = stmt.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, f64>(3)?,
                row.get::<_, f64>(4)?,
                row.get::<_, f64>(5)?,
            ))
        })?;
        let mut wards = Vec::new();
        for row in rows {
            let (code, name, kind, lat, lon, area_km2) = row?;
            let ward = Ward::from_parts(&code, name, &kind, lat, lon, area_km2);
            match ward {
                Ok(ward) => wards.push(ward),
                Err(err) => tracing::warn!(%code, %err, "skipping invalid stored ward"),
            }
        }
        Ok(wards)
    }

    pub fn ward_count(&self) -> rusqlite::Result<usize> {
        let count: i64 = self
            .conn
            .query_row("SELECT count(*) FROM wards", [], |row| row.get(0))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Replaces the whole catalogue and records its ETag, in one transaction: a reader never
    /// sees half a list. `refreshed_at` is `None` for the bundled catalogue.
    pub fn replace_wards(
        &mut self,
        catalog: &WardCatalog,
        etag: Option<&str>,
        refreshed_at: Option<&str>,
    ) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM wards", [])?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO wards (code, name, kind, lat, lon, area_km2) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for w in &catalog.units {
                insert.execute(params![
                    w.code.as_str(),
                    w.name,
                    w.kind.as_str(),
                    w.lat,
                    w.lon,
                    w.area_km2
                ])?;
            }
        }
        upsert_sync(&tx, etag, refreshed_at)?;
        tx.commit()
    }

    /// Records that the city API confirmed our copy is current (304).
    pub fn mark_wards_fresh(&self, refreshed_at: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE sync_state SET refreshed_at = ?2 WHERE resource = ?1",
            params![WARDS_RESOURCE, refreshed_at],
        )?;
        Ok(())
    }

    /// Forgets the ETag, so the next pull fetches the whole list (e.g. from another server,
    /// whose tags mean nothing here). The stored wards stay until a new list arrives.
    pub fn forget_ward_etag(&self) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE sync_state SET etag = NULL WHERE resource = ?1",
            [WARDS_RESOURCE],
        )?;
        Ok(())
    }

    pub fn ward_sync(&self) -> rusqlite::Result<WardSync> {
        Ok(self
            .conn
            .query_row(
                "SELECT etag, refreshed_at FROM sync_state WHERE resource = ?1",
                [WARDS_RESOURCE],
                |row| {
                    Ok(WardSync {
                        etag: row.get(0)?,
                        refreshed_at: row.get(1)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }
}

fn upsert_sync(
    conn: &rusqlite::Connection,
    etag: Option<&str>,
    at: Option<&str>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sync_state (resource, etag, refreshed_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (resource) DO UPDATE SET etag = excluded.etag, refreshed_at = excluded.refreshed_at",
        params![WARDS_RESOURCE, etag, at],
    )?;
    Ok(())
}
