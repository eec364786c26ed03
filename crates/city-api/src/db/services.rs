//! The feedback categories (Open311 services), loaded from `assets/services-1022.json`.

use model::service::{Service, ServiceCatalog};
use rusqlite::{Connection, OptionalExtension, params};

use super::DbError;

const SERVICES_1022: &str = include_str!("../../../../assets/services-1022.json");

/// Replaces the service list with the 1022 fields (a city loads its own list the same way).
/// Returns how many services changed. Existing reports keep their codes: a service still in
/// use is never deleted.
pub fn seed_services(conn: &mut Connection) -> Result<usize, DbError> {
    let catalog = ServiceCatalog::from_json(SERVICES_1022)?;
    upsert_services(conn, &catalog)
}

pub fn upsert_services(conn: &mut Connection, catalog: &ServiceCatalog) -> Result<usize, DbError> {
    catalog.validate()?;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('jurisdiction_id', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [&catalog.jurisdiction_id],
    )?;
    let mut changed = 0;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO services (code, sort, definition) VALUES (?1, ?2, ?3)
             ON CONFLICT (code) DO UPDATE SET sort = excluded.sort, definition = excluded.definition
             WHERE (sort, definition) IS NOT (excluded.sort, excluded.definition)",
        )?;
        for (i, s) in catalog.services.iter().enumerate() {
            let definition = serde_json::to_string(s)?;
            changed += stmt.execute(params![s.code.as_str(), i as i64, definition])?;
        }
    }
    tx.commit()?;
    Ok(changed)
}

/// The list in its order; `None` before any list was loaded. A row that does not validate
/// (written by an older build, or by hand) is skipped with a warning rather than taking the whole API down.
pub fn catalog(conn: &Connection) -> Result<Option<ServiceCatalog>, DbError> {
    let Some(jurisdiction_id) = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'jurisdiction_id'",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let mut stmt = conn.prepare("SELECT code, definition FROM services ORDER BY sort, code")?;
    let mut services = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let code: String = row.get(0)?;
        let text: String = row.get(1)?;
        let service = serde_json::from_str::<Service>(&text)
            .map_err(|e| e.to_string())
            .and_then(|s| s.validate().map(|()| s).map_err(|e| e.to_string()));
        match service {
            Ok(s) => services.push(s),
            Err(err) => tracing::warn!(%code, %err, "skipping invalid service row"),
        }
    }
    Ok(Some(ServiceCatalog {
        jurisdiction_id,
        services,
    }))
}
