//! What the city holds linked to one registered device, and its deletion ("delete my data",
//! Law 91/2025/QH15 art. 14). See `routes::my_data` for the routes and the README for what a
//! deletion keeps and why.

use model::trust::Consent;
use model::trust::my_data::{CityDeleted, CityHolds, HeldRating, HeldReport};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::DbError;

/// The report's consent record, when the schema has one (`consent_version`, `consent_at`, added
/// by another migration) and the report holds it.
fn consent_of(conn: &Connection, id: i64) -> Result<Option<Consent>, DbError> {
    let columns = super::retention::consent_columns(conn)?;
    if !["consent_version", "consent_at"]
        .iter()
        .all(|c| columns.iter().any(|have| have == c))
    {
        return Ok(None);
    }
    let row: Option<(Option<i64>, Option<String>)> = conn
        .query_row(
            "SELECT consent_version, consent_at FROM requests WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.and_then(|(version, at)| {
        Some(Consent {
            version: u16::try_from(version?).ok()?,
            at: chrono::DateTime::parse_from_rfc3339(&at?).ok()?.to_utc(),
        })
    }))
}

/// Everything linked to `device`; `None` when the city does not know it.
pub fn holds(conn: &Connection, device: &str) -> Result<Option<CityHolds>, DbError> {
    let Some(registered_at) = conn
        .query_row(
            "SELECT registered_at FROM devices WHERE id = ?1",
            [device],
            |r| r.get::<_, String>(0),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let linked: Vec<(i64, String, Option<String>)> = conn
        .prepare("SELECT id, requested_at, contact FROM requests WHERE device_id = ?1 ORDER BY id")?
        .query_map([device], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut reports = Vec::with_capacity(linked.len());
    for (id, requested_datetime, contact) in linked {
        let contact: serde_json::Value = match contact {
            Some(text) => serde_json::from_str(&text)?,
            None => serde_json::Value::Null,
        };
        let field = |k: &str| contact[k].as_str().map(str::to_owned);
        reports.push(HeldReport {
            service_request_id: id.to_string(),
            requested_datetime,
            first_name: field("first_name"),
            last_name: field("last_name"),
            email: field("email"),
            phone: field("phone"),
            consent: consent_of(conn, id)?,
        });
    }
    let supported = conn
        .prepare("SELECT request_id FROM supporters WHERE device_id = ?1 ORDER BY request_id")?
        .query_map([device], |r| Ok(r.get::<_, i64>(0)?.to_string()))?
        .collect::<Result<_, _>>()?;
    let ward_ratings = conn
        .prepare(
            "SELECT ward_code, month FROM ward_ratings WHERE device_id = ?1
             UNION ALL
             SELECT ward_code, month FROM ward_ratings_1to5 WHERE device_id = ?1
             ORDER BY month, ward_code",
        )?
        .query_map([device], |r| {
            Ok(HeldRating {
                ward_code: r.get(0)?,
                month: r.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let surveys_answered = conn
        .prepare("SELECT survey_id FROM survey_answers WHERE voter = ?1 ORDER BY survey_id")?
        .query_map([device], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some(CityHolds {
        device_id: device.to_owned(),
        registered_at,
        reports,
        supported,
        ward_ratings,
        surveys_answered,
    }))
}

/// A link to nobody for one counted row: random, different for every row, so the rows a
/// deleted device left can be joined neither to it nor to each other, and still fill the
/// once-per-device unique keys (no real device id starts with it: ids are UUIDs).
fn nobody() -> String {
    format!("deleted-{}", uuid::Uuid::new_v4().simple())
}

/// Removes everything linked to `device` in `tx`; `None` when the city does not know it.
/// Its reports stay public without contact details, consent record, device link or owner
/// key; its "me too"s, ratings and survey answers stay in the counts, each linked to a random nobody; its
/// registration answer (which names it) and its row go.
pub fn forget(tx: &Transaction<'_>, device: &str) -> Result<Option<CityDeleted>, DbError> {
    if !super::devices::exists(tx, device)? {
        return Ok(None);
    }
    let contacts_removed = {
        let mut held = String::from("contact IS NOT NULL");
        let mut set = String::from("contact = NULL, device_id = NULL, owner_key_hash = NULL");
        for c in super::retention::consent_columns(tx)? {
            held.push_str(&format!(" OR \"{c}\" IS NOT NULL"));
            set.push_str(&format!(", \"{c}\" = NULL"));
        }
        let contacts: i64 = tx.query_row(
            &format!("SELECT count(*) FROM requests WHERE device_id = ?1 AND ({held})"),
            [device],
            |r| r.get(0),
        )?;
        let unlinked = tx.execute(
            &format!("UPDATE requests SET {set} WHERE device_id = ?1"),
            [device],
        )?;
        (usize::try_from(contacts).unwrap_or(0), unlinked)
    };
    let (contacts_removed, reports_unlinked) = contacts_removed;
    let mut supports_unlinked = 0;
    let ids: Vec<i64> = tx
        .prepare("SELECT request_id FROM supporters WHERE device_id = ?1")?
        .query_map([device], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ids {
        supports_unlinked += tx.execute(
            "UPDATE supporters SET device_id = ?3 WHERE request_id = ?1 AND device_id = ?2",
            params![id, device, nobody()],
        )?;
    }
    let mut ratings_unlinked = 0;
    for table in ["ward_ratings", "ward_ratings_1to5"] {
        let ratings: Vec<i64> = tx
            .prepare(&format!("SELECT id FROM {table} WHERE device_id = ?1"))?
            .query_map([device], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in ratings {
            ratings_unlinked += tx.execute(
                &format!("UPDATE {table} SET device_id = ?2 WHERE id = ?1"),
                params![id, nobody()],
            )?;
        }
    }
    let answered: Vec<i64> = tx
        .prepare("SELECT survey_id FROM survey_answers WHERE voter = ?1")?
        .query_map([device], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut answers_unlinked = 0;
    for survey in answered {
        answers_unlinked += tx.execute(
            "UPDATE survey_answers SET voter = ?3 WHERE survey_id = ?1 AND voter = ?2",
            params![survey, device, nobody()],
        )?;
    }
    // The stored answer to its registration names the device.
    tx.execute(
        "DELETE FROM idempotency WHERE instr(CAST(body AS TEXT), ?1) > 0",
        [device],
    )?;
    tx.execute("DELETE FROM devices WHERE id = ?1", [device])?;
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Some(CityDeleted {
        reports_unlinked: count(reports_unlinked),
        contacts_removed: count(contacts_removed),
        supports_unlinked: count(supports_unlinked),
        ratings_unlinked: count(ratings_unlinked),
        survey_answers_unlinked: count(answers_unlinked),
    }))
}
