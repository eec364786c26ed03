//! The administrative units.

use model::{Ward, WardCatalog, WardCode};
use rusqlite::{Connection, OptionalExtension, params};

use super::DbError;

const HCMC_UNITS: &str = include_str!("../../../../assets/hcmc-units.json");

/// Upserts the 168 HCMC units. Unchanged rows are not rewritten, so re-seeding keeps the ETag.
pub fn seed_hcmc(conn: &mut Connection) -> Result<usize, DbError> {
    let catalog = WardCatalog::from_json(HCMC_UNITS)?;
    upsert_wards(conn, &catalog.units)
}

pub fn upsert_wards(conn: &mut Connection, wards: &[Ward]) -> Result<usize, DbError> {
    let tx = conn.transaction()?;
    let mut changed = 0;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO wards (code, name, kind, lat, lon, area_km2) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (code) DO UPDATE SET
                 name = excluded.name, kind = excluded.kind, lat = excluded.lat,
                 lon = excluded.lon, area_km2 = excluded.area_km2
             WHERE (name, kind, lat, lon, area_km2)
                 IS NOT (excluded.name, excluded.kind, excluded.lat, excluded.lon, excluded.area_km2)",
        )?;
        for w in wards {
            changed += stmt.execute(params![
                w.code.as_str(),
                w.name,
                w.kind.as_str(),
                w.lat,
                w.lon,
                w.area_km2
            ])?;
        }
    }
    tx.commit()?;
    Ok(changed)
}

/// A row as a unit; a row that no longer validates is skipped (`None`), not served.
fn ward_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Ward>> {
    let code: String = row.get(0)?;
    let kind: String = row.get(2)?;
    let ward = Ward::from_parts(
        &code,
        row.get(1)?,
        &kind,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    );
    Ok(ward
        .inspect_err(|err| tracing::warn!(%code, %err, "skipping invalid ward row"))
        .ok())
}

/// All units sorted by code, with the list's version (for the ETag).
pub fn wards(conn: &mut Connection) -> Result<(Vec<Ward>, i64), DbError> {
    let tx = conn.transaction()?;
    let version: i64 = tx.query_row(
        "SELECT version FROM data_version WHERE resource = 'wards'",
        [],
        |r| r.get(0),
    )?;
    let wards = {
        let mut stmt =
            tx.prepare("SELECT code, name, kind, lat, lon, area_km2 FROM wards ORDER BY code")?;
        let rows = stmt.query_map([], ward_from_row)?;
        rows.filter_map(|r| r.transpose())
            .collect::<Result<Vec<_>, _>>()?
    };
    tx.commit()?;
    Ok((wards, version))
}

pub fn ward(conn: &mut Connection, code: &WardCode) -> Result<Option<Ward>, DbError> {
    Ok(conn
        .query_row(
            "SELECT code, name, kind, lat, lon, area_km2 FROM wards WHERE code = ?1",
            [code.as_str()],
            ward_from_row,
        )
        .optional()?
        .flatten())
}
