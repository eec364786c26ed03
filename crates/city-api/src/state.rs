//! What every handler shares: the database, the loaded service list and wards, the keys, the
//! clock, and the Idempotency-Keys being worked on right now.

use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::HeaderName;
use chrono::{DateTime, Utc};
use model::Ward;
use model::service::ServiceCatalog;

use crate::db::{self, Db, DbError};
use crate::limits::{Limiters, Limits};
use crate::map::MapFiles;
use crate::oidc::CitizenVerifier;
use crate::routes::scoreboard::ScoreCache;
use crate::throttle::Throttle;
use crate::trust::DeviceKey;

/// Who may do what. Open311 api_keys identify client applications (they ship inside apps, so
/// they are not secrets); the staff key is a secret of the city's back office.
#[derive(Clone, Debug)]
pub struct Keys {
    pub api_keys: Vec<String>,
    pub staff_key: Option<String>,
}

impl Keys {
    pub fn is_api_key(&self, key: &str) -> bool {
        self.api_keys
            .iter()
            .any(|k| constant_time_eq::constant_time_eq(k.as_bytes(), key.as_bytes()))
    }

    pub fn is_staff_key(&self, key: &str) -> bool {
        self.staff_key
            .as_deref()
            .is_some_and(|k| constant_time_eq::constant_time_eq(k.as_bytes(), key.as_bytes()))
    }
}

/// The server's clock. Tests move it forward to cross time windows.
#[derive(Clone, Default)]
pub struct Clock(Arc<AtomicI64>);

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::seconds(self.0.load(Ordering::Relaxed))
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.0.fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub keys: Arc<Keys>,
    /// How clients reach this server (for the media URLs it hands out), without a trailing `/`.
    pub public_url: Arc<str>,
    pub clock: Clock,
    pub services: Arc<ServiceCatalog>,
    pub wards: Arc<Vec<Ward>>,
    /// Wrong check values per client (dossier lookups).
    pub throttle: Arc<Throttle>,
    /// Where a trusted proxy in front puts the client's address (`--client-ip-header`); without
    /// it the peer address is the client.
    pub client_ip_header: Option<HeaderName>,
    /// Derives each registered device's secret (`trust`).
    pub device_key: Arc<DeviceKey>,
    /// Registrations and POSTs per address and per device (`limits`).
    pub limits: Arc<Limiters>,
    /// The city's identity provider, when it counts verified citizens (`oidc`).
    pub citizens: Option<Arc<dyn CitizenVerifier>>,
    /// The map's files: ward offices, configured boundaries and basemap (`map`).
    pub map: Arc<MapFiles>,
    /// Computed scoreboards per period and data version (`routes::scoreboard`).
    pub scoreboards: Arc<ScoreCache>,
    inflight: Arc<Mutex<HashSet<String>>>,
}

impl AppState {
    /// Loads the service list and wards (seed first: later changes need a restart).
    pub fn new(db: Db, keys: Keys, public_url: &str) -> Result<Self, DbError> {
        let (services, wards, device_key) = db.with(|conn| {
            let services = db::services::catalog(conn)?.unwrap_or(ServiceCatalog {
                jurisdiction_id: "hochiminhcity.gov.vn".into(),
                services: Vec::new(),
            });
            let (wards, _) = db::wards(conn)?;
            Ok::<_, DbError>((services, wards, DeviceKey::stored(conn)?))
        })?;
        let clock = Clock::default();
        let map = MapFiles::bundled(&wards)?;
        Ok(Self {
            db,
            keys: Arc::new(keys),
            public_url: public_url.trim_end_matches('/').into(),
            throttle: Arc::new(Throttle::new(clock.clone())),
            limits: Arc::new(Limiters::new(Limits::default(), &clock)),
            clock,
            services: Arc::new(services),
            wards: Arc::new(wards),
            client_ip_header: None,
            device_key: Arc::new(device_key),
            citizens: None,
            map: Arc::new(map),
            scoreboards: Arc::default(),
            inflight: Arc::default(),
        })
    }

    /// Reads the client's address from `header`, which a proxy in front sets (never trust a
    /// header a client can send straight to this server).
    pub fn with_client_ip_header(mut self, header: Option<HeaderName>) -> Self {
        self.client_ip_header = header;
        self
    }

    /// Derives device secrets from `key` instead of the one kept in the database.
    pub fn with_device_key(mut self, key: DeviceKey) -> Self {
        self.device_key = Arc::new(key);
        self
    }

    /// Counts verified citizens instead of devices (`trust::Voter`), checked by `verifier`.
    pub fn with_citizen_verifier(mut self, verifier: Arc<dyn CitizenVerifier>) -> Self {
        self.citizens = Some(verifier);
        self
    }

    /// Serves these map files (checked by `MapFiles::load`) instead of the bundled offices alone.
    pub fn with_map(mut self, map: MapFiles) -> Self {
        self.map = Arc::new(map);
        self
    }

    /// Runs with `limits` instead of the defaults.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = Arc::new(Limiters::new(limits, &self.clock));
        self
    }

    /// Marks `key` as being worked on; `None` when it already is.
    pub fn begin(&self, key: &str) -> Option<InFlight> {
        let mut set = self.inflight.lock().unwrap_or_else(PoisonError::into_inner);
        set.insert(key.to_owned()).then(|| InFlight {
            set: self.inflight.clone(),
            key: key.to_owned(),
        })
    }
}

/// Removes its key from the in-flight set when dropped (also when the client hangs up).
pub struct InFlight {
    set: Arc<Mutex<HashSet<String>>>,
    key: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.key);
    }
}
