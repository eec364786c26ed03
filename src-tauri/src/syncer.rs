//! Sends the outbox and brings back the city's news in the background: at once after an action
//! that queued something, when the link comes back, when the next queued item is due, and every
//! few minutes for news. Tells the UI through events and the citizen through an OS notification
//! when one of their reports changed. Tracked dossiers are asked about in the same rounds (one
//! request for all): when the link comes back, right after a dossier was kept to be looked up
//! later, and every few minutes. The citizen's survey answers go in the same rounds, and the
//! city's surveys and announcements are pulled with them (an urgent announcement shown once as
//! an OS notification).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use core_engine::Engine;
use core_engine::store::{ItemState, OutboxItem};
use core_engine::sync::SyncObserver;
use core_engine::sync::dossiers::Pulled;
use core_engine::sync::worker::now_ms;
use model::dossier_dto::DossierNewsEvent;
use model::ipc::Event;
use model::report_dto::NewsEvent;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::Notify;

/// How often the city is asked for news when nothing is queued.
const NEWS_EVERY: Duration = Duration::from_secs(120);

/// How often the map's copy (offices, stats, the whole city's open reports, boundaries,
/// basemap) is refreshed. A quiet round is a few 304s; a changed reports page is up to ~12 KB
/// gzipped (1,000 reports), so not every round of the outbox.
const MAP_EVERY: Duration = Duration::from_secs(600);

/// Tells the UI which report's items moved, as they move.
struct Progress<R: Runtime>(AppHandle<R>);

impl<R: Runtime> SyncObserver for Progress<R> {
    fn state_changed(&self, item: &OutboxItem, _state: ItemState) {
        if let Err(err) = self.0.emit(Event::OutboxChanged.as_str(), item.report_id) {
            tracing::debug!(%err, "could not tell the UI");
        }
    }
}

#[derive(Clone)]
pub struct Syncer {
    engine: Arc<Engine>,
    wake: Arc<Notify>,
    /// The next round asks about the dossiers whenever the last ask was.
    dossiers_due: Arc<AtomicBool>,
    dossiers_asked: Arc<Mutex<Option<Instant>>>,
    /// The next round refreshes the map's copy whenever the last one was.
    map_due: Arc<AtomicBool>,
    map_asked: Arc<Mutex<Option<Instant>>>,
    /// The next round sends the saved survey answers and pulls the surveys and announcements
    /// whenever the last round of them was.
    voice_due: Arc<AtomicBool>,
    voice_asked: Arc<Mutex<Option<Instant>>>,
}

impl Syncer {
    pub fn new(engine: Arc<Engine>) -> Self {
        Self {
            engine,
            wake: Arc::new(Notify::new()),
            dossiers_due: Arc::new(AtomicBool::new(true)),
            dossiers_asked: Arc::new(Mutex::new(None)),
            map_due: Arc::new(AtomicBool::new(true)),
            map_asked: Arc::new(Mutex::new(None)),
            voice_due: Arc::new(AtomicBool::new(true)),
            voice_asked: Arc::new(Mutex::new(None)),
        }
    }

    /// Something was queued or the link came back: run a round now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// A dossier waits to be looked up, or the link came back: ask about the dossiers now.
    pub fn wake_dossiers(&self) {
        self.dossiers_due.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// The link came back or the city address changed: refresh the map's copy now.
    pub fn wake_map(&self) {
        self.map_due.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// A survey answer was saved, or the link came back: send it and pull the lists now.
    pub fn wake_voice(&self) {
        self.voice_due.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    pub fn spawn<R: Runtime>(&self, app: AppHandle<R>) {
        let syncer = self.clone();
        tauri::async_runtime::spawn(async move {
            loop {
                let delay = syncer.round(&app).await;
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    () = syncer.wake.notified() => {}
                }
            }
        });
    }

    /// One round; returns how long to wait before the next.
    async fn round<R: Runtime>(&self, app: &AppHandle<R>) -> Duration {
        let delay = self.reports_round(app).await;
        self.dossiers_round(app).await;
        self.map_round(app).await;
        match self.voice_round(app).await {
            Some(due) => delay.min(due),
            None => delay,
        }
    }

    /// Sends the saved survey answers and pulls the surveys and announcements when woken for
    /// it, when an answer is due, or every [`NEWS_EVERY`]; shows each new urgent announcement
    /// as an OS notification (once). Returns how long until the next answer is due.
    async fn voice_round<R: Runtime>(&self, app: &AppHandle<R>) -> Option<Duration> {
        let due = {
            let mut asked = self
                .voice_asked
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let due = self.voice_due.swap(false, Ordering::SeqCst)
                || asked.is_none_or(|at| at.elapsed() >= NEWS_EVERY);
            if due {
                *asked = Some(Instant::now());
            }
            due
        };
        if !due {
            return None;
        }
        let round = match self.engine.sync_voice().await {
            Ok(round) => round,
            Err(err) => {
                tracing::debug!(%err, "voice sync failed");
                return None;
            }
        };
        let moved = round.sent.delivered + round.sent.retried + round.sent.refused > 0;
        if (round.changed || moved)
            && let Err(err) = app.emit(Event::VoiceUpdated.as_str(), ())
        {
            tracing::debug!(%err, "could not tell the UI");
        }
        match self.engine.urgent_to_notify() {
            Ok(urgent) => crate::notify::announcements(app, &self.engine, &urgent),
            Err(err) => tracing::debug!(%err, "announcements to notify unreadable"),
        }
        let next = round.sent.next_due_ms?;
        // The answer's next try is the next round's business.
        self.voice_due.store(true, Ordering::SeqCst);
        let wait = u64::try_from(next.saturating_sub(now_ms())).unwrap_or(0);
        Some(Duration::from_millis(wait.max(500)).min(NEWS_EVERY))
    }

    /// Refreshes the map's copy when woken for it or every [`MAP_EVERY`]; tells the UI when
    /// something changed.
    async fn map_round<R: Runtime>(&self, app: &AppHandle<R>) {
        let due = {
            let mut asked = self
                .map_asked
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let due = self.map_due.swap(false, Ordering::SeqCst)
                || asked.is_none_or(|at| at.elapsed() >= MAP_EVERY);
            if due {
                *asked = Some(Instant::now());
            }
            due
        };
        if !due {
            return;
        }
        match self.engine.sync_map().await {
            Ok(round) if round.changed => {
                if let Err(err) = app.emit(Event::MapUpdated.as_str(), ()) {
                    tracing::debug!(%err, "could not tell the UI");
                }
            }
            Ok(_) => {}
            Err(err) => tracing::debug!(%err, "map sync failed"),
        }
    }

    /// Asks about every tracked dossier when woken for it or every [`NEWS_EVERY`], not on each
    /// quick round of the outbox.
    async fn dossiers_round<R: Runtime>(&self, app: &AppHandle<R>) {
        let due = {
            let mut asked = self
                .dossiers_asked
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let due = self.dossiers_due.swap(false, Ordering::SeqCst)
                || asked.is_none_or(|at| at.elapsed() >= NEWS_EVERY);
            if due {
                *asked = Some(Instant::now());
            }
            due
        };
        if !due {
            return;
        }
        let before = self.engine.dossiers_unseen().ok();
        let news = match self.engine.sync_dossiers().await {
            Ok(Pulled::Done { news, .. }) => news,
            Ok(Pulled::Nothing | Pulled::Later) => Vec::new(),
            Err(err) => {
                tracing::debug!(%err, "dossier sync failed");
                return;
            }
        };
        let unseen = self.engine.dossiers_unseen().ok();
        // "Not found" changes the badge without a notification.
        if !news.is_empty() || unseen != before {
            let event = DossierNewsEvent {
                unseen: unseen.unwrap_or(news.len()),
            };
            if let Err(err) = app.emit(Event::DossiersNews.as_str(), event) {
                tracing::debug!(%err, "could not tell the UI");
            }
        }
        crate::notify::dossier_news(app, &self.engine, &news);
    }

    /// Sends the outbox and pulls the reports' news; returns how long to wait.
    async fn reports_round<R: Runtime>(&self, app: &AppHandle<R>) -> Duration {
        let outcome = match self.engine.sync(&Progress(app.clone())).await {
            Ok(o) => o,
            Err(err) => {
                tracing::debug!(%err, "sync round failed");
                return NEWS_EVERY;
            }
        };
        if !outcome.news.is_empty() {
            let unseen = self.engine.unseen_count().unwrap_or(outcome.news.len());
            let event = NewsEvent { unseen };
            if let Err(err) = app.emit(Event::ReportsNews.as_str(), event) {
                tracing::debug!(%err, "could not tell the UI");
            }
            crate::notify::news(app, &self.engine, &outcome.news);
        }
        match outcome.round.sent.next_due_ms {
            Some(due) => {
                let wait = u64::try_from(due.saturating_sub(now_ms())).unwrap_or(0);
                Duration::from_millis(wait.max(500)).min(NEWS_EVERY)
            }
            None => NEWS_EVERY,
        }
    }
}
