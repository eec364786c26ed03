//! The feedback journey on the device: the draft saved as the citizen types, photos waiting for
//! the report they go with, sending (draft → report + outbox rows in one transaction), reports
//! followed with "me too", and what the city said, kept for reading offline.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::Store;
use super::outbox::{
    OutboxKind, Photo, enqueue, enqueue_photo, insert_report, photo_at, photo_fields,
    requeue_refused, to_json,
};
use model::ApiBaseUrl;
use model::draft::Draft;
use model::feedback::{PhotoPurpose, SupportForm};
use model::trust::Consent;

/// A photo ready to go (checked, shrunk, stripped), with its preview.
#[derive(Clone, Debug, PartialEq)]
pub struct NewPendingPhoto {
    pub photo: Photo,
    pub thumb: Vec<u8>,
    /// Where the camera said it was taken.
    pub place: Option<(f64, f64)>,
}

/// A pending or sent photo as lists show it.
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoThumb {
    pub id: i64,
    pub thumb: Vec<u8>,
    pub bytes: usize,
    pub place: Option<(f64, f64)>,
}

/// A report row with what the lists and the detail screen need.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRow {
    pub id: i64,
    pub followed: bool,
    pub form: Vec<(String, String)>,
    pub created_ms: i64,
    pub server_id: Option<String>,
    pub status: Option<String>,
    pub server_json: Option<String>,
    pub events_json: Option<String>,
    pub unseen: bool,
    /// The city API address it belongs to (`None` only before the engine bound old reports).
    pub api_base: Option<String>,
}

/// One outbox row of a report, as the delivery state needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemBrief {
    pub id: i64,
    pub kind: OutboxKind,
    pub state: super::ItemState,
    pub last_error: Option<String>,
    pub last_field: Option<String>,
}

const REPORT_COLUMNS: &str = "id, origin, form, created_at, server_id, status, server_json, \
    events_json, coalesce(change_seq, -1) > coalesce(seen_seq, -1), api_base";

fn report_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReportRow> {
    let form: String = r.get(2)?;
    Ok(ReportRow {
        id: r.get(0)?,
        followed: r.get::<_, String>(1)? == "followed",
        // The form was written by this app as JSON; an unreadable one shows as empty.
        form: serde_json::from_str(&form).unwrap_or_default(),
        created_ms: r.get(3)?,
        server_id: r.get(4)?,
        status: r.get(5)?,
        server_json: r.get(6)?,
        events_json: r.get(7)?,
        unseen: r.get(8)?,
        api_base: r.get(9)?,
    })
}

impl Store {
    /// The draft on screen and when it was saved; an unreadable stored draft reads as empty
    /// (and is kept until the citizen types again).
    pub fn draft(&self) -> rusqlite::Result<Option<(Draft, i64)>> {
        let row: Option<(String, i64)> = self
            .conn
            .query_row("SELECT json, updated_ms FROM draft WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(row.map(|(json, at)| (serde_json::from_str(&json).unwrap_or_default(), at)))
    }

    /// Saves the draft with the consent recorded for it (none when the box is not ticked).
    pub fn save_draft(
        &self,
        draft: &Draft,
        consent: Option<Consent>,
        now_ms: i64,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO draft (id, json, updated_ms, consent_version, consent_at)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_ms = excluded.updated_ms,
                 consent_version = excluded.consent_version, consent_at = excluded.consent_at",
            params![
                to_json(draft)?,
                now_ms,
                consent.map(|c| c.version),
                consent.map(|c| c.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            ],
        )?;
        Ok(())
    }

    /// The consent recorded with the draft; an unreadable one reads as none (asked again).
    pub fn draft_consent(&self) -> rusqlite::Result<Option<Consent>> {
        let row: Option<(Option<i64>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT consent_version, consent_at FROM draft WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row
            .and_then(|(v, at)| Consent::parse(v.map(|v| v.to_string()).as_deref(), at.as_deref())))
    }

    /// Throws the draft and its photos away (the citizen asked to).
    pub fn discard_draft(&mut self) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM draft", [])?;
        tx.execute("DELETE FROM pending_photos WHERE purpose = 'report'", [])?;
        tx.commit()
    }

    /// Keeps a photo for the draft (`report` None) or for the "not fixed" answer of `report`.
    pub fn add_pending_photo(
        &self,
        purpose: PhotoPurpose,
        report: Option<i64>,
        photo: &NewPendingPhoto,
        now_ms: i64,
    ) -> rusqlite::Result<i64> {
        let (lat, lon) = photo.place.unzip();
        self.conn.execute(
            "INSERT INTO pending_photos (purpose, report_id, mime, bytes, thumb, lat, lon, added_ms)
             VALUES (?1, ?8, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                purpose.as_str(),
                photo.photo.mime,
                photo.photo.bytes,
                photo.thumb,
                lat,
                lon,
                now_ms,
                report
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The photos waiting for the draft (`report` None) or for `report`'s "not fixed" answer.
    pub fn pending_photos(
        &self,
        purpose: PhotoPurpose,
        report: Option<i64>,
    ) -> rusqlite::Result<Vec<PhotoThumb>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, thumb, length(bytes), lat, lon FROM pending_photos
             WHERE purpose = ?1 AND report_id IS ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![purpose.as_str(), report], |r| {
            let lat: Option<f64> = r.get(3)?;
            let lon: Option<f64> = r.get(4)?;
            Ok(PhotoThumb {
                id: r.get(0)?,
                thumb: r.get(1)?,
                bytes: usize::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                place: lat.zip(lon),
            })
        })?;
        rows.collect()
    }

    pub fn remove_pending_photo(&self, id: i64) -> rusqlite::Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM pending_photos WHERE id = ?1", [id])?
            == 1)
    }

    /// Moves the pending photos of `purpose` onto a report, each with its outbox row; `form`
    /// (the report's or the answer's) names the filing device. The draft's photos wait with no
    /// report; "not fixed" photos wait with the report they were added on, and only those go.
    fn attach_pending(
        tx: &rusqlite::Transaction<'_>,
        purpose: PhotoPurpose,
        report_id: i64,
        form: &[(String, String)],
        now_ms: i64,
    ) -> rusqlite::Result<()> {
        let fields = photo_fields(purpose, form);
        let waiting_for = match purpose {
            PhotoPurpose::Report => None,
            PhotoPurpose::Reopen => Some(report_id),
        };
        let photos: Vec<(Photo, Vec<u8>)> = {
            let mut stmt = tx.prepare(
                "SELECT mime, bytes, thumb FROM pending_photos
                 WHERE purpose = ?1 AND report_id IS ?2 ORDER BY id",
            )?;
            let rows = stmt.query_map(params![purpose.as_str(), waiting_for], |r| {
                Ok((photo_at(r, 0)?, r.get(2)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (photo, thumb) in &photos {
            enqueue_photo(tx, report_id, &fields, photo, Some(thumb), now_ms)?;
        }
        tx.execute(
            "DELETE FROM pending_photos WHERE purpose = ?1 AND report_id IS ?2",
            params![purpose.as_str(), waiting_for],
        )?;
        Ok(())
    }

    /// The report a refused report item (`resend_of`) belongs to, as this device filed it: a
    /// resend keeps its owner key, which its queued photos already carry.
    pub fn refused_report(&self, outbox_id: i64) -> rusqlite::Result<Option<ReportRow>> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {REPORT_COLUMNS} FROM reports
                     WHERE id = (SELECT report_id FROM outbox WHERE id = ?1 AND kind = 'report')"
                ),
                [outbox_id],
                report_row,
            )
            .optional()
    }

    /// Sends the draft: the report (bound to `origin`, with the consent its form carries), its
    /// photos and their outbox rows are written and the draft cleared, all in one transaction.
    /// When the draft fixes a refused report (`resend_of`), that item is queued again with the
    /// new form instead (still bound where it was filed). Returns the report's local id.
    pub fn submit_draft(
        &mut self,
        form: &[(String, String)],
        resend_of: Option<i64>,
        origin: &ApiBaseUrl,
        now_ms: i64,
    ) -> rusqlite::Result<i64> {
        let form_json = to_json(&form)?;
        let tx = self.conn.transaction()?;
        let report_id = match resend_of {
            Some(outbox_id) => {
                let report_id: i64 = tx.query_row(
                    "SELECT report_id FROM outbox
                     WHERE id = ?1 AND kind = 'report' AND state = 'needs_attention'",
                    [outbox_id],
                    |r| r.get(0),
                )?;
                requeue_refused(&tx, outbox_id, &form_json, now_ms)?;
                report_id
            }
            None => {
                let id = insert_report(&tx, &form_json, form, origin, now_ms)?;
                enqueue(&tx, OutboxKind::Report, id, &form_json, now_ms)?;
                id
            }
        };
        Self::attach_pending(&tx, PhotoPurpose::Report, report_id, form, now_ms)?;
        tx.execute("DELETE FROM draft", [])?;
        tx.commit()?;
        Ok(report_id)
    }

    /// "Not fixed": the answer and its pending photos, queued after the report's items.
    pub fn submit_reopen(
        &mut self,
        report_id: i64,
        form: &[(String, String)],
        now_ms: i64,
    ) -> rusqlite::Result<i64> {
        let tx = self.conn.transaction()?;
        let id = enqueue(&tx, OutboxKind::Reopen, report_id, &to_json(&form)?, now_ms)?;
        Self::attach_pending(&tx, PhotoPurpose::Reopen, report_id, form, now_ms)?;
        tx.commit()?;
        Ok(id)
    }

    /// Follows someone else's report on the city at `origin` ("me too"): it joins "My reports"
    /// and that city's status pull. Following one already on this device changes nothing and
    /// returns its id.
    pub fn follow(
        &mut self,
        server_id: &str,
        status: &str,
        change_seq: i64,
        server_json: &str,
        origin: &ApiBaseUrl,
        now_ms: i64,
    ) -> rusqlite::Result<i64> {
        let support = SupportForm;
        let tx = self.conn.transaction()?;
        let known: Option<i64> = tx
            .query_row(
                "SELECT id FROM reports WHERE server_id = ?1 AND api_base = ?2",
                params![server_id, origin.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        let id = match known {
            Some(id) => id,
            None => {
                tx.execute(
                    "INSERT INTO reports (form, created_at, server_id, status, server_json,
                         change_seq, seen_seq, origin, api_base)
                     VALUES ('[]', ?1, ?2, ?3, ?4, ?5, ?5, 'followed', ?6)",
                    params![
                        now_ms,
                        server_id,
                        status,
                        server_json,
                        change_seq,
                        origin.as_str()
                    ],
                )?;
                let id = tx.last_insert_rowid();
                // The city counts this "me too": sent by the worker like any other action.
                let form = to_json(&support.to_pairs())?;
                enqueue(&tx, OutboxKind::Support, id, &form, now_ms)?;
                id
            }
        };
        tx.commit()?;
        Ok(id)
    }

    /// Server ids of every report on this device (filed or followed) with the city at `origin`.
    pub fn known_server_ids(&self, origin: &ApiBaseUrl) -> rusqlite::Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT server_id FROM reports WHERE server_id IS NOT NULL AND api_base = ?1",
        )?;
        let rows = stmt.query_map([origin.as_str()], |r| r.get(0))?;
        rows.collect()
    }

    /// The citizen's reports, newest first.
    pub fn reports(&self) -> rusqlite::Result<Vec<ReportRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {REPORT_COLUMNS} FROM reports ORDER BY created_at DESC, id DESC"
        ))?;
        let rows = stmt.query_map([], report_row)?;
        rows.collect()
    }

    pub fn report(&self, id: i64) -> rusqlite::Result<Option<ReportRow>> {
        self.conn
            .query_row(
                &format!("SELECT {REPORT_COLUMNS} FROM reports WHERE id = ?1"),
                [id],
                report_row,
            )
            .optional()
    }

    /// The outbox rows of one report (or of every report), oldest first, grouped by report:
    /// what the delivery states are made of.
    pub fn item_briefs(
        &self,
        report: Option<i64>,
    ) -> rusqlite::Result<HashMap<i64, Vec<ItemBrief>>> {
        let mut stmt = self.conn.prepare(
            "SELECT report_id, id, kind, state, last_error, last_field FROM outbox
             WHERE ?1 IS NULL OR report_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([report], |r| {
            let kind = OutboxKind::parse(&r.get::<_, String>(2)?);
            let id = r.get::<_, i64>(1)?;
            let state = super::ItemState::parse(&r.get::<_, String>(3)?)
                .map(|stored| self.shown_state(id, stored));
            Ok(kind.zip(state).map(|(kind, state)| -> rusqlite::Result<_> {
                Ok((
                    r.get::<_, i64>(0)?,
                    ItemBrief {
                        id,
                        kind,
                        state,
                        last_error: r.get(4)?,
                        last_field: r.get(5)?,
                    },
                ))
            }))
        })?;
        let mut out: HashMap<i64, Vec<ItemBrief>> = HashMap::new();
        for row in rows {
            if let Some(parsed) = row? {
                let (report, item) = parsed?;
                out.entry(report).or_default().push(item);
            }
        }
        Ok(out)
    }

    /// How many photos of `purpose` count against the city's limit for the draft (`report`
    /// None, or the refused report it fixes, `resend_of`) or for `report`'s "not fixed" answers:
    /// those waiting to be attached, and those already on the report — sent, or queued to go —
    /// since the city counts every photo a report has of that kind. A photo the city refused
    /// is not on the city's side and does not count.
    pub fn photo_count(
        &self,
        purpose: PhotoPurpose,
        pending_for: Option<i64>,
        on_report: Option<i64>,
    ) -> rusqlite::Result<usize> {
        self.conn.query_row(
            "SELECT (SELECT count(*) FROM pending_photos WHERE purpose = ?1 AND report_id IS ?2)
                  + (SELECT count(*) FROM report_photos p
                     WHERE p.report_id = ?3 AND p.kind = ?1
                       AND NOT EXISTS (SELECT 1 FROM outbox o
                           WHERE o.kind = 'photo' AND o.state = 'needs_attention'
                             AND o.report_id = p.report_id
                             AND json_extract(o.payload, '$.photo_id') = p.id))",
            params![purpose.as_str(), pending_for, on_report],
            |r| Ok(usize::try_from(r.get::<_, i64>(0)?).unwrap_or(usize::MAX)),
        )
    }

    /// The citizen looked at the report: what the city said so far is no longer news.
    pub fn mark_seen(&self, id: i64) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE reports SET seen_seq = change_seq WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// Ids of reports with news the citizen has not seen.
    pub fn unseen_reports(&self) -> rusqlite::Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT id FROM reports WHERE coalesce(change_seq, -1) > coalesce(seen_seq, -1)
             ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect()
    }

    /// Reports of the city at `origin` whose timeline is older than their state (server id,
    /// local id).
    pub fn stale_timelines(&self, origin: &ApiBaseUrl) -> rusqlite::Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT server_id, id FROM reports
             WHERE server_id IS NOT NULL AND change_seq IS NOT NULL
               AND coalesce(events_seq, -1) < change_seq AND api_base = ?1
             ORDER BY id",
        )?;
        let rows = stmt.query_map([origin.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }

    /// Keeps the city's timeline of a report, as of the state it was pulled for.
    pub fn save_timeline(&self, id: i64, events_json: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE reports SET events_json = ?2, events_seq = change_seq WHERE id = ?1",
            params![id, events_json],
        )?;
        Ok(())
    }

    /// Photos the citizen sent with a report (and with "not fixed").
    pub fn report_photos(&self, report_id: i64) -> rusqlite::Result<Vec<PhotoThumb>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, coalesce(thumb, bytes), length(bytes) FROM report_photos
             WHERE report_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([report_id], |r| {
            Ok(PhotoThumb {
                id: r.get(0)?,
                thumb: r.get(1)?,
                bytes: usize::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                place: None,
            })
        })?;
        rows.collect()
    }

    pub fn has_city_media(&self, url: &str) -> rusqlite::Result<bool> {
        self.conn
            .query_row("SELECT 1 FROM city_media WHERE url = ?1", [url], |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
    }

    pub fn save_city_media(
        &self,
        url: &str,
        report_id: i64,
        photo: &Photo,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO city_media (url, report_id, mime, bytes) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (url) DO NOTHING",
            params![url, report_id, photo.mime, photo.bytes],
        )?;
        Ok(())
    }

    /// The city's photo kept for `url` (its rowid is the id the UI asks for).
    pub fn city_media(&self, url: &str) -> rusqlite::Result<Option<(i64, Photo)>> {
        self.conn
            .query_row(
                "SELECT rowid, mime, bytes FROM city_media WHERE url = ?1",
                [url],
                |r| Ok((r.get(0)?, photo_at(r, 1)?)),
            )
            .optional()
    }

    pub fn city_media_by_id(&self, id: i64) -> rusqlite::Result<Option<Photo>> {
        self.conn
            .query_row(
                "SELECT mime, bytes FROM city_media WHERE rowid = ?1",
                [id],
                |r| photo_at(r, 0),
            )
            .optional()
    }

    pub fn save_ward_reports(&self, ward: &str, json: &str, at: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO ward_reports (ward_code, json, fetched_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (ward_code) DO UPDATE SET json = excluded.json,
                 fetched_at = excluded.fetched_at",
            params![ward, json, at],
        )?;
        Ok(())
    }

    pub fn ward_reports(&self, ward: &str) -> rusqlite::Result<Option<(String, String)>> {
        self.conn
            .query_row(
                "SELECT json, fetched_at FROM ward_reports WHERE ward_code = ?1",
                [ward],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    /// The feedback categories as last stored, with their ETag.
    pub fn service_catalog(&self) -> rusqlite::Result<Option<(String, Option<String>)>> {
        self.conn
            .query_row(
                "SELECT json, etag FROM service_catalog WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    pub fn save_service_catalog(
        &self,
        json: &str,
        etag: Option<&str>,
        at: Option<&str>,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO service_catalog (id, json, etag, refreshed_at) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET json = excluded.json, etag = excluded.etag,
                 refreshed_at = excluded.refreshed_at",
            params![json, etag, at],
        )?;
        Ok(())
    }
}
