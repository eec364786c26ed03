//! Figures of the feedback journey on the device, each next to a baseline measured in the same
//! run:
//! - shrinking a 12-megapixel camera photo (time, size in and out), against decoding it alone;
//! - "Send" to "saved" offline (draft + 3 photos → report, photos and outbox rows in one
//!   transaction), against a bare SQLite insert of the same bytes with `synchronous=FULL`;
//! - bytes on the wire for one report with 3 photos, counted by a relay on 127.0.0.1.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use city_api::Keys;
use city_api::local::LocalServer;
use core_engine::sync::Quiet;
use core_engine::{Engine, EngineConfig};
use model::ApiBaseUrl;
use model::draft::{Draft, Identity, PlaceMode};
use model::feedback::PhotoPurpose;
use model::report_dto::SubmitAnswer;

use crate::client::API_KEY;

type Failure = String;

/// A camera-like 12 MP JPEG: smooth areas and fine detail, as a street photo has.
pub fn camera_photo(seed: u32) -> Result<Vec<u8>, Failure> {
    let mut rng = fastrand::Rng::with_seed(u64::from(seed));
    let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
        let base = ((x / 16 + y / 24 + seed) % 200) as u8;
        image::Rgb([
            base.wrapping_add(rng.u8(..24)),
            (base / 2).wrapping_add(rng.u8(..24)),
            (255 - base).wrapping_add(rng.u8(..24)),
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn draft() -> Draft {
    Draft {
        service_code: Some("thoat-nuoc".into()),
        answers: BTreeMap::from([("kind".into(), vec!["flood".into()])]),
        description: "Ngập sâu trước chợ sau cơn mưa, xe máy chết máy".into(),
        place_mode: PlaceMode::Address,
        ward_code: Some("26743".into()),
        address: "12 Lê Lợi".into(),
        identity: Identity::Anonymous,
        ..Draft::default()
    }
}

fn engine(dir: &std::path::Path, url: &str) -> Result<Engine, Failure> {
    Ok(Engine::start(EngineConfig {
        data_dir: dir.to_owned(),
        default_api_url: ApiBaseUrl::parse(url).map_err(|e| e.to_string())?,
        api_key: API_KEY.into(),
    }))
}

fn photo_figures(photos: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, Failure> {
    let mut shrink = Vec::new();
    let mut decode = Vec::new();
    let mut out = Vec::new();
    for p in photos {
        let t = Instant::now();
        image::load_from_memory(p).map_err(|e| e.to_string())?;
        decode.push(t.elapsed());
        let t = Instant::now();
        let prepared = core_engine::photo::prepare(p).map_err(|e| e.to_string())?;
        shrink.push(t.elapsed());
        out.push(prepared.photo.bytes);
    }
    shrink.sort();
    decode.sort();
    let (s, d) = (percentile(&shrink, 0.5), percentile(&decode, 0.5));
    println!(
        "photo: 12 MP JPEG of {:.1} MB shrunk to {} KB in {:.0} ms (median of {}); decoding alone {:.0} ms = {:.2}x",
        photos[0].len() as f64 / 1e6,
        out[0].len() / 1024,
        ms(s),
        photos.len(),
        ms(d),
        s.as_secs_f64() / d.as_secs_f64()
    );
    Ok(out)
}

fn save_figures(shrunk: &[Vec<u8>], n: usize) -> Result<(), Failure> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let engine = engine(dir.path(), "http://127.0.0.1:9/")?;
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        engine.save_draft(draft()).map_err(|e| e.to_string())?;
        for p in shrunk.iter().take(3) {
            engine
                .add_photo(PhotoPurpose::Report, None, p)
                .map_err(|e| e.to_string())?;
        }
        let t = Instant::now();
        let answer = engine.submit_draft().map_err(|e| e.to_string())?;
        lat.push(t.elapsed());
        if !matches!(answer, SubmitAnswer::Queued { .. }) {
            return Err(format!("not queued: {answer:?}"));
        }
    }
    lat.sort();
    // Baseline: the same bytes written by a bare insert, one transaction, synchronous=FULL.
    let conn =
        rusqlite::Connection::open(dir.path().join("baseline.db")).map_err(|e| e.to_string())?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
         CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB NOT NULL);",
    )
    .map_err(|e| e.to_string())?;
    let mut base = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let tx = conn.unchecked_transaction().map_err(|e| e.to_string())?;
        for p in shrunk.iter().take(3) {
            tx.execute("INSERT INTO t (b) VALUES (?1)", [p])
                .map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())?;
        base.push(t.elapsed());
    }
    base.sort();
    println!(
        "send → saved offline (report + 3 photos of ~{} KB + outbox rows, one transaction): p50 {:.2} ms   p95 {:.2} ms ({n} sends); bare insert of the same bytes p95 {:.2} ms = {:.2}x",
        shrunk.first().map_or(0, |p| p.len() / 1024),
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.95)),
        ms(percentile(&base, 0.95)),
        percentile(&lat, 0.95).as_secs_f64() / percentile(&base, 0.95).as_secs_f64().max(1e-9),
    );
    Ok(())
}

/// Forwards 127.0.0.1 connections to `upstream`, counting bytes each way.
pub(crate) async fn counting_relay(
    upstream: std::net::SocketAddr,
) -> Result<(String, Arc<(AtomicU64, AtomicU64)>), Failure> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let counts = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
    let c = counts.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let c = c.clone();
            tokio::spawn(async move {
                if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await
                    && let Ok((up, down)) =
                        tokio::io::copy_bidirectional(&mut client, &mut server).await
                {
                    c.0.fetch_add(up, Ordering::Relaxed);
                    c.1.fetch_add(down, Ordering::Relaxed);
                }
            });
        }
    });
    Ok((format!("http://{addr}/"), counts))
}

async fn wire_figures(shrunk: &[Vec<u8>]) -> Result<(), Failure> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let keys = Keys {
        api_keys: vec![API_KEY.into()],
        staff_key: None,
    };
    let city = LocalServer::start_with(&dir.path().join("city.db"), keys, |s| {
        // Load from one address: the rate limits are not what is measured here.
        s.with_limits(city_api::limits::Limits::lifted())
    })
    .await
    .map_err(|e| e.to_string())?;
    let upstream = city
        .url
        .trim_start_matches("http://")
        .parse()
        .map_err(|e: std::net::AddrParseError| e.to_string())?;
    let (relay, counts) = counting_relay(upstream).await?;
    // Filed with the relay's address (a report goes only where it was filed).
    let engine = engine(&dir.path().join("app"), &relay)?;
    engine.save_draft(draft()).map_err(|e| e.to_string())?;
    let mut photo_bytes = 0;
    for p in shrunk.iter().take(3) {
        photo_bytes += engine
            .add_photo(PhotoPurpose::Report, None, p)
            .map_err(|e| e.to_string())?
            .bytes;
    }
    engine.submit_draft().map_err(|e| e.to_string())?;
    // Sending only: the status pull after it is counted apart.
    let round = engine.sync(&Quiet).await.map_err(|e| e.to_string())?;
    if round.round.sent.delivered != 4 {
        return Err(format!("delivered {} of 4", round.round.sent.delivered));
    }
    // The relay counts a connection when it closes: close the engine's pool first.
    drop(engine);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (up, down) = (
        counts.0.load(Ordering::Relaxed),
        counts.1.load(Ordering::Relaxed),
    );
    println!(
        "one report with 3 photos on the wire: {:.0} KB up, {:.1} KB down (photos {:.0} KB; the rest is the form, multipart and HTTP, plus the status pull)",
        up as f64 / 1024.0,
        down as f64 / 1024.0,
        photo_bytes as f64 / 1024.0
    );
    Ok(())
}

pub async fn figures(sends: usize) -> Result<(), Failure> {
    let photos = (1..=3).map(camera_photo).collect::<Result<Vec<_>, _>>()?;
    let shrunk = photo_figures(&photos)?;
    save_figures(&shrunk, sends)?;
    wire_figures(&shrunk).await
}
