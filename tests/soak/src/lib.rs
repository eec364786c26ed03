//! Proof and figures for the sync engine (see `citizen-soak --help`):
//!
//! - [`proxy`]: a fault-injecting HTTP proxy on 127.0.0.1;
//! - [`client`]: the sync engine as a child process the soak kills with SIGKILL;
//! - [`soak`]: the driver that queues reports offline, plays faults and kills, and checks the
//!   city's database for every report exactly once;
//! - [`bench`]: server throughput and latency, client sync against a plain POST loop, and the
//!   local durable save;
//! - [`feedback_bench`]: the feedback journey on the device (12 MP photo shrink, "send" to
//!   "saved" offline, bytes on the wire for a report with 3 photos);
//! - [`dossier_bench`]: one status pull for 500 tracked dossiers against 500 single look-ups
//!   (bytes on the wire, time);
//! - [`scoreboard_bench`]: the 766 scoreboard of 168 wards from 100,000 reports and 100,000
//!   dossiers: time cold and cached, peak memory, bytes, against `GET /api/v1/wards/stats`;
//! - [`signature_bench`]: the device signature's cost per request (sign, verify) and its share
//!   of a signed POST's time.

pub mod bench;
pub mod client;
pub mod dossier_bench;
pub mod feedback_bench;
pub mod proxy;
pub mod scoreboard_bench;
pub mod signature_bench;
pub mod soak;

/// The runtime each subcommand runs on (two workers: the machines have two cores).
pub fn runtime(who: &str) -> Result<tokio::runtime::Runtime, std::process::ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|err| {
            eprintln!("{who}: no runtime: {err}");
            std::process::ExitCode::from(2)
        })
}
