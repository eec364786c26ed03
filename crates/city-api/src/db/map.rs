//! The map's reads: open reports in a box (from the `request_places` R*Tree, migration 0009),
//! every ward's statistics, and the demo reports `--seed hcmc` spreads over the wards.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use model::feedback::{Contact, NewRequest, Place, RequestStatus};
use model::geo::Point;
use model::map::{Bbox, PageCursor};
use model::service::ServiceCode;
use model::ward_rating::WardStats;
use model::{Ward, WardCode};
use rusqlite::{Connection, params};

use super::DbError;
use super::requests::{self, RequestRow};

/// The SQL of [`open_in_box`] (public so a test can ask SQLite how it plans it): open reports
/// whose point is in the box, after the cursor, in id order.
pub fn open_in_box_sql() -> String {
    format!(
        "SELECT {} FROM request_places p
           JOIN requests r ON r.id = p.id
           LEFT JOIN request_ratings g ON g.request_id = r.id
         WHERE p.min_lat >= ?1 AND p.max_lat <= ?2 AND p.min_lon >= ?3 AND p.max_lon <= ?4
           AND p.id > ?5 AND r.status NOT IN ('resolved', 'closed')
         ORDER BY p.id LIMIT ?6",
        requests::COLUMNS
    )
}

/// Open reports whose exact point is in `area`, after `cursor`, at most `limit`, in id order.
/// The caller widens the public box by a grid cell and keeps the reports whose public point
/// is inside the box asked for.
pub fn open_in_box(
    conn: &Connection,
    area: Bbox,
    cursor: PageCursor,
    limit: u32,
) -> Result<Vec<RequestRow>, DbError> {
    let after = i64::try_from(cursor.get()).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare(&open_in_box_sql())?;
    let rows = stmt
        .query_map(
            params![
                area.south(),
                area.north(),
                area.west(),
                area.east(),
                after,
                limit
            ],
            requests::row_to_request,
        )?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Every listed ward's statistics, by the same query as one ward's.
pub fn all_stats(conn: &Connection, codes: &[WardCode]) -> Result<Vec<WardStats>, DbError> {
    codes
        .iter()
        .map(|c| super::ward_stats::stats(conn, c.as_str()))
        .collect()
}

/// The services demo reports are filed under (codes of the seeded 1022 catalogue).
const DEMO_SERVICES: [&str; 4] = [
    "giao-thong",
    "thoat-nuoc",
    "chieu-sang",
    "ve-sinh-moi-truong",
];

/// Files `per_ward` demo reports in each ward (once: a database that has reports gets none),
/// near its centre, most of them open; returns how many were filed. For demos and the map's
/// figures: the descriptions say they are demo data.
pub fn seed_demo_reports(
    conn: &mut Connection,
    wards: &[Ward],
    per_ward: usize,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    let tx = conn.transaction()?;
    let existing: i64 = tx.query_row("SELECT count(*) FROM requests", [], |r| r.get(0))?;
    if existing > 0 {
        return Ok(0);
    }
    let mut services = Vec::new();
    for code in DEMO_SERVICES {
        let known: i64 = tx.query_row(
            "SELECT count(*) FROM services WHERE code = ?1",
            [code],
            |r| r.get(0),
        )?;
        if let (1, Ok(c)) = (known, ServiceCode::parse(code)) {
            services.push(c);
        }
    }
    if services.is_empty() {
        return Ok(0);
    }
    let mut filed = 0;
    for (w, ward) in wards.iter().enumerate() {
        // Spread around the centre within a third of the unit's radius.
        let radius_deg = (ward.area_km2.max(0.1) / std::f64::consts::PI).sqrt() / 3.0 / 111.0;
        for i in 0..per_ward {
            let k = w * per_ward + i;
            let angle = (k as f64) * 2.399_963; // the golden angle: points do not line up
            let r = radius_deg * (((i % 7) + 1) as f64 / 7.0);
            let Some(point) = Point::new(ward.lat + r * angle.sin(), ward.lon + r * angle.cos())
            else {
                continue;
            };
            let req = NewRequest {
                service_code: services[k % services.len()].clone(),
                description: Some(format!("Phản ánh mẫu (dữ liệu demo) số {}", k + 1)),
                place: Place {
                    point: Some(point),
                    address: None,
                    ward: Some(ward.code.clone()),
                },
                contact: Contact::default(),
                device_id: None,
                owner_key: None,
                media_url: None,
                answers: BTreeMap::new(),
                consent: None,
            };
            let at = now - chrono::Duration::hours((k % 240) as i64);
            let id = requests::insert(&tx, &req, None, "UBND", at, None)?;
            // One in five is already resolved; the others are at some open step.
            let status = match k % 5 {
                0 => RequestStatus::Resolved,
                1 => RequestStatus::Assigned,
                2 => RequestStatus::InProgress,
                _ => RequestStatus::Received,
            };
            if status != RequestStatus::Received {
                requests::set_status(&tx, id, status, None, requests::Actor::Staff, at)?;
            }
            filed += 1;
        }
    }
    tx.commit()?;
    Ok(filed)
}
