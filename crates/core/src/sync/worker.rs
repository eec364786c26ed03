//! Sends the outbox and pulls the city's answers about the citizen's reports.
//!
//! The store is held only between network calls (through [`StoreAccess`]), never across one.
//! An item's end (delivered, retry later, refused) is recorded in one transaction after the
//! answer; a crash before that only means the item is sent again under the same
//! Idempotency-Key and the city replays its first answer.
//!
//! A "me too" and a named report are signed by this device's credential (`model::trust`),
//! registered with the city the first time one needs it (an install that never votes never
//! registers). An anonymous report is never signed: nothing links it to the device. When the
//! city says the time is off (`stale_time`), the clock is corrected by its `Date` and the item
//! sent again at once; when it no longer knows the device (`unknown_device`, `bad_signature`),
//! the credential is dropped, the device registers again and the item goes again.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use model::delivery::{Refusal, RetryReason};
use model::open311::ServiceRequest;
use model::reason::Reason;
use model::survey::AnswerReceipt;
use model::survey::answer::SurveyAnswer;
use model::trust::{DeviceCredential, Registration};

use super::policy::{self, Outcome};
use super::transport::{self, Answer, LinkError, Signing, Target};
use crate::error::CoreError;
use crate::store::{
    ItemState, OutboxItem, OutboxKind, PhotoPayload, RatingEnd, Receipt, ServerUpdate, Store,
};

/// Items read from the outbox at a time; also the most sent at once.
const BATCH: usize = 16;
/// Ids per status pull (the city API accepts up to 200).
const PULL_CHUNK: usize = 200;
/// `sync_state` row of the status pull's cursor, one per city API address (a cursor is one
/// server's change sequence): `my_reports <address>`.
pub const MY_REPORTS: &str = "my_reports";

/// The status pull's cursor row for the city at `base`.
pub fn my_reports_cursor(base: &model::ApiBaseUrl) -> String {
    format!("{MY_REPORTS} {base}")
}

/// The worker's way to the store: take it, use it briefly, give it back.
pub trait StoreAccess: Sync {
    fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> rusqlite::Result<T>,
    ) -> Result<T, CoreError>;
}

impl StoreAccess for std::sync::Mutex<Store> {
    fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> rusqlite::Result<T>,
    ) -> Result<T, CoreError> {
        let mut store = self
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(f(&mut store)?)
    }
}

/// Told about each item as it moves, for progress in the UI (and fault injection in the soak
/// test, which kills the process between the city's acknowledgement and the local record).
pub trait SyncObserver: Sync {
    fn state_changed(&self, _item: &OutboxItem, _state: ItemState) {}
    /// The city acknowledged `item`; called before the acknowledgement is recorded.
    fn acknowledged(&self, _item: &OutboxItem) {}
}

/// Observes nothing.
pub struct Quiet;
impl SyncObserver for Quiet {}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PassSummary {
    pub delivered: u32,
    pub retried: u32,
    pub refused: u32,
    /// Attempts that got no answer at all (the link, not the city): the connection may be gone.
    pub unreachable: u32,
    /// When the next queued item becomes due (ms since the epoch), if any is queued.
    pub next_due_ms: Option<i64>,
}

impl PassSummary {
    /// An attempt to be made again for `reason`; one that got no answer at all (`Offline`) is
    /// also counted as unreachable, so the engine wakes the connection check.
    fn count_retry(&mut self, reason: RetryReason) {
        self.retried += 1;
        if reason == RetryReason::Offline {
            self.unreachable += 1;
        }
    }
}

/// The month (`YYYY-MM`) in Vietnam at `ms` since the epoch, as the city counts ratings.
pub fn vietnam_month(ms: i64) -> String {
    let at = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    model::scoreboard::Period::today(at)
        .format("%Y-%m")
        .to_string()
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn path_for(kind: OutboxKind, server_id: Option<&str>) -> Option<String> {
    let sid = || server_id.filter(|s| transport::is_id(s));
    Some(match kind {
        OutboxKind::Report => "open311/v2/requests.json".to_owned(),
        OutboxKind::Photo => format!("open311/v2/requests/{}/media.json", sid()?),
        OutboxKind::Reopen => format!("open311/v2/requests/{}/reopen.json", sid()?),
        OutboxKind::Rating => format!("open311/v2/requests/{}/rating.json", sid()?),
        OutboxKind::Support => format!("open311/v2/requests/{}/supporters.json", sid()?),
        // A ward rating's "server id" is the ward's code.
        OutboxKind::WardRating => format!("api/v1/wards/{}/ratings", sid()?),
    })
}

/// What an attempt came to, with the receipt to record when delivered.
enum Attempt {
    Delivered(Receipt),
    Retry {
        not_before: Option<Duration>,
        reason: RetryReason,
    },
    Refused {
        reason: Refusal,
        field: Option<String>,
    },
}

fn refused(reason: Refusal) -> Attempt {
    Attempt::Refused {
        reason,
        field: None,
    }
}

fn retry(reason: RetryReason) -> Attempt {
    Attempt::Retry {
        not_before: None,
        reason,
    }
}

/// Turns an answer into an attempt's end. A 2xx whose body cannot be read is retried: the city
/// replays its stored answer under the same key.
fn judge(kind: OutboxKind, answer: &Answer) -> Attempt {
    let why = transport::refusal(&answer.body);
    // "Me too" on a report closed meanwhile, or on the citizen's own: the city has nothing to
    // count and the citizen nothing to fix.
    if kind == OutboxKind::Support
        && answer.status == 409
        && matches!(why.reason, Some(Reason::Closed | Reason::OwnReport))
    {
        return Attempt::Delivered(Receipt::Done);
    }
    // A ward already rated this month by this device (or citizen): the city answered, nothing
    // is to be fixed; the citizen is told it was not counted again.
    if kind == OutboxKind::WardRating
        && answer.status == 409
        && why.reason == Some(Reason::AlreadyRatedThisMonth)
    {
        return Attempt::Delivered(Receipt::RatingAlreadyCounted);
    }
    match policy::classify(
        answer.status,
        why.reason,
        why.field.as_deref(),
        answer.retry_after,
    ) {
        Outcome::Delivered => {
            let receipt = match kind {
                OutboxKind::Report => {
                    transport::posted(&answer.body).map(|server_id| Receipt::Report { server_id })
                }
                OutboxKind::Photo => {
                    transport::media_posted(&answer.body).map(|m| Receipt::Photo {
                        media_id: m.media_id,
                    })
                }
                OutboxKind::Reopen | OutboxKind::Rating | OutboxKind::Support => {
                    Some(Receipt::Done)
                }
                OutboxKind::WardRating => {
                    serde_json::from_slice::<model::ward_rating::RatingReceipt>(&answer.body)
                        .ok()
                        .filter(|r| is_month(&r.month))
                        .map(|r| Receipt::RatingCounted { month: r.month })
                }
            };
            match receipt {
                Some(r) => Attempt::Delivered(r),
                None => retry(RetryReason::BadResponse),
            }
        }
        Outcome::Retry { not_before } => Attempt::Retry {
            not_before,
            reason: RetryReason::Status(answer.status),
        },
        Outcome::Refused { reason, field } => Attempt::Refused { reason, field },
    }
}

/// The city's answer to a survey answer: counted (its receipt read), or what to do.
fn judge_survey_answer(answer: &Answer) -> Attempt {
    let why = transport::refusal(&answer.body);
    match policy::classify(
        answer.status,
        why.reason,
        why.field.as_deref(),
        answer.retry_after,
    ) {
        Outcome::Delivered => serde_json::from_slice::<AnswerReceipt>(&answer.body)
            .map(|r| {
                Attempt::Delivered(Receipt::Counted {
                    at: r
                        .answered_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                })
            })
            .unwrap_or_else(|_| retry(RetryReason::BadResponse)),
        Outcome::Retry { not_before } => Attempt::Retry {
            not_before,
            reason: RetryReason::Status(answer.status),
        },
        Outcome::Refused { reason, field } => Attempt::Refused { reason, field },
    }
}

/// Whether an item carries the device's signature: "me too" always (it is counted per
/// device), a report only when it names the citizen (an anonymous one links to nothing).
pub fn needs_signature(kind: OutboxKind, fields: &[(String, String)]) -> bool {
    match kind {
        OutboxKind::Support | OutboxKind::WardRating => true,
        OutboxKind::Report => ["first_name", "last_name", "email", "phone"]
            .iter()
            .any(|name| model::form::field(fields, name).is_some_and(|v| !v.trim().is_empty())),
        OutboxKind::Photo | OutboxKind::Reopen | OutboxKind::Rating => false,
    }
}

/// `YYYY-MM`.
fn is_month(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit())
}

/// The attempt's end when no answer came.
fn link_failed(err: &LinkError, item: i64) -> Attempt {
    match err {
        LinkError::TooLarge(_) => retry(RetryReason::BadResponse),
        LinkError::Encode => refused(Refusal::DamagedItem),
        LinkError::Network(err) => {
            tracing::debug!(%err, item, "send failed");
            retry(RetryReason::Offline)
        }
    }
}

fn now_secs() -> i64 {
    now_ms().div_euclid(1000)
}

/// After the city refused a signature: corrects the clock by its `Date` (`stale_time`), or
/// drops a credential it no longer knows (`unknown_device`, `bad_signature`). True when the
/// item is worth sending again now.
fn recover(store: &impl StoreAccess, answer: &Answer, credential: &DeviceCredential) -> bool {
    match transport::refusal(&answer.body).reason {
        Some(Reason::StaleTime) => {
            let Some(date) = answer.date else {
                return false;
            };
            let city = date
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
            let off = city - now_secs();
            tracing::info!(off, "clock corrected by the city's");
            store.with_store(|s| s.set_clock_offset(off)).is_ok()
        }
        Some(Reason::UnknownDevice | Reason::BadSignature) => store
            .with_store(|s| s.forget_device_credential(&credential.id))
            .is_ok(),
        // The login is over (or this city takes none): forget it; the item goes again without
        // it, and a city that counts citizens then says `citizen_required`.
        Some(Reason::TokenExpired | Reason::BadToken | Reason::NoIdentityProvider) => {
            store.with_store(|s| s.forget_citizen_token()).is_ok()
        }
        _ => false,
    }
}

pub struct Worker {
    http: reqwest::Client,
    target: Target,
    concurrency: usize,
    /// One registration at a time: items sent together share the device they register.
    registering: tokio::sync::Mutex<()>,
}

impl Worker {
    pub fn new(http: reqwest::Client, target: Target) -> Self {
        Self {
            http,
            target,
            concurrency: 4,
            registering: tokio::sync::Mutex::new(()),
        }
    }

    /// The device's credential for this city, registering it first when there is none.
    async fn credential(
        &self,
        store: &impl StoreAccess,
    ) -> Result<(DeviceCredential, i64), Attempt> {
        let origin = self.target.base.as_str();
        let stored = || {
            store
                .with_store(|s| s.device_credential(origin))
                .map_err(|err| {
                    tracing::warn!(code = %err.code(), "device credential unreadable");
                    retry(RetryReason::Local)
                })
        };
        // While the city has not confirmed a deletion, the credential is kept only to ask for
        // it: nothing new is signed with it (it would be deleted with it), and registering
        // would replace it. The sync round asks for the deletion first.
        let deleting = store
            .with_store(|s| s.city_link().map(|(_, pending)| pending))
            .map_err(|_| retry(RetryReason::Local))?;
        if deleting {
            return Err(retry(RetryReason::Local));
        }
        if let Some(c) = stored()? {
            return Ok((c.credential, c.clock_offset_secs));
        }
        let _one = self.registering.lock().await;
        // Registered meanwhile by another item of this pass.
        if let Some(c) = stored()? {
            return Ok((c.credential, c.clock_offset_secs));
        }
        // Kept until the credential is: a retry after a lost answer gets the same device.
        let key = store
            .with_store(|s| s.registration_key(origin))
            .map_err(|_| retry(RetryReason::Local))?;
        let answer = transport::register(&self.http, &self.target, &key)
            .await
            .map_err(|e| link_failed(&e, 0))?;
        if answer.status != 201 {
            let why = transport::refusal(&answer.body);
            return Err(
                match policy::classify(
                    answer.status,
                    why.reason,
                    why.field.as_deref(),
                    answer.retry_after,
                ) {
                    Outcome::Retry { not_before } => Attempt::Retry {
                        not_before,
                        reason: RetryReason::Status(answer.status),
                    },
                    Outcome::Refused { reason, field } => Attempt::Refused { reason, field },
                    Outcome::Delivered => retry(RetryReason::BadResponse),
                },
            );
        }
        let credential = serde_json::from_slice::<Registration>(&answer.body)
            .ok()
            .and_then(|r| DeviceCredential::from_registration(&r))
            .ok_or_else(|| retry(RetryReason::BadResponse))?;
        store
            .with_store(|s| s.save_device_credential(&credential, origin))
            .map_err(|_| retry(RetryReason::Local))?;
        tracing::info!("device registered with the city");
        Ok((credential, 0))
    }

    /// Sends a form signed by the device: registers first if needed, and once more after the
    /// city corrected the clock or forgot the device.
    async fn send_signed(
        &self,
        store: &impl StoreAccess,
        item: &OutboxItem,
        path: &str,
        fields: &[(String, String)],
    ) -> Attempt {
        match self
            .signed_post(store, &item.idempotency_key, item.id, path, fields)
            .await
        {
            Ok(answer) => judge(item.kind, &answer),
            Err(attempt) => attempt,
        }
    }

    /// The city's answer to a form signed by the device (see [`Self::send_signed`]), or the
    /// attempt's end when none came.
    async fn signed_post(
        &self,
        store: &impl StoreAccess,
        key: &str,
        item_id: i64,
        path: &str,
        fields: &[(String, String)],
    ) -> Result<Answer, Attempt> {
        let mut second_try = false;
        loop {
            let (credential, offset) = self.credential(store).await?;
            // The citizen's login, where they logged in: the city then counts them, not the
            // device (a city without a provider refuses it: `no_identity_provider`).
            let origin = self.target.base.as_str();
            let token = store
                .with_store(|s| s.citizen_token(origin, now_secs()))
                .ok()
                .flatten();
            let signing = Signing {
                credential: &credential,
                time: now_secs().saturating_add(offset),
                bearer: token.as_ref().map(|t| t.id_token.as_str()),
            };
            let answer =
                transport::post_form(&self.http, &self.target, path, key, fields, Some(signing))
                    .await
                    .map_err(|err| link_failed(&err, item_id))?;
            if answer.status == 401 && !second_try && recover(store, &answer, &credential) {
                second_try = true;
                continue;
            }
            return Ok(answer);
        }
    }

    /// Sends the citizen's saved survey answers that are due for this city, one after another,
    /// signed like "me too" (the city counts one answer per voter). Each end is recorded
    /// against the answer's Idempotency-Key, so a change saved meanwhile stays queued. A
    /// failed attempt ends the pass, as in [`Self::send_due`].
    pub async fn send_survey_answers(
        &self,
        store: &impl StoreAccess,
    ) -> Result<PassSummary, CoreError> {
        let base = self.target.base.as_str();
        let mut summary = PassSummary::default();
        let due = store.with_store(|s| s.due_survey_answers(base, now_ms(), BATCH))?;
        for item in due {
            let end = match serde_json::from_str::<SurveyAnswer>(&item.answer) {
                Err(_) => refused(Refusal::DamagedItem),
                Ok(answer) => {
                    let path = format!("api/v1/surveys/{}/answers", item.survey_id);
                    let fields = answer.to_pairs();
                    match self
                        .signed_post(store, &item.idempotency_key, item.survey_id, &path, &fields)
                        .await
                    {
                        Ok(a) => judge_survey_answer(&a),
                        Err(attempt) => attempt,
                    }
                }
            };
            let (id, key) = (item.survey_id, item.idempotency_key.as_str());
            match end {
                Attempt::Delivered(Receipt::Counted { at }) => {
                    store.with_store(|s| s.record_answer_counted(base, id, key, &at))?;
                    summary.delivered += 1;
                }
                Attempt::Delivered(_) => {}
                Attempt::Retry { not_before, reason } => {
                    let wait = policy::backoff(item.attempts, fastrand::f64())
                        .max(not_before.unwrap_or_default());
                    let next = now_ms()
                        .saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX));
                    store.with_store(|s| s.record_answer_retry(base, id, key, next, reason))?;
                    summary.count_retry(reason);
                    break;
                }
                Attempt::Refused { reason, field } => {
                    store.with_store(|s| {
                        s.record_answer_refused(base, id, key, reason, field.as_deref())
                    })?;
                    summary.refused += 1;
                }
            }
        }
        summary.next_due_ms = store.with_store(|s| s.next_answer_due_ms(base))?;
        Ok(summary)
    }

    /// How many items are in flight at once (items of one report never are).
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.clamp(1, BATCH);
        self
    }

    async fn attempt(&self, store: &impl StoreAccess, item: &OutboxItem) -> Attempt {
        let Some(path) = path_for(item.kind, item.server_id.as_deref()) else {
            return refused(Refusal::NoReportId);
        };
        let key = item.idempotency_key.as_str();
        let sent = match item.kind {
            OutboxKind::Photo => {
                let Ok(p) = serde_json::from_str::<PhotoPayload>(&item.payload) else {
                    return refused(Refusal::DamagedItem);
                };
                let photo = match store.with_store(|s| s.photo(p.photo_id)) {
                    Ok(Some(photo)) => photo,
                    Ok(None) => return refused(Refusal::PhotoMissing),
                    Err(err) => {
                        tracing::warn!(code = %err.code(), item = item.id, "photo unreadable");
                        return retry(RetryReason::Local);
                    }
                };
                transport::post_photo(
                    &self.http,
                    &self.target,
                    &path,
                    key,
                    &p.fields,
                    &photo.mime,
                    photo.bytes,
                )
                .await
            }
            _ => {
                let Ok(fields) = serde_json::from_str::<Vec<(String, String)>>(&item.payload)
                else {
                    return refused(Refusal::DamagedItem);
                };
                if needs_signature(item.kind, &fields) {
                    return self.send_signed(store, item, &path, &fields).await;
                }
                transport::post_form(&self.http, &self.target, &path, key, &fields, None).await
            }
        };
        match sent {
            Ok(answer) => {
                if (300..400).contains(&answer.status) {
                    // Not followed (`client::http_client`); kept with the status as its reason.
                    tracing::warn!(
                        status = answer.status,
                        item = item.id,
                        "the city API answered with a redirect: not followed, tried again later"
                    );
                }
                judge(item.kind, &answer)
            }
            Err(err) => link_failed(&err, item.id),
        }
    }

    fn record(
        &self,
        store: &impl StoreAccess,
        observer: &dyn SyncObserver,
        item: &OutboxItem,
        attempt: Attempt,
        summary: &mut PassSummary,
    ) -> Result<(), CoreError> {
        let now = now_ms();
        match attempt {
            Attempt::Delivered(receipt) => {
                observer.acknowledged(item);
                store.with_store(|s| s.record_delivered(item, &receipt, now))?;
                summary.delivered += 1;
                observer.state_changed(item, ItemState::Sent);
            }
            Attempt::Retry { not_before, reason } => {
                let wait = policy::backoff(item.attempts, fastrand::f64())
                    .max(not_before.unwrap_or_default());
                let next = now.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX));
                store.with_store(|s| s.record_retry(item.id, next, reason))?;
                summary.count_retry(reason);
                observer.state_changed(item, ItemState::Queued);
            }
            Attempt::Refused { reason, field } => {
                store.with_store(|s| s.record_refused(item.id, reason, field.as_deref()))?;
                summary.refused += 1;
                observer.state_changed(item, ItemState::NeedsAttention);
            }
        }
        Ok(())
    }

    /// Sends what is due, batch after batch, until nothing is due or the city stops taking
    /// items (a failed attempt ends the pass: the rest would fail too, and waiting spares the
    /// phone's battery and the city's server).
    pub async fn send_due(
        &self,
        store: &impl StoreAccess,
        observer: &dyn SyncObserver,
    ) -> Result<PassSummary, CoreError> {
        let mut summary = PassSummary::default();
        let mut passed = self.send_batches(store, observer, &mut summary).await;
        if passed.is_ok() {
            passed = self.send_ward_ratings(store, &mut summary).await;
        }
        // Whatever ended the pass, nothing is on the wire any more.
        store.with_store(|s| {
            s.end_in_flight();
            Ok(())
        })?;
        passed?;
        summary.next_due_ms = store.with_store(|s| {
            let items = s.next_due_ms(&self.target.base)?;
            let ratings = s.next_ward_rating_due(self.target.base.as_str())?;
            Ok(items.into_iter().chain(ratings).min())
        })?;
        Ok(summary)
    }

    /// Sends the ward ratings due for this address, one at a time (a citizen gives a few a
    /// month), each signed; a failed attempt ends the pass as for the outbox.
    async fn send_ward_ratings(
        &self,
        store: &impl StoreAccess,
        summary: &mut PassSummary,
    ) -> Result<(), CoreError> {
        let base = self.target.base.as_str();
        let due = store.with_store(|s| s.due_ward_ratings(base, now_ms(), BATCH))?;
        for rating in due {
            // The outbox's view of it: the ward's code stands where a report's id would.
            let item = OutboxItem {
                id: rating.id,
                idempotency_key: rating.idempotency_key.clone(),
                kind: OutboxKind::WardRating,
                report_id: 0,
                payload: String::new(),
                state: ItemState::Queued,
                attempts: rating.attempts,
                next_attempt_ms: 0,
                last_error: None,
                last_field: None,
                server_id: Some(rating.ward_code.clone()),
            };
            let attempt = match path_for(item.kind, item.server_id.as_deref()) {
                Some(path) => self.send_signed(store, &item, &path, &rating.form).await,
                None => refused(Refusal::DamagedItem),
            };
            let now = now_ms();
            let end = match attempt {
                Attempt::Delivered(Receipt::RatingCounted { month }) => {
                    RatingEnd::Counted { month }
                }
                // Not counted again: the month is the city's current one, as the device reads
                // Vietnam's calendar.
                Attempt::Delivered(_) => RatingEnd::AlreadyCounted {
                    month: vietnam_month(now),
                },
                Attempt::Retry { not_before, reason } => {
                    let wait = policy::backoff(rating.attempts, fastrand::f64())
                        .max(not_before.unwrap_or_default());
                    RatingEnd::Retry {
                        next_ms: now
                            .saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)),
                        reason,
                    }
                }
                Attempt::Refused { reason, .. } => RatingEnd::Refused(reason),
            };
            store.with_store(|s| s.record_ward_rating(rating.id, &end, now))?;
            match end {
                RatingEnd::Counted { .. } | RatingEnd::AlreadyCounted { .. } => {
                    summary.delivered += 1;
                }
                RatingEnd::Refused(_) => summary.refused += 1,
                RatingEnd::Retry { reason, .. } => {
                    summary.count_retry(reason);
                    break;
                }
            }
        }
        Ok(())
    }

    async fn send_batches(
        &self,
        store: &impl StoreAccess,
        observer: &dyn SyncObserver,
        summary: &mut PassSummary,
    ) -> Result<(), CoreError> {
        loop {
            let items = store.with_store(|s| {
                let items = s.due_items(&self.target.base, now_ms(), BATCH)?;
                s.mark_in_flight(items.iter().map(|i| i.id));
                Ok(items)
            })?;
            if items.is_empty() {
                break;
            }
            for item in &items {
                observer.state_changed(item, ItemState::Sending);
            }
            let retried_before = summary.retried;
            let mut answers = futures_util::stream::iter(items)
                .map(|item| async move {
                    let attempt = self.attempt(store, &item).await;
                    (item, attempt)
                })
                .buffer_unordered(self.concurrency);
            while let Some((item, attempt)) = answers.next().await {
                self.record(store, observer, &item, attempt, summary)?;
            }
            if summary.retried > retried_before {
                break;
            }
        }
        Ok(())
    }

    /// Asks the city which of the citizen's reports changed and stores what it says (its columns
    /// only). Only reports filed with (or followed on) this city are asked about, and its
    /// answers go only to them. Reports never pulled are asked without the cursor, so one
    /// acknowledged late is not skipped. Returns how many reports changed locally.
    pub async fn pull_my_reports(&self, store: &impl StoreAccess) -> Result<usize, PullError> {
        let base = &self.target.base;
        let resource = my_reports_cursor(base);
        let (followed, cursor) =
            store.with_store(|s| Ok((s.followed_reports(base)?, s.pull_cursor(&resource)?)))?;
        let (fresh, known): (Vec<_>, Vec<_>) =
            followed.iter().partition(|f| f.change_seq.is_none());
        let mut newest = cursor;
        let mut changed = 0;
        for (group, since) in [(fresh, None), (known, cursor)] {
            for chunk in group.chunks(PULL_CHUNK) {
                let ids: Vec<&str> = chunk.iter().map(|f| f.server_id.as_str()).collect();
                let reports = transport::pull_reports(&self.http, &self.target, &ids, since)
                    .await?
                    .map_err(PullError::Status)?;
                let updates: Vec<ServerUpdate> = reports.iter().filter_map(update).collect();
                newest = updates.iter().map(|u| u.change_seq).chain(newest).max();
                changed += store.with_store(|s| s.apply_server_updates(base, &updates))?;
            }
        }
        if let Some(c) = newest.filter(|c| Some(*c) != cursor) {
            store.with_store(|s| s.save_pull_cursor(&resource, c))?;
        }
        Ok(changed)
    }
}

fn update(r: &ServiceRequest) -> Option<ServerUpdate> {
    transport::is_id(&r.service_request_id).then_some(())?;
    Some(ServerUpdate {
        server_id: r.service_request_id.clone(),
        status: r.detailed_status.as_str().to_owned(),
        change_seq: r.change_seq,
        json: serde_json::to_string(r).ok()?,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error("the city API answered {0} to the status pull")]
    Status(u16),
    #[error(transparent)]
    Local(#[from] CoreError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            body: body.as_bytes().to_vec(),
            retry_after: None,
            etag: None,
            content_type: None,
            date: None,
        }
    }

    #[test]
    fn me_too_and_named_reports_are_signed_anonymous_ones_never() {
        let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
            p.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert!(needs_signature(OutboxKind::Support, &[]));
        let anonymous = pairs(&[("service_code", "x"), ("description", "y")]);
        assert!(!needs_signature(OutboxKind::Report, &anonymous));
        let mut named = anonymous.clone();
        named.push(("phone".into(), "0903123456".into()));
        assert!(needs_signature(OutboxKind::Report, &named));
        assert!(!needs_signature(
            OutboxKind::Report,
            &pairs(&[("email", "  ")])
        ));
        for kind in [OutboxKind::Photo, OutboxKind::Reopen, OutboxKind::Rating] {
            assert!(!needs_signature(kind, &named), "{kind:?}");
        }
    }

    #[test]
    fn ward_ratings_are_signed_and_say_their_month() {
        assert!(needs_signature(OutboxKind::WardRating, &[]));
        assert_eq!(
            path_for(OutboxKind::WardRating, Some("26743")).as_deref(),
            Some("api/v1/wards/26743/ratings")
        );
        assert_eq!(path_for(OutboxKind::WardRating, Some("../x")), None);
        assert!(matches!(
            judge(
                OutboxKind::WardRating,
                &answer(201, r#"{"ward_code":"26743","month":"2026-12"}"#)
            ),
            Attempt::Delivered(Receipt::RatingCounted { ref month }) if month == "2026-12"
        ));
        // A receipt without a month the app can read is asked again (the city replays it).
        for body in [r#"{"ward_code":"26743","month":"12/2026"}"#, "{}", "<html>"] {
            assert!(matches!(
                judge(OutboxKind::WardRating, &answer(201, body)),
                Attempt::Retry { .. }
            ));
        }
        let twice = r#"[{"code":409,"description":"d","reason":"already_rated_this_month"}]"#;
        assert!(matches!(
            judge(OutboxKind::WardRating, &answer(409, twice)),
            Attempt::Delivered(Receipt::RatingAlreadyCounted)
        ));
        // The same refusal of another kind is not read as this one.
        assert!(!matches!(
            judge(OutboxKind::Support, &answer(409, twice)),
            Attempt::Delivered(_)
        ));
        let missing = r#"[{"code":400,"description":"d","reason":"missing","field":"access"}]"#;
        assert!(matches!(
            judge(OutboxKind::WardRating, &answer(400, missing)),
            Attempt::Refused { .. }
        ));
        // 2026-11-30 17:30 UTC is already December in Vietnam.
        let ms = chrono::DateTime::parse_from_rfc3339("2026-11-30T17:30:00Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(vietnam_month(ms), "2026-12");
        assert_eq!(vietnam_month(ms - 3_600_000), "2026-11");
    }

    #[test]
    fn answers_become_attempt_ends() {
        let ok = r#"[{"service_request_id":"9","service_notice":null}]"#;
        assert!(matches!(
            judge(OutboxKind::Report, &answer(200, ok)),
            Attempt::Delivered(Receipt::Report { ref server_id, .. }) if server_id == "9"
        ));
        // A 200 the app cannot read is not taken as delivered.
        assert!(matches!(
            judge(OutboxKind::Report, &answer(200, "<html>")),
            Attempt::Retry { .. }
        ));
        assert!(matches!(
            judge(OutboxKind::Rating, &answer(200, "{}")),
            Attempt::Delivered(Receipt::Done)
        ));
        let bad = r#"[{"code":400,"description":"d","reason":"too_long","field":"description"}]"#;
        assert!(matches!(
            judge(OutboxKind::Report, &answer(400, bad)),
            Attempt::Refused { ref field, .. } if field.as_deref() == Some("description")
        ));
        assert!(matches!(
            judge(OutboxKind::Report, &answer(503, "")),
            Attempt::Retry {
                reason: RetryReason::Status(503),
                ..
            }
        ));
        // "Me too" on a report closed meanwhile is done, not something to fix; other refusals
        // of it are kept like any other.
        let closed = r#"[{"code":409,"description":"d","reason":"closed"}]"#;
        assert!(matches!(
            judge(OutboxKind::Support, &answer(409, closed)),
            Attempt::Delivered(Receipt::Done)
        ));
        assert!(matches!(
            judge(OutboxKind::Rating, &answer(409, closed)),
            Attempt::Refused { .. }
        ));
        let forbidden = r#"[{"code":403,"description":"d","reason":"bad_api_key"}]"#;
        assert!(matches!(
            judge(OutboxKind::Support, &answer(403, forbidden)),
            Attempt::Refused { .. }
        ));
        assert_eq!(
            path_for(OutboxKind::Support, Some("7")).as_deref(),
            Some("open311/v2/requests/7/supporters.json")
        );
    }

    #[test]
    fn follow_ups_need_a_plain_server_id() {
        assert_eq!(
            path_for(OutboxKind::Report, None).as_deref(),
            Some("open311/v2/requests.json")
        );
        assert_eq!(
            path_for(OutboxKind::Reopen, Some("12")).as_deref(),
            Some("open311/v2/requests/12/reopen.json")
        );
        assert_eq!(path_for(OutboxKind::Photo, None), None);
        assert_eq!(path_for(OutboxKind::Rating, Some("../x")), None);
    }
}
