//! Watches the city API in the background: checks it on a back-off schedule (policy in
//! `core::connection`), stores a newer ward list, and tells the UI through events.

use std::sync::Arc;

use core_engine::Engine;
use core_engine::connection::next_check_delay;
use core_engine::engine::CheckOutcome;
use model::dto::{Connection, ConnectionDto};
use model::ipc::Event;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::{Mutex, Notify};

use crate::syncer::Syncer;

#[derive(Clone)]
pub struct Monitor {
    engine: Arc<Engine>,
    /// Told when the city API answers again, so what waited for a network goes out now.
    syncer: Syncer,
    wake: Arc<Notify>,
    /// One check at a time: a "check now" tap during a background check waits for it.
    checking: Arc<Mutex<Option<ConnectionDto>>>,
}

impl Monitor {
    pub fn new(engine: Arc<Engine>, syncer: Syncer) -> Self {
        Self {
            engine,
            syncer,
            wake: Arc::new(Notify::new()),
            checking: Arc::new(Mutex::new(None)),
        }
    }

    /// Starts the background loop on Tauri's async runtime.
    pub fn spawn<R: Runtime>(&self, app: AppHandle<R>) {
        let monitor = self.clone();
        tauri::async_runtime::spawn(async move {
            loop {
                let outcome = monitor.check(&app).await;
                let online = outcome.connection.state == Connection::Online;
                let delay =
                    next_check_delay(outcome.connection.state, outcome.failures, fastrand::f64());
                let deadline = tokio::time::Instant::now() + delay;
                loop {
                    tokio::select! {
                        () = tokio::time::sleep_until(deadline) => break,
                        () = monitor.wake.notified() => break,
                        // A request found no city API: while it looks online, check now.
                        // Offline, the back-off stands (failures are expected then).
                        () = monitor.engine.link_trouble().notified() => if online { break },
                    }
                }
            }
        });
    }

    /// Cuts the current wait short (new address, fresh database).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub async fn check_now<R: Runtime>(&self, app: &AppHandle<R>) -> ConnectionDto {
        self.check(app).await.connection
    }

    async fn check<R: Runtime>(&self, app: &AppHandle<R>) -> CheckOutcome {
        let mut last = self.checking.lock().await;
        let outcome = self.engine.check_city_api().await;
        if last.as_ref() != Some(&outcome.connection) {
            emit(app, Event::ConnectionChanged, &outcome.connection);
            if outcome.connection.state == Connection::Online {
                if let Err(err) = self.engine.wake_outbox() {
                    tracing::debug!(%err, "outbox not woken");
                }
                self.syncer.wake();
                self.syncer.wake_dossiers();
                self.syncer.wake_map();
                self.syncer.wake_voice();
            }
        }
        if outcome.wards_changed {
            emit(app, Event::WardsUpdated, &());
        }
        *last = Some(outcome.connection.clone());
        outcome
    }
}

fn emit<R: Runtime, T: serde::Serialize + Clone>(app: &AppHandle<R>, event: Event, payload: &T) {
    if let Err(err) = app.emit(event.as_str(), payload.clone()) {
        tracing::warn!(%err, %event, "could not notify the UI");
    }
}
