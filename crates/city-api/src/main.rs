//! `city-api --db FILE --bind ADDR [--seed hcmc]`

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use std::time::Duration;

use city_api::limits::{Limits, Rate};
use city_api::{AppState, Db, Keys, db};
use clap::{Parser, ValueEnum};

/// The Citizen App's reference city API: wards of Ho Chi Minh City over HTTP + JSON, stored in
/// one SQLite file (WAL; back it up with `sqlite3 FILE ".backup COPY"` while it runs).
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// SQLite database file (created if missing).
    #[arg(long)]
    db: PathBuf,
    /// Address to listen on. Use 127.0.0.1:0 for any free port (the chosen one is printed).
    #[arg(long, default_value = "127.0.0.1:8722")]
    bind: SocketAddr,
    /// Load a data set before serving (idempotent: unchanged rows are not rewritten).
    #[arg(long, value_enum)]
    seed: Option<Seed>,
    /// An Open311 api_key client apps must send to post (repeat for several). Without one,
    /// only the demo key `citizen-app-demo` is accepted.
    #[arg(long = "api-key", env = "CITY_API_KEYS", value_delimiter = ',')]
    api_keys: Vec<String>,
    /// The back office's secret for `/api/v1/staff/...`; staff routes are off without it.
    #[arg(long, env = "CITY_STAFF_KEY", hide_env_values = true)]
    staff_key: Option<String>,
    /// The address clients use to reach this server (for photo URLs); default http://BIND.
    #[arg(long)]
    public_url: Option<String>,
    /// Behind a proxy: the header it puts the client's address in (e.g. X-Forwarded-For; its
    /// last address is used). Wrong check values are counted per client; without this, every
    /// client behind the proxy would share one count. Never set it without such a proxy: a
    /// client could then name any address.
    #[arg(long, value_parser = parse_header_name)]
    client_ip_header: Option<axum::http::HeaderName>,
    /// Days a resolved report keeps the citizen's contact details (and consent record).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=3650))]
    contact_days: u32,
    /// Days an Idempotency-Key's stored answer is kept for retries.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    idempotency_days: u32,
    /// Minutes between two runs of the retention purge (the first runs at start).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=10080))]
    purge_every_mins: u32,
    /// The key device secrets are derived from (64 hex digits). Without it one is made on first
    /// start and kept in the database; give it apart from the database so a copy of the
    /// database cannot sign as any device. Changing it makes every device register again.
    #[arg(long, env = "CITY_DEVICE_KEY", hide_env_values = true, value_parser = parse_device_key)]
    device_key: Option<city_api::trust::DeviceKey>,
    /// Device registrations one network address may make at once (see the README).
    #[arg(long, default_value_t = Limits::default().register.burst)]
    register_burst: u32,
    /// Then one more registration per address every this many seconds.
    #[arg(long, default_value_t = Limits::default().register.every.as_secs())]
    register_refill_secs: u64,
    /// POSTs one network address may make at once (many citizens share a carrier's address).
    #[arg(long, default_value_t = Limits::default().post_per_address.burst)]
    post_burst: u32,
    /// Then one more POST per address every this many milliseconds.
    #[arg(long, default_value_t = Limits::default().post_per_address.every.as_millis() as u64)]
    post_refill_ms: u64,
    /// Signed POSTs one device may make at once.
    #[arg(long, default_value_t = Limits::default().post_per_device.burst)]
    device_burst: u32,
    /// Then one more signed POST per device every this many seconds.
    #[arg(long, default_value_t = Limits::default().post_per_device.every.as_secs())]
    device_refill_secs: u64,
    /// The city's OpenID Connect identity provider (e.g. VNeID), exactly as its tokens' `iss`:
    /// with it, "me too" and ward ratings count each verified citizen once (a login in the app)
    /// instead of each device. Reports never need a login.
    #[arg(long, requires = "oidc_audience")]
    oidc_issuer: Option<String>,
    /// The app's client id at the identity provider (the ID tokens' `aud`).
    #[arg(long, requires = "oidc_issuer")]
    oidc_audience: Option<String>,
    /// The identity provider's name as citizens know it (e.g. "VNeID"): the app's "log in"
    /// button names it.
    #[arg(long, requires = "oidc_issuer")]
    oidc_name: Option<String>,
    /// Signature algorithms accepted from the identity provider (HMAC and `none` never).
    #[arg(long, value_delimiter = ',', default_value = "RS256", value_parser = city_api::oidc::parse_algorithm)]
    oidc_algorithms: Vec<jsonwebtoken::Algorithm>,
    /// The ward offices file (JSON, see the README); default: the one built in
    /// (`assets/ward-offices.json`). Checked at start against the wards.
    #[arg(long)]
    offices: Option<PathBuf>,
    /// The city's official ward boundaries (GeoJSON FeatureCollection, `properties.code` the
    /// five-digit code): served at /api/v1/map/boundaries.geojson, the app draws them instead
    /// of its schematic cells. Checked at start.
    #[arg(long)]
    boundaries: Option<PathBuf>,
    /// A basemap (PMTiles v3): served at /api/v1/map/basemap.pmtiles with byte ranges; the app
    /// downloads it for offline use.
    #[arg(long)]
    basemap: Option<PathBuf>,
    /// With `--seed hcmc`: demo reports to file in each ward (once, into a database without
    /// reports), four in five of them open, so a demo's map shows something (e.g. 2). None by
    /// default: tests and the end-to-end harness count the reports they file.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
    seed_reports_per_ward: u32,
}

impl Cli {
    fn limits(&self) -> Limits {
        let rate = |burst, every| Rate { burst, every };
        Limits {
            register: rate(
                self.register_burst,
                Duration::from_secs(self.register_refill_secs),
            ),
            post_per_address: rate(self.post_burst, Duration::from_millis(self.post_refill_ms)),
            post_per_device: rate(
                self.device_burst,
                Duration::from_secs(self.device_refill_secs),
            ),
        }
    }
}

fn parse_device_key(text: &str) -> Result<city_api::trust::DeviceKey, String> {
    city_api::trust::DeviceKey::parse(text).ok_or_else(|| "64 hex digits".to_owned())
}

fn parse_header_name(text: &str) -> Result<axum::http::HeaderName, String> {
    axum::http::HeaderName::try_from(text.trim()).map_err(|e| format!("not a header name: {e}"))
}

/// The api_key the app uses against a server started without `--api-key`.
const DEMO_API_KEY: &str = "citizen-app-demo";

#[derive(Clone, Copy, ValueEnum)]
enum Seed {
    /// The 168 administrative units of HCMC since 1-7-2025, the 18 fields of the 1022 system and
    /// (once, dated around today) 180 demo dossiers.
    Hcmc,
}

/// Waits for SIGINT or SIGTERM. The handlers are installed here, when called, not when the
/// future is first polled: axum polls it from a task of its own, and a SIGTERM that came before
/// that task ran (the port already announced, the runtime busy) ended the process by the
/// default action instead of a graceful stop — seen once in `tests/binary.rs` under load.
fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let int = signal(SignalKind::interrupt()).ok();
    let term = signal(SignalKind::terminate()).ok();
    async move {
        let wait = |s: Option<tokio::signal::unix::Signal>| async move {
            match s {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! { () = wait(int) => {}, () = wait(term) => {} }
        tracing::info!("shutting down");
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CITY_API_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let limits = cli.limits();
    let db = match Db::open(&cli.db) {
        Ok(db) => db,
        Err(err) => {
            eprintln!("city-api: cannot open {}: {err}", cli.db.display());
            return ExitCode::from(2);
        }
    };
    if let Some(Seed::Hcmc) = cli.seed {
        let per_ward = cli.seed_reports_per_ward as usize;
        let seeded = db.with(|conn| {
            let units = db::seed_hcmc(conn)?;
            let services = db::seed_services(conn)?;
            let dossiers = db::seed_dossiers(conn, chrono::Utc::now())?;
            let (wards, _) = db::wards(conn)?;
            let reports = db::map::seed_demo_reports(conn, &wards, per_ward, chrono::Utc::now())?;
            Ok::<_, city_api::DbError>((
                units,
                services,
                dossiers,
                reports,
                db::dossiers::samples(conn, 3)?,
            ))
        });
        match seeded {
            Ok((units, services, dossiers, reports, samples)) => {
                tracing::info!(
                    units,
                    services,
                    dossiers,
                    reports,
                    "seeded the HCMC units, services, demo dossiers and demo reports"
                );
                for (code, check) in samples {
                    // xtask api-check reads this exact line; the receipt goes on its own.
                    tracing::info!("demo dossier: /api/v1/dossiers/{code}?check={check}");
                    tracing::info!(
                        "demo receipt: /api/v1/dossiers/{code}/receipt.svg?check={check}"
                    );
                }
            }
            Err(err) => {
                eprintln!("city-api: seeding failed: {err}");
                return ExitCode::from(2);
            }
        }
    }
    let listener = match tokio::net::TcpListener::bind(cli.bind).await {
        Ok(l) => l,
        Err(err) => {
            eprintln!("city-api: cannot listen on {}: {err}", cli.bind);
            return ExitCode::from(2);
        }
    };
    let addr = listener.local_addr().unwrap_or(cli.bind);
    let mut api_keys: Vec<String> = cli
        .api_keys
        .into_iter()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect();
    if api_keys.is_empty() {
        tracing::warn!("no --api-key given: accepting the demo key {DEMO_API_KEY}");
        api_keys.push(DEMO_API_KEY.to_owned());
    }
    let keys = Keys {
        api_keys,
        staff_key: cli.staff_key.filter(|k| !k.trim().is_empty()),
    };
    let public_url = cli.public_url.unwrap_or_else(|| format!("http://{addr}"));
    let state = match AppState::new(db, keys, &public_url) {
        Ok(s) => {
            let map = city_api::map::MapFiles::load(
                &s.wards,
                cli.offices.as_deref(),
                cli.boundaries.as_deref(),
                cli.basemap.as_deref(),
            );
            let map = match map {
                Ok(m) => m,
                Err(err) => {
                    eprintln!("city-api: {err}");
                    return ExitCode::from(2);
                }
            };
            let s = s
                .with_client_ip_header(cli.client_ip_header)
                .with_limits(limits)
                .with_map(map);
            let s = match cli.device_key {
                Some(k) => s.with_device_key(k),
                None => s,
            };
            match (cli.oidc_issuer, cli.oidc_audience) {
                (Some(issuer), Some(audience)) => {
                    let config = city_api::oidc::OidcConfig {
                        issuer,
                        audience,
                        algorithms: cli.oidc_algorithms,
                    };
                    match city_api::oidc::OidcVerifier::new(config) {
                        Ok(v) => {
                            s.with_citizen_verifier(std::sync::Arc::new(v.with_name(cli.oidc_name)))
                        }
                        Err(err) => {
                            eprintln!("city-api: --oidc-issuer: {err}");
                            return ExitCode::from(2);
                        }
                    }
                }
                _ => s,
            }
        }
        Err(err) => {
            eprintln!("city-api: cannot load services and wards: {err}");
            return ExitCode::from(2);
        }
    };
    let policy = db::retention::Policy {
        contact_after_resolved: chrono::Duration::days(i64::from(cli.contact_days)),
        idempotency: chrono::Duration::days(i64::from(cli.idempotency_days)),
        ..db::retention::Policy::default()
    };
    city_api::retention::spawn(
        state.db.clone(),
        policy,
        std::time::Duration::from_secs(u64::from(cli.purge_every_mins) * 60),
        state.clock.clone(),
    );
    let shutdown = shutdown_signal();
    // Other programs (xtask, tests) read this exact line to learn the port.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "city-api listening on http://{addr}");
    let _ = out.flush();
    match city_api::serve(listener, state, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("city-api: server error: {err}");
            ExitCode::FAILURE
        }
    }
}
