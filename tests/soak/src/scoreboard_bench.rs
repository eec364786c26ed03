//! The 766 scoreboard for all 168 wards (issue 15), computed by the reference server from
//! 100,000 field reports and 100,000 dossiers (and 20,000 ward ratings) spread over the last
//! five months: the server's time for a period it has not computed yet (cold: SQL aggregates
//! over the three tables, both the period and the previous one for the trends) and for one it
//! has (cached per period and data version), the process's peak memory while computing, and
//! the bytes of the answer as the server sends them, raw and gzipped (`Accept-Encoding: gzip`). The baseline in the same run: `GET
//! /api/v1/wards/stats`, every ward's statistics by the one-ward query.
//!
//! Time: measured by the client over 127.0.0.1 (HTTP included), the median of several asks;
//! each cold ask names another past month, so none is answered from the cache. Memory: the
//! peak resident size (`VmHWM`, reset through `/proc/self/clear_refs` first) minus the size
//! before the ask; the process holds the client and the server both.

use std::io::Write;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use city_api::Keys;
use city_api::db::{self, Db};
use city_api::local::LocalServer;
use model::scoreboard::Scoreboard;

use crate::client::API_KEY;

type Failure = String;

const REPORTS: usize = 100_000;
const DOSSIERS: usize = 100_000;
const RATINGS: usize = 20_000;
/// Days back the data is spread over.
const SPAN_DAYS: i64 = 150;

fn ts(t: chrono::DateTime<Utc>) -> String {
    city_api::db::requests::timestamp(t)
}

/// Fills `file` with the HCMC units, the services and the data measured on.
fn fill(file: &std::path::Path) -> Result<(), Failure> {
    let db = Db::open(file).map_err(|e| e.to_string())?;
    db.with(db::seed_hcmc).map_err(|e| e.to_string())?;
    db.with(db::seed_services).map_err(|e| e.to_string())?;
    db.with(|c| -> rusqlite::Result<()> {
        let wards: Vec<String> = c
            .prepare("SELECT code FROM wards ORDER BY code")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let now = Utc::now();
        let mut rng = fastrand::Rng::with_seed(766);
        let tx = c.unchecked_transaction()?;
        {
            let mut d = tx.prepare(
                "INSERT INTO dossiers (code, check_value, procedure_code, procedure_vi,
                     procedure_en, field, agency, ward_code, status, submitted_at, expected_at,
                     finished_at, change_seq, channel, result_electronic)
                 VALUES (?1, 'K7M2QX', 'p', 'Thủ tục', 'Procedure', 'land', 'UBND', ?2, ?3, ?4,
                     ?5, ?6, ?7, ?8, ?9)",
            )?;
            for i in 0..DOSSIERS {
                let ward = &wards[rng.usize(..wards.len())];
                let sub = now - Days::minutes(rng.i64(0..SPAN_DAYS * 24 * 60));
                let due = sub + Days::days(rng.i64(5..=20));
                let end = sub + Days::days(rng.i64(1..=25));
                let done = (rng.u8(..10) < 8 && end < now).then_some(end);
                let channel = ["online", "in_person", "post"][rng.usize(..3)];
                d.execute(rusqlite::params![
                    format!("000.00.04.H29-{:06}-{:04}", i / 10_000, i % 10_000),
                    ward,
                    if done.is_some() {
                        "returned"
                    } else {
                        "processing"
                    },
                    ts(sub),
                    ts(due),
                    done.map(ts),
                    i as i64 + 1,
                    channel,
                    done.map(|_| i64::from(rng.bool())),
                ])?;
            }
            let mut r = tx.prepare(
                "INSERT INTO requests (id, token, service_code, description, ward_code, answers,
                     status, agency, requested_at, updated_at, expected_at, resolved_at,
                     change_seq)
                 VALUES (?1, ?2, 'thoat-nuoc', 'Bench', ?3, '{}', ?4, 'UBND', ?5, ?5, ?6, ?7, ?1)",
            )?;
            let mut g = tx.prepare(
                "INSERT INTO request_ratings (request_id, satisfaction, at) VALUES (?1, ?2, ?3)",
            )?;
            let mut e = tx.prepare(
                "INSERT INTO request_events (request_id, at, status, actor)
                 VALUES (?1, ?2, 'reopened', 'citizen')",
            )?;
            for i in 1..=REPORTS as i64 {
                let ward = &wards[rng.usize(..wards.len())];
                let at = now - Days::minutes(rng.i64(0..SPAN_DAYS * 24 * 60));
                let due = (rng.u8(..10) < 9).then(|| at + Days::days(5));
                let end = at + Days::hours(rng.i64(2..=200));
                let resolved = (rng.u8(..4) < 3 && end < now).then_some(end);
                r.execute(rusqlite::params![
                    i,
                    format!("bench-{i}"),
                    ward,
                    if resolved.is_some() {
                        "resolved"
                    } else {
                        "received"
                    },
                    ts(at),
                    due.map(ts),
                    resolved.map(ts),
                ])?;
                if let Some(end) = resolved {
                    if rng.u8(..5) == 0 {
                        let s = ["satisfied", "neutral", "unsatisfied"][rng.usize(..3)];
                        g.execute(rusqlite::params![i, s, ts(end + Days::hours(1))])?;
                    }
                    if rng.u8(..30) == 0 {
                        e.execute(rusqlite::params![i, ts(end + Days::hours(2))])?;
                    }
                }
            }
            let mut w = tx.prepare(
                "INSERT INTO ward_ratings (ward_code, device_id, month, access, procedures,
                     officials, result, feedback, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let answer =
                |rng: &mut fastrand::Rng| ["satisfied", "neutral", "unsatisfied"][rng.usize(..3)];
            for i in 0..RATINGS {
                let ward = &wards[rng.usize(..wards.len())];
                let at = now - Days::minutes(rng.i64(0..SPAN_DAYS * 24 * 60));
                w.execute(rusqlite::params![
                    ward,
                    format!("bench-device-{i}"),
                    (at + Days::hours(7)).format("%Y-%m").to_string(),
                    answer(&mut rng),
                    answer(&mut rng),
                    answer(&mut rng),
                    answer(&mut rng),
                    answer(&mut rng),
                    ts(at),
                ])?;
            }
        }
        tx.execute(
            "UPDATE counters SET value = ?1 WHERE name = 'change_seq'",
            [REPORTS as i64],
        )?;
        tx.execute(
            "UPDATE counters SET value = ?1 WHERE name = 'dossier_seq'",
            [DOSSIERS as i64],
        )?;
        tx.commit()
    })
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Resident size now and the peak since the last reset, in KiB (Linux; `None` elsewhere).
fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn reset_peak() {
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .write(true)
        .open("/proc/self/clear_refs")
    {
        let _ = f.write_all(b"5");
    }
}

/// The bytes the server sends for `url` to a client that takes gzip (`Content-Encoding: gzip`
/// checked): what a phone receives, as served.
async fn served_gzip(client: &reqwest::Client, url: &str) -> Result<usize, Failure> {
    let r = client
        .get(url)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let coded = r
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v == "gzip");
    if !r.status().is_success() || !coded {
        return Err(format!("{url} answered {} without gzip", r.status()));
    }
    Ok(r.bytes().await.map_err(|e| e.to_string())?.len())
}

/// One GET: its time and body.
async fn ask(
    client: &reqwest::Client,
    url: &str,
) -> Result<(Duration, Vec<u8>, Option<String>), Failure> {
    let t = Instant::now();
    let r = client.get(url).send().await.map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("{url} answered {}", r.status()));
    }
    let etag = r
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = r.bytes().await.map_err(|e| e.to_string())?.to_vec();
    Ok((t.elapsed(), body, etag))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub async fn figures() -> Result<(), Failure> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("scoreboard.db");
    let t = Instant::now();
    fill(&file)?;
    let filled = t.elapsed();
    let keys = Keys {
        api_keys: vec![API_KEY.into()],
        staff_key: None,
    };
    let server = LocalServer::start_with(&file, keys, |s| {
        s.with_limits(city_api::limits::Limits::lifted())
    })
    .await
    .map_err(|e| e.to_string())?;
    // Unpacks nothing itself: the bytes counted are the bytes sent.
    let client = reqwest::Client::builder()
        .no_gzip()
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| e.to_string())?;
    let base = &server.url;
    let today = model::scoreboard::Period::today(Utc::now());

    // Cold: the current month first (memory measured on it), then four past months.
    let (rss_before, _) = memory().unwrap_or_default();
    reset_peak();
    let (first, body, etag) =
        ask(&client, &format!("{base}/api/v1/scoreboard?period=month")).await?;
    let (_, peak) = memory().unwrap_or_default();
    let board: Scoreboard = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    if board.wards.len() != 168 {
        return Err(format!("{} wards in the scoreboard", board.wards.len()));
    }
    let mut cold = vec![first];
    for back in 1..=4 {
        let at = today - Days::days(31 * back);
        let (d, _, _) = ask(
            &client,
            &format!("{base}/api/v1/scoreboard?period=month&at={at}"),
        )
        .await?;
        cold.push(d);
    }
    let quarter = ask(&client, &format!("{base}/api/v1/scoreboard?period=quarter"))
        .await?
        .0;
    // Cached: the current month again.
    let mut cached = Vec::new();
    for _ in 0..20 {
        cached.push(
            ask(&client, &format!("{base}/api/v1/scoreboard?period=month"))
                .await?
                .0,
        );
    }
    let mut not_modified = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let r = client
            .get(format!("{base}/api/v1/scoreboard?period=month"))
            .header("If-None-Match", etag.clone().unwrap_or_default())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if r.status() != reqwest::StatusCode::NOT_MODIFIED {
            return Err(format!("revalidation answered {}", r.status()));
        }
        not_modified.push(t.elapsed());
    }
    // Baseline: every ward's statistics (not cached by the server).
    let mut stats = Vec::new();
    let mut stats_body = Vec::new();
    for _ in 0..5 {
        let (d, b, _) = ask(&client, &format!("{base}/api/v1/wards/stats")).await?;
        stats.push(d);
        stats_body = b;
    }
    let history_url = format!("{base}/api/v1/wards/26743/scoreboard?count=6");
    let history = ask(&client, &history_url).await?;
    let board_gz = served_gzip(&client, &format!("{base}/api/v1/scoreboard?period=month")).await?;
    let stats_gz = served_gzip(&client, &format!("{base}/api/v1/wards/stats")).await?;
    let history_gz = served_gzip(&client, &history_url).await?;

    let (cold, cached, not_modified, stats) = (
        median(cold),
        median(cached),
        median(not_modified),
        median(stats),
    );
    println!(
        "scoreboard of 168 wards from {REPORTS} reports, {DOSSIERS} dossiers, {RATINGS} ratings (filled in {:.1} s): cold {:.0} ms (median of 5 months; this quarter {:.0} ms), cached {:.2} ms, 304 {:.2} ms; baseline GET /api/v1/wards/stats {:.0} ms -> cold/stats {:.2}x, stats/cached {:.0}x",
        filled.as_secs_f64(),
        ms(cold),
        ms(quarter),
        ms(cached),
        ms(not_modified),
        ms(stats),
        cold.as_secs_f64() / stats.as_secs_f64().max(1e-9),
        stats.as_secs_f64() / cached.as_secs_f64().max(1e-9),
    );
    println!(
        "scoreboard bytes as served: {} B raw, {} B gzip (wards/stats: {} B raw, {} B gzip); a ward's history of 6 months {} B raw, {} B gzip; peak memory while computing +{} KiB over {} KiB resident (client and server in one process)",
        body.len(),
        board_gz,
        stats_body.len(),
        stats_gz,
        history.1.len(),
        history_gz,
        peak.saturating_sub(rss_before),
        rss_before,
    );
    Ok(())
}
