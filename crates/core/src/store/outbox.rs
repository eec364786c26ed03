//! Reports the citizen filed and the outbox that delivers them. Saving a report writes the report
//! and its outbox row in one transaction (`synchronous=FULL`): once `save_report` returns, the
//! report survives a crash and will be sent.

use rusqlite::{OptionalExtension, params};

use super::Store;

/// What an outbox row sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxKind {
    Report,
    Photo,
    Reopen,
    Rating,
}

impl OutboxKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Photo => "photo",
            Self::Reopen => "reopen",
            Self::Rating => "rating",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Self::Report, Self::Photo, Self::Reopen, Self::Rating]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// Where an item is, as the UI shows it.
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

    fn parse(s: &str) -> Option<Self> {
        [
            Self::Queued,
            Self::Sending,
            Self::Sent,
            Self::NeedsAttention,
        ]
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
    }))
}

const ITEM_COLUMNS: &str = "id, idempotency_key, kind, report_id, payload, state, attempts, \
    next_attempt_ms, last_error, last_field";

impl Store {
    /// Saves a report (its Open311 form) with its outbox row; returns the local report id.
    pub fn save_report(&mut self, form: &[(String, String)], now_ms: i64) -> rusqlite::Result<i64> {
        let form_json = serde_json::to_string(form)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO reports (form, created_at) VALUES (?1, ?2)",
            params![form_json, now_ms],
        )?;
        let report_id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO outbox (idempotency_key, kind, report_id, payload, state, next_attempt_ms, created_ms)
             VALUES (?1, 'report', ?2, ?3, 'queued', ?4, ?4)",
            params![
                uuid::Uuid::new_v4().to_string(),
                report_id,
                form_json,
                now_ms
            ],
        )?;
        tx.commit()?;
        Ok(report_id)
    }

    /// Items ready to send now, oldest first.
    pub fn due_items(&self, now_ms: i64, limit: usize) -> rusqlite::Result<Vec<OutboxItem>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ITEM_COLUMNS} FROM outbox WHERE state = 'queued' AND next_attempt_ms <= ?1
             ORDER BY id LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![now_ms, limit as i64], item)?;
        rows.filter_map(Result::transpose).collect()
    }

    pub fn outbox_item(&self, id: i64) -> rusqlite::Result<Option<OutboxItem>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM outbox WHERE id = ?1"),
                [id],
                item,
            )
            .optional()?
            .flatten())
    }

    /// When the next queued item becomes due, if any.
    pub fn next_due_ms(&self) -> rusqlite::Result<Option<i64>> {
        self.conn.query_row(
            "SELECT min(next_attempt_ms) FROM outbox WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )
    }

    pub fn mark_sending(&self, id: i64) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// A crash while sending leaves rows in `sending`: they go back to the queue (their
    /// Idempotency-Key makes resending safe).
    pub fn requeue_interrupted(&self) -> rusqlite::Result<usize> {
        self.conn.execute(
            "UPDATE outbox SET state = 'queued' WHERE state = 'sending'",
            [],
        )
    }

    /// The city acknowledged a report: record its id and token with the row's end, together.
    pub fn record_report_delivered(
        &mut self,
        outbox_id: i64,
        report_id: i64,
        server_id: &str,
        token: Option<&str>,
        now_ms: i64,
    ) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE reports SET server_id = ?2, token = coalesce(?3, token),
                 status = coalesce(status, 'received')
             WHERE id = ?1",
            params![report_id, server_id, token],
        )?;
        tx.execute(
            "UPDATE outbox SET state = 'sent', sent_ms = ?2, last_error = NULL, last_field = NULL
             WHERE id = ?1",
            params![outbox_id, now_ms],
        )?;
        tx.commit()
    }

    /// A transient failure: back to the queue, due again at `next_ms`.
    pub fn record_retry(&self, id: i64, next_ms: i64, reason: &str) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'queued', next_attempt_ms = ?2, last_error = ?3 WHERE id = ?1",
            params![id, next_ms, reason],
        )?;
        Ok(())
    }

    /// The city refused it for good: keep it, show it, let the citizen fix it.
    pub fn record_refused(
        &self,
        id: i64,
        reason: &str,
        field: Option<&str>,
    ) -> rusqlite::Result<()> {
        self.conn.execute(
            "UPDATE outbox SET state = 'needs_attention', last_error = ?2, last_field = ?3
             WHERE id = ?1",
            params![id, reason, field],
        )?;
        Ok(())
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
                Some(ItemState::Queued) => counts.queued = n,
                Some(ItemState::Sending) => counts.sending = n,
                Some(ItemState::Sent) => counts.sent = n,
                Some(ItemState::NeedsAttention) => counts.needs_attention = n,
                None => {}
            }
        }
        Ok(counts)
    }
}
