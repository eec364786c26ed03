//! The reference server inside another program (the app's tests, the sync soak, benchmarks):
//! a seeded SQLite file (wards, services, demo dossiers), a free port on 127.0.0.1, stopped when dropped.

use std::path::Path;

use crate::db::{self, Db};
use crate::state::{AppState, Keys};

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("cannot open or seed the database: {0}")]
    Db(#[from] db::DbError),
    #[error("cannot listen on 127.0.0.1: {0}")]
    Bind(#[from] std::io::Error),
}

pub struct LocalServer {
    /// `http://127.0.0.1:PORT` (no trailing `/`).
    pub url: String,
    pub db: Db,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl LocalServer {
    /// Opens (creating and seeding with the HCMC units and services) `db_file` and serves it on
    /// a free loopback port from the current tokio runtime.
    pub async fn start(db_file: &Path, keys: Keys) -> Result<Self, LocalError> {
        Self::start_with(db_file, keys, |s| s).await
    }

    /// [`Self::start`], with the state changed by `configure` before serving (limits, a trusted
    /// proxy header, a device key).
    pub async fn start_with(
        db_file: &Path,
        keys: Keys,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Result<Self, LocalError> {
        Self::serve(db_file, keys, 0, configure).await
    }

    /// As [`Self::start`], on loopback `port` (0: a free one): a test that queued work for an
    /// address while nothing answered there starts the city at that very address later.
    pub async fn start_on(db_file: &Path, keys: Keys, port: u16) -> Result<Self, LocalError> {
        Self::serve(db_file, keys, port, |s| s).await
    }

    async fn serve(
        db_file: &Path,
        keys: Keys,
        port: u16,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Result<Self, LocalError> {
        let db = Db::open(db_file)?;
        db.with(db::seed_hcmc)?;
        db.with(db::seed_services)?;
        db.with(|c| db::seed_dossiers(c, chrono::Utc::now()))?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        let state = configure(AppState::new(db.clone(), keys, &url)?);
        let (stop, stopped) = tokio::sync::oneshot::channel();
        tokio::spawn(crate::serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Ok(Self {
            url,
            db,
            state,
            stop: Some(stop),
        })
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
