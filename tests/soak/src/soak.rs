//! `citizen-soak run`: per seed, a fresh reference city API and a fault proxy in this process;
//! reports queued offline into a fresh app database; then the sync engine as a child process,
//! killed with SIGKILL again and again (by this driver at random moments, and by itself right
//! after an acknowledgement and before recording it) until it has emptied the outbox. Then the
//! city's database is compared with what was queued: every report exactly once, every photo
//! exactly once.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use city_api::Keys;
use city_api::local::LocalServer;
use core_engine::store::{Photo, Store};
use model::ApiBaseUrl;
use tokio::io::AsyncReadExt;

use crate::client::{ACK_KILL_MARK, API_KEY};
use crate::proxy::FaultProxy;

#[derive(clap::Args, Clone)]
pub struct RunArgs {
    /// Reports queued offline per seed (every 10th with a photo).
    #[arg(long, default_value_t = 1000)]
    pub reports: usize,
    /// Seeds to run (1..=N); each seed drives the faults and the kill schedule.
    #[arg(long, default_value_t = 20)]
    pub seeds: u64,
    /// First seed (to replay one: `--first-seed 7 --seeds 1`).
    #[arg(long, default_value_t = 1)]
    pub first_seed: u64,
    /// Chance that a request meets a fault.
    #[arg(long, default_value_t = 0.05)]
    pub fault_rate: f64,
    /// Kills right after an acknowledgement, before the local record, per seed.
    #[arg(long, default_value_t = 2)]
    pub ack_kills: u32,
    /// Kills at random moments, per seed.
    #[arg(long, default_value_t = 2)]
    pub random_kills: u32,
    /// Fail unless at least this many link faults were played in all.
    #[arg(long, default_value_t = 100)]
    pub min_faults: u64,
    /// Fail unless at least this many kills happened in all.
    #[arg(long, default_value_t = 50)]
    pub min_kills: u64,
    /// Fail unless at least this many of them fell between acknowledgement and record.
    #[arg(long, default_value_t = 10)]
    pub min_ack_kills: u64,
}

#[derive(Default, Debug)]
struct Tally {
    reports: usize,
    photos: usize,
    requests: u64,
    faults: u64,
    ack_kills: u64,
    random_kills: u64,
    lost: usize,
    duplicated: usize,
    left_in_outbox: usize,
    unacknowledged: usize,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.reports += o.reports;
        self.photos += o.photos;
        self.requests += o.requests;
        self.faults += o.faults;
        self.ack_kills += o.ack_kills;
        self.random_kills += o.random_kills;
        self.lost += o.lost;
        self.duplicated += o.duplicated;
        self.left_in_outbox += o.left_in_outbox;
        self.unacknowledged += o.unacknowledged;
    }

    fn clean(&self) -> bool {
        self.lost == 0
            && self.duplicated == 0
            && self.left_in_outbox == 0
            && self.unacknowledged == 0
    }
}

fn marker(seed: u64, n: usize) -> String {
    format!("Soak s{seed} r{n}: cống nghẹt, nước tràn lên lề")
}

fn owner_key(seed: u64, n: usize) -> String {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&(n as u64).to_le_bytes());
    model::trust::OwnerKey::from_bytes(bytes).to_text()
}

fn form(seed: u64, n: usize) -> Vec<(String, String)> {
    [
        ("service_code", "thoat-nuoc".to_owned()),
        ("lat", format!("{:.5}", 10.77 + (n % 50) as f64 * 0.001)),
        ("long", "106.694".to_owned()),
        ("description", marker(seed, n)),
        ("attribute[kind]", "blocked".to_owned()),
        // Each report's own key, which its photo must show (as the app makes one per report).
        (model::trust::owner::FIELD, owner_key(seed, n)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

pub fn photo() -> Photo {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    // An in-memory JPEG encode of a valid image cannot fail; an empty photo would be refused
    // by the city and show up as a failure, not pass silently.
    let _ = img.write_to(&mut out, image::ImageFormat::Jpeg);
    Photo {
        mime: "image/jpeg".into(),
        bytes: out.into_inner(),
    }
}

/// Queues the reports as the app does offline: report and outbox row in one transaction, bound
/// to the address they will be sent to.
fn queue(dir: &Path, seed: u64, n: usize, origin: &ApiBaseUrl) -> Result<usize, String> {
    let mut store = Store::open_in(dir).map_err(|e| format!("open app store: {e}"))?;
    let pic = photo();
    let mut photos = 0;
    for i in 0..n {
        let with: &[Photo] = if i % 10 == 0 {
            photos += 1;
            std::slice::from_ref(&pic)
        } else {
            &[]
        };
        store
            .save_report(&form(seed, i), with, origin, i as i64)
            .map_err(|e| format!("queue report {i}: {e}"))?;
    }
    Ok(photos)
}

enum Launch {
    AckKill(u32),
    RandomKill(Duration),
    ToTheEnd,
}

/// How one child ended.
enum End {
    Drained,
    KilledAfterAck,
    KilledByUs,
}

async fn launch(exe: &Path, dir: &Path, url: &str, how: &Launch) -> Result<End, String> {
    let mut cmd = tokio::process::Command::new(exe);
    cmd.arg("client")
        .arg("--dir")
        .arg(dir)
        .arg("--url")
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    if let Launch::AckKill(n) = how {
        cmd.arg("--kill-after-ack").arg(n.to_string());
    }
    let mut child = cmd.spawn().map_err(|e| format!("spawn client: {e}"))?;
    let mut stdout = child.stdout.take();
    let status = match how {
        Launch::RandomKill(after) => {
            tokio::select! {
                status = child.wait() => status,
                () = tokio::time::sleep(*after) => {
                    // SIGKILL, as `kill -9`.
                    child.start_kill().map_err(|e| format!("kill: {e}"))?;
                    child.wait().await.map_err(|e| format!("wait: {e}"))?;
                    return Ok(End::KilledByUs);
                }
            }
        }
        _ => tokio::time::timeout(Duration::from_secs(600), child.wait())
            .await
            .map_err(|_| "a client ran for 10 minutes".to_owned())?,
    }
    .map_err(|e| format!("wait: {e}"))?;
    let mut out = String::new();
    if let Some(s) = stdout.as_mut() {
        let _ = s.read_to_string(&mut out).await;
    }
    if status.success() {
        return Ok(End::Drained);
    }
    if out.contains(ACK_KILL_MARK) {
        return Ok(End::KilledAfterAck);
    }
    Err(format!("the client failed: {status}"))
}

async fn run_seed(exe: &Path, args: &RunArgs, seed: u64) -> Result<Tally, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let app_dir = dir.path().join("app");
    let keys = Keys {
        api_keys: vec![API_KEY.into()],
        staff_key: None,
    };
    let server = LocalServer::start_with(&dir.path().join("city.db"), keys, |s| {
        // Load from one address: the rate limits are not what is measured here.
        s.with_limits(city_api::limits::Limits::lifted())
    })
    .await
    .map_err(|e| format!("server: {e}"))?;
    let upstream: SocketAddr = server
        .url
        .trim_start_matches("http://")
        .parse()
        .map_err(|e| format!("server address: {e}"))?;
    let proxy = FaultProxy::start(upstream, seed, args.fault_rate)
        .await
        .map_err(|e| format!("proxy: {e}"))?;
    let url = format!("http://{}/", proxy.addr);
    let origin = ApiBaseUrl::parse(&url).map_err(|e| format!("proxy address: {e}"))?;
    let photos = queue(&app_dir, seed, args.reports, &origin)?;

    let mut rng = fastrand::Rng::with_seed(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let most_acks = u32::try_from(args.reports / 8).unwrap_or(u32::MAX).max(2);
    let mut plan: Vec<Launch> = Vec::new();
    for _ in 0..args.ack_kills {
        plan.push(Launch::AckKill(rng.u32(1..=most_acks)));
    }
    for _ in 0..args.random_kills {
        plan.push(Launch::RandomKill(Duration::from_millis(
            rng.u64(150..=900),
        )));
    }
    rng.shuffle(&mut plan);
    plan.push(Launch::ToTheEnd);

    let mut tally = Tally {
        reports: args.reports,
        photos,
        ..Tally::default()
    };
    for how in &plan {
        match launch(exe, &app_dir, &url, how).await? {
            End::Drained => break,
            End::KilledAfterAck => tally.ack_kills += 1,
            End::KilledByUs => tally.random_kills += 1,
        }
    }
    tally.requests = proxy.counters.requests.load(Ordering::Relaxed);
    tally.faults = proxy.counters.faults();
    let faults = proxy.counters.summary();

    let prefix = format!("Soak s{seed} r%");
    let (rows, media) = server
        .db
        .with(|c| {
            let mut stmt = c.prepare(
                "SELECT description, count(*) FROM requests WHERE description LIKE ?1 GROUP BY description",
            )?;
            let rows = stmt
                .query_map([&prefix], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            let media: i64 = c.query_row("SELECT count(*) FROM media", [], |r| r.get(0))?;
            Ok::<_, rusqlite::Error>((rows, media))
        })
        .map_err(|e| format!("read the city's database: {e}"))?;
    let expected: std::collections::HashSet<String> =
        (0..args.reports).map(|n| marker(seed, n)).collect();
    let found: std::collections::HashSet<&String> = rows.iter().map(|(d, _)| d).collect();
    tally.lost = expected.iter().filter(|m| !found.contains(m)).count()
        + usize::try_from(photos as i64 - media).unwrap_or(0);
    tally.duplicated = rows
        .iter()
        .map(|(_, n)| usize::try_from(n - 1).unwrap_or(0))
        .sum::<usize>()
        + usize::try_from(media - photos as i64).unwrap_or(0);
    let store = Store::open_in(&app_dir).map_err(|e| format!("reopen app store: {e}"))?;
    let counts = store.outbox_counts().map_err(|e| e.to_string())?;
    tally.left_in_outbox = (counts.queued + counts.sending + counts.needs_attention) as usize;
    tally.unacknowledged = args.reports
        - store
            .followed_reports(&origin)
            .map_err(|e| e.to_string())?
            .len();
    println!(
        "seed {seed:>3}: {} reports + {} photos, {} requests through the proxy, {} link faults ({faults}), kills {} (after ack, before record: {}), lost {}, duplicated {}, left in outbox {}",
        tally.reports,
        tally.photos,
        tally.requests,
        tally.faults,
        tally.ack_kills + tally.random_kills,
        tally.ack_kills,
        tally.lost,
        tally.duplicated,
        tally.left_in_outbox
    );
    Ok(tally)
}

pub fn run(args: RunArgs) -> ExitCode {
    let exe: PathBuf = match std::env::current_exe() {
        Ok(p) => p,
        Err(err) => {
            eprintln!("soak: cannot find my own binary: {err}");
            return ExitCode::from(2);
        }
    };
    let runtime = match crate::runtime("soak") {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let started = Instant::now();
    let mut total = Tally::default();
    for seed in args.first_seed..args.first_seed + args.seeds {
        match runtime.block_on(run_seed(&exe, &args, seed)) {
            Ok(t) => total.add(&t),
            Err(err) => {
                eprintln!("soak: seed {seed}: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    let kills = total.ack_kills + total.random_kills;
    println!(
        "TOTAL {} seeds in {:.1} s: {} reports + {} photos queued offline; {} requests, {} link faults; {} kills -9 ({} between ack and local save); lost {}, duplicated {}, left in outbox {}, without a city id {}",
        args.seeds,
        started.elapsed().as_secs_f64(),
        total.reports,
        total.photos,
        total.requests,
        total.faults,
        kills,
        total.ack_kills,
        total.lost,
        total.duplicated,
        total.left_in_outbox,
        total.unacknowledged
    );
    let mut ok = total.clean();
    for (what, got, want) in [
        ("link faults", total.faults, args.min_faults),
        ("kills", kills, args.min_kills),
        (
            "kills between ack and save",
            total.ack_kills,
            args.min_ack_kills,
        ),
    ] {
        if got < want {
            println!("NOT ENOUGH {what}: {got} < {want}");
            ok = false;
        }
    }
    println!("{}", if ok { "PASS" } else { "FAIL" });
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
