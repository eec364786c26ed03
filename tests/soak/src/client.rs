//! `citizen-soak client`: the app's sync engine as its own process, so the soak can kill it
//! with SIGKILL at any moment. It sends the outbox in `--dir` until it is empty, then exits 0.
//! With `--kill-after-ack N` it kills itself with SIGKILL right after the city acknowledged its
//! N-th item and before recording it: the worst moment for "nothing duplicated".

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use core_engine::store::{OutboxItem, Store};
use core_engine::sync::transport::Target;
use core_engine::sync::worker::now_ms;
use core_engine::sync::{Quiet, SyncObserver, Worker};
use model::ApiBaseUrl;

pub const API_KEY: &str = "soak-app-key";
/// Printed just before a self-kill, so the driver can tell it from its own kills.
pub const ACK_KILL_MARK: &str = "ACK-KILL";

#[derive(clap::Args)]
pub struct ClientArgs {
    /// The app's data folder (holds citizen.db).
    #[arg(long)]
    pub dir: PathBuf,
    /// The city API (here: the fault proxy).
    #[arg(long)]
    pub url: String,
    /// SIGKILL this process after the N-th acknowledgement, before it is recorded.
    #[arg(long)]
    pub kill_after_ack: Option<u32>,
}

struct KillAfterAck(AtomicU32);

impl SyncObserver for KillAfterAck {
    fn acknowledged(&self, _item: &OutboxItem) {
        if self.0.fetch_sub(1, Ordering::SeqCst) == 1 {
            println!("{ACK_KILL_MARK}");
            let pid = std::process::id().to_string();
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid])
                .status();
            // `kill` missing: die without recording all the same.
            std::process::abort();
        }
    }
}

pub fn run(args: ClientArgs) -> ExitCode {
    let runtime = match crate::runtime("client") {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    runtime.block_on(drain(args))
}

async fn drain(args: ClientArgs) -> ExitCode {
    let store = match Store::open_in(&args.dir) {
        Ok(s) => Mutex::new(s),
        Err(err) => {
            eprintln!("client: cannot open the store: {err}");
            return ExitCode::from(2);
        }
    };
    let (Ok(base), Ok(http)) = (
        ApiBaseUrl::parse(&args.url),
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .build(),
    ) else {
        eprintln!("client: bad URL or no HTTP client");
        return ExitCode::from(2);
    };
    let worker = Worker::new(
        http,
        Target {
            base,
            api_key: API_KEY.into(),
        },
    );
    let killer = args.kill_after_ack.map(|n| KillAfterAck(AtomicU32::new(n)));
    let observer: &dyn SyncObserver = match &killer {
        Some(k) => k,
        None => &Quiet,
    };
    loop {
        let summary = match worker.send_due(&store, observer).await {
            Ok(s) => s,
            Err(err) => {
                eprintln!("client: local store failed: {err}");
                return ExitCode::from(3);
            }
        };
        let Some(next) = summary.next_due_ms else {
            return ExitCode::SUCCESS;
        };
        let wait = (next - now_ms()).clamp(1, 5_000);
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
}
