//! One object the shell holds: the store, the ward directory and the connection state, with one
//! method per user action (the feedback journey in `feedback.rs`, dossiers in `dossiers.rs`).
//! Every write is committed before the method returns, so the UI may say "saved" as soon as it
//! gets an answer.

mod dossiers;
mod feedback;
mod map;
mod my_data;
mod ratings;
mod voice;

use std::path::PathBuf;
use std::sync::Mutex;

use model::dto::{
    AppStatus, Connection, ConnectionDto, DbStatus, NewsCounts, SettingsDto, StartFreshOutcome,
    WardSearchResult,
};
use model::service::ServiceCatalog;
use model::{ApiBaseUrl, ErrorCode, Language, TextSize, Ward, WardCode};

pub use map::{MAP_DIR, MapSync, PageCounts};
pub use ratings::Pulled;
pub use voice::VoiceSync;

use crate::bundled;
use crate::client::{CityClient, WardFetch};
use crate::collate::VietnameseOrder;
use crate::directory::WardDirectory;
use crate::error::CoreError;
use crate::services::{self, ServiceDirectory};
use crate::store::{self, OpenError, OutboxCounts, Setting, Store};
use crate::sync::news;
use crate::sync::transport::{self, LinkError, Target};
use crate::sync::{PassSummary, PullError, StoreAccess, SyncObserver, Worker};

/// What the engine needs from its host.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// The app's private data folder (holds `citizen.db`).
    pub data_dir: PathBuf,
    /// Used until the citizen sets another address in settings.
    pub default_api_url: ApiBaseUrl,
    /// The Open311 `api_key` the city issued to this app (not a secret: it ships in the app).
    pub api_key: String,
}

/// Largest feedback catalogue accepted (the real one is ~40 KB).
const MAX_SERVICES_BODY: usize = 1024 * 1024;

/// The key the reference city API accepts when started without `--api-key`.
pub const DEMO_API_KEY: &str = "citizen-app-demo";

struct Ready {
    store: Store,
    wards: WardDirectory,
    services: ServiceDirectory,
}

enum DbState {
    Ready(Box<Ready>),
    Failed(OpenError),
}

/// The outcome of one check of the city API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOutcome {
    pub connection: ConnectionDto,
    /// The stored ward list changed: the UI should re-run its search.
    pub wards_changed: bool,
    /// Consecutive failed checks (0 after a success), for the back-off policy.
    pub failures: u32,
}

/// What one [`Engine::sync`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SyncRound {
    pub sent: PassSummary,
    /// Reports whose city state changed; `None` when the pull did not get through.
    pub pulled: Option<usize>,
}

/// A sync round and the reports that now have news the citizen has not seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncOutcome {
    pub round: SyncRound,
    pub news: Vec<model::report_dto::News>,
}

pub struct Engine {
    config: EngineConfig,
    order: VietnameseOrder,
    client: Option<CityClient>,
    db: Mutex<DbState>,
    connection: Mutex<(ConnectionDto, u32)>,
    /// Told when a request found no city API at all, so the connection is checked at once
    /// instead of at the next scheduled check (up to a minute of "online" that is not true).
    link_trouble: tokio::sync::Notify,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind, still consistent: keep going.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Engine {
    /// Opens the database; failure is kept and reported by [`Engine::status`], not returned, so
    /// the UI can always show a screen.
    pub fn start(config: EngineConfig) -> Self {
        let order = VietnameseOrder::new();
        let db = open_ready(&config, &order);
        if let DbState::Failed(err) = &db {
            tracing::error!(error = %err, source = ?std::error::Error::source(err), "database unavailable");
        }
        let client = CityClient::new()
            .inspect_err(|err| tracing::error!(%err, "HTTP client unavailable"))
            .ok();
        let connection = (ConnectionDto::default(), 0);
        let engine = Self {
            config,
            order,
            client,
            db: Mutex::new(db),
            connection: Mutex::new(connection),
            link_trouble: tokio::sync::Notify::new(),
        };
        if let Ok(sync) = engine.with_ready(|r| Ok(r.store.ward_sync()?)) {
            lock(&engine.connection).0.wards_refreshed_at = sync.refreshed_at;
        }
        engine
    }

    fn with_ready<T>(
        &self,
        f: impl FnOnce(&mut Ready) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        match &mut *lock(&self.db) {
            DbState::Ready(ready) => f(ready),
            DbState::Failed(err) => Err(CoreError::DbNotReady(err.code())),
        }
    }

    pub fn status(&self) -> AppStatus {
        let db = match &*lock(&self.db) {
            DbState::Ready(_) => DbStatus::Ready,
            DbState::Failed(err) => DbStatus::Failed {
                error: err.code().into(),
                can_start_fresh: err.can_start_fresh(),
            },
        };
        let settings = self.settings().unwrap_or_else(|_| self.default_settings());
        // A database that cannot be read has no news to count: zero, and the error screen.
        let news = NewsCounts {
            reports: self.unseen_count().unwrap_or_default(),
            dossiers: self.dossiers_unseen().unwrap_or_default(),
            urgent: self.urgent_unread().unwrap_or_default(),
        };
        AppStatus {
            db,
            settings,
            connection: lock(&self.connection).0.clone(),
            news,
        }
    }

    fn default_settings(&self) -> SettingsDto {
        SettingsDto {
            language: Language::default(),
            text_size: TextSize::default(),
            api_base_url: self.config.default_api_url.to_string(),
            my_ward: None,
        }
    }

    pub fn settings(&self) -> Result<SettingsDto, CoreError> {
        self.with_ready(|r| {
            Ok(SettingsDto {
                language: r.store.language()?,
                text_size: r.store.text_size()?,
                api_base_url: r
                    .store
                    .api_base_url()?
                    .unwrap_or_else(|| self.config.default_api_url.clone())
                    .into(),
                my_ward: r.store.my_ward()?.map(String::from),
            })
        })
    }

    fn save(&self, setting: Setting) -> Result<SettingsDto, CoreError> {
        self.with_ready(|r| Ok(r.store.save_setting(&setting)?))?;
        self.settings()
    }

    /// The city answers dossiers in the asked language: the next sync asks for all of them
    /// again (cursor 0), so the names on the list follow the switch. A switch alone is no news
    /// (`dossiers::visible_change` ignores the words of notes).
    pub fn set_language(&self, language: Language) -> Result<SettingsDto, CoreError> {
        let settings = self.save(Setting::Language(language))?;
        self.with_ready(|r| Ok(r.store.restart_dossier_sync()?))?;
        Ok(settings)
    }

    pub fn set_text_size(&self, size: TextSize) -> Result<SettingsDto, CoreError> {
        self.save(Setting::TextSize(size))
    }

    /// A new address is another server: its ETags mean nothing for our copy, so forget ours.
    /// An address that is not one the app ships with (`model::api_url::OFFICIAL_API_URLS`) or
    /// was started with — nor, in debug and test builds, one on this device — is used only
    /// once the citizen `confirmed` it; before that it is refused with
    /// `ErrorCode::ApiUrlNotOfficial` and nothing changes. Reports stay bound to the address
    /// they were filed with either way.
    pub fn set_api_base_url(&self, text: &str, confirmed: bool) -> Result<SettingsDto, CoreError> {
        let url = ApiBaseUrl::parse(text)?;
        let mut trusted = model::api_url::official();
        trusted.push(self.config.default_api_url.clone());
        trusted.push(self.api_url());
        if !confirmed && model::api_url::needs_confirmation(&url, &trusted, cfg!(debug_assertions))
        {
            return Err(CoreError::ApiUrlNotOfficial);
        }
        self.with_ready(|r| {
            r.store.save_setting(&Setting::ApiBaseUrl(url))?;
            Ok(r.store.forget_ward_etag()?)
        })?;
        self.settings()
    }

    /// Only a unit that exists in the catalogue can become "my ward".
    pub fn set_my_ward(&self, code: &str) -> Result<SettingsDto, CoreError> {
        let code = WardCode::parse(code).map_err(|_| CoreError::UnknownWard)?;
        self.with_ready(|r| {
            if r.wards.get(&code).is_none() {
                return Err(CoreError::UnknownWard);
            }
            Ok(r.store.save_setting(&Setting::MyWard(code))?)
        })?;
        self.settings()
    }

    pub fn search_wards(&self, query: &str, limit: usize) -> Result<WardSearchResult, CoreError> {
        self.with_ready(|r| Ok(r.wards.search(query, limit)))
    }

    /// Current units and the former districts and wards (abolished on 1-7-2025) with where each
    /// went: the map's search and the ward finder.
    pub fn search_places(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<model::search::place::PlaceSearchResult, CoreError> {
        self.with_ready(|r| Ok(r.wards.search_places(query, limit)))
    }

    pub fn ward(&self, code: &str) -> Result<Ward, CoreError> {
        let code = WardCode::parse(code).map_err(|_| CoreError::UnknownWard)?;
        self.with_ready(|r| r.wards.get(&code).cloned().ok_or(CoreError::UnknownWard))
    }

    fn api_url(&self) -> ApiBaseUrl {
        self.with_ready(|r| Ok(r.store.api_base_url()?))
            .ok()
            .flatten()
            .unwrap_or_else(|| self.config.default_api_url.clone())
    }

    /// Logs the citizen in with the city's identity provider (`crate::login`) and keeps the
    /// token for the current city API: "me too" and ward ratings then carry it. Never needed
    /// for reports.
    pub async fn log_in(
        &self,
        login: &dyn crate::login::CitizenLogin,
        browser: &dyn crate::login::Browser,
    ) -> Result<(), CoreError> {
        let token = login.login(browser).await?;
        let origin = self.api_url();
        self.with_ready(|r| Ok(r.store.save_citizen_token(&token, origin.as_str())?))?;
        tracing::info!("citizen logged in");
        Ok(())
    }

    /// Where the citizen logs in, when the current city counts verified citizens
    /// (`GET /api/v1/login`); `None` where it counts devices (404). The UI shows "log in"
    /// only when there is one.
    pub async fn login_provider(
        &self,
    ) -> Result<Option<model::trust::login::LoginProvider>, CoreError> {
        use crate::login::LoginError;
        let client = self.client.as_ref().ok_or(CoreError::NoHttpClient)?;
        let path = model::trust::login::LOGIN_PATH.trim_start_matches('/');
        let resp = client
            .http()
            .get(self.api_url().join(path))
            .send()
            .await
            .map_err(|_| CoreError::Offline)?;
        match resp.status().as_u16() {
            404 => return Ok(None),
            200 => {}
            _ => return Err(LoginError::BadAnswer.into()),
        }
        if resp.content_length().is_some_and(|n| n > 4096) {
            return Err(LoginError::BadAnswer.into());
        }
        let body = resp.bytes().await.map_err(|_| CoreError::Offline)?;
        let provider = serde_json::from_slice(body.get(..4096).unwrap_or(&body))
            .map_err(|_| LoginError::BadAnswer)?;
        Ok(Some(provider))
    }

    /// What Settings shows about logging in: nothing where the city counts devices; else
    /// whether the citizen is logged in for the city in use, with the provider's name. Offline,
    /// a kept login still shows (to log out); without one the city's answer is needed.
    pub async fn login_state(&self) -> Result<model::trust::login::LoginState, CoreError> {
        use model::trust::login::LoginState;
        let logged_in = self.logged_in()?;
        let provider = match self.login_provider().await {
            Ok(p) => p,
            Err(err) if logged_in => {
                tracing::debug!(%err, "login provider not asked; the kept login shows");
                return Ok(LoginState::LoggedIn { provider: None });
            }
            Err(err) => return Err(err),
        };
        let Some(p) = provider else {
            return Ok(LoginState::NotOffered);
        };
        let provider = p.shown_name();
        Ok(if logged_in {
            LoginState::LoggedIn { provider }
        } else {
            LoginState::LoggedOut { provider }
        })
    }

    /// Logs in with the provider the city in use names (`GET /api/v1/login`): the browser
    /// shows the provider's page; the app waits for it to come back (at most
    /// `login::LOGIN_TIMEOUT`). `login_not_offered` where the city counts devices.
    pub async fn log_in_with_city(
        &self,
        browser: &dyn crate::login::Browser,
    ) -> Result<model::trust::login::LoginState, CoreError> {
        let provider = self
            .login_provider()
            .await?
            .ok_or(CoreError::NoLoginProvider)?;
        let client = self.client.as_ref().ok_or(CoreError::NoHttpClient)?;
        let login = crate::login::OidcLogin::new(
            &provider.issuer,
            &provider.client_id,
            client.http().clone(),
        )?;
        self.log_in(&login, browser).await?;
        Ok(model::trust::login::LoginState::LoggedIn {
            provider: provider.shown_name(),
        })
    }

    /// Whether a login is kept for the current city API and still valid.
    pub fn logged_in(&self) -> Result<bool, CoreError> {
        let origin = self.api_url();
        let now = chrono::Utc::now().timestamp();
        self.with_ready(|r| Ok(r.store.citizen_token(origin.as_str(), now)?.is_some()))
    }

    /// Forgets the login.
    pub fn log_out(&self) -> Result<(), CoreError> {
        self.with_ready(|r| Ok(r.store.forget_citizen_token()?))
    }

    /// Asks the city API for the ward list (conditional on our ETag) and stores a newer one.
    /// Being offline is an ordinary outcome here, not an error.
    pub async fn check_city_api(&self) -> CheckOutcome {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let result = self.pull_wards(&now).await;
        if result.is_ok() {
            self.pull_services(&now).await;
        }
        let mut conn = lock(&self.connection);
        let (dto, failures) = &mut *conn;
        let wards_changed = match result {
            Ok(changed) => {
                dto.state = Connection::Online;
                dto.wards_refreshed_at = Some(now);
                *failures = 0;
                changed
            }
            Err(code) => {
                dto.state = Connection::Offline;
                *failures = failures.saturating_add(1);
                tracing::info!(%code, failures = *failures, "city API check failed");
                false
            }
        };
        CheckOutcome {
            connection: dto.clone(),
            wards_changed,
            failures: *failures,
        }
    }

    /// `Ok(true)` when the stored list changed. A local database that cannot be used does not
    /// make the city API offline: the answer is then checked but not stored.
    async fn pull_wards(&self, now: &str) -> Result<bool, ErrorCode> {
        let client = self.client.as_ref().ok_or(ErrorCode::Internal)?;
        let etag = self
            .with_ready(|r| Ok(r.store.ward_sync()?.etag))
            .ok()
            .flatten();
        let base = self.api_url();
        let fetched = client
            .fetch_wards(&base, etag.as_deref())
            .await
            .map_err(|err| {
                tracing::debug!(%err, "ward pull failed");
                err.code()
            })?;
        let stored = self.with_ready(|r| match fetched {
            WardFetch::NotModified => {
                r.store.mark_wards_fresh(now)?;
                Ok(false)
            }
            WardFetch::Updated { catalog, etag } => {
                let before = r.store.ward_sync()?.etag;
                r.store
                    .replace_wards(&catalog, etag.as_deref(), Some(now))?;
                r.wards = WardDirectory::new(r.store.wards()?, &self.order);
                Ok(before.is_none() || before != etag)
            }
        });
        Ok(stored.unwrap_or_else(|err| {
            tracing::warn!(%err, "ward list received but not stored");
            false
        }))
    }

    /// Asks for the feedback catalogue (conditional on our ETag) and keeps a newer, valid one.
    /// A city API without the route, or a bad answer, leaves the kept catalogue in use.
    async fn pull_services(&self, now: &str) {
        let Some(client) = self.client.as_ref() else {
            return;
        };
        let etag = self
            .with_ready(|r| Ok(r.store.service_catalog()?.and_then(|(_, e)| e)))
            .ok()
            .flatten();
        let url = self.api_url().join("api/v1/services");
        let answer = match transport::get(
            client.http(),
            &url,
            &[],
            etag.as_deref(),
            MAX_SERVICES_BODY,
        )
        .await
        {
            Ok(a) if a.status == 200 => a,
            Ok(_) => return,
            Err(err) => {
                tracing::debug!(%err, "service catalogue pull failed");
                return;
            }
        };
        let text = String::from_utf8_lossy(&answer.body);
        let catalog = match ServiceCatalog::from_json(&text) {
            Ok(c) => c,
            Err(err) => {
                tracing::warn!(%err, "service catalogue from the city API refused");
                return;
            }
        };
        let stored = self.with_ready(|r| {
            r.store
                .save_service_catalog(&text, answer.etag.as_deref(), Some(now))?;
            r.services = ServiceDirectory::new(catalog);
            Ok(())
        });
        if let Err(err) = stored {
            tracing::warn!(%err, "service catalogue received but not stored");
        }
    }

    /// The city API answers again: items that waited only for a network are due at once.
    pub fn wake_outbox(&self) -> Result<usize, CoreError> {
        let now = crate::sync::worker::now_ms();
        self.with_ready(|r| Ok(r.store.wake_offline(now)? + r.store.wake_offline_answers(now)?))
    }

    /// Says a request got no answer from the city API (the link, not a refusal): whoever waits
    /// on [`Engine::link_trouble`] checks the connection now. Cheap; a permit is kept when
    /// nobody waits yet.
    pub fn note_unreachable(&self) {
        self.link_trouble.notify_one();
    }

    /// Woken by [`Engine::note_unreachable`] (the connection monitor waits on it).
    pub fn link_trouble(&self) -> &tokio::sync::Notify {
        &self.link_trouble
    }

    /// How many outbox items are in each state.
    pub fn outbox_counts(&self) -> Result<OutboxCounts, CoreError> {
        self.with_ready(|r| Ok(r.store.outbox_counts()?))
    }

    /// One sync round: asks the city again for a deletion it has not confirmed, sends what is
    /// due, then pulls the city's news about the citizen's
    /// reports. Being offline is an ordinary outcome (items stay queued with their next try).
    pub async fn sync(&self, observer: &dyn SyncObserver) -> Result<SyncOutcome, CoreError> {
        let client = self.client.as_ref().ok_or(CoreError::NoHttpClient)?;
        let target = Target {
            base: self.api_url(),
            api_key: self.config.api_key.clone(),
        };
        // A deletion the city has not confirmed goes first: until it is, nothing new is signed.
        if let Err(err) = self.retry_city_deletion().await {
            tracing::debug!(%err, "the pending deletion could not be asked for");
        }
        let worker = Worker::new(client.http().clone(), target.clone());
        let before = self.with_ready(|r| Ok(r.store.unseen_reports()?))?;
        let sent = worker.send_due(self, observer).await?;
        if sent.unreachable > 0 {
            self.note_unreachable();
        }
        let pulled = match worker.pull_my_reports(self).await {
            Ok(n) => Some(n),
            Err(err) => {
                tracing::debug!(%err, "status pull failed");
                if matches!(err, PullError::Link(LinkError::Network(_))) {
                    self.note_unreachable();
                }
                None
            }
        };
        if pulled.is_some()
            && let Err(err) = news::pull_timelines(client.http(), &target, self).await
        {
            tracing::debug!(%err, "timeline pull failed");
        }
        let news = self.with_ready(|r| {
            let mut out = Vec::new();
            for id in r.store.unseen_reports()? {
                if before.contains(&id) {
                    continue;
                }
                if let Some(row) = r.store.report(id)? {
                    let s = crate::reports::summary(&row, &[], target.base.as_str());
                    out.push(model::report_dto::News {
                        report_id: id,
                        service_code: s.service_code,
                        status: s.status,
                    });
                }
            }
            Ok(out)
        })?;
        Ok(SyncOutcome {
            round: SyncRound { sent, pulled },
            news,
        })
    }

    /// After a failed open: moves the unusable file aside (kept, never deleted) and starts with
    /// a new, empty database.
    pub fn start_fresh(&self) -> Result<StartFreshOutcome, CoreError> {
        let mut db = lock(&self.db);
        match &*db {
            DbState::Failed(err) if err.can_start_fresh() => {}
            _ => return Err(CoreError::NothingToRecover),
        }
        let path = self.config.data_dir.join(store::DB_FILE);
        let kept_as = store::move_aside(&path, chrono::Utc::now()).map_err(CoreError::MoveAside)?;
        tracing::warn!(%kept_as, "moved unusable database aside");
        *db = open_ready(&self.config, &self.order);
        match &*db {
            DbState::Ready(_) => Ok(StartFreshOutcome { kept_as }),
            DbState::Failed(err) => Err(CoreError::DbNotReady(err.code())),
        }
    }
}

/// Opens the store; an empty ward table is filled from the bundled catalogue so the finder
/// works on first start without a network.
fn open_ready(config: &EngineConfig, order: &VietnameseOrder) -> DbState {
    let mut store = match Store::open_in(&config.data_dir) {
        Ok(store) => store,
        Err(err) => return DbState::Failed(err),
    };
    let seeded = (|| -> rusqlite::Result<Vec<Ward>> {
        // Reports and dossiers saved by a version that did not bind them belong to the address
        // in use, where they would have gone.
        let current = store
            .api_base_url()?
            .unwrap_or_else(|| config.default_api_url.clone());
        let bound = store.bind_unbound_reports(&current)?;
        if bound > 0 {
            tracing::info!(bound, "older reports bound to the city API address in use");
        }
        let bound = store.bind_unbound_dossiers(current.as_str())?;
        if bound > 0 {
            tracing::info!(bound, "older dossiers bound to the city API address in use");
        }
        if store.ward_count()? == 0 {
            match bundled::hcmc_catalog() {
                Ok(catalog) => store.replace_wards(&catalog, None, None)?,
                Err(err) => tracing::error!(%err, "bundled ward catalogue is invalid"),
            }
        }
        store.wards()
    })();
    let services = ServiceDirectory::new(stored_services(&store));
    match seeded {
        Ok(wards) => DbState::Ready(Box::new(Ready {
            wards: WardDirectory::new(wards, order),
            services,
            store,
        })),
        Err(err) => DbState::Failed(OpenError::Sqlite(err)),
    }
}

/// The catalogue last received from the city, else the one shipped in the app.
fn stored_services(store: &Store) -> ServiceCatalog {
    let kept = store
        .service_catalog()
        .ok()
        .flatten()
        .and_then(|(json, _)| ServiceCatalog::from_json(&json).ok());
    kept.or_else(|| {
        services::bundled()
            .inspect_err(|err| tracing::error!(%err, "bundled service catalogue is invalid"))
            .ok()
    })
    .unwrap_or_else(|| ServiceCatalog {
        jurisdiction_id: String::new(),
        services: Vec::new(),
    })
}

impl StoreAccess for Engine {
    fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> rusqlite::Result<T>,
    ) -> Result<T, CoreError> {
        self.with_ready(|r| Ok(f(&mut r.store)?))
    }
}
