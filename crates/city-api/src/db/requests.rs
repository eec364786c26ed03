//! Feedback reports, their timeline, photos and ratings. Writers take a transaction so that the
//! change, its timeline entry and the stored idempotent answer commit together.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use model::feedback::{NewRequest, PhotoPurpose, RequestStatus, Satisfaction};
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};

use super::DbError;

/// A stored report with what the public may see, plus its links to its filer (never served).
#[derive(Clone, Debug)]
pub struct RequestRow {
    pub id: i64,
    pub token: String,
    pub service_code: String,
    /// Open311's optional description (stored as '' when none was given).
    pub description: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub ward_code: Option<String>,
    /// The device that filed it, only when the report was signed (verified): never a claim.
    pub device_id: Option<String>,
    /// The SHA-256 (hex) of the report's owner key, when the filer sent one.
    pub owner_key_hash: Option<String>,
    pub media_url: Option<String>,
    pub status: RequestStatus,
    pub status_notes: Option<String>,
    pub agency: String,
    pub requested_at: String,
    pub updated_at: String,
    pub expected_at: Option<String>,
    pub resolved_at: Option<String>,
    pub change_seq: i64,
    pub rating: Option<Satisfaction>,
    pub media_ids: Vec<String>,
    /// Devices that said "me too" (not the filer's).
    pub supporters: u32,
}

#[derive(Clone, Debug)]
pub struct EventRow {
    pub id: i64,
    pub at: String,
    pub status: RequestStatus,
    pub note: Option<String>,
    pub actor: Actor,
    pub media_ids: Vec<String>,
}

/// Who made a change.
pub use model::open311::Actor;

/// What a stored photo shows: the citizen's report or "not fixed" answer, or the city's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    Citizen(PhotoPurpose),
    Result,
}

impl MediaKind {
    /// The `media.kind` column (its CHECK constraint lists the same three).
    fn as_str(self) -> &'static str {
        match self {
            Self::Citizen(p) => p.as_str(),
            Self::Result => "result",
        }
    }
}

/// A filter of `GET requests.json`; all given parts must match.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub ids: Vec<i64>,
    pub service_codes: Vec<String>,
    /// Open311 status: `open` or `closed`.
    pub open: Option<bool>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub ward_code: Option<String>,
    /// Only reports changed after this counter value (incremental sync), in counter order.
    pub after_seq: Option<i64>,
    pub updated_after: Option<String>,
    pub limit: usize,
}

pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn next_seq(tx: &Transaction<'_>) -> Result<i64, DbError> {
    Ok(tx.query_row(
        "UPDATE counters SET value = value + 1 WHERE name = 'change_seq' RETURNING value",
        [],
        |r| r.get(0),
    )?)
}

fn add_event(
    tx: &Transaction<'_>,
    id: i64,
    status: RequestStatus,
    note: Option<&str>,
    actor: Actor,
    at: &str,
) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO request_events (request_id, at, status, note, actor) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, at, status.as_str(), note, actor.as_str()],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Stores a new report with its first timeline entry. `expected` is the answer deadline, when
/// there is one to give. `device` is the verified device of a signed report (never the form's
/// `device_id`, which is a claim and is not stored).
pub fn insert(
    tx: &Transaction<'_>,
    req: &NewRequest,
    device: Option<&str>,
    agency: &str,
    now: DateTime<Utc>,
    expected: Option<DateTime<Utc>>,
) -> Result<i64, DbError> {
    let at = timestamp(now);
    let token = uuid::Uuid::new_v4().simple().to_string();
    let answers = serde_json::to_string(&req.answers)?;
    let contact = if req.contact.is_empty() {
        None
    } else {
        Some(serde_json::to_string(&serde_json::json!({
            "first_name": req.contact.first_name,
            "last_name": req.contact.last_name,
            "email": req.contact.email,
            "phone": req.contact.phone,
        }))?)
    };
    // The consent is kept next to the contact details it allowed (none without contact).
    let consent = contact.as_ref().and(req.consent);
    let seq = next_seq(tx)?;
    tx.execute(
        "INSERT INTO requests (token, service_code, description, lat, lon, address, ward_code,
             answers, device_id, contact, media_url, status, agency, requested_at, updated_at,
             expected_at, change_seq, owner_key_hash, consent_version, consent_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'received', ?12, ?13, ?13, ?14, ?15,
             ?16, ?17, ?18)",
        params![
            token,
            req.service_code.as_str(),
            req.description.as_deref().unwrap_or(""),
            req.place.point.map(|p| p.lat()),
            req.place.point.map(|p| p.lon()),
            req.place.address,
            req.place.ward.as_ref().map(|w| w.as_str()),
            answers,
            device,
            contact,
            req.media_url,
            agency,
            at,
            expected.map(timestamp),
            seq,
            req.owner_key.as_ref().map(model::trust::OwnerKey::hash_hex),
            consent.map(|c| c.version),
            consent.map(|c| timestamp(c.at)),
        ],
    )?;
    let id = tx.last_insert_rowid();
    add_event(tx, id, RequestStatus::Received, None, Actor::System, &at)?;
    Ok(id)
}

pub(crate) const COLUMNS: &str =
    "r.id, r.token, r.service_code, r.description, r.lat, r.lon, r.address,
    r.ward_code, r.device_id, r.media_url, r.status, r.status_notes, r.agency, r.requested_at,
    r.updated_at, r.expected_at, r.resolved_at, r.change_seq, g.satisfaction,
    (SELECT group_concat(m.id) FROM
        (SELECT id FROM media WHERE request_id = r.id ORDER BY rowid) m),
    (SELECT count(*) FROM supporters s WHERE s.request_id = r.id), r.owner_key_hash";

pub(crate) fn row_to_request(row: &rusqlite::Row<'_>) -> rusqlite::Result<RequestRow> {
    let status: String = row.get(10)?;
    let rating: Option<String> = row.get(18)?;
    Ok(RequestRow {
        id: row.get(0)?,
        token: row.get(1)?,
        service_code: row.get(2)?,
        description: Some(row.get::<_, String>(3)?).filter(|d| !d.is_empty()),
        lat: row.get(4)?,
        lon: row.get(5)?,
        address: row.get(6)?,
        ward_code: row.get(7)?,
        device_id: row.get(8)?,
        media_url: row.get(9)?,
        // The CHECK constraint keeps unknown states out; fall back rather than fail a list.
        status: RequestStatus::parse(&status).unwrap_or(RequestStatus::Received),
        status_notes: row.get(11)?,
        agency: row.get(12)?,
        requested_at: row.get(13)?,
        updated_at: row.get(14)?,
        expected_at: row.get(15)?,
        resolved_at: row.get(16)?,
        change_seq: row.get(17)?,
        rating: rating.as_deref().and_then(Satisfaction::parse),
        media_ids: row
            .get::<_, Option<String>>(19)?
            .map(|ids| ids.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
        supporters: row.get(20)?,
        owner_key_hash: row.get(21)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<RequestRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM requests r LEFT JOIN request_ratings g ON g.request_id = r.id
         WHERE r.id = ?1"
    );
    Ok(conn.query_row(&sql, [id], row_to_request).optional()?)
}

pub fn id_for_token(conn: &Connection, token: &str) -> Result<Option<i64>, DbError> {
    Ok(conn
        .query_row("SELECT id FROM requests WHERE token = ?1", [token], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn list(conn: &Connection, f: &Filter) -> Result<Vec<RequestRow>, DbError> {
    let (sql, args) = list_query(f);
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(args), row_to_request)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The SQL [`list`] runs for `f`, with its arguments (public so a test can ask SQLite how it
/// plans it).
pub fn list_query(f: &Filter) -> (String, Vec<rusqlite::types::Value>) {
    let mut sql = format!(
        "SELECT {COLUMNS} FROM requests r LEFT JOIN request_ratings g ON g.request_id = r.id WHERE 1"
    );
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let mut placeholders = |sql: &mut String, values: Vec<rusqlite::types::Value>| {
        let marks = vec!["?"; values.len()].join(",");
        let _ = write!(sql, "({marks})");
        args.extend(values);
    };
    if !f.ids.is_empty() {
        sql.push_str(" AND r.id IN ");
        placeholders(&mut sql, f.ids.iter().map(|i| (*i).into()).collect());
    }
    if !f.service_codes.is_empty() {
        sql.push_str(" AND r.service_code IN ");
        placeholders(
            &mut sql,
            f.service_codes.iter().map(|c| c.clone().into()).collect(),
        );
    }
    if let Some(open) = f.open {
        sql.push_str(if open {
            " AND r.status NOT IN ('resolved', 'closed')"
        } else {
            " AND r.status IN ('resolved', 'closed')"
        });
    }
    let mut push = |clause: &str, v: rusqlite::types::Value| {
        sql.push_str(clause);
        args.push(v);
    };
    if let Some(s) = &f.start {
        push(" AND r.requested_at >= ?", s.clone().into());
    }
    if let Some(e) = &f.end {
        push(" AND r.requested_at <= ?", e.clone().into());
    }
    if let Some(w) = &f.ward_code {
        push(" AND r.ward_code = ?", w.clone().into());
    }
    if let Some(u) = &f.updated_after {
        push(" AND r.updated_at > ?", u.clone().into());
    }
    let incremental = f.after_seq.is_some() || f.updated_after.is_some();
    if let Some(seq) = f.after_seq {
        push(" AND r.change_seq > ?", seq.into());
    }
    sql.push_str(if f.updated_after.is_some() && f.after_seq.is_none() {
        // In change order all the same, but `+` keeps SQLite from walking the change counter's
        // index to skip the sort: that reads the whole table when few reports changed since
        // the moment asked (the usual sync), where `requests_updated` reads only those.
        " ORDER BY +r.change_seq"
    } else if incremental {
        " ORDER BY r.change_seq"
    } else {
        " ORDER BY r.requested_at DESC, r.id DESC"
    });
    let _ = write!(sql, " LIMIT {}", f.limit);
    (sql, args)
}

pub fn events(conn: &Connection, id: i64) -> Result<Vec<EventRow>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT id, at, status, note, actor FROM request_events WHERE request_id = ?1 ORDER BY id",
    )?;
    let mut media = conn.prepare("SELECT id FROM media WHERE event_id = ?1 ORDER BY rowid")?;
    let rows = stmt.query_map([id], |row| {
        let status: String = row.get(2)?;
        let actor: String = row.get(4)?;
        Ok(EventRow {
            id: row.get(0)?,
            at: row.get(1)?,
            status: RequestStatus::parse(&status).unwrap_or(RequestStatus::Received),
            note: row.get(3)?,
            // The column's CHECK constraint keeps other values out.
            actor: Actor::parse(&actor).unwrap_or(Actor::System),
            media_ids: Vec::new(),
        })
    })?;
    let mut out: Vec<EventRow> = rows.collect::<Result<_, _>>()?;
    for e in &mut out {
        e.media_ids = media
            .query_map([e.id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
    }
    Ok(out)
}

/// Moves a report to `status` with a timeline entry; returns the entry's id.
pub fn set_status(
    tx: &Transaction<'_>,
    id: i64,
    status: RequestStatus,
    note: Option<&str>,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let at = timestamp(now);
    let seq = next_seq(tx)?;
    let resolved = (status == RequestStatus::Resolved).then_some(at.as_str());
    tx.execute(
        "UPDATE requests SET status = ?2, status_notes = coalesce(?3, status_notes),
             updated_at = ?4, change_seq = ?5, resolved_at = coalesce(?6, resolved_at)
         WHERE id = ?1",
        params![id, status.as_str(), note, at, seq, resolved],
    )?;
    add_event(tx, id, status, note, actor, &at)
}

/// Sets the agency in charge (staff assignment).
pub fn set_agency(tx: &Transaction<'_>, id: i64, agency: &str) -> Result<(), DbError> {
    tx.execute(
        "UPDATE requests SET agency = ?2 WHERE id = ?1",
        params![id, agency],
    )?;
    Ok(())
}

/// Marks a report changed without a new state (a photo was added).
pub fn touch(tx: &Transaction<'_>, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    let seq = next_seq(tx)?;
    tx.execute(
        "UPDATE requests SET updated_at = ?2, change_seq = ?3 WHERE id = ?1",
        params![id, timestamp(now), seq],
    )?;
    Ok(())
}

/// A photo to store; `bytes` already stripped of metadata (`crate::photo_meta`).
pub struct NewMedia<'a> {
    pub request_id: i64,
    pub event_id: Option<i64>,
    pub kind: MediaKind,
    pub content_type: &'static str,
    pub bytes: &'a [u8],
}

/// The latest step city staff recorded on a report, if any.
pub fn last_staff_event(conn: &Connection, id: i64) -> Result<Option<i64>, DbError> {
    Ok(conn
        .query_row(
            "SELECT id FROM request_events WHERE request_id = ?1 AND actor = 'staff'
             ORDER BY id DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn media_count(conn: &Connection, id: i64, kind: MediaKind) -> Result<usize, DbError> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM media WHERE request_id = ?1 AND kind = ?2",
        params![id, kind.as_str()],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

pub fn add_media(
    tx: &Transaction<'_>,
    m: &NewMedia<'_>,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    use sha2::Digest;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let sha = hex::encode(sha2::Sha256::digest(m.bytes));
    tx.execute(
        "INSERT INTO media (id, request_id, event_id, kind, content_type, sha256, bytes,
             created_at, stripped)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)",
        params![
            id,
            m.request_id,
            m.event_id,
            m.kind.as_str(),
            m.content_type,
            sha,
            m.bytes,
            timestamp(now)
        ],
    )?;
    Ok(id)
}

pub fn media(conn: &Connection, id: &str) -> Result<Option<(String, Vec<u8>)>, DbError> {
    Ok(conn
        .query_row(
            "SELECT content_type, bytes FROM media WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Stores the rating; false when this report was already rated.
pub fn rate(
    tx: &Transaction<'_>,
    id: i64,
    satisfaction: Satisfaction,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let n = tx.execute(
        "INSERT INTO request_ratings (request_id, satisfaction, comment, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (request_id) DO NOTHING",
        params![id, satisfaction.as_str(), comment, timestamp(now)],
    )?;
    if n == 1 {
        touch(tx, id, now)?;
    }
    Ok(n == 1)
}

/// Counts `device` as a supporter of report `id`; false when it already was one.
pub fn support(
    tx: &Transaction<'_>,
    id: i64,
    device: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let n = tx.execute(
        "INSERT INTO supporters (request_id, device_id, at) VALUES (?1, ?2, ?3)
         ON CONFLICT (request_id, device_id) DO NOTHING",
        params![id, device, timestamp(now)],
    )?;
    Ok(n == 1)
}
