//! The dossier status pull: what it costs to learn the state of 500 tracked dossiers (the most
//! the app tracks, `MAX_TRACKED`) with ONE `POST /api/v1/dossiers/changes` (every pair, cursor
//! 0), against 500 single `GET /api/v1/dossiers/{code}?check=` in the same run, over 127.0.0.1
//! to the reference server on a temp database holding those 500 dossiers, each with its own
//! random check value. Every pair is right, so the throttle of wrong values never charges.
//!
//! Also printed: the same pull with the cursor of its last answer, when nothing changed — the
//! background sync's usual round.
//!
//! Bytes: everything both ways on the TCP connections — request and status lines, headers and
//! bodies — counted by a relay (`feedback_bench::counting_relay`); no TLS, IP or TCP headers.
//! Time: the median of several rounds, straight to the server (no relay); the look-ups go one
//! after another on one kept-alive connection, as an app on a weak link would send them.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use city_api::Keys;
use city_api::db::{self, Db};
use city_api::local::LocalServer;
use model::dossier::{ChangesAnswer, ChangesRequest, MAX_TRACKED, TrackedPair};

use crate::client::API_KEY;
use crate::feedback_bench::counting_relay;

type Failure = String;

fn http() -> Result<reqwest::Client, Failure> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())
}

/// A server on a temp database seeded with `MAX_TRACKED` dossiers, and their pairs.
async fn city(dir: &std::path::Path) -> Result<(LocalServer, Vec<TrackedPair>), Failure> {
    let file = dir.join("dossiers.db");
    {
        let db = Db::open(&file).map_err(|e| e.to_string())?;
        db.with(db::seed_hcmc).map_err(|e| e.to_string())?;
        db.with(db::seed_services).map_err(|e| e.to_string())?;
        db.with(|c| db::dossiers::seed_many_dossiers(c, chrono::Utc::now(), MAX_TRACKED))
            .map_err(|e| e.to_string())?;
    }
    let keys = Keys {
        api_keys: vec![API_KEY.into()],
        staff_key: None,
    };
    // Opens the same file: its dossiers are there, so the demo set is not added.
    let server = LocalServer::start_with(&file, keys, |s| {
        // Load from one address: the rate limits are not what is measured here.
        s.with_limits(city_api::limits::Limits::lifted())
    })
    .await
    .map_err(|e| e.to_string())?;
    let pairs = server
        .db
        .with(|c| {
            let mut stmt = c.prepare("SELECT code, check_value FROM dossiers ORDER BY code")?;
            let rows = stmt.query_map([], |r| {
                Ok(TrackedPair {
                    code: r.get(0)?,
                    check: r.get(1)?,
                })
            })?;
            rows.collect::<Result<Vec<_>, _>>()
        })
        .map_err(|e| e.to_string())?;
    if pairs.len() != MAX_TRACKED {
        return Err(format!(
            "{} dossiers seeded, not {MAX_TRACKED}",
            pairs.len()
        ));
    }
    Ok((server, pairs))
}

/// ONE pull of every pair from cursor 0: all of them come back, none refused.
async fn one_pull(
    client: &reqwest::Client,
    url: &str,
    pairs: &[TrackedPair],
) -> Result<(), Failure> {
    pull(client, url, pairs, 0, pairs.len()).await.map(|_| ())
}

/// ONE pull of every pair from `cursor`, expecting `changed` of them back; the next cursor.
async fn pull(
    client: &reqwest::Client,
    url: &str,
    pairs: &[TrackedPair],
    cursor: i64,
    changed: usize,
) -> Result<i64, Failure> {
    let r = client
        .post(format!("{url}/api/v1/dossiers/changes"))
        .header("Idempotency-Key", "bench-pull")
        .json(&ChangesRequest {
            cursor,
            dossiers: pairs.to_vec(),
        })
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("status pull answered {}", r.status()));
    }
    let answer: ChangesAnswer = r.json().await.map_err(|e| e.to_string())?;
    if !answer.complete || answer.changed.len() != changed || !answer.not_found.is_empty() {
        return Err(format!(
            "status pull from {cursor}: complete {}, {} changed (expected {changed}), {} not found of {}",
            answer.complete,
            answer.changed.len(),
            answer.not_found.len(),
            pairs.len()
        ));
    }
    Ok(answer.cursor)
}

/// One GET per pair, one after another.
async fn single_lookups(
    client: &reqwest::Client,
    url: &str,
    pairs: &[TrackedPair],
) -> Result<(), Failure> {
    for p in pairs {
        let r = client
            .get(format!("{url}/api/v1/dossiers/{}", p.code))
            .query(&[("check", &p.check)])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = r.status();
        let body = r.bytes().await.map_err(|e| e.to_string())?;
        if !status.is_success() || body.is_empty() {
            return Err(format!("look-up of {} answered {status}", p.code));
        }
    }
    Ok(())
}

/// Bytes up and down for one run of `what`, through a fresh counting relay and client.
async fn bytes<F, Fut>(upstream: std::net::SocketAddr, what: F) -> Result<(u64, u64), Failure>
where
    F: FnOnce(reqwest::Client, String) -> Fut,
    Fut: std::future::Future<Output = Result<(), Failure>>,
{
    let (relay, counts) = counting_relay(upstream).await?;
    what(http()?, relay.trim_end_matches('/').to_owned()).await?;
    // The relay adds a connection's bytes when it closes: the client above is dropped; wait.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok((
        counts.0.load(Ordering::Relaxed),
        counts.1.load(Ordering::Relaxed),
    ))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

pub async fn figures(rounds: usize) -> Result<(), Failure> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (server, pairs) = city(dir.path()).await?;
    let upstream = server
        .url
        .trim_start_matches("http://")
        .parse()
        .map_err(|e: std::net::AddrParseError| e.to_string())?;
    let (pull_up, pull_down) = bytes(upstream, |c, url| {
        let pairs = pairs.clone();
        async move { one_pull(&c, &url, &pairs).await }
    })
    .await?;
    let (each_up, each_down) = bytes(upstream, |c, url| {
        let pairs = pairs.clone();
        async move { single_lookups(&c, &url, &pairs).await }
    })
    .await?;
    // The usual background round: the cursor of the last answer, nothing changed since.
    let cursor = pull(&http()?, &server.url, &pairs, 0, pairs.len()).await?;
    let (quiet_up, quiet_down) = bytes(upstream, |c, url| {
        let pairs = pairs.clone();
        async move { pull(&c, &url, &pairs, cursor, 0).await.map(|_| ()) }
    })
    .await?;
    let (mut pulls, mut each) = (Vec::new(), Vec::new());
    let client = http()?;
    // One unmeasured run of each first: the connection and the database's pages warm.
    one_pull(&client, &server.url, &pairs).await?;
    single_lookups(&client, &server.url, &pairs).await?;
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        one_pull(&client, &server.url, &pairs).await?;
        pulls.push(t.elapsed());
        let t = Instant::now();
        single_lookups(&client, &server.url, &pairs).await?;
        each.push(t.elapsed());
    }
    let (pull, each) = (median(pulls), median(each));
    let kb = |b: u64| b as f64 / 1024.0;
    let (pull_total, each_total) = (pull_up + pull_down, each_up + each_down);
    println!(
        "dossier status of {n} tracked: ONE changes pull {:.1} KB ({:.1} up, {:.1} down) in {:.1} ms; {n} single look-ups {:.1} KB ({:.1} up, {:.1} down) in {:.1} ms; look-ups/pull: bytes {:.2}x, time {:.2}x   (HTTP/1.1 on 127.0.0.1, headers included; time median of {} rounds)",
        kb(pull_total),
        kb(pull_up),
        kb(pull_down),
        pull.as_secs_f64() * 1000.0,
        kb(each_total),
        kb(each_up),
        kb(each_down),
        each.as_secs_f64() * 1000.0,
        each_total as f64 / pull_total.max(1) as f64,
        each.as_secs_f64() / pull.as_secs_f64().max(1e-9),
        rounds.max(1),
        n = pairs.len(),
    );
    println!(
        "dossier status of {} tracked, nothing changed since the last cursor (the usual background round): ONE pull {:.1} KB ({:.1} up, {:.1} down) = {:.0}x fewer bytes than the look-ups",
        pairs.len(),
        kb(quiet_up + quiet_down),
        kb(quiet_up),
        kb(quiet_down),
        each_total as f64 / (quiet_up + quiet_down).max(1) as f64,
    );
    Ok(())
}
