//! `citizen-soak bench`: figures for the sync engine and the reference server, each measured
//! against its baseline in the same run (this machine is shared and noisy: ratios travel,
//! absolute numbers less so).
//!
//! - server: POST and GET `requests.json` throughput and p50/p99 latency from a bounded load
//!   generator (fixed number of concurrent connections, fixed request count) on 127.0.0.1;
//! - client: time to sync N queued reports with the worker, as a ratio to a plain sequential
//!   POST loop sending the same forms to a fresh server;
//! - local durable save (report + outbox row, `synchronous=FULL`) p50/p95;
//! - the dossier status pull against single look-ups (`dossier_bench`);
//! - the device signature's cost per request (`signature_bench`);
//! - the 766 scoreboard of 168 wards from 100,000 reports and dossiers (`scoreboard_bench`).

use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use city_api::Keys;
use city_api::local::LocalServer;
use core_engine::store::{Photo, Store};
use core_engine::sync::transport::Target;
use core_engine::sync::{Quiet, Worker};
use model::ApiBaseUrl;

use crate::client::API_KEY;

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Requests per server measurement.
    #[arg(long, default_value_t = 2000)]
    pub requests: usize,
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 8)]
    pub connections: usize,
    /// Reports in the client sync measurement.
    #[arg(long, default_value_t = 1000)]
    pub reports: usize,
    /// Rounds of the client comparison (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Only these figures (all when not given).
    #[arg(long, value_enum)]
    pub only: Vec<Figure>,
}

/// The groups of figures `bench` prints, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Figure {
    Save,
    Dossiers,
    Feedback,
    Signature,
    Scoreboard,
    Client,
    Server,
}

type Failure = String;

fn form(n: usize) -> Vec<(String, String)> {
    [
        ("service_code", "thoat-nuoc".to_owned()),
        ("lat", "10.7713".to_owned()),
        ("long", "106.694".to_owned()),
        ("description", format!("Bench r{n}: cống nghẹt sau mưa")),
        ("attribute[kind]", "blocked".to_owned()),
        (
            model::trust::owner::FIELD,
            model::trust::OwnerKey::from_bytes([7; 32]).to_text(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn http() -> Result<reqwest::Client, Failure> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())
}

async fn server(dir: &std::path::Path, name: &str) -> Result<LocalServer, Failure> {
    let keys = Keys {
        api_keys: vec![API_KEY.into()],
        staff_key: None,
    };
    LocalServer::start_with(&dir.join(name), keys, |s| {
        // Load from one address: the rate limits are not what is measured here.
        s.with_limits(city_api::limits::Limits::lifted())
    })
    .await
    .map_err(|e| e.to_string())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Sends `total` requests over `connections` concurrent workers; returns (wall time, sorted
/// latencies). `make(i)` builds request `i`.
async fn load(
    connections: usize,
    total: usize,
    make: impl Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
) -> Result<(Duration, Vec<Duration>), Failure> {
    let make = std::sync::Arc::new(make);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (make, next) = (make.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    return Ok::<_, Failure>(lat);
                }
                let t = Instant::now();
                let r = make(i).send().await.map_err(|e| e.to_string())?;
                let status = r.status();
                r.bytes().await.map_err(|e| e.to_string())?;
                if !status.is_success() {
                    return Err(format!("request {i} answered {status}"));
                }
                lat.push(t.elapsed());
            }
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    let wall = started.elapsed();
    all.sort();
    Ok((wall, all))
}

fn print_load(what: &str, wall: Duration, lat: &[Duration]) {
    println!(
        "server {what:<42} {:>7.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} requests)",
        lat.len() as f64 / wall.as_secs_f64(),
        ms(percentile(lat, 0.50)),
        ms(percentile(lat, 0.99)),
        lat.len()
    );
}

async fn server_figures(args: &BenchArgs) -> Result<(), Failure> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let city = server(dir.path(), "server-bench.db").await?;
    let client = http()?;
    let url = format!("{}/open311/v2/requests.json", city.url);
    let (c, u) = (client.clone(), url.clone());
    let (wall, lat) = load(args.connections, args.requests, move |i| {
        c.post(&u)
            .header("Idempotency-Key", format!("bench-post-{i}"))
            .form(&{
                let mut f = form(i);
                f.push(("api_key".into(), API_KEY.into()));
                f
            })
    })
    .await?;
    print_load(
        &format!("POST requests.json ({} conns)", args.connections),
        wall,
        &lat,
    );
    for (label, query, share) in [
        ("GET requests.json?page_size=50", "?page_size=50", 1),
        ("GET requests.json (default: up to 1000)", "", 10),
    ] {
        let (c, u) = (client.clone(), format!("{url}{query}"));
        let n = (args.requests / share).max(20);
        let (wall, lat) = load(args.connections, n, move |_| c.get(&u)).await?;
        print_load(&format!("{label} ({} conns)", args.connections), wall, &lat);
    }
    Ok(())
}

/// A plain loop: POST each form, wait, read the id. What any client must do at least.
async fn plain_loop(url: &str, n: usize) -> Result<Duration, Failure> {
    let client = http()?;
    let started = Instant::now();
    for i in 0..n {
        let mut f = form(i);
        f.push(("api_key".into(), API_KEY.into()));
        let r = client
            .post(format!("{url}/open311/v2/requests.json"))
            .header("Idempotency-Key", format!("plain-{i}"))
            .form(&f)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !r.status().is_success() {
            return Err(format!("plain loop: {}", r.status()));
        }
        let body: Vec<model::open311::Posted> = r.json().await.map_err(|e| e.to_string())?;
        if body.is_empty() {
            return Err("plain loop: empty answer".into());
        }
    }
    Ok(started.elapsed())
}

async fn worker_sync(
    dir: &std::path::Path,
    url: &str,
    n: usize,
    concurrency: usize,
) -> Result<Duration, Failure> {
    let mut store = Store::open_in(dir).map_err(|e| e.to_string())?;
    let base = ApiBaseUrl::parse(url).map_err(|e| e.to_string())?;
    for i in 0..n {
        store
            .save_report(&form(i), &[], &base, i as i64)
            .map_err(|e| e.to_string())?;
    }
    let store = Mutex::new(store);
    let worker = Worker::new(
        http()?,
        Target {
            base,
            api_key: API_KEY.into(),
        },
    )
    .with_concurrency(concurrency);
    let started = Instant::now();
    let pass = worker
        .send_due(&store, &Quiet)
        .await
        .map_err(|e| e.to_string())?;
    let took = started.elapsed();
    if pass.delivered as usize != n || pass.next_due_ms.is_some() {
        return Err(format!("sync delivered {} of {n}", pass.delivered));
    }
    Ok(took)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn client_figures(args: &BenchArgs) -> Result<(), Failure> {
    let (mut plain, mut one, mut four) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..args.rounds.max(1) {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let p = dir.path();
        let a = server(p, "a.db").await?;
        plain.push(plain_loop(&a.url, args.reports).await?);
        let b = server(p, "b.db").await?;
        four.push(worker_sync(&p.join(format!("app4-{round}")), &b.url, args.reports, 4).await?);
        let c = server(p, "c.db").await?;
        one.push(worker_sync(&p.join(format!("app1-{round}")), &c.url, args.reports, 1).await?);
    }
    let (plain, one, four) = (median(plain), median(one), median(four));
    println!(
        "client sync of {} queued reports: plain sequential POST loop {:.2} s; worker (4 in flight) {:.2} s = {:.2}x; worker (1 in flight) {:.2} s = {:.2}x   (target <= 1.2x; median of {} rounds)",
        args.reports,
        plain.as_secs_f64(),
        four.as_secs_f64(),
        four.as_secs_f64() / plain.as_secs_f64(),
        one.as_secs_f64(),
        one.as_secs_f64() / plain.as_secs_f64(),
        args.rounds.max(1)
    );
    Ok(())
}

fn save_figures(n: usize) -> Result<(), Failure> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut store = Store::open_in(dir.path()).map_err(|e| e.to_string())?;
    let origin = ApiBaseUrl::parse("http://127.0.0.1:8722/").map_err(|e| e.to_string())?;
    // A shrunk phone photo is ~300 KB.
    let photo = Photo {
        mime: "image/jpeg".into(),
        bytes: (0..300_000_u32).map(|i| (i * 7 % 251) as u8).collect(),
    };
    for (label, photos) in [
        ("text only", &[][..]),
        ("with one 300 KB photo", std::slice::from_ref(&photo)),
    ] {
        let mut lat = Vec::with_capacity(n);
        for i in 0..n {
            let t = Instant::now();
            store
                .save_report(&form(i), photos, &origin, i as i64)
                .map_err(|e| e.to_string())?;
            lat.push(t.elapsed());
        }
        lat.sort();
        println!(
            "local durable save ({label:<22}) p50 {:>6.2} ms   p95 {:>6.2} ms   max {:>6.2} ms   ({n} saves, synchronous=FULL; target p95 <= 5 ms)",
            ms(percentile(&lat, 0.50)),
            ms(percentile(&lat, 0.95)),
            ms(lat[lat.len() - 1]),
        );
    }
    Ok(())
}

pub fn run(args: BenchArgs) -> ExitCode {
    let runtime = match crate::runtime("bench") {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let wanted = |f: Figure| args.only.is_empty() || args.only.contains(&f);
    let mut result = Ok(());
    for figure in [
        Figure::Save,
        Figure::Dossiers,
        Figure::Feedback,
        Figure::Signature,
        Figure::Scoreboard,
        Figure::Client,
        Figure::Server,
    ] {
        if result.is_err() || !wanted(figure) {
            continue;
        }
        result = match figure {
            Figure::Save => save_figures(args.reports),
            Figure::Dossiers => runtime.block_on(crate::dossier_bench::figures(args.rounds.max(5))),
            Figure::Feedback => runtime.block_on(crate::feedback_bench::figures(200)),
            Figure::Signature => runtime.block_on(crate::signature_bench::figures()),
            Figure::Scoreboard => runtime.block_on(crate::scoreboard_bench::figures()),
            Figure::Client => runtime.block_on(client_figures(&args)),
            Figure::Server => runtime.block_on(server_figures(&args)),
        };
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench failed: {err}");
            ExitCode::FAILURE
        }
    }
}
