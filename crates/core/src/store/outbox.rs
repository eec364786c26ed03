//! Reports the citizen filed and the outbox that delivers them. Saving a report writes the report
//! and its outbox row in one transaction (`synchronous=FULL`): once `save_report` returns, the
//! report survives a crash and will be sent.
//!
//! Each report is bound to the city API address it was filed with (`reports.api_base`), and its
//! outbox rows with it: they are sent only to that address, and only that city's answers are
//! applied to it. Under another address they wait (the citizen is told why), and go again when
//! the address is back.

use model::ApiBaseUrl;
use model::delivery::{Refusal, RetryReason};
use model::feedback::{PhotoFields, PhotoPurpose};
use model::form::field;
use model::trust::{Consent, OwnerKey, consent};
use rusqlite::{OptionalExtension, params};

use super::Store;

/// What an outbox row sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxKind {
    Report,
    Photo,
    Reopen,
    Rating,
    /// "Me too" on a report the citizen follows.
    Support,
    /// A rating of a ward (issue 15). Its rows are kept in `ward_ratings`, not in `outbox` (a
    /// rating belongs to no report), and sent by the same worker: signed, under its own
    /// Idempotency-Key, retried with the same back-off.
    WardRating,
}

impl OutboxKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Photo => "photo",
            Self::Reopen => "reopen",
            Self::Rating => "rating",
            Self::Support => "support",
            Self::WardRating => "ward_rating",
        }
    }

    /// A kind stored in `outbox` (a ward rating never is).
    pub(crate) fn parse(s: &str) -> Option<Self> {
        [
            Self::Report,
            Self::Photo,
            Self::Reopen,
            Self::Rating,
            Self::Support,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Where an item is, as the UI shows it. `Sending` is never stored: it is the store's memory of
/// an attempt on the wire ([`Store::mark_in_flight`]); on disk such a row is still queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Queued,
    Sending,
    Sent,
    NeedsAttention,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::NeedsAttention => "needs_attention",
        }
    }

    /// A state as stored (`Sending` never is).
    pub(crate) fn parse(s: &str) -> Option<Self> {
        [Self::Queued, Self::Sent, Self::NeedsAttention]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub idempotency_key: String,
    pub kind: OutboxKind,
    pub report_id: i64,
    pub payload: String,
    pub state: ItemState,
    pub attempts: u32,
    pub next_attempt_ms: i64,
    pub last_error: Option<String>,
    pub last_field: Option<String>,
    /// The city's id of the report this item belongs to, once known.
    pub server_id: Option<String>,
}

/// A photo waiting to be sent. Its bytes were checked and shrunk when the citizen added it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Photo {
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// What a photo's outbox row carries: which photo, and the form fields sent with it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PhotoPayload {
    pub photo_id: i64,
    pub fields: Vec<(String, String)>,
}

/// What the city gave back for a delivered item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Receipt {
    Report {
        server_id: String,
    },
    Photo {
        media_id: String,
    },
    /// Re-open and rating: nothing to keep but the fact.
    Done,
    /// A survey answer (`store::voice`, not an outbox row): when the city counted it
    /// (RFC 3339).
    Counted {
        at: String,
    },
    /// A ward rating the city counted, for `month` (`YYYY-MM`).
    RatingCounted {
        month: String,
    },
    /// A ward rating the city did not count: one of this month was counted before.
    RatingAlreadyCounted,
}

/// One of the citizen's reports the city knows, for the status pull.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Followed {
    pub server_id: String,
    pub change_seq: Option<i64>,
}

/// What the city now says about a report: its state and its whole public record.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerUpdate {
    pub server_id: String,
    pub status: String,
    pub change_seq: i64,
    pub json: String,
}

/// How many items are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutboxCounts {
    pub queued: u64,
    pub sending: u64,
    pub sent: u64,
    pub needs_attention: u64,
}

fn item(row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<OutboxItem>> {
    let kind: String = row.get(2)?;
    let state: String = row.get(5)?;
    let (Some(kind), Some(state)) = (OutboxKind::parse(&kind), ItemState::parse(&state)) else {
        return Ok(None);
    };
    Ok(Some(OutboxItem {
        id: row.get(0)?,
        idempotency_key: row.get(1)?,
        kind,
        report_id: row.get(3)?,
        payload: row.get(4)?,
        state,
        attempts: u32::try_from(row.get::<_, i64>(6)?).unwrap_or(u32::MAX),
        next_attempt_ms: row.get(7)?,
        last_error: row.get(8)?,
        last_field: row.get(9)?,
        server_id: row.get(10)?,
    }))
}

const ITEM_COLUMNS: &str = "o.id, o.idempotency_key, o.kind, o.report_id, o.payload, o.state, \
    o.attempts, o.next_attempt_ms, o.last_error, o.last_field, r.server_id";
/// Nothing queued earlier for the same report is still undelivered. A photo the city refused
/// holds nothing up: nothing later needs it (the citizen still sees it, needing attention).
const UNBLOCKED: &str = "NOT EXISTS (SELECT 1 FROM outbox p \
    WHERE p.report_id = o.report_id AND p.id < o.id AND p.state != 'sent' \
      AND NOT (p.kind = 'photo' AND p.state = 'needs_attention'))";
const ITEM_FROM: &str = "outbox o JOIN reports r ON r.id = o.report_id";

/// A photo from columns `first` (mime) and `first + 1` (bytes) of a row.
pub(super) fn photo_at(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Photo> {
    Ok(Photo {
        mime: r.get(first)?,
        bytes: r.get(first + 1)?,
    })
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

pub(super) fn enqueue(
    tx: &rusqlite::Transaction<'_>,
    kind: OutboxKind,
    report_id: i64,
    payload: &str,
    now_ms: i64,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO outbox (idempotency_key, kind, report_id, payload, state, next_attempt_ms, created_ms)
         VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5)",
        params![
            uuid::Uuid::new_v4().to_string(),
            kind.as_str(),
            report_id,
            payload,
            now_ms
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The consent a form this app wrote carries (with its contact details), if any.
pub(super) fn form_consent(form: &[(String, String)]) -> Option<Consent> {
    Consent::parse(
        field(form, consent::VERSION_FIELD),
        field(form, consent::AT_FIELD),
    )
}

/// When consent was given, as sent (RFC 3339, seconds).
fn consent_at(c: &Consent) -> String {
    c.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Writes a new report bound to `origin`, with the consent its form carries; its local id.
pub(super) fn insert_report(
    tx: &rusqlite::Transaction<'_>,
    form_json: &str,
    form: &[(String, String)],
    origin: &ApiBaseUrl,
    now_ms: i64,
) -> rusqlite::Result<i64> {
    let consent = form_consent(form);
    tx.execute(
        "INSERT INTO reports (form, created_at, api_base, consent_version, consent_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            form_json,
            now_ms,
            origin.as_str(),
            consent.map(|c| c.version),
            consent.map(|c| consent_at(&c)),
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The report's owner key named in a form this app wrote, for the photos sent with it.
pub(super) fn photo_fields(purpose: PhotoPurpose, form: &[(String, String)]) -> PhotoFields {
    PhotoFields {
        purpose,
        owner_key: field(form, model::trust::owner::FIELD).and_then(OwnerKey::parse),
    }
}

/// Stores one photo and queues its outbox row, after whatever the report already has queued.
pub(super) fn enqueue_photo(
    tx: &rusqlite::Transaction<'_>,
    report_id: i64,
    fields: &PhotoFields,
    photo: &Photo,
    thumb: Option<&[u8]>,
    now_ms: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO report_photos (report_id, kind, mime, bytes, thumb) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![report_id, fields.purpose.as_str(), photo.mime, photo.bytes, thumb],
    )?;
    let payload = to_json(&PhotoPayload {
        photo_id: tx.last_insert_rowid(),
        fields: fields.to_pairs(),
    })?;
    enqueue(tx, OutboxKind::Photo, report_id, &payload, now_ms)?;
    Ok(())
}

fn enqueue_photos(
    tx: &rusqlite::Transaction<'_>,
    report_id: i64,
    fields: &PhotoFields,
    photos: &[Photo],
    now_ms: i64,
) -> rusqlite::Result<()> {
    for photo in photos {
        enqueue_photo(tx, report_id, fields, photo, None, now_ms)?;
    }
    Ok(())
}

/// Puts a refused item back in the queue with its corrected form (and the report's form, for a
/// report), under a new Idempotency-Key: the city stored nothing for the refused one and would
/// answer the old key with its refusal. False when the item is not a refused form item.
pub(super) fn requeue_refused(
    tx: &rusqlite::Transaction<'_>,
    outbox_id: i64,
    form_json: &str,
    now_ms: i64,
) -> rusqlite::Result<bool> {
    let changed = tx.execute(
        "UPDATE outbox SET payload = ?2, idempotency_key = ?3, state = 'queued',
             next_attempt_ms = ?4, attempts = 0, last_error = NULL, last_field = NULL
         WHERE id = ?1 AND state = 'needs_attention' AND kind != 'photo'",
        params![
            outbox_id,
            form_json,
            uuid::Uuid::new_v4().to_string(),
            now_ms
        ],
    )?;
    if changed == 1 {
        let form: Vec<(String, String)> = serde_json::from_str(form_json).unwrap_or_default();
        let consent = form_consent(&form);
        tx.execute(
            "UPDATE reports SET form = ?2, consent_version = ?3, consent_at = ?4
             WHERE id = (SELECT report_id FROM outbox WHERE id = ?1 AND kind = 'report')",
            params![
                outbox_id,
                form_json,
                consent.map(|c| c.version),
                consent.map(|c| consent_at(&c)),
            ],
        )?;
    }
    Ok(changed == 1)
}

impl Store {
    /// Saves a report (its Open311 form, filed with `origin`) and its photos with their outbox
    /// rows, in one transaction; returns the local report id.
    pub fn save_report(
        &mut self,
        form: &[(String, String)],
        photos: &[Photo],
        origin: &ApiBaseUrl,
        now_ms: i64,
    ) -> rusqlite::Result<i64> {
        let form_json = to_json(&form)?;
        let tx = self.conn.transaction()?;
        let report_id = insert_report(&tx, &form_json, form, origin, now_ms)?;
        enqueue(&tx, OutboxKind::Report, report_id, &form_json, now_ms)?;
        let fields = photo_fields(PhotoPurpose::Report, form);
        enqueue_photos(&tx, report_id, &fields, photos, now_ms)?;
        tx.commit()?;
        Ok(report_id)
    }

    /// Queues a follow-up of a report ("not fixed" with its photos, or a rating); it is sent
    /// once everything queued before it for the same report has been delivered.
    pub fn save_followup(
        &mut self,
        report_id: i64,
        kind: OutboxKind,
        form: &[(String, String)],
        photos: &[Photo],
        now_ms: i64,
    ) -> rusqlite::Result<i64> {
        let tx = self.conn.transaction()?;
        let id = enqueue(&tx, kind, report_id, &to_json(&form)?, now_ms)?;
        let fields = photo_fields(PhotoPurpose::Reopen, form);
        enqueue_photos(&tx, report_id, &fields, photos, now_ms)?;
        tx.commit()?;
        Ok(id)
    }

    /// Items for `origin` ready to send now, oldest first. Each report's items go in order: an
    /// item waits until everything queued before it for the same report is delivered (a photo
    /// needs its report's id; a re-open photo needs the re-open), so a batch never holds two
    /// items of one report and may be sent concurrently. Items of reports filed with another
    /// address are never due here.
    pub fn due_items(
        &self,
        origin: &ApiBaseUrl,
        now_ms: i64,
        limit: usize,
    ) -> rusqlite::Result<Vec<OutboxItem>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ITEM_COLUMNS} FROM {ITEM_FROM}
             WHERE o.state = 'queued' AND o.next_attempt_ms <= ?1 AND r.api_base = ?3
               AND {UNBLOCKED}
             ORDER BY o.id LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![now_ms, limit as i64, origin.as_str()], item)?;
        rows.filter_map(Result::transpose).collect()
    }

    /// Binds the reports saved before they had an address (an older version of the app) to
    /// `origin`, the address in use, where they would have gone. Returns how many.
    pub fn bind_unbound_reports(&self, origin: &ApiBaseUrl) -> rusqlite::Result<usize> {
        self.conn.execute(
            "UPDATE reports SET api_base = ?1 WHERE api_base IS NULL",
            [origin.as_str()],
        )
    }

    /// How many reports still have something to send to another address than `origin`.
    pub fn waiting_elsewhere(&self, origin: &ApiBaseUrl) -> rusqlite::Result<usize> {
        self.conn.query_row(
            "SELECT count(DISTINCT r.id) FROM outbox o JOIN reports r ON r.id = o.report_id
             WHERE o.state = 'queued' AND r.api_base != ?1",
            [origin.as_str()],
            |r| Ok(usize::try_from(r.get::<_, i64>(0)?).unwrap_or(usize::MAX)),
        )
    }

    pub fn outbox_item(&self, id: i64) -> rusqlite::Result<Option<OutboxItem>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE o.id = ?1"),
                [id],
                item,
            )
            .optional()?
            .flatten())
    }

    /// A report's outbox items, oldest first (what the UI shows under "sending").
    pub fn report_items(&self, report_id: i64) -> rusqlite::Result<Vec<OutboxItem>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE o.report_id = ?1 ORDER BY o.id"
        ))?;
        let rows = stmt.query_map([report_id], item)?;
        rows.filter_map(Result::transpose).collect()
    }

    pub fn photo(&self, photo_id: i64) -> rusqlite::Result<Option<Photo>> {
        self.conn
            .query_row(
                "SELECT mime, bytes FROM report_photos WHERE id = ?1",
                [photo_id],
                |r| photo_at(r, 0),
            )
            .optional()
    }

    /// When the next queued item for `origin` becomes due, if any; items blocked behind a
    /// refused one of their report do not count (they wait for the citizen, not for the clock),
    /// nor do items of another address (they wait for it).
    pub fn next_due_ms(&self, origin: &ApiBaseUrl) -> rusqlite::Result<Option<i64>> {
        self.conn.query_row(
            &format!(
                "SELECT min(o.next_attempt_ms) FROM {ITEM_FROM}
                 WHERE o.state = 'queued' AND r.api_base = ?1 AND {UNBLOCKED}"
            ),
            [origin.as_str()],
            |r| r.get(0),
        )
    }

    /// The city acknowledged an item: what it gave back is recorded with the row's end, in one
    /// transaction. A crash before this commits only means the item is sent again and the city
    /// replays its answer.
    pub fn record_delivered(
        &mut self,
        item: &OutboxItem,
        receipt: &Receipt,
        now_ms: i64,
    ) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        match receipt {
            Receipt::Report { server_id } => {
                tx.execute(
                    "UPDATE reports SET server_id = ?2, status = coalesce(status, 'received')
                     WHERE id = ?1",
                    params![item.report_id, server_id],
                )?;
            }
            Receipt::Photo { media_id } => {
                if let Ok(p) = serde_json::from_str::<PhotoPayload>(&item.payload) {
                    tx.execute(
                        "UPDATE report_photos SET server_media_id = ?2 WHERE id = ?1",
                        params![p.photo_id, media_id],
                    )?;
                }
            }
            Receipt::Done
            | Receipt::Counted { .. }
            | Receipt::RatingCounted { .. }
            | Receipt::RatingAlreadyCounted => {}
        }
        tx.execute(
            "UPDATE outbox SET state = 'sent', sent_ms = ?2, attempts = attempts + 1,
                 last_error = NULL, last_field = NULL
             WHERE id = ?1",
            params![item.id, now_ms],
        )?;
        tx.commit()?;
        self.in_flight.remove(&item.id);
        Ok(())
    }

    /// A transient failure: back to the queue, due again at `next_ms`.
    pub fn record_retry(
        &mut self,
        id: i64,
        next_ms: i64,
        reason: RetryReason,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'queued', next_attempt_ms = ?2, last_error = ?3,
                 attempts = attempts + 1
             WHERE id = ?1",
            params![id, next_ms, reason.to_string()],
        )?;
        self.in_flight.remove(&id);
        Ok(())
    }

    /// The link is back: what waited only for a network is due now, not at the end of its
    /// back-off. Items the city asked to wait (429/5xx with Retry-After) keep their time.
    pub fn wake_offline(&self, now_ms: i64) -> rusqlite::Result<usize> {
        let items = self.conn.execute(
            "UPDATE outbox SET next_attempt_ms = ?1
             WHERE state = 'queued' AND last_error = ?2 AND next_attempt_ms > ?1",
            params![now_ms, RetryReason::Offline.to_string()],
        )?;
        Ok(items + self.wake_offline_ratings(now_ms)?)
    }

    /// The city refused it for good: keep it, show it, let the citizen fix it.
    pub fn record_refused(
        &mut self,
        id: i64,
        reason: Refusal,
        field: Option<&str>,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'needs_attention', last_error = ?2, last_field = ?3,
                 attempts = attempts + 1
             WHERE id = ?1",
            params![id, reason.as_str(), field],
        )?;
        self.in_flight.remove(&id);
        Ok(())
    }

    /// The citizen fixed what the city refused: the new form replaces the old one and goes out
    /// under a new Idempotency-Key. Only a refused item can be resent.
    pub fn resend(
        &mut self,
        outbox_id: i64,
        form: &[(String, String)],
        now_ms: i64,
    ) -> rusqlite::Result<bool> {
        let form_json = to_json(&form)?;
        let tx = self.conn.transaction()?;
        let changed = requeue_refused(&tx, outbox_id, &form_json, now_ms)?;
        tx.commit()?;
        Ok(changed)
    }

    /// The citizen's reports the city at `origin` has acknowledged and that can still change.
    pub fn followed_reports(&self, origin: &ApiBaseUrl) -> rusqlite::Result<Vec<Followed>> {
        let mut stmt = self.conn.prepare(
            "SELECT server_id, change_seq FROM reports
             WHERE server_id IS NOT NULL AND coalesce(status, '') != 'closed' AND api_base = ?1
             ORDER BY id",
        )?;
        let rows = stmt.query_map([origin.as_str()], |r| {
            Ok(Followed {
                server_id: r.get(0)?,
                change_seq: r.get(1)?,
            })
        })?;
        rows.collect()
    }

    /// Applies what the city at `origin` says, newer than what we have only, to reports bound
    /// to it (another city's id 17 is another report). Only the city's columns are written;
    /// the citizen's form is never touched. Returns how many reports changed.
    pub fn apply_server_updates(
        &mut self,
        origin: &ApiBaseUrl,
        updates: &[ServerUpdate],
    ) -> rusqlite::Result<usize> {
        let tx = self.conn.transaction()?;
        let mut changed = 0;
        {
            let mut stmt = tx.prepare(
                // No news of the citizen's own doing: "received" right after they sent it,
                // "reopened" after their own "not fixed" (only the filing device can).
                "UPDATE reports SET status = ?2, change_seq = ?3, server_json = ?4,
                     seen_seq = CASE WHEN (seen_seq IS NULL AND ?2 = 'received')
                                       OR (?2 = 'reopened' AND origin = 'mine') THEN ?3
                                     ELSE seen_seq END
                 WHERE server_id = ?1 AND api_base = ?5 AND coalesce(change_seq, -1) < ?3",
            )?;
            for u in updates {
                changed += stmt.execute(params![
                    u.server_id,
                    u.status,
                    u.change_seq,
                    u.json,
                    origin.as_str()
                ])?;
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    pub fn pull_cursor(&self, resource: &str) -> rusqlite::Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT cursor FROM sync_state WHERE resource = ?1",
                [resource],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    pub fn save_pull_cursor(&self, resource: &str, cursor: i64) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO sync_state (resource, cursor) VALUES (?1, ?2)
             ON CONFLICT (resource) DO UPDATE SET cursor = excluded.cursor",
            params![resource, cursor],
        )?;
        Ok(())
    }

    /// Items whose attempt starts now: shown as sending until its answer is recorded
    /// (`record_delivered`/`record_retry`/`record_refused`) or [`Self::end_in_flight`].
    pub fn mark_in_flight(&mut self, ids: impl IntoIterator<Item = i64>) {
        self.in_flight.extend(ids);
    }

    /// The attempts of this pass are over (recorded, or the pass stopped).
    pub fn end_in_flight(&mut self) {
        self.in_flight.clear();
    }

    /// What the UI is shown for a stored state: a queued row on the wire is sending.
    pub(crate) fn shown_state(&self, id: i64, stored: ItemState) -> ItemState {
        if stored == ItemState::Queued && self.in_flight.contains(&id) {
            ItemState::Sending
        } else {
            stored
        }
    }

    pub fn outbox_counts(&self) -> rusqlite::Result<OutboxCounts> {
        let mut counts = OutboxCounts::default();
        let mut stmt = self
            .conn
            .prepare("SELECT state, count(*) FROM outbox GROUP BY state")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let state: String = row.get(0)?;
            let n = u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0);
            match ItemState::parse(&state) {
                Some(ItemState::Queued) => {
                    // In flight rows are queued on disk: counted as sending instead.
                    counts.sending = self.in_flight.len() as u64;
                    counts.queued = n.saturating_sub(counts.sending);
                }
                Some(ItemState::Sending) => {}
                Some(ItemState::Sent) => counts.sent = n,
                Some(ItemState::NeedsAttention) => counts.needs_attention = n,
                None => {}
            }
        }
        Ok(counts)
    }
}
